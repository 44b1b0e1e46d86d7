"""The standardized tests B1-B6 and the market variants B2.1 and B6.1 (§4.1).

B1 real growth (the deflator falls by 0.6 x the growth shortfall); B2 the
primary balance (needs its history; +25 bp per pp of PB shock on new domestic
debt); B3 US$ export growth (real growth falls with exports); B4 net
transfers and FDI; B5 a one-off depreciation in ``t+1`` with pass-through and
a trade response in ``t+2``; B6 its legs (Input 6 rows 41-58) combined as the
template's B6 sheet does (``_b6_shock``; the B2 leg only with
``b6_primary_balance_leg``).
Market variants (market-access countries only): +100 bp per pp of PB shock
(cap 400 bp) on the external residual debt of the shock years.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from debttrap.dsa.stress.context import StressContext
from debttrap.dsa.stress.scenario import Shock, StressDefinition, StressScenario, apply_shock
from debttrap.dsa.stress.settings import StressSettings
from debttrap.dsa.stress.sizing import (
    SHOCK_YEARS,
    combined_growth_shock,
    depreciation_trade_gap,
    export_shock,
    flows_shock,
    growth_shock,
    primary_balance_gap,
    primary_balance_rates,
    shock_pair,
)

__all__ = ["DEFINITIONS"]

FloatArray = NDArray[np.float64]

NO_PB = (
    "needs the primary-balance history (macro.primary_balance_history_pct_gdp or "
    "stress.primary_balance_mean_pct_gdp/_sd_pct_gdp)"
)
NO_MARKET = "not applicable (market_access is false)"


def b1(ctx: StressContext) -> StressScenario | str:
    g, pi = growth_shock(ctx, ctx.settings.b1_growth_sd)
    return apply_shock(ctx, "B1", "Real GDP growth", Shock(growth_dec=g, deflator_usd_dec=pi))


def _b2_shock(ctx: StressContext, market: bool) -> Shock:
    gap = primary_balance_gap(ctx, ctx.settings.b2_primary_balance_sd)
    dom, ext = primary_balance_rates(ctx, gap)
    return Shock(
        fiscal_gap_lcu_m=gap,
        domestic_extra_rate_dec=dom,
        external_extra_rate_dec=ext if market else 0.0,
    )


def b2(ctx: StressContext) -> StressScenario | str:
    if not ctx.has_pb:
        return NO_PB
    return apply_shock(ctx, "B2", "Primary balance", _b2_shock(ctx, market=False))


def _market_not_run(ctx: StressContext) -> str | None:
    if not ctx.country.market_access:
        return NO_MARKET
    if not ctx.has_pb:
        return f"as B2: {NO_PB}"
    return None


def b2_market(ctx: StressContext) -> StressScenario | str:
    why = _market_not_run(ctx)
    if why is not None:
        return why
    return apply_shock(
        ctx, "B2.1", "Primary balance, market financing", _b2_shock(ctx, market=True)
    )


def _exports_undefined(ctx: StressContext, k: float, setting: str) -> str | None:
    """Why an export shock of ``k`` SDs cannot run, or ``None``: US$ export growth at or
    below -100% in ``t+1`` or ``t+2`` would leave no (or negative) exports, and every ratio
    to exports would be meaningless. The template has no such case for ordinary histories
    (a fall of one SD below the mean stays far above -100%); it arises where the export
    history swings by more than its own level, as estimated exports can."""
    x1, x2 = shock_pair(100 * ctx.x_b[SHOCK_YEARS], ctx.st_x, k, ctx.settings.mode)
    if min(x1, x2) > -100.0:
        return None
    return (
        f"a shock of {k:g} x the standard deviation of US$ export growth over "
        f"t-10 … t-1 ({ctx.st_x.sd:.1f}%, mean {ctx.st_x.mean:.1f}%) gives export growth of "
        f"{x1:.0f}% in t+1 and {x2:.0f}% in t+2, which leaves no exports; a smaller "
        f"stress.{setting} runs it"
    )


def b3(ctx: StressContext) -> StressScenario | str:
    why = _exports_undefined(ctx, ctx.settings.b3_exports_sd, "b3_exports_sd")
    if why is not None:
        return why
    x, g, gap = export_shock(ctx, ctx.settings.b3_exports_sd)
    sh = Shock(growth_dec=g, export_growth_dec=x, bop_gap_usd_m=gap, finance_lost_revenue=False)
    return apply_shock(ctx, "B3", "Exports", sh)


def b4(ctx: StressContext) -> StressScenario | str:
    s = ctx.settings
    gap = flows_shock(ctx, s.b4_transfers_sd, s.b4_fdi_sd)
    return apply_shock(ctx, "B4", "Other flows", Shock(bop_gap_usd_m=gap))


def b5(ctx: StressContext) -> StressScenario | str:
    dep = ctx.settings.b5_depreciation_pct / 100.0
    pt = ctx.passthrough
    sh = Shock(
        depreciation_dec=dep, passthrough=pt, bop_gap_usd_m=depreciation_trade_gap(ctx, dep, pt)
    )
    return apply_shock(ctx, "B5", "Depreciation", sh)


@dataclass(frozen=True, slots=True)
class B6Legs:
    """B6's leg sizes (SDs; depreciation as a decimal): Input 6 rows 41-58, each by default
    the template's formula, half the stand-alone size (``combination_factor`` x it)."""

    growth_sd: float
    exports_sd: float
    primary_balance_sd: float
    transfers_sd: float
    fdi_sd: float
    depreciation_dec: float


