"""Refactoring guard: every example's JSON output equals its stored snapshot.

The snapshots (``tests/reference/snapshots/``, written by
``tools/update_snapshots.py``) are the outputs of every example assessment,
every example DSA and two seeded simulations. Code that moves must leave them
unchanged; a deliberate change of a number regenerates them in the same commit
and the commit message says which numbers moved and why.

Numbers compare to a relative 1e-12 (a different BLAS or compiler may move the
last bits); everything else, keys, words and ``null`` included, exactly.
"""

from __future__ import annotations

import gzip
import json
import math
from pathlib import Path

import pytest

from tool_modules import load_tool

ROOT = Path(__file__).resolve().parents[1]
REL_TOL = 1e-12
ABS_TOL = 1e-12


TOOL = load_tool("update_snapshots")


def _differences(expected: object, actual: object, where: str, out: list[str]) -> None:
    if len(out) >= 20:
        return
    if isinstance(expected, bool) or isinstance(actual, bool):
        if expected != actual or type(expected) is not type(actual):
            out.append(f"{where}: {expected!r} != {actual!r}")
    elif isinstance(expected, int | float) and isinstance(actual, int | float):
        if not math.isclose(expected, actual, rel_tol=REL_TOL, abs_tol=ABS_TOL):
            out.append(f"{where}: {expected!r} != {actual!r}")
    elif isinstance(expected, dict) and isinstance(actual, dict):
        for key in sorted(set(expected) | set(actual)):
            if key not in actual:
                out.append(f"{where}.{key}: missing")
            elif key not in expected:
                out.append(f"{where}.{key}: not in the snapshot")
            else:
                _differences(expected[key], actual[key], f"{where}.{key}", out)
    elif isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            out.append(f"{where}: length {len(expected)} != {len(actual)}")
            return
        for i, (e, a) in enumerate(zip(expected, actual, strict=True)):
            _differences(e, a, f"{where}[{i}]", out)
    elif expected != actual:
        out.append(f"{where}: {expected!r} != {actual!r}")


@pytest.mark.parametrize("name", sorted(TOOL.CASES))
def test_output_matches_snapshot(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    path = TOOL.snapshot_path(name)
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        expected = json.load(handle)
    actual = TOOL.run_case(TOOL.CASES[name])
    found: list[str] = []
    _differences(expected, actual, name, found)
    assert found == [], (
        "output differs from its snapshot (a refactoring must not move numbers; a deliberate "
        "change regenerates it with tools/update_snapshots.py):\n" + "\n".join(found)
    )


def test_difference_finder_sees_a_moved_number() -> None:
    """The comparison itself: a change beyond the tolerance, a key and a word are all seen."""
    found: list[str] = []
    _differences({"a": [1.0, "x"], "b": 2}, {"a": [1.0 + 1e-9, "y"], "c": 2}, "t", found)
    assert found == [
        "t.a[0]: 1.0 != 1.000000001",
        "t.a[1]: 'x' != 'y'",
        "t.b: missing",
        "t.c: not in the snapshot",
    ]
    same: list[str] = []
    _differences({"a": 1.0}, {"a": 1.0 + 1e-15}, "t", same)
    assert same == []
