"""Small array helpers of the open-data builder: year grids, columns, gap filling."""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from debttrap import datasets as ds
from debttrap.errors import DataError

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


def years_between(lo: int, hi: int) -> IntArray:
    """The calendar years ``lo … hi`` (inclusive)."""
    return np.arange(lo, hi + 1, dtype=np.int64)


def as_series(values: FloatArray, years: IntArray) -> dict[int, float]:
    """``{year: value}`` of two aligned arrays."""
    return {int(y): float(v) for y, v in zip(years, values, strict=True)}


def column(frame: pd.DataFrame, name: str, years: IntArray) -> FloatArray:
    """Column ``name`` of a year-indexed frame on ``years`` (NaN where absent)."""
    if name not in frame.columns:
        return np.full(years.size, np.nan)
    return np.array(frame[name].reindex(years).to_numpy(dtype=np.float64), dtype=np.float64)


def hold_after(values: FloatArray, years: IntArray, last: int) -> FloatArray:
    """Fill years after ``last`` (and gaps after the last finite value up to it) by holding."""
    out = values.copy()
    ok = np.flatnonzero(np.isfinite(out) & (years <= last))
    if ok.size == 0:
        return out
    j = int(ok[-1])
    out[j + 1 :] = out[j]
    return out


def fill_gaps(values: FloatArray, upto: int) -> FloatArray:
    """Fill NaNs in ``values[:upto]``: interior gaps linearly, edges with the nearest value."""
    out = values.copy()
    head = out[:upto]
    ok = np.flatnonzero(np.isfinite(head))
    if ok.size:
        idx = np.arange(head.size)
        out[:upto] = np.interp(idx, ok, head[ok])
    return out


def wdi_panel(code: str) -> pd.DataFrame:
    """The WDI macro series of ``code`` as a year × series frame (empty if not covered)."""
    try:
        long = ds.wdi_macro(code)
    except DataError:
        return pd.DataFrame()
    return long.pivot_table(index="year", columns="series", values="value")


def pwt_panel(code: str, dataset: str) -> pd.DataFrame:
    """The Penn World Table rows of ``code`` by year (empty if not covered)."""
    return ds.pwt(code).set_index("year") if code in ds.countries_in(dataset) else pd.DataFrame()
