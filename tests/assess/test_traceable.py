"""assessment.json: figures traceable to the inputs, identities, and reference values."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from debttrap.assess import Assessment, assess
from debttrap.io.scenario import Scenario
from debttrap.terms.offer import Offer

from .conftest import scenario


def _ida_ge_oracle(rate_pct: float, grace: float, maturity: float, shares: list[float],
                   discount_pct: float = 5.0) -> float:
    """Grant element of a semi-annual equal-principal loan, written from the contract rules
    (share j paid out at year j; first instalment at grace + 1/2; interest rate/2 on the
    balance outstanding during each half-year), with plain loops over periods."""
    a = 2
    n_inst = round(a * (maturity - grace))
    v = 1.0 / (1.0 + discount_pct / 100.0)
    pv_disb = sum(s * v**j for j, s in enumerate(shares))
    balance, pv_service = 0.0, 0.0
    for k in range(1, round(a * maturity) + 1):
        start = (k - 1) / a
        balance += sum(s for j, s in enumerate(shares) if j == start)
        t = k / a
        service = rate_pct / 100.0 / a * balance
        if t > grace + 1e-9:
            service += 1.0 / n_inst
            balance -= 1.0 / n_inst
        pv_service += service * v**t
    return 100.0 * (1.0 - pv_service / pv_disb)


def test_loan_grant_elements_match_an_independent_oracle(control: Assessment) -> None:
    (o,) = control.offers
    (ln,) = o.loans
    loan = o.offer.loans[0]
    expected = _ida_ge_oracle(0.75, loan.grace_years, loan.maturity_years,
                              list(loan.disbursement_shares))
    assert ln.grant_element_imf_pct == pytest.approx(expected, abs=1e-9)
    # one loan, no grants: the package is the loan
    assert o.grant_element_pct == pytest.approx(ln.grant_element_imf_pct, abs=1e-12)


def test_ida20_regular_credit_grant_element_is_the_published_value() -> None:
    """lending-terms.md §1.5 C1: IDA20 regular (0.75%, 38 y, 6 y grace) -> 53.2% at 5%."""
    s = scenario("ida-negative-control.toml")
    offer = s.offers[0]
    one = offer.model_copy(update={"loans": (offer.loans[0].model_copy(
        update={"disbursement_shares": (1.0,)}),)})
    a = assess(s.model_copy(update={"offers": (one,)}), n_paths=200, stochastic=False)
    assert a.offers[0].loans[0].grant_element_imf_pct == pytest.approx(53.2, abs=0.05)


def test_json_figures_trace_to_inputs(syria: Assessment) -> None:
    doc = syria.to_dict()
    assert doc["inputs"]["offers"] == [o.model_dump(mode="json") for o in
                                       (x.offer for x in syria.offers)]
    for i, (o, inp) in enumerate(zip(doc["offers"], doc["inputs"]["offers"], strict=True)):
        fx = inp.get("fx_usd_per_unit", {})
        amounts = [ln["amount_m"] * (1.0 if ln["currency"] == "USD" else fx[ln["currency"]])
                   for ln in inp["loans"]]
        grants = sum(sum(g["amounts_usd_m"].values()) for g in inp["grants"])
        assert [ln["amount_usd_m"] for ln in o["loans"]] == pytest.approx(amounts)
        assert o["grants_usd_m"] == pytest.approx(grants)
        # package GE = amount-weighted loan GEs with grants at 100% (IMF Debt Limits Policy)
        ges = [ln["grant_element_imf_pct"] for ln in o["loans"]]
        pkg = (sum(w * g for w, g in zip(amounts, ges, strict=True)) + 100.0 * grants) / (
            sum(amounts) + grants)
        assert o["grant_element_pct"] == pytest.approx(pkg, abs=1e-9)
        # every offer has its source note, and the verdict cites a source for each rule
        assert f"offers[{i}]" in doc["sources"]
        assert all(c["source"] for c in o["verdict"]["checks"])
        # thresholds are the country's, rating_before is the reference's
        for ind, block in o["debt"]["indicators"].items():
            assert block["threshold_pct"] == doc["thresholds_pct"][ind]
        assert o["rating_before"] == doc["reference"]["rating_before"]


def _overrun_balance(o: Any, years: np.ndarray) -> np.ndarray:
    """The overrun loan's end-of-year balance, from the loan engine (zeros without one)."""
    if o.overrun_loan is None:
        return np.zeros(years.size)
    from debttrap.cashflows import schedules

    annual = schedules([o.overrun_loan]).by_calendar_year(int(years[0]), int(years[-1]))
    return np.asarray(annual.balance_end[0], dtype=np.float64)


