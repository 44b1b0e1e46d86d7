"""QuantLib as an independent oracle for fixed-rate schedules and present values.

For 240 random fixed-rate loans (equal principal, annuity, bullet; 1, 2 or 4 payments
a year; assorted grace and maturity; one disbursement at signing) QuantLib builds the
same loan as an amortizing fixed-rate bond and computes every coupon, every redemption
and the present value itself:

* dates: a QuantLib ``Schedule`` from signing, every ``12/a`` months, no calendar
  adjustment; accrual with 30/360 (bond basis), so every period is exactly ``1/a`` year
  and the discount time of the k-th date is exactly ``k/a``;
* the notional outstanding in each period is the contract's: the face during grace,
  then for equal principal ``face (1 - j/n)``, for an annuity QuantLib's own
  ``sinkingNotionals`` (a level-payment sinking fund it computes from the coupon), and
  the face until maturity for a bullet;
* QuantLib's ``AmortizingFixedRateBond`` turns those notionals into coupons
  (``rate/a`` times the notional) and redemptions, and ``CashFlows.npv`` discounts them
  at ``(1 + D)^-t`` (compounded annually on the same 30/360 clock).

debttrap runs all 240 loans in one batch; interest and principal on each date and the
present value must agree to 1e-9 relative.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

ql = pytest.importorskip(
    "QuantLib", reason="QuantLib is not installed: the independent oracle cannot run"
)

from debttrap.cashflows import grant_elements, schedules  # noqa: E402
from debttrap.terms import Creditor, Loan  # noqa: E402

N_LOANS = 240
RTOL = 1e-9
START = ql.Date(15, ql.January, 2025)
DAY_COUNT = ql.Thirty360(ql.Thirty360.BondBasis)
FREQUENCY = {1: ql.Annual, 2: ql.Semiannual, 4: ql.Quarterly}


@dataclass(frozen=True)
class Terms:
    amount_m: float
    rate_pct: float
    maturity_years: float
    grace_years: float
    payments_per_year: int
    amortization: str
    discount_rate_pct: float


def random_terms(rng: np.random.Generator, n: int) -> list[Terms]:
    out = []
    for i in range(n):
        a = int(rng.choice([1, 2, 4]))
        periods = int(rng.integers(1, 40 * a + 1))  # maturity up to 40 years
        grace_periods = int(rng.integers(0, periods))  # at least one repayment date
        rate = 0.0 if i % 17 == 0 else float(rng.uniform(0.0, 12.0))
        out.append(
            Terms(
                amount_m=float(rng.uniform(0.5, 2000.0)),
                rate_pct=rate,
                maturity_years=periods / a,
                grace_years=grace_periods / a,
                payments_per_year=a,
                amortization=("equal_principal", "annuity", "bullet")[i % 3],
                discount_rate_pct=float(rng.uniform(0.0, 12.0)),
            )
        )
    return out


def quantlib_bond(t: Terms) -> tuple[list[ql.Date], object]:
    a = t.payments_per_year
    n_periods = round(a * t.maturity_years)
    grace_periods = round(a * t.grace_years)
    n_rep = n_periods - grace_periods
    end = START + ql.Period(12 * n_periods // a, ql.Months)
    sched = ql.Schedule(
        START,
        end,
        ql.Period(12 // a, ql.Months),
        ql.NullCalendar(),
        ql.Unadjusted,
        ql.Unadjusted,
        ql.DateGeneration.Forward,
        False,
    )
    face = t.amount_m
    if t.amortization == "equal_principal":
        repaying = [face * (1.0 - j / n_rep) for j in range(n_rep)]
    elif t.amortization == "annuity":
        sink = ql.sinkingNotionals(
            ql.Period(12 * n_rep // a, ql.Months), FREQUENCY[a], t.rate_pct / 100.0, face
        )
        repaying = list(sink)[:n_rep]
    else:
        repaying = [face] * n_rep
    notionals = [face] * grace_periods + repaying
    assert len(notionals) == n_periods
    bond = ql.AmortizingFixedRateBond(
        0, notionals, sched, [t.rate_pct / 100.0], DAY_COUNT, ql.Unadjusted, START
    )
    dates = list(sched.dates())[1:]
    return dates, bond


def quantlib_flows(t: Terms) -> tuple[np.ndarray, np.ndarray, float]:
    """Interest and principal on each payment date, and the PV at signing, by QuantLib."""
    dates, bond = quantlib_bond(t)
    pos = {d.serialNumber(): k for k, d in enumerate(dates)}
    interest = np.zeros(len(dates))
    principal = np.zeros(len(dates))
    leg = bond.cashflows()  # type: ignore[attr-defined]
    for cf in leg:
        k = pos[cf.date().serialNumber()]
        if ql.as_fixed_rate_coupon(cf) is not None:
            interest[k] += cf.amount()
        else:
            principal[k] += cf.amount()
    rate = ql.InterestRate(t.discount_rate_pct / 100.0, DAY_COUNT, ql.Compounded, ql.Annual)
    pv = ql.CashFlows.npv(leg, rate, False, START, START)
    return interest, principal, pv


@pytest.fixture(scope="module")
def cases() -> list[Terms]:
    return random_terms(np.random.default_rng(20250115), N_LOANS)


@pytest.fixture(scope="module")
def loans(cases: list[Terms]) -> list[Loan]:
    lender = Creditor(name="oracle", type="commercial_bank")
    return [
        Loan(
            creditor=lender,
            amount_m=t.amount_m,
            signing_year=2025,
            rate_pct=t.rate_pct,
            maturity_years=t.maturity_years,
            grace_years=t.grace_years,
            payments_per_year=t.payments_per_year,
            amortization=t.amortization,
        )
        for t in cases
    ]


def test_the_sample_covers_every_kind(cases: list[Terms]) -> None:
    assert len(cases) >= 200
    kinds = {(t.amortization, t.payments_per_year) for t in cases}
    assert len(kinds) == 9
    assert any(t.grace_years == 0 for t in cases)
    assert any(t.rate_pct == 0 for t in cases)


def test_schedules_agree_with_quantlib(cases: list[Terms], loans: list[Loan]) -> None:
    batch = schedules(loans)  # all 240 loans in one run, mixed frequencies
    for i, t in enumerate(cases):
        ql_interest, ql_principal, _ = quantlib_flows(t)
        frame = batch.loan(i).to_frame()
        dates = frame.index.to_numpy()[1:]  # row 0 is signing
        a = t.payments_per_year
        np.testing.assert_allclose(dates, np.arange(1, len(dates) + 1) / a, rtol=0, atol=1e-12)
        atol = RTOL * t.amount_m
        np.testing.assert_allclose(
            frame["interest"].to_numpy()[1:], ql_interest, rtol=RTOL, atol=atol, err_msg=f"{t}"
        )
        np.testing.assert_allclose(
            frame["principal"].to_numpy()[1:], ql_principal, rtol=RTOL, atol=atol, err_msg=f"{t}"
        )


def test_present_values_agree_with_quantlib(cases: list[Terms], loans: list[Loan]) -> None:
    rates = np.array([t.discount_rate_pct for t in cases])
    ge = grant_elements(loans, rates)
    ql_pv = np.array([quantlib_flows(t)[2] for t in cases])
    face = np.array([t.amount_m for t in cases])
    engine_pv = face * (1.0 - ge / 100.0)
    np.testing.assert_allclose(engine_pv, ql_pv, rtol=RTOL)
