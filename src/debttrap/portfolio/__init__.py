"""A lender's whole book: loans to many borrowers, their schedules, and the book under stress.

* :mod:`~debttrap.portfolio.book`: the loan table (:class:`Book`), the bundled World Bank
  statements (:func:`world_bank_book`, :func:`statement_check`), a user's file
  (:func:`read_book`);
* :mod:`~debttrap.portfolio.china`: the ESTIMATED Chinese book (:func:`china_estimated_book`);
* :mod:`~debttrap.portfolio.schedules`: each loan's remaining schedule by the cash-flow engine;
* :mod:`~debttrap.portfolio.borrower`: one borrower's country, rating and distress paths;
* :mod:`~debttrap.portfolio.compute`: the book's results (:func:`run_portfolio`).

See ``docs/portfolio.md``.
"""

from __future__ import annotations

from debttrap.portfolio.book import (
    BOOK_COLUMNS,
    Book,
    book_from_frame,
    read_book,
    statement_check,
    world_bank_book,
)
from debttrap.portfolio.borrower import BorrowerPaths, borrower_paths
from debttrap.portfolio.compute import PortfolioResult, aggregate, run_portfolio
from debttrap.portfolio.schedules import BookSchedule, book_schedule

__all__ = [
    "BOOK_COLUMNS",
    "Book",
    "BookSchedule",
    "BorrowerPaths",
    "PortfolioResult",
    "aggregate",
    "book_from_frame",
    "book_schedule",
    "borrower_paths",
    "read_book",
    "run_portfolio",
    "statement_check",
    "world_bank_book",
]
