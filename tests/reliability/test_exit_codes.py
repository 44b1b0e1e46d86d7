"""Exit codes and the last resort: whatever goes wrong, the user sees one line, never a
traceback. 2 is bad input (or the machine refused), 3 an internal error: a bug to report,
with its traceback only when ``DEBTTRAP_DEBUG=1`` asks for it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from debttrap.errors import InternalError

if TYPE_CHECKING:
    from conftest import RunCli

ROOT = Path(__file__).resolve().parents[2]
LOAN = str(ROOT / "examples" / "ida-regular-credit.toml")


def _break_grant_element(monkeypatch: pytest.MonkeyPatch, exc: BaseException) -> None:
    import debttrap.cli.loans as cli_loans

    def broken(*_: object, **__: object) -> None:
        raise exc

    monkeypatch.setattr(cli_loans, "grant_element", broken)


@pytest.mark.parametrize("exc", [
    ZeroDivisionError("float division by zero"),
    KeyError("pv_ext_debt_to_gdp_pct"),
    IndexError("index 40 is out of bounds for axis 0 with size 21"),
    AttributeError("'NoneType' object has no attribute 'years'"),
    ValueError("operands could not be broadcast together\nwith shapes (3,) (4,)"),
])
def test_an_unexpected_exception_is_one_line_and_exit_3(
    exc: BaseException, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DEBTTRAP_DEBUG", raising=False)
    _break_grant_element(monkeypatch, exc)
    code, out, err = run_cli(["grant-element", LOAN])
    assert code == 3 and out == "", err
    assert err.count("\n") == 1 and err.startswith("internal error: "), err
    assert type(exc).__name__ in err and "please report" in err, err
    assert "Traceback" not in err


def test_debug_variable_shows_the_traceback(
    run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEBTTRAP_DEBUG", "1")
    _break_grant_element(monkeypatch, ZeroDivisionError("float division by zero"))
    code, _, err = run_cli(["grant-element", LOAN])
    assert code == 3
    assert "Traceback" in err and "ZeroDivisionError" in err
    assert err.rstrip("\n").splitlines()[-1].startswith("internal error: "), err


def test_a_deliberate_internal_error_is_exit_3(
    run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A non-finite result where none is allowed (:class:`InternalError`) reads the same."""
    monkeypatch.delenv("DEBTTRAP_DEBUG", raising=False)
    _break_grant_element(monkeypatch, InternalError("the grant element came out non-finite"))
    code, out, err = run_cli(["grant-element", LOAN])
    assert code == 3 and out == "" and err.count("\n") == 1, err
    assert err.startswith("internal error: the grant element came out non-finite"), err
    assert "please report" in err


def test_bad_input_is_exit_2_not_3(run_cli: RunCli) -> None:
    code, _, err = run_cli(["grant-element", str(ROOT / "examples" / "missing.toml")])
    assert code == 2 and err.startswith("error: ") and err.count("\n") == 1, err


def test_ctrl_c_is_one_line_and_exit_130(
    tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C once exited 0 without a word (the typer release in use returns its code 130
    rather than raising it); an interrupted output set leaves nothing behind."""
    _break_grant_element(monkeypatch, KeyboardInterrupt())
    code, out, err = run_cli(["grant-element", LOAN])
    assert code == 130 and out == "", err
    assert err.strip().splitlines() == ["error: interrupted; nothing was written half-way"], err

    import debttrap.cli.assess as cli_assess

    def interrupted(path: Path, text: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_assess, "write_text_atomic", interrupted)
    target = tmp_path / "report"
    code, _, err = run_cli(["assess", str(ROOT / "examples" / "zambia-2015.toml"),
                            "--no-stochastic", "--paths", "100", "--out", str(target)])
    assert code == 130, err
    assert list(tmp_path.iterdir()) == []
