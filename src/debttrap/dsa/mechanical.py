"""The mechanical ratings of any leading shape of paths (Monte Carlo, a grid of scenarios).

The same rules as :func:`debttrap.dsa.rating.rate_risk` (signals from baseline and
most-extreme-shock breaches, moderate space), as arrays: no judgment, no record of each
test. :mod:`debttrap.dsa.rating` re-exports these names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np
from numpy.typing import ArrayLike, NDArray

from debttrap.dsa.breaches import (
    MostExtremeShock,
    _as_path,
    _check_window,
    _headroom,
    _most_extreme,
    _window,
    _years,
    breach_flag,
    moderate_space,
)
from debttrap.dsa.indicators import (
    EXTERNAL_INDICATORS,
    INDICATORS,
    PUBLIC_INDICATORS,
    Indicator,
    parse_indicator,
)
from debttrap.dsa.thresholds import DEFAULT_SPACE_BANDS, ModerateSpaceBands, validate_thresholds
from debttrap.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "BaselinePaths",
    "MechanicalRatings",
    "StressPaths",
    "ThresholdsPct",
    "mechanical_ratings",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

# What the rating functions take, keyed by indicator (name or enum):
BaselinePaths: TypeAlias = Mapping[str, ArrayLike] | Mapping[Indicator, ArrayLike]
StressPaths: TypeAlias = (
    Mapping[str, Mapping[str, ArrayLike]] | Mapping[Indicator, Mapping[str, ArrayLike]]
)
ThresholdsPct: TypeAlias = Mapping[str, float] | Mapping[Indicator, float]


@dataclass(frozen=True, slots=True)
class MechanicalRatings:
    """Mechanical signals for every leading element (path); codes 1 low, 2 moderate, 3 high.

    ``space`` is 1 limited / 2 some / 3 substantial where the external signal is
    moderate, 0 elsewhere.
    """

    external: IntArray
    fiscal: IntArray
    overall: IntArray
    external_baseline_breach: BoolArray
    external_shock_breach: BoolArray
    fiscal_baseline_breach: BoolArray
    fiscal_shock_breach: BoolArray
    space: IntArray

    def to_frame(self) -> pd.DataFrame:
        """One row per path (C order) with the codes, flags and rating names."""
        import pandas as pd
        names = np.array(["", "low", "moderate", "high"])
        spaces = np.array(["", "limited", "some", "substantial"])
        cols: dict[str, Any] = {
            "external": names[self.external.ravel()],
            "fiscal": names[self.fiscal.ravel()],
            "overall": names[self.overall.ravel()],
            "moderate_space": spaces[self.space.ravel()],
            "external_baseline_breach": self.external_baseline_breach.ravel(),
            "external_shock_breach": self.external_shock_breach.ravel(),
            "fiscal_baseline_breach": self.fiscal_baseline_breach.ravel(),
            "fiscal_shock_breach": self.fiscal_shock_breach.ravel(),
        }
        return pd.DataFrame(cols, index=pd.RangeIndex(self.external.size, name="path"))


@dataclass(frozen=True, slots=True)
class _Prepared:
    years: IntArray
    window: slice
    thresholds: dict[Indicator, float]
    baseline: dict[Indicator, FloatArray]
    stress: dict[Indicator, dict[str, FloatArray]]


def _prepare(
    baseline: BaselinePaths,
    stress: StressPaths,
    thresholds: ThresholdsPct,
    years: ArrayLike,
    first_projection_year: int,
) -> _Prepared:
    yrs = _years(years)
    win = _window(yrs, first_projection_year)
    thr = validate_thresholds(thresholds)
    base: dict[Indicator, FloatArray] = {}
    for key, values in baseline.items():
        ind = parse_indicator(key, field=f"baseline.{key}")
        base[ind] = _as_path(f"baseline.{ind}", values, yrs.size)
        _check_window(f"baseline.{ind}", base[ind][..., win])
    missing = [i.value for i in INDICATORS if i not in base]
    if missing:
        raise InputError(f"missing baseline paths for {', '.join(missing)}", field="baseline")
    st: dict[Indicator, dict[str, FloatArray]] = {}
    for key, tests in stress.items():
        ind = parse_indicator(key, field=f"stress.{key}")
        st[ind] = {str(k): np.asarray(v, dtype=np.float64) for k, v in tests.items()}
    return _Prepared(years=yrs, window=win, thresholds=thr, baseline=base, stress=st)


def _mechanical(
    p: _Prepared, first_projection_year: int, bands: ModerateSpaceBands
) -> tuple[MechanicalRatings, dict[Indicator, MostExtremeShock | None]]:
    win = p.window
    mx: dict[Indicator, MostExtremeShock | None] = {}
    flags_base: dict[Indicator, BoolArray] = {}
    flags_shock: dict[Indicator, BoolArray] = {}
    for ind in INDICATORS:
        t = p.thresholds[ind]
        flags_base[ind] = breach_flag(p.baseline[ind][..., win], t)
        m = _most_extreme(p.stress.get(ind, {}), t, p.years, win, f"stress.{ind}")
        mx[ind] = m
        flags_shock[ind] = (
            np.zeros_like(flags_base[ind]) if m is None else breach_flag(m.path[..., win], t)
        )

    def any_of(flags: dict[Indicator, BoolArray], inds: Sequence[Indicator]) -> BoolArray:
        return np.asarray(np.logical_or.reduce(np.broadcast_arrays(*(flags[i] for i in inds))))

    eb = any_of(flags_base, EXTERNAL_INDICATORS)
    es = any_of(flags_shock, EXTERNAL_INDICATORS)
    fb = any_of(flags_base, PUBLIC_INDICATORS)
    fs = any_of(flags_shock, PUBLIC_INDICATORS)
    eb, es, fb, fs = np.broadcast_arrays(eb, es, fb, fs)
    ext = np.where(eb, 3, np.where(es, 2, 1)).astype(np.int64)
    fis = np.where(fb, 3, np.where(fs, 2, 1)).astype(np.int64)
    head = {
        ind: _headroom(p.baseline[ind][..., win], p.thresholds[ind]) for ind in EXTERNAL_INDICATORS
    }
    space = np.where(ext == 2, moderate_space(head, bands), 0).astype(np.int64)
    out = MechanicalRatings(
        external=ext,
        fiscal=fis,
        overall=np.maximum(ext, fis),
        external_baseline_breach=np.array(eb),
        external_shock_breach=np.array(es),
        fiscal_baseline_breach=np.array(fb),
        fiscal_shock_breach=np.array(fs),
        space=np.broadcast_to(space, ext.shape).copy(),
    )
    return out, mx


def mechanical_ratings(
    baseline: BaselinePaths,
    stress: StressPaths,
    thresholds: ThresholdsPct,
    years: ArrayLike,
    first_projection_year: int,
    *,
    bands: ModerateSpaceBands = DEFAULT_SPACE_BANDS,
) -> MechanicalRatings:
    """Mechanical signals for many paths at once (no judgment, no distress).

    ``baseline`` maps each of the five indicators to paths ``(..., len(years))``;
    ``stress`` maps indicators to ``{test code: paths}`` (A1 ignored, missing
    indicators have no stress tests). Leading shapes broadcast.
    """
    p = _prepare(baseline, stress, thresholds, years, first_projection_year)
    return _mechanical(p, first_projection_year, bands)[0]
