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
    except Exception as exc:  # click usage errors arrive here in non-standalone mode
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        raise
    sys.exit(0)
