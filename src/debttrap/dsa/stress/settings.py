"""The stress-test settings a user writes: Input 6 and Input 7 of the template, and A2.

Defaults are the 2025-08-12 template's. Shares are in percent, as a user writes
them; the tests turn them into decimals where they use them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["CustomScenario", "StressSettings"]


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
    fx_passthrough: float = Field(default=0.3, ge=0.0, le=1.0)
    trade_response_to_real_depreciation: float = Field(default=0.15, ge=0.0)
    primary_balance_mean_pct_gdp: float | None = None
    primary_balance_sd_pct_gdp: float | None = Field(default=None, ge=0.0)
    residual_external_share_pct: float | None = Field(
        default=None,
        ge=0.0,
        le=100.0,
        description=(
            "Input 7 H9: percent of a fiscal financing need met by new external debt "
            "(default: the external share of the baseline's new borrowing, t … t+10)."
        ),
    )
    residual_rate_pct: float | None = Field(default=None, ge=0.0, le=100.0)
    residual_grace_years: int | None = Field(default=None, ge=0)
    residual_maturity_years: int | None = Field(default=None, ge=1)
    residual_domestic_real_rate_pct: float = Field(
        default=2.9,
        ge=-50.0,
        le=100.0,
        description="Input 7: real rate of new domestic MLT debt; nominal = real + LCU deflator.",
    )
    residual_domestic_st_share_pct: float = Field(
        default=0.0,
        ge=0.0,
        le=100.0,
        description=(
            "Input 7 H11: percent of a fiscal financing need met by domestic short-term debt "
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
    b6_growth_sd: float | None = Field(
        default=None,
        ge=0.0,
        description="Input 6 C41/D41: B6's real-growth leg, SDs (default: half of b1_growth_sd).",
    )
    b6_exports_sd: float | None = Field(
        default=None,
        ge=0.0,
        description="Input 6 C44/D44: B6's export leg, SDs (default: half of b3_exports_sd).",
    )
    b6_primary_balance_sd: float | None = Field(
        default=None,
        ge=0.0,
        description=(
            "Input 6 C47/D47: B6's primary-balance leg, SDs (default: half of "
            "b2_primary_balance_sd); sizes B6.1's market cost, and B6's fiscal gap only with "
            "b6_primary_balance_leg."
        ),
    )
    b6_transfers_sd: float | None = Field(
        default=None,
        ge=0.0,
        description="Input 6 C50/D50: B6's transfers leg, SDs (default: half of b4_transfers_sd).",
    )
    b6_fdi_sd: float | None = Field(
        default=None,
        ge=0.0,
        description="Input 6 C53/D53: B6's FDI leg, SDs (default: half of b4_fdi_sd).",
    )
    b6_depreciation_pct: float | None = Field(
        default=None,
        ge=0.0,
        le=500.0,
        description="Input 6 C58/D58: B6's depreciation leg, % (default: half of "
        "b5_depreciation_pct).",
    )
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
