"""The streaming reductions of simulate against plain oracles.

Fan quantiles must be NumPy's ``np.quantile(..., method="linear")`` to the bit;
breach and distress tallies must be the definitions in
:mod:`debttrap.stochastic.results` counted path by path with plain loops; a
shock draw scaled by ``s`` must be ``s`` times the unscaled draw.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from debttrap.stochastic.kernel import N_OUT, THRESHOLD_OUTPUTS
from debttrap.stochastic.results import QUANTILE_LEVELS, DistressRule
from debttrap.stochastic.shocks import ShockDistribution, ShockModel, calibrate
from debttrap.stochastic.simulate import _count, fan_quantiles

from .test_shocks import synthetic_history

LEVELS = (*QUANTILE_LEVELS, 0.0, 1.0, 1.0 / 3.0)


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 60),
    width=st.integers(1, 7),
    dtype=st.sampled_from([np.float32, np.float64]),
    workers=st.integers(1, 3),
    ties=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_fan_quantiles_are_numpy_quantiles_bit_for_bit(
    n: int, width: int, dtype: type, workers: int, ties: bool, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    x: np.ndarray = (rng.standard_normal((n, width, 3)) * 50.0).astype(dtype)
    if ties:
        x = np.round(x / 20.0) * 20.0  # many equal values
    got = fan_quantiles(x, LEVELS, workers=workers)
    want = np.quantile(x, LEVELS, axis=0)
    assert got.dtype == want.dtype and got.shape == want.shape
    assert np.array_equal(got, want)


def test_fan_quantiles_of_a_series_with_nan_are_nan_as_numpy() -> None:
    x = np.arange(40.0).reshape(10, 2, 2)
    x[3, 1, 0] = np.nan
    got = fan_quantiles(x, QUANTILE_LEVELS)
    want = np.quantile(x, QUANTILE_LEVELS, axis=0)
    assert np.array_equal(got, want, equal_nan=True)
    assert np.isnan(got[:, 1, 0]).all() and not np.isnan(got[:, 0, 0]).any()


def _count_by_loops(out: np.ndarray, thr: np.ndarray, n_window: int,
                    rule: DistressRule) -> dict[str, object]:
    """The definitions of results.py, one path and one year at a time."""
    n, n_years, _ = out.shape
    svc = [THRESHOLD_OUTPUTS.index(s) for s in rule.service_indicators]
    by_year = np.zeros((n_years, 5), dtype=np.int64)
    any_b = np.zeros(5, dtype=np.int64)
    flag = np.zeros(5, dtype=np.int64)
    ext_flag = distress = 0
    distress_by_year = np.zeros(n_years, dtype=np.int64)
    for p in range(n):
        above = out[p, :, :5] > thr
        by_year += above
        in_window = above[:n_window].sum(axis=0)
        any_b += in_window >= 1
        flag += in_window >= 2
        ext_flag += bool((in_window[:4] >= 2).any())
        run = 0
        state = []
        for y in range(n_years):
            run = run + 1 if any(above[y, j] for j in svc) else 0
            cap = rule.max_extra_financing_pct_gdp
            state.append(run >= rule.consecutive_years
                         or (cap is not None and out[p, y, 8] > cap))
        distress += any(state[:n_window])
        distress_by_year += np.array(state, dtype=np.int64)
    return {"breach_by_year": by_year, "breach_any": any_b, "breach_flag": flag,
            "external_flag": ext_flag, "distress": distress,
            "distress_by_year": distress_by_year}


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 40),
    n_years=st.integers(1, 8),
    window=st.integers(1, 8),
    k=st.integers(1, 5),
    cap=st.sampled_from([None, 0.0, 1.0]),
    one_indicator=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_counts_follow_the_definitions(n: int, n_years: int, window: int, k: int,
                                       cap: float | None, one_indicator: bool,
                                       seed: int) -> None:
    rng = np.random.default_rng(seed)
    out = rng.normal(0.0, 1.0, (n, n_years, N_OUT))
    thr = rng.normal(0.0, 0.5, 5)
    svc = (THRESHOLD_OUTPUTS[3],) if one_indicator else (THRESHOLD_OUTPUTS[2],
                                                         THRESHOLD_OUTPUTS[3])
    rule = DistressRule(consecutive_years=k, service_indicators=svc,
                        max_extra_financing_pct_gdp=cap)
    n_window = min(window, n_years)
    got = _count(out, thr, n_window, rule)
    want = _count_by_loops(out, thr, n_window, rule)
    for name, value in want.items():
        assert np.array_equal(getattr(got, name), np.asarray(value)), name


def test_counts_read_the_kernel_layout_and_a_path_major_copy_alike() -> None:
    """The NumPy kernel hands back a view of a years x outputs x paths buffer."""
    rng = np.random.default_rng(3)
    buf = rng.normal(0.0, 1.0, (9, N_OUT, 50))
    view = buf.transpose(2, 0, 1)
    thr = np.zeros(5)
    a = _count(view, thr, 6, DistressRule(max_extra_financing_pct_gdp=0.5))
    b = _count(np.ascontiguousarray(view), thr, 6, DistressRule(max_extra_financing_pct_gdp=0.5))
    for name in ("breach_by_year", "breach_any", "breach_flag", "distress_by_year"):
        assert np.array_equal(getattr(a, name), getattr(b, name))
    assert (a.external_flag, a.distress) == (b.external_flag, b.distress)


@pytest.mark.parametrize("method", list(ShockDistribution))
def test_a_scaled_draw_is_the_scale_times_the_unscaled_draw(method: ShockDistribution) -> None:
    cal = calibrate(synthetic_history(), (1995, 2020))
    one = ShockModel(cal, method=method).draw(np.random.default_rng(5), 300, 12)
    half = ShockModel(cal, method=method, scale=0.5).draw(np.random.default_rng(5), 300, 12)
    assert one.shape == (300, 12, 6) and one.flags.c_contiguous
    assert np.array_equal(half, one * 0.5)  # the same draws, multiplied once
    assert not one[:, 0, :].any() and one[:, 1:, :].any()  # the first year is unshocked
