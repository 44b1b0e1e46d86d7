"""The one validation layer every number entering the models goes through.

A number a user writes (in a loan, a country, a scenario, on the command line) must be

* a number: ``true``/``false`` are not numbers (``amount_m = true`` is refused, not read as 1);
* finite: ``inf``, ``nan``, JSON ``Infinity`` and literals too large for a float (``1e400``,
  which parsers turn into infinity) are refused;
* normal: a sub-normal float (between 0 and about 2.2e-308 in size, e.g. ``5e-324``) is
  refused, since no amount, rate or ratio is that small and arithmetic on it divides by zero;
* of a sane size: at most :data:`MAX_MAGNITUDE` in absolute value, whatever the unit (money is
  in millions, so this is a thousand times world GDP); each field also states its own range.

:class:`NumbersChecked` applies these rules to every numeric field of a pydantic model (the
user-facing models derive from it through :class:`debttrap._model.FrozenModel`), so an error
names the input field as the user wrote it. :func:`check_number` applies them to a single
value (a command-line flag). :func:`require_finite` guards results: a computation that
produces a non-finite number where none is allowed raises :class:`InternalError`, never
printing ``null``.
"""

from __future__ import annotations

import functools
import math
import os
import sys
import types
import typing
from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np
from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator, model_validator

from debttrap.errors import InputError, InternalError

__all__ = [
    "MAX_MAGNITUDE",
    "MEMORY_LIMIT_BYTES",
    "NotANumber",
    "NumbersChecked",
    "check_memory",
    "check_number",
    "memory_limit_bytes",
    "number_problem",
    "require_finite",
]

#: The largest absolute value any input number may have (after its unit: millions, percent).
MAX_MAGNITUDE = 1e15

_SMALLEST_NORMAL = sys.float_info.min


def number_problem(value: float) -> str | None:
    """Why ``value`` cannot enter a model, or None when it can."""
    if math.isnan(value):
        return "is not a number (nan); give a finite number"
    if math.isinf(value):
        return "is infinite (or too large to be a number); give a finite number"
    if value != 0.0 and abs(value) < _SMALLEST_NORMAL:
        return f"{value!r} is too small to compute with (sub-normal); give 0 or a larger number"
    if abs(value) > MAX_MAGNITUDE:
        return f"{value:g} is out of range (at most {MAX_MAGNITUDE:g} in size)"
    return None


def check_number(
    value: Any,
    field: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    unit: str = "",
) -> float:
    """``value`` as a float if it is a finite number in ``[minimum, maximum]``; else an
    :class:`InputError` naming ``field`` (a flag such as ``--df``)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise InputError(f"{value!r} is not a number", field=field)
    x = float(value)
    problem = number_problem(x)
    if problem is not None:
        raise InputError(problem, field=field)
    suffix = f" {unit}" if unit else ""
    if minimum is not None and x < minimum:
        raise InputError(f"{x:g} is below the smallest allowed, {minimum:g}{suffix}", field=field)
    if maximum is not None and x > maximum:
        raise InputError(f"{x:g} is above the largest allowed, {maximum:g}{suffix}", field=field)
    return x


def require_finite(values: Any, what: str) -> None:
    """Raise :class:`InternalError` when a result that must be finite is not (``what`` names it)."""
    arr = np.asarray(values, dtype=np.float64)
    if not np.all(np.isfinite(arr)):
        raise InternalError(f"{what} came out non-finite (inf or nan)")


# --------------------------------------------------------------------------- model fields


def _leaves(annotation: Any) -> set[Any]:
    """The leaf types of a field annotation (``tuple[float, ...] | None`` -> float, None)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _leaves(typing.get_args(annotation)[0])
    if origin is None:
        return {annotation}
    args = typing.get_args(annotation)
    if origin in (dict, Mapping) and len(args) == 2:  # keys are labels (years, names)
        return _leaves(args[1])
    out: set[Any] = set()
    for arg in args:
        if arg is not Ellipsis:
            out |= _leaves(arg)
    if origin is typing.Literal:
        return {type(a) for a in args}
    return out if origin not in (typing.Union, types.UnionType) or out else {annotation}


