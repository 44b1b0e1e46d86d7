"""Creditor view: groups add up, published shares, DSSI vs IDS, result object."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from debttrap import datasets as ds
from debttrap.country.creditors import (
    CREDITOR_GROUPS,
    creditor_view,
    dssi_service_by_group,
    ids_stocks_by_group,
)
from debttrap.errors import DataError


def test_groups_add_up_to_the_ids_total_for_every_country_year() -> None:
    stocks = ds.ids_debt_stocks()
    grouped = ids_stocks_by_group(stocks)
    world = (
        stocks[(stocks["creditor_id"] == "WLD") & (stocks["series"] == "total")]
        .set_index(["iso3", "year"])["value_usd_m"]
        .reindex(grouped.index)
        .fillna(0.0)
    )
    np.testing.assert_allclose(grouped.sum(axis=1), world, rtol=1e-9, atol=1e-6)
    assert (grouped.to_numpy() >= -1e-9).all()


_amount = st.floats(min_value=0.0, max_value=1e4, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(
    china=st.tuples(_amount, _amount, _amount),
    pc=st.lists(_amount, min_size=0, max_size=4),
    other_bilat=_amount,
    multi=_amount,
    bonds=_amount,
    banks=_amount,
    other=_amount,
)
def test_grouping_identity_on_synthetic_tables(
    china: tuple[float, float, float],
    pc: list[float],
    other_bilat: float,
    multi: float,
    bonds: float,
    banks: float,
    other: float,
) -> None:
    # A consistent synthetic debtor: World = sum of its creditors, series by series.
    rows = []

    def add(
        cid: str, series: str, v: float, *, is_china: bool = False, paris: bool = False
    ) -> None:
        rows.append(("XXX", cid, paris, is_china, series, 2020, v))

    c_bil, c_bank, c_oth = china
    add("730", "bilateral", c_bil, is_china=True)
    add("730", "commercial_banks", c_bank, is_china=True)
    add("730", "other_private", c_oth, is_china=True)
    for k, v in enumerate(pc):
        add(f"PC{k}", "bilateral", v, paris=True)
    bil = c_bil + sum(pc) + other_bilat
    world = {
        "bilateral": bil,
        "multilateral": multi,
        "bonds": bonds,
        "commercial_banks": c_bank + banks,
        "other_private": c_oth + other,
    }
    for s, v in world.items():
        add("WLD", s, v)
    add("WLD", "total", sum(world.values()))
    frame = pd.DataFrame(
        rows,
        columns=["iso3", "creditor_id", "paris_club", "is_china", "series", "year", "value_usd_m"],
    )
    g = ids_stocks_by_group(frame).loc[("XXX", 2020)]
    assert g.sum() == pytest.approx(sum(world.values()), rel=1e-12, abs=1e-9)
    assert g["china"] == pytest.approx(c_bil + c_bank + c_oth, abs=1e-9)
    assert g["paris_club"] == pytest.approx(sum(pc), abs=1e-9)
    assert g["other_bilateral"] == pytest.approx(other_bilat, abs=1e-6)
    assert g["commercial_banks"] == pytest.approx(banks, abs=1e-6)


def test_zambia_china_share_matches_government_statement() -> None:
    # Zambia's government (Oct 2021): Chinese lenders hold about 40% of public external debt
    # (US$5.75bn of US$14.71bn) — lending-terms reference, case facts.
    v = creditor_view("ZMB")
    f = v.to_frame()
    assert 35.0 < f.loc[2021, "china_stock_share_pct"] < 41.0
    assert f.loc[2021, "bondholders_stock_usd_m"] == pytest.approx(3000.0)  # US$3bn Eurobonds


def test_laos_owes_about_half_to_china() -> None:
    # "About half of external public debt is owed to China" (lending-terms, Laos).
    f = creditor_view("LAO").to_frame()
    assert 45.0 < f.loc[2022, "china_stock_share_pct"] < 60.0


def test_dssi_stocks_agree_with_ids_stocks() -> None:
    # Independent check between two World Bank releases (DSSI tables of June 2020 vs IDS of
    # Dec 2023): PPG stock at end-2018, IMF excluded, 72 countries.
    dssi = dssi_service_by_group(ds.dssi()).xs(("stock", 2018), level=("measure", "year"))
    ids = ids_stocks_by_group(ds.ids_debt_stocks()).xs(2018, level="year")
    ratio = (dssi.sum(axis=1) / ids.sum(axis=1).reindex(dssi.index)).dropna()
    assert len(ratio) == 72
    assert abs(float(np.median(ratio)) - 1) < 0.02
    assert float((abs(ratio - 1) < 0.10).mean()) > 0.8
    # and China's stock by country, where both are positive
    rc = (dssi["china"] / ids["china"].reindex(dssi.index)).replace([np.inf], np.nan).dropna()
    rc = rc[rc > 0]
    assert abs(float(np.median(rc)) - 1) < 0.05


def test_view_shares_and_frame() -> None:
    v = creditor_view("KEN")
    f = v.to_frame()
    shares = f[[f"{g}_stock_share_pct" for g in CREDITOR_GROUPS]].dropna()
    np.testing.assert_allclose(shares.sum(axis=1), 100.0, rtol=1e-12)
    assert list(v.stock_table().columns) == list(CREDITOR_GROUPS)
    svc = v.service_table()
    assert list(svc.index) == list(range(2019, 2025))
    assert (f.loc[2019:2024, "service_kind"] == "dssi_scheduled_2018").all()
    with pytest.raises(ValueError):
        v.stock_usd_m[0, 0] = 1.0  # read-only result


def test_projected_service_is_appended_not_overwritten() -> None:
    v = creditor_view("ZMB")
    extra = pd.DataFrame(
        {g: [1.0, 2.0] for g in CREDITOR_GROUPS}, index=pd.Index([2024, 2025], name="year")
    )
    w = v.with_projected_service(extra, source="test schedule")
    t = w.service_table()
    assert t.loc[2025].sum() == pytest.approx(14.0)
    assert t.loc[2024].sum() == pytest.approx(v.service_table().loc[2024].sum())
    assert w.to_frame().loc[2025, "service_kind"] == "projected"


def test_country_without_dssi_has_stocks_only() -> None:
    v = creditor_view("LKA")  # not DSSI-eligible
    assert v.service_table().empty
    assert v.summary()["year"] == 2022


def test_unknown_country_is_a_data_error() -> None:
    with pytest.raises(DataError, match=r"wb-ids-ppg-debt-stocks-by-creditor.*FRA"):
        creditor_view("FRA")
