"""What the workbench shows: HTML fragments and plotly figures of an assessment.

The fragments reuse the report's pieces (headline, charts) so the page and the
downloaded report say the same thing.
"""

from __future__ import annotations

import json
from typing import Any

from debttrap.assess import Assessment
from debttrap.terms.offer import Offer

__all__ = ["assessment_json", "loan_rows", "result_fragments"]


def assessment_json(result: Assessment) -> str:
    """What ``debttrap assess --json`` prints, for the download."""
    from debttrap._numeric import jsonable

    return json.dumps(jsonable(result.to_dict()), indent=2) + "\n"


def _table_html(result: Assessment) -> str:
    from debttrap.report.html import table_html
    from debttrap.report.words import plain_words

    frame = result.summary_table().map(lambda v: plain_words(v) if isinstance(v, str) else v)
    frame.index.name = "Measure"
    return table_html(frame)


def result_fragments(result: Assessment, rid: str, index: int = 0) -> dict[str, Any]:
    """The verdicts, the side-by-side table, the figures (plotly JSON) and download links.

    ``index``: the offer on screen, whose fan charts are drawn.
    """
    from debttrap._display import dsa_html_summary
    from debttrap.report.assessment import (
        headline_html,
        indicator_figure,
        offer_fan_figure,
        probability_figure,
    )

    figures = [{"id": "fig-indicators", "title": "Debt indicators, baseline, by variant",
                "json": indicator_figure(result).to_json()}]
    k = index if 0 <= index < len(result.offers) else 0
    fan = offer_fan_figure(result, k) if result.offers else None
    if fan is not None:
        st = result.offers[k].stochastic
        paths = f"{st.n_paths:,} joint macro paths" if st is not None else "simulated paths"
        figures.append({"id": "fig-fans",
                        "title": f"Fan charts with {result.offers[k].name} ({paths})",
                        "json": fan.to_json()})
    prob = probability_figure(result)
    if prob is not None:
        figures.append({"id": "fig-probabilities",
                        "title": "Probability of a breach and of distress (same shocks for all)",
                        "json": prob.to_json()})
    return {
        "verdict_html": headline_html(result),
        "verdicts": {o.name: o.verdict.trap_risk.value for o in result.offers},
        "table_html": _table_html(result),
        "notes": list(result.summary_notes()),
        "dsa_html": dsa_html_summary(result.reference.dsa),
        "figures": figures,
        "downloads": {name: f"/download/{rid}/{name}"
                      for name in ("report.html", "assessment.json", "workbook.xlsx")},
    }


def loan_rows(offer: Offer) -> list[dict[str, Any]]:
    """Each loan's current values for the form."""
    rows = []
    fx = offer.usd_per_unit().tolist() if offer.loans else []
    for i, loan in enumerate(offer.loans):
        interest = loan.interest.model_dump(mode="json")
        clauses = loan.clauses.model_dump(mode="json")
        ticked = {
            f"acceleration.{k}": bool(v) for k, v in clauses.get("acceleration", {}).items()
        }
        ticked.update({k: bool(v) for k, v in clauses.items() if isinstance(v, bool)})
        rows.append({
            "i": i, "name": loan.name, "currency": loan.currency, "amount_m": loan.amount_m,
            "fx_usd_per_unit": float(fx[i]), "kind": interest["kind"],
            "rate_pct": interest.get("rate_pct", ""),
            "margin_pct": interest.get("margin_pct", ""),
            "index_pct": interest.get("default_index_pct", ""),
            "describe": loan.interest.describe(),
            "grace_years": loan.grace_years, "maturity_years": loan.maturity_years,
            "management_fee_pct": loan.management_fee_pct,
            "commitment_fee_pct": loan.commitment_fee_pct,
            "amortization": loan.amortization.value,
            "disbursement_shares": ", ".join(f"{s:g}" for s in loan.disbursement_shares),
            "ticked": ticked,
        })
    return rows
