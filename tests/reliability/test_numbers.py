"""Issue 13, findings 2 and 4: every number entering the models is a finite, normal number of
sane size, and never a boolean; the error names the input field.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from debttrap.errors import InputError
from debttrap.io.files import load_loans, parse_model
from debttrap.terms.loan import Loan
from debttrap.terms.project import LognormalPrior
from debttrap.validation import MAX_MAGNITUDE, check_number, number_problem

if TYPE_CHECKING:
    from conftest import RunCli

BASE: dict[str, Any] = {
    "name": "probe",
    "creditor": {"name": "Lender", "type": "bilateral_other"},
    "amount_m": 100.0,
    "signing_year": 2025,
    "rate_pct": 2.0,
    "grace_years": 5,
    "maturity_years": 20,
}


def refused(field: str, **changes: Any) -> str:
    data = {k: v for k, v in {**BASE, **changes}.items() if v is not None}
    with pytest.raises(InputError) as info:
        parse_model(Loan, data, source="loan.toml")
    assert info.value.field is not None and info.value.field.startswith(field), str(info.value)
    return str(info.value)


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan")])
def test_non_finite_amount_is_refused(value: float) -> None:
    refused("amount_m", amount_m=value)


def test_boolean_amount_is_not_one() -> None:
    assert "true/false is not a number" in refused("amount_m", amount_m=True)
    refused("grace_years", grace_years=False)


def test_sub_normal_numbers_are_refused() -> None:
    # amount_m = 5e-324 gave a ZeroDivisionError; issue_price_pct = 1e-320 a null grant element
    refused("amount_m", amount_m=5e-324)  # below the smallest amount, one unit
    refused("amount_m", amount_m=6.5e-225)  # normal, yet proceeds underflowed to 0 (fuzzing)
    refused("issue_price_pct", issue_price_pct=1e-320)
    assert "sub-normal" in refused("management_fee_pct", management_fee_pct=5e-324)


def test_huge_amount_is_refused() -> None:
    assert "out of range" in refused("amount_m", amount_m=1e300)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), 1e308])
def test_floating_index_path_is_checked(value: float) -> None:
    interest = {"kind": "floating", "index": "SOFR", "margin_pct": 1.0,
                "default_index_pct": 4.0, "index_path_pct": {2026: value}}
    refused("interest.index_path_pct", rate_pct=None, interest=interest)


@pytest.mark.parametrize("years", [[float("inf")], [float("nan")], []])
def test_insurance_instalment_years_are_checked(years: list[float]) -> None:
    """``[inf]`` was an OverflowError, ``[nan]`` an error naming no field, ``[]`` dropped the
    premium silently."""
    refused("insurance", insurance={"premium_pct": 5.0, "instalment_years": years})


def test_nan_step_start_is_refused() -> None:
    interest = {"kind": "stepped", "steps": [[0.0, 2.0], [float("nan"), 3.0]]}
    refused("interest.steps", rate_pct=None, interest=interest)


def test_literals_too_large_become_errors_in_files(tmp_path: Path) -> None:
    toml = tmp_path / "loan.toml"
    toml.write_text(
        'amount_m = 1e400\nsigning_year = 2025\nrate_pct = 2\ngrace_years = 5\n'
        'maturity_years = 20\n[creditor]\nname = "L"\ntype = "bilateral_other"\n'
    )
    with pytest.raises(InputError, match="amount_m"):
        load_loans(toml)
    js = tmp_path / "loan.json"
    js.write_text(json.dumps(BASE).replace('"amount_m": 100.0', '"amount_m": Infinity'))
    with pytest.raises(InputError, match="amount_m"):
        load_loans(js)


@pytest.mark.parametrize("prior", [
    {"mean_ratio": float("inf"), "sd_ratio": 0.2},
    {"mean_ratio": 1.2, "sd_ratio": 1e300},
    {"mu": 800.0, "sigma": 0.1},
    {"median_ratio": 5e-324, "sigma": 0.1},
])
def test_project_priors_are_checked(prior: dict[str, float]) -> None:
    with pytest.raises(InputError) as info:
        parse_model(LognormalPrior, prior, prefix="cost_prior")
    assert info.value.field is not None and info.value.field.startswith("cost_prior.")


def test_number_rules() -> None:
    assert number_problem(1.0) is None and number_problem(0.0) is None
    assert number_problem(-MAX_MAGNITUDE) is None
    assert number_problem(MAX_MAGNITUDE * 10) is not None
    with pytest.raises(InputError, match="--df"):
        check_number(True, "--df")
    with pytest.raises(InputError, match="above the largest"):
        check_number(5.0, "--df", maximum=4.0)


def test_cli_refuses_bad_numbers_in_a_loan_file(tmp_path: Path, run_cli: RunCli) -> None:
    loan = tmp_path / "loan.json"
    loan.write_text(json.dumps({**BASE, "amount_m": True}))
    code, out, err = run_cli(["schedule", str(loan), "--json"])
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "amount_m" in err and "not a number" in err


@pytest.mark.parametrize("key", ["median_ratio", "mean_ratio", "p90_ratio"])
def test_a_bad_prior_value_is_named_not_the_parameter_it_would_give(key: str) -> None:
    """Finding 2: a prior with an infinite ratio was reported as its ``mu`` missing (the
    derived parameter), with the bad value hidden behind "and 1 more problem"."""
    prior = {"median_ratio": 1.0, "sigma": 0.1} if key == "median_ratio" else (
        {"mean_ratio": 1.2, "sd_ratio": 0.2} if key == "mean_ratio"
        else {"median_ratio": 1.0, "p90_ratio": 1.5})
    prior[key] = float("inf")
    with pytest.raises(InputError) as info:
        parse_model(LognormalPrior, prior, prefix="demand_prior")
    assert info.value.field == f"demand_prior.{key}", str(info.value)
    assert "finite" in str(info.value)


def test_scenario_project_values_name_their_field(tmp_path: Path, run_cli: RunCli) -> None:
    """Finding 2: project cost, revenue and priors of infinity gave an IndexError traceback,
    nulls, or an error naming the wrong field."""
    text = (Path(__file__).resolve().parents[2] / "examples" / "hambantota-2007.toml").read_text()
    cases = {
        "quoted_cost_usd_m": ("quoted_cost_usd_m = 360.8", "quoted_cost_usd_m = inf"),
        "revenue_usd_m": ("revenue_usd_m = 58.2", "revenue_usd_m = inf"),
        # the ex ante case has no demand prior of its own (the sector's applies): add one
        "demand_prior.median_ratio": (
            "overrun_on_budget_pct = 100.0",
            "overrun_on_budget_pct = 100.0\n"
            "demand_prior = { median_ratio = inf, sigma = 0.0, source = \"test\" }",
        ),
        "operating_cost_usd_m": ("operating_cost_usd_m = 0.0", "operating_cost_usd_m = 1e308"),
    }
    for field, (old, new) in cases.items():
        path = tmp_path / "scenario.toml"
        path.write_text(text.replace(old, new, 1))
        for command in (["offers", str(path)], ["assess", str(path), "--no-stochastic"]):
            code, out, err = run_cli(command)
            assert code == 2 and out == "" and err.count("\n") == 1, err
            assert f"field 'offers[0].project.{field}'" in err, err
