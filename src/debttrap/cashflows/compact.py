"""Schedules in a compact layout: each loan's own payment dates, no grid shared by all.

A batch of loans is stored as the balance left after each loan's own payment dates
``k = 1 .. K`` (``K`` = payments per year x maturity), plus the principal repaid on each
date for annuity and custom loans. Memory is 8 bytes per payment of each loan (16 for
annuities and custom shares): about 0.4 KB for a 25-year semi-annual loan, whatever the
other loans of the batch look like. The dense ``(loans, grid points)`` arrays of
:class:`~debttrap.cashflows.ScheduleArrays` are built only when asked for.

Every other flow is a function of these and of the loan's terms, recomputed on request
with the very floating-point operations the kernel used, so it is bit-identical to what
the kernel computed (``tests/cashflows/test_compact.py``):

* interest due ``q B`` on the balance ``B`` left after the previous date (or at
  signing); while a capitalizing loan is in grace it is all capitalized;
* equal principal ``min(B_g / n, B)`` from the first repayment date (``B_g`` the balance
  then), a bullet nothing before maturity; at maturity whatever is left;
* the commitment fee ``(amount x undisbursed share) x c / a``;
* a disbursement at integer year ``j`` pays ``amount x share_j x issue price``;
* management fee and the signing instalment of insurance at signing, other insurance
  instalments on their dates.

Layout (step-major, "ragged"): the loans are ordered by payment frequency and
amortization, then by number of payments, longest first, and cut into blocks of at most
:data:`BLOCK_LOANS` loans of one frequency and one amortization. Within a block the loans
still paying at own step ``k`` are a prefix of the block, so step ``k`` of a block is one
contiguous run of ``live[k]`` numbers starting at ``start[k]``. The engine writes each
step with one slice copy; a loan's own dates are ``start[1 .. K] + its rank in its block``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from debttrap.cashflows.arrays import LoanArrays

if TYPE_CHECKING:
    from debttrap.cashflows.engine import ScheduleArrays

__all__ = [
    "BLOCK_LOANS",
    "FLOW_NAMES",
    "SERVICE_FLOWS",
    "Block",
    "CompactSchedule",
    "Layout",
    "build_layout",
    "compact_from_dense",
    "debt_service_of",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: loans per block: the kernel's per-loan state of a block stays in the CPU's cache
BLOCK_LOANS = 16384
#: numbers per chunk when a reader derives a block's flows for many dates at once
CHUNK_VALUES = 1 << 17
#: blocks of at most this many loans are read many dates at once (fewer Python steps);
#: wider blocks date by date (slices, no gathers: faster per number)
FLAT_BLOCK_LOANS = 512
#: balances per matrix product of :meth:`CompactSchedule._discounted_balances`: at most
#: 2 x 2**17 multiply-adds, under OpenBLAS's threshold for running a product on several
#: threads (4 x 65536), whose waiting threads doubled the CPU time of large batches
GEMM_VALUES = 1 << 17

_CODE_EQUAL, _CODE_ANNUITY, _CODE_BULLET, _CODE_CUSTOM = 0, 1, 2, 3


#: the flows that make up debt service, in the order :func:`debt_service_of` adds them
SERVICE_FLOWS = ("principal", "interest", "management_fee", "commitment_fee", "insurance")


def debt_service_of(flows: Mapping[str, FloatArray]) -> FloatArray:
    """What the borrower pays: principal + interest + management fee + commitment fee +
    insurance premium, added in that order (so every reader of a schedule gets the same
    bits), from ``flows`` keyed by the flow names."""
    return (
        flows["principal"]
        + flows["interest"]
        + flows["management_fee"]
        + flows["commitment_fee"]
        + flows["insurance"]
    )
#: amortizations whose principal is kept; equal principal and bullet recompute theirs
_PRINCIPAL_KEPT = (_CODE_ANNUITY, _CODE_CUSTOM)

#: the flows of a schedule, in the order of its tables (balance apart)
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
class Block:
    """Loans ``order[lo:hi]``: one payment frequency, payments in decreasing number.

    ``live[k]`` loans still pay at own step ``k`` (``k = 0 .. k_max + 1``, the last 0);
    step ``k``'s numbers sit at flat positions ``start[k] .. start[k] + live[k]``.
    """

    lo: int
    hi: int
    a: int
    code: int  # amortization code of every loan of the block
    stride: int
    live: IntArray
    start: IntArray
    pbase: int  # where its principal starts in the kept principal, -1 if derived

    def principal_slice(self, k: int) -> slice:
        """Positions of own step ``k``'s principal in the kept principal (``pbase >= 0``)."""
        p0 = self.pbase + int(self.start[k] - self.start[1])
        return slice(p0, p0 + int(self.live[k]))

    @property
    def k_max(self) -> int:
        return int(self.live.size - 2)


