"""The cash-flow engine: loans in, disbursement / interest / principal / fee arrays out.

One kernel, written in plain NumPy, runs every loan of a batch at once: arrays
over loans, a Python loop over time steps only. Conventions are those of
:mod:`debttrap.terms.loan`:

* step ``s`` covers the period ``((s-1) h, s h]``; interest accrues at
  ``rate * h`` on the balance outstanding during it and is paid at the loan's
  next payment date (every ``1/a`` years), so a period's interest is ``rate / a``
  times the balance outstanding during that period;
* the commitment fee accrues the same way on the undisbursed commitment;
* at a payment date, principal falls due from ``grace + 1/a`` to ``maturity``:
  equal instalments of the balance at the end of grace (equal principal), a
  level total payment (annuity, re-levelled if the rate moves), everything at
  maturity (bullet), or stated shares (custom);
* disbursements at integer years ``j`` are added after that step's payments;
* capitalized interest (grace only, when the loan says so) is added to the
  balance instead of being paid.

A flow at time ``t`` belongs to calendar year ``signing_year + ceil(t)``: the
signing year holds what happens at signing, and a flow during the first year
after signing is booked in the next calendar year (the LIC-DSF convention: a
disbursement in year ``s`` pays its first interest in ``s + 1``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from debttrap.cashflows.arrays import LoanArrays

__all__ = ["FLOW_NAMES", "PVTotals", "ScheduleArrays", "run_kernel"]

FloatArray = NDArray[np.float64]
_TOL = 1e-9

FLOW_NAMES = (
    "disbursement",
    "interest",
    "principal",
    "management_fee",
    "commitment_fee",
    "insurance",
    "capitalized_interest",
)


@dataclass(frozen=True, slots=True)
class ScheduleArrays:
    """Flows of ``n`` loans on the batch's time grid, each ``(n, S + 1)``, millions.

    ``disbursement`` is cash received (face times issue price);
    ``balance`` is the face outstanding after the step's flows.
    """

    times_years: FloatArray
    disbursement: FloatArray
    interest: FloatArray
    principal: FloatArray
    management_fee: FloatArray
    commitment_fee: FloatArray
    insurance: FloatArray
    capitalized_interest: FloatArray
    balance: FloatArray

    @property
    def debt_service(self) -> FloatArray:
        """Principal + interest + every fee and premium (what the borrower pays)."""
        return (
            self.principal
            + self.interest
            + self.management_fee
            + self.commitment_fee
            + self.insurance
        )


@dataclass(frozen=True, slots=True)
class PVTotals:
    """Present values at signing, per loan, of disbursements and of debt service."""

    pv_disbursement: FloatArray
    pv_debt_service: FloatArray
    nominal_disbursement: FloatArray
    nominal_debt_service: FloatArray


def run_kernel(
    loans: LoanArrays,
    *,
    store: bool = True,
    discount_rate: float | FloatArray | None = None,
) -> tuple[ScheduleArrays | None, PVTotals | None]:
    """Run the schedule kernel over all loans.

    Parameters
    ----------
    loans : the batch.
    store : keep the full ``(n, S + 1)`` flow arrays (memory ``~ 9 * 8 * n * S`` bytes).
    discount_rate : decimal annual rate (scalar or per loan); when given, present
        values at signing are accumulated on the fly with factors ``(1 + D) ** -t``.

    Returns
    -------
    (schedule or None, pv totals or None)
    """
    n = loans.n_loans
    big_a = loans.steps_per_year
    h = 1.0 / big_a
    n_steps = loans.n_steps
    amount = loans.amount_m
    a = loans.payments_per_year.astype(np.float64)
    stride = (big_a // loans.payments_per_year).astype(np.int64)
    grace = loans.grace_years
    maturity = loans.maturity_years
    code = loans.amortization_code
    is_equal = code == 0
    is_annuity = code == 1
    is_bullet = code == 2
    is_custom = code == 3
    n_rep = np.rint(a * (maturity - grace))
    rate = loans.rate_dec
    rate_is_const = rate.shape[1] == 1
    shares = loans.disbursement_shares
    j_max = shares.shape[1]

    accumulate_pv = discount_rate is not None
    if accumulate_pv:
        d = np.broadcast_to(np.asarray(discount_rate, dtype=np.float64), (n,))
        log_v = -np.log1p(d)  # discount factor = exp(t * log_v)
        pv_disb = np.zeros(n)
        pv_serv = np.zeros(n)
        nom_disb = np.zeros(n)
        nom_serv = np.zeros(n)

    if store:
        shape = (n, n_steps + 1)
        out = {name: np.zeros(shape) for name in FLOW_NAMES}
        out_balance = np.zeros(shape)

    # step 0: signing
    face_disb0 = amount * shares[:, 0]
    cash0 = face_disb0 * loans.proceeds_ratio
    mfee = amount * loans.management_fee_dec
    ins0 = amount * loans.insurance_dec[:, 0] if loans.insurance_dec is not None else 0.0
    balance = face_disb0.copy()
    disbursed_face = face_disb0.copy()
    if store:
        out["disbursement"][:, 0] = cash0
        out["management_fee"][:, 0] = mfee
        out["insurance"][:, 0] = ins0
        out_balance[:, 0] = balance
    if accumulate_pv:
        service0 = mfee + ins0
        pv_disb += cash0
        pv_serv += service0
        nom_disb += cash0
        nom_serv += service0

    acc_int = np.zeros(n)
    acc_cf = np.zeros(n)
    repay_base = np.zeros(n)
    cfee_rate = loans.commitment_fee_dec
    any_cfee = bool(np.any(cfee_rate > 0))
    any_cap = bool(np.any(loans.capitalize))
    first_rep_t = grace + 1.0 / a

    for s in range(1, n_steps + 1):
        t = s * h
        r = rate[:, 0] if rate_is_const else rate[:, s - 1]
        acc_int += balance * r * h
        if any_cfee:
            acc_cf += (amount - disbursed_face) * cfee_rate * h
        pay = (s % stride == 0) & (t <= maturity + _TOL)

        if any_cap:
            cap = pay & loans.capitalize & (t <= grace + _TOL)
            capitalized = np.where(cap, acc_int, 0.0)
            interest = np.where(pay & ~cap, acc_int, 0.0)
            balance = balance + capitalized
        else:
            capitalized = None
            interest = np.where(pay, acc_int, 0.0)
        acc_int = np.where(pay, 0.0, acc_int)
        if any_cfee:
            cfee = np.where(pay, acc_cf, 0.0)
            acc_cf = np.where(pay, 0.0, acc_cf)
        else:
            cfee = None

        repaying = pay & (t > grace + _TOL)
        first = repaying & (np.abs(t - first_rep_t) < _TOL)
        repay_base = np.where(first, balance, repay_base)
        last = repaying & (np.abs(t - maturity) < _TOL)
        k = np.rint((t - grace) * a)  # 1-based instalment number where repaying
        remaining = n_rep - k + 1.0
        principal = np.zeros(n)
        if is_equal.any():
            principal = np.where(is_equal, repay_base / n_rep, principal)
        if is_annuity.any():
            q = r / a
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                ann = np.where(
                    q > 1e-14,
                    balance * q / np.expm1(remaining * np.log1p(q)),
                    balance / remaining,
                )
            principal = np.where(is_annuity, ann, principal)
        if is_custom.any() and loans.custom_shares is not None:
            idx = np.clip(k.astype(np.int64) - 1, 0, loans.custom_shares.shape[1] - 1)
            cust = repay_base * loans.custom_shares[np.arange(n), idx]
            principal = np.where(is_custom, cust, principal)
        principal = np.where(is_bullet, 0.0, principal)
        principal = np.where(last, balance, np.minimum(principal, balance))
        principal = np.where(repaying, principal, 0.0)
        balance = balance - principal

        # disbursement at integer years after signing
        cash = None
        if s % big_a == 0:
            j = s // big_a
            if j < j_max:
                face = amount * shares[:, j]
                balance = balance + face
                disbursed_face = disbursed_face + face
                cash = face * loans.proceeds_ratio
        ins = amount * loans.insurance_dec[:, s] if loans.insurance_dec is not None else None

        if store:
            out["interest"][:, s] = interest
            out["principal"][:, s] = principal
            if cfee is not None:
                out["commitment_fee"][:, s] = cfee
            if capitalized is not None:
                out["capitalized_interest"][:, s] = capitalized
            if cash is not None:
                out["disbursement"][:, s] = cash
            if ins is not None:
                out["insurance"][:, s] = ins
            out_balance[:, s] = balance
        if accumulate_pv:
            serv = interest + principal
            if cfee is not None:
                serv = serv + cfee
            if ins is not None:
                serv = serv + ins
            disc = np.exp(t * log_v)
            pv_serv += serv * disc
            nom_serv += serv
            if cash is not None:
                pv_disb += cash * disc
                nom_disb += cash

    schedule = None
    if store:
        schedule = ScheduleArrays(
            times_years=np.arange(n_steps + 1, dtype=np.float64) * h,
            balance=out_balance,
            **out,
        )
    totals = None
    if accumulate_pv:
        totals = PVTotals(
            pv_disbursement=pv_disb,
            pv_debt_service=pv_serv,
            nominal_disbursement=nom_disb,
            nominal_debt_service=nom_serv,
        )
    return schedule, totals
