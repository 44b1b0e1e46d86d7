"""Rules for the years the bundled WEO does not publish (assumptions OD1c and OD1d).

The October 2024 WEO withholds some countries' series or stops them early: Syria's
after 2010, Afghanistan's after 2023, Pakistan's GDP in US dollars after 2024 (no
exchange-rate projection), Samoa's primary balance altogether. A country whose WEO
series cover its years is built from the WEO alone and nothing here applies. Where they
do not, the same rules apply to every country, each use recorded as a source and an
assumption:

- **OD1c GDP after the WEO ends** (NGDPD, NGDP, NGDP_RPCH): first the World Bank's
  published series (``wb-wdi-lic-macro`` real growth NY.GDP.MKTP.KD.ZG;
  ``wb-wdi-external`` GDP in US$ NY.GDP.MKTP.CD, its change from year to year applied to
  the WEO level so the two sources do not jump, and the GDP deflator NY.GDP.DEFL.KD.ZG,
  which carries GDP in local currency); for years neither publishes, real growth is the
  median of the WEO's real growth for that year across the LIC-DSF peer group
  (:func:`peer_group`), the US$ GDP deflator that of the United States (a constant real
  exchange rate against the dollar; WEO) and the exchange rate is held (GDP in local
  currency moves with GDP in US$). Published GDP (WEO or WDI) must reach ``t-2``;
  otherwise the build fails naming the series (no GDP is invented for years of history).
- **OD1d fiscal and current-account ratios after the WEO's last value** (GGR_NGDP,
  GGXONLB_NGDP, BCA_NGDPD): a primary balance the WEO never publishes is the overall
  balance GGXCNL_NGDP where that is published (interest is not: the primary balance is
  understated by the interest bill); otherwise the last published ratio is held when it
  is for ``t-2`` or later, and the peer group's median ratio for the year is used when
  the last one is older.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from debttrap import datasets as ds
from debttrap.errors import DataError
from debttrap.opendata._series import FloatArray, IntArray, column, years_between
from debttrap.opendata.provenance import DSSI, WDI, WDIX, WEO, Provenance

__all__ = ["FDL", "GDP_SERIES", "fill_weo_gaps", "peer_group", "peer_median"]

FDL = "fdl-lic-dsa-debt-carrying-capacity"
GDP_SERIES = ("NGDPD", "NGDP", "NGDP_RPCH")
#: Published GDP (WEO or WDI) must reach ``t - PUBLISHED_GDP_LAG`` (OD1c).
PUBLISHED_GDP_LAG = 2
_RATIOS = {
    "GGR_NGDP": "macro.government_revenue_incl_grants_lcu_m",
    "GGXONLB_NGDP": "macro.government_primary_expenditure_lcu_m",
    "BCA_NGDPD": "macro.current_account_usd_m",
}
_RATIO_WORDS = {
    "GGR_NGDP": "general-government revenue",
    "GGXONLB_NGDP": "primary balance",
    "BCA_NGDPD": "current-account balance",
}


def peer_group() -> frozenset[str]:
    """The LIC-DSF countries the builder covers: in the DSSI tables (IDA-eligible) or with a
    published LIC DSA (FDL database), and with WEO and IDS data."""
    lic = ds.countries_in(DSSI) | ds.countries_in(FDL)
    return frozenset(lic & set(ds.covered_countries()))


def peer_median(series: str, years: IntArray, exclude: str) -> FloatArray:
    """The median of WEO ``series`` across :func:`peer_group` (less ``exclude``) by year."""
    frame = ds.weo(None, [series])
    frame = frame[frame["iso3"].isin(peer_group() - {exclude})]
    med = frame.groupby("year")["value"].median()
    return np.array(med.reindex(years).to_numpy(dtype=np.float64), dtype=np.float64)


def _wdi(code: str, years: IntArray) -> dict[str, FloatArray]:
    """The World Bank's published GDP series of ``code`` on ``years`` (NaN where absent)."""
    out: dict[str, FloatArray] = {}
    for loader, names in (
        (ds.wdi_macro, ["real_gdp_growth_pct"]),
        (ds.wdi_external, ["gdp_usd_m", "gdp_deflator_growth_pct"]),
    ):
        try:
            frame = loader(code, names).pivot_table(index="year", columns="series", values="value")
        except DataError:
            frame = pd.DataFrame()
        for n in names:
            out[n] = column(frame, n, years)
    return out


def _us_deflator(years: IntArray) -> FloatArray:
    """1 + the growth of the US GDP deflator by year (WEO USA)."""
    us = ds.weo_panel("USA", ["NGDPD", "NGDP_RPCH"], required=["NGDPD", "NGDP_RPCH"])
    gdp = column(us, "NGDPD", years_between(int(years[0]) - 1, int(years[-1])))
    real = column(us, "NGDP_RPCH", years)
    return np.asarray(gdp[1:] / gdp[:-1] / (1.0 + real / 100.0))