@dataclass(frozen=True, slots=True)
class Layout:
    """Where each loan's own payment dates sit in the flat arrays."""

    order: IntArray  # loan index at each sorted position
    blocks: tuple[Block, ...]
    n_flat: int  # sum of every loan's number of payments
    n_principal: int  # payments of the loans whose principal is kept

    def positions(self, i: int) -> IntArray:
        """Flat positions of loan ``i``'s own dates ``k = 1 .. K``, in date order."""
        p = int(np.flatnonzero(self.order == i)[0])
        for b in self.blocks:
            if b.lo <= p < b.hi:
                r = p - b.lo
                n_k = int(np.count_nonzero(b.live[1:] > r))
                return np.asarray(b.start[1 : n_k + 1] + r, dtype=np.int64)
        raise IndexError(i)  # pragma: no cover - every position lies in a block


def build_layout(
    payments_per_year: IntArray,
    amortization_code: IntArray,
    n_periods: IntArray,
    steps_per_year: int,
    block_loans: int | None = None,
) -> Layout:
    """Order the loans and cut them into blocks (see the module docstring)."""
    block_loans = BLOCK_LOANS if block_loans is None else block_loans
    ppy = payments_per_year.astype(np.int64)
    k = n_periods.astype(np.int64)
    group = np.searchsorted(np.array([1, 2, 4]), ppy) * 4 + amortization_code.astype(np.int64)
    k_cap = int(k.max()) + 1 if k.size else 1
    key = group * k_cap + (k_cap - 1 - k)
    small = 12 * k_cap < 2**15  # a 16-bit key sorts by radix, in linear time
    order = np.argsort(key.astype(np.int16 if small else np.int64), kind="stable")
    group_s = group[order]
    k_s = k[order]
    cuts = [0, *(np.flatnonzero(np.diff(group_s)) + 1).tolist(), int(group_s.size)]
    blocks = []
    base = 0
    pbase = 0
    for g0, g1 in itertools.pairwise(cuts):
        for lo in range(g0, g1, block_loans):
            hi = min(lo + block_loans, g1)
            kb = k_s[lo:hi]
            k_max = int(kb[0])
            live = np.searchsorted(-kb, -np.arange(k_max + 2), side="right").astype(np.int64)
            start = np.empty(k_max + 2, dtype=np.int64)
            start[0] = base
            start[1:] = base + np.concatenate([[0], np.cumsum(live[1 : k_max + 1])])
            n_block = int(start[-1]) - base
            base = int(start[-1])
            a = int(ppy[order[lo]])
            code = int(group_s[lo] % 4)
            keep = code in _PRINCIPAL_KEPT
            blocks.append(
                Block(
                    lo=lo,
                    hi=hi,
                    a=a,
                    code=code,
                    stride=steps_per_year // a,
                    live=live,
                    start=start,
                    pbase=pbase if keep else -1,
                )
            )
            pbase += n_block if keep else 0
    return Layout(order=order, blocks=tuple(blocks), n_flat=base, n_principal=pbase)


@dataclass(frozen=True, slots=True)
class _Terms:
    """The terms the derived flows need, in the layout's order."""

    amount: FloatArray
    price: FloatArray
    shares: FloatArray
    undisb: FloatArray
    rate: FloatArray
    cfee: FloatArray
    mfee: FloatArray
    insurance: FloatArray | None
    capitalize: FloatArray
    grace: IntArray
    eq_weight: FloatArray  # 1 / number of repayments


