"""Historical cases from what was known then (issue 11, section 6).

Each historical example declares ``settings.decision_year``. Then

* the country is built with no value of a bundled series after the year before its first
  projection year (at most the decision year): later years are projections by stated
  rules (OD1a, OD1b, OD7a), checked here by perturbing every later value of the WEO, the
  WDI and world growth and finding the built country unchanged;
* a source note that names a later year must say it is a projection, forecast, plan,
  scheduled date or what-if, and a loan signed after the decision must say so: the
  scenario is refused otherwise (an unlabelled hindsight value is fed and refused here);
* the project's revenue is the forecast at signing by a stated rule (1.3 x the project
  loans' largest annual service, recomputed here by hand), not what the project earned.

The ex ante ratings are compared with the IMF's ratings of the time
(``tests/reference/assess/imf-ratings-of-the-time.toml``). A country given in a scenario
(not built) with ``ex_ante = true`` has its values after t-1 replaced by the rule of
``debttrap.assess.ex_ante`` (X1), tested at the end.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from debttrap import datasets as ds
from debttrap.assess import Assessment, assess
from debttrap.assess.ex_ante import ex_ante_country
from debttrap.assess.scenario import Scenario, ScenarioSettings, hindsight_notes
from debttrap.country.model import Country
from debttrap.dsa.run import run_dsa
from debttrap.errors import InputError
from debttrap.io.files import read_document
from debttrap.io.scenario import parse_scenario
from debttrap.leverage.flows import offer_flows
from debttrap.opendata import build_country

from .conftest import EXAMPLES, PROJECT_PATHS, scenario

CASES = ("hambantota-2007.toml", "laos-railway-2016.toml", "zambia-2015.toml")
REFERENCE = Path(__file__).resolve().parents[1] / "reference" / "assess"
RATINGS_THEN = tomllib.loads((REFERENCE / "imf-ratings-of-the-time.toml").read_text("utf-8"))


def _doc(name: str) -> dict[str, Any]:
    return read_document(EXAMPLES / name)


def _parse(doc: dict[str, Any]) -> Any:
    return parse_scenario(doc, source="case.toml", base_dir=EXAMPLES)


_RUNS: dict[str, Assessment] = {}


def _assessed(name: str) -> Assessment:
    if name not in _RUNS:
        _RUNS[name] = assess(scenario(name), n_paths=PROJECT_PATHS, stochastic=False)
    return _RUNS[name]


# --- every case declares its decision and uses nothing after it --------------------------


@pytest.mark.parametrize("name", CASES)
def test_every_historical_case_is_built_from_what_was_known(name: str) -> None:
    s = scenario(name)
    d = s.settings.decision_year
    assert d is not None
    t = s.settings.first_projection_year
    assert t is not None and t <= d  # history ends at t-1, before the decision year
    assert hindsight_notes(s) == ()
    built = build_country(str(s.country), t, ex_ante=True)
    assert any(a.startswith("OD1a ex ante") for a in built.assumptions)
    assert any(a.startswith("OD1b ex ante") for a in built.assumptions)
    assert any(a.startswith("OD7a ex ante") for a in built.assumptions)


def test_a_realised_value_after_the_decision_is_refused() -> None:
    """The port's 2016 profit (what the cases used before) is hindsight in a 2007 case."""
    doc = _doc("hambantota-2007.toml")
    project = doc["offers"][0]["project"]
    project["revenue_usd_m"] = 1.81
    project["sources"]["revenue_usd_m"] = (
        "operating profit of US$1.81m in 2016, Wikipedia 'Hambantota International Port'"
    )
    with pytest.raises(InputError) as err:
        _parse(doc)
    msg = str(err.value)
    assert "offers[0].project.revenue_usd_m" in msg and "2016" in msg
    assert "decision year 2007" in msg
    # labelled for what it is, the same value is accepted (and shown as such)
    project["sources"]["revenue_usd_m"] = "projection: " + project["sources"]["revenue_usd_m"]
    assert hindsight_notes(_parse(doc)) == ()
    # without a decision year nothing is checked: the case is then not a historical one
    project["sources"]["revenue_usd_m"] = "operating profit of US$1.81m in 2016"
    del doc["settings"]["decision_year"]
    assert hindsight_notes(_parse(doc)) == ()


