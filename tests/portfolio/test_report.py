"""The book's report: the workbook reads back into the results; ESTIMATED is shown."""

from __future__ import annotations

import datetime as dt
import io

import numpy as np
import pandas as pd
import pytest

from debttrap.portfolio import BorrowerPaths, aggregate, book_from_frame
from debttrap.report.portfolio import lenders_by_borrower, portfolio_html, portfolio_workbook

YEARS = np.arange(2024, 2034, dtype=np.int64)


def _case(estimated: bool):  # type: ignore[no-untyped-def]
    rows = [
        {"loan_id": f"L{i}", "lender": lender, "borrower_iso3": code, "outstanding_usd_m": amt,
         "rate_pct": 2.0, "first_repayment_date": "2024-06-30",
         "last_repayment_date": "2031-06-30", "estimated": estimated}
        for i, (lender, code, amt) in enumerate(
            [("A", "AAA", 100.0), ("B", "AAA", 60.0), ("B", "BBB", 40.0)])
    ]
    book = book_from_frame(pd.DataFrame(rows), name="test", as_of=dt.date(2023, 12, 31),
                           source="test")
    rng = np.random.default_rng(3)
    paths = {}
    for code in ("AAA", "BBB"):
        d = np.arange(YEARS.size)[None, :] >= rng.geometric(0.05, size=200)[:, None]
        paths[code] = BorrowerPaths(code, "assessed", "high", "weak", float(d.mean()), YEARS, d)
    return book, aggregate(book, paths, n_paths=200, seed=1)


def test_workbook_reads_back_into_the_results() -> None:
    book, res = _case(False)
    sheets = pd.read_excel(io.BytesIO(portfolio_workbook(res, book)), sheet_name=None, header=1)
    assert set(sheets) == {"Summary", "By year", "Borrowers", "Exposure by country", "Loans",
                           "Lenders by borrower"}
    by_country = sheets["Exposure by country"].set_index("borrower")
    assert by_country["exposure_usd_m"].to_dict() == pytest.approx(
        res.borrowers["exposure_usd_m"].to_dict(), rel=1e-12)
    assert by_country["on_map"].tolist() == ["no", "no"]  # AAA, BBB: not countries
    assert sheets["Loans"]["contribution_usd_m"].sum() == pytest.approx(
        res.expected_shortfall_usd_m, rel=1e-12)
    np.testing.assert_allclose(sheets["By year"]["dsar_p95_usd_m"],
                               res.to_frame()["dsar_p95_usd_m"], rtol=1e-12)
    hit = sheets["Lenders by borrower"]
    assert hit["contribution_usd_m"].sum() == pytest.approx(res.expected_shortfall_usd_m,
                                                            rel=1e-12)
    assert hit.groupby("lender")["share_of_lender"].sum().tolist() == pytest.approx([1, 1])


def test_lenders_a_borrowers_distress_would_hit() -> None:
    book, _ = _case(False)
    frame = lenders_by_borrower(book).set_index(["borrower_iso3", "lender"])
    assert frame.loc[("AAA", "A"), "share_of_borrower"] == pytest.approx(100 / 160)
    assert frame.loc[("AAA", "B"), "exposure_usd_m"] == pytest.approx(60.0)
    assert frame.groupby(level=0)["share_of_borrower"].sum().tolist() == pytest.approx([1, 1])


def test_the_page_has_every_view_and_says_estimated() -> None:
    book, res = _case(True)
    html = portfolio_html(res, book)
    for title in ("Exposure by country", "Borrowers by risk", "Loans adding most",
                  "Which lenders a borrower"):
        assert title in html
    assert "ESTIMATED" in html
    assert "ESTIMATED" in pd.read_excel(io.BytesIO(portfolio_workbook(res, book)),
                                        sheet_name="Loans", header=None).iloc[0, 0]


def test_a_statement_book_says_its_rates_are_todays() -> None:
    """The statements' rate column is the rate at the statement's date (most IBRD loans are
    variable-spread): the report says so under its title."""
    from debttrap.portfolio import world_bank_book

    book = world_bank_book(("IBRD",)).select(("KEN",))
    res = aggregate(book, {}, n_paths=10, seed=1)  # no borrower assessed: nothing at risk
    html = portfolio_html(res, book)
    assert "not the rates at signing" in html and "no borrower assessed" in html
    assert res.expected_shortfall_usd_m == 0.0
    assert (res.borrowers["status"] == "not assessed").all()


def test_the_map_is_drawn_from_bundled_shapes_and_lists_the_borrowers_it_cannot_draw() -> None:
    """Tonga has no shape at 1:110m: it is listed under the map, with its exposure."""
    from debttrap.portfolio import world_bank_book

    book = world_bank_book(("IDA",)).select(("KEN", "TON"))
    res = aggregate(book, {}, n_paths=10, seed=1)
    html = portfolio_html(res, book)
    assert '"featureidkey":"properties.iso3"' in html
    assert "Borrowers not on the map" in html and "Tonga" in html
    assert f"{res.borrowers.loc['TON', 'exposure_usd_m']:,.1f}" in html
    # plotly.js is handed an empty base-map topology inline instead of fetching one
    assert '"topojsonURL": "data:application/json,' in html
