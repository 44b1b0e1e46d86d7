"""The assessment's results: the debt outlooks, each offer's figures, the whole comparison.

Every result is immutable, has a year index where it runs over years (``to_frame``) and a
JSON form (``to_dict``); the side-by-side tables live in :mod:`debttrap.assess.summary`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from debttrap._numeric import finite_or_none as _f
from debttrap.assess.creditors import _existing_debt_frame
from debttrap.assess.dependence import AssumptionEffect
from debttrap.assess.labels import _by_year
from debttrap.assess.outlook import DebtOutlook as DebtOutlook
from debttrap.assess.outlook import StochasticOutlook as StochasticOutlook
from debttrap.assess.summary import SUMMARY_NOTES, _summary_column, _summary_numbers
from debttrap.country.model import Country
from debttrap.errors import InputError
from debttrap.leverage.clauses import ClauseProfile
from debttrap.leverage.evidence import ClauseEvidence
from debttrap.leverage.exposure import Exposure
from debttrap.leverage.flows import OfferFlows
from debttrap.leverage.project import ProjectEconomics
from debttrap.leverage.verdict import IndicatorChange, Verdict
from debttrap.terms.loan import Loan
from debttrap.terms.offer import Offer

# ----------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class LoanAssessment:
    """One loan of an offer: its terms in brief and its grant element by both methods."""

    index: int
    name: str
    creditor: str
    currency: str
    amount_m: float
    amount_usd_m: float
    signing_year: int
    terms: str
    ppg: bool
    serviced_by_project: bool
    grant_element_imf_pct: float
    grant_element_oecd_dac_pct: float
    concessional_imf: bool
    pv_debt_service_usd_m: float
    pv_disbursed_usd_m: float

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass(frozen=True, slots=True, eq=False)
class OfferAssessment:
    """Everything computed for one offer (see :func:`assess`)."""

    offer: Offer
    index: int
    loans: tuple[LoanAssessment, ...]
    grant_element_pct: float
    grant_element_oecd_dac_pct: float
    pv_debt_service_usd_m: float
    grant_equivalent_usd_m: float
    flows: OfferFlows
    outlook: DebtOutlook
    economics: ProjectEconomics | None
    exposure: Exposure
    clauses: ClauseProfile
    verdict: Verdict
    stochastic: StochasticOutlook | None
    overrun_loan: Loan | None
    notes: tuple[str, ...] = ()
    without_offer: DebtOutlook | None = None
    """The country with the project's expected overrun on the budget but without the
    offer's loans: what the offer's own effect is measured against (None: the reference)."""
    indicator_changes: tuple[IndicatorChange, ...] = ()
    stochastic_without: StochasticOutlook | None = None
    clause_evidence: tuple[ClauseEvidence, ...] = ()
    exposure_with_typical: Exposure | None = None
    depends_on: tuple[AssumptionEffect, ...] = ()
    """The assumptions the verdict rests on, each with the verdict without it."""
    """The exposure with every typical clause present (None: the offer has none);
    :attr:`exposure` is on the contract text and standard terms alone."""
    """Every clause of every loan with its evidence: in the contract, in the creditor
    type's standard terms, or typical for the lender type (with its frequency)."""

    @property
    def name(self) -> str:
        return self.offer.name

    def attribution(self) -> dict[str, Any]:
        """What the offer's own loans change: the numbers the marginal rules read."""
        wo = self.without_offer
        sw = self.stochastic_without
        return {
            "compared_with": (
                "the country with the project's expected overrun on the budget, without the "
                "offer's loans" if self.overrun_loan is not None
                else "the country without any new offer"
            ),
            "rating_without_offer": None if wo is None else wo.rating_external,
            "rating_after": self.rating_after,
            "indicator_changes": [c.to_dict() for c in self.indicator_changes],
            "prob_distress_without_pct": None if sw is None else _f(sw.prob_distress_pct),
            "prob_distress_with_pct": None if self.stochastic is None
            else _f(self.stochastic.prob_distress_pct),
            "prob_external_breach_without_pct": None if sw is None
            else _f(sw.prob_external_breach_flag_pct),
            "prob_external_breach_with_pct": None if self.stochastic is None
            else _f(self.stochastic.prob_external_breach_flag_pct),
        }

    @property
    def rating_after(self) -> str:
        return self.outlook.rating_external

    def headline(self) -> dict[str, Any]:
        """The verdict and the numbers behind it, for a one-line summary."""
        return {
            "name": self.name,
            "lender": self.offer.lender.name,
            "trap_risk": self.verdict.trap_risk.value,
            "grant_element_pct": self.grant_element_pct,
            "rating_after": self.rating_after,
            "reasons": [c.detail for c in self.verdict.reasons],
        }

    def to_frame(self) -> pd.DataFrame:
        """By year: the offer's flows (US$ m), its debt indicators and leverage figures."""
        f = self.flows.to_frame()
        o = self.outlook.to_frame()
        e = self.exposure.to_frame()
        return pd.concat([f, o, e.add_prefix("exposure_")], axis=1).sort_index()

    def to_dict(self) -> dict[str, Any]:
        econ = self.economics
        ex = self.exposure
        flows = self.flows.to_frame()
        econ_frame = None if econ is None else econ.to_frame()  # each frame built once
        ex_frame = ex.to_frame()
        return {
            "name": self.name,
            "lender": self.offer.lender.name,
            "lender_group": self.offer.group,
            "loans_usd_m": self.offer.loans_usd_m,
            "grants_usd_m": self.offer.grants_usd_m,
            "grant_element_pct": self.grant_element_pct,
            "grant_element_oecd_dac_pct": self.grant_element_oecd_dac_pct,
            "pv_debt_service_usd_m": self.pv_debt_service_usd_m,
            "grant_equivalent_usd_m": self.grant_equivalent_usd_m,
            "loans": [ln.to_dict() for ln in self.loans],
            "rating_after": self.rating_after,
            "rating_overall_after": self.outlook.rating_overall,
            "verdict": self.verdict.to_dict(),
            "clause_evidence": [e.to_dict() for e in self.clause_evidence],
            "verdict_depends_on": [x.to_dict() for x in self.depends_on],
            "leverage_with_typical_clauses": None if self.exposure_with_typical is None else {
                k: (_f(v) if isinstance(v, float) else v)
                for k, v in self.exposure_with_typical.summary().to_dict().items()},
            "attribution": self.attribution(),
            "debt": self.outlook.to_dict(),
            "stochastic": None if self.stochastic is None else self.stochastic.to_dict(),
            "project": None if econ is None else {
                k: (_f(v) if isinstance(v, float) else v) for k, v in econ.summary().items()
            },
            "project_by_year": None if econ is None or econ_frame is None else {
                col: _by_year(econ.years, econ_frame[col].to_numpy(dtype=np.float64))
                for col in ("debt_service_usd_m", "dscr_p10", "dscr_p50", "dscr_p90",
                            "prob_dscr_ge_1_pct", "forecast_revenue_usd_m")
            },
            "overrun_loan": None if self.overrun_loan is None else
            self.overrun_loan.model_dump(mode="json"),
            "leverage": {
                **{k: (_f(v) if isinstance(v, float) else v)
                   for k, v in ex.summary().to_dict().items()},
                "by_year": {
                    col: _by_year(ex.years, ex_frame[col].to_numpy(dtype=np.float64))
                    for col in ("lender_debt_share_before_pct", "lender_debt_share_after_pct",
                                "lender_service_share_before_pct",
                                "lender_service_share_after_pct", "pledged_pct_of_revenue",
                                "acceleration_with_cross_default_usd_m",
                                "acceleration_pct_of_reserves", "offer_ppg_debt_usd_m",
                                "offer_ppg_service_usd_m", "added_debt_usd_m",
                                "offer_contingent_debt_usd_m")
                },
            },
            "clauses": _clause_rows(self.clauses),
            "flows_usd_m": {
                col: _by_year(
                    flows.index.to_numpy(dtype=np.int64), flows[col].to_numpy(dtype=np.float64)
                )
                for col in flows.columns
            },
            "conditions": [
                {"text": c.text, "source": c.source} for c in self.offer.conditions
            ],
            "notes": list(self.notes),
        }


