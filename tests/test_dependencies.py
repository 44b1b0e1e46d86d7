"""The package imports only what ``pyproject.toml`` declares, and declares nothing it never uses.

A plain ``pip install .`` once gave a command that crashed on ``--help`` because the
package imported ``click``, which only the test extras happened to bring in. This test reads
every import of ``src/debttrap`` and checks each third-party module against the
distributions the package (or the extra that is named for it) declares.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "src" / "debttrap"

#: import name -> distribution name, where the two differ
DISTRIBUTION_OF = {"yaml": "pyyaml", "QuantLib": "quantlib", "sklearn": "scikit-learn"}

#: declared for a reason other than an ``import`` in the package:
#: pyarrow is the engine pandas uses to read the bundled Parquet files; python-multipart is
#: what Starlette parses the workbench's uploads with (``debttrap.web`` checks for it).
USED_WITHOUT_IMPORT = {"pyarrow", "python-multipart"}

#: optional imports, guarded by ``try: ... except ImportError``, and the extra declaring them
#: (none today: every package the commands need is a dependency)
OPTIONAL: dict[str, str] = {}
#: declared in ``[project.dependencies]`` but still imported only behind an ImportError guard
#: or inside a function, so commands that do not use them do not pay their import at start-up:
#: numba (a compiled kernel; where it cannot be installed, no wheel for the platform, the
#: NumPy kernels run instead: tests/stochastic/test_simulate.py checks that), the web
#: workbench's Starlette and uvicorn (``debttrap serve``), the portfolio's duckdb store
#: (``--db``) and dask distributed cluster (``--scheduler``); each feature names what to
#: install if its package is missing from a broken environment
GUARDED_CORE = {"numba", "starlette", "uvicorn", "duckdb", "distributed"}
#: packages entered only after checking that their modules are installed
#: (``debttrap serve`` calls ``debttrap.web.missing_dependencies()`` first): their modules
#: may import those modules at the top; every other module may not.
OPTIONAL_PACKAGES = {"src/debttrap/web": {"starlette", "uvicorn", "multipart"}}


def _name(requirement: str) -> str:
    match = re.match(r"[A-Za-z0-9_.-]+", requirement)
    assert match is not None, requirement
    return match.group(0).lower().replace("_", "-")


def _project() -> dict[str, object]:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)["project"]  # type: ignore[no-any-return]


def _third_party_imports() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    stdlib = sys.stdlib_module_names
    for path in PKG.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            modules: list[str] = []
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                modules = [node.module]
            for module in modules:
                top = module.split(".")[0]
                if top in stdlib or top in {"debttrap", "__future__"}:
                    continue
                found.setdefault(top, []).append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_every_import_is_declared() -> None:
    project = _project()
    core = {_name(r) for r in project["dependencies"]}  # type: ignore[attr-defined]
    extras = {
        extra: {_name(r) for r in reqs}
        for extra, reqs in project["optional-dependencies"].items()  # type: ignore[attr-defined]
    }
    undeclared = []
    for module, where in sorted(_third_party_imports().items()):
        dist = DISTRIBUTION_OF.get(module, module).lower().replace("_", "-")
        if module in OPTIONAL:
            if dist not in extras.get(OPTIONAL[module], set()):
                undeclared.append(f"{module} (extra {OPTIONAL[module]}) at {where[0]}")
        elif dist not in core:
            undeclared.append(f"{module} at {where[0]}")
    assert undeclared == [], f"imported but not declared in [project.dependencies]: {undeclared}"


def test_nothing_declared_is_unused() -> None:
    imported = {
        DISTRIBUTION_OF.get(m, m).lower().replace("_", "-") for m in _third_party_imports()
    }
    core = {_name(r) for r in _project()["dependencies"]}  # type: ignore[attr-defined]
    unused = sorted(core - imported - USED_WITHOUT_IMPORT)
    assert unused == [], f"declared in [project.dependencies] but never imported: {unused}"


def _entered_after_check(path: Path, names: list[str]) -> bool:
    """True for a module of an :data:`OPTIONAL_PACKAGES` package (not its ``__init__``,
    which does the check) importing only the modules that check covers."""
    rel = path.relative_to(ROOT).as_posix()
    for package, modules in OPTIONAL_PACKAGES.items():
        if rel.startswith(package + "/") and path.name != "__init__.py":
            return all(n.split(".")[0] in modules for n in names)
    return False


def test_web_package_init_checks_its_extra() -> None:
    """``debttrap.web`` imports without its web modules and names what is missing; they are
    dependencies, and the ``web`` extra (kept as an alias) names them too."""
    from debttrap.web import WEB_MODULES, missing_dependencies

    assert set(WEB_MODULES.values()) <= {
        _name(r) for r in _project()["optional-dependencies"]["web"]  # type: ignore[index]
    }
    assert set(WEB_MODULES.values()) <= {
        _name(r) for r in _project()["dependencies"]  # type: ignore[attr-defined]
    }
    assert set(WEB_MODULES) == OPTIONAL_PACKAGES["src/debttrap/web"]
    assert isinstance(missing_dependencies(), list)


def test_guarded_core_dependencies_are_declared_core() -> None:
    core = {_name(r) for r in _project()["dependencies"]}  # type: ignore[attr-defined]
    assert GUARDED_CORE <= core
    assert not GUARDED_CORE & OPTIONAL.keys()


def test_optional_imports_are_guarded() -> None:
    """At module level an optional module (or a :data:`GUARDED_CORE` one) is imported only
    inside ``try`` blocks that catch
    ImportError, so every module of the package imports without it; inside a function the
    import runs only after the caller has checked that the module is there."""
    offenders = []
    for path in PKG.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        guarded: set[int] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Try) and any(
                isinstance(h.type, ast.Name) and h.type.id in {"ImportError", "ModuleNotFoundError"}
                for h in node.handlers
            ):
                guarded.update(id(n) for stmt in node.body for n in ast.walk(stmt))
        in_functions = {
            id(n)
            for f in ast.walk(tree)
            if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)
            for n in ast.walk(f)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom) and id(node) not in in_functions:
                names = (
                    [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                )
                lazy = OPTIONAL.keys() | GUARDED_CORE
                if any(n.split(".")[0] in lazy for n in names) and id(node) not in guarded:
                    if _entered_after_check(path, names):
                        continue
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == [], f"optional modules imported without an ImportError guard: {offenders}"
