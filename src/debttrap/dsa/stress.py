"""Standardized (B1–B6) and tailored (C1–C4) stress tests as transformations of kernel inputs.

Each test changes the macro denominators and adds borrowing; the path kernel
(:func:`debttrap.dsa.paths.debt_paths`) is the same for every scenario, so the
baseline and all tests run as one batch (leading axis = scenario).

Sizing (``lic-dsf-method.md`` §4, 2018 GN, 2025-08-12 template defaults):

* Shocked variable ``x`` in ``t+1`` and ``t+2`` (``t`` is never shocked):
  ``min(mu - k sd, baseline - k sd)`` ("whichever is lower"), the branch
  chosen in ``t+1`` kept in ``t+2``; ``mu``/``sd`` are the mean and sample
  standard deviation over ``t-10 … t-1``. From ``t+3`` growth rates return to
  baseline, so levels stay lower.
* B1 real growth (deflator falls by 0.6 x the growth shortfall); B2 primary
  balance (needs its history); B3 export growth in US$ (real growth falls by
  0.8 x last year's export share x the shortfall; if shocked export growth is
  negative, real growth = baseline + 0.8 x share x shocked growth); B4 net
  transfers and FDI (% of GDP); B5 one-off 30 % depreciation in ``t+1``
  (US$ GDP falls by (1-0.3) x 30 %; the trade deficit falls by 0.15 x the real
  depreciation in ``t+2``); B6 B1 and B3-B5 at half size (15 % depreciation;
  real growth the lower of the B1 and B3 arms, the B3 arm on B6's own
  exports-GDP elasticity, ``b6_exports_gdp_elasticity``;
  the half-size B2 leg only with ``b6_primary_balance_leg``). B2 interaction:
  +25 bp per pp of PB shock on new domestic debt. Market variants B2.1 and
  B6.1 (market-access countries only): +100 bp per pp (cap 400 bp) on the
  external residual debt of the shock years (B6.1 sized on B6's half-size PB
  shock).
* C1 contingent liabilities: one-off ``x`` % of GDP in ``t+1``; C2 natural
  disaster: +10 % of GDP in ``t+1`` (financed like C1), real growth −1.5 pp,
  export growth −3.5 pp (denominators only, as in the template); C3
  commodity prices (:func:`commodity_shock`): the price gap closes over 6
  years, ``-5 x price fall`` pp of growth and ``-7.5 x price fall`` pp of
  revenue/GDP in ``t+1 … t+3``, then converging; C4 market financing: +400 bp,
  maturity ``min(5, 2/3 m)``, grace ``x 2/3`` on new market borrowing in
  ``t+1 … t+3`` and a 15 % depreciation in ``t+1``.
* Financing of shocks: a balance-of-payments gap (lower exports, transfers or
  FDI) is filled with new PPG external debt on residual terms; a fiscal gap
  (B2, C1, C2) raises the public gross financing need, filled year by year by
  :func:`fiscal_financing` (external MLT, domestic short-term rolled over,
  domestic MLT; the need includes the service of that debt); the revenue loss
  from lower GDP (B1, B3–B6) and C3's revenue cut are financed domestically at the real rate plus
  LCU inflation. Private flows stay at baseline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field

from debttrap.country.derived import DerivedSeries, series_array
from debttrap.country.model import Country
from debttrap.dsa.paths import (
    BaselineSetup,
    InstrumentTerms,
    PathInputs,
    UnitLoanBasis,
    baseline_setup,
    debt_paths,
    npv_next_years,
)
from debttrap.errors import InputError

__all__ = [
    "CommodityShock",
    "CustomScenario",
    "FiscalFinancing",
    "Scenario",
    "ShockStats",
    "StressSettings",
    "build_scenarios",
    "commodity_shock",
    "fiscal_financing",
    "residual_terms",
    "shock_pair",
    "stack_inputs",
]

FloatArray = NDArray[np.float64]


class CustomScenario(BaseModel):
    """A2, the customized scenario (template "Customized Scenario" sheets): user deltas.

    Every field is ``{year: delta}`` against the baseline for projection years
    after ``t``; missing years are 0. ``_pp`` deltas are percentage points
    (growth rates, or ratios to GDP); ``depreciation_pct`` is an extra nominal
    depreciation of the LCU against the baseline level in that year (levels,
    not cumulated; pass-through as B5). Financing as the standard tests:
    balance-of-payments deltas (imports, transfers, FDI) by new external debt
    on residual terms; spending and grants deltas by the Input 7 mix; revenue
    deltas at home. A2 is a candidate for the most extreme shock.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    label: str = "Customized scenario"
    real_gdp_growth_pp: dict[int, float] = Field(default_factory=dict)
    gdp_deflator_usd_pp: dict[int, float] = Field(default_factory=dict)
    export_growth_pp: dict[int, float] = Field(default_factory=dict)
    imports_pct_gdp_pp: dict[int, float] = Field(default_factory=dict)
    transfers_pct_gdp_pp: dict[int, float] = Field(
        default_factory=dict, description="net current transfers, + = more inflow"
    )
    fdi_pct_gdp_pp: dict[int, float] = Field(default_factory=dict, description="+ = more inflow")
    revenue_excl_grants_pct_gdp_pp: dict[int, float] = Field(default_factory=dict)
    grants_pct_gdp_pp: dict[int, float] = Field(default_factory=dict)
    primary_expenditure_pct_gdp_pp: dict[int, float] = Field(default_factory=dict)
    depreciation_pct: dict[int, float] = Field(default_factory=dict)


