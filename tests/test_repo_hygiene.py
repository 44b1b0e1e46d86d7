"""Repository rules that a clone must keep: small files, no machine paths, no stray prints."""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAX_BYTES = 2 * 1024 * 1024


def _tracked() -> list[Path]:
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return [ROOT / p for p in out.decode().split("\0") if p]


def test_no_tracked_file_is_large() -> None:
    big = [
        str(p.relative_to(ROOT)) for p in _tracked() if p.exists() and p.stat().st_size > MAX_BYTES
    ]
    assert big == [], f"tracked files over 2 MB (keep bulky data compact or out of git): {big}"


_MACHINE_PATH = re.compile(r"(?<![\w.])(/work/|/home/\w+|/root/|\.\./shared/)")


def test_no_machine_paths_in_text_files() -> None:
    offenders = []
    for p in _tracked():
        if p.suffix in {".parquet", ".gz", ".png", ".xlsx"} or not p.exists():
            continue
        if p.name == "test_repo_hygiene.py" or p.name == "test_datasets.py":
            continue
        try:
            text = p.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for i, line in enumerate(text.splitlines(), 1):
            if _MACHINE_PATH.search(line):
                offenders.append(f"{p.relative_to(ROOT)}:{i}")
    assert offenders == [], f"machine paths in the repo: {offenders[:10]}"


def test_library_never_prints() -> None:
    """No ``print`` in the package outside the command line (the CLI writes via rich)."""
    pkg = ROOT / "src" / "debttrap"
    offenders = []
    for path in pkg.rglob("*.py"):
        if "cli" in path.relative_to(pkg).parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "print":
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == [], f"print() in the library: {offenders}"


def test_core_never_imports_the_edge() -> None:
    """The chain's core (terms ... assess) never imports io, report or cli."""
    pkg = ROOT / "src" / "debttrap"
    core = ["terms", "cashflows", "country", "dsa", "stochastic", "leverage", "assess"]
    files = [p for c in core for p in (pkg / c).rglob("*.py")]
    offenders = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in files
        for line, name in _imports(path)
        if re.match(r"debttrap\.(io|report|cli)\b", name)
    ]
    assert offenders == [], f"core modules importing the edge: {offenders}"


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import in ``path``."""
    out: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.extend((node.lineno, a.name) for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.append((node.lineno, node.module))
    return out


def test_the_chain_below_assess_never_imports_it() -> None:
    """terms ... leverage sit below the assessment: none of them imports debttrap.assess."""
    pkg = ROOT / "src" / "debttrap"
    below = ["terms", "cashflows", "country", "dsa", "stochastic", "leverage"]
    offenders = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for c in below
        for path in (pkg / c).rglob("*.py")
        for line, name in _imports(path)
        if re.match(r"debttrap\.assess\b", name)
    ]
    assert offenders == [], f"modules below the assessment importing it: {offenders}"


#: The assess package's layers, bottom first: a module imports only from its own or lower
#: layers (the orchestrator on top; the results never call back into the computation).
_ASSESS_LAYERS = (
    ("labels", "assumptions", "scenario", "overrun"),
    ("creditors",),
    ("results", "summary"),
    ("context", "stochastic"),
    ("core",),
)


def test_assess_layers() -> None:
    """Inside debttrap.assess, no module imports one of a higher layer (or the package root)."""
    pkg = ROOT / "src" / "debttrap" / "assess"
    layer = {name: i for i, names in enumerate(_ASSESS_LAYERS) for name in names}
    modules = {p.stem for p in pkg.glob("*.py")} - {"__init__"}
    assert modules == set(layer), "every assess module has a layer in _ASSESS_LAYERS"
    offenders = []
    for stem in sorted(modules):
        for line, name in _imports(pkg / f"{stem}.py"):
            if name == "debttrap.assess":
                offenders.append(f"{stem}:{line} imports the package root")
                continue
            m = re.match(r"debttrap\.assess\.(\w+)", name)
            if m and layer[m.group(1)] > layer[stem]:
                offenders.append(f"{stem}:{line} imports {name}")
    assert offenders == [], f"assess modules importing a higher layer: {offenders}"
