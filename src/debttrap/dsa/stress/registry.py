"""The stress tests a DSA runs, in the template's order, and the batch builder.

Each family module (:mod:`.standard`, :mod:`.tailored`, :mod:`.alternative`)
lists its tests as :class:`~debttrap.dsa.stress.scenario.StressDefinition`
entries in ``DEFINITIONS``; this registry joins them, so adding a test touches
its family's module only.
"""

from __future__ import annotations

from debttrap.cashflows.unit_loan import unit_loan_profiles
from debttrap.country.model import Country
from debttrap.dsa.paths import BaselineSetup, PathInputs
from debttrap.dsa.stress import alternative, standard, tailored
from debttrap.dsa.stress.context import StressContext, stress_context
from debttrap.dsa.stress.scenario import StressDefinition, StressScenario
from debttrap.dsa.stress.settings import StressSettings

__all__ = ["STRESS_DEFINITIONS", "build_scenarios"]

#: every stress test, in the order the template lists them (B, then C, then A)
STRESS_DEFINITIONS: tuple[StressDefinition, ...] = (
    *standard.DEFINITIONS,
    *tailored.DEFINITIONS,
    *alternative.DEFINITIONS,
)


def _assumptions(ctx: StressContext, skipped: dict[str, str]) -> dict[str, object]:
    """What the tests assumed (residual terms, shares, shock statistics) and what was not run."""
    s = ctx.settings
    res = ctx.res
    # the residual unit's flows come from the baseline setup's engine run (one row of it;
    # the unit's own row is the same whatever else is in the batch): only the PV is new
    units = unit_loan_profiles(ctx.setup.basis.terms, 1, s.residual_discount_rate_pct / 100.0)
    return {
        "residual_terms": {
            "interest_rate_pct": 100 * res.rate_dec,
            "grace_years": res.grace_years,
            "maturity_years": res.maturity_years,
            "grant_element_pct": 100.0 * (1.0 - float(units.pv[ctx.res_idx, 0])),
            "grant_element_discount_rate_pct": s.residual_discount_rate_pct,
        },
        "residual_external_share": ctx.share_ext,
        "shock_stats": {
            "real_gdp_growth_pct": [ctx.st_g.mean, ctx.st_g.sd],
            "exports_growth_usd_pct": [ctx.st_x.mean, ctx.st_x.sd],
            "transfers_pct_gdp": [ctx.st_tr.mean, ctx.st_tr.sd],
            "fdi_pct_gdp": [ctx.st_fdi.mean, ctx.st_fdi.sd],
            "primary_balance_pct_gdp": [ctx.st_pb.mean, ctx.st_pb.sd],
        },
        "not_run": skipped,
    }


def build_scenarios(
    country: Country, settings: StressSettings
) -> tuple[BaselineSetup, PathInputs, list[StressScenario], dict[str, object]]:
    """The baseline setup, its inputs, one :class:`StressScenario` per applicable stress test, and
    the assumptions (``not_run`` says why a test was skipped)."""
    ctx = stress_context(country, settings)
    scenarios: list[StressScenario] = []
    skipped: dict[str, str] = {}
    for definition in STRESS_DEFINITIONS:
        out = definition.build(ctx)
        if isinstance(out, str):
            skipped[definition.code] = out
        else:
            scenarios.append(out)
    return ctx.setup, ctx.base, scenarios, _assumptions(ctx, skipped)
