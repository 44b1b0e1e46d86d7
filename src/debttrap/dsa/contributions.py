"""Debt-dynamics ("contributions") tables of the LIC-DSF (``lic-dsf-method.md`` §6).

Two tables, one row per projection year ``t … T``, all in percent of GDP
unless named ``_pct`` (a rate):

* :class:`ExternalContributions` (template Output 1-1 rows 8-27, §6.1):
  external debt ``D`` (PPG + private, nominal, US$ / GDP in US$), its change,
  the identified net debt-creating flows (non-interest current-account deficit
  + net FDI + endogenous dynamics) and the residual. With ``g`` real growth,
  ``pi`` US$ GDP-deflator growth, ``den = (1+g)(1+pi)`` and ``i`` the effective
  rate (interest / last year's stock): interest ``i D_{-1}/den``, real growth
  ``-g D_{-1}/den``, price and exchange rate
  ``-pi(1+g) D_{-1}/den - alpha eps (1+i) D_{-1}/den``. As in the template's
  projection columns (Output 1-1 row 21 = rows 23 + 24), the endogenous
  dynamics are interest + growth; the price and exchange-rate term is shown
  as a memo row and so sits in the residual.
* :class:`PublicContributions` (Output 1-2 rows 8-28, §6.2): public debt
  ``d`` (external at end-of-period rates + domestic, face, / GDP in LCU), the
  primary deficit, automatic dynamics (real interest ``r d_{-1}/(1+g)`` and
  real growth ``-g d_{-1}/(1+g)``, ``r = alpha r_f + (1-alpha) r_d``), other
  identified flows and the residual; the real exchange-rate term
  ``e d^FC_{-1} (1+r_f)/(1+g)`` is a memo row (Output 1-2 row 17 = row 18 in
  the template's projections). Debt-stabilizing primary deficit = primary
  deficit − change in debt.

Residual = change in debt − identified flows, so each table adds up by
construction; the residual shows what the identified flows leave out
(valuation, reserves, the price and exchange-rate terms, the template's
unitemised debt). The kernels work on arrays whose last axis is the year and
broadcast over leading batch axes; they have no loops at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from debttrap.country.derived import DerivedSeries, series_array
from debttrap.country.model import Country
from debttrap.dsa.paths import BaselineSetup, IndicatorPaths, PathInputs
from debttrap.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Contributions",
    "CountryRows",
    "ExternalContributions",
    "PublicContributions",
    "contributions_batch",
    "contributions_for",
    "country_rows",
    "external_contributions",
    "public_contributions",
]

FloatArray = NDArray[np.float64]
_T = TypeVar("_T", "ExternalContributions", "PublicContributions")


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


@dataclass(frozen=True, slots=True)
class CountryRows:
    """The series every scenario's tables share (from the country, not the scenario):
    computed once by :func:`country_rows` and passed to :func:`contributions_for` when one
    country's scenarios are tabulated together."""

    lc_prev_usd: float
    unitemised_prev_usd_m: float
    private_usd_m: FloatArray  # t-1 … T
    current_account_usd_m: FloatArray  # t … T
    lc_interest_lcu_m: FloatArray | None  # t … T, None without local debt held abroad
    domestic_prev_lcu_m: FloatArray  # (1,): t-1
    domestic_interest_lcu_m: FloatArray  # t … T
    foreign_inflation_pct: FloatArray | None  # t … T, None: the US$ deflator


