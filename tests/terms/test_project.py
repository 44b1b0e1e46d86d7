"""Project and its priors: the reference classes of lending-terms.md §4, and validation.

Reference values: ``tests/reference/leverage/lending-terms-s4-s5-excerpt.md``
(the project reference lending-terms.md, lines 111-145). The independent oracle
for the lognormal algebra is :mod:`scipy.stats`.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from scipy import stats

from debttrap.errors import InputError
from debttrap.io.files import parse_model
from debttrap.terms.project import (
    LognormalPrior,
    Project,
    Sector,
    assumed_sigma,
    default_priors,
    sector_priors,
)


def _project(**kw: object) -> Project:
    data: dict[str, object] = {
        "name": "p",
        "sector": "roads",
        "quoted_cost_usd_m": 100.0,
        "construction_start_year": 2020,
    }
    data.update(kw)
    return Project.model_validate(data)


# --- reference classes (lending-terms.md line 121) ------------------------------------

@pytest.mark.parametrize(
    ("sector", "mu", "sigma", "median", "p90"),
    [
        # lending-terms.md line 121: rail mu = 0.336, sigma = 0.258 (median x1.40, P90 x1.95)
        (Sector.RAIL, 0.336, 0.258, 1.40, 1.95),
        # bridges/tunnels mu = 0.194, sigma = 0.441 (x1.21, P90 x2.14)
        (Sector.BRIDGES_TUNNELS, 0.194, 0.441, 1.21, 2.14),
        # roads mu = 0.156, sigma = 0.245 (x1.17, P90 x1.60)
        (Sector.ROADS, 0.156, 0.245, 1.17, 1.60),
    ],
)
def test_overrun_priors_match_the_quoted_parameters(
    sector: Sector, mu: float, sigma: float, median: float, p90: float
) -> None:
    prior = default_priors(sector).overrun
    assert prior.mu == pytest.approx(mu, abs=5e-4)
    assert prior.sigma == pytest.approx(sigma, abs=5e-4)
    assert prior.median == pytest.approx(median, abs=5e-3)
    assert prior.quantile(0.9) == pytest.approx(p90, abs=5e-3)
    assert prior.verified


@pytest.mark.parametrize(
    ("sector", "mean_overrun_pct", "sd_pct"),
    # lending-terms.md line 115: Flyvbjerg, Holm & Buhl 2002 means and SDs
    [(Sector.RAIL, 44.7, 38.0), (Sector.BRIDGES_TUNNELS, 33.8, 62.0), (Sector.ROADS, 20.4, 30.0)],
)
def test_moment_matching_against_scipy(
    sector: Sector, mean_overrun_pct: float, sd_pct: float
) -> None:
    """Oracle: scipy's lognormal with the fitted parameters has the published mean and SD."""
    prior = default_priors(sector).overrun
    dist = stats.lognorm(s=prior.sigma, scale=math.exp(prior.mu))
    assert dist.mean() == pytest.approx(1 + mean_overrun_pct / 100, rel=1e-9)
    assert dist.std() == pytest.approx(sd_pct / 100, rel=1e-9)
    assert prior.quantile(0.9) == pytest.approx(dist.ppf(0.9), rel=1e-12)


def test_dams_prior_matches_mean_and_median() -> None:
    """lending-terms.md line 121: dams mean x1.96, median ~x1.27, 'sigma ~ 0.9'."""
    prior = default_priors(Sector.DAMS).overrun
    assert prior.mean == pytest.approx(1.96, rel=1e-9)
    assert prior.median == pytest.approx(1.27, rel=1e-9)
    assert 0.85 < prior.sigma < 0.95
    assert not prior.verified  # the median is marked [unverified]


def test_rail_demand_prior_matches_the_published_statements() -> None:
    """lending-terms.md line 116: rail ridership below forecast in 9 of 10 projects, actual
    about half of forecast."""
    prior = default_priors(Sector.RAIL).demand
    assert prior.median == pytest.approx(0.5)
    assert stats.lognorm(s=prior.sigma, scale=prior.median).cdf(1.0) == pytest.approx(0.9)


def test_road_demand_prior_is_the_quoted_spread() -> None:
    """lending-terms.md line 121: roads ~1.0 +/- 0.4 actual/forecast [spread unverified]."""
    prior = default_priors(Sector.ROADS).demand
    assert prior.mean == pytest.approx(1.0)
    assert prior.sd == pytest.approx(0.4)
    assert not prior.verified


