"""The trap-risk verdict: explicit rules over plain numbers, low / moderate / high.

Each rule reads one or two numbers of a :class:`VerdictInputs` record (the
assessment supplies them: the DSA rating before and after, the grant
element, what the offer's own financing does to each LIC-DSF indicator and
to the probability of distress, the exposure and project figures), compares
them with a published threshold or a documented judgement
(:class:`Thresholds`), and says whether it *fired*, *passed* or could *not be
evaluated* (input missing), with the numbers.

The debt rules are **marginal**: they judge what the offer itself does, not
the state the country is in. A country already at high risk of debt distress
is not a reason to condemn an offer; borrowing on non-concessional terms in
that state is (the IMF Debt Limits Policy sets a zero limit on it), and so is
an offer that worsens the rating, raises an indicator by as much as the shocks
that typically trigger a downgrade, creates a new breach, or raises the
probability of distress. A grant that adds no debt fires none of them. The
verdict is then mechanical:

* **high** — a rule of high severity fired (or, only where
  ``Thresholds.moderate_rules_for_high`` is set for a sensitivity run, that many
  families of moderate rules);
* **moderate** — a moderate rule fired and none of high severity;
* **low** — no rule fired: the offer is judged safe on every rule evaluated.

The rules test the "debt-trap" claim both ways: an offer with concessional
terms, no lever clauses and a project that pays for itself passes every rule.
Non-financial conditions are never scored. The rule set, thresholds and their
sources are documented in ``docs/method.md``.

The records are in :mod:`debttrap.leverage.verdict_model`, the rules in
:mod:`debttrap.leverage.rules`; this module applies them (:func:`judge`,
:func:`judge_clause_draws`), fills the inputs (:func:`verdict_inputs`) and
re-exports the names a caller needs.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from debttrap.conventions import Risk
from debttrap.leverage.exposure import Exposure, ExposureSummary
from debttrap.leverage.rules import RULES, combine, not_scored_if_negligible
from debttrap.leverage.verdict_model import (
    ClauseSensitivity,
    IndicatorChange,
    RuleOutcome,
    Thresholds,
    TrapRisk,
    Verdict,
    VerdictInputs,
    indicator_change,
)

__all__ = [
    "RULES",
    "ClauseSensitivity",
    "IndicatorChange",
    "RuleOutcome",
    "Thresholds",
    "TrapRisk",
    "Verdict",
    "VerdictInputs",
    "indicator_change",
    "judge",
    "judge_clause_draws",
    "trap_risk_of",
    "verdict_inputs",
]


def trap_risk_of(checks: Sequence[RuleOutcome], thresholds: Thresholds | None = None) -> TrapRisk:
    """The verdict a set of rule outcomes gives (the combination :func:`judge` applies)."""
    return combine(tuple(checks), thresholds if thresholds is not None else Thresholds())


def judge(inputs: VerdictInputs, thresholds: Thresholds | None = None) -> Verdict:
    """Apply every rule to ``inputs``; the verdict is the most severe rule that fired.

    An offer negligible against the economy (``offer_size_pct_gdp`` below
    ``negligible_pct_gdp``) fires no rule. Moderates escalate to high only when
    ``moderate_rules_for_high`` is set, counting each family of rules once.
    """
    t = thresholds if thresholds is not None else Thresholds()
    checks = tuple(not_scored_if_negligible(rule(inputs, t), inputs, t) for rule in RULES)
    return Verdict(offer=inputs.offer, trap_risk=combine(checks, t), checks=checks)


_RANK: dict[str | None, int] = {None: 0, "moderate": 1, "high": 2}

#: Probability-weighted figures reported over the clause draws (VerdictInputs fields).
_EXPECTED = (
    "offer_accelerable_pct_of_reserves_peak",
    "offer_accelerable_pct_of_exports_peak",
    "pledged_pct_of_revenue_peak",
    "pledged_pct_of_exports_peak",
)


def _state_of(c: RuleOutcome) -> str:
    return c.status.replace("_", " ") + (f" ({c.severity})" if c.severity else "")


def judge_clause_draws(
    draws: Sequence[tuple[VerdictInputs, float]],
    *,
    without_typical: VerdictInputs,
    with_typical: VerdictInputs,
    n_draws: int,
    thresholds: Thresholds | None = None,
) -> Verdict:
    """The verdict when some clauses are only typical: each rule at its median severity.

    ``draws`` are the inputs of each distinct contract profile drawn from the typical
    clause frequencies, with its weight (weights add up to 1). A rule fires at the
    most severe level it reaches in more than half of the draws (more likely than
    not); its detail says how often it fires, and what it is on the contract text
    and standard terms alone and with every typical clause. The verdict is then
    combined as :func:`judge` does; :attr:`Verdict.clauses` carries the verdict
    without and with the typical clauses and its distribution over the draws.
    """
    if not draws:
        raise ValueError("no clause draws")
    t = thresholds if thresholds is not None else Thresholds()
    judged = [(judge(i, t), w) for i, w in draws]
    doc, typ = judge(without_typical, t), judge(with_typical, t)
    checks: list[RuleOutcome] = []
    fired_pct: dict[str, float] = {}
    for j, base in enumerate(doc.checks):
        outs = [(v.checks[j], w) for v, w in judged]
        p_mod = sum(w for c, w in outs if _RANK[c.severity] >= 1 and c.status == "fired")
        p_high = sum(w for c, w in outs if c.severity == "high" and c.status == "fired")
        level = 2 if p_high > 0.5 else 1 if p_mod > 0.5 else 0
        same = [(c, w) for c, w in outs
                if (_RANK[c.severity] if c.status == "fired" else 0) == level]
        rep = max(same, key=lambda cw: cw[1])[0] if same else base
        fired_pct[base.rule] = 100.0 * p_mod
        states = {(c.status, c.severity) for c, _ in outs} | {
            (base.status, base.severity), (typ.checks[j].status, typ.checks[j].severity)}
        if len(states) > 1:
            rep = dataclasses.replace(rep, detail=(
                f"{rep.detail}. Clause evidence: fires in {100.0 * p_mod:.0f}% of "
                f"{n_draws:,} contract profiles drawn at the typical clauses' published "
                f"frequencies ({100.0 * p_high:.0f}% high); on the contract text and standard "
                f"terms alone: {_state_of(base)}; with every typical clause: "
                f"{_state_of(typ.checks[j])}"))
        checks.append(rep)
    dist = {r.value: 0.0 for r in TrapRisk}
    for v, w in judged:
        dist[v.trap_risk.value] += 100.0 * w
    expected: dict[str, float | None] = {}
    for name in _EXPECTED:
        vals = [(getattr(i, name), w) for i, w in draws]
        known = [(float(x), w) for x, w in vals if x is not None]
        total = sum(w for _, w in known)
        expected[name] = (sum(x * w for x, w in known) / total) if total > 0 else None
    out = tuple(checks)
    return Verdict(
        offer=without_typical.offer, trap_risk=combine(out, t), checks=out,
        clauses=ClauseSensitivity(
            without_typical=doc.trap_risk, with_typical=typ.trap_risk,
            distribution_pct=dist, rule_fired_pct=fired_pct, expected=expected,
            n_draws=n_draws,
        ),
    )


def verdict_inputs(
    offer: str,
    *,
    adds_debt: bool | None = None,
    ppg_loans_usd_m: float | None = None,
    rating_before: Risk | str | None = None,
    rating_without_offer: Risk | str | None = None,
    rating_after: Risk | str | None = None,
    grant_element_pct: float | None = None,
    indicator_changes: tuple[IndicatorChange, ...] = (),
    prob_distress_pct: tuple[float, float] | None = None,
    prob_breach_pct: tuple[float, float] | None = None,
    exposure: Exposure | ExposureSummary | None = None,
    economics: Any = None,
    clauses_no_paris_club: bool | None = None,
    clauses_cross_default: bool | None = None,
    offer_size_pct_gdp: float | None = None,
) -> VerdictInputs:
    """Fill a :class:`VerdictInputs` from the leverage results of one offer.

    ``exposure`` is a :class:`~debttrap.leverage.exposure.Exposure` or its typed
    :class:`~debttrap.leverage.exposure.ExposureSummary` (or None),
    ``economics`` a :class:`~debttrap.leverage.project.ProjectEconomics` (or
    None). ``prob_distress_pct`` and ``prob_breach_pct`` are (without the offer,
    with it) on the same macro paths. Clause flags default to the exposure's
    (any PPG loan of the offer).
    """
    data: dict[str, Any] = {
        "offer": offer,
        "adds_debt": adds_debt,
        "ppg_loans_usd_m": ppg_loans_usd_m,
        "rating_before": rating_before,
        "rating_without_offer": rating_without_offer,
        "rating_after": rating_after,
        "grant_element_pct": grant_element_pct,
        "indicator_changes": tuple(indicator_changes),
        "offer_size_pct_gdp": offer_size_pct_gdp,
    }
    if prob_distress_pct is not None:
        data["prob_distress_without_pct"], data["prob_distress_with_pct"] = prob_distress_pct
    if prob_breach_pct is not None:
        data["prob_breach_without_pct"], data["prob_breach_with_pct"] = prob_breach_pct
    if exposure is not None:
        x = exposure.summary() if isinstance(exposure, Exposure) else exposure
        data.update(
            offer_service_share_peak_pct=x.offer_service_share_peak_pct,
            offer_debt_share_peak_pct=x.offer_debt_share_peak_pct,
            offer_accelerable_pct_of_reserves_peak=x.offer_accelerable_pct_of_reserves_peak,
            offer_accelerable_pct_of_exports_peak=x.offer_accelerable_pct_of_exports_peak,
            lender_service_share_before_peak_pct=x.lender_service_share_before_peak_pct,
            lender_debt_share_before_peak_pct=x.lender_debt_share_before_peak_pct,
            lender_service_share_after_peak_pct=x.lender_service_share_after_peak_pct,
            lender_debt_share_after_peak_pct=x.lender_debt_share_after_peak_pct,
            service_share_note=x.service_share_note,
            lever_clauses=x.lever_clauses,
            pledged_pct_of_revenue_peak=x.pledged_pct_of_revenue_peak,
            pledged_pct_of_exports_peak=x.pledged_pct_of_exports_peak,
            acceleration_pct_of_reserves_peak=x.acceleration_pct_of_reserves_peak,
            acceleration_pct_of_exports_peak=x.acceleration_pct_of_exports_peak,
            no_paris_club=x.keeps_out_of_restructuring,
            cross_default=x.cross_default,
        )
    if economics is not None:
        s = economics.summary()
        data.update(
            project_dscr_p50_lifetime=s["dscr_p50_lifetime"],
            prob_self_service_pct=s["prob_self_service_pct"],
            overrun_probability_pct=s.get("prob_overrun_pct"),
            overrun_expected_usd_m=s.get("overrun_borrowed_mean_usd_m"),
            overrun_p90_usd_m=s.get("overrun_borrowed_p90_usd_m"),
        )
    if clauses_no_paris_club is not None:
        data["no_paris_club"] = clauses_no_paris_club
    if clauses_cross_default is not None:
        data["cross_default"] = clauses_cross_default
    return VerdictInputs.model_validate(data)
