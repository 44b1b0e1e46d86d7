"""A stress test as a transformation of the baseline's kernel inputs.

A test describes what it shocks as a :class:`Shock`; :func:`apply_shock`
turns it into a :class:`StressScenario` (shocked denominators, the financing of the
gaps as new borrowing) that the path kernel runs with the baseline in one batch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields

import numpy as np
from numpy.typing import NDArray

from debttrap.dsa.paths import PathInputs, npv_next_years
from debttrap.dsa.stress.context import StressContext
from debttrap.dsa.stress.financing import FiscalFinancing, fiscal_financing

__all__ = ["Shock", "StressDefinition", "StressScenario", "apply_shock", "stack_inputs"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class StressScenario:
    """One stress test: its kernel inputs and what was shocked (for the docs and JSON)."""

    code: str
    label: str
    inputs: PathInputs
    notes: tuple[str, ...] = ()
    real_growth_dec: FloatArray | None = None
    primary_expenditure_lcu_m: FloatArray | None = None
    other_flows_lcu_m: FloatArray | None = None
    bop_gap_usd_m: FloatArray | None = None


@dataclass(frozen=True, slots=True)
class StressDefinition:
    """One stress test: its code and a builder giving its scenario, or why it is not run."""

    code: str
    build: Callable[[StressContext], StressScenario | str]


@dataclass(frozen=True, slots=True)
class Shock:
    """What a test changes against the baseline (``None``: the baseline path).

    Paths are decimals over ``t … T``. ``depreciation_dec`` is a level
    depreciation from ``t+1`` (or ``depreciation_path_dec`` year by year) with
    ``passthrough`` to the US$ GDP deflator; ``bop_gap_usd_m`` is financed by
    new external debt on residual terms, ``fiscal_gap_lcu_m`` by the Input 7
    mix (``fiscal_external_share`` overrides its external share; ``gap_is_deficit``
    false books it as another debt-creating flow, as C1 and C2);
    ``domestic_extra_rate_dec``/``external_extra_rate_dec`` are the B2
    interactions; ``market`` moves new market borrowing to stressed terms (C4).
    ``usd_gdp_only`` confines the depreciation to US$ GDP (the template's C4): the
    exchange rates, revenue and GDP in LCU (the public ratio's too) keep their unshocked
    values. The revenue lost
    with lower GDP is financed at home unless ``finance_lost_revenue`` is false;
    ``exports_follow_gdp`` and ``spending_follows_gdp`` are A1's rules.
    ``public_gdp_lcu_m`` is the GDP in LCU of the public block (revenue lost at home and
    the public ratio) where it differs from the shocked US$ GDP x the shocked rate (B6).
    """

    growth_dec: FloatArray | None = None
    deflator_usd_dec: FloatArray | None = None
    export_growth_dec: FloatArray | None = None
    depreciation_dec: float = 0.0
    passthrough: float = 0.0
    usd_gdp_only: bool = False
    bop_gap_usd_m: FloatArray | None = None
    fiscal_gap_lcu_m: FloatArray | None = None
    revenue_ratio: FloatArray | None = None
    market: bool = False
    domestic_extra_rate_dec: float = 0.0
    external_extra_rate_dec: float = 0.0
    depreciation_path_dec: FloatArray | None = None
    spending_follows_gdp: bool = False
    exports_follow_gdp: bool = False
    fiscal_external_share: float | None = None
    gap_is_deficit: bool = True
    finance_lost_revenue: bool = True
    public_gdp_lcu_m: FloatArray | None = None
    notes: tuple[str, ...] = ()


def stack_inputs(items: Sequence[PathInputs]) -> PathInputs:
    """Stack unbatched inputs along a new leading (scenario) axis."""
    out: dict[str, object] = {}
    for name in _STACKED:
        vals = [getattr(x, name) for x in items]
        shapes = {np.shape(v) for v in vals}
        if len(shapes) == 1:  # the usual case: one copy, no broadcasting views
            out[name] = np.array(vals)
        else:  # a default of one value beside full paths: broadcast row by row
            shape = (len(vals), *np.broadcast_shapes(*shapes))
            stacked = np.empty(shape, dtype=np.result_type(*vals))
            for k, v in enumerate(vals):
                stacked[k] = v
            out[name] = stacked
    out["years"] = items[0].years
    out["short_term_rate_dec"] = items[0].short_term_rate_dec
    return PathInputs(**out)  # type: ignore[arg-type]


#: the fields of :class:`PathInputs` stacked along the scenario axis
_STACKED: tuple[str, ...] = tuple(
    f.name for f in fields(PathInputs) if f.name not in ("years", "short_term_rate_dec")
)


@dataclass(frozen=True, slots=True)
class _Macro:
    """The shocked denominators of one test."""

    growth_dec: FloatArray
    gdp_usd_m: FloatArray
    exports_usd_m: FloatArray
    fx_avg: FloatArray
    fx_eop: FloatArray
    gdp_lcu_m: FloatArray
    revenue_lcu_m: FloatArray
    revenue_incl_lcu_m: FloatArray


def _shocked_macro(ctx: StressContext, sh: Shock) -> _Macro:
    n = ctx.n
    base = ctx.base
    g_s = ctx.g_b if sh.growth_dec is None else sh.growth_dec
    pi_s = ctx.pi_b if sh.deflator_usd_dec is None else sh.deflator_usd_dec
    x_s = ctx.x_b if sh.export_growth_dec is None else sh.export_growth_dec
    rel = np.cumprod((1 + g_s) * (1 + pi_s) / ((1 + ctx.g_b) * (1 + ctx.pi_b)))
    dep_path = np.zeros(n)
    dep_path[1:] = sh.depreciation_dec
    if sh.depreciation_path_dec is not None:
        dep_path = sh.depreciation_path_dec
    gdp_before_dep = ctx.gdp_b * rel
    rel = rel * (1 - (1 - sh.passthrough) * dep_path)
    gdp = ctx.gdp_b * rel
    exports = ctx.exp_b * np.cumprod((1 + x_s) / (1 + ctx.x_b))
    if sh.exports_follow_gdp:  # exports keep their baseline ratio to GDP (A1)
        exports = ctx.exp_b * rel
    if sh.usd_gdp_only:  # no revaluation, no change in LCU: only US$ GDP moves
        fxa, fxe = ctx.fxa_b, base.fx_eop_lcu_per_usd
        gdp_lcu = gdp_before_dep * fxa
    else:
        fxa = ctx.fxa_b * (1 + dep_path)
        fxe = base.fx_eop_lcu_per_usd * (1 + dep_path)
        gdp_lcu = gdp * fxa
    rr = ctx.rev_ratio if sh.revenue_ratio is None else sh.revenue_ratio
    revenue = rr * gdp_lcu
    revenue_incl = revenue + (base.revenue_incl_grants_lcu_m - base.revenue_excl_grants_lcu_m)
    return _Macro(g_s, gdp, exports, fxa, fxe, gdp_lcu, revenue, revenue_incl)


def _lost_revenue(ctx: StressContext, sh: Shock, m: _Macro) -> FloatArray:
    """The revenue loss against baseline (spending held at its baseline level), a fiscal
    gap financed domestically."""
    n = ctx.n
    gdp_lcu = m.gdp_lcu_m if sh.public_gdp_lcu_m is None else sh.public_gdp_lcu_m
    lost = np.where(
        np.arange(n) >= 1,
        ctx.rev_incl_ratio * ctx.gdp_lcu_b - ctx.rev_incl_ratio * gdp_lcu,
        0.0,
    )
    if sh.spending_follows_gdp or not sh.finance_lost_revenue:
        # A1: the fiscal gap is given in full (PB as a ratio); B3, C4: the template's
        # public paths do not depend on any domestic residual term (Input 7 presets)
        lost = np.zeros(n)
    if sh.revenue_ratio is not None:
        lost = lost + (ctx.rev_ratio - sh.revenue_ratio) * m.gdp_lcu_m
    return lost


def _bop_market_addon(ctx: StressContext, sh: Shock) -> tuple[FloatArray, FloatArray]:
    """Market variants: the extra cost also falls on the external residual debt that fills
    the shock years' balance-of-payments gap; it is paid from t+2 and refinanced through
    the public financing need like any other debt service. Returns (interest, its PV)."""
    n = ctx.n
    addon = np.zeros(n)
    addon_pv = np.zeros(n)
    if sh.external_extra_rate_dec and sh.bop_gap_usd_m is not None:
        idx = np.arange(n)
        shock_debt = np.where((idx >= 1) & (idx <= 2), sh.bop_gap_usd_m, 0.0)
        bal = ctx.setup.basis.balance[ctx.res_idx]
        addon[1:] = sh.external_extra_rate_dec * (shock_debt @ bal)[:-1]
        addon_pv = npv_next_years(addon, ctx.r_disc)
        addon_pv[:2] = 0.0
    return addon, addon_pv


def _with_interest(ctx: StressContext, gap: FloatArray) -> FloatArray:
    """A balance-of-payments gap plus the interest on the residual debt that fills it.

    The template's external stress sheets move the stressed external debt by the
    debt-dynamics identity (interest on last year's stressed stock included) and borrow
    the difference to the baseline's stock, so the interest on the residual debt of a
    balance-of-payments gap is itself new residual debt, year after year (its principal
    is not re-borrowed). Linear in the gap.
    """
    # out[y] = gap[y] + sum over s < y of out[s] x interest[s, y]: a triangular system
    # (interest indexed (disbursed, booked)), the same matrix for every test
    out: FloatArray = np.asarray(np.linalg.solve(ctx.residual_carry, gap), dtype=np.float64)
    return out


def _finance(ctx: StressContext, sh: Shock, fg: FloatArray, fxa: FloatArray) -> FiscalFinancing:
    s = ctx.settings
    own_share = sh.fiscal_external_share is None
    return fiscal_financing(
        fg,
        fxa,
        ctx.setup.basis,
        ctx.res_idx,
        external_share=ctx.share_ext if own_share else float(sh.fiscal_external_share or 0.0),
        domestic_st_share=ctx.share_st if own_share else ctx.dom_st_only,
        domestic_mlt_rate_dec=ctx.dom_rate,
        domestic_st_rate_dec=ctx.dom_st_rate,
        domestic_mlt_grace_years=s.residual_domestic_mlt_grace_years,
        domestic_mlt_maturity_years=s.residual_domestic_mlt_maturity_years,
        domestic_extra_rate_dec=sh.domestic_extra_rate_dec,
        external_extra_rate_dec=sh.external_extra_rate_dec,
        discount_dec=ctx.r_disc,
    )


def _disbursements(ctx: StressContext, sh: Shock, ext_new: FloatArray) -> FloatArray:
    """Baseline disbursements plus the residual borrowing; C4 moves market lines to their
    stressed twins in ``t+1 … t+market_years``."""
    disb = ctx.base.disbursements_usd_m.copy()
    disb[ctx.res_idx] += ext_new
    if sh.market and ctx.mkt_idx:
        window = slice(1, 1 + ctx.settings.market_years)
        for src, dst in zip(ctx.mkt_lines, ctx.mkt_idx, strict=True):
            disb[dst, window] += disb[src, window]
            disb[src, window] = 0.0
    return disb


def apply_shock(ctx: StressContext, code: str, label: str, sh: Shock) -> StressScenario:
    """The kernel inputs of one test: shocked denominators, gaps financed as new debt."""
    n = ctx.n
    base = ctx.base
    m = _shocked_macro(ctx, sh)
    lost_revenue = _lost_revenue(ctx, sh, m)
    fg = np.zeros(n) if sh.fiscal_gap_lcu_m is None else sh.fiscal_gap_lcu_m
    bop_addon, bop_addon_pv = _bop_market_addon(ctx, sh)
    if sh.external_extra_rate_dec and sh.bop_gap_usd_m is not None:
        fg = fg + bop_addon * m.fx_avg
    fin = _finance(ctx, sh, fg, m.fx_avg)
    gap = np.zeros(n) if sh.bop_gap_usd_m is None else _with_interest(ctx, sh.bop_gap_usd_m)
    ext_new = gap + fin.external_usd_m
    extra = fin.domestic_stock_lcu_m.tolist()
    rates = np.asarray(ctx.dom_rate, dtype=np.float64).tolist()
    lost = np.asarray(lost_revenue, dtype=np.float64).tolist()
    acc = 0.0
    for y in range(n):  # loop over time: lost revenue is borrowed at home with interest
        acc = acc * (1 + rates[y]) + lost[y]
        extra[y] += acc
    extra_dom = np.array(extra)
    inputs = base.replace(
        external_only_service_usd_m=fin.addon_interest_usd_m + bop_addon,
        external_only_pv_usd_m=fin.addon_pv_usd_m + bop_addon_pv,
        gdp_usd_m=m.gdp_usd_m,
        exports_usd_m=m.exports_usd_m,
        revenue_excl_grants_lcu_m=m.revenue_lcu_m,
        revenue_incl_grants_lcu_m=m.revenue_incl_lcu_m,
        fx_avg_lcu_per_usd=m.fx_avg,
        fx_eop_lcu_per_usd=m.fx_eop,
        disbursements_usd_m=_disbursements(ctx, sh, ext_new),
        lc_external_stock_lcu_m=base.lc_external_stock_lcu_m,
        domestic_debt_lcu_m=base.domestic_debt_lcu_m + extra_dom,
    )
    if sh.public_gdp_lcu_m is not None:
        inputs = inputs.replace(public_gdp_lcu_m=sh.public_gdp_lcu_m)
    elif sh.usd_gdp_only:  # the public ratio keeps the unshocked GDP in LCU too
        inputs = inputs.replace(public_gdp_lcu_m=m.gdp_lcu_m)
    # for the debt-dynamics tables: an explicit fiscal gap is a higher primary deficit
    # (B2, A1, A2, refinanced market cost) or another debt-creating flow (C1, C2)
    explicit = np.zeros(n) if sh.fiscal_gap_lcu_m is None else sh.fiscal_gap_lcu_m
    spend = ctx.spending_b + (explicit if sh.gap_is_deficit else 0.0)
    spend = spend + (fg - explicit)
    if sh.spending_follows_gdp:  # A1: the gap is the whole primary-balance change
        spend = spend + (m.revenue_incl_lcu_m - base.revenue_incl_grants_lcu_m)
    other = ctx.other_b + (0.0 if sh.gap_is_deficit else explicit)
    # the table's current-account row carries the gap itself; the interest borrowed on its
    # residual debt is in the interest row
    bop = np.zeros(n) if sh.bop_gap_usd_m is None else sh.bop_gap_usd_m
    return StressScenario(code, label, inputs, sh.notes, m.growth_dec, spend, other, bop)
