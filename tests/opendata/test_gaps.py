"""Where the WEO stops: the World Bank's published series, then the stated rules OD1c/OD1d/OD3c.

Every expected value is recomputed here from the bundled source tables (the WDI, the WEO),
not taken from the builder: a published value must come through unchanged, and a rule's
value must be what its documented formula gives on the raw data.
"""

from __future__ import annotations

import functools
import json
from typing import TYPE_CHECKING

import numpy as np
import pytest

from debttrap import datasets as ds
from debttrap.dsa.run import run_dsa
from debttrap.opendata import BuiltCountry, build_country, dsa_countries

if TYPE_CHECKING:
    from conftest import RunCli


@functools.cache
def built(code: str) -> BuiltCountry:
    return build_country(code)


def _weo(code: str, series: str, year: int) -> float:
    f = ds.weo(code, [series])
    return float(f.loc[f["year"] == year, "value"].iloc[0])


def _wdix(code: str, series: str, year: int) -> float:
    f = ds.wdi_external(code, [series])
    return float(f.loc[f["year"] == year, "value"].iloc[0])


def _peer_median(series: str, year: int, exclude: str) -> float:
    f = ds.weo(None, [series])
    peers = set(dsa_countries()) - {exclude}
    return float(f[(f["iso3"].isin(peers)) & (f["year"] == year)]["value"].median())


# --------------------------------------------------------------------------- Syria


def test_syria_gdp_follows_the_wdi_after_the_weo_stops_in_2010() -> None:
    f = built("SYR").to_frame()
    # the WDI's US$ GDP change from 2010 to 2022 on the WEO's 2010 level (World Bank,
    # NY.GDP.MKTP.CD: 61.4 -> 23.7 US$ bn)
    ratio = _wdix("SYR", "gdp_usd_m", 2022) / _wdix("SYR", "gdp_usd_m", 2010)
    assert f.loc[2022, "nominal_gdp_usd_m"] == pytest.approx(
        _weo("SYR", "NGDPD", 2010) * 1000.0 * ratio, rel=1e-9
    )
    growth = ds.wdi_macro("SYR", ["real_gdp_growth_pct"]).set_index("year")["value"]
    for y in (2016, 2020, 2022):
        assert f.loc[y, "real_gdp_growth_pct"] == pytest.approx(float(growth.loc[y]))
    # exports as published: the WDI's share of GDP in 2022 (6.8%)
    share = f.loc[2022, "exports_usd_m"] / f.loc[2022, "nominal_gdp_usd_m"] * 100.0
    assert share == pytest.approx(_wdix("SYR", "exports_gs_pct_gdp", 2022))


def test_syria_projections_follow_the_stated_rules() -> None:
    f = built("SYR").to_frame()
    # OD1c: real growth in 2026 is the LIC-DSF peers' median WEO growth for 2026
    assert f.loc[2026, "real_gdp_growth_pct"] == pytest.approx(
        _peer_median("NGDP_RPCH", 2026, "SYR")
    )
    # OD1c: US$ GDP grows with real growth times the US GDP deflator (WEO United States)
    us = {y: _weo("USA", "NGDPD", y) for y in (2025, 2026)}
    us_defl = us[2026] / us[2025] / (1.0 + _weo("USA", "NGDP_RPCH", 2026) / 100.0)
    g = f.loc[2026, "real_gdp_growth_pct"] / 100.0
    assert f.loc[2026, "nominal_gdp_usd_m"] / f.loc[2025, "nominal_gdp_usd_m"] == pytest.approx(
        (1.0 + g) * us_defl
    )
    # the exchange rate is held from the last published year
    assert f.loc[2026, "exchange_rate_lcu_per_usd"] == pytest.approx(
        f.loc[2023, "exchange_rate_lcu_per_usd"]
    )
    # OD1d: revenue (incl. grants) in 2026 is the peers' median WEO ratio to GDP
    rev = f.loc[2026, "revenue_incl_grants_lcu_m"] / f.loc[2026, "nominal_gdp_lcu_m"] * 100.0
    assert rev == pytest.approx(_peer_median("GGR_NGDP", 2026, "SYR"))


def test_syria_fields_say_published_derived_or_assumed() -> None:
    b = built("SYR")
    kinds = b.source_kinds()
    assert kinds["macro.exports_usd_m"] == "published"
    assert kinds["macro.imports_usd_m"] == "published"
    assert kinds["external_debt.imf_credit_usd_m"] == "published"
    assert kinds["external_debt.existing_lines"] == "derived"
    for key in (
        "macro.nominal_gdp_usd_m",
        "macro.real_gdp_growth_pct",
        "macro.government_revenue_incl_grants_lcu_m",
        "macro.government_primary_expenditure_lcu_m",
        "capacity.cpia",
        "domestic_debt.stock_lcu_m",
        "macro.primary_balance_history_pct_gdp",  # none published after 2010: B2 not run
    ):
        assert kinds[key] == "assumed", key
    listed = {label for label, _, _ in b.assumed_headline_fields()}
    assert {"GDP in US dollars", "government revenue including grants", "CPIA score"} <= listed
    labels = [a.split()[0] for a in b.assumptions]
    assert {"OD1c", "OD1d", "OD10c"} <= set(labels)


def test_syria_dsa_runs_with_public_debt_not_evaluated() -> None:
    b = built("SYR")
    res = run_dsa(b.country)
    assert res.years[0] == 2024
    assert b.country.domestic_debt.not_evaluated_reason  # no WEO gross debt after 2010
    assert np.isfinite(res.to_frame().select_dtypes("number").to_numpy(dtype=float)).any()


