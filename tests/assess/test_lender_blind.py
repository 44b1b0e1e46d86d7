"""Lender-blind invariance: only numbers and clauses may move a verdict, never a name.

The same terms, amounts and clauses offered under another lender's name or creditor
group must get the same verdict, rule by rule (status, severity and the value each rule
reads). The lender's existing position may differ (it is shown as context in the detail),
so the detail text is not compared.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from debttrap.assess import assess
from debttrap.conventions import CreditorGroup
from debttrap.io.scenario import load_scenario

from .conftest import PROJECT_PATHS

_OFFER = """
name = "lender-blind"
country = "KEN"
[settings]
seed = 2024
n_paths = 500
first_projection_year = 2024
horizon_years = 20
[[offers]]
name = "Infrastructure loan"
lender = {{ name = "{name}", type = "bilateral_other" }}
lender_group = "{group}"
[[offers.loans]]
name = "Loan"
creditor = {{ name = "{name}", type = "bilateral_other" }}
amount_m = 2500.0
signing_year = 2024
rate_pct = 4.2
grace_years = 2
maturity_years = 10
payments_per_year = 2
serviced_by_project = false
[offers.loans.clauses]
no_paris_club = true
lender_controlled_account = true
pledged_revenue_usd_m_per_year = 400.0
acceleration = {{ policy_change = true, cross_default = true }}
"""

_GROUPS = [g.value for g in CreditorGroup if g is not CreditorGroup.NOT_ITEMISED]
_NAMES = st.text(
    alphabet=st.characters(whitelist_categories=("Lu", "Ll", "Nd"), whitelist_characters=" -"),
    min_size=1, max_size=24,
).map(str.strip).filter(bool)


def _verdict(tmp_path: Path, name: str, group: str) -> tuple[str, list[tuple[Any, ...]]]:
    f = tmp_path / "offer.toml"
    f.write_text(_OFFER.format(name=name, group=group), encoding="utf-8")
    (o,) = assess(load_scenario(f), n_paths=PROJECT_PATHS, stochastic=False).offers
    return o.verdict.trap_risk.value, [
        (c.rule, c.status, c.severity, c.value) for c in o.verdict.checks
    ]


@settings(max_examples=6, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=_NAMES, group=st.sampled_from(_GROUPS))
def test_the_same_offer_under_another_lender_gets_the_same_verdict(
    tmp_path: Path, name: str, group: str
) -> None:
    reference = _verdict(tmp_path, "China Eximbank", "china")
    assert reference[0] != "low"  # the offer is large and carries levers: rules do fire
    assert _verdict(tmp_path, name, group) == reference
