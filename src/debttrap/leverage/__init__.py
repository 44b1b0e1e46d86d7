"""Creditor leverage: what the lender can do with the debt, and whether the project pays.

* :mod:`~debttrap.leverage.flows` — an offer's loans and grants in US$ by calendar year;
* :mod:`~debttrap.leverage.project` — project economics by Monte Carlo (cost, DSCR);
* :mod:`~debttrap.leverage.exposure` — creditor shares, pledged revenue, acceleration,
  restructuring and collateral, before and after the offer;
* :mod:`~debttrap.leverage.clauses` — clause profiles beside "How China Lends";
* :mod:`~debttrap.leverage.verdict` — the explicit trap-risk rules.
"""

from debttrap.leverage.clauses import (
    ClauseProfile,
    LenderKind,
    clause_probabilities,
    clause_profile,
    hcl_table,
    sample_clause_profiles,
    typical_clauses,
)
from debttrap.leverage.exposure import (
    TRIGGERS,
    Exposure,
    ExposureSummary,
    creditor_exposure,
    share_pct,
)
from debttrap.leverage.flows import OfferFlows, offer_flows, package_grant_element_pct
from debttrap.leverage.project import ProjectEconomics, offer_project_economics, project_economics
from debttrap.leverage.verdict import (
    IndicatorChange,
    RuleOutcome,
    Thresholds,
    TrapRisk,
    Verdict,
    VerdictInputs,
    indicator_change,
    judge,
    verdict_inputs,
)

__all__ = [
    "TRIGGERS",
    "ClauseProfile",
    "Exposure",
    "ExposureSummary",
    "IndicatorChange",
    "LenderKind",
    "OfferFlows",
    "ProjectEconomics",
    "RuleOutcome",
    "Thresholds",
    "TrapRisk",
    "Verdict",
    "VerdictInputs",
    "clause_probabilities",
    "clause_profile",
    "creditor_exposure",
    "hcl_table",
    "indicator_change",
    "judge",
    "offer_flows",
    "offer_project_economics",
    "package_grant_element_pct",
    "project_economics",
    "sample_clause_profiles",
    "share_pct",
    "typical_clauses",
    "verdict_inputs",
]
