"""The ESTIMATED Chinese book: marked estimated everywhere, amounts add up to AidData's."""

from __future__ import annotations

import datetime as dt

import pytest

from debttrap.datasets import gcdf_country_commitments
from debttrap.portfolio.china import china_estimated_book, china_terms


def test_instrument_shares_cover_the_volume() -> None:
    # How China Lends: CDB 44%, Eximbank about 43%, others 13% of the volume
    terms = china_terms()
    assert terms["share_of_volume_pct"].sum() == pytest.approx(100.0)
    assert set(terms["instrument"]) == {"eximbank_concessional", "eximbank_commercial",
                                        "cdb_and_other_state"}


def test_before_any_repayment_the_book_is_the_commitments() -> None:
    """Valued before the first instalment of any loan, nothing is repaid: the book holds
    every dollar AidData records (positive commitments), split over instruments and years."""
    book = china_estimated_book(as_of=dt.date(2000, 1, 1))
    c = gcdf_country_commitments()["commitments_2000_2021_usd_m"]
    assert book.loans["outstanding_usd_m"].sum() == pytest.approx(c[c > 0].sum(), rel=1e-12)


def test_every_row_is_marked_estimated() -> None:
    book = china_estimated_book()
    loans = book.loans
    assert book.estimated and loans["estimated"].all()
    assert loans["lender"].str.endswith("(estimated)").all()
    assert "ESTIMATED" in book.name
    # later valuation: less outstanding (instalments paid), never more
    assert loans["outstanding_usd_m"].sum() < china_estimated_book(
        as_of=dt.date(2000, 1, 1)).loans["outstanding_usd_m"].sum()
