"""Loan books: one row per loan, the World Bank statements bundled, a user's own file.

A :class:`Book` holds a validated table with the columns of :data:`BOOK_COLUMNS`
(money in millions of US dollars at the book's valuation date ``as_of``):

========================  =====================================================================
column                    meaning
========================  =====================================================================
``loan_id``               unique text
``lender``                who holds the claim (``IBRD``, ``IDA``, a user's name)
``borrower_iso3``         the borrowing country, ISO3 (empty: regional or unknown; not assessed)
``outstanding_usd_m``     principal owed at ``as_of`` (>= 0)
``undisbursed_usd_m``     committed, not yet paid out (>= 0; disbursed in the year after as_of)
``rate_pct``              interest or service charge rate, percent a year (0-100)
``first_repayment_date``  first principal instalment (ISO date)
``last_repayment_date``   last principal instalment (ISO date, not before the first)
``payments_per_year``     1, 2 or 4
``estimated``             true where the row is an estimate, not a contract
========================  =====================================================================

For the World Bank statements ``rate_pct`` is the statement's rate column at the
snapshot date: **today's rate, not the rate at signing** (most IBRD loans are
variable-spread), and ``outstanding_usd_m`` is the statement's "Due to" amount.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from debttrap.errors import InputError

__all__ = [
    "BOOK_COLUMNS",
    "Book",
    "book_from_frame",
    "read_book",
    "statement_check",
    "world_bank_book",
]

BOOK_COLUMNS: tuple[str, ...] = (
    "loan_id",
    "lender",
    "borrower_iso3",
    "outstanding_usd_m",
    "undisbursed_usd_m",
    "rate_pct",
    "first_repayment_date",
    "last_repayment_date",
    "payments_per_year",
    "estimated",
)
_OPTIONAL = {"undisbursed_usd_m": 0.0, "payments_per_year": 2, "estimated": False}
_MAX_LOANS = 2_000_000
_STATEMENTS = {
    "IBRD": ("wb-ibrd-statement-of-loans-2023-05", "loans.parquet", dt.date(2023, 5, 31)),
    "IDA": ("wb-ida-statement-of-credits-2019-12", "credits.parquet", dt.date(2019, 12, 31)),
}


@dataclass(frozen=True, slots=True, eq=False)
class Book:
    """A validated loan book (see the module docstring); ``loans`` is handed out as a copy."""

    name: str
    as_of: dt.date
    _loans: pd.DataFrame
    source: str

    @property
    def loans(self) -> pd.DataFrame:
        return self._loans.copy()

    @property
    def n_loans(self) -> int:
        return len(self._loans)

    @property
    def estimated(self) -> bool:
        """True when any row is an estimate (shown as ESTIMATED wherever the book appears)."""
        return bool(self._loans["estimated"].any())

    @property
    def borrowers(self) -> tuple[str, ...]:
        codes = self._loans["borrower_iso3"]
        return tuple(sorted(str(c) for c in codes[codes != ""].unique()))

    def exposure_usd_m(self) -> pd.Series:
        """Outstanding plus undisbursed by borrower (empty code: regional or unknown)."""
        frame = self._loans
        total = frame["outstanding_usd_m"] + frame["undisbursed_usd_m"]
        return total.groupby(frame["borrower_iso3"], sort=True).sum()

    def select(self, borrowers: tuple[str, ...]) -> Book:
        """The loans to ``borrowers`` only (ISO3 codes)."""
        keep = self._loans["borrower_iso3"].isin(list(borrowers))
        name = f"{self.name}: {', '.join(sorted(borrowers))}"
        return Book(name, self.as_of, self._loans[keep].reset_index(drop=True), self.source)


def _fail(source: str, field: str, rows: object, what: str) -> None:
    flags = np.asarray(rows, dtype=bool)
    if bool(flags.any()):
        first = int(np.flatnonzero(flags)[0])
        raise InputError(f"row {first + 1}: {what}", field=field, source=source)


def _dates(frame: pd.DataFrame, col: str, source: str) -> pd.Series:
    parsed = pd.to_datetime(frame[col], errors="coerce", format="mixed")
    _fail(source, col, parsed.isna(), "must be a date (YYYY-MM-DD)")
    return parsed.dt.normalize()


def book_from_frame(frame: pd.DataFrame, *, name: str, as_of: dt.date, source: str) -> Book:
    """Validate a table against :data:`BOOK_COLUMNS`; :class:`InputError` names the field."""
    if len(frame) == 0:
        raise InputError("the book has no loans", field="loan_id", source=source)
    if len(frame) > _MAX_LOANS:
        raise InputError(f"more than {_MAX_LOANS:,} loans", field="loan_id", source=source)
    unknown = [c for c in frame.columns if c not in BOOK_COLUMNS]
    if unknown:
        raise InputError(f"unknown column; the columns are {', '.join(BOOK_COLUMNS)}",
                         field=str(unknown[0]), source=source)
    out = pd.DataFrame(index=pd.RangeIndex(len(frame)))
    for col in BOOK_COLUMNS:
        if col not in frame.columns:
            if col not in _OPTIONAL:
                raise InputError("required column is missing", field=col, source=source)
            out[col] = _OPTIONAL[col]
        else:
            out[col] = frame[col].to_numpy()
    for col in ("loan_id", "lender", "borrower_iso3"):
        out[col] = out[col].fillna("").astype(str).str.strip()
    out["borrower_iso3"] = out["borrower_iso3"].str.upper()
    _fail(source, "loan_id", out["loan_id"] == "", "must not be empty")
    _fail(source, "loan_id", out["loan_id"].duplicated(), "appears twice (ids must be unique)")
    _fail(source, "lender", out["lender"] == "", "must not be empty")
    code = out["borrower_iso3"]
    _fail(source, "borrower_iso3", (code != "") & ~code.str.fullmatch(r"[A-Z]{3}"),
          "must be a three-letter ISO3 code (e.g. ZMB) or empty")
    for col, hi in (("outstanding_usd_m", None), ("undisbursed_usd_m", None), ("rate_pct", 100.0)):
        num = pd.to_numeric(out[col], errors="coerce").astype("float64")
        bad = ~np.isfinite(num) | (num < 0)
        if hi is not None:
            bad |= num > hi
        _fail(source, col, bad, "must be a number >= 0" + (" and <= 100" if hi else ""))
        out[col] = num
    ppy = pd.to_numeric(out["payments_per_year"], errors="coerce")
    _fail(source, "payments_per_year", ~ppy.isin([1, 2, 4]), "must be 1, 2 or 4")
    out["payments_per_year"] = ppy.astype("int64")
    est = out["estimated"].astype(str).str.strip().str.lower()
    _fail(source, "estimated", ~est.isin(["true", "false", "1", "0", "1.0", "0.0"]),
          "must be true or false")
    out["estimated"] = est.isin(["true", "1", "1.0"])
    first = _dates(out, "first_repayment_date", source)
    last = _dates(out, "last_repayment_date", source)
    _fail(source, "last_repayment_date", last < first, "is before first_repayment_date")
    out["first_repayment_date"], out["last_repayment_date"] = first, last
    return Book(name, as_of, out, source)


def read_book(path: Path, *, as_of: dt.date | None = None) -> Book:
    """A user's book from Parquet or CSV (one row per loan, :data:`BOOK_COLUMNS`)."""
    source = path.name
    if not path.is_file():
        raise InputError("no such file", source=str(path))
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            frame = pd.read_parquet(path)
        elif suffix == ".csv":
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        else:
            raise InputError("a book is a .parquet or .csv file", source=source)
    except (OSError, ValueError) as exc:
        if isinstance(exc, InputError):
            raise
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"cannot read the file: {first_line}", source=source) from None
    return book_from_frame(frame, name=path.stem, as_of=as_of or dt.date.today(), source=source)


