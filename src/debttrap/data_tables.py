"""Typed access to the bundled tables of numbers (TOML files in ``debttrap/data/<name>/``).

Tables a modeller reads and edits (lending terms by creditor group, sector
priors) are TOML files with a ``PROVENANCE.md`` beside them, not Python
literals. :func:`read_table` parses one file; :func:`number`, :func:`whole`
and :func:`text` read one field with its type checked, so a missing or
mistyped value raises :class:`~debttrap.errors.DataError` naming the file and
the dotted field. Core-layer: imports nothing above ``debttrap.errors``.
"""

from __future__ import annotations

import functools
import math
import tomllib
from collections.abc import Mapping
from importlib import resources
from types import MappingProxyType
from typing import Any

from debttrap.errors import DataError

__all__ = ["number", "read_table", "section", "text", "whole"]


@functools.cache
def _parsed(dataset: str, filename: str) -> Mapping[str, Any]:
    where = f"{dataset}/{filename}"
    try:
        raw = resources.files("debttrap").joinpath("data", dataset, filename).read_bytes()
    except (FileNotFoundError, OSError) as exc:
        raise DataError(f"bundled table {where} is missing (reinstall debttrap)") from exc
    try:
        return MappingProxyType(tomllib.loads(raw.decode("utf-8")))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DataError(f"bundled table {where} is not valid TOML: {exc}") from exc


def read_table(dataset: str, filename: str) -> Mapping[str, Any]:
    """The parsed top-level table of ``debttrap/data/<dataset>/<filename>`` (read once)."""
    return _parsed(dataset, filename)


def _where(dataset: str, filename: str, key: str) -> str:
    return f"{dataset}/{filename}, field '{key}'"


def section(
    table: Mapping[str, Any], key: str, *, dataset: str, filename: str
) -> Mapping[str, Any]:
    """The sub-table ``table[key]``; ``key`` is the dotted path used in messages."""
    value = table.get(key.rsplit(".", 1)[-1])
    if not isinstance(value, dict):
        raise DataError(f"{_where(dataset, filename, key)}: a table is required")
    return value


def number(table: Mapping[str, Any], key: str, *, dataset: str, filename: str) -> float:
    """A finite number at ``table[last part of key]``."""
    value = table.get(key.rsplit(".", 1)[-1])
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise DataError(f"{_where(dataset, filename, key)}: a finite number is required")
    return float(value)


def whole(table: Mapping[str, Any], key: str, *, dataset: str, filename: str) -> int:
    """A non-negative whole number at ``table[last part of key]``."""
    value = table.get(key.rsplit(".", 1)[-1])
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise DataError(f"{_where(dataset, filename, key)}: a whole number >= 0 is required")
    return int(value)


def text(table: Mapping[str, Any], key: str, *, dataset: str, filename: str) -> str:
    """A non-empty string at ``table[last part of key]``."""
    value = table.get(key.rsplit(".", 1)[-1])
    if not isinstance(value, str) or not value.strip():
        raise DataError(f"{_where(dataset, filename, key)}: a non-empty text is required")
    return value
