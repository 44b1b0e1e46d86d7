"""The assessment: the whole chain for one country and its offers, side by side.

:func:`assess` takes a :class:`~debttrap.io.scenario.Scenario` (or the same
content built in Python) and evaluates the country **without any new offer**
(the reference) and **with each offer alone**:

1. the country: built from the bundled open data for an ISO3 code
   (:func:`debttrap.country.builder.build_country`, with its sources and
   assumptions), or the country given in the scenario;
2. each offer's loans through the loan engine: grant element per loan and
   for the package (IMF at 5%; OECD-DAC at the income group's rate), PV of
   the debt service and the grant equivalent in US$;
3. project economics by Monte Carlo (cost P50/P90, DSCR, probability the
   project services its own debt, overrun that falls on the budget);
4. the LIC-DSF with the offer: its PPG loans (restated in US$) are added to
   the country's new loans, with the **expected** overrun that falls on the
   budget borrowed on the terms of the offer's largest PPG loan (a separate,
   named loan); indicators, thresholds, stress tests and the rating before
   and after;
5. optionally, breach and distress probabilities from the stochastic engine,
   with and without the offer on the same shocks (common random numbers);
6. creditor leverage before and after: the lender's share of PPG external
   debt and of debt service, pledged revenue, acceleration exposure,
   cross-default, no-Paris-Club, collateral; the clause profile beside the
   "How China Lends" frequencies;
7. the trap-risk verdict (:func:`debttrap.leverage.verdict.judge`) with
   every rule and its numbers.

Every figure in :meth:`Assessment.to_dict` sits next to the inputs it came
from and their sources (``inputs``, ``sources``, ``assumptions``).
Randomness is injected: ``seed`` drives the project Monte Carlo (the same
draws for every offer) and the stochastic engine (the same shocks for every
offer and for the reference).
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from debttrap._numeric import finite_or_none as _f
from debttrap._numeric import format_number as _num
from debttrap._numeric import read_only_copy
from debttrap.cashflows import grant_element
from debttrap.country.builder import DEFAULT_FIRST_YEAR, BuiltCountry, build_country
from debttrap.country.derived import derive
from debttrap.country.model import Country
from debttrap.dsa.indicators import (
    INDICATOR_LABELS,
    INDICATORS,
    SERVICE_INDICATORS,
    Indicator,
)
from debttrap.dsa.paths import UnitLoanBasis, line_terms
from debttrap.dsa.run import DSAResult, run_dsa
from debttrap.errors import DataError, DebtTrapError, InputError
from debttrap.leverage.clauses import ClauseProfile, clause_profile
from debttrap.leverage.exposure import Exposure, creditor_exposure
from debttrap.leverage.flows import OfferFlows, offer_flows, package_grant_element_pct
from debttrap.leverage.project import ProjectEconomics, offer_project_economics
from debttrap.leverage.verdict import (
    IndicatorChange,
    Verdict,
    indicator_change,
    judge,
    verdict_inputs,
)
from debttrap.terms.loan import FixedRate, Loan
from debttrap.terms.offer import Offer

__all__ = [
    "DEFAULT_STOCHASTIC_PATHS",
    "NOT_ITEMISED",
    "OTHER_NEW",
    "Assessment",
    "DebtOutlook",
    "LoanAssessment",
    "OfferAssessment",
    "StochasticOutlook",
    "assess",
]

FloatArray = NDArray[np.float64]

#: Macro paths drawn by default: enough for probabilities to about +/- 1 point, fast enough
#: for a demo (the stochastic engine handles 10,000 paths in about a second).
DEFAULT_STOCHASTIC_PATHS = 2000
#: Calibration window of the shock model: up to this many years before t.
CALIBRATION_YEARS = 30
_IMF_RATE_PCT = 5.0

# Creditor groups of the country builder: their lines are named "<label> (existing|new)".
_GROUP_PREFIXES: tuple[tuple[str, str], ...] = (
    ("china", "China"),
    ("multilateral", "Multilateral"),
    ("paris_club", "Paris Club"),
    ("other_bilateral", "Other bilateral"),
    ("bondholders", "Bondholders"),
    ("commercial_banks", "Commercial banks"),
    ("other_private", "Other private"),
)
#: Column of the creditor tables for debt whose creditor is not known (unitemised, arrears).
NOT_ITEMISED = "not_itemised"
#: Column of the creditor tables for the baseline's projected new external borrowing (the
#: DSA's new-financing lines): no lender has committed it, so it is nobody's claim yet.
OTHER_NEW = "other_new_borrowing"
#: Debt-line names that mean "creditor not known" (they go to :data:`NOT_ITEMISED`).
_UNKNOWN_PREFIXES = ("creditor unknown", "not itemised", "not_itemised")
#: Creditor groups whose contracts typically cross-default to other external debt.
_CROSS_DEFAULT_GROUPS = ("bondholders", "commercial_banks")

#: Tiny indicator names (the LIC-DSF's usual abbreviations) for one-cell figures.
_TINY: dict[Indicator, str] = {
    Indicator.PV_EXT_DEBT_TO_GDP: "PV/GDP",
    Indicator.PV_EXT_DEBT_TO_EXPORTS: "PV/X",
    Indicator.EXT_DEBT_SERVICE_TO_EXPORTS: "DS/X",
    Indicator.EXT_DEBT_SERVICE_TO_REVENUE: "DS/R",
    Indicator.PV_PUBLIC_DEBT_TO_GDP: "PV pub./GDP",
}
#: Short indicator names for the side-by-side table.
_SHORT: dict[Indicator, str] = {
    Indicator.PV_EXT_DEBT_TO_GDP: "PV ext. debt / GDP",
    Indicator.PV_EXT_DEBT_TO_EXPORTS: "PV ext. debt / exports",
    Indicator.EXT_DEBT_SERVICE_TO_EXPORTS: "Ext. debt service / exports",
    Indicator.EXT_DEBT_SERVICE_TO_REVENUE: "Ext. debt service / revenue",
    Indicator.PV_PUBLIC_DEBT_TO_GDP: "PV public debt / GDP",
}

_INCOME_GROUPS = {
    "Low income": "lic",
    "Lower middle income": "lmic",
    "Upper middle income": "umic",
}


def _by_year(years: Any, values: Any) -> dict[str, float | None]:
    """``{year: value}`` with string years (JSON keys) and None for missing values."""
    vals = np.asarray(values, dtype=np.float64)
    return {str(int(y)): _f(v) for y, v in zip(np.asarray(years), vals, strict=True)}


# ----------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True, eq=False)
class DebtOutlook:
    """One LIC-DSF run: the reference (no offer) or the country with one offer.

    ``public_debt_to_gdp_pct`` is total public debt at face value over GDP
    (the headline ratio the press quotes; the LIC-DSF benchmark uses PV).
    """

    label: str
    dsa: DSAResult
    public_debt_to_gdp_pct: FloatArray

    @property
    def years(self) -> NDArray[np.int64]:
        return self.dsa.years

    @property
    def rating_external(self) -> str:
        return str(self.dsa.rating.external.value)

    @property
    def rating_overall(self) -> str:
        return str(self.dsa.rating.overall.value)

    @property
    def window_years(self) -> tuple[int, ...]:
        return tuple(int(y) for y in self.dsa.rating.window_years)

    def path(self, indicator: str, scenario: str = "baseline") -> FloatArray:
        return self.dsa.indicator_path(indicator, scenario)

    def threshold(self, indicator: str) -> float:
        return float(self.dsa.thresholds[indicator])

    def indicator_summary(self, indicator: str) -> dict[str, Any]:
        """Peak of the baseline path, years above the threshold (window), most extreme shock."""
        years = self.years
        base = self.path(indicator)
        thr = self.threshold(indicator)
        win = np.isin(years, np.array(self.window_years))
        k = int(np.nanargmax(base)) if np.any(np.isfinite(base)) else 0
        mx = self.dsa.rating.most_extreme[Indicator(indicator)]
        stress = self.path(indicator, "most_extreme")
        has_stress = mx is not None and np.any(np.isfinite(stress))
        return {
            "label": INDICATOR_LABELS[Indicator(indicator)],
            "threshold_pct": thr,
            "baseline_peak_pct": _f(base[k]),
            "baseline_peak_year": int(years[k]),
            "baseline_years_above_in_window": [
                int(y) for y in years[win & (base > thr)]
            ],
            "most_extreme_test": None if mx is None else mx.value,
            "stress_peak_pct": _f(np.nanmax(stress[win])) if has_stress else None,
            "stress_years_above_in_window": (
                [int(y) for y in years[win & (stress > thr)]] if has_stress else []
            ),
        }

    def breaches(self) -> dict[str, Any]:
        """Which indicators breach their threshold in the window (baseline, most extreme test)."""
        out: dict[str, Any] = {}
        for ind in INDICATORS:
            s = self.indicator_summary(ind.value)
            out[ind.value] = {
                "baseline_years": s["baseline_years_above_in_window"],
                "stress_test": s["most_extreme_test"],
                "stress_years": s["stress_years_above_in_window"],
            }
        return out

    def to_frame(self) -> pd.DataFrame:
        """By year: each indicator's baseline, most extreme shock and threshold, plus face debt."""
        cols: dict[str, FloatArray] = {}
        for ind in INDICATORS:
            cols[ind.value] = self.path(ind.value)
            cols[f"{ind.value}_most_extreme"] = self.path(ind.value, "most_extreme")
            cols[f"{ind.value}_threshold"] = np.full(self.years.shape, self.threshold(ind.value))
        cols["public_debt_to_gdp_pct"] = self.public_debt_to_gdp_pct
        cols["ext_debt_nominal_usd_m"] = self.dsa.baseline.ext_debt_nominal_usd_m
        cols["ext_debt_service_usd_m"] = self.dsa.baseline.ext_debt_service_usd_m
        return pd.DataFrame(cols, index=pd.Index(self.years, name="year"))

    def to_dict(self) -> dict[str, Any]:
        rating = self.dsa.rating.to_dict()
        return {
            "label": self.label,
            "rating_external": self.rating_external,
            "rating_overall": self.rating_overall,
            "moderate_space": rating["moderate_space"],
            "mechanical": rating["mechanical"],
            "window": rating["window"],
            "indicators": {
                ind.value: {
                    **self.indicator_summary(ind.value),
                    "baseline_pct": _by_year(self.years, self.path(ind.value)),
                    "most_extreme_pct": _by_year(
                        self.years, self.path(ind.value, "most_extreme")
                    ),
                }
                for ind in INDICATORS
            },
            "public_debt_to_gdp_pct": _by_year(self.years, self.public_debt_to_gdp_pct),
            "ext_debt_nominal_usd_m": _by_year(
                self.years, self.dsa.baseline.ext_debt_nominal_usd_m
            ),
            "ext_debt_service_usd_m": _by_year(
                self.years, self.dsa.baseline.ext_debt_service_usd_m
            ),
            "signals": rating["signals"],
            "stress_tests_not_run": dict(self.dsa.not_run),
        }


