"""Reading TOML and JSON documents into validated models, with one-line errors.

A loan file is either a single loan (its fields at top level, or under a
``[loan]`` table) or several loans under ``[[loans]]``. Errors name the file
and the offending field: ``loan.toml: field 'grace_years': must be ...``.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from debttrap.errors import InputError
from debttrap.terms.loan import Loan
from debttrap.validation import NotANumber

__all__ = [
    "load_loan",
    "load_loans",
    "parse_model",
    "read_document",
    "validation_error_to_input_error",
]

M = TypeVar("M", bound=BaseModel)


def read_document(path: str | Path) -> dict[str, Any]:
    """Read a TOML (``.toml``) or JSON (``.json``) file into a dict."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"file not found: {p}", source=str(p))
    if p.is_dir():
        raise InputError(f"expected a file but {p} is a folder", source=str(p))
    suffix = p.suffix.lower()
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError("is not a UTF-8 text file", source=p.name) from None
    try:
        if suffix == ".toml":
            data: Any = tomllib.loads(text)
        elif suffix == ".json":
            data = json.loads(text)
        else:
            raise InputError(
                f"unsupported file type '{suffix or '(none)'}' (use .toml or .json)", source=p.name
            )
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"malformed TOML: {exc}", source=p.name) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"malformed JSON: {exc.msg} at line {exc.lineno}", source=p.name) from None
    if not isinstance(data, dict):
        raise InputError("the document must be a table/object at top level", source=p.name)
    return data


def _loc(loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        elif item in ("fixed", "stepped", "floating", "function-after", "function-before"):
            continue  # discriminated-union tags and validator wrappers are noise to a user
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts)


def validation_error_to_input_error(
    exc: ValidationError, *, source: str | None = None, prefix: str = ""
) -> InputError:
    """Turn pydantic's multi-line report into one line naming the first bad field."""
    err = exc.errors(include_url=False)[0]
    loc = _loc(tuple(err.get("loc", ())))
    field = f"{prefix}.{loc}" if prefix and loc else (prefix or loc or None)
    msg = str(err.get("msg", "invalid value"))
    msg = msg.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if isinstance(err.get("input"), NotANumber):
        msg = "true/false is not a number; give a number"
    elif err.get("type") == "extra_forbidden":
        msg = "unknown field (check its spelling against the documentation)"
    elif err.get("type") == "missing":
        msg = "is required but missing"
    more = len(exc.errors()) - 1
    if more > 0:
        msg += f" (and {more} more problem{'s' if more > 1 else ''})"
    return InputError(msg, field=field, source=source)


def parse_model(model: type[M], data: Any, *, source: str | None = None, prefix: str = "") -> M:
    """Validate ``data`` as ``model``; raise a one-line :class:`InputError` if it fails."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_error_to_input_error(exc, source=source, prefix=prefix) from None


def load_loans(path: str | Path) -> list[Loan]:
    """All loans in a file: ``[[loans]]`` entries, a ``[loan]`` table, or top-level fields."""
    p = Path(path)
    data = read_document(p)
    if "loans" in data:
        entries = data["loans"]
        if not isinstance(entries, list) or not entries:
            raise InputError("'loans' must be a non-empty list of loan tables", source=p.name)
        return [
            parse_model(Loan, entry, source=p.name, prefix=f"loans[{i}]")
            for i, entry in enumerate(entries)
        ]
    if "loan" in data:
        return [parse_model(Loan, data["loan"], source=p.name, prefix="loan")]
    return [parse_model(Loan, data, source=p.name)]


def load_loan(path: str | Path) -> Loan:
    """The single loan in a file (error if the file holds several)."""
    loans = load_loans(path)
    if len(loans) != 1:
        raise InputError(
            f"holds {len(loans)} loans; this command takes one", source=Path(path).name
        )
    return loans[0]
