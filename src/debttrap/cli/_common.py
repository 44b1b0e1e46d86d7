"""Helpers shared by the subcommands: JSON output, tables, atomic writes."""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console

__all__ = [
    "console",
    "err_console",
    "jsonable",
    "print_json",
    "write_bytes_atomic",
    "write_text_atomic",
]

console = Console()
err_console = Console(stderr=True)


def jsonable(obj: Any) -> Any:
    """Convert numpy/pandas scalars, arrays and mappings into plain JSON values.

    Non-finite floats become ``null``; mapping keys become strings (years too).
    """
    if isinstance(obj, Mapping):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return [jsonable(v) for v in obj.tolist()]
    if isinstance(obj, (np.bool_, bool)):
        return bool(obj)
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        f = float(obj)
        return f if math.isfinite(f) else None
    return obj


def print_json(obj: Any) -> None:
    """Print JSON to stdout (plain, no colour codes), stable key order as given."""
    import sys

    sys.stdout.write(json.dumps(jsonable(obj), indent=2) + "\n")


def write_text_atomic(path: Path, text: str) -> None:
    """Write a file so that readers never see it half-written."""
    write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write a file so that readers never see it half-written (mode 0644: meant to be shared)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