@dataclass(frozen=True, slots=True)
class StochasticOutlook:
    """Breach and distress probabilities (percent) over the rating window, one variant."""

    label: str
    n_paths: int
    seed: int
    method: str
    window: tuple[int, int]
    prob_breach_any_pct: Mapping[str, float]
    prob_breach_flag_pct: Mapping[str, float]
    prob_external_breach_flag_pct: float
    prob_distress_pct: float
    prob_distress_by_year_pct: FloatArray
    years: NDArray[np.int64]
    distress_rule: str
    calibration_window: tuple[int, int]

    def to_frame(self) -> pd.DataFrame:
        """By year: probability of distress in that year (percent)."""
        return pd.DataFrame(
            {"prob_distress_pct": self.prob_distress_by_year_pct},
            index=pd.Index(self.years, name="year"),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "n_paths": self.n_paths,
            "seed": self.seed,
            "method": self.method,
            "window": list(self.window),
            "calibration_window": list(self.calibration_window),
            "prob_breach_any_pct": {k: _f(v) for k, v in self.prob_breach_any_pct.items()},
            "prob_breach_two_years_pct": {
                k: _f(v) for k, v in self.prob_breach_flag_pct.items()
            },
            "prob_external_breach_two_years_pct": _f(self.prob_external_breach_flag_pct),
            "prob_distress_pct": _f(self.prob_distress_pct),
            "prob_distress_by_year_pct": _by_year(self.years, self.prob_distress_by_year_pct),
            "distress_rule": self.distress_rule,
        }


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
            "attribution": self.attribution(),
            "debt": self.outlook.to_dict(),
            "stochastic": None if self.stochastic is None else self.stochastic.to_dict(),
            "project": None if econ is None else {
                k: (_f(v) if isinstance(v, float) else v) for k, v in econ.summary().items()
            },
            "project_by_year": None if econ is None else {
                col: _by_year(econ.years, econ.to_frame()[col].to_numpy(dtype=np.float64))
                for col in ("debt_service_usd_m", "dscr_p10", "dscr_p50", "dscr_p90",
                            "prob_dscr_ge_1_pct", "forecast_revenue_usd_m")
            },
            "overrun_loan": None if self.overrun_loan is None else
            self.overrun_loan.model_dump(mode="json"),
            "leverage": {
                **{k: (_f(v) if isinstance(v, float) else v)
                   for k, v in ex.summary().to_dict().items()},
                "by_year": {
                    col: _by_year(ex.years, ex.to_frame()[col].to_numpy(dtype=np.float64))
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
            "inputs": dict(self.inputs),
            "sources": dict(self.sources),
            "assumptions": list(self.assumptions),
            "notes": list(self.notes),
            "units": "money in US$ millions (_usd_m); ratios and probabilities in percent (_pct)",
        }


def _table_dict(frame: pd.DataFrame) -> dict[str, dict[str, float | None]]:
    years = frame.index.to_numpy(dtype=np.int64)
    return {str(c): _by_year(years, frame[c].to_numpy(dtype=np.float64)) for c in frame.columns}


#: Short names of the lever clauses for the table.
_LEVER_SHORT = {
    "acceleration.policy_change": "policy change",
    "acceleration.severing_diplomatic_relations": "severed relations",
    "acceleration.adverse_action_to_lender_state_entity": "adverse acts",
    "acceleration.cross_cancellation": "cross-cancellation",
    "lender_controlled_account": "lender account",
    "no_paris_club": "no Paris Club",
}
#: How to read the side-by-side table (printed under it and in the report).
SUMMARY_NOTES = (
    "Indicators: peak % / threshold (years above it in the 10-year rating window).",
    "Largest rise: what the offer's own loans add to an indicator, pp (% of its threshold).",
    "n/a: not applicable or not known, with the reason.",
)


def _nan_if_missing(value: Any) -> float:
    """A float, NaN where the value is missing (None, NaN, infinite)."""
    f = _f(value)
    return float("nan") if f is None else f


def _summary_numbers(
    outlook: DebtOutlook, o: OfferAssessment | None, st: StochasticOutlook | None
) -> dict[str, Any]:
    """One column of :meth:`Assessment.summary_frame`: numbers (NaN: not applicable)."""
    nan = float("nan")
    col: dict[str, Any] = {
        "Trap risk": None if o is None else o.verdict.trap_risk.value,
        "Loans, US$ m": nan if o is None else o.offer.loans_usd_m,
        "Grants, US$ m": nan if o is None else o.offer.grants_usd_m,
        "Grant element (IMF), %": nan if o is None else o.grant_element_pct,
        "Grant element (OECD-DAC), %": nan if o is None else o.grant_element_oecd_dac_pct,
        "PV of debt service at 5%, US$ m": nan if o is None else o.pv_debt_service_usd_m,
        "External rating": outlook.rating_external,
        "Overall rating": outlook.rating_overall,
    }
    for ind in INDICATORS:
        s = outlook.indicator_summary(ind.value)
        col[f"{_SHORT[ind]}: peak, %"] = _nan_if_missing(s["baseline_peak_pct"])
        col[f"{_SHORT[ind]}: threshold, %"] = float(s["threshold_pct"])
        col[f"{_SHORT[ind]}: years above"] = float(len(s["baseline_years_above_in_window"]))
    rises = {c.indicator: c for c in (o.indicator_changes if o is not None else ())}
    for ind in INDICATORS:
        c = rises.get(ind.value)
        pp = None if c is None else c.max_increase_pp
        col[f"{_SHORT[ind]}: rise from the offer, pp"] = nan if pp is None else float(pp)
    col["Breached under stress (of 5)"] = float(
        sum(1 for v in outlook.breaches().values() if len(v["stress_years"]) >= 2)
    )
    col["P(distress), %"] = nan if st is None else float(st.prob_distress_pct)
    econ = None if o is None or o.economics is None else o.economics.summary()
    for label, key in (("Project cost P50, US$ m", "cost_p50_usd_m"),
                       ("Project cost P90, US$ m", "cost_p90_usd_m"),
                       ("Project DSCR, median", "dscr_p50_lifetime"),
                       ("P(project pays its debt), %", "prob_self_service_pct"),
                       ("Overrun on budget (mean), US$ m", "overrun_borrowed_mean_usd_m")):
        col[label] = nan if econ is None else _nan_if_missing(econ[key])
    ex = None if o is None else o.exposure.summary()
    for label, key in (
        ("Lender share of debt before, %", "lender_debt_share_before_peak_pct"),
        ("Lender share of debt after, %", "lender_debt_share_after_peak_pct"),
        ("Lender share of service before, %", "lender_service_share_before_peak_pct"),
        ("Lender share of service after, %", "lender_service_share_after_peak_pct"),
        ("Due at once if accelerated, US$ m", "acceleration_with_cross_default_peak_usd_m"),
        ("Due at once, % of reserves", "acceleration_pct_of_reserves_peak"),
    ):
        col[label] = nan if ex is None else _nan_if_missing(getattr(ex, key))
    col["Lever clauses"] = None if ex is None else (
        ", ".join(_LEVER_SHORT.get(c, c) for c in ex.lever_clauses) or "none"
    )
    return col


def _summary_column(
    outlook: DebtOutlook, o: OfferAssessment | None, st: StochasticOutlook | None,
    service_unknown: bool = False,
) -> dict[str, Any]:
    col: dict[str, Any] = {}
    if o is None:
        col["Trap risk"] = "–"
        col["Loans / grants, US$ m"] = "–"
        col["Grant element IMF / DAC, %"] = "–"
        col["PV of service at 5%, US$ m"] = "–"
    else:
        col["Trap risk"] = o.verdict.trap_risk.value
        col["Loans / grants, US$ m"] = f"{o.offer.loans_usd_m:,.0f} / {o.offer.grants_usd_m:,.0f}"
        col["Grant element IMF / DAC, %"] = (
            f"{o.grant_element_pct:.1f} / {o.grant_element_oecd_dac_pct:.1f}"
        )
        col["PV of service at 5%, US$ m"] = f"{o.pv_debt_service_usd_m:,.0f}"
    col["Rating, external / overall"] = f"{outlook.rating_external} / {outlook.rating_overall}"
    for ind in INDICATORS:
        s = outlook.indicator_summary(ind.value)
        above = len(s["baseline_years_above_in_window"])
        low = "≥" if service_unknown and ind in SERVICE_INDICATORS else ""
        col[f"{_SHORT[ind]}, %"] = (
            f"{low}{_num(s['baseline_peak_pct'])} / {s['threshold_pct']:g} ({above})"
        )
    if o is None:
        col["Largest rise from the offer"] = "–"
    else:
        rated = [c for c in o.indicator_changes if c.max_increase_pct_of_threshold is not None]
        if rated:
            top = max(rated, key=lambda c: c.max_increase_pct_of_threshold or 0.0)
            pp = max(top.max_increase_pp or 0.0, 0.0)
            col["Largest rise from the offer"] = "none" if pp < 0.05 else (
                f"{_TINY[Indicator(top.indicator)]} +{pp:.1f} pp "
                f"({max(top.max_increase_pct_of_threshold or 0.0, 0.0):.0f}%)"
            )
        else:
            col["Largest rise from the offer"] = "n/a: no paths"
    n_stress = sum(
        1 for v in outlook.breaches().values() if len(v["stress_years"]) >= 2
    )
    col["Breached under stress (of 5)"] = str(n_stress)
    col["P(sustained breach), %"] = (
        "n/a: not run" if st is None else f"{st.prob_distress_pct:.1f}")
    if o is not None and o.economics is not None:
        s = o.economics.summary()
        col["Project cost P50 / P90, US$ m"] = (
            f"{s['cost_p50_usd_m']:,.0f} / {s['cost_p90_usd_m']:,.0f}"
        )
        no_loan = "n/a: no project loan"
        dscr = _f(s["dscr_p50_lifetime"])
        col["Project DSCR, median"] = no_loan if dscr is None else f"{dscr:.2f}"
        pself = _f(s["prob_self_service_pct"])
        col["P(project pays its debt), %"] = (
            no_loan if pself is None or dscr is None else f"{pself:.1f}"
        )
        col["Overrun on budget (mean), US$ m"] = _num(s["overrun_borrowed_mean_usd_m"], 0)
    else:
        na = "–" if o is None else "n/a: no project"
        for k in ("Project cost P50 / P90, US$ m", "Project DSCR, median",
                  "P(project pays its debt), %", "Overrun on budget (mean), US$ m"):
            col[k] = na
    if o is not None:
        x = o.exposure.summary()
        col["Lender share of debt, %"] = (
            f"{_num(x.lender_debt_share_before_peak_pct)} → "
            f"{_num(x.lender_debt_share_after_peak_pct)}"
        )
        svc = _f(x.lender_service_share_after_peak_pct)
        if svc is None:
            why = "service unknown" if x.service_share_note else "no service"
            col["Lender share of service, %"] = f"n/a: {why}"
        else:
            col["Lender share of service, %"] = (
                f"{_num(x.lender_service_share_before_peak_pct)} → {svc:.1f}"
            )
        due = _num(x.acceleration_with_cross_default_peak_usd_m, 0)
        res = _f(x.acceleration_pct_of_reserves_peak)
        res_year = x.acceleration_pct_of_reserves_peak_year
        if res is not None and res_year is not None and due != "0":
            # the amount in the year it weighs most on reserves: the figure the rule reads
            ex = o.exposure
            at = int(np.flatnonzero(ex.years == res_year)[0])
            due = (f"{ex.acceleration_with_cross_default_usd_m[at]:,.0f} "
                   f"({res:.0f}% of res., {res_year})")
        col["Due at once if accelerated, US$ m"] = due
        col["Lever clauses"] = ", ".join(
            _LEVER_SHORT.get(c, c) for c in x.lever_clauses
        ) or "none"
    else:
        for k in ("Lender share of debt, %", "Lender share of service, %",
                  "Due at once if accelerated, US$ m", "Lever clauses"):
            col[k] = "–"
    return col


# ----------------------------------------------------------------------------- helpers


def _income_group(code: str | None) -> tuple[str, str]:
    """(OECD-DAC income group, its source) for the country."""
    if code is not None:
        from debttrap import datasets as ds

        try:
            table = ds.gcdf_country_commitments(code)
        except DataError:
            table = pd.DataFrame()
        if not table.empty:
            label = str(table["income_group"].iloc[0])
            if label in _INCOME_GROUPS:
                return _INCOME_GROUPS[label], (
                    f"aiddata-gcdf3-derived: income_group '{label}' (World Bank 2021 "
                    "classification)"
                )
    return "lic", "assumption: no income group in the bundled data; LIC (DAC rate 9%)"


def _group_of(name: str) -> str:
    """The creditor group a debt line belongs to (builder labels), else its own name.

    Lines whose name starts with "Creditor unknown" or "Not itemised" (debt known in
    total only, e.g. with an assumed schedule) share the :data:`NOT_ITEMISED` column.
    """
    low = name.lower()
    if low.startswith(_UNKNOWN_PREFIXES):
        return NOT_ITEMISED
    for key, prefix in _GROUP_PREFIXES:
        if name.lower().startswith(prefix.lower()) or name.lower().startswith(key):
            return key
    return name.split(" (")[0]


def _creditor_tables(country: Country) -> tuple[pd.DataFrame, pd.DataFrame]:
    """PPG external MLT debt (end of year) and its service by creditor, t-1 … T, US$ m.

    Existing lines: the balance is the principal still to be repaid (their
    schedules run until repaid); new-financing lines: unit loans on the DSA's
    basis, all in one column (:data:`OTHER_NEW`) whatever group the line is named
    after — it is projected borrowing that no lender has committed, so it counts in
    every denominator and in no lender's claim; the country's own new loans
    (contracts with a named creditor): the loan engine; unitemised debt and
    arrears: a column of their own (:data:`NOT_ITEMISED`). The debt table runs
    t-1 … T, the service table t … T (no service of t-1 is an input).
    """
    t, last = country.t, country.last_year
    years = np.arange(t - 1, last + 1, dtype=np.int64)
    n = years.size
    debt: dict[str, FloatArray] = {}
    service: dict[str, FloatArray] = {}

    def add(key: str, stock: FloatArray, svc: FloatArray) -> None:
        debt[key] = debt.get(key, np.zeros(n)) + stock
        service[key] = service.get(key, np.zeros(n)) + svc

    for ln in country.external_debt.existing_lines:
        sched = ln.principal_usd_m if ln.principal_usd_m is not None else ln.debt_service_usd_m
        pr = pd.Series(sched, dtype="float64")
        remaining = np.array([float(pr[pr.index > y].sum()) for y in years])  # loop over time
        svc = pd.Series(ln.debt_service_usd_m, dtype="float64").reindex(years).fillna(0.0)
        add(_group_of(ln.name), remaining, np.asarray(svc, dtype=np.float64))
    lines = country.new_external_financing
    if lines:
        proj = years[1:]
        basis = UnitLoanBasis.build([line_terms(ln) for ln in lines], proj.size,
                                    country.discount_rate_pct / 100.0)
        for li, fl in enumerate(lines):
            d = pd.Series(fl.disbursements_usd_m, dtype="float64").reindex(proj).fillna(0.0)
            dv = np.asarray(d, dtype=np.float64)
            bal = dv @ basis.balance[li]
            fsvc = dv @ (basis.interest[li] + basis.principal[li])
            add(OTHER_NEW, np.concatenate([[0.0], bal]), np.concatenate([[0.0], fsvc]))
    if country.new_loans:
        from debttrap.cashflows import schedules

        annual = schedules(list(country.new_loans)).by_calendar_year(int(years[0]), int(years[-1]))
        for j, loan in enumerate(country.new_loans):
            add(loan.creditor.name, annual.balance_end[j], annual.debt_service[j])
    ed = country.external_debt
    other = np.full(n, ed.arrears_usd_m)
    if ed.unitemised_ppg_stock_usd_m is not None:
        other = other + np.asarray(
            pd.Series(ed.unitemised_ppg_stock_usd_m, dtype="float64").reindex(years).fillna(0.0),
            dtype=np.float64,
        )
    if np.any(other > 0):
        svc_other = np.zeros(n)
        if ed.unitemised_ppg_debt_service_usd_m is not None:
            svc_other = np.asarray(
                pd.Series(ed.unitemised_ppg_debt_service_usd_m, dtype="float64")
                .reindex(years).fillna(0.0),
                dtype=np.float64,
            )
        add(NOT_ITEMISED, other, svc_other)
    idx = pd.Index(years, name="year")
    d_frame = pd.DataFrame(debt, index=idx).clip(lower=0.0)
    s_frame = pd.DataFrame(service, index=idx).clip(lower=0.0).loc[t:]
    return d_frame, s_frame


def _schedule_basis(source: str) -> str:
    """How a debt line's schedule was obtained, read from its source note."""
    low = source.lower()
    if "assum" in low:
        return "assumed"
    if re.search(r"\bA\d{1,2}\b", source):
        return "derived by a stated rule"
    return "given" if source else "given (no source note)"


def _existing_debt_frame(country: Country) -> pd.DataFrame:
    t = country.t
    ed = country.external_debt
    rows: list[dict[str, Any]] = []
    for ln in ed.existing_lines:
        sched = ln.principal_usd_m if ln.principal_usd_m is not None else ln.debt_service_usd_m
        group = _group_of(ln.name)
        rows.append({
            "debt": ln.name,
            "creditor": "unknown" if group == NOT_ITEMISED else group,
            "outstanding_usd_m": float(sum(v for y, v in sched.items() if y >= t)),
            "service_t_usd_m": float(ln.debt_service_usd_m.get(t, 0.0)),
            "schedule": _schedule_basis(ln.source),
            "source": ln.source,
        })
    stock = ed.unitemised_ppg_stock_usd_m or {}
    if any(v > 0 for v in stock.values()):
        svc = ed.unitemised_ppg_debt_service_usd_m
        rows.append({
            "debt": "Not itemised (known in total only)",
            "creditor": "unknown",
            "outstanding_usd_m": float(stock.get(t - 1, stock.get(t, 0.0))),
            "service_t_usd_m": float(svc.get(t, 0.0)) if svc is not None else float("nan"),
            "schedule": "given" if svc is not None else "none: service unknown",
            "source": "country.external_debt.unitemised_ppg_stock_usd_m",
        })
    if ed.arrears_usd_m > 0:
        rows.append({
            "debt": "Arrears", "creditor": "unknown", "outstanding_usd_m": ed.arrears_usd_m,
            "service_t_usd_m": float("nan"), "schedule": "overdue (no schedule)",
            "source": "country.external_debt.arrears_usd_m",
        })
    cols = ["debt", "creditor", "outstanding_usd_m", "service_t_usd_m", "schedule", "source"]
    return pd.DataFrame(rows, columns=cols)


def _loan_book(
    loan: Loan | None, years: NDArray[np.int64]
) -> tuple[pd.Series | None, pd.Series | None]:
    """End-of-year balance and debt service of ``loan`` on ``years`` (US$ m), or (None, None)."""
    if loan is None:
        return None, None
    from debttrap.cashflows import schedules

    annual = schedules([loan]).by_calendar_year(int(years[0]), int(years[-1]))
    return (pd.Series(annual.balance_end[0], index=years),
            pd.Series(annual.debt_service[0], index=years))


def _unscheduled_columns(country: Country, debt: pd.DataFrame) -> list[str]:
    """Creditor columns whose existing debt has no service schedule (service unknown)."""
    ed = country.external_debt
    stock = ed.unitemised_ppg_stock_usd_m or {}
    if (NOT_ITEMISED in debt.columns and ed.unitemised_ppg_debt_service_usd_m is None
            and any(v > 0 for v in stock.values())):
        return [NOT_ITEMISED]
    return []


def _lender_column(frame: pd.DataFrame, group: str) -> pd.DataFrame:
    """Rename the column that matches the lender's group (case-insensitive) to ``group``."""
    if group in frame.columns:
        return frame
    for c in frame.columns:
        if c in (OTHER_NEW, NOT_ITEMISED):
            continue
        if str(c).lower() == group.lower() or str(c).lower().startswith(group.lower()):
            return frame.rename(columns={c: group})
    return frame


def _public_debt_to_gdp_pct(country: Country, dsa: DSAResult) -> FloatArray:
    der = derive(country)
    n = dsa.years.size
    sl = slice(der.t_index, der.t_index + n)
    gdp_lcu = der.nominal_gdp_usd_m[sl] * der.exchange_rate_avg_lcu_per_usd[sl]
    return read_only_copy(100.0 * dsa.baseline.public_debt_nominal_lcu_m / gdp_lcu)


def _outlook(label: str, country: Country) -> DebtOutlook:
    dsa = run_dsa(country)
    return DebtOutlook(label=label, dsa=dsa,
                       public_debt_to_gdp_pct=_public_debt_to_gdp_pct(country, dsa))


def _describe_terms(loan: Loan) -> str:
    rate = loan.interest.describe()
    fees = []
    if loan.management_fee_pct:
        fees.append(f"mgmt fee {loan.management_fee_pct:g}%")
    if loan.commitment_fee_pct:
        fees.append(f"commitment fee {loan.commitment_fee_pct:g}%")
    if loan.insurance is not None:
        fees.append(f"insurance {loan.insurance.premium_pct:g}%")
    extra = f", {', '.join(fees)}" if fees else ""
    return f"{rate}, {loan.maturity_years:g} y, {loan.grace_years:g} y grace{extra}"


def _loan_assessments(offer: Offer, income_group: str) -> tuple[LoanAssessment, ...]:
    out = []
    fx = offer.usd_per_unit() if offer.loans else np.zeros(0)
    for i, (loan, role) in enumerate(zip(offer.loans, offer.roles, strict=True)):
        imf = grant_element(loan, method="imf")
        dac = grant_element(loan, method="oecd-dac", income_group=income_group)
        rate = float(fx[i])
        out.append(
            LoanAssessment(
                index=i,
                name=loan.name,
                creditor=loan.creditor.name,
                currency=loan.currency,
                amount_m=loan.amount_m,
                amount_usd_m=loan.amount_m * rate,
                signing_year=loan.signing_year,
                terms=_describe_terms(loan),
                ppg=role.ppg,
                serviced_by_project=role.serviced_by_project,
                grant_element_imf_pct=imf.grant_element_pct,
                grant_element_oecd_dac_pct=dac.grant_element_pct,
                concessional_imf=imf.concessional,
                pv_debt_service_usd_m=imf.pv_debt_service_m * rate,
                pv_disbursed_usd_m=imf.pv_disbursements_m * rate,
            )
        )
    return tuple(out)


def _overrun_loan(offer: Offer, econ: ProjectEconomics) -> tuple[Loan | None, str]:
    """The expected overrun that falls on the budget, as a loan (None if there is none)."""
    mean = np.asarray(econ.overrun_borrowed_usd_m.mean(axis=0), dtype=np.float64)
    total = float(mean.sum())
    if total <= 1e-6:
        return None, "no cost overrun falls on the budget"
    years = econ.years
    nz = np.flatnonzero(mean > 0)
    first, last = int(years[nz[0]]), int(years[nz[-1]])
    shares = mean[nz[0] : nz[-1] + 1] / total
    shares = shares / shares.sum()
    ppg = [
        (ln.amount_m * fx, ln)
        for ln, fx, r in zip(offer.loans, offer.usd_per_unit(), offer.roles, strict=True)
        if r.ppg
    ] if offer.loans else []
    n_disb = last - first
    if ppg:
        template = max(ppg, key=lambda p: p[0])[1]
        a = template.payments_per_year
        grace = max(template.grace_years, math.ceil(n_disb * a) / a)
        maturity = max(template.maturity_years, grace + 1.0)
        interest = template.interest
        creditor = template.creditor
        how = (
            f"borrowed on the terms of '{template.name}' ({interest.describe()}, "
            f"{maturity:g} y, {grace:g} y grace)"
        )
    else:
        a = 1
        grace = float(n_disb)
        maturity = grace + 10.0
        interest = FixedRate(rate_pct=_IMF_RATE_PCT)
        creditor = offer.lender
        how = (
            "the offer has no PPG loan: borrowed at 5% fixed (the IMF discount rate, grant "
            f"element 0), {maturity:g} y, {grace:g} y grace"
        )
    loan = Loan(
        name=f"Cost overrun on the budget ({offer.name})",
        creditor=creditor,
        amount_m=total,
        signing_year=first,
        disbursement_shares=tuple(float(s) for s in shares),
        interest=interest,
        grace_years=grace,
        maturity_years=maturity,
        payments_per_year=a,
    )
    note = (
        f"expected cost overrun on the budget US$ {total:,.1f} m over {first}-{last} "
        f"(mean of {econ.n_paths} project paths), {how}; added to the debt path, not to the "
        "lender's share"
    )
    return loan, note


@dataclass(frozen=True, slots=True)
class _Stochastic:
    model: Any
    window: tuple[int, int]
    n_paths: int
    seed: int


def _simulate(
    country: Country, n_base_loans: int, n_offer_loans: int, has_overrun: bool,
    st: _Stochastic, label: str,
) -> tuple[StochasticOutlook, StochasticOutlook, StochasticOutlook]:
    """(with the offer, without the offer's loans, with nothing new) on the same shocks.

    ``country.new_loans`` holds the base loans, then the overrun loan (if
    ``has_overrun``), then the offer's ``n_offer_loans`` PPG loans. The offer's
    loans form group 0 and the overrun group 1, so one run gives every variant
    on common random numbers.
    """
    from debttrap.stochastic.from_country import inputs_from_country
    from debttrap.stochastic.kernel import THRESHOLD_OUTPUTS, SimulationInputs
    from debttrap.stochastic.simulate import simulate

    ci = inputs_from_country(country)
    lines = ci.inputs.lines
    first_offer = n_base_loans + (1 if has_overrun else 0)
    group = np.where(lines.group >= first_offer, 0,
                     np.where(lines.group >= n_base_loans, 1, -1)).astype(np.int64)
    lines = dataclasses.replace(lines, group=group)
    inputs = SimulationInputs(ci.inputs.macro, lines, ci.inputs.residual)
    names = {0: "offer", 1: "overrun"}
    res = simulate(
        inputs, st.model, n_paths=st.n_paths, seed=st.seed, thresholds_pct=ci.thresholds_pct,
        offer_names=names, country=ci.country,
    )
    window = (int(res.window_years[0]), int(res.window_years[-1]))

    def outlook(v: Any, name: str) -> StochasticOutlook:
        return StochasticOutlook(
            label=name,
            n_paths=res.n_paths,
            seed=res.seed,
            method=res.method,
            window=window,
            prob_breach_any_pct={k: 100.0 * float(p) for k, p in
                                 zip(THRESHOLD_OUTPUTS, v.prob_breach_any, strict=True)},
            prob_breach_flag_pct={k: 100.0 * float(p) for k, p in
                                  zip(THRESHOLD_OUTPUTS, v.prob_breach_flag, strict=True)},
            prob_external_breach_flag_pct=100.0 * float(v.prob_external_breach_flag),
            prob_distress_pct=100.0 * float(v.prob_distress),
            prob_distress_by_year_pct=read_only_copy(100.0 * np.asarray(v.prob_distress_by_year)),
            years=np.array(res.years, dtype=np.int64),
            distress_rule=res.distress_rule.describe(),
            calibration_window=st.window,
        )

    by_name = {v.name: v for v in res.variants}
    main = outlook(res.main, label)
    nothing = outlook(by_name["no_offer"], "No new offer") if "no_offer" in by_name else main
    if n_offer_loans == 0:
        without = main
    elif not has_overrun:
        without = nothing
    else:
        without = outlook(by_name["without_offer"], f"{label}: without its loans")
    return main, without, nothing


def _size_pct_gdp(loans: tuple[Loan, ...], der: Any) -> float | None:
    """US$ loan commitments as % of GDP in the first signing year (its nearest known year)."""
    if not loans:
        return 0.0
    year = min(ln.signing_year for ln in loans)
    years = np.asarray(der.years, dtype=np.int64)
    gdp = np.asarray(der.nominal_gdp_usd_m, dtype=np.float64)
    ok = np.isfinite(gdp) & (gdp > 0)
    if not ok.any():
        return None
    k = int(np.argmin(np.where(ok, np.abs(years - year), np.iinfo(np.int64).max)))
    return 100.0 * float(sum(ln.amount_m for ln in loans)) / float(gdp[k])


def _indicator_changes(
    reference: DebtOutlook, without: DebtOutlook, with_offer: DebtOutlook, overrun: bool
) -> tuple[IndicatorChange, ...]:
    """What the offer's own loans change in each indicator over the rating window."""
    out = []
    for ind in INDICATORS:
        out.append(indicator_change(
            ind.value, _SHORT[ind], "service" if ind in SERVICE_INDICATORS else "stock",
            with_offer.threshold(ind.value), with_offer.years, with_offer.window_years,
            without.path(ind.value), with_offer.path(ind.value),
            reference.path(ind.value) if overrun else None,
        ))
    return tuple(out)


# ----------------------------------------------------------------------------- the chain


def assess(
    scenario: Any,
    *,
    seed: int | None = None,
    n_paths: int | None = None,
    stochastic: bool = True,
    stochastic_paths: int = DEFAULT_STOCHASTIC_PATHS,
    include_overrun: bool = True,
    income_group: str | None = None,
) -> Assessment:
    """Run the chain for every offer of ``scenario`` beside the no-offer reference.

    ``scenario`` is a :class:`debttrap.io.scenario.Scenario` (anything with its
    attributes: ``name``, ``country``, ``settings``, ``offers``, ``provenance()``).
    ``seed`` and ``n_paths`` (project Monte Carlo paths) default to the
    scenario's settings; ``stochastic_paths`` macro paths are drawn when
    ``stochastic`` is on and the country comes from the bundled data (its
    history calibrates the shocks). ``include_overrun`` adds the expected
    overrun that falls on the budget to the debt path. ``income_group``
    (``ldc``, ``lic``, ``lmic``, ``umic``) sets the OECD-DAC discount rate;
    default: the bundled classification of the country.
    """
    settings = scenario.settings
    seed_ = int(settings.seed if seed is None else seed)
    n_paths_ = int(settings.n_paths if n_paths is None else n_paths)
    if seed_ < 0:
        raise InputError("must be a whole number >= 0", field="seed")
    if n_paths_ < 1:
        raise InputError("must be a whole number >= 1", field="n_paths")
    if stochastic and stochastic_paths < 1:
        raise InputError("must be a whole number >= 1", field="stochastic_paths")

    sources: dict[str, str] = {}
    assumptions: list[str] = []
    notes: list[str] = []
    built: BuiltCountry | None = None
    code: str | None = None
    if isinstance(scenario.country, str):
        code = scenario.country.upper()
        t = settings.first_projection_year or DEFAULT_FIRST_YEAR
        built = build_country(code, t, horizon_years=settings.horizon_years)
        country = built.country
        sources.update({f"country.{k}": v for k, v in built.sources.items()})
        assumptions.extend(built.assumptions)
    else:
        country = scenario.country
        if scenario.country_file:
            sources["country"] = f"country file {scenario.country_file}"
    sources.update(scenario.provenance())

    if income_group is None:
        income_group, ig_source = _income_group(code)
    else:
        ig_source = "given by the user"
    sources["income_group"] = ig_source

    debt_tab, svc_tab = _creditor_tables(country)
    unscheduled = _unscheduled_columns(country, debt_tab)
    if unscheduled:
        assumptions.append(
            "L5 existing debt without a service schedule (not itemised): its service is not "
            "known, so the lender's share of external debt service is not reported in the years "
            "it is outstanding (the lever rule falls back to the share of debt)"
        )
    assumptions.append(
        "L1 PPG external debt by creditor: existing lines carry the principal still to be "
        "repaid, by creditor group; the baseline's projected new borrowing (the LIC-DSF's "
        "new-financing lines) is 'other new borrowing', nobody's claim yet, in every "
        "denominator and in no lender's share; the offer's PPG loans and the project's "
        "overrun borrowing join the denominators after the offer, so they add up to the PPG "
        "external debt and service the DSA carries with the offer"
    )

    der = derive(country)
    years_c = debt_tab.index.to_numpy(dtype=np.int64)
    sl = np.searchsorted(der.years, years_c)
    revenue_usd = pd.Series(
        der.revenue_excl_grants_lcu_m[sl] / der.exchange_rate_avg_lcu_per_usd[sl], index=years_c
    )
    exports_usd = pd.Series(der.exports_usd_m[sl], index=years_c)
    reserves_usd: pd.Series | None = None
    cap = country.capacity
    if cap.reserves_pct_imports is not None:
        imports = pd.Series(country.macro.imports_usd_m, dtype=np.float64).reindex(years_c)
        reserves_usd = imports * cap.reserves_pct_imports / 100.0
        assumptions.append(
            f"L2 FX reserves = {cap.reserves_pct_imports:.1f}% of imports of goods and services "
            "(the country's 10-year average reserve cover, capacity inputs) held constant"
        )
    else:
        assumptions.append("L2 no reserve cover in the country inputs: acceleration is "
                           "compared with exports instead")
    cross = [g for g in _CROSS_DEFAULT_GROUPS if g in debt_tab.columns
             and float(debt_tab[g].sum()) > 0]
    assumptions.append(
        "L3 debts that cross-default with an accelerated loan: "
        + (", ".join(cross) if cross else "none in the country's debt")
        + " (bonds and commercial loans typically carry cross-default clauses)"
    )
    assumptions.append(
        "L4 revenue routed through a lender-controlled account: the project's forecast revenue"
    )
    assumptions.append(
        "D1 an offer's PPG loans (in US$ at the offer's rates) are added to the country's new "
        "loans; a project company's loans (ppg = false) stay outside public debt and are shown "
        "as contingent; grants finance spending without adding debt; budget contributions to "
        "the project are assumed financed within the country's fiscal path"
    )
    if include_overrun:
        assumptions.append(
            "D2 the expected cost overrun that falls on the budget is borrowed on the terms of "
            "the offer's largest PPG loan and enters the debt path (not the lender's share)"
        )

    reference = _outlook("No new offer (reference)", country)
    rating_window = (min(reference.window_years), max(reference.window_years))
    assumptions.append(
        f"L6 leverage peaks (lender shares, pledged revenue, amount due at once) are taken over "
        f"the LIC-DSF rating window {rating_window[0]}-{rating_window[1]}, like the "
        f"indicators; the by-year series run to {country.last_year}"
    )

    st: _Stochastic | None = None
    if stochastic:
        from debttrap.datasets import iso3_for_name
        from debttrap.stochastic.shocks import ShockModel, calibrate_from_history

        hist_code = code if code is not None else iso3_for_name(country.name)
        if hist_code is None:
            notes.append(
                f"stochastic: not run (no bundled history for '{country.name}' to calibrate "
                "the shocks; name the country as in the IMF WEO)"
            )
        else:
            try:
                cal, window = calibrate_from_history(
                    hist_code, country.t, years=CALIBRATION_YEARS
                )
                st = _Stochastic(ShockModel(cal), window, int(stochastic_paths), seed_)
                assumptions.append(
                    f"S1 macro shocks: multivariate normal on {hist_code}'s historical shocks "
                    f"{window[0]}-{window[1]} (WEO, PWT where WEO is missing); "
                    f"{stochastic_paths} paths, seed {seed_}; the same shocks for every offer"
                )
                if window[1] < country.t - 5:
                    notes.append(
                        f"stochastic: the shocks are calibrated on {window[0]}-{window[1]}, the "
                        f"last years with data; later history (up to {country.t - 1}) is not "
                        "in them, so the probabilities may understate today's volatility"
                    )
            except ImportError:
                notes.append("stochastic: not run (the stochastic engine is not installed)")
            except DebtTrapError as exc:
                notes.append(f"stochastic: not run ({exc})")

    ref_stoch: StochasticOutlook | None = None
    results: list[OfferAssessment] = []
    base_loans = tuple(country.new_loans)
    for i, offer in enumerate(scenario.offers):
        o_notes: list[str] = []
        loans = _loan_assessments(offer, income_group)
        ge = package_grant_element_pct(offer) if (offer.loans or offer.grants) else float("nan")
        ge_dac = package_grant_element_pct(offer, method="oecd-dac", income_group=income_group)
        pv_ds = float(sum(ln.pv_debt_service_usd_m for ln in loans))
        grant_eq = float(sum(ln.pv_disbursed_usd_m - ln.pv_debt_service_usd_m for ln in loans))
        grant_eq += offer.grants_usd_m

        econ: ProjectEconomics | None = None
        overrun: Loan | None = None
        if offer.project is not None:
            econ = offer_project_economics(offer, seed=seed_, n_paths=n_paths_)
            if include_overrun:
                overrun, note = _overrun_loan(offer, econ)
                o_notes.append(note)

        ppg_loans = tuple(
            ln for ln, r in zip(offer.loans_in_usd(), offer.roles, strict=True) if r.ppg
        )
        overrun_only = base_loans + ((overrun,) if overrun is not None else ())
        with_offer = country.model_copy(update={"new_loans": overrun_only + ppg_loans})
        outlook = _outlook(offer.name, with_offer)
        # the offer's own effect is measured against the country with the project's overrun
        # (which does not depend on who finances it) but without the offer's loans
        without: DebtOutlook = reference
        if overrun is not None:
            without = _outlook(
                f"{offer.name}: without its loans",
                country.model_copy(update={"new_loans": overrun_only}),
            )
        changes = _indicator_changes(reference, without, outlook, overrun is not None)

        flows = offer_flows(offer, int(years_c[0]), int(years_c[-1]), widen=True)
        proj_rev = None
        if offer.project is not None:
            proj_rev = pd.Series(offer.project.forecast_revenue_usd_m(years_c), index=years_c)
        added_debt, added_service = _loan_book(overrun, years_c)
        exposure = creditor_exposure(
            offer,
            _lender_column(debt_tab, offer.group),
            _lender_column(svc_tab, offer.group),
            government_revenue_usd_m=revenue_usd,
            exports_usd_m=exports_usd,
            reserves_usd_m=reserves_usd,
            project_revenue_usd_m=proj_rev,
            cross_default_creditors=cross,
            service_unknown_creditors=unscheduled,
            flows=flows,
            added_debt_usd_m=added_debt,
            added_service_usd_m=added_service,
            window_years=rating_window,
        )
        profile = clause_profile(offer)
        stoch: StochasticOutlook | None = None
        stoch_without: StochasticOutlook | None = None
        if st is not None:
            stoch, stoch_without, nothing = _simulate(
                with_offer, len(base_loans), len(ppg_loans), overrun is not None, st, offer.name
            )
            if ref_stoch is None and nothing is not None:
                ref_stoch = nothing
        verdict = judge(
            verdict_inputs(
                offer.name,
                adds_debt=bool(ppg_loans),
                ppg_loans_usd_m=float(sum(ln.amount_m for ln in ppg_loans)),
                rating_before=reference.rating_external,
                rating_without_offer=without.rating_external,
                rating_after=outlook.rating_external,
                grant_element_pct=ge,
                indicator_changes=changes,
                prob_distress_pct=None if stoch is None or stoch_without is None
                else (stoch_without.prob_distress_pct, stoch.prob_distress_pct),
                prob_breach_pct=None if stoch is None or stoch_without is None
                else (stoch_without.prob_external_breach_flag_pct,
                      stoch.prob_external_breach_flag_pct),
                exposure=exposure,
                economics=econ,
                offer_size_pct_gdp=_size_pct_gdp(ppg_loans, der),
            )
        )
        results.append(
            OfferAssessment(
                offer=offer,
                index=i,
                loans=loans,
                grant_element_pct=ge,
                grant_element_oecd_dac_pct=ge_dac,
                pv_debt_service_usd_m=pv_ds,
                grant_equivalent_usd_m=grant_eq,
                flows=flows,
                outlook=outlook,
                economics=econ,
                exposure=exposure,
                clauses=profile,
                verdict=verdict,
                stochastic=stoch,
                overrun_loan=overrun,
                notes=tuple(o_notes),
                without_offer=None if overrun is None else without,
                indicator_changes=changes,
                stochastic_without=stoch_without,
            )
        )
    if st is not None and ref_stoch is None:
        ref_stoch, _, _ = _simulate(country, len(base_loans), 0, False, st, "No new offer")

    inputs: dict[str, Any] = {
        "scenario": scenario.name,
        "country": code if code is not None else (scenario.country_file or country.name),
        "first_projection_year": country.t,
        "last_projection_year": country.last_year,
        "income_group": income_group,
        "macro_by_year": {
            "nominal_gdp_usd_m": _by_year(years_c, der.nominal_gdp_usd_m[sl]),
            "exports_usd_m": _by_year(years_c, exports_usd.to_numpy(dtype=np.float64)),
            "revenue_excl_grants_usd_m": _by_year(years_c, revenue_usd.to_numpy(np.float64)),
            "reserves_usd_m": None if reserves_usd is None
            else _by_year(years_c, reserves_usd.to_numpy(dtype=np.float64)),
        },
        "offers": [o.model_dump(mode="json") for o in scenario.offers],
    }
    return Assessment(
        scenario_name=scenario.name,
        description=getattr(scenario, "description", ""),
        country=country,
        reference=reference,
        reference_stochastic=ref_stoch,
        offers=tuple(results),
        creditor_debt_usd_m=debt_tab,
        creditor_service_usd_m=svc_tab,
        settings={
            "seed": seed_,
            "n_paths": n_paths_,
            "stochastic": st is not None,
            "stochastic_paths": int(stochastic_paths) if st is not None else 0,
            "include_overrun": include_overrun,
            "income_group": income_group,
        },
        inputs=inputs,
        sources=sources,
        assumptions=tuple(assumptions),
        notes=tuple(notes),
        service_unknown=tuple(unscheduled),
    )
