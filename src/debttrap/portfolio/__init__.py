"""A lender's whole book: loans to many borrowers, their schedules, and the book under stress.

* :mod:`~debttrap.portfolio.book`: the loan table (:class:`Book`), the bundled World Bank
  statements (:func:`world_bank_book`, :func:`statement_check`), a user's file
  (:func:`read_book`);
* :mod:`~debttrap.portfolio.schedules`: each loan's remaining schedule by the cash-flow engine.

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
from debttrap.portfolio.schedules import BookSchedule, book_schedule

__all__ = [
    "BOOK_COLUMNS",
    "Book",
    "BookSchedule",
    "book_from_frame",
    "book_schedule",
    "read_book",
    "statement_check",
    "world_bank_book",
]