def test_a_citation_date_is_not_a_value_but_a_year_in_a_phrase_is() -> None:
    doc = _doc("zambia-2015.toml")
    sources = doc["offers"][2]["loans"][0]["sources"]
    sources["disbursement_shares"] = "World Bank (Jul 2024) and IMF (2023)"
    assert hindsight_notes(_parse(doc)) == ()
    sources["disbursement_shares"] = "disbursed 2016-2020 (World Bank, 2024)"
    with pytest.raises(InputError, match=r"offers\[2\]\.loans\[0\]\.disbursement_shares"):
        _parse(doc)


def test_a_loan_signed_after_the_decision_must_say_what_it_is() -> None:
    doc = _doc("zambia-2015.toml")
    loan = doc["offers"][1]["loans"][0]
    assert loan["signing_year"] == 2016
    loan["source"] = "amount: IDS stock of debt to China"
    with pytest.raises(InputError, match=r"offers\[1\]\.loans\[0\]\.signing_year is 2016"):
        _parse(doc)


def test_history_past_the_decision_year_is_refused() -> None:
    doc = _doc("zambia-2015.toml")
    doc["settings"]["first_projection_year"] = 2016  # history would include 2015
    with pytest.raises(InputError, match="at most the decision year 2015"):
        _parse(doc)


def test_a_command_cannot_move_the_case_past_its_decision(run_cli: Any) -> None:
    """``simulate --first-year`` on a historical case may not put realised years in history."""
    code, out, err = run_cli(["simulate", str(EXAMPLES / "zambia-2015.toml"),
                              "--first-year", "2016", "--paths", "300"])
    assert code == 2 and out == "" and err.count("\n") == 1, err
    assert "--first-year" in err and "decision year 2015" in err


def _after(t: int) -> Callable[[pd.DataFrame | pd.Series], Any]:
    """Scale every value of a year after ``t - 1`` by 1.5 (index or a 'year' column)."""

    def bend(frame: Any) -> Any:
        out = frame.copy()
        if isinstance(out, pd.DataFrame) and "year" in out.columns:
            rows = out["year"] > t - 1
            out.loc[rows, "value"] = out.loc[rows, "value"] * 1.5
        else:
            out.loc[out.index > t - 1] = out.loc[out.index > t - 1] * 1.5
        return out

    return bend


@pytest.mark.parametrize(("iso3", "t"), [("ZMB", 2015), ("LAO", 2016)])
def test_the_built_country_reads_no_value_after_the_decision(
    monkeypatch: pytest.MonkeyPatch, iso3: str, t: int
) -> None:
    """Bend every WEO, WDI and world-growth value after t-1: the ex ante country is the same,
    the default build (the WEO's realised years as projections) is not."""
    ex_ante = build_country(iso3, t, ex_ante=True)
    default = build_country(iso3, t)
    bend = _after(t)
    for name in ("weo_panel", "world_growth_pct", "wdi_macro", "wdi_external"):
        original = getattr(ds, name)
        monkeypatch.setattr(
            ds, name, lambda *a, _f=original, **k: bend(_f(*a, **k))
        )
    assert build_country(iso3, t, ex_ante=True).country == ex_ante.country
    assert build_country(iso3, t).country != default.country


# --- what the rules change ---------------------------------------------------------------


