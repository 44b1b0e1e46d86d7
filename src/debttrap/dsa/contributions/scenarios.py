"""A country's scenarios into the debt-dynamics tables (see :mod:`debttrap.dsa.contributions`).

The stocks at the end of ``t-1`` rebuilt from the country's inputs, each
scenario's macro paths (a stress test's own growth, deflators and flows), the
series every scenario shares computed once (:func:`country_rows`); one scenario
(:func:`contributions_for`) or a batch (:func:`contributions_batch`).
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
    pass

from debttrap.dsa.contributions.tables import (
    Contributions,
    ExternalContributions,
    PublicContributions,
    _ratio,
    external_contributions,
    public_contributions,
)

__all__ = ["CountryRows", "contributions_batch", "contributions_for", "country_rows"]

FloatArray = NDArray[np.float64]
_T = TypeVar("_T", "ExternalContributions", "PublicContributions")


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


def _prepend(first: float | FloatArray, rest: ArrayLike) -> FloatArray:
    """``rest`` with ``first`` (one number, or one per leading row) before it on the last
    axis: the ``t-1`` value of a path."""
    tail = np.asarray(rest, dtype=np.float64)
    head = np.broadcast_to(np.asarray(first, dtype=np.float64)[..., None], (*tail.shape[:-1], 1))
    return np.concatenate([head, tail], axis=-1)


def _external_stocks(
    country: Country,
    der: DerivedSeries,
    inp: PathInputs,
    paths: IndicatorPaths,
    rows: CountryRows,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """PPG and total external stock (US$ m), the local-currency share of last year's stock
    and end-of-period rates, ``t-1 … T`` (the ``t-1`` stock rebuilt from the inputs); one
    scenario, or a batch on a leading axis."""
    ed = country.external_debt
    ti = der.t_index
    ppg_prev = (
        ed.ppg_mlt_outstanding_usd_m
        + inp.short_term_usd_m[..., 0]
        + ed.arrears_usd_m
        + rows.lc_prev_usd
        + rows.unitemised_prev_usd_m
    )
    ppg = _prepend(ppg_prev, paths.ext_debt_nominal_usd_m)
    ext_total = ppg + rows.private_usd_m
    lc_usd = _prepend(rows.lc_prev_usd, inp.lc_external_stock_lcu_m / inp.fx_eop_lcu_per_usd)
    lc_share = _ratio(lc_usd[..., :-1], ext_total[..., :-1])
    fxe = _prepend(der.exchange_rate_eop_lcu_per_usd[ti - 1], inp.fx_eop_lcu_per_usd)
    return ppg, ext_total, lc_share, fxe


def _external_interest(
    paths: IndicatorPaths, rows: CountryRows, fx_avg_lcu_per_usd: FloatArray
) -> FloatArray:
    """PPG external interest of the kernel plus that of local-currency debt held abroad."""
    ext_interest = paths.ext_interest_usd_m.copy()
    if rows.lc_interest_lcu_m is not None:
        ext_interest = ext_interest + rows.lc_interest_lcu_m / fx_avg_lcu_per_usd
    return ext_interest


def external_valuation_dec(
    country: Country, setup: BaselineSetup, paths: IndicatorPaths, rows: CountryRows
) -> FloatArray:
    """The valuation rate of one scenario's external debt dynamics, ``t … T`` (decimal):
    the local-currency share of last year's external debt times that year's depreciation of
    the LCU against the US$ (end of period), the ``lc_share x depreciation`` of the external
    table's price-and-exchange-rate term; 0 without local-currency debt held abroad."""
    _, _, lc_share, fxe = _external_stocks(country, setup.derived, setup.inputs, paths, rows)
    out: FloatArray = lc_share * (fxe[..., 1:] / fxe[..., :-1] - 1.0)
    return out


def _external_table(
    setup: BaselineSetup,
    inp: PathInputs,
    *,
    gdp_usd: FloatArray,
    ppg: FloatArray,
    ext_total: FloatArray,
    ext_interest: FloatArray,
    g_pct: FloatArray,
    pi_usd_pct: FloatArray,
    current_account_usd_m: FloatArray,
    lc_share: FloatArray,
    fxe: FloatArray,
) -> ExternalContributions:
    der = setup.derived
    sl = slice(der.t_index, der.t_index + inp.years.size)
    return external_contributions(
        inp.years,
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
        current_account_usd_m=current_account_usd_m,
        lc_share_dec=lc_share,
        depreciation_pct=100.0 * (fxe[..., 1:] / fxe[..., :-1] - 1.0),
    )


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
    primary_expenditure_lcu_m: FloatArray,
    other_flows_lcu_m: FloatArray,
    rows: CountryRows,
) -> PublicContributions:
    """The public table of one scenario or a batch (``primary_expenditure_lcu_m`` and
    ``other_flows_lcu_m`` as the scenario has them, the baseline's where it does not)."""
    ti = der.t_index
    years = inp.years
    sl = slice(ti, ti + years.size)
    dom = _prepend(rows.domestic_prev_lcu_m[0], inp.domestic_debt_lcu_m)
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
        fx_avg_lcu_per_usd=inp.fx_avg_lcu_per_usd,
        fx_eop_lcu_per_usd=fxe,
        real_growth_pct=g_pct,
        lcu_deflator_growth_pct=pi_lcu_pct,
        foreign_inflation_pct=foreign,
        revenue_incl_grants_lcu_m=inp.revenue_incl_grants_lcu_m,
        grants_lcu_m=der.grants_lcu_m[sl],
        primary_expenditure_lcu_m=primary_expenditure_lcu_m,
        other_flows_lcu_m=other_flows_lcu_m,
    )
    return public