@dataclass(frozen=True, slots=True, eq=False)
class CompactSchedule:
    """Flows of ``n`` loans on their own payment dates (see the module docstring).

    ``balance_own`` holds, in the layout's order, the balance left at each loan's own
    dates ``k = 1 .. K``; ``principal_own`` the principal repaid on them, for the blocks
    that keep it (annuity and custom; :meth:`Block.principal_slice`). The dense
    attributes of :class:`~debttrap.cashflows.ScheduleArrays` (``interest``,
    ``balance``, ``debt_service``, ...: ``(n, S + 1)`` on the batch's grid) are built on
    each access, for consumers that need the grid; :meth:`by_year_offset` and
    :meth:`own_dates` read the compact form directly.
    """

    loans: LoanArrays
    layout: Layout
    n_periods: IntArray
    grace_periods: IntArray
    principal_own: FloatArray
    balance_own: FloatArray

    def __post_init__(self) -> None:
        self.principal_own.flags.writeable = False
        self.balance_own.flags.writeable = False

    @property
    def n_loans(self) -> int:
        return self.loans.n_loans

    @property
    def nbytes(self) -> int:
        """Bytes held by the flows and the layout (the terms not counted)."""
        lay = self.layout
        return int(
            self.principal_own.nbytes
            + self.balance_own.nbytes
            + lay.order.nbytes
            + sum(b.live.nbytes + b.start.nbytes for b in lay.blocks)
        )

    @property
    def times_years(self) -> FloatArray:
        la = self.loans
        return np.arange(la.n_steps + 1, dtype=np.float64) / la.steps_per_year

    # ------------------------------------------------------------------ derivations
    def _terms(self) -> _Terms:
        from debttrap.cashflows.engine import undisbursed_shares

        la = self.loans
        o = self.layout.order
        shares = la.disbursement_shares[o]
        return _Terms(
            amount=la.amount_m[o],
            price=la.proceeds_ratio[o],
            shares=shares,
            undisb=undisbursed_shares(shares),
            rate=la.rate_dec[o],
            cfee=la.commitment_fee_dec[o],
            mfee=la.management_fee_dec[o],
            insurance=None if la.insurance_dec is None else la.insurance_dec[o],
            capitalize=la.capitalize[o].astype(np.float64),
            grace=self.grace_periods[o],
            eq_weight=1.0 / (self.n_periods[o] - self.grace_periods[o]).astype(np.float64),
        )

    def _at_step(
        self,
        t: _Terms,
        b: Block,
        k: int,
        prev: FloatArray,
        repay_base: FloatArray,
        first: IntArray,
    ) -> dict[str, FloatArray]:
        """Every flow of block ``b``'s live loans at own step ``k``.

        ``prev``: balances after the previous date; ``repay_base``: the block's balances at
        their first repayment date, set here for the loans ``first`` repaying first now.
        """
        m = int(b.live[k])
        m_next = int(b.live[k + 1])
        sl = slice(b.lo, b.lo + m)
        fl = slice(int(b.start[k]), int(b.start[k]) + m)
        a = b.a
        if t.rate.shape[1] == 1:
            q = t.rate[sl, 0] / a
        else:
            q = t.rate[sl, (k - 1) * b.stride] / a
        due = prev[:m] * q
        capitalized = due * (t.capitalize[sl] * (k <= t.grace[sl]))
        during = prev[:m] + capitalized  # the balance during the period
        if first.size:
            repay_base[first] = during[first]
        if b.pbase >= 0:
            principal = self.principal_own[b.principal_slice(k)]
        else:  # the kernel's arithmetic for equal principal and bullet
            if b.code == _CODE_EQUAL:
                principal = repay_base[:m] * t.eq_weight[sl]  # never above the balance
            else:
                principal = np.zeros(m)
            principal[m_next:] = during[m_next:]
        out = {
            "interest": due - capitalized,
            "capitalized_interest": capitalized,
            "principal": principal,
            "balance": self.balance_own[fl],
        }
        amount = t.amount[sl]
        j_max = t.shares.shape[1]
        j0 = (k - 1) // a
        out["commitment_fee"] = (
            (amount * t.undisb[sl, j0]) * (t.cfee[sl] / a) if j0 < j_max else np.zeros(m)
        )
        j = k // a
        if k % a == 0 and j < j_max:
            out["disbursement"] = (amount * t.shares[sl, j]) * t.price[sl]
        else:
            out["disbursement"] = np.zeros(m)
        if t.insurance is not None:
            out["insurance"] = amount * t.insurance[sl, k * b.stride]
        else:
            out["insurance"] = np.zeros(m)
        out["management_fee"] = np.zeros(m)
        return out

    def _signing(self, t: _Terms) -> dict[str, FloatArray]:
        """Flows at signing (t = 0), in the layout's order."""
        face0 = t.amount * t.shares[:, 0]
        zero = np.zeros(t.amount.size)
        return {
            "disbursement": face0 * t.price,
            "interest": zero,
            "principal": zero,
            "management_fee": t.amount * t.mfee,
            "commitment_fee": zero,
            "insurance": zero if t.insurance is None else t.amount * t.insurance[:, 0],
            "capitalized_interest": zero,
            "balance": face0,
        }

    def _walk(self) -> Iterator[tuple[Block, int, dict[str, FloatArray]]]:
        """Every block's every own step with its flows, in date order within a block."""
        t = self._terms()
        for b in self.layout.blocks:
            for k, flows in self._walk_block(t, b):
                yield b, k, flows

    def _walk_block(self, t: _Terms, b: Block) -> Iterator[tuple[int, dict[str, FloatArray]]]:
        from debttrap.cashflows.engine import _by_step

        prev = t.amount[b.lo : b.hi] * t.shares[b.lo : b.hi, 0]
        repay_base = np.zeros(b.hi - b.lo)
        first_at = _by_step(t.grace[b.lo : b.hi] + 1, b.k_max)
        for k in range(1, b.k_max + 1):
            if not b.live[k]:
                break
            flows = self._at_step(t, b, k, prev, repay_base, first_at[k])
            yield k, flows
            prev = flows["balance"]

    def _chunks(self, b: Block) -> Iterator[tuple[int, int]]:
        """Own-step ranges ``[k0, k1)`` of block ``b`` holding about :data:`CHUNK_VALUES`
        numbers each (at least one year of dates), so the flat temporaries stay small;
        each starts a year (``k0 - 1`` a multiple of ``a``)."""
        k_end = b.k_max + 1
        k0 = 1
        while k0 < k_end:
            limit = int(b.start[k0]) + CHUNK_VALUES
            k1 = int(np.searchsorted(b.start[k0 + 1 : k_end + 1], limit, side="right"))
            k1 = k0 + max(k1, 1)
            k1 = 1 + -(-(k1 - 1) // b.a) * b.a  # whole years: a year's dates in one chunk
            yield k0, min(k1, k_end)
            k0 = min(k1, k_end)

    def _flat_steps(
        self, t: _Terms, b: Block, k0: int, k1: int
    ) -> tuple[IntArray, IntArray, dict[str, FloatArray]]:
        """Every flow of block ``b`` at own steps ``k0 .. k1 - 1``, all at once.

        Returns the own step and the rank in the block of each number, and the flows in
        the flat order (flat positions ``start[k0] .. start[k1]``): the arithmetic of
        :meth:`_at_step`, operation for operation, on every (loan, date) of the range
        instead of one date at a time, so every number has the same bits.
        """
        live = b.live[k0:k1]
        seg = b.start[k0:k1] - b.start[k0]
        n_flat = int(b.start[k1] - b.start[k0])
        ks = np.repeat(np.arange(k0, k1, dtype=np.int64), live)
        r = np.arange(n_flat, dtype=np.int64) - np.repeat(seg, live)
        s = b.lo + r  # position in the layout's order
        a = b.a
        lo = b.lo
        face0 = t.amount[lo : b.hi] * t.shares[lo : b.hi, 0]
        bal_all = self.balance_own
        flat0 = int(b.start[k0])
        if k0 == 1:
            m1 = int(live[0])
            prev = np.empty(n_flat)
            prev[:m1] = face0[:m1]
            prev[m1:] = bal_all[b.start[ks[m1:] - 1] + r[m1:]]
        else:
            prev = bal_all[b.start[ks - 1] + r]
        one_rate = t.rate.shape[1] == 1
        q = (t.rate[s, 0] if one_rate else t.rate[s, (ks - 1) * b.stride]) / a
        grace = t.grace[s]
        due = prev * q
        capitalized = due * (t.capitalize[s] * (ks <= grace))
        during = prev + capitalized
        n_own = np.searchsorted(-b.live[1:], -r, side="left")  # own dates of each loan
        maturing = ks == n_own
        if b.pbase >= 0:
            p0 = b.pbase + flat0 - int(b.start[1])
            principal = self.principal_own[p0 : p0 + n_flat]
        else:  # the kernel's arithmetic for equal principal and bullet
            if b.code == _CODE_EQUAL:
                base = self._repay_base(t, b)
                repay_base = np.where(ks > grace, base[r], 0.0)
                principal = repay_base * t.eq_weight[s]
            else:
                principal = np.zeros(n_flat)
            principal[maturing] = during[maturing]
        out = {
            "interest": due - capitalized,
            "capitalized_interest": capitalized,
            "principal": principal,
            "balance": bal_all[flat0 : flat0 + n_flat],
        }
        amount = t.amount[s]
        j_max = t.shares.shape[1]
        if t.cfee[lo : b.hi].any():
            j0 = (ks - 1) // a
            fee = (amount * t.undisb[s, np.minimum(j0, j_max - 1)]) * (t.cfee[s] / a)
            out["commitment_fee"] = np.where(j0 < j_max, fee, 0.0)
        else:  # (amount x undisbursed share) x 0 is +0.0
            out["commitment_fee"] = np.zeros(n_flat)
        if j_max > 1:
            j = ks // a
            paid = (ks % a == 0) & (j < j_max)
            cash = (amount * t.shares[s, np.minimum(j, j_max - 1)]) * t.price[s]
            out["disbursement"] = np.where(paid, cash, 0.0)
        else:  # one tranche, paid at signing: nothing on the dates
            out["disbursement"] = np.zeros(n_flat)
        if t.insurance is not None:
            out["insurance"] = amount * t.insurance[s, ks * b.stride]
        else:
            out["insurance"] = np.zeros(n_flat)
        out["management_fee"] = np.zeros(n_flat)
        return ks, r, out

    def _repay_base(self, t: _Terms, b: Block) -> FloatArray:
        """Each loan's balance during its first repayment period (own step ``G + 1``), as
        :meth:`_at_step` computes it there; 0 for a loan without one."""
        lo, hi = b.lo, b.hi
        g1 = t.grace[lo:hi] + 1
        n_own = np.searchsorted(-b.live[1:], -np.arange(hi - lo), side="left")
        r = np.flatnonzero(g1 <= np.minimum(n_own, b.k_max))
        k = g1[r]
        s = lo + r
        prev = np.where(
            k == 1,
            t.amount[s] * t.shares[s, 0],
            self.balance_own[b.start[np.maximum(k - 1, 1)] + r],
        )
        one_rate = t.rate.shape[1] == 1
        q = (t.rate[s, 0] if one_rate else t.rate[s, (k - 1) * b.stride]) / b.a
        due = prev * q
        capitalized = due * (t.capitalize[s] * (k <= t.grace[s]))
        out = np.zeros(hi - lo)
        out[r] = prev + capitalized
        return out

    # ------------------------------------------------------------------ present values
    def present_values(self, log_v: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Present values at signing of each loan's disbursements and debt service, read
        from the kept balances (loan order; ``log_v = -log(1 + D)`` per loan).

        On own date ``k`` the debt service is ``(1 + q) B_(k-1) - B_k + face_k + fee_k
        (+ premium_k)``: interest ``q B_(k-1)`` less what is capitalized, plus principal,
        the balance during the period (``B_(k-1)`` and the capitalized interest) less the
        balance ``B_k`` left after the date's repayment and disbursement ``face_k``. The
        capitalized interest cancels, so one formula serves every amortization and
        capitalization. At a fixed rate and one discount rate the balances enter as
        ``(1 + q) X - Y`` (:meth:`_discounted_balances`: one matrix product per run of
        dates with the same live loans) and the fees and tranches of the first years in
        closed form per loan; otherwise date by date (:meth:`_present_values_by_date`).

        The present value of disbursements is the kernel's own arithmetic, bit for bit;
        that of debt service agrees with :func:`~debttrap.cashflows.run_kernel`'s to
        1e-12 relative (other roundings of the same sums; tested), not bit for bit.
        """
        la = self.loans
        n = la.n_loans
        scalar_v = bool(np.all(log_v == log_v[0])) if n else True
        if la.rate_dec.shape[1] != 1 or not scalar_v or la.insurance_dec is not None:
            return self._present_values_by_date(log_v)
        order = self.layout.order
        log_v0 = log_v[0] if n else np.float64(0.0)
        amount = la.amount_m
        shares = la.disbursement_shares
        price = la.proceeds_ratio
        a = la.payments_per_year.astype(np.int64)
        k_own = self.n_periods
        face0 = amount * shares[:, 0]
        pv_disb = face0 * price
        pv_serv = amount * la.management_fee_dec
        # the balances: (1 + q) X - Y, block by block in the layout's order
        part = np.empty(n)
        for b in self.layout.blocks:
            sel = order[b.lo : b.hi]
            x, y = self._discounted_balances(b, face0[sel], log_v0)
            part[b.lo : b.hi] = (1.0 + la.rate_dec[sel, 0] / b.a) * x - y
        unsorted = np.empty(n)
        unsorted[order] = part
        pv_serv += unsorted
        # tranches at integer years j, while the loan still runs (the kernel's order)
        j_max = shares.shape[1]
        for j in range(1, j_max):
            paid = j * a <= k_own
            disc = np.exp(j * log_v0)
            face = amount * shares[:, j]
            pv_disb += np.where(paid, (face * price) * disc, 0.0)
            pv_serv += np.where(paid, face * disc, 0.0)
        # commitment fees, level within each of the first years: fee x its dates' factors
        cfee = la.commitment_fee_dec
        if np.any(cfee > 0):
            from debttrap.cashflows.engine import undisbursed_shares

            undisb = undisbursed_shares(shares)
            a_max = int(a.max())
            width = j_max * a_max + 1
            ks = np.arange(width)
            # cumulated factors of own dates 1 .. k, a row per frequency (indexed by it)
            cum = np.zeros((a_max + 1, width))
            for f in np.flatnonzero(np.bincount(a)).tolist():
                cum[f, 1:] = np.cumsum(np.exp((ks[1:] / f) * log_v0))
            flat_cum = cum.ravel()
            row = a * width
            cfee_a = cfee / a
            for j0 in range(j_max):
                k0 = np.minimum(j0 * a, k_own)
                k1 = np.minimum(k0 + a, k_own)
                factors = flat_cum[row + k1] - flat_cum[row + k0]
                pv_serv += ((amount * undisb[:, j0]) * cfee_a) * factors
        return pv_disb, pv_serv

    def _present_values_by_date(self, log_v: FloatArray) -> tuple[FloatArray, FloatArray]:
        """:meth:`present_values` date by date: floating rates, one discount rate per loan
        or insurance premiums."""
        from debttrap.cashflows.engine import undisbursed_shares

        la = self.loans
        order = self.layout.order
        shares = la.disbursement_shares[order]
        cfee_all = la.commitment_fee_dec[order]
        amount_all = la.amount_m[order]
        price_all = la.proceeds_ratio[order]
        rate = la.rate_dec[order]
        has_cfee = bool(np.any(cfee_all > 0))
        undisb = undisbursed_shares(shares) if has_cfee else shares
        insurance = None if la.insurance_dec is None else la.insurance_dec[order]
        lv = log_v[order]
        scalar_v = bool(np.all(lv == lv[0])) if lv.size else True
        one_rate = rate.shape[1] == 1
        face0 = amount_all * shares[:, 0]
        pv_disb = face0 * price_all
        pv_serv = amount_all * la.management_fee_dec[order]
        if insurance is not None:
            pv_serv = pv_serv + amount_all * insurance[:, 0]
        bal = self.balance_own
        j_max = shares.shape[1]
        for b in self.layout.blocks:
            lo, hi = b.lo, b.hi
            a = b.a
            acc_s = pv_serv[lo:hi]
            acc_d = pv_disb[lo:hi]
            amount = amount_all[lo:hi]
            lvb = lv[lo:hi]
            cfee_per = cfee_all[lo:hi] / a if has_cfee else None
            term_buf = np.empty(hi - lo)
            tmp_buf = np.empty(hi - lo)
            prev = face0[lo:hi]
            log_v0 = lvb[0]
            for k in range(1, b.k_max + 1):
                m = int(b.live[k])
                if not m:
                    break
                pos = int(b.start[k])
                cur = bal[pos : pos + m]
                col = 0 if one_rate else (k - 1) * b.stride
                growth = 1.0 + rate[lo : lo + m, col] / a
                term = np.multiply(prev[:m], growth, out=term_buf[:m])
                term -= cur
                if cfee_per is not None and (j0 := (k - 1) // a) < j_max:
                    term += (amount[:m] * undisb[lo : lo + m, j0]) * cfee_per[:m]
                if insurance is not None:
                    term += amount[:m] * insurance[lo : lo + m, k * b.stride]
                disc = np.exp((k / a) * log_v0) if scalar_v else np.exp((k / a) * lvb[:m])
                if k % a == 0 and (j := k // a) < j_max:
                    face = amount[:m] * shares[lo : lo + m, j]
                    term += face
                    acc_d[:m] += (face * price_all[lo : lo + m]) * disc
                acc_s[:m] += np.multiply(term, disc, out=tmp_buf[:m])
                prev = cur
        out_d = np.empty(order.size)
        out_s = np.empty(order.size)
        out_d[order] = pv_disb
        out_s[order] = pv_serv
        return out_d, out_s

    def _discounted_balances(
        self, b: Block, face0: FloatArray, log_v: np.float64
    ) -> tuple[FloatArray, FloatArray]:
        """Block ``b``'s ``X = sum_k v_k B_(k-1)`` and ``Y = sum_k v_k B_k`` over each loan's
        own dates ``k = 1 .. K`` (``v_k = exp(k / a * log_v)``, ``B_0`` at signing).

        The dates at which the same loans are live form rectangles of the flat layout
        (``live[k]`` loans for a run of dates); each is one matrix product with the
        discount factors (cut into pieces of :data:`GEMM_VALUES` balances), so the Python
        cost is about one step per distinct loan length, not one per date. ``X`` takes
        ``B_k`` with ``v_(k+1)`` (the next date's factor).
        """
        n_b = b.hi - b.lo
        k_max = b.k_max
        v = np.exp((np.arange(k_max + 2) / b.a) * log_v)
        weights = np.stack((v[2:], v[1:-1]))  # column k - 1: (v_(k+1), v_k)
        live_k = b.live[1 : k_max + 1]
        cuts = [0, *(np.flatnonzero(np.diff(live_k)) + 1).tolist(), k_max]
        live = live_k.tolist()
        start = b.start.tolist()
        xy = np.zeros((2, n_b))
        bal = self.balance_own
        for i0, i1 in itertools.pairwise(cuts):  # own dates k = i0 + 1 .. i1
            m = live[i0]
            if not m:
                break
            p0 = start[i0 + 1]
            rect = bal[p0 : p0 + (i1 - i0) * m].reshape(i1 - i0, m)
            w = weights[:, i0:i1]
            # pieces of whole 64-column panels, a run of at most 256 dates: the same
            # sums, bit for bit, as the whole product (tested), on one BLAS thread
            step = m if i1 - i0 > 256 else max(64, GEMM_VALUES // (i1 - i0) // 64 * 64)
            for c0 in range(0, m, step):
                c1 = min(c0 + step, m)
                xy[:, c0:c1] += w @ rect[:, c0:c1]
        x, y = xy
        # X took B_K with v_(K+1) on each loan's last date K, which has no next date
        k_own = self.n_periods[self.layout.order[b.lo : b.hi]]
        last = bal[b.start[k_own] + np.arange(n_b)]
        x -= v[k_own + 1] * last
        x += v[1] * face0
        return x, y

    # ------------------------------------------------------------------ dense views
    def dense(self, name: str) -> FloatArray:
        """One flow (or ``balance``) on the batch's grid, ``(n, S + 1)``, read-only."""
        la = self.loans
        order = self.layout.order
        tm = np.zeros((la.n_steps + 1, la.n_loans))  # time-major, returned transposed
        t = self._terms()
        signing = self._signing(t)[name]
        tm[0, order] = signing
        if name == "balance":
            for b in self.layout.blocks:
                if b.stride > 1:
                    tm[1 : b.stride, order[b.lo : b.hi]] = signing[b.lo : b.hi]
        for b, k, flows in self._walk():
            m = int(b.live[k])
            s = k * b.stride
            tm[s, order[b.lo : b.lo + m]] = flows[name]
            if name == "balance" and b.stride > 1:
                m_next = int(b.live[k + 1])  # loans paying after k carry their balance
                tm[s + 1 : s + b.stride, order[b.lo : b.lo + m_next]] = flows[name][:m_next]
        out = tm.T
        out.flags.writeable = False
        return out

    @property
    def disbursement(self) -> FloatArray:
        return self.dense("disbursement")

    @property
    def interest(self) -> FloatArray:
        return self.dense("interest")

    @property
    def principal(self) -> FloatArray:
        return self.dense("principal")

    @property
    def management_fee(self) -> FloatArray:
        return self.dense("management_fee")

    @property
    def commitment_fee(self) -> FloatArray:
        return self.dense("commitment_fee")

    @property
    def insurance(self) -> FloatArray:
        return self.dense("insurance")

    @property
    def capitalized_interest(self) -> FloatArray:
        return self.dense("capitalized_interest")

    @property
    def balance(self) -> FloatArray:
        return self.dense("balance")

    @property
    def debt_service(self) -> FloatArray:
        """Principal + interest + every fee and premium (what the borrower pays)."""
        return debt_service_of({name: getattr(self, name) for name in SERVICE_FLOWS})

    # ------------------------------------------------------------------ compact readers
    def own_dates(self, i: int) -> dict[str, FloatArray]:
        """Loan ``i``'s flows at signing and on its own dates ``k = 1 .. K`` (``K + 1`` each)."""
        lay = self.layout
        p = int(np.flatnonzero(lay.order == i)[0])
        b = next(b for b in lay.blocks if b.lo <= p < b.hi)
        t = self._terms()
        one = Block(
            lo=p,
            hi=p + 1,
            a=b.a,
            code=b.code,
            stride=b.stride,
            live=(b.live > p - b.lo).astype(np.int64),
            start=b.start + (p - b.lo),
            pbase=b.pbase + (p - b.lo) if b.pbase >= 0 else -1,
        )
        sign = self._signing(t)
        cols: dict[str, list[FloatArray]] = {
            name: [sign[name][p : p + 1]] for name in (*FLOW_NAMES, "balance")
        }
        for _, flows in self._walk_block(t, one):
            for name, values in flows.items():
                cols[name].append(values)
        return {name: np.concatenate(v) for name, v in cols.items()}

    @property
    def balance_at_signing(self) -> FloatArray:
        """Face outstanding at signing (the first tranche), per loan."""
        la = self.loans
        out: FloatArray = la.amount_m * la.disbursement_shares[:, 0]
        return out

    def sum_by_time(
        self, names: tuple[str, ...], bin_of_time: Callable[[float], int], n_bins: int
    ) -> dict[str, FloatArray]:
        """Each loan's flows summed into bins chosen by the date's time after signing.

        ``bin_of_time(t)`` gives the bin (``0 .. n_bins - 1``) of a date ``t`` years after
        signing (0 for signing). ``names`` are flows or ``"debt_service"`` (principal,
        interest, management fee, commitment fee, insurance). Each result is
        ``(n, n_bins)`` in loan order; no dense grid is built.
        """
        n = self.n_loans
        t = self._terms()
        sums = {name: np.zeros((n_bins, n)) for name in names}  # time-major, layout order

        def values(flows: dict[str, FloatArray], name: str) -> FloatArray:
            return debt_service_of(flows) if name == "debt_service" else flows[name]

        sign = self._signing(t)
        b0 = bin_of_time(0.0)
        for name, buf in sums.items():
            buf[b0] += values(sign, name)
        for b, k, flows in self._walk():
            m = int(b.live[k])
            row = bin_of_time(k / b.a)
            for name, buf in sums.items():
                buf[row, b.lo : b.lo + m] += values(flows, name)
        out: dict[str, FloatArray] = {}
        for name, buf in sums.items():
            dest = np.empty((n, n_bins))
            dest[self.layout.order] = buf.T
            out[name] = dest
        return out

    def by_year_offset(self, names: tuple[str, ...]) -> dict[str, FloatArray]:
        """Flows summed by year after signing (offset ``m`` holds own dates with
        ``ceil(k / a) == m``; offset 0 is signing), each ``(n_off, n)`` time-major, loan
        order; ``balance`` is read at each offset's end. ``n_off`` as on the grid.

        Each block's dates are derived a chunk of dates at a time (:meth:`_flat_steps`)
        and summed with ``np.bincount``, which adds a loan's dates of a year in date order
        starting from 0: the same sums, bit for bit, as adding date after date.
        """
        la = self.loans
        big_a = la.steps_per_year
        n_steps = la.n_steps
        n_off = n_steps // big_a + 1 + (1 if n_steps % big_a else 0)
        n = la.n_loans
        order = self.layout.order
        t = self._terms()
        sign = self._signing(t)
        sums = {name: np.zeros((n_off, n)) for name in names if name != "balance"}
        for name, buf in sums.items():
            buf[0] = sign[name]
        bal = np.zeros((n_off, n)) if "balance" in names else None
        if bal is not None:
            bal[0] = sign["balance"]
        for b in self.layout.blocks:
            n_b = b.hi - b.lo
            if n_b > FLAT_BLOCK_LOANS:  # a wide block: date by date, each date in slices
                for k, flows in self._walk_block(t, b):
                    m = int(b.live[k])
                    off = (k + b.a - 1) // b.a
                    for name, buf in sums.items():
                        buf[off, b.lo : b.lo + m] += flows[name]
                    if bal is not None and k % b.a == 0:
                        # the grid's year end m * A is own step m * a (or the last grid step)
                        bal[k // b.a, b.lo : b.lo + m] = flows["balance"]
                continue
            for k0, k1 in self._chunks(b):
                ks, r, flows = self._flat_steps(t, b, k0, k1)
                off0 = (k0 + b.a - 1) // b.a
                off1 = (k1 - 1 + b.a - 1) // b.a + 1  # the chunk's years: [off0, off1)
                cell = ((ks + (b.a - 1)) // b.a - off0) * n_b + r
                size = (off1 - off0) * n_b
                for name, buf in sums.items():
                    # no year spans two chunks: each cell is whole here
                    total = np.bincount(cell, flows[name], minlength=size)
                    buf[off0:off1, b.lo : b.hi] = total.reshape(off1 - off0, n_b)
                if bal is not None:
                    # the grid's year end m * A is own step m * a (or the last grid step)
                    end = ks % b.a == 0
                    bal[ks[end] // b.a, b.lo + r[end]] = flows["balance"][end]
        if bal is not None:
            # a partial last year ends at the last grid step S: own step S // stride
            for b in self.layout.blocks:
                k_end = n_steps // b.stride
                if n_steps % big_a and k_end <= b.k_max:
                    m = int(b.live[k_end])
                    s0 = int(b.start[k_end])
                    bal[n_off - 1, b.lo : b.lo + m] = self.balance_own[s0 : s0 + m]
        out: dict[str, FloatArray] = {}
        for name in names:
            src = bal if name == "balance" else sums[name]
            assert src is not None
            dest = np.empty_like(src)
            dest[:, order] = src
            out[name] = dest
        return out


def compact_from_dense(
    loans: LoanArrays, n_periods: IntArray, grace_periods: IntArray, dense: ScheduleArrays
) -> CompactSchedule:
    """The compact form of a schedule computed on the grid (the loan-by-loan kernels)."""
    layout = build_layout(
        loans.payments_per_year, loans.amortization_code, n_periods, loans.steps_per_year
    )
    principal = np.empty(layout.n_principal)
    balance = np.empty(layout.n_flat)
    for b in layout.blocks:
        for k in range(1, b.k_max + 1):
            m = int(b.live[k])
            pos = int(b.start[k])
            cols = layout.order[b.lo : b.lo + m]
            if b.pbase >= 0:
                principal[b.principal_slice(k)] = dense.principal[cols, k * b.stride]
            balance[pos : pos + m] = dense.balance[cols, k * b.stride]
    return CompactSchedule(
        loans=loans,
        layout=layout,
        n_periods=n_periods,
        grace_periods=grace_periods,
        principal_own=principal,
        balance_own=balance,
    )
