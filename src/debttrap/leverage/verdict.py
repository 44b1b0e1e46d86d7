"""The trap-risk verdict: explicit rules over plain numbers, low / moderate / high.

Each rule reads one or two numbers of a :class:`VerdictInputs` record (the
assessment supplies them: the DSA rating before and after, the grant
element, what the offer's own financing does to each LIC-DSF indicator and
to the probability of distress, the exposure and project figures), compares
them with a published threshold or a documented judgement
(:class:`Thresholds`), and says whether it *fired*, *passed* or could *not be
evaluated* (input missing), with the numbers.

The debt rules are **marginal**: they judge what the offer itself does, not
the state the country is in. A country already at high risk of debt distress
is not a reason to condemn an offer; borrowing on non-concessional terms in
that state is (the IMF Debt Limits Policy sets a zero limit on it), and so is
an offer that worsens the rating, raises an indicator by as much as the shocks
that typically trigger a downgrade, creates a new breach, or raises the
probability of distress. A grant that adds no debt fires none of them. The
verdict is then mechanical:

* **high** — a rule of high severity fired, or three or more moderate rules;
* **moderate** — one or two moderate rules fired;
* **low** — no rule fired: the offer is judged safe on every rule evaluated.

The rules test the "debt-trap" claim both ways: an offer with concessional
terms, no lever clauses and a project that pays for itself passes every rule.
Non-financial conditions are never scored. The rule set, thresholds and their
sources are documented in ``docs/method.md``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from pydantic import Field, model_validator

from debttrap._model import FrozenModel as _Frozen
from debttrap._numeric import finite_or_none as _finite
from debttrap.conventions import MIN_BREACH_YEARS, Risk
from debttrap.leverage.exposure import Exposure, ExposureSummary

__all__ = [
    "RULES",
    "ClauseSensitivity",
    "IndicatorChange",
    "RuleOutcome",
    "Thresholds",
    "TrapRisk",
    "Verdict",
    "VerdictInputs",
    "indicator_change",
    "judge",
    "judge_clause_draws",
    "verdict_inputs",
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


# --- the rules --------------------------------------------------------------------

_LIC_DSF = (
    "IMF & World Bank (2018), Guidance Note on the Bank-Fund Debt Sustainability Framework "
    "for Low Income Countries: risk of external debt distress"
)
_DLP = "IMF Debt Limits Policy (2015, 2021 reforms): concessional if grant element >= 35% at 5%"
_DLP_ZERO = (
    "IMF Debt Limits Policy (2015 reform, 2021 review): for countries at high risk of debt "
    "distress or in distress the limit on non-concessional external debt is zero (grant "
    "element >= 35% at 5%, lending-terms.md §1.2)"
)
_DLP_CONC = (
    "IMF Debt Limits Policy (2015 reform, 2021 review): at high risk, external borrowing "
    "should be concessional (GE >= 35%); debttrap judgement: concessional debt at high "
    "risk is at most a moderate concern by itself"
)
_LIC_DSF_WORSE = (
    "IMF & World Bank (2018) LIC-DSF Guidance Note: risk of external debt distress, rated "
    "with and without the offer; a downgrade the offer causes alone is judged high "
    "(debttrap judgement)"
)
_DOWNGRADE = (
    "IMF & World Bank (2018) LIC-DSF Guidance Note, moderate-risk granularity: observed "
    "downgrade shocks raise an indicator by a median 20% (stock) / 12% (service) of its "
    "threshold, upper quartile 40% / 35% (lic-dsf-method.md §5.5); breach = 2+ years above "
    "in the window (§5.1). Using them for one offer's rise is debttrap's judgement"
)
_PROB = (
    "debttrap judgement: +5 pp (moderate) / +10 pp (high) in the probability of distress or "
    "of a two-year external breach, from the stochastic engine on the same macro paths with "
    "and without the offer (common random numbers)"
)
_CASES = (
    "debttrap judgement: one contract that carries policy levers (How China Lends, Gelpern et "
    "al. 2021) over a tenth of a country's external debt service is a material lever, over a "
    "quarter a large one; the lender's whole share (Chinese lenders held ~40% of Zambia's "
    "public external debt at its 2020 default, ~half of Laos's) is context, since a "
    "contract's clauses bind that contract only"
)
_PLEDGE = (
    "debttrap judgement: How China Collateralizes (Gelpern et al., 2025) finds ~80% of China's "
    "collateralised PPG lending secured on revenue in lender-controlled accounts; no published "
    "threshold, so 5% / 15% of government revenue mark a material / a large claim"
)
_ACCEL = (
    "Greenspan-Guidotti rule (reserves should cover the external debt falling due within a "
    "year; IMF 2011, Assessing Reserve Adequacy): a balance the lender can call at once is "
    "debt due within the year. Half of reserves (moderate) and all of them (high) are "
    "debttrap's bands; the loan's own non-payment trigger is universal and not counted"
)
_DSCR = (
    "definition: DSCR < 1 means the project's net revenue falls short of its own debt service; "
    "priors from reference classes (lending-terms.md §4)"
)
_OVERRUN = (
    "cost-overrun reference classes (Flyvbjerg, Holm & Buhl 2002; Ansar et al. 2014; "
    "docs/method.md §2) through the project simulation; the overrun the budget bears is "
    "borrowed and enters the DSA. Charging it as a contingent cost of the offer at the "
    "deterioration rule's moderate band is debttrap's judgement"
)
_LOCK = (
    "How China Lends: ~75% of Chinese contracts keep the debt out of Paris Club / collective "
    "restructuring; with cross-default a default spreads. Zambia (default 2020, Common "
    "Framework deal 2023) shows how long such a restructuring takes"
)


def _fmt(x: float) -> str:
    return f"{x:,.1f}"


_AT_HIGH = (Risk.HIGH, Risk.IN_DISTRESS)


def _at_high_risk(i: VerdictInputs) -> bool | None:
    return None if i.rating_before is None else i.rating_before in _AT_HIGH


def _state(r: Risk | None) -> str:
    return "unknown" if r is None else r.value.replace("_", " ")


def _dsa_worse(i: VerdictInputs, t: Thresholds) -> RuleOutcome:
    title = "The offer worsens the risk rating"
    th = "rating with the offer worse than without it"
    without = i.rating_without_offer or i.rating_before
    if i.rating_after is None or without is None:
        return RuleOutcome("dsa_rating_worse", title, "not_evaluated", None, None, th,
                           "rating before or after missing", _LIC_DSF_WORSE)
    fired = i.rating_after.code > without.code
    detail = f"rating {without.value} without the offer, {i.rating_after.value} with it"
    if i.rating_before is not None and i.rating_before != without:
        detail += (f" (the country alone: {i.rating_before.value}; the difference is the "
                   "project's overrun on the budget, not the offer)")
    return RuleOutcome(
        "dsa_rating_worse", title, "fired" if fired else "passed",
        "high" if fired else None, f"{without.value} -> {i.rating_after.value}", th,
        detail, _LIC_DSF_WORSE,
    )


def _concessional(i: VerdictInputs, t: Thresholds) -> RuleOutcome:
    """The concessionality yardstick; the Debt Limits Policy's zero limit where it binds."""
    title = "Non-concessional borrowing"
    g = t.grant_element_min_pct
    th = (f"grant element < {g:g}% (the IMF concessionality yardstick); fires (high) only "
          "where the Debt Limits Policy's zero limit binds: high risk or in distress")
    ge = _finite(i.grant_element_pct)
    if ge is None:
        return RuleOutcome("non_concessional", title, "not_evaluated", None, None, th,
                           "no grant element", _DLP)
    if i.adds_debt is False:
        return RuleOutcome("non_concessional", title, "passed", None, ge, th,
                           f"the offer adds no debt (grant element {_fmt(ge)}%)", _DLP)
    if ge >= g:
        return RuleOutcome("non_concessional", title, "passed", None, ge, th,
                           f"grant element {_fmt(ge)}% (IMF, 5%) at or above {g:g}%", _DLP)
    high = _at_high_risk(i)
    if high is None:
        return RuleOutcome("non_concessional", title, "not_evaluated", None, ge, th,
                           f"grant element {_fmt(ge)}% below {g:g}%, but the rating before "
                           "the offer is unknown, so whether the zero limit binds is unknown",
                           _DLP)
    if high:
        return RuleOutcome(
            "non_concessional", title, "fired", "high", ge, th,
            f"grant element {_fmt(ge)}% below {g:g}% while the country is at "
            f"{_state(i.rating_before)} risk: the Debt Limits Policy's limit on "
            "non-concessional external debt is zero there (it binds formally in "
            "Fund-supported programmes; debttrap applies it as the yardstick)", _DLP_ZERO,
        )
    return RuleOutcome(
        "non_concessional", title, "passed", None, ge, th,
        f"grant element {_fmt(ge)}% (IMF, 5%) below the {g:g}% yardstick, but at "
        f"{_state(i.rating_before)} risk the Debt Limits Policy sets no zero limit (a "
        "Fund-supported programme may cap such borrowing): terms shown, not scored", _DLP,
    )


