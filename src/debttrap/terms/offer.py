"""What a lender puts on the table: loans, grants, a project, and conditions.

An :class:`Offer` bundles one or more :class:`~debttrap.terms.Loan` contracts
and/or :class:`Grant` s for a :class:`~debttrap.terms.project.Project`, plus the
non-financial asks that come with it (:class:`Condition`: recorded as text and
shown, never scored). An offer with neither loans nor grants is an error.

Each loan carries a :class:`LoanRole`: whether it is public and publicly
guaranteed debt of the borrowing government (``ppg``, counted in its public
debt) or a project company's debt (a contingent liability), and whether the
project's revenue services it (``serviced_by_project``, used for the project's
debt-service cover). In a document the role's keys may be written inside the
loan's own table (``ppg = false``); they are split out here.

Loans may be written in any currency; ``fx_usd_per_unit`` gives US dollars per
unit of each non-USD currency (one constant rate, with its ``source``), so
that the leverage layer can add them up in US$ millions. A loan written
without a ``creditor`` is lent by the offer's ``lender``.
"""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import Field, field_validator, model_validator

from debttrap._model import FrozenModel as _Frozen
from debttrap.terms.currencies import validate_currency
from debttrap.terms.loan import Creditor, Loan
from debttrap.terms.project import Project

__all__ = ["Condition", "Grant", "LoanRole", "Offer"]

_ROLE_KEYS = ("ppg", "serviced_by_project", "typical_clauses", "source", "sources")


class Grant(_Frozen):
    """A grant: amounts by calendar year from one donor, US$ millions."""

    donor: str = Field(min_length=1)
    amounts_usd_m: dict[int, float] = Field(description="Calendar year -> amount, US$ m.")
    purpose: str = ""
    source: str = ""

    @field_validator("amounts_usd_m", mode="before")
    @classmethod
    def _years(cls, value: Any) -> Any:
        if isinstance(value, dict):
            out: dict[Any, Any] = {}
            for k, v in value.items():
                try:
                    year = int(k)
                except (TypeError, ValueError):
                    raise ValueError(f"'{k}' is not a calendar year") from None
                out[year] = v
            return out
        return value

    @field_validator("amounts_usd_m")
    @classmethod
    def _amounts(cls, value: dict[int, float]) -> dict[int, float]:
        if not value:
            raise ValueError("needs at least one year with an amount")
        for year, amount in value.items():
            if not 1900 <= year <= 2200:
                raise ValueError(f"year {year} is outside 1900-2200")
            if not math.isfinite(amount) or amount < 0:
                raise ValueError(f"amount for {year} must be a finite number, not negative")
        if sum(value.values()) <= 0:
            raise ValueError("the grant's amounts add up to zero")
        return dict(sorted(value.items()))

    @property
    def total_usd_m(self) -> float:
        return float(sum(self.amounts_usd_m.values()))


class Condition(_Frozen):
    """A non-financial ask that comes with the offer (policy, procurement, diplomacy).

    Recorded and shown beside the numbers; no rule scores it.
    """

    text: str = Field(min_length=1)
    source: str = ""


class LoanRole(_Frozen):
    """How one loan of an offer sits in the borrower's books."""

    ppg: bool = Field(
        default=True,
        description="Public and publicly guaranteed debt of the government (else a project "
        "company's debt, a contingent liability).",
    )
    serviced_by_project: bool = Field(
        default=True, description="The project's revenue is meant to service this loan."
    )
    typical_clauses: Literal["", "cdb", "eximbank", "chinese", "benchmark"] = Field(
        default="",
        description="Where the contract text is not known: the lender type whose published "
        "clause frequencies (How China Lends) give each clause the contract does not settle "
        "a probability; '' (default) = only the clauses written in the contract and the "
        "creditor type's standard terms.",
    )
    source: str = ""
    sources: dict[str, str] = Field(default_factory=dict)


