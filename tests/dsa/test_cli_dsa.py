"""``debttrap dsa``: the JSON contract, the charts, and bad input -> one line, exit 2."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import RunCli
from golden_data import EXAMPLE

KEYS = [
    "pv_ext_debt_to_gdp_pct",
    "pv_ext_debt_to_exports_pct",
    "ext_debt_service_to_exports_pct",
    "ext_debt_service_to_revenue_pct",
    "pv_public_debt_to_gdp_pct",
]


def test_json_contract(run_cli: RunCli) -> None:
    code, out, _ = run_cli(["dsa", str(EXAMPLE), "--json"])
    assert code == 0
    doc = json.loads(out)
    for key in (
        "country",
        "first_projection_year",
        "capacity",
        "thresholds",
        "indicators",
        "rating",
    ):
        assert key in doc
    assert set(doc["capacity"]) >= {"ci_score", "classification"}
    assert list(doc["thresholds"]) == KEYS
    assert list(doc["indicators"]) == KEYS
    for ind in KEYS:
        block = doc["indicators"][ind]
        assert set(block) >= {"baseline", "stress"}
        assert "2024" in block["baseline"] and "2044" in block["baseline"]
        assert {"B1", "B3", "B4", "B5", "B6", "C1", "C4", "most_extreme"} <= set(block["stress"])
    rating = doc["rating"]
    assert set(rating) >= {"external", "overall", "moderate_space", "signals"}
    assert rating["external"] in {"low", "moderate", "high", "in_distress"}
    assert rating["overall"] in {"low", "moderate", "high", "in_distress"}
    # the most extreme path is the named test's path
    e1 = doc["indicators"][KEYS[0]]
    mx = e1["most_extreme_test"]
    assert e1["stress"]["most_extreme"] == e1["stress"][mx]


def test_summary_and_charts(tmp_path: Path, run_cli: RunCli) -> None:
    code, out, _ = run_cli(["dsa", str(EXAMPLE), "--out", str(tmp_path)])
    assert code == 0
    assert "Risk of external debt distress" in out
    png = tmp_path / "dsa-indicators.png"
    html = tmp_path / "dsa-indicators.html"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = html.read_text(encoding="utf-8")
    assert "<script" in text and "<script src=" not in text  # self-contained: js inline


def _write_broken(tmp_path: Path, edit) -> Path:  # type: ignore[no-untyped-def]
    data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _drop_gdp_2030(d: dict) -> None:  # type: ignore[type-arg]
    del d["macro"]["nominal_gdp_usd_m"]["2030"]


def _bad_fx(d: dict) -> None:  # type: ignore[type-arg]
    d["macro"]["exchange_rate_eop_lcu_per_usd"]["2026"] *= 1000


def _negative_gdp(d: dict) -> None:  # type: ignore[type-arg]
    d["macro"]["nominal_gdp_usd_m"]["2025"] = -5.0


def _unknown_group(d: dict) -> None:  # type: ignore[type-arg]
    d["new_external_financing"][0]["creditor_group"] = "friendly_neighbour"


def _gdp_lcu_mismatch(d: dict) -> None:  # type: ignore[type-arg]
    d["macro"]["nominal_gdp_lcu_m"] = {"2025": 1.0}


@pytest.mark.parametrize(
    ("edit", "needle"),
    [
        (_drop_gdp_2030, "nominal_gdp_usd_m is missing year(s) 2030"),
        (_bad_fx, "exchange rates for 2026 are inconsistent"),
        (_negative_gdp, "GDP must be positive"),
        (_unknown_group, "creditor_group"),
        (_gdp_lcu_mismatch, "exchange rates for 2025 are inconsistent"),
    ],
)
def test_bad_input_one_line_exit_2(tmp_path, run_cli, edit, needle):  # type: ignore[no-untyped-def]
    path = _write_broken(tmp_path, edit)
    out_dir = tmp_path / "charts"
    code, out, err = run_cli(["dsa", str(path), "--json", "--out", str(out_dir)])
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("error: ")
    assert needle in err
    assert "Traceback" not in err
    assert not out_dir.exists()  # nothing written half-way


def test_missing_file_exit_2(tmp_path: Path, run_cli: RunCli) -> None:
    code, _, err = run_cli(["dsa", str(tmp_path / "nope.toml")])
    assert code == 2 and "not found" in err
