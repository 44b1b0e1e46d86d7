"""Write the JSON Schema of scenario files, generated from the pydantic models.

Usage::

    python tools/gen_schema.py            # writes src/debttrap/schemas/scenario.schema.json
    python tools/gen_schema.py --check    # exits 1 if the committed file is out of date

The schema documents what a user writes in a scenario (see
``debttrap.io.scenario``); a test checks that the committed file is current.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from debttrap.io.scenario import scenario_json_schema

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "src/debttrap/schemas/scenario.schema.json"


def render() -> str:
    """The schema as committed: 2-space JSON, keys in model order, final newline."""
    return json.dumps(scenario_json_schema(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            sys.stderr.write(f"{args.out.name} is out of date: run tools/gen_schema.py\n")
            return 1
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    sys.stdout.write(f"wrote {args.out.name} ({len(text):,} bytes)\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
