"""Derived macro series and denominators, as arrays over years ``t-10 … T``.

Every value here is computed from :class:`~debttrap.country.model.Country`
by a published identity (GN; template Output 1-1/1-2):

* real growth ``g_y = Y_y / Y_{y-1} - 1`` (from the real GDP level when given);
* US-dollar GDP deflator growth ``(1 + n_y) / (1 + g_y) - 1``, ``n`` = growth of GDP in US$;
* GDP in LCU ``= GDP_US$ x average exchange rate``;
* revenue excluding grants ``= revenue incl. grants - grants``;
* primary balance ``= revenue incl. grants - primary expenditure``;
* export growth in US$.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from debttrap.country.model import HISTORY_YEARS, Country, YearSeries

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DerivedSeries", "derive", "series_array"]

FloatArray = NDArray[np.float64]


def series_array(
    series: YearSeries | None, years: NDArray[np.int64], default: float = np.nan
) -> FloatArray:
    """Values of a ``{year: value}`` table on ``years`` (``default`` where absent)."""
    if series is None:
        return np.full(years.shape, default)
    get = series.get
    return np.array([get(y, default) for y in years.tolist()], dtype=np.float64)


@dataclass(frozen=True, slots=True)
class DerivedSeries:
    """Macro arrays on ``years = t-10 … T`` (index ``HISTORY_YEARS`` is ``t``). Percent as noted."""

    years: NDArray[np.int64]
    t_index: int
    nominal_gdp_usd_m: FloatArray
    nominal_gdp_lcu_m: FloatArray
    real_gdp_growth_pct: FloatArray
    gdp_deflator_usd_growth_pct: FloatArray
    gdp_deflator_lcu_growth_pct: FloatArray
    exchange_rate_eop_lcu_per_usd: FloatArray
    exchange_rate_avg_lcu_per_usd: FloatArray
    exports_usd_m: FloatArray
    exports_growth_usd_pct: FloatArray
    imports_usd_m: FloatArray
    net_current_transfers_usd_m: FloatArray
    net_fdi_usd_m: FloatArray
    revenue_incl_grants_lcu_m: FloatArray
    grants_lcu_m: FloatArray
    revenue_excl_grants_lcu_m: FloatArray
    primary_expenditure_lcu_m: FloatArray
    primary_balance_lcu_m: FloatArray
    other_flows_lcu_m: FloatArray

    @property
    def exports_pct_gdp(self) -> FloatArray:
        return 100.0 * self.exports_usd_m / self.nominal_gdp_usd_m

    @property
    def revenue_excl_grants_pct_gdp(self) -> FloatArray:
        return 100.0 * self.revenue_excl_grants_lcu_m / self.nominal_gdp_lcu_m

    @property
    def revenue_incl_grants_pct_gdp(self) -> FloatArray:
        return 100.0 * self.revenue_incl_grants_lcu_m / self.nominal_gdp_lcu_m

    @property
    def primary_balance_pct_gdp(self) -> FloatArray:
        return 100.0 * self.primary_balance_lcu_m / self.nominal_gdp_lcu_m

    @property
    def transfers_pct_gdp(self) -> FloatArray:
        return 100.0 * self.net_current_transfers_usd_m / self.nominal_gdp_usd_m

    @property
    def fdi_pct_gdp(self) -> FloatArray:
        return 100.0 * self.net_fdi_usd_m / self.nominal_gdp_usd_m

    def to_frame(self) -> pd.DataFrame:
        import pandas as pd
        cols = {
            name: getattr(self, name)
            for name in self.__dataclass_fields__
            if name not in ("years", "t_index")
        }
        for name in (
            "exports_pct_gdp",
            "revenue_excl_grants_pct_gdp",
            "revenue_incl_grants_pct_gdp",
            "primary_balance_pct_gdp",
            "transfers_pct_gdp",
            "fdi_pct_gdp",
        ):
            cols[name] = getattr(self, name)
        return pd.DataFrame(cols, index=pd.Index(self.years, name="year"))


def derive(country: Country) -> DerivedSeries:
    """Compute the derived series of ``country`` on ``t-10 … T``."""
    t = country.t
    years = np.arange(t - HISTORY_YEARS, country.last_year + 1, dtype=np.int64)
    prev = years - 1
    m = country.macro
    gdp = series_array(m.nominal_gdp_usd_m, years)
    gdp_prev = series_array(m.nominal_gdp_usd_m, prev)
    if m.real_gdp_lcu_m is not None:
        real = series_array(m.real_gdp_lcu_m, years)
        real_prev = series_array(m.real_gdp_lcu_m, prev)
        g = 100.0 * (real / real_prev - 1.0)
    else:
        g = series_array(m.real_gdp_growth_pct, years)
    defl_usd = 100.0 * ((gdp / gdp_prev) / (1.0 + g / 100.0) - 1.0)
    fx_eop = series_array(m.exchange_rate_eop_lcu_per_usd, years)
    fx_avg = series_array(m.exchange_rate_avg_lcu_per_usd, years)
    fx_avg_prev = series_array(m.exchange_rate_avg_lcu_per_usd, prev)
    gdp_lcu = gdp * fx_avg
    defl_lcu = 100.0 * ((gdp_lcu / (gdp_prev * fx_avg_prev)) / (1.0 + g / 100.0) - 1.0)
    exports = series_array(m.exports_usd_m, years)
    exports_prev = series_array(m.exports_usd_m, prev)
    rev = series_array(m.government_revenue_incl_grants_lcu_m, years)
    grants = series_array(m.government_grants_lcu_m, years)
    spend = series_array(m.government_primary_expenditure_lcu_m, years)
    other = (
        -series_array(m.privatization_proceeds_lcu_m, years, 0.0)
        + series_array(m.contingent_liabilities_recognized_lcu_m, years, 0.0)
        - series_array(m.debt_relief_lcu_m, years, 0.0)
        + series_array(m.other_debt_creating_flows_lcu_m, years, 0.0)
    )
    return DerivedSeries(
        years=years,
        t_index=HISTORY_YEARS,
        nominal_gdp_usd_m=gdp,
        nominal_gdp_lcu_m=gdp_lcu,
        real_gdp_growth_pct=g,
        gdp_deflator_usd_growth_pct=defl_usd,
        gdp_deflator_lcu_growth_pct=defl_lcu,
        exchange_rate_eop_lcu_per_usd=fx_eop,
        exchange_rate_avg_lcu_per_usd=fx_avg,
        exports_usd_m=exports,
        exports_growth_usd_pct=100.0 * (exports / exports_prev - 1.0),
        imports_usd_m=series_array(m.imports_usd_m, years),
        net_current_transfers_usd_m=series_array(m.net_current_transfers_usd_m, years),
        net_fdi_usd_m=series_array(m.net_fdi_usd_m, years),
        revenue_incl_grants_lcu_m=rev,
        grants_lcu_m=grants,
        revenue_excl_grants_lcu_m=rev - grants,
        primary_expenditure_lcu_m=spend,
        primary_balance_lcu_m=rev - spend,
        other_flows_lcu_m=other,
    )
