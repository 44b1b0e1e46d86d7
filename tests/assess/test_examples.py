"""The chain end to end on the example scenarios, checked against what happened.

The historical cases are ex ante (built from what was known at the decision,
``test_ex_ante.py``); the checks against what happened run them ex post (``ex_post``:
the realised years and the project's realised revenue, ``tests/reference/assess/ex-post.toml``).

Facts (lending-terms.md §5, copied into tests/reference/assess/README.md):
* Hambantota: the port's revenue did not cover its debt service (government: US$59m a year);
* Laos: public debt passed 100% of GDP by 2022 (World Bank ~112%, IMF ~131%);
* Zambia: defaulted in Nov 2020 with Chinese lenders holding ~40% of public external debt;
* a negative control (IDA terms, low-risk country) must come out low risk.
"""

from __future__ import annotations

import pytest

from debttrap.assess import Assessment, assess
from debttrap.errors import DataError

from .conftest import MACRO_PATHS, PROJECT_PATHS, scenario
from .ex_post import ex_post


def test_syria_runs_end_to_end(syria: Assessment) -> None:
    doc = syria.to_dict()
    assert len(doc["offers"]) >= 3
    for o in doc["offers"]:
        assert o["name"]
        assert o["verdict"]["trap_risk"] in {"low", "moderate", "high"}
        assert o["rating_after"] in {"low", "moderate", "high", "in_distress"}
        assert isinstance(o["verdict"]["reasons"], list)
        # every fired rule is listed among the reasons, with its numbers
        fired = [c for c in o["verdict"]["checks"] if c["status"] == "fired"]
        assert [c["rule"] for c in fired] == [r["rule"] for r in o["verdict"]["reasons"]]
    names = [o["name"] for o in doc["offers"]]
    bri = doc["offers"][names.index("Belt and Road package (Eximbank + CDB)")]
    grants = doc["offers"][names.index("IDA and Gulf grants")]
    bond = doc["offers"][names.index("Eurobond (10-year)")]
    # a grant package is all grant; a 10-y 8.5% bullet bond has GE -27.8% (lending-terms E5)
    assert grants["grant_element_pct"] == pytest.approx(100.0)
    assert bond["loans"][0]["grant_element_imf_pct"] == pytest.approx(-27.8, abs=0.05)
    # no contract text: the Belt-and-Road package's lever clauses are typical, each with its
    # How China Lends share (no Paris Club ~75%), so none is certain and the levers the
    # draws give decide the lever rules; the bond and grants carry no lever clause
    assert bri["leverage"]["lever_clauses"] == []
    assert {e["basis"] for e in bri["clause_evidence"]} == {"typical"}
    npc = {e["probability_pct"] for e in bri["clause_evidence"] if e["clause"] == "no_paris_club"}
    assert npc == {75.0}
    fired = bri["verdict"]["typical_clauses"]["rule_fired_over_clause_draws_pct"]
    assert fired["lever_concentration"] > 50.0
    assert grants["leverage"]["lever_clauses"] == [] == bond["leverage"]["lever_clauses"]
    # stochastic probabilities come with the offers and the reference
    assert doc["reference"]["stochastic"] is not None
    assert all(o["stochastic"] is not None for o in doc["offers"])


def test_negative_control_is_judged_low_risk(control: Assessment) -> None:
    (o,) = control.offers
    assert control.reference.rating_external == "low"
    assert o.rating_after == "low"
    assert o.verdict.trap_risk.value == "low"
    assert o.verdict.reasons == ()
    # the rules that could be evaluated all passed (no project revenue: DSCR not evaluated)
    statuses = {c.rule: c.status for c in o.verdict.checks}
    assert statuses["non_concessional"] == "passed"
    assert statuses["lever_concentration"] == "passed"
    assert statuses["restructuring_lock"] == "passed"


def test_laos_public_debt_passes_100_pct_of_gdp_by_2022() -> None:
    a = assess(ex_post("laos-railway-2016.toml"), n_paths=PROJECT_PATHS, stochastic=False)
    (o,) = a.offers
    years = [int(y) for y in o.outlook.years]
    path = dict(zip(years, o.outlook.public_debt_to_gdp_pct.tolist(), strict=True))
    first_above = min(y for y, v in path.items() if v > 100.0)
    assert first_above <= 2022  # lending-terms.md §5: ~112% (World Bank), ~131% (IMF) in 2022
    assert path[2022] > 100.0
    # the offer adds to public debt: with it the ratio is at least the reference's every year
    ref = a.reference.public_debt_to_gdp_pct
    assert (o.outlook.public_debt_to_gdp_pct >= ref - 1e-9).all()
    assert o.verdict.trap_risk.value == "high"
    # the railway loan is the project company's: contingent, outside PPG debt
    assert max(o.exposure.offer_contingent_debt_usd_m) > 3000.0


def test_zambia_verdicts() -> None:
    a = assess(ex_post("zambia-2015.toml"), n_paths=PROJECT_PATHS, stochastic=False)
    by = {o.name: o for o in a.offers}
    china = next(o for n, o in by.items() if n.startswith("Chinese lenders"))
    ida = next(o for n, o in by.items() if "IDA" in n)
    assert china.verdict.trap_risk.value == "high"
    fired = {c.rule for c in china.verdict.reasons}
    assert {"lever_concentration", "non_concessional"} <= fired
    # the Chinese contracts are not public: cross-default has no published share (How China
    # Lends: 'most' contracts), so the restructuring lock is not assumed to fire
    assert "restructuring_lock" not in fired
    # at the 2020 default Chinese lenders held ~40% of public external debt (lending-terms §5)
    share_2020 = dict(zip(china.exposure.years.tolist(),
                          china.exposure.lender_debt_share_after_pct.tolist(), strict=True))[2020]
    assert share_2020 >= 35.0
    # the same money on IDA terms fires no lever, concessionality or lock rule
    ida_fired = {c.rule for c in ida.verdict.reasons}
    assert not ida_fired & {"lever_concentration", "restructuring_lock", "non_concessional",
                            "acceleration_exposure"}


def test_hambantota_port_revenue_does_not_cover_its_debt_service() -> None:
    from debttrap.opendata import build_country

    try:
        build_country("LKA", 2008)
    except DataError as exc:  # the bundled WEO has no Sri Lanka projections (Oct 2024)
        pytest.xfail(f"Sri Lanka cannot be built from the bundled data: {exc}")
    a = assess(ex_post("hambantota-2007.toml"), n_paths=PROJECT_PATHS, stochastic=False)
    for o in a.offers:
        assert o.economics is not None
        s = o.economics.summary()
        assert s["dscr_p50_lifetime"] < 1.0
        assert s["prob_self_service_pct"] == 0.0
        assert any(c.rule == "project_not_self_financing" for c in o.verdict.reasons)


def test_same_seed_same_assessment() -> None:
    s = scenario("ida-negative-control.toml")
    a = assess(s, n_paths=500, stochastic_paths=MACRO_PATHS).to_dict()
    b = assess(s, n_paths=500, stochastic_paths=MACRO_PATHS).to_dict()
    assert a == b