def test_zambia_counts_the_2015_eurobond_once() -> None:
    """The IDS stock of end-2015 holds the July 2015 Eurobond (bondholders 1,750 -> 3,000):
    ex ante the existing debt is that of end-2014, and the Eurobond enters as the offer."""
    built = build_country("ZMB", 2015, ex_ante=True)
    table = built.creditors.stock_table()
    # IDS bondholders: the 2012 (US$750m) and 2014 (US$1bn) Eurobonds, then the 2015 one
    assert table.loc[2014, "bondholders"] == pytest.approx(1750.0, abs=1.0)
    assert table.loc[2015, "bondholders"] == pytest.approx(3000.0, abs=1.0)
    assert "end-2014" in built.sources["external_debt.ppg_mlt_outstanding_usd_m"]
    eurobond = scenario("zambia-2015.toml").offer("Eurobond 2027 (2015)")
    assert sum(ln.amount_m for ln in eurobond.loans) == 1250.0
    assert table.loc[2014, "bondholders"] + 1250.0 == pytest.approx(
        table.loc[2015, "bondholders"], abs=1.0
    )


def test_zambia_capacity_uses_no_realised_world_growth() -> None:
    """World growth 2015-2019 in the capacity window is the 2005-2014 average, not the path
    that ended in the 2020 recession."""
    world = ds.world_growth_pct()
    trend = float(world.loc[2005:2014].mean())
    window = [*world.loc[2010:2014].tolist(), *[trend] * 5]
    built = build_country("ZMB", 2015, ex_ante=True)
    assert built.country.capacity.world_growth_pct == pytest.approx(np.mean(window), rel=1e-9)
    realised = float(world.loc[2010:2019].mean())
    assert built.country.capacity.world_growth_pct != pytest.approx(realised, rel=1e-3)
    assert float(world.loc[2016:2020].mean()) < trend  # what hindsight would have put in


@pytest.mark.parametrize(("iso3", "t"), [("LAO", 2016), ("LKA", 2007)])
def test_reference_debt_does_not_follow_the_realised_weo_debt(iso3: str, t: int) -> None:
    """The WEO's later gross debt already holds the loans the cases test; ex ante the ratio
    is held at its last known value (OD1a)."""
    built = build_country(iso3, t, ex_ante=True)
    gross = built.frame["gross_public_debt_pct_gdp"]
    weo = ds.weo_panel(iso3, ["GGXWDG_NGDP"])["GGXWDG_NGDP"]
    assert (gross.loc[t:] == weo.loc[t - 1]).all()
    assert gross.loc[t - 1] == weo.loc[t - 1]


def test_laos_ex_ante_does_not_see_the_2022_crisis() -> None:
    """World Bank: public debt ~112% of GDP at end-2022 (tests/reference/assess/README.md).
    Ex ante, even with the railway package, the path stays far below: the crisis was not in
    the trend of 2006-2015 (docs/assessment.md reports it)."""
    a = _assessed("laos-railway-2016.toml")
    (o,) = a.offers
    path = dict(zip(o.outlook.years.tolist(), o.outlook.public_debt_to_gdp_pct.tolist(),
                    strict=True))
    assert path[2022] < 112.0 - 30.0


# --- the forecast at signing ----------------------------------------------------------------


def _peak_equal_principal_semiannual(amount: float, rate_pct: float, instalments: int) -> float:
    """The largest calendar-year service of a fully disbursed loan repaid in equal semi-annual
    principal: the first year with two instalments (principal 2A/n, interest on the balance
    after one and after two instalments at half the annual rate)."""
    k = amount / instalments
    half = rate_pct / 200.0
    return 2.0 * k + half * (amount - k) + half * (amount - 2.0 * k)


