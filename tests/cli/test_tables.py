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


def test_piped_output_is_plain_one_line_per_row(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    text = _render(40, terminal=False)
    _every_value_whole(text)
    lines = text.splitlines()
    assert lines[0] == SPEC.title
    assert lines[1].split() == ["scenario", *YEARS]
    assert lines[3].split() == ROWS[0]  # one row, one line: awk-able
    assert ROWS[1][0] in lines[4]


def test_piped_output_keeps_to_columns_when_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    text = _render(80, terminal=False)
    _every_value_whole(text)
    assert all(len(line) <= 80 for line in text.splitlines())
    assert "\x1b" not in text


def test_styled_cells_keep_their_width() -> None:
    spec = TableSpec(["measure", "offer"], [["trap risk", Text("high", style="bold red")]])
    buf = io.StringIO()
    print_table(Console(file=buf, width=80), spec)
    assert buf.getvalue().splitlines()[2].split() == ["trap", "risk", "high"]


def _cli(*args: str, columns: int | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    if columns is not None:
        env["COLUMNS"] = str(columns)
    return subprocess.run([sys.executable, "-m", "debttrap", *args], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=300, check=False)


@pytest.mark.parametrize("columns", [80, 100, None])
def test_dsa_piped_prints_whole_numbers_and_years(columns: int | None) -> None:
    country = str(EXAMPLES / "lic-dsf-illustrative.toml")
    shown = _cli("dsa", country, columns=columns)
    assert shown.returncode == 0, shown.stderr
    assert "…" not in shown.stdout
    doc = json.loads(_cli("dsa", country, "--json", columns=columns).stdout)
    first = doc["first_projection_year"]
    window = [str(y) for y in range(first, first + 11)]
    lines = shown.stdout.splitlines()
    if columns is not None:
        assert max(len(line) for line in lines) <= columns
        for year in window:  # years whole, each beside its value
            assert sum(line.count(f"{year} ") for line in lines) >= 5
    else:  # plain table: one row per line, 11 whole values
        header = next(line for line in lines if line.startswith("scenario"))
        assert header.split() == ["scenario", *window]
        rows = [line for line in lines if line.startswith("baseline")]
        assert len(rows) == 5
        for row in rows:
            assert len(row.split()[1:]) == 11


def test_every_command_prints_tables_through_the_one_helper() -> None:
    """No command builds a rich Table of its own (it would truncate when narrow)."""
    cli = ROOT / "src" / "debttrap" / "cli"
    for path in cli.glob("*.py"):
        if path.name == "_table.py":
            continue
        assert "Table(" not in path.read_text(encoding="utf-8").replace("TableSpec(", ""), path
