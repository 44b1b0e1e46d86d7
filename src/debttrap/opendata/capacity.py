"""Debt-carrying capacity inputs of a built country (assumptions OD10-OD12).

The composite indicator's components come from the WEO (growth), the WDI
(remittances, reserve cover), the CPIA (scores published before ``t``, carried
forward) and the WEO world growth; where the WDI has none, the 10-year average
printed in the latest published DSA (OD10). The class of the latest published
DSA is the class in force (OD11, two-vintage rule); with incomplete components
the published class is used (OD12).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from debttrap import datasets as ds
from debttrap.country.model import CapacityInputs
from debttrap.dsa.capacity import REMITTANCES_CAP, ci_window_years
from debttrap.errors import DataError
from debttrap.opendata.gdp import EX_ANTE_TREND_YEARS
from debttrap.opendata.macro import MacroPaths
from debttrap.opendata.provenance import WDI, WDIX, WEO, Provenance

__all__ = ["capacity_inputs"]

_FDL = "fdl-lic-dsa-debt-carrying-capacity"
_FDL_COLUMN = {
    "cpia": "ci_in_cpia_avg",
    "real_growth_pct": "ci_in_real_growth_avg_pct",
    "remittances_pct_gdp": "ci_in_remittances_gdp_avg_pct",
    "reserves_pct_imports": "ci_in_reserves_import_cover_avg_pct",
}


def _window_mean(values: pd.Series, window: tuple[int, ...], cap: float | None = None) -> float:
    v = values.reindex(list(window))
    if cap is not None:
        v = v.clip(upper=cap)
    return float(v.mean())


def _published(code: str, t: int, detail: dict[str, Any]) -> pd.Series | None:
    """The latest published 2018-framework DSA before ``t`` (its row), recorded in ``detail``."""
    try:
        f = ds.debt_carrying_capacity(code)
    except DataError:
        return None
    f = f[f["framework"].str.contains("2018") & f["dcc"].notna()]
    f = f[f["pub_year"] < t]
    if f.empty:
        return None
    row = f.sort_values(["pub_year", "pub_month"]).iloc[-1]
    detail["published"] = {
        "dsa_id": str(row["dsa_id"]),
        "classification": str(row["dcc"]),
        "ci_score": None if pd.isna(row["ci_score"]) else float(row["ci_score"]),
    }
    return row


def _cpia(code: str, t: int, window: tuple[int, ...], src: dict[str, str]) -> float | None:
    try:
        c = ds.cpia(code).set_index("year")["cpia_score"]
    except DataError:
        return None
    c = c.loc[: t - 1]  # the scores published before the WEO vintage of year t
    if c.empty:
        return None
    last_cpia = int(c.index.max())
    c = c.reindex(range(int(c.index.min()), window[-1] + 1)).ffill()
    src["cpia"] = (
        f"wb-wdi-cpia: IQ.CPA.IRAI.XQ to {last_cpia} (published before {t}), carried "
        f"forward; mean {window[0]}-{window[-1]}"
    )
    return _window_mean(c, window)


def _wdi_components(
    code: str, t: int, window: tuple[int, ...], comps: dict[str, float | None],
    src: dict[str, str],
) -> None:
    """Remittances and reserves: WDI history, last value held into the projections."""
    try:
        wp = ds.wdi_macro(code).pivot_table(index="year", columns="series", values="value")
    except DataError:
        wp = pd.DataFrame()
    for key, series, scale in (
        ("remittances_pct_gdp", "remittances_pct_gdp", 1.0),
        ("reserves_pct_imports", "reserves_months_of_imports", 100.0 / 12.0),
    ):
        s = wp[series].dropna() * scale if series in wp else pd.Series(dtype=np.float64)
        s = s[s.index <= t - 1]
        if s.empty:
            comps[key] = None
            continue
        full = s.reindex(range(int(s.index.min()), window[-1] + 1)).ffill()
        cap = REMITTANCES_CAP * 100.0 if key == "remittances_pct_gdp" else None
        comps[key] = _window_mean(full, window, cap)
        src[key] = (
            f"{WDI}: {series}{' x 100/12' if scale != 1.0 else ''}, to "
            f"{int(s.index.max())}, last value held to {window[-1]}"
        )


def _world_growth(t: int, ex_ante: bool, rec: Provenance) -> tuple[pd.Series, str]:
    """World growth by year; ex ante, years from ``t`` at the mean of the ten before (OD1b)."""
    world = ds.world_growth_pct()
    if not ex_ante:
        return world, ""
    known = world.loc[t - EX_ANTE_TREND_YEARS : t - 1]
    mean = float(known.mean())
    out = world.copy()
    out.loc[out.index >= t] = mean
    rec.assume(
        f"OD1b ex ante: world growth from {t} (in the capacity window) is its "
        f"{t - EX_ANTE_TREND_YEARS}-{t - 1} average, {mean:.2f}%, not the realised path"
    )
    return out, f"; from {t} its {t - EX_ANTE_TREND_YEARS}-{t - 1} average (OD1b)"


def _reserve_cover_fallback(
    code: str, t: int, window: tuple[int, ...], mac: MacroPaths,
    comps: dict[str, float | None], src: dict[str, str], rec: Provenance,
) -> None:
    """Reserve cover from the WDI/IDS reserves and the builder's imports (OD10b)."""
    try:
        wx = ds.wdi_external(code, ["reserves_incl_gold_usd_m"]).set_index("year")["value"]
    except DataError:
        return
    wx = wx[wx.index <= t - 1].dropna()
    if wx.empty:
        return
    imports = pd.Series(mac.imports, index=mac.years)
    cover = (wx / imports.reindex(wx.index) * 100.0).dropna()
    if cover.empty:
        return
    full = cover.reindex(range(int(cover.index.min()), window[-1] + 1)).ffill()
    comps["reserves_pct_imports"] = _window_mean(full, window)
    src["reserves_pct_imports"] = (
        f"{WDIX}: reserves_incl_gold_usd_m (FI.RES.TOTL.CD) / imports of goods and services "
        f"(as built) x 100, to {int(cover.index.max())}, last value held to {window[-1]} (OD10b)"
    )
    rec.assume(
        "OD10b reserve cover: neither the WDI's derived reserve cover (no WDI imports) nor a "
        "published DSA's average is available; total reserves (WDI FI.RES.TOTL.CD, for a "
        "currency-union member its own reported holdings) over the builder's imports of "
        "goods and services are used"
    )


