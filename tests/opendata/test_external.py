"""Fund credit, short-term debt, market access and commodity shares of built countries."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest

from debttrap import datasets as ds
from debttrap.dsa.run import run_dsa
from debttrap.opendata import BuiltCountry, build_country
from debttrap.opendata.external import (
    PRGT_GRACE_YEARS,
    PRGT_MATURITY_YEARS,
    SDR_ALLOCATED_2021_BN,
    SDR_ALLOCATED_BEFORE_2021_BN,
    SDR_INTEREST_RATE_PCT,
    commodity_share_history,
    prgt_runoff_shares,
    sdr_allocations_estimate,
)


@functools.cache
def built(code: str) -> BuiltCountry:
    return build_country(code)


def _discrete_prgt_runoff() -> np.ndarray:
    """Independent oracle: monthly disbursements over ten years, each repaid in ten equal
    semi-annual instalments at 5.5, 6.0, …, 10.0 years (IMF PRGT factsheet: zero interest,
    5½ years' grace, 10 years' maturity); principal due in each following year / stock."""
    months = np.arange(120)  # ages in months of the cohorts at the stock date
    due_times = np.arange(66, 121, 6)  # instalment ages in months
    stock = 0.0
    due = np.zeros(10)
    for a in months:
        left = due_times[due_times > a]
        stock += left.size / due_times.size
        for d in left:
            year = (d - a - 1) // 12  # due in year 1 … 10 after the stock date
            due[year] += 1.0 / due_times.size
    return due / stock


def test_prgt_terms_are_the_funds() -> None:
    # IMF, "Poverty Reduction and Growth Trust" factsheet: ECF/SCF credit at 0%, repaid
    # over 5½-10 years.
    assert (PRGT_GRACE_YEARS, PRGT_MATURITY_YEARS) == (5.5, 10.0)


def test_prgt_runoff_matches_a_discrete_instalment_simulation() -> None:
    shares = prgt_runoff_shares()
    assert shares.sum() == pytest.approx(1.0, abs=1e-12)
    assert (shares >= 0).all() and shares.size == 10
    np.testing.assert_allclose(shares, _discrete_prgt_runoff(), atol=0.02)


@pytest.mark.parametrize("code", ["KEN", "TCD", "SLE"])
def test_imf_credit_is_an_existing_multilateral_line_of_the_published_stock(code: str) -> None:
    b = built(code)
    lines = [ln for ln in b.country.external_debt.existing_lines if ln.name.startswith("IMF")]
    assert len(lines) == 1
    line = lines[0]
    assert line.group == "multilateral"
    wx = ds.wdi_external(code, ["imf_credit_usd_m"]).set_index("year")["value"]
    year = int(b.sources["external_debt.imf_credit_usd_m"].split("end-")[1][:4])
    # the whole published stock is repaid, at 0% interest (service = principal)
    assert sum(line.debt_service_usd_m.values()) <= float(wx.loc[year]) + 1e-6
    assert line.principal_usd_m == line.debt_service_usd_m
    assert "OD16" in line.source
    assert any(a.startswith("OD16 IMF credit") for a in b.assumptions)


def test_imf_credit_raises_the_external_stock_by_its_balance() -> None:
    # The builder's external stock at t-1 holds IDS PPG debt rolled forward plus Fund credit
    # plus the SDR allocations, which are never repaid (no principal) and whose yearly
    # service is interest at the SDR rate on the allocation.
    b = built("KEN")
    ed = b.country.external_debt
    imf = next(ln for ln in ed.existing_lines if ln.name.startswith("IMF"))
    sdr = next(ln for ln in ed.existing_lines if ln.name.startswith("SDR allocations"))
    assert not any((sdr.principal_usd_m or {}).values())
    interest = set(np.round(list(sdr.debt_service_usd_m.values()), 9))
    assert len(interest) == 1
    allocations = interest.pop() / (SDR_INTEREST_RATE_PCT / 100.0)
    others = sum(
        sum((ln.principal_usd_m or {}).values())
        for ln in ed.existing_lines
        if not ln.name.startswith(("IMF", "SDR"))
    )
    assert ed.ppg_mlt_outstanding_usd_m == pytest.approx(
        others + sum((imf.principal_usd_m or {}).values()) + allocations, rel=1e-9
    )


def _series(values: dict[int, float]) -> pd.Series:
    return pd.Series(values, dtype=float)


def test_sdr_allocations_of_a_member_without_fund_credit_are_its_steps() -> None:
    # A member with no Fund credit: the series is its allocations alone, a level P held
    # since 2009 and a step A in 2021 in the aggregate ratio (IMF: SDR 456.5bn in 2021
    # against 204.2bn before). The estimate is P + A, all of the stock.
    p = 40.0
    a = p * SDR_ALLOCATED_2021_BN / SDR_ALLOCATED_BEFORE_2021_BN
    s = _series({y: p for y in range(2009, 2021)} | {y: p + a for y in range(2021, 2024)})
    est, rule = sdr_allocations_estimate(s, 2023)
    assert est == pytest.approx(p + a)
    assert "2021 step" in rule


def test_sdr_allocations_are_bounded_against_fund_credit_disbursed_in_the_step_year() -> None:
    # Allocations P = 40 before 2021; in 2021 the member draws 300 of Fund credit besides
    # its allocation A: the step (A + 300) is bounded by 2.24 x the 2010-2020 low.
    p = 40.0
    ratio = SDR_ALLOCATED_2021_BN / SDR_ALLOCATED_BEFORE_2021_BN
    a = p * ratio
    s = _series({y: p for y in range(2009, 2021)} | {2021: p + a + 300.0, 2022: p + a + 300.0})
    est, _ = sdr_allocations_estimate(s, 2022)
    assert est == pytest.approx(p + a)
    # Fund credit held through the 2010s (low = 140) does not count as allocations
    # beyond the step's share (A / 2.24).
    s2 = _series({y: p + 100.0 for y in range(2009, 2021)} | {2021: p + 100.0 + a})
    est2, _ = sdr_allocations_estimate(s2, 2021)
    assert est2 == pytest.approx(a + a / ratio)


def test_sdr_allocations_never_exceed_the_stock_since_the_allocation() -> None:
    s = _series({2019: 10.0, 2020: 10.0, 2021: 100.0, 2022: 60.0})
    est, _ = sdr_allocations_estimate(s, 2022)
    assert est <= 60.0 + 1e-12


def test_sdr_allocations_before_2021_use_the_2009_step_and_no_later_value() -> None:
    # ex ante (stock year 2014): the 2009 step scaled to all earlier allocations; the
    # 2021 value must not be read.
    s = _series({2008: 20.0, 2009: 120.0, 2014: 130.0, 2021: 1e6})
    est, rule = sdr_allocations_estimate(s, 2014)
    assert est == pytest.approx(100.0 * 204.2 / 182.7)
    assert "2009 step" in rule
    assert sdr_allocations_estimate(_series({2015: 5.0}), 2016)[0] == 0.0


def test_short_term_debt_is_reported_not_counted() -> None:
    b = built("ZMB")
    assert "DT.DOD.DSTC.CD" in b.sources["external_debt.short_term_all_borrowers_usd_m"]
    assert any(a.startswith("OD17 short-term external debt") for a in b.assumptions)
    assert b.country.external_debt.ppg_short_term_usd_m == {}
    assert "arrears" in b.sources["external_debt.arrears_usd_m"]


@pytest.mark.parametrize(("code", "market"), [("KEN", True), ("ZMB", True), ("NPL", False)])
def test_market_access_follows_bonds_outstanding(code: str, market: bool) -> None:
    # Kenya and Zambia have Eurobonds outstanding (IDS bonds > 0); Nepal has none.
    b = built(code)
    assert b.country.market_access is market
    assert b.country.tailored.market_financing is market
    res = run_dsa(b.country)
    assert ("B2.1" in res.stress and "B6.1" in res.stress) is market


def test_commodity_share_formula() -> None:
    # (fuel + ores/metals) % of merchandise x merchandise / exports of G&S
    wx = pd.DataFrame(
        {
            "fuel_exports_pct_merch": [10.0],
            "ores_metals_exports_pct_merch": [70.0],
            "merch_exports_usd_m": [800.0],
            "exports_gs_pct_gdp": [20.0],
            "gdp_usd_m": [5000.0],
        },
        index=[2022],
    )
    assert commodity_share_history(wx, range(2022, 2023)) == {2022: pytest.approx(64.0)}


def test_copper_exporter_zambia_runs_the_commodity_test() -> None:
    # Copper is about 70% of Zambia's merchandise exports (WTO/UN Comtrade): C3 applies.
    b = built("ZMB")
    hist = b.country.tailored.commodity_exports_share_history_pct
    assert hist is not None and set(hist) == {2021, 2022, 2023}
    assert sum(hist.values()) / 3 >= 50.0
    res = run_dsa(b.country)
    assert "C3" in res.stress


def test_non_commodity_exporter_does_not() -> None:
    b = built("NPL")
    hist = b.country.tailored.commodity_exports_share_history_pct
    assert hist is None or sum(hist.values()) / 3 < 50.0
    assert "C3" not in run_dsa(b.country).stress


def test_published_debt_figures_name_their_sources() -> None:
    # tests/reference/opendata/published_debt_figures.csv: copied from the project's
    # reference notes (lending-terms case facts), each row with publisher and address.
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "reference" / "opendata" / (
        "published_debt_figures.csv"
    )
    table = pd.read_csv(path)
    assert len(table) >= 4
    assert table["publisher"].notna().all()
    assert table["source"].str.contains("https://").sum() >= 3
    # Zambia's government figure for public external debt, end-June 2022: US$14.87bn.
    zmb = table[(table["iso3"] == "ZMB") & (table["measure"] == "ppg_external_debt_usd_bn")]
    assert float(zmb["value"].iloc[0]) == 14.87


def test_synthetic_schedules_are_labelled() -> None:
    b = built("KEN")
    for line in b.country.external_debt.existing_lines:
        if not line.name.startswith(("IMF", "SDR")):
            assert "SYNTHETIC schedule" in line.source


def test_a_deferred_group_is_labelled_as_deferred() -> None:
    """Tajikistan's US$500m Eurobond (IDS bonds, end-2022) pays only its coupon in the DSSI
    table (US$35.6m a year due 2019-2024, no principal): OD7 repays it over the bondholders'
    10-year maturity from 2025 (500 / 10 = 50 a year), and the line's source says so instead
    of naming a repayment pace it does not use."""
    line = next(
        ln for ln in built("TJK").country.external_debt.existing_lines
        if ln.name.startswith("Bondholders")
    )
    assert line.principal_usd_m is not None
    assert line.principal_usd_m[2024] == 0.0
    assert line.principal_usd_m[2025] == pytest.approx(50.0)
    assert "no principal in the country's DSSI table to 2024" in line.source
    assert "pace" not in line.source


def test_net_fdi_is_the_published_wdi_series_then_its_ratio_to_gdp() -> None:
    # WDI BX.KLT.DINV.CD.WD, Nicaragua (wb-wdi-external): US$1,047.2m (2021),
    # US$1,287.1m (2022), US$1,113.9m (2023).
    b = built("NIC")
    fdi = b.country.macro.net_fdi_usd_m
    gdp = b.country.macro.nominal_gdp_usd_m
    assert fdi[2021] == pytest.approx(1047.2)
    assert fdi[2023] == pytest.approx(1113.9)
    held = np.mean([fdi[y] / gdp[y] for y in (2021, 2022, 2023)])
    for y in (2024, 2030, b.country.last_projection_year):
        assert fdi[y] / gdp[y] == pytest.approx(held, rel=1e-12)
    assert b.sources["macro.net_fdi_usd_m"].startswith("wb-wdi-external: fdi_net_inflows")
    assert not any(a.startswith("OD5") and "set to 0" in a for a in b.assumptions)


def test_net_fdi_ex_ante_reads_nothing_after_the_decision() -> None:
    # Ex ante for 2021: the published 2021 value (US$1,047.2m) must not be read; 2021 is
    # the mean ratio to GDP of 2018-2020 (WDI: US$837.6m, US$503.0m, US$746.5m).
    b = build_country("NIC", 2021, ex_ante=True)
    fdi = b.country.macro.net_fdi_usd_m
    gdp = b.country.macro.nominal_gdp_usd_m
    assert fdi[2020] == pytest.approx(746.5)
    assert fdi[2021] != pytest.approx(1047.2)
    held = np.mean([fdi[y] / gdp[y] for y in (2018, 2019, 2020)])
    assert fdi[2021] / gdp[2021] == pytest.approx(held, rel=1e-12)


def test_fdi_volatility_sizes_the_b4_shock() -> None:
    # The B4 test lowers FDI by one standard deviation of its t-10..t-1 history
    # (lic-dsf-method.md §4): with the published FDI the B4 path of PV of external
    # debt/GDP lies above the one with FDI at 0 (only transfers shocked).
    b = built("NIC")
    zero = {y: 0.0 for y in b.country.macro.net_fdi_usd_m}
    macro0 = b.country.macro.model_copy(update={"net_fdi_usd_m": zero})
    no_fdi = b.country.model_copy(update={"macro": macro0})
    with_fdi = run_dsa(b.country).stress["B4"].pv_ext_debt_to_gdp_pct
    without = run_dsa(no_fdi).stress["B4"].pv_ext_debt_to_gdp_pct
    assert np.nanmax(with_fdi) > np.nanmax(without) + 0.1
