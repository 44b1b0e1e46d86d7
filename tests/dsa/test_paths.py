"""The path kernel: unit-loan PVs against published values, identities, batching."""

from __future__ import annotations

import numpy as np
import pytest
from golden_data import illustrative
from hypothesis import given, settings
from hypothesis import strategies as st

from debttrap.dsa.paths import InstrumentTerms, UnitLoanBasis, baseline_setup, debt_paths
from debttrap.dsa.stress import build_scenarios, stack_inputs


@pytest.mark.parametrize(
    ("rate", "grace", "maturity", "grant_element_pct"),
    [
        # lic-dsf-method.md §1.2 check values at r = 5% (IDA regular, blend, zero-rate)
        (0.0075, 6, 38, 53.68),
        (0.02, 5, 30, 33.50),
        (0.0, 5, 25, 51.18),
    ],
)
def test_unit_loan_grant_element_check_values(rate, grace, maturity, grant_element_pct):  # type: ignore[no-untyped-def]
    basis = UnitLoanBasis.build([InstrumentTerms("x", rate, grace, maturity)], 3, 0.05)
    ge = 100 * (1 - basis.pv[0, 0, 0])
    assert ge == pytest.approx(grant_element_pct, abs=0.005)


def test_unit_loan_equal_principal_oracle() -> None:
    """Independent oracle: the DSF unit loan written out by hand (annual, linear)."""
    i, g, m, r = 0.03, 4, 12, 0.05
    service = np.zeros(m + 1)
    bal = 1.0
    for k in range(1, m + 1):
        p = 1 / (m - g) if k > g else 0.0
        service[k] = i * bal + p
        bal -= p
    pv0 = sum(service[k] / (1 + r) ** k for k in range(1, m + 1))
    basis = UnitLoanBasis.build([InstrumentTerms("x", i, g, m)], m + 1, r)
    assert basis.pv[0, 0, 0] == pytest.approx(pv0, rel=1e-12)
    np.testing.assert_allclose(
        basis.interest[0, 0] + basis.principal[0, 0], service, rtol=1e-12, atol=1e-15
    )


def test_ida_blend_nonlinear_profile() -> None:
    """IDA blend (method §7.2): 3.3%/yr in years 6-25, 6.8%/yr in 26-30."""
    shares = tuple([0.033] * 20 + [0.068] * 5)
    basis = UnitLoanBasis.build([InstrumentTerms("blend", 0.02, 5, 30, shares)], 31, 0.05)
    pr = basis.principal[0, 0]
    assert pr[:6].sum() == 0.0
    np.testing.assert_allclose(pr[6:26], 0.033, rtol=1e-12)
    np.testing.assert_allclose(pr[26:31], 0.068, rtol=1e-12)


@settings(max_examples=40, deadline=None)
@given(
    rate=st.floats(0.0, 0.15, allow_subnormal=False),  # sub-normal rates are refused
    grace=st.integers(0, 8),
    extra=st.integers(1, 25),
    disb=st.lists(st.floats(0.0, 1000.0), min_size=12, max_size=12),
)
def test_stock_flow_identity_each_year(rate, grace, extra, disb):  # type: ignore[no-untyped-def]
    """balance_y = balance_{y-1} + disbursement_y - principal_y, every year; PV <= face."""
    n = 12
    basis = UnitLoanBasis.build([InstrumentTerms("x", rate, grace, grace + extra)], n, 0.05)
    d = np.array(disb)[None, :]
    bal = np.einsum("ls,lsy->ly", d, basis.balance)[0]
    pr = np.einsum("ls,lsy->ly", d, basis.principal)[0]
    prev = np.concatenate([[0.0], bal[:-1]])
    np.testing.assert_allclose(bal, prev + d[0] - pr, atol=1e-7)
    pv = np.minimum(np.einsum("ls,lsy->ly", d, basis.pv)[0], bal)
    assert np.all(pv <= bal + 1e-9)


def test_batch_equals_one_by_one() -> None:
    """A leading batch axis gives the same paths as separate runs."""
    c, s = illustrative()
    setup, base, scenarios, _ = build_scenarios(c, s)
    batch = debt_paths(stack_inputs([base, *(x.inputs for x in scenarios)]), setup.basis)
    for k, sc in enumerate(scenarios):
        one = debt_paths(sc.inputs, setup.basis)
        np.testing.assert_allclose(batch.pv_ext_debt_to_gdp_pct[k + 1], one.pv_ext_debt_to_gdp_pct)
        np.testing.assert_allclose(
            batch.ext_debt_service_to_revenue_pct[k + 1], one.ext_debt_service_to_revenue_pct
        )


def test_zero_new_borrowing_leaves_existing_debt() -> None:
    """Without new lines, PV = existing PV + short-term debt; adding zero lines changes nothing."""
    c, _ = illustrative()
    lines = c.new_external_financing
    zero = tuple(ln.model_copy(update={"disbursements_usd_m": {}}) for ln in lines)
    c0 = c.model_copy(update={"new_external_financing": zero})
    c_none = c.model_copy(update={"new_external_financing": ()})
    p0 = debt_paths(baseline_setup(c0).inputs, baseline_setup(c0).basis)
    s_none = baseline_setup(c_none)
    p_none = debt_paths(s_none.inputs, s_none.basis)
    np.testing.assert_allclose(p0.pv_ext_debt_usd_m, p_none.pv_ext_debt_usd_m)
    np.testing.assert_allclose(
        p_none.pv_ext_debt_usd_m,
        s_none.inputs.fixed_pv_usd_m + s_none.inputs.short_term_usd_m[1:],
    )


def test_to_frame_has_year_index() -> None:
    c, _ = illustrative()
    s = baseline_setup(c)
    frame = debt_paths(s.inputs, s.basis).to_frame()
    assert frame.index.name == "year"
    assert frame.index[0] == c.first_projection_year


@settings(max_examples=30, deadline=None)
@given(
    rate=st.floats(0.0, 0.15, allow_subnormal=False),  # sub-normal rates are refused
    grace=st.integers(0, 6),
    extra=st.integers(1, 15),
    disb=st.lists(st.floats(-1000.0, 1000.0), min_size=21, max_size=21),
)
def test_new_debt_pv_is_linear_in_signed_amounts(rate, grace, extra, disb):  # type: ignore[no-untyped-def]
    """PV of new debt is capped at face loan by loan, so it is linear in the amounts: debt a
    shock saves (a negative amount, B5's smaller trade deficit) is worth minus the same
    debt borrowed, and at a rate above the discount rate exactly minus its face.

    Oracle: each unit loan's own min(PV, face) (method §1.2), summed by hand."""
    c, _ = illustrative()
    inp = baseline_setup(c.model_copy(update={"new_external_financing": ()})).inputs
    n = inp.years.size
    assert n == 21
    basis = UnitLoanBasis.build([InstrumentTerms("x", rate, grace, grace + extra)], n, 0.05)
    d = np.array(disb)
    plus = debt_paths(inp.replace(disbursements_usd_m=d[None, :]), basis).new_borrowing_pv_usd_m
    minus = debt_paths(inp.replace(disbursements_usd_m=-d[None, :]), basis).new_borrowing_pv_usd_m
    np.testing.assert_allclose(plus, -minus, atol=1e-9)
    by_hand = sum(d[s] * np.minimum(basis.pv[0, s], basis.balance[0, s]) for s in range(n))
    np.testing.assert_allclose(plus, by_hand, atol=1e-9)
    if rate > 0.05:
        face = np.einsum("s,sy->y", -d, basis.balance[0])
        np.testing.assert_allclose(minus, face, atol=1e-9)
