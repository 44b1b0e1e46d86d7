"""The trap-risk verdict: each rule at its threshold, both ways, and monotone in risk."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from debttrap.leverage.verdict import (
    RULES,
    Thresholds,
    TrapRisk,
    VerdictInputs,
    judge,
    verdict_inputs,
)

SAFE: dict[str, Any] = {
    "offer": "IDA credit",
    "adds_debt": True,
    "rating_before": "low",
    "rating_after": "low",
    "grant_element_pct": 53.2,  # IDA20 regular credit, lending-terms.md §1.5 C1
    "lender_service_share_after_peak_pct": 60.0,
    "lender_debt_share_after_peak_pct": 55.0,
    "lever_clauses": (),
    "pledged_pct_of_revenue_peak": 0.0,
    "acceleration_pct_of_reserves_peak": 0.0,
    "project_dscr_p50_lifetime": 1.4,
    "prob_self_service_pct": 80.0,
    "no_paris_club": False,
    "cross_default": False,
}


def _judge(**change: Any) -> Any:
    return judge(VerdictInputs.model_validate({**SAFE, **change}))


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


def test_grants_never_trip_the_high_risk_rule() -> None:
    v = _judge(adds_debt=False, rating_before="high", rating_after="high",
               grant_element_pct=100.0, project_dscr_p50_lifetime=None)
    assert _status(v, "dsa_high_after") == "passed"
    assert v.trap_risk is TrapRisk.LOW


def test_adding_debt_at_high_risk_is_high() -> None:
    v = _judge(rating_before="high", rating_after="high")
    assert v.trap_risk is TrapRisk.HIGH
    assert [c.rule for c in v.reasons] == ["dsa_high_after"]


@pytest.mark.parametrize(
    ("change", "rule", "severity"),
    [
        ({"rating_after": "moderate"}, "dsa_rating_worse", "moderate"),
        ({"grant_element_pct": 34.9}, "non_concessional", "moderate"),
        ({"lever_clauses": ("no_paris_club",), "lender_service_share_after_peak_pct": 30.0},
         "lever_concentration", "moderate"),
        ({"lever_clauses": ("acceleration.policy_change",)}, "lever_concentration", "high"),
        ({"pledged_pct_of_revenue_peak": 5.0}, "pledged_revenue", "moderate"),
        ({"pledged_pct_of_revenue_peak": 15.0}, "pledged_revenue", "high"),
        ({"acceleration_pct_of_reserves_peak": 50.0}, "acceleration_exposure", "moderate"),
        ({"acceleration_pct_of_reserves_peak": 100.0}, "acceleration_exposure", "high"),
        ({"project_dscr_p50_lifetime": 0.99}, "project_not_self_financing", "moderate"),
        ({"no_paris_club": True, "cross_default": True}, "restructuring_lock", "moderate"),
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
        {"lever_clauses": ("no_paris_club",), "lender_service_share_after_peak_pct": 29.9},
        {"pledged_pct_of_revenue_peak": 4.99},
        {"acceleration_pct_of_reserves_peak": 49.9},
        {"project_dscr_p50_lifetime": 1.0},
        {"no_paris_club": True, "cross_default": False},
        {"rating_before": "moderate", "rating_after": "low"},
    ],
)
def test_just_below_each_threshold_passes(change: dict[str, Any]) -> None:
    assert _judge(**change).trap_risk is TrapRisk.LOW


def test_three_moderate_rules_make_high() -> None:
    v = _judge(grant_element_pct=20.0, project_dscr_p50_lifetime=0.5,
               no_paris_club=True, cross_default=True)
    assert [c.severity for c in v.reasons] == ["moderate"] * 3
    assert v.trap_risk is TrapRisk.HIGH
    assert judge(VerdictInputs.model_validate({**SAFE, "grant_element_pct": 20.0,
                                               "project_dscr_p50_lifetime": 0.5}),
                 Thresholds(moderate_rules_for_high=2)).trap_risk is TrapRisk.HIGH


def test_fallbacks_to_exports_and_debt_share() -> None:
    v = _judge(pledged_pct_of_revenue_peak=None, pledged_pct_of_exports_peak=6.0,
               acceleration_pct_of_reserves_peak=None, acceleration_pct_of_exports_peak=26.0,
               lender_service_share_after_peak_pct=None, lender_debt_share_after_peak_pct=40.0,
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
    v = _judge(grant_element_pct=27.7)
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
    bump=st.floats(min_value=0, max_value=50),
    which=st.sampled_from(["ge", "share", "pledged", "accel", "dscr"]),
)
@settings(max_examples=150, deadline=None)
def test_more_risk_never_lowers_the_verdict(
    ge: float, share: float, pledged: float, accel: float, dscr: float, bump: float, which: str
) -> None:
    base = {**SAFE, "grant_element_pct": ge, "lender_service_share_after_peak_pct": share,
            "lever_clauses": ("acceleration.policy_change",),
            "pledged_pct_of_revenue_peak": pledged, "acceleration_pct_of_reserves_peak": accel,
            "project_dscr_p50_lifetime": dscr}
    worse = dict(base)
    if which == "ge":
        worse["grant_element_pct"] = ge - bump
    elif which == "share":
        worse["lender_service_share_after_peak_pct"] = min(100.0, share + bump)
    elif which == "pledged":
        worse["pledged_pct_of_revenue_peak"] = pledged + bump
    elif which == "accel":
        worse["acceleration_pct_of_reserves_peak"] = accel + bump
    else:
        worse["project_dscr_p50_lifetime"] = max(0.0, dscr - bump / 10)
    a = judge(VerdictInputs.model_validate(base)).trap_risk
    b = judge(VerdictInputs.model_validate(worse)).trap_risk
    assert _LEVEL[b] >= _LEVEL[a]


class _Exposure:
    def summary(self) -> dict[str, Any]:
        return {
            "lender_service_share_after_peak_pct": 45.0,
            "lender_debt_share_after_peak_pct": 50.0,
            "lever_clauses": ["acceleration.policy_change", "no_paris_club"],
            "pledged_pct_of_revenue_peak": 1.0,
            "pledged_pct_of_exports_peak": 0.5,
            "acceleration_pct_of_reserves_peak": 20.0,
            "acceleration_pct_of_exports_peak": 10.0,
            "keeps_out_of_restructuring": True,
            "triggers_present": ["policy_change", "cross_default"],
        }


class _Economics:
    def summary(self) -> dict[str, Any]:
        return {"dscr_p50_lifetime": 0.3, "prob_self_service_pct": 0.0}


def test_inputs_from_leverage_results() -> None:
    i = verdict_inputs("o", adds_debt=True, rating_before="moderate", rating_after="high",
                       grant_element_pct=25.0, exposure=_Exposure(), economics=_Economics())
    assert i.no_paris_club and i.cross_default
    assert i.lever_clauses == ("acceleration.policy_change", "no_paris_club")
    v = judge(i)
    assert v.trap_risk is TrapRisk.HIGH
    assert {c.rule for c in v.reasons} == {
        "dsa_high_after", "dsa_rating_worse", "non_concessional", "lever_concentration",
        "project_not_self_financing", "restructuring_lock",
    }
