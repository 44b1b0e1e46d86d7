"""The macro framework of a built country: the fiscal side and the assembly.

:func:`macro_paths` assembles the macro series of a built country from its parts: the
WEO panel and GDP (:func:`framework`, :mod:`.gdp`: WEO history and projections extended
beyond the WEO horizon by holding growth, the deflators and every ratio to GDP, OD1),
trade and external flows (:mod:`.trade`: WDI imports, remittances and FDI; exports
published or estimated, OD3-OD5) and the fiscal side here: revenue and primary
expenditure from the WEO's ratios to GDP, grants from WEO revenue less the WDI's
revenue excluding grants, bounded by net ODA received (OD6). Each step records its
sources and assumptions in the :class:`~debttrap.opendata.provenance.Provenance` it is
given.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from debttrap import datasets as ds
from debttrap.errors import DataError
from debttrap.opendata._series import FloatArray, IntArray, column, hold_after, wdi_panel
from debttrap.opendata.gaps import fill_weo_gaps, peer_group
from debttrap.opendata.gdp import (
    GDP_SERIES,
    HISTORY_YEARS,
    WEO_LAST_YEAR,
    GdpPaths,
    gdp_paths,
)
from debttrap.opendata.provenance import WDI, WDIX, WEO, Provenance
from debttrap.opendata.trade import exports_path, fdi_path, imports_path, remittances_path

__all__ = [
    "MacroPaths",
    "framework",
    "macro_paths",
    "peer_grants_share_of_oda",
]


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
class _Fiscal:
    revenue_lcu: FloatArray
    grants_lcu: FloatArray
    primary_exp_lcu: FloatArray
    primary_balance_pct: FloatArray


def _grants_pct(
    code: str, t: int, w: pd.DataFrame, wp: pd.DataFrame, g: GdpPaths, ggr: FloatArray,
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


def _oda_pct(code: str, g: GdpPaths, win: NDArray[np.bool_]) -> float | None:
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
    code: str, t: int, w: pd.DataFrame, wp: pd.DataFrame, g: GdpPaths, rec: Provenance
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
    t: int, g: GdpPaths, ggr: FloatArray, grants_pct: float, rec: Provenance
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


def framework(
    code: str, t: int, last: int, rec: Provenance, ex_ante: bool
) -> tuple[pd.DataFrame, GdpPaths, dict[str, str]]:
    """The WEO panel (gaps filled by OD1c/OD1d, or cut after ``t-1`` ex ante), GDP on
    ``t-12 … last`` and the source texts of the fields the gap rules filled."""
    # TX_RPCH/TM_RPCH: the export and import volumes that carry trade past t-1 (OD3)
    weo_series = [
        *GDP_SERIES, "TX_RPCH", "TM_RPCH", "GGR_NGDP", "GGXONLB_NGDP", "GGXWDG_NGDP", "BCA_NGDPD"
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
    return w, gdp_paths(code, w, t, last, rec, ex_ante), gap_sources


def macro_paths(
    code: str, t: int, last: int, rec: Provenance, *, ex_ante: bool = False
) -> MacroPaths:
    """The macro framework of ``code`` on ``t-12 … last`` with its provenance.

    ``ex_ante``: no WEO value after ``t-1`` is read (every later year is a projection
    by the stated rule OD1a); the WDI series are read to ``t-1`` in either mode.
    """
    w, g, gap_sources = framework(code, t, last, rec, ex_ante)
    wp = wdi_panel(code)
    imports, exports_source = imports_path(code, t, w, wp, g, rec)
    remittances = remittances_path(t, wp, g, rec)
    ca, exports = exports_path(
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
        fdi=fdi_path(code, t, g, rec),
        gross_debt_pct=gross_debt,
        weo_last_year=g.wl,
    )