def _concessional_at_high(i: VerdictInputs, t: Thresholds) -> RuleOutcome:
    title = "Concessional debt added at high risk"
    th = "adds PPG debt, grant element >= 35%, country at high risk or in distress"
    high = _at_high_risk(i)
    ge = _finite(i.grant_element_pct)
    if high is None or i.adds_debt is None:
        return RuleOutcome("concessional_debt_at_high_risk", title, "not_evaluated", None,
                           None, th, "rating before or the offer's debt unknown", _DLP_CONC)
    if not i.adds_debt:
        return RuleOutcome("concessional_debt_at_high_risk", title, "passed", None, 0.0, th,
                           "the offer adds no debt", _DLP_CONC)
    if not high:
        return RuleOutcome("concessional_debt_at_high_risk", title, "passed", None, None, th,
                           f"rating before {_state(i.rating_before)}", _DLP_CONC)
    if ge is None or ge < t.grant_element_min_pct:
        return RuleOutcome("concessional_debt_at_high_risk", title, "passed", None, ge, th,
                           "the borrowing is not concessional (see the non-concessional rule)",
                           _DLP_CONC)
    amount = _finite(i.ppg_loans_usd_m)
    parts = [f"adds US$ {amount:,.0f} m of PPG debt" if amount is not None else "adds PPG debt",
             f"grant element {_fmt(ge)}%"]
    top = _largest_rise(i)
    if top is not None and top.max_increase_pp is not None:
        parts.append(f"{top.label} +{_fmt(top.max_increase_pp)} pp at most")
    return RuleOutcome(
        "concessional_debt_at_high_risk", title, "fired", "moderate", ge, th,
        f"{', '.join(parts)}, to a country at {_state(i.rating_before)} risk", _DLP_CONC,
    )


