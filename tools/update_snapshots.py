"""Write the output snapshots that ``tests/test_snapshots.py`` compares against.

A snapshot is the ``--json`` output of one command on one bundled input: every
example assessment, every example DSA (a country file and two built countries)
and two seeded simulations. They pin the numbers while code moves: a refactoring
must leave them unchanged; a deliberate change of a number regenerates them in
the same commit, and the commit message says which numbers moved and why.

Run from the repository root:  python tools/update_snapshots.py
"""

from __future__ import annotations

import gzip
import io
import json
import sys
from contextlib import redirect_stdout
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOT_DIR = ROOT / "tests" / "reference" / "snapshots"

#: name -> the command's arguments (run from the repository root).
CASES: dict[str, list[str]] = {
    "assess-syria-2025": ["assess", "examples/syria-2025.toml", "--json"],
    "assess-zambia-2015": ["assess", "examples/zambia-2015.toml", "--json"],
    "assess-hambantota-2007": ["assess", "examples/hambantota-2007.toml", "--json"],
    "assess-laos-railway-2016": ["assess", "examples/laos-railway-2016.toml", "--json"],
    "assess-ida-negative-control": ["assess", "examples/ida-negative-control.toml", "--json"],
    "dsa-lic-dsf-illustrative": ["dsa", "examples/lic-dsf-illustrative.toml", "--json"],
    "dsa-ZMB": ["dsa", "ZMB", "--json"],
    "dsa-KEN": ["dsa", "KEN", "--json"],
    "simulate-ZMB": ["simulate", "ZMB", "--paths", "500", "--seed", "1", "--json"],
    "simulate-zambia-2015": [
        "simulate", "examples/zambia-2015.toml", "--paths", "500", "--seed", "3", "--json",
    ],
}


def run_case(args: list[str]) -> object:
    """Run ``debttrap ARGS`` in-process and return its parsed JSON output."""
    from debttrap.cli import main

    buffer = io.StringIO()
    argv = sys.argv
    sys.argv = ["debttrap", *args]
    code: object = None
    try:
        with redirect_stdout(buffer):
            main()
    except SystemExit as exc:
        code = exc.code
    finally:
        sys.argv = argv
    if code not in (0, None):
        raise RuntimeError(f"debttrap {' '.join(args)} exited with {code!r}")
    return json.loads(buffer.getvalue())


def snapshot_path(name: str) -> Path:
    return SNAPSHOT_DIR / f"{name}.json.gz"


def main() -> None:
    SNAPSHOT_DIR.mkdir(parents=True, exist_ok=True)
    for name, args in CASES.items():
        data = run_case(args)
        text = json.dumps(data, indent=1, sort_keys=True, allow_nan=False)
        # mtime=0 keeps the file byte-identical when the numbers are
        with snapshot_path(name).open("wb") as raw, gzip.GzipFile(
            fileobj=raw, mode="wb", mtime=0
        ) as handle:
            handle.write(text.encode("utf-8"))
        sys.stderr.write(f"wrote {snapshot_path(name).relative_to(ROOT)}\n")


if __name__ == "__main__":
    main()
