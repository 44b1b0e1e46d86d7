"""A country's debts: existing external lines, new financing and domestic debt.

Every debt line carries its creditor type and the :class:`CreditorGroup` the
creditor tables use (default: the group of the creditor type), so no layer
parses line names. Units as in :mod:`debttrap.country.model`.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator, model_validator

from debttrap._model import FrozenModel
from debttrap.conventions import CreditorGroup, CreditorType
from debttrap.country.series import NEG_TOL, YearSeries, check_series

__all__ = [
    "DomesticDebt",
    "ExistingDebtLine",
    "ExternalDebt",
    "FinancingLine",
    "LocalDebtHeldAbroad",
]


def _default_group(data: Any) -> Any:
    """Fill a debt line's ``group`` from its ``creditor_group`` when the line gives none."""
    if isinstance(data, dict) and data.get("group") is None and "creditor_group" in data:
        try:
            group = CreditorGroup.of_creditor_type(data["creditor_group"])
        except ValueError:
            return data  # the creditor_group check names the bad value
        return {**data, "group": group}
    return data


class _CreditorLine(FrozenModel):
    """What every debt line says first: its name, creditor type and creditor group."""

    name: str = Field(min_length=1)
    creditor_group: CreditorType
    group: CreditorGroup = Field(
        default=None,  # type: ignore[assignment]  # filled from creditor_group before checks
        description=(
            "Who the line is owed to, as the creditor tables group debt (china, multilateral, "
            "paris_club, other_bilateral, bondholders, commercial_banks, other_private, "
            "not_itemised); default: the group of the creditor type."
        ),
    )

    _group = model_validator(mode="before")(_default_group)


class ExistingDebtLine(_CreditorLine):
    """PPG external MLT debt outstanding at the end of ``t-1``, one creditor line.

    ``debt_service_usd_m``: contractual principal + interest by year (from
    ``t``); ``principal_usd_m`` optional (gives interest and the stock path).
    """

    debt_service_usd_m: YearSeries
    principal_usd_m: YearSeries | None = None
    outstanding_usd_m: float | None = Field(
        default=None,
        ge=0.0,
        description=(
            "Balance at the end of t-1, US$ m, where the principal schedule does not repay "
            "all of it (e.g. SDR allocations, never repaid: interest only); default: the sum "
            "of principal_usd_m. Needs principal_usd_m."
        ),
    )
    source: str = ""

    @field_validator("debt_service_usd_m", "principal_usd_m")
    @classmethod
    def _series(cls, v: YearSeries | None) -> YearSeries | None:
        checked = check_series("debt_service", v)
        if checked and any(x < -NEG_TOL for x in checked.values()):
            raise ValueError("debt service and principal must not be negative")
        return checked

    @model_validator(mode="after")
    def _outstanding(self) -> ExistingDebtLine:
        if self.outstanding_usd_m is None:
            return self
        if self.principal_usd_m is None:
            raise ValueError(
                f"debt line '{self.name}': outstanding_usd_m needs principal_usd_m (the "
                "schedule that repays part of it; give an empty table for none)"
            )
        repaid = sum(self.principal_usd_m.values())
        if repaid > self.outstanding_usd_m * (1.0 + 1e-9) + NEG_TOL:
            raise ValueError(
                f"debt line '{self.name}': its principal schedule repays {repaid:,.3f} US$ m, "
                f"more than outstanding_usd_m {self.outstanding_usd_m:,.3f}; raise "
                "outstanding_usd_m or drop it (default: the schedule's sum)"
            )
        return self

    def unscheduled_usd_m(self) -> float:
        """The part of the end-(t-1) balance that no principal in the schedule repays."""
        if self.outstanding_usd_m is None or self.principal_usd_m is None:
            return 0.0
        return max(self.outstanding_usd_m - sum(self.principal_usd_m.values()), 0.0)


class LocalDebtHeldAbroad(FrozenModel):
    """Locally issued PPG debt counted as external (residency basis): held by non-residents.

    Enters the PV of external debt at face (grant element 0). Stock in LCU
    (converted at end-of-period rates) and service in LCU (average rates).
    """

    stock_lcu_m: YearSeries = Field(default_factory=dict)
    debt_service_lcu_m: YearSeries = Field(default_factory=dict)
    pv_lcu_m: YearSeries = Field(
        default_factory=dict,
        description="PV at end of year, LCU m; default min(PV of the given service, face).",
    )
    interest_lcu_m: YearSeries = Field(
        default_factory=dict,
        description=(
            "Interest part of the service, LCU m (optional; only for the debt-dynamics "
            "tables' interest rows)."
        ),
    )
    source: str = ""


