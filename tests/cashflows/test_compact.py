"""The compact schedule against the dense grid it replaced, bit for bit.

``dense_reference`` is the NumPy kernel and the calendar-year sums as they were when every
loan of a batch lived on one dense grid. The compact engine must reproduce their numbers
exactly (``np.array_equal``: the same bits, up to the sign of zero), for random loans with
every feature (stepped and floating rates, custom shares, insurance, tranches, fees,
capitalization) and for fixed-rate batches built from arrays (the kernel's short paths).
Each loan's own-date schedule agrees with the old one to 1e-13 of its amount (the old one
took differences of cumulated grid sums; the new one reads the dates themselves).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from dense_reference import by_calendar_year_dense, run_dense
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from loan_strategies import loans, random_loans

from debttrap.cashflows import LoanArrays, grant_elements, run_kernel, schedules
from debttrap.cashflows import compact as compact_mod
from debttrap.cashflows.engine import FLOW_NAMES, _log_discount, _plan
from debttrap.terms import Loan

FLOWS = (*FLOW_NAMES, "balance")
TOTALS = ("pv_disbursement", "pv_debt_service", "nominal_disbursement", "nominal_debt_service")
ANNUAL = ("disbursement", "interest", "principal", "fees", "capitalized_interest", "balance_end")


def assert_same_as_dense(la: LoanArrays, discount: float | np.ndarray) -> None:
    plan = _plan(la)
    dense, _ = run_dense(la, plan, store=True, log_v=None)
    compact, _ = run_kernel(la, store=True)
    assert compact is not None
    for name in FLOWS:
        assert np.array_equal(getattr(compact, name), getattr(dense, name)), name
    _, ref = run_dense(la, plan, store=False, log_v=_log_discount(la, discount))
    _, got = run_kernel(la, store=False, discount_rate=discount)
    both, got_too = run_kernel(la, store=True, discount_rate=discount)
    assert ref is not None and got is not None and got_too is not None and both is not None
    for name in TOTALS:
        assert np.array_equal(getattr(got, name), getattr(ref, name)), name
        assert np.array_equal(getattr(got_too, name), getattr(ref, name)), name
    assert np.array_equal(both.balance_own, compact.balance_own)
    # grant_elements runs the kernel without the nominal totals: the same present values
    pct = np.asarray(discount) * 100.0
    _, full = run_kernel(la, store=False, discount_rate=pct / 100.0)
    assert full is not None
    ge = grant_elements(la, pct)
    assert np.array_equal(ge, 100.0 * (1.0 - full.pv_debt_service / full.pv_disbursement))
    old = by_calendar_year_dense(la, dense)
    new = schedules(la).by_calendar_year()
    assert np.array_equal(old.years, new.years)
    for name in ANNUAL:
        assert np.array_equal(getattr(new, name), getattr(old, name)), name
    lo, hi = int(new.years[0]) + 3, int(new.years[-1]) - 5
    old_w = by_calendar_year_dense(la, dense, lo, hi)
    new_w = schedules(la).by_calendar_year(lo, hi)
    for name in ANNUAL:
        assert np.array_equal(getattr(new_w, name), getattr(old_w, name)), name


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    batch=st.lists(loans(), min_size=1, max_size=8),
    discount=st.floats(0.0, 0.15),
    per_loan=st.booleans(),
)
def test_compact_equals_dense_for_loans_with_every_feature(
    batch: list[Loan], discount: float, per_loan: bool
) -> None:
    la = LoanArrays.from_loans(batch)
    rates = np.linspace(0.0, discount, la.n_loans) if per_loan else discount
    assert_same_as_dense(la, rates)


def random_fixed_batch(
    seed: int, n: int, *, zero_rates: bool = False, management_fee: bool = False,
    commitment_fee: bool = False, capitalize: bool = False,
) -> LoanArrays:
    """``n`` seeded fixed-rate loans (equal-principal, annuity or bullet; up to 40 years,
    1, 2 or 4 payments a year); the flags add: a tenth of the rates at 0, management and
    commitment fees on some loans, interest capitalized during grace on a fifth."""
    rng = np.random.default_rng(seed)
    ppy = rng.choice([1, 2, 4], size=n)
    periods = rng.integers(1, 40 * ppy + 1)
    grace = rng.integers(0, periods)
    amount = rng.uniform(1.0, 2000.0, n)
    rate = (np.where(rng.random(n) < 0.1, 0.0, rng.uniform(0.0, 12.0, n)) if zero_rates
            else rng.uniform(0.0, 12.0, n))
    amortization = rng.choice([0, 1, 2], size=n)
    extra: dict[str, Any] = {}
    if management_fee:
        extra["management_fee_pct"] = rng.choice([0.0, 0.5], size=n)
    if commitment_fee:
        extra["commitment_fee_pct"] = rng.choice([0.0, 0.25], size=n)
    signing_year = rng.integers(2015, 2031, size=n)
    if capitalize:
        extra["capitalize_interest_during_grace"] = rng.random(n) < 0.2
    return LoanArrays.from_arrays(
        amount_m=amount, rate_pct=rate, grace_years=grace / ppy, maturity_years=periods / ppy,
        payments_per_year=ppy, amortization=amortization, signing_year=signing_year, **extra,
    )


@st.composite
def fixed_rate_arrays(draw: st.DrawFn) -> LoanArrays:
    """A fixed-rate batch from arrays: the engine's short paths (one amortization per block)."""
    n = draw(st.integers(1, 40))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    ppy = rng.choice([1, 2, 4], size=n)
    periods = rng.integers(1, 30 * ppy + 1)
    grace_periods = rng.integers(0, periods)
    tranches = np.minimum(rng.integers(1, 4, size=n), grace_periods // ppy + 1)
    raw = rng.uniform(0.2, 1.0, (n, 3)) * (np.arange(3)[None, :] < tranches[:, None])
    return LoanArrays.from_arrays(
        amount_m=rng.uniform(1.0, 2000.0, n),
        rate_pct=np.where(rng.random(n) < 0.1, 0.0, rng.uniform(0.0, 12.0, n)),
        grace_years=grace_periods / ppy,
        maturity_years=periods / ppy,
        payments_per_year=ppy,
        amortization=rng.choice([0, 1, 2], size=n),
        management_fee_pct=rng.choice([0.0, 0.5], size=n),
        commitment_fee_pct=rng.choice([0.0, 0.25], size=n),
        disbursement_shares=raw / raw.sum(axis=1, keepdims=True),
        signing_year=rng.integers(2015, 2031, size=n),
        issue_price_pct=np.where(rng.random(n) < 0.2, rng.uniform(95.0, 100.0, n), 100.0),
        capitalize_interest_during_grace=rng.random(n) < 0.2,
    )


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(la=fixed_rate_arrays(), discount=st.floats(0.0, 0.15))
def test_compact_equals_dense_on_the_short_paths(la: LoanArrays, discount: float) -> None:
    assert_same_as_dense(la, discount)


def test_blocks_split_a_frequency_and_still_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    """Small blocks: many blocks per frequency and amortization, each its own prefix."""
    monkeypatch.setattr(compact_mod, "BLOCK_LOANS", 7)
    la = LoanArrays.from_loans(random_loans(np.random.default_rng(5), 120))
    sched, _ = run_kernel(la)
    assert sched is not None and len(sched.layout.blocks) > 12
    assert_same_as_dense(la, 0.05)


def test_calendar_years_read_in_small_chunks_still_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    """The yearly sums derive a block's dates a chunk of whole years at a time: tiny chunks
    (one year each, and a few numbers more) give the same bits as one chunk per block."""
    la = LoanArrays.from_loans(random_loans(np.random.default_rng(7), 90))
    whole = schedules(la).by_calendar_year()
    monkeypatch.setattr(compact_mod, "CHUNK_VALUES", 5)
    sched = schedules(la)
    chunks = [list(sched.arrays._chunks(b)) for b in sched.arrays.layout.blocks]
    assert max(len(c) for c in chunks) > 10
    for b, c in zip(sched.arrays.layout.blocks, chunks, strict=True):
        assert all((k0 - 1) % b.a == 0 for k0, _ in c)  # each chunk starts a year
        assert c[0][0] == 1 and c[-1][1] == b.k_max + 1
    assert_same_as_dense(la, 0.05)
    small = sched.by_calendar_year()
    for name in ANNUAL:
        assert np.array_equal(getattr(small, name), getattr(whole, name)), name


def test_calendar_years_of_wide_blocks_read_date_by_date_still_agree(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Blocks wider than FLAT_BLOCK_LOANS are read one date at a time: the same bits."""
    la = LoanArrays.from_loans(random_loans(np.random.default_rng(8), 90))
    flat = schedules(la).by_calendar_year()
    monkeypatch.setattr(compact_mod, "FLAT_BLOCK_LOANS", 0)
    assert_same_as_dense(la, 0.05)
    wide = schedules(la).by_calendar_year()
    for name in ANNUAL:
        assert np.array_equal(getattr(wide, name), getattr(flat, name)), name


def test_each_loans_own_dates_match_the_old_per_loan_schedule() -> None:
    la = LoanArrays.from_loans(random_loans(np.random.default_rng(11), 60))
    dense, _ = run_dense(la, _plan(la), store=True, log_v=None)
    batch = schedules(la)
    for i in range(la.n_loans):
        own = batch.arrays.own_dates(i)
        stride = la.steps_per_year // int(la.payments_per_year[i])
        last = round(float(la.maturity_years[i]) * la.steps_per_year)
        dates = np.arange(0, last + 1, stride)
        # the balance and every flow that falls only on the loan's dates, exactly
        for name in ("principal", "balance", "interest", "disbursement", "commitment_fee"):
            assert np.array_equal(own[name], getattr(dense, name)[i, dates]), name
        frame = batch.loan(i).frame
        assert frame.index.size == dates.size
        np.testing.assert_allclose(
            frame["debt_service"].sum(),
            dense.debt_service[i].sum(),
            rtol=1e-13,
            atol=1e-13 * la.amount_m[i],
        )


def test_memory_is_each_loans_own_payments() -> None:
    """8 bytes per own payment (the balance), 8 more where principal is kept (annuity,
    custom): a long quarterly loan does not widen the others' storage."""
    short = LoanArrays.from_arrays(
        amount_m=np.full(1000, 10.0), rate_pct=3.0, grace_years=0, maturity_years=1
    )
    mixed = LoanArrays.from_arrays(
        amount_m=np.full(1001, 10.0),
        rate_pct=3.0,
        grace_years=0,
        maturity_years=np.r_[np.ones(1000), 40.0],
        payments_per_year=np.r_[np.ones(1000, dtype=int), 4],
        amortization=np.r_[np.zeros(1000, dtype=int), 1],
    )
    s_short, _ = run_kernel(short)
    s_mixed, _ = run_kernel(mixed)
    assert s_short is not None and s_mixed is not None
    assert s_short.balance_own.size == 1000
    assert s_short.principal_own.size == 0  # equal principal: recomputed from the balances
    assert s_mixed.balance_own.size == 1000 + 160
    assert s_mixed.principal_own.size == 160  # the annuity's
    # the dense view still has the shared grid, built on request
    assert s_mixed.interest.shape == (1001, 161)
    assert s_mixed.principal[1000, 1:].sum() == pytest.approx(10.0)


def test_numba_and_python_backends_give_the_compact_form_too() -> None:
    la = LoanArrays.from_loans(random_loans(np.random.default_rng(2), 40))
    ref, _ = run_kernel(la)
    got, _ = run_kernel(la, backend="python")
    assert ref is not None and got is not None
    assert got.principal_own.shape == ref.principal_own.shape
    assert got.balance_own.shape == ref.balance_own.shape
    scale = float(la.amount_m.max())
    np.testing.assert_allclose(got.balance_own / scale, ref.balance_own / scale, atol=1e-12)
    np.testing.assert_allclose(got.principal_own / scale, ref.principal_own / scale, atol=1e-12)


def test_sum_by_time_equals_the_dense_grid_summed_by_bin() -> None:
    """Binning own dates by their time (the portfolio book's calendar years) equals the
    dense grid's flows summed into the same bins."""
    la = LoanArrays.from_loans(random_loans(np.random.default_rng(4), 80))
    dense, _ = run_dense(la, _plan(la), store=True, log_v=None)
    sched, _ = run_kernel(la)
    assert sched is not None

    def bin_of(t: float) -> int:
        return min(int(np.floor(0.3 + t + 1e-9)), 24)

    got = sched.sum_by_time(("debt_service", "principal", "interest"), bin_of, 25)
    bins = np.array([bin_of(float(t)) for t in dense.times_years])
    for name, values in (
        ("debt_service", dense.debt_service),
        ("principal", dense.principal),
        ("interest", dense.interest),
    ):
        expect = np.stack([values[:, bins == j].sum(axis=1) for j in range(25)], axis=1)
        scale = la.amount_m[:, None]
        np.testing.assert_allclose(got[name] / scale, expect / scale, rtol=0, atol=1e-13)
    assert np.array_equal(sched.balance_at_signing, dense.balance[:, 0])


def assert_present_values_from_the_schedule(la: LoanArrays, discount: float | np.ndarray) -> None:
    """``grant_elements`` of a kept schedule reads the balances instead of rerunning the
    kernel: present values of disbursements bit for bit, of debt service to 1e-12 relative
    (the same sums, rounded in another order)."""
    batch = schedules(la)
    _, ref = run_kernel(la, store=False, discount_rate=discount)
    assert ref is not None
    log_v = _log_discount(la, discount)
    assert log_v is not None
    pv_disb, pv_serv = batch.arrays.present_values(log_v)
    assert np.array_equal(pv_disb, ref.pv_disbursement)
    np.testing.assert_allclose(pv_serv, ref.pv_debt_service, rtol=1e-12, atol=0.0)
    ge = grant_elements(batch, np.asarray(discount) * 100.0)
    np.testing.assert_allclose(ge, grant_elements(la, np.asarray(discount) * 100.0), atol=1e-10)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    batch=st.lists(loans(), min_size=1, max_size=8),
    discount=st.floats(0.0, 0.15),
    per_loan=st.booleans(),
)
def test_present_values_of_a_kept_schedule_for_loans_with_every_feature(
    batch: list[Loan], discount: float, per_loan: bool
) -> None:
    la = LoanArrays.from_loans(batch)
    rates = np.linspace(0.0, discount, la.n_loans) if per_loan else discount
    assert_present_values_from_the_schedule(la, rates)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(la=fixed_rate_arrays(), discount=st.floats(0.0, 0.15))
def test_present_values_of_a_kept_schedule_at_fixed_rates(la: LoanArrays, discount: float) -> None:
    """Fixed rates and one discount rate: the balances by matrix products, fees in closed form."""
    assert_present_values_from_the_schedule(la, discount)


def test_present_values_of_a_kept_schedule_in_small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compact_mod, "BLOCK_LOANS", 7)
    la = random_fixed_batch(11, 300, management_fee=True, commitment_fee=True, capitalize=True)
    assert_present_values_from_the_schedule(la, 0.05)


