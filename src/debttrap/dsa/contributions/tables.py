"""The two debt-dynamics tables and their array kernels (see :mod:`debttrap.dsa.contributions`).

:func:`external_contributions` and :func:`public_contributions` take stocks, flows
and rates as arrays (years last, any leading batch axes) and return the tables;
no loops at all.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from debttrap.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Contributions",
    "ExternalContributions",
    "PublicContributions",
    "external_contributions",
    "public_contributions",
]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class _YearTable:
    """A table of rows on a ``years`` axis (the last axis of every row)."""

    years: NDArray[np.int64]

    def rows(self) -> dict[str, FloatArray]:
        """Every row but ``years``, in the table's order."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "years"}

    def to_frame(self) -> pd.DataFrame:
        """One row per year (unbatched tables only)."""
        import pandas as pd

        cols = self.rows()
        if any(np.ndim(v) != 1 for v in cols.values()):
            raise InputError(
                "to_frame needs an unbatched table; index the batch first", field="table"
            )
        return pd.DataFrame(cols, index=pd.Index(self.years, name="year"))


def _ratio(num: FloatArray, den: FloatArray) -> FloatArray:
    """``num / den``, 0 where ``den`` is 0 (a rate on last year's stock, a share of it)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        out: FloatArray = np.where(den != 0, num / den, 0.0)
    return out


@dataclass(frozen=True, slots=True)
class ExternalContributions(_YearTable):
    """External debt dynamics, percent of GDP (rates in percent); last axis = years."""

    external_debt_pct_gdp: FloatArray
    ppg_external_debt_pct_gdp: FloatArray
    change_in_debt_pct_gdp: FloatArray
    identified_flows_pct_gdp: FloatArray
    non_interest_current_account_deficit_pct_gdp: FloatArray
    trade_deficit_pct_gdp: FloatArray
    exports_pct_gdp: FloatArray
    imports_pct_gdp: FloatArray
    net_transfers_neg_inflow_pct_gdp: FloatArray
    other_current_account_neg_inflow_pct_gdp: FloatArray
    net_fdi_neg_inflow_pct_gdp: FloatArray
    endogenous_dynamics_pct_gdp: FloatArray
    interest_pct_gdp: FloatArray
    real_growth_pct_gdp: FloatArray
    price_and_exchange_rate_pct_gdp: FloatArray
    residual_pct_gdp: FloatArray
    effective_interest_rate_pct: FloatArray
    debt_stabilizing_non_interest_cad_pct_gdp: FloatArray


@dataclass(frozen=True, slots=True)
class PublicContributions(_YearTable):
    """Public debt dynamics, percent of GDP (rates in percent); last axis = years."""

    public_debt_pct_gdp: FloatArray
    public_external_debt_pct_gdp: FloatArray
    change_in_debt_pct_gdp: FloatArray
    identified_flows_pct_gdp: FloatArray
    primary_deficit_pct_gdp: FloatArray
    revenue_and_grants_pct_gdp: FloatArray
    grants_pct_gdp: FloatArray
    primary_expenditure_pct_gdp: FloatArray
    automatic_dynamics_pct_gdp: FloatArray
    real_interest_rate_pct_gdp: FloatArray
    real_growth_pct_gdp: FloatArray
    real_exchange_rate_pct_gdp: FloatArray
    other_flows_pct_gdp: FloatArray
    residual_pct_gdp: FloatArray
    nominal_rate_external_pct: FloatArray
    nominal_rate_domestic_pct: FloatArray
    real_rate_external_pct: FloatArray
    real_rate_domestic_pct: FloatArray
    real_rate_public_pct: FloatArray
    debt_stabilizing_primary_deficit_pct_gdp: FloatArray


@dataclass(frozen=True, slots=True)
class Contributions:
    """Both debt-dynamics tables of one scenario."""

    external: ExternalContributions
    public: PublicContributions

    def to_frame(self) -> pd.DataFrame:
        """Both tables side by side, columns prefixed ``external.`` and ``public.``."""
        import pandas as pd
        e = self.external.to_frame().add_prefix("external.")
        p = self.public.to_frame().add_prefix("public.")
        return pd.concat([e, p], axis=1)

    def to_dict(self) -> dict[str, dict[str, dict[str, float | None]]]:
        """``{"external": {row: {year: value}}, "public": {...}}`` (NaN -> None)."""
        out: dict[str, dict[str, dict[str, float | None]]] = {}
        for key, table in (("external", self.external), ("public", self.public)):
            out[key] = {
                name: {
                    str(int(y)): (float(v) if np.isfinite(v) else None)
                    for y, v in zip(table.years, np.asarray(vals, dtype=float), strict=True)
                }
                for name, vals in table.rows().items()
            }
        return out


def _prev(a: FloatArray) -> FloatArray:
    return a[..., :-1]


def _now(a: FloatArray) -> FloatArray:
    return a[..., 1:]


def external_contributions(
    years: NDArray[np.int64],
    *,
    gdp_usd_m: FloatArray,
    external_debt_usd_m: FloatArray,
    ppg_external_debt_usd_m: FloatArray,
    interest_usd_m: FloatArray,
    real_growth_pct: FloatArray,
    usd_deflator_growth_pct: FloatArray,
    exports_usd_m: FloatArray,
    imports_usd_m: FloatArray,
    net_transfers_usd_m: FloatArray,
    net_fdi_usd_m: FloatArray,
    current_account_usd_m: FloatArray,
    lc_share_dec: FloatArray,
    depreciation_pct: FloatArray,
) -> ExternalContributions:
    """The §6.1 table. Stocks and GDP carry ``t-1`` at index 0 (``n+1`` years); flows ``n``.

    Transfers and FDI are positive for inflows (the table shows them negative);
    ``current_account_usd_m`` is negative for a deficit and includes interest
    (NaN where unknown: the non-interest deficit and the residual are then NaN).
    ``lc_share_dec`` is the local-currency share of external debt at the end of
    the previous year, ``depreciation_pct`` the end-of-period LCU/US$ change.
    """
    gdp = _now(gdp_usd_m)
    d_all = 100.0 * external_debt_usd_m / gdp_usd_m
    d, d_prev = _now(d_all), _prev(d_all)
    g = real_growth_pct / 100.0
    pi = usd_deflator_growth_pct / 100.0
    den = (1.0 + g) * (1.0 + pi)
    i = _ratio(interest_usd_m, _prev(external_debt_usd_m))
    interest = i * d_prev / den
    growth = -g * d_prev / den
    eps = depreciation_pct / 100.0
    price_fx = -pi * (1.0 + g) * d_prev / den - lc_share_dec * eps * (1.0 + i) * d_prev / den
    endogenous = interest + growth
    exp_pct = 100.0 * exports_usd_m / gdp
    imp_pct = 100.0 * imports_usd_m / gdp
    trade = imp_pct - exp_pct
    transfers = -100.0 * net_transfers_usd_m / gdp
    ni_cad = -100.0 * (current_account_usd_m + interest_usd_m) / gdp
    other_ca = ni_cad - trade - transfers
    fdi = -100.0 * net_fdi_usd_m / gdp
    identified = ni_cad + fdi + endogenous
    change = d - d_prev
    # non-interest CAD that keeps D constant: D_{-1} - D_{-1}/den leaves room; FDI as given
    stabilizing = ni_cad - change
    return ExternalContributions(
        years=years,
        external_debt_pct_gdp=d,
        ppg_external_debt_pct_gdp=_now(100.0 * ppg_external_debt_usd_m / gdp_usd_m),
        change_in_debt_pct_gdp=change,
        identified_flows_pct_gdp=identified,
        non_interest_current_account_deficit_pct_gdp=ni_cad,
        trade_deficit_pct_gdp=trade,
        exports_pct_gdp=exp_pct,
        imports_pct_gdp=imp_pct,
        net_transfers_neg_inflow_pct_gdp=transfers,
        other_current_account_neg_inflow_pct_gdp=other_ca,
        net_fdi_neg_inflow_pct_gdp=fdi,
        endogenous_dynamics_pct_gdp=endogenous,
        interest_pct_gdp=interest,
        real_growth_pct_gdp=growth,
        price_and_exchange_rate_pct_gdp=price_fx,
        residual_pct_gdp=change - identified,
        effective_interest_rate_pct=100.0 * i,
        debt_stabilizing_non_interest_cad_pct_gdp=stabilizing,
    )


def public_contributions(
    years: NDArray[np.int64],
    *,
    gdp_lcu_m: FloatArray,
    external_debt_lcu_m: FloatArray,
    external_debt_usd_m: FloatArray,
    domestic_debt_lcu_m: FloatArray,
    external_interest_usd_m: FloatArray,
    domestic_interest_lcu_m: FloatArray,
    fx_avg_lcu_per_usd: FloatArray,
    fx_eop_lcu_per_usd: FloatArray,
    real_growth_pct: FloatArray,
    lcu_deflator_growth_pct: FloatArray,
    foreign_inflation_pct: FloatArray,
    revenue_incl_grants_lcu_m: FloatArray,
    grants_lcu_m: FloatArray,
    primary_expenditure_lcu_m: FloatArray,
    other_flows_lcu_m: FloatArray,
) -> PublicContributions:
    """The §6.2 table. Stocks, GDP and ``fx_eop`` carry ``t-1`` at index 0; flows ``n``.

    ``external_debt_lcu_m`` is PPG external debt in LCU (the template converts
    it at the rate of GDP, so its share of GDP equals the US$ ratio),
    ``external_debt_usd_m`` the same in US$; rates are interest over last year's
    stock (external in US$, domestic in LCU); ``fx_eop`` gives the depreciation.
    ``other_flows_lcu_m``: −privatization + recognized contingent liabilities −
    debt relief + other flows.
    """
    gdp = _now(gdp_lcu_m)
    total = external_debt_lcu_m + domestic_debt_lcu_m
    d_all = 100.0 * total / gdp_lcu_m
    d, d_prev = _now(d_all), _prev(d_all)
    dfc_prev = _prev(100.0 * external_debt_lcu_m / gdp_lcu_m)
    g = real_growth_pct / 100.0
    pi = lcu_deflator_growth_pct / 100.0
    pi_f = foreign_inflation_pct / 100.0
    ext_prev_usd = _prev(external_debt_usd_m)
    dom_prev = _prev(domestic_debt_lcu_m)
    i_f = _ratio(external_interest_usd_m, ext_prev_usd)
    i_d = _ratio(domestic_interest_lcu_m, dom_prev)
    alpha = _ratio(_prev(external_debt_lcu_m), _prev(total))
    r_f = (i_f - pi_f) / (1.0 + pi_f)
    r_d = (i_d - pi) / (1.0 + pi)
    r = alpha * r_f + (1.0 - alpha) * r_d
    eps = _now(fx_eop_lcu_per_usd) / _prev(fx_eop_lcu_per_usd) - 1.0
    e = (1.0 + eps) * (1.0 + pi_f) / (1.0 + pi) - 1.0
    real_int = r * d_prev / (1.0 + g)
    growth = -g * d_prev / (1.0 + g)
    rer = e * dfc_prev * (1.0 + r_f) / (1.0 + g)
    automatic = real_int + growth
    rev = 100.0 * revenue_incl_grants_lcu_m / gdp
    spend = 100.0 * primary_expenditure_lcu_m / gdp
    pdef = spend - rev
    other = 100.0 * other_flows_lcu_m / gdp
    identified = pdef + automatic + other
    change = d - d_prev
    return PublicContributions(
        years=years,
        public_debt_pct_gdp=d,
        public_external_debt_pct_gdp=_now(100.0 * external_debt_lcu_m / gdp_lcu_m),
        change_in_debt_pct_gdp=change,
        identified_flows_pct_gdp=identified,
        primary_deficit_pct_gdp=pdef,
        revenue_and_grants_pct_gdp=rev,
        grants_pct_gdp=100.0 * grants_lcu_m / gdp,
        primary_expenditure_pct_gdp=spend,
        automatic_dynamics_pct_gdp=automatic,
        real_interest_rate_pct_gdp=real_int,
        real_growth_pct_gdp=growth,
        real_exchange_rate_pct_gdp=rer,
        other_flows_pct_gdp=other,
        residual_pct_gdp=change - identified,
        nominal_rate_external_pct=100.0 * i_f,
        nominal_rate_domestic_pct=100.0 * i_d,
        real_rate_external_pct=100.0 * r_f,
        real_rate_domestic_pct=100.0 * r_d,
        real_rate_public_pct=100.0 * r,
        debt_stabilizing_primary_deficit_pct_gdp=pdef - change,
    )
