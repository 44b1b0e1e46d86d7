"""Streaming fan quantiles: exactly the in-memory quantiles of every path, in bounded memory."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from debttrap.stochastic.results import QUANTILE_LEVELS
from debttrap.stochastic.simulate import fan_quantiles, planned_memory_bytes, simulate
from debttrap.stochastic.streaming import StreamingQuantiles, exact_rows

from .conftest import THRESHOLDS_MEDIUM, make_inputs
from .test_simulate import _model

LEVELS = (*QUANTILE_LEVELS, 0.0, 1.0, 1.0 / 3.0)


def _stream(values: np.ndarray, pilot: int, block: int, cap: int | None) -> StreamingQuantiles:
    r = StreamingQuantiles(values[:, :pilot].copy(), values.shape[1], LEVELS)
    if cap is not None:
        r.cap[:] = cap  # narrow often
    for start in range(pilot, values.shape[1], block):
        r.add(values[:, start:start + block])
    return r


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(2, 3000),
    series=st.integers(1, 6),
    pilot_share=st.floats(0.02, 0.9),
    block=st.integers(1, 700),
    ties=st.booleans(),
    heavy=st.booleans(),
    narrow=st.sampled_from([None, 50, 400]),
    seed=st.integers(0, 2**32 - 1),
)
def test_streaming_quantiles_are_the_in_memory_ones_or_say_they_missed(
    n: int, series: int, pilot_share: float, block: int, ties: bool, heavy: bool,
    narrow: int | None, seed: int,
) -> None:
    """Where a series is not reported missed, its quantiles are bit for bit those of every
    value held in memory (``np.quantile``, linear, on the float32 values), whatever the pilot,
    the block sizes and how often the brackets narrow."""
    rng = np.random.default_rng(seed)
    x = rng.standard_t(2.0, (series, n)) if heavy else rng.standard_normal((series, n))
    x = x * 40.0
    if ties:
        x = np.maximum(np.round(x / 15.0) * 15.0, 0.0)  # many equal values, many zeros
    values = x.astype(np.float32)
    pilot = max(1, min(n - 1, int(pilot_share * n)))
    got, missed = _stream(values, pilot, block, narrow).result()
    want = np.quantile(values, LEVELS, axis=1)
    assert np.array_equal(want, exact_rows(values, LEVELS))
    ok = ~missed
    assert np.array_equal(got[:, ok], want[:, ok])
    assert missed.mean() < 0.5 or n < 50  # misses are the exception


def test_a_pilot_unlike_the_rest_is_reported_missed_not_wrong() -> None:
    rng = np.random.default_rng(0)
    values = np.concatenate([rng.normal(0, 1, (3, 500)), rng.normal(50, 1, (3, 5000))],
                            axis=1).astype(np.float32)
    _, missed = _stream(values, 500, 256, None).result()
    assert missed.all()
    rows = np.flatnonzero(missed)
    assert np.array_equal(exact_rows(values[rows], LEVELS), np.quantile(values, LEVELS, axis=1))


def test_a_series_with_nan_is_nan() -> None:
    values = np.random.default_rng(1).permutation(4000).astype(np.float32).reshape(2, 2000)
    values[1, 1500] = np.nan
    got, missed = _stream(values, 300, 128, None).result()
    assert not missed.any()
    assert np.isnan(got[:, 1]).all()
    assert np.array_equal(got[:, 0], np.quantile(values[0], LEVELS))


def test_narrowing_keeps_memory_near_the_square_root_of_the_paths() -> None:
    rng = np.random.default_rng(3)
    n = 400_000
    values = rng.standard_normal((2, n)).astype(np.float32)
    r = _stream(values, 20_000, 8192, None)
    kept = int(r.n_kept.sum())
    got, missed = r.result()
    assert not missed.any()
    assert np.array_equal(got, np.quantile(values, LEVELS, axis=1))
    # every level keeps a few thousand values per series, not a share of the 400,000
    assert kept < 2 * len(LEVELS) * 2 * 6.0 * np.sqrt(0.25 * n) * 2 * 2


def test_simulate_past_the_pilot_gives_the_quantiles_of_every_path() -> None:
    """Past ``fan_sample`` paths the fan quantiles stream: they equal the quantiles of every
    path kept in memory (float32, as the fan keeps them) bit for bit, on one or two workers
    and for an extra fan variant; means agree within 1e-12 (the sums run in another order);
    probabilities are the same numbers; the stated memory is smaller."""
    inp = make_inputs()
    kw = dict(n_paths=3000, seed=4, thresholds_pct=THRESHOLDS_MEDIUM, block_size=256,
              fan_variants=("no_offer",))
    full = simulate(inp, _model(), keep_paths=True, **kw)  # type: ignore[arg-type]
    inmem = simulate(inp, _model(), **kw)  # type: ignore[arg-type]
    streamed = simulate(inp, _model(), fan_sample=500, **kw)  # type: ignore[arg-type]
    two = simulate(inp, _model(), fan_sample=500, workers=2, **kw)  # type: ignore[arg-type]
    assert full.paths is not None and streamed.paths is None
    expected = fan_quantiles(full.paths.astype(np.float32), QUANTILE_LEVELS)
    assert np.array_equal(inmem.quantiles, expected)
    assert np.array_equal(streamed.quantiles, expected)
    assert np.array_equal(two.quantiles, expected)
    for name in ("no_offer",):
        assert np.array_equal(streamed.variant_fans[name][0], inmem.variant_fans[name][0])
    np.testing.assert_allclose(streamed.mean, full.mean, rtol=1e-12, atol=1e-12)
    assert np.array_equal(streamed.main.prob_breach_by_year, full.main.prob_breach_by_year)
    assert streamed.main.prob_distress == full.main.prob_distress


def test_planned_memory_is_bounded_past_the_pilot() -> None:
    """A million paths plan under 500 MB on two workers; ten times the paths add only the
    streaming brackets (square root of the paths), not the paths."""
    one = planned_memory_bytes(1_000_000, 21, 6, workers=2)
    ten = planned_memory_bytes(10_000_000, 21, 6, workers=2)
    assert one < 500e6
    assert ten < 2 * one
    assert ten < 0.1 * 4 * 10_000_000 * 21 * 9  # a tenth of the float32 paths
    assert planned_memory_bytes(100_000, 21, 6) < planned_memory_bytes(100_000, 21, 6,
                                                                       keep_paths=True)