class ExternalDebt(FrozenModel):
    """Existing external debt and short-term debt (Input 3 of the template)."""

    ppg_mlt_outstanding_usd_m: float = Field(
        ge=0.0, description="PPG external MLT debt at the end of t-1, US$ m."
    )
    existing_lines: tuple[ExistingDebtLine, ...] = ()
    existing_principal_total_usd_m: YearSeries | None = Field(
        default=None,
        description="Principal due on all existing PPG MLT debt by year (stock path and interest).",
    )
    ppg_short_term_usd_m: YearSeries = Field(
        default_factory=dict, description="PPG short-term external debt, end of year, US$ m."
    )
    short_term_interest_rate_pct: float = Field(default=0.0, ge=0.0, le=100.0)
    private_mlt_outstanding_usd_m: YearSeries = Field(default_factory=dict)
    private_short_term_usd_m: YearSeries = Field(default_factory=dict)
    private_interest_usd_m: YearSeries = Field(default_factory=dict)
    arrears_usd_m: float = Field(default=0.0, ge=0.0)
    local_debt_held_abroad: LocalDebtHeldAbroad | None = None
    unitemised_ppg_stock_usd_m: YearSeries | None = Field(
        default=None,
        description=(
            "Calibration only: PPG external debt known to exist but not itemised, US$ m, "
            "counted at face in PV."
        ),
    )
    unitemised_ppg_debt_service_usd_m: YearSeries | None = None
    in_arrears_or_restructuring: bool = Field(
        default=False, description="External arrears or ongoing restructuring (GN 'in distress')."
    )

    @model_validator(mode="after")
    def _check(self) -> ExternalDebt:
        for name in (
            "ppg_short_term_usd_m",
            "private_mlt_outstanding_usd_m",
            "private_short_term_usd_m",
            "private_interest_usd_m",
            "existing_principal_total_usd_m",
        ):
            values = check_series(name, getattr(self, name)) or {}
            if any(v < 0 for v in values.values()):
                raise ValueError(f"{name} must not be negative")
        return self


class FinancingLine(_CreditorLine):
    """New PPG external borrowing as amounts plus terms (the template's Input 4 way).

    Each year's disbursement is a unit-loan cohort: no principal in years
    ``s … s+grace``, then ``principal_shares`` (default equal shares) in
    ``s+grace+1 … s+maturity``; interest ``interest_rate_pct`` on the balance
    outstanding at the end of the previous year.
    """

    interest_rate_pct: float = Field(ge=0.0, le=100.0)
    grace_years: int = Field(ge=0, le=60)
    maturity_years: int = Field(ge=1, le=100)
    principal_shares: tuple[float, ...] | None = Field(
        default=None,
        description="Share of principal repaid in each year grace+1 … maturity (IDA profiles).",
    )
    disbursements_usd_m: YearSeries
    concessional: bool | None = Field(
        default=None, description="Counted as concessional (aid); default: grant element >= 35%."
    )
    market_financing: bool = Field(
        default=False, description="Commercial/market borrowing (repriced in B2/B6 market, C4)."
    )
    source: str = ""

    @model_validator(mode="after")
    def _check(self) -> FinancingLine:
        if self.grace_years >= self.maturity_years:
            raise ValueError(
                f"grace_years ({self.grace_years}) must be shorter than maturity_years "
                f"({self.maturity_years})"
            )
        if self.principal_shares is not None:
            n = self.maturity_years - self.grace_years
            if len(self.principal_shares) != n:
                raise ValueError(
                    f"principal_shares needs {n} entries (years grace+1 … maturity), "
                    f"got {len(self.principal_shares)}"
                )
            if (
                any(s < 0 for s in self.principal_shares)
                or abs(sum(self.principal_shares) - 1.0) > 1e-6
            ):
                raise ValueError("principal_shares must be non-negative and sum to 1")
        d = check_series("disbursements_usd_m", self.disbursements_usd_m) or {}
        if any(v < 0 for v in d.values()):
            raise ValueError("disbursements_usd_m must not be negative")
        return self


class DomesticDebt(FrozenModel):
    """Domestic public debt (face value, LCU), the public block of the DSA.

    ``stock_lcu_m`` gives the baseline path (end of year, ``t … T``).
    Stress tests add the domestic share of any extra financing need on top,
    at ``residual_nominal_rate_pct``.
    """

    stock_lcu_m: YearSeries
    debt_service_lcu_m: YearSeries = Field(
        default_factory=dict, description="Baseline domestic interest + amortization, LCU m."
    )
    interest_lcu_m: YearSeries = Field(
        default_factory=dict,
        description=(
            "Baseline domestic interest, LCU m (optional; only for the public debt-dynamics "
            "table: the nominal domestic rate is interest / last year's stock)."
        ),
    )
    in_arrears_or_restructuring: bool = False
    not_evaluated_reason: str = Field(
        default="",
        description=(
            "Why the domestic debt could not be derived (empty when it was): the stock is "
            "then a placeholder and the public-debt indicator is reported as not evaluated."
        ),
    )
    source: str = ""

    @property
    def evaluated(self) -> bool:
        """False when the domestic stock is a placeholder (see ``not_evaluated_reason``)."""
        return not self.not_evaluated_reason

    @field_validator("stock_lcu_m")
    @classmethod
    def _stock(cls, v: YearSeries) -> YearSeries:
        checked = check_series("stock_lcu_m", v) or {}
        if any(x < 0 for x in checked.values()):
            raise ValueError("domestic debt must not be negative")
        return checked
