"""``debttrap country ISO3`` and ``debttrap dsa ISO3 | --all``: contracts and bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pytest

if TYPE_CHECKING:
    from conftest import RunCli



def test_country_writes_a_file_dsa_reads(
    tmp_path: Path, run_cli: RunCli
) -> None:
    path = tmp_path / "zmb.toml"
    code, out, _ = run_cli(["country", "ZMB", "--out", str(path)])
    assert code == 0 and path.exists()
    assert "wrote" in out
    code, from_file, _ = run_cli(["dsa", str(path), "--json"])
    assert code == 0
    code, from_code, _ = run_cli(["dsa", "ZMB", "--json"])
    assert code == 0
    # same contract, same numbers: the ISO3 route is the file route without the file
    assert json.loads(from_file) == json.loads(from_code)
    doc = json.loads(from_code)
    assert doc["rating"]["external"] == "in_distress"  # Zambia: recorded default (Nov 2020)


def test_country_json_summary(run_cli: RunCli) -> None:
    code, out, _ = run_cli(["country", "KEN", "--json", "--first-year", "2024"])
    assert code == 0
    doc = json.loads(out)
    for key in ("iso3", "creditors", "capacity", "sources", "assumptions", "distress_evidence"):
        assert key in doc
    shares = doc["creditors"]["stock_share_pct"]
    assert sum(shares.values()) == pytest.approx(100.0)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["country", "XYZ"], "dataset 'imf-weo-2024oct'"),
        (["country", "ERI"], "series 'NGDPD'"),
        (["country", "SSD"], "(file data/wb-ids-ppg-debt-stocks-by-creditor/stocks.parquet)"),
        (["country", "Zambia"], "ISO3"),
        (["country", "ZMB", "--out", "OUT.txt"], "--out"),
        (["country", "ZMB", "--first-year", "1990"], "field '--first-year'"),
        (["dsa", "XYZ"], "dataset 'imf-weo-2024oct'"),
        (["dsa"], "COUNTRY"),
        (["dsa", "ZMB", "--all"], "--all"),
        (["dsa", "--all", "--out", "OUT.txt"], "--out"),
    ],
)
def test_bad_input_is_one_line_exit_2(
    args: list[str], needle: str, tmp_path: Path, run_cli: RunCli
) -> None:
    args = [str(tmp_path / a) if a.startswith("OUT") else a for a in args]
    code, _out, err = run_cli(args)
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("error: ")
    assert needle in err
    assert "Traceback" not in err
    assert not list(tmp_path.iterdir())  # nothing written half-way


def test_dsa_all_writes_one_table(tmp_path: Path, run_cli: RunCli) -> None:
    path = tmp_path / "all.csv"
    code, out, _ = run_cli(["dsa", "--all", "--json", "--out", str(path)])
    assert code == 0
    doc = json.loads(out)
    assert doc["countries"] >= 65 and doc["ok"] >= 55
    table = pd.read_csv(path, index_col="iso3")
    assert len(table) == doc["countries"]
    ok = table[table["status"] == "ok"]
    assert set(ok["rating_external"]) <= {"low", "moderate", "high", "in_distress"}
    errors = table[table["status"] == "error"]
    assert errors["error"].str.startswith("dataset '").all()
    shares = ok[[c for c in ok.columns if c.endswith("_share_pct")]].sum(axis=1)
    assert ((shares - 100).abs() < 1e-6).all()
