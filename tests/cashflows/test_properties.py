"""Identities every schedule must satisfy, checked on random loans (hypothesis).

Each property is an identity of the contract or of present values, not a re-run of
the engine: principal repaid equals what was lent, balances never go negative, a
loan priced at the discount rate has no grant element, the DAC closed form equals
the cash-flow sum, and a batch equals its loans run one at a time.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from loan_strategies import LENDER, loan_terms, loans, rates_pct

from debttrap.cashflows import (
    LoanArrays,
    grant_element,
    grant_element_equal_principal,
    grant_elements,
    schedule,
    schedules,
)
from debttrap.cashflows.engine import FLOW_NAMES
from debttrap.terms import Loan

PROPERTY = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FLOWS = (*FLOW_NAMES, "balance")


@PROPERTY
@given(loan=loans())
def test_principal_repaid_equals_face_lent_plus_capitalized_interest(loan: Loan) -> None:
    totals = schedule(loan).totals()
    expected = loan.amount_m + totals["capitalized_interest"]
    assert totals["principal"] == pytest.approx(expected, rel=1e-9)
    # the cash received is the face times the issue price
    assert totals["disbursement"] == pytest.approx(loan.disbursed_proceeds_m, rel=1e-9)


@PROPERTY
@given(loan=loans())
def test_balance_never_negative_and_zero_at_maturity(loan: Loan) -> None:
    frame = schedule(loan).to_frame()
    balance = frame["balance"].to_numpy()
    assert balance.min() >= -1e-9 * loan.amount_m
    assert abs(balance[-1]) <= 1e-9 * loan.amount_m
    assert frame.index[-1] == pytest.approx(loan.maturity_years)
    # no principal before the first repayment date (grace + 1/a)
    early = frame.index.to_numpy() < loan.first_repayment_years - 1e-9
    assert np.all(frame["principal"].to_numpy()[early] == 0.0)


@PROPERTY
@given(batch=st.lists(loans(), min_size=1, max_size=6))
def test_no_nan_anywhere(batch: list[Loan]) -> None:
    arrays = schedules(batch).arrays
    for name in FLOWS:
        assert np.isfinite(getattr(arrays, name)).all(), name
    assert np.isfinite(grant_elements(batch)).all()
    annual = schedules(batch).by_calendar_year()
    for name in ("disbursement", "interest", "principal", "fees", "balance_end"):
        assert np.isfinite(getattr(annual, name)).all(), name


@PROPERTY
@given(
    terms=loan_terms(
        frequencies=(1,), fees=False, insurance=False, stepped=False,
        amortizations=("equal_principal", "annuity", "bullet", "custom"),
    )
)
def test_annual_loan_at_the_discount_rate_has_zero_grant_element(terms: dict[str, Any]) -> None:
    """lending-terms.md §1.1: "loan priced at the discount rate = 0" — for any
    amortization, disbursement profile or capitalization of an annual-pay loan."""
    loan = Loan(**terms)
    rate = loan.interest.rate_pct  # type: ignore[union-attr]
    assert grant_element(loan, discount_rate_pct=rate).grant_element_pct == pytest.approx(
        0.0, abs=1e-9
    )


@PROPERTY
@given(
    terms=loan_terms(fees=False, insurance=False, stepped=False),
    rate=rates_pct,
)
def test_any_frequency_at_the_equivalent_rate_has_zero_grant_element(
    terms: dict[str, Any], rate: float
) -> None:
    """Paying ``r/a`` a times a year is worth ``(1 + r/a)^a - 1`` a year: at that
    discount rate the grant element is zero whatever the frequency."""
    terms = {**terms, "rate_pct": rate}
    loan = Loan(**terms)
    a = loan.payments_per_year
    equivalent_pct = 100.0 * ((1.0 + rate / 100.0 / a) ** a - 1.0)
    ge = grant_element(loan, discount_rate_pct=equivalent_pct).grant_element_pct
    assert ge == pytest.approx(0.0, abs=1e-9)


@PROPERTY
@given(
    maturity=st.integers(1, 100),
    discount=st.floats(0.5, 15.0),
    a=st.sampled_from([1, 2, 4]),
)
def test_grant_limit(maturity: int, discount: float, a: int) -> None:
    """A grant (nothing repaid) has GE = 100. A loan must repay its face, so the grant is
    the limit of an interest-free bullet loan as the repayment recedes: its grant
    element is exactly ``100 (1 - (1 + D)^-M)``, which tends to 100."""
    loan = Loan(
        creditor=LENDER, amount_m=50.0, signing_year=2025, rate_pct=0.0,
        maturity_years=maturity, grace_years=maturity - 1 / a, payments_per_year=a,
        amortization="bullet",
    )
    ge = grant_element(loan, discount_rate_pct=discount).grant_element_pct
    assert ge == pytest.approx(100.0 * (1.0 - (1.0 + discount / 100.0) ** -maturity), abs=1e-9)
    assert 0.0 < ge < 100.0


def test_grant_limit_reaches_100() -> None:
    far = Loan(
        creditor=LENDER, amount_m=1.0, signing_year=2025, rate_pct=0.0, maturity_years=100,
        grace_years=99, amortization="bullet",
    )
    assert grant_element(far, method="oecd-dac", income_group="ldc").grant_element_pct > 99.98


@PROPERTY
@given(
    terms=loan_terms(stepped=False, amortizations=("equal_principal", "annuity", "bullet")),
    r1=rates_pct,
    r2=rates_pct,
    discount=st.floats(0.0, 12.0),
)
def test_grant_element_falls_as_the_rate_rises(
    terms: dict[str, Any], r1: float, r2: float, discount: float
) -> None:
    lo, hi = sorted((r1, r2))
    cheap = Loan(**{**terms, "rate_pct": lo})
    dear = Loan(**{**terms, "rate_pct": hi})
    ge = grant_elements([cheap, dear], discount)
    if hi - lo > 1e-6:
        assert ge[0] > ge[1]
    else:
        assert ge[0] >= ge[1] - 1e-9


@PROPERTY
@given(batch=st.lists(loans(), min_size=2, max_size=6))
def test_batch_equals_one_at_a_time(batch: list[Loan]) -> None:
    together = schedules(batch)
    ge_together = grant_elements(batch)
    for i, loan in enumerate(batch):
        alone = schedule(loan).to_frame()
        in_batch = together.loan(i).to_frame()
        assert list(alone.index) == pytest.approx(list(in_batch.index))
        for col in alone.columns:
            np.testing.assert_allclose(
                in_batch[col].to_numpy(), alone[col].to_numpy(), rtol=1e-12,
                atol=1e-12 * loan.amount_m, err_msg=col,
            )
        assert ge_together[i] == pytest.approx(grant_element(loan).grant_element_pct, abs=1e-10)


def _equal_principal_loan(rate: float, a: int, periods: int, grace_periods: int) -> Loan:
    """US$100m, disbursed at signing, equal principal, ``periods`` payment periods."""
    return Loan(
        creditor=LENDER, amount_m=100.0, signing_year=2025, rate_pct=rate,
        maturity_years=periods / a, grace_years=grace_periods / a, payments_per_year=a,
    )


@PROPERTY
@given(
    rate=rates_pct,
    a=st.sampled_from([1, 2, 4]),
    years=st.integers(1, 60),
    data=st.data(),
    discount=st.floats(0.1, 15.0),
)
def test_engine_equals_dac_closed_form(
    rate: float, a: int, years: int, data: st.DataObject, discount: float
) -> None:
    """lending-terms.md §1.3 line 24: the OECD-DAC closed form for an equal-principal
    loan disbursed at signing equals the period-by-period cash-flow sum."""
    periods = years * a
    grace_periods = data.draw(st.integers(0, periods - 1))
    loan = _equal_principal_loan(rate, a, periods, grace_periods)
    closed = float(
        grant_element_equal_principal(
            rate / 100.0, periods / a, grace_periods / a, a, discount / 100.0
        )
    )
    engine = grant_element(loan, discount_rate_pct=discount).grant_element_pct
    # The closed form is ill-conditioned when D is small: its (1 - q/d) factor, with
    # d = (1 + D)^(1/a) - 1, multiplies the rounding of d by q/d (70 for 7%, a = 2,
    # D = 0.1%; exact arithmetic then shows the engine right to 1e-15 and the closed
    # form off by 1e-9, see test_engine_matches_exact_decimal_sum). So the tolerance
    # is 1e-9 pp scaled by that amplification.
    q_over_d = (rate / 100.0 / a) / ((1.0 + discount / 100.0) ** (1.0 / a) - 1.0)
    assert engine == pytest.approx(closed, abs=1e-9 * max(1.0, q_over_d))


def _exact_ge_equal_principal(
    rate_pct: float, a: int, maturity: float, grace: float, discount_pct: float
) -> float:
    """Grant element by the period-by-period sum in 50-digit decimal arithmetic."""
    from decimal import Decimal, localcontext

    with localcontext() as ctx:
        ctx.prec = 50
        q = Decimal(repr(rate_pct)) / 100 / a
        v = 1 / (1 + Decimal(repr(discount_pct)) / 100)
        n = round(a * (maturity - grace))
        first = round(a * grace) + 1
        bal, pv = Decimal(1), Decimal(0)
        for k in range(1, round(a * maturity) + 1):
            principal = Decimal(1) / n if k >= first else Decimal(0)
            pv += (bal * q + principal) * v ** (Decimal(k) / a)
            bal -= principal
        return float(100 * (1 - pv))


@PROPERTY
@given(
    rate=rates_pct,
    a=st.sampled_from([1, 2, 4]),
    years=st.integers(1, 40),
    data=st.data(),
    discount=st.floats(0.1, 15.0),
)
def test_engine_matches_exact_decimal_sum(
    rate: float, a: int, years: int, data: st.DataObject, discount: float
) -> None:
    """An independent oracle in exact arithmetic: the engine's grant element of an
    equal-principal loan equals the 50-digit period-by-period sum to 1e-11 pp."""
    periods = years * a
    grace_periods = data.draw(st.integers(0, periods - 1))
    loan = _equal_principal_loan(rate, a, periods, grace_periods)
    exact = _exact_ge_equal_principal(rate, a, periods / a, grace_periods / a, discount)
    engine = grant_element(loan, discount_rate_pct=discount).grant_element_pct
    assert engine == pytest.approx(exact, abs=1e-11)


def test_engine_is_exact_where_the_closed_form_loses_digits() -> None:
    """The case hypothesis found: 7%, semi-annual, 2 years, grace 1.5, D = 0.1%."""
    loan = Loan(
        creditor=LENDER, amount_m=100.0, signing_year=2025, rate_pct=7.0,
        maturity_years=2.0, grace_years=1.5, payments_per_year=2,
    )
    exact = _exact_ge_equal_principal(7.0, 2, 2.0, 1.5, 0.1)
    assert grant_element(loan, discount_rate_pct=0.1).grant_element_pct == pytest.approx(
        exact, abs=1e-12
    )


@PROPERTY
@given(
    terms=st.lists(
        loan_terms(stepped=False, insurance=False, capitalize=False,
                   amortizations=("equal_principal", "annuity", "bullet")),
        min_size=1, max_size=8,
    )
)
def test_from_arrays_equals_from_loans(terms: list[dict[str, Any]]) -> None:
    """The array builder (portfolio path) and the Loan path give the same schedules."""
    batch = [Loan(**t) for t in terms]
    width = max(len(t.get("disbursement_shares", (1.0,))) for t in terms)
    disb = np.zeros((len(terms), width))
    for i, t in enumerate(terms):
        s = t.get("disbursement_shares", (1.0,))
        disb[i, : len(s)] = s
    la = LoanArrays.from_arrays(
        amount_m=[t["amount_m"] for t in terms],
        rate_pct=[t["rate_pct"] for t in terms],
        grace_years=[t["grace_years"] for t in terms],
        maturity_years=[t["maturity_years"] for t in terms],
        payments_per_year=[t["payments_per_year"] for t in terms],
        amortization=np.array([t["amortization"] for t in terms]),
        management_fee_pct=[t["management_fee_pct"] for t in terms],
        commitment_fee_pct=[t["commitment_fee_pct"] for t in terms],
        issue_price_pct=[t["issue_price_pct"] for t in terms],
        signing_year=[t["signing_year"] for t in terms],
        disbursement_shares=disb,
    )
    from_arrays = schedules(la).arrays
    from_loans = schedules(batch).arrays
    for name in FLOWS:
        np.testing.assert_allclose(
            getattr(from_arrays, name), getattr(from_loans, name), rtol=1e-13, atol=1e-12,
            err_msg=name,
        )
    np.testing.assert_allclose(grant_elements(la), grant_elements(batch), rtol=0, atol=1e-10)
