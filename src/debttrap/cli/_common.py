"""Helpers shared by the subcommands: JSON output, atomic writes, ``--out`` checks, output sets."""

from __future__ import annotations

import errno
import json
import math
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

from rich.console import Console

from debttrap._numeric import NULLABLE_NONE, check_table_finite, jsonable
from debttrap.errors import InputError

__all__ = [
    "DEFAULT_FIRST_YEAR",
    "FIRST_YEAR_MAX",
    "FIRST_YEAR_MIN",
    "NULLABLE_NONE",
    "check_first_year",
    "check_iso3_flag",
    "check_out_file",
    "check_out_folder",
    "check_table_finite",
    "console",
    "environment_error_exit",
    "err_console",
    "jsonable",
    "output_set",
    "print_json",
    "project_paths_bytes",
    "refuse_flag",
    "simulation_bytes",
    "write_bytes_atomic",
    "write_text_atomic",
]

console = Console()
err_console = Console(stderr=True)


def print_json(obj: Any, *, nullable: Iterable[str] = NULLABLE_NONE) -> None:
    """Print JSON to stdout (plain, no colour codes), stable key order as given.

    Built whole before anything is printed; ``nullable`` as in :func:`jsonable`.
    """
    text = json.dumps(jsonable(obj, nullable=nullable), indent=2, allow_nan=False)
    sys.stdout.write(text + "\n")


def write_text_atomic(path: Path, text: str) -> None:
    """Write a file so that readers never see it half-written."""
    write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write a file so that readers never see it half-written (mode 0644: meant to be shared)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --------------------------------------------------------------------------- flag checks

#: The first projection years the bundled data can build a country for: its history must lie
#: inside the bundled WEO, whose last year is the latest. The same as the open-data builder's
#: (a test holds them together; kept here so that checking a flag does not load pandas).
FIRST_YEAR_MIN = 2005
FIRST_YEAR_MAX = 2029
#: The first projection year when none is given (the open-data builder's default).
DEFAULT_FIRST_YEAR = 2024

_ISO3_FLAG = re.compile(r"^[A-Za-z]{3}$")


def check_first_year(year: int, *, flag: str = "--first-year") -> int:
    """``year`` if the bundled data can build a country from it; else one line naming ``flag``.

    The same range :func:`debttrap.opendata.build_country` accepts, checked before any work
    (``dsa --all --first-year 1800`` once failed 71 times and wrote the errors as a table).
    """
    if isinstance(year, bool) or not FIRST_YEAR_MIN <= int(year) <= FIRST_YEAR_MAX:
        raise InputError(
            f"{year} is outside {FIRST_YEAR_MIN}-{FIRST_YEAR_MAX}, the years the bundled data "
            "can build a country for",
            field=flag,
        )
    return int(year)


def check_iso3_flag(code: str, *, flag: str) -> str:
    """``code`` in capitals if it looks like an ISO3 country code; else one line naming ``flag``."""
    if not _ISO3_FLAG.match(code.strip()):
        raise InputError(f"'{code}' is not an ISO3 country code (e.g. ZMB)", field=flag)
    return code.strip().upper()


def refuse_flag(flag: str, why: str) -> NoReturn:
    """A flag that does not apply to the input given: refused, never ignored."""
    raise InputError(f"does not apply here: {why}", field=flag)


# --------------------------------------------------------------------------- memory estimates


def simulation_bytes(
    n_paths: int, n_years: int, *, extra_fans: int = 0, workers: int = 1,
    block_size: int = 4096,
) -> int:
    """The memory a stochastic run plans to use, bytes, by the engine's own accounting
    (:attr:`debttrap.stochastic.results.SimulationResult.memory_bytes`, computed by
    :func:`debttrap.stochastic.simulate.planned_memory_bytes`): the kept fan variants'
    float32 paths up to ``FAN_SAMPLE_PATHS``, past it a fixed pilot and the streaming
    quantiles' brackets, and one block's working set per worker.
    """
    from debttrap.stochastic.shocks import SHOCK_VARIABLES
    from debttrap.stochastic.simulate import planned_memory_bytes

    return planned_memory_bytes(n_paths, n_years, len(SHOCK_VARIABLES), extra_fans=extra_fans,
                                workers=workers, block_size=block_size)


def _project_years(offer: Any) -> int:
    """The years a project's Monte Carlo spans: construction to the later of the last
    operating year and the last loan's maturity."""
    project = offer.project
    first = min([project.construction_start_year, *(ln.signing_year for ln in offer.loans)])
    last = max([project.last_operating_year,
                *(math.ceil(ln.signing_year + ln.maturity_years) for ln in offer.loans)])
    return int(last - first + 1)


def project_paths_bytes(offers: Any, n_paths: int, *, kept: bool = True) -> int:
    """The memory the project Monte Carlo of ``offers`` needs, bytes.

    Each offer with a project has paths of net revenue and debt-service cover (float64,
    paths x years), kept for every offer when ``kept`` (an assessment) or one offer at a time;
    building one takes about four such arrays at once.
    """
    spans = [_project_years(o) for o in offers if getattr(o, "project", None) is not None]
    if not spans:
        return 0
    held = 2 * sum(spans) if kept else 2 * max(spans)
    return int(8 * n_paths * (held + 4 * max(spans) + 4))


# --------------------------------------------------------------------------- --out checks

#: Places that are never a destination for results, whatever the permissions say.
_SYSTEM_ROOTS = (Path("/proc"), Path("/sys"), Path("/dev"))

