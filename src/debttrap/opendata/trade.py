"""Trade and external flows of a built country: exports, imports, remittances, FDI.

Imports of goods and services come from the WDI (else the Penn World Table's import
share), remittances (OD4) and net FDI (OD5) from the WDI, all projected on the GDP
framework of :mod:`.gdp`. Exports are the published WDI series where there is one (OD3);
else they follow from the current account (OD3b: imports + current account -
remittances, floored at the same year's published merchandise exports or the PWT's
merchandise export share, flagged), and where no imports are published either, from
published merchandise exports over their share of exports (OD3c). The back-test
(:mod:`.export_backtest`) runs these same functions. Each step records its sources and
assumptions in the :class:`~debttrap.opendata.provenance.Provenance` it is given.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from debttrap import datasets as ds
from debttrap.errors import DataError
from debttrap.opendata._series import FloatArray, IntArray, column, fill_gaps, pwt_panel
from debttrap.opendata.gdp import GdpPaths, current_account_path, extend_by_volume
from debttrap.opendata.provenance import PWT, WDI, WDIX, WEO, Provenance

__all__ = [
    "ExportFloor",
    "export_floor",
    "exports_from_current_account",
    "exports_path",
    "fdi_path",
    "imports_by_volume",
    "imports_path",
    "merchandise_exports",
    "merchandise_share",
    "pwt_export_floor",
    "pwt_imports_pct",
    "remittances_path",
]

_MERCH_NEED = ["merch_exports_usd_m", "exports_gs_pct_gdp", "gdp_usd_m"]


def merchandise_share(wx: pd.DataFrame, upto: int) -> tuple[float, int] | None:
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


def merchandise_exports(
    merch: FloatArray, share: float, w: pd.DataFrame, g: GdpPaths
) -> FloatArray:
    """OD3c exports (US$ m): published merchandise exports (NaN where not, at least one
    finite) / their ``share`` of exports of goods and services, gaps filled as ratios to
    GDP, then WEO export volumes (TX_RPCH) x US$ GDP deflator after the last one."""
    base = int(np.flatnonzero(np.isfinite(merch))[-1])
    ratio = fill_gaps(merch / share / g.gdp_usd, base + 1)
    return extend_by_volume(ratio * g.gdp_usd, base, column(w, "TX_RPCH", g.years), g)


def _imports_from_merchandise(
    code: str, t: int, w: pd.DataFrame, wp: pd.DataFrame, g: GdpPaths, rec: Provenance
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
    known = merchandise_share(wx, t - 1)
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
    exports = merchandise_exports(merch, share, w, g)
    remittances = remittances_path(t, wp, g, Provenance())  # recorded where it is built
    imports = np.maximum(exports - current_account_path(w, g) + remittances, 0.01 * g.gdp_usd)
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


def pwt_imports_pct(code: str) -> pd.Series:
    """Imports of goods and services in % of GDP from the Penn World Table (-csh_m x pl_m /
    pl_gdpo x 100, current prices), by year; empty where the PWT has none."""
    pw = pwt_panel(code, PWT)
    if pw.empty:
        return pd.Series(dtype=np.float64)
    return (-pw["csh_m"] * pw["pl_m"] / pw["pl_gdpo"] * 100.0).dropna()


def imports_by_volume(imp_pct: FloatArray, w: pd.DataFrame, g: GdpPaths) -> tuple[FloatArray, int]:
    """Imports (US$ m) from their ratio to GDP (%, NaN where unknown, at least one finite)
    to its last known year, gaps filled; then WEO import volumes (TM_RPCH) x US$ GDP
    deflator (OD3), then OD1. Returns the path and that last known year."""
    years = g.years
    base_m = int(years[np.flatnonzero(np.isfinite(imp_pct))[-1]])
    imp_pct = fill_gaps(imp_pct, int(np.searchsorted(years, base_m)) + 1)
    imports = extend_by_volume(
        imp_pct / 100.0 * g.gdp_usd,
        int(np.searchsorted(years, base_m)),
        column(w, "TM_RPCH", years),
        g,
    )
    return imports, base_m


def imports_path(
    code: str, t: int, w: pd.DataFrame, wp: pd.DataFrame, g: GdpPaths, rec: Provenance
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
        share_m = pwt_imports_pct(code)
        if share_m.empty:
            return _imports_from_merchandise(code, t, w, wp, g, rec)
        imp_pct = share_m.reindex(years).to_numpy(dtype=np.float64)
        src_m = f"{PWT}: -csh_m x pl_m / pl_gdpo"
    imports, base_m = imports_by_volume(imp_pct, w, g)
    rec.source(
        "macro.imports_usd_m",
        f"{src_m} x WEO GDP, to {base_m}; then WEO TM_RPCH volume x US$ GDP deflator (OD3); "
        "then OD1",
    )
    return imports, ""


def _ratio_held(values_usd_m: FloatArray, g: GdpPaths) -> tuple[FloatArray, int]:
    """A flow published to some year (US$ m, NaN where not): gaps filled, later years at
    the mean ratio to GDP of the last three published years. Returns the path and the
    last published year (there must be one)."""
    ratio = values_usd_m / g.gdp_usd
    ok = np.flatnonzero(np.isfinite(ratio))
    hold = float(np.mean(ratio[ok[-3:]]))
    ratio = fill_gaps(ratio, int(ok[-1]) + 1)
    ratio[ok[-1] + 1 :] = hold
    return ratio * g.gdp_usd, int(g.years[ok[-1]])


def remittances_path(t: int, wp: pd.DataFrame, g: GdpPaths, rec: Provenance) -> FloatArray:
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


def fdi_path(code: str, t: int, g: GdpPaths, rec: Provenance) -> FloatArray:
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
    code: str, t: int, w: pd.DataFrame, g: GdpPaths, rec: Provenance
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
    exports = extend_by_volume(
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


def pwt_export_floor(code: str) -> tuple[float, int] | None:
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
class ExportFloor:
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


def _merchandise_floor(code: str, t: int, w: pd.DataFrame, g: GdpPaths) -> ExportFloor | None:
    """OD3b's floor (as amended): published merchandise exports (WDI TX.VAL.MRCH.CD.WT,
    US$ m) of each year from the first published one to the last before ``t`` (interior
    gaps filled as ratios to GDP), then WEO export volumes (TX_RPCH) x US$ GDP deflator
    as OD3c's path (:func:`merchandise_exports` with a share of 1), then with US$ GDP;
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
    floor = merchandise_exports(merch, 1.0, w, g)
    floor[: ok[0]] = np.nan
    return ExportFloor(floor, "merchandise", int(years[ok[0]]), int(years[ok[-1]]))


