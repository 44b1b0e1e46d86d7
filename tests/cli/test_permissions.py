"""Files the commands write are meant to be shared: mode 0644 whatever the umask."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str) -> None:
    # a strict umask: a file left at the temporary file's 0600 or the umask's 0600 shows up
    code = "import os, sys; os.umask(0o077); from debttrap.cli import main; sys.argv[1:] = " \
        f"{list(args)!r}; main()"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, timeout=600, check=False)
    assert done.returncode == 0, done.stderr


def _modes(folder: Path) -> dict[str, int]:
    return {p.name: stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()}


def test_dsa_charts_and_country_file_are_0644(tmp_path: Path) -> None:
    _run("dsa", str(ROOT / "examples" / "lic-dsf-illustrative.toml"), "--out",
         str(tmp_path / "charts"))
    modes = _modes(tmp_path / "charts")
    assert set(modes) == {"dsa-indicators.png", "dsa-indicators.html"}
    assert set(modes.values()) == {0o644}
    _run("country", "ZMB", "--out", str(tmp_path / "zmb.toml"))
    assert stat.S_IMODE(os.stat(tmp_path / "zmb.toml").st_mode) == 0o644


def test_simulate_outputs_are_0644(tmp_path: Path) -> None:
    _run("simulate", "ZMB", "--paths", "200", "--out", str(tmp_path / "fan"))
    modes = _modes(tmp_path / "fan")
    assert set(modes) == {"fan-charts.png", "fan-charts.html", "fan-charts.csv"}
    assert set(modes.values()) == {0o644}