#: Endings that name a file: ``--out report.png`` where a folder is meant is a mistake.
_FILE_SUFFIXES = frozenset(
    {".png", ".html", ".htm", ".json", ".csv", ".parquet", ".toml", ".xlsx", ".xlsm", ".pdf",
     ".svg", ".txt", ".zip", ".tmp"}
)


def _refuse_system_location(out: Path, flag: str) -> None:
    resolved = Path(os.path.realpath(out))
    for root in _SYSTEM_ROOTS:
        if resolved == root or root in resolved.parents:
            raise InputError(
                f"'{out}' is a system location ({root}), not a place for results", field=flag
            )


def _nearest_existing(path: Path) -> Path:
    """``path`` itself or the closest ancestor of it that exists."""
    p = Path(os.path.abspath(path))
    while not p.exists() and p != p.parent:
        p = p.parent
    return p


def _probe_folder(folder: Path, out: Path, flag: str) -> None:
    """Create and remove a scratch folder in ``folder``: the only honest test of writability."""
    if not folder.is_dir():
        raise InputError(
            f"'{out}' lies under '{folder}', which is a file, not a folder", field=flag
        )
    try:
        probe = tempfile.mkdtemp(dir=folder, prefix=".debttrap-probe-")
        os.rmdir(probe)
    except OSError as exc:
        raise InputError(
            f"cannot write in '{folder}': {exc.strerror or exc}", field=flag
        ) from None


def check_out_folder(out: Path, *, flag: str = "--out") -> Path:
    """Refuse, before any work, an ``--out`` that cannot become a folder of results.

    An existing file, a device, a place under ``/proc``, ``/sys`` or ``/dev``, a path under a
    file, an unwritable place, or a name ending like a file (``x.png``) each give one
    :class:`InputError` naming ``flag``.
    """
    if not str(out).strip():
        raise InputError("is empty; give a folder", field=flag)
    _refuse_system_location(out, flag)
    if out.exists():
        if not out.is_dir():
            raise InputError(f"'{out}' exists and is not a folder", field=flag)
        _probe_folder(out, out, flag)
        return out
    if out.suffix.lower() in _FILE_SUFFIXES:
        raise InputError(
            f"'{out}' looks like a file name; this option takes a folder "
            f"(e.g. '{out.with_suffix('')}')",
            field=flag,
        )
    _probe_folder(_nearest_existing(out), out, flag)
    return out


def check_out_file(
    out: Path, suffixes: tuple[str, ...] | None, *, flag: str = "--out"
) -> Path:
    """Refuse, before any work, an output file that cannot be written (as :func:`check_out_folder`).

    ``suffixes`` are the endings accepted (``(".csv", ".parquet")``); None accepts any.
    """
    if not str(out).strip():
        raise InputError("is empty; give a file name", field=flag)
    _refuse_system_location(out, flag)
    suffix = out.suffix.lower()
    if suffixes is not None and suffix not in suffixes:
        raise InputError(
            f"unsupported file type '{out.suffix or '(none)'}' (use {' or '.join(suffixes)})",
            field=flag,
        )
    if out.exists():
        if out.is_dir():
            raise InputError(f"'{out}' is a folder; give a file name", field=flag)
        if not out.is_file():
            raise InputError(f"'{out}' is not a regular file (a device or a pipe)", field=flag)
    _probe_folder(_nearest_existing(Path(os.path.abspath(out)).parent), out, flag)
    return out


@contextmanager
def output_set(out: Path) -> Iterator[Path]:
    """Stage a set of result files in a temporary folder beside ``out``; move them in at the end.

    Yields the staging folder; write every file of the set there. When the block ends without
    an exception the files (mode 0644) take their places in ``out`` (the staging folder is
    renamed to ``out`` when ``out`` does not exist yet); when it raises, the staging folder is
    removed and ``out`` is left as it was: a failure never leaves part of a set behind.
    """
    out = Path(os.path.abspath(out))
    home = _nearest_existing(out.parent)
    stage = Path(tempfile.mkdtemp(dir=home, prefix=f".{out.name}.", suffix=".partial"))
    try:
        yield stage
        files = sorted(p for p in stage.rglob("*") if p.is_file())
        for f in files:
            os.chmod(f, 0o644)
        if out.exists():
            for f in files:
                target = out / f.relative_to(stage)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(f, target)
            shutil.rmtree(stage, ignore_errors=True)
        else:
            os.chmod(stage, 0o755)
            out.parent.mkdir(parents=True, exist_ok=True)
            os.rename(stage, out)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise


def _silence_stdout() -> None:
    """Point stdout at the null device so that the exit's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # not a real file (captured in tests)
        pass


def environment_error_exit(exc: BaseException) -> NoReturn:
    """One line on stderr and exit 2 for what the machine refused: a full disk, a closed pipe,
    a write the system forbids, memory exhausted, a structure nested too deep."""
    if isinstance(exc, MemoryError):
        message = "out of memory; use fewer paths or a shorter horizon (see docs/reliability.md)"
    elif isinstance(exc, RecursionError):
        message = "the input is nested too deeply to read"
    elif isinstance(exc, BrokenPipeError):
        _silence_stdout()
        sys.exit(2)  # the reader went away (`| head`): nothing to tell anyone
    else:
        filename = getattr(exc, "filename", None)
        where = f" '{filename}'" if filename else ""
        reason = exc.strerror or str(exc) or type(exc).__name__  # type: ignore[attr-defined]
        message = f"cannot write or read{where}: {reason}"
        if getattr(exc, "errno", None) in (errno.ENOSPC, errno.EPIPE, errno.EBADF):
            _silence_stdout()
    try:
        sys.stderr.write(f"error: {message}\n")
        sys.stderr.flush()
    except OSError:
        pass
    sys.exit(2)