def _both_tables(
    country: Country,
    setup: BaselineSetup,
    inp: PathInputs,
    paths: IndicatorPaths,
    rows: CountryRows,
    *,
    gdp_usd: FloatArray,
    gdp_lcu: FloatArray,
    ppg: FloatArray,
    ext_total: FloatArray,
    lc_share: FloatArray,
    fxe: FloatArray,
    g_pct: FloatArray,
    pi_usd_pct: FloatArray,
    pi_lcu_pct: FloatArray,
    current_account_usd_m: FloatArray,
    primary_expenditure_lcu_m: FloatArray,
    other_flows_lcu_m: FloatArray,
) -> tuple[ExternalContributions, PublicContributions]:
    """Both tables of one scenario or a batch, from its stocks and macro paths."""
    ext_interest = _external_interest(paths, rows, inp.fx_avg_lcu_per_usd)
    external = _external_table(
        setup, inp, gdp_usd=gdp_usd, ppg=ppg, ext_total=ext_total, ext_interest=ext_interest,
        g_pct=g_pct, pi_usd_pct=pi_usd_pct, current_account_usd_m=current_account_usd_m,
        lc_share=lc_share, fxe=fxe,
    )
    public = _public_table(
        country,
        setup.derived,
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
    return external, public


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

    The stocks at ``t-1``, the external interest and both tables are helpers shared
    with :func:`contributions_batch`; what stays here is the scenario's macro paths.
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
    external, public = _both_tables(
        country, setup, inp, paths, rows, gdp_usd=gdp_usd, gdp_lcu=gdp_lcu, ppg=ppg,
        ext_total=ext_total, lc_share=lc_share, fxe=fxe, g_pct=g_pct, pi_usd_pct=pi_usd_pct,
        pi_lcu_pct=pi_lcu_pct, current_account_usd_m=ca,
        primary_expenditure_lcu_m=(
            der.primary_expenditure_lcu_m[sl]
            if primary_expenditure_lcu_m is None
            else np.asarray(primary_expenditure_lcu_m, dtype=np.float64)
        ),
        other_flows_lcu_m=(
            der.other_flows_lcu_m[sl]
            if other_flows_lcu_m is None
            else np.asarray(other_flows_lcu_m, dtype=np.float64)
        ),
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
    ti = der.t_index
    years = inputs.years
    n = years.size
    sl = slice(ti, ti + n)
    ppg, ext_total, lc_share, fxe = _external_stocks(country, der, inputs, paths, rows)
    gdp_usd = _prepend(der.nominal_gdp_usd_m[ti - 1], inputs.gdp_usd_m)
    gdp_lcu = _prepend(der.nominal_gdp_lcu_m[ti - 1], inputs.gdp_usd_m * inputs.fx_avg_lcu_per_usd)
    g_pct = _per_scenario(real_growth_pct, der.real_gdp_growth_pct[sl], n)
    pi_usd_pct = 100.0 * (gdp_usd[:, 1:] / gdp_usd[:, :-1] / (1.0 + g_pct / 100.0) - 1.0)
    pi_lcu_pct = 100.0 * (gdp_lcu[:, 1:] / gdp_lcu[:, :-1] / (1.0 + g_pct / 100.0) - 1.0)
    gap = _per_scenario(bop_gap_usd_m, np.zeros(n), n)
    ca = (
        rows.current_account_usd_m
        + (baseline.ext_interest_usd_m - paths.ext_interest_usd_m)
        - gap
    )
    external, public = _both_tables(
        country, setup, inputs, paths, rows, gdp_usd=gdp_usd, gdp_lcu=gdp_lcu, ppg=ppg,
        ext_total=ext_total, lc_share=lc_share, fxe=fxe, g_pct=g_pct, pi_usd_pct=pi_usd_pct,
        pi_lcu_pct=pi_lcu_pct, current_account_usd_m=ca,
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
