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

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from debttrap.cashflows.arrays import LoanArrays
from debttrap.cashflows.engine import FLOW_NAMES, ScheduleArrays, run_kernel
from debttrap.terms.loan import Loan

__all__ = ["AnnualFlows", "Schedule", "ScheduleBatch", "schedule", "schedules"]

FloatArray = NDArray[np.float64]
_TOL = 1e-9

_FRAME_COLUMNS = (
    "disbursement",
    "interest",
    "principal",
    "management_fee",
    "commitment_fee",
    "insurance",
    "capitalized_interest",
    "debt_service",
    "balance",
)


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

    @property
    def debt_service(self) -> FloatArray:
        return self.interest + self.principal + self.fees

    def total(self) -> pd.DataFrame:
        """All loans summed, one row per calendar year."""
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
    """Schedules of many loans on one time grid (see :mod:`debttrap.cashflows.engine`)."""

    loans: LoanArrays
    arrays: ScheduleArrays

    @property
    def n_loans(self) -> int:
        return self.loans.n_loans

    def by_calendar_year(
        self, first_year: int | None = None, last_year: int | None = None
    ) -> AnnualFlows:
        """Aggregate each loan's flows into calendar years ``signing_year + ceil(t)``.

        Years outside ``[first_year, last_year]`` are dropped (flows) or cut
        (balances are read at each year's end).
        """
        la = self.loans
        t = self.arrays.times_years
        offset = np.ceil(t - _TOL).astype(np.int64)  # (T,)
        cal = la.signing_year[:, None] + offset[None, :]  # (n, T)
        lo = int(cal.min()) if first_year is None else first_year
        hi = int(cal.max()) if last_year is None else last_year
        years = np.arange(lo, hi + 1, dtype=np.int64)
        n_years = years.size
        col = cal - lo
        inside = (col >= 0) & (col < n_years)
        rows = np.broadcast_to(np.arange(la.n_loans)[:, None], cal.shape)

        def agg(x: FloatArray) -> FloatArray:
            out = np.zeros((la.n_loans, n_years))
            np.add.at(out, (rows[inside], col[inside]), x[inside])
            return out

        a = self.arrays
        fees = a.management_fee + a.commitment_fee + a.insurance
        # balance at end of calendar year Y = balance at the last grid point booked in Y
        bal = np.zeros((la.n_loans, n_years))
        for j, y in enumerate(years):
            last_step = np.where(cal <= y, np.arange(t.size)[None, :], -1).max(axis=1)
            has = last_step >= 0
            bal[has, j] = a.balance[np.flatnonzero(has), last_step[has]]
        return AnnualFlows(
            years=years,
            disbursement=agg(a.disbursement),
            interest=agg(a.interest),
            principal=agg(a.principal),
            fees=agg(fees),
            capitalized_interest=agg(a.capitalized_interest),
            balance_end=bal,
        )

    def loan(self, i: int, source: Loan | None = None) -> Schedule:
        """The schedule of loan ``i`` on its own payment dates."""
        la = self.loans
        stride = la.steps_per_year // int(la.payments_per_year[i])
        last = round(float(la.maturity_years[i]) * la.steps_per_year)
        a = self.arrays
        # sum fine-grid flows into the loan's own periods (they only fall on its dates)
        idx = np.arange(0, last + 1, stride)
        data = {name: getattr(a, name)[i, : last + 1] for name in FLOW_NAMES}
        per: dict[str, FloatArray] = {}
        for name, values in data.items():
            csum = np.concatenate([[0.0], np.cumsum(values)])
            ends = csum[idx + 1]
            starts = np.concatenate([[0.0], ends[:-1]])
            per[name] = ends - starts
        per["debt_service"] = (
            per["interest"]
            + per["principal"]
            + per["management_fee"]
            + per["commitment_fee"]
            + per["insurance"]
        )
        per["balance"] = a.balance[i, idx]
        times = a.times_years[idx]
        frame = pd.DataFrame(per, index=pd.Index(times, name="years_after_signing"))
        frame.insert(0, "year", int(la.signing_year[i]) + np.ceil(times - _TOL).astype(int))
        return Schedule(loan=source, frame=frame[["year", *_FRAME_COLUMNS]])


@dataclass(frozen=True, slots=True)
class Schedule:
    """One loan's schedule: a row per payment date (plus signing), millions of its currency."""

    loan: Loan | None
    frame: pd.DataFrame

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
