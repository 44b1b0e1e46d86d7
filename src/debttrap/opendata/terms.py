"""Creditor-group terms of the open-data builder: typical lending terms, contract types, labels.

The numbers live in ``debttrap/data/lending-terms/lending_terms.toml`` (with
its ``PROVENANCE.md``); :func:`lending_terms` reads and checks them once.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from debttrap import data_tables as dt
from debttrap.conventions import CREDITOR_GROUPS
from debttrap.errors import DataError
from debttrap.terms.loan import CreditorType

__all__ = ["GROUP_LABEL", "GROUP_TYPE", "LendingTerms", "lending_terms"]

_DATASET = "lending-terms"
_FILE = "lending_terms.toml"


@dataclass(frozen=True, slots=True)
class LendingTerms:
    """Typical terms of one creditor group (percent; whole years, unit-loan convention)."""

    rate_pct: float
    grace_years: int
    maturity_years: int
    source: str


@functools.cache
def lending_terms() -> Mapping[str, LendingTerms]:
    """Terms of new (and the interest rate of existing) borrowing by creditor group.

    Raises :class:`DataError` naming the file and field when the bundled table
    lacks a group or a field, or a grace period is not shorter than the maturity.
    """
    table = dt.read_table(_DATASET, _FILE)
    where = {"dataset": _DATASET, "filename": _FILE}
    out: dict[str, LendingTerms] = {}
    for group in CREDITOR_GROUPS:
        row = dt.section(table, group, **where)
        terms = LendingTerms(
            rate_pct=dt.number(row, f"{group}.rate_pct", **where),
            grace_years=dt.whole(row, f"{group}.grace_years", **where),
            maturity_years=dt.whole(row, f"{group}.maturity_years", **where),
            source=dt.text(row, f"{group}.source", **where),
        )
        if not 0 <= terms.grace_years < terms.maturity_years:
            raise DataError(
                f"{_DATASET}/{_FILE}, field '{group}.grace_years': the grace period must be "
                "shorter than the maturity"
            )
        out[group] = terms
    unknown = sorted(set(table) - set(CREDITOR_GROUPS))
    if unknown:
        raise DataError(f"{_DATASET}/{_FILE}, field '{unknown[0]}': not a creditor group")
    return MappingProxyType(out)


#: The contract type a group's lines carry in the country file.
GROUP_TYPE: Mapping[str, CreditorType] = MappingProxyType(
    {
        "china": CreditorType.BILATERAL_OTHER,
        "multilateral": CreditorType.MULTILATERAL,
        "paris_club": CreditorType.BILATERAL_PARIS_CLUB,
        "other_bilateral": CreditorType.BILATERAL_OTHER,
        "bondholders": CreditorType.BONDHOLDERS,
        "commercial_banks": CreditorType.COMMERCIAL_BANK,
        "other_private": CreditorType.SUPPLIER,
    }
)

#: The words a group's lines are named with ("<label> (existing)", "<label> (new)").
GROUP_LABEL: Mapping[str, str] = MappingProxyType(
    {
        "china": "China (all PPG claims)",
        "multilateral": "Multilateral creditors",
        "paris_club": "Paris Club bilateral",
        "other_bilateral": "Other bilateral",
        "bondholders": "Bondholders",
        "commercial_banks": "Commercial banks",
        "other_private": "Other private creditors",
    }
)
