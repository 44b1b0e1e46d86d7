"""Every exception debttrap raises on purpose lives here.

Each message says what is wrong and what to fix, in one line, so that the
command line can print it to stderr as it is (exit code 2 for bad input).
"""

from __future__ import annotations

__all__ = [
    "DataError",
    "DebtTrapError",
    "InputError",
    "InternalError",
    "WorkbookError",
]


class DebtTrapError(Exception):
    """Base class of every error debttrap raises deliberately."""

    exit_code: int = 2


class InputError(DebtTrapError, ValueError):
    """A user-supplied input (a loan, a country, a scenario, a flag) is invalid.

    ``field`` names the offending field (dotted path) where there is one.
    """

    def __init__(self, message: str, *, field: str | None = None, source: str | None = None):
        self.field = field
        self.source = source
        parts = []
        if source:
            parts.append(source)
        if field:
            parts.append(f"field '{field}'")
        prefix = ": ".join(parts)
        super().__init__(f"{prefix}: {message}" if prefix else message)


class DataError(DebtTrapError):
    """Bundled or user-supplied data is missing or malformed (names the file and field)."""

    def __init__(
        self,
        message: str,
        *,
        dataset: str | None = None,
        series: str | None = None,
        file: str | None = None,
    ):
        self.dataset = dataset
        self.series = series
        self.file = file
        parts = []
        if dataset:
            parts.append(f"dataset '{dataset}'")
        if series:
            parts.append(f"series '{series}'")
        prefix = ", ".join(parts)
        text = f"{prefix}: {message}" if prefix else message
        if file:  # a bundled file: its path under the package's data folder
            text += f" (file data/{dataset}/{file})" if dataset else f" (file {file})"
        super().__init__(text)


class WorkbookError(DataError):
    """An Excel workbook cannot be read as a LIC-DSF template of a known version."""


class InternalError(DebtTrapError):
    """A computation produced what it never should (a non-finite number where none is allowed).

    Not the user's fault: the message names the quantity; exit code 3 tells scripts apart from
    bad input (2). Please report it with the input that caused it.
    """

    exit_code: int = 3

    def __init__(self, message: str):
        super().__init__(f"internal error: {message}; please report this with the input used")