def _largest_rise(i: VerdictInputs) -> IndicatorChange | None:
    """The indicator the offer raises most, relative to its threshold."""
    rated = [c for c in i.indicator_changes if c.max_increase_pct_of_threshold is not None]
    if not rated:
        return None
    return max(rated, key=lambda c: c.max_increase_pct_of_threshold or 0.0)


def _deterioration(i: VerdictInputs, t: Thresholds) -> RuleOutcome:
    title = "The offer's own rise in the debt indicators"
    th = (f"rise >= {t.deterioration_stock_moderate_pct:g}% of threshold (stock) or "
          f"{t.deterioration_service_moderate_pct:g}% (service); high >= "
          f"{t.deterioration_stock_high_pct:g}% / {t.deterioration_service_high_pct:g}%; "
          "a new breach is at least moderate")
    top = _largest_rise(i)
    if top is None or top.max_increase_pct_of_threshold is None:
        return RuleOutcome("dsa_deterioration", title, "not_evaluated", None, None, th,
                           "no indicator paths with and without the offer", _DOWNGRADE)
    sev: Severity | None = None
    for c in i.indicator_changes:
        share = c.max_increase_pct_of_threshold
        if share is None:
            continue
        mod, hi = ((t.deterioration_stock_moderate_pct, t.deterioration_stock_high_pct)
                   if c.kind == "stock"
                   else (t.deterioration_service_moderate_pct, t.deterioration_service_high_pct))
        if share >= hi:
            sev = "high"
        elif (share >= mod or c.new_breach) and sev is None:
            sev = "moderate"
    value = top.max_increase_pct_of_threshold
    rise = max(top.max_increase_pp or 0.0, 0.0)
    detail = (f"largest rise {top.label} +{_fmt(rise)} pp"
              + (f" in {top.max_increase_year}" if top.max_increase_year and rise > 0 else "")
              + f" ({max(value, 0.0):.0f}% of its {top.threshold_pct:g}% threshold)")
    new = [c for c in i.indicator_changes if c.new_breach]
    if new:
        detail += "; new breach: " + ", ".join(
            f"{c.label} ({c.years_above_without} -> {c.years_above_with} years above)"
            for c in new)
    return RuleOutcome(
        "dsa_deterioration", title, "fired" if sev else "passed", sev, value, th, detail,
        _DOWNGRADE,
    )


