"""The cash-flow engine: loans in, disbursement / interest / principal / fee arrays out.

One kernel, written in plain NumPy, runs every loan of a batch at once: arrays
over loans, a Python loop over each block's own payment dates only (blocks of one
frequency and one amortization, longest loans first; see
:mod:`debttrap.cashflows.compact`, which also holds the schedule it keeps).
Conventions are those of :mod:`debttrap.terms.loan`; for a loan paying ``a`` times a
year, at its payment date ``k / a`` (``k = 1 .. a M``):

* interest is ``q B`` with ``q = r / a``, ``r`` the rate in force at the start of
  the period and ``B`` the balance outstanding during it;
* the commitment fee is ``c / a`` times the commitment not yet disbursed;
* while ``k / a <= grace`` a loan that capitalizes adds its interest to the
  balance instead of paying it;
* principal falls due from ``grace + 1/a`` to ``maturity``: ``B_g / n`` (equal
  principal, ``B_g`` the balance at the first repayment date, ``n = a (M - G)``), a
  level total payment ``B q / (1 - (1 + q)^-m)`` on the ``m`` dates left (annuity;
  re-levelled when the rate moves), nothing before maturity (bullet), or stated
  shares of ``B_g`` (custom); whatever is left is repaid at maturity;
* disbursements at integer years ``j`` are added after that date's payments;
* the management fee and any insurance instalment due at signing are paid at 0.

The dense view of a schedule (:class:`ScheduleArrays`, built on request) puts the
batch on a time grid of step ``1 / A`` (``A`` the largest frequency), so a loan paying
``a`` times a year pays at every ``A / a``-th grid point; on the grid points between its
payment dates it has no flows and its balance carries over.

A flow at time ``t`` belongs to calendar year ``signing_year + ceil(t)``: the
signing year holds what happens at signing, and a flow during the first year
after signing is booked in the next calendar year (the LIC-DSF convention: a
disbursement in year ``s`` pays its first interest in ``s + 1``).

Backends: ``run_kernel(..., backend="numpy")`` (the default) is this kernel;
``backend="numba"`` runs the loan-by-loan kernel of :mod:`debttrap.cashflows._numba`
compiled by numba: the same arithmetic one loan at a time, agreeing with this kernel
to 1e-12; it writes the dense grid (converted to the compact form afterwards), so it is
opt-in and not meant for large batches. ``backend="python"`` runs that loan-by-loan
kernel uncompiled: a slow, structurally independent reference for the tests.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from debttrap.cashflows.arrays import LoanArrays
from debttrap.cashflows.compact import (
    FLOW_NAMES,
    SERVICE_FLOWS,
    Block,
    CompactSchedule,
    build_layout,
    compact_from_dense,
    debt_service_of,
)
from debttrap.errors import InputError

__all__ = ["FLOW_NAMES", "Backend", "PVTotals", "ScheduleArrays", "present_values", "run_kernel"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


Backend = Literal["numpy", "numba", "python"]

_CODE_EQUAL, _CODE_ANNUITY, _CODE_BULLET, _CODE_CUSTOM = 0, 1, 2, 3
#: short paths whose schedule-only blocks finish in a lean loop (_store_tail)
_TAIL_CODES = (_CODE_EQUAL, _CODE_ANNUITY, _CODE_BULLET)


@dataclass(frozen=True, slots=True)
class ScheduleArrays:
    """Flows of ``n`` loans on the batch's time grid, each ``(n, S + 1)``, millions.

    ``disbursement`` is cash received (face times issue price);
    ``balance`` is the face outstanding after the step's flows.
    The arrays are read-only, and may be views on time-major buffers. The loan-by-loan
    kernels write this dense form; :class:`~debttrap.cashflows.CompactSchedule` builds
    the same attributes from its compact form on request.
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

    def __post_init__(self) -> None:
        _read_only(self)

    @property
    def debt_service(self) -> FloatArray:
        """Principal + interest + every fee and premium (what the borrower pays)."""
        return debt_service_of({name: getattr(self, name) for name in SERVICE_FLOWS})


