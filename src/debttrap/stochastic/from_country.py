"""From a LIC-DSF :class:`~debttrap.country.Country` to the stochastic kernel's inputs.

The DSA's own baseline setup (:func:`debttrap.dsa.paths.baseline_setup`)
supplies every schedule, so that at zero shock the stochastic paths are the
DSA baseline. Debt lines:

* existing PPG MLT debt, arrears and unitemised service (fixed, US$);
* each new-financing instrument (unit loans on the DSA's basis, PV capped at face);
* short-term debt (service = last year's stock + interest; PV = face);
* local-currency debt held abroad (external, LCU);
* domestic debt (LCU, at face; repriced by the interest-rate shock, since
  it is mostly short-dated in LICs);
* each loan in ``country.new_loans`` as its own line and its own offer group
  (floating when its interest is floating), so each gets a contribution.

Residual financing uses the terms and the external share the DSA stress tests
use (template Input 7 defaults: disbursement-weighted baseline terms); the
domestic residual rate is the stress tests' nominal domestic rate, year by
year (real rate plus the LCU deflator).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from debttrap.cashflows import schedules
from debttrap.country.model import Country
from debttrap.dsa.capacity import DebtCarryingCapacity
from debttrap.dsa.paths import BaselineSetup, baseline_setup, npv_next_years
from debttrap.dsa.run import country_capacity
from debttrap.dsa.stress import StressSettings, residual_external_share, residual_terms
from debttrap.dsa.thresholds import thresholds
from debttrap.stochastic.kernel import DebtLines, MacroPath, ResidualFinancing, SimulationInputs
from debttrap.terms.loan import FloatingRate, Loan
from debttrap.terms.offer import Offer

__all__ = ["CountryInputs", "inputs_for_offers", "inputs_from_country"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class CountryInputs:
    """Kernel inputs of a country plus what a simulation reports with them."""

    inputs: SimulationInputs
    thresholds_pct: dict[str, float]
    capacity: str
    offer_names: dict[int, str]
    country: str


class _Lines:
    """Debt lines collected one by one, then packed into :class:`DebtLines`."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.names: list[str] = []
        self.prin: list[FloatArray] = []
        self.intr: list[FloatArray] = []
        self.bal: list[FloatArray] = []
        self.pvs: list[FloatArray] = []
        self.opens: list[float] = []
        self.ext: list[bool] = []
        self.lcu: list[bool] = []
        self.flt: list[bool] = []
        self.grp: list[int] = []
        self.heads: list[FloatArray] = []

    def add(self, name: str, service: FloatArray, interest: FloatArray, balance: FloatArray,
            pv: FloatArray, *, external: bool = True, local: bool = False,
            floating: bool = False, group: int = -1, open_balance: float | None = None,
            headroom: FloatArray | None = None) -> None:
        self.names.append(name)
        self.heads.append(np.full(self.n, np.inf) if headroom is None else headroom)
        self.prin.append(np.asarray(service - interest, dtype=np.float64))
        self.intr.append(np.asarray(interest, dtype=np.float64))
        self.bal.append(np.asarray(balance, dtype=np.float64))
        self.pvs.append(np.asarray(pv, dtype=np.float64))
        self.opens.append(float(balance[0] + (service - interest)[0]) if open_balance is None
                          else open_balance)
        self.ext.append(external)
        self.lcu.append(local)
        self.flt.append(floating)
        self.grp.append(group)

    def build(self) -> DebtLines:
        return DebtLines.build(
            principal_m=np.vstack(self.prin), interest_m=np.vstack(self.intr),
            balance_end_m=np.vstack(self.bal), pv_end_m=np.vstack(self.pvs),
            balance_open_m=np.array(self.opens), external=self.ext,
            local_currency=self.lcu, floating=self.flt, group=self.grp, names=self.names,
            rate_headroom_dec=np.vstack(self.heads),
        )