def _cpia_fallback(
    t: int, window: tuple[int, ...], comps: dict[str, float | None], src: dict[str, str],
    rec: Provenance,
) -> None:
    """No CPIA and no published DSA: the median CPIA of the rated countries (OD10c)."""
    scores = ds.cpia()
    scores = scores[scores["year"] <= t - 1]
    if scores.empty:
        return
    means = [
        _window_mean(
            c.set_index("year")["cpia_score"]
            .reindex(range(int(c["year"].min()), window[-1] + 1))
            .ffill(),
            window,
        )
        for _, c in scores.groupby("iso3")
    ]
    rated = [m for m in means if np.isfinite(m)]
    if not rated:
        return
    comps["cpia"] = float(np.median(rated))
    src["cpia"] = (
        f"assumed (OD10c): the median of the {len(rated)} rated countries' CPIA averages, "
        f"wb-wdi-cpia IQ.CPA.IRAI.XQ to {t - 1}, carried forward; mean {window[0]}-{window[-1]}"
    )
    rec.assume(
        f"OD10c no CPIA score and no published DSA: the CPIA component is the median of the "
        f"{len(rated)} countries the World Bank rates ({comps['cpia']:.2f}, same window); "
        "the capacity class rests on it"
    )


def _components(
    code: str,
    t: int,
    mac: MacroPaths,
    fdl_row: pd.Series | None,
    rec: Provenance,
    ex_ante: bool,
) -> dict[str, float | None]:
    window = ci_window_years(t)
    comps: dict[str, float | None] = {}
    src: dict[str, str] = {}
    comps["cpia"] = _cpia(code, t, window, src)
    comps["real_growth_pct"] = _window_mean(pd.Series(mac.growth, index=mac.years), window)
    src["real_growth_pct"] = (
        f"{WEO}: NGDP_RPCH, {window[0]}-{window[-1]}"
        if "(OD1c)" not in rec.sources.get("macro.real_gdp_growth_pct", "")
        else f"real GDP growth as built (OD1c: WEO, then WDI, then a rule), "
        f"{window[0]}-{window[-1]}"
    )
    _wdi_components(code, t, window, comps, src)
    world, rule = _world_growth(t, ex_ante, rec)
    comps["world_growth_pct"] = _window_mean(world, window)
    src["world_growth_pct"] = (
        f"{WEO}: PPP-weighted NGDP_RPCH of 196 countries, {window[0]}-{window[-1]}{rule}"
    )
    for key, col in _FDL_COLUMN.items():
        if comps.get(key) is None and fdl_row is not None and not pd.isna(fdl_row[col]):
            comps[key] = float(fdl_row[col])
            src[key] = f"{_FDL}: {col} of {fdl_row['dsa_id']} (OD10)"
            rec.assume(
                f"OD10 {key}: no WDI data; the 10-year average printed in the latest published "
                f"DSA ({fdl_row['dsa_id']}) is used"
            )
    if comps.get("reserves_pct_imports") is None:
        _reserve_cover_fallback(code, t, window, mac, comps, src, rec)
    if comps.get("cpia") is None and fdl_row is None:
        _cpia_fallback(t, window, comps, src, rec)
    for key, text in src.items():
        rec.source(f"capacity.{key}", text)
    return comps


