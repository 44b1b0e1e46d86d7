"""``debttrap offers``: the JSON contract, the table, and bad input -> one line, exit 2."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import RunCli

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_json_contract(run_cli: RunCli) -> None:
    code, out, err = run_cli(
        ["offers", str(EXAMPLES / "syria-2025.toml"), "--json", "--paths", "500"]
    )
    assert code == 0, err
    doc = json.loads(out)
    assert doc["scenario"].startswith("Syria") and doc["country"] == "Syria"
    assert doc["n_paths"] == 500 and doc["seed"] == 2025
    names = [o["name"] for o in doc["offers"]]
    assert names == ["Belt and Road package (Eximbank + CDB)", "IDA and Gulf grants",
                     "Eurobond (10-year)"]
    bri, grants, bond = doc["offers"]
    for o in doc["offers"]:
        assert {"lender", "lender_group", "loans_usd_m", "grants_usd_m", "grant_element_pct",
                "loans", "grants", "conditions", "project", "project_by_year", "clauses",
                "levers"} <= set(o)
    assert grants["grant_element_pct"] == 100.0
    assert bond["grant_element_pct"] < 0 < bri["grant_element_pct"] < 35
    # no contract text: the package's clauses are typical, each with its published share
    # (How China Lends: all 2014+ contracts confidential, ~75% no Paris Club)
    assert bri["clauses"]["borrower_confidentiality"]["loans_with_clause"] == 0
    assert bri["clauses"]["borrower_confidentiality"]["expected_share_of_amount_pct"] == 100.0
    assert bri["clauses"]["no_paris_club"]["hcl_chinese_pct"] == 75.0
    assert bri["clauses"]["no_paris_club"]["expected_share_of_amount_pct"] == 75.0
    assert bri["levers"]["keeps_out_of_restructuring"] is False  # no contract says so
    # the bond's cross-default comes from the standard terms of sovereign bonds
    assert bond["clauses"]["acceleration.cross_default"]["loans_with_clause"] == 1
    assert grants["levers"]["acceleration_peak_usd_m"] == 0.0
    assert bri["project"]["cost_p90_usd_m"] > bri["project"]["cost_p50_usd_m"] > 2000
    assert "2030" in bri["project_by_year"]
    assert bri["conditions"][0]["source"]
    assert doc["sources"]["offers[0].loans[0]"]


def test_same_seed_same_json(run_cli: RunCli) -> None:
    args = ["offers", str(EXAMPLES / "laos-railway-2016.toml"), "--json", "--paths", "300",
            "--seed", "9"]
    _, a, _ = run_cli(args)
    _, b, _ = run_cli(args)
    assert a == b


def test_table_and_one_offer(run_cli: RunCli) -> None:
    code, out, _ = run_cli(
        ["offers", str(EXAMPLES / "zambia-2015.toml"), "--offer", "Eurobond 2027 (2015)",
         "--paths", "200"]
    )
    assert code == 0
    assert "Eurobond 2027 (2015)" in out and "Counterfactual" not in out


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (["offers", "no-such-file.toml"], "file not found"),
        (["offers", str(EXAMPLES / "zambia-2015.toml"), "--offer", "nope"], "no offer named"),
        (["offers", str(EXAMPLES / "zambia-2015.toml"), "--paths", "5"], "--paths"),
        (["offers", str(EXAMPLES / "zambia-2015.toml"), "--seed", "-1"], "--seed"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    args: list[str], text: str, run_cli: RunCli
) -> None:
    code, out, err = run_cli(args)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and text in err


def test_bad_scenario_content(tmp_path: Path, run_cli: RunCli) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'name = "x"\ncountry = "Syria"\n[[offers]]\nname = "A"\n'
        'lender = { name = "L", type = "multilateral" }\n',
        encoding="utf-8",
    )
    code, _, err = run_cli(["offers", str(bad)])
    assert code == 2
    assert err.startswith("error: bad.toml: field 'country'")
