"""OD3b as amended: the current-account estimate of exports is floored at the same year's
published merchandise exports (WDI TX.VAL.MRCH.CD.WT), the PWT share only as a fallback.

Expected numbers are worked out by hand from the bundled source rows (values copied into
the comments: WEO October 2024, WDI `wb-wdi-lic-macro` / `wb-wdi-external`, Penn World
Table 9.1), never taken from the code under test.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pytest

from debttrap import datasets as ds
from debttrap.opendata import BuiltCountry, build_country

if TYPE_CHECKING:
    from conftest import RunCli

#: The countries whose exports the builder estimates by OD3b at the default first
#: projection year (2024): the WDI publishes no exports of goods and services for them in
#: 2019-2023 but does publish imports (Laos, Yemen) or the PWT does (the others).
OD3B = ("LAO", "YEM", "NGA", "BDI", "DMA", "GRD", "LBR", "LCA", "MMR", "VCT")


@functools.cache
def built(code: str, t: int | None = None, ex_ante: bool = False) -> BuiltCountry:
    return build_country(code) if t is None else build_country(code, t, ex_ante=ex_ante)


def _merch(code: str) -> pd.Series:
    wx = ds.wdi_external(code, ["merch_exports_usd_m"])
    return wx.set_index("year")["value"]


def test_nigeria_2017_exports_are_the_published_merchandise_exports() -> None:
    # Nigeria, built for 2024; the WDI publishes neither exports nor imports of goods and
    # services, so imports are the PWT share (OD3b on PWT imports).
    # PWT 9.1 NGA 2017: csh_m -0.057902671396732, pl_m 0.678945362567902, pl_gdpo
    # 0.457073301076889 -> imports 8.601% of GDP; WEO Oct 2024 NGA 2017: NGDPD 375.745
    # US$ bn, BCA_NGDPD 3.610%; WDI remittances BX.TRF.PWKR.CD.DT 22037.0168318378 US$ m.
    gdp = 375_745.0
    imports = 0.057902671396732 * 0.678945362567902 / 0.457073301076889 * gdp  # 32317.7
    identity = imports + 0.0361 * gdp - 22037.0168318378  # 23845.1
    # wb-wdi-external NGA 2017: merchandise exports TX.VAL.MRCH.CD.WT 44468 US$ m: the
    # goods exported alone exceed the identity, so the floor gives the estimate
    assert identity == pytest.approx(23845.1, abs=0.1)
    b = built("NGA")
    assert b.country.macro.exports_usd_m[2017] == pytest.approx(44468.0, rel=1e-12)
    # the rule before the amendment floored at the PWT merchandise export share of 2017:
    # csh_x 0.094364009797573 x pl_x 0.615177094936371 / pl_gdpo = 12.70% of GDP, 47721
    old = 0.094364009797573 * 0.615177094936371 / 0.457073301076889 * gdp
    assert old == pytest.approx(47721.0, abs=1.0)
    assert b.country.macro.exports_usd_m[2017] != pytest.approx(old, rel=1e-3)


def test_laos_2016_identity_above_the_merchandise_floor_is_kept() -> None:
    # Laos, built for 2024. WEO Oct 2024 LAO 2016: NGDPD 15.904 US$ bn, BCA_NGDPD -8.708%;
    # WDI (wb-wdi-lic-macro) 2016: imports NE.IMP.GNFS.ZS 41.8824634642904% of GDP,
    # remittances 189.361894016859 US$ m -> identity 5086.7 US$ m; wb-wdi-external LAO
    # 2016 merchandise exports 4245 US$ m, below it: the identity is the estimate.
    gdp = 15_904.0
    identity = 0.418824634642904 * gdp - 0.08708 * gdp - 189.361894016859
    assert identity == pytest.approx(5086.7, abs=0.1)
    assert built("LAO").country.macro.exports_usd_m[2016] == pytest.approx(identity, rel=1e-12)
    # 2018-2023: the WDI's imports stop in 2016 and grow with the WEO's import volumes; the
    # identity is below the merchandise exports (5408, 5806, 6115, 7695, 8198, 8370 US$ m)
    x = built("LAO").country.macro.exports_usd_m
    for year, merch in ((2018, 5408.0), (2021, 7695.0), (2023, 8370.0)):
        assert x[year] == pytest.approx(merch, rel=1e-12)


def test_source_and_assumption_name_the_floor_series_and_years() -> None:
    b = built("LAO")
    src = b.sources["macro.exports_usd_m"]
    assert src.startswith("ESTIMATED")
    assert "merch_exports_usd_m, TX.VAL.MRCH.CD.WT, published, 2012-2023" in src
    assert "PWT" not in src and "pwt" not in src
    assert b.source_kinds()["macro.exports_usd_m"] == "assumed"
    (od3b,) = [a for a in b.assumptions if a.startswith("OD3b ESTIMATED exports")]
    assert "same year's published merchandise exports (WDI TX.VAL.MRCH.CD.WT, 2012-2023" in od3b
    assert "it gives the estimate in 2018-2029" in od3b  # see the test above


def test_country_text_says_which_floor(run_cli: RunCli) -> None:
    code, out, _ = run_cli(["country", "LAO"])
    assert code == 0
    text = " ".join(out.split())
    assert "floored at the same year's merchandise exports" in text
    assert "TX.VAL.MRCH.CD.WT" in text


@pytest.mark.parametrize("code", OD3B)
def test_exports_never_below_the_published_merchandise_exports(code: str) -> None:
    """Property of OD3b as amended: in every historical year the WDI publishes
    merchandise exports for, the estimated exports of goods and services are at least
    those (goods are part of goods and services)."""
    b = built(code)
    assert b.sources["macro.exports_usd_m"].startswith("ESTIMATED")
    assert "OD3b" in b.sources["macro.exports_usd_m"]
    x = b.country.macro.exports_usd_m
    merch = _merch(code)
    t = b.country.first_projection_year
    years = [y for y in x if y <= t - 1 and y in merch.index and np.isfinite(merch[y])]
    assert len(years) >= 10
    for y in years:
        assert x[y] >= merch[y] * (1.0 - 1e-12), (code, y)


def test_ex_ante_reads_no_merchandise_exports_after_the_decision(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Laos ex ante for 2023 (OD3b: the WDI's exports stop in 2016): merchandise exports
    # of 2023 onwards (WDI: 8370 US$ m, ...) must not be read. Poisoning them (x 1000)
    # changes nothing; poisoning 2022 too changes the exports (so the poison is read).
    clean = build_country("LAO", 2023, ex_ante=True)
    real = ds.wdi_external

    def poison(first: int) -> None:
        def poisoned(code: str | None, series: list[str] | None = None) -> pd.DataFrame:
            frame = real(code, series).copy()
            late = (frame["series"] == "merch_exports_usd_m") & (frame["year"] >= first)
            frame.loc[late, "value"] = frame.loc[late, "value"] * 1000.0
            return frame

        monkeypatch.setattr(ds, "wdi_external", poisoned)

    poison(2023)
    dirty = build_country("LAO", 2023, ex_ante=True)
    assert dirty.country.macro.exports_usd_m == clean.country.macro.exports_usd_m
    assert dirty.sources["macro.exports_usd_m"] == clean.sources["macro.exports_usd_m"]
    poison(2022)
    read = build_country("LAO", 2023, ex_ante=True)
    assert read.country.macro.exports_usd_m[2022] > 1000.0 * 8198.0 * (1.0 - 1e-12)
    assert "TX.VAL.MRCH.CD.WT, published, 2011-2022" in clean.sources["macro.exports_usd_m"]
    # the last value read, 2022's 8198 US$ m, floors 2022; ex ante from 2023 the WEO's
    # volumes are not read either, so the floor grows with US$ GDP (its ratio held)
    x = clean.country.macro.exports_usd_m
    gdp = clean.country.macro.nominal_gdp_usd_m
    assert x[2022] >= 8198.0 * (1.0 - 1e-12)
    for y in range(2023, 2028):
        assert x[y] / gdp[y] >= 8198.0 / gdp[2022] * (1.0 - 1e-12)


def test_without_merchandise_exports_the_pwt_share_is_the_fallback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Nigeria with the merchandise exports removed: the floor is the PWT merchandise
    # export share of 2017 (12.70% of GDP: see the Nigeria test above), stated as such.
    real = ds.wdi_external

    def without(code: str | None, series: list[str] | None = None) -> pd.DataFrame:
        frame = real(code, series)
        return frame[frame["series"] != "merch_exports_usd_m"]

    monkeypatch.setattr(ds, "wdi_external", without)
    b = build_country("NGA")
    src = b.sources["macro.exports_usd_m"]
    assert "floored at the merchandise export share of GDP in pwt-9.1" in src
    assert "no merchandise exports in the five years before t" in src
    gdp = 375_745.0
    share = 0.094364009797573 * 0.615177094936371 / 0.457073301076889
    assert b.country.macro.exports_usd_m[2017] == pytest.approx(share * gdp, rel=1e-9)
    assert any("Penn World Table's merchandise export share" in a for a in b.assumptions)
