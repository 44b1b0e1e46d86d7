"""The kernel's conventions, one at a time, and its three backends against each other.

The NumPy kernel steps all loans through each date; the loan-by-loan kernel walks one
loan at a time in scalar code (run as plain Python, or compiled by numba). They share
no loop structure, so agreement on random loans with every feature is a real check.
"""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from loan_strategies import LENDER, loans, random_loans

from debttrap.cashflows import LoanArrays, run_kernel, schedule, schedules
from debttrap.cashflows.engine import FLOW_NAMES, undisbursed_shares
from debttrap.errors import InputError
from debttrap.terms import Insurance, Loan

HAS_NUMBA = importlib.util.find_spec("numba") is not None
FLOWS = (*FLOW_NAMES, "balance")


def loan(**terms: object) -> Loan:
    base: dict[str, object] = {
        "creditor": LENDER,
        "amount_m": 100.0,
        "signing_year": 2025,
        "payments_per_year": 2,
    }
    base.update(terms)
    return Loan(**base)  # type: ignore[arg-type]


def assert_same_run(batch: LoanArrays, backend: str, discount: float | np.ndarray) -> None:
    ref_s, _ = run_kernel(batch, store=True, backend="numpy")
    got_s, _ = run_kernel(batch, store=True, backend=backend)  # type: ignore[arg-type]
    assert ref_s is not None and got_s is not None
    scale = batch.amount_m[:, None]
    for name in FLOWS:
        np.testing.assert_allclose(
            getattr(got_s, name) / scale, getattr(ref_s, name) / scale, rtol=0, atol=1e-12,
            err_msg=name,
        )
    _, ref_t = run_kernel(batch, store=False, discount_rate=discount, backend="numpy")
    _, got_t = run_kernel(batch, store=False, discount_rate=discount, backend=backend)  # type: ignore[arg-type]
    assert ref_t is not None and got_t is not None
    for name in ("pv_disbursement", "pv_debt_service", "nominal_disbursement",
                 "nominal_debt_service"):
        np.testing.assert_allclose(
            getattr(got_t, name), getattr(ref_t, name), rtol=1e-12, err_msg=name
        )


# ----------------------------------------------------------------------------- backends
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch=st.lists(loans(), min_size=1, max_size=8), discount=st.floats(0.0, 0.15))
def test_loan_by_loan_python_kernel_equals_numpy_kernel(batch: list[Loan], discount: float) -> None:
    assert_same_run(LoanArrays.from_loans(batch), "python", discount)


@pytest.mark.skipif(not HAS_NUMBA, reason="numba is not installed (optional: debttrap[fast])")
def test_numba_kernel_equals_numpy_kernel() -> None:
    rng = np.random.default_rng(7)
    batch = LoanArrays.from_loans(random_loans(rng, 400))
    assert_same_run(batch, "numba", rng.uniform(0.0, 0.12, batch.n_loans))


def test_unknown_backend_and_bad_discount_shape() -> None:
    la = LoanArrays.from_loans([loan(rate_pct=2, maturity_years=10, grace_years=2)])
    with pytest.raises(InputError, match="backend"):
        run_kernel(la, backend="fortran")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="discount_rate"):
        run_kernel(la, store=False, discount_rate=np.array([0.05, 0.06]))
    with pytest.raises(InputError, match="discount_rate"):
        run_kernel(la, store=False, discount_rate=float("nan"))


# ----------------------------------------------------------------------------- conventions
def test_ida_semiannual_27_instalments_from_year_7() -> None:
    """terms/loan.py: 20 years with grace 6.5, semi-annual, repays 27 equal instalments
    from year 7."""
    f = schedule(loan(rate_pct=2, maturity_years=20, grace_years=6.5)).to_frame()
    paid = f[f["principal"] > 0]
    assert len(paid) == 27
    assert paid.index[0] == 7.0 and paid.index[-1] == 20.0
    np.testing.assert_allclose(paid["principal"], 100 / 27, rtol=1e-12)
    # interest: rate/a on the balance outstanding during the period
    np.testing.assert_allclose(f["interest"].iloc[1:].to_numpy(),
                               0.01 * f["balance"].iloc[:-1].to_numpy(), rtol=1e-12)


