"""Feedback on stderr while a command works for more than a moment.

A spinner with what is being done, on stderr only: stdout stays exactly the table or the JSON a
script reads. Nothing is drawn when stderr is not a terminal (a log file gets no spinner frames).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console

__all__ = ["working"]


@contextmanager
def working(con: Console, what: str) -> Iterator[None]:
    """Show ``what`` with a spinner on ``con`` (stderr) while the block runs."""
    if not con.is_terminal:
        yield
        return
    with con.status(what, spinner="dots"):
        yield
