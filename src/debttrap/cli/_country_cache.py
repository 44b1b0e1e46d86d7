"""The country ``debttrap dsa ISO3`` builds, kept between runs in the user's cache folder.

Building a country from the bundled data (:func:`debttrap.opendata.build_country`)
reads a dozen tables through pandas and takes about a second; the LIC-DSF itself
takes milliseconds. So ``debttrap dsa ISO3`` keeps the built country as a country
file (the same JSON ``debttrap country ISO3 --out FILE.json`` writes, read back by
the same reader, so the numbers are identical) and reads it on later runs.

Where: ``$DEBTTRAP_CACHE_DIR``, else ``$XDG_CACHE_HOME/debttrap``, else
``~/.cache/debttrap``; ``DEBTTRAP_NO_CACHE=1`` switches the cache off. Each file
sits in a folder named by a fingerprint of the installed package (version, and the
size and modification time of every module and data file, as Python's own bytecode
cache checks its sources), so an upgrade, an edited module or new data never
reuses an old build; folders of other fingerprints are removed when a new one is
written. A cache that cannot be read is rebuilt; one that cannot be written is
skipped silently: the cache only ever saves time.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from pathlib import Path

from debttrap.country.model import Country
from debttrap.dsa.stress import StressSettings

__all__ = ["cache_folder", "country_for_dsa", "is_iso3", "package_fingerprint"]

_ISO3 = re.compile(r"^[A-Za-z]{3}$")
_PACKAGE = Path(__file__).resolve().parents[1]


def is_iso3(text: str) -> bool:
    """True for a three-letter code that is not an existing file (``ZMB``, ``ken``)."""
    return bool(_ISO3.match(text)) and not Path(text).exists()


def package_fingerprint() -> str:
    """Version plus (path, size, mtime) of every file of the installed package, hashed."""
    from debttrap import __version__

    h = hashlib.sha256(__version__.encode())
    for root, dirs, files in os.walk(_PACKAGE):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith((".pyc", ".tmp")):
                continue
            st = os.stat(os.path.join(root, name))
            rel = os.path.relpath(os.path.join(root, name), _PACKAGE)
            h.update(f"{rel}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:20]


def cache_folder() -> Path | None:
    """The folder for built countries, or None when the cache is switched off."""
    if os.environ.get("DEBTTRAP_NO_CACHE", "").strip() not in ("", "0"):
        return None
    base = os.environ.get("DEBTTRAP_CACHE_DIR", "").strip()
    if base:
        return Path(base).expanduser() / "countries"
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    root = Path(xdg) if xdg else Path.home() / ".cache"
    return root / "debttrap" / "countries"


def _read(path: Path) -> tuple[Country, StressSettings] | None:
    from debttrap.errors import DebtTrapError
    from debttrap.io.country_file import load_dsa_inputs

    try:
        return load_dsa_inputs(path)
    except (DebtTrapError, OSError, ValueError):
        return None  # unreadable or not ours: build again and overwrite


def _write(folder: Path, path: Path, text: str) -> None:
    from debttrap.cli._common import write_text_atomic

    try:
        if folder.parent.is_dir():
            for old in folder.parent.iterdir():
                if old.is_dir() and old != folder:
                    shutil.rmtree(old, ignore_errors=True)
        write_text_atomic(path, text)
    except OSError:
        pass  # a read-only or full disk: the next run builds again


def country_for_dsa(iso3: str, first_year: int) -> tuple[Country, StressSettings]:
    """The country of ``iso3`` built from the bundled data (from the cache when it holds it)."""
    code = iso3.strip().upper()
    base = cache_folder()
    folder = path = None
    if base is not None:
        folder = base / package_fingerprint()
        path = folder / f"{code}-{int(first_year)}.json"
        if path.is_file():
            hit = _read(path)
            if hit is not None:
                return hit
    from debttrap._numeric import jsonable
    from debttrap.cli.country import country_document, resolve_dsa_inputs

    country, settings, built = resolve_dsa_inputs(code, first_year)
    if folder is not None and path is not None:
        doc = jsonable(country_document(built))
        _write(folder, path, json.dumps(doc, ensure_ascii=False) + "\n")
    return country, settings

