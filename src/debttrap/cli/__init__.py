"""The ``debttrap`` command. Each subcommand lives in its own module here.

Errors: anything deriving from :class:`debttrap.errors.DebtTrapError` is
printed as one line on stderr and exits with code 2; nothing is written
half-way because commands compute everything before they write.
"""

from __future__ import annotations

import importlib
import sys

import typer
from pydantic import ValidationError

from debttrap.errors import DebtTrapError


def _usage_error_classes() -> tuple[type[Exception], ...]:
    """Click's usage-error class, and typer's bundled copy of it where typer ships one."""
    import click

    classes: list[type[Exception]] = [click.ClickException]
    try:
        from typer._click import exceptions as bundled  # typer >= 0.26 vendors click
    except ImportError:
        pass
    else:
        classes.append(bundled.ClickException)
    return tuple(classes)


_USAGE_ERRORS = _usage_error_classes()


def _usage_message(exc: Exception) -> str:
    fmt = getattr(exc, "format_message", None)
    text = str(fmt()) if callable(fmt) else str(exc)
    param = getattr(exc, "param", None)
    hint = getattr(param, "opts", None) if param is not None else None
    if hint and "'" not in text:
        text = f"{'/'.join(hint)}: {text}"
    return " ".join(text.split())

app = typer.Typer(
    name="debttrap",
    help="Would this financing offer trap this country? Loans, LIC-DSF and creditor leverage.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Modules that register subcommands on ``app`` when imported.
_COMMAND_MODULES = ("loans", "dsa", "simulate", "offers", "country", "assess")

for _name in _COMMAND_MODULES:
    importlib.import_module(f"debttrap.cli.{_name}")


def main() -> None:
    """Entry point: run the app and turn deliberate errors into one line and exit 2."""
    try:
        app(standalone_mode=False)
    except DebtTrapError as exc:
        sys.stderr.write(f"error: {exc}\n")
        sys.exit(exc.exit_code)
    except ValidationError as exc:  # a model built inside a command
        from debttrap.io.files import validation_error_to_input_error

        sys.stderr.write(f"error: {validation_error_to_input_error(exc)}\n")
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        sys.stderr.write("aborted\n")
        sys.exit(1)
    except _USAGE_ERRORS as exc:
        # a bad flag value, an unknown option, a missing argument: one line, exit 2
        message = _usage_message(exc)
        if message:  # no-args help has already been printed and carries no message
            sys.stderr.write(f"error: {message}\n")
        sys.exit(2)
    sys.exit(0)