@dataclass(frozen=True, slots=True)
class PVTotals:
    """Present values at signing, per loan, of disbursements and of debt service."""

    pv_disbursement: FloatArray
    pv_debt_service: FloatArray
    nominal_disbursement: FloatArray
    nominal_debt_service: FloatArray

    def __post_init__(self) -> None:
        _read_only(self)


def _read_only(result: object) -> None:
    """Results are immutable: lock every array field (views included) against writes."""
    for name in getattr(result, "__dataclass_fields__", {}):
        value = getattr(result, name)
        if isinstance(value, np.ndarray):
            value.flags.writeable = False


@dataclass(frozen=True, slots=True)
class _Plan:
    """Per-loan integers the kernels share (own payment steps, not grid steps)."""

    n_steps: int  # S, grid periods
    stride: IntArray  # A / a
    n_periods: IntArray  # K = a * maturity
    grace_periods: IntArray  # G = a * grace; first repayment at own step G + 1
    n_rep: IntArray  # K - G


def _plan(loans: LoanArrays) -> _Plan:
    a = loans.payments_per_year.astype(np.int64)
    k = np.rint(loans.maturity_years * a).astype(np.int64)
    g = np.rint(loans.grace_years * a).astype(np.int64)
    return _Plan(
        n_steps=loans.n_steps,
        stride=(loans.steps_per_year // a).astype(np.int64),
        n_periods=k,
        grace_periods=g,
        n_rep=k - g,
    )


def _log_discount(loans: LoanArrays, discount_rate: float | FloatArray | None) -> FloatArray | None:
    if discount_rate is None:
        return None
    d = np.asarray(discount_rate, dtype=np.float64)
    try:
        d = np.broadcast_to(d, (loans.n_loans,))
    except ValueError:
        raise InputError(
            f"has shape {d.shape}; give one rate or one per loan ({loans.n_loans})",
            field="discount_rate",
        ) from None
    if not np.all(np.isfinite(d) & (d > -1.0)):
        raise InputError("must be finite and above -100%", field="discount_rate")
    return np.asarray(-np.log1p(d), dtype=np.float64)  # discount factor = exp(t * log_v)


def run_kernel(
    loans: LoanArrays,
    *,
    store: bool = True,
    discount_rate: float | FloatArray | None = None,
    backend: Backend = "numpy",
) -> tuple[CompactSchedule | None, PVTotals | None]:
    """Run the schedule kernel over all loans.

    Parameters
    ----------
    loans : the batch.
    store : keep the schedule, in the compact layout of :mod:`debttrap.cashflows.compact`
        (16 bytes per payment of each loan; the dense ``(n, S + 1)`` arrays on the batch's
        grid are built only when its attributes are read).
    discount_rate : decimal annual rate (scalar or per loan); when given, present
        values at signing are accumulated on the fly with factors ``(1 + D) ** -t``.
    backend : ``"numpy"`` (default), ``"numba"`` (the compiled loan-by-loan kernel;
        an :class:`InputError` if numba is not installed) or ``"python"`` (the same
        loan-by-loan kernel uncompiled: slow, a reference for tests and benchmarks).

    Returns
    -------
    (schedule or None, pv totals or None)
    """
    plan = _plan(loans)
    log_v = _log_discount(loans, discount_rate)
    if backend in ("numba", "python"):
        from debttrap.cashflows import _numba

        if backend == "numba" and not _numba.available():
            raise InputError("numba is not installed (pip install numba)", field="backend")
        dense, totals = _numba.run(
            loans, plan, store=store, log_v=log_v, compiled=backend == "numba"
        )
        compact = None if dense is None else compact_from_dense(loans, plan.n_periods,
                                                                plan.grace_periods, dense)
        return compact, totals
    if backend != "numpy":
        raise InputError(
            f"unknown backend '{backend}' (use numpy, numba or python)", field="backend"
        )
    return _run_numpy(loans, plan, store=store, log_v=log_v)


# ------------------------------------------------------------------------ NumPy kernel
def _by_step(steps: IntArray, k_max: int) -> list[IntArray]:
    """Local indices grouped by an own-step number (1 .. k_max)."""
    order = np.argsort(steps, kind="stable")
    bounds = np.searchsorted(steps[order], np.arange(k_max + 2))
    return [order[bounds[k] : bounds[k + 1]] for k in range(k_max + 1)]


def undisbursed_shares(shares: FloatArray) -> FloatArray:
    """Share of the commitment not yet paid out during year ``j`` after signing, ``(n, J)``.

    After the last tranche it is exactly zero, so no commitment fee is charged
    on rounding dust (shares sum to 1 only within 1e-6).
    """
    n, n_cols = shares.shape
    positive = shares > 0
    last = np.full(n, n_cols - 1)  # the last positive tranche (the last column if none)
    for j in range(n_cols - 1):
        last[positive[:, j]] = j
    last[positive[:, n_cols - 1]] = n_cols - 1
    left = np.empty((n, n_cols))
    paid = shares[:, 0].copy()
    for j in range(n_cols):  # column by column: the cumulated sum's additions, in order
        if j:
            paid += shares[:, j]
        left[:, j] = np.where(j >= last, 0.0, np.maximum(1.0 - paid, 0.0))
    return left


def _annuity_level(balance: FloatArray, q: FloatArray, remaining: FloatArray) -> FloatArray:
    """Level payment ``B q / (1 - (1 + q)^-m)``; ``B / m`` at a zero rate."""
    with np.errstate(divide="ignore", invalid="ignore"):
        lvl = balance * q / -np.expm1(-remaining * np.log1p(q))
    return np.where(q > 1e-14, lvl, balance / remaining)


@dataclass(slots=True)
class _Sink:
    """Where the kernel writes: compact flows and present values, in the layout's order."""

    principal: FloatArray | None
    balance: FloatArray | None
    log_v: FloatArray | None  # in the layout's order
    scalar_v: bool
    pv_disb: FloatArray
    pv_serv: FloatArray
    nom_disb: FloatArray  # empty when the nominal totals are not wanted
    nom_serv: FloatArray


def present_values(
    loans: LoanArrays, discount_rate: float | FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Present values at signing of each loan's disbursements and debt service (NumPy
    kernel, no schedule kept, no nominal totals: what a grant element needs)."""
    plan = _plan(loans)
    log_v = _log_discount(loans, discount_rate)
    _, totals = _run_numpy(loans, plan, store=False, log_v=log_v, nominal=False)
    assert totals is not None
    return totals.pv_disbursement, totals.pv_debt_service


def _run_numpy(
    loans: LoanArrays,
    plan: _Plan,
    *,
    store: bool,
    log_v: FloatArray | None,
    nominal: bool = True,
) -> tuple[CompactSchedule | None, PVTotals | None]:
    """The NumPy kernel: the loans in blocks (see :mod:`debttrap.cashflows.compact`),
    each block stepped through its own payment dates, all live loans of a date at once."""
    layout = build_layout(
        loans.payments_per_year, loans.amortization_code, plan.n_periods, loans.steps_per_year
    )
    order = layout.order
    n = loans.n_loans
    accumulate = log_v is not None
    m_pv = n if accumulate else 0
    sink = _Sink(
        principal=np.empty(layout.n_principal) if store else None,
        balance=np.empty(layout.n_flat) if store else None,
        log_v=None if log_v is None else log_v[order],
        scalar_v=accumulate and bool(np.all(log_v == log_v[0])),  # type: ignore[index]
        pv_disb=np.zeros(m_pv),
        pv_serv=np.zeros(m_pv),
        nom_disb=np.zeros(m_pv if nominal else 0),
        nom_serv=np.zeros(m_pv if nominal else 0),
    )
    undisb = (
        undisbursed_shares(loans.disbursement_shares)
        if accumulate and np.any(loans.commitment_fee_dec > 0)
        else None
    )
    for block in layout.blocks:
        _run_block(loans, plan, block, order[block.lo : block.hi], undisb, sink)

    schedule = None
    if store:
        assert sink.principal is not None and sink.balance is not None
        schedule = CompactSchedule(
            loans=loans,
            layout=layout,
            n_periods=plan.n_periods,
            grace_periods=plan.grace_periods,
            principal_own=sink.principal,
            balance_own=sink.balance,
        )
    totals = None
    if accumulate:
        unsorted = []
        for x in (sink.pv_disb, sink.pv_serv, sink.nom_disb, sink.nom_serv):
            y = np.empty(x.size)
            y[order[: x.size]] = x
            unsorted.append(y)
        totals = PVTotals(
            pv_disbursement=unsorted[0],
            pv_debt_service=unsorted[1],
            nominal_disbursement=unsorted[2],
            nominal_debt_service=unsorted[3],
        )
    return schedule, totals


def _discount_cache(sink: _Sink, a: int) -> Callable[[int], float]:
    """Discount factor at own step ``k`` (one rate for every loan), computed once per step."""
    log_v0 = sink.log_v[0] if sink.log_v is not None and sink.log_v.size else np.float64(0.0)

    @functools.cache
    def factor(k: int) -> float:
        return float(np.exp((k / a) * log_v0))

    return factor


def _run_block(
    loans: LoanArrays,
    plan: _Plan,
    block: Block,
    sel: IntArray,
    undisb_all: FloatArray | None,
    sink: _Sink,
) -> None:
    """One block of the NumPy kernel: a loop over its own dates, its live loans at once.

    Kept whole (a stated exception to the ~80-line rule): every step reads and
    writes the same dozen per-loan state vectors in place; split into functions,
    each would pass all of them back and forth, and the order of the period's events
    (interest, fees, principal, disbursement, insurance, present values) would no
    longer read top to bottom. The live loans of a date are a prefix ``[:m]`` of the
    block (longest first), and the loans maturing on it the prefix's tail. A block has
    one amortization; at a fixed rate, equal principal, annuity and bullet take short
    paths that do the general path's arithmetic without its no-op terms (adding 0 or
    multiplying by 1), so the numbers are the same bits.
    """
    a = block.a
    st = block.stride
    lo = block.lo
    k_max = block.k_max
    live = block.live
    start = block.start
    amount = loans.amount_m[sel]
    price = loans.proceeds_ratio[sel]
    shares = loans.disbursement_shares[sel]
    j_max = shares.shape[1]
    n_per = plan.n_periods[sel]
    grace = plan.grace_periods[sel]
    code = loans.amortization_code[sel]
    n_rep = plan.n_rep[sel].astype(np.float64)
    cap_mask = loans.capitalize[sel]
    cap = cap_mask.astype(np.float64) if cap_mask.any() else None
    cap_until = int(grace[cap_mask].max()) if cap_mask.any() else 0
    accumulate = sink.pv_disb.size > 0
    nominal = sink.nom_serv.size > 0
    cfee = loans.commitment_fee_dec[sel]
    cfee_per = (cfee / a) if accumulate and np.any(cfee > 0) else None
    undisb = undisb_all[sel] if undisb_all is not None and cfee_per is not None else None
    rate_const = loans.rate_dec.shape[1] == 1
    q_const = (loans.rate_dec[sel, 0] / a) if rate_const else None
    rate = None if rate_const else loans.rate_dec[sel]
    # the short paths (fixed rate, one amortization) and the general one
    fast = block.code if rate_const and block.code != _CODE_CUSTOM else -1
    eq_weight = np.where(code == _CODE_EQUAL, 1.0 / n_rep, 0.0)
    is_annuity = (code == _CODE_ANNUITY).astype(np.float64)
    annuity_idx = np.flatnonzero(code == _CODE_ANNUITY)
    custom_idx = np.flatnonzero(code == _CODE_CUSTOM)
    custom = loans.custom_shares[sel] if loans.custom_shares is not None else None
    ins = loans.insurance_dec[sel] if accumulate and loans.insurance_dec is not None else None
    first_at = _by_step(grace + 1, k_max)
    max_grace = int(grace.max())
    disb_steps = {j * a for j in range(1, j_max) if np.any(shares[:, j] != 0)}
    size = sel.size
    bal = amount * shares[:, 0]
    repay_base = np.zeros(size)
    level = np.zeros(size)
    repaying = np.zeros(size)  # 1.0 from the first repayment date (annuity short path)
    q_prev = np.full(size, np.nan)
    lv = sink.log_v[lo : lo + size] if sink.log_v is not None else None
    scratch = np.empty(size)
    due_buf = np.empty(size)
    serv_buf = np.empty(size)
    tmp_buf = np.empty(size)
    discount = _discount_cache(sink, a)
    if accumulate:
        cash0 = bal * price
        mfee = amount * loans.management_fee_dec[sel]
        ins0 = amount * ins[:, 0] if ins is not None else None
        service0 = mfee + ins0 if ins0 is not None else mfee
        sink.pv_disb[lo : lo + size] += cash0
        sink.pv_serv[lo : lo + size] += service0
        if nominal:
            sink.nom_disb[lo : lo + size] += cash0
            sink.nom_serv[lo : lo + size] += service0

    # schedules only, equal principal or bullet at a fixed rate: once nothing is
    # capitalized or disbursed any more, the balances need no interest (_store_tail)
    tail_from = k_max + 1
    if not accumulate and sink.balance is not None and fast in _TAIL_CODES:
        tail_from = max(cap_until, max(disb_steps, default=0)) + 1
    prev_all = bal  # balances after the previous date: the schedule's own numbers when kept
    for k in range(1, k_max + 1):
        if k == tail_from:
            assert sink.balance is not None
            if fast == _CODE_ANNUITY:
                assert sink.principal is not None and q_const is not None
                _store_annuity_tail(
                    block, k, prev_all, grace, n_per, q_const, level, sink.principal,
                    sink.balance,
                )  # fmt: skip
            else:
                weight = eq_weight if fast == _CODE_EQUAL else None
                _store_tail(block, k, prev_all, grace, weight, repay_base, sink.balance)
            break
        m = int(live[k])
        m_next = int(live[k + 1])
        pos = int(start[k])
        prev = prev_all[:m]
        cur = sink.balance[pos : pos + m] if sink.balance is not None else prev
        b = prev  # the balance during the period: prev, or cur once interest is capitalized
        capitalizing = cap is not None and k <= cap_until
        # -- interest and commitment fee for the period ((k-1)/a, k/a]
        q = interest = due = None
        if accumulate or capitalizing or fast not in (_CODE_EQUAL, _CODE_BULLET):
            if q_const is not None:
                q = q_const[:m]
            else:
                assert rate is not None
                q = rate[:m, (k - 1) * st] / a
            due = np.multiply(b, q, out=due_buf[:m])
            if capitalizing:
                assert cap is not None
                capitalized = due * (cap[:m] * (k <= grace[:m]))
                interest = due - capitalized
                b = np.add(prev, capitalized, out=cur)
            else:
                interest = due
        cf = None
        if cfee_per is not None and undisb is not None and (j0 := (k - 1) // a) < j_max:
            cf = (amount[:m] * undisb[:m, j0]) * cfee_per[:m]
        # -- principal, written straight into the schedule where one is kept
        first = first_at[k]
        if first.size:
            repay_base[first] = b[first]
        if sink.principal is not None and block.pbase >= 0:
            principal = sink.principal[block.principal_slice(k)]
        else:  # not kept (equal principal and bullet recompute it), or no schedule kept
            principal = scratch[:m]
        if fast == _CODE_EQUAL:
            # B_g / n never exceeds the balance before maturity (n - 1 instalments of it
            # leave B_g / n up to rounding), so the general path's min(., B) is a no-op here
            np.multiply(repay_base[:m], eq_weight[:m], out=principal)
        elif fast == _CODE_BULLET:
            if accumulate:  # its principal is needed only for the debt service
                principal.fill(0.0)
        elif fast == _CODE_ANNUITY:
            assert q is not None and due is not None
            if first.size:
                repaying[first] = 1.0
                remaining = (n_per[first] - k + 1).astype(np.float64)
                level[first] = _annuity_level(b[first], q[first], remaining)
            # the level less the interest stays below the balance before maturity (by the
            # balance left after the date), so the general path's min(., B) is a no-op here
            np.subtract(level[:m], due, out=principal)
            if k <= max_grace:  # some loans of the block are still in grace
                principal *= repaying[:m]
        else:
            assert q is not None and due is not None
            in_rep = (k > grace[:m]) & (k < n_per[:m])
            np.multiply(repay_base[:m], eq_weight[:m], out=principal)
            if annuity_idx.size:
                if q_const is None:
                    # re-level whenever the rate moves (and on the first repayment date)
                    ai = annuity_idx[: np.searchsorted(annuity_idx, m)]
                    qa = q[ai]
                    moved = (qa != q_prev[ai]) | (k == grace[ai] + 1)
                    q_prev[ai] = qa
                    redo = ai[moved & (k > grace[ai]) & (k <= n_per[ai])]
                else:
                    redo = first[is_annuity[first] > 0]
                if redo.size:
                    remaining = (n_per[redo] - k + 1).astype(np.float64)
                    level[redo] = _annuity_level(b[redo], q[redo], remaining)
                principal += is_annuity[:m] * (level[:m] - due)
            if custom_idx.size and custom is not None:
                ci = custom_idx[: np.searchsorted(custom_idx, m)]
                col = np.clip(k - grace[ci] - 1, 0, custom.shape[1] - 1)
                principal[ci] += repay_base[ci] * custom[ci, col]
            principal *= in_rep
            np.minimum(principal, b, out=principal)
        if fast == _CODE_BULLET:  # B - 0 is B, and B - B is 0: no subtraction needed
            if accumulate and m_next < m:
                principal[m_next:] = b[m_next:]
            if cur is not b:
                cur[:m_next] = b[:m_next]
            cur[m_next:] = 0.0
        else:
            if m_next < m:  # maturing today: whatever is left
                principal[m_next:] = b[m_next:]
            np.subtract(b, principal, out=cur)
        # -- disbursement at integer years, after the date's payments
        cash = None
        if k in disb_steps:
            face = amount[:m] * shares[:m, k // a]
            cur += face
            cash = face * price[:m]
        prev_all = cur
        if accumulate:
            assert interest is not None
            serv = np.add(interest, principal, out=serv_buf[:m])
            if cf is not None:
                serv += cf
            if ins is not None:
                ins_col = ins[:m, k * st]
                if np.any(ins_col != 0):
                    serv += amount[:m] * ins_col
            assert lv is not None
            disc = discount(k) if sink.scalar_v else np.exp((k / a) * lv[:m])
            hi = lo + m
            sink.pv_serv[lo:hi] += np.multiply(serv, disc, out=tmp_buf[:m])
            if nominal:
                sink.nom_serv[lo:hi] += serv
            if cash is not None:
                sink.pv_disb[lo:hi] += cash * disc
                if nominal:
                    sink.nom_disb[lo:hi] += cash


def _store_tail(
    block: Block,
    k0: int,
    prev: FloatArray,
    grace: IntArray,
    eq_weight: FloatArray | None,
    repay_base: FloatArray,
    balance: FloatArray,
) -> None:
    """The balances of an equal-principal (``eq_weight``) or bullet block from own date
    ``k0`` on, when from then on nothing is capitalized or disbursed and no present value
    is wanted: the kernel's arithmetic without its no-op parts.

    Equal principal: ``B_k = B_(k-1) - P`` with ``P = B_g / n`` from the first repayment
    (``B_g`` the balance then: ``repay_base`` for loans already repaying, the balance
    before ``k0`` for the others, unchanged since), 0 before it; bullet: ``B_k =
    B_(k-1)``, one copy per run of dates with the same live loans; at maturity 0.
    """
    live = block.live.tolist()
    start = block.start.tolist()
    k_max = block.k_max
    if eq_weight is None:
        k = k0
        while k <= k_max and live[k]:
            m = live[k]
            k1 = k
            while k1 < k_max and live[k1 + 1] == m:
                k1 += 1
            rows = balance[start[k] : start[k] + (k1 - k + 1) * m].reshape(k1 - k + 1, m)
            rows[...] = prev[:m]
            rows[-1, live[k1 + 1] :] = 0.0
            prev = rows[-1]
            k = k1 + 1
        return
    m0 = live[k0]
    late = grace[:m0] + 1 >= k0  # first repayment at k0 or later: B_g is the balance now
    instalment = np.where(late, prev[:m0], repay_base[:m0]) * eq_weight[:m0]
    max_grace = int(grace[:m0].max()) if m0 else 0
    step = np.empty(m0)
    for k in range(k0, k_max + 1):
        m = live[k]
        if not m:
            break
        cur = balance[start[k] : start[k] + m]
        if k <= max_grace:  # some loans still in grace repay nothing yet
            np.multiply(instalment[:m], k > grace[:m], out=step[:m])
            np.subtract(prev[:m], step[:m], out=cur)
        else:
            np.subtract(prev[:m], instalment[:m], out=cur)
        cur[live[k + 1] :] = 0.0
        prev = cur


def _store_annuity_tail(
    block: Block,
    k0: int,
    prev: FloatArray,
    grace: IntArray,
    n_per: IntArray,
    q: FloatArray,
    level: FloatArray,
    principal_out: FloatArray,
    balance: FloatArray,
) -> None:
    """:func:`_store_tail` for an annuity block: principal ``L - q B_(k-1)`` from the first
    repayment (the level ``L`` fixed then; for the loans still in grace at ``k0`` from the
    balance before ``k0``, unchanged since), ``B_k = B_(k-1) - principal``; at maturity
    whatever is left. The kernel's operations in its order, so the same bits."""
    live = block.live.tolist()
    start = block.start.tolist()
    m0 = live[k0]
    late = np.flatnonzero(grace[:m0] + 1 >= k0)
    lvl = level[:m0].copy()
    if late.size:
        remaining = (n_per[late] - grace[late]).astype(np.float64)
        lvl[late] = _annuity_level(prev[late], q[late], remaining)
    max_grace = int(grace[:m0].max()) if m0 else 0
    due = np.empty(m0)
    for k in range(k0, block.k_max + 1):
        m = live[k]
        if not m:
            break
        m_next = live[k + 1]
        cur = balance[start[k] : start[k] + m]
        principal = principal_out[block.principal_slice(k)]
        np.multiply(prev[:m], q[:m], out=due[:m])
        if k <= max_grace:  # loans still in grace: level 0, principal times 0
            started = k > grace[:m]
            np.multiply(lvl[:m], started, out=principal)
            principal -= due[:m]
            principal *= started
        else:
            np.subtract(lvl[:m], due[:m], out=principal)
        principal[m_next:] = prev[m_next:m]
        np.subtract(prev[:m], principal, out=cur)
        prev = cur
