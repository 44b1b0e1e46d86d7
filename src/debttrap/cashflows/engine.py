"""The cash-flow engine: loans in, disbursement / interest / principal / fee arrays out.

One kernel, written in plain NumPy, runs every loan of a batch at once: arrays
over loans, a Python loop over time steps only. Conventions are those of
:mod:`debttrap.terms.loan`; for a loan paying ``a`` times a year, at its payment
date ``k / a`` (``k = 1 .. a M``):

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

The batch shares a time grid of step ``1 / A`` (``A`` the largest frequency), so a
loan paying ``a`` times a year pays at every ``A / a``-th grid point; on the grid
points between its payment dates it has no flows and its balance carries over.
Each frequency runs on its own dates, so a period's interest is computed once.

A flow at time ``t`` belongs to calendar year ``signing_year + ceil(t)``: the
signing year holds what happens at signing, and a flow during the first year
after signing is booked in the next calendar year (the LIC-DSF convention: a
disbursement in year ``s`` pays its first interest in ``s + 1``).

Backends: ``run_kernel(..., backend="numpy")`` (the default) is this kernel;
``backend="numba"`` runs the loan-by-loan kernel of :mod:`debttrap.cashflows._numba`
compiled by numba (an optional dependency): the same arithmetic, agreeing with
this kernel to 1e-12, about twice as fast once compiled, but it costs seconds to
compile the first time on a machine and about a second to load in a fresh
process, so it pays only for repeated large batches. ``backend="python"`` runs
that loan-by-loan kernel uncompiled: a slow reference for tests and benchmarks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from debttrap.cashflows.arrays import LoanArrays
from debttrap.errors import InputError

__all__ = ["FLOW_NAMES", "Backend", "PVTotals", "ScheduleArrays", "run_kernel"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

FLOW_NAMES = (
    "disbursement",
    "interest",
    "principal",
    "management_fee",
    "commitment_fee",
    "insurance",
    "capitalized_interest",
)

Backend = Literal["numpy", "numba", "python"]

_CODE_EQUAL, _CODE_ANNUITY, _CODE_BULLET, _CODE_CUSTOM = 0, 1, 2, 3


@dataclass(frozen=True, slots=True)
class ScheduleArrays:
    """Flows of ``n`` loans on the batch's time grid, each ``(n, S + 1)``, millions.

    ``disbursement`` is cash received (face times issue price);
    ``balance`` is the face outstanding after the step's flows.
    The arrays are read-only, and may be views on time-major buffers.
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
) -> tuple[ScheduleArrays | None, PVTotals | None]:
    """Run the schedule kernel over all loans.

    Parameters
    ----------
    loans : the batch.
    store : keep the full ``(n, S + 1)`` flow arrays (memory ``~ 8 * 8 * n * S`` bytes).
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
    if backend == "numba":
        from debttrap.cashflows import _numba

        if not _numba.available():
            raise InputError("numba is not installed (pip install numba)", field="backend")
        return _numba.run(loans, plan, store=store, log_v=log_v)
    if backend == "python":
        from debttrap.cashflows import _numba

        return _numba.run(loans, plan, store=store, log_v=log_v, compiled=False)
    if backend != "numpy":
        raise InputError(
            f"unknown backend '{backend}' (use numpy, numba or python)", field="backend"
        )
    return _run_numpy(loans, plan, store=store, log_v=log_v)


# ------------------------------------------------------------------------ NumPy kernel
@dataclass(slots=True)
class _Group:
    """The loans of one payment frequency: their indices and running state."""

    sel: slice | IntArray  # which loans (a slice when the batch has one frequency)
    a: int
    stride: int
    k_max: int
    amount: FloatArray
    n_periods: IntArray
    grace_periods: IntArray
    n_rep_f: FloatArray
    q_const: FloatArray | None  # r / a when the rate is constant in time
    eq_weight: FloatArray  # 1 / n for equal-principal loans, else 0
    is_annuity: FloatArray  # 1.0 / 0.0
    annuity_idx: IntArray  # local indices of annuity loans
    custom_idx: IntArray  # local indices of custom loans
    cap: FloatArray | None  # 1.0 where the loan capitalizes during grace
    cap_until: int  # no capitalization after this own step
    cfee_per: FloatArray | None  # commitment fee / a
    first_at: list[IntArray]  # local indices whose first repayment is at own step k
    last_at: list[IntArray]  # local indices maturing at own step k
    balance: FloatArray
    repay_base: FloatArray
    level: FloatArray
    q_prev: FloatArray


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
    left = np.maximum(1.0 - np.cumsum(shares, axis=1), 0.0)
    nonzero = shares > 0
    last = shares.shape[1] - 1 - np.argmax(nonzero[:, ::-1], axis=1)
    cols = np.arange(shares.shape[1])[None, :]
    left[cols >= last[:, None]] = 0.0
    return left


def _make_groups(loans: LoanArrays, plan: _Plan) -> list[_Group]:
    ppy = loans.payments_per_year
    freqs = sorted({int(x) for x in np.unique(ppy)})
    groups = []
    rate_const = loans.rate_dec.shape[1] == 1
    for a in freqs:
        sel: slice | IntArray = slice(None) if len(freqs) == 1 else np.flatnonzero(ppy == a)
        k = plan.n_periods[sel]
        g = plan.grace_periods[sel]
        code = loans.amortization_code[sel]
        n_rep = plan.n_rep[sel].astype(np.float64)
        cap_mask = loans.capitalize[sel]
        cfee = loans.commitment_fee_dec[sel]
        k_max = int(k.max())
        n_g = k.shape[0]
        amount = loans.amount_m[sel]
        balance = amount * loans.disbursement_shares[sel, 0]
        groups.append(
            _Group(
                sel=sel,
                a=a,
                stride=loans.steps_per_year // a,
                k_max=k_max,
                amount=amount,
                n_periods=k,
                grace_periods=g,
                n_rep_f=n_rep,
                q_const=(loans.rate_dec[sel, 0] / a) if rate_const else None,
                eq_weight=np.where(code == _CODE_EQUAL, 1.0 / n_rep, 0.0),
                is_annuity=(code == _CODE_ANNUITY).astype(np.float64),
                annuity_idx=np.flatnonzero(code == _CODE_ANNUITY),
                custom_idx=np.flatnonzero(code == _CODE_CUSTOM),
                cap=cap_mask.astype(np.float64) if cap_mask.any() else None,
                cap_until=int(g[cap_mask].max()) if cap_mask.any() else 0,
                cfee_per=(cfee / a) if np.any(cfee > 0) else None,
                first_at=_by_step(g + 1, k_max),
                last_at=_by_step(k, k_max),
                balance=balance,
                repay_base=np.zeros(n_g),
                level=np.zeros(n_g),
                q_prev=np.full(n_g, np.nan),
            )
        )
    return groups


def _annuity_level(balance: FloatArray, q: FloatArray, remaining: FloatArray) -> FloatArray:
    """Level payment ``B q / (1 - (1 + q)^-m)``; ``B / m`` at a zero rate."""
    with np.errstate(divide="ignore", invalid="ignore"):
        lvl = balance * q / -np.expm1(-remaining * np.log1p(q))
    return np.where(q > 1e-14, lvl, balance / remaining)


def _run_numpy(
    loans: LoanArrays, plan: _Plan, *, store: bool, log_v: FloatArray | None
) -> tuple[ScheduleArrays | None, PVTotals | None]:
    """The NumPy kernel: one loop over the plan's time steps, all loans of a step at once.

    Kept whole (a stated exception to the ~80-line rule): every step reads and
    writes the same dozen per-loan state vectors and time-major buffers in place;
    split into functions, each would pass all of them back and forth, and the
    order of the period's events (disbursement, interest, fees, principal,
    insurance, present values) would no longer read top to bottom.
    """
    n = loans.n_loans
    big_a = loans.steps_per_year
    n_steps = plan.n_steps
    amount = loans.amount_m
    price = loans.proceeds_ratio
    shares = loans.disbursement_shares
    j_max = shares.shape[1]
    rate = loans.rate_dec
    ins_dec = loans.insurance_dec
    custom = loans.custom_shares

    accumulate = log_v is not None
    scalar_v = accumulate and bool(np.all(log_v == log_v[0]))  # type: ignore[index]
    if accumulate:
        pv_disb = np.zeros(n)
        pv_serv = np.zeros(n)
        nom_disb = np.zeros(n)
        nom_serv = np.zeros(n)

    # time-major buffers: row s is grid point s; returned as (n, S + 1) views
    if store:
        buf = {name: np.zeros((n_steps + 1, n)) for name in FLOW_NAMES}
        buf_balance = np.zeros((n_steps + 1, n))

    # step 0: signing
    face0 = amount * shares[:, 0]
    cash0 = face0 * price
    mfee = amount * loans.management_fee_dec
    ins0 = amount * ins_dec[:, 0] if ins_dec is not None else None
    if store:
        buf["disbursement"][0] = cash0
        if np.any(mfee != 0):
            buf["management_fee"][0] = mfee
        if ins0 is not None:
            buf["insurance"][0] = ins0
        buf_balance[0] = face0
    if accumulate:
        service0 = mfee + ins0 if ins0 is not None else mfee.copy()
        pv_disb += cash0
        pv_serv += service0
        nom_disb += cash0
        nom_serv += service0

    groups = _make_groups(loans, plan)
    undisb = undisbursed_shares(shares) if np.any(loans.commitment_fee_dec > 0) else None
    for s in range(1, n_steps + 1):
        for gr in groups:
            sel = gr.sel
            if s % gr.stride:
                if store and s <= gr.k_max * gr.stride:
                    buf_balance[s, sel] = gr.balance  # between its dates the balance carries
                continue
            k = s // gr.stride
            if k > gr.k_max:
                continue
            bal = gr.balance
            # -- interest and commitment fee for the period ((k-1)/a, k/a]
            if gr.q_const is not None:
                q = gr.q_const
            else:
                q = rate[sel, (k - 1) * gr.stride] / gr.a
            due = bal * q
            capitalized = None
            if gr.cap is not None and k <= gr.cap_until:
                capitalized = due * (gr.cap * (k <= gr.grace_periods))
                interest = due - capitalized
                bal += capitalized
            else:
                interest = due
            cfee = None
            if gr.cfee_per is not None and undisb is not None and (j0 := (k - 1) // gr.a) < j_max:
                cfee = (gr.amount * undisb[sel, j0]) * gr.cfee_per
            # -- principal
            first = gr.first_at[k]
            if first.size:
                gr.repay_base[first] = bal[first]
            in_rep = (k > gr.grace_periods) & (k < gr.n_periods)
            principal = gr.repay_base * gr.eq_weight
            if gr.annuity_idx.size:
                ai = gr.annuity_idx
                if gr.q_const is None:
                    # re-level whenever the rate moves (and on the first repayment date)
                    qa = q[ai]
                    moved = (qa != gr.q_prev[ai]) | (k == gr.grace_periods[ai] + 1)
                    gr.q_prev[ai] = qa
                    redo = ai[moved & (k > gr.grace_periods[ai]) & (k <= gr.n_periods[ai])]
                else:
                    redo = first[gr.is_annuity[first] > 0]
                if redo.size:
                    remaining = (gr.n_periods[redo] - k + 1).astype(np.float64)
                    gr.level[redo] = _annuity_level(bal[redo], q[redo], remaining)
                principal += gr.is_annuity * (gr.level - due)
            if gr.custom_idx.size and custom is not None:
                ci = gr.custom_idx
                rows = ci if isinstance(sel, slice) else sel[ci]
                col = np.clip(k - gr.grace_periods[ci] - 1, 0, custom.shape[1] - 1)
                principal[ci] += gr.repay_base[ci] * custom[rows, col]
            principal *= in_rep
            np.minimum(principal, bal, out=principal)
            last = gr.last_at[k]
            if last.size:
                principal[last] = bal[last]
            bal -= principal
            # -- disbursement at integer years, after the date's payments
            cash = None
            if k % gr.a == 0 and (j := k // gr.a) < j_max:
                face = gr.amount * shares[sel, j]
                if np.any(face != 0):
                    bal += face
                    cash = face * price[sel]
            ins = None
            if ins_dec is not None:
                ins_col = ins_dec[sel, s]
                if np.any(ins_col != 0):
                    ins = gr.amount * ins_col
            if store:
                buf["interest"][s, sel] = interest
                buf["principal"][s, sel] = principal
                if cfee is not None:
                    buf["commitment_fee"][s, sel] = cfee
                if capitalized is not None:
                    buf["capitalized_interest"][s, sel] = capitalized
                if cash is not None:
                    buf["disbursement"][s, sel] = cash
                if ins is not None:
                    buf["insurance"][s, sel] = ins
                buf_balance[s, sel] = bal
            if accumulate:
                serv = interest + principal
                if cfee is not None:
                    serv += cfee
                if ins is not None:
                    serv += ins
                t = k / gr.a
                if scalar_v:
                    disc: float | FloatArray = float(np.exp(t * log_v[0]))  # type: ignore[index]
                else:
                    disc = np.exp(t * log_v[sel])  # type: ignore[index]
                pv_serv[sel] += serv * disc
                nom_serv[sel] += serv
                if cash is not None:
                    pv_disb[sel] += cash * disc
                    nom_disb[sel] += cash

    schedule = None
    if store:
        schedule = ScheduleArrays(
            times_years=np.arange(n_steps + 1, dtype=np.float64) / big_a,
            balance=buf_balance.T,
            **{name: b.T for name, b in buf.items()},
        )
    totals = None
    if accumulate:
        totals = PVTotals(
            pv_disbursement=pv_disb,
            pv_debt_service=pv_serv,
            nominal_disbursement=nom_disb,
            nominal_debt_service=nom_serv,
        )
    return schedule, totals