def capacity_inputs(
    code: str, t: int, mac: MacroPaths, rec: Provenance, *, ex_ante: bool = False
) -> tuple[CapacityInputs, dict[str, Any]]:
    """The capacity inputs of ``code`` for year ``t`` and a detail record of how they were set.

    Raises :class:`DataError` when there is neither a published class nor a
    complete set of components.
    """
    window = ci_window_years(t)
    detail: dict[str, Any] = {"classification_year": t, "window": [window[0], window[-1]]}
    fdl_row = _published(code, t, detail)
    prior = None if fdl_row is None else str(fdl_row["dcc"])
    comps = _components(code, t, mac, fdl_row, rec, ex_ante)
    detail["components"] = comps
    if prior is not None:
        rec.source(
            "capacity.prior_classification", f"{_FDL}: dcc of {detail['published']['dsa_id']}"
        )
        rec.assume(
            "OD11 the class of the latest published DSA is the class in force; a different CI "
            "signal from this single WEO vintage does not change it (two-vintage rule)"
        )
    missing = [k for k, v in comps.items() if v is None]
    if not missing:
        capacity = CapacityInputs(
            cpia=comps["cpia"],
            real_growth_pct=comps["real_growth_pct"],
            remittances_pct_gdp=comps["remittances_pct_gdp"],
            reserves_pct_imports=comps["reserves_pct_imports"],
            world_growth_pct=comps["world_growth_pct"],
            prior_classification=prior,
            source="CI components from WEO/WDI/CPIA; prior class from the latest published DSA",
        )
    elif prior is not None:
        capacity = CapacityInputs(
            classification=prior,
            source=f"published DSA {detail['published']['dsa_id']} (CI components incomplete)",
        )
        rec.assume(
            f"OD12 CI components missing ({', '.join(missing)}): the published class is used"
        )
    else:
        raise DataError(
            f"cannot assess debt-carrying capacity for {code}: no published DSA class and no "
            f"data for {', '.join(missing)}",
            dataset=WDI if "cpia" not in missing else "wb-wdi-cpia",
            series=missing[0],
            file="wdi.parquet" if "cpia" not in missing else "cpia.parquet",
        )
    return capacity, detail
