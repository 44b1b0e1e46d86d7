"""Simulation driver: seeds and workers, probabilities, contributions, fan quantiles."""

from __future__ import annotations

import numpy as np
import pytest

from debttrap.errors import InputError
from debttrap.stochastic import _numba
from debttrap.stochastic.kernel import THRESHOLD_OUTPUTS
from debttrap.stochastic.results import QUANTILE_LEVELS, DistressRule
from debttrap.stochastic.shocks import ShockDistribution, ShockModel, calibrate
from debttrap.stochastic.simulate import simulate

from .conftest import THRESHOLDS_MEDIUM, make_inputs
from .test_shocks import synthetic_history


def _model(method: ShockDistribution = ShockDistribution.NORMAL) -> ShockModel:
    return ShockModel(calibrate(synthetic_history(), (1995, 2020)), method=method)


@pytest.mark.parametrize("method", list(ShockDistribution))
def test_same_seed_same_results_on_one_or_two_workers(method: ShockDistribution) -> None:
    inp = make_inputs()
    kw = dict(n_paths=3000, seed=7, thresholds_pct=THRESHOLDS_MEDIUM, block_size=500,
              keep_paths=True)
    a = simulate(inp, _model(method), workers=1, **kw)  # type: ignore[arg-type]
    b = simulate(inp, _model(method), workers=2, **kw)  # type: ignore[arg-type]
    assert a.paths is not None and b.paths is not None
    assert np.array_equal(a.paths, b.paths)
    assert np.array_equal(a.quantiles, b.quantiles)
    assert a.to_dict() | {"memory_bytes": 0} == b.to_dict() | {"workers": 1, "memory_bytes": 0}
    c = simulate(inp, _model(method), workers=1, **{**kw, "seed": 8})  # type: ignore[arg-type]
    assert c.paths is not None and not np.array_equal(a.paths, c.paths)


def test_numba_engine_gives_the_numpy_results() -> None:
    if not _numba.AVAILABLE:
        pytest.skip("numba not installed")
    inp = make_inputs()
    # full blocks (the compiled kernel then writes into a reused buffer) and a partial one
    kw = dict(n_paths=400, seed=1, thresholds_pct=THRESHOLDS_MEDIUM, block_size=128)
    a = simulate(inp, _model(), engine="numpy", keep_paths=True, **kw)  # type: ignore[arg-type]
    b = simulate(inp, _model(), engine="numba", keep_paths=True, **kw)  # type: ignore[arg-type]
    assert a.paths is not None and b.paths is not None
    np.testing.assert_allclose(a.paths, b.paths, rtol=1e-12, atol=1e-12)
    c = simulate(inp, _model(), engine="numba", workers=2, fan_variants=("no_offer",),
                 **kw)  # type: ignore[arg-type]
    np.testing.assert_allclose(c.quantiles, b.quantiles, rtol=1e-6)  # float32 fan vs float64
    assert c.main.prob_distress == b.main.prob_distress


def test_without_numba_the_numpy_kernel_runs() -> None:
    """Where numba cannot be imported, ``engine="auto"`` runs the NumPy kernel at any size
    and ``engine="numba"`` says what to do; nothing else of the package needs numba."""
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['numba'] = None\n"
        "from debttrap.stochastic import simulate as sim\n"
        "from debttrap.errors import InputError\n"
        "assert sim.resolve_engine('auto', 10**12) == 'numpy'\n"
        "from debttrap.stochastic import _numba\n"
        "assert not _numba.AVAILABLE\n"
        "try:\n"
        "    sim._kernel_fn('numba')\n"
        "except InputError as e:\n"
        "    assert 'numba is not installed' in str(e)\n"
        "else:\n"
        "    raise AssertionError('no error')\n"
        "import debttrap.cli\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr


