"""The ``debttrap`` command. Each subcommand lives in its own module here.

Errors: anything deriving from :class:`debttrap.errors.DebtTrapError` is
printed as one line on stderr and exits with its code (2 for bad input, 3 for an
internal error); any other exception is a bug and gives one line "internal
error: ..., please report" and exit code 3, its traceback only with
``DEBTTRAP_DEBUG=1``. Nothing is written half-way: commands compute everything
before they write, and output sets are staged (see docs/reliability.md).

Start-up: a subcommand's module (and what it imports: pandas, the models, the
engines) is imported only when that subcommand runs. ``debttrap --help`` lists
the commands from :data:`COMMANDS` (name, module, one-line help) without
importing any of them; a test checks that table against the modules.

In a fresh process (the installed script, ``python -m debttrap``) the garbage collector
is held off while the subcommand's modules load, and what they made is then frozen
(:func:`gc.freeze`): those objects live as long as the process, and without this every
later full collection walked all of them again (a quarter of a second of an assessment).
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
import traceback
import warnings
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperCommand, TyperGroup

from debttrap import __version__
from debttrap.errors import DebtTrapError, InternalError

#: subcommand -> (module of ``debttrap.cli`` that registers it, its one-line help), in the
#: order ``--help`` lists them, the main one (``assess``) first.
COMMANDS: dict[str, tuple[str, str]] = {
    "assess": (
        "assess",
        "Judge each offer of a scenario beside the no-offer reference (table, JSON, report).",
    ),
    "dsa": (
        "dsa",
        "Run the LIC-DSF (baseline, stress tests, rating) for a country file or an ISO3 code.",
    ),
    "country": (
        "country",
        "Build a country's LIC-DSF inputs from the bundled open data (WEO, IDS, DSSI, WDI, CPIA).",
    ),
    "simulate": (
        "simulate",
        "Simulate stochastic debt paths: fan charts and probabilities of breach and distress.",
    ),
    "offers": (
        "offers",
        "Each offer's financing, project economics, clauses and levers (no DSA needed).",
    ),
    "schedule": (
        "loans",
        "Print a loan's schedule: disbursements, interest, principal, fees and balance.",
    ),
    "grant-element": ("loans", "Grant element of a loan by the IMF or the OECD-DAC method."),
    "portfolio": (
        "portfolio",
        "A lender's book under stress: exposure, sustained-breach risk, debt service at risk.",
    ),
    "serve": (
        "serve",
        "Open the workbench in a browser: pick a country, edit an offer, see the verdict.",
    ),
}


def environment_flush_exit() -> None:
    """Flush stdout (a full disk shows here, not at exit) and exit 0, or exit 2 in one line."""
    try:
        sys.stdout.flush()
    except OSError as exc:
        from debttrap.cli._common import environment_error_exit  # NumPy and rich: only here

        environment_error_exit(exc)
    sys.exit(0)


def _usage_error_classes() -> tuple[type[Exception], ...]:
    """The click exception class behind typer's usage errors, found without importing click.

    Older typer releases build on the ``click`` package; newer ones ship their own copy of it.
    ``typer.BadParameter`` is that copy's (or click's) class either way, and its ancestry
    holds the ``ClickException`` base every usage error derives from.
    """
    bases = [c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException"]
    return tuple(bases) or (typer.BadParameter,)


_USAGE_ERRORS = _usage_error_classes()


def _usage_message(exc: Exception) -> str:
    fmt = getattr(exc, "format_message", None)
    text = str(fmt()) if callable(fmt) else str(exc)
    param = getattr(exc, "param", None)
    hint = getattr(param, "opts", None) if param is not None else None
    if hint and "'" not in text:
        text = f"{'/'.join(hint)}: {text}"
    return " ".join(text.split())

def _version_callback(value: bool) -> None:
    if value:
        sys.stdout.write(f"debttrap {__version__}\n")
        raise typer.Exit()


class _LazyGroup(TyperGroup):
    """The root command: lists :data:`COMMANDS` and imports a command's module on first use.

    For ``--help`` it hands out light stand-ins (name and one-line help only), so listing the
    commands imports none of them.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.listing = False
        #: True when :func:`main` runs in a fresh process with the collector held off
        self.imports_pending_gc = False

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in COMMANDS:
            return None
        if self.listing:
            return TyperCommand(cmd_name, help=COMMANDS[cmd_name][1])
        loaded = self.commands.get(cmd_name)
        if loaded is None:
            importlib.import_module(f"debttrap.cli.{COMMANDS[cmd_name][0]}")
            # the module has registered its commands on ``app``: build them as typer does
            built = typer.main.get_command(app)
            for name, command in getattr(built, "commands", {}).items():
                if name not in self.commands:
                    _show_flags_as_flags(command)
                    self.add_command(command, name)
            loaded = self.commands.get(cmd_name)
        if self.imports_pending_gc:
            # the modules are in: keep their objects out of every later collection
            self.imports_pending_gc = False
            gc.freeze()
            gc.enable()
        return loaded

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self.listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self.listing = False


app = typer.Typer(
    name="debttrap",
    help="Would this financing offer trap this country? Loans, LIC-DSF and creditor leverage.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=_LazyGroup,
)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Print the version and exit.",
            callback=_version_callback,
            is_eager=True,
        ),
    ] = False,
) -> None:
    """Would this financing offer trap this country? Loans, LIC-DSF and creditor leverage."""