def test_disbursement_counts_from_its_year_and_commitment_fee_on_the_rest() -> None:
    ln = loan(rate_pct=4, commitment_fee_pct=1, maturity_years=10, grace_years=3,
              disbursement_shares=(0.5, 0.3, 0.2))
    f = schedule(ln).to_frame()
    assert f.loc[0.0, "disbursement"] == pytest.approx(50)
    assert f.loc[1.0, "disbursement"] == pytest.approx(30)
    assert f.loc[2.0, "disbursement"] == pytest.approx(20)
    # year 1: 50 outstanding, 50 undisbursed; year 2: 80 and 20; then all disbursed
    np.testing.assert_allclose(f.loc[[0.5, 1.0], "interest"], 50 * 0.02, rtol=1e-12)
    np.testing.assert_allclose(f.loc[[1.5, 2.0], "interest"], 80 * 0.02, rtol=1e-12)
    np.testing.assert_allclose(f.loc[[0.5, 1.0], "commitment_fee"], 50 * 0.005, rtol=1e-12)
    np.testing.assert_allclose(f.loc[[1.5, 2.0], "commitment_fee"], 20 * 0.005, rtol=1e-12)
    assert (f.loc[2.5:, "commitment_fee"] == 0).all()


def test_no_commitment_fee_on_rounding_dust() -> None:
    """Shares may sum to 1 within 1e-6; nothing is charged once the last tranche is out."""
    shares = np.array([[0.4, 0.6 - 5e-7]])
    assert undisbursed_shares(shares)[0, 1] == 0.0
    ln = loan(rate_pct=1, commitment_fee_pct=2, maturity_years=8, grace_years=2,
              disbursement_shares=(0.4, 0.6 - 5e-7))
    f = schedule(ln).to_frame()
    assert (f.loc[1.5:, "commitment_fee"] == 0).all()


def test_capitalized_interest_compounds_during_grace() -> None:
    ln = loan(rate_pct=6, maturity_years=10, grace_years=2,
              capitalize_interest_during_grace=True)
    f = schedule(ln).to_frame()
    assert (f.loc[:2.0, "interest"] == 0).all()
    grown = 100 * 1.03**4
    assert f.loc[2.0, "balance"] == pytest.approx(grown, rel=1e-12)
    np.testing.assert_allclose(f.loc[2.5:, "principal"], grown / 16, rtol=1e-12)
    assert f["capitalized_interest"].sum() == pytest.approx(grown - 100, rel=1e-12)


def test_annuity_pays_a_level_total() -> None:
    ln = loan(rate_pct=5, maturity_years=12, grace_years=2, amortization="annuity")
    f = schedule(ln).to_frame()
    total = (f["interest"] + f["principal"]).loc[2.5:]
    q = 0.025
    level = 100 * q / (1 - (1 + q) ** -20)
    np.testing.assert_allclose(total, level, rtol=1e-12)


def test_bullet_repays_at_maturity_only() -> None:
    f = schedule(loan(rate_pct=8, maturity_years=5, grace_years=4.5,
                      amortization="bullet")).to_frame()
    assert f["principal"].iloc[-1] == pytest.approx(100)
    assert (f["principal"].iloc[:-1] == 0).all()
    np.testing.assert_allclose(f["interest"].iloc[1:], 4.0, rtol=1e-12)


def test_custom_shares_and_issue_price() -> None:
    ln = loan(rate_pct=9.75, maturity_years=7, grace_years=4.5, amortization="custom",
              principal_shares=(1 / 3, 0, 1 / 3, 0, 1 / 3), issue_price_pct=97.27)
    f = schedule(ln).to_frame()
    assert f.loc[0.0, "disbursement"] == pytest.approx(97.27)
    np.testing.assert_allclose(f.loc[[5.0, 6.0, 7.0], "principal"], 100 / 3, rtol=1e-12)
    assert (f.loc[[5.5, 6.5], "principal"] == 0).all()
    assert f.loc[6.5, "interest"] == pytest.approx(100 / 3 * 0.04875, rel=1e-12)


