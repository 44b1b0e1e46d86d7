"""``debttrap dsa ISO3`` keeps the built country in a cache folder and reads it back.

The cached run must print exactly what a fresh build prints (same country file reader,
floats written exactly); a cache from another package state, a damaged cache file or a
folder that cannot be written must never change the answer.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from debttrap.cli import _country_cache as cache

if TYPE_CHECKING:
    from conftest import RunCli


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.json"))


def test_second_run_reads_the_cache_and_prints_the_same(
    tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEBTTRAP_CACHE_DIR", str(tmp_path))
    code, first, _ = run_cli(["dsa", "MWI", "--json"])
    assert code == 0
    (written,) = _files(tmp_path)
    assert written.name == "MWI-2024.json"
    assert written.parent.name == cache.package_fingerprint()

    def no_build(*args: object, **kwargs: object) -> object:
        raise AssertionError("the second run must not build the country again")

    monkeypatch.setattr("debttrap.cli.country.resolve_dsa_inputs", no_build)
    code, second, _ = run_cli(["dsa", "mwi", "--json"])
    assert code == 0
    assert second == first  # byte for byte

    monkeypatch.undo()
    monkeypatch.setenv("DEBTTRAP_NO_CACHE", "1")
    code, uncached, _ = run_cli(["dsa", "MWI", "--json"])
    assert code == 0
    assert uncached == first


def test_damaged_cache_file_is_rebuilt(
    tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEBTTRAP_NO_CACHE", "1")
    code, fresh, _ = run_cli(["dsa", "MWI", "--json"])
    assert code == 0
    monkeypatch.delenv("DEBTTRAP_NO_CACHE")
    monkeypatch.setenv("DEBTTRAP_CACHE_DIR", str(tmp_path))
    path = tmp_path / "countries" / cache.package_fingerprint() / "MWI-2024.json"
    path.parent.mkdir(parents=True)
    path.write_text('{"name": "not a country"')
    stale = tmp_path / "countries" / "0123456789abcdef0123"
    stale.mkdir()
    (stale / "MWI-2024.json").write_text("{}")
    code, out, _ = run_cli(["dsa", "MWI", "--json"])
    assert code == 0
    assert out == fresh
    assert json.loads(path.read_text())["name"].startswith("Malawi")
    assert not stale.exists()  # another package state's folder is cleared


def test_unwritable_cache_folder_is_skipped(
    tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("DEBTTRAP_CACHE_DIR", str(blocker))
    code, out, err = run_cli(["dsa", "MWI", "--json"])
    assert code == 0 and err == ""
    assert json.loads(out)["country"].startswith("Malawi")


def test_fingerprint_follows_every_package_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "data").mkdir()
    table = tmp_path / "data" / "table.parquet"
    table.write_bytes(b"one")
    monkeypatch.setattr(cache, "_PACKAGE", tmp_path)
    before = cache.package_fingerprint()
    assert cache.package_fingerprint() == before
    table.write_bytes(b"three")  # new data
    assert cache.package_fingerprint() != before


def test_cache_folder_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DEBTTRAP_CACHE_DIR", raising=False)
    monkeypatch.delenv("DEBTTRAP_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", "/somewhere")
    assert cache.cache_folder() == Path("/somewhere/debttrap/countries")
    monkeypatch.setenv("DEBTTRAP_NO_CACHE", "1")
    assert cache.cache_folder() is None
