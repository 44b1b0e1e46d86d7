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


def _imports_matching(files: list[Path], pattern: str) -> list[str]:
    """``file:line imports name`` for every import in ``files`` whose module matches."""
    offenders = []
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
                if node.module == "debttrap":  # from debttrap import opendata
                    names += [f"debttrap.{a.name}" for a in node.names]
            for name in names:
                if re.match(pattern, name):
                    where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
                    offenders.append(f"{where}:{node.lineno} imports {name}")
    return offenders


PKG = ROOT / "src" / "debttrap"
#: The chain's core, below the open-data builder: the model and its engines.
CORE = ["terms", "cashflows", "country", "dsa", "stochastic", "leverage", "datasets"]
CORE_MODULES = [
    "conventions.py",
    "errors.py",
    "data_tables.py",
    "_numeric.py",
    "_model.py",
    "validation.py",
]


def _files(packages: list[str], modules: list[str] = []) -> list[Path]:  # noqa: B006
    return [p for c in packages for p in (PKG / c).rglob("*.py")] + [PKG / m for m in modules]


def _assess_files() -> list[Path]:
    return _files(["assess"]) if (PKG / "assess").is_dir() else [PKG / "assess.py"]


def test_core_never_imports_the_edge() -> None:
    """The chain's core (terms ... assess) never imports io, report or cli."""
    files = _files(CORE, CORE_MODULES) + _files(["opendata"]) + _assess_files()
    offenders = _imports_matching(files, r"debttrap\.(io|report|cli|web)\b")
    assert offenders == [], f"core modules importing the edge: {offenders}"


def test_core_never_imports_the_open_data_builder() -> None:
    """The open-data builder sits above the core: country, dsa and the rest never import it."""
    offenders = _imports_matching(_files(CORE, CORE_MODULES), r"debttrap\.opendata\b")
    assert offenders == [], f"core modules importing debttrap.opendata: {offenders}"


def test_open_data_builder_imports_only_the_core() -> None:
    """opendata may import the core, never what sits above it (the assessment)."""
    offenders = _imports_matching(_files(["opendata"]), r"debttrap\.assess\b")
    assert offenders == [], f"debttrap.opendata importing the assessment: {offenders}"


def test_layering_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    """The scan itself: an import of opendata from a core-like file is reported."""
    bad = tmp_path / "bad.py"
    bad.write_text("from debttrap import opendata\nimport debttrap.opendata.build\n")
    found = _imports_matching([bad], r"debttrap\.opendata\b")
    assert len(found) == 2 and all("opendata" in f for f in found)


def test_the_chain_below_assess_never_imports_it() -> None:
    """terms ... leverage and the open-data builder sit below the assessment."""
    offenders = _imports_matching(_files(CORE, CORE_MODULES), r"debttrap\.assess\b")
    assert offenders == [], f"modules below the assessment importing it: {offenders}"


#: The assess package's layers, bottom first: a module imports only from its own or lower
#: layers (the orchestrator on top; the results never call back into the computation).
_ASSESS_LAYERS = (
    ("labels", "assumptions", "scenario", "overrun", "booking", "dependence", "ex_ante",
     "judgement"),
    ("creditors", "outlook"),
    ("results", "summary"),
    ("context", "stochastic"),
    ("core",),
)


def test_assess_layers() -> None:
    """Inside debttrap.assess, no module imports one of a higher layer (or the package root)."""
    pkg = PKG / "assess"
    modules = {p.stem for p in pkg.glob("*.py")} - {"__init__"}
    assert modules == {m for layer in _ASSESS_LAYERS for m in layer}, (
        "every module of debttrap.assess has a layer in _ASSESS_LAYERS"
    )
    offenders = []
    for i, layer in enumerate(_ASSESS_LAYERS):
        higher = "|".join(m for above in _ASSESS_LAYERS[i + 1:] for m in above)
        pattern = rf"debttrap\.assess(\.({higher})\b|$)" if higher else r"debttrap\.assess$"
        offenders += _imports_matching([pkg / f"{m}.py" for m in layer], pattern)
    assert offenders == [], f"assess modules importing a higher layer: {offenders}"


#: The open-data builder's layers, bottom first: a module imports only from lower layers
#: (the GDP framework under trade, both under the macro assembly, the builder on top).
_OPENDATA_LAYERS = (
    ("_series", "provenance", "terms"),
    ("amortization", "currency", "external", "gaps", "gdp"),
    ("trade",),
    ("macro",),
    ("capacity", "debt"),
    ("build",),
    ("export_backtest",),
)


