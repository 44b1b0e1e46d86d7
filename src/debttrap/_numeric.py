"""Numeric helpers every layer shares."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from debttrap.errors import InternalError

__all__ = [
    "NULLABLE_NONE",
    "finite_or_none",
    "format_number",
    "jsonable",
    "nullable_match",
    "read_only_copy",
]


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


#: Where a document's numbers may be ``null``: fields that are *not defined* for a year or
#: were *not evaluated*, as documented (docs/reliability.md). Patterns match a field's path
#: (``offers[].project_by_year.dscr_p50.2031``; ``*`` matches anything); a NaN anywhere else
#: is a computation gone wrong and stops the command (:class:`InternalError`), and an infinity
#: is never allowed.
NULLABLE_NONE: tuple[str, ...] = ()


@functools.lru_cache(maxsize=256)
def _pattern(pattern: str) -> re.Pattern[str]:
    """``*`` matches anything; every other character (``[]`` of lists too) stands for itself."""
    return re.compile(".*".join(re.escape(part) for part in pattern.split("*")))


def nullable_match(path: str, patterns: Iterable[str]) -> bool:
    """True when the field at ``path`` is one ``patterns`` allow to be null."""
    return any(_pattern(p).fullmatch(path) for p in patterns)


def jsonable(obj: Any, *, nullable: Iterable[str] = NULLABLE_NONE, where: str = "") -> Any:
    """Convert numpy/pandas scalars, arrays and mappings into plain JSON values.

    Mapping keys become strings (years too). A NaN becomes ``null`` only in a field that
    ``nullable`` names (a documented "not defined" or "not evaluated" value); any other NaN,
    and any infinity, raises :class:`InternalError` naming the field: a result that must be
    finite is never written as ``null``.
    """
    patterns = tuple(nullable)
    return _jsonable(obj, where, patterns)


def _jsonable(obj: Any, path: str, patterns: tuple[str, ...]) -> Any:
    if isinstance(obj, Mapping):
        return {str(k): _jsonable(v, f"{path}.{k}" if path else str(k), patterns)
                for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v, f"{path}[]", patterns) for v in obj]
    if isinstance(obj, np.ndarray):
        return [_jsonable(v, f"{path}[]", patterns) for v in obj.tolist()]
    if isinstance(obj, (np.bool_, bool)):
        return bool(obj)
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        f = float(obj)
        if math.isfinite(f):
            return f
        if math.isnan(f) and nullable_match(path, patterns):
            return None
        raise InternalError(
            f"the result field '{path or '(value)'}' came out "
            f"{'infinite' if math.isinf(f) else 'not a number (nan)'} where a finite number "
            "is required"
        )
    return obj
