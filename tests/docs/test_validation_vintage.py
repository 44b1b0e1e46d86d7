"""The validation page's vintage rule: each country is compared in its DSA's year.

These tests check the tool's logic (which year, ex ante or not, how a failure is
reported), not the agreement figures it computes.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from debttrap.dsa.run import run_dsa
from debttrap.dsa.stress import StressSettings
from debttrap.errors import DataError
from debttrap.opendata import build_country
from tool_modules import load_tool

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("date", "year"),
    [
        ("2021-06-28", 2021),  # AFG: mid-year, its own year
        ("2014-09-24", 2014),
        ("2021-01-28", 2020),  # MMR: January, prepared in 2020
        ("2024-03-04", 2023),  # FSM: March, prepared in 2023
        ("2024-04-01", 2024),  # April: its own year
        ("2025-12-31", 2025),
    ],
)
def test_dsa_year_is_the_publication_year_or_the_year_before_in_the_first_quarter(
    date: str, year: int
) -> None:
    assert load_tool("validation_report").dsa_year(pd.Timestamp(date)) == year


def test_comparison_build_is_ex_ante_only_before_the_default_year() -> None:
    tool = load_tool("validation_report")
    assert tool.comparison_build(pd.Timestamp("2021-06-28"), 2024) == (2021, True)
    assert tool.comparison_build(pd.Timestamp("2023-07-07"), 2024) == (2023, True)
    assert tool.comparison_build(pd.Timestamp("2024-03-04"), 2024) == (2023, True)
    assert tool.comparison_build(pd.Timestamp("2024-05-17"), 2024) == (2024, False)
    # a DSA later than the default year: the default build (no later vintage is bundled)
    assert tool.comparison_build(pd.Timestamp("2025-07-14"), 2024) == (2024, False)


def _one_country_list(code: str, date: str, rating: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "iso3": [code],
            "country": [code],
            "risk_of_debt_distress": [rating],
            "latest_publication": [pd.Timestamp(date)],
            "debt_sustainability_assessment": [""],
        }
    )


def test_a_dsa_of_2021_is_compared_with_the_country_built_ex_ante_for_2021(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tool = load_tool("validation_report")
    calls: list[tuple[str, int, bool]] = []
    real = tool.build_country

    def spy(code: str, t: int, *, ex_ante: bool = False) -> Any:
        calls.append((code, t, ex_ante))
        return real(code, t, ex_ante=ex_ante)

    monkeypatch.setattr(tool, "build_country", spy)
    monkeypatch.setattr(
        tool.ds, "imf_risk_ratings", lambda: _one_country_list("AFG", "2021-06-28", "high")
    )
    frame, errors = tool.build_rows(2024)
    assert errors == {}
    assert calls == [("AFG", 2021, True)]
    row = frame.loc["AFG"]
    assert (row["t"], bool(row["ex_ante"]), row["first_projection_year"]) == (2021, True, 2021)
    # the row's rating is that of the ex-ante build, computed here directly
    direct = build_country("AFG", 2021, ex_ante=True)
    rating = run_dsa(direct.country, StressSettings()).rating.to_dict()["external"]
    assert row["rating_external"] == rating
    # the comparison at 2024 builds the same country for 2024, not ex ante
    calls.clear()
    frame24, _ = tool.build_rows(2024, vintage=False)
    assert calls == [("AFG", 2024, False)]
    assert frame24.loc["AFG", "first_projection_year"] == 2024


def test_a_failing_ex_ante_build_is_one_line_naming_the_series_and_is_listed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tool = load_tool("validation_report")

    def fails(code: str, t: int, *, ex_ante: bool = False) -> Any:
        raise DataError(
            f"no IDS stocks for {code} in {t - 1}",
            dataset="wb-ids-ppg-debt-stocks-by-creditor",
            series="DT.DOD.DPPG.CD",
            file="stocks.parquet",
        )

    monkeypatch.setattr(tool, "build_country", fails)
    monkeypatch.setattr(
        tool.ds, "imf_risk_ratings", lambda: _one_country_list("YEM", "2014-09-24", "moderate")
    )
    frame, errors = tool.build_rows(2024)
    message = errors["YEM"]
    assert "\n" not in message
    assert message.startswith("built ex ante for 2014: ")
    assert "DT.DOD.DPPG.CD" in message
    assert frame.loc["YEM", "status"] == "error"


def test_the_vintage_rule_support_is_counted_from_the_fdl_table() -> None:
    # independent count from the reference copy of the FDL table
    early_prev = early = late_same = late = 0
    with (ROOT / "tests/reference/fdl/lic_dsa_debt_carrying_capacity.csv").open() as fh:
        for rec in csv.DictReader(fh):
            lag = int(rec["pub_year"]) - int(rec["reference_year"])
            if int(rec["pub_month"]) <= 3:
                early += 1
                early_prev += lag == 1
            else:
                late += 1
                late_same += lag == 0
    support = load_tool("validation_report").vintage_rule_support()
    assert support == (early_prev, early, late_same, late)
    # the rule agrees with the FDL's reference year for most DSAs of either kind
    assert early_prev / early > 0.75 and late_same / late > 0.85


def test_a_dsa_before_july_2018_is_flagged_as_another_framework() -> None:
    tool = load_tool("validation_report")
    row: dict[str, Any] = {"rating_external": "high", "capacity_prior_published": "weak"}
    for kind in ("baseline", "most_extreme"):
        for ind in tool.EXTERNAL:
            row[f"{ind}_{kind}_max"] = 50.0
    for ind in tool.EXTERNAL:
        row[f"{ind}_threshold"] = 40.0
    old = tool.reasons(row, "moderate", pd.Timestamp("2014-09-24"), 2014, False, ex_ante=True)
    new = tool.reasons(row, "moderate", pd.Timestamp("2019-09-24"), 2019, False, ex_ante=True)
    assert any(r.startswith("framework:") for r in old)
    assert not any(r.startswith("framework:") for r in new)
    assert any(r.startswith("built as known before 2014") for r in old)


def test_bonds_are_named_as_a_reason_where_they_are_a_tenth_of_the_debt() -> None:
    tool = load_tool("validation_report")
    row: dict[str, Any] = {
        "rating_external": "high",
        "capacity_prior_published": "medium",
        "creditor_year": 2022,
    }
    for ind in tool.EXTERNAL:
        row[f"{ind}_threshold"] = 10.0
        row[f"{ind}_baseline_max"] = 5.0
        row[f"{ind}_most_extreme_max"] = 5.0
    row["ext_debt_service_to_exports_pct_baseline_max"] = 15.0  # a service breach
    date = pd.Timestamp("2025-07-14")
    row["bondholders_share_pct"] = 30.0
    with_bonds = tool.reasons(row, "moderate", date, 2024, False)
    row["bondholders_share_pct"] = 5.0
    few_bonds = tool.reasons(row, "moderate", date, 2024, False)
    assert any(r.startswith("bonds are 30% of PPG external debt") for r in with_bonds)
    assert not any(r.startswith("bonds are") for r in few_bonds)


def test_a_one_year_breach_the_rule_ignores_is_named_as_a_reason() -> None:
    # The LIC-DSF's mechanical rule counts a breach only in two or more years of t … t+10
    # (lic-dsf-method.md §5.1): a rating below the IMF's may rest on one ignored year.
    tool = load_tool("validation_report")
    signals = [
        {  # one year, ignored: named (190 of 180 is 106%)
            "indicator": "pv_ext_debt_to_exports_pct", "scope": "external", "scenario": "B3",
            "threshold_pct": 180.0, "breach_years": [2026], "values_pct": [190.0],
            "years_above": 1, "counts": False,
        },
        {  # counted: not a reason of this kind
            "indicator": "pv_ext_debt_to_gdp_pct", "scope": "external", "scenario": "B1",
            "threshold_pct": 40.0, "breach_years": [2026, 2027], "values_pct": [41.0, 42.0],
            "years_above": 2, "counts": True,
        },
        {  # public debt: not an external indicator
            "indicator": "pv_public_debt_to_gdp_pct", "scope": "public", "scenario": "B1",
            "threshold_pct": 55.0, "breach_years": [2030], "values_pct": [56.0],
            "years_above": 1, "counts": False,
        },
    ]
    text = tool.one_year_breaches(signals)
    assert text == "PV/exports under B3 in 2026 (106% of its threshold)"
    row: dict[str, Any] = {
        "rating_external": "low",
        "one_year_breaches": text,
        "capacity": "medium",
        "capacity_prior_published": "medium",
    }
    for ind in tool.EXTERNAL:
        row[f"{ind}_threshold"] = 100.0
        row[f"{ind}_baseline_max"] = 50.0
        row[f"{ind}_most_extreme_max"] = 60.0
    why = tool.reasons(row, "moderate", pd.Timestamp("2025-06-26"), 2024, False)
    assert any(r.startswith("a breach in one year only") and text in r for r in why)
    assert tool.one_year_breaches(signals[1:]) == ""