class StressSettings(BaseModel):
    """Stress-test settings (template "Input 6" and "Input 7"); defaults are the template's."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    mode: Literal["whichever_lower", "historical", "baseline"] = "whichever_lower"
    interactions: bool = True
    b1_growth_sd: float = Field(default=1.0, ge=0.0)
    b2_primary_balance_sd: float = Field(default=1.0, ge=0.0)
    b3_exports_sd: float = Field(default=1.0, ge=0.0)
    b4_transfers_sd: float = Field(default=1.0, ge=0.0)
    b4_fdi_sd: float = Field(default=1.0, ge=0.0)
    b5_depreciation_pct: float = Field(default=30.0, ge=0.0, le=500.0)
    combination_factor: float = Field(default=0.5, ge=0.0, le=1.0)
    inflation_elasticity: float = Field(default=0.6, ge=0.0)
    exports_gdp_elasticity: float = Field(default=0.8, ge=0.0)
    b6_exports_gdp_elasticity: float = Field(
        default=0.8,
        ge=0.0,
        description=(
            "B6: exports-GDP elasticity of its export arm. Separate from the stand-alone B3 "
            "one, as in the template: its B6 does not move when Input 6 G25 changes."
        ),
    )
    fx_passthrough: float = Field(default=0.3, ge=0.0, le=1.0)
    trade_response_to_real_depreciation: float = Field(default=0.15, ge=0.0)
    primary_balance_mean_pct_gdp: float | None = None
    primary_balance_sd_pct_gdp: float | None = Field(default=None, ge=0.0)
    residual_external_share: float | None = Field(default=None, ge=0.0, le=1.0)
    residual_rate_pct: float | None = Field(default=None, ge=0.0, le=100.0)
    residual_grace_years: int | None = Field(default=None, ge=0)
    residual_maturity_years: int | None = Field(default=None, ge=1)
    residual_domestic_real_rate_pct: float = Field(
        default=2.9,
        ge=-50.0,
        le=100.0,
        description="Input 7: real rate of new domestic MLT debt; nominal = real + LCU deflator.",
    )
    residual_domestic_st_share: float = Field(
        default=0.0,
        ge=0.0,
        le=1.0,
        description=(
            "Input 7: share of a fiscal financing need met by domestic short-term debt "
            "(repaid and refinanced every year); the rest of the domestic part is MLT."
        ),
    )
    residual_domestic_st_real_rate_pct: float | None = Field(
        default=None,
        ge=-50.0,
        le=100.0,
        description="Input 7: real rate of domestic short-term debt (default: the MLT rate).",
    )
    residual_domestic_mlt_grace_years: int = Field(default=3, ge=0, le=60)
    residual_domestic_mlt_maturity_years: int = Field(default=5, ge=1, le=100)
    b2_domestic_rate_bp_per_pp: float = Field(
        default=25.0,
        ge=0.0,
        description="B2: extra cost of new domestic debt, bp per pp of GDP of PB deterioration.",
    )
    b2_market_rate_bp_per_pp: float = Field(
        default=100.0,
        ge=0.0,
        description=(
            "B2/B6 for market-access countries: extra cost of new external debt, bp per pp "
            "of GDP of PB deterioration"
        ),
    )
    b2_market_rate_cap_bp: float = Field(default=400.0, ge=0.0)
    b6_primary_balance_leg: bool = Field(
        default=False,
        description=(
            "B6 includes a half-size B2 (primary-balance) leg. Off by default, as in the "
            "template: its B6 paths do not move when the B6 primary-balance shock is doubled."
        ),
    )
    natural_disaster_growth_pp: float = 1.5
    natural_disaster_exports_pp: float = 3.5
    commodity_growth_per_price: float = Field(
        default=5.0,
        ge=0.0,
        description="C3: pp of real growth lost per unit of price fall (0.5 pp per 10 %).",
    )
    commodity_revenue_per_price: float = Field(
        default=7.5,
        ge=0.0,
        description="C3: pp of revenue/GDP lost per unit of price fall (0.75 pp per 10 %).",
    )
    commodity_gap_years: int = Field(
        default=6, ge=1, le=20, description="C3: years over which the price gap closes."
    )
    commodity_full_years: int = Field(
        default=3,
        ge=1,
        le=20,
        description="C3: years of full growth and revenue cuts before they converge to zero.",
    )
    commodity_deflator_cut: bool = Field(
        default=False,
        description=(
            "C3: also cut the US$ GDP deflator by the price impact (commodity exports/GDP x "
            "price gap). Off by default: the template's C3 US$ GDP falls by the growth cut "
            "alone in t+1 (Output 3-1, default and severe-price overlays)."
        ),
    )
    commodity_threshold_pct: float = Field(
        default=50.0,
        ge=0.0,
        le=100.0,
        description="C3 trigger: commodity share of exports (t-3 … t-1 average) at or above it.",
    )
    market_cost_bp: float = Field(default=400.0, ge=0.0)
    market_maturity_cap_years: int = Field(default=5, ge=1)
    market_grace_factor: float = Field(default=2.0 / 3.0, gt=0.0, le=1.0)
    market_depreciation_pct: float = Field(default=15.0, ge=0.0)
    market_fx_passthrough: float = Field(default=0.3, ge=0.0, le=1.0)
    market_years: int = Field(default=3, ge=1)
    a1_non_interest_cad_pct_gdp: float | None = Field(
        default=None,
        description=(
            "A1: historical (t-10 … t-1) average non-interest current-account deficit, % of GDP. "
            "A1 is not run without it (historical interest is not an input)."
        ),
    )
    custom: CustomScenario | None = Field(
        default=None, description="A2 customized scenario ([stress.custom]); not run if absent."
    )
    residual_discount_rate_pct: float = Field(
        default=5.0,
        gt=0.0,
        le=50.0,
        description="Input 7 C15: only for the residual loans' grant element, never for PVs.",
    )


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


@dataclass(frozen=True, slots=True)
class Scenario:
    """One stress test: its kernel inputs and what was shocked (for the docs and JSON)."""

    code: str
    label: str
    inputs: PathInputs
    notes: tuple[str, ...] = ()
    real_growth_dec: FloatArray | None = None
    primary_expenditure_lcu_m: FloatArray | None = None
    other_flows_lcu_m: FloatArray | None = None
    bop_gap_usd_m: FloatArray | None = None


def stack_inputs(items: Sequence[PathInputs]) -> PathInputs:
    """Stack unbatched inputs along a new leading (scenario) axis."""
    out: dict[str, object] = {}
    for f in fields(PathInputs):
        vals = [getattr(x, f.name) for x in items]
        if f.name in ("years", "short_term_rate_dec"):
            out[f.name] = vals[0]
        else:
            shape = np.broadcast_shapes(*(np.shape(v) for v in vals))
            out[f.name] = np.stack([np.broadcast_to(v, shape) for v in vals])
    return PathInputs(**out)  # type: ignore[arg-type]


def residual_terms(country: Country, settings: StressSettings) -> InstrumentTerms:
    """Terms of new external debt that fills shock gaps (Input 7).

    Default: disbursement-weighted average terms of the baseline's new external
    MLT borrowing over ``t … t+10``, grace and maturity rounded down.
    """
    t = country.t
    years = np.arange(t, t + 11, dtype=np.int64)
    w_sum = rate = grace = mat = 0.0
    for ln in country.new_external_financing:
        w = float(series_array(ln.disbursements_usd_m, years, 0.0).sum())
        w_sum += w
        rate += w * ln.interest_rate_pct
        grace += w * ln.grace_years
        mat += w * ln.maturity_years
    if w_sum > 0:
        rate, grace, mat = rate / w_sum, grace / w_sum, mat / w_sum
    else:
        rate, grace, mat = country.discount_rate_pct, 4.0, 9.0
    g = settings.residual_grace_years if settings.residual_grace_years is not None else int(grace)
    m = (
        settings.residual_maturity_years
        if settings.residual_maturity_years is not None
        else int(mat)
    )
    m = max(m, g + 1)
    r = settings.residual_rate_pct if settings.residual_rate_pct is not None else rate
    return InstrumentTerms("residual financing", r / 100.0, g, m)


def market_terms(country: Country, settings: StressSettings) -> list[InstrumentTerms]:
    """Stressed terms of each market-financing line (C4)."""
    out = []
    for ln in country.new_external_financing:
        if not ln.market_financing:
            continue
        m = max(1, min(settings.market_maturity_cap_years, int(2 * ln.maturity_years / 3)))
        g = min(int(ln.grace_years * settings.market_grace_factor), m - 1)
        out.append(
            InstrumentTerms(
                f"{ln.name} (C4 market stress)",
                (ln.interest_rate_pct + settings.market_cost_bp / 100.0) / 100.0,
                g,
                m,
            )
        )
    return out


def _default_external_share(setup: BaselineSetup) -> float:
    """Share of external in baseline new borrowing over ``t … t+10`` (gross ext vs net domestic)."""
    n = min(11, setup.inputs.years.size)
    ext_usd = setup.inputs.disbursements_usd_m[..., :n].sum(axis=-2)
    ext = float((ext_usd * setup.inputs.fx_avg_lcu_per_usd[:n]).sum())
    dom = setup.inputs.domestic_debt_lcu_m
    dom_new = float(np.maximum(np.diff(dom[: n + 1]), 0.0).sum())
    total = ext + dom_new
    return ext / total if total > 0 else 1.0


@dataclass(frozen=True, slots=True)
class FiscalFinancing:
    """How an extra public financing need is met, year by year (``t … T``).

    ``external_usd_m``: new external MLT debt on residual terms (disbursements);
    ``domestic_stock_lcu_m``: extra domestic debt outstanding (MLT + short-term);
    ``addon_interest_usd_m`` / ``addon_pv_usd_m``: the extra external interest of
    the B2 market interaction and its PV (zero otherwise).
    """

    need_lcu_m: FloatArray
    external_usd_m: FloatArray
    domestic_mlt_lcu_m: FloatArray
    domestic_st_lcu_m: FloatArray
    domestic_stock_lcu_m: FloatArray
    addon_interest_usd_m: FloatArray
    addon_pv_usd_m: FloatArray


def fiscal_financing(
    gap_lcu_m: FloatArray,
    fx_avg_lcu_per_usd: FloatArray,
    basis: UnitLoanBasis,
    residual_index: int,
    *,
    external_share: float,
    domestic_st_share: float,
    domestic_mlt_rate_dec: FloatArray,
    domestic_st_rate_dec: FloatArray,
    domestic_mlt_grace_years: int,
    domestic_mlt_maturity_years: int,
    domestic_extra_rate_dec: float = 0.0,
    external_extra_rate_dec: float = 0.0,
    discount_dec: float = 0.05,
    shock_years: tuple[int, ...] = (1, 2),
) -> FiscalFinancing:
    """Fill an extra public gross financing need with the residual-financing mix (§4.3).

    Each year the need is the explicit gap (``gap_lcu_m``: a primary-balance
    shortfall, a contingent liability …) plus the service of the residual
    debt raised so far: external residual interest and principal (from the
    unit-loan ``basis`` row ``residual_index``, at average exchange rates),
    domestic MLT interest and amortization (equal shares over years
    ``grace+1 … maturity``), and the previous year's domestic short-term
    stock with its interest (short-term debt is rolled over). A need below
    zero borrows nothing. The need is split: ``external_share`` external MLT,
    ``domestic_st_share`` domestic short-term, the rest domestic MLT.

    B2 interactions: ``domestic_extra_rate_dec`` raises the rate on domestic
    residual debt raised in the shock years; ``external_extra_rate_dec`` (market
    access) adds interest on the external residual debt raised in the shock
    years, amortizing with it; its PV (discounted at ``discount_dec``) counts
    from the second shock year on. As in the template (Output 3-1 from the
    market-variant sheet, Output 3-2 from the public one) that extra interest
    and its PV enter the external indicators only; the interest is refinanced
    like any other debt service. Loops run over years.
    """
    n = gap_lcu_m.shape[-1]
    r_int = basis.interest[residual_index]
    r_pr = basis.principal[residual_index]
    r_bal = basis.balance[residual_index]
    share_mlt = max(1.0 - external_share - domestic_st_share, 0.0)
    span = max(domestic_mlt_maturity_years - domestic_mlt_grace_years, 1)
    lag = np.arange(n)
    mlt_profile = np.where(
        (lag > domestic_mlt_grace_years) & (lag <= domestic_mlt_maturity_years), 1.0 / span, 0.0
    )
    in_shock = np.zeros(n, dtype=bool)
    in_shock[[y for y in shock_years if y < n]] = True
    need = np.zeros(n)
    ext = np.zeros(n)
    mlt = np.zeros(n)
    mlt_shock = np.zeros(n)
    st = np.zeros(n)
    st_shock = np.zeros(n)
    mlt_stock = np.zeros(n)
    addon = np.zeros(n)
    if not np.any(gap_lcu_m):
        z = np.zeros(n)
        return FiscalFinancing(z, z, z, z, z, z, z)
    for y in range(n):  # loop over time: each year's need depends on last year's debt
        ext_service = float(ext[:y] @ (r_int[:y, y] + r_pr[:y, y]))
        if y > 0 and external_extra_rate_dec:
            addon[y] = external_extra_rate_dec * float((ext[:y] * in_shock[:y]) @ r_bal[:y, y - 1])
        amort = float(mlt[:y] @ mlt_profile[y - np.arange(y)]) if y > 0 else 0.0
        prev_mlt = mlt_stock[y - 1] if y > 0 else 0.0
        prev_mlt_shock = float(mlt_shock[:y] @ (1.0 - np.cumsum(mlt_profile)[y - 1 - np.arange(y)]))
        interest_mlt = prev_mlt * domestic_mlt_rate_dec[y] + domestic_extra_rate_dec * (
            prev_mlt_shock
        )
        st_prev = st[y - 1] if y > 0 else 0.0
        st_prev_shock = st_shock[y - 1] if y > 0 else 0.0
        st_service = st_prev * (1.0 + domestic_st_rate_dec[y]) + (
            domestic_extra_rate_dec * st_prev_shock
        )
        total = (
            gap_lcu_m[y]
            + (ext_service + addon[y]) * fx_avg_lcu_per_usd[y]
            + amort
            + interest_mlt
            + st_service
        )
        need[y] = max(total, 0.0)
        ext[y] = external_share * need[y] / fx_avg_lcu_per_usd[y]
        mlt[y] = share_mlt * need[y]
        st[y] = domestic_st_share * need[y]
        if in_shock[y]:
            mlt_shock[y] = mlt[y]
            st_shock[y] = st[y]
        mlt_stock[y] = prev_mlt + mlt[y] - amort
    addon_pv = np.zeros(n)
    if external_extra_rate_dec and np.any(addon):
        addon_pv = npv_next_years(addon, discount_dec)
        first = min(shock_years) + 1 if shock_years else 0
        addon_pv[:first] = 0.0
    return FiscalFinancing(
        need_lcu_m=need,
        external_usd_m=ext,
        domestic_mlt_lcu_m=mlt,
        domestic_st_lcu_m=st,
        domestic_stock_lcu_m=mlt_stock + st,
        addon_interest_usd_m=addon,
        addon_pv_usd_m=addon_pv,
    )


@dataclass(frozen=True, slots=True)
class CommodityShock:
    """C3 paths (decimals, ``t … T``): price gap, the shocked growth rates and revenue ratio."""

    price_fall_decimal: float
    exports_share_pct: float
    price_gap: FloatArray
    cut_weight: FloatArray
    real_growth_dec: FloatArray
    deflator_usd_dec: FloatArray
    export_growth_dec: FloatArray
    export_level: FloatArray
    revenue_ratio: FloatArray


def commodity_shock(
    country: Country,
    settings: StressSettings,
    exports_usd_m: FloatArray,
    gdp_usd_m: FloatArray,
    export_growth_dec: FloatArray,
    deflator_usd_dec: FloatArray,
    real_growth_dec: FloatArray,
    revenue_ratio: FloatArray,
) -> CommodityShock | str:
    """C3 commodity-price test (``lic-dsf-method.md`` §4.2), or why it is not run.

    Trigger: ``tailored.commodity_exporter`` (judgment), or commodity exports of at least
    ``commodity_threshold_pct`` (50) % of exports on average over ``t-3 … t-1``. Size: the
    price fall ``f`` in ``t+1`` (given, or the -1 SD band over the forecast, minus 1). The
    price gap closes linearly over ``commodity_gap_years`` (6): ``f (G-k+1)/G`` in year
    ``t+k``. Exports: commodity exports (share ``s`` of exports) move with the price gap,
    ``X = X_b (1 + s gap)``. Real growth loses ``5 |f|`` pp and revenue/GDP ``7.5 |f|`` pp
    in full for ``commodity_full_years`` (3) years from ``t+1``, then the cuts fall
    linearly to zero by the end of the gap window. Optional (``commodity_deflator_cut``):
    the US$ GDP deflator level falls by commodity exports/GDP x the price gap. The export
    loss is a balance-of-payments gap filled with new external debt on residual terms in
    every year of the price gap (the template's t+1 PV rises by exactly the export loss);
    the revenue loss is a fiscal gap financed at home, as in the other tests.
    """
    tl = country.tailored
    t = country.t
    avg = tl.commodity_share_history_avg_pct(t)
    applies = tl.commodity_exporter or (avg is not None and avg >= settings.commodity_threshold_pct)
    if not applies:
        if avg is None:
            return (
                "not applicable (tailored.commodity_exporter is false and "
                "tailored.commodity_exports_share_history_pct does not cover t-3 … t-1)"
            )
        return (
            f"not applicable (commodity exports {avg:.1f} % of exports over t-3 … t-1, "
            f"below {settings.commodity_threshold_pct:g} %)"
        )
    fall = tl.commodity_price_fall_decimal()
    if fall >= 0:
        return (
            "not sized (needs tailored.commodity_price_shock_decimal or the price forecast "
            "and its -1 SD band, tailored.commodity_price_forecast_index/_lower_band_index)"
        )
    share_pct = tl.commodity_exports_share_pct if tl.commodity_exports_share_pct > 0 else avg
    if share_pct is None or share_pct <= 0:
        return (
            "not sized (needs tailored.commodity_exports_share_pct or "
            "tailored.commodity_exports_share_history_pct)"
        )
    n = exports_usd_m.shape[-1]
    k = np.arange(n, dtype=np.float64)
    big_g = float(settings.commodity_gap_years)
    full = float(min(settings.commodity_full_years, settings.commodity_gap_years))
    closing = np.clip((big_g + 1.0 - k) / big_g, 0.0, 1.0)
    gap = np.where(k >= 1, fall * closing, 0.0)
    weight = np.where(
        k < 1,
        0.0,
        np.where(k <= full, 1.0, np.clip((big_g + 1.0 - k) / (big_g + 1.0 - full), 0.0, 1.0)),
    )
    size = -fall
    g = real_growth_dec - settings.commodity_growth_per_price * size / 100.0 * weight
    rr = revenue_ratio - settings.commodity_revenue_per_price * size / 100.0 * weight
    level_x = 1.0 + share_pct / 100.0 * gap
    prev_x = np.concatenate([[1.0], level_x[:-1]])
    x = (1.0 + export_growth_dec) * level_x / prev_x - 1.0
    pi = deflator_usd_dec
    if settings.commodity_deflator_cut:
        level_p = 1.0 + share_pct / 100.0 * exports_usd_m / gdp_usd_m * gap
        prev_p = np.concatenate([[1.0], level_p[:-1]])
        pi = (1.0 + deflator_usd_dec) * level_p / prev_p - 1.0
    return CommodityShock(
        price_fall_decimal=fall,
        exports_share_pct=float(share_pct),
        price_gap=gap,
        cut_weight=weight,
        real_growth_dec=g,
        deflator_usd_dec=pi,
        export_growth_dec=x,
        export_level=level_x,
        revenue_ratio=rr,
    )


def build_scenarios(
    country: Country, settings: StressSettings
) -> tuple[BaselineSetup, PathInputs, list[Scenario], dict[str, object]]:
    """The baseline setup, its inputs, and one :class:`Scenario` per applicable stress test."""
    res = residual_terms(country, settings)
    mkt = market_terms(country, settings)
    setup = baseline_setup(country, extra_terms=[res, *mkt])
    base = setup.inputs
    der = setup.derived
    n = base.years.size
    ti = der.t_index
    sl = slice(ti, ti + n)
    hist = slice(0, ti)
    s = settings
    n_lines = len(country.new_external_financing)
    res_idx = n_lines
    mkt_idx = list(range(n_lines + 1, n_lines + 1 + len(mkt)))
    mkt_lines = [i for i, ln in enumerate(country.new_external_financing) if ln.market_financing]

    g_b = der.real_gdp_growth_pct[sl] / 100.0
    pi_b = der.gdp_deflator_usd_growth_pct[sl] / 100.0
    x_b = der.exports_growth_usd_pct[sl] / 100.0
    gdp_b = base.gdp_usd_m
    exp_b = base.exports_usd_m
    fxa_b, fxe_b = base.fx_avg_lcu_per_usd, base.fx_eop_lcu_per_usd
    gdp_lcu_b = gdp_b * fxa_b
    rev_ratio = base.revenue_excl_grants_lcu_m / gdp_lcu_b
    rev_incl_ratio = base.revenue_incl_grants_lcu_m / gdp_lcu_b
    infl_lcu = der.gdp_deflator_lcu_growth_pct[sl] / 100.0
    # nominal domestic rates: (1 + real rate) x (1 + LCU GDP-deflator inflation) - 1
    dom_rate = (1 + s.residual_domestic_real_rate_pct / 100.0) * (1 + infl_lcu) - 1
    st_real = (
        s.residual_domestic_st_real_rate_pct
        if s.residual_domestic_st_real_rate_pct is not None
        else s.residual_domestic_real_rate_pct
    )
    dom_st_rate = (1 + st_real / 100.0) * (1 + infl_lcu) - 1
    r_disc = country.discount_rate_pct / 100.0
    share_ext = (
        s.residual_external_share
        if s.residual_external_share is not None
        else _default_external_share(setup)
    )
    share_st = s.residual_domestic_st_share
    # a need met at home only keeps Input 7's domestic split (short-term vs MLT)
    dom_st_only = share_st / (1.0 - share_ext) if share_ext < 1.0 else 0.0
    if share_ext + share_st > 1.0 + 1e-12:
        raise InputError(
            f"residual shares add up to {share_ext + share_st:g} > 1 (external {share_ext:g} + "
            f"domestic short-term {share_st:g}); lower one of them",
            field="stress.residual_domestic_st_share",
        )

    st_g = ShockStats.of(der.real_gdp_growth_pct[hist])
    st_x = ShockStats.of(der.exports_growth_usd_pct[hist])
    st_tr = ShockStats.of(der.transfers_to_gdp_pct[hist])
    st_fdi = ShockStats.of(der.fdi_to_gdp_pct[hist])
    pb_hist = series_array(country.macro.primary_balance_history_pct_gdp, der.years[hist], np.nan)
    st_pb = ShockStats.of(pb_hist)
    if s.primary_balance_mean_pct_gdp is not None and s.primary_balance_sd_pct_gdp is not None:
        st_pb = ShockStats(s.primary_balance_mean_pct_gdp, s.primary_balance_sd_pct_gdp)
    has_pb = np.isfinite(st_pb.mean) and np.isfinite(st_pb.sd)
    k_inter = 1.0 if s.interactions else 0.0
    shock_years = slice(1, 3)
    idx = np.arange(n)
    spending_b = der.primary_expenditure_lcu_m[sl]
    other_b = der.other_flows_lcu_m[sl]

    def make(
        code: str,
        label: str,
        *,
        g: FloatArray | None = None,
        pi: FloatArray | None = None,
        x: FloatArray | None = None,
        dep: float = 0.0,
        passthrough: float = 0.0,
        bop_gap_usd: FloatArray | None = None,
        fiscal_gap_lcu: FloatArray | None = None,
        rev_ratio_s: FloatArray | None = None,
        market: bool = False,
        dom_extra_rate: float = 0.0,
        ext_extra_rate: float = 0.0,
        dep_path_s: FloatArray | None = None,
        spending_follows_gdp: bool = False,
        exports_follow_gdp: bool = False,
        fiscal_external_share: float | None = None,
        gap_is_deficit: bool = True,
        finance_lost_revenue: bool = True,
        notes: tuple[str, ...] = (),
    ) -> Scenario:
        g_s = g_b if g is None else g
        pi_s = pi_b if pi is None else pi
        x_s = x_b if x is None else x
        rel = np.cumprod((1 + g_s) * (1 + pi_s) / ((1 + g_b) * (1 + pi_b)))
        dep_path = np.zeros(n)
        dep_path[1:] = dep
        if dep_path_s is not None:
            dep_path = dep_path_s
        rel = rel * (1 - (1 - passthrough) * dep_path)
        gdp = gdp_b * rel
        exports = exp_b * np.cumprod((1 + x_s) / (1 + x_b))
        if exports_follow_gdp:  # exports keep their baseline ratio to GDP (A1)
            exports = exp_b * rel
        fxa = fxa_b * (1 + dep_path)
        fxe = fxe_b * (1 + dep_path)
        gdp_lcu = gdp * fxa
        rr = rev_ratio if rev_ratio_s is None else rev_ratio_s
        revenue = rr * gdp_lcu
        revenue_incl = revenue + (base.revenue_incl_grants_lcu_m - base.revenue_excl_grants_lcu_m)
        # the revenue loss against baseline (spending held at its baseline level) is a fiscal
        # gap financed domestically; explicit fiscal gaps are split by the residual shares
        lost_revenue = np.where(
            np.arange(n) >= 1, rev_incl_ratio * gdp_lcu_b - rev_incl_ratio * gdp_lcu, 0.0
        )
        if spending_follows_gdp or not finance_lost_revenue:
            # A1: the fiscal gap is given in full (PB as a ratio); B3, C4: the template's
            # public paths do not depend on any domestic residual term (Input 7 presets)
            lost_revenue = np.zeros(n)
        if rev_ratio_s is not None:
            lost_revenue = lost_revenue + (rev_ratio - rev_ratio_s) * gdp_lcu
        fg = np.zeros(n) if fiscal_gap_lcu is None else fiscal_gap_lcu
        bop_addon = np.zeros(n)
        bop_addon_pv = np.zeros(n)
        if ext_extra_rate and bop_gap_usd is not None:
            # market variants: the extra cost also falls on the external residual debt that
            # fills the shock years' balance-of-payments gap; it is paid from t+2 and
            # refinanced through the public financing need like any other debt service
            shock_debt = np.where((idx >= 1) & (idx <= 2), bop_gap_usd, 0.0)
            bop_addon[1:] = ext_extra_rate * (shock_debt @ setup.basis.balance[res_idx])[:-1]
            bop_addon_pv = npv_next_years(bop_addon, r_disc)
            bop_addon_pv[:2] = 0.0
            fg = fg + bop_addon * fxa
        fin = fiscal_financing(
            fg,
            fxa,
            setup.basis,
            res_idx,
            external_share=share_ext if fiscal_external_share is None else fiscal_external_share,
            domestic_st_share=share_st if fiscal_external_share is None else dom_st_only,
            domestic_mlt_rate_dec=dom_rate,
            domestic_st_rate_dec=dom_st_rate,
            domestic_mlt_grace_years=s.residual_domestic_mlt_grace_years,
            domestic_mlt_maturity_years=s.residual_domestic_mlt_maturity_years,
            domestic_extra_rate_dec=dom_extra_rate,
            external_extra_rate_dec=ext_extra_rate,
            discount_dec=r_disc,
        )
        ext_new = (np.zeros(n) if bop_gap_usd is None else bop_gap_usd) + fin.external_usd_m
        extra_dom = fin.domestic_stock_lcu_m.copy()
        acc = 0.0
        for y in range(n):  # loop over time: lost revenue is borrowed at home with interest
            acc = acc * (1 + dom_rate[y]) + lost_revenue[y]
            extra_dom[y] += acc
        disb = base.disbursements_usd_m.copy()
        disb[res_idx] += ext_new
        if market and mkt_idx:
            window = slice(1, 1 + s.market_years)
            for src, dst in zip(mkt_lines, mkt_idx, strict=True):
                disb[dst, window] += disb[src, window]
                disb[src, window] = 0.0
        inputs = base.replace(
            external_only_service_usd_m=fin.addon_interest_usd_m + bop_addon,
            external_only_pv_usd_m=fin.addon_pv_usd_m + bop_addon_pv,
            gdp_usd_m=gdp,
            exports_usd_m=exports,
            revenue_excl_grants_lcu_m=revenue,
            revenue_incl_grants_lcu_m=revenue_incl,
            fx_avg_lcu_per_usd=fxa,
            fx_eop_lcu_per_usd=fxe,
            disbursements_usd_m=disb,
            lc_external_stock_lcu_m=base.lc_external_stock_lcu_m,
            domestic_debt_lcu_m=base.domestic_debt_lcu_m + extra_dom,
        )
        # for the debt-dynamics tables: an explicit fiscal gap is a higher primary deficit
        # (B2, A1, A2, refinanced market cost) or another debt-creating flow (C1, C2)
        explicit = np.zeros(n) if fiscal_gap_lcu is None else fiscal_gap_lcu
        spend = spending_b + (explicit if gap_is_deficit else 0.0)
        spend = spend + (fg - explicit)
        if spending_follows_gdp:  # A1: the gap is the whole primary-balance change
            spend = spend + (revenue_incl - base.revenue_incl_grants_lcu_m)
        other = other_b + (0.0 if gap_is_deficit else explicit)
        return Scenario(code, label, inputs, notes, g_s, spend, other, ext_new - fin.external_usd_m)

    def growth_shock(k: float) -> tuple[FloatArray, FloatArray]:
        g1, g2 = shock_pair(100 * g_b[shock_years], st_g, k, s.mode)
        g = g_b.copy()
        g[1], g[2] = g1 / 100.0, g2 / 100.0
        pi = pi_b - k_inter * s.inflation_elasticity * (g_b - g)
        return g, pi

    def export_shock(
        k: float, elasticity: float | None = None
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        el = s.exports_gdp_elasticity if elasticity is None else elasticity
        x1, x2 = shock_pair(100 * x_b[shock_years], st_x, k, s.mode)
        x = x_b.copy()
        x[1], x[2] = x1 / 100.0, x2 / 100.0
        exports_s = exp_b * np.cumprod((1 + x) / (1 + x_b))
        share_prev = np.concatenate(
            [[der.exports_to_gdp_pct[ti - 1]], 100 * exp_b[:-1] / gdp_b[:-1]]
        )
        g = g_b.copy()
        for y in (1, 2):
            e = k_inter * el * share_prev[y] / 100.0
            if x[y] < 0:
                g[y] = g_b[y] + e * x[y]
            else:
                g[y] = g_b[y] - e * (x_b[y] - x[y])
        gap = exp_b - exports_s
        gap[3:] = 0.0  # financed in the shock years only; later years keep the lower level
        return x, g, gap

    def flows_shock(k_tr: float, k_fdi: float) -> FloatArray:
        gap = np.zeros(n)
        tr_b = 100 * base_tr / gdp_b
        fdi_b = 100 * base_fdi / gdp_b
        t1, t2 = shock_pair(tr_b[shock_years], st_tr, k_tr, s.mode)
        f1, f2 = shock_pair(fdi_b[shock_years], st_fdi, k_fdi, s.mode)
        gap[1] = (tr_b[1] - t1 + fdi_b[1] - f1) / 100 * gdp_b[1]
        gap[2] = (tr_b[2] - t2 + fdi_b[2] - f2) / 100 * gdp_b[2]
        return gap

    def pb_gap(k: float) -> FloatArray:
        gap = np.zeros(n)
        pb_b = (
            100
            * (
                base.revenue_incl_grants_lcu_m
                - series_array(country.macro.government_primary_expenditure_lcu_m, base.years, 0.0)
            )
            / gdp_lcu_b
        )
        p1, p2 = shock_pair(pb_b[shock_years], st_pb, k, s.mode)
        gap[1] = (pb_b[1] - p1) / 100 * gdp_lcu_b[1]
        gap[2] = (pb_b[2] - p2) / 100 * gdp_lcu_b[2]
        return gap

    def pb_rates(gap: FloatArray) -> tuple[float, float]:
        """B2 interactions: (domestic, external) extra cost of new debt, decimal."""
        pp = max(0.0, float(np.max(100 * gap[1:3] / gdp_lcu_b[1:3])))
        dom = s.b2_domestic_rate_bp_per_pp * pp / 1e4 if s.interactions else 0.0
        ext = min(s.b2_market_rate_bp_per_pp * pp, s.b2_market_rate_cap_bp) / 1e4
        return dom, ext

    def dep_trade_gap(dep: float, passthrough: float) -> FloatArray:
        gap = np.zeros(n)
        real_dep = (1 - passthrough) * dep
        rel = 1 - real_dep
        if n > 2:
            gap[2] = -k_inter * s.trade_response_to_real_depreciation * real_dep * gdp_b[2] * rel
        return gap

    base_tr = der.net_current_transfers_usd_m[sl]
    base_fdi = der.net_fdi_usd_m[sl]
    pt = s.fx_passthrough if s.interactions else 0.0
    half = s.combination_factor
    scenarios: list[Scenario] = []
    skipped: dict[str, str] = {}

    g1, pi1 = growth_shock(s.b1_growth_sd)
    scenarios.append(make("B1", "Real GDP growth", g=g1, pi=pi1))
    no_pb = (
        "needs the primary-balance history (macro.primary_balance_history_pct_gdp or "
        "stress.primary_balance_mean_pct_gdp/_sd_pct_gdp)"
    )
    no_market = "not applicable (market_access is false)"
    if has_pb:
        gap2 = pb_gap(s.b2_primary_balance_sd)
        dom2, ext2 = pb_rates(gap2)
        scenarios.append(make("B2", "Primary balance", fiscal_gap_lcu=gap2, dom_extra_rate=dom2))
        if country.market_access:
            scenarios.append(
                make(
                    "B2.1",
                    "Primary balance, market financing",
                    fiscal_gap_lcu=gap2,
                    dom_extra_rate=dom2,
                    ext_extra_rate=ext2,
                )
            )
        else:
            skipped["B2.1"] = no_market
    else:
        skipped["B2"] = no_pb
        skipped["B2.1"] = no_market if not country.market_access else f"as B2: {no_pb}"
    x3, g3, gap3 = export_shock(s.b3_exports_sd)
    scenarios.append(
        make("B3", "Exports", g=g3, x=x3, bop_gap_usd=gap3, finance_lost_revenue=False)
    )
    scenarios.append(
        make("B4", "Other flows", bop_gap_usd=flows_shock(s.b4_transfers_sd, s.b4_fdi_sd))
    )
    dep5 = s.b5_depreciation_pct / 100.0
    scenarios.append(
        make("B5", "Depreciation", dep=dep5, passthrough=pt, bop_gap_usd=dep_trade_gap(dep5, pt))
    )
    # B6: everything at half size; growth is the lower of the B1 and B3 arms. The B3 arm
    # uses B6's own exports-GDP elasticity: Excel's B6 does not move when the stand-alone
    # elasticity (Input 6 G25) rises to 1.2, yet its B6 exports/GDP needs the export arm
    g6a, pi6 = growth_shock(half * s.b1_growth_sd)
    x6, g6b, gap6x = export_shock(half * s.b3_exports_sd, s.b6_exports_gdp_elasticity)
    g6 = np.minimum(g6a, g6b)
    gap6 = gap6x + flows_shock(half * s.b4_transfers_sd, half * s.b4_fdi_sd)
    gap6 = gap6 + dep_trade_gap(half * dep5, pt)
    pb6 = pb_gap(half * s.b2_primary_balance_sd) if has_pb else None
    fg6 = pb6 if s.b6_primary_balance_leg else None
    rates6 = pb_rates(pb6) if pb6 is not None else (0.0, 0.0)
    b6_args: dict[str, object] = {
        "g": g6,
        "pi": pi6,
        "x": x6,
        "dep": half * dep5,
        "passthrough": pt,
        "bop_gap_usd": gap6,
        "fiscal_gap_lcu": fg6,
        "dom_extra_rate": rates6[0] if fg6 is not None else 0.0,
    }
    scenarios.append(make("B6", "Combination of B1-B5", **b6_args))  # type: ignore[arg-type]
    if country.market_access and pb6 is not None:
        # B6.1: the market cost is sized on B6's half-size primary-balance deterioration,
        # whether or not that leg is financed (b6_primary_balance_leg)
        scenarios.append(
            make(
                "B6.1",
                "Combination of B1-B5, market financing",
                ext_extra_rate=rates6[1],
                **b6_args,  # type: ignore[arg-type]
            )
        )
    else:
        skipped["B6.1"] = no_market if not country.market_access else f"as B2: {no_pb}"
    tl = country.tailored
    cl = np.zeros(n)
    cl[1] = tl.contingent_liabilities_pct_gdp / 100 * gdp_lcu_b[1]
    scenarios.append(
        make("C1", "Combined contingent liabilities", fiscal_gap_lcu=cl, gap_is_deficit=False)
    )
    if tl.natural_disaster:
        # the export loss only lowers the denominators: the template does not finance it
        # abroad (financing it put 2025 PV/GDP 1.3 pp above the disaster overlays)
        nd = np.zeros(n)
        nd[1] = tl.natural_disaster_shock_pct_gdp / 100 * gdp_lcu_b[1]
        g_nd = g_b.copy()
        g_nd[1] -= s.natural_disaster_growth_pp / 100
        x_nd = x_b.copy()
        x_nd[1] -= s.natural_disaster_exports_pp / 100
        scenarios.append(
            make(
                "C2",
                "Natural disaster",
                g=g_nd,
                x=x_nd,
                fiscal_gap_lcu=nd,
                gap_is_deficit=False,
            )
        )
    else:
        skipped["C2"] = "not applicable (tailored.natural_disaster is false)"
    c3 = commodity_shock(country, s, exp_b, gdp_b, x_b, pi_b, g_b, rev_ratio)
    if isinstance(c3, str):
        skipped["C3"] = c3
    else:
        scenarios.append(
            make(
                "C3",
                "Commodity price",
                g=c3.real_growth_dec,
                pi=c3.deflator_usd_dec,
                x=c3.export_growth_dec,
                rev_ratio_s=c3.revenue_ratio,
                bop_gap_usd=exp_b * (1.0 - c3.export_level),
                notes=(
                    f"price fall {100 * c3.price_fall_decimal:.1f} % in t+1 on "
                    f"{c3.exports_share_pct:.1f} % of exports",
                ),
            )
        )
    if tl.market_financing:
        scenarios.append(
            make(
                "C4",
                "Market financing",
                dep=s.market_depreciation_pct / 100.0,
                passthrough=s.market_fx_passthrough,
                market=True,
                finance_lost_revenue=False,
            )
        )
    else:
        skipped["C4"] = "not applicable (tailored.market_financing is false)"
    a1 = _historical_scenario(country, s, setup, der, st_g, st_pb, has_pb)
    if isinstance(a1, str):
        skipped["A1"] = a1
    else:
        g_a, pi_a, bop_a, pb_gap_a = a1
        scenarios.append(
            make(
                "A1",
                "Historical scenario (displayed, never rated)",
                g=g_a,
                pi=pi_a,
                exports_follow_gdp=True,
                bop_gap_usd=bop_a,
                fiscal_gap_lcu=pb_gap_a,
                fiscal_external_share=0.0,
                spending_follows_gdp=True,
            )
        )
    if s.custom is None:
        skipped["A2"] = "no customized scenario ([stress.custom])"
    else:
        cu = s.custom
        proj = {int(y) for y in base.years[1:]}
        for name in type(cu).model_fields:
            table = getattr(cu, name)
            if isinstance(table, dict):
                bad = sorted(set(table) - proj)
                if bad:
                    raise InputError(
                        f"year {bad[0]} is outside the shockable years {min(proj)}-{max(proj)}",
                        field=f"stress.custom.{name}",
                    )

        def delta(tbl: dict[int, float]) -> FloatArray:
            return series_array(tbl, base.years, 0.0) / 100.0

        g_c2 = g_b + delta(cu.real_gdp_growth_pp)
        pi_c2 = pi_b + delta(cu.gdp_deflator_usd_pp)
        x_c2 = x_b + delta(cu.export_growth_pp)
        dep_c2 = delta(cu.depreciation_pct)
        rel_c2 = np.cumprod((1 + g_c2) * (1 + pi_c2) / ((1 + g_b) * (1 + pi_b)))
        gdp_c2 = gdp_b * rel_c2 * (1 - (1 - pt) * dep_c2)
        bop_c2 = (
            delta(cu.imports_pct_gdp_pp) - delta(cu.transfers_pct_gdp_pp) - delta(cu.fdi_pct_gdp_pp)
        ) * gdp_c2
        gdp_lcu_c2 = gdp_c2 * fxa_b * (1 + dep_c2)
        fiscal_c2 = (
            delta(cu.primary_expenditure_pct_gdp_pp) - delta(cu.grants_pct_gdp_pp)
        ) * gdp_lcu_c2
        rr_c2 = rev_ratio + delta(cu.revenue_excl_grants_pct_gdp_pp)
        scenarios.append(
            make(
                "A2",
                cu.label,
                g=g_c2,
                pi=pi_c2,
                x=x_c2,
                dep_path_s=dep_c2,
                passthrough=pt,
                bop_gap_usd=bop_c2,
                fiscal_gap_lcu=fiscal_c2,
                rev_ratio_s=rr_c2,
            )
        )
    res_unit = UnitLoanBasis.build([res], 1, s.residual_discount_rate_pct / 100.0)
    meta: dict[str, object] = {
        "residual_terms": {
            "interest_rate_pct": 100 * res.rate_dec,
            "grace_years": res.grace_years,
            "maturity_years": res.maturity_years,
            "grant_element_pct": 100.0 * (1.0 - float(res_unit.pv[0, 0, 0])),
            "grant_element_discount_rate_pct": s.residual_discount_rate_pct,
        },
        "residual_external_share": share_ext,
        "shock_stats": {
            "real_gdp_growth_pct": [st_g.mean, st_g.sd],
            "exports_growth_usd_pct": [st_x.mean, st_x.sd],
            "transfers_pct_gdp": [st_tr.mean, st_tr.sd],
            "fdi_pct_gdp": [st_fdi.mean, st_fdi.sd],
            "primary_balance_pct_gdp": [st_pb.mean, st_pb.sd],
        },
        "not_run": skipped,
    }
    return setup, base, scenarios, meta


def _historical_scenario(
    country: Country,
    s: StressSettings,
    setup: BaselineSetup,
    der: DerivedSeries,
    st_g: ShockStats,
    st_pb: ShockStats,
    has_pb: bool,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray] | str:
    """A1 (§4.1): from ``t+1`` growth, US$ deflator, PB/GDP, non-interest CAD/GDP and FDI/GDP
    at their ``t-10 … t-1`` averages. Returns (growth, deflator, BoP gap US$, fiscal gap LCU)
    as decimals / millions, or why it cannot run.

    The external financing need changes by (non-interest CAD − FDI) x GDP under A1 minus the
    same at baseline, filled with new external debt on residual terms; the primary-balance
    change is financed at home (its external part is already in the balance of payments).
    Exports keep their baseline ratio to GDP.
    """
    base = setup.inputs
    n = base.years.size
    ti = der.t_index
    ca = country.macro.current_account_usd_m
    if s.a1_non_interest_cad_pct_gdp is None:
        return "needs stress.a1_non_interest_cad_pct_gdp (historical interest is not an input)"
    if ca is None or any(int(y) not in ca for y in base.years[1:]):
        return "needs macro.current_account_usd_m for every projection year after t"
    if not has_pb:
        return "needs the primary-balance history (as B2)"
    st_pi = ShockStats.of(der.gdp_deflator_usd_growth_pct[:ti])
    st_fdi = ShockStats.of(der.fdi_to_gdp_pct[:ti])
    if not (np.isfinite(st_g.mean) and np.isfinite(st_pi.mean) and np.isfinite(st_fdi.mean)):
        return "needs the growth, US$ deflator and FDI history (t-10 … t-1)"
    sl = slice(ti, ti + n)
    g_b = der.real_gdp_growth_pct[sl] / 100.0
    pi_b = der.gdp_deflator_usd_growth_pct[sl] / 100.0
    g = g_b.copy()
    pi = pi_b.copy()
    g[1:] = st_g.mean / 100.0
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
    fiscal = np.where(np.arange(n) >= 1, (pb_b * gdp_b - st_pb.mean / 100.0 * gdp) * fxa, 0.0)
    return g, pi, bop, fiscal
