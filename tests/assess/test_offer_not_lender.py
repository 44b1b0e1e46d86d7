"""The rules judge what the offer changes, not the lender's past or the country's bonds.

Reproduces the findings of a review (copies of the examples with a small loan): a US$5m
interest-free Chinese loan to low-risk Cambodia was judged high because China already held
51% of Cambodia's debt service; the same loan to Kenya showed "due at once 81.5% of
reserves" (Kenya's existing Eurobonds); an IBRD loan to low-risk Cambodia was moderate
under a Debt Limits Policy that sets no limit there.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from debttrap.assess import Assessment, assess
from debttrap.io.scenario import load_scenario

from .conftest import PROJECT_PATHS

_SMALL_CHINESE = """
name = "small Chinese loan"
country = "{iso3}"
[settings]
seed = 2024
n_paths = 500
first_projection_year = 2024
horizon_years = 20
[[offers]]
name = "Chinese interest-free loan"
lender = {{ name = "China (interest-free loan)", type = "bilateral_other" }}
lender_group = "china"
[[offers.loans]]
name = "Interest-free loan"
amount_m = 5.0
signing_year = 2024
rate_pct = 0.0
grace_years = 10
maturity_years = 20
payments_per_year = 2
serviced_by_project = false
[offers.loans.clauses]
borrower_confidentiality = true
no_paris_club = true
acceleration = {{ policy_change = true, cross_default = true }}
"""

_IBRD = """
name = "IBRD loan"
country = "KHM"
[settings]
seed = 2024
n_paths = 500
first_projection_year = 2024
horizon_years = 20
[[offers]]
name = "IBRD flexible loan"
lender = { name = "IBRD", type = "multilateral" }
lender_group = "multilateral"
[[offers.loans]]
name = "IBRD loan"
amount_m = 150.0
signing_year = 2024
rate_pct = 5.5
grace_years = 5
maturity_years = 20
payments_per_year = 2
serviced_by_project = false
"""


def _run(tmp_path: Path, text: str, name: str) -> Assessment:
    f = tmp_path / f"{name}.toml"
    f.write_text(text, encoding="utf-8")
    return assess(load_scenario(f), n_paths=PROJECT_PATHS, stochastic=False)


@pytest.mark.parametrize("iso3", ["KHM", "KEN"])
def test_a_small_loan_is_not_judged_on_the_lenders_existing_position(
    tmp_path: Path, iso3: str
) -> None:
    a = _run(tmp_path, _SMALL_CHINESE.format(iso3=iso3), iso3)
    (o,) = a.offers
    checks = {c.rule: c for c in o.verdict.checks}
    assert o.verdict.trap_risk.value == "low", [c.detail for c in o.verdict.reasons]
    conc = checks["lever_concentration"]
    # the measure is the offer's own share, recomputed from its own service and the total
    own = o.exposure.window_peak("offer_service_share_pct")
    assert conc.value == pytest.approx(own) and own < 1.0
    if iso3 == "KHM":  # China's existing ~51% of Cambodia's debt service is context
        assert "context: the lender's whole share" in conc.detail
        assert o.exposure.summary().lender_service_share_before_peak_pct > 40.0
    acc = checks["acceleration_exposure"]
    # its own accelerable balance is at most the US$5m loan
    assert o.exposure.window_peak("offer_accelerable_usd_m") <= 5.0 + 1e-9
    if iso3 == "KEN":  # Kenya's Eurobonds are context, not counted
        assert "context, not counted" in acc.detail
        assert acc.value is not None and acc.value < 1.0


def test_an_ibrd_loan_to_a_low_risk_country_is_not_scored_on_the_debt_limits_policy(
    tmp_path: Path,
) -> None:
    a = _run(tmp_path, _IBRD, "ibrd")
    (o,) = a.offers
    assert a.reference.rating_external == "low"
    assert o.grant_element_pct < 35.0
    rule = {c.rule: c for c in o.verdict.checks}["non_concessional"]
    assert rule.status == "passed" and "no zero limit" in rule.detail
    assert o.verdict.trap_risk.value == "low"
