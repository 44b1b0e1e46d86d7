"""The one unit-loan builder against the closed form it replaced.

Before, three modules built the LIC-DSF unit loan: the DSA's basis ran it
through the loan engine, while the stochastic kernel and the open-data builder
wrote the closed form (equal principal ``1/(m-g)`` in ages ``g+1 … m``, the
balance as ``1 - cumsum``, interest = rate x last age's balance). The two
round differently: the engine repays a balance that it carries period by
period, the closed form sums the shares, and the old builder zeroed balances
below 1e-12. The engine is now the one builder; this test bounds the
difference.

Tolerance: 1e-14 absolute per unit of face (measured worst case 1.1e-15 over
the grid below, a few ulps of 1.0 after up to 40 repayments; PVs inherit it
through at most 40 discounted sums). Against a debt stock in millions this is
below 1e-8 of a US$; the snapshot test's relative 1e-12 absorbs it.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from debttrap.cashflows.unit_loan import InstrumentTerms, unit_loan_profiles

TOL = 1e-14


def closed_form(
    rate: float, grace: int, maturity: int, discount: float, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Interest, principal, balance and PV (uncapped) by age, written out independently."""
    age = np.arange(max(n, maturity + 2))
    principal = np.where((age > grace) & (age <= maturity), 1.0 / (maturity - grace), 0.0)
    balance = np.clip(1.0 - np.cumsum(principal), 0.0, None)
    balance[age >= maturity] = 0.0
    interest = np.concatenate([[0.0], rate * balance[:-1]])
    service = interest + principal
    pv = np.array(
        [
            sum(service[j] / (1 + discount) ** (j - k) for j in range(k + 1, age.size))
            for k in age
        ]
    )
    return interest[:n], principal[:n], balance[:n], pv[:n]


@settings(max_examples=60, deadline=None)
@given(
    rate=st.floats(0.0, 0.15, allow_subnormal=False),  # sub-normal inputs are refused
    grace=st.integers(0, 10),
    extra=st.integers(1, 35),
    discount=st.sampled_from([0.05, 0.07]),
)
def test_engine_profile_equals_the_closed_form_within_tolerance(
    rate: float, grace: int, extra: int, discount: float
) -> None:
    maturity = grace + extra
    n = 50
    u = unit_loan_profiles([InstrumentTerms("x", rate, grace, maturity)], n, discount)
    i, p, b, pv = closed_form(rate, grace, maturity, discount, n)
    np.testing.assert_allclose(u.interest[0], i, rtol=0, atol=TOL)
    np.testing.assert_allclose(u.principal[0], p, rtol=0, atol=TOL)
    np.testing.assert_allclose(u.balance[0], b, rtol=0, atol=TOL)
    np.testing.assert_allclose(u.pv[0], pv, rtol=0, atol=TOL)
    np.testing.assert_allclose(u.pv_capped[0], np.minimum(pv, b), rtol=0, atol=TOL)


@pytest.mark.parametrize(
    ("rate", "grace", "maturity", "grant_element_pct"),
    # LIC-DSF method note §1.2 check values (IDA terms at a 5 % discount rate)
    [(0.0075, 6, 38, 53.68), (0.02, 5, 30, 33.50), (0.0, 5, 25, 51.18)],
)
def test_published_grant_elements(
    rate: float, grace: int, maturity: int, grant_element_pct: float
) -> None:
    u = unit_loan_profiles([InstrumentTerms("x", rate, grace, maturity)], 3, 0.05)
    assert 100 * (1 - u.pv[0, 0]) == pytest.approx(grant_element_pct, abs=0.006)


def test_profile_cut_after_the_pv_over_the_whole_life() -> None:
    """A horizon shorter than the loan keeps the PV of the service beyond it."""
    short = unit_loan_profiles([InstrumentTerms("x", 0.02, 5, 30)], 4, 0.05)
    long = unit_loan_profiles([InstrumentTerms("x", 0.02, 5, 30)], 40, 0.05)
    np.testing.assert_array_equal(short.pv[0], long.pv[0, :4])
    assert long.balance[0, 30:].tolist() == [0.0] * 10