def export_floor(code: str, t: int, w: pd.DataFrame, g: GdpPaths) -> ExportFloor | None:
    """OD3b's floor for a build with first projection year ``t``: the published
    merchandise exports (:func:`_merchandise_floor`), else the PWT's merchandise export
    share of GDP (:func:`pwt_export_floor`) times GDP, else ``None`` (1% of GDP only).

    The builder and the back-test (:mod:`debttrap.opendata.export_backtest`) both call it.
    """
    merch = _merchandise_floor(code, t, w, g)
    if merch is not None:
        return merch
    pwt = pwt_export_floor(code)
    if pwt is None:
        return None
    return ExportFloor(pwt[0] * g.gdp_usd, "pwt", int(g.years[0]), pwt[1])


def exports_from_current_account(
    imports_usd_m: FloatArray,
    current_account_usd_m: FloatArray,
    remittances_usd_m: FloatArray,
    gdp_usd_m: FloatArray,
    floor_usd_m: FloatArray | None,
) -> FloatArray:
    """OD3b, year by year: exports = imports + current account - remittances (US$ m),
    floored at ``floor_usd_m`` (US$ m: OD3b's floor, :func:`export_floor`; NaN in a year,
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


def _floor_words(floor: ExportFloor | None, binds: IntArray, t: int) -> str:
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


def exports_path(
    code: str,
    t: int,
    w: pd.DataFrame,
    g: GdpPaths,
    imports: FloatArray,
    remittances: FloatArray,
    rec: Provenance,
    *,
    merchandise: bool = False,
) -> tuple[FloatArray, FloatArray]:
    """Current account and exports (US$ m): published where the WDI has them (OD3), else
    exports = imports + CA − remittances (OD3b, flagged) floored by :func:`export_floor`;
    ``merchandise``: the imports were built from merchandise exports (OD3c), which this
    identity gives back (OD3c says so)."""
    years, gdp_usd = g.years, g.gdp_usd
    ca = current_account_path(w, g)
    rec.source("macro.current_account_usd_m", f"{WEO}: BCA_NGDPD x GDP; then OD1")
    published = _published_exports(code, t, w, g, rec)
    if published is not None:
        return ca, published
    floor = export_floor(code, t, w, g)
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
