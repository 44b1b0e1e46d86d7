"""Historical cases from what was known then (reproduces a review finding).

A country built from the bundled data for a past year carries what happened afterwards:
Zambia built for 2015 uses realised 2015-20 growth (the commodity slump, COVID) and its
rating is high; the IMF rated it moderate in May 2015 (Article IV DSA). With
``ex_ante = true`` every value after the decision year is a projection from data up to
it (debttrap.assess.ex_ante.RULE), and no realised later value enters unless it is
labelled (one year of outturn for series with no history, said in the notes).

IMF ratings of the time (IMF LIC-DSA list and country DSAs): Zambia, May 2015 Article IV:
moderate; Lao P.D.R., 2016 DSA: high.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from debttrap.assess import assess
from debttrap.assess.ex_ante import ex_ante_country
from debttrap.country.model import Country
from debttrap.datasets.macro import world_growth_pct
from debttrap.dsa.run import run_dsa
from debttrap.io.scenario import load_scenario
from debttrap.opendata import build_country

from .conftest import EXAMPLES


def _world() -> dict[int, float]:
    wg = world_growth_pct()
    return {int(y): float(v) for y, v in zip(wg.index.tolist(), wg.to_numpy(), strict=True)}


@pytest.fixture(scope="module")
def zambia_2015() -> Country:
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


def test_a_scenario_can_be_run_ex_ante(tmp_path: Path) -> None:
    text = (EXAMPLES / "zambia-2015.toml").read_text(encoding="utf-8")
    text = text.replace("horizon_years = 20\n", "horizon_years = 20\nex_ante = true\n", 1)
    f = tmp_path / "zambia-ex-ante.toml"
    f.write_text(text, encoding="utf-8")
    a = assess(load_scenario(f), n_paths=300, stochastic=False)
    assert any(x.startswith("X1 ex-ante projection") for x in a.assumptions)
    assert "country.ex_ante" in a.sources