def _span(ys: list[int]) -> str:
    return f"{ys[0]}" if len(ys) == 1 else f"{ys[0]}-{ys[-1]}"


def _fill_gdp(
    code: str, w: pd.DataFrame, t: int, lo: int, last: int, rec: Provenance
) -> dict[str, str]:
    """OD1c in place on ``w``: GDP after the WEO ends. Returns the source texts it sets."""
    full = w.loc[:lo, list(GDP_SERIES)].dropna()
    if not full.empty:  # continue from the last year before ``lo`` the WEO has in full
        lo = int(full.index.max())
    years = years_between(lo, last)
    cols = {s: column(w, s, years) for s in GDP_SERIES}
    weo_end = {
        s: int(years[np.flatnonzero(np.isfinite(v))[-1]]) if np.isfinite(v).any() else lo - 1
        for s, v in cols.items()
    }
    wdi = _wdi(code, years)
    peers = peer_median("NGDP_RPCH", years, code)
    us_defl = _us_deflator(years)
    g, usd, lcu = cols["NGDP_RPCH"], cols["NGDPD"], cols["NGDP"]
    origin: dict[str, dict[int, str]] = {s: {} for s in GDP_SERIES}
    for i in range(1, years.size):  # loop over time: each year builds on the one before
        y = int(years[i])
        if np.isnan(g[i]):
            pub = np.isfinite(wdi["real_gdp_growth_pct"][i])
            g[i] = wdi["real_gdp_growth_pct"][i] if pub else peers[i]
            origin["NGDP_RPCH"][y] = "wdi" if pub else "rule"
        if np.isnan(usd[i]) and np.isfinite(usd[i - 1]):
            r = wdi["gdp_usd_m"][i] / wdi["gdp_usd_m"][i - 1]
            pub = bool(np.isfinite(r))
            usd[i] = usd[i - 1] * (r if pub else (1.0 + g[i] / 100.0) * us_defl[i])
            origin["NGDPD"][y] = "wdi" if pub else "rule"
        if np.isnan(lcu[i]) and np.isfinite(lcu[i - 1]):
            d = wdi["gdp_deflator_growth_pct"][i]
            pub = bool(np.isfinite(d)) and origin["NGDP_RPCH"].get(y, "weo") != "rule"
            lcu[i] = lcu[i - 1] * (
                (1.0 + g[i] / 100.0) * (1.0 + d / 100.0) if pub else usd[i] / usd[i - 1]
            )
            origin["NGDP"][y] = "wdi" if pub else "rule"
    ruled = sorted({y for o in origin.values() for y, k in o.items() if k == "rule"})
    if ruled and ruled[0] <= t - PUBLISHED_GDP_LAG:
        s = next(s for s in GDP_SERIES if origin[s].get(ruled[0]) == "rule")
        wdi_name = {"NGDPD": "gdp_usd_m", "NGDP": "gdp_deflator_growth_pct"}.get(
            s, "real_gdp_growth_pct"
        )
        raise DataError(
            f"no value for {code} after {weo_end[s]}, nor in the World Bank series {wdi_name} "
            f"for {ruled[0]}; the builder needs published GDP to {t - PUBLISHED_GDP_LAG} "
            "(t-2) and invents no history",
            dataset=WEO,
            series=s,
            file="weo.parquet",
        )
    for s in GDP_SERIES:
        w.loc[lo:last, s] = cols[s]
    texts: dict[str, str] = {}
    what = {
        "NGDPD": ("macro.nominal_gdp_usd_m", "NGDPD x 1000", "gdp_usd_m (NY.GDP.MKTP.CD) "
                  "year-on-year change on the WEO level", "real growth x the US GDP "
                  "deflator (a constant real exchange rate against the dollar)"),
        "NGDP": ("macro.nominal_gdp_lcu_m", "NGDP x 1000", "real growth x GDP deflator "
                 "(NY.GDP.DEFL.KD.ZG)", "with GDP in US$ (exchange rate held)"),
        "NGDP_RPCH": ("macro.real_gdp_growth_pct", "NGDP_RPCH", "real_gdp_growth_pct "
                      "(NY.GDP.MKTP.KD.ZG)", "the peer group's median WEO real growth"),
    }
    for s, (key, weo_txt, wdi_txt, rule_txt) in what.items():
        by = origin[s]
        if not by:
            continue
        wdi_years = [y for y, k in sorted(by.items()) if k == "wdi"]
        rule_years = [y for y, k in sorted(by.items()) if k == "rule"]
        parts = [f"{WEO}: {weo_txt} to {weo_end[s]}"]
        if wdi_years:
            src = WDI if s == "NGDP_RPCH" else WDIX
            parts.append(f"{src}: {wdi_txt}, {_span(wdi_years)} (published)")
        if rule_years:
            parts.append(f"{_span(rule_years)}: {rule_txt}")
        head = f"assumed from {rule_years[0]} (OD1c): " if rule_years else ""
        texts[key] = head + "; ".join(parts) + "; then OD1"
    if ruled:
        rec.assume(
            f"OD1c the WEO publishes no GDP for {code} after {min(weo_end.values())}: the "
            "World Bank's published real growth, US$ GDP and GDP deflator continue it where "
            f"they exist; for {_span(ruled)} real growth is the median of the WEO's figure "
            f"across the {len(peer_group())} LIC-DSF countries the builder covers, the US$ "
            "GDP deflator that of the United States (a constant real exchange rate against "
            "the dollar) and the exchange rate is held; a projection by rule, not the IMF's"
        )
    else:
        rec.assume(
            f"OD1c the WEO publishes no GDP for {code} after {min(weo_end.values())}: the "
            "World Bank's published real growth, US$ GDP (its change applied to the WEO "
            "level) and GDP deflator continue it"
        )
    texts["macro.exchange_rate_avg_lcu_per_usd"] = (
        f"{WEO}: NGDP / NGDPD (implied), with GDP continued by OD1c"
    )
    return texts


