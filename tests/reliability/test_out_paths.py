"""Issue 13, findings 1, 4 (``dsa --all``), 5 (``/dev/full``) and 6: every ``--out`` is checked
before any work, and an output set is written whole or not at all.

Each bad destination must give exactly one line on stderr naming the flag, exit code 2, and
leave nothing behind (no folder named ``x.png``, no staging folder, no half of a set).
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from debttrap.cli._common import check_out_file, check_out_folder, output_set
from debttrap.errors import InputError

if TYPE_CHECKING:
    from conftest import RunCli

ROOT = Path(__file__).resolve().parents[2]
COUNTRY = ROOT / "examples" / "lic-dsf-illustrative.toml"
SCENARIO = ROOT / "examples" / "zambia-2015.toml"


def assert_one_line(code: int, out: str, err: str, *needles: str) -> None:
    assert code == 2, err
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("error: "), err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in err, err


def _bad_folders(tmp_path: Path) -> list[tuple[Path, str]]:
    a_file = tmp_path / "a-file.txt"
    a_file.write_text("x")
    return [
        (a_file, "is not a folder"),  # an existing file where a folder goes
        (Path("/dev/null"), "system location"),  # a device
        (Path("/proc/debttrap-results"), "system location"),
        (a_file / "sub", "which is a file"),  # under a file
        (tmp_path / "x.png", "looks like a file name"),  # a file name where a folder is meant
    ]


@pytest.mark.parametrize("case", range(5))
def test_check_out_folder_refuses(case: int, tmp_path: Path) -> None:
    out, needle = _bad_folders(tmp_path)[case]
    with pytest.raises(InputError, match=needle) as info:
        check_out_folder(out)
    assert info.value.field == "--out"
    assert not (tmp_path / "x.png").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="the superuser may write anywhere")
def test_check_out_folder_refuses_an_unwritable_place(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        with pytest.raises(InputError, match="cannot write"):
            check_out_folder(locked / "results")
    finally:
        locked.chmod(0o755)


def test_check_out_file_refuses(tmp_path: Path) -> None:
    folder = tmp_path / "table.csv"
    folder.mkdir()
    for out, needle in (
        (folder, "is a folder"),
        (Path("/dev/null.csv"), "system location"),
        (tmp_path / "t.xls", "unsupported file type"),
    ):
        with pytest.raises(InputError, match=needle):
            check_out_file(out, (".csv", ".parquet"))


@pytest.mark.parametrize("case", range(5))
def test_dsa_refuses_a_bad_out_before_any_work(
    case: int, tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, needle = _bad_folders(tmp_path)[case]

    def no_work(*_: object, **__: object) -> None:
        raise AssertionError("the DSA ran before --out was checked")

    monkeypatch.setattr("debttrap.cli.dsa.run_dsa", no_work)
    code, stdout, err = run_cli(["dsa", str(COUNTRY), "--out", str(out)])
    assert_one_line(code, stdout, err, "--out", needle)
    assert not (tmp_path / "x.png").exists()


@pytest.mark.parametrize("command", [
    ["simulate", str(COUNTRY), "--history", "ZMB", "--paths", "200"],
    ["assess", str(SCENARIO), "--no-stochastic", "--paths", "100"],
])
def test_simulate_and_assess_refuse_a_bad_out(
    command: list[str], tmp_path: Path, run_cli: RunCli
) -> None:
    for out, needle in _bad_folders(tmp_path):
        code, stdout, err = run_cli([*command, "--out", str(out)])
        assert_one_line(code, stdout, err, "--out", needle)
    assert not (tmp_path / "x.png").exists()


def test_country_and_xlsx_refuse_a_bad_file(tmp_path: Path, run_cli: RunCli) -> None:
    folder = tmp_path / "zmb.toml"
    folder.mkdir()
    code, out, err = run_cli(["country", "ZMB", "--out", str(folder)])
    assert_one_line(code, out, err, "--out", "is a folder")
    code, out, err = run_cli(["country", "ZMB", "--out", "/dev/full.toml"])
    assert_one_line(code, out, err, "--out", "system location")
    (tmp_path / "plain").write_text("x")
    code, out, err = run_cli(
        ["assess", str(SCENARIO), "--no-stochastic", "--xlsx", str(tmp_path / "plain" / "b.xlsx")]
    )
    assert_one_line(code, out, err, "--xlsx", "which is a file")


def test_output_set_is_all_or_nothing(tmp_path: Path) -> None:
    out = tmp_path / "results"
    with pytest.raises(RuntimeError), output_set(out) as stage:
        (stage / "first.json").write_text("{}")
        raise RuntimeError("the second file failed")
    assert list(tmp_path.iterdir()) == []  # no folder, no staging folder
    with output_set(out) as stage:
        (stage / "first.json").write_text("{}")
        (stage / "second.html").write_text("<p>")
    assert sorted(p.name for p in out.iterdir()) == ["first.json", "second.html"]
    assert {stat.S_IMODE(p.stat().st_mode) for p in out.iterdir()} == {0o644}
    assert stat.S_IMODE(out.stat().st_mode) == 0o755
    # into an existing folder: the old files stay untouched when the new set fails
    with pytest.raises(RuntimeError), output_set(out) as stage:
        (stage / "first.json").write_text('{"new": 1}')
        raise RuntimeError("failed")
    assert (out / "first.json").read_text() == "{}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results"]


def test_assess_failing_on_the_report_leaves_no_json(
    tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finding 6: an ``assess --out`` failing on report.html left assessment.json behind."""
    import debttrap.cli.assess as cli_assess

    real = cli_assess.write_text_atomic

    def fail_on_report(path: Path, text: str) -> None:
        if path.name == "report.html":
            raise OSError(28, "No space left on device", str(path))
        real(path, text)

    monkeypatch.setattr(cli_assess, "write_text_atomic", fail_on_report)
    out = tmp_path / "report"
    code, _, err = run_cli(
        ["assess", str(SCENARIO), "--no-stochastic", "--paths", "100", "--out", str(out)]
    )
    assert code == 2 and err.count("\n") == 1 and "No space left" in err, err
    assert list(tmp_path.iterdir()) == []


