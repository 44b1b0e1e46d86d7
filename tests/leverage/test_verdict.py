"""The trap-risk verdict: each rule at its threshold, both ways, and monotone in risk.

The debt rules are marginal (docs/method.md §4): they judge what the offer does, so a
country already at high risk does not by itself condemn an offer.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from debttrap.leverage.exposure import ExposureSummary
from debttrap.leverage.verdict import (
    RULES,
    IndicatorChange,
    Thresholds,
    TrapRisk,
    VerdictInputs,
    indicator_change,
    judge,
    verdict_inputs,
)

# LIC-DSF thresholds for weak debt-carrying capacity (IMF-World Bank 2018 Guidance Note,
# Table 3; lic-dsf-method.md §3): PV ext/GDP 30, PV ext/exports 140, DS/exports 10,
# DS/revenue 14, PV public/GDP 35.
WEAK = {
    "pv_ext_debt_to_gdp_pct": ("PV ext. debt / GDP", "stock", 30.0),
    "pv_ext_debt_to_exports_pct": ("PV ext. debt / exports", "stock", 140.0),
    "ext_debt_service_to_exports_pct": ("Ext. debt service / exports", "service", 10.0),
    "ext_debt_service_to_revenue_pct": ("Ext. debt service / revenue", "service", 14.0),
    "pv_public_debt_to_gdp_pct": ("PV public debt / GDP", "stock", 35.0),
}


def _changes(rise_pct_of_threshold: dict[str, float] | None = None,
             above: dict[str, tuple[int, int]] | None = None,
             overrun_pp: float | None = None) -> tuple[IndicatorChange, ...]:
    """One change per indicator: a rise given in % of its threshold (default 1%)."""
    rise = rise_pct_of_threshold or {}
    yrs = above or {}
    out = []
    for key, (label, kind, thr) in WEAK.items():
        r = rise.get(key, 1.0) * thr / 100.0
        a, b = yrs.get(key, (0, 0))
        out.append(IndicatorChange(
            indicator=key, label=label, kind=kind, threshold_pct=thr,  # type: ignore[arg-type]
            peak_without_pct=0.5 * thr, peak_with_pct=0.5 * thr + r, max_increase_pp=r,
            max_increase_year=2030, years_above_without=a, years_above_with=b,
            overrun_increase_pp=overrun_pp,
        ))
    return tuple(out)


SAFE: dict[str, Any] = {
    "offer": "IDA credit",
    "adds_debt": True,
    "ppg_loans_usd_m": 150.0,
    "rating_before": "low",
    "rating_after": "low",
    "grant_element_pct": 53.2,  # IDA20 regular credit, lending-terms.md §1.5 C1
    "indicator_changes": _changes(),
    "prob_distress_without_pct": 3.0,
    "prob_distress_with_pct": 3.5,
    "prob_breach_without_pct": 4.0,
    "prob_breach_with_pct": 4.5,
    "offer_size_pct_gdp": 0.5,  # US$150m against a GDP of about US$30bn
    "offer_service_share_peak_pct": 8.0,
    "offer_debt_share_peak_pct": 6.0,
    "lender_service_share_before_peak_pct": 58.0,
    "lender_service_share_after_peak_pct": 60.0,
    "lender_debt_share_after_peak_pct": 55.0,
    "lever_clauses": (),
    "pledged_pct_of_revenue_peak": 0.0,
    "offer_accelerable_pct_of_reserves_peak": 0.0,
    "acceleration_pct_of_reserves_peak": 0.0,
    "overrun_probability_pct": 60.0,
    "overrun_expected_usd_m": 5.0,
    "project_dscr_p50_lifetime": 1.4,
    "prob_self_service_pct": 80.0,
    "no_paris_club": False,
    "cross_default": False,
}

DEBT_RULES = {"dsa_rating_worse", "non_concessional", "concessional_debt_at_high_risk",
              "dsa_deterioration", "distress_probability"}


def _judge(thresholds: Thresholds | None = None, **change: Any) -> Any:
    return judge(VerdictInputs.model_validate({**SAFE, **change}), thresholds)


def _status(v: Any, rule: str) -> str:
    return {c.rule: c.status for c in v.checks}[rule]


def test_negative_control_is_low_risk() -> None:
    """An IDA credit in a low-risk country, no lever clauses, a project that pays: low.

    The lender holds most of the debt service, but without levers concentration is not
    a trap (the rule needs both)."""
    v = _judge()
    assert v.trap_risk is TrapRisk.LOW
    assert v.reasons == () and v.complete
    assert all(c.status == "passed" for c in v.checks)
    assert len(v.checks) == len(RULES)
    assert {c.rule for c in v.checks} >= DEBT_RULES


@pytest.mark.parametrize("before", ["low", "moderate", "high", "in_distress"])
def test_a_grant_fires_no_debt_rule_whatever_the_country_state(before: str) -> None:
    """A grant adds no debt and raises no indicator: no debt rule fires, even at high risk
    (the old rule 'rating after is high' condemned grants to high-risk countries)."""
    v = _judge(adds_debt=False, ppg_loans_usd_m=0.0, rating_before=before,
               rating_after=before, grant_element_pct=100.0,
               indicator_changes=_changes({k: 0.0 for k in WEAK}),
               prob_distress_with_pct=3.0, prob_breach_with_pct=4.0,
               project_dscr_p50_lifetime=None)
    fired = {c.rule for c in v.reasons}
    assert not fired & DEBT_RULES
    assert v.trap_risk is TrapRisk.LOW
    assert _status(v, "concessional_debt_at_high_risk") == "passed"


@pytest.mark.parametrize("before", ["high", "in_distress"])
def test_non_concessional_loan_to_a_high_risk_country_is_high(before: str) -> None:
    """IMF Debt Limits Policy: zero limit on non-concessional debt at high risk / in distress."""
    v = _judge(rating_before=before, rating_after=before, grant_element_pct=34.9)
    assert [(c.rule, c.severity) for c in v.reasons] == [("non_concessional", "high")]
    assert v.trap_risk is TrapRisk.HIGH
    assert "zero" in v.reasons[0].detail and "Debt Limits Policy" in v.reasons[0].source


def test_concessional_debt_at_high_risk_is_moderate_with_its_numbers() -> None:
    """Replaces the old semantics (any debt at high risk -> high): concessional borrowing
    that adds debt to a high-risk country is at most moderate by itself."""
    v = _judge(rating_before="high", rating_after="high", grant_element_pct=35.0)
    assert [(c.rule, c.severity) for c in v.reasons] == [
        ("concessional_debt_at_high_risk", "moderate")]
    assert v.trap_risk is TrapRisk.MODERATE
    detail = v.reasons[0].detail
    assert "US$ 150 m" in detail and "35.0%" in detail and "high risk" in detail
    # the same loan to a country at moderate risk: nothing fires
    assert _judge(rating_before="moderate", rating_after="moderate").trap_risk is TrapRisk.LOW


@pytest.mark.parametrize(
    ("change", "rule", "severity"),
    [
        ({"rating_after": "moderate"}, "dsa_rating_worse", "high"),
        ({"indicator_changes": _changes({"pv_ext_debt_to_gdp_pct": 20.0})},
         "dsa_deterioration", "moderate"),
        ({"indicator_changes": _changes({"pv_public_debt_to_gdp_pct": 40.0})},
         "dsa_deterioration", "high"),
        ({"indicator_changes": _changes({"ext_debt_service_to_exports_pct": 12.0})},
         "dsa_deterioration", "moderate"),
        ({"indicator_changes": _changes({"ext_debt_service_to_revenue_pct": 35.0})},
         "dsa_deterioration", "high"),
        ({"indicator_changes": _changes(above={"pv_ext_debt_to_gdp_pct": (1, 2)})},
         "dsa_deterioration", "moderate"),
        ({"prob_distress_with_pct": 8.0}, "distress_probability", "moderate"),
        ({"prob_breach_with_pct": 14.0}, "distress_probability", "high"),
        ({"lever_clauses": ("no_paris_club",), "offer_service_share_peak_pct": 10.0},
         "lever_concentration", "moderate"),
        ({"lever_clauses": ("acceleration.policy_change",), "offer_service_share_peak_pct": 25.0},
         "lever_concentration", "high"),
        ({"pledged_pct_of_revenue_peak": 5.0}, "pledged_revenue", "moderate"),
        ({"pledged_pct_of_revenue_peak": 15.0}, "pledged_revenue", "high"),
        ({"offer_accelerable_pct_of_reserves_peak": 50.0}, "acceleration_exposure", "moderate"),
        ({"offer_accelerable_pct_of_reserves_peak": 100.0}, "acceleration_exposure", "high"),
        ({"project_dscr_p50_lifetime": 0.99}, "project_not_self_financing", "moderate"),
        ({"no_paris_club": True, "cross_default": True}, "restructuring_lock", "moderate"),
        # the overrun's own rise: 1.2 pp of DS/exports' 10% threshold = 12% (service band)
        ({"indicator_changes": _changes(overrun_pp=1.2)}, "project_overrun", "moderate"),
    ],
)
def test_each_rule_fires_at_its_threshold(
    change: dict[str, Any], rule: str, severity: str
) -> None:
    v = _judge(**change)
    fired = {c.rule: c for c in v.reasons}
    assert set(fired) == {rule}
    assert fired[rule].severity == severity
    assert fired[rule].source and fired[rule].detail
    expected = TrapRisk.HIGH if severity == "high" else TrapRisk.MODERATE
    assert v.trap_risk is expected


@pytest.mark.parametrize(
    "change",
    [
        {"grant_element_pct": 35.0},
        {"indicator_changes": _changes({"pv_ext_debt_to_gdp_pct": 19.99})},
        {"indicator_changes": _changes({"ext_debt_service_to_exports_pct": 11.99})},
        {"indicator_changes": _changes(above={"pv_ext_debt_to_gdp_pct": (0, 1)})},
        {"indicator_changes": _changes(above={"pv_ext_debt_to_gdp_pct": (2, 11)})},
        {"prob_distress_with_pct": 7.99},
        {"prob_breach_with_pct": 8.99},
        {"lever_clauses": ("no_paris_club",), "offer_service_share_peak_pct": 9.9},
        # the lender's existing position is context, not the measure (issue 11: a US$5m
        # Chinese loan to Cambodia was high because China held 51% of its debt service)
        {"lever_clauses": ("no_paris_club",), "offer_service_share_peak_pct": 0.1,
         "lender_service_share_before_peak_pct": 51.0,
         "lender_service_share_after_peak_pct": 51.2},
        {"pledged_pct_of_revenue_peak": 4.99},
        {"offer_accelerable_pct_of_reserves_peak": 49.9},
        # existing bonds that cross-default are context (Kenya: 81.5% of reserves), not counted
        {"offer_accelerable_pct_of_reserves_peak": 0.3, "acceleration_pct_of_reserves_peak": 81.5},
        # non-concessional at low or moderate risk: the Debt Limits Policy sets no zero limit
        # (issue 11: an IBRD loan to low-risk Cambodia was moderate)
        {"grant_element_pct": 34.9},
        {"grant_element_pct": -5.1, "rating_before": "moderate", "rating_after": "moderate"},
        {"indicator_changes": _changes(overrun_pp=1.19)},
        {"project_dscr_p50_lifetime": 1.0},
        {"no_paris_club": True, "cross_default": False},
        {"rating_before": "moderate", "rating_after": "low"},
        {"rating_before": "high", "rating_after": "high", "adds_debt": False},
    ],
)
def test_just_below_each_threshold_passes(change: dict[str, Any]) -> None:
    assert _judge(**change).trap_risk is TrapRisk.LOW


def test_high_band_of_deterioration_and_probability_just_below_is_moderate() -> None:
    v = _judge(indicator_changes=_changes({"pv_ext_debt_to_gdp_pct": 39.99,
                                           "ext_debt_service_to_exports_pct": 34.99}),
               prob_distress_with_pct=12.99)
    assert {(c.rule, c.severity) for c in v.reasons} == {
        ("dsa_deterioration", "moderate"), ("distress_probability", "moderate")}


def test_the_projects_overrun_is_a_contingent_cost_in_its_own_rule() -> None:
    """Low alone, moderate with the project's expected overrun, moderate with the offer too:
    the offer's loans did not worsen the rating (the overrun did, and the rating rule says
    so), and the overrun is charged as a contingent cost with its probability (issue 11)."""
    v = _judge(rating_before="low", rating_without_offer="moderate", rating_after="moderate",
               indicator_changes=_changes(overrun_pp=4.2), overrun_p90_usd_m=30.0)
    assert _status(v, "dsa_rating_worse") == "passed"
    checks = {c.rule: c for c in v.checks}
    assert "overrun" in checks["dsa_rating_worse"].detail
    assert checks["dsa_deterioration"].status == "passed"
    over = checks["project_overrun"]
    assert (over.status, over.severity) == ("fired", "moderate")
    # 4.2 pp of DS/exports' 10% threshold = 42%; probability and amounts from the inputs
    assert "+4.2 pp (42% of its threshold)" in over.detail
    assert "60.0%" in over.detail and "US$ 5 m" in over.detail and "P90 US$ 30 m" in over.detail
    assert v.trap_risk is TrapRisk.MODERATE


def test_unknown_service_share_falls_back_to_the_debt_share_and_says_why() -> None:
    v = _judge(offer_service_share_peak_pct=None, offer_debt_share_peak_pct=11.0,
               service_share_note="existing debt service not known",
               lever_clauses=("no_paris_club",))
    (c,) = v.reasons
    assert c.rule == "lever_concentration" and c.value == 11.0
    assert "PPG external debt" in c.detail and "not known" in c.detail


def test_indicator_change_against_a_hand_computed_oracle() -> None:
    years = np.arange(2026, 2047)
    window = np.arange(2026, 2037)
    ref = np.full(years.size, 8.0)  # the country alone: 8% of exports, below 10
    without = ref + np.where(years >= 2030, 1.0, 0.0)  # the project's overrun: +1 pp
    with_ = without + np.where((years >= 2032) & (years <= 2034), 2.5, 0.0)
    with_[years == 2040] += 50.0  # outside the window: not counted
    c = indicator_change("ext_debt_service_to_exports_pct", "DS/X", "service", 10.0, years,
                         window, without, with_, ref)
    assert c.peak_without_pct == 9.0 and c.peak_with_pct == 11.5
    assert c.peak_increase_pp == pytest.approx(2.5)
    assert c.max_increase_pp == pytest.approx(2.5) and c.max_increase_year == 2032
    assert c.max_increase_pct_of_threshold == pytest.approx(25.0)
    assert (c.years_above_without, c.years_above_with) == (0, 3)
    assert c.new_breach
    assert c.overrun_increase_pp == pytest.approx(1.0)
    d = c.to_dict()
    assert d["new_breach"] and d["max_increase_pct_of_threshold"] == pytest.approx(25.0)


def test_moderate_rules_do_not_add_up_to_high() -> None:
    """Issue 11: 'three moderates make high' counted rules that fire together (dear terms
    lower the project's cover; one contract brings every lever). The verdict is the most
    severe rule; an opt-in escalation counts each family of rules once."""
    v = _judge(project_dscr_p50_lifetime=0.5, no_paris_club=True, cross_default=True,
               indicator_changes=_changes(overrun_pp=2.0))
    assert [c.severity for c in v.reasons] == ["moderate"] * 3
    assert v.trap_risk is TrapRisk.MODERATE
    three_families = judge(VerdictInputs.model_validate(
        {**SAFE, "project_dscr_p50_lifetime": 0.5, "no_paris_club": True,
         "cross_default": True, "indicator_changes": _changes(overrun_pp=2.0)}),
        Thresholds(moderate_rules_for_high=3))
    assert three_families.trap_risk is TrapRisk.HIGH
    # two lever rules from one contract are one family: no escalation at 2
    one_family = judge(VerdictInputs.model_validate(
        {**SAFE, "no_paris_club": True, "cross_default": True,
         "pledged_pct_of_revenue_peak": 6.0}), Thresholds(moderate_rules_for_high=2))
    assert len(one_family.reasons) == 2 and one_family.trap_risk is TrapRisk.MODERATE


def test_no_rule_fires_on_an_offer_negligible_against_the_economy() -> None:
    """Every rule that would fire passes below 0.1% of GDP, saying why; at 0.1% they fire."""
    worst = {"rating_before": "high", "rating_after": "high", "grant_element_pct": 0.0,
             "lever_clauses": ("no_paris_club",), "offer_service_share_peak_pct": 60.0,
             "offer_accelerable_pct_of_reserves_peak": 150.0, "no_paris_club": True,
             "cross_default": True, "project_dscr_p50_lifetime": 0.1}
    tiny = _judge(offer_size_pct_gdp=0.099, **worst)
    assert tiny.trap_risk is TrapRisk.LOW and tiny.reasons == ()
    assert "not scored" in {c.rule: c for c in tiny.checks}["non_concessional"].detail
    assert _judge(offer_size_pct_gdp=0.1, **worst).trap_risk is TrapRisk.HIGH


def test_a_saturated_probability_says_so_and_reports_the_breach() -> None:
    """Issue 11: 100% with and without every offer told the reader nothing."""
    changes = tuple(
        c.model_copy(update={"peak_without_pct": 25.0, "peak_with_pct": 27.0,
                             "years_above_without": 11, "years_above_with": 11})
        if c.indicator == "ext_debt_service_to_exports_pct" else c for c in _changes())
    v = _judge(prob_distress_without_pct=100.0, prob_distress_with_pct=100.0,
               indicator_changes=changes)
    c = {c.rule: c for c in v.checks}["distress_probability"]
    assert c.status == "passed"
    assert "sustained debt-service breach" in c.detail and "every path" in c.detail
    assert "peaks at 25.0% against a 10% threshold (2.5x)" in c.detail
    assert "11 of the window's years" in c.detail


def test_fallbacks_to_exports_and_debt_share() -> None:
    v = _judge(pledged_pct_of_revenue_peak=None, pledged_pct_of_exports_peak=6.0,
               offer_accelerable_pct_of_reserves_peak=None,
               offer_accelerable_pct_of_exports_peak=26.0,
               offer_service_share_peak_pct=None, offer_debt_share_peak_pct=40.0,
               lever_clauses=("no_paris_club",))
    fired = {c.rule: c for c in v.reasons}
    assert "exports" in fired["pledged_revenue"].detail
    assert "exports" in fired["acceleration_exposure"].detail
    assert "PPG external debt" in fired["lever_concentration"].detail


def test_missing_numbers_are_not_evaluated_not_passed() -> None:
    v = judge(VerdictInputs(offer="x", project_dscr_p50_lifetime=float("nan")))
    assert v.trap_risk is TrapRisk.LOW
    assert not v.complete
    assert set(v.not_evaluated) == {c.rule for c in v.checks}
    d = v.to_dict()
    assert d["trap_risk"] == "low" and d["reasons"] == [] and not d["complete"]


def test_to_dict_and_frame_carry_the_numbers() -> None:
    v = _judge(grant_element_pct=27.7, rating_before="high", rating_after="high")
    d = v.to_dict()
    assert d["offer"] == "IDA credit"
    assert d["reasons"][0]["rule"] == "non_concessional"
    assert d["reasons"][0]["value"] == 27.7
    assert "27.7%" in d["reasons"][0]["detail"]
    f = v.to_frame()
    assert f.loc["non_concessional", "status"] == "fired"


def test_thresholds_must_be_ordered() -> None:
    with pytest.raises(ValidationError, match="must not exceed"):
        Thresholds(pledged_moderate_pct=20.0, pledged_high_pct=10.0)


_LEVEL = {TrapRisk.LOW: 0, TrapRisk.MODERATE: 1, TrapRisk.HIGH: 2}


@given(
    ge=st.floats(min_value=-50, max_value=100),
    share=st.floats(min_value=0, max_value=100),
    pledged=st.floats(min_value=0, max_value=50),
    accel=st.floats(min_value=0, max_value=300),
    dscr=st.floats(min_value=0, max_value=5),
    rise=st.floats(min_value=0, max_value=80),
    prob=st.floats(min_value=0, max_value=50),
    before=st.sampled_from(["low", "moderate", "high", "in_distress"]),
    bump=st.floats(min_value=0, max_value=50),
    which=st.sampled_from(["ge", "share", "pledged", "accel", "dscr", "rise", "prob"]),
)
@settings(max_examples=200, deadline=None)
def test_more_risk_never_lowers_the_verdict(
    ge: float, share: float, pledged: float, accel: float, dscr: float, rise: float,
    prob: float, before: str, bump: float, which: str,
) -> None:
    base = {**SAFE, "grant_element_pct": ge, "offer_service_share_peak_pct": share,
            "lever_clauses": ("acceleration.policy_change",),
            "pledged_pct_of_revenue_peak": pledged,
            "offer_accelerable_pct_of_reserves_peak": accel,
            "project_dscr_p50_lifetime": dscr, "rating_before": before, "rating_after": before,
            "indicator_changes": _changes({"ext_debt_service_to_exports_pct": rise}),
            "prob_distress_without_pct": 10.0, "prob_distress_with_pct": 10.0 + prob}
    worse = dict(base)
    if which == "ge":
        worse["grant_element_pct"] = ge - bump
    elif which == "share":
        worse["offer_service_share_peak_pct"] = min(100.0, share + bump)
    elif which == "pledged":
        worse["pledged_pct_of_revenue_peak"] = pledged + bump
    elif which == "accel":
        worse["offer_accelerable_pct_of_reserves_peak"] = accel + bump
    elif which == "rise":
        worse["indicator_changes"] = _changes({"ext_debt_service_to_exports_pct": rise + bump})
    elif which == "prob":
        worse["prob_distress_with_pct"] = min(100.0, 10.0 + prob + bump)
    else:
        worse["project_dscr_p50_lifetime"] = max(0.0, dscr - bump / 10)
    a = judge(VerdictInputs.model_validate(base)).trap_risk
    b = judge(VerdictInputs.model_validate(worse)).trap_risk
    assert _LEVEL[b] >= _LEVEL[a]


@given(before=st.sampled_from(["low", "moderate", "high", "in_distress"]),
       ge=st.floats(min_value=-50, max_value=100))
@settings(max_examples=60, deadline=None)
def test_a_worse_starting_point_never_lowers_the_verdict_on_the_same_offer(
    before: str, ge: float
) -> None:
    """The same offer, the same marginal effect: a country in a worse state never gets a
    milder verdict (the non-concessional rule tightens at high risk)."""
    order = ["low", "moderate", "high", "in_distress"]
    levels = [_LEVEL[_judge(rating_before=r, rating_after=r, grant_element_pct=ge).trap_risk]
              for r in order[order.index(before):]]
    assert levels == sorted(levels)


def _exposure() -> ExposureSummary:
    nan = float("nan")
    return ExposureSummary(
        offer="o", lender="china", window=(2025, 2035),
        lender_debt_share_before_peak_pct=22.0, lender_debt_share_after_peak_pct=50.0,
        lender_debt_share_after_peak_year=2027,
        lender_service_share_before_peak_pct=15.0, lender_service_share_after_peak_pct=45.0,
        lender_service_share_after_peak_year=2030, service_share_note="",
        pledged_revenue_peak_usd_m=10.0, pledged_pct_of_revenue_peak=1.0,
        pledged_pct_of_revenue_peak_year=2030, pledged_pct_of_exports_peak=0.5,
        account_cash_held_peak_usd_m=0.0, acceleration_peak_usd_m=100.0,
        acceleration_with_cross_default_peak_usd_m=100.0,
        acceleration_with_cross_default_peak_year=2029,
        acceleration_pct_of_reserves_peak=20.0, acceleration_pct_of_reserves_peak_year=2029,
        acceleration_pct_of_exports_peak=10.0, acceleration_pct_of_exports_peak_year=2029,
        triggers_present=("policy_change", "cross_default"), cross_default_creditors=(),
        keeps_out_of_restructuring=True, no_paris_club_peak_usd_m=100.0,
        no_paris_club_pct_of_ppg_external_peak=nan, collateral_usd_m=0.0,
        lever_clauses=("acceleration.policy_change", "no_paris_club"),
        offer_debt_share_peak_pct=28.0, offer_service_share_peak_pct=30.0,
        offer_accelerable_pct_of_reserves_peak=20.0, offer_accelerable_pct_of_exports_peak=10.0,
    )


class _Economics:
    def summary(self) -> dict[str, Any]:
        return {"dscr_p50_lifetime": 0.3, "prob_self_service_pct": 0.0}


def test_inputs_from_leverage_results() -> None:
    i = verdict_inputs("o", adds_debt=True, rating_before="high", rating_after="in_distress",
                       grant_element_pct=25.0, exposure=_exposure(), economics=_Economics(),
                       prob_distress_pct=(20.0, 31.0), prob_breach_pct=(25.0, 27.0),
                       indicator_changes=_changes())
    assert i.no_paris_club and i.cross_default
    assert i.lever_clauses == ("acceleration.policy_change", "no_paris_club")
    assert (i.prob_distress_without_pct, i.prob_distress_with_pct) == (20.0, 31.0)
    v = judge(i)
    assert v.trap_risk is TrapRisk.HIGH
    assert {c.rule for c in v.reasons} == {
        "dsa_rating_worse", "non_concessional", "distress_probability", "lever_concentration",
        "project_not_self_financing", "restructuring_lock",
    }
    assert {c.rule: c.severity for c in v.reasons}["distress_probability"] == "high"
