"""Loan contracts: the financial terms of one loan, validated and immutable.

Conventions (followed exactly by :mod:`debttrap.cashflows`):

* Times are years from signing. With ``payments_per_year = a`` the payment
  periods end at ``k / a`` for ``k = 1, 2, ...``.
* Disbursement share ``j`` (0-based) is paid out at time ``j`` (year ``j``
  after signing; share 0 at signing) and counts for interest from then.
* No principal is repaid before ``grace_years``. The first principal payment
  falls at ``grace_years + 1/a`` and the last at ``maturity_years``; so a loan
  of 20 years with 6.5 years' grace, paid semi-annually, repays 27 instalments
  from year 7. (A source that says "first repayment after N years" means
  ``grace_years = N - 1/a``.)
* Interest for a period is ``rate / a`` on the balance outstanding during the
  period; the commitment fee is ``fee / a`` on the undisbursed amount during the
  period; the management fee is a share of the commitment paid at signing.
* Money is in millions of the loan's ``currency`` (``amount_m``); rates and
  fees are percent per year (``_pct``), as a user writes them.
"""

from __future__ import annotations

import itertools
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from debttrap._model import FrozenModel as _Frozen
from debttrap.conventions import CreditorType
from debttrap.terms._shares import check_shares
from debttrap.terms.clauses import Clauses
from debttrap.terms.currencies import validate_currency

__all__ = [
    "Amortization",
    "Creditor",
    "CreditorType",
    "FixedRate",
    "FloatingRate",
    "Insurance",
    "Interest",
    "Loan",
    "SteppedRate",
]

_TOL = 1e-9


class Amortization(StrEnum):
    """How principal is repaid between ``grace_years`` and ``maturity_years``."""

    EQUAL_PRINCIPAL = "equal_principal"
    ANNUITY = "annuity"
    BULLET = "bullet"
    CUSTOM = "custom"


class Creditor(_Frozen):
    """Who lends: a name (``"China Eximbank"``) and a creditor group."""

    name: str = Field(min_length=1)
    type: CreditorType


class FixedRate(_Frozen):
    """A fixed interest rate, percent per year."""

    kind: Literal["fixed"] = "fixed"
    rate_pct: float = Field(ge=0.0, le=100.0)

    def describe(self) -> str:
        return f"{self.rate_pct:g}% fixed"


class SteppedRate(_Frozen):
    """A rate that changes at stated times: ``steps = [(from_year, rate_pct), ...]``.

    ``from_year`` is in years after signing; the first step must start at 0.
    The rate applying to a period is the one in force at the period's start.
    """

    kind: Literal["stepped"] = "stepped"
    steps: tuple[tuple[float, float], ...] = Field(min_length=1)

    @field_validator("steps")
    @classmethod
    def _check_steps(
        cls, steps: tuple[tuple[float, float], ...]
    ) -> tuple[tuple[float, float], ...]:
        if steps[0][0] != 0:
            raise ValueError("the first step must start at year 0 after signing")
        starts = [s for s, _ in steps]
        if any(b <= a for a, b in itertools.pairwise(starts)):
            raise ValueError("step start years must be strictly increasing")
        for _, rate in steps:
            if not (0.0 <= rate <= 100.0):
                raise ValueError(f"step rate {rate} must be between 0 and 100 percent")
        return steps

    def describe(self) -> str:
        return ", then ".join(f"{r:g}% from year {s:g}" for s, r in self.steps)


class FloatingRate(_Frozen):
    """A floating rate: an index (``"SOFR"``, ``"LIBOR6M"``) plus a margin.

    ``index_path_pct`` gives the index by calendar year; years not listed use
    ``default_index_pct``. The all-in rate is floored at zero.
    """

    kind: Literal["floating"] = "floating"
    index: str = Field(min_length=1)
    margin_pct: float = Field(ge=-10.0, le=50.0)
    default_index_pct: float = Field(ge=-5.0, le=50.0)
    index_path_pct: dict[int, float] = Field(default_factory=dict)

    @field_validator("index_path_pct")
    @classmethod
    def _index_path(cls, path: dict[int, float]) -> dict[int, float]:
        for year, pct in path.items():
            if not -50.0 <= pct <= 100.0:
                raise ValueError(
                    f"the index for {year} ({pct:g}) must be between -50 and 100 percent"
                )
        return path

    def describe(self) -> str:
        return f"{self.index} + {self.margin_pct:g}% (index {self.default_index_pct:g}% flat)"


Interest = Annotated[FixedRate | SteppedRate | FloatingRate, Field(discriminator="kind")]


class Insurance(_Frozen):
    """An export-credit insurance premium (e.g. Sinosure), percent of the commitment.

    Paid in instalments at ``instalment_years`` (years after signing, default at
    signing), split by ``instalment_shares`` (default equal).
    """

    premium_pct: float = Field(ge=0.0, le=100.0)
    instalment_years: tuple[float, ...] = (0.0,)
    instalment_shares: tuple[float, ...] | None = None

    @model_validator(mode="after")
    def _check(self) -> Insurance:
        if not self.instalment_years:  # an empty list would drop the premium silently
            raise ValueError(
                "insurance instalment_years is empty; give at least one year (0 = at signing)"
            )
        if any(y < 0 for y in self.instalment_years):
            raise ValueError("insurance instalment_years must be 0 or later")
        if self.instalment_shares is not None:
            if len(self.instalment_shares) != len(self.instalment_years):
                raise ValueError(
                    "insurance instalment_shares must have one share per instalment year"
                )
            check_shares("insurance instalment_shares", self.instalment_shares)
        return self

    @property
    def shares(self) -> tuple[float, ...]:
        if self.instalment_shares is not None:
            return self.instalment_shares
        n = len(self.instalment_years)
        return tuple(1.0 / n for _ in range(n))


