"""Thresholds and the public-debt benchmark (LIC-DSF 2018, Table 3 of the Guidance Note).

Evidence: the published table, and the threshold rows the official template
prints for its illustrative (medium-capacity) country.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from debttrap.dsa.capacity import Capacity
from debttrap.dsa.indicators import INDICATORS, Indicator
from debttrap.dsa.thresholds import (
    DEFAULT_SPACE_BANDS,
    THRESHOLDS_PCT,
    ModerateSpaceBands,
    threshold_table,
    thresholds,
    validate_thresholds,
)
from debttrap.errors import InputError

PATHS = Path(__file__).parents[1] / "reference" / "lic-dsf-rating" / "template-indicator-paths.csv"

# Template quantity names of the threshold rows -> debttrap indicator names
TEMPLATE_THRESHOLD_ROWS = {
    "pv_ppg_ext_debt_to_gdp_threshold_pct": "pv_ext_debt_to_gdp_pct",
    "pv_ppg_ext_debt_to_exports_threshold_pct": "pv_ext_debt_to_exports_pct",
    "ppg_ext_debt_service_to_exports_threshold_pct": "ext_debt_service_to_exports_pct",
    "ppg_ext_debt_service_to_revenue_excl_grants_threshold_pct": "ext_debt_service_to_revenue_pct",
    "pv_public_debt_to_gdp_threshold_pct": "pv_public_debt_to_gdp_pct",
}


def test_table_is_the_guidance_note_table() -> None:
    # IMF & World Bank (2018), Guidance Note on the LIC-DSF, Table 3 (thresholds)
    # and the public-debt benchmark: PV/GDP, PV/exports, DS/exports, DS/revenue, PV public/GDP.
    published = {
        "weak": (30, 140, 10, 14, 35),
        "medium": (40, 180, 15, 18, 55),
        "strong": (55, 240, 21, 23, 70),
    }
    table = threshold_table()
    assert list(table.columns) == [i.value for i in INDICATORS]
    for cap, row in published.items():
        assert tuple(table.loc[cap]) == row
        assert tuple(thresholds(cap).values()) == row


def test_template_threshold_rows_are_the_medium_column() -> None:
    # The 2025-08-12 template, illustrative country (Output 3-1 rows 31/55/79/103,
    # Output 3-2 row 32), every year 2024-2034: 40 / 180 / 15 / 18 and 55.
    paths = pd.read_csv(PATHS)
    rows = paths[paths["scenario"] == "threshold"]
    assert set(rows["quantity"]) == set(TEMPLATE_THRESHOLD_ROWS)
    assert sorted(set(rows["year"])) == list(range(2024, 2035))
    medium = thresholds(Capacity.MEDIUM)
    for quantity, name in TEMPLATE_THRESHOLD_ROWS.items():
        values = set(rows.loc[rows["quantity"] == quantity, "excel_value"])
        assert values == {medium[name]}, quantity
    assert [medium[n] for n in TEMPLATE_THRESHOLD_ROWS.values()] == [40, 180, 15, 18, 55]


def test_thresholds_rise_with_capacity() -> None:
    for ind in INDICATORS:
        w, m, s = (THRESHOLDS_PCT[c][ind] for c in Capacity)
        assert w < m < s, ind


def test_thresholds_accepts_names_in_any_case_and_returns_a_fresh_dict() -> None:
    a = thresholds(" Strong ")
    a["pv_ext_debt_to_gdp_pct"] = 0.0
    assert thresholds("strong")["pv_ext_debt_to_gdp_pct"] == 55.0
    with pytest.raises(TypeError):
        THRESHOLDS_PCT[Capacity.WEAK][Indicator.PV_EXT_DEBT_TO_GDP] = 1.0  # type: ignore[index]
    with pytest.raises(InputError, match=r"'capacity'.*weak, medium or strong"):
        thresholds("moderate")


def test_validate_thresholds_names_the_bad_field() -> None:
    good = thresholds("medium")
    assert validate_thresholds(good)[Indicator.PV_PUBLIC_DEBT_TO_GDP] == 55.0
    with pytest.raises(InputError, match="missing thresholds for pv_public_debt_to_gdp_pct"):
        validate_thresholds({k: v for k, v in good.items() if k != "pv_public_debt_to_gdp_pct"})
    with pytest.raises(InputError, match=r"'thresholds\.pv_ext_debt_to_gdp_pct'.*positive"):
        validate_thresholds({**good, "pv_ext_debt_to_gdp_pct": -1.0})
    with pytest.raises(InputError, match="unknown indicator 'pv_debt'"):
        validate_thresholds({**good, "pv_debt": 3.0})


def test_moderate_space_bands_defaults_and_checks() -> None:
    # GN 2018 and template band inputs: stock 20/40, debt service 12/35 (percent of threshold).
    b = DEFAULT_SPACE_BANDS
    assert (b.stock_limited, b.stock_substantial) == (0.20, 0.40)
    assert (b.service_limited, b.service_substantial) == (0.12, 0.35)
    with pytest.raises(InputError, match=r"space_bands\.stock"):
        ModerateSpaceBands(stock_limited=0.5, stock_substantial=0.4)
