"""Numeric helpers every layer shares."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np
from numpy.typing import ArrayLike, NDArray

from debttrap.errors import InternalError

if TYPE_CHECKING:  # pandas is loaded only by what builds a table
    import pandas as pd

__all__ = [
    "NULLABLE_NONE",
    "TableGap",
    "check_table_finite",
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


#: A documented gap of a table: the columns ``pattern`` names (``*`` matches anything) may be
#: empty in the rows ``rows`` marks (a boolean per row), or in every row when ``rows`` is None.
TableGap: TypeAlias = tuple[str, NDArray[np.bool_] | None]


def _missing(values: NDArray[Any]) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """Which cells are NaN and which are infinite (None, a value the model left out on
    purpose, is neither: as in :func:`jsonable`)."""
    if values.dtype.kind in "fc":
        return np.isnan(values), np.isinf(values)
    if values.dtype.kind != "O":  # integers, booleans, text, dates: never empty or infinite
        none = np.zeros(values.shape, dtype=bool)
        return none, none
    empty = np.fromiter(
        (isinstance(v, float | np.floating) and math.isnan(v) for v in values),
        dtype=bool, count=len(values))
    inf = np.fromiter(
        (isinstance(v, float | np.floating) and math.isinf(v) for v in values),
        dtype=bool, count=len(values))
    return empty, inf


def check_table_finite(
    frame: pd.DataFrame, *, where: str, gaps: Iterable[TableGap] = ()
) -> None:
    """Refuse to write a table with a cell that must hold a number and does not.

    A NaN (an empty cell once written) is allowed only where one of ``gaps`` names its column
    and row (the documented "not defined" and "not evaluated" cells, docs/reliability.md); an
    infinity never is; None, a value the model leaves out on purpose, stays empty (as in
    :func:`jsonable`; pandas turns it into NaN in a column of numbers, so such columns are
    listed in ``gaps``). Text columns are not checked: an empty label is not a number gone
    wrong. Anything else raises :class:`InternalError` naming ``where`` (the
    file or sheet), the column and the row: the table is not written with a blank where a
    result should be. Every CSV, Parquet and Excel writer calls this before writing.
    """
    import pandas as pd

    gaps = tuple(gaps)
    n = len(frame)
    for j, column in enumerate(frame.columns):
        name = str(column)
        series = frame.iloc[:, j]
        if isinstance(series.dtype, pd.StringDtype):
            continue  # text: an empty cell is a missing label, never a number gone wrong
        empty, inf = _missing(series.to_numpy())
        if not (empty.any() or inf.any()):
            continue
        allowed = np.zeros(n, dtype=bool)
        for pattern, rows in gaps:
            if nullable_match(name, (pattern,)):
                allowed |= True if rows is None else np.asarray(rows, dtype=bool)
        bad = inf | (empty & ~allowed)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            what = "infinite" if inf[i] else "not a number (nan)"
            raise InternalError(
                f"{where}: the result field '{name}' came out {what} in row "
                f"{frame.index[i]!s} where a finite number is required"
            )
