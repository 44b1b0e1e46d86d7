"""Package the "How China Lends" clause frequencies as ``src/debttrap/data/how-china-lends/``.

A maintainer's tool: nothing imports it at run or test time. It reads the
reference table (``how-china-lends-clauses.csv``: clause, chinese_share,
benchmark_share, note, source), checks its SHA-256 against the value recorded
in the dataset's ``PROVENANCE.md``, adds two columns that the leverage layer
keys on — ``key`` (the clause, in debttrap's taxonomy) and ``scope`` (which
contracts the share is of) — and writes ``clauses.parquet``.

Usage::

    python tools/build_how_china_lends.py --source PATH/TO/how-china-lends-clauses.csv
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from pathlib import Path

import pandas as pd

# (key, scope) for each row of the reference table, in its order.
KEYS: tuple[tuple[str, str], ...] = (
    ("borrower_confidentiality", "cdb"),
    ("borrower_confidentiality", "eximbank"),
    ("borrower_confidentiality", "chinese_2014_plus"),
    ("borrower_confidentiality", "benchmark"),
    ("lender_controlled_account", "chinese"),
    ("account_all_project_revenue", "chinese_with_special_account"),
    ("collateral_physical_asset", "chinese"),
    ("no_paris_club", "chinese"),
    ("acceleration.adverse_action_to_lender_state_entity", "cdb"),
    ("acceleration.cross_default", "chinese"),
    ("acceleration.cross_cancellation", "chinese"),
    ("acceleration.policy_change", "chinese"),
    ("acceleration.severing_diplomatic_relations", "cdb"),
    ("stabilization", "chinese"),
    ("governing_law_prc", "chinese"),
    ("arbitration_cietac", "chinese"),
    ("immunity_waiver", "chinese"),
    ("pricing_eximbank_commercial", "eximbank"),
)


def recorded_sha256(provenance: Path) -> str:
    """The 64-hex digest recorded in PROVENANCE.md for the reference CSV."""
    text = provenance.read_text(encoding="utf-8")
    match = re.search(r"how-china-lends-clauses\.csv\W+`?([0-9a-f]{64})", text)
    if match is None:
        raise SystemExit(f"no sha256 for the CSV in {provenance}")
    return match.group(1)


def build(source: Path, out: Path) -> pd.DataFrame:
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    expected = recorded_sha256(out / "PROVENANCE.md")
    if digest != expected:
        raise SystemExit(f"{source.name}: sha256 {digest} differs from the recorded {expected}")
    raw = pd.read_csv(source, dtype={"clause": str, "note": str, "source": str})
    if len(raw) != len(KEYS):
        raise SystemExit(f"{source.name}: {len(raw)} rows, expected {len(KEYS)}")
    table = pd.DataFrame(
        {
            "key": [k for k, _ in KEYS],
            "scope": [s for _, s in KEYS],
            "clause": raw["clause"],
            "chinese_share": raw["chinese_share"].astype("float64"),
            "benchmark_share": raw["benchmark_share"].astype("float64"),
            "note": raw["note"].fillna(""),
            "source": raw["source"].fillna(""),
        }
    )
    table.to_parquet(out / "clauses.parquet", index=False, compression="zstd")
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, required=True, help="how-china-lends-clauses.csv")
    parser.add_argument(
        "--out", type=Path, default=Path("src/debttrap/data/how-china-lends"), help="output folder"
    )
    args = parser.parse_args(argv)
    table = build(args.source, args.out)
    sys.stdout.write(f"wrote {len(table)} rows to {args.out / 'clauses.parquet'}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