#: What each probability measures (the stochastic engine's rules, docs/stochastic.md).
PROBABILITY_LABELS: dict[str, str] = {
    "distress": "probability of a sustained debt-service breach (a service indicator above "
                "its threshold two years running)",
    "breach": "probability of an external threshold breach (an external indicator above its "
              "threshold in two or more years of the rating window)",
}


def _breach_size(i: VerdictInputs) -> str:
    """Size and duration of the baseline breach, with and without the offer (deterministic)."""
    above = [c for c in i.indicator_changes
             if c.peak_without_pct is not None and c.years_above_without > 0]
    if not above:
        return "no indicator is above its threshold on the baseline path"
    worst = max(above, key=lambda c: (c.peak_without_pct or 0.0) / c.threshold_pct)
    pw = worst.peak_without_pct or 0.0
    pa = worst.peak_with_pct if worst.peak_with_pct is not None else pw
    return (f"on the baseline path {worst.label} peaks at {_fmt(pw)}% against a "
            f"{worst.threshold_pct:g}% threshold ({pw / worst.threshold_pct:.1f}x), above it "
            f"{worst.years_above_without} of the window's years without the offer; with it "
            f"{_fmt(pa)}% and {worst.years_above_with} years")


def _probability(i: VerdictInputs, t: Thresholds) -> RuleOutcome:
    title = "The offer raises the probability of a sustained threshold breach"
    th = (f"probability up >= {t.probability_moderate_pp:g} pp "
          f"(high >= {t.probability_high_pp:g} pp), same macro paths")
    pairs = [
        ("sustained debt-service breach", i.prob_distress_without_pct, i.prob_distress_with_pct),
        ("external breach", i.prob_breach_without_pct, i.prob_breach_with_pct),
    ]
    rises = [(name, b - a, a, b) for name, a, b in pairs if a is not None and b is not None]
    if not rises:
        return RuleOutcome("distress_probability", title, "not_evaluated", None, None, th,
                           "no stochastic run", _PROB)
    name, d, a, b = max(rises, key=lambda r: r[1])
    sev: Severity | None = (
        "high" if d >= t.probability_high_pp
        else "moderate" if d >= t.probability_moderate_pp else None
    )
    detail = (f"probability of a {name} {_fmt(a)}% without the offer -> {_fmt(b)}% with it "
              f"({d:+.1f} pp)")
    others = "; ".join(f"{n} {_fmt(x)}% -> {_fmt(y)}%" for n, _, x, y in rises if n != name)
    if others:
        detail += f"; {others}"
    saturated = [n for n, _, x, _ in rises if x >= t.saturated_probability_pct]
    if saturated:
        detail += (f". The country breaches on (almost) every path without the offer "
                   f"({', '.join(saturated)}), so this probability cannot tell offers apart; "
                   f"instead: {_breach_size(i)}")
    return RuleOutcome("distress_probability", title, "fired" if sev else "passed", sev, d, th,
                       detail, _PROB)


def _concentration(i: VerdictInputs, t: Thresholds) -> RuleOutcome:
    """The offer's own share of the country's external debt service, if it carries levers.

    The lender's existing position is context: a lever clause binds the contract that
    carries it, so what the offer adds to the lender's hand is its own loans.
    """
    title = "The offer's own loans carry policy levers over a large share of debt service"
    th = (f"lever clauses and the offer's own share >= {t.concentration_moderate_pct:g}% "
          f"(high >= {t.concentration_high_pct:g}%)")
    share = _finite(i.offer_service_share_peak_pct)
    what = "external debt service"
    before, after = (_finite(i.lender_service_share_before_peak_pct),
                     _finite(i.lender_service_share_after_peak_pct))
    if share is None:
        share = _finite(i.offer_debt_share_peak_pct)
        what = "PPG external debt"
        before, after = (_finite(i.lender_debt_share_before_peak_pct),
                         _finite(i.lender_debt_share_after_peak_pct))
        if i.service_share_note:
            what += " (share of service not known)"
    if share is None:
        return RuleOutcome("lever_concentration", title, "not_evaluated", None, None, th,
                           "no creditor shares", _CASES)
    levers = ", ".join(i.lever_clauses) if i.lever_clauses else "none"
    context = ""
    if before is not None or after is not None:
        b = "?" if before is None else _fmt(before)
        a = "?" if after is None else _fmt(after)
        context = f"; context: the lender's whole share {b}% before, {a}% after"
    if not i.lever_clauses or share < t.concentration_moderate_pct:
        return RuleOutcome(
            "lever_concentration", title, "passed", None, share, th,
            f"the offer's own peak share of {what} {_fmt(share)}%; lever clauses: {levers}"
            + context, _CASES,
        )
    sev: Severity = "high" if share >= t.concentration_high_pct else "moderate"
    return RuleOutcome(
        "lever_concentration", title, "fired", sev, share, th,
        f"the offer's own peak share of {what} {_fmt(share)}% with lever clauses: {levers}"
        + context, _CASES,
    )