@pytest.mark.parametrize(
    ("sector", "mean_overrun_pct"),
    # lending-terms.md line 119 (Flyvbjerg & Gardner 2023) and line 115 (all transport ~28%)
    [(Sector.PORTS, 32), (Sector.POWER, 16), (Sector.SOLAR, 1), (Sector.WIND, 13),
     (Sector.POWER_TRANSMISSION, 8), (Sector.AIRPORTS, 39), (Sector.WATER, 20),
     (Sector.OTHER, 28)],
)
def test_mean_only_classes_keep_the_published_mean(sector: Sector, mean_overrun_pct: float) -> None:
    prior = default_priors(sector).overrun
    assert prior.mean == pytest.approx(1 + mean_overrun_pct / 100, rel=1e-9)
    # the middle of the published-class range: roads sigma 0.245 .. bridges/tunnels 0.441
    assert prior.sigma == assumed_sigma() == 0.35
    assert not prior.verified and "assumption" in prior.source


def test_every_sector_has_sourced_priors() -> None:
    assert set(sector_priors()) == set(Sector)
    for sector, pri in sector_priors().items():
        assert pri.overrun.source and pri.demand.source, sector
        assert pri.overrun.sigma > 0, sector


def test_monte_carlo_draws_reproduce_the_published_mean() -> None:
    """Draws through ``ratios`` average to the published rail mean (44.7% overrun)."""
    z = np.random.default_rng(7).standard_normal(400_000)
    draws = default_priors(Sector.RAIL).overrun.ratios(z)
    se = 0.38 / math.sqrt(z.size)
    assert abs(draws.mean() - 1.447) < 5 * se


# --- the prior's parameter forms ---------------------------------------------------

def test_prior_forms_agree() -> None:
    a = LognormalPrior.model_validate({"mean_ratio": 1.3, "sd_ratio": 0.5})
    b = LognormalPrior.model_validate({"mu": a.mu, "sigma": a.sigma})
    c = LognormalPrior.model_validate({"median_ratio": a.median, "p90_ratio": a.quantile(0.9)})
    d = LognormalPrior.model_validate({"mean_ratio": a.mean, "median_ratio": a.median})
    e = LognormalPrior.model_validate({"median_ratio": a.median, "sigma": a.sigma})
    for p in (b, c, d, e):
        assert p.mu == pytest.approx(a.mu, abs=1e-12)
        assert p.sigma == pytest.approx(a.sigma, abs=1e-12)


def test_prior_rejects_missing_and_inconsistent_parameters() -> None:
    with pytest.raises(ValidationError, match="give mu and sigma"):
        LognormalPrior.model_validate({"mean_ratio": 1.2})
    with pytest.raises(ValidationError, match="disagrees"):
        LognormalPrior.model_validate({"mean_ratio": 1.2, "sd_ratio": 0.3, "median_ratio": 2.0})
    with pytest.raises(ValidationError, match="below median"):
        LognormalPrior.model_validate({"mean_ratio": 1.0, "median_ratio": 1.2})
    with pytest.raises(ValidationError):
        LognormalPrior.model_validate({"mu": 0.0, "sigma": -0.1})
    with pytest.raises(ValidationError):
        LognormalPrior.model_validate({"median_ratio": -1.0, "sigma": 0.2})


@given(
    mean=st.floats(min_value=0.2, max_value=5.0),
    # 0 or at least 1e-6: a tiny cv times the mean can be a sub-normal sd, which is refused
    cv=st.one_of(st.just(0.0), st.floats(min_value=1e-6, max_value=2.0)),
)
@settings(max_examples=60, deadline=None)
def test_prior_round_trips_mean_and_sd(mean: float, cv: float) -> None:
    prior = LognormalPrior.model_validate({"mean_ratio": mean, "sd_ratio": mean * cv})
    assert prior.mean == pytest.approx(mean, rel=1e-9)
    assert prior.sd == pytest.approx(mean * cv, rel=1e-7, abs=1e-12)


# --- the project ---------------------------------------------------------------------

def test_markup_is_explicit() -> None:
    p = _project(quoted_cost_usd_m=120.0, benchmark_cost_usd_m=100.0)
    assert p.markup_usd_m == pytest.approx(20.0)
    assert p.markup_pct == pytest.approx(20.0)
    assert _project().markup_pct is None


