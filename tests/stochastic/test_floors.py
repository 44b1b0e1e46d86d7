"""Floating rates under shocks stop at their floor; PV stays at the baseline's expected rates."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from debttrap.errors import InputError
from debttrap.io.country_file import load_dsa_inputs
from debttrap.stochastic import _numba
from debttrap.stochastic._reference import run_paths_naive
from debttrap.stochastic.from_country import inputs_for_offers
from debttrap.stochastic.kernel import OUTPUTS, DebtLines, SimulationInputs, prepare, run_paths
from debttrap.terms.loan import Creditor, FloatingRate, Loan
from debttrap.terms.offer import Offer

from .conftest import Y, make_inputs

IDX = {name: j for j, name in enumerate(OUTPUTS)}
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "lic-dsf-illustrative.toml"


def _with_headroom(inp: SimulationInputs, head: np.ndarray, floating: np.ndarray | None = None
                   ) -> SimulationInputs:
    ln = inp.lines
    lines = DebtLines.build(
        principal_m=ln.principal_m, interest_m=ln.interest_m, balance_end_m=ln.balance_end_m,
        pv_end_m=ln.pv_end_m, balance_open_m=ln.balance_open_m, external=ln.external,
        local_currency=ln.local_currency,
        floating=ln.floating if floating is None else floating, group=ln.group,
        rate_headroom_dec=head,
    )
    return SimulationInputs(inp.macro, lines, inp.residual)


def _shock(inp: SimulationInputs, col: int, year: int, size: float) -> np.ndarray:
    sh = np.zeros((1, Y, 6))
    sh[0, year, col] = size
    return run_paths(prepare(inp), sh)[0]


@settings(max_examples=40, deadline=None)
@given(year=st.integers(1, Y - 1), size=st.floats(-0.2, 0.05),
       head=st.floats(0.0, 0.08))
def test_rate_shock_stops_at_the_floor(year: int, size: float, head: float) -> None:
    """Extra external service = max(s_r, -headroom) x floating balance of the year before."""
    base_inp = make_inputs(external_share=0.0)
    m = base_inp.lines.n_lines
    heads = np.full((m, Y), np.inf)
    heads[base_inp.lines.floating] = head
    inp = _with_headroom(base_inp, heads)
    base = _shock(inp, 5, year, 0.0)
    out = _shock(inp, 5, year, size)
    ln = inp.lines
    prev = ln.balance_end_m[:, year - 1]
    fx = inp.macro.fx_lcu_per_usd[year]
    extra_usd = sum(
        max(size, -head) * prev[i] / (fx if ln.local_currency[i] else 1.0)
        for i in range(m) if ln.floating[i] and ln.external[i]
    )
    j = IDX["ext_debt_service_to_exports_pct"]
    assert out[year, j] - base[year, j] == pytest.approx(
        100 * extra_usd / inp.macro.exports_usd_m[year], rel=1e-9, abs=1e-12)
    # a floating rate never pays less than zero: the fall is at most the headroom
    if size < -head:
        assert out[year, j] == pytest.approx(_shock(inp, 5, year, -head)[year, j], rel=1e-12)


def test_rate_shock_leaves_pv_at_the_baseline_expected_rates() -> None:
    """PV of contractual lines is the expected PV (serially independent, mean-zero rate
    shocks): with the residual borrowed at home, external PV/GDP does not move."""
    inp = make_inputs(external_share=0.0)
    for year in (1, 5, 12):
        out = _shock(inp, 5, year, 0.04)
        base = _shock(inp, 5, year, 0.0)
        for name in ("pv_ext_debt_to_gdp_pct", "pv_ext_debt_to_exports_pct"):
            np.testing.assert_array_equal(out[:, IDX[name]], base[:, IDX[name]])
        assert out[year, IDX["ext_debt_service_to_exports_pct"]] > base[
            year, IDX["ext_debt_service_to_exports_pct"]]


def test_domestic_residual_rate_is_floored_at_zero() -> None:
    """A primary-balance shock borrowed at home in year 2, then a rate shock far below minus
    the domestic rate in year 3: the residual pays no interest (not a negative one)."""
    inp = make_inputs(external_share=0.0)
    none_floating = np.zeros(inp.lines.n_lines, dtype=bool)
    inp = _with_headroom(inp, np.full((inp.lines.n_lines, Y), np.inf), floating=none_floating)
    gdp3 = inp.macro.gdp_lcu_m[3]
    dom = 0.10  # make_inputs' domestic rate
    j = IDX["extra_financing_need_pct_gdp"]
    sh = np.zeros((3, Y, 6))
    sh[:, 2, 4] = -0.01  # 1% of GDP worse primary balance in year 2
    sh[1, 3, 5] = -0.05  # a rate shock above the floor
    sh[2, 3, 5] = -0.50  # far below the floor
    out = run_paths(prepare(inp), sh)
    rdom = 0.01 * inp.macro.gdp_lcu_m[2]
    assert out[0, 3, j] == pytest.approx(100 * dom * rdom / gdp3, rel=1e-9)
    assert out[1, 3, j] == pytest.approx(100 * (dom - 0.05) * rdom / gdp3, rel=1e-9)
    assert out[2, 3, j] == pytest.approx(0.0, abs=1e-12)


def test_kernels_agree_with_floors() -> None:
    inp = make_inputs()
    rng = np.random.default_rng(5)
    heads = np.where(rng.random((inp.lines.n_lines, Y)) < 0.5, rng.uniform(0, 0.04, (1, Y)),
                     np.inf)
    inp = _with_headroom(inp, heads)
    shocks = rng.standard_normal((40, Y, 6)) * np.array([0.03, 0.05, 0.15, 0.2, 0.03, 0.05])
    k = prepare(inp)
    a = run_paths(k, shocks)
    np.testing.assert_allclose(a, run_paths_naive(inp, shocks), rtol=1e-10, atol=1e-10)
    if _numba.AVAILABLE:
        # within 1e-12 (percent, absolute, plus 1e-12 relative): see test_kernel.py
        np.testing.assert_allclose(a, _numba.run_paths_numba(k, shocks), rtol=1e-12, atol=1e-12)
    # the floors bind on some draws: without them the results differ
    free = run_paths(prepare(_with_headroom(inp, np.full_like(heads, np.inf))), shocks)
    assert not np.allclose(a, free)


def test_headroom_must_be_non_negative() -> None:
    inp = make_inputs()
    with pytest.raises(InputError, match="rate_headroom_dec"):
        _with_headroom(inp, np.full((inp.lines.n_lines, Y), -0.01))


def test_country_lines_carry_their_floors() -> None:
    """A LIBOR + 4% loan (index 0.7% flat; Hambantota's terms) can fall 4.7 points; the
    domestic debt down to a zero nominal rate; fixed lines have no floor to reach."""
    country, settings_ = load_dsa_inputs(EXAMPLE)
    lender = Creditor(name="bank", type="commercial_bank")
    loan = Loan(name="float", creditor=lender, amount_m=200.0, signing_year=2024,
                interest=FloatingRate(index="LIBOR6M", margin_pct=4.0, default_index_pct=0.7,
                                      index_path_pct={2030: -6.0}),
                grace_years=3, maturity_years=12)
    ci = inputs_for_offers(country, (Offer(name="F", lender=lender, loans=(loan,)),), settings_)
    ln = ci.inputs.lines
    k = ln.names.index("new loan: float")
    assert ln.floating[k]
    years = ci.inputs.macro.years
    expected = np.where(years == 2030, 0.0, 0.047)  # the all-in rate is floored at zero
    np.testing.assert_allclose(ln.rate_headroom_dec[k], expected, rtol=1e-12)
    d = ln.names.index("domestic debt")
    dom = np.asarray(ci.inputs.residual.domestic_rate_dec)
    np.testing.assert_allclose(ln.rate_headroom_dec[d], np.maximum(dom, 0.0), rtol=1e-12)
    assert np.all(np.isinf(ln.rate_headroom_dec[~ln.floating]))
