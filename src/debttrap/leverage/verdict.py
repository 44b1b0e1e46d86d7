"""The trap-risk verdict: explicit rules over plain numbers, low / moderate / high.

Each rule reads one or two numbers of a :class:`VerdictInputs` record (the
assessment supplies them: the DSA rating before and after, the grant
element, the exposure and project figures), compares them with a published
threshold or a documented judgement (:class:`Thresholds`), and says whether
it *fired*, *passed* or could *not be evaluated* (input missing), with the
numbers. The verdict is then mechanical:

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

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "RULES",
    "Rating",
    "RuleOutcome",
    "Thresholds",
    "TrapRisk",
    "Verdict",
    "VerdictInputs",
    "judge",
    "verdict_inputs",
]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Rating(StrEnum):
    """LIC-DSF risk of external debt distress."""

    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"
    IN_DISTRESS = "in_distress"


_ORDER = {Rating.LOW: 0, Rating.MODERATE: 1, Rating.HIGH: 2, Rating.IN_DISTRESS: 3}


class TrapRisk(StrEnum):
    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"


def _finite(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


class VerdictInputs(_Frozen):
    """The numbers the rules read, for one offer. ``None`` means "not available".

    Percentages are peaks over the projection years unless the name says
    otherwise; ``lever_clauses`` lists the clauses that let the lender act on
    policy (see :attr:`debttrap.leverage.exposure.Exposure.lever_clauses`).
    """

    offer: str = Field(min_length=1)
    adds_debt: bool | None = Field(
        default=None, description="The offer adds PPG debt (has PPG loans); None = unknown."
    )
    rating_before: Rating | None = None
    rating_after: Rating | None = None
    grant_element_pct: float | None = None
    lender_service_share_after_peak_pct: float | None = Field(default=None, ge=0.0, le=100.0)
    lender_debt_share_after_peak_pct: float | None = Field(default=None, ge=0.0, le=100.0)
    lever_clauses: tuple[str, ...] = ()
    pledged_pct_of_revenue_peak: float | None = Field(default=None, ge=0.0)
    pledged_pct_of_exports_peak: float | None = Field(default=None, ge=0.0)
    acceleration_pct_of_reserves_peak: float | None = Field(default=None, ge=0.0)
    acceleration_pct_of_exports_peak: float | None = Field(default=None, ge=0.0)
    project_dscr_p50_lifetime: float | None = None
    prob_self_service_pct: float | None = Field(default=None, ge=0.0, le=100.0)
    no_paris_club: bool | None = None
    cross_default: bool | None = None

    @model_validator(mode="before")
    @classmethod
    def _nan_is_missing(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {
                k: (None if isinstance(v, float) and not math.isfinite(v) else v)
                for k, v in data.items()
            }
        return data


class Thresholds(_Frozen):
    """The thresholds of the rules; defaults and their sources in ``docs/method.md``."""

    grant_element_min_pct: float = Field(
        default=35.0, description="IMF Debt Limits Policy: concessional if GE >= 35% at 5%."
    )
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


def _dsa_high(i: VerdictInputs, t: Thresholds) -> RuleOutcome:
    title = "Adds debt while the risk of debt distress is high"
    th = "adds debt and rating after in {high, in_distress}"
    if i.rating_after is None:
        return RuleOutcome("dsa_high_after", title, "not_evaluated", None, None, th,
                           "no DSA rating after", _LIC_DSF)
    high = i.rating_after in (Rating.HIGH, Rating.IN_DISTRESS)
    if i.adds_debt is False:
        return RuleOutcome(
            "dsa_high_after", title, "passed", None, i.rating_after.value, th,
            f"rating after {i.rating_after.value}, but the offer adds no debt (grants only)",
            _LIC_DSF,
        )
    return RuleOutcome(
        "dsa_high_after", title, "fired" if high else "passed", "high" if high else None,
        i.rating_after.value, th,
        f"LIC-DSF rating after the offer: {i.rating_after.value}", _LIC_DSF,
    )


def _dsa_worse(i: VerdictInputs, t: Thresholds) -> RuleOutcome:
    title = "Risk rating worse after the offer"
    if i.rating_after is None or i.rating_before is None:
        return RuleOutcome("dsa_rating_worse", title, "not_evaluated", None, None,
                           "after worse than before", "rating before or after missing", _LIC_DSF)
    fired = _ORDER[i.rating_after] > _ORDER[i.rating_before]
    return RuleOutcome(
        "dsa_rating_worse", title, "fired" if fired else "passed",
        "moderate" if fired else None, f"{i.rating_before.value} -> {i.rating_after.value}",
        "after worse than before",
        f"rating {i.rating_before.value} before, {i.rating_after.value} after", _LIC_DSF,
    )


def _concessional(i: VerdictInputs, t: Thresholds) -> RuleOutcome:
    title = "Not concessional"
    th = f"grant element < {t.grant_element_min_pct:g}%"
    ge = _finite(i.grant_element_pct)
    if ge is None:
        return RuleOutcome("non_concessional", title, "not_evaluated", None, None, th,
                           "no grant element", _DLP)
    fired = ge < t.grant_element_min_pct
    return RuleOutcome(
        "non_concessional", title, "fired" if fired else "passed",
        "moderate" if fired else None, ge, th,
        f"grant element {_fmt(ge)}% (IMF, 5%) "
        f"{'below' if fired else 'at or above'} {t.grant_element_min_pct:g}%",
        _DLP,
    )


def _concentration(i: VerdictInputs, t: Thresholds) -> RuleOutcome:
    title = "Lender with policy levers holds a large share of external debt service"
    th = (f"lever clauses and lender share >= {t.concentration_moderate_pct:g}% "
          f"(high >= {t.concentration_high_pct:g}%)")
    share = _finite(i.lender_service_share_after_peak_pct)
    what = "external debt service"
    if share is None:
        share = _finite(i.lender_debt_share_after_peak_pct)
        what = "PPG external debt"
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
    rule: str, title: str, value: float | None, moderate: float, high: float, unit: str,
    source: str, what: str,
) -> RuleOutcome | None:
    if value is None:
        return None
    th = f">= {moderate:g}% of {unit} (high >= {high:g}%)"
    if value >= high:
        return RuleOutcome(rule, title, "fired", "high", value, th,
                           f"{what} {_fmt(value)}% of {unit}", source)
    if value >= moderate:
        return RuleOutcome(rule, title, "fired", "moderate", value, th,
                           f"{what} {_fmt(value)}% of {unit}", source)
    return RuleOutcome(rule, title, "passed", None, value, th,
                       f"{what} {_fmt(value)}% of {unit}", source)


def _pledged(i: VerdictInputs, t: Thresholds) -> RuleOutcome:
    title = "Revenue pledged or swept into lender-controlled accounts"
    out = _graded("pledged_revenue", title, _finite(i.pledged_pct_of_revenue_peak),
                  t.pledged_moderate_pct, t.pledged_high_pct, "government revenue", _PLEDGE,
                  "peak pledged revenue")
    if out is None:
        out = _graded("pledged_revenue", title, _finite(i.pledged_pct_of_exports_peak),
                      t.pledged_moderate_pct, t.pledged_high_pct, "exports", _PLEDGE,
                      "peak pledged revenue")
    if out is None:
        return RuleOutcome("pledged_revenue", title, "not_evaluated", None, None,
                           f">= {t.pledged_moderate_pct:g}% of government revenue",
                           "no government revenue or exports to compare with", _PLEDGE)
    return out


def _acceleration(i: VerdictInputs, t: Thresholds) -> RuleOutcome:
    title = "Amount due at once if the lender accelerates (with cross-defaults)"
    what = "peak amount due at once"
    out = _graded("acceleration_exposure", title, _finite(i.acceleration_pct_of_reserves_peak),
                  t.acceleration_reserves_moderate_pct, t.acceleration_reserves_high_pct,
                  "FX reserves", _ACCEL, what)
    if out is None:
        out = _graded("acceleration_exposure", title, _finite(i.acceleration_pct_of_exports_peak),
                      t.acceleration_exports_moderate_pct, t.acceleration_exports_high_pct,
                      "exports", _ACCEL, what)
    if out is None:
        return RuleOutcome("acceleration_exposure", title, "not_evaluated", None, None,
                           f">= {t.acceleration_reserves_moderate_pct:g}% of FX reserves",
                           "no reserves or exports to compare with", _ACCEL)
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


#: The rules in the order they are shown.
RULES: tuple[Callable[[VerdictInputs, Thresholds], RuleOutcome], ...] = (
    _dsa_high,
    _dsa_worse,
    _concessional,
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
    rating_before: Rating | str | None = None,
    rating_after: Rating | str | None = None,
    grant_element_pct: float | None = None,
    exposure: Any = None,
    economics: Any = None,
    clauses_no_paris_club: bool | None = None,
    clauses_cross_default: bool | None = None,
) -> VerdictInputs:
    """Fill a :class:`VerdictInputs` from the leverage results of one offer.

    ``exposure`` is a :class:`~debttrap.leverage.exposure.Exposure` (or None),
    ``economics`` a :class:`~debttrap.leverage.project.ProjectEconomics` (or
    None). Clause flags default to the exposure's (any PPG loan of the offer).
    """
    data: dict[str, Any] = {
        "offer": offer,
        "adds_debt": adds_debt,
        "rating_before": rating_before,
        "rating_after": rating_after,
        "grant_element_pct": grant_element_pct,
    }
    if exposure is not None:
        s = exposure.summary()
        data.update(
            lender_service_share_after_peak_pct=s["lender_service_share_after_peak_pct"],
            lender_debt_share_after_peak_pct=s["lender_debt_share_after_peak_pct"],
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
