"""The tailored tests C1-C4 (§4.2).

C1 contingent liabilities: a one-off ``x`` % of GDP in ``t+1``, financed like
a fiscal gap. C2 natural disaster: a one-off flow in ``t+1`` (financed like
C1), real growth and export growth lower in ``t+1`` (denominators only, as in
the template). C3 commodity prices (:mod:`.commodity`). C4 market financing:
new market borrowing in ``t+1 … t+3`` on stressed terms and a depreciation.
"""

from __future__ import annotations

import numpy as np

from debttrap.dsa.stress.commodity import commodity_shock
from debttrap.dsa.stress.context import StressContext
from debttrap.dsa.stress.scenario import Shock, StressDefinition, StressScenario, apply_shock

__all__ = ["DEFINITIONS"]


def c1(ctx: StressContext) -> StressScenario | str:
    gap = np.zeros(ctx.n)
    gap[1] = ctx.country.tailored.contingent_liabilities_pct_gdp / 100 * ctx.gdp_lcu_b[1]
    sh = Shock(fiscal_gap_lcu_m=gap, gap_is_deficit=False)
    return apply_shock(ctx, "C1", "Combined contingent liabilities", sh)


def c2(ctx: StressContext) -> StressScenario | str:
    """The export loss only lowers the denominators: the template does not finance it
    abroad (financing it put 2025 PV/GDP 1.3 pp above the disaster overlays)."""
    tl = ctx.country.tailored
    s = ctx.settings
    if not tl.natural_disaster:
        return "not applicable (tailored.natural_disaster is false)"
    gap = np.zeros(ctx.n)
    gap[1] = tl.natural_disaster_shock_pct_gdp / 100 * ctx.gdp_lcu_b[1]
    g = ctx.g_b.copy()
    g[1] -= s.natural_disaster_growth_pp / 100
    x = ctx.x_b.copy()
    x[1] -= s.natural_disaster_exports_pp / 100
    sh = Shock(growth_dec=g, export_growth_dec=x, fiscal_gap_lcu_m=gap, gap_is_deficit=False)
    return apply_shock(ctx, "C2", "Natural disaster", sh)


def c3(ctx: StressContext) -> StressScenario | str:
    c = commodity_shock(
        ctx.country, ctx.settings, ctx.exp_b, ctx.gdp_b, ctx.x_b, ctx.pi_b, ctx.g_b, ctx.rev_ratio
    )
    if isinstance(c, str):
        return c
    # the export loss is financed in the shock years t+1, t+2; after them the template's C3
    # sheet keeps the baseline's trade deficit as a ratio to GDP, on C3's own (lower) GDP, so
    # the later export loss is not financed and the lower GDP trims the deficit
    gap = ctx.exp_b * (1.0 - c.export_level)
    rel = np.cumprod(
        (1 + c.real_growth_dec) * (1 + c.deflator_usd_dec) / ((1 + ctx.g_b) * (1 + ctx.pi_b))
    )
    trade_b = ctx.der.imports_usd_m[ctx.ti : ctx.ti + ctx.n] - ctx.exp_b
    gap[3:] = (trade_b * (rel - 1.0))[3:]
    sh = Shock(
        growth_dec=c.real_growth_dec,
        deflator_usd_dec=c.deflator_usd_dec,
        export_growth_dec=c.export_growth_dec,
        revenue_ratio=c.revenue_ratio,
        bop_gap_usd_m=gap,
        notes=(
            f"price fall {100 * c.price_fall_decimal:.1f} % in t+1 on "
            f"{c.exports_share_pct:.1f} % of exports",
        ),
    )
    return apply_shock(ctx, "C3", "Commodity price", sh)


def c4(ctx: StressContext) -> StressScenario | str:
    s = ctx.settings
    if not ctx.country.tailored.market_financing:
        return "not applicable (tailored.market_financing is false)"
    # the template's C4 depreciation lowers US$ GDP only (PV/GDP's denominator): debt, debt
    # service, exports, revenue and the public block keep their unshocked values
    sh = Shock(
        depreciation_dec=s.market_depreciation_pct / 100.0,
        passthrough=s.market_fx_passthrough,
        usd_gdp_only=True,
        market=True,
        finance_lost_revenue=False,
    )
    return apply_shock(ctx, "C4", "Market financing", sh)


DEFINITIONS: tuple[StressDefinition, ...] = (
    StressDefinition("C1", c1),
    StressDefinition("C2", c2),
    StressDefinition("C3", c3),
    StressDefinition("C4", c4),
)
