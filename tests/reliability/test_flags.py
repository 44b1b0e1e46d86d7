"""Issue 13, findings 3, 4 and 7: flags are checked before any work, their errors name the
flag, and flags that do not apply to the input are refused rather than ignored."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import RunCli

ROOT = Path(__file__).resolve().parents[2]
COUNTRY = str(ROOT / "examples" / "lic-dsf-illustrative.toml")
LOAN = str(ROOT / "examples" / "ida-regular-credit.toml")


@pytest.mark.parametrize(("extra", "flag"), [
    (["--method", "t", "--df", "inf"], "--df"),  # gave 1,440 null quantiles
    (["--method", "t", "--df", "nan"], "--df"),
    (["--max-gap-pct-gdp", "nan"], "--max-gap-pct-gdp"),
    (["--max-gap-pct-gdp", "-1"], "--max-gap-pct-gdp"),
    (["--block-years", "1000000000"], "--block-years"),  # asked for a 7.45 GiB array
    (["--paths", "5000000"], "--paths"),
    (["--paths", "100000000000000000000"], "--paths"),
    (["--history", "XYZ"], "--history"),
    (["--history", "not-a-code"], "--history"),
    (["--first-year", "1800"], "--first-year"),
])
def test_simulate_flags_name_themselves(extra: list[str], flag: str, run_cli: RunCli) -> None:
    args = ["simulate", COUNTRY, "--paths", "200", "--history", "ZMB"]
    code, out, err = run_cli([*args, *extra])
    assert code == 2 and out == "", err
    assert err.count("\n") == 1 and flag in err and "Traceback" not in err, err


@pytest.mark.parametrize("flags", [
    ["--payments-per-year", "4"],
    ["--amortization", "bullet"],
    ["--management-fee-pct", "1"],
    ["--disbursement-shares", "0.5,0.5"],
])
def test_grant_element_refuses_flags_a_loan_file_already_gives(
    flags: list[str], run_cli: RunCli
) -> None:
    code, out, err = run_cli(["grant-element", LOAN, *flags])
    assert code == 2 and out == "" and flags[0] in err, err


def test_grant_element_flags_still_work_without_a_file(run_cli: RunCli) -> None:
    base = ["grant-element", "--rate-pct", "2", "--maturity-years", "20", "--grace-years", "5"]
    code, semi, err = run_cli([*base, "--json"])
    assert code == 0, err
    code, bullet, err = run_cli([*base, "--amortization", "bullet", "--json"])
    assert code == 0, err
    assert semi != bullet  # the flag is applied, not ignored
    code, _, err = run_cli([*base, "--management-fee-pct", "nan"])
    assert code == 2 and "--management-fee-pct" in err, err


@pytest.mark.parametrize(("extra", "flag"), [
    (["--paths", "10000000"], "--paths"),  # MemoryError traceback
    (["--paths", "100000000000000000000"], "--paths"),  # ValueError traceback
    (["--stochastic-paths", "10000000"], "--stochastic-paths"),
])
def test_assess_path_counts_are_bounded(extra: list[str], flag: str, run_cli: RunCli) -> None:
    code, out, err = run_cli(["assess", str(ROOT / "examples" / "zambia-2015.toml"), *extra])
    assert code == 2 and out == "" and flag in err and err.count("\n") == 1, err


def test_simulate_refuses_a_run_larger_than_the_memory_limit(
    run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finding 3: sizes are bounded by an estimate of the memory a run needs."""
    monkeypatch.setattr("debttrap.validation.MEMORY_LIMIT_BYTES", 1024**2)  # 1 MiB
    code, out, err = run_cli(["simulate", COUNTRY, "--history", "ZMB", "--paths", "100000"])
    assert code == 2 and out == "" and err.count("\n") == 1, err
    assert "--paths" in err and "GiB of memory" in err and "limit" in err, err
