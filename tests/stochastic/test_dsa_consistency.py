"""The stochastic kernel against the DSA engine: zero variance = baseline; B1 and B5 replayed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from debttrap.dsa.paths import debt_paths
from debttrap.dsa.run import run_dsa
from debttrap.dsa.stress import StressSettings, build_scenarios
from debttrap.io.country_file import load_dsa_inputs
from debttrap.stochastic.from_country import inputs_from_country
from debttrap.stochastic.kernel import THRESHOLD_OUTPUTS, prepare, run_paths
from debttrap.stochastic.shocks import ShockDistribution, ShockModel, calibrate
from debttrap.stochastic.simulate import simulate

from .test_shocks import synthetic_history

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "lic-dsf-illustrative.toml"


@pytest.fixture(scope="module")
def country_and_settings():  # type: ignore[no-untyped-def]
    return load_dsa_inputs(EXAMPLE)


@pytest.mark.parametrize("method", list(ShockDistribution))
def test_zero_variance_paths_equal_the_dsa_baseline(country_and_settings, method) -> None:  # type: ignore[no-untyped-def]
    country, settings = country_and_settings
    dsa = run_dsa(country, settings)
    ci = inputs_from_country(country, settings)
    model = ShockModel(calibrate(synthetic_history(), (1995, 2020)), method=method, scale=0.0)
    res = simulate(ci.inputs, model, n_paths=300, seed=3, thresholds_pct=ci.thresholds_pct,
                   block_size=128, keep_paths=True)
    assert res.paths is not None
    for j, name in enumerate(THRESHOLD_OUTPUTS):
        expected = dsa.baseline.indicator(name)
        np.testing.assert_allclose(res.paths[:, :, j], np.broadcast_to(expected, (300, 21)),
                                   rtol=1e-12, atol=1e-12, err_msg=name)
        np.testing.assert_allclose(res.quantiles[:, :, j], np.broadcast_to(expected, (7, 21)),
                                   rtol=1e-12)
    assert dict(dsa.thresholds) == ci.thresholds_pct
    # probabilities at zero variance are the baseline's breaches: 0 or 1
    for j, name in enumerate(THRESHOLD_OUTPUTS):
        base_breach = (dsa.baseline.indicator(name)[:11] > ci.thresholds_pct[name]).any()
        assert res.main.prob_breach_any[j] == float(base_breach)


def _replay(country, settings, code: str) -> tuple[np.ndarray, object]:  # type: ignore[no-untyped-def]
    """Turn a DSA stress scenario's macro path into one path of shocks and run it."""
    setup, base, scenarios, _ = build_scenarios(country, settings)
    sc = {s.code: s for s in scenarios}[code]
    der = setup.derived
    n = base.years.size
    sl = slice(der.t_index, der.t_index + n)
    pi_lcu = der.gdp_deflator_lcu_growth_pct[sl] / 100.0
    # the DSA's B1 finances the revenue loss at home: replay with no external residual
    ci = inputs_from_country(country, settings, external_share=0.0)
    ka = prepare(ci.inputs)
    rel_fx = sc.inputs.fx_avg_lcu_per_usd / base.fx_avg_lcu_per_usd
    rel_lcu = sc.inputs.gdp_usd_m / base.gdp_usd_m * rel_fx
    rel_x = sc.inputs.exports_usd_m / base.exports_usd_m
    shocks = np.zeros((1, n, 6))
    for y in range(1, n):
        shocks[0, y, 1] = (rel_lcu[y] / rel_lcu[y - 1] - 1) * (1 + pi_lcu[y])  # nominal GDP
        shocks[0, y, 2] = (rel_fx[y] / rel_fx[y - 1] - 1) * (1 + ka.e_b[y])
        shocks[0, y, 3] = (rel_x[y] / rel_x[y - 1] - 1) * (1 + ka.x_b[y])
    return run_paths(ka, shocks)[0], debt_paths(sc.inputs, setup.basis)


def test_b1_growth_shock_replays_the_dsa_stress_test(country_and_settings) -> None:  # type: ignore[no-untyped-def]
    """B1 (growth 1 sd lower in t+1, t+2, deflator -0.6 x shortfall, spending at its
    baseline level, revenue loss borrowed at home): all five indicators agree."""
    country, settings = country_and_settings
    out, dsa = _replay(country, settings, "B1")
    for j, name in enumerate(THRESHOLD_OUTPUTS):
        np.testing.assert_allclose(out[:, j], getattr(dsa, name), rtol=1e-12, err_msg=name)
    base = run_dsa(country, settings).baseline
    assert np.all(out[1:, 0] > base.indicator(THRESHOLD_OUTPUTS[0])[1:])  # the shock bites


def test_b5_depreciation_replays_external_indicators(country_and_settings) -> None:  # type: ignore[no-untyped-def]
    """B5 without interactions (a one-off 30% depreciation, dollar GDP 30% lower): the four
    external indicators agree. P1 does not: this kernel also borrows for the higher
    local-currency cost of foreign-currency debt service, which the DSA's B5 leaves out."""
    country, settings = country_and_settings
    s = StressSettings.model_validate({**settings.model_dump(), "interactions": False})
    out, dsa = _replay(country, s, "B5")
    for j, name in enumerate(THRESHOLD_OUTPUTS[:4]):
        np.testing.assert_allclose(out[:, j], getattr(dsa, name), rtol=1e-12, err_msg=name)
    assert out[2, 4] > getattr(dsa, THRESHOLD_OUTPUTS[4])[2]