def test_project_revenue_is_the_forecast_rule_not_the_outturn() -> None:
    # Hambantota I: US$306.7m at 6.3%, 15 years, first repayment at 4 years: 23 instalments
    ham = scenario("hambantota-2007.toml")
    peak = _peak_equal_principal_semiannual(306.7, 6.3, 23)
    assert ham.offers[0].project is not None
    assert ham.offers[0].project.revenue_usd_m == pytest.approx(1.3 * peak, abs=0.05)
    # Laos company loan: US$3,540m at 2.3%, 25 years, first repayment at 5 years: 41
    laos = scenario("laos-railway-2016.toml")
    peak = _peak_equal_principal_semiannual(3540.0, 2.3, 41)
    project = laos.offers[0].project
    assert project is not None and project.operating_cost_usd_m == 0.0
    assert project.revenue_usd_m == pytest.approx(1.3 * peak, abs=0.05)
    # the rail reference class applies (actual traffic about half the forecast)
    assert project.priors.demand.median_ratio == pytest.approx(0.5)
    # the phase I + II what-if follows the same rule on its loans' service
    both = ham.offers[1]
    flows = offer_flows(both)
    assert both.project is not None
    operating = flows.years >= both.project.first_operating_year
    ds = flows.debt_service(flows.serviced_by_project)[operating]
    assert both.project.revenue_usd_m == pytest.approx(1.3 * ds.max(), abs=0.05)


# --- ex ante ratings against the IMF's of the time ---------------------------------------


@pytest.mark.parametrize(
    ("name", "iso3"), [("zambia-2015.toml", "ZMB"), ("laos-railway-2016.toml", "LAO")]
)
def test_ex_ante_rating_matches_the_imf_rating_of_the_time(name: str, iso3: str) -> None:
    then = RATINGS_THEN[iso3]
    a = _assessed(name)
    assert scenario(name).settings.decision_year == then["decision_year"]
    assert a.reference.rating_overall == then["rating"]


def test_zambia_ex_ante_verdicts() -> None:
    """At moderate risk (as the IMF rated Zambia in May 2015) the Debt Limits Policy's zero
    limit does not bind: the Eurobond is judged on what it does, the Chinese what-if on its
    levers, the IDA counterfactual is low."""
    a = _assessed("zambia-2015.toml")
    by = {o.name: o for o in a.offers}
    bond = by["Eurobond 2027 (2015)"]
    china = by["Chinese lenders 2016-2021 (typical terms)"]
    ida = by["Counterfactual: US$1.25bn on IDA terms"]
    checks = {c.rule: c for c in bond.verdict.checks}
    assert checks["non_concessional"].status == "passed"
    assert "no zero limit" in checks["non_concessional"].detail
    assert china.verdict.trap_risk.value == "high"
    assert ida.verdict.trap_risk.value == "low"


def test_laos_ex_ante_verdict_is_high_on_the_debt_limits_policy() -> None:
    """Laos was at high risk in 2016 (IMF): a loan with a grant element of about 25% (below
    35%) meets the policy's zero limit on non-concessional debt."""
    (o,) = _assessed("laos-railway-2016.toml").offers
    assert o.verdict.trap_risk.value == "high"
    high = {c.rule for c in o.verdict.reasons if c.severity == "high"}
    assert "non_concessional" in high


# --- a country given in the scenario: the X1 rule (debttrap.assess.ex_ante) ---------------


def _world() -> dict[int, float]:
    wg = ds.world_growth_pct()
    return {int(y): float(v) for y, v in zip(wg.index.tolist(), wg.to_numpy(), strict=True)}


@pytest.fixture(scope="module")
def zambia_2015() -> Country:
    """Zambia built for 2015 with the WEO's realised years (a country as a file holds it)."""
    return build_country("ZMB", 2015, horizon_years=20).country


def _perturbed(c: Country, after: int, factor: float) -> Country:
    m = c.macro.model_dump()
    for name, value in m.items():
        if isinstance(value, dict) and value and not name.endswith("_pct"):
            m[name] = {y: (v * factor if int(y) > after else v) for y, v in value.items()}
        elif isinstance(value, dict) and value:
            m[name] = {y: (v + 1.0 if int(y) > after else v) for y, v in value.items()}
    return c.model_copy(update={"macro": type(c.macro).model_validate(m)})


