"""Exact quantiles of every path's values, fed block by block, in memory that does not grow
with the paths kept.

``simulate`` needs, for each series (year x indicator), a few order statistics of ``N``
values (the two around each fan level, interpolated as ``np.quantile`` does). Keeping
every value costs ``4 x N x series`` bytes (756 MB for a million paths); an exact answer
in one pass cannot do with less in the worst case (Munro and Paterson 1980), so this
keeps only the values that can still be a wanted order statistic, with an exact count of
the values below them:

1. a **pilot** (the first paths of the run, already kept) gives, per series and level, a
   bracket ``[lo, hi]`` around the level's sample quantile, ``Z_MARGIN`` standard
   errors of a sample quantile's rank wide on each side (binomial: ``sqrt(q(1-q)K)``);
2. each block (the pilot included) adds, per series and level, the number of its values
   below ``lo`` and the values inside the bracket (as sortable integer keys);
3. when the values kept for a level pass a cap (about twice what its bracket should hold
   at ``N`` paths), the brackets are narrowed around the current exact ranks with the
   same margin at the current count, and the values outside are dropped (those below
   added to the count below);
4. at the end, the wanted rank ``r`` of a series lies among its kept values when
   ``below <= r < below + kept``: the value is then exact (the ``r - below``-th kept value
   in order). Otherwise (a bracket missed: a ``6``-sigma event per series and level, or
   data that defeat the margin) the series is reported as missed and the caller recomputes
   it from all its values (:func:`exact_rows`).

The answers are the float32 order statistics that :func:`~debttrap.stochastic.simulate.
fan_quantiles` takes from all paths kept in memory, interpolated by the same formula, so
the results are identical (tested). A series holding NaN gives NaN, as NumPy.
Memory: the kept values are about ``2 x Z_MARGIN x sqrt(q(1-q) N)`` per series and level,
8 bytes each, bounded by the caps (``O(sqrt N)``: about 50 MB for a million paths and
189 series, 160 MB for ten million).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

__all__ = ["Z_MARGIN", "StreamingQuantiles", "interpolate", "quantile_ranks"]

FloatArray = NDArray[np.float64]
F32 = NDArray[np.float32]
U64 = NDArray[np.uint64]
IntArray = NDArray[np.int64]

#: bracket half-width, in standard errors of the rank of a sample quantile
Z_MARGIN = 6.0
_TOP = np.uint32(0x80000000)
_PILOT_SLICE = 4096


def quantile_ranks(n: int, levels: Sequence[float]) -> tuple[IntArray, IntArray, FloatArray]:
    """For ``n`` values: the ranks below and above each level and the weight of the upper
    one, as ``np.quantile(method="linear")`` computes them."""
    q = np.asarray(levels, dtype=np.float64)
    virtual = (n - 1) * q
    prev = np.floor(virtual)
    nxt = prev + 1.0
    top = virtual >= n - 1  # at or past the largest: both neighbours are the last value
    prev[top] = n - 1
    nxt[top] = n - 1
    bottom = virtual < 0
    prev[bottom] = 0.0
    nxt[bottom] = 0.0
    gamma = virtual - np.floor(virtual)
    gamma[top] = (virtual - (-1.0))[top]  # as NumPy: from the adjusted lower index (-1)
    gamma[bottom] = virtual[bottom]
    return prev.astype(np.int64), nxt.astype(np.int64), gamma


def interpolate(lo: NDArray[np.floating], hi: NDArray[np.floating],
                gamma: FloatArray) -> FloatArray:
    """NumPy's linear interpolation between order statistics ``lo`` and ``hi``
    ``(levels, series)``: ``lo + (hi - lo) * g``, or ``hi - (hi - lo) * (1 - g)`` when
    ``g >= 0.5``, with ``hi - lo`` in the data's precision."""
    g = gamma[:, None]
    diff = hi - lo
    out: FloatArray = np.add(lo, diff * g)
    np.subtract(hi, diff * (1.0 - g), out=out, where=g >= 0.5, casting="unsafe",
                dtype=np.float64)
    return out


def _keys(values: F32, rows: IntArray) -> U64:
    """Integer keys that sort as (row, value): the row in the high 32 bits, the float32's
    bits made order-preserving in the low 32 (negative: all bits flipped; else the sign
    bit set)."""
    bits = np.ascontiguousarray(values, dtype=np.float32).view(np.uint32)
    low = np.where(bits & _TOP, ~bits, bits | _TOP)
    out: U64 = (rows.astype(np.uint64) << np.uint64(32)) | low.astype(np.uint64)
    return out


def _row_keys(values: F32) -> U64:
    """:func:`_keys` of a ``(rows, n)`` array, flattened (no array of row numbers)."""
    bits = np.ascontiguousarray(values, dtype=np.float32).view(np.uint32)
    low = np.where(bits & _TOP, ~bits, bits | _TOP).astype(np.uint64)
    low |= (np.arange(values.shape[0], dtype=np.uint64) << np.uint64(32))[:, None]
    out: U64 = low.reshape(-1)
    return out


