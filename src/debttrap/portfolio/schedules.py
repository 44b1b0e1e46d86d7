"""Each loan's remaining schedule, rebuilt from its dates and amounts by the cash-flow engine.

From the book's valuation date ``as_of`` a loan repays what it owes (outstanding plus
undisbursed) in equal principal instalments on its own payment dates, from its first
repayment date (or the first date after ``as_of``) to its last repayment date, with
interest at ``rate_pct`` (the statement's current rate) on the balance. The loans go
through :meth:`debttrap.cashflows.LoanArrays.from_arrays` and :func:`run_kernel` as one
batch "signed" at ``as_of``:

* grace: whole payment periods from ``as_of`` to the first repayment date, less one
  (the engine's first instalment falls one period after the grace);
* maturity: whole payment periods to the last repayment date (at least one: a loan past
  its last date repays at the first payment date);
* the undisbursed amount is paid out one year after ``as_of`` (the engine's disbursement
  year 1) when the first repayment is a year or more away, else at ``as_of`` (the engine
  pays every disbursement out before the first repayment).

Flows land in the calendar year of their date (``as_of`` plus the grid time).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from debttrap.cashflows.arrays import LoanArrays
from debttrap.cashflows.engine import run_kernel
from debttrap.portfolio.book import Book

__all__ = ["BookSchedule", "book_schedule"]

FloatArray = NDArray[np.float64]
_DAYS_PER_YEAR = 365.25
#: loans per batch through the cash-flow engine (bounds its working memory)
CHUNK_LOANS = 8192


@dataclass(frozen=True, slots=True, eq=False)
class BookSchedule:
    """Debt service and principal of every loan by calendar year, millions of US$.

    ``debt_service_usd_m`` and ``principal_usd_m`` are ``(loans, years)`` in the book's
    row order; ``balance_usd_m`` is the balance at ``as_of`` after any flow that day.
    """

    loan_ids: tuple[str, ...]
    years: NDArray[np.int64]
    debt_service_usd_m: FloatArray
    principal_usd_m: FloatArray
    interest_usd_m: FloatArray
    balance_usd_m: FloatArray

    def __post_init__(self) -> None:
        for name in ("years", "debt_service_usd_m", "principal_usd_m", "interest_usd_m",
                     "balance_usd_m"):
            getattr(self, name).setflags(write=False)

    def to_frame(self) -> pd.DataFrame:
        """Book totals by ``year``: debt service, principal, interest."""
        return pd.DataFrame(
            {
                "debt_service_usd_m": self.debt_service_usd_m.sum(axis=0),
                "principal_usd_m": self.principal_usd_m.sum(axis=0),
                "interest_usd_m": self.interest_usd_m.sum(axis=0),
            },
            index=pd.Index(self.years, name="year"),
        )


def _periods(dates: pd.Series, as_of: pd.Timestamp, ppy: NDArray[np.int64]) -> FloatArray:
    years = (dates - as_of).dt.days.to_numpy(dtype=np.float64) / _DAYS_PER_YEAR
    out: FloatArray = np.round(years * ppy)
    return out


def book_schedule(book: Book) -> BookSchedule:
    """Rebuild every loan's remaining schedule (see the module docstring)."""
    loans = book.loans
    as_of = pd.Timestamp(book.as_of)
    ppy = loans["payments_per_year"].to_numpy(dtype=np.int64)
    owed = loans["outstanding_usd_m"].to_numpy() + loans["undisbursed_usd_m"].to_numpy()
    first_k = _periods(loans["first_repayment_date"], as_of, ppy)
    last_k = _periods(loans["last_repayment_date"], as_of, ppy)
    last_k = np.maximum(last_k, 1.0)
    grace_k = np.clip(first_k - 1.0, 0.0, last_k - 1.0)
    live = owed > 0
    n = len(loans)
    v_frac = as_of.year + (as_of.day_of_year - 1) / _DAYS_PER_YEAR
    horizon = int(np.ceil((last_k / ppy).max())) + 2 if n else 1
    years = np.arange(as_of.year, as_of.year + horizon + 1, dtype=np.int64)
    ds = np.zeros((n, years.size))
    principal = np.zeros_like(ds)
    interest = np.zeros_like(ds)
    balance = np.zeros(n)
    live_idx = np.flatnonzero(live)

    def year_of(t: float) -> int:
        """Column of the calendar year of a date ``t`` years after ``as_of``."""
        return min(int(np.floor(v_frac + t + 1e-9)) - int(years[0]), years.size - 1)

    # the engine's working arrays are loans x payment dates: batches of CHUNK_LOANS keep
    # them bounded whatever the size of the book (each loan's flows do not depend on the
    # other loans of its batch)
    for start in range(0, live_idx.size, CHUNK_LOANS):
        idx = live_idx[start:start + CHUNK_LOANS]
        out = loans["outstanding_usd_m"].to_numpy()[idx]
        und = loans["undisbursed_usd_m"].to_numpy()[idx]
        late = grace_k[idx] / ppy[idx] >= 1.0  # the engine pays out before the first repayment
        shares = np.stack([np.where(late, out / owed[idx], 1.0),
                           np.where(late, und / owed[idx], 0.0)], axis=1)
        arrays = LoanArrays.from_arrays(
            amount_m=owed[idx],
            rate_pct=loans["rate_pct"].to_numpy()[idx],
            grace_years=grace_k[idx] / ppy[idx],
            maturity_years=last_k[idx] / ppy[idx],
            payments_per_year=ppy[idx],
            amortization="equal_principal",
            disbursement_shares=shares,
            signing_year=as_of.year,
        )
        sched, _ = run_kernel(arrays)
        assert sched is not None
        # each loan's own dates summed by calendar year, straight from the compact schedule
        sums = sched.sum_by_time(("debt_service", "principal", "interest"), year_of, years.size)
        ds[idx] = sums["debt_service"]
        principal[idx] = sums["principal"]
        interest[idx] = sums["interest"]
        balance[idx] = sched.balance_at_signing
    return BookSchedule(
        loan_ids=tuple(loans["loan_id"].astype(str)),
        years=years,
        debt_service_usd_m=ds,
        principal_usd_m=principal,
        interest_usd_m=interest,
        balance_usd_m=balance,
    )
