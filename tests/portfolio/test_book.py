"""Loan books: the bundled World Bank statements against their own totals, the user schema,
and the schedules rebuilt by the cash-flow engine."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from debttrap.datasets import _table
from debttrap.errors import InputError
from debttrap.portfolio import (
    book_from_frame,
    book_schedule,
    read_book,
    statement_check,
    world_bank_book,
)

REF = Path(__file__).resolve().parents[1] / "reference" / "portfolio" / "statement_totals.csv"
_FILES = {
    "IBRD": ("wb-ibrd-statement-of-loans-2023-05", "loans.parquet"),
    "IDA": ("wb-ida-statement-of-credits-2019-12", "credits.parquet"),
}
_MONEY = ["original_usd", "cancelled_usd", "undisbursed_usd", "disbursed_usd", "repaid_usd",
          "due_usd", "exchange_adjustment_usd", "obligation_usd", "sold_third_party_usd"]


@pytest.mark.parametrize("lender", ["IBRD", "IDA"])
def test_bundled_slice_keeps_the_statement_totals_to_the_dollar(lender: str) -> None:
    """Source: the raw statements (World Bank Finances One), summed with exact decimals by
    tools/build_portfolio_books.py into tests/reference/portfolio/statement_totals.csv."""
    ref = pd.read_csv(REF, dtype=str)
    ref = ref[ref["lender"] == lender].set_index("country")
    loans = _table(*_FILES[lender])
    sums = loans.groupby(loans["country"].astype(str))[_MONEY].sum()
    counts = loans.groupby(loans["country"].astype(str)).size()
    assert sorted(sums.index) == sorted(ref.index)
    for country, row in ref.iterrows():
        assert int(counts[country]) == int(row["n_loans"])
        for col in _MONEY:
            assert abs(Decimal(repr(float(sums.loc[country, col]))) - Decimal(row[col])) < 1, (
                country, col)


def test_ibrd_outstanding_is_disbursed_minus_repaid_per_country_to_the_dollar() -> None:
    """Every country: disbursed − repaid − sold to third parties = due, except the part on
    single-currency loans the statement revalues at today's exchange rates."""
    check = statement_check("IBRD")
    unexplained = check["gap_usd"] - check["gap_from_valuation_usd"]
    assert (unexplained.abs() < 1.0).all(), unexplained[unexplained.abs() >= 1.0]
    # and the revaluation is real: 27 countries carry such a gap
    assert int((check["gap_from_valuation_usd"].abs() >= 1.0).sum()) == 27


def test_ida_outstanding_is_disbursed_minus_repaid_except_valuation_and_grants() -> None:
    check = statement_check("IDA")
    unexplained = (check["gap_usd"] - check["gap_from_valuation_usd"]
                   - check["gap_from_grants_usd"])
    off = unexplained[unexplained.abs() >= 1.0]
    # one US-dollar credit (IDA02540, Senegal, fully repaid) carries US$100,000 disbursed and
    # neither repaid nor due in the statement: the only row the identity does not explain
    assert list(off.index) == ["Senegal"]
    assert off["Senegal"] == pytest.approx(100_000.0, abs=0.01)


def test_world_bank_book_is_the_live_loans_in_millions() -> None:
    book = world_bank_book(("IBRD",))
    raw = _table(*_FILES["IBRD"])
    live = raw[(raw["due_usd"] > 0) | (raw["undisbursed_usd"] > 0)]
    undated = live["first_repayment_date"].isna() | live["last_repayment_date"].isna()
    # loans without repayment dates are signed, nothing disbursed: no claim yet
    assert int(undated.sum()) == 24 and live.loc[undated, "due_usd"].sum() == 0.0
    live = live[~undated]
    frame = book.loans
    assert book.n_loans == len(live) and not book.estimated
    assert frame["outstanding_usd_m"].sum() == pytest.approx(live["due_usd"].sum() / 1e6,
                                                             abs=1e-6)
    assert book.as_of == dt.date(2023, 5, 31)


