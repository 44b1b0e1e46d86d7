"""The Excel briefing workbook reads back (pandas.read_excel) into the numbers of assessment.json.

The JSON and the workbook come from one ``debttrap assess --json --xlsx`` run; every sheet is
checked against the JSON's own figures, cell by cell, so the workbook says what the JSON says.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from debttrap.cashflows import schedule
from debttrap.io.scenario import load_scenario
from debttrap.report.workbook import SHEETS

if TYPE_CHECKING:
    from conftest import RunCli

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def zambia(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    """assessment.json (as printed by --json) and the workbook of the same run."""
    import sys
    from unittest import mock

    from debttrap.cli import main

    path = tmp_path_factory.mktemp("xlsx") / "zambia.xlsx"
    args = ["debttrap", "assess", str(EXAMPLES / "zambia-2015.toml"), "--json",
            "--paths", "300", "--stochastic-paths", "200", "--xlsx", str(path)]
    import contextlib
    import io

    out = io.StringIO()
    with mock.patch.object(sys, "argv", args), contextlib.redirect_stdout(out), \
            pytest.raises(SystemExit) as exc:
        main()
    assert exc.value.code == 0
    return json.loads(out.getvalue()), path


def _close(a: Any, b: Any) -> bool:
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)


def test_sheets_headers_frozen_and_numbers_typed(zambia: tuple[dict[str, Any], Path]) -> None:
    _, path = zambia
    wb = load_workbook(path)
    assert tuple(wb.sheetnames) == SHEETS
    for ws in wb.worksheets:
        assert ws.freeze_panes == "B2", ws.title
        assert ws.column_dimensions["A"].width > 8, ws.title
    ind = wb["Indicators"]
    value = ind.cell(row=2, column=6)
    assert isinstance(value.value, float) and value.number_format == "0.0"
    assert isinstance(ind.cell(row=2, column=5).value, int)


def test_indicators_match_the_json(zambia: tuple[dict[str, Any], Path]) -> None:
    doc, path = zambia
    frame = pd.read_excel(path, sheet_name="Indicators")
    variants = {doc["reference"]["debt"]["label"]: doc["reference"]["debt"]}
    variants.update({o["name"]: o["debt"] for o in doc["offers"]})
    assert set(frame["Variant"]) == set(variants)
    keys = {"baseline": "baseline_pct", "most extreme shock": "most_extreme_pct"}
    checked = 0
    for row in frame.itertuples(index=False):
        series = variants[row.Variant]["indicators"][row[3]]
        assert _close(series[keys[row.Scenario]][str(row.Year)], row[5]), row
        assert _close(series["threshold_pct"], row[6])
        checked += 1
    n_years = len(doc["reference"]["debt"]["indicators"]["pv_ext_debt_to_gdp_pct"]["baseline_pct"])
    assert checked == len(variants) * 2 * 5 * n_years


def test_summary_and_rules_match_the_json(zambia: tuple[dict[str, Any], Path]) -> None:
    doc, path = zambia
    summary = pd.read_excel(path, sheet_name="Summary", index_col=0)
    for o in doc["offers"]:
        col = summary[o["name"]]
        assert col["Trap risk"] == o["verdict"]["trap_risk"]
        assert _close(col["Grant element (IMF), %"], o["grant_element_pct"])
        assert _close(col["Grant element (OECD-DAC), %"], o["grant_element_oecd_dac_pct"])
        assert _close(col["Loans, US$ m"], o["loans_usd_m"])
        assert _close(col["PV of debt service at 5%, US$ m"], o["pv_debt_service_usd_m"])
        assert col["External rating"] == o["rating_after"]
        peak = o["debt"]["indicators"]["pv_ext_debt_to_gdp_pct"]["baseline_peak_pct"]
        assert _close(col["PV ext. debt / GDP: peak, %"], peak)
        assert _close(col["P(distress), %"], o["stochastic"]["prob_distress_pct"])
        lev = o["leverage"]
        assert _close(col["Lender share of debt after, %"],
                      lev["lender_debt_share_after_peak_pct"])
    ref = summary["No new offer (reference)"]
    assert pd.isna(ref["Loans, US$ m"])
    assert ref["External rating"] == doc["reference"]["rating_before"]

    rules = pd.read_excel(path, sheet_name="Verdict rules")
    expected = [(o["name"], c["rule"], c["status"], c["value"])
                for o in doc["offers"] for c in o["verdict"]["checks"]]
    got = list(zip(rules["Offer"], rules["Rule"], rules["Status"], rules["Value"], strict=True))
    assert len(got) == len(expected)
    for (eo, er, es, ev), (go, gr, gs, gv) in zip(expected, got, strict=True):
        assert (eo, er, es) == (go, gr, gs)
        assert _close(ev, gv) if not isinstance(ev, str) else ev == gv


def test_creditors_match_the_json(zambia: tuple[dict[str, Any], Path]) -> None:
    doc, path = zambia
    shares = pd.read_excel(path, sheet_name="Creditors")
    for o in doc["offers"]:
        by_year = o["leverage"]["by_year"]
        mine = shares[shares["Offer"] == o["name"]]
        assert len(mine) == len(by_year["lender_debt_share_after_pct"])
        for row in mine.itertuples(index=False):
            y = str(row.Year)
            assert _close(by_year["lender_debt_share_before_pct"][y], row[3])
            assert _close(by_year["lender_debt_share_after_pct"][y], row[4])
            assert _close(by_year["lender_service_share_after_pct"][y], row[6])
            assert _close(by_year["offer_ppg_debt_usd_m"][y], row[7])
    debt = pd.read_excel(path, sheet_name="Debt by creditor")
    table = doc["reference"]["creditor_debt_usd_m"]
    assert set(debt["Creditor group"]) == set(table)
    for row in debt.itertuples(index=False):
        assert _close(table[row[0]][str(row.Year)], row[2])


def test_loans_are_each_loans_schedule(zambia: tuple[dict[str, Any], Path]) -> None:
    """Each loan's rows are its schedule by year in US$: disbursements add up to the amount
    at its issue price (the Eurobond sold at 97.256), and the service is the schedule of the
    same loan run through the engine, year by year."""
    doc, path = zambia
    loans = pd.read_excel(path, sheet_name="Loans")
    scenario = load_scenario(EXAMPLES / "zambia-2015.toml")
    for offer, o in zip(scenario.offers, doc["offers"], strict=True):
        for loan, js in zip(offer.loans_in_usd(), o["loans"], strict=True):
            rows = loans[(loans["Offer"] == offer.name) & (loans["Loan"] == loan.name)]
            assert math.isclose(rows["Disbursement, US$ m"].sum(),
                                js["amount_usd_m"] * loan.issue_price_pct / 100, rel_tol=1e-9)
            assert list(rows["Year"]) == list(range(rows["Year"].min(), rows["Year"].max() + 1))
            expected = schedule(loan).by_year()
            np.testing.assert_allclose(rows["Debt service, US$ m"].to_numpy(),
                                       expected["debt_service"].to_numpy(), rtol=1e-12)


def test_sources_and_assumptions(zambia: tuple[dict[str, Any], Path]) -> None:
    doc, path = zambia
    sources = pd.read_excel(path, sheet_name="Sources")
    assert dict(zip(sources["Field"], sources["Source"], strict=True)) == doc["sources"]
    assumptions = pd.read_excel(path, sheet_name="Assumptions")
    assert list(assumptions["Assumption"]) == doc["assumptions"] + doc["notes"]


def test_xlsx_needs_the_suffix(run_cli: RunCli, tmp_path: Path) -> None:
    code, _, err = run_cli(["assess", str(EXAMPLES / "ida-regular-credit.toml"),
                            "--xlsx", str(tmp_path / "out.csv")])
    assert code == 2 and err.count("\n") == 1 and "--xlsx" in err
    assert not (tmp_path / "out.csv").exists()
