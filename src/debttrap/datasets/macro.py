"""Macro data: the IMF's WEO (and world growth derived from it), the World Bank's WDI
series, CPIA scores and the Penn World Table."""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np
import pandas as pd

from debttrap.datasets._files import WDI, WDIX, WEO, _code, _country, _only_series, _table
from debttrap.errors import DataError

__all__ = [
    "WDI_EXTERNAL_SERIES",
    "WDI_SERIES",
    "cpia",
    "iso3_for_name",
    "pwt",
    "wdi_external",
    "wdi_macro",
    "weo",
    "weo_countries",
    "weo_panel",
    "weo_series",
    "world_growth_pct",
]


def weo_series() -> pd.DataFrame:
    """The WEO series kept: ``series`` (WEO code), ``name``, ``units``."""
    return _table(WEO, "series.parquet").copy()


def weo_countries() -> pd.DataFrame:
    """WEO countries: ``iso3``, ``name``."""
    return _table(WEO, "countries.parquet").copy()


def iso3_for_name(name: str) -> str | None:
    """The ISO3 code of a country named as the WEO names it (or by its code), else None.

    Matches the WEO name exactly (case-insensitive), the code itself, or a name
    followed by a parenthesis (``"Zambia (illustrative)"``).
    """
    wanted = name.strip().lower()
    names = weo_countries()
    for code, label in zip(names["iso3"], names["name"], strict=True):
        lab = str(label).strip().lower()
        if wanted in (lab, str(code).lower()) or wanted.startswith(lab + " ("):
            return str(code)
    return None


def weo(iso3: str | None = None, series: Sequence[str] | None = None) -> pd.DataFrame:
    """WEO October 2024, long: ``iso3, series, year, value`` (units per :func:`weo_series`).

    Years 1980-2029; values after the country's last actual year are IMF
    projections (2024 onward for most countries).
    """
    frame = _country(WEO, "weo.parquet", iso3)
    if series is not None:
        frame = _only_series(frame, WEO, weo_series()["series"], series)
    return frame


def weo_panel(iso3: str, series: Sequence[str], *, required: Sequence[str] = ()) -> pd.DataFrame:
    """One country's WEO series as columns, indexed by ``year`` (1980-2029, NaN where absent).

    A series in ``required`` with no value at all for the country raises
    :class:`DataError` naming the dataset, the series and the ISO3 code.
    """
    code = _code(iso3)
    long = weo(code, list(series))
    wide = long.pivot_table(index="year", columns="series", values="value", aggfunc="first")
    wide = wide.reindex(index=range(1980, 2030), columns=list(series))
    wide.index = pd.Index(wide.index.astype(np.int64), name="year")
    wide.columns.name = None
    for s in required:
        if wide[s].isna().all():
            raise DataError(f"no values for {code}", dataset=WEO, series=s, file="weo.parquet")
    return wide


@functools.lru_cache(maxsize=1)
def _world_growth() -> pd.Series:
    frame = _table(WEO, "weo.parquet")
    sub = frame[frame["series"].isin(["NGDP_RPCH", "PPPGDP"])]
    wide = sub.pivot_table(index=["iso3", "year"], columns="series", values="value").dropna()
    weights = wide["PPPGDP"].to_numpy()
    growth = wide["NGDP_RPCH"].to_numpy()
    years = wide.index.get_level_values("year").to_numpy()
    uniq = np.unique(years)
    num = np.bincount(np.searchsorted(uniq, years), weights=weights * growth)
    den = np.bincount(np.searchsorted(uniq, years), weights=weights)
    return pd.Series(
        num / den,
        index=pd.Index(uniq.astype(np.int64), name="year"),
        name="world_real_gdp_growth_pct",
    )


def world_growth_pct() -> pd.Series:
    """World real GDP growth, percent, by year 1980-2029 (derived from WEO country data).

    The WEO aggregates country growth with current-year GDP weights at
    purchasing-power parity; this reproduces it from the 196 countries'
    ``NGDP_RPCH`` weighted by ``PPPGDP`` (e.g. 3.34% for 2023 and 3.24% for 2024,
    against the published 3.3 and 3.2).
    """
    return _world_growth().copy()


def cpia(iso3: str | None = None) -> pd.DataFrame:
    """CPIA overall score (1-6): ``iso3, year, cpia_score`` (2005-2025)."""
    return _country("wb-wdi-cpia", "cpia.parquet", iso3)


WDI_SERIES = (
    "revenue_excl_grants_pct_gdp",
    "remittances_pct_gdp",
    "reserves_months_of_imports",
    "real_gdp_growth_pct",
    "gdp_usd_m",
    "reserves_usd_m",
    "remittances_usd_m",
    "imports_gs_pct_gdp",
)


def wdi_macro(iso3: str | None = None, series: Sequence[str] | None = None) -> pd.DataFrame:
    """WDI inputs, long: ``iso3, series, year, value`` (1990-2025).

    Series: ``revenue_excl_grants_pct_gdp`` (GC.REV.XGRT.GD.ZS),
    ``remittances_pct_gdp`` (derived), ``reserves_months_of_imports`` (derived
    approximation; × 100/12 = LIC-DSF import cover in percent),
    ``real_gdp_growth_pct``, and components ``gdp_usd_m``, ``reserves_usd_m``,
    ``remittances_usd_m``, ``imports_gs_pct_gdp``.
    """
    frame = _country(WDI, "wdi.parquet", iso3)
    if series is not None:
        frame = _only_series(frame, WDI, WDI_SERIES, series)
    return frame


WDI_EXTERNAL_SERIES = (
    "exports_gs_pct_gdp", "imports_gs_pct_gdp", "gdp_usd_m", "current_account_usd_m",
    "fdi_net_inflows_usd_m", "remittances_received_usd_m", "oda_received_usd_m",
    "reserves_incl_gold_usd_m", "ext_debt_total_usd_m", "ext_debt_ppg_lt_usd_m",
    "ext_debt_png_usd_m", "ext_debt_short_term_usd_m", "imf_credit_usd_m",
    "ibrd_ida_debt_usd_m", "total_debt_service_pct_exports_gsp", "fuel_exports_pct_merch",
    "ores_metals_exports_pct_merch", "merch_exports_usd_m", "central_gov_debt_pct_gdp",
    "gdp_deflator_growth_pct",
)  # fmt: skip


def wdi_external(iso3: str | None = None, series: Sequence[str] | None = None) -> pd.DataFrame:
    """WDI/IDS external-sector series, long: ``iso3, series, year, value`` (1990-2025).

    Money in US$ m (``_usd_m``), shares in percent; the series are listed in
    :data:`WDI_EXTERNAL_SERIES` and ``wb-wdi-external/PROVENANCE.md`` (WDI code each).
    """
    frame = _country(WDIX, "series.parquet", iso3)
    if series is not None:
        frame = _only_series(frame, WDIX, WDI_EXTERNAL_SERIES, series)
    return frame


def pwt(iso3: str | None = None) -> pd.DataFrame:
    """Penn World Table 9.1: ``iso3, year, rgdpna, rgdpo, cgdpo, pl_gdpo, xr, csh_x, csh_m,
    pl_x, pl_m, pop`` (1950-2017; PWT units: millions of 2011 US$, price levels USA 2011 = 1).
    """
    return _country("pwt-9.1", "pwt.parquet", iso3)
