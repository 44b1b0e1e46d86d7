"""The path kernel: zero shock = baseline, identities of each shock, agreement of kernels."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from debttrap.errors import InputError
from debttrap.stochastic import _numba
from debttrap.stochastic._reference import run_paths_naive
from debttrap.stochastic.kernel import (
    OUTPUTS,
    DebtLines,
    MacroPath,
    ResidualFinancing,
    SimulationInputs,
    prepare,
    run_paths,
)

from .conftest import Y, make_inputs

IDX = {name: j for j, name in enumerate(OUTPUTS)}


def _independent_baseline(inp: SimulationInputs) -> dict[str, np.ndarray]:
    """The baseline indicators written directly from the definitions (LIC-DSF §1.1)."""
    mac, ln = inp.macro, inp.lines
    fx = mac.fx_lcu_per_usd  # flows and GDP
    fxe = mac.fx_eop_lcu_per_usd  # stocks and PVs
    gdp_usd = mac.gdp_lcu_m / fx
    ext, lcu = ln.external[:, None], ln.local_currency[:, None]
    service = ln.principal_m + ln.interest_m
    pv_ext = (ln.pv_end_m * np.where(lcu, 1.0 / fxe, 1.0) * ext).sum(axis=0)
    ds_ext = (service * np.where(lcu, 1.0 / fx, 1.0) * ext).sum(axis=0)
    bal_ext = (ln.balance_end_m * np.where(lcu, 1.0 / fxe, 1.0) * ext).sum(axis=0)
    dom = (ln.balance_end_m * np.where(lcu, 1.0, fxe) * ~ext).sum(axis=0)
    ds_pub = (service * np.where(lcu, 1.0, fx)).sum(axis=0)
    return {
        "pv_ext_debt_to_gdp_pct": 100 * pv_ext / gdp_usd,
        "pv_ext_debt_to_exports_pct": 100 * pv_ext / mac.exports_usd_m,
        "ext_debt_service_to_exports_pct": 100 * ds_ext / mac.exports_usd_m,
        "ext_debt_service_to_revenue_pct": 100 * ds_ext * fx / mac.revenue_ex_grants_lcu_m,
        "pv_public_debt_to_gdp_pct": 100 * (pv_ext * fxe + dom) / mac.gdp_lcu_m,
        "ext_debt_to_gdp_pct": 100 * bal_ext / gdp_usd,
        "public_debt_to_gdp_pct": 100 * (bal_ext * fxe + dom) / mac.gdp_lcu_m,
        "public_debt_service_to_revenue_pct": 100 * ds_pub / mac.revenue_incl_grants_lcu_m,
        "extra_financing_need_pct_gdp": np.zeros(Y),
    }


def test_zero_shock_every_path_is_the_baseline(inputs: SimulationInputs) -> None:
    k = prepare(inputs)
    out = run_paths(k, np.zeros((50, Y, 6)))
    assert np.array_equal(out, np.broadcast_to(out[0], out.shape))  # all paths identical
    assert np.all(out[:, :, IDX["extra_financing_need_pct_gdp"]] == 0.0)  # exactly
    expected = _independent_baseline(inputs)
    for name, j in IDX.items():
        np.testing.assert_allclose(out[0, :, j], expected[name], rtol=1e-12, atol=1e-12,
                                   err_msg=name)


@pytest.mark.parametrize(
    ("rate", "grace", "maturity", "pv_pct"),
    [  # LIC-DSF method note §1.2 check values (r = 5%, linear unit loan)
        (0.0075, 6, 38, 46.32),
        (0.02, 5, 30, 100 - 33.50),
        (0.0, 5, 25, 100 - 51.18),
    ],
)
def test_unit_loan_pv_matches_published_check_values(
    rate: float, grace: int, maturity: int, pv_pct: float
) -> None:
    res = ResidualFinancing(1.0, rate, grace, maturity, 0.05, 0.05)
    _, balance, pv = res.unit_profile(60)
    assert 100 * pv[0] == pytest.approx(pv_pct, abs=0.006)
    assert balance[0] == 1.0 and balance[maturity] == 0.0


def test_unit_loan_pv_is_capped_at_face_above_the_discount_rate() -> None:
    _, balance, pv = ResidualFinancing(1.0, 0.08, 3, 10, 0.05, 0.05).unit_profile(12)
    np.testing.assert_array_equal(pv, balance)


def test_numpy_naive_and_numba_kernels_agree(inputs: SimulationInputs) -> None:
    rng = np.random.default_rng(11)
    shocks = rng.standard_normal((40, Y, 6)) * np.array([0.03, 0.05, 0.15, 0.2, 0.03, 0.02])
    shocks[:3, 4:6, 3] = -1.5  # exercise the growth floor
    k = prepare(inputs)
    a = run_paths(k, shocks)
    b = run_paths_naive(inputs, shocks)
    np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-10)
    if _numba.AVAILABLE:
        c = _numba.run_paths_numba(k, shocks)
        np.testing.assert_allclose(a, c, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("n_paths",
                         [1, 3, _numba.LANES - 1, _numba.LANES, 2 * _numba.LANES + 5, 4000])
def test_compiled_kernel_agrees_with_numpy_within_1e12(n_paths: int) -> None:
    """The compiled kernel multiplies by reciprocals where the NumPy kernel divides, so the
    two agree to the last bits only: within 1e-12 (percent points, absolute, plus 1e-12
    relative), on chunks full and partial, with the growth floor and rate floors binding;
    a zero-shock path is exactly the baseline's (no extra financing need at all)."""
    if not _numba.AVAILABLE:
        pytest.skip("numba not importable here: the NumPy kernel runs instead")
    rng = np.random.default_rng(n_paths)
    for inp in (make_inputs(), make_inputs(n_lines=30, seed=3, external_share=0.2)):
        k = prepare(inp)
        shocks = rng.standard_normal((n_paths, Y, 6)) * np.array(
            [0.03, 0.05, 0.15, 0.2, 0.03, 0.03])
        shocks[: max(1, n_paths // 3), 5:7, 0] = -1.2  # the growth floor
        shocks[-1] = 0.0  # a zero-shock path
        a = run_paths(k, shocks)
        c = _numba.run_paths_numba(k, shocks)
        np.testing.assert_allclose(c, a, rtol=1e-12, atol=1e-12)
        assert np.all(c[-1, :, IDX["extra_financing_need_pct_gdp"]] == 0.0)
        np.testing.assert_allclose(c[-1], a[-1], rtol=1e-13, atol=1e-13)


def _single(inputs: SimulationInputs, col: int, year: int, size: float) -> np.ndarray:
    sh = np.zeros((1, Y, 6))
    sh[0, year, col] = size
    return run_paths(prepare(inputs), sh)[0]


@settings(max_examples=30, deadline=None)
@given(year=st.integers(1, Y - 1), size=st.floats(-0.3, 0.5))
def test_depreciation_scales_pv_to_gdp_by_the_fx_factor(year: int, size: float) -> None:
    """Residual borrowed at home: PV ext / GDP moves with dollar GDP only, except LCU lines."""
    inp = make_inputs(external_share=0.0)
    base = _single(inp, 2, year, 0.0)
    out = _single(inp, 2, year, size)
    k = prepare(inp)
    factor = (1 + k.e_b[year] + size) / (1 + k.e_b[year])
    # PV of FX lines unchanged in USD; LCU lines shrink by the factor; GDP in USD shrinks too
    gdp_usd = inp.macro.gdp_lcu_m / inp.macro.fx_lcu_per_usd
    pv_fx = k.pv_efx
    pv_lcu_usd = k.pv_elcu / inp.macro.fx_eop_lcu_per_usd  # at the baseline rate
    expected = 100 * (pv_fx + pv_lcu_usd / factor) / (gdp_usd / factor)
    np.testing.assert_allclose(out[year:, IDX["pv_ext_debt_to_gdp_pct"]], expected[year:],
                               rtol=1e-12)
    np.testing.assert_array_equal(out[:year], base[:year])


@settings(max_examples=30, deadline=None)
@given(year=st.integers(1, Y - 1), size=st.floats(-0.5, 0.5))
def test_growth_shock_divides_external_pv_ratio(year: int, size: float) -> None:
    inp = make_inputs(external_share=0.0)
    base = _single(inp, 0, year, 0.0)
    out = _single(inp, 0, year, size)
    g = inp.macro.real_growth_dec[year]
    factor = (1 + g + size) / (1 + g)
    j = IDX["pv_ext_debt_to_gdp_pct"]
    np.testing.assert_allclose(out[year:, j], base[year:, j] / factor, rtol=1e-12)


@settings(max_examples=30, deadline=None)
@given(year=st.integers(1, Y - 1), size=st.floats(-0.03, 0.05))
def test_rate_shock_adds_floating_interest(year: int, size: float) -> None:
    """Extra external service in the shock year = s_r x floating balance of the year before."""
    inp = make_inputs(external_share=0.0)
    base = _single(inp, 5, year, 0.0)
    out = _single(inp, 5, year, size)
    ln = inp.lines
    prev = ln.balance_end_m[:, year - 1]
    fx = inp.macro.fx_lcu_per_usd[year]
    extra_usd = sum(
        size * prev[i] / (fx if ln.local_currency[i] else 1.0)
        for i in range(ln.n_lines) if ln.floating[i] and ln.external[i]
    )
    j = IDX["ext_debt_service_to_exports_pct"]
    assert out[year, j] - base[year, j] == pytest.approx(
        100 * extra_usd / inp.macro.exports_usd_m[year], rel=1e-9, abs=1e-12)
    np.testing.assert_array_equal(out[year + 1:, j], base[year + 1:, j])  # transitory


def test_primary_balance_shock_is_borrowed_on_residual_terms() -> None:
    """A 1%-of-GDP worse primary balance, all borrowed abroad: PV/GDP rises by PV/face of
    the residual unit loan (LIC-DSF §1.2 unit-loan method) that same year."""
    inp = make_inputs(external_share=1.0)
    year = 2
    base = _single(inp, 4, year, 0.0)
    out = _single(inp, 4, year, -0.01)
    res = inp.residual
    _, _, pv = res.unit_profile(Y)
    j = IDX["pv_ext_debt_to_gdp_pct"]
    assert out[year, j] - base[year, j] == pytest.approx(pv[0], rel=1e-9)
    assert out[year, IDX["extra_financing_need_pct_gdp"]] == pytest.approx(1.0, rel=1e-12)
    # grant element of the residual loan (2%, 5 grace, 25 years) is below 35%: PV > 0.65
    assert 0.65 < pv[0] < 1.0


def test_export_shock_moves_only_export_ratios() -> None:
    inp = make_inputs()
    year = 3
    base = _single(inp, 3, year, 0.0)
    out = _single(inp, 3, year, -0.2)
    k = prepare(inp)
    factor = (1 + k.x_b[year] - 0.2) / (1 + k.x_b[year])
    for name in ("pv_ext_debt_to_exports_pct", "ext_debt_service_to_exports_pct"):
        np.testing.assert_allclose(out[year:, IDX[name]], base[year:, IDX[name]] / factor,
                                   rtol=1e-12)
    for name in ("pv_ext_debt_to_gdp_pct", "pv_public_debt_to_gdp_pct"):
        np.testing.assert_array_equal(out[:, IDX[name]], base[:, IDX[name]])


def test_bad_inputs_are_rejected() -> None:
    good = make_inputs()
    with pytest.raises(InputError, match="consecutive"):
        MacroPath.build(
            years=[2024, 2026], real_growth_dec=[0, 0], deflator_growth_dec=[0, 0],
            gdp_lcu_m=[1, 1], fx_lcu_per_usd=[1, 1], fx_prev_lcu_per_usd=1.0,
            exports_usd_m=[1, 1], exports_prev_usd_m=1.0, revenue_ex_grants_lcu_m=[1, 1],
            primary_balance_lcu_m=[0, 0])
    with pytest.raises(InputError, match="gdp_lcu_m"):
        MacroPath.build(
            years=[2024, 2025], real_growth_dec=[0, 0], deflator_growth_dec=[0, 0],
            gdp_lcu_m=[1, -1], fx_lcu_per_usd=[1, 1], fx_prev_lcu_per_usd=1.0,
            exports_usd_m=[1, 1], exports_prev_usd_m=1.0, revenue_ex_grants_lcu_m=[1, 1],
            primary_balance_lcu_m=[0, 0])
    with pytest.raises(InputError, match="external_share"):
        ResidualFinancing(1.5, 0.02, 5, 25, 0.1)
    with pytest.raises(InputError, match="field 'external'"):
        DebtLines.build(principal_m=np.zeros((2, 3)), interest_m=np.zeros((2, 3)),
                        balance_end_m=np.zeros((2, 3)), external=[True], local_currency=[1, 0],
                        floating=[0, 0])
    with pytest.raises(InputError, match="shocks"):
        run_paths(prepare(good), np.zeros((2, Y - 1, 6)))


def test_auto_engine_picks_numpy_for_small_runs_and_numba_for_large_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from debttrap.stochastic import simulate as sim

    small = sim.AUTO_NUMBA_MIN_PATH_YEARS - 1
    monkeypatch.setattr(sim, "numba_installed", lambda: True)
    assert sim.resolve_engine("auto", small) == "numpy"
    assert sim.resolve_engine("auto", sim.AUTO_NUMBA_MIN_PATH_YEARS) == "numba"
    monkeypatch.setattr(sim, "numba_installed", lambda: False)
    assert sim.resolve_engine("auto", 10 * sim.AUTO_NUMBA_MIN_PATH_YEARS) == "numpy"
    assert sim.resolve_engine("numpy", 10**9) == "numpy"
    with pytest.raises(InputError, match="engine"):
        sim.resolve_engine("fortran", 1)  # type: ignore[arg-type]
