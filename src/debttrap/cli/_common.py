"""Helpers shared by the subcommands: JSON output, atomic writes, ``--out`` checks, output sets."""

from __future__ import annotations

import errno
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

from rich.console import Console

from debttrap._numeric import jsonable
from debttrap.errors import InputError

__all__ = [
    "check_out_file",
    "check_out_folder",
    "console",
    "environment_error_exit",
    "err_console",
    "jsonable",
    "output_set",
    "print_json",
    "write_bytes_atomic",
    "write_text_atomic",
]

console = Console()
err_console = Console(stderr=True)


def print_json(obj: Any) -> None:
    """Print JSON to stdout (plain, no colour codes), stable key order as given."""
    sys.stdout.write(json.dumps(jsonable(obj), indent=2) + "\n")


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


def check_out_file(out: Path, suffixes: tuple[str, ...], *, flag: str = "--out") -> Path:
    """Refuse, before any work, an output file that cannot be written (as :func:`check_out_folder`).

    ``suffixes`` are the endings accepted (``(".csv", ".parquet")``).
    """
    if not str(out).strip():
        raise InputError("is empty; give a file name", field=flag)
    _refuse_system_location(out, flag)
    suffix = out.suffix.lower()
    if suffix not in suffixes:
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
