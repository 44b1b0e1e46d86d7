"""``debttrap --help`` lists every command without importing any of them.

The root command lists the table ``debttrap.cli.COMMANDS`` (name, module, one-line help)
and imports a command's module only when that command runs. These tests check the table
against the modules themselves (same commands, same one-line help, the module that
registers each) and, in a fresh interpreter, that ``--help`` imports no subcommand module
and none of the heavy libraries (NumPy, pandas, pydantic, plotly, numba). No timing is
asserted here; ``bench/startup.py`` measures it.
"""

from __future__ import annotations

import importlib
import inspect
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from debttrap import cli

if TYPE_CHECKING:
    from conftest import RunCli


def test_table_matches_the_registered_commands() -> None:
    for module in {m for m, _ in cli.COMMANDS.values()}:
        importlib.import_module(f"debttrap.cli.{module}")
    registered = {
        (info.name or ""): info.callback for info in cli.app.registered_commands
    }
    assert set(registered) == set(cli.COMMANDS)
    for name, (module, short_help) in cli.COMMANDS.items():
        callback = registered[name]
        assert callback is not None
        assert callback.__module__ == f"debttrap.cli.{module}", name
        first_line = inspect.getdoc(callback).splitlines()[0]  # type: ignore[union-attr]
        assert first_line == short_help, name


def test_help_lists_every_command_main_one_first(run_cli: RunCli) -> None:
    code, out, _ = run_cli(["--help"])
    assert code == 0
    positions = [out.find(f" {name} ") for name in cli.COMMANDS]
    assert all(p >= 0 for p in positions), out
    assert positions == sorted(positions), "commands listed out of order"
    assert next(iter(cli.COMMANDS)) == "assess"


def test_subcommand_help_shows_flags_as_flags(run_cli: RunCli) -> None:
    code, out, _ = run_cli(["dsa", "--help"])
    assert code == 0
    assert "--json" in out
    assert "<bool>" not in out and "BOOLEAN" not in out


def test_help_imports_no_command_module_and_no_heavy_library() -> None:
    probe = (
        "import sys\n"
        "sys.argv = ['debttrap', '--help']\n"
        "from debttrap.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write('\\n' + __import__('json').dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    loaded = set(json.loads(done.stderr.strip().splitlines()[-1]))
    assert "assess" in done.stdout
    commands = {f"debttrap.cli.{m}" for m, _ in cli.COMMANDS.values()}
    assert loaded & commands == set()
    assert loaded & {"numpy", "pandas", "pydantic", "plotly", "matplotlib", "pyarrow", "numba",
                     "scipy", "openpyxl", "duckdb"} == set()


def _modules_after(args: list[str], env: dict[str, str] | None = None) -> set[str]:
    probe = (
        "import sys\n"
        f"sys.argv = ['debttrap', *{args!r}]\n"
        "from debttrap.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write('\\n' + __import__('json').dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=env
    )
    assert done.stdout.lstrip().startswith("{"), done.stderr[-2000:]
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def test_dsa_of_a_country_file_or_a_cached_code_needs_no_pandas(tmp_path: Path) -> None:
    """The LIC-DSF runs on NumPy alone; pandas (a third of a second) only for tables."""
    example = Path(__file__).resolve().parents[2] / "examples" / "lic-dsf-illustrative.toml"
    loaded = _modules_after(["dsa", str(example), "--json"])
    assert loaded & {"pandas", "pyarrow", "plotly", "matplotlib"} == set()
    env = {**os.environ, "DEBTTRAP_CACHE_DIR": str(tmp_path)}
    first = _modules_after(["dsa", "MWI", "--json"], env)
    assert "pandas" in first  # the first run builds the country from the bundled tables
    again = _modules_after(["dsa", "MWI", "--json"], env)
    assert again & {"pandas", "pyarrow", "plotly", "matplotlib"} == set()


def test_a_fresh_process_freezes_the_modules_it_loads() -> None:
    """The script (and ``python -m debttrap``) holds the collector off while a command's
    modules load, then freezes them out of later collections and turns it back on."""
    example = Path(__file__).resolve().parents[2] / "examples" / "lic-dsf-illustrative.toml"
    probe = (
        "import gc, json, sys\n"
        f"sys.argv = ['debttrap', 'dsa', {str(example)!r}, '--json']\n"
        "from debttrap.cli import script\n"
        "try:\n    script()\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write('\\n' + json.dumps([gc.isenabled(), gc.get_freeze_count()]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    enabled, frozen = json.loads(done.stderr.strip().splitlines()[-1])
    assert enabled
    assert frozen > 0


def test_main_in_process_leaves_the_collector_alone(run_cli: RunCli) -> None:
    import gc

    frozen = gc.get_freeze_count()
    code, _, _ = run_cli(["dsa", "--help"])
    assert code == 0
    assert gc.isenabled()
    assert gc.get_freeze_count() == frozen


def test_assess_json_imports_no_report_chart_or_compiler_library() -> None:
    """``assess --json`` writes no report, chart or workbook, and its 2,000 macro paths are
    too few to pay for loading a compiler: none of those libraries (nor debttrap's report and
    web packages) is imported. pandas, pydantic and pyarrow are: the creditor tables, the
    models and the bundled data need them."""
    example = Path(__file__).resolve().parents[2] / "examples" / "syria-2025.toml"
    loaded = _modules_after(["assess", str(example), "--json"])
    heavy = {"plotly", "matplotlib", "openpyxl", "duckdb", "scipy", "numba", "jinja2"}
    assert loaded & heavy == set()
    assert not {m for m in loaded if m.startswith(("debttrap.report", "debttrap.web"))}
