"""The example cases run ex post: with what happened, for the tests against history.

The examples are ex ante (``settings.decision_year``; ``test_ex_ante.py``). The tests
that check the chain against what happened (Hambantota's port never covered its debt
service, Laos passed 100% of GDP, Zambia's Chinese share near 40%) need the realised
world instead: :func:`ex_post` drops the decision year, moves the first projection year
to the year after the decision and puts the project's realised revenue in place of the
forecast, with its demand risk realised (sigma 0). The realised values and their sources
are in ``tests/reference/assess/ex-post.toml``.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from debttrap.io.scenario import Scenario, load_scenario
from debttrap.terms.offer import Offer
from debttrap.terms.project import Project

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
REFERENCE = Path(__file__).resolve().parents[1] / "reference" / "assess" / "ex-post.toml"


def _realised(offer: Offer, spec: dict[str, Any]) -> Offer:
    if offer.project is None or "project" not in spec:
        return offer
    p = spec["project"]
    project = Project.model_validate(
        offer.project.model_dump()
        | {
            "revenue_usd_m": p["revenue_usd_m"],
            "operating_cost_usd_m": p["operating_cost_usd_m"],
            "demand_prior": {
                "median_ratio": 1.0,
                "sigma": 0.0,
                "source": "ex post: the revenue is the outturn, demand risk realised",
                "verified": True,
            },
            "sources": {**offer.project.sources, "revenue_usd_m": p["source"]},
        }
    )
    return offer.model_copy(update={"project": project})


def ex_post(name: str) -> Scenario:
    """The example ``name`` with what happened in place of what was known at the decision."""
    spec = tomllib.loads(REFERENCE.read_text(encoding="utf-8"))[name]
    s = load_scenario(EXAMPLES / name)
    settings = s.settings.model_copy(
        update={"decision_year": None, "first_projection_year": spec["first_projection_year"]}
    )
    offers = tuple(_realised(o, spec) for o in s.offers)
    return s.model_copy(update={"settings": settings, "offers": offers})
