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


# --------------------------------------------------------------------------- --first-year


@pytest.mark.parametrize("command", [
    ["dsa", "ZMB"],
    ["dsa", "--all"],
    ["country", "ZMB"],
    ["simulate", "ZMB", "--paths", "200"],
    ["portfolio", "ida", "--paths", "100"],
])
@pytest.mark.parametrize("year", ["1800", "2004", "2030", "99999"])
def test_first_year_is_range_checked_and_named_everywhere(
    command: list[str], year: str, run_cli: RunCli
) -> None:
    """Finding 4/7: ``--first-year 1800`` failed once per country (``dsa --all``) or named a
    field ``first_year`` the user never typed. The command line's own check answers (its
    wording, not the builder's), so no country is tried."""
    code, out, err = run_cli([*command, "--first-year", year])
    assert code == 2 and out == "" and err.count("\n") == 1, err
    assert "field '--first-year'" in err and "2005-2029" in err, err
    assert "the years the bundled data can build a country for" in err, err


def test_the_first_year_range_is_the_builders() -> None:
    """The command line's range is the one the open-data builder enforces: the years either
    side of it are refused by both, and its ends are accepted by the command line."""
    from debttrap.cli._common import (
        DEFAULT_FIRST_YEAR,
        FIRST_YEAR_MAX,
        FIRST_YEAR_MIN,
        check_first_year,
    )
    from debttrap.errors import InputError
    from debttrap.opendata import DEFAULT_FIRST_YEAR as BUILDER_DEFAULT
    from debttrap.opendata import build_country
    from debttrap.opendata.gdp import WEO_LAST_YEAR

    assert FIRST_YEAR_MAX == WEO_LAST_YEAR and DEFAULT_FIRST_YEAR == BUILDER_DEFAULT

    for year in (FIRST_YEAR_MIN - 1, WEO_LAST_YEAR + 1):
        with pytest.raises(InputError, match="--first-year"):
            check_first_year(year)
        with pytest.raises(InputError, match="outside"):
            build_country("ZMB", year)
    assert check_first_year(FIRST_YEAR_MIN) == FIRST_YEAR_MIN
    assert check_first_year(WEO_LAST_YEAR) == WEO_LAST_YEAR


@pytest.mark.parametrize("command", [
    ["dsa", COUNTRY],
    ["simulate", COUNTRY, "--history", "ZMB", "--paths", "200"],
])
def test_first_year_is_refused_where_the_file_states_its_own(
    command: list[str], run_cli: RunCli
) -> None:
    """A country file carries its own first projection year: the flag would be ignored."""
    code, out, err = run_cli([*command, "--first-year", "2020"])
    assert code == 2 and out == "" and err.count("\n") == 1, err
    assert "--first-year" in err and "does not apply" in err, err


@pytest.mark.parametrize(("command", "flag"), [
    (["simulate", "ZMB", "--history", "Z1B"], "--history"),
    (["portfolio", "ida", "--tail", "nan"], "--tail"),
    (["portfolio", "ida", "--seed", "-1"], "--seed"),
    (["offers", str(ROOT / "examples" / "zambia-2015.toml"), "--paths", "10"], "--paths"),
    (["offers", str(ROOT / "examples" / "zambia-2015.toml"), "--seed", "-1"], "--seed"),
])
def test_other_flags_name_themselves(command: list[str], flag: str, run_cli: RunCli) -> None:
    code, out, err = run_cli(command)
    assert code == 2 and out == "" and err.count("\n") == 1 and flag in err, err


# --------------------------------------------------------------------------- memory


def test_assess_refuses_project_paths_larger_than_the_memory_limit(
    run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finding 3: ``assess --paths 10^7`` died of a MemoryError; the estimate comes first."""
    monkeypatch.setattr("debttrap.validation.MEMORY_LIMIT_BYTES", 1024**2)  # 1 MiB
    monkeypatch.setattr("debttrap.assess.assess", _no_work)
    scenario = str(ROOT / "examples" / "hambantota-2007.toml")
    code, out, err = run_cli(["assess", scenario, "--no-stochastic", "--paths", "100000"])
    assert code == 2 and out == "" and err.count("\n") == 1, err
    assert "field '--paths'" in err and "GiB of memory" in err and "limit is" in err, err
    # without --paths the scenario's own setting is what to change
    code, out, err = run_cli(["assess", scenario, "--no-stochastic"])
    assert code == 2 and "field 'settings.n_paths'" in err, err


def test_assess_refuses_macro_paths_larger_than_the_memory_limit(
    run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("debttrap.validation.MEMORY_LIMIT_BYTES", 1024**2)
    monkeypatch.setattr("debttrap.assess.assess", _no_work)
    scenario = str(ROOT / "examples" / "zambia-2015.toml")  # no project: macro paths only
    code, out, err = run_cli(["assess", scenario, "--paths", "100",
                              "--stochastic-paths", "100000"])
    assert code == 2 and out == "" and err.count("\n") == 1, err
    assert "field '--stochastic-paths'" in err and "GiB of memory" in err, err


def test_offers_refuses_project_paths_larger_than_the_memory_limit(
    run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("debttrap.validation.MEMORY_LIMIT_BYTES", 1024**2)
    code, out, err = run_cli(["offers", str(ROOT / "examples" / "hambantota-2007.toml"),
                              "--paths", "100000"])
    assert code == 2 and out == "" and "field '--paths'" in err and "GiB" in err, err


def test_the_simulation_estimate_is_the_engines_own_accounting(run_cli: RunCli) -> None:
    """The estimate checked before a run equals what the run reports it used (block by block
    accounting in the engine)."""
    import json

    from debttrap.cli._common import simulation_bytes

    for n_paths in ("300", "5000"):  # one block, two blocks
        code, out, err = run_cli(["simulate", COUNTRY, "--history", "ZMB", "--paths", n_paths,
                                  "--json"])
        assert code == 0, err
        doc = json.loads(out)
        n_years = len(doc["years"])
        assert simulation_bytes(int(n_paths), n_years) == doc["memory_bytes"]


def _no_work(*_: object, **__: object) -> None:
    raise AssertionError("the assessment ran before its memory was estimated")


@pytest.mark.parametrize(("window", "needle"), [
    ("1800:1900", "last year of actual data"),
    ("2020:2021", "--pwt"),
])
def test_simulate_window_errors_name_the_flag(
    window: str, needle: str, run_cli: RunCli
) -> None:
    """The calibration's errors named its argument ``window`` and suggested
    ``missing='pairwise'``, a library word; the command line names its own flags."""
    code, out, err = run_cli(["simulate", "ZMB", "--paths", "200", "--window", window])
    assert code == 2 and out == "" and err.count("\n") == 1, err
    assert "field '--window'" in err and needle in err and "missing=" not in err, err


def test_serve_flags_are_bounded(run_cli: RunCli) -> None:
    pytest.importorskip("uvicorn")
    for args, flag in ((["--workers", "1000"], "--workers"), (["--port", "0"], "--port")):
        code, out, err = run_cli(["serve", *args])
        assert code == 2 and out == "" and flag in err and err.count("\n") == 1, err
