"""The NumPy kernel and the calendar-year sums as they were before the compact layout.

Every loan on the batch's dense grid.

Kept, frozen, as the "before" of the compact engine: ``test_compact.py`` checks that the
compact schedule reproduces this kernel's arrays and present values bit for bit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from debttrap.cashflows.arrays import LoanArrays
from debttrap.cashflows.engine import (
    _CODE_ANNUITY,
    _CODE_CUSTOM,
    _CODE_EQUAL,
    FLOW_NAMES,
    PVTotals,
    ScheduleArrays,
    _annuity_level,
    _by_step,
    _Plan,
    undisbursed_shares,
)
from debttrap.cashflows.schedule import AnnualFlows

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


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


def run_dense(
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


def by_calendar_year_dense(
    la: LoanArrays,
    a: ScheduleArrays,
    first_year: int | None = None,
    last_year: int | None = None,
) -> AnnualFlows:
    """Aggregate each loan's flows into calendar years ``signing_year + ceil(t)``.

    Years outside ``[first_year, last_year]`` are dropped (flows) or cut
    (balances are read at each year's end). Without bounds the years run from
    the earliest signing year to the latest signing year plus the longest
    maturity (rounded up).
    """
    big_a = la.steps_per_year
    n = la.n_loans
    n_steps = a.times_years.size - 1
    # years after signing: offset m holds grid steps ((m - 1) A, m A]; offset 0 is signing
    full = n_steps // big_a
    n_off = full + 1 + (1 if n_steps % big_a else 0)

    def by_offset(x: FloatArray, out: FloatArray) -> FloatArray:
        """(n, S+1) flows -> (n_off, n) sums by year after signing, time-major."""
        tm = np.ascontiguousarray(x.T)  # no copy for the engine's time-major buffers
        out[0] = tm[0]
        if full:
            blocks = tm[1 : 1 + full * big_a].reshape(full, big_a, n)
            np.sum(blocks, axis=1, out=out[1 : 1 + full])
        if n_steps % big_a:
            np.sum(tm[1 + full * big_a :], axis=0, out=out[full + 1])
        return out

    signing = la.signing_year
    lo = int(signing.min()) if first_year is None else first_year
    hi = int(signing.max()) + n_off - 1 if last_year is None else last_year
    years = np.arange(lo, hi + 1, dtype=np.int64)
    n_years = years.size
    # where each signing year's offsets land: output rows [col0 + m0, col0 + m1)
    placements = []
    for year in np.unique(signing):
        col0 = int(year) - lo
        m0, m1 = max(0, -col0), min(n_off, n_years - col0)
        if m1 > m0:
            mine = signing == year
            sel: slice | NDArray[np.intp] = (
                slice(None) if bool(mine.all()) else np.flatnonzero(mine)
            )
            placements.append((col0, m0, m1, sel))
    # one placement covering every loan and every offset: sum straight into place
    direct = (
        len(placements) == 1
        and placements[0][1:3] == (0, n_off)
        and isinstance(placements[0][3], slice)
    )

    ends = np.minimum(np.arange(n_off) * big_a, n_steps)  # last grid step of each offset year
    bal_tm = np.ascontiguousarray(a.balance.T)
    sources: dict[str, tuple[FloatArray, ...]] = {
        "disbursement": (a.disbursement,),
        "interest": (a.interest,),
        "principal": (a.principal,),
        "fees": (a.management_fee, a.commitment_fee, a.insurance),
        "capitalized_interest": (a.capitalized_interest,),
    }
    tmp = np.empty((n_off, n)) if not direct else None
    extra = np.empty((n_off, n))
    out: dict[str, FloatArray] = {}
    for name in (*sources, "balance_end"):
        dest = np.zeros((n_years, n))  # time-major; returned transposed
        if direct:
            col0 = placements[0][0]
            target = dest[col0 : col0 + n_off]
        else:
            assert tmp is not None
            target = tmp
        if name == "balance_end":
            np.take(bal_tm, ends, axis=0, out=target)
        else:
            first, *more = sources[name]
            by_offset(first, target)
            for x in more:
                target += by_offset(x, extra)
        if not direct:
            for col0, m0, m1, sel in placements:
                dest[col0 + m0 : col0 + m1, sel] = target[m0:m1, sel]
        out[name] = dest.T
    return AnnualFlows(years=years, **out)
