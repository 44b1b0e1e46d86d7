"""The GDP framework of a built country: WEO GDP history and its projection (OD1, OD1a, OD2).

Real growth and GDP in US$ and local currency come from the IMF WEO (October 2024)
on ``t-12 … last`` (:func:`gdp_paths`, the :class:`GdpPaths` every other part of the
macro framework is built on); beyond the WEO horizon growth and both GDP deflators are
held (OD1), and ex ante, after ``t-1``, they follow the stated trend rule (OD1a). Also
here: the projection of a flow with the WEO's volume growth times the US$ GDP deflator
(:func:`extend_by_volume`) and the current-account balance (:func:`current_account_path`).
The trade flows are in :mod:`.trade`, the fiscal side and the assembly in :mod:`.macro`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from debttrap import datasets as ds
from debttrap.errors import DataError
from debttrap.opendata._series import (
    FloatArray,
    IntArray,
    column,
    fill_gaps,
    hold_after,
    years_between,
)
from debttrap.opendata.provenance import WEO, Provenance

__all__ = [
    "EX_ANTE_TREND_YEARS",
    "GDP_SERIES",
    "HISTORY_YEARS",
    "WEO_LAST_YEAR",
    "GdpPaths",
    "current_account_path",
    "extend_by_volume",
    "gdp_paths",
]

HISTORY_YEARS = 10
WEO_LAST_YEAR = 2029
#: Ex ante (as known before ``t``): real growth and the GDP deflators after ``t-1`` are
#: projected at their average over this many known years (OD1a).
EX_ANTE_TREND_YEARS = 10
GDP_SERIES = ("NGDPD", "NGDP", "NGDP_RPCH")


@dataclass(frozen=True, slots=True)
class GdpPaths:
    """GDP on ``years`` (US$ m, LCU m, growth in percent) that trade and the fiscal side use."""

    years: IntArray
    growth: FloatArray
    gdp_usd: FloatArray
    gdp_lcu: FloatArray
    defl_usd: FloatArray  # 1 + growth of the US$ GDP deflator
    wl: int  # last year with WEO GDP data
    iw: int  # its index on ``years``


def _require_gdp(code: str, w: pd.DataFrame, lo: int, hi: int) -> None:
    """Raise :class:`DataError` naming the first WEO GDP series and year missing in
    ``lo … hi``."""
    for s in GDP_SERIES:
        v = column(w, s, years_between(lo, hi))
        gap = np.flatnonzero(np.isnan(v))
        if gap.size:
            raise DataError(
                f"no value for {code} in {lo + int(gap[0])}",
                dataset=WEO,
                series=s,
                file="weo.parquet",
            )


def _weo_last_year(
    code: str, w: pd.DataFrame, t: int, lo: int, years: IntArray, ex_ante: bool
) -> int:
    """The last year with WEO GDP data; raises where ``t … t+5`` or history has gaps.

    Ex ante the WEO ends at ``t-1`` by construction and only the history is checked.
    """
    ends = [
        int(w[s].loc[:WEO_LAST_YEAR].dropna().index.max())
        for s in GDP_SERIES
        if w[s].notna().any()
    ]
    wl = min(ends) if len(ends) == 3 else lo
    if ex_ante:
        _require_gdp(code, w, lo, t - 1)
        return t - 1
    if wl < t + 5:
        _require_gdp(code, w, lo, t + 5)
    in_weo = years <= wl
    for s in (*GDP_SERIES, "GGR_NGDP", "GGXONLB_NGDP", "BCA_NGDPD"):
        v = column(w, s, years)
        first = lo if s in GDP_SERIES else t
        gap = np.flatnonzero(np.isnan(v) & in_weo & (years >= first))
        if gap.size:
            raise DataError(
                f"no value for {code} in {int(years[gap[0]])}",
                dataset=WEO,
                series=s,
                file="weo.parquet",
            )
    return wl


def gdp_paths(
    code: str, w: pd.DataFrame, t: int, last: int, rec: Provenance, ex_ante: bool
) -> GdpPaths:
    lo = t - HISTORY_YEARS - 2
    years = years_between(lo, last)
    wl = _weo_last_year(code, w, t, lo, years, ex_ante)
    growth = column(w, "NGDP_RPCH", years)
    gdp_usd = column(w, "NGDPD", years) * 1000.0
    gdp_lcu = column(w, "NGDP", years) * 1000.0
    iw = int(np.searchsorted(years, wl))
    if ex_ante:
        _trend_after(years, iw, growth, gdp_usd, gdp_lcu, rec)
        return _finish_gdp(years, growth, gdp_usd, gdp_lcu, wl, iw, rec, "OD1a")
    # beyond the last WEO year: real growth and both GDP deflators held at that year's values
    for i in range(iw + 1, years.size):  # loop over time
        growth[i] = growth[iw]
        gdp_usd[i] = gdp_usd[i - 1] * gdp_usd[iw] / gdp_usd[iw - 1]
        gdp_lcu[i] = gdp_lcu[i - 1] * gdp_lcu[iw] / gdp_lcu[iw - 1]
    if last > wl:
        horizon = "the WEO horizon" if wl == WEO_LAST_YEAR else "the last year the WEO covers"
        rec.assume(
            f"OD1 after {wl} ({horizon}) real growth, the US$ and LCU GDP "
            f"deflators and every ratio to GDP are held at their {wl} values"
        )
    return _finish_gdp(years, growth, gdp_usd, gdp_lcu, wl, iw, rec, "OD1")


def _us_deflator_factor(first: int, known: int) -> float:
    """1 + the average growth of the US GDP deflator over ``first … known`` (WEO USA)."""
    us = ds.weo_panel("USA", ["NGDPD", "NGDP_RPCH"], required=["NGDPD", "NGDP_RPCH"])
    gdp = us["NGDPD"].reindex(range(first - 1, known + 1)).to_numpy(dtype=np.float64)
    real = us["NGDP_RPCH"].reindex(range(first, known + 1)).to_numpy(dtype=np.float64)
    if np.isnan(gdp).any() or np.isnan(real).any():
        raise DataError(
            f"no value for USA in {first - 1}-{known}",
            dataset=WEO,
            series="NGDPD",
            file="weo.parquet",
        )
    defl = gdp[1:] / gdp[:-1] / (1.0 + real / 100.0)
    return float(np.prod(defl) ** (1.0 / defl.size))


def _trend_after(
    years: IntArray,
    iw: int,
    growth: FloatArray,
    gdp_usd: FloatArray,
    gdp_lcu: FloatArray,
    rec: Provenance,
) -> None:
    """Ex ante: growth and both GDP deflators after index ``iw`` by the stated rule (OD1a)."""
    k = EX_ANTE_TREND_YEARS
    lo = iw - k + 1
    first, known = int(years[lo]), int(years[iw])
    g_mean = float(np.mean(growth[lo : iw + 1]))
    real_f = 1.0 + g_mean / 100.0
    lcu_defl = float((gdp_lcu[iw] / gdp_lcu[lo - 1]) ** (1.0 / k)) / float(
        np.prod(1.0 + growth[lo : iw + 1] / 100.0) ** (1.0 / k)
    )
    usd_defl = _us_deflator_factor(first, known)
    for i in range(iw + 1, years.size):  # loop over time
        growth[i] = g_mean
        gdp_usd[i] = gdp_usd[i - 1] * real_f * usd_defl
        gdp_lcu[i] = gdp_lcu[i - 1] * real_f * lcu_defl
    rec.assume(
        f"OD1a ex ante: no data after {known} is used (the case's decision year); from "
        f"{known + 1} real growth is its {first}-{known} average ({g_mean:.2f}%), the LCU GDP "
        f"deflator grows at its {first}-{known} average rate ({(lcu_defl - 1.0) * 100.0:.2f}% "
        f"a year), the US$ GDP deflator at the US GDP deflator's {first}-{known} average "
        f"({(usd_defl - 1.0) * 100.0:.2f}%: a constant real exchange rate against the "
        f"dollar), and every ratio to GDP (revenue, primary balance, current account, gross "
        f"debt) is held at its {known} value; a projection by rule, not the WEO forecast of "
        "the time (not bundled)"
    )


def _finish_gdp(
    years: IntArray,
    growth: FloatArray,
    gdp_usd: FloatArray,
    gdp_lcu: FloatArray,
    wl: int,
    iw: int,
    rec: Provenance,
    rule: str,
) -> GdpPaths:
    lo = int(years[0])
    rng = f"{lo}-{wl}"
    rec.source("macro.nominal_gdp_usd_m", f"{WEO}: NGDPD x 1000, {rng}; then {rule}")
    rec.source("macro.nominal_gdp_lcu_m", f"{WEO}: NGDP x 1000, {rng}; then {rule}")
    rec.source("macro.real_gdp_growth_pct", f"{WEO}: NGDP_RPCH, {rng}; then {rule}")
    rec.source("macro.exchange_rate_avg_lcu_per_usd", f"{WEO}: NGDP / NGDPD (implied)")
    rec.source(
        "macro.exchange_rate_eop_lcu_per_usd",
        f"assumed: equal to the period-average rate, {WEO} NGDP / NGDPD (OD2)",
    )
    rec.assume(
        "OD2 the WEO copy has no exchange-rate series: the period-average rate is NGDP/NGDPD "
        "and the end-of-period rate is taken equal to it"
    )
    defl_usd = np.full(years.size, np.nan)
    defl_usd[1:] = (gdp_usd[1:] / gdp_usd[:-1]) / (1.0 + growth[1:] / 100.0)
    return GdpPaths(years, growth, gdp_usd, gdp_lcu, defl_usd, wl, iw)


def extend_by_volume(
    values_usd_m: FloatArray, last: int, volume_growth_pct: FloatArray, g: GdpPaths
) -> FloatArray:
    """``values_usd_m`` after index ``last``: the WEO's volume growth (real GDP growth where
    it has none) times the US$ GDP deflator to the WEO horizon (OD3), then with US$ GDP (OD1).
    """
    vol = np.where(np.isfinite(volume_growth_pct), volume_growth_pct, g.growth)
    out = np.array(values_usd_m, dtype=np.float64, copy=True)
    for i in range(last + 1, g.years.size):  # loop over time
        if int(g.years[i]) <= g.wl:
            out[i] = out[i - 1] * (1.0 + vol[i] / 100.0) * g.defl_usd[i]
        else:
            out[i] = out[i - 1] * g.gdp_usd[i] / g.gdp_usd[i - 1]
    return out


def current_account_path(w: pd.DataFrame, g: GdpPaths) -> FloatArray:
    """Current-account balance (US$ m): WEO BCA_NGDPD x GDP, held after the WEO (OD1)."""
    ca_pct = hold_after(column(w, "BCA_NGDPD", g.years), g.years, g.wl)
    return fill_gaps(ca_pct, g.years.size) / 100.0 * g.gdp_usd
