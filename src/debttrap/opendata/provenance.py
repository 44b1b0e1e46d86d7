"""Where every value of a built country comes from: sources, assumptions, evidence.

A :class:`Provenance` collects, while a country is built, each filled field's
source (dataset, series, years) and every assumption that fills a gap. The
assumptions are labelled ``OD1`` … ``OD15`` (open data), distinct from the
LIC-DSF's alternative scenarios A1/A2. :class:`BuiltCountry` is the result.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import pandas as pd

from debttrap import datasets as ds
from debttrap.country.creditors import CreditorView
from debttrap.country.model import Country

__all__ = [
    "DSSI",
    "IDS",
    "PWT",
    "WDI",
    "WDIX",
    "WEO",
    "BuiltCountry",
    "Provenance",
    "distress_evidence",
    "notes_text",
]

WEO = "imf-weo-2024oct"
IDS = "wb-ids-ppg-debt-stocks-by-creditor"
WDI = "wb-wdi-lic-macro"
WDIX = "wb-wdi-external"
PWT = "pwt-9.1"
DSSI = "wb-dssi-debt-service-by-creditor-2020"


class Provenance:
    """Sources (field → text, in the order recorded) and assumptions of one build.

    Local to one :func:`~debttrap.opendata.build_country` call; the result
    holds read-only copies (:meth:`frozen_sources`, :meth:`sorted_assumptions`).
    """

    def __init__(self) -> None:
        self.sources: dict[str, str] = {}
        self.assumptions: list[str] = []

    def source(self, key: str, text: str) -> None:
        """Record where field ``key`` (dotted path) comes from."""
        self.sources[key] = text

    def assume(self, text: str) -> None:
        """Record an assumption; its text starts with its label (``OD7 …``)."""
        self.assumptions.append(text)

    def frozen_sources(self) -> Mapping[str, str]:
        """A read-only copy of the sources."""
        return MappingProxyType(dict(self.sources))

    def sorted_assumptions(self) -> tuple[str, ...]:
        """The assumptions ordered by label number, then suffix (stable otherwise)."""
        return tuple(sorted(self.assumptions, key=_assumption_key))


def _assumption_key(text: str) -> tuple[int, str]:
    """Order "OD3 …", "OD3b …", "OD10 …" by number, then suffix."""
    m = re.match(r"OD(\d+)(\w?)", text)
    return (int(m.group(1)), m.group(2)) if m else (10**6, text)


def distress_evidence(code: str, t: int) -> tuple[Mapping[str, str], ...]:
    """The recorded arrears/restructuring episodes of ``code`` that count for year ``t``."""
    keys = ("event_type", "creditors", "start", "end", "description", "source", "source_url")
    events = ds.distress_events(code, year=t)
    return tuple(
        MappingProxyType({k: str(r[k]) for k in keys}) for _, r in events.iterrows()
    )


def notes_text(
    iso3: str,
    t: int,
    sources: Mapping[str, str],
    assumptions: tuple[str, ...] | list[str],
    evidence: tuple[Mapping[str, str], ...],
) -> str:
    """Sources, assumptions and evidence as plain text (a country file's ``notes``)."""
    lines = [
        f"Built by debttrap from bundled open data for {iso3} (first projection year {t}).",
        "Sources:",
        *(f"  {k}: {v}" for k, v in sources.items()),
        "Assumptions:",
        *(f"  {a}" for a in assumptions),
    ]
    if evidence:
        lines.append("Arrears/restructuring evidence (debt-distress-events):")
        lines += [
            f"  {e['start']} to {e['end'] or 'open'} {e['event_type']}: {e['source']}"
            for e in evidence
        ]
    return "\n".join(lines)


@dataclass(frozen=True, slots=True, eq=False)
class BuiltCountry:
    """A country assembled from the bundled data, with its provenance.

    ``country`` is the validated LIC-DSF input; ``sources`` maps each filled
    field (dotted path) to its dataset, series and years; ``assumptions`` lists
    every rule that fills a gap (labelled OD1 …); ``distress_evidence`` holds
    the recorded arrears/restructuring episodes that count for year ``t``;
    ``frame`` holds the assembled annual series (``to_frame``).
    """

    iso3: str
    country: Country
    sources: Mapping[str, str]
    assumptions: tuple[str, ...]
    distress_evidence: tuple[Mapping[str, str], ...]
    currency_shares_pct: Mapping[str, float]
    currency_year: int | None
    capacity_detail: Mapping[str, Any]
    creditors: CreditorView
    frame: pd.DataFrame = field(repr=False)

    def _repr_html_(self) -> str:
        """A compact notebook view: the country and how many values are sourced or assumed."""
        from debttrap._display import country_html_summary

        return (country_html_summary(self.country)
                + f"<div>{len(self.sources)} sourced fields, {len(self.assumptions)} "
                "assumptions (<code>sources</code>, <code>assumptions</code>)</div>")

    def to_frame(self) -> pd.DataFrame:
        """The assembled annual series by ``year`` (US$ m, LCU m, percent as named)."""
        return self.frame.copy()

    def notes_text(self) -> str:
        """Sources and assumptions as plain text (what the country file's ``notes`` holds)."""
        return notes_text(
            self.iso3, self.country.t, self.sources, self.assumptions, self.distress_evidence
        )