def b6_legs(s: StressSettings) -> B6Legs:
    half = s.combination_factor

    def leg(own: float | None, standalone: float) -> float:
        return half * standalone if own is None else own

    dep = (
        half * (s.b5_depreciation_pct / 100.0)
        if s.b6_depreciation_pct is None
        else s.b6_depreciation_pct / 100.0
    )
    return B6Legs(
        growth_sd=leg(s.b6_growth_sd, s.b1_growth_sd),
        exports_sd=leg(s.b6_exports_sd, s.b3_exports_sd),
        primary_balance_sd=leg(s.b6_primary_balance_sd, s.b2_primary_balance_sd),
        transfers_sd=leg(s.b6_transfers_sd, s.b4_transfers_sd),
        fdi_sd=leg(s.b6_fdi_sd, s.b4_fdi_sd),
        depreciation_dec=dep,
    )


def _b6_shock(ctx: StressContext, market: bool) -> Shock:
    """B6 as the template combines its legs (Input 6 rows 41-58; docs/dsa.md, B6).

    Growth: in ``t+1`` the lowest of the growth leg's arms and the export arm
    (baseline growth + C44 x shocked export growth x exports/GDP), in ``t+2`` the
    growth leg; the US$ deflator falls with the growth shortfall and, in ``t+1``, by the
    pass-through x (the depreciation leg minus the baseline's own depreciation), so the
    leg does not lower US$ GDP as B5 does. Balance of payments: ``t+1`` finances the
    export shortfall and the flows, whose shocked ratios apply to the shocked GDP; in
    ``t+2`` (depreciation leg on) the trade row is B5's (trade response only, no export
    shortfall) and FDI takes the transfers leg's size, as the template's B6 sheet does.
    """
    legs = b6_legs(ctx.settings)
    s = ctx.settings
    dep = legs.depreciation_dec
    pt = ctx.passthrough
    x, _, gap_x = export_shock(ctx, legs.exports_sd, 0.0)
    g, pi = combined_growth_shock(ctx, legs.growth_sd, legs.exports_sd, x)
    rel_pub = np.cumprod((1 + g) * (1 + pi) / ((1 + ctx.g_b) * (1 + ctx.pi_b)))
    if dep > 0:  # no leg, no term (a zero-size B6 stays on the baseline)
        pi[1] += pt * ((1.0 - ctx.fxa_b[0] / ctx.fxa_b[1]) - dep)
        gap_x[2] = 0.0
    flows = flows_shock(ctx, legs.transfers_sd, legs.fdi_sd, legs.transfers_sd)
    rel = np.cumprod((1 + g) * (1 + pi) / ((1 + ctx.g_b) * (1 + ctx.pi_b)))
    inflows_pct = 100 * (ctx.base_tr + ctx.base_fdi) / ctx.gdp_b - 100 * flows / ctx.gdp_b
    flows[1] += inflows_pct[1] / 100 * ctx.gdp_b[1] * (1 - rel[1])
    gap = gap_x + flows + depreciation_trade_gap(ctx, dep, pt)
    if dep > 0 and ctx.n > 2:
        # t+2's trade row is the baseline's deficit as a ratio to GDP, on B6's own GDP
        trade_b = (ctx.der.imports_usd_m[ctx.ti + 2] - ctx.exp_b[2]) / ctx.gdp_b[2]
        gap[2] += trade_b * ctx.gdp_b[2] * (rel[2] - 1.0)
    # the public block keeps B1 and B5's rules: LCU GDP grows with real growth, the B1
    # deflator and the pass-through of the depreciation (the template's public B6 rises as
    # its B1 and B5 do; its external sheet's US$ GDP is the one above)
    dep_path = np.where(np.arange(ctx.n) >= 1, dep, 0.0)
    gdp_lcu_pub = ctx.gdp_lcu_b * rel_pub * (1 - (1 - pt) * dep_path) * (1 + dep_path)
    pb = primary_balance_gap(ctx, legs.primary_balance_sd) if ctx.has_pb else None
    fiscal = pb if s.b6_primary_balance_leg else None
    rates = primary_balance_rates(ctx, pb) if pb is not None else (0.0, 0.0)
    return Shock(
        growth_dec=g,
        deflator_usd_dec=pi,
        export_growth_dec=x,
        depreciation_dec=dep,
        passthrough=1.0,  # the leg's effect on US$ GDP is in the deflator above
        public_gdp_lcu_m=gdp_lcu_pub,
        bop_gap_usd_m=gap,
        fiscal_gap_lcu_m=fiscal,
        domestic_extra_rate_dec=rates[0] if fiscal is not None else 0.0,
        external_extra_rate_dec=rates[1] if market else 0.0,
    )