def _values(keys: U64) -> F32:
    low = (keys & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    bits = np.where(low & _TOP, low & ~_TOP, ~low)
    out: F32 = bits.astype(np.uint32).view(np.float32)
    return out


def _bound_keys(bounds: F32, n_series: int) -> U64:
    return _keys(bounds, np.arange(n_series, dtype=np.int64))


def _bracket(
    keys: U64, lo: F32, hi: F32, n_series: int
) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    """Where each series' bracket ``[lo, hi]`` falls among the sorted ``keys``: the first
    key at ``lo``, the first above it, the first at ``hi`` (not before the first above
    ``lo``) and the first above ``hi``."""
    k_lo = _bound_keys(lo, n_series)
    k_hi = _bound_keys(hi, n_series)
    lo_l = np.searchsorted(keys, k_lo, "left")
    lo_r = np.searchsorted(keys, k_lo, "right")
    hi_l = np.maximum(np.searchsorted(keys, k_hi, "left"), lo_r)
    hi_r = np.searchsorted(keys, k_hi, "right")
    return lo_l, lo_r, hi_l, hi_r


class StreamingQuantiles:
    """Exact order statistics of ``n_total`` values per series, added block by block as
    ``(series, paths)`` float32 arrays (see the module docstring). Not thread-safe: the
    caller adds blocks one at a time. Lives for one run."""

    def __init__(self, pilot: F32, n_total: int, levels: Sequence[float]) -> None:
        """``pilot``: ``(series, K)`` values of the first ``K`` paths (``K < n_total``),
        sorted in place here (so the caller must not need their order) and added as the
        first blocks."""
        n_series, k = pilot.shape
        self.n_series = n_series
        self.n_total = n_total
        self.q = np.asarray(levels, dtype=np.float64)
        self.prev, self.nxt, self.gamma = quantile_ranks(n_total, levels)
        pilot.sort(axis=1)  # in place: the caller's pilot is spent here (no second copy)
        srt = pilot
        self.lo = np.empty((self.q.size, n_series), dtype=np.float32)
        self.hi = np.empty((self.q.size, n_series), dtype=np.float32)
        for j, q in enumerate(self.q):
            m = Z_MARGIN * np.sqrt(q * (1.0 - q) * k) + 2.0
            lo_i = int(np.floor(q * (k - 1) - m))
            hi_i = int(np.ceil(q * (k - 1) + 1.0 + m))
            self.lo[j] = -np.inf if lo_i <= 0 else srt[:, lo_i]
            self.hi[j] = np.inf if hi_i >= k - 1 else srt[:, hi_i]
        # per level and series: values below lo, equal to lo, equal to hi (not kept), and
        # the kept values strictly between (as sortable keys)
        self.below = np.zeros((self.q.size, n_series), dtype=np.int64)
        self.eq_lo = np.zeros((self.q.size, n_series), dtype=np.int64)
        self.eq_hi = np.zeros((self.q.size, n_series), dtype=np.int64)
        self.kept: list[list[U64]] = [[] for _ in self.q]
        self.n_kept = np.zeros(self.q.size, dtype=np.int64)
        self.nan = np.zeros(n_series, dtype=np.int64)
        self.seen = 0
        expected = [2.0 * (Z_MARGIN * np.sqrt(q * (1.0 - q) * n_total) + 4.0) for q in self.q]
        self.cap = np.array([max(2.0 * e * n_series, 1 << 16) for e in expected])
        for start in range(0, k, _PILOT_SLICE):  # a slice at a time: temporaries stay small
            self.add(pilot[:, start:start + _PILOT_SLICE], narrow=False)

    def add(self, values: F32, *, narrow: bool = True) -> None:
        """Add one block ``(series, paths)`` (float32); ``narrow=False`` while the pilot's
        own (sorted, so not random) slices go in."""
        s, b = values.shape
        srt = np.sort(values, axis=1)
        srt += np.float32(0.0)  # -0.0 -> 0.0: one key per value that compares equal
        nan_rows = np.isnan(srt[:, -1])
        if nan_rows.any():  # NaN last in each row, then counted apart
            srt[np.isnan(srt)] = np.nan
        keys = _row_keys(srt)  # sorted: rows in order, values sorted within each
        row0 = np.arange(s, dtype=np.int64) * b
        top = np.searchsorted(keys, _bound_keys(np.full(s, np.inf, np.float32), s), "right")
        self.nan += row0 + b - top
        for j in range(self.q.size):
            lo_l, lo_r, hi_l, hi_r = _bracket(keys, self.lo[j], self.hi[j], s)
            self.below[j] += lo_l - row0
            self.eq_lo[j] += lo_r - lo_l
            self.eq_hi[j] += np.where(self.hi[j] > self.lo[j], hi_r - hi_l, 0)
            self._keep(j, keys, lo_r, hi_l - lo_r)
        self.seen += b
        if not narrow:
            return
        for j in range(self.q.size):
            if self.n_kept[j] > self.cap[j]:
                self._narrow(j)
                if self.n_kept[j] > self.cap[j] / 2:  # could not narrow much: fewer tries
                    self.cap[j] *= 2

    def _keep(self, j: int, keys: U64, first: IntArray, counts: IntArray) -> None:
        """Keep ``keys[first[i] : first[i] + counts[i]]`` for every series ``i``."""
        total = int(counts.sum())
        if total:
            idx = np.repeat(first - np.cumsum(counts) + counts, counts) + np.arange(total)
            self.kept[j].append(keys[idx])
            self.n_kept[j] += total

    def _sorted(self, j: int) -> tuple[U64, IntArray]:
        keys = np.sort(np.concatenate(self.kept[j])) if self.kept[j] else np.zeros(
            0, np.uint64)
        self.kept[j] = [keys]
        starts = np.searchsorted(keys, np.arange(self.n_series + 1, dtype=np.uint64)
                                 << np.uint64(32))
        return keys, starts

    def _narrow(self, j: int) -> None:
        """Narrow level ``j``'s brackets around the ranks the values seen so far give."""
        keys, starts = self._sorted(j)
        cnt = np.diff(starts)
        q = self.q[j]
        pos = q * (self.seen - 1) - self.below[j] - self.eq_lo[j]  # target among the kept
        m = Z_MARGIN * np.sqrt(q * (1.0 - q) * self.seen) + 2.0
        lo_i = np.floor(pos - m).astype(np.int64)
        hi_i = np.ceil(pos + 1.0 + m).astype(np.int64)
        vals = _values(keys)
        s_lo = np.flatnonzero((lo_i >= 1) & (lo_i < cnt))
        s_hi = np.flatnonzero((hi_i >= 0) & (hi_i < cnt - 1))
        old_lo = self.lo[j].copy()
        self.lo[j, s_lo] = vals[starts[s_lo] + lo_i[s_lo]]
        self.hi[j, s_hi] = vals[starts[s_hi] + hi_i[s_hi]]
        lo_l, lo_r, hi_l, hi_r = _bracket(keys, self.lo[j], self.hi[j], self.n_series)
        moved_lo = self.lo[j] != old_lo
        # a moved lower bound: the old ties and the kept values below it are below now
        self.below[j] += np.where(moved_lo, self.eq_lo[j] + lo_l - starts[:-1], 0)
        self.eq_lo[j] = np.where(moved_lo, lo_r - lo_l, self.eq_lo[j])
        first = np.where(moved_lo, lo_r, starts[:-1])
        moved_hi = np.zeros(self.n_series, dtype=np.bool_)
        moved_hi[s_hi] = True
        self.eq_hi[j] = np.where(moved_hi, np.where(self.hi[j] > self.lo[j], hi_r - hi_l, 0),
                                 self.eq_hi[j])
        last = np.where(moved_hi, hi_l, starts[1:])
        self.kept[j] = []
        self.n_kept[j] = 0
        self._keep(j, keys, first, np.maximum(last - first, 0))

    def result(self) -> tuple[FloatArray, NDArray[np.bool_]]:
        """``(levels, series)`` quantiles, and the series whose wanted ranks fell outside
        their brackets (their quantiles are not valid: recompute them with
        :func:`exact_rows`). A series with NaN gives NaN."""
        if self.seen != self.n_total:
            raise ValueError(f"added {self.seen} values per series, expected {self.n_total}")
        s = self.n_series
        lo_v = np.zeros((self.q.size, s), dtype=np.float32)
        hi_v = np.zeros((self.q.size, s), dtype=np.float32)
        missed = np.zeros(s, dtype=np.bool_)
        for j in range(self.q.size):
            keys, starts = self._sorted(j)
            cnt = np.diff(starts)
            vals = _values(keys)
            a = self.below[j]
            b = a + self.eq_lo[j]
            c = b + cnt
            d = c + self.eq_hi[j]
            for r, dest in ((self.prev[j], lo_v), (self.nxt[j], hi_v)):
                inside = (r >= b) & (r < c)
                at = np.where(inside, starts[:-1] + r - b, 0)
                got = vals[at] if vals.size else np.zeros(s, np.float32)
                dest[j] = np.where(r < b, self.lo[j], np.where(inside, got, self.hi[j]))
                missed |= (r < a) | (r >= d)
        with np.errstate(invalid="ignore"):  # missed or NaN series: replaced below / later
            out = interpolate(lo_v, hi_v, self.gamma)
        has_nan = self.nan > 0
        out[:, has_nan] = np.nan
        return out, missed & ~has_nan


def exact_rows(values: F32, levels: Sequence[float]) -> FloatArray:
    """Quantiles ``(levels, rows)`` of all ``values (rows, N)``, the in-memory way."""
    n = values.shape[1]
    prev, nxt, gamma = quantile_ranks(n, levels)
    srt = np.sort(values, axis=1)
    out = interpolate(srt[:, prev].T, srt[:, nxt].T, gamma)
    nan_rows = np.isnan(srt[:, -1])
    out[:, nan_rows] = np.nan
    return out