def _frame(**over: object) -> pd.DataFrame:
    row: dict[str, object] = {
        "loan_id": "L1", "lender": "Bank", "borrower_iso3": "ZMB", "outstanding_usd_m": 100.0,
        "undisbursed_usd_m": 0.0, "rate_pct": 2.0, "first_repayment_date": "2025-06-30",
        "last_repayment_date": "2029-12-31", "payments_per_year": 2, "estimated": False,
    }
    row.update(over)
    return pd.DataFrame([row])


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"borrower_iso3": "Zambia"}, "borrower_iso3"),
        ({"outstanding_usd_m": -1.0}, "outstanding_usd_m"),
        ({"rate_pct": "two"}, "rate_pct"),
        ({"payments_per_year": 3}, "payments_per_year"),
        ({"first_repayment_date": "soon"}, "first_repayment_date"),
        ({"last_repayment_date": "2020-01-01"}, "last_repayment_date"),
        ({"estimated": "maybe"}, "estimated"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_bad_book_row_names_its_field(change: dict[str, object], field: str) -> None:
    with pytest.raises(InputError, match=f"field '{field}'") as exc:
        book_from_frame(_frame(**change), name="b", as_of=dt.date(2024, 12, 31), source="b.csv")
    assert "\n" not in str(exc.value)


def test_missing_column_and_duplicate_ids_are_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="field 'rate_pct'"):
        book_from_frame(_frame().drop(columns="rate_pct"), name="b",
                        as_of=dt.date(2024, 1, 1), source="b")
    two = pd.concat([_frame(), _frame()])
    path = tmp_path / "book.csv"
    two.to_csv(path, index=False)
    with pytest.raises(InputError, match=r"field 'loan_id'.*twice"):
        read_book(path)
    _frame().to_parquet(tmp_path / "ok.parquet")
    assert read_book(tmp_path / "ok.parquet").n_loans == 1


def test_one_loan_schedule_matches_the_closed_form() -> None:
    """Equal principal, semi-annual, from 30 Jun 2025 to 31 Dec 2029 (10 instalments of 10),
    interest 1% a half-year on the balance outstanding during each half-year."""
    book = book_from_frame(_frame(), name="b", as_of=dt.date(2024, 12, 31), source="b")
    sched = book_schedule(book)
    bal = 100.0 - 10.0 * np.arange(10)  # balance during each half-year, 2025H1 .. 2029H2
    interest_by_year = (bal * 0.01).reshape(5, 2).sum(axis=1)
    expected = 20.0 + interest_by_year
    years = list(sched.years)
    got = sched.debt_service_usd_m[0, years.index(2025):years.index(2029) + 1]
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9)
    assert sched.debt_service_usd_m[0].sum() == pytest.approx(expected.sum(), abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(
    out=st.floats(0.0, 1e4), und=st.floats(0.0, 1e3), rate=st.floats(0.0, 12.0),
    first_days=st.integers(-4000, 4000), span_days=st.integers(0, 12000),
    ppy=st.sampled_from([1, 2, 4]),
)
def test_principal_repaid_is_what_is_owed(out: float, und: float, rate: float,
                                          first_days: int, span_days: int, ppy: int) -> None:
    as_of = dt.date(2023, 5, 31)
    first = as_of + dt.timedelta(days=first_days)
    last = first + dt.timedelta(days=span_days)
    book = book_from_frame(
        _frame(outstanding_usd_m=out, undisbursed_usd_m=und, rate_pct=rate,
               first_repayment_date=str(first), last_repayment_date=str(last),
               payments_per_year=ppy),
        name="b", as_of=as_of, source="b")
    sched = book_schedule(book)
    assert sched.principal_usd_m.sum() == pytest.approx(out + und, rel=1e-12, abs=1e-9)
    assert (sched.interest_usd_m >= -1e-12).all()
    np.testing.assert_allclose(sched.debt_service_usd_m,
                               sched.principal_usd_m + sched.interest_usd_m, atol=1e-9)


def test_schedules_in_batches_equal_one_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine runs a large book in batches (bounded memory); a loan's flows do not
    depend on the batch it is in."""
    import debttrap.portfolio.schedules as schedules

    book = world_bank_book(("IDA",)).select(("KEN", "UGA", "ZMB"))
    whole = book_schedule(book)
    monkeypatch.setattr(schedules, "CHUNK_LOANS", 7)
    parts = book_schedule(book)
    assert book.n_loans > 7 * 3
    np.testing.assert_array_equal(parts.years, whole.years)
    for name in ("debt_service_usd_m", "principal_usd_m", "interest_usd_m", "balance_usd_m"):
        np.testing.assert_allclose(getattr(parts, name), getattr(whole, name), rtol=1e-12,
                                   atol=1e-12)