def _b6_scenario(ctx: StressContext, code: str, label: str, market: bool) -> StressScenario:
    """With the depreciation leg on, the template's B6 divides PV by the exports of its
    trade row, which in ``t+2`` is B5's: the baseline's exports (debt service/exports keeps
    the shocked exports)."""
    sc = apply_shock(ctx, code, label, _b6_shock(ctx, market))
    if b6_legs(ctx.settings).depreciation_dec > 0 and ctx.n > 2:
        den = sc.inputs.exports_usd_m.copy()
        den[2] = ctx.exp_b[2]
        sc = replace(sc, inputs=sc.inputs.replace(pv_exports_usd_m=den))
    return sc


def _b6_not_run(ctx: StressContext) -> str | None:
    return _exports_undefined(ctx, b6_legs(ctx.settings).exports_sd, "b6_exports_sd")


def b6(ctx: StressContext) -> StressScenario | str:
    why = _b6_not_run(ctx)
    if why is not None:
        return why
    return _b6_scenario(ctx, "B6", "Combination of B1-B5", market=False)


def b6_market(ctx: StressContext) -> StressScenario | str:
    why = _market_not_run(ctx) or _b6_not_run(ctx)
    if why is not None:
        return why
    return _b6_scenario(ctx, "B6.1", "Combination of B1-B5, market financing", market=True)


DEFINITIONS: tuple[StressDefinition, ...] = (
    StressDefinition("B1", b1),
    StressDefinition("B2", b2),
    StressDefinition("B2.1", b2_market),
    StressDefinition("B3", b3),
    StressDefinition("B4", b4),
    StressDefinition("B5", b5),
    StressDefinition("B6", b6),
    StressDefinition("B6.1", b6_market),
)
