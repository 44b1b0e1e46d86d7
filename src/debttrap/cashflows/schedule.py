"""Schedules as result objects: per period, per calendar year, one loan or many.

>>> from debttrap.terms import Creditor, Loan
>>> loan = Loan(creditor=Creditor(name="IDA", type="multilateral"), amount_m=100,
...             signing_year=2025, rate_pct=0.75, grace_years=6, maturity_years=38,
...             payments_per_year=2)
>>> s = schedule(loan)
>>> round(float(s.to_frame()["principal"].sum()), 9)
100.0
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from debttrap.cashflows.arrays import LoanArrays
from debttrap.cashflows.compact import CompactSchedule, debt_service_of
from debttrap.cashflows.engine import FLOW_NAMES, _read_only, run_kernel
from debttrap.terms.loan import Loan

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["AnnualFlows", "Schedule", "ScheduleBatch", "schedule", "schedules"]

FloatArray = NDArray[np.float64]
_TOL = 1e-9

_FRAME_COLUMNS = (*FLOW_NAMES, "debt_service", "balance")


@dataclass(frozen=True, slots=True)
class AnnualFlows:
    """Flows of ``n`` loans by calendar year: each array ``(n, Y)``, millions.

    ``balance_end`` is the face outstanding at the end of each calendar year.
    """

    years: NDArray[np.int64]
    disbursement: FloatArray
    interest: FloatArray
    principal: FloatArray
    fees: FloatArray
    capitalized_interest: FloatArray
    balance_end: FloatArray

    def __post_init__(self) -> None:
        _read_only(self)

    @property
    def debt_service(self) -> FloatArray:
        return self.interest + self.principal + self.fees

    def total(self) -> pd.DataFrame:
        """All loans summed, one row per calendar year."""
        import pandas as pd
        return pd.DataFrame(
            {
                "disbursement": self.disbursement.sum(axis=0),
                "interest": self.interest.sum(axis=0),
                "principal": self.principal.sum(axis=0),
                "fees": self.fees.sum(axis=0),
                "debt_service": self.debt_service.sum(axis=0),
                "capitalized_interest": self.capitalized_interest.sum(axis=0),
                "balance_end": self.balance_end.sum(axis=0),
            },
            index=pd.Index(self.years, name="year"),
        )


@dataclass(frozen=True, slots=True)
class ScheduleBatch:
    """Schedules of many loans, each on its own payment dates.

    ``arrays`` is the compact schedule (:mod:`debttrap.cashflows.compact`); its
    attributes ``interest``, ``balance``, ... build the dense arrays on the batch's
    time grid when read.
    """

    loans: LoanArrays
    arrays: CompactSchedule

    @property
    def n_loans(self) -> int:
        return self.loans.n_loans

    def by_calendar_year(
        self, first_year: int | None = None, last_year: int | None = None
    ) -> AnnualFlows:
        """Aggregate each loan's flows into calendar years ``signing_year + ceil(t)``.

        Years outside ``[first_year, last_year]`` are dropped (flows) or cut
        (balances are read at each year's end). Without bounds the years run from
        the earliest signing year to the latest signing year plus the longest
        maturity (rounded up).
        """
        la = self.loans
        signing = la.signing_year
        names = ("disbursement", "interest", "principal", "management_fee",
                 "commitment_fee", "insurance", "capitalized_interest", "balance")
        offsets = self.arrays.by_year_offset(names)  # (n_off, n) each, time-major
        n_off = offsets["balance"].shape[0]
        lo = int(signing.min()) if first_year is None else first_year
        hi = int(signing.max()) + n_off - 1 if last_year is None else last_year
        years = np.arange(lo, hi + 1, dtype=np.int64)
        n_years = years.size
        n = la.n_loans
        # where each signing year's offsets land: output rows [col0 + m0, col0 + m1)
        placements = []
        # the signing years present (a count per year: np.unique would import numpy.ma,
        # tens of milliseconds on the first call of a process)
        first_signing = int(signing.min()) if signing.size else 0
        if signing.size and int(signing.max()) - first_signing > 10_000:  # not from a Loan
            present = np.unique(signing)
        else:
            present = np.flatnonzero(np.bincount(signing - first_signing)) + first_signing
        for year in present.tolist():
            col0 = int(year) - lo
            m0, m1 = max(0, -col0), min(n_off, n_years - col0)
            if m1 > m0:
                mine = signing == year
                sel: slice | NDArray[np.intp] = (
                    slice(None) if bool(mine.all()) else np.flatnonzero(mine)
                )
                placements.append((col0, m0, m1, sel))
        sources = {
            "disbursement": offsets["disbursement"],
            "interest": offsets["interest"],
            "principal": offsets["principal"],
            # fees summed by year first, then added: management + commitment + insurance
            "fees": (offsets["management_fee"] + offsets["commitment_fee"])
            + offsets["insurance"],
            "capitalized_interest": offsets["capitalized_interest"],
            "balance_end": offsets["balance"],
        }
        out: dict[str, FloatArray] = {}
        for name, target in sources.items():
            dest = np.zeros((n_years, n))  # time-major; returned transposed
            for col0, m0, m1, sel in placements:
                dest[col0 + m0 : col0 + m1, sel] = target[m0:m1, sel]
            out[name] = dest.T
        return AnnualFlows(years=years, **out)

    def loan(self, i: int, source: Loan | None = None) -> Schedule:
        """The schedule of loan ``i`` on its own payment dates."""
        import pandas as pd
        la = self.loans
        per = self.arrays.own_dates(i)
        per["debt_service"] = debt_service_of(per)
        a = int(la.payments_per_year[i])
        times = np.arange(per["balance"].size, dtype=np.float64) / a
        frame = pd.DataFrame(per, index=pd.Index(times, name="years_after_signing"))
        frame.insert(0, "year", int(la.signing_year[i]) + np.ceil(times - _TOL).astype(int))
        return Schedule(loan=source, frame=frame[["year", *_FRAME_COLUMNS]])


@dataclass(frozen=True, slots=True)
class Schedule:
    """One loan's schedule: a row per payment date (plus signing), millions of its currency."""

    loan: Loan | None
    frame: pd.DataFrame

    def _repr_html_(self) -> str:
        """A compact notebook view: the loan, its totals and its flows by year."""
        from debttrap._display import schedule_html_summary

        return schedule_html_summary(self)

    def to_frame(self) -> pd.DataFrame:
        """Per-period flows indexed by years after signing (a copy)."""
        return self.frame.copy()

    def by_year(self) -> pd.DataFrame:
        """Flows summed by calendar year; ``balance`` is the end-of-year balance."""
        f = self.frame
        flows = f.drop(columns=["balance"]).groupby("year").sum()
        flows["balance"] = f.groupby("year")["balance"].last()
        flows.index.name = "year"
        return flows

    def totals(self) -> dict[str, float]:
        return {c: float(self.frame[c].sum()) for c in _FRAME_COLUMNS if c != "balance"}


def schedules(loans: Sequence[Loan] | LoanArrays) -> ScheduleBatch:
    """Run the engine on many loans at once and keep every flow."""
    la = loans if isinstance(loans, LoanArrays) else LoanArrays.from_loans(loans)
    arrays, _ = run_kernel(la, store=True)
    assert arrays is not None
    return ScheduleBatch(loans=la, arrays=arrays)


def schedule(loan: Loan) -> Schedule:
    """The schedule of one loan."""
    return schedules([loan]).loan(0, source=loan)
