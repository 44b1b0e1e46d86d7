"""Numeric helpers every layer shares."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["finite_or_none", "format_number", "jsonable", "read_only_copy"]


def read_only_copy(a: ArrayLike) -> NDArray[np.float64]:
    """A float64 copy of ``a`` that cannot be written to: what results hold."""
    out = np.array(a, dtype=np.float64, copy=True)
    out.setflags(write=False)
    return out


def finite_or_none(x: Any) -> float | None:
    """``x`` as a float, or None where it is None, NaN or infinite (a missing number)."""
    if x is None:
        return None
    v = float(x)
    return v if math.isfinite(v) else None


def format_number(x: Any, digits: int = 1) -> str:
    """``x`` with thousands separators and ``digits`` decimals; an en dash where missing."""
    v = finite_or_none(x)
    return "–" if v is None else f"{v:,.{digits}f}"


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
