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

import math
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from pydantic import Field, model_validator

from debttrap._model import FrozenModel as _Frozen
from debttrap._numeric import finite_or_none as _finite
from debttrap.conventions import MIN_BREACH_YEARS, Risk

__all__ = [
    "RULES",
    "IndicatorChange",
    "RuleOutcome",
    "Thresholds",
    "TrapRisk",
    "Verdict",
    "VerdictInputs",
    "indicator_change",
    "judge",
    "verdict_inputs",
]


class _NanIsMissing(_Frozen):
    """A record whose non-finite numbers mean "not available" (stored as None)."""

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
    lender_service_share_after_peak_pct: float | None = Field(default=None, ge=0.0, le=100.0)
    lender_debt_share_after_peak_pct: float | None = Field(default=None, ge=0.0, le=100.0)
    service_share_note: str = Field(
        default="", description="Why the lender's share of debt service is unknown, if it is."
    )
    lever_clauses: tuple[str, ...] = ()
    pledged_pct_of_revenue_peak: float | None = Field(default=None, ge=0.0)
    pledged_pct_of_exports_peak: float | None = Field(default=None, ge=0.0)
    acceleration_pct_of_reserves_peak: float | None = Field(default=None, ge=0.0)
    acceleration_pct_of_exports_peak: float | None = Field(default=None, ge=0.0)
    project_dscr_p50_lifetime: float | None = None
    prob_self_service_pct: float | None = Field(default=None, ge=0.0, le=100.0)
    no_paris_club: bool | None = None
    cross_default: bool | None = None


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
        default=5.0, gt=0.0, description="Rise in P(distress) or P(breach), pp (judgement)."
    )
    probability_high_pp: float = Field(default=10.0, gt=0.0)
    concentration_moderate_pct: float = Field(default=30.0, ge=0.0, le=100.0)
    concentration_high_pct: float = Field(default=50.0, ge=0.0, le=100.0)
    pledged_moderate_pct: float = Field(default=5.0, ge=0.0)
    pledged_high_pct: float = Field(default=15.0, ge=0.0)
    acceleration_reserves_moderate_pct: float = Field(default=50.0, ge=0.0)
    acceleration_reserves_high_pct: float = Field(default=100.0, ge=0.0)
    acceleration_exports_moderate_pct: float = Field(default=25.0, ge=0.0)
    acceleration_exports_high_pct: float = Field(default=50.0, ge=0.0)
    dscr_min: float = Field(default=1.0, ge=0.0)
    moderate_rules_for_high: int = Field(default=3, ge=1)

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
class Verdict:
    """The verdict on one offer and every rule behind it."""

    offer: str
    trap_risk: TrapRisk
    checks: tuple[RuleOutcome, ...]

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
    "debttrap judgement anchored on cases (lending-terms.md §5): Chinese lenders held ~40% of "
    "Zambia's public external debt at its 2020 default, ~half of Laos's; levers per How China "
    "Lends (Gelpern et al. 2021)"
)
_PLEDGE = (
    "debttrap judgement: How China Collateralizes (Gelpern et al., 2025) finds ~80% of China's "
    "collateralised PPG lending secured on revenue in lender-controlled accounts; no published "
    "threshold, so 5% / 15% of government revenue mark a material / a large claim"
)
_ACCEL = (
    "debttrap judgement: an amount due at once above half of FX reserves (all of them for high) "
    "cannot be met without new money; Laos's debt service ~ its reserves (lending-terms.md §5)"
)
_DSCR = (
    "definition: DSCR < 1 means the project's net revenue falls short of its own debt service; "
    "priors from reference classes (lending-terms.md §4)"
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
    title = "Non-concessional borrowing"
    g = t.grant_element_min_pct
    th = f"grant element < {g:g}% (high if the country is at high risk or in distress)"
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
    if _at_high_risk(i):
        return RuleOutcome(
            "non_concessional", title, "fired", "high", ge, th,
            f"grant element {_fmt(ge)}% below {g:g}% while the country is at "
            f"{_state(i.rating_before)} risk: the IMF debt limit on non-concessional debt is "
            "zero", _DLP_ZERO,
        )
    return RuleOutcome(
        "non_concessional", title, "fired", "moderate", ge, th,
        f"grant element {_fmt(ge)}% (IMF, 5%) below {g:g}% (rating before "
        f"{_state(i.rating_before)})", _DLP,
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
    over = [c for c in i.indicator_changes
            if c.overrun_increase_pp is not None and c.overrun_increase_pp > 0.05]
    if over:
        big = max(over, key=lambda c: (c.overrun_increase_pp or 0.0) / c.threshold_pct)
        pp = big.overrun_increase_pp or 0.0
        detail += (f"; not counted: the project's overrun adds up to +{_fmt(pp)} pp to "
                   f"{big.label} ({100.0 * pp / big.threshold_pct:.0f}% of its threshold)")
    return RuleOutcome(
        "dsa_deterioration", title, "fired" if sev else "passed", sev, value, th, detail,
        _DOWNGRADE,
    )


def _probability(i: VerdictInputs, t: Thresholds) -> RuleOutcome:
    title = "The offer raises the probability of distress"
    th = (f"P(distress) or P(breach) up >= {t.probability_moderate_pp:g} pp "
          f"(high >= {t.probability_high_pp:g} pp)")
    pairs = [
        ("P(distress)", i.prob_distress_without_pct, i.prob_distress_with_pct),
        ("P(external breach)", i.prob_breach_without_pct, i.prob_breach_with_pct),
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
    others = "; ".join(f"{n} {_fmt(x)}% -> {_fmt(y)}%" for n, _, x, y in rises if n != name)
    detail = f"{name} {_fmt(a)}% without the offer -> {_fmt(b)}% with it ({d:+.1f} pp)"
    if others:
        detail += f"; {others}"
    return RuleOutcome("distress_probability", title, "fired" if sev else "passed", sev, d, th,
                       detail, _PROB)


def _concentration(i: VerdictInputs, t: Thresholds) -> RuleOutcome:
    title = "Lender with policy levers holds a large share of external debt service"
    th = (f"lever clauses and lender share >= {t.concentration_moderate_pct:g}% "
          f"(high >= {t.concentration_high_pct:g}%)")
    share = _finite(i.lender_service_share_after_peak_pct)
    what = "external debt service"
    if share is None:
        share = _finite(i.lender_debt_share_after_peak_pct)
        what = "PPG external debt"
        if i.service_share_note:
            what += " (share of service not known)"
    if share is None:
        return RuleOutcome("lever_concentration", title, "not_evaluated", None, None, th,
                           "no creditor shares", _CASES)
    levers = ", ".join(i.lever_clauses) if i.lever_clauses else "none"
    if not i.lever_clauses or share < t.concentration_moderate_pct:
        return RuleOutcome(
            "lever_concentration", title, "passed", None, share, th,
            f"lender's peak share of {what} {_fmt(share)}%; lever clauses: {levers}", _CASES,
        )
    sev: Severity = "high" if share >= t.concentration_high_pct else "moderate"
    return RuleOutcome(
        "lever_concentration", title, "fired", sev, share, th,
        f"lender's peak share of {what} {_fmt(share)}% with lever clauses: {levers}", _CASES,
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
    return _graded(
        "acceleration_exposure",
        "Amount due at once if the lender accelerates (with cross-defaults)",
        "peak amount due at once", _ACCEL,
        ((i.acceleration_pct_of_reserves_peak, t.acceleration_reserves_moderate_pct,
          t.acceleration_reserves_high_pct, "FX reserves"),
         (i.acceleration_pct_of_exports_peak, t.acceleration_exports_moderate_pct,
          t.acceleration_exports_high_pct, "exports")),
        "no reserves or exports to compare with",
    )


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
)


def judge(inputs: VerdictInputs, thresholds: Thresholds | None = None) -> Verdict:
    """Apply every rule to ``inputs`` and combine them into low / moderate / high."""
    t = thresholds if thresholds is not None else Thresholds()
    checks = tuple(rule(inputs, t) for rule in RULES)
    fired = [c for c in checks if c.status == "fired"]
    n_moderate = sum(1 for c in fired if c.severity == "moderate")
    if any(c.severity == "high" for c in fired) or n_moderate >= t.moderate_rules_for_high:
        risk = TrapRisk.HIGH
    elif n_moderate:
        risk = TrapRisk.MODERATE
    else:
        risk = TrapRisk.LOW
    return Verdict(offer=inputs.offer, trap_risk=risk, checks=checks)


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
    exposure: Any = None,
    economics: Any = None,
    clauses_no_paris_club: bool | None = None,
    clauses_cross_default: bool | None = None,
) -> VerdictInputs:
    """Fill a :class:`VerdictInputs` from the leverage results of one offer.

    ``exposure`` is a :class:`~debttrap.leverage.exposure.Exposure` (or None),
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
    }
    if prob_distress_pct is not None:
        data["prob_distress_without_pct"], data["prob_distress_with_pct"] = prob_distress_pct
    if prob_breach_pct is not None:
        data["prob_breach_without_pct"], data["prob_breach_with_pct"] = prob_breach_pct
    if exposure is not None:
        s = exposure.summary()
        data.update(
            lender_service_share_after_peak_pct=s["lender_service_share_after_peak_pct"],
            lender_debt_share_after_peak_pct=s["lender_debt_share_after_peak_pct"],
            service_share_note=s.get("service_share_note", ""),
            lever_clauses=tuple(s["lever_clauses"]),
            pledged_pct_of_revenue_peak=s["pledged_pct_of_revenue_peak"],
            pledged_pct_of_exports_peak=s["pledged_pct_of_exports_peak"],
            acceleration_pct_of_reserves_peak=s["acceleration_pct_of_reserves_peak"],
            acceleration_pct_of_exports_peak=s["acceleration_pct_of_exports_peak"],
            no_paris_club=s["keeps_out_of_restructuring"],
            cross_default="cross_default" in s["triggers_present"],
        )
    if economics is not None:
        s = economics.summary()
        data.update(
            project_dscr_p50_lifetime=s["dscr_p50_lifetime"],
            prob_self_service_pct=s["prob_self_service_pct"],
        )
    if clauses_no_paris_club is not None:
        data["no_paris_club"] = clauses_no_paris_club
    if clauses_cross_default is not None:
        data["cross_default"] = clauses_cross_default
    return VerdictInputs.model_validate(data)
