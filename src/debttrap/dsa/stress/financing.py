"""Financing of the gaps a shock opens (``lic-dsf-method.md`` §4.3, template Input 7).

A balance-of-payments gap is new PPG external debt on residual terms
(:func:`residual_terms`). A fiscal gap raises the public gross financing need,
which :func:`fiscal_financing` fills year by year with the Input 7 mix:
external MLT on residual terms, domestic short-term debt rolled over every
year, and domestic MLT.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from debttrap.country.derived import series_array
from debttrap.country.model import Country
from debttrap.dsa.paths import BaselineSetup, InstrumentTerms, UnitLoanBasis, npv_next_years
from debttrap.dsa.stress.settings import StressSettings

__all__ = [
    "FiscalFinancing",
    "fiscal_financing",
    "market_terms",
    "residual_external_share",
    "residual_terms",
]

FloatArray = NDArray[np.float64]


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
    """Share of external in baseline new borrowing over ``t … t+10`` (gross ext vs net domestic).

    Net new domestic debt of year ``y`` is the stock of ``y`` less that of ``y-1``; the
    inputs' domestic stock starts at ``t``, so ``t``'s change needs the stock of ``t-1``
    (taken equal to ``t``'s, no change, where the country gives none).
    """
    n = min(11, setup.inputs.years.size)
    ext_usd = setup.inputs.disbursements_usd_m[..., :n].sum(axis=-2)
    ext = float((ext_usd * setup.inputs.fx_avg_lcu_per_usd[:n]).sum())
    stock = setup.inputs.domestic_debt_lcu_m
    prev = setup.domestic_debt_prev_lcu_m
    dom = np.concatenate([[prev if np.isfinite(prev) else stock[0]], stock[:n]])
    dom_new = float(np.maximum(np.diff(dom), 0.0).sum())
    total = ext + dom_new
    return ext / total if total > 0 else 1.0


def residual_external_share(setup: BaselineSetup, settings: StressSettings) -> float:
    """Input 7: the external share of a fiscal financing need (decimal): the setting, or
    by default the external share of the baseline's new borrowing over ``t … t+10``."""
    if settings.residual_external_share_pct is not None:
        return settings.residual_external_share_pct / 100.0
    return _default_external_share(setup)


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

    One loop over years, kept whole (a stated exception to the ~80-line rule): each
    year's need depends on the debt of every earlier year through eight running arrays.

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
    if not np.any(gap_lcu_m):
        z = np.zeros(n)
        return FiscalFinancing(z, z, z, z, z, z, z)
    # Python floats: 21 years of scalar recurrences cost less than NumPy calls on slices
    svc_by_year = (r_int + r_pr).T.tolist()  # [y][s]: service in y of a unit raised in s
    # [y][s]: its balance at the end of y (read only for the market add-on)
    bal_by_year = r_bal.T.tolist() if external_extra_rate_dec else []
    prof = mlt_profile.tolist()
    left = (1.0 - np.cumsum(mlt_profile)).tolist()  # share of a domestic MLT unit still owed
    shock = in_shock.tolist()
    gap = np.asarray(gap_lcu_m, dtype=np.float64).tolist()
    fxa = np.asarray(fx_avg_lcu_per_usd, dtype=np.float64).tolist()
    mlt_rate = np.asarray(domestic_mlt_rate_dec, dtype=np.float64).tolist()
    st_rate = np.asarray(domestic_st_rate_dec, dtype=np.float64).tolist()
    x_rate = float(external_extra_rate_dec)
    d_rate = float(domestic_extra_rate_dec)
    need = [0.0] * n
    ext = [0.0] * n
    ext_shock = [0.0] * n
    mlt = [0.0] * n
    mlt_shock = [0.0] * n
    st = [0.0] * n
    st_shock = [0.0] * n
    mlt_stock = [0.0] * n
    addon = [0.0] * n
    # The sums below leave out their terms that are exactly zero (no borrowing that year, a
    # domestic MLT unit not amortising at that age): each sum starts at +0.0, so it is never
    # -0.0, and adding a zero would change no bit; the other terms go in the same order.
    lo_lag = domestic_mlt_grace_years + 1  # the MLT profile is zero outside these ages
    hi_lag = domestic_mlt_maturity_years
    ext_years: list[int] = []  # years with external borrowing
    ext_shock_years: list[int] = []  # shock years with external borrowing
    mlt_shock_years: list[int] = []  # shock years with domestic MLT borrowing
    for y in range(n):  # loop over time: each year's need depends on last year's debt
        svc = svc_by_year[y]
        ext_service = 0.0
        amort = 0.0
        prev_mlt_shock = 0.0
        for s_ in ext_years:
            ext_service += ext[s_] * svc[s_]
        for s_ in range(max(y - hi_lag, 0), max(y - lo_lag + 1, 0)):
            amort += mlt[s_] * prof[y - s_]
        for s_ in mlt_shock_years:
            prev_mlt_shock += mlt_shock[s_] * left[y - 1 - s_]
        if y > 0 and x_rate:
            bal = bal_by_year[y - 1]
            acc = 0.0
            for s_ in ext_shock_years:
                acc += ext_shock[s_] * bal[s_]
            addon[y] = x_rate * acc
        prev_mlt = mlt_stock[y - 1] if y > 0 else 0.0
        interest_mlt = prev_mlt * mlt_rate[y] + d_rate * prev_mlt_shock
        st_prev = st[y - 1] if y > 0 else 0.0
        st_prev_shock = st_shock[y - 1] if y > 0 else 0.0
        st_service = st_prev * (1.0 + st_rate[y]) + d_rate * st_prev_shock
        total = gap[y] + (ext_service + addon[y]) * fxa[y] + amort + interest_mlt + st_service
        need[y] = max(total, 0.0)
        ext[y] = external_share * need[y] / fxa[y]
        mlt[y] = share_mlt * need[y]
        st[y] = domestic_st_share * need[y]
        if ext[y] != 0.0:
            ext_years.append(y)
        if shock[y]:
            ext_shock[y] = ext[y]
            mlt_shock[y] = mlt[y]
            st_shock[y] = st[y]
            if ext[y] != 0.0:
                ext_shock_years.append(y)
            if mlt[y] != 0.0:
                mlt_shock_years.append(y)
        mlt_stock[y] = prev_mlt + mlt[y] - amort
    addon_pv = np.zeros(n)
    if x_rate and any(addon):
        addon_pv = npv_next_years(np.array(addon), discount_dec)
        first = min(shock_years) + 1 if shock_years else 0
        addon_pv[:first] = 0.0
    st_a = np.array(st)
    return FiscalFinancing(
        need_lcu_m=np.array(need),
        external_usd_m=np.array(ext),
        domestic_mlt_lcu_m=np.array(mlt),
        domestic_st_lcu_m=st_a,
        domestic_stock_lcu_m=np.array(mlt_stock) + st_a,
        addon_interest_usd_m=np.array(addon),
        addon_pv_usd_m=addon_pv,
    )