def test_revenue_ramp_growth_and_life() -> None:
    p = _project(
        construction_phasing=[0.5, 0.5],
        revenue_usd_m=100.0,
        revenue_ramp_up=[0.25, 0.5],
        revenue_growth_pct=10.0,
        operating_cost_usd_m=10.0,
        asset_life_years=4,
    )
    years = np.arange(2019, 2027)
    # construction 2020-2021, operation 2022-2025: 25, 50 x 1.1, 100 x 1.21, 100 x 1.331
    expected = [0, 0, 0, 25.0, 55.0, 121.0, 133.1, 0]
    np.testing.assert_allclose(p.forecast_revenue_usd_m(years), expected)
    np.testing.assert_allclose(p.operating_cost_by_year_usd_m(years), [0, 0, 0, 10, 10, 10, 10, 0])
    np.testing.assert_allclose(p.spending_shares(years), [0, 0.5, 0.5, 0, 0, 0, 0, 0])
    assert (p.first_operating_year, p.last_operating_year) == (2022, 2025)


def test_user_priors_override_the_sector() -> None:
    own = LognormalPrior(mu=0.0, sigma=0.1, source="mine")
    p = _project(overrun_prior=own)
    assert p.priors.overrun is own
    assert p.priors.demand == default_priors(Sector.ROADS).demand


@pytest.mark.parametrize(
    ("change", "field", "text"),
    [
        ({"quoted_cost_usd_m": -5.0}, "quoted_cost_usd_m", "greater than 0"),
        ({"quoted_cost_usd_m": 0.0}, "quoted_cost_usd_m", "greater than 0"),
        ({"benchmark_cost_usd_m": -1.0}, "benchmark_cost_usd_m", "greater than 0"),
        ({"construction_phasing": [0.5, 0.4]}, "construction_phasing", "sum to 1"),
        ({"construction_phasing": []}, "construction_phasing", "at least one"),
        ({"operating_cost_usd_m": -1.0}, "operating_cost_usd_m", "greater than or equal"),
        ({"sector": "spaceports"}, "sector", "Input should be"),
        ({"overrun_on_budget_pct": 120.0}, "overrun_on_budget_pct", "less than or equal"),
    ],
)
def test_bad_project_gives_one_line_naming_the_field(
    change: dict[str, object], field: str, text: str
) -> None:
    data = {"name": "p", "sector": "roads", "quoted_cost_usd_m": 100.0,
            "construction_start_year": 2020, **change}
    with pytest.raises(InputError) as info:
        parse_model(Project, data, source="x.toml", prefix="project")
    msg = str(info.value)
    assert "\n" not in msg
    assert f"project.{field}" in msg and text in msg


def test_financing_plan_must_cover_the_quoted_cost() -> None:
    lines = [
        {"name": "loan", "kind": "loan", "amount_usd_m": 60.0},
        {"name": "budget", "kind": "budget", "amount_usd_m": 30.0},
    ]
    with pytest.raises(ValidationError, match=r"add up to 90\.0 but quoted_cost_usd_m is 100\.0"):
        _project(financing=lines)
    lines[1]["amount_usd_m"] = 40.0
    assert sum(f.amount_usd_m for f in _project(financing=lines).financing) == 100.0


def test_ramp_longer_than_life_is_rejected() -> None:
    with pytest.raises(ValidationError, match="asset_life_years"):
        _project(revenue_ramp_up=[0.5, 0.5, 0.5], asset_life_years=2)


def test_project_is_immutable() -> None:
    p = _project()
    with pytest.raises(ValidationError):
        p.quoted_cost_usd_m = 5.0  # type: ignore[misc]


def test_a_malformed_sector_prior_names_file_and_field(monkeypatch: pytest.MonkeyPatch) -> None:
    import debttrap.terms.project as mod
    from debttrap import data_tables as dt
    from debttrap.errors import DataError

    table = {k: (dict(v) if isinstance(v, dict) else v)
             for k, v in dt.read_table("sector-priors", "sector_priors.toml").items()}
    table["rail"] = {"overrun": {"mean_ratio": 0.9, "median_ratio": 1.2, "source": "x"},
                     "demand": table["rail"]["demand"]}
    monkeypatch.setattr(mod.dt, "read_table", lambda **_: table)
    mod.sector_priors.cache_clear()
    try:
        with pytest.raises(DataError, match=r"sector_priors\.toml, field 'rail\.overrun'"):
            mod.sector_priors()
        del table["water"]
        table["rail"] = {"overrun": {"mean_ratio": 1.4, "sd_ratio": 0.3, "source": "x"},
                         "demand": table["roads"]["demand"]}
        mod.sector_priors.cache_clear()
        with pytest.raises(DataError, match=r"field 'water': a table is required"):
            mod.sector_priors()
    finally:
        mod.sector_priors.cache_clear()
