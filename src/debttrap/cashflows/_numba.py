"""The loan-by-loan schedule kernel: plain Python, optionally compiled with numba.

The arithmetic is that of the NumPy kernel in :mod:`debttrap.cashflows.engine`,
operation for operation, so the two agree to rounding (tested to 1e-12); the
loop order differs: this kernel walks one loan's payment dates at a time, in
scalar code, where the NumPy kernel steps all loans through each date. That
makes it a second, structurally independent implementation:

* compiled by numba (``run_kernel(..., backend="numba")``; loans split across
  cores, compiled once per machine and cached on disk), it is the fast path for
  repeated large batches;
* run as plain Python (``run(..., compiled=False)``) it is the per-loan
  reference loop the tests and ``bench/schedules.py`` compare against.

numba is a dependency, imported only when this backend is asked for; where it cannot be
imported only the plain-Python mode runs.
"""

from __future__ import annotations

import functools
import importlib.util
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from debttrap.cashflows.arrays import LoanArrays

if TYPE_CHECKING:
    from debttrap.cashflows.engine import PVTotals, ScheduleArrays, _Plan

__all__ = ["available", "run"]

FloatArray = NDArray[np.float64]

try:  # numba's parallel range; plain range keeps this module importable without numba
    from numba import prange
except ImportError:  # pragma: no cover - exercised only where numba is missing
    prange = range  # type: ignore[misc]


def available() -> bool:
    """Whether numba can be imported (a dependency, but one a platform may lack)."""
    return importlib.util.find_spec("numba") is not None


def _kernel_source(
    amount: Any, price: Any, shares: Any, undisb: Any, rate: Any, rate_const: Any,
    mfee: Any, cfee: Any, ins: Any, has_ins: Any, ppy: Any, stride: Any, n_periods: Any,
    grace_periods: Any, code: Any, custom: Any, has_custom: Any, cap: Any, log_v: Any,
    do_pv: Any, store: Any, o_disb: Any, o_int: Any, o_prin: Any, o_mfee: Any,
    o_cfee: Any, o_ins: Any, o_cap: Any, o_bal: Any, pv_disb: Any, pv_serv: Any,
    nom_disb: Any, nom_serv: Any,
) -> None:  # pragma: no cover - compiled by numba; covered through run()
    """The loan-by-loan kernel (compiled by numba, or run as Python for the reference).

    Kept whole (a stated exception to the ~80-line rule): numba compiles one
    function with every buffer passed in, and the per-loan loop must read as
    the same sequence of events as the NumPy kernel it is tested equal to.
    """
    n = amount.shape[0]
    j_max = shares.shape[1]
    for i in prange(n):
        a = ppy[i]
        st = stride[i]
        k_last = n_periods[i]
        g = grace_periods[i]
        n_rep = k_last - g
        amt = amount[i]
        kind = code[i]
        eq_weight = 1.0 / n_rep if kind == 0 else 0.0
        bal = amt * shares[i, 0]
        cash0 = bal * price[i]
        mf = amt * mfee[i]
        ins0 = amt * ins[i, 0] if has_ins else 0.0
        if store:  # time-major buffers: o[s, i]; zeros are left unwritten
            o_disb[0, i] = cash0
            if mf != 0.0:
                o_mfee[0, i] = mf
            if ins0 != 0.0:
                o_ins[0, i] = ins0
            for s0 in range(0, st):
                o_bal[s0, i] = bal
        pvd = cash0
        pvs = mf + ins0
        nd = cash0
        ns = mf + ins0
        cfee_per = cfee[i] / a
        lv = log_v[i] if do_pv else 0.0
        repay_base = 0.0
        level = 0.0
        q_prev = np.nan
        for k in range(1, k_last + 1):
            s = k * st
            if rate_const:
                q = rate[i, 0] / a
            else:
                q = rate[i, (k - 1) * st] / a
            due = bal * q
            capd = 0.0
            if cap[i] and k <= g:
                capd = due * 1.0
                bal += capd
            interest = due - capd
            cf = 0.0
            j0 = (k - 1) // a
            if j0 < j_max:
                cf = (amt * undisb[i, j0]) * cfee_per
            # principal
            if k == g + 1:
                repay_base = bal
            if kind == 1:
                moved = (q != q_prev) or (k == g + 1)
                q_prev = q
                if moved and k > g:
                    remaining = float(k_last - k + 1)
                    if q > 1e-14:
                        level = bal * q / -math.expm1(-remaining * math.log1p(q))
                    else:
                        level = bal / remaining
            principal = 0.0
            if g < k < k_last:
                if kind == 0:
                    principal = repay_base * eq_weight
                elif kind == 1:
                    principal = level - due
                elif kind == 3 and has_custom:
                    principal = repay_base * custom[i, k - g - 1]
                principal = min(principal, bal)
            elif k == k_last:
                principal = bal
            bal -= principal
            cash = 0.0
            if k % a == 0:
                j = k // a
                if j < j_max:
                    face = amt * shares[i, j]
                    bal += face
                    cash = face * price[i]
            ins_k = amt * ins[i, s] if has_ins else 0.0
            if store:
                o_int[s, i] = interest
                o_prin[s, i] = principal
                if cf != 0.0:
                    o_cfee[s, i] = cf
                if capd != 0.0:
                    o_cap[s, i] = capd
                if cash != 0.0:
                    o_disb[s, i] = cash
                if ins_k != 0.0:
                    o_ins[s, i] = ins_k
                o_bal[s, i] = bal
                if k < k_last:
                    for s2 in range(s + 1, s + st):
                        o_bal[s2, i] = bal
            if do_pv:
                serv = interest + principal + cf + ins_k
                disc = math.exp((k / a) * lv)
                pvs += serv * disc
                ns += serv
                pvd += cash * disc
                nd += cash
        if do_pv:
            pv_disb[i] = pvd
            pv_serv[i] = pvs
            nom_disb[i] = nd
            nom_serv[i] = ns


