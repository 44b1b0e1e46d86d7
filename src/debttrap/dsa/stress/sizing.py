"""Shock sizing (``lic-dsf-method.md`` §4): historical statistics and the shocked paths.

A shocked variable ``x`` in ``t+1`` and ``t+2`` (``t`` is never shocked) is
``min(mu - k sd, baseline - k sd)`` ("whichever is lower"), the branch chosen
in ``t+1`` kept in ``t+2``; ``mu``/``sd`` are the mean and sample standard
deviation over ``t-10 … t-1``. From ``t+3`` growth rates return to baseline,
so levels stay lower. Each function here returns the shocked path of one leg
(growth, exports, transfers and FDI, primary balance, depreciation) for a
given size in standard deviations; the tests combine them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from debttrap.country.derived import series_array

if TYPE_CHECKING:
    from debttrap.dsa.stress.context import StressContext

__all__ = [
    "SHOCK_YEARS",
    "ShockStats",
    "depreciation_trade_gap",
    "export_shock",
    "flows_shock",
    "growth_shock",
    "primary_balance_gap",
    "primary_balance_rates",
    "shock_pair",
]

FloatArray = NDArray[np.float64]
SHOCK_YEARS = slice(1, 3)  # t+1, t+2


@dataclass(frozen=True, slots=True)
class ShockStats:
    """Historical mean and sample standard deviation (``t-10 … t-1``) of a shocked variable."""

    mean: float
    sd: float

    @classmethod
    def of(cls, history: FloatArray) -> ShockStats:
        h = history[np.isfinite(history)]
        if h.size < 2:
            return cls(float("nan"), float("nan"))
        return cls(float(h.mean()), float(h.std(ddof=1)))


def shock_pair(base: FloatArray, stats: ShockStats, k: float, mode: str) -> tuple[float, float]:
    """Shocked values for ``t+1`` and ``t+2`` (``base`` = baseline at those two years)."""
    hist = stats.mean - k * stats.sd
    b1 = float(base[0]) - k * stats.sd
    if mode == "historical" or (mode == "whichever_lower" and hist < b1):
        return hist, hist
    return b1, float(base[1]) - k * stats.sd


def growth_shock(ctx: StressContext, k: float) -> tuple[FloatArray, FloatArray]:
    """B1 leg: real growth ``k`` SDs lower in ``t+1``, ``t+2``; the US$ deflator falls by
    the inflation elasticity x the growth shortfall. Returns (growth, deflator), decimals."""
    s = ctx.settings
    g1, g2 = shock_pair(100 * ctx.g_b[SHOCK_YEARS], ctx.st_g, k, s.mode)
    g = ctx.g_b.copy()
    g[1], g[2] = g1 / 100.0, g2 / 100.0
    pi = ctx.pi_b - ctx.k_inter * s.inflation_elasticity * (ctx.g_b - g)
    return g, pi


def combined_growth_shock(
    ctx: StressContext, k_g: float, k_x: float, x: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """B6's real growth (Input 6 C41 and C44): in ``t+1`` the lowest of the growth leg's
    two arms and an export arm, baseline growth plus ``k_x`` x the shocked export growth x
    last year's exports/GDP; in ``t+2`` the growth leg alone (its historical arm kept if
    ``t+1`` took it). The US$ deflator falls by the inflation elasticity x the shortfall.
    ``x`` is B6's shocked export growth. Returns (growth, deflator), decimals."""
    s = ctx.settings
    sd = ctx.st_g.sd
    base = 100 * ctx.g_b
    hist = ctx.st_g.mean - k_g * sd
    share_prev = 100 * ctx.exp_b[0] / ctx.gdp_b[0]
    arm_x = base[1] + k_x * (100 * x[1]) * share_prev / 100.0
    arms = {"whichever_lower": min(hist, base[1] - k_g * sd), "historical": hist}
    g1 = min(arms.get(s.mode, base[1] - k_g * sd), arm_x)
    g2 = hist if g1 == hist else base[2] - k_g * sd
    g = ctx.g_b.copy()
    g[1], g[2] = g1 / 100.0, g2 / 100.0
    pi = ctx.pi_b - ctx.k_inter * s.inflation_elasticity * (ctx.g_b - g)
    return g, pi


