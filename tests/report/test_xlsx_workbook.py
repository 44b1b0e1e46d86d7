"""The Excel briefing workbook reads back (pandas.read_excel) into the numbers of assessment.json.

The JSON and the workbook come from one ``debttrap assess --json --xlsx`` run; every sheet is
checked against the JSON's own figures, cell by cell, so the workbook says what the JSON says.
"""

from __future__ import annotations

import html
import io
import json
import math
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from debttrap.cashflows import schedule
from debttrap.io.scenario import load_scenario
from debttrap.report.citations import PUBLIC_DOCUMENTS
from debttrap.report.words import plain_words
from debttrap.report.workbook import SHEETS

if TYPE_CHECKING:
    from conftest import RunCli

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
#: The example scenarios (the other examples are a loan and a country file).
SCENARIOS = sorted(p for p in EXAMPLES.glob("*.toml")
                   if "[[offers]]" in p.read_text(encoding="utf-8"))
PUBLIC_DOCUMENTS_BY_SHORT = {d.short: d for d in PUBLIC_DOCUMENTS.values()}


@pytest.fixture(scope="module")
def zambia(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    """assessment.json (as printed by --json) and the workbook of the same run."""
    import sys
    from unittest import mock

    from debttrap.cli import main

    path = tmp_path_factory.mktemp("xlsx") / "zambia.xlsx"
    args = ["debttrap", "assess", str(EXAMPLES / "zambia-2015.toml"), "--json",
            "--paths", "300", "--stochastic-paths", "200", "--xlsx", str(path),
            "--out", str(path.parent / "out")]  # report.html of the same run
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


#: The project's own reference notes: the JSON cites them, a reader cannot open them.
NOTES = re.compile(r"lending-terms|syria-2025-facts|lic-dsf-method")


def test_sources_and_assumptions(zambia: tuple[dict[str, Any], Path]) -> None:
    """Every input field of assessment.json, by its key, with its source as the HTML report
    of the same run words it: the notes cited as the public documents, listed with links."""
    doc, path = zambia
    report = html.unescape((path.parent / "out" / "report.html").read_text(encoding="utf-8"))
    sources = pd.read_excel(path, sheet_name="Sources")
    assert list(sources["Field"]) == list(doc["sources"])  # the JSON's keys, in its order
    documents = pd.read_excel(path, sheet_name="Documents cited")
    listed = set(documents["Cited as"])
    noted = 0
    for field, label, source in zip(sources["Field"], sources["Input"], sources["Source"],
                                    strict=True):
        given = doc["sources"][field]
        assert not NOTES.search(source), (field, source)
        assert label in report and source in report, (field, label, source)
        if NOTES.search(given):  # a note became the documents it compiles, all listed
            cites = {d.short for d in PUBLIC_DOCUMENTS.values() if d.short in source}
            assert cites and cites <= listed, (field, source)
            noted += 1
        else:
            assert source == plain_words(given), field
    assert noted > 0  # some of Zambia's inputs rest on the notes: the mapping was exercised
    assumptions = pd.read_excel(path, sheet_name="Assumptions")
    given = doc["assumptions"] + doc["notes"]
    assert len(assumptions) == len(given)
    for text, was in zip(assumptions["Assumption"], given, strict=True):
        assert not NOTES.search(text) and text in report, was  # the report's words


def _report_documents(page: str) -> list[tuple[str, str, str]]:
    """(cited as, title, link) of each entry of the HTML report's "Documents cited"."""
    refs = re.search(r'<ol class="refs">(.*?)</ol>', page, re.S)
    assert refs is not None
    return [(html.unescape(a), html.unescape(b), html.unescape(c)) for a, b, c in re.findall(
        r'<li><b>(.*?)</b>: (.*?)\. <a href="(.*?)">', refs.group(1))]


@pytest.mark.parametrize("example", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_no_workbook_cites_a_note_the_reader_cannot_open(example: Path) -> None:
    """The workbook of every example cites public documents (titles and links, as the
    HTML report lists them), never the project's reference notes, on any sheet."""
    from debttrap import __version__
    from debttrap.assess import assess
    from debttrap.report.assessment import assessment_html
    from debttrap.report.workbook import assessment_workbook

    result = assess(load_scenario(example), n_paths=200, stochastic_paths=100)
    wb = load_workbook(io.BytesIO(assessment_workbook(result)))
    cells = [(ws.title, c.coordinate, c.value) for ws in wb.worksheets
             for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert [c for c in cells if NOTES.search(c[2])] == []
    assert any(NOTES.search(v) for v in result.sources.values())  # there were notes to map
    ws = wb["Documents cited"]
    rows = [tuple(c.value for c in row) for row in ws.iter_rows(min_row=2)]
    assert rows, example.stem
    for short, title, url in rows:
        assert PUBLIC_DOCUMENTS_BY_SHORT[short].title == title
        assert str(url).startswith(("https://", "http://"))
    for (cell,) in ws.iter_rows(min_row=2, min_col=3, max_col=3):
        assert cell.hyperlink is not None and cell.hyperlink.target == cell.value
    # the same documents, titles and links as the report lists (the report cites more
    # text than the workbook carries, so it may list more)
    page = assessment_html(result, version=__version__)
    assert set(rows) <= set(_report_documents(page)), example.stem


def test_xlsx_needs_the_suffix(run_cli: RunCli, tmp_path: Path) -> None:
    code, _, err = run_cli(["assess", str(EXAMPLES / "ida-regular-credit.toml"),
                            "--xlsx", str(tmp_path / "out.csv")])
    assert code == 2 and err.count("\n") == 1 and "--xlsx" in err
    assert not (tmp_path / "out.csv").exists()