def _statement(lender: str) -> pd.DataFrame:
    from debttrap.datasets import _table

    folder, file, _ = _STATEMENTS[lender]
    return _table(folder, file).copy()


def _is_grant(raw: pd.DataFrame) -> pd.Series:
    """IDA grants (numbers IDAH…, IDAD…): paid out, never owed, so no claim of the book."""
    ids = raw["loan_id"].astype(str)
    return ids.str.startswith("IDAH") | ids.str.startswith("IDAD")


def world_bank_book(lenders: tuple[str, ...] = ("IBRD", "IDA")) -> Book:
    """The bundled IBRD and/or IDA statements as a book of the loans still owed or undisbursed.

    Each statement is valued at its own snapshot date; the book's ``as_of`` is the later one.
    Rows with nothing due and nothing undisbursed (repaid, cancelled), IDA grants and loans
    without repayment dates (signed, nothing paid out yet) are left out. A book of both
    statements holds IDA's December-2019 balances at May 2023 (what IDA was repaid in
    between is not in the statement: the exposure is overstated by it).
    """
    parts = []
    for lender in lenders:
        if lender not in _STATEMENTS:
            raise InputError(f"unknown statement {lender!r}; use IBRD or IDA", field="book")
        raw = _statement(lender)
        live = raw[((raw["due_usd"] > 0) | (raw["undisbursed_usd"] > 0))
                   & ~_is_grant(raw)].copy()
        live = live[live["first_repayment_date"].notna() & live["last_repayment_date"].notna()]
        parts.append(pd.DataFrame({
            "loan_id": live["loan_id"].astype(str),
            "lender": lender,
            "borrower_iso3": live["iso3"].astype(str),
            "outstanding_usd_m": live["due_usd"].clip(lower=0.0) / 1e6,
            "undisbursed_usd_m": live["undisbursed_usd"].clip(lower=0.0) / 1e6,
            "rate_pct": live["rate_pct"].fillna(0.0),
            "first_repayment_date": live["first_repayment_date"].astype(str),
            "last_repayment_date": live["last_repayment_date"].astype(str),
            "payments_per_year": 2,
            "estimated": False,
        }))
    frame = pd.concat(parts, ignore_index=True)
    as_of = max(_STATEMENTS[lender][2] for lender in lenders)
    name = " + ".join(lenders)
    return book_from_frame(frame, name=name, as_of=as_of,
                           source=f"World Bank statement ({name}); rates are the statement's "
                           "rates at its date, not the rates at signing")


