"""The records of the trap-risk verdict: what the rules read, their thresholds, what they say.

:class:`VerdictInputs` (the plain numbers the assessment supplies, NaN read as
missing), :class:`IndicatorChange` (what an offer does to one LIC-DSF indicator),
:class:`Thresholds` (each published threshold or documented judgement),
:class:`RuleOutcome` and :class:`Verdict`. The rules are in
:mod:`debttrap.leverage.rules`; :mod:`debttrap.leverage.verdict` applies them and
re-exports these names.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from pydantic import Field, model_validator

from debttrap._model import FrozenModel as _Frozen
from debttrap.conventions import MIN_BREACH_YEARS, Risk

__all__ = [
    "ClauseSensitivity",
    "IndicatorChange",
    "RuleOutcome",
    "Severity",
    "Status",
    "Thresholds",
    "TrapRisk",
    "Verdict",
    "VerdictInputs",
    "indicator_change",
]

class _NanIsMissing(_Frozen):
    """A record whose non-finite numbers mean "not available" (stored as None)."""

    check_number_sizes: ClassVar[bool] = False  # computed figures, not a user's inputs

    @model_validator(mode="before")
    @classmethod
    def _nan_is_missing(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {
                k: (None if isinstance(v, float) and not math.isfinite(v) else v)
                for k, v in data.items()
            }
        return data




class TrapRisk(StrEnum):
    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"


class IndicatorChange(_NanIsMissing):
    """What the offer's own financing does to one LIC-DSF indicator (baseline path).

    ``without``: the country without the offer's loans (but with whatever the
    offer does not decide, such as the project's expected overrun on the budget);
    ``with``: the country with them. Increases are ``with - without`` in
    percentage points; ``max_increase_*`` is the largest of them over the rating
    window; years above count the window years strictly above the threshold.
    ``overrun_increase_pp`` is what the project's expected overrun adds on its own
    (shown, not attributed to the offer).
    """

    indicator: str = Field(min_length=1)
    label: str = Field(min_length=1)
    kind: Literal["stock", "service"]
    threshold_pct: float = Field(gt=0.0)
    peak_without_pct: float | None = None
    peak_with_pct: float | None = None
    max_increase_pp: float | None = None
    max_increase_year: int | None = None
    years_above_without: int = Field(default=0, ge=0)
    years_above_with: int = Field(default=0, ge=0)
    overrun_increase_pp: float | None = None

    @property
    def peak_increase_pp(self) -> float | None:
        """Peak with the offer minus peak without it (pp)."""
        if self.peak_with_pct is None or self.peak_without_pct is None:
            return None
        return self.peak_with_pct - self.peak_without_pct

    @property
    def max_increase_pct_of_threshold(self) -> float | None:
        """The largest increase in any window year, as a percent of the threshold."""
        if self.max_increase_pp is None:
            return None
        return 100.0 * self.max_increase_pp / self.threshold_pct

    @property
    def new_breach(self) -> bool:
        """The offer turns this indicator into a breach (2+ window years above).

    At least moderate in the verdict: where it changes the rating, the rating rule
    (high) fires as well; where the country is already rated high, a breach that
    one more year above the threshold creates is not by itself proof of a trap.
    """
        return self.years_above_without < MIN_BREACH_YEARS <= self.years_above_with

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.model_dump(),
            "peak_increase_pp": self.peak_increase_pp,
            "max_increase_pct_of_threshold": self.max_increase_pct_of_threshold,
            "new_breach": self.new_breach,
        }


def indicator_change(
    indicator: str,
    label: str,
    kind: Literal["stock", "service"],
    threshold_pct: float,
    years: ArrayLike,
    window_years: ArrayLike,
    without_pct: ArrayLike,
    with_pct: ArrayLike,
    reference_pct: ArrayLike | None = None,
) -> IndicatorChange:
    """Compare two baseline paths of one indicator over the rating window.

    ``years`` index the paths; ``window_years`` are the rating window's years
    (t … t+10). ``reference_pct`` is the path with nothing at all (no offer and
    no overrun): ``without - reference`` is the overrun's own contribution.
    Peaks are over the window; the function is vectorised over years.
    """
    y = np.asarray(years, dtype=np.int64)
    win = np.isin(y, np.asarray(window_years, dtype=np.int64))
    a = np.asarray(without_pct, dtype=np.float64)[win]
    b = np.asarray(with_pct, dtype=np.float64)[win]
    yw = y[win]
    d = b - a
    ok = np.isfinite(d)
    k = int(np.argmax(np.where(ok, d, -np.inf))) if ok.any() else -1

    def peak(x: Any) -> float | None:
        return float(np.nanmax(x)) if np.any(np.isfinite(x)) else None

    over: float | None = None
    if reference_pct is not None:
        r = np.asarray(reference_pct, dtype=np.float64)[win]
        over = peak(a - r)
    return IndicatorChange(
        indicator=indicator,
        label=label,
        kind=kind,
        threshold_pct=threshold_pct,
        peak_without_pct=peak(a),
        peak_with_pct=peak(b),
        max_increase_pp=float(d[k]) if k >= 0 else None,
        max_increase_year=int(yw[k]) if k >= 0 else None,
        years_above_without=int(np.sum(a > threshold_pct)),
        years_above_with=int(np.sum(b > threshold_pct)),
        overrun_increase_pp=over,
    )


class VerdictInputs(_NanIsMissing):
    """The numbers the rules read, for one offer. ``None`` means "not available".

    Percentages are peaks over the years the exposure's summary covers (the
    assessment passes the LIC-DSF rating window t … t+10; see
    :meth:`debttrap.leverage.exposure.Exposure.summary`) unless the name says
    otherwise; ``lever_clauses`` lists the clauses that let the lender act on
    policy (see :attr:`debttrap.leverage.exposure.Exposure.lever_clauses`).
    """

    offer: str = Field(min_length=1)
    adds_debt: bool | None = Field(
        default=None, description="The offer adds PPG debt (has PPG loans); None = unknown."
    )
    ppg_loans_usd_m: float | None = Field(
        default=None, ge=0.0, description="The offer's PPG loan commitments, US$ m."
    )
    rating_before: Risk | None = Field(
        default=None, description="LIC-DSF external rating of the country without any offer."
    )
    rating_without_offer: Risk | None = Field(
        default=None,
        description=(
            "Risk without the offer's loans but with what the offer does not decide (the "
            "project's expected overrun on the budget); None = rating_before."
        ),
    )
    rating_after: Risk | None = None
    grant_element_pct: float | None = None
    indicator_changes: tuple[IndicatorChange, ...] = Field(
        default=(), description="What the offer's own loans do to each LIC-DSF indicator."
    )
    prob_distress_without_pct: float | None = Field(default=None, ge=0.0, le=100.0)
    prob_distress_with_pct: float | None = Field(default=None, ge=0.0, le=100.0)
    prob_breach_without_pct: float | None = Field(default=None, ge=0.0, le=100.0)
    prob_breach_with_pct: float | None = Field(default=None, ge=0.0, le=100.0)
    offer_size_pct_gdp: float | None = Field(
        default=None, ge=0.0,
        description="The offer's PPG loan commitments as % of the country's GDP (signing year).",
    )
    offer_service_share_peak_pct: float | None = Field(
        default=None, ge=0.0, le=100.0,
        description="The offer's own share of external PPG debt service with it (window peak).",
    )
    offer_debt_share_peak_pct: float | None = Field(
        default=None, ge=0.0, le=100.0,
        description="The offer's own share of PPG external debt with it (window peak).",
    )
    lender_service_share_before_peak_pct: float | None = Field(default=None, ge=0.0, le=100.0)
    lender_debt_share_before_peak_pct: float | None = Field(default=None, ge=0.0, le=100.0)
    lender_service_share_after_peak_pct: float | None = Field(default=None, ge=0.0, le=100.0)
    lender_debt_share_after_peak_pct: float | None = Field(default=None, ge=0.0, le=100.0)
    service_share_note: str = Field(
        default="", description="Why the lender's share of debt service is unknown, if it is."
    )
    lever_clauses: tuple[str, ...] = ()
    pledged_pct_of_revenue_peak: float | None = Field(default=None, ge=0.0)
    pledged_pct_of_exports_peak: float | None = Field(default=None, ge=0.0)
    offer_accelerable_pct_of_reserves_peak: float | None = Field(
        default=None, ge=0.0,
        description="The offer's own PPG balance under an acceleration trigger other than its "
        "own non-payment, % of FX reserves (window peak).",
    )
    offer_accelerable_pct_of_exports_peak: float | None = Field(default=None, ge=0.0)
    acceleration_pct_of_reserves_peak: float | None = Field(
        default=None, ge=0.0,
        description="Context: the same plus the existing debt that cross-defaults with it.",
    )
    acceleration_pct_of_exports_peak: float | None = Field(default=None, ge=0.0)
    project_dscr_p50_lifetime: float | None = None
    prob_self_service_pct: float | None = Field(default=None, ge=0.0, le=100.0)
    no_paris_club: bool | None = None
    cross_default: bool | None = None
    overrun_probability_pct: float | None = Field(
        default=None, ge=0.0, le=100.0,
        description="Probability that the project costs more than quoted (project simulation).",
    )
    overrun_expected_usd_m: float | None = Field(
        default=None, ge=0.0, description="Expected overrun that falls on the budget, US$ m."
    )
    overrun_p90_usd_m: float | None = Field(
        default=None, ge=0.0, description="90th percentile of that overrun, US$ m."
    )


class Thresholds(_Frozen):
    """The thresholds of the rules; defaults and their sources in ``docs/method.md``."""

    grant_element_min_pct: float = Field(
        default=35.0, description="IMF Debt Limits Policy: concessional if GE >= 35% at 5%."
    )
    deterioration_stock_moderate_pct: float = Field(
        default=20.0, gt=0.0,
        description="Rise of a stock indicator, % of its threshold: median downgrade shock.",
    )
    deterioration_stock_high_pct: float = Field(
        default=40.0, gt=0.0, description="... upper quartile of downgrade shocks (stock)."
    )
    deterioration_service_moderate_pct: float = Field(
        default=12.0, gt=0.0,
        description="Rise of a service indicator, % of its threshold: median downgrade shock.",
    )
    deterioration_service_high_pct: float = Field(
        default=35.0, gt=0.0, description="... upper quartile of downgrade shocks (service)."
    )
    probability_moderate_pp: float = Field(
        default=5.0, gt=0.0,
        description="Rise in the probability of a sustained or an external breach, pp.",
    )
    probability_high_pp: float = Field(default=10.0, gt=0.0)
    concentration_moderate_pct: float = Field(
        default=10.0, ge=0.0, le=100.0,
        description="The offer's own share of external debt service (judgement).",
    )
    concentration_high_pct: float = Field(default=25.0, ge=0.0, le=100.0)
    pledged_moderate_pct: float = Field(default=5.0, ge=0.0)
    pledged_high_pct: float = Field(default=15.0, ge=0.0)
    acceleration_reserves_moderate_pct: float = Field(default=50.0, ge=0.0)
    acceleration_reserves_high_pct: float = Field(default=100.0, ge=0.0)
    acceleration_exports_moderate_pct: float = Field(default=25.0, ge=0.0)
    acceleration_exports_high_pct: float = Field(default=50.0, ge=0.0)
    dscr_min: float = Field(default=1.0, ge=0.0)
    negligible_pct_gdp: float = Field(
        default=0.1, ge=0.0,
        description="An offer below this share of GDP fires no rule: it cannot raise a LIC-DSF "
        "stock indicator by more than 0.1 pp, 0.3% of the lowest threshold.",
    )
    saturated_probability_pct: float = Field(
        default=99.0, gt=0.0, le=100.0,
        description="A breach probability without the offer at or above this cannot tell "
        "offers apart: the size and duration of the breach are reported instead.",
    )
    moderate_rules_for_high: int | None = Field(
        default=None, ge=1,
        description="None (default): no escalation, the verdict is the most severe rule. A "
        "number n: n moderate rules from n different families make high.",
    )

    @model_validator(mode="after")
    def _ordered(self) -> Thresholds:
        for lo, hi in (
            ("deterioration_stock_moderate_pct", "deterioration_stock_high_pct"),
            ("deterioration_service_moderate_pct", "deterioration_service_high_pct"),
            ("probability_moderate_pp", "probability_high_pp"),
            ("concentration_moderate_pct", "concentration_high_pct"),
            ("pledged_moderate_pct", "pledged_high_pct"),
            ("acceleration_reserves_moderate_pct", "acceleration_reserves_high_pct"),
            ("acceleration_exports_moderate_pct", "acceleration_exports_high_pct"),
        ):
            if getattr(self, lo) > getattr(self, hi):
                raise ValueError(f"{lo} must not exceed {hi}")
        return self


Status = Literal["fired", "passed", "not_evaluated"]
Severity = Literal["high", "moderate"]


@dataclass(frozen=True, slots=True)
class RuleOutcome:
    """One rule applied to one offer."""

    rule: str
    title: str
    status: Status
    severity: Severity | None
    value: float | str | None
    threshold: str
    detail: str
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "title": self.title,
            "status": self.status,
            "severity": self.severity,
            "value": self.value,
            "threshold": self.threshold,
            "detail": self.detail,
            "source": self.source,
        }


@dataclass(frozen=True, slots=True)
class ClauseSensitivity:
    """How the verdict depends on the clauses that are only typical for the lender type.

    ``without_typical``: the verdict on the contract text and the creditor type's
    standard terms alone; ``with_typical``: with every typical clause present;
    ``distribution_pct``: the share of the drawn contract profiles (typical clauses
    at their published frequencies) that get each verdict; ``rule_fired_pct``: how
    often each rule fires over the draws; ``expected``: probability-weighted
    exposure figures (means over the draws).
    """

    without_typical: TrapRisk
    with_typical: TrapRisk
    distribution_pct: Mapping[str, float]
    rule_fired_pct: Mapping[str, float]
    expected: Mapping[str, float | None]
    n_draws: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "without_typical_clauses": self.without_typical.value,
            "with_typical_clauses": self.with_typical.value,
            "verdict_over_clause_draws_pct": {k: round(v, 9)
                                              for k, v in self.distribution_pct.items()},
            "rule_fired_over_clause_draws_pct": {k: round(v, 9)
                                                 for k, v in self.rule_fired_pct.items()},
            "probability_weighted": dict(self.expected),
            "n_draws": self.n_draws,
        }


@dataclass(frozen=True, slots=True)
class Verdict:
    """The verdict on one offer and every rule behind it.

    ``clauses`` says how the verdict depends on typical (not contractual) clauses;
    None where every clause of the offer is in its contracts or standard terms.
    """

    offer: str
    trap_risk: TrapRisk
    checks: tuple[RuleOutcome, ...]
    clauses: ClauseSensitivity | None = None

    @property
    def reasons(self) -> tuple[RuleOutcome, ...]:
        """The rules that fired."""
        return tuple(c for c in self.checks if c.status == "fired")

    @property
    def not_evaluated(self) -> tuple[str, ...]:
        return tuple(c.rule for c in self.checks if c.status == "not_evaluated")

    @property
    def complete(self) -> bool:
        """Every rule could be evaluated."""
        return not self.not_evaluated

    def to_frame(self) -> pd.DataFrame:
        """One row per rule (index: rule id)."""
        return pd.DataFrame([c.to_dict() for c in self.checks]).set_index("rule")

    def to_dict(self) -> dict[str, Any]:
        return {
            "offer": self.offer,
            "trap_risk": self.trap_risk.value,
            "reasons": [c.to_dict() for c in self.reasons],
            "checks": [c.to_dict() for c in self.checks],
            "not_evaluated": list(self.not_evaluated),
            "complete": self.complete,
            **({"typical_clauses": self.clauses.to_dict()} if self.clauses is not None
               else {}),
        }