def _numeric_kind(annotation: Any) -> str | None:
    """``"float"`` for fields holding floats, ``"int"`` for whole numbers only, else None
    (text, flags, nested models and mixed fields check themselves)."""
    leaves = _leaves(annotation)
    if bool in leaves or any(isinstance(t, type) and issubclass(t, BaseModel) for t in leaves):
        return None
    if float in leaves:
        return "float"
    if int in leaves:
        return "int"
    return None


@functools.cache
def _field_kinds(model: type[BaseModel]) -> dict[str, tuple[str | None, tuple[str, ...]]]:
    """Each field's :func:`_numeric_kind` and the keys it may be given under (name, alias),
    read once per model class: a class's fields do not change once it validates."""
    out: dict[str, tuple[str | None, tuple[str, ...]]] = {}
    for name, field in model.model_fields.items():
        keys = (name,) if field.alias is None or field.alias == name else (name, field.alias)
        out[name] = (_numeric_kind(field.annotation), keys)
    return out


class NotANumber:
    """Stands in for a ``true``/``false`` given where a number goes, so that the field's own
    validation fails there (naming the field) instead of reading it as 1 or 0."""

    def __init__(self, value: bool) -> None:
        self.value = value

    def __repr__(self) -> str:
        return "true" if self.value else "false"


def _without_bools(value: Any) -> Any:
    if isinstance(value, (bool, np.bool_)):
        return NotANumber(bool(value))
    if isinstance(value, Mapping):
        return {k: _without_bools(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_bools(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_without_bools(v) for v in value)
    return value


def _first_problem(value: Any) -> str | None:
    if isinstance(value, float):
        return number_problem(value)
    if isinstance(value, Mapping):
        value = list(value.values())
    if isinstance(value, (list, tuple, frozenset, set)):
        for v in value:
            problem = _first_problem(v)
            if problem is not None:
                return problem
    return None


class NumbersChecked(BaseModel):
    """Applies the rules of this module to every numeric field of a model.

    Booleans are refused (pydantic would read ``true`` as 1.0: they are swapped for a
    :class:`NotANumber`, which the field's own validation refuses, naming the field); after
    conversion every float in the field (inside tuples and dicts too) must be finite, normal
    and at most :data:`MAX_MAGNITUDE` in size.
    """

    model_config = ConfigDict(allow_inf_nan=False)
    #: False for records of computed figures (not a user's inputs): their tiny or huge
    #: values are results, so only the booleans and non-finite rules apply.
    check_number_sizes: ClassVar[bool] = True

    @model_validator(mode="before")
    @classmethod
    def _no_flags_for_numbers(cls, data: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        out = dict(data)
        for kind, keys in _field_kinds(cls).values():
            if kind is None:
                continue
            for key in keys:
                if key in out:
                    out[key] = _without_bools(out[key])
        return out

    @field_validator("*", mode="after")
    @classmethod
    def _finite_normal_sized(cls, value: Any, info: ValidationInfo) -> Any:
        if not cls.check_number_sizes or info.field_name is None:
            return value
        if isinstance(value, (str, BaseModel)) or value is None:
            return value
        kind = _field_kinds(cls).get(info.field_name)
        if kind is None or kind[0] != "float":
            return value
        problem = _first_problem(value)
        if problem is not None:
            raise ValueError(problem)
        return value


# --------------------------------------------------------------------------- sizes

#: The most memory one run may plan to use, bytes (also at most half the machine's memory).
MEMORY_LIMIT_BYTES = 8 * 1024**3


def memory_limit_bytes() -> int:
    """:data:`MEMORY_LIMIT_BYTES`, or half the machine's physical memory if that is less."""
    try:
        physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # not POSIX: the fixed limit alone
        return MEMORY_LIMIT_BYTES
    return int(min(MEMORY_LIMIT_BYTES, physical // 2))


def check_memory(estimate_bytes: float, field: str, what: str) -> None:
    """Refuse a run whose estimated memory exceeds :func:`memory_limit_bytes`, before it starts.

    The error names ``field`` (the flag that sets the size) and gives the estimate and the limit.
    """
    limit = memory_limit_bytes()
    if estimate_bytes > limit:
        raise InputError(
            f"{what} would need about {estimate_bytes / 1024**3:,.1f} GiB of memory; the limit "
            f"is {limit / 1024**3:,.1f} GiB (use fewer paths)",
            field=field,
        )