def _clause_rows(profile: ClauseProfile) -> list[dict[str, Any]]:
    rows = []
    for key, r in profile.to_frame().iterrows():
        row: dict[str, Any] = {"clause": str(key)}
        for col, v in r.items():
            row[str(col)] = _f(v) if isinstance(v, (float, np.floating)) else (
                int(v) if isinstance(v, (np.integer,)) else v
            )
        rows.append(row)
    return rows


@dataclass(frozen=True, slots=True)
class DebtLayerResult:
    """The verdicts with one more labelled layer of existing debt (cumulative)."""

    name: str
    source: str
    added_stock_usd_m: float
    existing_stock_usd_m: float
    rating_before: str
    verdicts: Mapping[str, str]  # offer -> trap risk
    ratings_after: Mapping[str, str]  # offer -> rating with the offer
    reasons: Mapping[str, tuple[str, ...]]  # offer -> rules that fired
    reference_peak_pct: Mapping[str, float | None]  # indicator -> baseline peak, no offer

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "source": self.source,
            "added_stock_usd_m": self.added_stock_usd_m,
            "existing_stock_usd_m": self.existing_stock_usd_m,
            "rating_before": self.rating_before,
            "reference_peak_pct": {k: _f(v) if v is not None else None
                                   for k, v in self.reference_peak_pct.items()},
            "offers": [
                {"name": k, "trap_risk": v, "rating_after": self.ratings_after[k],
                 "reasons": list(self.reasons[k])}
                for k, v in self.verdicts.items()
            ],
        }