def _graded(
    rule: str, title: str, what: str, source: str,
    yardsticks: tuple[tuple[float | None, float, float, str], ...], missing: str,
) -> RuleOutcome:
    """Grade ``what`` against the first yardstick ``(value %, moderate, high, unit)`` whose
    value is known; not evaluated (``missing``) where none is."""
    for pct, moderate, high, unit in yardsticks:
        value = _finite(pct)
        if value is None:
            continue
        level: Severity | None = (
            "high" if value >= high else "moderate" if value >= moderate else None
        )
        return RuleOutcome(rule, title, "passed" if level is None else "fired", level, value,
                           f">= {moderate:g}% of {unit} (high >= {high:g}%)",
                           f"{what} {_fmt(value)}% of {unit}", source)
    _, moderate, _, unit = yardsticks[0]
    return RuleOutcome(rule, title, "not_evaluated", None, None, f">= {moderate:g}% of {unit}",
                       missing, source)


def _pledged(i: VerdictInputs, t: Thresholds) -> RuleOutcome:
    return _graded(
        "pledged_revenue", "Revenue pledged or swept into lender-controlled accounts",
        "peak pledged revenue", _PLEDGE,
        ((i.pledged_pct_of_revenue_peak, t.pledged_moderate_pct, t.pledged_high_pct,
          "government revenue"),
         (i.pledged_pct_of_exports_peak, t.pledged_moderate_pct, t.pledged_high_pct, "exports")),
        "no government revenue or exports to compare with",
    )


def _acceleration(i: VerdictInputs, t: Thresholds) -> RuleOutcome:
    out = _graded(
        "acceleration_exposure",
        "The offer's own debt that can be called at once",
        "the offer's peak accelerable balance", _ACCEL,
        ((i.offer_accelerable_pct_of_reserves_peak, t.acceleration_reserves_moderate_pct,
          t.acceleration_reserves_high_pct, "FX reserves"),
         (i.offer_accelerable_pct_of_exports_peak, t.acceleration_exports_moderate_pct,
          t.acceleration_exports_high_pct, "exports")),
        "no reserves or exports to compare with",
    )
    ctx = [(v, unit) for v, unit in ((_finite(i.acceleration_pct_of_reserves_peak), "reserves"),
                                     (_finite(i.acceleration_pct_of_exports_peak), "exports"))
           if v is not None]
    if out.status != "not_evaluated" and ctx:
        v, unit = ctx[0]
        out = dataclasses.replace(out, detail=(
            f"{out.detail}; context, not counted: with the existing debt whose own contracts "
            f"cross-default (bonds, commercial loans) {_fmt(v)}% of {unit}"))
    return out


def _dscr(i: VerdictInputs, t: Thresholds) -> RuleOutcome:
    title = "Project does not pay for itself"
    th = f"median lifetime DSCR < {t.dscr_min:g}"
    d = _finite(i.project_dscr_p50_lifetime)
    if d is None:
        return RuleOutcome("project_not_self_financing", title, "not_evaluated", None, None, th,
                           "no project serviced by its own revenue", _DSCR)
    fired = d < t.dscr_min
    p = _finite(i.prob_self_service_pct)
    extra = f"; services its debt every year in {_fmt(p)}% of paths" if p is not None else ""
    return RuleOutcome(
        "project_not_self_financing", title, "fired" if fired else "passed",
        "moderate" if fired else None, d, th,
        f"median lifetime debt-service cover {d:.2f}{extra}", _DSCR,
    )


def _lock(i: VerdictInputs, t: Thresholds) -> RuleOutcome:
    title = "Cross-default and no collective restructuring"
    th = "no_paris_club and cross_default"
    if i.no_paris_club is None or i.cross_default is None:
        return RuleOutcome("restructuring_lock", title, "not_evaluated", None, None, th,
                           "clause flags missing", _LOCK)
    fired = i.no_paris_club and i.cross_default
    return RuleOutcome(
        "restructuring_lock", title, "fired" if fired else "passed",
        "moderate" if fired else None,
        f"no_paris_club={i.no_paris_club}, cross_default={i.cross_default}", th,
        "the debt is kept out of collective restructuring and cross-defaults"
        if fired
        else "the contract does not combine both clauses",
        _LOCK,
    )