def country_rows(country: Country, setup: BaselineSetup) -> CountryRows:
    """The scenario-independent series of the contribution tables of ``country``."""
    der = setup.derived
    ed = country.external_debt
    years = setup.inputs.years
    t = country.t
    n = years.size
    prev_year = np.array([t - 1], dtype=np.int64)
    years_ext = np.arange(t - 1, t + n, dtype=np.int64)
    fxe_prev = der.exchange_rate_eop_lcu_per_usd[der.t_index - 1]
    lc_prev = 0.0
    lc_int = None
    if ed.local_debt_held_abroad is not None:
        lc_prev = float(series_array(ed.local_debt_held_abroad.stock_lcu_m, prev_year, 0.0)[0])
        lc_int = series_array(ed.local_debt_held_abroad.interest_lcu_m, years, 0.0)
    dd = country.domestic_debt
    return CountryRows(
        lc_prev_usd=lc_prev / fxe_prev,
        unitemised_prev_usd_m=float(
            series_array(ed.unitemised_ppg_stock_usd_m, prev_year, 0.0)[0]
        ),
        private_usd_m=series_array(ed.private_mlt_outstanding_usd_m, years_ext, 0.0)
        + series_array(ed.private_short_term_usd_m, years_ext, 0.0),
        current_account_usd_m=series_array(country.macro.current_account_usd_m, years),
        lc_interest_lcu_m=lc_int,
        domestic_prev_lcu_m=series_array(dd.stock_lcu_m, prev_year),
        domestic_interest_lcu_m=series_array(dd.interest_lcu_m, years),
        foreign_inflation_pct=(
            series_array(country.macro.foreign_inflation_pct, years)
            if country.macro.foreign_inflation_pct is not None
            else None
        ),
    )


