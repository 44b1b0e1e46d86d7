"""The one way every command prints a table for people: never a number cut to "…".

Three layouts, picked from where the output goes:

- **not a terminal** (piped, redirected, captured): plain text, every cell whole, columns padded
  to their widest cell and separated by two spaces — easy to read, ``grep`` and ``awk``; when
  ``COLUMNS`` is set and the table is wider, the vertical layout below (still every value whole);
- **a terminal wide enough**: a boxed table; numbers never wrap, the label column wraps its words;
- **a terminal too narrow** for that: a vertical layout, one block per row, its label on a line of
  its own and then ``column  value`` pairs packed into as many lines as the width needs.

Cells are plain strings, or :class:`rich.text.Text` where a cell carries a style (a verdict in
colour); the width of a cell is that of its text, so styles never change the layout.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

from rich.console import Console
from rich.table import Table
from rich.text import Text

__all__ = ["Cell", "TableSpec", "print_table"]

Cell = str | Text

#: The narrowest the wrapping label column may become in the boxed layout.
_MIN_LABEL_WIDTH = 16


@dataclass(frozen=True)
class TableSpec:
    """A table to print: the first column holds row labels (text), the others values.

    ``numeric`` says per value column whether it is right-aligned (numbers, the default) or
    left-aligned (words); ``title`` is printed above the table in every layout.
    """

    header: Sequence[str]
    rows: Sequence[Sequence[Cell]]
    title: str | None = None
    numeric: Sequence[bool] | None = None

    def aligned_right(self) -> list[bool]:
        """Per column (the label column included): right-aligned or not."""
        n_values = len(self.header) - 1
        flags = list(self.numeric) if self.numeric is not None else [True] * n_values
        if len(flags) != n_values:
            raise ValueError("numeric needs one flag per value column")
        return [False, *flags]


def _plain(cell: Cell) -> str:
    return cell.plain if isinstance(cell, Text) else cell


def _widths(spec: TableSpec) -> list[int]:
    widths = [len(h) for h in spec.header]
    for row in spec.rows:
        if len(row) != len(spec.header):
            raise ValueError("every row needs one cell per header")
        for j, cell in enumerate(row):
            widths[j] = max(widths[j], len(_plain(cell)))
    return widths


def _longest_word(texts: Sequence[str]) -> int:
    return max((len(w) for t in texts for w in t.split()), default=1)


def _print_plain(con: Console, spec: TableSpec) -> None:
    right = spec.aligned_right()
    widths = _widths(spec)

    def line(cells: Sequence[str]) -> str:
        parts = [
            c.rjust(w) if r else c.ljust(w) for c, w, r in zip(cells, widths, right, strict=True)
        ]
        return "  ".join(parts).rstrip()

    out = [spec.title] if spec.title else []
    out.append(line(list(spec.header)))
    out.append("  ".join("-" * w for w in widths))
    out += [line([_plain(c) for c in row]) for row in spec.rows]
    for text in out:
        con.print(text, soft_wrap=True, markup=False, highlight=False, emoji=False)


def _boxed_fits(con: Console, spec: TableSpec) -> bool:
    """Whether the boxed table fits: the label column may wrap, value columns may not."""
    widths = _widths(spec)
    label_texts = [spec.header[0], *(_plain(r[0]) for r in spec.rows)]
    label = min(widths[0], max(_MIN_LABEL_WIDTH, _longest_word(label_texts)))
    values = [max(w, 1) for w in _value_min_widths(spec)]
    # a box: "│ " + cell + " " per column, then the closing "│"
    return label + sum(values) + 3 * len(widths) + 1 <= con.width


def _value_min_widths(spec: TableSpec) -> list[int]:
    """The narrowest each value column can be: its widest value, or its header's longest word."""
    out = []
    for j in range(1, len(spec.header)):
        cells = [len(_plain(row[j])) for row in spec.rows]
        out.append(max([*cells, _longest_word([spec.header[j]])]))
    return out


def _print_boxed(con: Console, spec: TableSpec) -> None:
    right = spec.aligned_right()
    table = Table(title=spec.title, title_justify="left")
    table.add_column(spec.header[0], overflow="fold", min_width=_MIN_LABEL_WIDTH)
    for j, width in enumerate(_value_min_widths(spec), start=1):
        table.add_column(
            spec.header[j],
            justify="right" if right[j] else "left",
            no_wrap=right[j],
            overflow="fold",
            min_width=width,
        )
    for row in spec.rows:
        table.add_row(*row)
    con.print(table)


def _print_vertical(con: Console, spec: TableSpec) -> None:
    if spec.title:
        con.print(Text(spec.title, style="italic"))
    width = max(con.width, 20)
    for row in spec.rows:
        label = row[0] if isinstance(row[0], Text) else Text(row[0], style="bold")
        con.print(label)
        pairs = [
            Text.assemble((f"{spec.header[j]} ", "dim"), _as_text(row[j]))
            for j in range(1, len(row))
        ]
        line = Text("  ")
        for pair in pairs:
            sep = "   " if len(line.plain) > 2 else ""
            if len(line.plain) > 2 and len(line.plain) + len(sep) + len(pair.plain) > width:
                con.print(line, overflow="fold")
                line, sep = Text("  "), ""
            line.append(sep)
            line.append_text(pair)
        if len(line.plain) > 2:
            con.print(line, overflow="fold")


def _as_text(cell: Cell) -> Text:
    return cell if isinstance(cell, Text) else Text(cell)


def _plain_fits(con: Console, spec: TableSpec) -> bool:
    """Piped output is plain unless the user set ``COLUMNS`` and the table is wider than that."""
    if "COLUMNS" not in os.environ:
        return True
    widths = _widths(spec)
    return sum(widths) + 2 * (len(widths) - 1) <= con.width


def print_table(con: Console, spec: TableSpec) -> None:
    """Print ``spec`` on ``con`` in the layout that keeps every value whole (module docstring)."""
    if not con.is_terminal:
        if _plain_fits(con, spec):
            _print_plain(con, spec)
        else:
            _print_vertical(con, spec)
    elif _boxed_fits(con, spec):
        _print_boxed(con, spec)
    else:
        _print_vertical(con, spec)