def _new_loan_lines(
    out: _Lines, country: Country, years: NDArray[np.int64], r: float
) -> tuple[dict[int, str], FloatArray, FloatArray, FloatArray, FloatArray]:
    """Each new loan as its own line and group; returns their names and summed service,
    interest, balance and PV (to take out of the DSA's fixed arrays)."""
    n = out.n
    loan_ds = np.zeros(n)
    loan_int = np.zeros(n)
    loan_bal = np.zeros(n)
    loan_pv = np.zeros(n)
    offer_names: dict[int, str] = {}
    if not country.new_loans:
        return offer_names, loan_ds, loan_int, loan_bal, loan_pv
    loans = list(country.new_loans)
    flows = schedules(loans).by_calendar_year(country.t - 1, None)
    span = flows.years.size - 1
    width = max(span, n)
    ds_l = np.zeros((len(loans), width))
    ds_l[:, :span] = flows.debt_service[:, 1:]
    b_l = np.zeros_like(ds_l)
    b_l[:, :span] = flows.balance_end[:, 1:]
    i_l = np.zeros_like(ds_l)
    i_l[:, :span] = (flows.interest + flows.fees)[:, 1:]
    pv_l = np.minimum(npv_next_years(ds_l, r), b_l)
    for j, loan in enumerate(loans):
        offer_names[j] = loan.name
        floating = isinstance(loan.interest, FloatingRate)
        out.add(f"new loan: {loan.name}", ds_l[j, :n], i_l[j, :n], b_l[j, :n], pv_l[j, :n],
                floating=floating, group=j, open_balance=float(flows.balance_end[j, 0]),
                headroom=_all_in_rate_dec(loan, years) if floating else None)
        loan_ds += ds_l[j, :n]
        loan_int += i_l[j, :n]
        loan_bal += b_l[j, :n]
        loan_pv += pv_l[j, :n]
    return offer_names, loan_ds, loan_int, loan_bal, loan_pv


def _macro_path(setup: BaselineSetup) -> MacroPath:
    inp = setup.inputs
    der = setup.derived
    ti = der.t_index
    sl = slice(ti, ti + inp.years.size)
    fxa = inp.fx_avg_lcu_per_usd
    return MacroPath.build(
        years=inp.years,
        real_growth_dec=der.real_gdp_growth_pct[sl] / 100.0,
        deflator_growth_dec=der.gdp_deflator_lcu_growth_pct[sl] / 100.0,
        gdp_lcu_m=inp.gdp_usd_m * fxa,
        fx_lcu_per_usd=fxa,
        fx_prev_lcu_per_usd=float(der.exchange_rate_avg_lcu_per_usd[ti - 1]),
        exports_usd_m=inp.exports_usd_m,
        exports_prev_usd_m=float(der.exports_usd_m[ti - 1]),
        revenue_ex_grants_lcu_m=inp.revenue_excl_grants_lcu_m,
        revenue_incl_grants_lcu_m=inp.revenue_incl_grants_lcu_m,
        primary_balance_lcu_m=der.primary_balance_lcu_m[sl],
        fx_eop_lcu_per_usd=inp.fx_eop_lcu_per_usd,
    )


def _other_lines(out: _Lines, setup: BaselineSetup, country: Country,
                 dom_rate_arr: FloatArray) -> None:
    """Unitemised stock, the new-financing instruments, short-term, LC debt held abroad and
    domestic debt (the rate shock reprices it, floored at a zero nominal rate)."""
    inp = setup.inputs
    n = out.n
    unitemised = np.broadcast_to(inp.unitemised_stock_usd_m, (n,)).astype(np.float64)
    if np.any(unitemised != 0):
        z = np.zeros(n)
        out.add("unitemised PPG external stock", z, z, unitemised, unitemised)
    basis = setup.basis
    d = inp.disbursements_usd_m
    for li in range(len(country.new_external_financing)):  # not the DSA's stress instruments
        i_l = d[li] @ basis.interest[li]
        p_l = d[li] @ basis.principal[li]
        b_l = d[li] @ basis.balance[li]
        pv_i = np.minimum(d[li] @ basis.pv[li], b_l)
        out.add(f"new financing: {basis.terms[li].name}", i_l + p_l, i_l, b_l, pv_i)
    st = inp.short_term_usd_m
    st_int = inp.short_term_rate_dec * st[:-1]
    out.add("PPG short-term external debt", st[:-1] + st_int, st_int, st[1:], st[1:],
            open_balance=float(st[0]))
    if np.any(inp.lc_external_stock_lcu_m != 0) or np.any(inp.lc_external_service_lcu_m != 0):
        out.add("local-currency debt held abroad", inp.lc_external_service_lcu_m,
                np.zeros(n), inp.lc_external_stock_lcu_m, inp.lc_external_pv_lcu_m, local=True)
    dom_open = float(country.domestic_debt.stock_lcu_m.get(country.t - 1,
                                                           inp.domestic_debt_lcu_m[0]))
    out.add("domestic debt", inp.domestic_debt_service_lcu_m, np.zeros(n),
            inp.domestic_debt_lcu_m, inp.domestic_debt_lcu_m, external=False, local=True,
            floating=True, open_balance=dom_open, headroom=np.maximum(dom_rate_arr, 0.0))


