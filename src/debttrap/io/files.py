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
    "MAX_FILE_BYTES",
    "MAX_NESTING",
    "load_loan",
    "load_loans",
    "parse_model",
    "read_document",
    "validation_error_to_input_error",
]

M = TypeVar("M", bound=BaseModel)


#: The largest input document read, bytes: no loan, country or scenario file comes near it.
MAX_FILE_BYTES = 20 * 1024 * 1024
#: The deepest nesting of tables and lists an input may have.
MAX_NESTING = 32


def _read_text(p: Path) -> str:
    """The file's text: UTF-8 with or without a byte-order mark (as Windows Notepad saves it).

    Files over :data:`MAX_FILE_BYTES`, UTF-16/32 and other encodings, and things that are not
    regular files (devices, pipes) give one line naming the file.
    """
    if not p.is_file():
        raise InputError("is not a regular file (a device or a pipe?)", source=p.name)
    size = p.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InputError(
            f"is {size / 1e6:,.1f} MB; input files are limited to {MAX_FILE_BYTES / 1e6:g} MB",
            source=p.name,
        )
    raw = p.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError("is saved as UTF-16; save it as UTF-8", source=p.name)
    try:
        return raw.decode("utf-8-sig")  # drops a UTF-8 byte-order mark
    except UnicodeDecodeError as exc:
        raise InputError(
            f"is not a UTF-8 text file (byte {exc.start}); save it as UTF-8", source=p.name
        ) from None


def _depth(obj: Any) -> int:
    """How deep tables and lists nest (iteratively: a hostile file cannot exhaust the stack)."""
    deepest, stack = 0, [(obj, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_NESTING:
            return deepest
        stack.extend((c, level + 1) for c in children)
    return deepest


def read_document(path: str | Path) -> dict[str, Any]:
    """Read a TOML (``.toml``) or JSON (``.json``) file into a dict."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"file not found: {p}", source=str(p))
    if p.is_dir():
        raise InputError(f"expected a file but {p} is a folder", source=str(p))
    suffix = p.suffix.lower()
    if suffix not in (".toml", ".json"):
        raise InputError(
            f"unsupported file type '{suffix or '(none)'}' (use .toml or .json)", source=p.name
        )
    text = _read_text(p)
    try:
        data: Any = tomllib.loads(text) if suffix == ".toml" else json.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"malformed TOML: {exc}", source=p.name) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"malformed JSON: {exc.msg} at line {exc.lineno}", source=p.name) from None
    except RecursionError:
        raise InputError(
            "is nested too deeply to read (tables or lists inside each other)", source=p.name
        ) from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        if "digits" in str(exc):
            raise InputError(
                "holds an integer of more than 4,300 digits, which cannot be read as a number "
                "(no input needs one)",
                source=p.name,
            ) from None
        raise InputError(f"holds a value that cannot be read: {exc}", source=p.name) from None
    if _depth(data) > MAX_NESTING:
        raise InputError(
            f"is nested more than {MAX_NESTING} levels deep; no input needs that", source=p.name
        )
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
    """Turn pydantic's multi-line report into one line naming the first bad field.

    A value the user wrote that is wrong comes before a field reported missing: a bad value can
    stop a model from deriving the fields that depend on it (a prior's ``median_ratio = inf``
    leaves its ``mu`` unset), and the bad value is what there is to fix.
    """
    errors = exc.errors(include_url=False)
    err = next((e for e in errors if e.get("type") != "missing"), errors[0])
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
    more = len(errors) - 1
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
