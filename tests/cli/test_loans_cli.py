"""``debttrap schedule`` and ``debttrap grant-element`` from the command line.

Bad input must give exactly one line on stderr naming the field (or file), exit code 2,
no traceback and nothing on stdout. The ``grant-element --json`` keys are a public
contract, and its IMF and OECD-DAC answers must match the reference values to 0.01 pp.

Most cases call the entry point ``debttrap.cli.main`` in-process (the same code the
installed ``debttrap`` script runs); two run the installed script as a subprocess.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import RunCli

GOOD_TOML = """\
name = "Hambantota II terms"
amount_m = 100
signing_year = 2025
rate_pct = 2
grace_years = 6.5
maturity_years = 20
payments_per_year = 2
management_fee_pct = 0.5

[creditor]
name = "Export-Import Bank of China"
type = "bilateral_other"
"""

GOOD_JSON = {
    "name": "IDA-like",
    "amount_m": 50,
    "signing_year": 2024,
    "rate_pct": 0.75,
    "grace_years": 6,
    "maturity_years": 38,
    "payments_per_year": 2,
    "creditor": {"name": "IDA", "type": "multilateral"},
}


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def assert_one_line_error(code: int, out: str, err: str, *needles: str) -> None:
    assert code == 2, err
    assert out == "", "nothing may be written to stdout on bad input"
    lines = err.strip("\n").split("\n")
    assert len(lines) == 1, err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


# ----------------------------------------------------------------------------- bad files
@pytest.mark.parametrize(
    ("label", "edit", "needles"),
    [
        ("grace >= maturity", ("grace_years = 6.5", "grace_years = 20"), ("grace_years",)),
        (
            "shares do not sum to 1",
            ("rate_pct = 2", "rate_pct = 2\ndisbursement_shares = [0.5, 0.4]"),
            ("disbursement_shares", "sum to 1"),
        ),
        ("negative amount", ("amount_m = 100", "amount_m = -5"), ("amount_m",)),
        (
            "unknown amortization",
            ("rate_pct = 2", 'rate_pct = 2\namortization = "balloon"'),
            ("amortization",),
        ),
        (
            "unknown currency",
            ("rate_pct = 2", 'rate_pct = 2\ncurrency = "XYZ"'),
            ("currency", "XYZ"),
        ),
        (
            "unknown field",
            ("rate_pct = 2", "rate_pct = 2\ngrace_period = 3"),
            ("grace_period", "unknown field"),
        ),
        ("missing field", ("maturity_years = 20\n", ""), ("maturity_years", "missing")),
        (
            "grace off the payment dates",
            ("grace_years = 6.5", "grace_years = 6.3"),
            ("grace_years", "payment periods"),
        ),
        (
            "custom without shares",
            ("rate_pct = 2", 'rate_pct = 2\namortization = "custom"'),
            ("principal_shares",),
        ),
    ],
    ids=lambda x: x if isinstance(x, str) else "",
)
@pytest.mark.parametrize("command", ["schedule", "grant-element"])
def test_bad_loan_file(
    command: str,
    label: str,
    edit: tuple[str, str],
    needles: tuple[str, ...],
    tmp_path: Path,
    run_cli: RunCli,
) -> None:
    text = GOOD_TOML.replace(*edit)
    assert text != GOOD_TOML, label
    path = write(tmp_path, "loan.toml", text)
    code, out, err = run_cli([command, path])
    assert_one_line_error(code, out, err, "loan.toml", *needles)


@pytest.mark.parametrize(
    ("name", "text", "needles"),
    [
        ("bad.toml", 'name = "unterminated\namount_m = 1\n', ("bad.toml", "malformed TOML")),
        ("bad.json", '{"name": "x", "amount_m": 100,,}', ("bad.json", "malformed JSON")),
        ("list.json", "[1, 2, 3]", ("list.json", "table/object")),
        ("loan.yaml", "name: x\n", ("loan.yaml", "unsupported file type")),
    ],
)
def test_malformed_files(
    name: str,
    text: str,
    needles: tuple[str, ...],
    tmp_path: Path,
    run_cli: RunCli,
) -> None:
    code, out, err = run_cli(["schedule", write(tmp_path, name, text)])
    assert_one_line_error(code, out, err, *needles)


def test_missing_file(
    tmp_path: Path, run_cli: RunCli
) -> None:
    code, out, err = run_cli(["grant-element", str(tmp_path / "nope.toml")])
    assert_one_line_error(code, out, err, "nope.toml", "not found")


# ----------------------------------------------------------------------------- bad flags
FLAGS = ["--rate-pct", "2", "--maturity-years", "20", "--grace-years", "6.5"]


@pytest.mark.parametrize(
    ("extra", "needles"),
    [
        (["--grace-years", "20"], ("--grace-years", "shorter than maturity")),
        (["--disbursement-shares", "0.5,0.4"], ("--disbursement-shares", "sum to 1")),
        (["--disbursement-shares", "0.5,x"], ("--disbursement-shares",)),
        (["--rate-pct", "-2"], ("--rate-pct",)),
        (["--management-fee-pct", "-1"], ("--management-fee-pct",)),
        (["--amortization", "balloon"], ("--amortization", "balloon")),
        (["--payments-per-year", "3"], ("--payments-per-year",)),
        (["--method", "world-bank"], ("--method", "world-bank")),
        (["--method", "oecd-dac"], ("--income-group",)),
        (["--method", "oecd-dac", "--income-group", "hic"], ("--income-group", "hic")),
        (["--discount-rate-pct", "500"], ("--discount-rate-pct",)),
        (["--maturity-years", "200"], ("--maturity-years",)),
    ],
)
def test_bad_flags(
    extra: list[str],
    needles: tuple[str, ...],
    run_cli: RunCli,
) -> None:
    code, out, err = run_cli(["grant-element", *FLAGS, *extra, "--json"])
    assert_one_line_error(code, out, err, *needles)


def test_missing_flags(run_cli: RunCli) -> None:
    code, out, err = run_cli(["grant-element", "--rate-pct", "2", "--json"])
    assert_one_line_error(code, out, err, "--maturity-years", "--grace-years")


def test_file_and_flags_together(
    tmp_path: Path, run_cli: RunCli
) -> None:
    path = write(tmp_path, "loan.toml", GOOD_TOML)
    code, out, err = run_cli(["grant-element", path, "--rate-pct", "3"])
    assert_one_line_error(code, out, err, "--rate-pct")


def test_json_and_csv_together(
    tmp_path: Path, run_cli: RunCli
) -> None:
    path = write(tmp_path, "loan.toml", GOOD_TOML)
    code, out, err = run_cli(["schedule", path, "--json", "--csv"])
    assert_one_line_error(code, out, err, "--json")


@pytest.mark.parametrize(
    "args",
    [
        ["grant-element", "--rate-pct", "abc", "--maturity-years", "20", "--grace-years", "6"],
        ["grant-element", "--no-such-flag"],
        ["schedule"],
    ],
    ids=["not-a-number", "unknown-flag", "missing-argument"],
)
def test_usage_errors(
    args: list[str], run_cli: RunCli
) -> None:
    try:
        code, out, err = run_cli(args)
    except Exception as exc:  # the traceback a user would see
        pytest.fail(f"uncaught {type(exc).__name__}: {exc}")
    assert_one_line_error(code, out, err)


# ----------------------------------------------------------------------------- contract
def ge_json(
    args: list[str], run_cli: RunCli
) -> dict[str, object]:
    code, out, err = run_cli(["grant-element", *args, "--json"])
    assert code == 0, err
    assert err == ""
    data = json.loads(out)
    assert isinstance(data, dict)
    return data


def test_grant_element_json_contract_keys(
    run_cli: RunCli
) -> None:
    data = ge_json(FLAGS, run_cli)
    for key in ("grant_element_pct", "concessional", "method", "discount_rate_pct"):
        assert key in data, key
    assert isinstance(data["grant_element_pct"], float)
    assert isinstance(data["concessional"], bool)
    assert data["method"] == "imf"
    assert data["discount_rate_pct"] == 5.0


@pytest.mark.parametrize(
    ("args", "method", "rate", "expected", "concessional"),
    [
        # lending-terms.md line 59: 2%/20 y/first repayment 5 y at 5% -> 26.39% (IMF: no)
        (
            ["--rate-pct", "2", "--maturity-years", "20", "--grace-years", "4.5"],
            "imf",
            5.0,
            26.39,
            False,
        ),
        # lic-dsf-method.md line 69: 0.75%, g = 6, m = 38, annual -> 53.68% (IMF: yes)
        (
            [
                "--rate-pct",
                "0.75",
                "--maturity-years",
                "38",
                "--grace-years",
                "6",
                "--payments-per-year",
                "1",
            ],
            "imf",
            5.0,
            53.68,
            True,
        ),
        # lic-dsf-method.md line 69: 2%, g = 5, m = 30, annual -> 33.50% (IMF: no)
        (
            [
                "--rate-pct",
                "2",
                "--maturity-years",
                "30",
                "--grace-years",
                "5",
                "--payments-per-year",
                "1",
            ],
            "imf",
            5.0,
            33.50,
            False,
        ),
        # lending-terms.md line 59: 0%, 40 y (10 y grace, IDA-style) at 9% -> 85.22% (LDC)
        (
            [
                "--rate-pct",
                "0",
                "--maturity-years",
                "40",
                "--grace-years",
                "10",
                "--method",
                "oecd-dac",
                "--income-group",
                "ldc",
            ],
            "oecd-dac",
            9.0,
            85.22,
            True,
        ),
    ],
    ids=["imf-26.39", "imf-53.68", "imf-33.50", "dac-ldc-85.22"],
)
def test_grant_element_answers_to_a_hundredth(
    args: list[str],
    method: str,
    rate: float,
    expected: float,
    concessional: bool,
    run_cli: RunCli,
) -> None:
    data = ge_json(args, run_cli)
    assert data["method"] == method
    assert data["discount_rate_pct"] == rate
    assert data["grant_element_pct"] == pytest.approx(expected, abs=0.005)
    assert data["concessional"] is concessional


@pytest.mark.parametrize(
    ("group", "rate", "expected"),
    # lending-terms.md line 55: E2 terms without fees at the DAC rates (one decimal)
    [("ldc", 9.0, 51.8), ("lic", 9.0, 51.8), ("lmic", 7.0, 41.5), ("umic", 6.0, 35.3)],
)
def test_grant_element_dac_groups(
    group: str,
    rate: float,
    expected: float,
    run_cli: RunCli,
) -> None:
    data = ge_json([*FLAGS, "--method", "oecd-dac", "--income-group", group], run_cli)
    assert data["discount_rate_pct"] == rate
    assert data["grant_element_pct"] == pytest.approx(expected, abs=0.05)
    assert data["concessional"] is True


def test_grant_element_from_file_equals_flags(
    tmp_path: Path, run_cli: RunCli
) -> None:
    """lending-terms.md line 43 (E2, 27.7%): the same loan from a file and from flags."""
    path = write(tmp_path, "loan.toml", GOOD_TOML)
    from_file = ge_json([path], run_cli)
    from_flags = ge_json([*FLAGS, "--management-fee-pct", "0.5"], run_cli)
    assert from_file["grant_element_pct"] == pytest.approx(27.7, abs=0.05)
    assert from_file["grant_element_pct"] == pytest.approx(
        from_flags["grant_element_pct"], abs=1e-12
    )
    json_path = write(tmp_path, "loan.json", json.dumps(GOOD_JSON))
    ida = ge_json([json_path], run_cli)
    # lending-terms.md line 42 (C1, IDA20 regular 0.75%/38 y/6 y grace): 53.2%
    assert ida["grant_element_pct"] == pytest.approx(53.2, abs=0.05)


def test_discount_rate_override(
    run_cli: RunCli
) -> None:
    """At a discount rate equal to the loan's annual rate the grant element is zero."""
    data = ge_json(
        [
            "--rate-pct",
            "6",
            "--maturity-years",
            "10",
            "--grace-years",
            "2",
            "--payments-per-year",
            "1",
            "--discount-rate-pct",
            "6",
        ],
        run_cli,
    )
    assert data["discount_rate_pct"] == 6.0
    assert data["grant_element_pct"] == pytest.approx(0.0, abs=1e-9)