def test_insurance_instalments_fall_on_their_dates() -> None:
    ln = loan(rate_pct=6.3, maturity_years=15, grace_years=3.5,
              insurance=Insurance(premium_pct=6, instalment_years=(0, 1)))
    f = schedule(ln).to_frame()
    assert f.loc[0.0, "insurance"] == pytest.approx(3.0)
    assert f.loc[1.0, "insurance"] == pytest.approx(3.0)
    assert f["insurance"].sum() == pytest.approx(6.0)


def test_stepped_rate_applies_from_the_period_start() -> None:
    """terms/loan.py SteppedRate: the rate for a period is the one in force at its start,
    even when the step falls inside the period (here 14.25 for a semi-annual loan, in a
    batch with a quarterly loan so that the grid has a point there)."""
    stepped = loan(interest={"kind": "stepped", "steps": ((0.0, 1.0), (14.25, 2.5))},
                   maturity_years=20, grace_years=19.5, amortization="bullet")
    quarterly = loan(rate_pct=3, maturity_years=20, grace_years=3, payments_per_year=4)
    batch = schedules([stepped, quarterly])
    f = batch.loan(0).to_frame()
    assert f.loc[14.5, "interest"] == pytest.approx(100 * 0.01 / 2)  # starts at 14.0
    assert f.loc[15.0, "interest"] == pytest.approx(100 * 0.025 / 2)  # starts at 14.5
    for t, row in f.iloc[1:].iterrows():
        rate = stepped.rate_pct_at(float(t) - 0.5, int(row["year"]))
        assert row["interest"] == pytest.approx(100 * rate / 200), t


def test_floating_rate_reads_the_index_of_the_payment_year() -> None:
    ln = loan(interest={"kind": "floating", "index": "SOFR", "margin_pct": 1.0,
                        "default_index_pct": 4.0, "index_path_pct": {2026: 2.0, 2027: -3.0}},
              maturity_years=4, grace_years=3, amortization="bullet", payments_per_year=1)
    f = schedule(ln).to_frame()
    # 2026: 2 + 1 = 3%; 2027: max(0, -3 + 1) = 0%; later years: 4 + 1 = 5%
    np.testing.assert_allclose(f["interest"].to_numpy()[1:], [3.0, 0.0, 5.0, 5.0], atol=1e-12)


# ----------------------------------------------------------------------------- calendar years
def test_by_calendar_year_books_flows_in_signing_year_plus_ceil_t() -> None:
    ln = loan(rate_pct=2, maturity_years=3, grace_years=1, management_fee_pct=1)
    annual = schedules([ln]).by_calendar_year()
    assert list(annual.years) == [2025, 2026, 2027, 2028]
    assert annual.disbursement[0].tolist() == pytest.approx([100, 0, 0, 0])
    assert annual.fees[0, 0] == pytest.approx(1.0)
    # 2026 holds t = 0.5 and 1.0: interest on 100 twice at 1%
    assert annual.interest[0, 1] == pytest.approx(2.0)
    assert annual.principal[0].tolist() == pytest.approx([0, 0, 50, 50])
    assert annual.balance_end[0].tolist() == pytest.approx([100, 100, 50, 0])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch=st.lists(loans(), min_size=1, max_size=5), cut=st.integers(-3, 3))
