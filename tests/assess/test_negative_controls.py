"""Negative controls beyond IDA: offers a sceptic expects to pass must come out low.

An IBRD loan to a country the LIC-DSF rates at moderate risk (Rwanda in the bundled
data) and a concessional Chinese loan without lever clauses to low-risk Cambodia: their
numbers (grant element, indicator rises, shares) give no rule reason to fire. The same
Chinese loan with the clauses *How China Lends* finds typical for Chinese lenders, entered
as what they are (probabilities: no Paris Club ~75%, policy-change acceleration >90%,
a revenue account ~30%; cross-default has no published share), stays low: the offer is
small against Cambodia's debt service and reserves. Written into the contract as
certainties, no Paris Club with cross-default fires the restructuring lock (moderate).
"""

from __future__ import annotations

from pathlib import Path

from debttrap.assess import OfferAssessment, assess
from debttrap.io.scenario import load_scenario

from .conftest import PROJECT_PATHS

_TEMPLATE = """
name = "negative control"
country = "{iso3}"
[settings]
seed = 2024
n_paths = 500
first_projection_year = 2024
horizon_years = 20
[[offers]]
name = "Loan offer"
lender = {{ name = "{lender}", type = "{kind}" }}
lender_group = "{group}"
[[offers.loans]]
name = "Loan"
amount_m = {amount}
signing_year = 2024
rate_pct = {rate}
grace_years = {grace}
maturity_years = {maturity}
payments_per_year = 2
serviced_by_project = false
{clauses}
"""

# IBRD flexible loan, all-in about 5-6% in 2025 (lending-terms.md §3): 5.5%, 20 y, 5 y grace
_IBRD = dict(lender="IBRD", kind="multilateral", group="multilateral", amount=500.0,
             rate=5.5, grace=5, maturity=20, clauses="")
# Chinese government interest-free loan: 0%, 20 y, 10 y grace (grant element ~52%)
_CHINESE = dict(lender="China (interest-free loan)", kind="bilateral_other", group="china",
                amount=300.0, rate=0.0, grace=10, maturity=20)
_HCL_TYPICAL = 'typical_clauses = "chinese"'
_IN_CONTRACT = ("[offers.loans.clauses]\nborrower_confidentiality = true\nno_paris_club = true\n"
                "acceleration = { policy_change = true, cross_default = true }")


def _offer(tmp_path: Path, **fields: object) -> tuple[str, OfferAssessment]:
    f = tmp_path / "control.toml"
    f.write_text(_TEMPLATE.format(**fields), encoding="utf-8")
    a = assess(load_scenario(f), n_paths=PROJECT_PATHS, stochastic=False)
    (o,) = a.offers
    return str(a.reference.rating_external), o


def test_an_ibrd_loan_to_a_moderate_risk_country_is_low(tmp_path: Path) -> None:
    # Rwanda: moderate in the IMF's list (2025-06) and as built from the bundled data
    rating, o = _offer(tmp_path, iso3="RWA", **_IBRD)
    assert rating == "moderate"
    assert o.grant_element_pct < 35.0  # non-concessional, but no zero limit at moderate risk
    assert o.verdict.trap_risk.value == "low", [c.detail for c in o.verdict.reasons]


def test_a_concessional_chinese_loan_without_levers_to_a_low_risk_country_is_low(
    tmp_path: Path,
) -> None:
    rating, o = _offer(tmp_path, iso3="KHM", clauses="", **_CHINESE)
    assert rating == "low"
    assert o.grant_element_pct >= 35.0
    assert o.verdict.trap_risk.value == "low", [c.detail for c in o.verdict.reasons]


def test_typical_clauses_alone_do_not_condemn_a_concessional_loan(tmp_path: Path) -> None:
    _, o = _offer(tmp_path, iso3="KHM", clauses=_HCL_TYPICAL, **_CHINESE)
    assert o.verdict.trap_risk.value == "low", [c.detail for c in o.verdict.reasons]
    assert {e.basis for e in o.clause_evidence} == {"typical"}
    assert o.verdict.clauses is not None  # the verdict with every typical clause is shown
    assert o.verdict.clauses.with_typical.value == "low"


def test_the_same_clauses_in_the_contract_fire_the_restructuring_lock(tmp_path: Path) -> None:
    _, o = _offer(tmp_path, iso3="KHM", clauses=_IN_CONTRACT, **_CHINESE)
    assert [c.rule for c in o.verdict.reasons] == ["restructuring_lock"]
    assert o.verdict.trap_risk.value == "moderate"
    assert o.verdict.clauses is None  # nothing typical: every clause is certain
