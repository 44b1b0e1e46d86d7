"""The macro framework of a built country: WEO history and projections, trade, fiscal.

GDP, growth, the current account and the fiscal ratios come from the IMF WEO
(October 2024) and are extended beyond the WEO horizon by holding growth, the
deflators and every ratio to GDP (OD1). Imports, remittances and revenue
excluding grants come from the WDI; exports follow from the current account
(OD3: published WDI exports; the current-account estimate OD3b only where none are
published, flagged). Each step records its sources and assumptions in the
:class:`~debttrap.opendata.provenance.Provenance` it is given.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from debttrap import datasets as ds
from debttrap.errors import DataError
from debttrap.opendata._series import (
    FloatArray,
    IntArray,
    column,
    fill_gaps,
    hold_after,
    pwt_panel,
    wdi_panel,
    years_between,
)
from debttrap.opendata.gaps import fill_weo_gaps, peer_group
from debttrap.opendata.provenance import PWT, WDI, WDIX, WEO, Provenance

__all__ = [
    "EX_ANTE_TREND_YEARS",
    "HISTORY_YEARS",
    "WEO_LAST_YEAR",
    "MacroPaths",
    "exports_from_current_account",
    "macro_paths",
]

HISTORY_YEARS = 10
WEO_LAST_YEAR = 2029
#: Ex ante (as known before ``t``): real growth and the GDP deflators after ``t-1`` are
#: projected at their average over this many known years (OD1a).
EX_ANTE_TREND_YEARS = 10
_GDP = ("NGDPD", "NGDP", "NGDP_RPCH")


@dataclass(frozen=True, slots=True)
class MacroPaths:
    """The assembled annual macro series on ``years`` (US$ m, LCU m, percent as named)."""

    years: IntArray
    gdp_usd: FloatArray
    gdp_lcu: FloatArray
    growth: FloatArray
    fx: FloatArray
    exports: FloatArray
    imports: FloatArray
    remittances: FloatArray
    revenue_lcu: FloatArray
    grants_lcu: FloatArray
    primary_exp_lcu: FloatArray
    primary_balance_pct: FloatArray
    current_account: FloatArray
    fdi: FloatArray
    gross_debt_pct: FloatArray | None
    weo_last_year: int


@dataclass(frozen=True, slots=True)
class _Gdp:
    years: IntArray
    growth: FloatArray
    gdp_usd: FloatArray
    gdp_lcu: FloatArray
    defl_usd: FloatArray  # 1 + growth of the US$ GDP deflator
    wl: int  # last year with WEO GDP data
    iw: int  # its index on ``years``


def _weo_last_year(
    code: str, w: pd.DataFrame, t: int, lo: int, years: IntArray, ex_ante: bool
) -> int:
    """The last year with WEO GDP data; raises where ``t … t+5`` or history has gaps.

    Ex ante the WEO ends at ``t-1`` by construction and only the history is checked.
    """
    ends = [int(w[s].loc[:WEO_LAST_YEAR].dropna().index.max()) for s in _GDP if w[s].notna().any()]
    wl = min(ends) if len(ends) == 3 else lo
    if ex_ante:
        for s in _GDP:
            v = column(w, s, years_between(lo, t - 1))
            gap = np.flatnonzero(np.isnan(v))
            if gap.size:
                raise DataError(
                    f"no value for {code} in {lo + int(gap[0])}",
                    dataset=WEO,
                    series=s,
                    file="weo.parquet",
                )
        return t - 1
    if wl < t + 5:
        for s in _GDP:
            v = column(w, s, years_between(lo, t + 5))
            gap = np.flatnonzero(np.isnan(v))
            if gap.size:
                raise DataError(
                    f"no value for {code} in {lo + int(gap[0])}",
                    dataset=WEO,
                    series=s,
                    file="weo.parquet",
                )
    in_weo = years <= wl
    for s in (*_GDP, "GGR_NGDP", "GGXONLB_NGDP", "BCA_NGDPD"):
        v = column(w, s, years)
        first = lo if s in _GDP else t
        gap = np.flatnonzero(np.isnan(v) & in_weo & (years >= first))
        if gap.size:
            raise DataError(
                f"no value for {code} in {int(years[gap[0]])}",
                dataset=WEO,
                series=s,
                file="weo.parquet",
            )
    return wl


def _gdp(
    code: str, w: pd.DataFrame, t: int, last: int, rec: Provenance, ex_ante: bool
) -> _Gdp:
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
) -> _Gdp:
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
    return _Gdp(years, growth, gdp_usd, gdp_lcu, defl_usd, wl, iw)


def _extend_by_volume(
    values_usd_m: FloatArray, last: int, volume_growth_pct: FloatArray, g: _Gdp
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


def _current_account(w: pd.DataFrame, g: _Gdp) -> FloatArray:
    """Current-account balance (US$ m): WEO BCA_NGDPD x GDP, held after the WEO (OD1)."""
    ca_pct = hold_after(column(w, "BCA_NGDPD", g.years), g.years, g.wl)
    return fill_gaps(ca_pct, g.years.size) / 100.0 * g.gdp_usd


_MERCH_NEED = ["merch_exports_usd_m", "exports_gs_pct_gdp", "gdp_usd_m"]


def _merchandise_share(wx: pd.DataFrame, upto: int) -> tuple[float, int] | None:
    """OD3c: merchandise exports / exports of goods and services (WDI) in the last year
    ``<= upto`` that publishes both (and GDP), and that year; ``None`` where none does.

    ``wx``: the WDI external series of one country, year x series.
    """
    both = wx.reindex(columns=_MERCH_NEED).dropna()
    both = both[both.index <= upto]
    if both.empty:
        return None
    yb = int(both.index.max())
    merch_b, x_pct, gdp_b = both.loc[yb].to_numpy(dtype=np.float64)
    return float(merch_b / (x_pct / 100.0 * gdp_b)), yb


def _merchandise_exports(merch: FloatArray, share: float, w: pd.DataFrame, g: _Gdp) -> FloatArray:
    """OD3c exports (US$ m): published merchandise exports (NaN where not, at least one
    finite) / their ``share`` of exports of goods and services, gaps filled as ratios to
    GDP, then WEO export volumes (TX_RPCH) x US$ GDP deflator after the last one."""
    base = int(np.flatnonzero(np.isfinite(merch))[-1])
    ratio = fill_gaps(merch / share / g.gdp_usd, base + 1)
    return _extend_by_volume(ratio * g.gdp_usd, base, column(w, "TX_RPCH", g.years), g)


def _imports_from_merchandise(
    code: str, t: int, w: pd.DataFrame, wp: pd.DataFrame, g: _Gdp, rec: Provenance
) -> tuple[FloatArray, str]:
    """OD3c: no imports published: the current-account identity on estimated exports.

    Exports of goods and services = published merchandise exports (WDI TX.VAL.MRCH.CD.WT)
    / their share of exports of goods and services in the last year the WDI publishes
    both; imports = exports - current account (WEO) + remittances (OD4). Returns imports
    and the source text of exports. Raises :class:`DataError` without merchandise exports
    in the five years before ``t``.
    """
    years = g.years
    try:
        wx = ds.wdi_external(code, _MERCH_NEED).pivot_table(
            index="year", columns="series", values="value"
        )
    except DataError:
        wx = pd.DataFrame()
    merch = column(wx, "merch_exports_usd_m", years)
    merch[years > t - 1] = np.nan
    ok = np.flatnonzero(np.isfinite(merch))
    known = _merchandise_share(wx, t - 1)
    if ok.size == 0 or int(years[ok[-1]]) < t - 5 or known is None:
        raise DataError(
            f"no imports of goods and services for {code} in the five years before {t}, "
            "nor merchandise exports to estimate them from",
            dataset=WDIX,
            series="imports_gs_pct_gdp",
            file="series.parquet",
        )
    share, yb = known
    base = int(ok[-1])
    exports = _merchandise_exports(merch, share, w, g)
    remittances = _remittances(t, wp, g, Provenance())  # recorded where it is built
    imports = np.maximum(exports - _current_account(w, g) + remittances, 0.01 * g.gdp_usd)
    last = int(years[base])
    rec.source(
        "macro.imports_usd_m",
        f"ESTIMATED, no published value: exports (OD3c) - current account ({WEO} BCA_NGDPD) "
        "+ remittances (OD4), floored at 1% of GDP",
    )
    rec.assume(
        f"OD3c ESTIMATED trade: the WDI publishes no imports of goods and services for "
        f"{code} in the five years before {t}; "
        f"exports are the published merchandise exports (WDI TX.VAL.MRCH.CD.WT, to {last}) "
        f"divided by their share of exports of goods and services in {yb}, the last year the "
        f"WDI publishes both ({100 * share:.1f}%), then WEO export volumes x US$ GDP "
        "deflator; imports follow from the current account: imports = exports - current "
        "account (WEO) + remittances"
    )
    src_x = (
        f"ESTIMATED, no published value: {WDIX} merch_exports_usd_m (TX.VAL.MRCH.CD.WT, "
        f"published) to {last} / the merchandise share of exports of goods and services in "
        f"{yb} ({100 * share:.1f}%), then WEO TX_RPCH volume x US$ GDP deflator (OD3c); then "
        "OD1"
    )
    return imports, src_x


def _pwt_imports_pct(code: str) -> pd.Series:
    """Imports of goods and services in % of GDP from the Penn World Table (-csh_m x pl_m /
    pl_gdpo x 100, current prices), by year; empty where the PWT has none."""
    pw = pwt_panel(code, PWT)
    if pw.empty:
        return pd.Series(dtype=np.float64)
    return (-pw["csh_m"] * pw["pl_m"] / pw["pl_gdpo"] * 100.0).dropna()


def _imports_by_volume(imp_pct: FloatArray, w: pd.DataFrame, g: _Gdp) -> tuple[FloatArray, int]:
    """Imports (US$ m) from their ratio to GDP (%, NaN where unknown, at least one finite)
    to its last known year, gaps filled; then WEO import volumes (TM_RPCH) x US$ GDP
    deflator (OD3), then OD1. Returns the path and that last known year."""
    years = g.years
    base_m = int(years[np.flatnonzero(np.isfinite(imp_pct))[-1]])
    imp_pct = fill_gaps(imp_pct, int(np.searchsorted(years, base_m)) + 1)
    imports = _extend_by_volume(
        imp_pct / 100.0 * g.gdp_usd,
        int(np.searchsorted(years, base_m)),
        column(w, "TM_RPCH", years),
        g,
    )
    return imports, base_m


def _imports(
    code: str, t: int, w: pd.DataFrame, wp: pd.DataFrame, g: _Gdp, rec: Provenance
) -> tuple[FloatArray, str]:
    """Imports of goods and services (US$ m): WDI (or PWT) share of GDP, then WEO volumes.

    Where neither publishes them, OD3c (:func:`_imports_from_merchandise`); the second
    value is then the source text of exports (else empty).
    """
    years = g.years
    imp_pct = column(wp, "imports_gs_pct_gdp", years)
    imp_pct[years > t - 1] = np.nan
    if np.isfinite(imp_pct).any():
        src_m = f"{WDI}: imports_gs_pct_gdp (NE.IMP.GNFS.ZS)"
    else:
        share_m = _pwt_imports_pct(code)
        if share_m.empty:
            return _imports_from_merchandise(code, t, w, wp, g, rec)
        imp_pct = share_m.reindex(years).to_numpy(dtype=np.float64)
        src_m = f"{PWT}: -csh_m x pl_m / pl_gdpo"
    imports, base_m = _imports_by_volume(imp_pct, w, g)
    rec.source(
        "macro.imports_usd_m",
        f"{src_m} x WEO GDP, to {base_m}; then WEO TM_RPCH volume x US$ GDP deflator (OD3); "
        "then OD1",
    )
    return imports, ""


def _ratio_held(values_usd_m: FloatArray, g: _Gdp) -> tuple[FloatArray, int]:
    """A flow published to some year (US$ m, NaN where not): gaps filled, later years at
    the mean ratio to GDP of the last three published years. Returns the path and the
    last published year (there must be one)."""
    ratio = values_usd_m / g.gdp_usd
    ok = np.flatnonzero(np.isfinite(ratio))
    hold = float(np.mean(ratio[ok[-3:]]))
    ratio = fill_gaps(ratio, int(ok[-1]) + 1)
    ratio[ok[-1] + 1 :] = hold
    return ratio * g.gdp_usd, int(g.years[ok[-1]])


def _remittances(t: int, wp: pd.DataFrame, g: _Gdp, rec: Provenance) -> FloatArray:
    """Net current transfers approximated by remittances received (US$ m)."""
    years = g.years
    rem = column(wp, "remittances_usd_m", years)
    rem[years > t - 1] = np.nan
    if not np.isfinite(rem).any():
        remittances = np.zeros(years.size)
        rec.assume("OD4 no WDI remittances for this country: net current transfers set to 0")
        rec.source("macro.net_current_transfers_usd_m", "none available: 0 (OD4)")
    else:
        remittances, last = _ratio_held(rem, g)
        rec.source(
            "macro.net_current_transfers_usd_m",
            f"{WDI}: remittances_usd_m (BX.TRF.PWKR.CD.DT), to {last}; later "
            "years at the mean ratio to GDP of the last three (OD4)",
        )
        rec.assume(
            "OD4 net current transfers are approximated by workers' remittances received "
            "(WDI); official transfers and outward remittances are not in the bundled data"
        )
    return remittances


def _fdi(code: str, t: int, g: _Gdp, rec: Provenance) -> FloatArray:
    """Net FDI (US$ m, + = inflow): WDI net inflows to ``t-1``, then their ratio to GDP (OD5).

    The LIC-DSF's net FDI is the balance of payments' direct investment liabilities less
    assets; the WDI's "FDI, net inflows" (BX.KLT.DINV.CD.WD) is the liabilities side
    (new investment by non-residents less disinvestment), which for the PRGT countries is
    nearly all of it. Later years hold the mean ratio to GDP of the last three published
    years. Where the WDI has none, 0, flagged. FDI enters the B4/B6 stress tests and the
    contributions table, never the baseline debt path.
    """
    years = g.years
    try:
        wx = ds.wdi_external(code, ["fdi_net_inflows_usd_m"])
        fdi = column(
            wx.pivot_table(index="year", columns="series", values="value"),
            "fdi_net_inflows_usd_m",
            years,
        )
    except DataError:
        fdi = np.full(years.size, np.nan)
    fdi[years > t - 1] = np.nan
    known = np.flatnonzero(np.isfinite(fdi))
    if known.size == 0 or int(years[known[-1]]) < t - 5:
        rec.source("macro.net_fdi_usd_m", "none available: 0 (OD5)")
        rec.assume(
            f"OD5 the WDI publishes no FDI net inflows for {code} in the five years before "
            f"{t}: net FDI is set to 0 (so the FDI part of the B4 stress test has no effect)"
        )
        return np.zeros(years.size)
    path, last = _ratio_held(fdi, g)
    rec.source(
        "macro.net_fdi_usd_m",
        f"{WDIX}: fdi_net_inflows_usd_m (BX.KLT.DINV.CD.WD, published), to {last}; later "
        "years at the mean ratio to GDP of the last three (OD5)",
    )
    rec.assume(
        f"OD5 net FDI is the WDI's FDI net inflows (direct investment liabilities, to {last}); "
        "outward FDI, small in these countries, is not subtracted; later years at the mean "
        "ratio to GDP of the last three years. It sizes the FDI leg of the B4/B6 stress "
        "tests (its mean and standard deviation over t-10..t-1), not the baseline"
    )
    return path


def _published_exports(
    code: str, t: int, w: pd.DataFrame, g: _Gdp, rec: Provenance
) -> FloatArray | None:
    """Exports of goods and services as published (WDI share of GDP), projected by volume.

    The WDI ratio to GDP (national accounts) times the WEO's US$ GDP up to the last
    published year before ``t``; then the WEO's export volume growth (TX_RPCH) times the
    US$ GDP deflator to the WEO horizon; then the ratio to GDP held (OD1). ``None``
    where the WDI has no published value in the last five years before ``t``.
    """
    years = g.years
    try:
        wx = ds.wdi_external(code, ["exports_gs_pct_gdp"])
    except DataError:
        return None
    share = column(wx.pivot_table(index="year", columns="series", values="value"),
                   "exports_gs_pct_gdp", years)
    share[years > t - 1] = np.nan
    ok = np.flatnonzero(np.isfinite(share))
    if ok.size == 0 or int(years[ok[-1]]) < t - 5:
        return None
    base = int(years[ok[-1]])
    share = fill_gaps(share, int(ok[-1]) + 1)
    exports = _extend_by_volume(
        share / 100.0 * g.gdp_usd, int(ok[-1]), column(w, "TX_RPCH", years), g
    )
    rec.source(
        "macro.exports_usd_m",
        f"{WDIX}: exports_gs_pct_gdp (NE.EXP.GNFS.ZS, published) x WEO GDP, to {base}; then "
        "WEO TX_RPCH volume x US$ GDP deflator (OD3); then OD1",
    )
    rec.assume(
        f"OD3 exports of goods and services are the published WDI series to {base} (national "
        "accounts, % of GDP, times the WEO's US$ GDP); later years grow with the WEO's export "
        "volumes (TX_RPCH) times the US$ GDP deflator"
    )
    return exports


def _pwt_export_floor(code: str) -> tuple[float, int] | None:
    """OD3b's fallback floor: the Penn World Table's merchandise export share of GDP
    (csh_x x pl_x / pl_gdpo, a fraction) in its last year with a positive value, and that
    year."""
    pw = pwt_panel(code, PWT)
    if pw.empty:
        return None
    share_x = (pw["csh_x"] * pw["pl_x"] / pw["pl_gdpo"]).dropna()
    share_x = share_x[share_x > 0]
    if share_x.empty:
        return None
    return float(share_x.iloc[-1]), int(share_x.index[-1])


@dataclass(frozen=True, slots=True)
class _ExportFloor:
    """OD3b's floor under the current-account estimate of exports, year by year.

    ``values_usd_m`` is on the builder's years (NaN: no floor that year); ``kind`` is
    ``"merchandise"`` (the same year's published merchandise exports, WDI
    TX.VAL.MRCH.CD.WT, to ``last_year``; later years by WEO export volumes x US$ GDP
    deflator) or ``"pwt"`` (the fallback: the Penn World Table's merchandise export share
    of GDP in ``last_year``, times GDP). ``first_year``: the first year with a value.
    """

    values_usd_m: FloatArray
    kind: str
    first_year: int
    last_year: int

    def source(self) -> str:
        """The floor in the words of a source text."""
        if self.kind == "merchandise":
            return (
                f"floored at the same year's merchandise exports ({WDIX} "
                f"merch_exports_usd_m, TX.VAL.MRCH.CD.WT, published, {self.first_year}-"
                f"{self.last_year}; later years WEO TX_RPCH volume x US$ GDP deflator)"
            )
        return (
            f"floored at the merchandise export share of GDP in {PWT} (csh_x x pl_x / "
            f"pl_gdpo, {self.last_year}; the WDI publishes no merchandise exports in the "
            "five years before t)"
        )


def _merchandise_floor(code: str, t: int, w: pd.DataFrame, g: _Gdp) -> _ExportFloor | None:
    """OD3b's floor (as amended): published merchandise exports (WDI TX.VAL.MRCH.CD.WT,
    US$ m) of each year from the first published one to the last before ``t`` (interior
    gaps filled as ratios to GDP), then WEO export volumes (TX_RPCH) x US$ GDP deflator
    as OD3c's path (:func:`_merchandise_exports` with a share of 1), then with US$ GDP;
    no floor before the first published year. ``None`` where the WDI publishes none in
    the five years before ``t``. Nothing after ``t-1`` is read."""
    years = g.years
    try:
        wx = ds.wdi_external(code, ["merch_exports_usd_m"]).pivot_table(
            index="year", columns="series", values="value"
        )
    except DataError:
        return None
    merch = column(wx, "merch_exports_usd_m", years)
    merch[years > t - 1] = np.nan
    ok = np.flatnonzero(np.isfinite(merch) & (merch > 0.0))
    if ok.size == 0 or int(years[ok[-1]]) < t - 5:
        return None
    merch[merch <= 0.0] = np.nan
    floor = _merchandise_exports(merch, 1.0, w, g)
    floor[: ok[0]] = np.nan
    return _ExportFloor(floor, "merchandise", int(years[ok[0]]), int(years[ok[-1]]))


def _export_floor(code: str, t: int, w: pd.DataFrame, g: _Gdp) -> _ExportFloor | None:
    """OD3b's floor for a build with first projection year ``t``: the published
    merchandise exports (:func:`_merchandise_floor`), else the PWT's merchandise export
    share of GDP (:func:`_pwt_export_floor`) times GDP, else ``None`` (1% of GDP only).

    The builder and the back-test (:mod:`debttrap.opendata.export_backtest`) both call it.
    """
    merch = _merchandise_floor(code, t, w, g)
    if merch is not None:
        return merch
    pwt = _pwt_export_floor(code)
    if pwt is None:
        return None
    return _ExportFloor(pwt[0] * g.gdp_usd, "pwt", int(g.years[0]), pwt[1])


def exports_from_current_account(
    imports_usd_m: FloatArray,
    current_account_usd_m: FloatArray,
    remittances_usd_m: FloatArray,
    gdp_usd_m: FloatArray,
    floor_usd_m: FloatArray | None,
) -> FloatArray:
    """OD3b, year by year: exports = imports + current account - remittances (US$ m),
    floored at ``floor_usd_m`` (US$ m: OD3b's floor, :func:`_export_floor`; NaN in a year,
    or ``None``: no such floor) and at 1% of GDP.

    The balance-of-payments identity with net primary income and the transfers other
    than remittances taken to offset each other. The builder and the back-test
    (:mod:`debttrap.opendata.export_backtest`) both call it.
    """
    exports = imports_usd_m + current_account_usd_m - remittances_usd_m
    if floor_usd_m is not None:
        exports = np.where(np.isfinite(floor_usd_m), np.fmax(exports, floor_usd_m), exports)
    return np.maximum(exports, 0.01 * gdp_usd_m)


def _year_runs(years: IntArray) -> str:
    """Years as runs: ``2014-2016, 2020``."""
    runs: list[str] = []
    start = prev = None
    for y in (int(v) for v in years):
        if prev is not None and y == prev + 1:
            prev = y
            continue
        if start is not None:
            runs.append(str(start) if start == prev else f"{start}-{prev}")
        start = prev = y
    if start is not None:
        runs.append(str(start) if start == prev else f"{start}-{prev}")
    return ", ".join(runs)


def _floor_words(floor: _ExportFloor | None, binds: IntArray, t: int) -> str:
    """The assumption text's account of OD3b's floor and the years it gives the value."""
    where = (
        f"; it gives the estimate in {_year_runs(binds)}"
        if binds.size
        else "; it gives the estimate in no year to the WEO horizon"
    )
    if floor is None:
        return (
            "floored at 1% of GDP only (the WDI publishes no merchandise exports in the five "
            f"years before {t} and the Penn World Table has none)" + where
        )
    if floor.kind == "merchandise":
        return (
            "floored, year by year, at the same year's published merchandise exports (WDI "
            f"TX.VAL.MRCH.CD.WT, {floor.first_year}-{floor.last_year}; exports of goods and "
            "services cannot be below the goods exported; later years grow with the WEO "
            "export volumes x US$ GDP deflator) and at 1% of GDP" + where
        )
    return (
        "floored at the Penn World Table's merchandise export share of GDP in "
        f"{floor.last_year} (the WDI publishes no merchandise exports in the five years "
        f"before {t}) and at 1% of GDP" + where
    )


def _exports(
    code: str,
    t: int,
    w: pd.DataFrame,
    g: _Gdp,
    imports: FloatArray,
    remittances: FloatArray,
    rec: Provenance,
    *,
    merchandise: bool = False,
) -> tuple[FloatArray, FloatArray]:
    """Current account and exports (US$ m): published where the WDI has them (OD3), else
    exports = imports + CA − remittances (OD3b, flagged) floored by :func:`_export_floor`;
    ``merchandise``: the imports were built from merchandise exports (OD3c), which this
    identity gives back (OD3c says so)."""
    years, gdp_usd = g.years, g.gdp_usd
    ca = _current_account(w, g)
    rec.source("macro.current_account_usd_m", f"{WEO}: BCA_NGDPD x GDP; then OD1")
    published = _published_exports(code, t, w, g, rec)
    if published is not None:
        return ca, published
    floor = _export_floor(code, t, w, g)
    floor_usd_m = None if floor is None else floor.values_usd_m
    exports = exports_from_current_account(imports, ca, remittances, gdp_usd, floor_usd_m)
    for i in range(g.iw + 1, years.size):  # after the WEO horizon: ratio to GDP held
        exports[i] = exports[i - 1] * gdp_usd[i] / gdp_usd[i - 1]
    floor_src = "; floored" if floor is None else "; " + floor.source() + " and"
    rec.source(
        "macro.exports_usd_m",
        "ESTIMATED, no published value: imports + current account - remittances (OD3b)"
        + floor_src
        + " at 1% of GDP; then OD1",
    )
    if merchandise:
        return ca, exports
    identity = imports + ca - remittances
    binds = years[: g.iw + 1][exports[: g.iw + 1] > identity[: g.iw + 1]]
    rec.assume(
        "OD3b ESTIMATED exports: the WDI publishes no exports of goods and services for this "
        "country in the five years before t; they follow from the "
        "current account: exports = imports (WDI, then WEO import volumes x US$ GDP deflator) "
        "+ current-account balance (WEO) - remittances (WDI), i.e. net primary income and "
        "other transfers are taken to offset each other (they understate exports where "
        "profit and interest outflows are large, overstate them where official transfers "
        "are); " + _floor_words(floor, binds, t)
    )
    return ca, exports


@dataclass(frozen=True, slots=True)
class _Fiscal:
    revenue_lcu: FloatArray
    grants_lcu: FloatArray
    primary_exp_lcu: FloatArray
    primary_balance_pct: FloatArray


def _grants_pct(
    code: str, t: int, w: pd.DataFrame, wp: pd.DataFrame, g: _Gdp, ggr: FloatArray,
    rec: Provenance,
) -> float:
    """Grants in % of GDP: WEO revenue incl. grants minus WDI revenue excl. grants (OD6)."""
    years = g.years
    rev_ex = column(wp, "revenue_excl_grants_pct_gdp", years)
    ggr_raw = column(w, "GGR_NGDP", years)
    win = (years >= t - 5) & (years <= t - 1)
    diffs = (ggr_raw - rev_ex)[win]
    diff_years = years[win][np.isfinite(diffs)]
    diffs = diffs[np.isfinite(diffs)]
    it = int(np.searchsorted(years, t))
    if diffs.size == 0:
        oda = _oda_pct(code, g, win)
        share, n_peers = peer_grants_share_of_oda(t)
        if oda is None or n_peers == 0:
            rec.assume(
                "OD6 no WDI revenue excluding grants in the last five years and no net ODA "
                "to bound grants: grants set to 0 (revenue excluding grants = WEO revenue; "
                "the debt-service/revenue ratio may be understated)"
            )
            rec.source("macro.government_grants_lcu_m", "none available: 0 (OD6)")
            return 0.0
        grants_pct = float(min(share * oda, 0.5 * float(ggr[it])))
        rec.assume(
            f"OD6b no WDI revenue excluding grants in the last five years: grants are the "
            f"median share of net ODA received that the OD6 rule gives as grants across "
            f"{n_peers} LIC-DSF peers with both series ({share:.2f}, {t - 5}-{t - 1}) times "
            f"this country's net ODA ({oda:.2f}% of GDP, WDI DT.ODA.ODAT.CD): "
            f"{grants_pct:.2f}% of GDP, held as a ratio to GDP (capped at half of revenue)"
        )
        rec.source(
            "macro.government_grants_lcu_m",
            f"{WDIX} oda_received_usd_m / GDP x the peers' median grants/ODA share "
            f"({share:.2f}) (OD6b)",
        )
        return grants_pct
    gap_pct = float(np.clip(diffs.mean(), 0.0, 0.5 * float(ggr[it])))
    span = f"{int(diff_years.min())}-{int(diff_years.max())}"
    oda = _oda_pct(code, g, win)
    share, n_peers = peer_grants_share_of_oda(t)
    bound = None if oda is None else (share * oda if n_peers else oda)
    grants_pct = gap_pct if bound is None else min(gap_pct, bound)
    capped = bound is not None and bound < gap_pct
    rec.assume(
        f"OD6 grants = WEO general-government revenue (incl. grants) minus WDI central-"
        f"government revenue excluding grants, averaged over {span} ({gap_pct:.2f}% of "
        "GDP), floored at 0 and capped at half of revenue"
        + (
            f", and at the share of net ODA received that reaches budgets as grants across "
            f"the LIC-DSF peers ({share:.2f} x {oda:.2f}% of GDP, WDI DT.ODA.ODAT.CD, same "
            "years; OD6c): the rest of the gap is the revenue of general government outside "
            "the central government, kept in revenue excluding grants so that revenue has "
            "the coverage of the debt (general government)"
            if capped
            else (
                f" (the peers' share of net ODA received, {share:.2f} x {oda:.2f}% of GDP, "
                "bounds it and does not bind; OD6c)"
                if oda is not None
                else " (no ODA figure to bound it: any general/central-government coverage "
                "gap is booked as grants)"
            )
        )
        + f"; held as a ratio to GDP ({grants_pct:.2f}%)"
    )
    rec.source(
        "macro.government_grants_lcu_m",
        f"{WEO} GGR_NGDP - {WDI} revenue_excl_grants_pct_gdp (GC.REV.XGRT.GD.ZS), "
        f"mean {span}"
        + (f", capped at {share:.2f} x {WDIX} oda_received_usd_m / GDP (OD6c)" if capped else "")
        + " (OD6)",
    )
    return grants_pct


@functools.cache
def peer_grants_share_of_oda(t: int) -> tuple[float, int]:
    """Median share of net ODA received that the OD6 rule books as grants, across peers.

    For every LIC-DSF peer (:func:`~debttrap.opendata.gaps.peer_group`) with WEO revenue
    (GGR_NGDP), WDI central-government revenue excluding grants and WDI net ODA in
    ``t-5 … t-1``: ``min(max(mean gap, 0), mean ODA) / mean ODA``, all in % of GDP (the
    WDI's GDP for ODA). Only years before ``t`` are read. Returns the median and the
    number of peers (0 where none qualifies).
    """
    years = list(range(t - 5, t))
    peers = sorted(peer_group())

    def wide(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame[frame["iso3"].isin(peers) & frame["year"].isin(years)]
        return frame.pivot_table(index="year", columns="iso3", values="value", observed=True)

    ggr = wide(ds.weo(None, ["GGR_NGDP"]))
    rev = wide(ds.wdi_macro(None, ["revenue_excl_grants_pct_gdp"]))
    ext = ds.wdi_external(None, ["oda_received_usd_m", "gdp_usd_m"])
    oda = wide(ext[ext["series"] == "oda_received_usd_m"]) / wide(
        ext[ext["series"] == "gdp_usd_m"]
    ) * 100.0
    gap = (ggr - rev).reindex(index=years).mean()  # skips missing years
    o = oda.reindex(index=years).mean()
    both = pd.concat({"gap": gap, "oda": o}, axis=1).dropna()
    both = both[both["oda"] > 0.0]
    shares = list(np.minimum(both["gap"].clip(lower=0.0), both["oda"]) / both["oda"])
    if not shares:
        return 0.0, 0
    return float(np.median(shares)), len(shares)


def _oda_pct(code: str, g: _Gdp, win: NDArray[np.bool_]) -> float | None:
    """Net ODA received, % of GDP, mean over the years of ``win`` (None where unpublished)."""
    try:
        wx = ds.wdi_external(code, ["oda_received_usd_m"])
    except DataError:
        return None
    oda = wx.set_index("year")["value"].reindex(g.years).to_numpy(dtype=np.float64)
    ratio = (oda / g.gdp_usd * 100.0)[win]
    ratio = ratio[np.isfinite(ratio)]
    return float(max(ratio.mean(), 0.0)) if ratio.size else None


def _fiscal(
    code: str, t: int, w: pd.DataFrame, wp: pd.DataFrame, g: _Gdp, rec: Provenance
) -> _Fiscal:
    """Revenue, grants and primary expenditure (LCU m) from WEO ratios and the WDI (OD6)."""
    ggr = hold_after(column(w, "GGR_NGDP", g.years), g.years, g.wl)
    pb = hold_after(column(w, "GGXONLB_NGDP", g.years), g.years, g.wl)
    revenue = ggr / 100.0 * g.gdp_lcu
    primary_exp = (ggr - pb) / 100.0 * g.gdp_lcu
    rec.source(
        "macro.government_revenue_incl_grants_lcu_m",
        f"{WEO}: GGR_NGDP x NGDP (general government revenue incl. grants); then OD1",
    )
    rec.source(
        "macro.government_primary_expenditure_lcu_m",
        f"{WEO}: (GGR_NGDP - GGXONLB_NGDP) x NGDP; then OD1",
    )
    known = int(np.isfinite(pb[(g.years >= t - HISTORY_YEARS) & (g.years < t)]).sum())
    rec.source(
        "macro.primary_balance_history_pct_gdp",
        f"{WEO}: GGXONLB_NGDP, t-10..t-1"
        + (f" ({known} of the {HISTORY_YEARS} years published)" if known < HISTORY_YEARS else "")
        if known
        else f"none available: no {WEO} GGXONLB_NGDP for t-10..t-1 (the B2 test does not run)",
    )
    grants_pct = _grants_pct(code, t, w, wp, g, ggr, rec)
    grants = _grants_path(t, g, ggr, grants_pct, rec)
    return _Fiscal(revenue, grants / 100.0 * g.gdp_lcu, primary_exp, pb)


def _grants_path(
    t: int, g: _Gdp, ggr: FloatArray, grants_pct: float, rec: Provenance
) -> FloatArray:
    """Grants in % of GDP by year: ``grants_pct``, less a projected fall of revenue (OD6a).

    Revenue excluding grants is held at its ratio to GDP in ``t-1`` (WEO revenue less
    grants) wherever the WEO projects revenue including grants below its ``t-1`` ratio:
    the fall is a fall of grants (down to 0), not of the government's own revenue. A
    projected rise of revenue stays own revenue (grants held at their ratio).
    """
    out = np.full(g.years.size, grants_pct)
    it = int(np.searchsorted(g.years, t - 1))
    if grants_pct <= 0.0 or it >= g.years.size or not np.isfinite(ggr[it]):
        return out
    own = float(ggr[it]) - grants_pct
    proj = g.years >= t
    out[proj] = np.clip(ggr[proj] - own, 0.0, grants_pct)
    low = [int(y) for y, v in zip(g.years[proj], out[proj], strict=True) if v < grants_pct - 1e-9]
    if low:
        rec.assume(
            f"OD6a where the WEO projects revenue including grants below its {t - 1} ratio "
            f"to GDP, the fall is taken from grants (revenue excluding grants held at "
            f"{own:.2f}% of GDP, its {t - 1} ratio; grants down to 0): in {len(low)} year(s) "
            f"from {low[0]}, grants fall to {float(out[proj].min()):.2f}% of GDP at the lowest"
        )
    return out


def _framework(
    code: str, t: int, last: int, rec: Provenance, ex_ante: bool
) -> tuple[pd.DataFrame, _Gdp, dict[str, str]]:
    """The WEO panel (gaps filled by OD1c/OD1d, or cut after ``t-1`` ex ante), GDP on
    ``t-12 … last`` and the source texts of the fields the gap rules filled."""
    # TX_RPCH/TM_RPCH: the export and import volumes that carry trade past t-1 (OD3)
    weo_series = [
        *_GDP, "TX_RPCH", "TM_RPCH", "GGR_NGDP", "GGXONLB_NGDP", "GGXWDG_NGDP", "BCA_NGDPD"
    ]
    weo_series.append("GGXCNL_NGDP")  # OD1d: the overall balance where no primary one is
    w = ds.weo_panel(code, weo_series, required=["NGDPD", "NGDP", "NGDP_RPCH", "GGR_NGDP"])
    gap_sources: dict[str, str] = {}
    if ex_ante:
        w = w.copy()
        w.loc[w.index > t - 1] = np.nan
    else:
        w, gap_sources = fill_weo_gaps(
            code, w, t, t - HISTORY_YEARS - 2, WEO_LAST_YEAR, rec
        )
    return w, _gdp(code, w, t, last, rec, ex_ante), gap_sources


def macro_paths(
    code: str, t: int, last: int, rec: Provenance, *, ex_ante: bool = False
) -> MacroPaths:
    """The macro framework of ``code`` on ``t-12 … last`` with its provenance.

    ``ex_ante``: no WEO value after ``t-1`` is read (every later year is a projection
    by the stated rule OD1a); the WDI series are read to ``t-1`` in either mode.
    """
    w, g, gap_sources = _framework(code, t, last, rec, ex_ante)
    wp = wdi_panel(code)
    imports, exports_source = _imports(code, t, w, wp, g, rec)
    remittances = _remittances(t, wp, g, rec)
    ca, exports = _exports(
        code, t, w, g, imports, remittances, rec, merchandise=bool(exports_source)
    )
    if exports_source:  # OD3c: the identity gives back the exports imports were built on
        rec.source("macro.exports_usd_m", exports_source)
    fiscal = _fiscal(code, t, w, wp, g, rec)
    for key, text in gap_sources.items():  # OD1c/OD1d: where the WEO stops, say so
        rec.source(key, text)
    gross_raw = column(w, "GGXWDG_NGDP", g.years)
    need = (g.years >= t - 1) & (g.years <= g.wl)
    gross_debt = None if np.isnan(gross_raw[need]).any() else hold_after(gross_raw, g.years, g.wl)
    return MacroPaths(
        years=g.years,
        gdp_usd=g.gdp_usd,
        gdp_lcu=g.gdp_lcu,
        growth=g.growth,
        fx=g.gdp_lcu / g.gdp_usd,
        exports=exports,
        imports=imports,
        remittances=remittances,
        revenue_lcu=fiscal.revenue_lcu,
        grants_lcu=fiscal.grants_lcu,
        primary_exp_lcu=fiscal.primary_exp_lcu,
        primary_balance_pct=fiscal.primary_balance_pct,
        current_account=ca,
        fdi=_fdi(code, t, g, rec),
        gross_debt_pct=gross_debt,
        weo_last_year=g.wl,
    )