# ------------------------------------------------------------------ the fast path and the cache


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(0.0, 0.2, allow_subnormal=False),
            st.integers(0, 10),
            st.integers(1, 40),
        ).filter(lambda x: x[1] < x[2]),
        min_size=1,
        max_size=6,
    )
)
def test_units_packed_from_the_terms_equal_units_packed_from_loans(
    spec: list[tuple[float, int, int]],
) -> None:
    """The engine arrays built straight from the terms equal those of validated loans."""
    from dataclasses import fields

    from debttrap.cashflows.arrays import LoanArrays
    from debttrap.cashflows.unit_loan import _loan, _loan_arrays

    terms = [InstrumentTerms(f"u{i}", r, g, m) for i, (r, g, m) in enumerate(spec)]
    fast = _loan_arrays(terms)
    slow = LoanArrays.from_loans([_loan(tm) for tm in terms])
    for f in fields(LoanArrays):
        a, b = getattr(fast, f.name), getattr(slow, f.name)
        if isinstance(b, np.ndarray):
            assert isinstance(a, np.ndarray) and a.dtype == b.dtype, f.name
            np.testing.assert_array_equal(a, b, err_msg=f.name)
        else:
            assert a == b, f.name


def test_cached_profiles_are_read_only_and_equal_a_fresh_run() -> None:
    from debttrap.cashflows.unit_loan import _flows, _profiles

    terms = [InstrumentTerms("a", 0.02, 5, 25), InstrumentTerms("b", 0.05, 3, 12)]
    first = unit_loan_profiles(terms, 21, 0.05)
    again = unit_loan_profiles(tuple(terms), 21, 0.05)
    assert again is first  # the second call is served from the cache
    _profiles.cache_clear()
    _flows.cache_clear()
    fresh = unit_loan_profiles(terms, 21, 0.05)
    assert fresh is not first
    for name in ("interest", "principal", "balance", "pv"):
        a = getattr(first, name)
        np.testing.assert_array_equal(a, getattr(fresh, name))
        assert not a.flags.writeable
        with pytest.raises(ValueError):
            a[0, 0] = 1.0


def test_bad_terms_still_name_the_instrument() -> None:
    from debttrap.errors import InputError

    with pytest.raises(InputError, match="instrument 'odd'"):
        unit_loan_profiles([InstrumentTerms("odd", 0.02, 30, 25)], 21, 0.05)


def test_npv_next_years_on_python_floats_has_the_numpy_recurrences_bits() -> None:
    """A few rows run the recurrence on Python floats, many rows as NumPy columns: the same
    additions and multiplications in the same order, so the same bits, whatever the shape;
    and the definition: the flows after each year, one year of discount for the first."""
    from debttrap.cashflows import pv

    rng = np.random.default_rng(3)
    many = rng.uniform(-1.0, 5.0, (pv._SCALAR_ROWS + 8, 41))
    big = pv.npv_next_years(many, 0.05)  # NumPy columns
    for rows in (slice(0, 1), slice(3, 15), slice(0, pv._SCALAR_ROWS)):
        assert np.array_equal(pv.npv_next_years(many[rows], 0.05), big[rows])
    assert np.array_equal(pv.npv_next_years(many[7], 0.05), big[7])  # one series
    cube = many[:12].reshape(2, 6, 41)
    assert np.array_equal(pv.npv_next_years(cube, 0.05), big[:12].reshape(2, 6, 41))
    row = many[5]
    expect = [sum(row[y + k] / 1.05**k for k in range(1, 41 - y)) for y in range(41)]
    np.testing.assert_allclose(big[5], expect, rtol=1e-12, atol=1e-12)
    assert big[5, -1] == 0.0