def test_no_realised_value_after_the_decision_year_enters(zambia_2015: Country) -> None:
    world = _world()
    base, notes = ex_ante_country(zambia_2015, world)
    # change every realised value after t: the ex-ante country does not move at all
    moved, _ = ex_ante_country(_perturbed(zambia_2015, 2015, 1.3), world)
    assert moved.macro.model_dump() == base.macro.model_dump()
    assert moved.capacity == base.capacity
    # change the values of t itself: only the series labelled as holding t's share move
    moved_t, _ = ex_ante_country(_perturbed(zambia_2015, 2014, 1.3), world)
    labelled = {n.split(":")[0] for n in notes if "one year of outturn" in n}
    changed = {k for k, v in moved_t.macro.model_dump().items()
               if v != base.macro.model_dump()[k]}
    assert changed <= labelled
    # up to the decision year the data are untouched
    for y in range(2010, 2015):
        assert base.macro.nominal_gdp_usd_m[y] == zambia_2015.macro.nominal_gdp_usd_m[y]


def test_ex_ante_ratings_against_the_imfs_of_the_time(zambia_2015: Country) -> None:
    world = _world()
    zmb, _ = ex_ante_country(zambia_2015, world)
    # with hindsight (realised 2015-20) Zambia is high; as known in 2015 it is moderate,
    # the IMF's May 2015 rating
    assert run_dsa(zambia_2015).rating.to_dict()["external"] == "high"
    assert run_dsa(zmb).rating.to_dict()["external"] == "moderate"
    lao, _ = ex_ante_country(build_country("LAO", 2016, horizon_years=20).country, world)
    assert run_dsa(lao).rating.to_dict()["external"] == "high"  # the IMF's 2016 rating


def test_a_scenario_can_be_run_ex_ante(zambia_2015: Country) -> None:
    sc = scenario("zambia-2015.toml")
    # an ISO3 code with ex_ante alone (no decision year): built from data up to t-1
    plain = sc.model_copy(update={"settings": sc.settings.model_copy(
        update={"decision_year": None, "ex_ante": True})})
    a = assess(plain, n_paths=300, stochastic=False)
    assert any(x.startswith("OD1a ex ante") for x in a.assumptions)
    assert "country.ex_ante" in a.sources
    # a country given in the scenario: its values after t-1 are replaced by the X1 rule
    given = Scenario(name="Zambia, given", country=zambia_2015,
                     settings=ScenarioSettings(ex_ante=True), offers=sc.offers[:1])
    a = assess(given, n_paths=300, stochastic=False)
    assert any(x.startswith("X1 ex-ante projection") for x in a.assumptions)
    assert "country.ex_ante" in a.sources


def test_a_default_after_the_decision_is_not_known_ex_ante() -> None:
    """Zambia's Eurobond default began in Nov 2020 (debt-distress-events): built for 2020
    with hindsight the country is in distress from the start; ex ante, with what was known
    at the end of 2019, it is not."""
    assert build_country("ZMB", 2020).country.external_debt.in_arrears_or_restructuring
    ex_ante = build_country("ZMB", 2020, ex_ante=True)
    assert not ex_ante.country.external_debt.in_arrears_or_restructuring
    assert ex_ante.distress_evidence == ()


def _zambia_from(t: int) -> Any:
    """The Zambia case run from ``t`` on the realised data (not as a decision)."""
    doc = _doc("zambia-2015.toml")
    doc["settings"]["first_projection_year"] = t
    doc["settings"].pop("decision_year", None)
    doc["settings"].pop("ex_ante", None)
    return _parse(doc)


def test_an_offer_signed_before_t_is_flagged_as_possibly_counted_twice() -> None:
    # Zambia's July 2015 Eurobond is in the World Bank's end-2015 bondholder stock: assessed
    # from 2016 (as the example first was), the report says it may be counted twice
    a = assess(_zambia_from(2016), n_paths=300, stochastic=False)
    bond = a.offer("Eurobond 2027 (2015)")
    assert any(n.startswith("possible double counting: 'Zambia 8.97% 2027' (signed 2015)")
               for n in bond.notes)
    chinese = a.offer("Chinese lenders 2016-2021 (typical terms)")
    assert not any(n.startswith("possible double counting") for n in chinese.notes)