def statement_check(lender: str) -> pd.DataFrame:
    """The statement's own identity by country: ``disbursed − repaid − sold = due``.

    Columns ``disbursed_usd``, ``repaid_usd``, ``sold_third_party_usd``, ``due_usd``,
    ``gap_usd`` (the identity's left side minus ``due_usd``) and ``gap_from_valuation_usd``
    (the part of the gap on loans the statement values at current exchange rates:
    IBRD single-currency and currency-pool-era loans, IDA credits not in US dollars) and
    ``gap_from_grants_usd`` (IDA grants: disbursed, never repaid, nothing due).
    """
    raw = _statement(lender)
    gap = raw["disbursed_usd"] - raw["repaid_usd"] - raw["sold_third_party_usd"] - raw["due_usd"]
    if lender == "IDA":
        revalued = raw["currency"].astype(str) != "USD"
    else:
        revalued = raw["loan_type"].astype(str).isin(["SCL", "BLNR", "CPL"])
    frame = pd.DataFrame({
        "country": raw["country"].astype(str),
        "disbursed_usd": raw["disbursed_usd"],
        "repaid_usd": raw["repaid_usd"],
        "sold_third_party_usd": raw["sold_third_party_usd"],
        "due_usd": raw["due_usd"],
        "gap_usd": gap,
        "gap_from_valuation_usd": gap.where(revalued & ~_is_grant(raw), 0.0),
        "gap_from_grants_usd": gap.where(_is_grant(raw), 0.0),
    })
    return frame.groupby("country", sort=True).sum()
