"""``debttrap simulate``: JSON keys, charts, one-line errors with exit code 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "lic-dsf-illustrative.toml"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from debttrap.cli import main; main()", "simulate", *args],
        capture_output=True, text=True, timeout=120,
    )


def test_json_for_a_country_built_from_data(tmp_path: Path) -> None:
    r = run("ZMB", "--paths", "2000", "--seed", "1", "--json", "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    for key in ("country", "n_paths", "seed", "method", "years", "rating_window",
                "thresholds_pct", "distress_definition", "prob_distress", "indicators",
                "fan_charts", "offers", "calibration", "memory_bytes", "capacity", "files"):
        assert key in doc, key
    assert doc["n_paths"] == 2000 and doc["rating_window"] == [2024, 2034]
    e1 = doc["indicators"]["pv_ext_debt_to_gdp_pct"]
    assert 0.0 <= e1["prob_breach_two_or_more_years"] <= e1["prob_breach_any_year"] <= 1.0
    fan = doc["fan_charts"]["pv_ext_debt_to_gdp_pct"]
    assert set(fan) == {"baseline", "mean", "p5", "p10", "p25", "p50", "p75", "p90", "p95"}
    assert doc["calibration"]["window"] == [2000, 2023]
    for name in ("fan-charts.png", "fan-charts.html", "fan-charts.csv"):
        assert (tmp_path / name).stat().st_size > 0
    html = (tmp_path / "fan-charts.html").read_text(encoding="utf-8")
    assert "<script" in html and '<script src="http' not in html  # self-contained


def test_country_file_with_history_and_bootstrap() -> None:
    r = run(str(EXAMPLE), "--history", "GHA", "--paths", "500", "--method", "bootstrap",
            "--window", "2001:2023", "--json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["method"] == "bootstrap" and doc["calibration"]["window"] == [2001, 2023]


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("ZMB", "--method", "cauchy"), "--method"),
        (("ZMB", "--window", "2023-2000"), "--window"),
        (("ZMB", "--window", "2000:2028"), "window"),
        (("ZMB", "--paths", "0"), "--paths"),
        ((str(EXAMPLE),), "--history"),
        (("XXX",), "XXX"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: tuple[str, ...], field: str,
                                         tmp_path: Path) -> None:
    r = run(*args, "--out", str(tmp_path / "charts"))
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and field in lines[0], r.stderr
    assert "Traceback" not in r.stderr
    assert not (tmp_path / "charts").exists()  # nothing written half-way
