"""Issue 13, finding 7: numpy's floating-point warnings never reach the user, and an input
the models cannot use is named as the user wrote it, never as a derived quantity."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest

if TYPE_CHECKING:
    from conftest import RunCli

ROOT = Path(__file__).resolve().parents[2]
COUNTRY = (ROOT / "examples" / "lic-dsf-illustrative.toml").read_text()


def _set_year(series: str, value: str, nth: int = 12) -> str:
    """The illustrative country with the ``nth`` year of ``[series]`` set to ``value``."""
    start = COUNTRY.index(f"[{series}]")
    line = COUNTRY.index("\n", start) + 1
    for _ in range(nth):
        line = COUNTRY.index("\n", line) + 1
    end = COUNTRY.index("\n", line)
    new = re.sub(r"=\s*[-0-9.eE+]+", f"= {value}", COUNTRY[line:end], count=1)
    return COUNTRY[:line] + new + COUNTRY[end:]


def _debttrap(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("DEBTTRAP_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "debttrap", *args], capture_output=True,
                          text=True, env=env, timeout=300, check=False)


@pytest.mark.parametrize(("series", "value", "field"), [
    ("macro.nominal_gdp_usd_m", "1e308", "macro.nominal_gdp_usd_m"),  # 45 warnings, then
    ("macro.nominal_gdp_usd_m", "1e-300", "nominal_gdp_usd_m[2026]"),  # a derived field
    ("macro.exports_usd_m", "1e-300", "exports_usd_m[2025]"),
    ("macro.real_gdp_lcu_m", "1e-300", "real_gdp_lcu_m[2025]"),
    ("macro.real_gdp_lcu_m", "1e14", "real_gdp_lcu_m[2025]"),
])
def test_extreme_country_values_are_named_without_noise(
    series: str, value: str, field: str, tmp_path: Path
) -> None:
    path = tmp_path / "country.toml"
    path.write_text(_set_year(series, value))
    done = _debttrap("dsa", str(path))
    assert done.returncode == 2 and done.stdout == "", done.stderr
    assert done.stderr.count("\n") == 1 and "Warning" not in done.stderr, done.stderr
    assert field in done.stderr and "pv_ext_debt" not in done.stderr, done.stderr


@pytest.mark.parametrize("command", [
    ["dsa", "{path}", "--json"],
    ["simulate", "{path}", "--history", "ZMB", "--paths", "200", "--json"],
])
def test_huge_but_valid_values_run_quietly(command: list[str], tmp_path: Path) -> None:
    """Values at the edge of what is accepted (exports and GDP of 10^14 US$ m) give a result
    or one line, and never a warning."""
    path = tmp_path / "country.toml"
    text = _set_year("macro.exports_usd_m", "1e14")
    path.write_text(text)
    done = _debttrap(*(a.format(path=path) for a in command))
    assert "Warning" not in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert done.returncode in (0, 2, 3), done.stderr
    if done.returncode:
        assert done.stderr.count("\n") == 1, done.stderr
    else:
        assert done.stderr == "", done.stderr


def test_the_command_line_silences_floating_point_warnings(
    run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even where every warning would be an error, numpy's notes inside a command stay
    silent: the results that must be finite are checked where they are made."""
    import debttrap.cli.loans as cli_loans

    real = cli_loans.grant_element

    def noisy(*args: object, **kwargs: object) -> object:
        np.float64(1.0) / np.float64(0.0)  # RuntimeWarning: divide by zero
        np.log(np.float64(-1.0))  # RuntimeWarning: invalid value
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(cli_loans, "grant_element", noisy)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        code, out, err = run_cli(["grant-element", str(ROOT / "examples" /
                                                        "ida-regular-credit.toml")])
    assert code == 0 and err == "", err
    assert "Grant element" in out