@functools.cache
def _compiled() -> Callable[..., None]:
    import numba

    compiled: Callable[..., None] = numba.njit(parallel=True, cache=True, nogil=True)(
        _kernel_source
    )
    return compiled


def run(
    loans: LoanArrays,
    plan: _Plan,
    *,
    store: bool,
    log_v: FloatArray | None,
    compiled: bool = True,
) -> tuple[ScheduleArrays | None, PVTotals | None]:
    """Run the loan-by-loan kernel (compiled, or as plain Python with ``compiled=False``).

    Same inputs and outputs as the NumPy kernel.
    """
    from debttrap.cashflows.engine import PVTotals, ScheduleArrays, undisbursed_shares

    n = loans.n_loans
    n_steps = plan.n_steps
    shape = (n_steps + 1, n) if store else (1, 1)
    outs = [np.zeros(shape) for _ in range(8)]
    do_pv = log_v is not None
    pv = [np.zeros(n if do_pv else 1) for _ in range(4)]
    ins = loans.insurance_dec
    custom = loans.custom_shares
    empty = np.zeros((n, 1))
    kernel = _compiled() if compiled else _kernel_source
    kernel(
        np.ascontiguousarray(loans.amount_m),
        np.ascontiguousarray(loans.proceeds_ratio),
        np.ascontiguousarray(loans.disbursement_shares),
        undisbursed_shares(loans.disbursement_shares),
        np.ascontiguousarray(loans.rate_dec),
        loans.rate_dec.shape[1] == 1,
        np.ascontiguousarray(loans.management_fee_dec),
        np.ascontiguousarray(loans.commitment_fee_dec),
        empty if ins is None else np.ascontiguousarray(ins),
        ins is not None,
        loans.payments_per_year.astype(np.int64),
        plan.stride,
        plan.n_periods,
        plan.grace_periods,
        loans.amortization_code.astype(np.int64),
        empty if custom is None else np.ascontiguousarray(custom),
        custom is not None,
        loans.capitalize.astype(np.bool_),
        log_v if log_v is not None else np.zeros(n),
        do_pv,
        store,
        *outs,
        *pv,
    )
    schedule = None
    if store:
        o_disb, o_int, o_prin, o_mfee, o_cfee, o_ins, o_cap, o_bal = outs
        schedule = ScheduleArrays(
            times_years=np.arange(n_steps + 1, dtype=np.float64) / loans.steps_per_year,
            disbursement=o_disb.T,
            interest=o_int.T,
            principal=o_prin.T,
            management_fee=o_mfee.T,
            commitment_fee=o_cfee.T,
            insurance=o_ins.T,
            capitalized_interest=o_cap.T,
            balance=o_bal.T,
        )
    totals = None
    if do_pv:
        totals = PVTotals(
            pv_disbursement=pv[0],
            pv_debt_service=pv[1],
            nominal_disbursement=pv[2],
            nominal_debt_service=pv[3],
        )
    return schedule, totals
