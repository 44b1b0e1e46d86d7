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
        (("ZMB", "--paths", "99"), "--paths"),  # the one rule: 100 to 1,000,000 (io.scenario)
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


ZAMBIA = Path(__file__).resolve().parents[2] / "examples" / "zambia-2015.toml"


def test_scenario_gives_contributions_by_offer_name(tmp_path: Path) -> None:
    """examples/zambia-2015.toml: the three offers as groups, the no-offer reference fan kept."""
    args = (str(ZAMBIA), "--paths", "1500", "--json")
    r = run(*args, "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    for key in ("country", "n_paths", "seed", "prob_distress", "indicators", "fan_charts",
                "offers", "variants", "variant_fan_charts", "calibration", "scenario",
                "history", "files"):
        assert key in doc, key
    assert doc["scenario"].startswith("Zambia") and doc["history"] == "ZMB"
    assert doc["seed"] == 2015  # the scenario's settings.seed when --seed is not given
    # the case is ex ante (decision 2015): t = 2015, history to 2014
    assert doc["rating_window"] == [2015, 2025]
    assert doc["calibration"]["window"][1] == 2014  # as debttrap assess: history before t
    offers = doc["offers"]
    assert list(offers) == ["Eurobond 2027 (2015)", "Chinese lenders 2016-2021 (typical terms)",
                            "Counterfactual: US$1.25bn on IDA terms"]
    for name, c in offers.items():
        v = doc["variants"][c["variant_without"]]
        assert c["variant_without"] == f"without_{name}"
        assert c["prob_distress_with"] == doc["prob_distress"]
        assert c["contribution_prob_distress"] == pytest.approx(
            doc["prob_distress"] - v["prob_distress"], abs=1e-15)
        assert set(c["contribution_prob_breach_any_year"]) == set(doc["thresholds_pct"])
    ref = doc["variant_fan_charts"]["no_offer"]["pv_ext_debt_to_gdp_pct"]
    main = doc["fan_charts"]["pv_ext_debt_to_gdp_pct"]
    # the Eurobond (signed 2015) is in the 2016 stock with offers, not in the reference
    assert main["baseline"]["2016"] > ref["baseline"]["2016"]
    assert (tmp_path / "fan-charts.png").stat().st_size > 0

    again = run(*args)
    two = run(*args, "--workers", "2")
    assert again.returncode == 0 and two.returncode == 0
    d1, d2 = json.loads(again.stdout), json.loads(two.stdout)
    assert d1 == {k: v for k, v in doc.items() if k != "files"}  # same seed: identical
    for d in (d1, d2):
        d.pop("workers"), d.pop("memory_bytes")
    assert d1 == d2  # same seed: identical on 1 or 2 workers


def _scenario(tmp_path: Path, body: str) -> str:
    p = tmp_path / "bad.toml"
    p.write_text(body, encoding="utf-8")
    return str(p)


_GOOD = """name = "x"
country = "ZMB"
[[offers]]
name = "o"
lender = { name = "L", type = "bilateral_other" }
[[offers.loans]]
amount_m = 100.0
signing_year = 2024
rate_pct = 5.0
grace_years = GRACE
maturity_years = 10
"""


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (_GOOD.replace("GRACE", "-1"), "grace_years"),
        (_GOOD.replace("GRACE", "2").replace('"ZMB"', '"QQQ"'), "country"),
        (_GOOD.replace("GRACE", "2").replace("rate_pct", "rate_pc"), "offers[0].loans[0]"),
        (_GOOD.replace("GRACE", "2") + "[settings]\nseed = -3\n", "seed"),
    ],
)
def test_bad_scenario_is_one_line_and_exit_2(body: str, field: str, tmp_path: Path) -> None:
    r = run(_scenario(tmp_path, body), "--paths", "200", "--out", str(tmp_path / "charts"))
    assert r.returncode == 2, r.stdout
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and field in lines[0] and "bad.toml" in lines[0], r.stderr
    assert "Traceback" not in r.stderr
    assert not (tmp_path / "charts").exists()


def test_all_fans_keeps_every_variant(tmp_path: Path) -> None:
    r = run(str(ZAMBIA), "--paths", "300", "--json", "--all-fans", "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert set(doc["variant_fan_charts"]) == set(doc["variants"])  # no_offer + 3 without_
    for fans in doc["variant_fan_charts"].values():
        f = fans["pv_ext_debt_to_exports_pct"]
        for y in f["p50"]:
            assert f["p5"][y] <= f["p25"][y] <= f["p50"][y] <= f["p75"][y] <= f["p95"][y]
    assert (tmp_path / "fan-charts.html").stat().st_size > 0
