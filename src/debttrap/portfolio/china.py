"""An ESTIMATED Chinese loan book: AidData's country commitments spread over instruments.

China's book is not published loan by loan. This one is built, and marked estimated in
every row (``estimated`` true, lender names ending in "(estimated)"), from:

* each country's Chinese official commitments 2000-2021 (AidData GCDF 3.0, constant 2021
  US$; grants included, as the aggregate does not separate them);
* spread over signing years by the world's yearly commitments (AidData's yearly flows):
  the country's profile over time is not in the bundled aggregates;
* split over instruments by their share of volume, each with its typical terms
  (``data/china-estimated-book-terms/terms.csv``, sources there);
* each loan signed on 1 July, paid out at once, repaid in equal semi-annual instalments
  after its grace to its maturity; what is outstanding at ``as_of`` follows.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from debttrap.portfolio.book import Book, book_from_frame

__all__ = ["china_estimated_book", "china_terms"]

_TERMS = "china-estimated-book-terms"


def china_terms() -> pd.DataFrame:
    """The instruments' volume shares and terms (a fresh copy)."""
    from debttrap.datasets import _table

    frame = _table(_TERMS, "terms.csv").copy()
    for col in ("share_of_volume_pct", "rate_pct", "grace_years", "maturity_years"):
        frame[col] = frame[col].astype(float)
    return frame


def china_estimated_book(as_of: dt.date = dt.date(2023, 12, 31)) -> Book:
    """The estimated book (see the module docstring): one loan per country, instrument, year."""
    from debttrap.datasets import gcdf_country_commitments, gcdf_yearly_flows

    countries = gcdf_country_commitments()
    flows = gcdf_yearly_flows()
    by_year = flows.groupby("year")["commitments_usd_m"].sum().sort_index()
    year_share = (by_year / by_year.sum()).to_numpy()
    years = by_year.index.to_numpy(dtype=np.int64)
    terms = china_terms()
    rows = []
    for rec in terms.to_dict(orient="records"):
        grace, maturity = int(rec["grace_years"]), int(rec["maturity_years"])
        share_pct, rate = float(rec["share_of_volume_pct"]), float(rec["rate_pct"])
        instrument, lender = str(rec["instrument"]), str(rec["lender"])
        n = 2 * (maturity - grace)
        for y, ys in zip(years, year_share, strict=True):
            signed = dt.date(int(y), 7, 1)
            elapsed = (as_of - signed).days / 365.25
            paid = int(np.clip(np.floor(elapsed * 2) - 2 * grace, 0, n))
            left = 1.0 - paid / n
            if left <= 0:
                continue
            first = dt.date(int(y) + grace, 7, 1) + dt.timedelta(days=182)
            last = dt.date(int(y) + maturity, 7, 1)
            amount = (countries["commitments_2000_2021_usd_m"].to_numpy()
                      * ys * share_pct / 100.0)
            for code, a in zip(countries["iso3"], amount, strict=True):
                if not np.isfinite(a) or a <= 0:
                    continue
                rows.append({
                    "loan_id": f"CN-EST-{code}-{instrument}-{y}",
                    "lender": f"{lender} (estimated)",
                    "borrower_iso3": str(code),
                    "outstanding_usd_m": float(a * left),
                    "undisbursed_usd_m": 0.0,
                    "rate_pct": rate,
                    "first_repayment_date": first.isoformat(),
                    "last_repayment_date": last.isoformat(),
                    "payments_per_year": 2,
                    "estimated": True,
                })
    return book_from_frame(pd.DataFrame(rows), name="China (ESTIMATED)", as_of=as_of,
                           source="estimated from AidData GCDF 3.0 and How China Lends")