def _overrun(i: VerdictInputs, t: Thresholds) -> RuleOutcome:
    """The project's expected overrun on the budget: a contingent cost of the offer."""
    title = "The project's cost overrun on the budget (contingent cost)"
    th = (f"the expected overrun raises an indicator by >= "
          f"{t.deterioration_stock_moderate_pct:g}% of its threshold (stock) or "
          f"{t.deterioration_service_moderate_pct:g}% (service); moderate at most")
    p, mean, p90 = (_finite(i.overrun_probability_pct), _finite(i.overrun_expected_usd_m),
                    _finite(i.overrun_p90_usd_m))
    if p is None and mean is None:
        return RuleOutcome("project_overrun", title, "not_evaluated", None, None, th,
                           "no project simulation", _OVERRUN)
    odds = (f"probability the project costs more than quoted {_fmt(p)}%" if p is not None
            else "probability of an overrun not known")
    money = (f"expected overrun on the budget US$ {mean:,.0f} m" if mean is not None else "")
    if p90 is not None:
        money += f" (P90 US$ {p90:,.0f} m)"
    rated = [c for c in i.indicator_changes
             if c.overrun_increase_pp is not None and c.overrun_increase_pp > 0.0]
    if not rated or not mean:
        return RuleOutcome("project_overrun", title, "passed", None, 0.0, th,
                           f"{odds}; {money or 'no overrun falls on the budget'}; it adds "
                           "nothing to the debt indicators", _OVERRUN)
    fired = False
    for c in rated:
        lim = (t.deterioration_stock_moderate_pct if c.kind == "stock"
               else t.deterioration_service_moderate_pct)
        fired = fired or 100.0 * (c.overrun_increase_pp or 0.0) / c.threshold_pct >= lim
    big = max(rated, key=lambda c: (c.overrun_increase_pp or 0.0) / c.threshold_pct)
    value = 100.0 * (big.overrun_increase_pp or 0.0) / big.threshold_pct
    return RuleOutcome(
        "project_overrun", title, "fired" if fired else "passed",
        "moderate" if fired else None, value, th,
        f"{odds}; {money}; borrowed, it raises {big.label} by up to "
        f"+{_fmt(big.overrun_increase_pp or 0.0)} pp ({value:.0f}% of its threshold)",
        _OVERRUN,
    )


#: The rules in the order they are shown.
RULES: tuple[Callable[[VerdictInputs, Thresholds], RuleOutcome], ...] = (
    _dsa_worse,
    _concessional,
    _concessional_at_high,
    _deterioration,
    _probability,
    _concentration,
    _pledged,
    _acceleration,
    _dscr,
    _lock,
    _overrun,
)

#: Families of rules that read the same underlying quantity: rules of one family fire
#: together (dearer terms raise the indicators, the probabilities and the project's debt
#: service at once; lever clauses come in one contract), so an optional escalation counts a
#: family once (docs/method.md §4.3).
RULE_FAMILIES: dict[str, str] = {
    "dsa_rating_worse": "debt burden",
    "non_concessional": "debt burden",
    "concessional_debt_at_high_risk": "debt burden",
    "dsa_deterioration": "debt burden",
    "distress_probability": "debt burden",
    "project_not_self_financing": "debt burden",
    "project_overrun": "project cost",
    "lever_concentration": "lender levers",
    "pledged_revenue": "lender levers",
    "acceleration_exposure": "lender levers",
    "restructuring_lock": "lender levers",
}


def _negligible(outcome: RuleOutcome, i: VerdictInputs, t: Thresholds) -> RuleOutcome:
    """A rule that fired on an offer negligible against the economy passes, saying why."""
    size = _finite(i.offer_size_pct_gdp)
    if (outcome.status != "fired" or size is None or size >= t.negligible_pct_gdp
            or outcome.rule == "project_overrun"):
        return outcome
    return dataclasses.replace(
        outcome, status="passed", severity=None,
        detail=(f"not scored: the offer's loans are {size:.3f}% of GDP, below the "
                f"{t.negligible_pct_gdp:g}% at which an offer can move an indicator "
                f"measurably ({outcome.detail})"),
    )


