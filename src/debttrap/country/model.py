"""One country's LIC-DSF inputs in domain terms: validated, immutable.

Units are in every field name: ``_usd_m`` millions of US dollars, ``_lcu_m``
millions of local currency, ``_pct`` percent (rates percent per year),
``_lcu_per_usd`` exchange rates. Series are ``{year: value}`` tables.

Years: ``first_projection_year`` is ``t``; history is ``t-10 … t-1``;
projections run ``t … last_projection_year`` (default ``t+20``). Flows are
calendar-year totals, stocks are end-of-year.

Sign conventions: ``net_current_transfers_usd_m`` and ``net_fdi_usd_m`` are
positive for net inflows; ``current_account_usd_m`` is negative for a deficit;
``imports_usd_m`` is a positive number.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from enum import StrEnum
from typing import Literal

from pydantic import Field, field_validator, model_validator

from debttrap._model import FrozenModel
from debttrap.country.debt import (
    DomesticDebt,
    ExistingDebtLine,
    ExternalDebt,
    FinancingLine,
    LocalDebtHeldAbroad,
)
from debttrap.country.series import YearSeries, check_series
from debttrap.terms.loan import Loan

__all__ = [
    "CapacityInputs",
    "Country",
    "DomesticDebt",
    "ExistingDebtLine",
    "ExternalDebt",
    "ExternalDebtDefinition",
    "FinancingLine",
    "LocalDebtHeldAbroad",
    "Macro",
    "TailoredTestInputs",
    "YearSeries",
]

HISTORY_YEARS = 10
DEFAULT_HORIZON_YEARS = 20


class ExternalDebtDefinition(StrEnum):
    """Which debt counts as external (GN §1): owed to non-residents, or in foreign currency."""

    RESIDENCY = "residency"
    CURRENCY = "currency"


#: The smallest nominal GDP a country file may give, US$ millions (a unit slip guard).
MIN_GDP_USD_M = 1.0


#: The smallest exports or imports a year may have, as a share of that year's GDP (a unit
#: slip guard: the most closed economies trade several percent of GDP).
MIN_TRADE_SHARE_OF_GDP = 1e-4
#: Real GDP growth a country file may imply in one year, percent: from a 95% fall to a
#: twentyfold rise (beyond anything recorded; a value outside is a typo).
REAL_GROWTH_RANGE_PCT = (-95.0, 1900.0)


def _check_real_growth(
    levels: Mapping[int, float] | None, growth_pct: Mapping[int, float] | None
) -> None:
    """Refuse real GDP (levels or growth) implying a fall or rise no economy has had."""
    lo, hi = REAL_GROWTH_RANGE_PCT
    for year, g in (growth_pct or {}).items():
        if not lo <= g <= hi:
            raise ValueError(
                f"real_gdp_growth_pct[{year}] = {g:g} is outside {lo:g} to {hi:g} percent"
            )
    years = sorted(levels or {})
    for prev, year in itertools.pairwise(years):
        if year != prev + 1 or levels is None:
            continue
        g = 100.0 * (levels[year] / levels[prev] - 1.0)
        if not lo <= g <= hi:
            raise ValueError(
                f"real_gdp_lcu_m[{year}] = {levels[year]:g} implies real growth of {g:.4g}% "
                f"from {prev} ({levels[prev]:g}); outside {lo:g} to {hi:g} percent"
            )


class Macro(FrozenModel):
    """The macro framework (Input 3 of the template). Every series is ``{year: value}``.

    History ``t-10 … t-1`` is needed for real growth, exports, net transfers
    and FDI (stress-test calibration) and for GDP; ``t-1 … T`` for exchange
    rates; ``t … T`` for everything else.
    """

    nominal_gdp_usd_m: YearSeries = Field(description="GDP, current US$, millions.")
    real_gdp_growth_pct: YearSeries | None = Field(
        default=None, description="Real GDP growth, percent (give this or real_gdp_lcu_m)."
    )
    real_gdp_lcu_m: YearSeries | None = Field(
        default=None,
        description="Real GDP level, constant prices, LCU millions (growth derives from it).",
    )
    exchange_rate_eop_lcu_per_usd: YearSeries = Field(
        description="Local currency per US$, end of period."
    )
    exchange_rate_avg_lcu_per_usd: YearSeries = Field(
        description="Local currency per US$, period average (converts flows and GDP)."
    )
    nominal_gdp_lcu_m: YearSeries | None = Field(
        default=None,
        description="GDP in LCU, millions; optional check: must equal GDP US$ x average rate.",
    )
    exports_usd_m: YearSeries = Field(description="Exports of goods and services, US$ m.")
    imports_usd_m: YearSeries = Field(description="Imports of goods and services, US$ m (>0).")
    current_account_usd_m: YearSeries | None = Field(
        default=None, description="Current-account balance, US$ m (negative = deficit)."
    )
    net_current_transfers_usd_m: YearSeries = Field(
        description="Net current transfers (incl. remittances), US$ m, positive = inflow."
    )
    official_transfers_usd_m: YearSeries | None = Field(
        default=None, description="Official current transfers, US$ m (part of net transfers)."
    )
    net_fdi_usd_m: YearSeries = Field(description="Net FDI, US$ m, positive = inflow.")
    remittances_usd_m: YearSeries | None = Field(
        default=None, description="Workers' remittances, US$ m (capacity indicator)."
    )
    government_revenue_incl_grants_lcu_m: YearSeries = Field(
        description="General government revenue including grants, LCU m."
    )
    government_grants_lcu_m: YearSeries = Field(description="Grants received, LCU m.")
    government_primary_expenditure_lcu_m: YearSeries = Field(
        description="Primary (non-interest) expenditure, LCU m."
    )
    primary_balance_history_pct_gdp: YearSeries | None = Field(
        default=None,
        description="Primary balance, percent of GDP, for years before t (B2 calibration).",
    )
    foreign_inflation_pct: YearSeries | None = Field(
        default=None,
        description=(
            "Foreign (US) GDP-deflator inflation, percent, t…T (optional; only for the real "
            "external interest rate of the public debt-dynamics table; default: the country's "
            "US$ GDP-deflator growth)."
        ),
    )
    privatization_proceeds_lcu_m: YearSeries = Field(default_factory=dict)
    contingent_liabilities_recognized_lcu_m: YearSeries = Field(default_factory=dict)
    debt_relief_lcu_m: YearSeries = Field(default_factory=dict)
    other_debt_creating_flows_lcu_m: YearSeries = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _clean(cls, data: object) -> object:
        if isinstance(data, dict):
            out = {}
            for k, v in data.items():
                if isinstance(v, dict):
                    try:
                        v = {int(y): x for y, x in v.items()}
                    except (TypeError, ValueError):
                        raise ValueError(f"{k}: years must be integers") from None
                out[k] = v
            return out
        return data

    @model_validator(mode="after")
    def _finite(self) -> Macro:
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, dict):
                check_series(name, value)
        for name in ("nominal_gdp_usd_m", "real_gdp_lcu_m", "nominal_gdp_lcu_m"):
            series = getattr(self, name)
            for year, v in (series or {}).items():
                if v <= 0:
                    raise ValueError(f"{name}[{year}] = {v:g}: GDP must be positive")
        for year, v in self.nominal_gdp_usd_m.items():
            # every ratio divides by it: a typo such as 1e-10 would give infinite indicators
            if v < MIN_GDP_USD_M:
                raise ValueError(
                    f"nominal_gdp_usd_m[{year}] = {v:g}: GDP is in US$ millions and must be at "
                    f"least {MIN_GDP_USD_M:g} (the smallest economy is about US$60 million)"
                )
        for name in ("exchange_rate_eop_lcu_per_usd", "exchange_rate_avg_lcu_per_usd"):
            for year, v in getattr(self, name).items():
                if v <= 0:
                    raise ValueError(f"{name}[{year}] = {v:g}: exchange rates must be positive")
        for name in ("exports_usd_m", "imports_usd_m"):  # exports divide debt and its service
            for year, v in getattr(self, name).items():
                if v <= 0:
                    raise ValueError(f"{name}[{year}] = {v:g} must be positive")
                gdp = self.nominal_gdp_usd_m.get(year)
                if gdp is not None and v < MIN_TRADE_SHARE_OF_GDP * gdp:
                    raise ValueError(
                        f"{name}[{year}] = {v:g} is {100 * v / gdp:.2g}% of GDP; every economy "
                        f"trades at least {100 * MIN_TRADE_SHARE_OF_GDP:g}% of its GDP (check "
                        "the unit: US$ millions)"
                    )
        _check_real_growth(self.real_gdp_lcu_m, self.real_gdp_growth_pct)
        if self.real_gdp_growth_pct is None and self.real_gdp_lcu_m is None:
            raise ValueError("give real_gdp_growth_pct or real_gdp_lcu_m")
        return self


class CapacityInputs(FrozenModel):
    """Debt-carrying capacity: a given classification, a given CI score, or its components.

    Components (10-year averages, percent except CPIA) follow GN Table 4.
    """

    classification: Literal["weak", "medium", "strong"] | None = None
    ci_score: float | None = None
    cpia: float | None = Field(default=None, ge=1.0, le=6.0)
    real_growth_pct: float | None = None
    remittances_pct_gdp: float | None = None
    reserves_pct_imports: float | None = None
    world_growth_pct: float | None = None
    prior_classification: Literal["weak", "medium", "strong"] | None = Field(
        default=None, description="Class in force before this vintage (two-vintage rule)."
    )
    previous_signal: Literal["weak", "medium", "strong"] | None = Field(
        default=None, description="CI class signalled by the previous vintage."
    )
    source: str = ""

    @model_validator(mode="after")
    def _check(self) -> CapacityInputs:
        comps = (
            self.cpia,
            self.real_growth_pct,
            self.remittances_pct_gdp,
            self.reserves_pct_imports,
            self.world_growth_pct,
        )
        has_all = all(c is not None for c in comps)
        if self.classification is None and self.ci_score is None and not has_all:
            raise ValueError(
                "give classification, ci_score, or all five CI components "
                "(cpia, real_growth_pct, remittances_pct_gdp, reserves_pct_imports, "
                "world_growth_pct)"
            )
        return self


class TailoredTestInputs(FrozenModel):
    """Country facts that size the tailored tests (template Inputs 2 and 6)."""

    contingent_liabilities_pct_gdp: float = Field(
        default=7.0,
        ge=0.0,
        le=100.0,
        description="C1 one-off shock, % of GDP (default 5 financial + 2 SOE).",
    )
    natural_disaster: bool = False
    natural_disaster_shock_pct_gdp: float = Field(default=10.0, ge=0.0, le=100.0)
    commodity_exporter: bool = Field(
        default=False,
        description=(
            "C3 applies by judgment (Input 6 C10 relevance tick), whatever the export-share "
            "history says."
        ),
    )
    commodity_price_shock_pct: float = Field(
        default=0.0,
        le=0.0,
        ge=-100.0,
        description=(
            "C3 commodity price fall in t+1, percent, export-share weighted (e.g. -23; Input 6 "
            "G46 x 100). "
            "0 = size it from the price forecast and its -1 SD band, if given."
        ),
    )
    commodity_exports_share_pct: float = Field(
        default=0.0,
        ge=0.0,
        le=100.0,
        description=(
            "C3: commodity exports, % of exports of goods and services, hit by the price fall "
            "(0 = the t-3 … t-1 average of commodity_exports_share_history_pct)."
        ),
    )
    commodity_exports_share_history_pct: dict[int, float] | None = Field(
        default=None,
        description=(
            "C3 trigger: commodity exports, % of exports of G&S, t-3 … t-1; C3 applies when "
            "their average is 50 or more (or commodity_exporter is true)."
        ),
    )
    commodity_price_forecast_index: float | None = Field(
        default=None,
        gt=0.0,
        description="C3 sizing: baseline commodity price forecast for t+1 (any index).",
    )
    commodity_price_lower_band_index: float | None = Field(
        default=None,
        gt=0.0,
        description=(
            "C3 sizing: the -1 SD (68 %) lower band of that forecast for t+1, same index; the "
            "price fall is lower band / forecast - 1."
        ),
    )
    market_financing: bool = Field(
        default=False,
        description="C4 applies: outstanding Eurobonds or market-access criterion (Input 6 C11).",
    )

    @field_validator("commodity_exports_share_history_pct")
    @classmethod
    def _share_history(cls, v: dict[int, float] | None) -> dict[int, float] | None:
        if v is not None:
            for y, x in v.items():
                if not 0.0 <= x <= 100.0:
                    raise ValueError(f"year {y}: {x} is not a share between 0 and 100")
        return v

    @model_validator(mode="after")
    def _price_band(self) -> TailoredTestInputs:
        f, lo = self.commodity_price_forecast_index, self.commodity_price_lower_band_index
        if (f is None) != (lo is None):
            raise ValueError(
                "give both commodity_price_forecast_index and commodity_price_lower_band_index"
            )
        if f is not None and lo is not None and lo > f:
            raise ValueError("commodity_price_lower_band_index is above the forecast")
        return self

    def commodity_share_history_avg_pct(self, t: int) -> float | None:
        """Average commodity share of exports over ``t-3 … t-1`` (None without all three)."""
        h = self.commodity_exports_share_history_pct
        if h is None or any(y not in h for y in (t - 3, t - 2, t - 1)):
            return None
        return (h[t - 3] + h[t - 2] + h[t - 1]) / 3.0

    def commodity_price_fall_decimal(self) -> float:
        """The C3 price shock in t+1 (negative): given, or from the -1 SD band (0 if neither)."""
        if self.commodity_price_shock_pct < 0:
            return self.commodity_price_shock_pct / 100.0
        f, lo = self.commodity_price_forecast_index, self.commodity_price_lower_band_index
        if f is not None and lo is not None:
            return lo / f - 1.0
        return 0.0


class Country(FrozenModel):
    """Everything the LIC-DSF needs about one country, in domain terms."""

    name: str = Field(min_length=1)
    first_projection_year: int = Field(ge=1980, le=2100)
    last_projection_year: int | None = None
    discount_rate_pct: float = Field(default=5.0, gt=0.0, le=50.0)
    external_debt_definition: ExternalDebtDefinition = ExternalDebtDefinition.RESIDENCY
    market_access: bool = Field(
        default=False,
        description=(
            "Country has market access (Input 1 C27); only runs the market variants B2.1 and "
            "B6.1 (+100 bp per pp of GDP of primary-balance shock on new external debt, cap "
            "400 bp)"
        ),
    )
    macro: Macro
    external_debt: ExternalDebt
    new_external_financing: tuple[FinancingLine, ...] = ()
    new_loans: tuple[Loan, ...] = Field(
        default=(), description="New external loans as contracts (run through the loan engine)."
    )
    domestic_debt: DomesticDebt
    capacity: CapacityInputs
    tailored: TailoredTestInputs = Field(default_factory=TailoredTestInputs)
    notes: str = ""

    def _repr_html_(self) -> str:
        """A compact notebook view: years, headline macro figures, debt lines."""
        from debttrap._display import country_html_summary

        return country_html_summary(self)

    @property
    def t(self) -> int:
        return self.first_projection_year

    @property
    def last_year(self) -> int:
        return (
            self.last_projection_year
            if self.last_projection_year is not None
            else self.first_projection_year + DEFAULT_HORIZON_YEARS
        )

    @property
    def projection_years(self) -> list[int]:
        return list(range(self.t, self.last_year + 1))

    @property
    def history_years(self) -> list[int]:
        return list(range(self.t - HISTORY_YEARS, self.t))

    @model_validator(mode="after")
    def _years(self) -> Country:
        t, last = self.t, self.last_year
        if last < t + 10:
            raise ValueError(
                f"last_projection_year ({last}) must be at least t+10 = {t + 10} "
                "(the rating window)"
            )
        _check_macro_years(self.macro, t, last)
        _check_macro_consistency(self.macro, t, last)
        proj = range(t, last + 1)
        dd = self.domestic_debt.stock_lcu_m
        missing_dd = [y for y in proj if y not in dd]
        if missing_dd:
            raise ValueError(
                f"domestic_debt.stock_lcu_m is missing year(s) {missing_dd[0]}…{missing_dd[-1]}; "
                f"it needs {t}…{last}"
            )
        for i, line in enumerate(self.new_external_financing):
            bad = [y for y in line.disbursements_usd_m if y < t or y > last]
            if bad:
                raise ValueError(
                    f"new_external_financing[{i}] ({line.name}): disbursement year {bad[0]} is "
                    f"outside the projection years {t}…{last}"
                )
        for i, loan in enumerate(self.new_loans):
            if loan.currency != "USD":
                raise ValueError(
                    f"new_loans[{i}] ({loan.name}): currency {loan.currency}; "
                    "give new external loans in USD"
                )
        return self


def _need(field: str, series: YearSeries | None, years: range) -> None:
    missing = [y for y in years if series is None or y not in series]
    if missing:
        span = f"{missing[0]}" if len(missing) == 1 else f"{missing[0]}…{missing[-1]}"
        raise ValueError(
            f"macro.{field} is missing year(s) {span} ({len(missing)} missing); "
            f"it needs {years.start}…{years.stop - 1}"
        )


def _check_macro_years(m: Macro, t: int, last: int) -> None:
    """Every macro series covers the years the DSA reads (history, t-1, projections)."""
    proj = range(t, last + 1)
    history = range(t - HISTORY_YEARS, last + 1)
    _need("nominal_gdp_usd_m", m.nominal_gdp_usd_m, history)
    if m.real_gdp_lcu_m is not None:
        _need("real_gdp_lcu_m", m.real_gdp_lcu_m, range(t - HISTORY_YEARS - 1, last + 1))
    else:
        _need("real_gdp_growth_pct", m.real_gdp_growth_pct, history)
    _need("exchange_rate_eop_lcu_per_usd", m.exchange_rate_eop_lcu_per_usd, range(t - 1, last + 1))
    _need("exchange_rate_avg_lcu_per_usd", m.exchange_rate_avg_lcu_per_usd, range(t - 1, last + 1))
    _need("exports_usd_m", m.exports_usd_m, range(t - HISTORY_YEARS - 1, last + 1))
    _need("imports_usd_m", m.imports_usd_m, proj)
    _need("net_current_transfers_usd_m", m.net_current_transfers_usd_m, history)
    _need("net_fdi_usd_m", m.net_fdi_usd_m, history)
    _need("government_revenue_incl_grants_lcu_m", m.government_revenue_incl_grants_lcu_m, proj)
    _need("government_grants_lcu_m", m.government_grants_lcu_m, proj)
    _need("government_primary_expenditure_lcu_m", m.government_primary_expenditure_lcu_m, proj)


def _check_macro_consistency(m: Macro, t: int, last: int) -> None:
    """Exchange rates agree with each other and with GDP; revenue excluding grants is positive."""
    for y in range(t - 1, last + 1):
        eop = m.exchange_rate_eop_lcu_per_usd[y]
        avg = m.exchange_rate_avg_lcu_per_usd[y]
        if not (1 / 3 <= eop / avg <= 3):
            raise ValueError(
                f"macro exchange rates for {y} are inconsistent: end-of-period {eop:g} vs "
                f"average {avg:g} LCU per US$ (more than a factor 3 apart; check the units)"
            )
        if m.nominal_gdp_lcu_m is not None and y in m.nominal_gdp_lcu_m and y >= t:
            implied = m.nominal_gdp_usd_m[y] * avg
            if abs(m.nominal_gdp_lcu_m[y] / implied - 1) > 0.005:
                raise ValueError(
                    f"macro exchange rates for {y} are inconsistent: GDP "
                    f"{m.nominal_gdp_lcu_m[y]:g} LCU m vs {m.nominal_gdp_usd_m[y]:g} US$ m "
                    f"x {avg:g} = {implied:g}; "
                    "fix nominal_gdp_lcu_m or exchange_rate_avg_lcu_per_usd"
                )
    for y in range(t, last + 1):
        rev = m.government_revenue_incl_grants_lcu_m[y] - m.government_grants_lcu_m[y]
        if rev <= 0:
            raise ValueError(
                f"macro: revenue excluding grants for {y} is {rev:g}; it must be positive"
            )