class Offer(_Frozen):
    """A financing offer: loans and/or grants for a project, with conditions."""

    name: str = Field(min_length=1)
    lender: Creditor
    lender_group: str = Field(
        default="",
        description="The lender's name in the creditor data of the country (e.g. 'China'); "
        "default: the lender's name.",
    )
    loans: tuple[Loan, ...] = ()
    loan_roles: tuple[LoanRole, ...] = ()
    grants: tuple[Grant, ...] = ()
    project: Project | None = None
    conditions: tuple[Condition, ...] = ()
    fx_usd_per_unit: dict[str, float] = Field(
        default_factory=dict, description="US$ per unit of each non-USD loan currency."
    )
    source: str = ""
    sources: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _split_roles(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        d = dict(data)
        loans = d.get("loans")
        if isinstance(loans, (list, tuple)):
            roles: list[dict[str, Any]] = []
            found = False
            clean: list[Any] = []
            for entry in loans:
                if isinstance(entry, dict):
                    e = dict(entry)
                    role = {k: e.pop(k) for k in _ROLE_KEYS if k in e}
                    if "creditor" not in e and d.get("lender") is not None:
                        e["creditor"] = d["lender"]  # a loan's creditor defaults to the lender
                    found = found or bool(role)
                    roles.append(role)
                    clean.append(e)
                else:
                    roles.append({})
                    clean.append(entry)
            if found:
                if d.get("loan_roles"):
                    raise ValueError(
                        "give loan roles either inside each loan or as loan_roles, not both"
                    )
                d["loan_roles"] = roles
            d["loans"] = clean
        conds = d.get("conditions")
        if isinstance(conds, (list, tuple)):
            d["conditions"] = [{"text": c} if isinstance(c, str) else c for c in conds]
        return d

    @field_validator("fx_usd_per_unit")
    @classmethod
    def _fx(cls, value: dict[str, float]) -> dict[str, float]:
        out: dict[str, float] = {}
        for code, rate in value.items():
            norm = validate_currency(code)
            if not math.isfinite(rate) or rate <= 0:
                raise ValueError(f"rate for {norm} must be a positive number")
            out[norm] = rate
        return out

    @model_validator(mode="after")
    def _check(self) -> Offer:
        if not self.loans and not self.grants:
            raise ValueError("an offer needs at least one loan or one grant")
        if self.loan_roles and len(self.loan_roles) != len(self.loans):
            raise ValueError(
                f"loan_roles has {len(self.loan_roles)} entries for {len(self.loans)} loans"
            )
        for i, loan in enumerate(self.loans):
            if loan.currency != "USD" and loan.currency not in self.fx_usd_per_unit:
                raise ValueError(
                    f"loans[{i}] is in {loan.currency}: give fx_usd_per_unit.{loan.currency} "
                    "(US$ per unit) to add it up in US dollars"
                )
        return self

    # --- derived facts ---------------------------------------------------------------
    @property
    def roles(self) -> tuple[LoanRole, ...]:
        """One role per loan (defaults where none was given)."""
        return self.loan_roles if self.loan_roles else tuple(LoanRole() for _ in self.loans)

    @property
    def group(self) -> str:
        """The name under which the lender appears in creditor data."""
        return self.lender_group or self.lender.name

    def usd_per_unit(self) -> NDArray[np.float64]:
        """US$ per unit of each loan's currency, shape ``(n_loans,)``."""
        fx = self.fx_usd_per_unit
        rates = [1.0 if ln.currency == "USD" else fx[ln.currency] for ln in self.loans]
        return np.array(rates, dtype=np.float64)

    def ppg_mask(self) -> NDArray[np.bool_]:
        return np.array([r.ppg for r in self.roles], dtype=np.bool_)

    def project_mask(self) -> NDArray[np.bool_]:
        return np.array([r.serviced_by_project for r in self.roles], dtype=np.bool_)

    def loans_in_usd(self) -> tuple[Loan, ...]:
        """The loans restated in US dollars at the offer's rates (same terms, scaled amount).

        For engines that take US$ loans only (the DSA's ``new_loans``).
        """
        return tuple(
            ln
            if ln.currency == "USD"
            else ln.model_copy(update={"currency": "USD", "amount_m": ln.amount_m * fx})
            for ln, fx in zip(self.loans, self.usd_per_unit(), strict=True)
        )

    @property
    def loans_usd_m(self) -> float:
        """Sum of loan commitments in US$ m."""
        if not self.loans:
            return 0.0
        amounts = np.array([ln.amount_m for ln in self.loans], dtype=np.float64)
        return float((amounts * self.usd_per_unit()).sum())

    @property
    def grants_usd_m(self) -> float:
        return float(sum(g.total_usd_m for g in self.grants))

    def grants_by_year_usd_m(self, years: NDArray[np.int64]) -> NDArray[np.float64]:
        """All grants of the offer on the calendar years ``years`` (others dropped)."""
        y = np.asarray(years, dtype=np.int64)
        out = np.zeros(y.shape, dtype=np.float64)
        for g in self.grants:
            for year, amount in g.amounts_usd_m.items():
                out[y == year] += amount
        return out