def _is_multiple(x: float, step: float) -> bool:
    k = x / step
    return abs(k - round(k)) < 1e-7


class Loan(_Frozen):
    """One loan contract: financial terms plus clauses. Immutable once built.

    Construct from keyword arguments, a dict (``Loan.model_validate``), or a
    TOML/JSON file through :func:`debttrap.io.files.load_loan`. A plain
    ``rate_pct = 2.0`` is accepted as shorthand for a fixed rate.
    """

    name: str = "loan"
    creditor: Creditor
    currency: str = "USD"
    amount_m: float = Field(
        ge=1e-6, description="Commitment, millions of `currency` (at least one unit)."
    )
    signing_year: int = Field(ge=1900, le=2200)
    disbursement_shares: tuple[float, ...] = Field(
        default=(1.0,), description="Share of the commitment paid out in each year after signing."
    )
    interest: Interest
    management_fee_pct: float = Field(default=0.0, ge=0.0, le=100.0)
    commitment_fee_pct: float = Field(default=0.0, ge=0.0, le=100.0)
    insurance: Insurance | None = None
    grace_years: float = Field(ge=0.0)
    maturity_years: float = Field(gt=0.0, le=100.0)
    amortization: Amortization = Amortization.EQUAL_PRINCIPAL
    principal_shares: tuple[float, ...] | None = None
    payments_per_year: Literal[1, 2, 4] = 1
    capitalize_interest_during_grace: bool = False
    issue_price_pct: float = Field(
        default=100.0,
        ge=1.0,
        le=200.0,
        description="Price at issue, percent of face (bonds); proceeds = amount x price.",
    )
    clauses: Clauses = Field(default_factory=Clauses)

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if isinstance(data, dict):
            data = dict(data)
            if "rate_pct" in data:
                if "interest" in data:
                    raise ValueError("give either 'rate_pct' or 'interest', not both")
                data["interest"] = {"kind": "fixed", "rate_pct": data.pop("rate_pct")}
            amort = data.get("amortization")
            if isinstance(amort, str):
                data["amortization"] = amort.strip().lower().replace("-", "_")
        return data

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        return validate_currency(value)

    @field_validator("disbursement_shares")
    @classmethod
    def _disbursement(cls, shares: tuple[float, ...]) -> tuple[float, ...]:
        if not shares:
            raise ValueError("needs at least one share")
        check_shares("shares", shares)
        return shares

    @model_validator(mode="after")
    def _consistent(self) -> Loan:
        a = self.payments_per_year
        step = 1.0 / a
        if self.grace_years >= self.maturity_years:
            raise ValueError(
                f"grace_years ({self.grace_years:g}) must be shorter than maturity_years "
                f"({self.maturity_years:g})"
            )
        if not _is_multiple(self.grace_years, step):
            raise ValueError(
                f"grace_years ({self.grace_years:g}) must be a whole number of payment periods "
                f"(multiples of 1/{a} year)"
            )
        if not _is_multiple(self.maturity_years, step):
            raise ValueError(
                f"maturity_years ({self.maturity_years:g}) must be a whole number of payment "
                f"periods (multiples of 1/{a} year)"
            )
        last_disbursement = len(self.disbursement_shares) - 1
        if last_disbursement > self.grace_years + _TOL:
            raise ValueError(
                f"disbursement_shares run to year {last_disbursement} but grace_years is "
                f"{self.grace_years:g}: all money must be paid out before the first repayment"
            )
        n = self.n_repayments
        if self.amortization is Amortization.CUSTOM:
            if self.principal_shares is None:
                raise ValueError("amortization 'custom' needs principal_shares")
            if len(self.principal_shares) != n:
                raise ValueError(
                    f"principal_shares has {len(self.principal_shares)} entries but the loan has "
                    f"{n} repayment dates (from grace to maturity, {a} a year)"
                )
            check_shares("principal_shares", self.principal_shares)
        elif self.principal_shares is not None:
            raise ValueError("principal_shares is only used with amortization 'custom'")
        if self.insurance is not None:
            for y in self.insurance.instalment_years:
                if not _is_multiple(y, step) or y > self.maturity_years:
                    raise ValueError(
                        f"insurance instalment year {y:g} must fall on a payment date "
                        "(a multiple of 1/payments_per_year) within the maturity"
                    )
        return self

    @property
    def n_repayments(self) -> int:
        """Number of principal instalments: ``a * (maturity - grace)``."""
        return round(self.payments_per_year * (self.maturity_years - self.grace_years))

    @property
    def first_repayment_years(self) -> float:
        return self.grace_years + 1.0 / self.payments_per_year

    @property
    def disbursed_proceeds_m(self) -> float:
        """Cash the borrower receives: commitment times issue price."""
        return self.amount_m * self.issue_price_pct / 100.0

    def rate_pct_at(self, years_after_signing: float, calendar_year: int) -> float:
        """Interest rate (percent per year) applying to a period starting at this time."""
        interest = self.interest
        if isinstance(interest, FixedRate):
            return interest.rate_pct
        if isinstance(interest, SteppedRate):
            rate = interest.steps[0][1]
            for start, r in interest.steps:
                if years_after_signing + _TOL >= start:
                    rate = r
            return rate
        index = interest.index_path_pct.get(calendar_year, interest.default_index_pct)
        return max(0.0, index + interest.margin_pct)