# ----------------------------------------------------------------------------- schedule
def test_schedule_json(
    tmp_path: Path, run_cli: RunCli
) -> None:
    path = write(tmp_path, "loan.toml", GOOD_TOML)
    code, out, err = run_cli(["schedule", path, "--json"])
    assert code == 0, err
    data = json.loads(out)
    assert data["units"] == "millions of USD"
    rows = data["rows"]
    assert rows[0]["years_after_signing"] == 0.0 and rows[-1]["years_after_signing"] == 20.0
    assert all(isinstance(r["year"], int) for r in rows)
    assert data["totals"]["principal"] == pytest.approx(100.0, rel=1e-12)
    assert data["totals"]["management_fee"] == pytest.approx(0.5)
    # 27 semi-annual instalments from year 7 (first repayment at grace 6.5 + 1/2)
    paying = [r for r in rows if r["principal"] > 0]
    assert len(paying) == 27 and paying[0]["years_after_signing"] == 7.0
    assert data["grant_element_pct"] == pytest.approx(27.7, abs=0.05)


def test_schedule_csv_by_year(
    tmp_path: Path, run_cli: RunCli
) -> None:
    path = write(tmp_path, "loan.toml", GOOD_TOML)
    code, out, err = run_cli(["schedule", path, "--by-year", "--csv"])
    assert code == 0, err
    lines = out.strip().split("\n")
    assert lines[0].split(",")[0] == "year"
    years = [int(line.split(",")[0]) for line in lines[1:]]
    assert years == list(range(2025, 2046))
    header = lines[0].split(",")
    principal = sum(float(line.split(",")[header.index("principal")]) for line in lines[1:])
    assert principal == pytest.approx(100.0, rel=1e-9)


def test_schedule_table(
    tmp_path: Path, run_cli: RunCli
) -> None:
    path = write(tmp_path, "loan.toml", GOOD_TOML)
    code, out, err = run_cli(["schedule", path])
    assert code == 0, err
    assert "Export-Import Bank of China" in out
    assert "27.65%" in out and "not concessional" in out


# ----------------------------------------------------------------------------- installed script
def installed_script() -> str | None:
    here = Path(sys.executable).parent / "debttrap"
    return str(here) if here.exists() else shutil.which("debttrap")


@pytest.mark.skipif(installed_script() is None, reason="the debttrap script is not installed")
def test_installed_script_end_to_end(tmp_path: Path) -> None:
    script = installed_script()
    assert script is not None
    ok = subprocess.run(
        [script, "grant-element", *FLAGS, "--management-fee-pct", "0.5", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["grant_element_pct"] == pytest.approx(27.7, abs=0.05)
    bad = subprocess.run(
        [script, "schedule", write(tmp_path, "loan.toml", GOOD_TOML.replace("= 100", "= -1"))],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert_one_line_error(bad.returncode, bad.stdout, bad.stderr, "amount_m")
