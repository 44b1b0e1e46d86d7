"""``debttrap assess``: the JSON contract, the report, and bad input (one line, exit 2)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from .conftest import EXAMPLES

if TYPE_CHECKING:
    from conftest import RunCli

CONTROL = (EXAMPLES / "ida-negative-control.toml").read_text(encoding="utf-8")


def test_json_contract_and_report(tmp_path: Path, run_cli: RunCli) -> None:
    out = tmp_path / "rep"
    code, stdout, stderr = run_cli(
        ["assess", str(EXAMPLES / "ida-negative-control.toml"), "--json", "--out", str(out),
         "--paths", "500", "--stochastic-paths", "200"]
    )
    assert code == 0, stderr
    doc = json.loads(stdout)
    o = doc["offers"][0]
    for key in ("name", "grant_element_pct", "rating_after"):
        assert key in o
    assert o["verdict"]["trap_risk"] == "low"
    assert o["verdict"]["reasons"] == []
    assert json.loads((out / "assessment.json").read_text()) == doc
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<script" in page and "<script src=\"http" not in page  # plotly inline, no network
    assert page.count("Plotly.newPlot") >= 4  # indicators, probabilities, creditors, shares
    for text in ("IDA rural roads credit", "Low trap risk", "Sources and assumptions",
                 "Verdict rules", "threshold"):
        assert text in page


def test_table_output_names_the_verdict(tmp_path: Path, run_cli: RunCli) -> None:
    code, stdout, stderr = run_cli(
        ["assess", str(EXAMPLES / "ida-negative-control.toml"), "--no-stochastic", "--paths", "300"]
    )
    assert code == 0, stderr
    assert "low trap risk" in stdout and "IDA rural roads credit" in stdout


BAD = {
    "unknown country": ('country = "KHM"', 'country = "QQQ"', "country"),
    "inconsistent loan terms": ("grace_years = 6\n", "grace_years = 40\n", "grace_years"),
    "offer without loans or grants": (None, None, "at least one loan or one grant"),
    "negative project cost": ("quoted_cost_usd_m = 150.0", "quoted_cost_usd_m = -150.0",
                              "quoted_cost_usd_m"),
}


def _without_loans(text: str) -> str:
    head, rest = text.split("[[offers.loans]]", 1)
    return head + "[offers.project]" + rest.split("[offers.project]", 1)[1]


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_one_line_exit_2_nothing_written(
    tmp_path: Path, case: str, run_cli: RunCli
) -> None:
    old, new, must_name = BAD[case]
    text = _without_loans(CONTROL) if old is None else CONTROL.replace(old, new)
    assert text != CONTROL
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    code, _, stderr = run_cli(["assess", str(path), "--out", str(out), "--no-stochastic"])
    assert code == 2
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:")
    assert "Traceback" not in stderr
    assert must_name in lines[0]
    assert not out.exists() or not any(out.iterdir())


def test_out_must_be_a_folder(tmp_path: Path, run_cli: RunCli) -> None:
    f = tmp_path / "file.txt"
    f.write_text("x")
    code, _, stderr = run_cli(
        ["assess", str(EXAMPLES / "ida-negative-control.toml"), "--out", str(f)]
    )
    assert code == 2 and "--out" in stderr
