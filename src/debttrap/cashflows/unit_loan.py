"""The LIC-DSF unit loan: the flows of one unit disbursed at age 0, by age, from the loan engine.

The one builder of unit-loan profiles for the DSA's new borrowing
(:class:`debttrap.dsa.paths.UnitLoanBasis`), the stochastic kernel's residual
financing and the open-data builder's borrowing cohorts. A unit with terms
(rate, grace ``g``, maturity ``m``) is run through :func:`~debttrap.cashflows.schedules`
as an annual loan signed at the start of a calendar year, so its flows land
by age ``k`` (``signing_year + k``): the disbursement at age 0, interest from
age 1 on the balance at the end of the previous age, principal in ages
``g+1 … m`` (equal shares unless ``principal_shares`` are given). PV at the end
of age ``k`` discounts the service of ages ``k+1, …`` over the unit's whole
life, one year for the first flow.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from debttrap.cashflows.arrays import LoanArrays
from debttrap.cashflows.pv import npv_next_years
from debttrap.cashflows.schedule import schedules
from debttrap.errors import InputError
from debttrap.terms.loan import CreditorType, Loan

__all__ = ["InstrumentTerms", "UnitFlows", "UnitLoanProfiles", "unit_loan_profiles"]

FloatArray = NDArray[np.float64]
_SIGNING_YEAR = 2000  # any year: the profile is by age


@dataclass(frozen=True, slots=True)
class InstrumentTerms:
    """Terms of one borrowing instrument for the unit-loan method (decimal rate)."""

    name: str
    rate_dec: float
    grace_years: int
    maturity_years: int
    principal_shares: tuple[float, ...] | None = None


@dataclass(frozen=True, slots=True)
class UnitFlows:
    """Flows of a unit loan per instrument (first axis), the layout set by the subclass.

    ``pv`` is the PV at the end of each period of the service after it, over
    the unit's whole life, not capped; ``pv_capped`` caps it at the balance
    (face), unit by unit.
    """

    terms: tuple[InstrumentTerms, ...]
    discount_dec: float
    interest: FloatArray
    principal: FloatArray
    balance: FloatArray
    pv: FloatArray

    @property
    def n_instruments(self) -> int:
        return len(self.terms)

    @property
    def service(self) -> FloatArray:
        out: FloatArray = self.interest + self.principal
        return out

    @property
    def pv_capped(self) -> FloatArray:
        out: FloatArray = np.minimum(self.pv, self.balance)
        return out


@dataclass(frozen=True, slots=True)
class UnitLoanProfiles(UnitFlows):
    """Flows of a unit loan per instrument, ``(L, n_ages)``, by age ``0 … n_ages-1``.

    ``pv`` is computed over the unit's whole life before the profile is cut to
    ``n_ages``.
    """


def _loan(tm: InstrumentTerms) -> Loan:
    spec: dict[str, object] = {
        "name": tm.name,
        "creditor": {"name": tm.name, "type": CreditorType.MULTILATERAL},
        "amount_m": 1.0,
        "signing_year": _SIGNING_YEAR,
        "rate_pct": 100.0 * tm.rate_dec,
        "grace_years": tm.grace_years,
        "maturity_years": tm.maturity_years,
    }
    if tm.principal_shares is not None:
        spec["amortization"] = "custom"
        spec["principal_shares"] = tm.principal_shares
    try:
        return Loan.model_validate(spec)
    except ValueError as exc:
        raise InputError(f"invalid terms: {exc}", field=f"instrument '{tm.name}'") from None


def _loan_arrays(terms: Sequence[InstrumentTerms]) -> LoanArrays:
    """The units as engine arrays: straight from the terms (the checks :class:`Loan` applies,
    without building a model per unit), through :class:`Loan` for custom principal shares
    or terms the checks refuse (so the error names the instrument)."""
    if all(tm.principal_shares is None for tm in terms):
        try:
            return LoanArrays.from_arrays(
                amount_m=1.0,
                rate_pct=[100.0 * tm.rate_dec for tm in terms],
                grace_years=[tm.grace_years for tm in terms],
                maturity_years=[tm.maturity_years for tm in terms],
                signing_year=_SIGNING_YEAR,
            )
        except InputError:
            pass  # the model's own message names the instrument
    return LoanArrays.from_loans([_loan(tm) for tm in terms])


def unit_loan_profiles(
    terms: Sequence[InstrumentTerms], n_ages: int, discount_dec: float
) -> UnitLoanProfiles:
    """Run one unit loan per instrument through the loan engine; flows by age ``0 … n_ages-1``.

    The profiles are a pure function of the terms, so each set is computed once per process
    (a small LRU cache: one assessment asks for the same units in every DSA it runs); the
    arrays returned are read-only.
    """
    return _profiles(tuple(terms), int(n_ages), float(discount_dec))


@functools.lru_cache(maxsize=128)
def _flows(terms: tuple[InstrumentTerms, ...]) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Interest (with fees), principal and end balance of each unit by age, over the longest
    unit's whole life ``(L, life + 2)``, from one engine run (read-only; any discount rate
    reuses them)."""
    life = max(tm.maturity_years for tm in terms)
    flows = schedules(_loan_arrays(terms)).by_calendar_year(
        _SIGNING_YEAR, _SIGNING_YEAR + life + 1
    )
    out = (flows.interest + flows.fees, flows.principal.copy(), flows.balance_end.copy())
    for a in out:
        a.flags.writeable = False
    return out


@functools.lru_cache(maxsize=128)
def _profiles(
    terms: tuple[InstrumentTerms, ...], n_ages: int, discount_dec: float
) -> UnitLoanProfiles:
    if not terms:
        z = np.zeros((0, n_ages))
        z.flags.writeable = False
        return UnitLoanProfiles((), discount_dec, z, z, z, z)
    interest, principal, balance = _flows(terms)  # (L, life + 2) by age
    pv = npv_next_years(interest + principal, discount_dec)
    width = max(n_ages, interest.shape[1])

    def cut(a: FloatArray) -> FloatArray:
        out = np.zeros((len(terms), width))
        out[:, : a.shape[1]] = a
        kept = out[:, :n_ages]
        kept.flags.writeable = False
        return kept

    return UnitLoanProfiles(
        tuple(terms),
        discount_dec,
        cut(interest),
        cut(principal),
        cut(balance),
        cut(pv),
    )