def _combine(checks: tuple[RuleOutcome, ...], t: Thresholds) -> TrapRisk:
    fired = [c for c in checks if c.status == "fired"]
    if any(c.severity == "high" for c in fired):
        return TrapRisk.HIGH
    if not fired:
        return TrapRisk.LOW
    if t.moderate_rules_for_high is not None:
        families = {RULE_FAMILIES.get(c.rule, c.rule) for c in fired}
        if len(families) >= t.moderate_rules_for_high:
            return TrapRisk.HIGH
    return TrapRisk.MODERATE


def judge(inputs: VerdictInputs, thresholds: Thresholds | None = None) -> Verdict:
    """Apply every rule to ``inputs``; the verdict is the most severe rule that fired.

    An offer negligible against the economy (``offer_size_pct_gdp`` below
    ``negligible_pct_gdp``) fires no rule. Moderates escalate to high only when
    ``moderate_rules_for_high`` is set, counting each family of rules once.
    """
    t = thresholds if thresholds is not None else Thresholds()
    checks = tuple(_negligible(rule(inputs, t), inputs, t) for rule in RULES)
    return Verdict(offer=inputs.offer, trap_risk=_combine(checks, t), checks=checks)


_RANK: dict[str | None, int] = {None: 0, "moderate": 1, "high": 2}

#: Probability-weighted figures reported over the clause draws (VerdictInputs fields).
_EXPECTED = (
    "offer_accelerable_pct_of_reserves_peak",
    "offer_accelerable_pct_of_exports_peak",
    "pledged_pct_of_revenue_peak",
    "pledged_pct_of_exports_peak",
)


def _state_of(c: RuleOutcome) -> str:
    return c.status.replace("_", " ") + (f" ({c.severity})" if c.severity else "")


def judge_clause_draws(
    draws: Sequence[tuple[VerdictInputs, float]],
    *,
    without_typical: VerdictInputs,
    with_typical: VerdictInputs,
    n_draws: int,
    thresholds: Thresholds | None = None,
) -> Verdict:
    """The verdict when some clauses are only typical: each rule at its median severity.

    ``draws`` are the inputs of each distinct contract profile drawn from the typical
    clause frequencies, with its weight (weights add up to 1). A rule fires at the
    most severe level it reaches in more than half of the draws (more likely than
    not); its detail says how often it fires, and what it is on the contract text
    and standard terms alone and with every typical clause. The verdict is then
    combined as :func:`judge` does; :attr:`Verdict.clauses` carries the verdict
    without and with the typical clauses and its distribution over the draws.
    """
    if not draws:
        raise ValueError("no clause draws")
    t = thresholds if thresholds is not None else Thresholds()
    judged = [(judge(i, t), w) for i, w in draws]
    doc, typ = judge(without_typical, t), judge(with_typical, t)
    checks: list[RuleOutcome] = []
    fired_pct: dict[str, float] = {}
    for j, base in enumerate(doc.checks):
        outs = [(v.checks[j], w) for v, w in judged]
        p_mod = sum(w for c, w in outs if _RANK[c.severity] >= 1 and c.status == "fired")
        p_high = sum(w for c, w in outs if c.severity == "high" and c.status == "fired")
        level = 2 if p_high > 0.5 else 1 if p_mod > 0.5 else 0
        same = [(c, w) for c, w in outs
                if (_RANK[c.severity] if c.status == "fired" else 0) == level]
        rep = max(same, key=lambda cw: cw[1])[0] if same else base
        fired_pct[base.rule] = 100.0 * p_mod
        states = {(c.status, c.severity) for c, _ in outs} | {
            (base.status, base.severity), (typ.checks[j].status, typ.checks[j].severity)}
        if len(states) > 1:
            rep = dataclasses.replace(rep, detail=(
                f"{rep.detail}. Clause evidence: fires in {100.0 * p_mod:.0f}% of "
                f"{n_draws:,} contract profiles drawn at the typical clauses' published "
                f"frequencies ({100.0 * p_high:.0f}% high); on the contract text and standard "
                f"terms alone: {_state_of(base)}; with every typical clause: "
                f"{_state_of(typ.checks[j])}"))
        checks.append(rep)
    dist = {r.value: 0.0 for r in TrapRisk}
    for v, w in judged:
        dist[v.trap_risk.value] += 100.0 * w
    expected: dict[str, float | None] = {}
    for name in _EXPECTED:
        vals = [(getattr(i, name), w) for i, w in draws]
        known = [(float(x), w) for x, w in vals if x is not None]
        total = sum(w for _, w in known)
        expected[name] = (sum(x * w for x, w in known) / total) if total > 0 else None
    out = tuple(checks)
    return Verdict(
        offer=without_typical.offer, trap_risk=_combine(out, t), checks=out,
        clauses=ClauseSensitivity(
            without_typical=doc.trap_risk, with_typical=typ.trap_risk,
            distribution_pct=dist, rule_fired_pct=fired_pct, expected=expected,
            n_draws=n_draws,
        ),
    )


