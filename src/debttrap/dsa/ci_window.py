"""The composite indicator's 10-year window: which years, and a series' average over them.

Every CI term is a simple average over five historical and five projected years
(IMF & World Bank, *Guidance Note on the Bank-Fund Debt Sustainability Framework for
Low Income Countries*, 2018, §III); CPIA, which has no forecasts, is carried forward
and remittances are capped year by year before averaging. The CI itself is in
:mod:`debttrap.dsa.capacity`, which re-exports these names.

>>> ci_window_years(2019)
(2014, 2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023)
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from debttrap.errors import InputError

__all__ = [
    "CI_WINDOW_HISTORY_YEARS",
    "CI_WINDOW_PROJECTION_YEARS",
    "carry_forward",
    "ci_window_average",
    "ci_window_years",
]

FloatArray = NDArray[np.float64]

#: Historical and projected years in the CI's 10-year window (GN 2018).
CI_WINDOW_HISTORY_YEARS = 5
CI_WINDOW_PROJECTION_YEARS = 5


def ci_window_years(classification_year: int) -> tuple[int, ...]:
    """The 10 years averaged for a CI computed in ``classification_year`` (c−5 … c+4).

    ``classification_year`` is the current year of the WEO vintage (the
    template's anchor): five historical years ``c-5 … c-1`` and five projected
    years ``c … c+4``.
    """
    c = int(classification_year)
    return tuple(range(c - CI_WINDOW_HISTORY_YEARS, c + CI_WINDOW_PROJECTION_YEARS))


def carry_forward(values: ArrayLike) -> FloatArray:
    """Fill each NaN along the last axis with the latest earlier finite value.

    Used for CPIA, which has no forecasts: the last published score is repeated.
    Leading NaNs (before any score) stay NaN. Loops over time only.
    """
    out = np.array(values, dtype=np.float64, copy=True)
    if out.ndim == 0:
        return out
    for j in range(1, out.shape[-1]):
        gap = np.isnan(out[..., j])
        out[..., j] = np.where(gap, out[..., j - 1], out[..., j])
    return out


def ci_window_average(
    values: ArrayLike,
    years: ArrayLike,
    classification_year: int,
    *,
    fill_forward: bool = False,
    cap: float | None = None,
    field: str = "values",
) -> FloatArray:
    """10-year average of a series over :func:`ci_window_years`; broadcasts over leading axes.

    ``values`` has shape ``(..., len(years))``. With ``fill_forward`` missing
    (NaN) years take the latest earlier value (CPIA); with ``cap`` each year is
    capped before averaging (remittances). Years outside the series or NaN
    left in the window raise :class:`InputError` naming ``field``.
    """
    yrs = np.asarray(years)
    if yrs.ndim != 1 or not np.issubdtype(yrs.dtype, np.integer):
        raise InputError("years must be a 1-D sequence of integers", field=f"{field}.years")
    if yrs.size > 1 and np.any(np.diff(yrs) != 1):
        raise InputError("years must be consecutive and increasing", field=f"{field}.years")
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim == 0 or arr.shape[-1] != yrs.size:
        raise InputError(
            f"series has {arr.shape[-1] if arr.ndim else 0} values for {yrs.size} years",
            field=field,
        )
    window = ci_window_years(classification_year)
    if yrs.size == 0 or window[0] < yrs[0] or window[-1] > yrs[-1]:
        span = f"{yrs[0]}-{yrs[-1]}" if yrs.size else "none"
        raise InputError(
            f"needs years {window[0]}-{window[-1]} for a CI in {classification_year}; "
            f"series covers {span}",
            field=field,
        )
    if fill_forward:
        arr = carry_forward(arr)
    i0 = int(window[0] - yrs[0])
    sl = arr[..., i0 : i0 + len(window)]
    if np.any(np.isnan(sl)):
        missing = sorted({int(window[j]) for j in np.argwhere(np.isnan(sl))[:, -1]})
        raise InputError(f"missing values for years {missing}", field=field)
    if cap is not None:
        sl = np.minimum(sl, cap)
    return np.asarray(sl.mean(axis=-1), dtype=np.float64)