def test_simulate_out_writes_the_whole_set(tmp_path: Path, run_cli: RunCli) -> None:
    out = tmp_path / "fans"
    code, _, err = run_cli(
        ["simulate", str(COUNTRY), "--history", "ZMB", "--paths", "200", "--out", str(out)]
    )
    assert code == 0, err
    names = sorted(p.name for p in out.iterdir())
    assert names == ["fan-charts.csv", "fan-charts.html", "fan-charts.png"]
    assert {stat.S_IMODE(p.stat().st_mode) for p in out.iterdir()} == {0o644}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fans"]


def test_dsa_all_failing_everywhere_exits_2_and_writes_nothing(
    tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finding 4: ``dsa --all --first-year 1800`` failed for every country and exited 0.

    The year is now refused before any country is tried; a panel in which every country
    fails for another reason still exits 2 and writes no table of error rows.
    """
    out = tmp_path / "all.csv"
    code, stdout, err = run_cli(["dsa", "--all", "--first-year", "1800", "--out", str(out)])
    assert_one_line(code, stdout, err, "--first-year", "1800 is outside")
    assert not out.exists()

    from debttrap.errors import DataError

    def every_country_fails(code: str, first_year: int) -> None:
        raise DataError(f"no data for {code}", dataset="imf-weo")

    monkeypatch.setattr("debttrap.cli.country.resolve_dsa_inputs", every_country_fails)
    code, stdout, err = run_cli(["dsa", "--all", "--out", str(out)])
    assert_one_line(code, stdout, err, "none of the", "could be rated", "no data for")
    assert not out.exists()


def test_full_disk_on_stdout_is_one_line() -> None:
    """Finding 5: ``> /dev/full`` gave an OSError traceback."""
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "debttrap", "grant-element", "--rate-pct", "1",
             "--maturity-years", "30", "--grace-years", "5", "--json"],
            stdout=full, stderr=subprocess.PIPE, text=True, timeout=120, check=False,
        )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.count("\n") == 1 and "No space left" in proc.stderr, proc.stderr
