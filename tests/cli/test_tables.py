"""Terminal tables never cut a value to "…": boxed when it fits, vertical when narrow, plain
when piped; and the commands print through that one helper."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console
from rich.text import Text

from debttrap.cli._table import TableSpec, print_table

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"

YEARS = [str(y) for y in range(2024, 2035)]
#: wide values, like a debt-to-exports path in a stress test
ROWS = [
    ["baseline", *(f"{118.3 + k:.1f}" for k in range(11))],
    ["B6 combination of B1-B5, market financing (most extreme)",
     *(f"{1234.5 + k:,.1f}" for k in range(11))],
]
SPEC = TableSpec(["scenario", *YEARS], ROWS, "PV of PPG external debt-to-exports ratio (%)")


def _render(width: int, terminal: bool) -> str:
    buf = io.StringIO()
    con = Console(file=buf, width=width, force_terminal=terminal, color_system=None)
    print_table(con, SPEC)
    return buf.getvalue()


def _every_value_whole(text: str) -> None:
    assert "…" not in text
    for row in ROWS:
        for value in row[1:]:
            assert value in text
    for year in YEARS:
        assert year in text


@pytest.mark.parametrize("width", [60, 80, 100])
def test_a_narrow_terminal_gets_the_vertical_layout_with_every_value(width: int) -> None:
    text = _render(width, terminal=True)
    _every_value_whole(text)
    assert all(len(line) <= width for line in text.splitlines())
    assert "│" not in text  # not a squeezed box


def test_a_wide_terminal_gets_a_box_and_the_label_wraps_not_the_numbers() -> None:
    text = _render(200, terminal=True)
    _every_value_whole(text)
    assert "│" in text
    narrower = _render(130, terminal=True)  # the long label must wrap to fit
    _every_value_whole(narrower)
    assert "│" in narrower
    assert all(len(line) <= 130 for line in narrower.splitlines())


def test_piped_output_is_plain_one_line_per_row_whatever_the_width() -> None:
    text = _render(40, terminal=False)
    _every_value_whole(text)
    lines = text.splitlines()
    assert lines[0] == SPEC.title
    assert lines[1].split() == ["scenario", *YEARS]
    assert lines[3].split() == ROWS[0]  # one row, one line: awk-able
    assert ROWS[1][0] in lines[4]


def test_styled_cells_keep_their_width() -> None:
    spec = TableSpec(["measure", "offer"], [["trap risk", Text("high", style="bold red")]])
    buf = io.StringIO()
    print_table(Console(file=buf, width=80), spec)
    assert buf.getvalue().splitlines()[2].split() == ["trap", "risk", "high"]


def _cli(*args: str, columns: int) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": str(columns)}
    return subprocess.run([sys.executable, "-m", "debttrap", *args], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=300, check=False)


@pytest.mark.parametrize("columns", [80, 100])
def test_dsa_piped_at_80_and_100_columns_prints_whole_numbers_and_years(columns: int) -> None:
    country = str(EXAMPLES / "lic-dsf-illustrative.toml")
    shown = _cli("dsa", country, columns=columns)
    assert shown.returncode == 0, shown.stderr
    assert "…" not in shown.stdout
    doc = json.loads(_cli("dsa", country, "--json", columns=columns).stdout)
    first = doc["first_projection_year"]
    window = [str(y) for y in range(first, first + 11)]
    header = next(line for line in shown.stdout.splitlines() if line.startswith("scenario"))
    assert header.split() == ["scenario", *window]
    # every table row carries its 11 values whole
    rows = [line for line in shown.stdout.splitlines() if line.startswith("baseline")]
    assert len(rows) == 5
    for row in rows:
        values = row.split()[1:]
        assert len(values) == 11
        assert all(float(v) >= 0 for v in values)


def test_every_command_prints_tables_through_the_one_helper() -> None:
    """No command builds a rich Table of its own (it would truncate when narrow)."""
    cli = ROOT / "src" / "debttrap" / "cli"
    for path in cli.glob("*.py"):
        if path.name == "_table.py":
            continue
        assert "Table(" not in path.read_text(encoding="utf-8").replace("TableSpec(", ""), path
