"""The back-test of the estimated trade (OD3b, OD3c, PWT imports) against published values.

The expected numbers are worked out here by hand from the bundled source tables (values
copied into the comments and literals: WEO October 2024, WDI, Penn World Table 9.1), never
taken from the code under test.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from debttrap import datasets as ds
from debttrap.errors import InputError
from debttrap.opendata.export_backtest import (
    BacktestRow,
    ExportBacktest,
    backtest_country,
    backtest_exports,
)
from debttrap.opendata.trade import exports_from_current_account
from tool_modules import load_tool


@functools.cache
def rows(code: str, first: int, last: int) -> dict[str, BacktestRow]:
    return {r.estimator: r for r in backtest_country(code, first, last) if r.year == last}


def test_od3b_kenya_2021_is_the_identity_on_published_inputs() -> None:
    # WEO Oct 2024, KEN 2021: NGDPD 109.875 US$ bn, BCA_NGDPD -5.228% of GDP.
    # WDI (wb-wdi-lic-macro) KEN 2021: imports of goods and services NE.IMP.GNFS.ZS
    # 21.8923095777051% of GDP, remittances BX.TRF.PWKR.CD.DT 3770.08963854768 US$ m.
    # WDI (wb-wdi-external) KEN 2021: exports NE.EXP.GNFS.ZS 13.1097% of GDP.
    gdp = 109_875.0
    imports = 0.218923095777051 * gdp  # 24054.2
    estimate = imports - 0.05228 * gdp - 3770.08963854768  # 14539.8
    # wb-wdi-external KEN 2021 merchandise exports TX.VAL.MRCH.CD.WT 6739 US$ m: no floor
    r = rows("KEN", 2019, 2021)["od3b"]
    assert r.estimate_usd_m == pytest.approx(estimate, rel=1e-12)
    assert r.published_usd_m == pytest.approx(0.131097 * gdp, rel=1e-12)  # 14404.3
    assert r.ratio == pytest.approx(14539.8 / 14404.3, abs=1e-4)  # 0.9% too high
    assert not r.floored


def test_od3b_senegal_2019_merchandise_floor_and_the_pwt_floor_before() -> None:
    # WEO Oct 2024, SEN 2019: NGDPD 23.405 US$ bn, BCA_NGDPD -7.918%; WDI: imports
    # 39.253116408714% of GDP, remittances 2525.65077922447 US$ m, exports 24.9831%.
    gdp = 23_405.0
    identity = 0.39253116408714 * gdp - 0.07918 * gdp - 2525.65077922447  # 4808.3
    # wb-wdi-external SEN 2019 merchandise exports TX.VAL.MRCH.CD.WT 4179 US$ m: below the
    # identity, so the rule (OD3b as amended) is the identity itself
    r = rows("SEN", 2015, 2019)["od3b"]
    assert 4179.0 < identity
    assert not r.floored
    assert r.estimate_usd_m == pytest.approx(identity, rel=1e-12)
    assert r.without_floor_usd_m == pytest.approx(identity, rel=1e-12)
    # PWT 9.1 SEN 2017 (its last year): csh_x 0.138127774000168, pl_x 0.65358293056488,
    # pl_gdpo 0.416557490825653 -> merchandise exports 21.7% of GDP, above the identity:
    # the rule before the amendment took the PWT floor
    floor = 0.138127774000168 * 0.65358293056488 / 0.416557490825653 * gdp  # 5072.4
    assert r.pwt_floor_usd_m == pytest.approx(floor, rel=1e-12)
    assert r.published_usd_m == pytest.approx(0.249831 * gdp, rel=1e-12)  # 5847.3


def test_od3b_cote_d_ivoire_2021_takes_the_merchandise_floor() -> None:
    # WEO Oct 2024, CIV 2021: NGDPD 72.833 US$ bn, BCA_NGDPD -3.946%; WDI
    # (wb-wdi-lic-macro): imports 22.8177649393033% of GDP, remittances 440.194174696336
    # US$ m; wb-wdi-external: exports 22.2963% of GDP, merchandise exports
    # TX.VAL.MRCH.CD.WT 15334 US$ m.
    gdp = 72_833.0
    identity = 0.228177649393033 * gdp - 0.03946 * gdp - 440.194174696336  # 13304.7
    r = rows("CIV", 2019, 2021)["od3b"]
    assert identity < 15334.0
    assert r.floored
    assert r.estimate_usd_m == pytest.approx(15334.0, rel=1e-12)  # the goods exported
    assert r.without_floor_usd_m == pytest.approx(identity, rel=1e-12)
    assert r.published_usd_m == pytest.approx(0.222963 * gdp, rel=1e-12)  # 16239.1
    assert r.ratio == pytest.approx(15334.0 / 16239.1, abs=1e-4)  # 5.6% too low
    # PWT 9.1 CIV 2017: csh_x 0.2507364153862, pl_x 0.564601242542267, pl_gdpo
    # 0.439036399126053 -> 32.2% of GDP, 23484.8 US$ m: the rule before was 44.6% too high
    pwt = 0.2507364153862 * 0.564601242542267 / 0.439036399126053 * gdp
    assert r.pwt_floor_usd_m == pytest.approx(pwt, rel=1e-12)
    assert r.pwt_floor_usd_m / r.published_usd_m == pytest.approx(23484.8 / 16239.1, abs=1e-4)


def test_od3c_kenya_2021_with_the_share_of_the_year_before() -> None:
    # WDI (wb-wdi-external) KEN 2020: merchandise exports TX.VAL.MRCH.CD.WT 6034 US$ m,
    # exports NE.EXP.GNFS.ZS 11.441% of GDP, GDP NY.GDP.MKTP.CD 100658 US$ m -> share
    # 6034 / 11516.3 = 52.4%; 2021: merchandise exports 6739 US$ m.
    share = 6034.0 / (0.11441 * 100_658.0)
    r = rows("KEN", 2019, 2021)["od3c_1"]
    assert r.estimate_usd_m == pytest.approx(6739.0 / share, rel=1e-12)  # 12861.8
    assert r.ratio == pytest.approx(12861.8 / 14404.3, abs=1e-4)  # 10.7% too low


def test_pwt_imports_kenya_2016() -> None:
    # PWT 9.1 KEN 2016: csh_m -0.166385874152184, pl_m 0.625259935855865, pl_gdpo
    # 0.485819518566132 -> imports 21.41% of GDP; WEO NGDPD 2016 74.816 US$ bn;
    # WDI imports NE.IMP.GNFS.ZS 21.6152747725065% of GDP.
    gdp = 74_816.0
    share = 0.166385874152184 * 0.625259935855865 / 0.485819518566132
    r = rows("KEN", 2015, 2016)["pwt_imports"]
    assert r.estimate_usd_m == pytest.approx(share * gdp, rel=1e-12)  # 16021.3
    assert r.published_usd_m == pytest.approx(0.216152747725065 * gdp, rel=1e-12)  # 16171.7


def _raw(frame: pd.DataFrame, series: str, year: int) -> float:
    hit = frame[(frame["series"] == series) & (frame["year"] == year)]
    return float(hit["value"].iloc[0]) if len(hit) else float("nan")


@pytest.mark.parametrize("code", ["KEN", "UGA"])
def test_unfloored_od3b_reproduces_the_identity_every_year(code: str) -> None:
    """Where no floor binds, OD3b on published inputs is imports + CA - remittances,
    recomputed here from the raw WEO and WDI tables, to rounding."""
    weo = ds.weo(code, ["NGDPD", "BCA_NGDPD"])
    wdi = ds.wdi_macro(code, ["imports_gs_pct_gdp", "remittances_usd_m"])
    got = [r for r in backtest_country(code, 2015, 2023) if r.estimator == "od3b"]
    assert len(got) >= 5
    for r in got:
        gdp = _raw(weo, "NGDPD", r.year) * 1000.0
        identity = (
            _raw(wdi, "imports_gs_pct_gdp", r.year) / 100.0 * gdp
            + _raw(weo, "BCA_NGDPD", r.year) / 100.0 * gdp
            - _raw(wdi, "remittances_usd_m", r.year)
        )
        assert r.without_floor_usd_m == pytest.approx(identity, rel=1e-12, abs=1e-9)
        if not r.floored:
            assert r.estimate_usd_m == pytest.approx(identity, rel=1e-12, abs=1e-9)


_money = st.floats(min_value=-1e5, max_value=1e5, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(
    imports=st.floats(min_value=0.0, max_value=1e5),
    ca=_money,
    rem=st.floats(min_value=0.0, max_value=1e4),
    gdp=st.floats(min_value=1.0, max_value=1e6),
    floor=st.one_of(st.none(), st.just(float("nan")), st.floats(min_value=0.0, max_value=1e5)),
)
def test_estimator_is_the_identity_unless_a_floor_binds(
    imports: float, ca: float, rem: float, gdp: float, floor: float | None
) -> None:
    one = np.array([1.0])
    got = float(
        exports_from_current_account(
            imports * one, ca * one, rem * one, gdp * one, None if floor is None else floor * one
        )[0]
    )
    identity = imports + ca - rem
    floors = [0.01 * gdp] + ([] if floor is None or np.isnan(floor) else [floor])
    assert got >= max(floors)
    if identity >= max(floors):
        assert got == identity  # exactly: the identity itself, nothing rescaled
    else:
        assert got == max(floors)


def test_summary_counts_and_window() -> None:
    bt = backtest_exports(2021, 2022, countries=["KEN", "SEN"], od3c_lags=(1,))
    assert isinstance(bt, ExportBacktest)
    s = bt.summary("od3b")
    assert s.observations == 4 and s.countries == 2  # both publish every input in 2021-2022
    assert 0.0 <= s.within_10_pct_share <= s.within_25_pct_share <= 1.0
    assert s.q25_ratio <= s.median_ratio <= s.q75_ratio
    assert set(bt.to_frame().index) == {2021, 2022}
    old, bare = bt.summary("od3b", variant="pwt_floor"), bt.summary("od3b", variant="no_floor")
    assert old.observations == bare.observations == s.observations
    assert bare.floored_share == 0.0
    with pytest.raises(InputError, match="variant"):
        bt.summary("od3b", variant="merchandise")
    with pytest.raises(InputError, match="first year"):
        backtest_country("KEN", 2000, 2023)


@pytest.mark.parametrize(
    ("argv", "field"),
    [
        (["--countries", "KEN,XXX"], "--countries"),
        (["--write-doc", "--first-year", "2016"], "--write-doc"),
        (["--cross-validate", "-1"], "--cross-validate"),
        (["--first-year", "2000"], "--first-year"),
    ],
)
def test_tool_bad_input_is_one_line_exit_2(
    argv: list[str], field: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert load_tool("backtest_exports").main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith(f"backtest_exports: {field}")
    assert "Traceback" not in "\n".join(err)
