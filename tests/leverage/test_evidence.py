"""Clauses as evidence: in the contract, in the standard terms, or typical with a frequency.

Reproduces review findings (issue: "clauses as evidence, coded the same way for every
lender"): typical How China Lends clauses used to enter as certainties; IDA got no
acceleration clause although the World Bank's General Conditions allow acceleration on
payment default; a bond's cross-default had to be typed in by hand. Frequencies are
checked against ``tests/reference/how-china-lends/how-china-lends-clauses.csv`` (a copy
of the project's reference table, each row naming its source).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from debttrap.errors import InputError
from debttrap.leverage.clauses import clause_profile
from debttrap.leverage.evidence import (
    STANDARD_TERMS,
    clause_draws,
    clause_evidence,
    documented_offer,
)
from debttrap.leverage.verdict import (
    Thresholds,
    VerdictInputs,
    judge,
    judge_clause_draws,
)
from debttrap.terms.offer import Offer

CSV = Path(__file__).resolve().parents[1] / "reference" / "how-china-lends" / (
    "how-china-lends-clauses.csv")


def _ref(prefix: str) -> float:
    t = pd.read_csv(CSV)
    row = t[t["clause"].str.startswith(prefix)]
    assert len(row) == 1, prefix
    return float(row["chinese_share"].iloc[0])


def _offer(creditor_type: str, *, typical: str = "", clauses: dict[str, Any] | None = None,
           name: str = "Lender", year: int = 2024) -> Offer:
    loan: dict[str, Any] = {
        "name": "Loan", "creditor": {"name": name, "type": creditor_type},
        "amount_m": 500.0, "signing_year": year, "rate_pct": 3.0, "grace_years": 3,
        "maturity_years": 15, "payments_per_year": 2, "typical_clauses": typical,
        "sources": {"clauses.no_paris_club": "loan agreement, art. 9.3"},
    }
    if clauses is not None:
        loan["clauses"] = clauses
    return Offer.model_validate({"name": "Offer", "lender": {"name": name,
                                 "type": creditor_type}, "loans": [loan]})


def _by_clause(offer: Offer) -> dict[str, Any]:
    return {e.clause: e for e in clause_evidence(offer)}


def test_typical_clauses_enter_with_their_published_frequency_not_as_certainties() -> None:
    ev = _by_clause(_offer("bilateral_other", typical="chinese"))
    # How China Lends: no Paris Club 'nearly three-quarters', policy change 'over 90%',
    # lender-controlled account ~30%, of which ~70% take all project revenue
    assert ev["no_paris_club"].basis == "typical"
    assert ev["no_paris_club"].probability == pytest.approx(_ref("'No Paris Club'"))
    assert ev["acceleration.policy_change"].probability == pytest.approx(
        _ref("Termination / acceleration on significant change"))
    assert ev["lender_controlled_account"].probability == pytest.approx(
        _ref("Lender-controlled special"))
    assert ev["account_all_project_revenue"].probability == pytest.approx(
        _ref("Lender-controlled special") * _ref("Special account must receive ALL"))
    assert "How China Lends" in ev["no_paris_club"].source
    # cross-default has no published share ('most'): it cannot enter as typical
    assert "acceleration.cross_default" not in ev
    # and nothing typical is in the documented profile
    assert documented_offer(_offer("bilateral_other", typical="chinese")).loans[0].clauses \
        == _offer("bilateral_other").loans[0].clauses


def test_a_clause_the_contract_carries_is_not_typical() -> None:
    o = _offer("bilateral_other", typical="chinese",
               clauses={"acceleration": {"policy_change": True}})
    ev = _by_clause(o)
    assert ev["acceleration.policy_change"].basis == "contract"
    assert ev["acceleration.policy_change"].probability == 1.0
    assert ev["no_paris_club"].basis == "typical"


def test_evidence_survives_a_round_trip_through_json() -> None:
    # every field is set after model_dump -> model_validate: typical clauses must not vanish
    o = _offer("bilateral_other", typical="chinese")
    again = Offer.model_validate(o.model_dump())
    assert [(e.clause, e.basis, e.probability) for e in clause_evidence(again)] == [
        (e.clause, e.basis, e.probability) for e in clause_evidence(o)]


def test_contract_clauses_carry_their_source() -> None:
    ev = _by_clause(_offer("bilateral_other", clauses={"no_paris_club": True}))
    assert ev["no_paris_club"].basis == "contract"
    assert ev["no_paris_club"].source == "loan agreement, art. 9.3"


def test_multilateral_loans_carry_the_general_conditions_acceleration() -> None:
    ev = _by_clause(_offer("multilateral"))
    e = ev["acceleration.payment_default"]
    assert e.basis == "standard terms" and "General Conditions" in e.source
    # payment default to the same creditor is the loan's own non-payment: shown, not counted
    assert not e.counted
    assert not documented_offer(_offer("multilateral")).loans[0].clauses.acceleration.cross_default


def test_bond_and_bank_loans_carry_cross_default_from_their_standard_terms() -> None:
    for kind in ("bondholders", "commercial_bank"):
        ev = _by_clause(_offer(kind))
        assert ev["acceleration.cross_default"].basis == "standard terms"
        assert ev["acceleration.cross_default"].counted
        assert documented_offer(_offer(kind)).loans[0].clauses.acceleration.cross_default
    assert "collective_action" in _by_clause(_offer("bondholders"))
    # a bond whose contract writes cross-default counts it once, as in the contract
    o = _offer("bondholders", clauses={"acceleration": {"cross_default": True}})
    assert _by_clause(o)["acceleration.cross_default"].basis == "contract"
    # every standard-terms clause names its source
    assert all(c.source for terms in STANDARD_TERMS.values() for c in terms)


@settings(max_examples=20, deadline=None)
@given(name=st.text(min_size=1, max_size=20).filter(str.strip))
def test_evidence_is_coded_the_same_whoever_the_lender_is(name: str) -> None:
    base = [(e.clause, e.basis, e.probability) for e in
            clause_evidence(_offer("bilateral_other", typical="chinese"))]
    other = [(e.clause, e.basis, e.probability) for e in
             clause_evidence(_offer("bilateral_other", typical="chinese", name=name))]
    assert base == other


def test_clause_draws_reproduce_the_published_frequencies() -> None:
    o = _offer("bilateral_other", typical="cdb")
    n = 4000
    draws = clause_draws(o, n, seed=7)
    assert sum(d.weight for d in draws) == pytest.approx(1.0)

    def freq(key: str) -> float:
        return sum(d.weight for d in draws if key in d.typical_on[0])

    for key, p in (("no_paris_club", 0.75), ("acceleration.policy_change", 0.90),
                   ("lender_controlled_account", 0.30),
                   ("acceleration.adverse_action_to_lender_state_entity", 0.50),
                   ("account_all_project_revenue", 0.21)):
        se = np.sqrt(p * (1 - p) / n)
        assert abs(freq(key) - p) < 4 * se, key
    # "all project revenue" only inside an account
    assert all("lender_controlled_account" in d.typical_on[0]
               for d in draws if "account_all_project_revenue" in d.typical_on[0])
    # same seed, same draws
    assert [d.weight for d in clause_draws(o, n, seed=7)] == [d.weight for d in draws]


def test_an_offer_without_typical_clauses_has_one_profile() -> None:
    (d,) = clause_draws(_offer("bondholders"), 100, seed=1)
    assert d.weight == 1.0
    with pytest.raises(InputError):
        clause_draws(_offer("bondholders"), 0, seed=1)


def test_clause_profile_shows_the_probability_weighted_share() -> None:
    f = clause_profile(_offer("bilateral_other", typical="chinese")).to_frame()
    assert f.loc["no_paris_club", "loans_with_clause"] == 0
    assert f.loc["no_paris_club", "expected_share_of_amount_pct"] == pytest.approx(75.0)
    assert f.loc["no_paris_club", "typical_probability_pct"] == pytest.approx(75.0)


def _lock_inputs(npc: bool, cd: bool) -> VerdictInputs:
    return VerdictInputs(offer="o", no_paris_club=npc, cross_default=cd)


@pytest.mark.parametrize(("weight", "fires"), [(0.4, False), (0.5, False), (0.6, True)])
def test_a_typical_clause_counts_only_when_more_likely_than_not(
    weight: float, fires: bool
) -> None:
    draws = [(_lock_inputs(True, True), weight), (_lock_inputs(False, True), 1.0 - weight)]
    v = judge_clause_draws(draws, without_typical=_lock_inputs(False, True),
                           with_typical=_lock_inputs(True, True), n_draws=1000)
    lock = {c.rule: c for c in v.checks}["restructuring_lock"]
    assert (lock.status == "fired") is fires
    assert f"fires in {100 * weight:.0f}% of 1,000 contract profiles" in lock.detail
    assert v.clauses is not None
    assert v.clauses.without_typical.value == "low"
    assert v.clauses.with_typical.value == "moderate"
    assert v.clauses.distribution_pct["moderate"] == pytest.approx(100 * weight)
    assert v.clauses.rule_fired_pct["restructuring_lock"] == pytest.approx(100 * weight)


def test_certain_clauses_give_the_plain_verdict() -> None:
    i = _lock_inputs(True, True)
    v = judge_clause_draws([(i, 1.0)], without_typical=i, with_typical=i, n_draws=1)
    plain = judge(i, Thresholds())
    assert v.trap_risk == plain.trap_risk
    assert [c.detail for c in v.checks] == [c.detail for c in plain.checks]
