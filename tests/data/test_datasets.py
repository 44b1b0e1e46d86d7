"""The bundled datasets: files, sizes, published reference values, identities, errors."""

from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from debttrap import datasets as ds
from debttrap.errors import DataError

MAX_FILE_BYTES = 2 * 1024 * 1024


def _data_dir() -> resources.abc.Traversable:
    return resources.files("debttrap").joinpath("data")


# --------------------------------------------------------------------------- files


@pytest.mark.parametrize("name", sorted(ds.DATASETS))
def test_every_dataset_has_its_files_and_provenance(name: str) -> None:
    folder = _data_dir().joinpath(name)
    prov = folder.joinpath("PROVENANCE.md").read_text(encoding="utf-8")
    assert "Source" in prov or "source" in prov
    for f in ds.DATASETS[name].files:
        ref = folder.joinpath(f)
        with resources.as_file(ref) as path:
            assert path.stat().st_size < MAX_FILE_BYTES, f"{name}/{f} is over 2 MB"
            assert path.stat().st_size > 0


def test_bundle_stays_small() -> None:
    total = 0
    for name, info in ds.DATASETS.items():
        for f in info.files:
            with resources.as_file(_data_dir().joinpath(name, f)) as path:
                total += path.stat().st_size
    assert total < 4 * 1024 * 1024


def test_no_machine_paths_in_provenance() -> None:
    for name in ds.DATASETS:
        text = _data_dir().joinpath(name, "PROVENANCE.md").read_text(encoding="utf-8")
        assert "/work/" not in text and "../shared" not in text


# --------------------------------------------------------------------------- WEO


def test_weo_vintage_matches_october_2024_us_growth() -> None:
    # IMF WEO October 2024: United States real GDP growth 2.8% (2024) and 2.2% (2025);
    # the source file holds 2.765 and 2.153 (the values that date the vintage).
    us = ds.weo_panel("USA", ["NGDP_RPCH"])["NGDP_RPCH"]
    assert us[2024] == pytest.approx(2.765, abs=5e-4)
    assert us[2025] == pytest.approx(2.153, abs=5e-4)


def test_world_growth_reproduces_published_weo_aggregate() -> None:
    # IMF WEO October 2024, Table 1.1 / press release of 22 Oct 2024: world output growth
    # 3.3% (2023), 3.2% (2024), 3.2% (2025); 2020 -2.7%, 2021 6.6%, 2022 3.6%.
    published = {2020: -2.7, 2021: 6.6, 2022: 3.6, 2023: 3.3, 2024: 3.2, 2025: 3.2}
    wg = ds.world_growth_pct()
    for year, value in published.items():
        assert wg[year] == pytest.approx(value, abs=0.06), year


def test_weo_panel_and_exchange_rate_identity() -> None:
    p = ds.weo_panel("ZMB", ["NGDP", "NGDPD", "NGDP_RPCH"], required=["NGDPD"])
    assert list(p.index[[0, -1]]) == [1980, 2029]
    fx = p["NGDP"] / p["NGDPD"]
    # Zambian kwacha per US$: about 20-27 in 2023-2024 (period average, WEO)
    assert 15 < fx[2023] < 30


def test_weo_errors_name_dataset_series_and_country() -> None:
    with pytest.raises(DataError, match=r"imf-weo-2024oct.*XYZ"):
        ds.weo("XYZ")
    with pytest.raises(DataError, match=r"series 'NOPE'"):
        ds.weo("ZMB", ["NOPE"])
    with pytest.raises(DataError, match=r"not an ISO3"):
        ds.weo("Zambia")


def test_loaders_return_copies() -> None:
    a = ds.cpia("ZMB")
    a.loc[:, "cpia_score"] = -1.0
    assert (ds.cpia("ZMB")["cpia_score"] > 0).all()


# --------------------------------------------------------------------------- IDS


def test_ids_all_creditor_total_is_sum_of_its_components() -> None:
    # DT.DOD.DPPG.CD = BLAT + MLAT + PBND + PCBK + PROP (World Bank IDS definition).
    s = ds.ids_debt_stocks()
    w = s[s["creditor_id"] == "WLD"].pivot_table(
        index=["iso3", "year"], columns="series", values="value_usd_m"
    )
    parts = w[["bilateral", "multilateral", "bonds", "commercial_banks", "other_private"]]
    np.testing.assert_allclose(parts.fillna(0).sum(axis=1), w["total"], rtol=1e-9, atol=1e-9)