@dataclass(frozen=True, slots=True, eq=False)
class Assessment:
    """The country without any offer and with each offer, side by side."""

    scenario_name: str
    description: str
    country: Country
    reference: DebtOutlook
    reference_stochastic: StochasticOutlook | None
    offers: tuple[OfferAssessment, ...]
    creditor_debt_usd_m: pd.DataFrame = field(repr=False)
    creditor_service_usd_m: pd.DataFrame = field(repr=False)
    settings: Mapping[str, Any] = field(default_factory=dict)
    inputs: Mapping[str, Any] = field(default_factory=dict, repr=False)
    sources: Mapping[str, str] = field(default_factory=dict, repr=False)
    assumptions: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    service_unknown: tuple[str, ...] = ()
    """Creditor columns whose existing debt has no service schedule (service unknown)."""
    debt_layers: tuple[DebtLayerResult, ...] = ()
    """The verdicts with each labelled alternative layer of existing debt (cumulative,
    deterministic runs), beside the default (``offers``)."""

    def offer(self, name: str) -> OfferAssessment:
        for o in self.offers:
            if o.name == name:
                return o
        raise InputError(f"no offer named '{name}'", field="offer")

    def summary_frame(self) -> pd.DataFrame:
        """The side-by-side figures as numbers: one row per measure, one column per variant.

        Money and percentages are floats (NaN where a figure does not apply: the
        reference has no loans, an offer no project); ratings, the trap risk and the
        lever clauses are words. :meth:`summary_table` is the same comparison formatted
        for reading (the terminal and the report).
        """
        cols: dict[str, dict[str, Any]] = {
            "No new offer (reference)": _summary_numbers(
                self.reference, None, self.reference_stochastic
            )
        }
        for o in self.offers:
            cols[o.name] = _summary_numbers(o.outlook, o, o.stochastic)
        return pd.DataFrame(cols)

    def summary_table(self) -> pd.DataFrame:
        """The side-by-side table for reading: cells are text (see :meth:`summary_notes`)."""
        ref = self.reference
        unknown = bool(self.service_unknown)
        cols: dict[str, dict[str, Any]] = {
            "No new offer (reference)": _summary_column(
                ref, None, self.reference_stochastic, unknown
            )
        }
        for o in self.offers:
            cols[o.name] = _summary_column(o.outlook, o, o.stochastic, unknown)
        return pd.DataFrame(cols)

    def _repr_html_(self) -> str:
        """A compact notebook view: the verdicts and the side-by-side table."""
        from debttrap._display import assessment_html_summary

        return assessment_html_summary(self)

    def summary_notes(self) -> tuple[str, ...]:
        """How to read :meth:`summary_table` (legend lines)."""
        notes = list(SUMMARY_NOTES)
        w = self.reference.window_years
        notes.append(
            f"Lender shares and amounts due at once: peak in the rating window {min(w)}-{max(w)}, "
            "before → after; shares are of all PPG external debt (and its service) the DSA carries."
        )
        if self.service_unknown:
            notes.append("≥: the service of existing debt without a schedule is not in it.")
        return tuple(notes)

    def existing_debt_frame(self) -> pd.DataFrame:
        """The existing external debt line by line: what is itemised, what is assumed.

        One row per existing debt line (its creditor group, the principal still to be
        repaid at the end of t-1, its service in t, and whether the schedule was given,
        derived by a stated rule or assumed), plus debt known only in total
        (unitemised stock, arrears), whose service is unknown unless given.
        """
        return _existing_debt_frame(self.country)

    def to_frame(self) -> pd.DataFrame:
        """By year: each indicator's baseline path for the reference and every offer."""
        frames = {"reference": self.reference.to_frame()}
        for o in self.offers:
            frames[o.name] = o.outlook.to_frame()
        return pd.concat(frames, axis=1, names=["variant", "series"])

    def to_dict(self) -> dict[str, Any]:
        ref = self.reference
        return {
            "scenario": self.scenario_name,
            "description": self.description,
            "country": self.country.name,
            "first_projection_year": self.country.t,
            "capacity": {
                "classification": ref.dsa.capacity.classification.value,
                "ci_score": _f(ref.dsa.capacity.ci_score),
                "source": ref.dsa.capacity.source,
            },
            "thresholds_pct": dict(ref.dsa.thresholds),
            "settings": dict(self.settings),
            "reference": {
                "rating_before": ref.rating_external,
                "rating_overall_before": ref.rating_overall,
                "debt": ref.to_dict(),
                "stochastic": None
                if self.reference_stochastic is None
                else self.reference_stochastic.to_dict(),
                "creditor_debt_usd_m": _table_dict(self.creditor_debt_usd_m),
                "existing_debt": [
                    {k: (_f(v) if isinstance(v, float) else v) for k, v in row.items()}
                    for row in self.existing_debt_frame().to_dict(orient="records")
                ],
                "service_unknown": list(self.service_unknown),
            },
            "offers": [
                {**o.to_dict(), "rating_before": ref.rating_external} for o in self.offers
            ],
            **({"debt_layers": [x.to_dict() for x in self.debt_layers]}
               if self.debt_layers else {}),
            "inputs": dict(self.inputs),
            "sources": dict(self.sources),
            "assumptions": list(self.assumptions),
            "notes": list(self.notes),
            "units": "money in US$ millions (_usd_m); ratios and probabilities in percent (_pct)",
        }


def _table_dict(frame: pd.DataFrame) -> dict[str, dict[str, float | None]]:
    years = frame.index.to_numpy(dtype=np.int64)
    return {str(c): _by_year(years, frame[c].to_numpy(dtype=np.float64)) for c in frame.columns}