def inputs_from_country(
    country: Country,
    settings: StressSettings | None = None,
    *,
    external_share: float | None = None,
    setup: BaselineSetup | None = None,
    capacity: DebtCarryingCapacity | None = None,
) -> CountryInputs:
    """Build :class:`SimulationInputs` for ``country`` (see the module docstring).

    ``setup`` and ``capacity``: the ones a LIC-DSF run of the same country already made
    (:attr:`debttrap.dsa.run.DSAResult.setup`, ``.capacity``), so they are not made twice.
    """
    s = settings if settings is not None else StressSettings()
    if setup is None:
        setup = baseline_setup(country)
    inp = setup.inputs
    der = setup.derived
    n = inp.years.size
    sl = slice(der.t_index, der.t_index + n)
    r = country.discount_rate_pct / 100.0
    out = _Lines(n)
    # new loans as contracts: their own lines (the DSA folds them into the fixed arrays)
    offer_names, loan_ds, loan_int, loan_bal, loan_pv = _new_loan_lines(
        out, country, inp.years, r
    )
    out.add("existing PPG external debt", inp.fixed_debt_service_usd_m - loan_ds,
            inp.fixed_interest_usd_m - loan_int, inp.fixed_stock_usd_m - loan_bal,
            inp.fixed_pv_usd_m - loan_pv)
    # the stress tests' nominal domestic rate: real rate plus the LCU deflator
    infl = der.gdp_deflator_lcu_growth_pct[sl] / 100.0
    dom_rate_arr = (1 + s.residual_domestic_real_rate_pct / 100.0) * (1 + infl) - 1
    _other_lines(out, setup, country, dom_rate_arr)
    # the stress tests' residual terms and external share, from the same baseline setup
    terms = residual_terms(country, s)
    share = residual_external_share(setup, s) if external_share is None else external_share
    residual = ResidualFinancing(
        external_share=share,
        external_rate_dec=terms.rate_dec,
        grace_years=terms.grace_years,
        maturity_years=terms.maturity_years,
        domestic_rate_dec=tuple(float(v) for v in dom_rate_arr),
        discount_rate_dec=r,
    )
    cap = country_capacity(country) if capacity is None else capacity
    return CountryInputs(
        inputs=SimulationInputs(_macro_path(setup), out.build(), residual),
        thresholds_pct=thresholds(cap.classification),
        capacity=str(cap.classification.value),
        offer_names=offer_names,
        country=country.name,
    )


def _all_in_rate_dec(loan: Loan, years: NDArray[np.int64]) -> FloatArray:
    """A floating loan's baseline all-in rate by calendar year (decimal; floored at zero by
    the loan model): how far a rate shock can push it down before the floor."""
    rates = [loan.rate_pct_at(float(y - loan.signing_year), int(y)) / 100.0 for y in years]
    return np.maximum(np.array(rates, dtype=np.float64), 0.0)


def inputs_for_offers(
    country: Country,
    offers: Sequence[Offer],
    settings: StressSettings | None = None,
    *,
    external_share: float | None = None,
) -> CountryInputs:
    """Kernel inputs for ``country`` with every offer's PPG loans, one group per offer.

    Each offer's PPG loans (restated in US$ at the offer's rates,
    :meth:`Offer.loans_in_usd`) are appended to ``country.new_loans``; the
    lines of offer ``i`` form group ``i`` and the country's own new loans
    group ``-1``, so a simulation's variants are "with every offer", "with
    none" and "all but offer ``i``". An offer without PPG loans (grants only,
    or a project company's debt) adds no line; ``offer_names`` still lists it.
    """
    base = tuple(country.new_loans)
    added: list[int] = []  # offer index of each appended loan
    loans = list(base)
    for i, offer in enumerate(offers):
        for ln, ppg in zip(offer.loans_in_usd(), offer.ppg_mask().tolist(), strict=True):
            if ppg:
                loans.append(ln)
                added.append(i)
    with_offers = country.model_copy(update={"new_loans": tuple(loans)})
    ci = inputs_from_country(with_offers, settings, external_share=external_share)
    # inputs_from_country gives new loan j group j; map it to its offer (base loans: -1)
    by_loan = np.array([-1] * len(base) + added, dtype=np.int64)
    old = ci.inputs.lines.group
    group = np.where(old >= 0, by_loan[np.clip(old, 0, None)] if by_loan.size else -1, -1)
    group = group.astype(np.int64)
    group.setflags(write=False)
    lines = replace(ci.inputs.lines, group=group)
    return CountryInputs(
        inputs=SimulationInputs(ci.inputs.macro, lines, ci.inputs.residual),
        thresholds_pct=ci.thresholds_pct,
        capacity=ci.capacity,
        offer_names={i: o.name for i, o in enumerate(offers)},
        country=ci.country,
    )
