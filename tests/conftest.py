"""Test-wide settings.

Hypothesis explores new examples on every run on a developer's machine. Under
CI (``CI`` set, as CI runners do) it is derandomized so that a submission's
result does not depend on which examples a run happened to draw; anything it
ever finds locally is kept in the example database and replayed.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator

import pytest
from hypothesis import settings

#: ``run_cli(args)`` -> (exit code, stdout, stderr) of ``debttrap ARGS``.
RunCli = Callable[[list[str]], tuple[int, str, str]]

settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("dev", print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture(autouse=True, scope="session")
def _cache_in_a_temporary_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """``debttrap dsa ISO3`` caches built countries; tests keep that cache out of the home
    folder (subprocesses inherit the variable)."""
    old = os.environ.get("DEBTTRAP_CACHE_DIR")
    os.environ["DEBTTRAP_CACHE_DIR"] = str(tmp_path_factory.mktemp("debttrap-cache"))
    yield
    if old is None:
        os.environ.pop("DEBTTRAP_CACHE_DIR", None)
    else:
        os.environ["DEBTTRAP_CACHE_DIR"] = old


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> RunCli:
    """Run ``debttrap ARGS`` in-process through ``debttrap.cli.main``, the code the installed
    script runs; ``main`` must end by ``sys.exit`` with an integer code."""
    from debttrap.cli import main

    def run(args: list[str]) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["debttrap", *args])
        with pytest.raises(SystemExit) as exc:
            main()
        code = exc.value.code
        out, err = capsys.readouterr()
        assert isinstance(code, int), f"exit code {code!r} is not an integer"
        return code, out, err

    return run