def test_syria_cli_lists_the_assumed_values(run_cli: RunCli) -> None:
    code, out, err = run_cli(["country", "SYR"])
    assert code == 0, err
    head = out.split("Assumed values that move an indicator:")[1]
    assert "GDP in US dollars" in head and "(OD1c)" in head
    assert "government revenue including grants" in head and "(OD1d)" in head
    code, out, err = run_cli(["country", "SYR", "--json"])
    assert code == 0, err
    doc = json.loads(out)
    assert doc["source_kinds"]["macro.nominal_gdp_usd_m"] == "assumed"
    code, out, err = run_cli(["dsa", "SYR"])
    assert code == 0, err
    assert "Risk of external debt distress" in out


# --------------------------------------------------------------------------- other gaps


def test_pakistan_keeps_the_weo_lcu_gdp_and_projects_us_dollars_at_a_constant_real_rate() -> None:
    # the October 2024 WEO publishes Pakistan's GDP in rupees to 2029 but in US$ only to 2024
    f = built("PAK").to_frame()
    for y in (2026, 2029):
        assert f.loc[y, "nominal_gdp_lcu_m"] == pytest.approx(_weo("PAK", "NGDP", y) * 1000.0)
        assert f.loc[y, "real_gdp_growth_pct"] == pytest.approx(_weo("PAK", "NGDP_RPCH", y))
    ratio = _wdix("PAK", "gdp_usd_m", 2025) / _wdix("PAK", "gdp_usd_m", 2024)
    assert f.loc[2025, "nominal_gdp_usd_m"] == pytest.approx(
        _weo("PAK", "NGDPD", 2024) * 1000.0 * ratio
    )
    assert built("PAK").source_kinds()["macro.nominal_gdp_usd_m"] == "assumed"


def test_samoa_primary_balance_is_the_published_overall_balance() -> None:
    # the WEO publishes no primary balance for Samoa, only the overall balance (GGXCNL_NGDP)
    f = built("WSM").to_frame()
    for y in (2024, 2028):
        pb = (f.loc[y, "revenue_incl_grants_lcu_m"] - f.loc[y, "primary_expenditure_lcu_m"]) / (
            f.loc[y, "nominal_gdp_lcu_m"]
        ) * 100.0
        assert pb == pytest.approx(_weo("WSM", "GGXCNL_NGDP", y))
    b = built("WSM")
    assert any(a.startswith("OD1d the WEO publishes no primary balance for WSM") for a in
               b.assumptions)
    # the history the B2 test calibrates on follows the same rule
    hist = b.country.macro.primary_balance_history_pct_gdp or {}
    assert sorted(hist) == list(range(2014, 2024))
    assert hist[2020] == pytest.approx(_weo("WSM", "GGXCNL_NGDP", 2020))
    assert b.source_kinds()["macro.primary_balance_history_pct_gdp"] == "assumed"


@pytest.mark.parametrize("code", ["GUY", "PNG"])
def test_trade_from_published_merchandise_exports(code: str) -> None:
    """No imports or exports of goods and services after 2005: exports are the published
    merchandise exports over their share in the last year both were published; imports
    close the current account (OD3c); both are flagged as estimated."""
    b = built(code)
    f = b.to_frame()
    wx = ds.wdi_external(code).pivot_table(index="year", columns="series", values="value")
    both = wx[["merch_exports_usd_m", "exports_gs_pct_gdp", "gdp_usd_m"]].dropna()
    yb = int(both.index.max())
    share = both.loc[yb, "merch_exports_usd_m"] / (
        both.loc[yb, "exports_gs_pct_gdp"] / 100.0 * both.loc[yb, "gdp_usd_m"]
    )
    assert f.loc[2022, "exports_usd_m"] == pytest.approx(
        _wdix(code, "merch_exports_usd_m", 2022) / share
    )
    kinds = b.source_kinds()
    assert kinds["macro.exports_usd_m"] == "assumed"
    assert kinds["macro.imports_usd_m"] == "assumed"
    assert b.sources["macro.exports_usd_m"].startswith("ESTIMATED")
    assert any(a.startswith("OD3c ESTIMATED trade") for a in b.assumptions)
    assert not any(a.startswith("OD3b") for a in b.assumptions)  # OD3c states the identity


def test_a_country_the_weo_covers_reads_no_gap_rule() -> None:
    for code in ("KEN", "ZMB"):
        b = built(code)
        assert not any(a.startswith(("OD1c", "OD1d", "OD3c", "OD10c")) for a in b.assumptions)
        assert "(OD1c)" not in b.sources["macro.nominal_gdp_usd_m"]


def test_afghanistan_builds_on_the_wdi_then_the_rule() -> None:
    b = built("AFG")
    f = b.to_frame()
    ratio = _wdix("AFG", "gdp_usd_m", 2024) / _wdix("AFG", "gdp_usd_m", 2023)
    assert f.loc[2024, "nominal_gdp_usd_m"] == pytest.approx(
        _weo("AFG", "NGDPD", 2023) * 1000.0 * ratio
    )
    assert f.loc[2027, "real_gdp_growth_pct"] == pytest.approx(
        _peer_median("NGDP_RPCH", 2027, "AFG")
    )
    assert b.sources["macro.nominal_gdp_usd_m"].startswith("assumed from 2025 (OD1c)")
