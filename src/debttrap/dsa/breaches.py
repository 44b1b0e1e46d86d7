"""Breaches, the most extreme shock and the moderate-risk space (the primitives of the rating).

Rules in :mod:`debttrap.dsa.rating` and ``docs/dsa-rating.md``. The functions
broadcast over any leading shape (paths of a stochastic run); loops run over
candidates, never over paths.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from debttrap.conventions import MIN_BREACH_YEARS
from debttrap.dsa.indicators import (
    EXTERNAL_INDICATORS,
    MOST_EXTREME_ORDER,
    STOCK_INDICATORS,
    Indicator,
    StressTest,
    parse_stress_test,
)
from debttrap.dsa.thresholds import DEFAULT_SPACE_BANDS, ModerateSpaceBands
from debttrap.errors import InputError

__all__ = [
    "RATING_WINDOW_YEARS",
    "ModerateSpace",
    "MostExtremeShock",
    "breach_count",
    "breach_flag",
    "moderate_space",
    "most_extreme_shock",
    "ranking_value",
    "rating_window",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

#: Years in the rating window: ``t`` and the ten after.
RATING_WINDOW_YEARS = 11


class ModerateSpace(StrEnum):
    """Space to absorb shocks, graded for an external moderate rating."""

    LIMITED = "limited"
    SOME = "some"
    SUBSTANTIAL = "substantial"

    @property
    def code(self) -> int:
        """1 limited, 2 some, 3 substantial (0 is used for 'not applicable')."""
        return {ModerateSpace.LIMITED: 1, ModerateSpace.SOME: 2, ModerateSpace.SUBSTANTIAL: 3}[self]


_SPACE_FROM_CODE = {1: ModerateSpace.LIMITED, 2: ModerateSpace.SOME, 3: ModerateSpace.SUBSTANTIAL}


# --------------------------------------------------------------------------- window and flags


def _years(years: ArrayLike) -> IntArray:
    yrs = np.asarray(years)
    if yrs.ndim != 1 or yrs.size == 0 or not np.issubdtype(yrs.dtype, np.integer):
        raise InputError("years must be a non-empty 1-D sequence of integers", field="years")
    if np.any(np.diff(yrs) != 1):
        raise InputError("years must be consecutive and increasing", field="years")
    return yrs.astype(np.int64)


def rating_window(years: ArrayLike, first_projection_year: int) -> slice:
    """Positions of ``t … t+10`` in ``years``; :class:`InputError` if not all there."""
    return _window(_years(years), first_projection_year)


def _window(yrs: IntArray, first_projection_year: int) -> slice:
    """:func:`rating_window` on years :func:`_years` has already checked."""
    t = int(first_projection_year)
    last = t + RATING_WINDOW_YEARS - 1
    if t < yrs[0] or last > yrs[-1]:
        raise InputError(
            f"paths must cover {t}-{last} (t to t+10); they cover {yrs[0]}-{yrs[-1]}",
            field="years",
        )
    i0 = int(t - yrs[0])
    return slice(i0, i0 + RATING_WINDOW_YEARS)


def breach_count(values: ArrayLike, threshold: ArrayLike) -> IntArray:
    """Years strictly above ``threshold`` along the last axis (pass the window)."""
    v = np.asarray(values, dtype=np.float64)
    thr = np.asarray(threshold, dtype=np.float64)
    return np.asarray((v > thr[..., None]).sum(axis=-1), dtype=np.int64)


def breach_flag(
    values: ArrayLike, threshold: ArrayLike, *, min_years: int = MIN_BREACH_YEARS
) -> BoolArray:
    """True where a path is above ``threshold`` in at least ``min_years`` years of the last axis."""
    return np.asarray(breach_count(values, threshold) >= min_years, dtype=np.bool_)


def ranking_value(window: ArrayLike, threshold: ArrayLike) -> FloatArray:
    """The value that ranks a stress path for the most extreme shock (template rule).

    ``window`` holds ``t … t+10`` along the last axis. The rank is the peak over
    ``t+1 … t+10``, or the second-largest value there when the path breaches in
    exactly one of those years and not in ``t``.
    """
    w = np.asarray(window, dtype=np.float64)
    thr = np.asarray(threshold, dtype=np.float64)[..., None]
    after = w[..., 1:]
    if after.shape[-1] < 2:
        raise InputError("the window needs t and at least two later years", field="years")
    single = ((after > thr).sum(axis=-1) == 1) & ~(w[..., 0] > thr[..., 0])
    top2 = np.sort(after, axis=-1)[..., -2:]
    return np.asarray(np.where(single, top2[..., 0], top2[..., 1]), dtype=np.float64)


# --------------------------------------------------------------------------- most extreme


@dataclass(frozen=True, slots=True)
class MostExtremeShock:
    """The most extreme shock of one indicator, for every leading element (path).

    ``candidates`` are the tests considered, in tie-breaking order;
    ``ranking_values`` has shape ``(len(candidates), *shape)``; ``index`` picks
    the winner; ``path`` is the winner's path over all the given years.
    """

    candidates: tuple[StressTest, ...]
    ranking_values: FloatArray
    index: IntArray
    path: FloatArray

    @property
    def name(self) -> Any:
        """The winning test: a :class:`StressTest` for one path, else an array of codes."""
        codes = np.array([c.value for c in self.candidates])[self.index]
        if self.index.ndim == 0:
            return StressTest(str(codes))
        return codes.astype(np.str_)


def _as_path(name: str, values: ArrayLike, n_years: int) -> FloatArray:
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim == 0 or arr.shape[-1] != n_years:
        got = arr.shape[-1] if arr.ndim else 0
        raise InputError(f"path has {got} years, expected {n_years}", field=name)
    return arr


def _check_window(name: str, window: FloatArray) -> None:
    if not np.all(np.isfinite(window)):
        raise InputError("path has NaN or infinite values in the rating window", field=name)


def most_extreme_shock(
    candidates: Mapping[str, ArrayLike] | Mapping[StressTest, ArrayLike],
    threshold: float,
    years: ArrayLike,
    first_projection_year: int,
    *,
    field: str = "stress",
) -> MostExtremeShock | None:
    """Pick the most extreme shock for one indicator among the stress paths given.

    ``candidates`` maps stress-test codes to paths ``(..., len(years))``; A1 is
    ignored (it never counts), the rest are ranked in the order B1 … C4, A2
    whatever the mapping's order. Returns ``None`` when no candidate remains.
    """
    yrs = _years(years)
    return _most_extreme(candidates, threshold, yrs, _window(yrs, first_projection_year), field)


def _most_extreme(
    candidates: Mapping[str, ArrayLike] | Mapping[StressTest, ArrayLike],
    threshold: float,
    yrs: IntArray,
    win: slice,
    field: str,
) -> MostExtremeShock | None:
    """:func:`most_extreme_shock` on years and a window already checked (the rating's)."""
    parsed: dict[StressTest, FloatArray] = {}
    for key, values in candidates.items():
        test = parse_stress_test(key, field=f"{field}.{key}")
        if test in parsed:
            raise InputError("stress test given twice", field=f"{field}.{test}")
        parsed[test] = _as_path(f"{field}.{test}", values, yrs.size)
    order = tuple(t for t in MOST_EXTREME_ORDER if t in parsed)
    if not order:
        return None
    arrays = [parsed[t] for t in order]
    try:
        if len({a.shape for a in arrays}) == 1:
            stacked = np.array(arrays)
        else:
            stacked = np.stack(np.broadcast_arrays(*arrays))
    except ValueError:
        raise InputError("stress paths have shapes that do not broadcast", field=field) from None
    in_window = stacked[..., win]
    if not np.isfinite(in_window).all():  # one check for all; find the culprit only if needed
        for k, t in enumerate(order):
            _check_window(f"{field}.{t}", stacked[k][..., win])
    ranks = ranking_value(in_window, threshold)
    idx = np.asarray(np.argmax(ranks, axis=0), dtype=np.int64)  # first maximum wins ties
    if idx.ndim == 0:  # one path (a deterministic DSA): its winner's row
        path = stacked[int(idx)].copy()
    else:
        path = np.take_along_axis(stacked, idx[None, ..., None], axis=0)[0]
    ranks.setflags(write=False)
    idx.setflags(write=False)
    path.setflags(write=False)
    return MostExtremeShock(candidates=order, ranking_values=ranks, index=idx, path=path)


# --------------------------------------------------------------------------- vectorized ratings


def _headroom(baseline_window: FloatArray, threshold: float) -> FloatArray:
    return np.asarray((threshold - baseline_window.max(axis=-1)) / threshold, dtype=np.float64)


def moderate_space(
    headroom: Mapping[Indicator, ArrayLike], bands: ModerateSpaceBands = DEFAULT_SPACE_BANDS
) -> IntArray:
    """Space codes from external headroom shares: 1 limited, 2 some, 3 substantial.

    ``headroom`` maps each external indicator to ``(T − B)/T`` (any shape).
    """
    limited: BoolArray | None = None
    substantial: BoolArray | None = None
    for ind in EXTERNAL_INDICATORS:
        if ind not in headroom:
            raise InputError("headroom missing for an external indicator", field=f"headroom.{ind}")
        h = np.asarray(headroom[ind], dtype=np.float64)
        stock = ind in STOCK_INDICATORS
        lo = bands.stock_limited if stock else bands.service_limited
        hi = bands.stock_substantial if stock else bands.service_substantial
        limited = (h < lo) if limited is None else (limited | (h < lo))
        substantial = (h >= hi) if substantial is None else (substantial & (h >= hi))
    assert limited is not None and substantial is not None
    return np.asarray(np.where(limited, 1, np.where(substantial, 3, 2)), dtype=np.int64)


