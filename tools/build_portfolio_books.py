"""Regenerate the World Bank loan books packaged in ``src/debttrap/data/`` from the raw statements.

A maintainer's tool: the package never imports it and nothing needs it at run or test time.
It reads the two raw statements (the folders named in each packaged ``PROVENANCE.md``),
checks their SHA-256, keeps the columns a book needs, and writes:

* ``src/debttrap/data/wb-ibrd-statement-of-loans-2023-05/loans.parquet``
* ``src/debttrap/data/wb-ida-statement-of-credits-2019-12/credits.parquet``
* ``tests/reference/portfolio/statement_totals.csv``: the statements' own totals by lender and
  country, summed here from the raw text with exact decimal arithmetic (the tests compare the
  packaged slices with it, to the dollar).

Usage::

    python tools/build_portfolio_books.py --source RAW_DATA_DIR
"""

from __future__ import annotations

import argparse
import hashlib
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]

IBRD = (
    "wb-ibrd-statement-of-loans-2023-05",
    "IBRD_Statement_of_Loans_-_Latest_Available_Snapshot.csv.gz",
    "675ff5445163a5ffdafeb886784faf2e37684debde4fd41901e78be96d1b8d2a",
    "loans.parquet",
)
IDA = (
    "wb-ida-statement-of-credits-2019-12",
    "IDA_Statement_of_Credits_and_Grants_-_Latest_Available_Snapshot.csv.gz",
    "660a5fa8a19d78add30bff2101c572a04ddb3ab4eb35f5970b0d089e5737ba77",
    "credits.parquet",
)

#: raw column -> packaged column (the two statements name the lender in some columns)
def _columns(lender: str) -> dict[str, str]:
    return {
        "Loan Number" if lender == "IBRD" else "Credit Number": "loan_id",
        "Country Code": "wb_country_code",
        "Country": "country",
        "Loan Status" if lender == "IBRD" else "Credit Status": "status",
        "Loan Type": "loan_type",
        "Interest Rate" if lender == "IBRD" else "Service Charge Rate": "rate_pct",
        "Currency of Commitment": "currency",
        "Original Principal Amount": "original_usd",
        "Cancelled Amount": "cancelled_usd",
        "Undisbursed Amount": "undisbursed_usd",
        "Disbursed Amount": "disbursed_usd",
        f"Repaid to {lender}": "repaid_usd",
        f"Due to {lender}": "due_usd",
        "Exchange Adjustment": "exchange_adjustment_usd",
        "Borrower's Obligation": "obligation_usd",
        "Sold 3rd Party": "sold_third_party_usd",
        "Agreement Signing Date": "signing_date",
        "First Repayment Date": "first_repayment_date",
        "Last Repayment Date": "last_repayment_date",
        "Closed Date (Most Recent)": "closing_date",
        "End of Period": "statement_date",
    }


#: statement country names the WEO names differently (WEO ISO3 code)
_NAME_ISO3 = {
    "Turkiye": "TUR", "Congo, Democratic Republic of": "COD", "Congo, Republic of": "COG",
    "Yemen, Republic of": "YEM", "Egypt, Arab Republic of": "EGY", "Korea, Republic of": "KOR",
    "Iran, Islamic Republic of": "IRN", "Venezuela, Republica Bolivariana de": "VEN",
    "Gambia, The": "GMB", "Bahamas, The": "BHS", "Kyrgyz Republic": "KGZ",
    "Lao People's Democratic Republic": "LAO", "Micronesia, Federated States of": "FSM",
    "Slovak Republic": "SVK", "Syrian Arab Republic": "SYR", "Cote d'Ivoire": "CIV",
    "Sao Tome and Principe": "STP", "St. Lucia": "LCA", "St. Vincent and the Grenadines": "VCT",
    "St. Kitts and Nevis": "KNA", "Macedonia, former Yugoslav Republic of": "MKD",
    "North Macedonia": "MKD", "Kosovo": "UVK", "Cabo Verde": "CPV", "Timor-Leste": "TLS",
    "West Bank and Gaza": "PSE", "Taiwan, China": "TWN", "Hong Kong SAR, China": "HKG",
    "Russian Federation": "RUS", "Viet Nam": "VNM", "Vietnam": "VNM", "Eswatini": "SWZ",
    "Swaziland": "SWZ", "Turkey": "TUR", "Moldova": "MDA", "Czech Republic": "CZE",
    "Czechia": "CZE",
    "Bosnia and Herzegovina": "BIH", "Myanmar": "MMR", "Somalia": "SOM",
}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _iso3(names: pd.Series) -> pd.Series:
    import sys

    sys.path.insert(0, str(ROOT / "src"))
    from debttrap.datasets import iso3_for_name

    def one(name: str) -> str:
        return _NAME_ISO3.get(name) or iso3_for_name(name) or ""

    return names.map(one)


def _read(folder: Path, lender: str, name: str, sha: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    raw = folder / name
    got = _sha(raw)
    if got != sha:
        raise SystemExit(f"{raw}: sha256 {got}, the provenance records {sha}")
    text = pd.read_csv(raw, dtype=str, keep_default_na=False)
    cols = _columns(lender)
    text = text[[c for c in cols if c in text.columns]].rename(columns=cols)
    if "loan_type" not in text:
        text["loan_type"] = ""
    # exact totals from the text itself (Decimal), before any float conversion
    money = [c for c in text.columns if c.endswith("_usd")]
    sums: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for row in text.itertuples(index=False):
        rec = row._asdict()
        key = (lender, rec["country"])
        for c in money:
            sums[key][c] += Decimal(rec[c] or "0")
        sums[key]["n_loans"] += 1
    totals = pd.DataFrame(
        [{"lender": k[0], "country": k[1], **{c: str(v) for c, v in s.items()}}
         for k, s in sorted(sums.items())]
    )
    out = text.copy()
    for c in money:
        out[c] = pd.to_numeric(out[c].replace("", "0")).astype("float64")
    out["rate_pct"] = pd.to_numeric(out["rate_pct"], errors="coerce").astype("float64")
    for c in ("signing_date", "first_repayment_date", "last_repayment_date", "closing_date",
              "statement_date"):
        out[c] = pd.to_datetime(out[c].str.split(" ").str[0], format="%m/%d/%Y",
                                errors="coerce").dt.date
    out.insert(0, "lender", lender)
    out.insert(3, "iso3", _iso3(out["country"]))
    for c in ("lender", "wb_country_code", "country", "iso3", "status", "loan_type", "currency"):
        out[c] = out[c].astype("category")
    return out.sort_values("loan_id").reset_index(drop=True), totals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, required=True, help="raw data folder")
    args = parser.parse_args(argv)
    frames = []
    for (folder, name, sha, target), lender in ((IBRD, "IBRD"), (IDA, "IDA")):
        table, totals = _read(args.source / folder, lender, name, sha)
        dest = ROOT / "src" / "debttrap" / "data" / folder / target
        dest.parent.mkdir(parents=True, exist_ok=True)
        table.to_parquet(dest, compression="zstd", index=False)
        frames.append(totals)
        print(f"{dest.relative_to(ROOT)}: {len(table)} rows, {dest.stat().st_size:,} bytes")
    ref = ROOT / "tests" / "reference" / "portfolio" / "statement_totals.csv"
    ref.parent.mkdir(parents=True, exist_ok=True)
    pd.concat(frames).to_csv(ref, index=False)
    print(f"{ref.relative_to(ROOT)}: written")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
