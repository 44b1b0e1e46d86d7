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
    "FIELD_LABELS",
    "HEADLINE_EFFECT",
    "IDS",
    "PWT",
    "WDI",
    "WDIX",
    "WEO",
    "BuiltCountry",
    "Provenance",
    "distress_evidence",
    "notes_text",
    "source_kind",
]

WEO = "imf-weo-2024oct"
IDS = "wb-ids-ppg-debt-stocks-by-creditor"
WDI = "wb-wdi-lic-macro"
WDIX = "wb-wdi-external"
PWT = "pwt-9.1"
DSSI = "wb-dssi-debt-service-by-creditor-2020"


#: Every field a build records, in words (the text output never shows a dotted name).
FIELD_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "macro.nominal_gdp_usd_m": "GDP in US dollars",
        "macro.nominal_gdp_lcu_m": "GDP in local currency",
        "macro.real_gdp_growth_pct": "real GDP growth",
        "macro.exchange_rate_avg_lcu_per_usd": "exchange rate, period average",
        "macro.exchange_rate_eop_lcu_per_usd": "exchange rate, end of period",
        "macro.imports_usd_m": "imports of goods and services",
        "macro.net_current_transfers_usd_m": "net current transfers",
        "macro.net_fdi_usd_m": "net foreign direct investment",
        "macro.exports_usd_m": "exports of goods and services",
        "macro.current_account_usd_m": "current-account balance",
        "macro.government_revenue_incl_grants_lcu_m": "government revenue including grants",
        "macro.government_primary_expenditure_lcu_m": "government primary expenditure",
        "macro.primary_balance_history_pct_gdp": "primary balance, history",
        "macro.government_grants_lcu_m": "grants (revenue excluding grants = revenue - grants)",
        "external_debt.imf_credit_usd_m": "IMF credit",
        "external_debt.short_term_all_borrowers_usd_m": "short-term external debt, all borrowers",
        "external_debt.arrears_usd_m": "external arrears stock",
        "external_debt.ppg_mlt_outstanding_usd_m": "PPG external debt at end t-1",
        "external_debt.existing_lines": "existing debt by creditor and its service",
        "external_debt.in_arrears_or_restructuring": "arrears or restructuring on record",
        "new_external_financing": "new external borrowing",
        "domestic_debt.stock_lcu_m": "domestic public debt",
        "market_access": "market access",
        "tailored.commodity_exports_share_history_pct": "commodity share of exports",
        "tailored.commodity_price_shock_pct": "commodity price fall (C3)",
        "capacity.cpia": "CPIA score",
        "capacity.real_growth_pct": "capacity: real growth average",
        "capacity.remittances_pct_gdp": "capacity: remittances average",
        "capacity.reserves_pct_imports": "capacity: reserve cover average",
        "capacity.world_growth_pct": "capacity: world growth average",
        "capacity.prior_classification": "capacity class in force",
        "currency_composition": "currency composition of PPG debt",
    }
)

#: What an assumed value of a field moves: the headline indicators or the stress tests.
HEADLINE_EFFECT: Mapping[str, str] = MappingProxyType(
    {
        "macro.exports_usd_m": "PV of debt/exports and debt service/exports",
        "macro.government_grants_lcu_m": "debt service/revenue",
        "domestic_debt.stock_lcu_m": "PV of public debt/GDP",
        "macro.exchange_rate_eop_lcu_per_usd": "PV of public debt/GDP (external debt in LCU)",
        "external_debt.arrears_usd_m": "PV of external and public debt/GDP",
        "external_debt.imf_credit_usd_m": "every external indicator",
        "macro.net_fdi_usd_m": "the B4 stress test (not the baseline)",
        "macro.net_current_transfers_usd_m": "the B4 stress test (not the baseline)",
        "tailored.commodity_price_shock_pct": "the C3 stress test (not the baseline)",
        "macro.nominal_gdp_usd_m": "every ratio to GDP",
        "macro.real_gdp_growth_pct": "every indicator's projected path",
        "macro.government_revenue_incl_grants_lcu_m": "debt service/revenue",
        "macro.government_primary_expenditure_lcu_m": "PV of public debt/GDP",
        "capacity.cpia": "the thresholds (debt-carrying capacity)",
    }
)

_PUBLISHED = frozenset(
    {
        "macro.nominal_gdp_usd_m",
        "macro.nominal_gdp_lcu_m",
        "macro.real_gdp_growth_pct",
        "macro.current_account_usd_m",
        "macro.government_revenue_incl_grants_lcu_m",
        "macro.primary_balance_history_pct_gdp",
        "capacity.cpia",
        "capacity.prior_classification",
        "external_debt.in_arrears_or_restructuring",
    }
)
_ASSUMED_STARTS = ("ESTIMATED", "none available", "not derivable", "assumed", "no arrears stock")


def source_kind(key: str, text: str) -> str:
    """``published``, ``derived`` or ``assumed`` for field ``key`` with source ``text``.

    Assumed: no data behind the value (a placeholder, an estimate where nothing is
    published, a default). Published: the series as its publisher gives it (unit
    changes, the WEO's own projections and an OD1 extension beyond them aside).
    Derived: computed from published series (the text says from which).
    """
    if text.startswith(_ASSUMED_STARTS) or "placeholder" in text:
        return "assumed"
    if key in _PUBLISHED or "published)" in text or "(published" in text:
        return "published"
    if key == "macro.imports_usd_m" and text.startswith(WDI):
        return "published"
    if "(OD10)" in text:
        return "published"  # the average printed in the latest published DSA
    return "derived"


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

    def source_kinds(self) -> dict[str, str]:
        """Each recorded field: ``published``, ``derived`` or ``assumed`` (:func:`source_kind`)."""
        return {k: source_kind(k, v) for k, v in self.sources.items()}

    def assumed_headline_fields(self) -> list[tuple[str, str, str]]:
        """Assumed fields that move an indicator: (label, what it moves, source text)."""
        kinds = self.source_kinds()
        return [
            (FIELD_LABELS.get(k, k), HEADLINE_EFFECT[k], v)
            for k, v in self.sources.items()
            if kinds[k] == "assumed" and k in HEADLINE_EFFECT
        ]

    def to_frame(self) -> pd.DataFrame:
        """The assembled annual series by ``year`` (US$ m, LCU m, percent as named)."""
        return self.frame.copy()

    def notes_text(self) -> str:
        """Sources and assumptions as plain text (what the country file's ``notes`` holds)."""
        return notes_text(
            self.iso3, self.country.t, self.sources, self.assumptions, self.distress_evidence
        )