def test_probabilities_follow_their_definitions() -> None:
    """Recount every probability from the kept paths with plain loops over paths."""
    inp = make_inputs()
    r = simulate(inp, _model(), n_paths=600, seed=2, thresholds_pct=THRESHOLDS_MEDIUM,
                 keep_paths=True, distress=DistressRule(max_extra_financing_pct_gdp=3.0))
    assert r.paths is not None
    thr = [THRESHOLDS_MEDIUM[k] for k in THRESHOLD_OUTPUTS]
    any_b = np.zeros(5)
    flag = np.zeros(5)
    distress = 0
    for p in range(600):
        path = r.paths[p]
        for j in range(5):
            years_above = [y for y in range(11) if path[y, j] > thr[j]]
            any_b[j] += bool(years_above)
            flag[j] += len(years_above) >= 2
        svc = [path[y, 2] > thr[2] or path[y, 3] > thr[3] for y in range(21)]
        state = [(y >= 1 and svc[y] and svc[y - 1]) or path[y, 8] > 3.0 for y in range(21)]
        distress += any(state[:11])
    np.testing.assert_allclose(r.main.prob_breach_any, any_b / 600)
    np.testing.assert_allclose(r.main.prob_breach_flag, flag / 600)
    assert r.main.prob_distress == pytest.approx(distress / 600)
    by_year = (r.paths[:, :, :5] > np.array(thr)).mean(axis=0)
    np.testing.assert_allclose(r.main.prob_breach_by_year, by_year)
    assert 0.0 < r.main.prob_distress < 1.0  # the case is informative


def test_fan_quantiles_and_frames() -> None:
    inp = make_inputs()
    r = simulate(inp, _model(), n_paths=2000, seed=4, thresholds_pct=THRESHOLDS_MEDIUM,
                 keep_paths=True)
    assert r.paths is not None
    exact = np.quantile(r.paths, QUANTILE_LEVELS, axis=0)
    np.testing.assert_allclose(r.quantiles, exact, rtol=1e-5, atol=1e-4)  # float32 store
    assert np.all(np.diff(r.quantiles, axis=0) >= -1e-9)  # bands are nested
    f = r.to_frame()
    assert list(f.columns) == ["baseline", "mean", "p5", "p10", "p25", "p50", "p75", "p90",
                               "p95"]
    assert f.index.names == ["indicator", "year"]
    fan = r.fan("pv_ext_debt_to_gdp_pct")
    assert fan.index[0] == 2024 and len(fan) == 21
    assert set(r.probabilities_frame().index) == set(THRESHOLD_OUTPUTS)
    assert "distress" in r.breach_by_year_frame().columns
    assert r.memory_bytes >= r.paths.nbytes
    with pytest.raises(InputError, match="unknown indicator"):
        r.fan("nope")


def test_offer_contributions_use_common_random_numbers() -> None:
    """Contribution = P(all) - P(without the offer), both on the same draws: rerunning the
    'without' case alone on the same seed gives the same probability."""
    inp = make_inputs(n_offers=2)
    r = simulate(inp, _model(), n_paths=2000, seed=9, thresholds_pct=THRESHOLDS_MEDIUM)
    names = [v.name for v in r.variants]
    assert names == ["no_offer", "without_offer0", "without_offer1"]
    ln = inp.lines
    from debttrap.stochastic.kernel import DebtLines, SimulationInputs

    keep = ln.group != 0
    alone = DebtLines.build(
        principal_m=ln.principal_m[keep], interest_m=ln.interest_m[keep],
        balance_end_m=ln.balance_end_m[keep], pv_end_m=ln.pv_end_m[keep],
        balance_open_m=ln.balance_open_m[keep], external=ln.external[keep],
        local_currency=ln.local_currency[keep], floating=ln.floating[keep],
        group=ln.group[keep])
    r2 = simulate(SimulationInputs(inp.macro, alone, inp.residual), _model(), n_paths=2000, seed=9,
                  thresholds_pct=THRESHOLDS_MEDIUM)
    v = r.variants[1]
    assert v.prob_distress == r2.main.prob_distress
    np.testing.assert_array_equal(v.prob_breach_any, r2.main.prob_breach_any)
    frame = r.contributions_frame()
    assert frame.loc["without_offer0", "contribution_prob_distress"] == pytest.approx(
        r.main.prob_distress - v.prob_distress)


def test_simulate_rejects_bad_arguments() -> None:
    inp = make_inputs()
    with pytest.raises(InputError, match="paths"):
        simulate(inp, _model(), n_paths=0, seed=1, thresholds_pct=THRESHOLDS_MEDIUM)
    with pytest.raises(InputError, match="thresholds"):
        simulate(inp, _model(), n_paths=10, seed=1, thresholds_pct={})
    with pytest.raises(InputError, match="engine"):
        simulate(inp, _model(), n_paths=10, seed=1, thresholds_pct=THRESHOLDS_MEDIUM,
                 engine="fortran")  # type: ignore[arg-type]