def test_zambia_chinese_debt_matches_government_figure() -> None:
    # Zambia's government (Oct 2021): US$5.75bn owed to Chinese lenders, about 40% of public
    # external debt (US$14.71bn end-Sep 2021) — lending-terms reference, case facts, citing
    # Nation Africa. IDS end-2021 stock should be within 5%.
    s = ds.ids_debt_stocks("ZMB", ["total"])
    y = s[s["year"] == 2021]
    china = float(y.loc[y["is_china"], "value_usd_m"].sum())
    world = float(y.loc[y["creditor_id"] == "WLD", "value_usd_m"].sum())
    assert china == pytest.approx(5750, rel=0.05)
    assert world == pytest.approx(14710, rel=0.08)
    assert 0.33 < china / world < 0.42


def test_laos_chinese_debt_matches_aiddata_and_about_half() -> None:
    # AidData: US$5.57bn direct PPG debt to Chinese official creditors; "about half of
    # external public debt is owed to China" (lending-terms reference, case facts, Laos).
    s = ds.ids_debt_stocks("LAO", ["total"])
    y = s[s["year"] == 2022]
    china = float(y.loc[y["is_china"], "value_usd_m"].sum())
    world = float(y.loc[y["creditor_id"] == "WLD", "value_usd_m"].sum())
    assert china == pytest.approx(5570, rel=0.10)
    assert 0.45 < china / world < 0.60


def test_paris_club_has_22_members_all_found_in_ids() -> None:
    members = ds.paris_club_members()
    assert len(members) == 22
    cred = ds.ids_creditors()
    assert int(cred["paris_club"].sum()) == 22
    assert set(cred.loc[cred["paris_club"], "creditor"]) == set(members["ids_creditor_name"])
    assert cred.loc[cred["is_china"], "creditor"].tolist() == ["China"]


def test_ids_unknown_country_is_a_data_error() -> None:
    with pytest.raises(DataError, match=r"wb-ids-ppg-debt-stocks-by-creditor.*USA"):
        ds.ids_debt_stocks("USA")


# --------------------------------------------------------------------------- DSSI


def test_dssi_lender_rows_add_up_to_the_total_row() -> None:
    d = ds.dssi()
    parts = d[~d["is_total"]].groupby(["iso3", "measure", "year"])["value_usd_m"].sum()
    total = d[d["lender_type"] == "Total"].set_index(["iso3", "measure", "year"])["value_usd_m"]
    joined = pd.concat([parts.rename("parts"), total.rename("total")], axis=1).dropna()
    assert len(joined) == 72 * 11
    # published tables round each line to thousands of US$: allow 0.1% or US$0.05m
    np.testing.assert_allclose(joined["parts"], joined["total"], rtol=1e-3, atol=0.05)


def test_dssi_zambia_china_official_stock_2018() -> None:
    # DSSI table (June 2020): Zambia, China official bilateral DOD 2018 = US$2,473,736 thousand.
    d = ds.dssi("ZMB")
    row = d[
        (d["lender"] == "China")
        & (d["lender_type"] == "Official bilateral")
        & (d["measure"] == "stock")
        & (d["year"] == 2018)
    ]
    assert float(row["value_usd_m"].iloc[0]) == pytest.approx(2473.736)


# --------------------------------------------------------------------------- other sets


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_currency_shares_sum_to_100(data: st.DataObject) -> None:
    cc = ds.currency_composition()
    iso3 = data.draw(st.sampled_from(sorted(cc["iso3"].unique())))
    sub = cc[cc["iso3"] == iso3]
    year = data.draw(st.sampled_from(sorted(sub["year"].unique())))
    total = sub.loc[sub["year"] == year, "share_pct"].sum()
    assert total == pytest.approx(100.0, abs=0.6) or total == pytest.approx(0.0, abs=1e-9)


def test_cpia_scores_are_on_the_1_to_6_scale() -> None:
    c = ds.cpia()
    assert c["cpia_score"].between(1.0, 6.0).all()
    # CPIA values are multiples of 1/120 (means of 16 criteria scored in half points; WDI)
    frac = c["cpia_score"] * 120
    assert np.allclose(frac, frac.round(), atol=1e-3)


def test_wdi_derived_series_follow_their_definitions() -> None:
    w = ds.wdi_macro("KEN").pivot_table(index="year", columns="series", values="value")
    rem = w["remittances_usd_m"] / w["gdp_usd_m"] * 100
    np.testing.assert_allclose(
        w["remittances_pct_gdp"].dropna(),
        rem.dropna().loc[w["remittances_pct_gdp"].dropna().index],
        rtol=1e-5,
    )
    months = w["reserves_usd_m"] / (w["imports_gs_pct_gdp"] / 100 * w["gdp_usd_m"] / 12)
    ok = w["reserves_months_of_imports"].dropna().index
    np.testing.assert_allclose(w["reserves_months_of_imports"].loc[ok], months.loc[ok], rtol=1e-5)