def export_shock(
    ctx: StressContext, k: float, elasticity: float | None = None
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """B3 leg: US$ export growth ``k`` SDs lower; real growth falls by ``elasticity`` x last
    year's exports/GDP x the shortfall (if shocked growth is negative: baseline growth plus
    elasticity x share x shocked growth). Returns (export growth, growth, BoP gap US$ m); the
    gap is financed in the shock years only, later years keep the lower level."""
    s = ctx.settings
    el = s.exports_gdp_elasticity if elasticity is None else elasticity
    x1, x2 = shock_pair(100 * ctx.x_b[SHOCK_YEARS], ctx.st_x, k, s.mode)
    x = ctx.x_b.copy()
    x[1], x[2] = x1 / 100.0, x2 / 100.0
    exports_s = ctx.exp_b * np.cumprod((1 + x) / (1 + ctx.x_b))
    share_prev = np.concatenate(
        [[ctx.der.exports_pct_gdp[ctx.ti - 1]], 100 * ctx.exp_b[:-1] / ctx.gdp_b[:-1]]
    )
    g = ctx.g_b.copy()
    for y in (1, 2):
        if y == 2:  # t+1's exports/GDP is the test's own: shocked exports over shocked GDP
            share_prev[2] = 100 * exports_s[1] / (ctx.gdp_b[1] * (1 + g[1]) / (1 + ctx.g_b[1]))
        e = ctx.k_inter * el * share_prev[y] / 100.0
        if x[y] < 0:
            g[y] = ctx.g_b[y] + e * x[y]
        else:
            g[y] = ctx.g_b[y] - e * (ctx.x_b[y] - x[y])
    gap = ctx.exp_b - exports_s
    gap[3:] = 0.0
    return x, g, gap


def flows_shock(
    ctx: StressContext, k_tr: float, k_fdi: float, k_fdi_second: float | None = None
) -> FloatArray:
    """B4 leg: net transfers and FDI (% of GDP) ``k`` SDs lower; the BoP gap in US$ m.
    ``k_fdi_second`` sizes FDI's ``t+2`` shock when it differs from ``t+1``'s (B6)."""
    mode = ctx.settings.mode
    n = ctx.n
    gap = np.zeros(n)
    tr_b = 100 * ctx.base_tr / ctx.gdp_b
    fdi_b = 100 * ctx.base_fdi / ctx.gdp_b
    t1, t2 = shock_pair(tr_b[SHOCK_YEARS], ctx.st_tr, k_tr, mode)
    f1, f2 = shock_pair(fdi_b[SHOCK_YEARS], ctx.st_fdi, k_fdi, mode)
    if k_fdi_second is not None:
        f2 = f2 + (k_fdi - k_fdi_second) * ctx.st_fdi.sd
    gap[1] = (tr_b[1] - t1 + fdi_b[1] - f1) / 100 * ctx.gdp_b[1]
    gap[2] = (tr_b[2] - t2 + fdi_b[2] - f2) / 100 * ctx.gdp_b[2]
    return gap


def primary_balance_gap(ctx: StressContext, k: float) -> FloatArray:
    """B2 leg: the primary balance (% of GDP) ``k`` SDs lower; the fiscal gap in LCU m."""
    n = ctx.n
    base = ctx.base
    gap = np.zeros(n)
    spending = series_array(ctx.country.macro.government_primary_expenditure_lcu_m, base.years, 0.0)
    pb_b = 100 * (base.revenue_incl_grants_lcu_m - spending) / ctx.gdp_lcu_b
    p1, p2 = shock_pair(pb_b[SHOCK_YEARS], ctx.st_pb, k, ctx.settings.mode)
    gap[1] = (pb_b[1] - p1) / 100 * ctx.gdp_lcu_b[1]
    gap[2] = (pb_b[2] - p2) / 100 * ctx.gdp_lcu_b[2]
    return gap


def primary_balance_rates(ctx: StressContext, gap: FloatArray) -> tuple[float, float]:
    """B2 interactions: (domestic, external market) extra cost of new debt, decimal."""
    s = ctx.settings
    pp = max(0.0, float(np.max(100 * gap[1:3] / ctx.gdp_lcu_b[1:3])))
    dom = s.b2_domestic_rate_bp_per_pp * pp / 1e4 if s.interactions else 0.0
    ext = min(s.b2_market_rate_bp_per_pp * pp, s.b2_market_rate_cap_bp) / 1e4
    return dom, ext


def depreciation_trade_gap(ctx: StressContext, dep: float, passthrough: float) -> FloatArray:
    """B5 leg: the trade deficit of ``t+2`` falls by the trade response x the real
    depreciation (a negative BoP gap, US$ m)."""
    n = ctx.n
    gap = np.zeros(n)
    real_dep = (1 - passthrough) * dep
    rel = 1 - real_dep
    if n > 2:
        gap[2] = (
            -ctx.k_inter
            * ctx.settings.trade_response_to_real_depreciation
            * real_dep
            * ctx.gdp_b[2]
            * rel
        )
    return gap
