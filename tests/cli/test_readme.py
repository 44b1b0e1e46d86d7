"""The README's commands work as written.

Each ``debttrap …`` line of the README's command block is parsed by the real command
line (every option known, every input file present, no two commands writing the same
output); the quick ones run in-process from a folder that holds the examples, as a
reader would run them from a checkout. The long ones run in the slow suite.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import RunCli

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
#: Commands that take more than a few seconds (whole panels, 10,000 paths, full reports).
LONG = ("dsa --all", "simulate ", "assess examples/syria", "assess examples/hambantota",
        "--xlsx")
#: The template is the World Bank's file, not part of the repository.
TEMPLATE = "my-dsa.xlsm"
#: Commands that do not end by themselves (a server): parsed, never run here.
SERVERS = ("serve",)


def readme_commands() -> list[list[str]]:
    """The README's ``debttrap`` command lines (continuations joined, comments dropped)."""
    text = README.read_text(encoding="utf-8")
    block = text[text.index("## What you can ask it"):]
    block = block[block.index("```bash") + len("```bash"):]
    block = block[: block.index("```")]
    block = re.sub(r"\\\n\s*", " ", block)
    out = []
    for line in block.splitlines():
        line = line.split(" #", 1)[0].strip()
        if line.startswith("debttrap "):
            out.append(shlex.split(line)[1:])
    return out


def _out_path(args: list[str]) -> str | None:
    for flag in ("--out", "--xlsx"):
        if flag in args:
            return args[args.index(flag) + 1].rstrip("/")
    return None


def _is_long(args: list[str]) -> bool:
    line = " ".join(args)
    return any(key in line for key in LONG) and not line.startswith("assess examples/zambia-2015"
                                                                   ".toml --json")


@pytest.fixture
def checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder with the repository's examples in it, as in a checkout."""
    (tmp_path / "examples").symlink_to(ROOT / "examples", target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_readme_lists_the_commands() -> None:
    commands = readme_commands()
    names = {c[0] for c in commands}
    assert {"assess", "schedule", "grant-element", "dsa", "country", "simulate",
            "offers", "serve"} <= names
    assert len(commands) >= 14


def test_every_command_parses_and_no_two_write_the_same_place() -> None:
    from debttrap.cli import _command

    root = _command()
    outs: list[str] = []
    for args in readme_commands():
        ctx = root.make_context("debttrap", list(args), resilient_parsing=True)
        command = root.get_command(ctx, args[0])
        assert command is not None, args
        command.make_context(args[0], list(args[1:]), parent=ctx)  # unknown option: error
        for a in args[1:]:
            if a.startswith("examples/"):
                assert (ROOT / a).is_file(), a
        out = _out_path(args)
        if out is not None:
            outs.append(out)
    assert len(outs) == len(set(outs)), outs  # e.g. the two simulate lines used one folder


def test_the_template_line_says_where_the_template_comes_from(run_cli: RunCli,
                                                               checkout: Path) -> None:
    text = README.read_text(encoding="utf-8")
    assert re.search(r"https://thedocs\.worldbank\.org/\S+LIC-DSF-IDA21-Template-08-12-2025"
                     r"-vf\.xlsm", text)
    # without the file, the command says so in one line, exit 2
    code, out, err = run_cli(["dsa", TEMPLATE, "--json"])
    assert code == 2 and out == "" and err.count("\n") == 1 and TEMPLATE in err


@pytest.mark.parametrize(
    "args", [a for a in readme_commands()
             if TEMPLATE not in a and not _is_long(a) and a[0] not in SERVERS],
    ids=lambda a: " ".join(a)[:60],
)
def test_quick_command_runs_as_written(args: list[str], run_cli: RunCli,
                                       checkout: Path) -> None:
    code, out, err = run_cli(list(args))
    assert code == 0, err
    if "--json" in args:
        assert json.loads(out)
    target = _out_path(args)
    if target is not None:
        assert (checkout / target).exists(), target
    else:
        assert out.strip(), args


@pytest.mark.slow
@pytest.mark.parametrize(
    "args", [a for a in readme_commands()
             if TEMPLATE not in a and _is_long(a) and a[0] not in SERVERS],
    ids=lambda a: " ".join(a)[:60],
)
def test_long_command_runs_as_written(args: list[str], run_cli: RunCli,
                                      checkout: Path) -> None:
    code, out, err = run_cli(list(args))
    assert code == 0, err
    target = _out_path(args)
    if target is not None:
        assert (checkout / target).exists(), target
    else:
        assert out.strip(), args


def test_offers_and_assess_name_the_overrun_alike(run_cli: RunCli, checkout: Path) -> None:
    """Same name, same figure: the project's mean overrun charged to the budget."""
    label = "Overrun on budget (mean), US$ m"
    code, out, err = run_cli(["offers", "examples/ida-negative-control.toml", "--paths",
                              "400"])
    assert code == 0, err
    offers_row = next(line for line in out.splitlines() if line.startswith(label))
    code, out2, err = run_cli(["assess", "examples/ida-negative-control.toml", "--paths",
                               "400", "--no-stochastic"])
    assert code == 0, err
    assess_row = next(line for line in out2.splitlines() if line.startswith(label))
    assert offers_row.split()[-1] == assess_row.split()[-1]


def test_assess_prints_words_not_field_names(run_cli: RunCli, checkout: Path) -> None:
    """The terminal says "debt kept out of Paris Club", not ``no_paris_club``."""
    code, out, err = run_cli(["assess", "examples/syria-2025.toml", "--paths", "300",
                              "--no-stochastic"])
    assert code == 0, err
    flat = " ".join(out.split())  # prose wraps at the terminal's width
    assert "debt kept out of Paris Club" in flat.replace("Debt kept", "debt kept")
    for name in ("acceleration.policy_change", "no_paris_club", "lender_controlled_account",
                 "project_not_self_financing"):
        assert name not in flat, name
