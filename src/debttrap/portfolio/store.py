"""The run's embedded database (DuckDB): loans, each borrower's paths summary, the results.

Tables (see ``docs/portfolio.md`` for queries):

* ``run`` (one row): book, paths, seed, first year, tail and the SHA-256 of the book's
  loans — a rerun with other settings, or with the book's loans changed, on the same file
  is refused;
* ``loans``: the book, one row per loan;
* ``borrowers``: one row per finished borrower (status, rating, capacity, probability of a
  sustained breach);
* ``borrower_years``: per borrower and year, the share of paths in distress;
* ``borrower_paths``: per borrower, its ``(paths, years)`` distress indicator packed as bits
  (what a resumed run reads back instead of recomputing);
* ``book_years``, ``contributions``, ``book_borrowers``, ``summary``: the book's results,
  rewritten at the end of each complete run.

A borrower's rows are written in one transaction, so a run interrupted half-way leaves each
borrower either complete or absent; a rerun with the same file computes only the absent ones.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from debttrap._numeric import check_table_finite
from debttrap.errors import InputError
from debttrap.portfolio.book import Book
from debttrap.portfolio.borrower import BorrowerPaths, PackedPaths
from debttrap.portfolio.compute import NOT_ASSESSED_COLUMNS, PortfolioResult

__all__ = ["MISSING_EXTRA", "BookStore", "book_fingerprint", "missing_dependencies"]

MISSING_EXTRA = ("duckdb or dask distributed is not installed in this environment (they are "
                 "dependencies of debttrap: reinstall it, or pip install 'debttrap[portfolio]')")


def missing_dependencies(*, distributed: bool = False) -> list[str]:
    """The portfolio's store and cluster modules that cannot be imported."""
    import importlib.util

    names = ["duckdb", *(["distributed"] if distributed else [])]
    return [n for n in names if importlib.util.find_spec(n) is None]


_SCHEMA = """
CREATE TABLE IF NOT EXISTS run (book VARCHAR, n_paths INTEGER, seed BIGINT, first_year INTEGER,
    tail DOUBLE, estimated BOOLEAN, book_sha256 VARCHAR);
CREATE TABLE IF NOT EXISTS borrowers (iso3 VARCHAR PRIMARY KEY, status VARCHAR, rating VARCHAR,
    capacity VARCHAR, prob_distress DOUBLE, n_years INTEGER, first_year INTEGER);
CREATE TABLE IF NOT EXISTS borrower_years (iso3 VARCHAR, year INTEGER,
    share_in_distress DOUBLE);
CREATE TABLE IF NOT EXISTS borrower_paths (iso3 VARCHAR PRIMARY KEY, n_paths INTEGER,
    n_years INTEGER, bits BLOB);
"""


def book_fingerprint(book: Book) -> str:
    """SHA-256 of the book's validated loans and valuation date: a resumed run must be of the
    same loans, not only of a book of the same name."""
    import hashlib

    rows = pd.util.hash_pandas_object(book.loans, index=False).to_numpy()
    digest = hashlib.sha256(rows.tobytes())
    digest.update(book.as_of.isoformat().encode())
    digest.update(",".join(book.loans.columns).encode())
    return digest.hexdigest()


