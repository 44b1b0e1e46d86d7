"""The alternative scenarios: A1 (historical averages; displayed, never rated) and A2
(the user's customized scenario, ``[stress.custom]``; a most-extreme candidate)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from debttrap.country.derived import series_array
from debttrap.dsa.paths import debt_paths
from debttrap.dsa.stress.context import StressContext
from debttrap.dsa.stress.scenario import Shock, StressDefinition, StressScenario, apply_shock
from debttrap.dsa.stress.settings import CustomScenario
from debttrap.dsa.stress.sizing import ShockStats
from debttrap.errors import InputError

__all__ = ["DEFINITIONS"]

FloatArray = NDArray[np.float64]


def _historical_paths(
    ctx: StressContext,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray] | str:
    """A1 (§4.1): from ``t+1`` growth, US$ deflator, PB/GDP, non-interest CAD/GDP and FDI/GDP
    at their ``t-10 … t-1`` averages. Returns (growth, deflator, BoP gap US$, fiscal gap LCU)
    as decimals / millions, or why it cannot run.

    The external financing need changes by (non-interest CAD − FDI) x GDP under A1 minus the
    same at baseline, filled with new external debt on residual terms; the primary-balance
    change is financed at home (its external part is already in the balance of payments).
    Exports keep their baseline ratio to GDP.
    """
    country, s, setup, der = ctx.country, ctx.settings, ctx.setup, ctx.der
    base = setup.inputs
    n = base.years.size
    ti = der.t_index
    ca = country.macro.current_account_usd_m
    if s.a1_non_interest_cad_pct_gdp is None:
        return "needs stress.a1_non_interest_cad_pct_gdp (historical interest is not an input)"
    if ca is None or any(int(y) not in ca for y in base.years[1:]):
        return "needs macro.current_account_usd_m for every projection year after t"
    if not ctx.has_pb:
        return "needs the primary-balance history (as B2)"
    st_pi = ShockStats.of(der.gdp_deflator_usd_growth_pct[:ti])
    st_fdi = ShockStats.of(der.fdi_pct_gdp[:ti])
    if not (np.isfinite(ctx.st_g.mean) and np.isfinite(st_pi.mean) and np.isfinite(st_fdi.mean)):
        return "needs the growth, US$ deflator and FDI history (t-10 … t-1)"
    sl = slice(ti, ti + n)
    g_b = der.real_gdp_growth_pct[sl] / 100.0
    pi_b = der.gdp_deflator_usd_growth_pct[sl] / 100.0
    g = g_b.copy()
    pi = pi_b.copy()
    g[1:] = ctx.st_g.mean / 100.0
    pi[1:] = st_pi.mean / 100.0
    gdp_b = base.gdp_usd_m
    gdp = gdp_b * np.cumprod((1 + g) * (1 + pi) / ((1 + g_b) * (1 + pi_b)))
    paths = debt_paths(base, setup.basis)
    interest = paths.ext_interest_usd_m + setup.private_interest_usd_m
    lc = country.external_debt.local_debt_held_abroad
    if lc is not None:
        interest = interest + series_array(lc.interest_lcu_m, base.years, 0.0) / (
            base.fx_avg_lcu_per_usd
        )
    ca_b = series_array(ca, base.years)
    need_b = -(ca_b + interest) - der.net_fdi_usd_m[sl]
    need_a = (s.a1_non_interest_cad_pct_gdp - st_fdi.mean) / 100.0 * gdp
    bop = np.where(np.arange(n) >= 1, need_a - need_b, 0.0)
    fxa = base.fx_avg_lcu_per_usd
    pb_b = der.primary_balance_lcu_m[sl] / (gdp_b * fxa)
    # primary balance in LCU: baseline level minus the A1 ratio times A1 GDP
    fiscal = np.where(np.arange(n) >= 1, (pb_b * gdp_b - ctx.st_pb.mean / 100.0 * gdp) * fxa, 0.0)
    return g, pi, bop, fiscal


def a1(ctx: StressContext) -> StressScenario | str:
    paths = _historical_paths(ctx)
    if isinstance(paths, str):
        return paths
    g, pi, bop, fiscal = paths
    sh = Shock(
        growth_dec=g,
        deflator_usd_dec=pi,
        exports_follow_gdp=True,
        bop_gap_usd_m=bop,
        fiscal_gap_lcu_m=fiscal,
        fiscal_external_share=0.0,
        spending_follows_gdp=True,
    )
    return apply_shock(ctx, "A1", "Historical scenario (displayed, never rated)", sh)


def _check_custom_years(ctx: StressContext, cu: CustomScenario) -> None:
    proj = {int(y) for y in ctx.base.years[1:]}
    for name in type(cu).model_fields:
        table = getattr(cu, name)
        if isinstance(table, dict):
            bad = sorted(set(table) - proj)
            if bad:
                raise InputError(
                    f"year {bad[0]} is outside the shockable years {min(proj)}-{max(proj)}",
                    field=f"stress.custom.{name}",
                )


def a2(ctx: StressContext) -> StressScenario | str:
    """User deltas against the baseline; balance-of-payments deltas are financed abroad on
    residual terms, spending and grants by the Input 7 mix, revenue at home."""
    cu = ctx.settings.custom
    if cu is None:
        return "no customized scenario ([stress.custom])"
    _check_custom_years(ctx, cu)
    years = ctx.base.years

    def delta(tbl: dict[int, float]) -> FloatArray:
        return series_array(tbl, years, 0.0) / 100.0

    g = ctx.g_b + delta(cu.real_gdp_growth_pp)
    pi = ctx.pi_b + delta(cu.gdp_deflator_usd_pp)
    dep = delta(cu.depreciation_pct)
    rel = np.cumprod((1 + g) * (1 + pi) / ((1 + ctx.g_b) * (1 + ctx.pi_b)))
    gdp = ctx.gdp_b * rel * (1 - (1 - ctx.passthrough) * dep)
    bop = (
        delta(cu.imports_pct_gdp_pp) - delta(cu.transfers_pct_gdp_pp) - delta(cu.fdi_pct_gdp_pp)
    ) * gdp
    gdp_lcu = gdp * ctx.fxa_b * (1 + dep)
    fiscal = (delta(cu.primary_expenditure_pct_gdp_pp) - delta(cu.grants_pct_gdp_pp)) * gdp_lcu
    sh = Shock(
        growth_dec=g,
        deflator_usd_dec=pi,
        export_growth_dec=ctx.x_b + delta(cu.export_growth_pp),
        depreciation_path_dec=dep,
        passthrough=ctx.passthrough,
        bop_gap_usd_m=bop,
        fiscal_gap_lcu_m=fiscal,
        revenue_ratio=ctx.rev_ratio + delta(cu.revenue_excl_grants_pct_gdp_pp),
    )
    return apply_shock(ctx, "A2", cu.label, sh)


DEFINITIONS: tuple[StressDefinition, ...] = (
    StressDefinition("A1", a1),
    StressDefinition("A2", a2),
)