def test_schedules_without_capitalization_or_tranches_still_agree() -> None:
    """Nothing capitalized or disbursed after signing: every fixed-rate block finishes in the
    kernel's lean loop from its first date, loans in grace entering repayment inside it."""
    la = random_fixed_batch(3, 400, zero_rates=True)
    assert_same_as_dense(la, 0.05)
    assert_present_values_from_the_schedule(la, 0.05)


def test_present_values_in_small_product_pieces_agree_with_whole_products(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The discounted balances are matrix products cut into pieces of whole 64-column
    panels (so BLAS runs each on one thread): pieces of 64 loans agree with one product
    per run of dates to 1e-13 relative. (On the x86_64 machine of docs/cashflows.md the
    bits are the same; a BLAS kernel on another CPU may order a product's sums
    differently, so the test holds the documented tolerance, not the bits.)"""
    la = random_fixed_batch(13, 3000, commitment_fee=True)
    batch = schedules(la)
    log_v = _log_discount(la, 0.05)
    assert log_v is not None
    monkeypatch.setattr(compact_mod, "GEMM_VALUES", 1 << 40)
    whole = batch.arrays.present_values(log_v)
    monkeypatch.setattr(compact_mod, "GEMM_VALUES", 64)
    pieces = batch.arrays.present_values(log_v)
    for got, ref in zip(pieces, whole, strict=True):
        np.testing.assert_allclose(got, ref, rtol=1e-13, atol=0.0)
    assert_present_values_from_the_schedule(la, 0.05)