def verdict_inputs(
    offer: str,
    *,
    adds_debt: bool | None = None,
    ppg_loans_usd_m: float | None = None,
    rating_before: Risk | str | None = None,
    rating_without_offer: Risk | str | None = None,
    rating_after: Risk | str | None = None,
    grant_element_pct: float | None = None,
    indicator_changes: tuple[IndicatorChange, ...] = (),
    prob_distress_pct: tuple[float, float] | None = None,
    prob_breach_pct: tuple[float, float] | None = None,
    exposure: Exposure | ExposureSummary | None = None,
    economics: Any = None,
    clauses_no_paris_club: bool | None = None,
    clauses_cross_default: bool | None = None,
    offer_size_pct_gdp: float | None = None,
) -> VerdictInputs:
    """Fill a :class:`VerdictInputs` from the leverage results of one offer.

    ``exposure`` is a :class:`~debttrap.leverage.exposure.Exposure` or its typed
    :class:`~debttrap.leverage.exposure.ExposureSummary` (or None),
    ``economics`` a :class:`~debttrap.leverage.project.ProjectEconomics` (or
    None). ``prob_distress_pct`` and ``prob_breach_pct`` are (without the offer,
    with it) on the same macro paths. Clause flags default to the exposure's
    (any PPG loan of the offer).
    """
    data: dict[str, Any] = {
        "offer": offer,
        "adds_debt": adds_debt,
        "ppg_loans_usd_m": ppg_loans_usd_m,
        "rating_before": rating_before,
        "rating_without_offer": rating_without_offer,
        "rating_after": rating_after,
        "grant_element_pct": grant_element_pct,
        "indicator_changes": tuple(indicator_changes),
        "offer_size_pct_gdp": offer_size_pct_gdp,
    }
    if prob_distress_pct is not None:
        data["prob_distress_without_pct"], data["prob_distress_with_pct"] = prob_distress_pct
    if prob_breach_pct is not None:
        data["prob_breach_without_pct"], data["prob_breach_with_pct"] = prob_breach_pct
    if exposure is not None:
        x = exposure.summary() if isinstance(exposure, Exposure) else exposure
        data.update(
            offer_service_share_peak_pct=x.offer_service_share_peak_pct,
            offer_debt_share_peak_pct=x.offer_debt_share_peak_pct,
            offer_accelerable_pct_of_reserves_peak=x.offer_accelerable_pct_of_reserves_peak,
            offer_accelerable_pct_of_exports_peak=x.offer_accelerable_pct_of_exports_peak,
            lender_service_share_before_peak_pct=x.lender_service_share_before_peak_pct,
            lender_debt_share_before_peak_pct=x.lender_debt_share_before_peak_pct,
            lender_service_share_after_peak_pct=x.lender_service_share_after_peak_pct,
            lender_debt_share_after_peak_pct=x.lender_debt_share_after_peak_pct,
            service_share_note=x.service_share_note,
            lever_clauses=x.lever_clauses,
            pledged_pct_of_revenue_peak=x.pledged_pct_of_revenue_peak,
            pledged_pct_of_exports_peak=x.pledged_pct_of_exports_peak,
            acceleration_pct_of_reserves_peak=x.acceleration_pct_of_reserves_peak,
            acceleration_pct_of_exports_peak=x.acceleration_pct_of_exports_peak,
            no_paris_club=x.keeps_out_of_restructuring,
            cross_default=x.cross_default,
        )
    if economics is not None:
        s = economics.summary()
        data.update(
            project_dscr_p50_lifetime=s["dscr_p50_lifetime"],
            prob_self_service_pct=s["prob_self_service_pct"],
            overrun_probability_pct=s.get("prob_overrun_pct"),
            overrun_expected_usd_m=s.get("overrun_borrowed_mean_usd_m"),
            overrun_p90_usd_m=s.get("overrun_borrowed_p90_usd_m"),
        )
    if clauses_no_paris_club is not None:
        data["no_paris_club"] = clauses_no_paris_club
    if clauses_cross_default is not None:
        data["cross_default"] = clauses_cross_default
    return VerdictInputs.model_validate(data)
