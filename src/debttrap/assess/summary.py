"""The side-by-side comparison: one column per variant, as numbers or as text to read."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from debttrap._numeric import finite_or_none as _f
from debttrap._numeric import format_number as _num
from debttrap.assess.labels import _SHORT, _TINY
from debttrap.dsa.indicators import INDICATORS, SERVICE_INDICATORS, Indicator

if TYPE_CHECKING:
    from debttrap.assess.results import DebtOutlook, OfferAssessment, StochasticOutlook

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
    """One column of the side-by-side table: the offer, the debt, the project, the lever."""
    return {
        **_offer_rows(o),
        **_debt_rows(outlook, o, st, service_unknown),
        **_project_rows(o),
        **_lever_rows(o),
    }


def _offer_rows(o: OfferAssessment | None) -> dict[str, Any]:
    if o is None:
        return dict.fromkeys(("Trap risk", "Loans / grants, US$ m", "Grant element IMF / DAC, %",
                              "PV of service at 5%, US$ m"), "–")
    return {
        "Trap risk": o.verdict.trap_risk.value,
        "Loans / grants, US$ m": f"{o.offer.loans_usd_m:,.0f} / {o.offer.grants_usd_m:,.0f}",
        "Grant element IMF / DAC, %": (
            f"{o.grant_element_pct:.1f} / {o.grant_element_oecd_dac_pct:.1f}"
        ),
        "PV of service at 5%, US$ m": f"{o.pv_debt_service_usd_m:,.0f}",
    }


def _debt_rows(
    outlook: DebtOutlook, o: OfferAssessment | None, st: StochasticOutlook | None,
    service_unknown: bool,
) -> dict[str, Any]:
    col: dict[str, Any] = {}
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
    return col


def _project_rows(o: OfferAssessment | None) -> dict[str, Any]:
    col: dict[str, Any] = {}
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
    return col


def _lever_rows(o: OfferAssessment | None) -> dict[str, Any]:
    col: dict[str, Any] = {}
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