def test_pwt_nominal_gdp_agrees_with_wdi() -> None:
    # Independent oracle for the PWT-based US$ conversion the builder uses:
    # cgdpo x pl_gdpo (PWT) against NY.GDP.MKTP.CD (WDI), 2010-2017, many countries.
    p = ds.pwt()
    p = p[p["year"].between(2010, 2017)].assign(gdp=lambda f: f["cgdpo"] * f["pl_gdpo"])
    w = ds.wdi_macro(series=["gdp_usd_m"]).rename(columns={"value": "wdi"})
    j = p.merge(w, on=["iso3", "year"]).dropna(subset=["gdp", "wdi"])
    ratio = j["gdp"] / j["wdi"]
    assert j["iso3"].nunique() > 150
    # The WDI copy is of 2026 and includes later GDP rebasings, PWT 9.1 dates from 2019:
    # the two agree in the median to 2% and for most country-years to 10%.
    assert abs(float(np.median(ratio)) - 1) < 0.02
    assert float((abs(ratio - 1) < 0.10).mean()) > 0.7


def test_fdl_capacity_table_is_the_shared_copy() -> None:
    f = ds.debt_carrying_capacity()
    assert len(f) == 606 and f["iso3"].nunique() == 68
    assert set(f["dcc"].dropna()) == {"weak", "medium", "strong"}


def test_ratings_list_has_34_countries_and_four_classes() -> None:
    r = ds.imf_risk_ratings()
    assert len(r) == 34
    assert set(r["risk_of_debt_distress"]) <= {"low", "moderate", "high", "in debt distress"}


def test_gcdf_aggregates_are_consistent() -> None:
    c = ds.gcdf_country_commitments()
    y = ds.gcdf_yearly_flows()
    assert len(c) == 145 and (c["commitments_2000_2021_usd_m"] >= 0).all()
    assert set(y["year"]) == set(range(2000, 2022))


# --------------------------------------------------------------------------- events


def test_every_distress_event_is_sourced_and_dated() -> None:
    e = ds.distress_events()
    assert len(e) >= 10
    assert (e["source"].str.len() > 10).all()
    assert e["source_url"].str.startswith("http").all()
    closed = e["end_year"].notna()
    assert (e.loc[closed, "end_year"].astype(int) >= e.loc[closed, "start_year"]).all()
    assert set(e["event_type"]) <= {"default", "arrears", "restructuring", "deferral"}
    assert set(e["iso3"]) <= set(ds.weo_countries()["iso3"])


def test_distress_events_by_year() -> None:
    # Chad's Common Framework treatment was agreed in Nov 2022: open in 2022, closed in 2024.
    assert not ds.distress_events("TCD", year=2022).empty
    assert ds.distress_events("TCD", year=2024).empty
    # Somalia reached the HIPC completion point in Dec 2023.
    assert ds.distress_events("SOM", year=2024).empty
    assert not ds.distress_events("ZMB", year=2024).empty
    # a country with no recorded episode: empty, not an error
    assert ds.distress_events("KEN").empty


def test_covered_countries() -> None:
    cov = ds.covered_countries()
    assert {"ZMB", "KEN", "LAO", "GHA", "NPL"} <= set(cov)
    assert "USA" not in cov


def test_iso3_for_name_matches_weo_names_codes_and_labelled_names() -> None:
    from debttrap.datasets import iso3_for_name

    assert iso3_for_name("Zambia") == "ZMB"
    assert iso3_for_name("  zambia ") == "ZMB"
    assert iso3_for_name("zmb") == "ZMB"
    assert iso3_for_name("Zambia (illustrative macro framework)") == "ZMB"
    assert iso3_for_name("Atlantis") is None


def test_one_country_equals_its_rows_of_the_whole_table() -> None:
    """Countries are split from the file as stored and their text columns converted one
    country at a time; that must give exactly the rows (and dtypes) of the whole table."""
    import pandas.testing as pdt

    from debttrap.datasets import _files as ds

    for dataset, file in (
        ("imf-weo-2024oct", "weo.parquet"),
        ("wb-ids-ppg-debt-stocks-by-creditor", "stocks.parquet"),
        ("wb-dssi-debt-service-by-creditor-2020", "dssi.parquet"),
    ):
        whole = ds._table(dataset, file)
        for code in ("ZMB", "KEN", "LAO"):
            want = whole[whole["iso3"] == code].reset_index(drop=True)
            pdt.assert_frame_equal(ds._country(dataset, file, code), want, check_exact=True)