class BookStore:
    """One DuckDB file for one run (open with :meth:`open`; use as a context manager)."""

    def __init__(self, con: Any, path: Path) -> None:
        self._con = con
        self.path = path

    @classmethod
    def open(cls, path: Path, book: Book, *, n_paths: int, seed: int, first_year: int,
             tail: float) -> BookStore:
        if missing_dependencies():
            raise InputError(MISSING_EXTRA, field="--db")
        import duckdb

        try:
            con = duckdb.connect(str(path))
        except duckdb.Error as exc:
            raise InputError(f"cannot open the database: {str(exc).splitlines()[0]}",
                             field="--db") from None
        try:
            con.execute(_SCHEMA)
            run = con.execute("SELECT book, n_paths, seed, first_year, tail, book_sha256 "
                              "FROM run").fetchall()
        except duckdb.Error:
            con.close()
            raise InputError(f"{path.name} is not a book run's database (or one of another "
                             "version); give another --db", field="--db") from None
        want = (book.name, n_paths, seed, first_year, tail, book_fingerprint(book))
        if run and tuple(run[0]) != want:
            con.close()
            if tuple(run[0][:5]) == want[:5]:
                raise InputError(
                    f"{path.name} holds a run of another version of book {run[0][0]!r} (its "
                    "loans or valuation date differ); give another --db", field="--db")
            raise InputError(
                f"{path.name} holds a run of book {run[0][0]!r} with {run[0][1]} paths, seed "
                f"{run[0][2]}, first year {run[0][3]}, tail {run[0][4]}; give another --db "
                "or the same settings", field="--db")
        if not run:
            con.execute("BEGIN")
            con.execute("INSERT INTO run VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [*want[:5], book.estimated, want[5]])
            loans = book.loans
            loans["first_repayment_date"] = loans["first_repayment_date"].dt.date
            loans["last_repayment_date"] = loans["last_repayment_date"].dt.date
            con.register("loans_frame", loans)
            con.execute("CREATE OR REPLACE TABLE loans AS SELECT * FROM loans_frame")
            con.unregister("loans_frame")
            con.execute("COMMIT")
        return cls(con, path)

    def __enter__(self) -> BookStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self._con.close()

    def done(self) -> list[BorrowerPaths]:
        """Every borrower already complete in the file."""
        rows = self._con.execute(
            "SELECT b.iso3, b.status, b.rating, b.capacity, b.prob_distress, b.n_years, "
            "b.first_year, p.n_paths, p.bits FROM borrowers b "
            "LEFT JOIN borrower_paths p USING (iso3) ORDER BY b.iso3").fetchall()
        return [BorrowerPaths.unpack(PackedPaths(
            iso3, status, rating, cap, float("nan") if prob is None else float(prob),
            first, n_years, 0 if n_paths is None else n_paths, bits))
            for iso3, status, rating, cap, prob, n_years, first, n_paths, bits in rows]

    def add(self, p: BorrowerPaths) -> None:
        """Write one borrower's rows in one transaction."""
        con = self._con
        k = p.packed()
        con.execute("BEGIN")
        try:
            con.execute("INSERT INTO borrowers VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [k.iso3, k.status, k.rating, k.capacity,
                         None if np.isnan(k.prob_distress) else k.prob_distress, k.n_years,
                         k.first_year])
            if p.distress is not None:
                share = p.distress.mean(axis=0)
                con.execute("INSERT INTO borrower_years SELECT ?, unnest(?), unnest(?)",
                            [k.iso3, [int(y) for y in p.years], [float(s) for s in share]])
                con.execute("INSERT INTO borrower_paths VALUES (?, ?, ?, ?)",
                            [k.iso3, k.n_paths, k.n_years, k.bits])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise

    def write_results(self, res: PortfolioResult) -> None:
        """The book's results, replacing any earlier ones, in one transaction."""
        con = self._con
        frames = {
            "book_years": res.to_frame().reset_index(),
            "contributions": res.contributions,
            "book_borrowers": res.borrowers.reset_index(),
            "summary": pd.DataFrame([{"key": k, "value": json.dumps(v)}
                                     for k, v in res.summary().items()]),
        }
        for name, frame in frames.items():  # checked first: no result table on a NaN
            check_table_finite(frame, where=f"the store's table {name}",
                               gaps=[(c, None) for c in NOT_ASSESSED_COLUMNS])
        con.execute("BEGIN")
        for name, frame in frames.items():
            con.register("result_frame", frame)
            con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM result_frame")
            con.unregister("result_frame")
        con.execute("COMMIT")