def _show_flags_as_flags(command: Any) -> None:
    """Give every on/off option an empty metavar so ``--help`` shows ``--json``, not ``<bool>``.

    Walks the command tree once; the help option of each command is created here too (recent
    typer releases create it lazily and label its type), so it gets the same treatment.
    """
    context = command.context_class(command, info_name=command.name)
    help_option = command.get_help_option(context)
    params = [*command.params, *([help_option] if help_option is not None else [])]
    for param in params:
        if getattr(param, "is_flag", False) and not getattr(param, "count", False):
            param.metavar = ""
    for sub in getattr(command, "commands", {}).values():
        _show_flags_as_flags(sub)


def _command() -> Any:
    command = typer.main.get_command(app)
    _show_flags_as_flags(command)
    return command


def _validation_error(exc: Exception) -> bool:
    """True for pydantic's ValidationError, checked without importing pydantic at start-up."""
    pydantic = sys.modules.get("pydantic")
    return pydantic is not None and isinstance(exc, pydantic.ValidationError)


def script() -> None:
    """The installed ``debttrap`` script and ``python -m debttrap``: :func:`main` in a process
    of its own (the collector is held off while the subcommand's modules load)."""
    main(fresh_process=True)


def main(*, fresh_process: bool = False) -> None:
    """Entry point: run the app; every failure is one line on stderr and a non-zero exit code
    (2: bad input or the machine refused; 3: an internal error, i.e. a bug to report).

    ``fresh_process``: this process runs one command and ends (:func:`script`); the modules
    the command imports are then frozen out of garbage collection. In-process callers (tests,
    notebooks) leave it off: their collector is not touched."""
    held = fresh_process and gc.isenabled()
    try:
        with warnings.catch_warnings():
            # numpy's floating-point notes (overflow, invalid value) never reach the user:
            # inputs are checked before the models run and results where they must be finite
            warnings.simplefilter("ignore", RuntimeWarning)
            command = _command()
            if held:
                gc.disable()
                command.imports_pending_gc = True
            code = command.main(prog_name="debttrap", standalone_mode=False)
        # recent typer releases turn Ctrl-C into an exit code 130 that non-standalone mode
        # returns rather than raises (older ones raise Abort, below)
        if isinstance(code, int) and not isinstance(code, bool) and code != 0:
            _exit_with(code)
    except DebtTrapError as exc:
        # an internal error's message starts "internal error:" already
        prefix = "" if isinstance(exc, InternalError) else "error: "
        sys.stderr.write(f"{prefix}{exc}\n")
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort as exc:
        if isinstance(exc.__cause__, KeyboardInterrupt):
            _exit_with(INTERRUPTED)
        sys.stderr.write("aborted\n")
        sys.exit(1)
    except KeyboardInterrupt:
        _exit_with(INTERRUPTED)
    except _USAGE_ERRORS as exc:
        # a bad flag value, an unknown option, a missing argument: one line, exit 2
        message = _usage_message(exc)
        if message:  # no-args help has already been printed and carries no message
            sys.stderr.write(f"error: {message}\n")
        sys.exit(2)
    except (OSError, MemoryError, RecursionError) as exc:
        from debttrap.cli._common import environment_error_exit

        environment_error_exit(exc)
    except Exception as exc:
        if not _validation_error(exc):
            _internal_error_exit(exc)
        # a model built inside a command
        from debttrap.io.files import validation_error_to_input_error

        sys.stderr.write(f"error: {validation_error_to_input_error(exc)}\n")  # type: ignore[arg-type]
        sys.exit(2)
    finally:
        if held:  # whatever happened before the command's modules loaded
            gc.enable()
    environment_flush_exit()


#: The exit code of a run stopped by Ctrl-C (128 + SIGINT, as shells report it).
INTERRUPTED = 130


def _exit_with(code: int) -> NoReturn:
    """Exit with ``code``; an interruption says so in one line (output sets left nothing)."""
    if code == INTERRUPTED:
        try:
            sys.stderr.write("error: interrupted; nothing was written half-way\n")
        except OSError:
            pass
    sys.exit(code)


#: Set to 1 to see the traceback of an internal error (for a bug report).
DEBUG_VARIABLE = "DEBTTRAP_DEBUG"


def _internal_error_exit(exc: BaseException) -> NoReturn:
    """The last resort: an exception nobody raised on purpose is a bug, not the user's fault.

    One line on stderr and exit code 3; the traceback only when ``DEBTTRAP_DEBUG=1``.
    """
    if os.environ.get(DEBUG_VARIABLE, "").strip() not in ("", "0"):
        traceback.print_exception(exc, file=sys.stderr)
    detail = " ".join(str(exc).split()) or "no message"
    if len(detail) > 300:
        detail = detail[:300] + " ..."
    try:
        sys.stderr.write(
            f"internal error: {type(exc).__name__}: {detail}; please report this with the "
            f"command and input used (set {DEBUG_VARIABLE}=1 to see where it happened)\n"
        )
        sys.stderr.flush()
    except OSError:
        pass
    sys.exit(3)