def _external_stocks(
    country: Country,
    der: DerivedSeries,
    inp: PathInputs,
    paths: IndicatorPaths,
    rows: CountryRows,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """PPG and total external stock (US$ m), the local-currency share of last year's stock
    and end-of-period rates, ``t-1 … T`` (the ``t-1`` stock rebuilt from the inputs)."""
    ed = country.external_debt
    ti = der.t_index
    fxe_prev = der.exchange_rate_eop_lcu_per_usd[ti - 1]
    lc_prev_usd = rows.lc_prev_usd
    ppg_prev = (
        ed.ppg_mlt_outstanding_usd_m
        + float(inp.short_term_usd_m[0])
        + ed.arrears_usd_m
        + lc_prev_usd
        + rows.unitemised_prev_usd_m
    )
    private = rows.private_usd_m
    ppg = np.concatenate([[ppg_prev], paths.ext_debt_nominal_usd_m])
    ext_total = ppg + private
    lc_usd = np.concatenate([[lc_prev_usd], inp.lc_external_stock_lcu_m / inp.fx_eop_lcu_per_usd])
    lc_share = _ratio(lc_usd[:-1], ext_total[:-1])
    fxe = np.concatenate([[fxe_prev], inp.fx_eop_lcu_per_usd])
    return ppg, ext_total, lc_share, fxe


def _public_table(
    country: Country,
    der: DerivedSeries,
    inp: PathInputs,
    *,
    ppg: FloatArray,
    gdp_usd: FloatArray,
    gdp_lcu: FloatArray,
    fxe: FloatArray,
    ext_interest: FloatArray,
    g_pct: FloatArray,
    pi_lcu_pct: FloatArray,
    primary_expenditure_lcu_m: FloatArray | None,
    other_flows_lcu_m: FloatArray | None,
    rows: CountryRows,
) -> PublicContributions:
    ti = der.t_index
    years = inp.years
    sl = slice(ti, ti + years.size)
    dom = np.concatenate([rows.domestic_prev_lcu_m, inp.domestic_debt_lcu_m])
    foreign = (
        rows.foreign_inflation_pct
        if rows.foreign_inflation_pct is not None
        else der.gdp_deflator_usd_growth_pct[sl]
    )
    spend = (
        der.primary_expenditure_lcu_m[sl]
        if primary_expenditure_lcu_m is None
        else np.asarray(primary_expenditure_lcu_m, dtype=np.float64)
    )
    other = (
        der.other_flows_lcu_m[sl]
        if other_flows_lcu_m is None
        else np.asarray(other_flows_lcu_m, dtype=np.float64)
    )
    public = public_contributions(
        years,
        gdp_lcu_m=gdp_lcu,
        external_debt_lcu_m=ppg / gdp_usd * gdp_lcu,
        external_debt_usd_m=ppg,
        domestic_debt_lcu_m=dom,
        external_interest_usd_m=ext_interest,
        domestic_interest_lcu_m=rows.domestic_interest_lcu_m,
        fx_avg_lcu_per_usd=inp.fx_avg_lcu_per_usd,
        fx_eop_lcu_per_usd=fxe,
        real_growth_pct=g_pct,
        lcu_deflator_growth_pct=pi_lcu_pct,
        foreign_inflation_pct=foreign,
        revenue_incl_grants_lcu_m=inp.revenue_incl_grants_lcu_m,
        grants_lcu_m=der.grants_lcu_m[sl],
        primary_expenditure_lcu_m=spend,
        other_flows_lcu_m=other,
    )
    return public


def contributions_for(
    country: Country,
    setup: BaselineSetup,
    paths: IndicatorPaths,
    *,
    inputs: PathInputs | None = None,
    real_growth_pct: FloatArray | None = None,
    primary_expenditure_lcu_m: FloatArray | None = None,
    other_flows_lcu_m: FloatArray | None = None,
    bop_gap_usd_m: FloatArray | None = None,
    baseline: IndicatorPaths | None = None,
    rows: CountryRows | None = None,
) -> Contributions:
    """Both tables for one unbatched scenario (``paths``) of ``country``.

    For a stress scenario pass its kernel ``inputs``, its ``real_growth_pct`` and,
    where the test changes them, its primary expenditure and other debt-creating
    flows (:class:`debttrap.dsa.stress.StressScenario` carries all of them); the US$ and
    LCU deflators then follow from the scenario's GDP paths and real growth
    (``(1+g)(1+pi) = GDP_y / GDP_{y-1}``, ``t-1`` unshocked). Without them the
    baseline's series are used. The scenario's non-interest current-account deficit is
    the baseline's plus ``bop_gap_usd_m`` (the balance-of-payments gap its new external
    debt fills; FDI stays at baseline in the table); that needs the ``baseline`` paths
    (for the change in interest), else the current-account rows are NaN.

    The stock at the end of ``t-1`` is rebuilt from the inputs (existing PPG
    MLT stock, short-term debt, arrears, local-currency debt held abroad and
    private debt of ``t-1`` where given, domestic debt of ``t-1`` where given);
    where a piece is missing the first year's change and residual are NaN or
    partial. External interest: the kernel's PPG interest, the interest of
    local-currency debt held abroad where given (at average rates) and private
    interest (external table only).

    ``rows``: the country's scenario-independent series (:func:`country_rows`), computed
    here when not given; pass them when tabulating many scenarios of one country.
    """
    if np.ndim(paths.pv_ext_debt_usd_m) != 1:
        raise InputError("contributions need unbatched paths; index the batch first", field="paths")
    der = setup.derived
    inp = setup.inputs if inputs is None else inputs
    ti = der.t_index
    n = inp.years.size
    rows = country_rows(country, setup) if rows is None else rows
    ppg, ext_total, lc_share, fxe = _external_stocks(country, der, inp, paths, rows)
    gdp_usd = der.nominal_gdp_usd_m[ti - 1 : ti + n]
    sl = slice(ti, ti + n)
    years = inp.years
    ca = rows.current_account_usd_m
    g_pct = der.real_gdp_growth_pct[sl]
    pi_usd_pct = der.gdp_deflator_usd_growth_pct[sl]
    pi_lcu_pct = der.gdp_deflator_lcu_growth_pct[sl]
    gdp_lcu = np.concatenate(
        [[der.nominal_gdp_lcu_m[ti - 1]], inp.gdp_usd_m * inp.fx_avg_lcu_per_usd]
    )
    if inputs is not None:
        g_pct = g_pct if real_growth_pct is None else np.asarray(real_growth_pct, dtype=np.float64)
        gdp_usd = np.concatenate([[der.nominal_gdp_usd_m[ti - 1]], inp.gdp_usd_m])
        pi_usd_pct = 100.0 * (gdp_usd[1:] / gdp_usd[:-1] / (1.0 + g_pct / 100.0) - 1.0)
        pi_lcu_pct = 100.0 * (gdp_lcu[1:] / gdp_lcu[:-1] / (1.0 + g_pct / 100.0) - 1.0)
        if baseline is None:
            ca = np.full(n, np.nan)
        else:
            gap = np.zeros(n) if bop_gap_usd_m is None else np.asarray(bop_gap_usd_m)
            ca = ca + (baseline.ext_interest_usd_m - paths.ext_interest_usd_m) - gap
    ext_interest = paths.ext_interest_usd_m.copy()
    if rows.lc_interest_lcu_m is not None:
        ext_interest = ext_interest + rows.lc_interest_lcu_m / inp.fx_avg_lcu_per_usd
    external = external_contributions(
        years,
        gdp_usd_m=gdp_usd,
        external_debt_usd_m=ext_total,
        ppg_external_debt_usd_m=ppg,
        interest_usd_m=ext_interest + setup.private_interest_usd_m,
        real_growth_pct=g_pct,
        usd_deflator_growth_pct=pi_usd_pct,
        exports_usd_m=inp.exports_usd_m,
        imports_usd_m=der.imports_usd_m[sl],
        net_transfers_usd_m=der.net_current_transfers_usd_m[sl],
        net_fdi_usd_m=der.net_fdi_usd_m[sl],
        current_account_usd_m=ca,
        lc_share_dec=lc_share,
        depreciation_pct=100.0 * (fxe[1:] / fxe[:-1] - 1.0),
    )
    public = _public_table(
        country,
        der,
        inp,
        ppg=ppg,
        gdp_usd=gdp_usd,
        gdp_lcu=gdp_lcu,
        fxe=fxe,
        ext_interest=ext_interest,
        g_pct=g_pct,
        pi_lcu_pct=pi_lcu_pct,
        primary_expenditure_lcu_m=primary_expenditure_lcu_m,
        other_flows_lcu_m=other_flows_lcu_m,
        rows=rows,
    )
    return Contributions(external=external, public=public)


def _scenario_rows(table: _T, count: int) -> list[_T]:
    """The ``count`` scenarios of a batched table (arrays without the scenario axis are
    shared): each field split into its rows once, then one table per scenario."""
    names = [f.name for f in fields(table)]
    columns = []
    for name in names:
        v = getattr(table, name)
        columns.append(list(v) if name != "years" and np.ndim(v) == 2 else [v] * count)
    cls = type(table)
    return [cls(**dict(zip(names, row, strict=True))) for row in zip(*columns, strict=True)]


def _per_scenario(
    values: Sequence[ArrayLike | None], default: FloatArray, n: int
) -> FloatArray:
    return np.array(
        [default if v is None else np.asarray(v, dtype=np.float64) for v in values]
    ).reshape(len(values), n)


def contributions_batch(
    country: Country,
    setup: BaselineSetup,
    paths: IndicatorPaths,
    inputs: PathInputs,
    *,
    real_growth_pct: Sequence[ArrayLike | None],
    primary_expenditure_lcu_m: Sequence[ArrayLike | None],
    other_flows_lcu_m: Sequence[ArrayLike | None],
    bop_gap_usd_m: Sequence[ArrayLike | None],
    baseline: IndicatorPaths,
    rows: CountryRows | None = None,
) -> list[Contributions]:
    """Both tables for every stress scenario of a batch at once (leading axis: scenario).

    Scenario ``k`` gets exactly what :func:`contributions_for` gives for ``paths[k]``
    with ``inputs=inputs[k]``, the ``k``-th entries of the sequences and ``baseline``
    (every step is elementwise, so one pass over the ``(scenarios, years)`` arrays
    gives the same numbers as one pass per scenario; a test checks equality).
    """
    s_count = len(real_growth_pct)
    if s_count == 0:
        return []
    if np.ndim(paths.pv_ext_debt_usd_m) != 2 or len(paths.pv_ext_debt_usd_m) != s_count:
        raise InputError("contributions_batch needs one row of paths per scenario", field="paths")
    der = setup.derived
    rows = country_rows(country, setup) if rows is None else rows
    ed = country.external_debt
    ti = der.t_index
    years = inputs.years
    n = years.size
    sl = slice(ti, ti + n)
    column = np.ones((s_count, 1))
    # the t-1 stock, as in _external_stocks
    ppg_prev = (
        ed.ppg_mlt_outstanding_usd_m
        + inputs.short_term_usd_m[:, 0]
        + ed.arrears_usd_m
        + rows.lc_prev_usd
        + rows.unitemised_prev_usd_m
    )
    ppg = np.concatenate([ppg_prev[:, None], paths.ext_debt_nominal_usd_m], axis=1)
    ext_total = ppg + rows.private_usd_m
    lc_usd = np.concatenate(
        [column * rows.lc_prev_usd, inputs.lc_external_stock_lcu_m / inputs.fx_eop_lcu_per_usd],
        axis=1,
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        lc_share = np.where(
            ext_total[:, :-1] != 0, lc_usd[:, :-1] / ext_total[:, :-1], 0.0
        )
    fxe = np.concatenate(
        [column * der.exchange_rate_eop_lcu_per_usd[ti - 1], inputs.fx_eop_lcu_per_usd], axis=1
    )
    gdp_usd = np.concatenate([column * der.nominal_gdp_usd_m[ti - 1], inputs.gdp_usd_m], axis=1)
    gdp_lcu = np.concatenate(
        [column * der.nominal_gdp_lcu_m[ti - 1], inputs.gdp_usd_m * inputs.fx_avg_lcu_per_usd],
        axis=1,
    )
    g_pct = _per_scenario(real_growth_pct, der.real_gdp_growth_pct[sl], n)
    pi_usd_pct = 100.0 * (gdp_usd[:, 1:] / gdp_usd[:, :-1] / (1.0 + g_pct / 100.0) - 1.0)
    pi_lcu_pct = 100.0 * (gdp_lcu[:, 1:] / gdp_lcu[:, :-1] / (1.0 + g_pct / 100.0) - 1.0)
    gap = _per_scenario(bop_gap_usd_m, np.zeros(n), n)
    ca = (
        rows.current_account_usd_m
        + (baseline.ext_interest_usd_m - paths.ext_interest_usd_m)
        - gap
    )
    ext_interest = paths.ext_interest_usd_m.copy()
    if rows.lc_interest_lcu_m is not None:
        ext_interest = ext_interest + rows.lc_interest_lcu_m / inputs.fx_avg_lcu_per_usd
    external = external_contributions(
        years,
        gdp_usd_m=gdp_usd,
        external_debt_usd_m=ext_total,
        ppg_external_debt_usd_m=ppg,
        interest_usd_m=ext_interest + setup.private_interest_usd_m,
        real_growth_pct=g_pct,
        usd_deflator_growth_pct=pi_usd_pct,
        exports_usd_m=inputs.exports_usd_m,
        imports_usd_m=der.imports_usd_m[sl],
        net_transfers_usd_m=der.net_current_transfers_usd_m[sl],
        net_fdi_usd_m=der.net_fdi_usd_m[sl],
        current_account_usd_m=ca,
        lc_share_dec=lc_share,
        depreciation_pct=100.0 * (fxe[:, 1:] / fxe[:, :-1] - 1.0),
    )
    dom = np.concatenate([column * rows.domestic_prev_lcu_m, inputs.domestic_debt_lcu_m], axis=1)
    foreign = (
        rows.foreign_inflation_pct
        if rows.foreign_inflation_pct is not None
        else der.gdp_deflator_usd_growth_pct[sl]
    )
    public = public_contributions(
        years,
        gdp_lcu_m=gdp_lcu,
        external_debt_lcu_m=ppg / gdp_usd * gdp_lcu,
        external_debt_usd_m=ppg,
        domestic_debt_lcu_m=dom,
        external_interest_usd_m=ext_interest,
        domestic_interest_lcu_m=rows.domestic_interest_lcu_m,
        fx_avg_lcu_per_usd=inputs.fx_avg_lcu_per_usd,
        fx_eop_lcu_per_usd=fxe,
        real_growth_pct=g_pct,
        lcu_deflator_growth_pct=pi_lcu_pct,
        foreign_inflation_pct=foreign,
        revenue_incl_grants_lcu_m=inputs.revenue_incl_grants_lcu_m,
        grants_lcu_m=der.grants_lcu_m[sl],
        primary_expenditure_lcu_m=_per_scenario(
            primary_expenditure_lcu_m, der.primary_expenditure_lcu_m[sl], n
        ),
        other_flows_lcu_m=_per_scenario(other_flows_lcu_m, der.other_flows_lcu_m[sl], n),
    )
    return [
        Contributions(external=e, public=p)
        for e, p in zip(
            _scenario_rows(external, s_count), _scenario_rows(public, s_count), strict=True
        )
    ]
