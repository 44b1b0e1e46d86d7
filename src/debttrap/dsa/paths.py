"""Debt dynamics, present values and the five LIC-DSF indicators, as one array kernel.

The kernel :func:`debt_paths` is a pure function from :class:`PathInputs`
(macro denominators, fixed debt-service schedules, disbursements of new
borrowing) to :class:`IndicatorPaths`. Every array has the projection years
as its **last** axis (``n`` years, index 0 = first projection year ``t``) and
may carry any number of **leading batch axes** (scenarios, stochastic paths):
``gdp_usd_m`` of shape ``(P, n)`` and ``disbursements_usd_m`` of shape
``(P, L, n)`` give ``P`` paths at once. The basis of unit loans is shared by
the batch. Loops run over time only (inside the basis builder, per lag).

Method (``lic-dsf-method.md`` §1, GN 2018):

* New borrowing, unit-loan method: a disbursement in year ``s`` pays interest
  from ``s+1`` on the balance at the end of the previous year and principal in
  ``s+g+1 … s+m`` (equal shares unless a profile is given); schedules come
  from the loan engine (:mod:`debttrap.cashflows`). PV at the end of year ``y``
  discounts service in ``y+1, y+2, …`` one year for the first flow; each
  instrument's PV is capped at its face value.
* Existing debt: PV of its contractual remaining service, the same discounting.
* Short-term debt and arrears at face; the service of year ``y`` includes the
  short-term stock of ``y-1`` plus interest on it.
* Local-currency debt held by non-residents (residency definition): stock at
  end-of-period exchange rates, service at average rates, PV
  ``min(PV of service, face)`` (or a given PV in LCU).
* Indicators: PV/GDP, PV/exports, service/exports, service/revenue excluding
  grants (US$ at average rates); public: (PV external x end-of-period rate +
  domestic debt at face) / GDP in LCU.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from debttrap.cashflows import schedules
from debttrap.cashflows.pv import npv_next_years
from debttrap.cashflows.unit_loan import InstrumentTerms, UnitFlows, unit_loan_profiles
from debttrap.country.derived import DerivedSeries, derive, series_array
from debttrap.country.model import Country, FinancingLine
from debttrap.dsa.indicators import INDICATORS
from debttrap.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "BaselineSetup",
    "IndicatorPaths",
    "InstrumentTerms",
    "PathInputs",
    "UnitLoanBasis",
    "baseline_setup",
    "debt_paths",
    "line_terms",
    "npv_next_years",
]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class UnitLoanBasis(UnitFlows):
    """Flows of one unit disbursed in year index ``s``, booked in year index ``y``.

    Each array is ``(L, n, n)``: instrument, disbursement year, booking year
    (zero where ``y < s``), laid out from the unit-loan profiles by age
    (:func:`debttrap.cashflows.unit_loan.unit_loan_profiles`). ``pv`` is the PV
    at the end of year ``y`` of the unit's service after ``y`` over its whole
    life (not cut at the horizon).
    """

    @classmethod
    def build(
        cls, terms: Sequence[InstrumentTerms], n_years: int, discount_dec: float
    ) -> UnitLoanBasis:
        """One unit-loan profile per instrument, laid out as (instrument, start, year)."""
        prof = unit_loan_profiles(terms, n_years, discount_dec)
        n_inst = len(prof.terms)
        lag = np.arange(n_years)[None, :] - np.arange(n_years)[:, None]  # (s, y) -> y - s
        valid = lag >= 0
        idx = np.clip(lag, 0, n_years - 1)

        def lay(a: FloatArray) -> FloatArray:
            out = np.where(valid[None, :, :], a[:, idx], 0.0)
            return out.reshape(n_inst, n_years, n_years)

        return cls(
            prof.terms,
            discount_dec,
            lay(prof.interest),
            lay(prof.principal),
            lay(prof.balance),
            lay(prof.pv),
        )


@dataclass(frozen=True, slots=True)
class PathInputs:
    """Inputs of the path kernel; last axis = projection years ``t … T`` (``n``).

    Money in millions (US$ or LCU as named). ``short_term_usd_m``
    carries one extra leading year (``t-1``) at index 0; ``domestic_debt_lcu_m`` does not
    (``t … T``; :attr:`BaselineSetup.domestic_debt_prev_lcu_m` holds its ``t-1`` stock).
    Leading batch axes broadcast against each other. ``external_only_*`` are
    flows counted in the four external indicators but not in the public block
    (the B2/B6 market-financing interaction, which the template reports in
    Output 3-1 only). ``pv_exports_usd_m`` is the denominator of PV/exports where it
    differs from ``exports_usd_m`` (NaN: the exports; B6's ``t+2``, docs/dsa.md), and
    ``public_gdp_lcu_m`` the denominator of the public ratio where it differs from GDP in US$
    x the average rate (NaN: that product; B6, whose public sheet has its own GDP).
    """

    years: NDArray[np.int64]
    gdp_usd_m: FloatArray
    exports_usd_m: FloatArray
    revenue_excl_grants_lcu_m: FloatArray
    revenue_incl_grants_lcu_m: FloatArray
    fx_avg_lcu_per_usd: FloatArray
    fx_eop_lcu_per_usd: FloatArray
    disbursements_usd_m: FloatArray  # (..., L, n)
    fixed_debt_service_usd_m: FloatArray
    fixed_interest_usd_m: FloatArray
    fixed_pv_usd_m: FloatArray
    fixed_stock_usd_m: FloatArray
    short_term_usd_m: FloatArray  # (..., n+1)
    short_term_rate_dec: float
    lc_external_stock_lcu_m: FloatArray
    lc_external_service_lcu_m: FloatArray
    lc_external_pv_lcu_m: FloatArray
    domestic_debt_lcu_m: FloatArray
    domestic_debt_service_lcu_m: FloatArray
    unitemised_stock_usd_m: FloatArray = field(default_factory=lambda: np.zeros(1))
    external_only_pv_usd_m: FloatArray = field(default_factory=lambda: np.zeros(1))
    external_only_service_usd_m: FloatArray = field(default_factory=lambda: np.zeros(1))
    pv_exports_usd_m: FloatArray = field(default_factory=lambda: np.full(1, np.nan))
    public_gdp_lcu_m: FloatArray = field(default_factory=lambda: np.full(1, np.nan))

    def replace(self, **changes: object) -> PathInputs:
        """A copy with some arrays replaced (inputs stay immutable)."""
        from dataclasses import replace

        return replace(self, **changes)  # type: ignore[arg-type]


_INDICATOR_NAMES = frozenset(i.value for i in INDICATORS)


@dataclass(frozen=True, slots=True)
class IndicatorPaths:
    """Debt stocks, service, PVs and the five indicators; last axis = years."""

    years: NDArray[np.int64]
    pv_ext_debt_usd_m: FloatArray
    ext_debt_nominal_usd_m: FloatArray
    ext_debt_service_usd_m: FloatArray
    ext_interest_usd_m: FloatArray
    new_borrowing_pv_usd_m: FloatArray
    pv_public_debt_lcu_m: FloatArray
    public_debt_nominal_lcu_m: FloatArray
    pv_ext_debt_to_gdp_pct: FloatArray
    pv_ext_debt_to_exports_pct: FloatArray
    ext_debt_service_to_exports_pct: FloatArray
    ext_debt_service_to_revenue_pct: FloatArray
    pv_public_debt_to_gdp_pct: FloatArray
    pv_ext_debt_to_revenue_pct: FloatArray
    public_debt_service_to_revenue_pct: FloatArray

    def indicator(self, name: str) -> FloatArray:
        if name not in _INDICATOR_NAMES:
            known = ", ".join(i.value for i in INDICATORS)
            raise InputError(f"unknown indicator (use one of {known})", field=name)
        arr: FloatArray = getattr(self, str(name))
        return arr

    def to_frame(self) -> pd.DataFrame:
        """One row per year (only for unbatched paths)."""
        import pandas as pd
        cols = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "years"}
        if any(np.ndim(v) != 1 for v in cols.values()):
            raise InputError("to_frame needs unbatched paths; index the batch first", field="paths")
        return pd.DataFrame(cols, index=pd.Index(self.years, name="year"))


def debt_paths(inp: PathInputs, basis: UnitLoanBasis) -> IndicatorPaths:
    """The path kernel: stocks, service, PVs and indicators for every path in the batch."""
    d = inp.disbursements_usd_m
    if d.shape[-2] != basis.n_instruments:
        raise InputError(
            f"disbursements have {d.shape[-2]} instruments but the basis has {basis.n_instruments}",
            field="disbursements_usd_m",
        )
    # new borrowing: per instrument, (..., L, n)
    interest_l = np.einsum("...ls,lsy->...ly", d, basis.interest)
    principal_l = np.einsum("...ls,lsy->...ly", d, basis.principal)
    balance_l = np.einsum("...ls,lsy->...ly", d, basis.balance)
    # each unit loan's PV is capped at its own face before scaling, so that a negative
    # amount (debt a shock saves, e.g. B5's smaller trade deficit) is valued like a
    # positive one; capping the sum let it count below face where PV > face
    pv_l = np.einsum("...ls,lsy->...ly", d, basis.pv_capped)
    new_interest = interest_l.sum(axis=-2)
    new_service = new_interest + principal_l.sum(axis=-2)
    new_stock = balance_l.sum(axis=-2)
    new_pv = pv_l.sum(axis=-2)

    st = inp.short_term_usd_m
    st_now, st_prev = st[..., 1:], st[..., :-1]
    st_interest = inp.short_term_rate_dec * st_prev
    st_service = st_prev + st_interest

    fx_eop, fx_avg = inp.fx_eop_lcu_per_usd, inp.fx_avg_lcu_per_usd
    lc_stock = inp.lc_external_stock_lcu_m / fx_eop
    lc_service = inp.lc_external_service_lcu_m / fx_avg
    lc_pv = inp.lc_external_pv_lcu_m / fx_eop

    pv_pub_ext = inp.fixed_pv_usd_m + new_pv + st_now + lc_pv + inp.unitemised_stock_usd_m
    pv_ext = pv_pub_ext + inp.external_only_pv_usd_m
    nominal = inp.fixed_stock_usd_m + new_stock + st_now + lc_stock + inp.unitemised_stock_usd_m
    service_pub = inp.fixed_debt_service_usd_m + new_service + st_service + lc_service
    service = service_pub + inp.external_only_service_usd_m
    interest = (
        inp.fixed_interest_usd_m + new_interest + st_interest + inp.external_only_service_usd_m
    )

    revenue_usd = inp.revenue_excl_grants_lcu_m / fx_avg
    gdp_lcu = np.where(
        np.isfinite(inp.public_gdp_lcu_m), inp.public_gdp_lcu_m, inp.gdp_usd_m * fx_avg
    )
    dom = inp.domestic_debt_lcu_m
    pv_public = pv_pub_ext * fx_eop + dom
    nominal_public = nominal * fx_eop + dom
    public_service = service_pub * fx_avg + inp.domestic_debt_service_lcu_m

    e1 = np.maximum(100.0 * pv_ext / inp.gdp_usd_m, 0.0)
    x_pv = np.where(np.isfinite(inp.pv_exports_usd_m), inp.pv_exports_usd_m, inp.exports_usd_m)
    e2 = 100.0 * pv_ext / x_pv
    e3 = np.maximum(100.0 * service / inp.exports_usd_m, 0.0)
    e4 = np.maximum(100.0 * service / revenue_usd, 0.0)
    p1 = 100.0 * pv_public / gdp_lcu
    shape = np.broadcast_shapes(e1.shape, e2.shape, e3.shape, e4.shape, p1.shape)

    def b(a: FloatArray) -> FloatArray:
        return np.broadcast_to(a, shape).copy()

    return IndicatorPaths(
        years=inp.years,
        pv_ext_debt_usd_m=b(pv_ext),
        ext_debt_nominal_usd_m=b(nominal),
        ext_debt_service_usd_m=b(service),
        ext_interest_usd_m=b(interest),
        new_borrowing_pv_usd_m=b(new_pv),
        pv_public_debt_lcu_m=b(pv_public),
        public_debt_nominal_lcu_m=b(nominal_public),
        pv_ext_debt_to_gdp_pct=b(e1),
        pv_ext_debt_to_exports_pct=b(e2),
        ext_debt_service_to_exports_pct=b(e3),
        ext_debt_service_to_revenue_pct=b(e4),
        pv_public_debt_to_gdp_pct=b(p1),
        pv_ext_debt_to_revenue_pct=b(100.0 * pv_ext / revenue_usd),
        public_debt_service_to_revenue_pct=b(
            100.0 * public_service / inp.revenue_incl_grants_lcu_m
        ),
    )


# --------------------------------------------------------------------------- country -> inputs
@dataclass(frozen=True, slots=True)
class BaselineSetup:
    """Everything the stress tests need besides the country: kernel inputs and derived data."""

    inputs: PathInputs
    basis: UnitLoanBasis
    derived: DerivedSeries
    line_names: tuple[str, ...]
    market_lines: NDArray[np.bool_]
    existing_interest_usd_m: FloatArray
    private_interest_usd_m: FloatArray
    private_stock_usd_m: FloatArray
    #: domestic public debt at the end of ``t-1`` (LCU m; NaN where the country gives none)
    domestic_debt_prev_lcu_m: float = float("nan")


def line_terms(line: FinancingLine) -> InstrumentTerms:
    return InstrumentTerms(
        name=line.name,
        rate_dec=line.interest_rate_pct / 100.0,
        grace_years=line.grace_years,
        maturity_years=line.maturity_years,
        principal_shares=line.principal_shares,
    )


def _fixed_debt(
    country: Country, n: int, r: float
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """Existing PPG MLT debt, new loans given as contracts, unitemised service and arrears:
    (service, interest, PV, stock, existing interest) over ``t … T``."""
    ed = country.external_debt
    t, last = country.t, country.last_year
    years = np.arange(t, last + 1, dtype=np.int64)
    # existing PPG MLT debt: schedules may run far beyond T
    far = max(
        [last + 1]
        + [max(ln.debt_service_usd_m) for ln in ed.existing_lines if ln.debt_service_usd_m]
    )
    long_years = np.arange(t, far + 1, dtype=np.int64)
    ds_long = np.zeros(long_years.size)
    for ln in ed.existing_lines:
        ds_long += series_array(ln.debt_service_usd_m, long_years, 0.0)
    if ed.existing_principal_total_usd_m is not None:
        pr_long = series_array(ed.existing_principal_total_usd_m, long_years, 0.0)
    elif ed.existing_lines and all(ln.principal_usd_m is not None for ln in ed.existing_lines):
        pr_long = sum(
            (series_array(ln.principal_usd_m, long_years, 0.0) for ln in ed.existing_lines),
            np.zeros(long_years.size),
        )
    else:
        pr_long = ds_long.copy()  # no split given: service counted as principal
    pv_long = npv_next_years(ds_long, r)
    fixed_ds = ds_long[:n].copy()
    fixed_int = np.maximum(ds_long[:n] - pr_long[:n], 0.0)
    fixed_pv = pv_long[:n].copy()
    fixed_stock = ed.ppg_mlt_outstanding_usd_m - np.cumsum(pr_long)[:n]
    existing_interest = fixed_int.copy()

    # new loans given as contracts: fixed schedules from the loan engine
    if country.new_loans:
        loans = list(country.new_loans)
        flows = schedules(loans).by_calendar_year(t, None)
        span = flows.years.size
        ds_l = np.zeros((len(loans), max(span, n)))
        ds_l[:, :span] = flows.debt_service
        bal = np.zeros_like(ds_l)
        bal[:, :span] = flows.balance_end
        pv_loans = np.minimum(npv_next_years(ds_l, r), bal)
        fixed_ds += ds_l[:, :n].sum(axis=0)
        intr = np.zeros_like(ds_l)
        intr[:, :span] = flows.interest + flows.fees
        fixed_int += intr[:, :n].sum(axis=0)
        fixed_pv += pv_loans[:, :n].sum(axis=0)
        fixed_stock += bal[:, :n].sum(axis=0)

    if ed.unitemised_ppg_debt_service_usd_m is not None:
        fixed_ds += series_array(ed.unitemised_ppg_debt_service_usd_m, years, 0.0)
    fixed_stock += ed.arrears_usd_m
    fixed_pv += ed.arrears_usd_m
    return fixed_ds, fixed_int, fixed_pv, fixed_stock, existing_interest


def _local_debt_abroad(
    country: Country,
    years: NDArray[np.int64],
    fx_eop: FloatArray,
    fx_avg: FloatArray,
    r: float,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Locally issued debt held by non-residents: stock, service and PV, all in LCU."""
    n = years.size
    lc = country.external_debt.local_debt_held_abroad
    if lc is None:
        return np.zeros(n), np.zeros(n), np.zeros(n)
    lc_stock = series_array(lc.stock_lcu_m, years, 0.0)
    lc_service = series_array(lc.debt_service_lcu_m, years, 0.0)
    if lc.pv_lcu_m:
        return lc_stock, lc_service, series_array(lc.pv_lcu_m, years, 0.0)
    pv_usd = np.minimum(npv_next_years(lc_service / fx_avg, r), lc_stock / fx_eop)
    return lc_stock, lc_service, pv_usd * fx_eop


def baseline_setup(country: Country, extra_terms: Sequence[InstrumentTerms] = ()) -> BaselineSetup:
    """Turn a :class:`Country` into kernel inputs for its baseline.

    ``extra_terms`` adds instruments with zero baseline disbursements (the
    residual-financing and market-stress instruments of the stress tests).
    """
    der = derive(country)
    t, last = country.t, country.last_year
    years = np.arange(t, last + 1, dtype=np.int64)
    n = years.size
    sl = slice(der.t_index, der.t_index + n)
    r = country.discount_rate_pct / 100.0
    ed = country.external_debt

    fixed_ds, fixed_int, fixed_pv, fixed_stock, existing_interest = _fixed_debt(country, n, r)
    fx_eop = der.exchange_rate_eop_lcu_per_usd[sl]
    fx_avg = der.exchange_rate_avg_lcu_per_usd[sl]
    unitemised = np.zeros(n)
    if ed.unitemised_ppg_stock_usd_m is not None:
        unitemised = series_array(ed.unitemised_ppg_stock_usd_m, years, 0.0)
    lc_stock, lc_service, lc_pv = _local_debt_abroad(country, years, fx_eop, fx_avg, r)

    st = series_array(ed.ppg_short_term_usd_m, np.arange(t - 1, last + 1, dtype=np.int64), 0.0)

    lines = country.new_external_financing
    terms = [line_terms(ln) for ln in lines] + list(extra_terms)
    basis = UnitLoanBasis.build(terms, n, r)
    disb = np.zeros((len(terms), n))
    for i, fl in enumerate(lines):
        disb[i] = series_array(fl.disbursements_usd_m, years, 0.0)
    market = np.array(
        [ln.market_financing for ln in lines] + [False] * len(extra_terms), dtype=bool
    )

    dd = country.domestic_debt
    inputs = PathInputs(
        years=years,
        gdp_usd_m=der.nominal_gdp_usd_m[sl],
        exports_usd_m=der.exports_usd_m[sl],
        revenue_excl_grants_lcu_m=der.revenue_excl_grants_lcu_m[sl],
        revenue_incl_grants_lcu_m=der.revenue_incl_grants_lcu_m[sl],
        fx_avg_lcu_per_usd=fx_avg,
        fx_eop_lcu_per_usd=fx_eop,
        disbursements_usd_m=disb,
        fixed_debt_service_usd_m=fixed_ds,
        fixed_interest_usd_m=fixed_int,
        fixed_pv_usd_m=fixed_pv,
        fixed_stock_usd_m=fixed_stock,
        short_term_usd_m=st,
        short_term_rate_dec=ed.short_term_interest_rate_pct / 100.0,
        lc_external_stock_lcu_m=lc_stock,
        lc_external_service_lcu_m=lc_service,
        lc_external_pv_lcu_m=lc_pv,
        domestic_debt_lcu_m=series_array(dd.stock_lcu_m, years, 0.0),
        domestic_debt_service_lcu_m=series_array(dd.debt_service_lcu_m, years, 0.0),
        unitemised_stock_usd_m=unitemised,
    )
    return BaselineSetup(
        inputs=inputs,
        basis=basis,
        derived=der,
        line_names=tuple(t_.name for t_ in terms),
        market_lines=market,
        existing_interest_usd_m=existing_interest,
        private_interest_usd_m=series_array(ed.private_interest_usd_m, years, 0.0),
        private_stock_usd_m=series_array(ed.private_mlt_outstanding_usd_m, years, 0.0)
        + series_array(ed.private_short_term_usd_m, years, 0.0),
        domestic_debt_prev_lcu_m=float(dd.stock_lcu_m.get(t - 1, float("nan"))),
    )