def test_opendata_layers() -> None:
    """Inside debttrap.opendata, no module imports one of its own or a higher layer."""
    pkg = PKG / "opendata"
    modules = {p.stem for p in pkg.glob("*.py")} - {"__init__"}
    assert modules == {m for layer in _OPENDATA_LAYERS for m in layer}, (
        "every module of debttrap.opendata has a layer in _OPENDATA_LAYERS"
    )
    offenders = []
    for i, layer in enumerate(_OPENDATA_LAYERS):
        for m in layer:
            barred = "|".join(
                o for above in _OPENDATA_LAYERS[i:] for o in above if o != m
            )
            pattern = (
                rf"debttrap\.opendata(\.({barred})\b|$)" if barred else r"debttrap\.opendata$"
            )
            offenders += _imports_matching([pkg / f"{m}.py"], pattern)
    assert offenders == [], f"opendata modules importing their own or a higher layer: {offenders}"


#: Every top-level module and package of ``debttrap``, bottom layer first. A unit imports
#: only from strictly lower layers; imports under ``if TYPE_CHECKING:`` are annotations, not
#: dependencies, and do not count.
_LAYERS: tuple[tuple[str, ...], ...] = (
    ("errors",),
    ("__init__", "_numeric", "conventions", "validation", "data_tables", "datasets"),
    ("_model", "_display"),
    ("terms",),
    ("cashflows",),
    ("country",),
    ("dsa",),
    ("stochastic", "leverage"),
    ("opendata",),
    ("assess", "portfolio"),
    ("io",),
    ("report",),
    ("web",),
    ("cli",),
    ("__main__",),
)

#: The known exceptions, each with its reason.
_ALLOWED_UPWARD = {
    # results of every layer show themselves in a notebook through _display (called lazily
    # from their _repr_html_); the DSA's view labels its indicators with dsa.indicators
    ("_display", "dsa"),
}


def _unit(name: str) -> str:
    """The top-level unit of a dotted module name (``debttrap.dsa.run`` -> ``dsa``)."""
    parts = name.split(".")
    return "__init__" if len(parts) == 1 or parts[1] == "__version__" else parts[1]


def _runtime_imports(path: Path) -> list[tuple[int, str]]:
    """``(line, module)`` of every import of ``debttrap`` outside ``if TYPE_CHECKING:``."""
    found: list[tuple[int, str]] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.extend((node.lineno, a.name) for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            if node.module == "debttrap":
                found.extend((node.lineno, f"debttrap.{a.name}") for a in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return [(line, m) for line, m in found if m == "debttrap" or m.startswith("debttrap.")]


def test_every_unit_has_a_layer() -> None:
    """A new module or package of debttrap must be placed in _LAYERS (and docs/architecture.md)."""
    units = {p.stem for p in PKG.glob("*.py")} | {
        p.parent.name for p in PKG.glob("*/__init__.py")
    }
    placed = [u for layer in _LAYERS for u in layer]
    assert len(placed) == len(set(placed)), "a unit stands in two layers"
    assert units == set(placed), (
        f"not placed: {sorted(units - set(placed))}; gone: {sorted(set(placed) - units)}"
    )


def test_every_unit_imports_only_lower_layers() -> None:
    """The whole package is layered: no import goes sideways or up (the chain flows one way)."""
    layer_of = {u: i for i, layer in enumerate(_LAYERS) for u in layer}
    offenders = []
    for path in PKG.rglob("*.py"):
        rel = path.relative_to(PKG).parts
        me = rel[0].removesuffix(".py") if len(rel) == 1 else rel[0]
        for line, module in _runtime_imports(path):
            other = _unit(module)
            if other == me or (me, other) in _ALLOWED_UPWARD:
                continue
            if layer_of.get(other, len(_LAYERS)) >= layer_of[me]:
                offenders.append(f"{path.relative_to(ROOT)}:{line} ({me}) imports {module}")
    assert offenders == [], f"imports that go sideways or up: {offenders}"


def test_layer_scan_sees_an_upward_import(tmp_path: Path) -> None:
    """The scan itself: a runtime import is found, one under TYPE_CHECKING is not."""
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from debttrap.assess import Assessment\n"
        "def f():\n    from debttrap import cli\n"
    )
    assert _runtime_imports(bad) == [(5, "debttrap"), (5, "debttrap.cli")]
    assert {_unit(m) for _, m in _runtime_imports(bad)} == {"__init__", "cli"}
