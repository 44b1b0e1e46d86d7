"""Project economics by Monte Carlo: closed-form oracles, identities and bad input.

Oracles: with a lognormal cost ratio ``X``, the quantiles are ``exp(mu + sigma z_q)``
and ``E[(X - 1)+] = exp(mu + sigma^2/2) Phi(d1) - Phi(d2)`` with
``d2 = mu / sigma``, ``d1 = d2 + sigma`` (the call-option formula at strike 1);
with a lognormal demand ratio ``D`` and constant revenue ``R``, opex ``O`` and
debt service ``S``, ``P(D R - O >= S) = 1 - Phi((ln((S + O) / R) - mu) / sigma)``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from debttrap.errors import InputError
from debttrap.leverage.project import offer_project_economics, project_economics
from debttrap.terms.offer import Offer
from debttrap.terms.project import LognormalPrior, Project

N = 200_000


def _project(**kw: object) -> Project:
    data: dict[str, object] = {
        "name": "p",
        "sector": "rail",
        "quoted_cost_usd_m": 1000.0,
        "construction_start_year": 2020,
        "construction_phasing": [0.5, 0.5],
        "revenue_usd_m": 100.0,
        "operating_cost_usd_m": 20.0,
        "asset_life_years": 20,
    }
    data.update(kw)
    return Project.model_validate(data)


YEARS = np.arange(2020, 2045)


def _ds(value: float, first: int = 2022, last: int = 2035) -> np.ndarray:
    return np.where((YEARS >= first) & (YEARS <= last), value, 0.0)


def test_cost_quantiles_match_the_lognormal() -> None:
    p = _project()
    r = project_economics(p, YEARS, _ds(40.0), seed=1, n_paths=N)
    prior = p.priors.overrun
    s = r.summary()
    for q, key in ((0.5, "cost_p50_usd_m"), (0.9, "cost_p90_usd_m")):
        exact = 1000.0 * prior.quantile(q)
        # MC quantile standard error ~ sqrt(q(1-q)/n) / density; 0.5% is many of them
        assert s[key] == pytest.approx(exact, rel=5e-3)
    assert s["cost_mean_usd_m"] == pytest.approx(1000.0 * prior.mean, rel=5e-3)


def test_overrun_borrowed_matches_the_closed_form() -> None:
    p = _project(overrun_on_budget_pct=60.0)
    r = project_economics(p, YEARS, _ds(40.0), seed=2, n_paths=N)
    mu, sigma = p.priors.overrun.mu, p.priors.overrun.sigma
    d2 = mu / sigma
    expected = math.exp(mu + sigma**2 / 2) * stats.norm.cdf(d2 + sigma) - stats.norm.cdf(d2)
    assert r.summary()["overrun_borrowed_mean_usd_m"] == pytest.approx(
        0.6 * 1000.0 * expected, rel=1e-2
    )
    # spread over construction like the spending, nothing outside it
    by_year = r.overrun_borrowed_usd_m
    np.testing.assert_allclose(by_year[:, 0], by_year[:, 1])
    assert np.all(by_year[:, 2:] == 0)
    per_path = r.overrun_borrowed_total_usd_m
    np.testing.assert_allclose(per_path, 0.6 * np.maximum(r.cost_ratio - 1, 0) * 1000.0)


def test_deterministic_project_dscr_is_hand_computable() -> None:
    sure = LognormalPrior(mu=0.0, sigma=0.0, source="none")
    p = _project(overrun_prior=sure, demand_prior=sure)
    r = project_economics(p, YEARS, _ds(40.0, first=2021), seed=3, n_paths=100)
    f = r.to_frame()
    # (100 - 20) / 40 = 2 in operating years; 0 in 2021 (construction, no revenue)
    assert f.loc[2023, "dscr_p50"] == pytest.approx(2.0)
    assert f.loc[2021, "dscr_p50"] == 0.0
    assert np.isnan(f.loc[2040, "dscr_p50"])
    s = r.summary()
    assert s["prob_self_service_pct"] == 100.0
    assert s["dscr_p50_lifetime"] == pytest.approx(2.0)
    assert s["debt_service_before_operation_usd_m"] == pytest.approx(40.0)
    assert s["cost_p50_usd_m"] == pytest.approx(1000.0)
    assert s["overrun_borrowed_p90_usd_m"] == 0.0


def test_probability_of_self_service_matches_the_closed_form() -> None:
    demand = LognormalPrior(mu=-0.2, sigma=0.5, source="test")
    p = _project(demand_prior=demand)
    r = project_economics(p, YEARS, _ds(60.0), seed=4, n_paths=N)
    exact = 1 - stats.norm.cdf((math.log((60.0 + 20.0) / 100.0) - (-0.2)) / 0.5)
    assert r.prob_self_service_pct / 100 == pytest.approx(exact, abs=4 * math.sqrt(0.25 / N))
    # constant service and revenue: every year passes or fails together
    assert r.prob_lifetime_cover_pct == pytest.approx(r.prob_self_service_pct)


def test_debt_service_after_the_asset_life_counts_against_zero_revenue() -> None:
    sure = LognormalPrior(mu=0.0, sigma=0.0, source="none")
    p = _project(demand_prior=sure, asset_life_years=5)  # operates 2022-2026
    r = project_economics(p, YEARS, _ds(40.0, last=2030), seed=5, n_paths=100)
    assert r.prob_self_service_pct == 0.0


def test_same_seed_same_result_and_generator_accepted() -> None:
    p = _project()
    a = project_economics(p, YEARS, _ds(40.0), seed=11, n_paths=2000)
    b = project_economics(p, YEARS, _ds(40.0), seed=11, n_paths=2000)
    c = project_economics(p, YEARS, _ds(40.0), seed=np.random.default_rng(11), n_paths=2000)
    d = project_economics(p, YEARS, _ds(40.0), seed=12, n_paths=2000)
    np.testing.assert_array_equal(a.cost_ratio, b.cost_ratio)
    np.testing.assert_array_equal(a.dscr, b.dscr)
    np.testing.assert_array_equal(a.cost_ratio, c.cost_ratio)
    assert not np.array_equal(a.cost_ratio, d.cost_ratio)
    assert a.summary() == b.summary()


def test_results_are_read_only_and_framed_by_year() -> None:
    r = project_economics(_project(), YEARS, _ds(40.0), seed=1, n_paths=500)
    with pytest.raises(ValueError, match="read-only"):
        r.dscr[0, 0] = 1.0
    f = r.to_frame()
    assert f.index.name == "year" and list(f.index) == YEARS.tolist()
    assert {"dscr_p50", "prob_dscr_ge_1_pct", "debt_service_usd_m"} <= set(f.columns)


@given(
    k=st.floats(min_value=1e-3, max_value=1e4),
    # zero or normal-range floats: a subnormal revenue (5e-324) times 2 is not 2 x the revenue
    # in floating point, which is underflow, not a failure of scale invariance
    revenue=st.one_of(st.just(0.0), st.floats(min_value=1e-6, max_value=1e3)),
    opex=st.one_of(st.just(0.0), st.floats(min_value=1e-6, max_value=1e3)),
    ds=st.floats(min_value=0.1, max_value=1e3),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
)
@settings(max_examples=40, deadline=None)
def test_dscr_is_scale_invariant(
    k: float, revenue: float, opex: float, ds: float, seed: int
) -> None:
    """Scaling revenue, operating cost and debt service by ``k`` leaves every DSCR as it was."""
    base = _project(revenue_usd_m=revenue, operating_cost_usd_m=opex)
    scaled = _project(revenue_usd_m=revenue * k, operating_cost_usd_m=opex * k)
    a = project_economics(base, YEARS, _ds(ds), seed=seed, n_paths=64)
    b = project_economics(scaled, YEARS, _ds(ds * k), seed=seed, n_paths=64)
    np.testing.assert_allclose(a.dscr, b.dscr, rtol=1e-9, equal_nan=True)
    assert a.prob_self_service_pct == b.prob_self_service_pct


@given(
    # sub-normal inputs are refused by the models (debttrap.validation)
    mu=st.floats(min_value=-1.0, max_value=1.0, allow_subnormal=False),
    sigma=st.floats(min_value=0.0, max_value=2.0, allow_subnormal=False),
    share=st.floats(min_value=0.0, max_value=100.0, allow_subnormal=False),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
)
@settings(max_examples=40, deadline=None)
def test_overrun_borrowed_is_never_negative(
    mu: float, sigma: float, share: float, seed: int
) -> None:
    prior = LognormalPrior(mu=mu, sigma=sigma, source="test")
    p = _project(overrun_prior=prior, overrun_on_budget_pct=share)
    r = project_economics(p, YEARS, _ds(1.0), seed=seed, n_paths=64)
    total_overrun = np.maximum(r.cost_usd_m - 1000.0, 0.0)
    assert np.all(r.overrun_borrowed_usd_m >= 0)
    assert np.all(r.overrun_borrowed_total_usd_m <= total_overrun + 1e-9)
    assert 0.0 <= r.prob_self_service_pct <= 100.0


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"years": np.array([2020, 2022]), "debt_service_usd_m": np.zeros(2)}, "years"),
        ({"years": np.array([2020.0, 2021.0]), "debt_service_usd_m": np.zeros(2)}, "years"),
        ({"years": YEARS, "debt_service_usd_m": np.zeros(3)}, "debt_service_usd_m"),
        ({"years": YEARS, "debt_service_usd_m": -np.ones(YEARS.size)}, "debt_service_usd_m"),
        ({"years": np.arange(2021, 2030), "debt_service_usd_m": np.zeros(9)}, "years"),
    ],
)
def test_bad_input_names_the_field(kwargs: dict[str, np.ndarray], field: str) -> None:
    with pytest.raises(InputError) as info:
        project_economics(_project(), kwargs["years"], kwargs["debt_service_usd_m"], seed=1)
    assert f"field '{field}'" in str(info.value) and "\n" not in str(info.value)


def test_seed_and_paths_are_checked() -> None:
    with pytest.raises(InputError, match="seed"):
        project_economics(_project(), YEARS, _ds(1.0), seed=True)
    with pytest.raises(InputError, match="seed"):
        project_economics(_project(), YEARS, _ds(1.0), seed=1.5)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="n_paths"):
        project_economics(_project(), YEARS, _ds(1.0), seed=1, n_paths=0)


def test_offer_economics_uses_the_project_serviced_loans_only() -> None:
    lender = {"name": "L", "type": "bilateral_other"}
    common = {"signing_year": 2020, "rate_pct": 2.0, "grace_years": 2, "maturity_years": 10}
    offer = Offer.model_validate(
        {
            "name": "o",
            "lender": lender,
            "loans": [
                {"amount_m": 500.0, **common},
                {"amount_m": 300.0, "serviced_by_project": False, **common},
            ],
            "project": _project().model_dump(),
        }
    )
    r = offer_project_economics(offer, seed=1, n_paths=200)
    only = Offer.model_validate(
        {"name": "o", "lender": lender, "loans": [{"amount_m": 500.0, **common}],
         "project": _project().model_dump()}
    )
    r_only = offer_project_economics(only, seed=1, n_paths=200)
    np.testing.assert_allclose(r.debt_service_usd_m, r_only.debt_service_usd_m)
    assert r.meta == {"offer": "o", "seed": 1}
    with pytest.raises(InputError, match="has no project"):
        offer_project_economics(
            Offer.model_validate({"name": "n", "lender": lender, "loans": [{"amount_m": 1.0,
                                                                            **common}]}),
            seed=1,
        )