def test_lender_share_recomputes_from_the_creditor_table(syria: Assessment) -> None:
    """After the offer the denominator is the creditor table + the offer's PPG loans + the
    project's overrun borrowing (which the DSA with the offer carries; it was missing before,
    which overstated the share)."""
    debt = syria.creditor_debt_usd_m
    for o in syria.offers:
        ex = o.exposure
        lender = debt[o.offer.group].to_numpy() if o.offer.group in debt else 0.0
        total = debt.to_numpy().sum(axis=1)
        add = np.asarray(ex.offer_ppg_debt_usd_m)
        over = _overrun_balance(o, ex.years)
        den = total + add + over
        with np.errstate(invalid="ignore", divide="ignore"):
            expected = np.where(den > 0, 100.0 * (lender + add) / den, np.nan)
        np.testing.assert_allclose(ex.lender_debt_share_after_pct, expected, rtol=1e-12)


@pytest.mark.parametrize("name", ["syria-2025.toml", "zambia-2015.toml"])
def test_share_denominators_are_the_debt_the_dsa_carries(name: str) -> None:
    """Oracle: the LIC-DSF run with the offer. Its PPG external debt and debt service in every
    projection year equal the denominators of the lender's shares (creditor table incl. the
    baseline's unallocated new borrowing, + the offer's PPG loans, + the overrun loan)."""
    a = assess(scenario(name), n_paths=200, stochastic=False)
    svc_tab = a.creditor_service_usd_m
    for o in a.offers:
        ex = o.exposure
        yrs = o.outlook.years
        pos = np.searchsorted(ex.years, yrs)
        over = _overrun_balance(o, ex.years)[pos]
        den_debt = (a.creditor_debt_usd_m.loc[yrs].to_numpy().sum(axis=1)
                    + ex.offer_ppg_debt_usd_m[pos] + over)
        # rtol 1e-6: the Syria schedule is given to US$ 0.001 m
        np.testing.assert_allclose(den_debt, o.outlook.dsa.baseline.ext_debt_nominal_usd_m,
                                   rtol=1e-6, atol=1e-6)
        lender = (svc_tab[o.offer.group].loc[yrs].to_numpy() if o.offer.group in svc_tab
                  else np.zeros(yrs.size))
        share = np.asarray(ex.lender_service_share_after_pct)[pos]
        dsa_svc = o.outlook.dsa.baseline.ext_debt_service_usd_m
        ok = np.isfinite(share) & (dsa_svc > 0)
        expected = 100.0 * (lender + ex.offer_ppg_service_usd_m[pos]) / dsa_svc
        np.testing.assert_allclose(share[ok], np.minimum(expected[ok], 100.0), rtol=1e-6)
        # the year before t has no existing service as an input: unknown, never 100%
        assert np.isnan(ex.lender_service_share_after_pct[0])


def test_indicator_paths_with_the_offer_are_the_dsa_with_its_loans(control: Assessment) -> None:
    """The 'after' paths are exactly a LIC-DSF of the country plus the offer's PPG loans
    and the overrun loan (nothing else changes)."""
    from debttrap.dsa.run import run_dsa

    (o,) = control.offers
    extra = tuple(o.offer.loans_in_usd()) + ((o.overrun_loan,) if o.overrun_loan else ())
    c = control.country.model_copy(update={"new_loans": control.country.new_loans + extra})
    direct = run_dsa(c)
    for ind in o.outlook.dsa.thresholds:
        np.testing.assert_array_equal(o.outlook.path(ind), direct.indicator_path(ind))


@settings(max_examples=6, deadline=None)
@given(scale=st.floats(min_value=1.0, max_value=20.0))
def test_a_larger_loan_never_lowers_a_debt_ratio(control: Assessment, scale: float) -> None:
    """Monotonicity: the same offer with a larger loan gives debt ratios at least as high."""
    s = Scenario.model_construct(
        name="scaled", description="", country=control.country, country_file=None,
        settings=scenario("ida-negative-control.toml").settings, offers=(), sources={},
    )
    base = control.offers[0].offer

    def offer_of(k: float) -> Offer:
        ln = base.loans[0]
        return base.model_copy(update={"loans": (ln.model_copy(update={"amount_m": ln.amount_m
                                                                        * k}),),
                                       "project": None})

    lo = assess(s.model_copy(update={"offers": (offer_of(1.0),)}), stochastic=False, n_paths=100)
    hi = assess(s.model_copy(update={"offers": (offer_of(scale),)}), stochastic=False, n_paths=100)
    for ind in lo.reference.dsa.thresholds:
        a = lo.offers[0].outlook.path(ind)
        b = hi.offers[0].outlook.path(ind)
        assert np.all(b >= a - 1e-9)
    assert math.isclose(lo.offers[0].grant_element_pct, hi.offers[0].grant_element_pct,
                        abs_tol=1e-9)  # the grant element does not depend on the amount
