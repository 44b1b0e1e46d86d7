"""Load a script that is not part of the package (``tools/*.py``, a test helper) by its path.

The tests import the maintenance tools the way a user runs them, as files, so the tools
stay plain scripts. Every call executes the file afresh (a test that patches a tool, or
fills its caches, leaves the next test a clean copy) and registers the new module under
its name (dataclasses need that).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


def load_module(path: Path, name: str) -> ModuleType:
    """The module in ``path``, registered in ``sys.modules`` as ``name``."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def load_tool(name: str) -> ModuleType:
    """``tools/<name>.py``."""
    return load_module(ROOT / "tools" / f"{name}.py", f"_tool_{name}")