def test_by_calendar_year_matches_each_schedule_by_year(batch: list[Loan], cut: int) -> None:
    result = schedules(batch)
    annual = result.by_calendar_year()
    for i, ln in enumerate(batch):
        by_year = schedule(ln).by_year()
        cols = np.searchsorted(annual.years, by_year.index.to_numpy())
        assert (annual.years[cols] == by_year.index.to_numpy()).all()
        scale = 1e-10 * ln.amount_m
        for mine, theirs in (("interest", "interest"), ("principal", "principal"),
                             ("disbursement", "disbursement"), ("balance_end", "balance")):
            np.testing.assert_allclose(getattr(annual, mine)[i, cols], by_year[theirs],
                                       rtol=1e-12, atol=scale, err_msg=mine)
        fees = by_year["management_fee"] + by_year["commitment_fee"] + by_year["insurance"]
        np.testing.assert_allclose(annual.fees[i, cols], fees, rtol=1e-12, atol=scale)
        # outside the loan's years: no flows, and a zero balance after maturity
        others = np.setdiff1d(np.arange(annual.years.size), cols)
        assert np.all(annual.interest[i, others] == 0)
        after = annual.years > by_year.index.max()
        assert np.all(annual.balance_end[i, after] == 0)
    # a window cuts flows and reads balances at its own year ends
    lo = int(annual.years[0]) + 2 + cut
    hi = int(annual.years[-1]) - 2 + cut
    window = result.by_calendar_year(lo, hi)
    assert list(window.years) == list(range(lo, hi + 1))
    for name in ("interest", "principal", "fees", "balance_end"):
        full = getattr(annual, name)
        got = getattr(window, name)
        for j, year in enumerate(window.years):
            k = np.flatnonzero(annual.years == year)
            expect = full[:, k[0]] if k.size else np.zeros(len(batch))
            np.testing.assert_array_equal(got[:, j], expect)


def test_results_are_read_only() -> None:
    batch = schedules([loan(rate_pct=2, maturity_years=10, grace_years=2)])
    with pytest.raises(ValueError, match="read-only"):
        batch.arrays.interest[0, 1] = 1.0
    annual = batch.by_calendar_year()
    with pytest.raises(ValueError, match="read-only"):
        annual.principal[0, 0] = 1.0
    _, totals = run_kernel(batch.loans, store=False, discount_rate=0.05)
    assert totals is not None
    with pytest.raises(ValueError, match="read-only"):
        totals.pv_debt_service[0] = 0.0


def test_window_drops_a_loan_signed_and_repaid_before_it() -> None:
    """Regression (found by hypothesis): with a window that starts after one loan's
    life, only the loan signed inside the window may appear in it. Two 1-year
    interest-free loans, signed 2000 and 2004, each repaid in full a year later."""
    early = loan(rate_pct=0, maturity_years=1, grace_years=0, signing_year=2000)
    late = loan(rate_pct=0, maturity_years=1, grace_years=0, signing_year=2004)
    window = schedules([early, late]).by_calendar_year(2004, 2005)
    assert window.balance_end.tolist() == [[0.0, 0.0], [100.0, 0.0]]
    assert window.principal.tolist() == [[0.0, 0.0], [0.0, 100.0]]
    assert window.disbursement.tolist() == [[0.0, 0.0], [100.0, 0.0]]


def test_undisbursed_shares_column_by_column_equal_the_cumulated_sum() -> None:
    """The column loop adds the shares in the order ``np.cumsum`` does: the same bits, and
    zero from the last positive tranche on (the last column for a row without one)."""
    rng = np.random.default_rng(4)
    for n_cols in (1, 2, 3, 6):
        raw = rng.uniform(0.0, 1.0, (500, n_cols)) * (rng.random((500, n_cols)) < 0.6)
        shares = raw / np.maximum(raw.sum(axis=1, keepdims=True), 1e-300)
        shares[:3] = 0.0
        expected = np.maximum(1.0 - np.cumsum(shares, axis=1), 0.0)
        positive = shares > 0
        last = n_cols - 1 - np.argmax(positive[:, ::-1], axis=1)
        last[~positive.any(axis=1)] = n_cols - 1
        expected[np.arange(n_cols)[None, :] >= last[:, None]] = 0.0
        assert np.array_equal(undisbursed_shares(shares), expected)
