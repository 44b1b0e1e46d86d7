"""The report shows, for each offer, which assumptions its verdict depends on.

Each fired rule rests on an assumption (the overrun charged to the offer, the revenue
forecast, the reserves yardstick, debttrap's lever bands, the macro shocks, typical
clauses, the documented debt): the verdict without it is recombined from the same rule
outcomes and shown beside the verdict.
"""

from __future__ import annotations

import dataclasses

from debttrap.assess import Assessment
from debttrap.assess.dependence import verdict_dependence
from debttrap.leverage.verdict import RuleOutcome, TrapRisk, Verdict


def _rule(rule: str, severity: str | None) -> RuleOutcome:
    return RuleOutcome(rule, rule, "fired" if severity else "passed", severity,  # type: ignore[arg-type]
                       None, "", "", "")


def test_a_verdict_resting_on_one_rule_says_so() -> None:
    v = Verdict("o", TrapRisk.MODERATE, (_rule("project_overrun", "moderate"),
                                         _rule("dsa_deterioration", None)))
    (d,) = verdict_dependence(v)
    assert d.rules == ("project_overrun",)
    assert d.verdict_without == "low" and d.changes_verdict
    assert d.effect == "without it the verdict would be low (now moderate)"


def test_an_assumption_that_moves_nothing_is_shown_as_such() -> None:
    v = Verdict("o", TrapRisk.HIGH, (_rule("project_overrun", "moderate"),
                                     _rule("non_concessional", "high")))
    (d,) = verdict_dependence(v)
    assert not d.changes_verdict and d.effect == "the verdict does not depend on it"


def test_the_syria_offers_list_their_dependence(syria: Assessment) -> None:
    doc = {o["name"]: o for o in syria.to_dict()["offers"]}
    grants = doc["IDA and Gulf grants"]["verdict_depends_on"]
    # the grants are moderate for one reason, the overrun charged to the offer
    over = [d for d in grants if d["rules"] == ["project_overrun"]]
    assert over and over[0]["verdict_without"] == "low" and over[0]["changes_verdict"]
    bri = doc["Belt and Road package (Eximbank + CDB)"]["verdict_depends_on"]
    kinds = [d["assumption"] for d in bri]
    assert any("typical for the lender type" in k for k in kinds)
    assert any("documented existing debt" in k for k in kinds)
    assert all(not d["changes_verdict"] for d in bri)  # high on the terms whatever else
    o = syria.offers[0]
    assert dataclasses.is_dataclass(o.depends_on[0])
