"""The lending-terms table: published terms, every group present, bad files named precisely."""

from __future__ import annotations

import re

import pytest

from debttrap import data_tables as dt
from debttrap.conventions import CREDITOR_GROUPS
from debttrap.errors import DataError
from debttrap.opendata import lending_terms

W = {"dataset": "lending-terms", "filename": "lending_terms.toml"}


def test_every_creditor_group_has_terms() -> None:
    terms = lending_terms()
    assert tuple(terms) == CREDITOR_GROUPS
    for t in terms.values():
        assert 0 <= t.grace_years < t.maturity_years and t.rate_pct >= 0 and t.source


def test_published_reference_terms() -> None:
    terms = lending_terms()
    # IDA regular credit, IDA20 (World Bank, July 2024): 0.75%, 38 years, 6 years grace
    ida = terms["multilateral"]
    assert (ida.rate_pct, ida.grace_years, ida.maturity_years) == (0.75, 6, 38)
    # Hubbard, CGD WP 126 (2007): China Eximbank concessional loans, mean rate 2.85%
    assert terms["china"].rate_pct == 2.85
    # a generic 10-year bullet Eurobond: grace one year short of maturity
    bond = terms["bondholders"]
    assert bond.maturity_years - bond.grace_years == 1


@pytest.mark.parametrize(
    ("row", "reader", "message"),
    [
        ({}, dt.number, "field 'china.rate_pct': a finite number is required"),
        ({"rate_pct": "2"}, dt.number, "field 'china.rate_pct': a finite number is required"),
        ({"rate_pct": float("nan")}, dt.number, "a finite number is required"),
        ({"rate_pct": True}, dt.number, "a finite number is required"),
        ({"rate_pct": 2.5}, dt.whole, "field 'china.rate_pct': a whole number >= 0"),
        ({"rate_pct": -1}, dt.whole, "a whole number >= 0"),
        ({"rate_pct": ""}, dt.text, "a non-empty text is required"),
    ],
)
def test_field_readers_name_file_and_field(row: dict[str, object], reader, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DataError, match=re.escape("lending-terms/lending_terms.toml")) as err:
        reader(row, "china.rate_pct", **W)
    assert message in str(err.value)


def test_field_readers_return_typed_values() -> None:
    row = {"rate_pct": 2, "grace_years": 5, "source": "x"}
    assert dt.number(row, "g.rate_pct", **W) == 2.0
    assert isinstance(dt.number(row, "g.rate_pct", **W), float)
    assert dt.whole(row, "g.grace_years", **W) == 5
    assert dt.text(row, "g.source", **W) == "x"
    with pytest.raises(DataError, match=re.escape("field 'g.rate_pct': a table is required")):
        dt.section(row, "g.rate_pct", **W)


def test_missing_table_file_is_a_data_error() -> None:
    with pytest.raises(DataError, match=re.escape("lending-terms/absent.toml is missing")):
        dt.read_table("lending-terms", "absent.toml")


def test_a_malformed_group_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    from debttrap.opendata import terms as mod

    table = {g: dict(v) for g, v in dt.read_table(**{"dataset": W["dataset"],
                                                     "filename": W["filename"]}).items()}
    table["paris_club"]["grace_years"] = 40
    monkeypatch.setattr(mod.dt, "read_table", lambda *_: table)
    mod.lending_terms.cache_clear()
    try:
        grace = re.escape("'paris_club.grace_years': the grace period")
        with pytest.raises(DataError, match=grace):
            mod.lending_terms()
        del table["paris_club"]
        mod.lending_terms.cache_clear()
        with pytest.raises(DataError, match="field 'paris_club': a table is required"):
            mod.lending_terms()
    finally:
        mod.lending_terms.cache_clear()