def _fill_ratio(
    code: str, w: pd.DataFrame, s: str, t: int, last: int, rec: Provenance
) -> str | None:
    """OD1d in place on ``w``: ratio ``s`` for ``t … last``. Returns the source text set."""
    years = years_between(t, last)
    v = column(w, s, years)
    if not np.isnan(v).any():
        return None
    words = _RATIO_WORDS[s]
    if s == "GGXONLB_NGDP" and not np.isfinite(column(w, s, years_between(1980, last))).any():
        overall = column(w, "GGXCNL_NGDP", years)
        if np.isfinite(overall).all():  # history too: the B2 test calibrates on it
            w.loc[:last, s] = w.loc[:last, "GGXCNL_NGDP"].to_numpy()
            rec.assume(
                f"OD1d the WEO publishes no primary balance for {code}: it is taken equal to "
                "the overall balance (GGXCNL_NGDP; interest is not published), which "
                "understates the primary balance by the interest bill"
            )
            return (
                f"assumed (OD1d): {WEO}: GGXCNL_NGDP, the overall balance, for the primary "
                "balance"
            )
    allv = column(w, s, years_between(1980, last))
    ok = np.flatnonzero(np.isfinite(allv))
    known = int(1980 + ok[-1]) if ok.size else None
    gap_years = [int(y) for y, x in zip(years, v, strict=True) if np.isnan(x)]
    if known is not None and known >= t - PUBLISHED_GDP_LAG:
        filled = pd.Series(allv, index=years_between(1980, last)).ffill()
        w.loc[t:last, s] = filled.loc[t:last].to_numpy()
        rec.assume(
            f"OD1d the WEO publishes no {words} ({s}) for {code} in {_span(gap_years)}: held "
            f"at its last published ratio to GDP ({known})"
        )
        return (
            f"assumed from {gap_years[0]} (OD1d): {WEO}: {s} to {known}, then held"
        )
    med = peer_median(s, years, code)
    w.loc[t:last, s] = np.where(np.isnan(v), med, v)
    rec.assume(
        f"OD1d the WEO publishes no {words} ({s}) for {code} after "
        f"{known if known is not None else 'any year'}: for {_span(gap_years)} it is the "
        f"median ratio to GDP of the {len(peer_group())} LIC-DSF countries the builder covers "
        "(WEO, same year); no country's own policy is known"
    )
    return f"assumed from {gap_years[0]} (OD1d): the LIC-DSF peer median of {WEO} {s}"


def fill_weo_gaps(
    code: str, w: pd.DataFrame, t: int, lo: int, last: int, rec: Provenance
) -> tuple[pd.DataFrame, dict[str, str]]:
    """``w`` with OD1c/OD1d applied where the WEO lacks a year of ``lo … t+5`` (GDP) or of
    ``t … last`` (ratios), and the source texts of the fields filled (empty when nothing is).
    """
    w = w.copy()
    texts: dict[str, str] = {}
    if any(np.isnan(column(w, s, years_between(lo, t + 5))).any() for s in GDP_SERIES):
        texts |= _fill_gdp(code, w, t, lo, last, rec)
    if not all(w[s].notna().any() for s in GDP_SERIES):
        return w, texts
    gdp_end = min(int(w[s].loc[:last].dropna().index.max()) for s in GDP_SERIES)
    for s, key in _RATIOS.items():
        text = _fill_ratio(code, w, s, t, gdp_end, rec)
        if text is not None:
            texts[key] = text
            if s == "GGXONLB_NGDP" and "GGXCNL_NGDP" in text:
                texts["macro.primary_balance_history_pct_gdp"] = text + ", t-10..t-1"
    return w, texts
