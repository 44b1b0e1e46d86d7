"""The trap-risk rules: one function each, a pure function of a :class:`VerdictInputs`
record and the :class:`Thresholds`, returning a :class:`RuleOutcome` with its source.

:data:`RULES` lists them in the order they are shown, :data:`RULE_FAMILIES` groups
those that read the same quantity; :func:`combine` turns the outcomes into the
trap risk. Why each rule and threshold: ``docs/method.md``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from debttrap._numeric import finite_or_none as _finite
from debttrap.conventions import Risk
from debttrap.leverage.verdict_model import (
    IndicatorChange,
    RuleOutcome,
    Severity,
    Thresholds,
    TrapRisk,
    VerdictInputs,
)

__all__ = ["PROBABILITY_LABELS", "RULES", "RULE_FAMILIES", "combine", "not_scored_if_negligible"]

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


def not_scored_if_negligible(outcome: RuleOutcome, i: VerdictInputs, t: Thresholds) -> RuleOutcome:
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


def combine(checks: tuple[RuleOutcome, ...], t: Thresholds) -> TrapRisk:
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
