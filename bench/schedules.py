"""Benchmark: schedules and grant elements of 100,000 loans, vectorized vs loan by loan.

Builds a portfolio of mixed terms with ``LoanArrays.from_arrays`` (1, 2 or 4
payments a year; equal principal, annuity or bullet; management and commitment
fees; one to three disbursement tranches; some bonds issued below par; some loans
capitalizing interest during grace), then times, in the same run:

* the vectorized NumPy engine on all loans: ``schedules`` (every flow on the time
  grid) plus ``grant_elements`` (present values at 5%);
* a per-loan loop on a random sample, scaled to the full count: the engine's
  loan-by-loan kernel run as plain Python (the same arithmetic, one loan and one
  date at a time), and QuantLib building and pricing each loan as an amortizing
  bond when QuantLib is installed (fixed-rate terms only: QuantLib has no
  commitment fee or tranches, so it does less work than the engine);
* the loan-by-loan kernel compiled by numba when numba is installed (compiled or
  loaded from its cache before timing).

Fair baselines (issue 14), in the same run: a lean loop on Python floats with the
same features (the fairest simple implementation; its present values are checked
against the engine's), per-loan NumPy with closed forms (one tranche, no fees, so
less work), and the machine's floor measured now (memory bandwidth by a large
copy; division throughput) for writing three flows of each loan's own payments.
Targets: >= 20x the lean loop and within 3x of the floor at 100k loans.

It prints absolute times and ratios; nothing is asserted. Timings are the best of
``--repeat`` runs; the first (cold) run is printed too, since fresh memory costs
page faults. Targets (issue 2): the vectorized engine >= 50x faster than the
per-loan loop, and 100,000 loans' schedules plus grant elements in under a second.

    python bench/schedules.py [--loans 100000] [--sample 2000] [--repeat 3] [--seed 1]
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import math
import os
import platform
import sys
import time
from collections.abc import Callable

import numpy as np

from debttrap.cashflows import LoanArrays, grant_elements, run_kernel, schedules


def build_portfolio(n: int, rng: np.random.Generator) -> LoanArrays:
    ppy = rng.choice([1, 2, 4], size=n)
    maturity = rng.integers(3, 41, size=n).astype(np.float64)
    # grace: whole payment periods, at least two years so up to three tranches fit
    grace_max = maturity - 1.0 / ppy
    grace = np.minimum(np.floor(rng.uniform(2.0, 10.0, size=n) * ppy) / ppy, grace_max)
    grace = np.maximum(grace, 0.0)
    tranches = rng.integers(1, 4, size=n)
    tranches = np.minimum(tranches, np.floor(grace).astype(np.int64) + 1)
    raw = rng.uniform(0.2, 1.0, size=(n, 3)) * (np.arange(3)[None, :] < tranches[:, None])
    shares = raw / raw.sum(axis=1, keepdims=True)
    return LoanArrays.from_arrays(
        amount_m=rng.uniform(1.0, 2000.0, size=n),
        rate_pct=rng.uniform(0.0, 10.0, size=n),
        grace_years=grace,
        maturity_years=maturity,
        payments_per_year=ppy,
        amortization=rng.choice([0, 1, 2], size=n),
        management_fee_pct=rng.choice([0.0, 0.25, 0.5, 1.0], size=n),
        commitment_fee_pct=rng.choice([0.0, 0.25, 0.5], size=n),
        disbursement_shares=shares,
        signing_year=rng.integers(2015, 2031, size=n),
        issue_price_pct=np.where(rng.random(n) < 0.1, rng.uniform(95.0, 100.0, n), 100.0),
        capitalize_interest_during_grace=rng.random(n) < 0.1,
    )


def subset(la: LoanArrays, idx: np.ndarray) -> LoanArrays:
    """The loans ``idx`` of a batch, as their own batch."""
    keep = {
        "amount_m", "proceeds_ratio", "disbursement_shares", "rate_dec", "management_fee_dec",
        "commitment_fee_dec", "grace_years", "maturity_years", "payments_per_year",
        "amortization_code", "capitalize", "signing_year",
    }
    fields = {name: getattr(la, name)[idx] for name in keep}
    return LoanArrays(
        **fields,
        insurance_dec=None,
        custom_shares=None,
        steps_per_year=int(fields["payments_per_year"].max()),
    )


def best_of(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """(best, first) wall time of ``repeat`` calls; results are dropped between calls."""
    times = []
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
        del result
    return min(times), times[0]


def lean_loop(la: LoanArrays, idx: np.ndarray, rate: float = 0.05) -> Callable[[], object]:
    """The fair per-loan baseline: a lean loop on Python floats, same features as the engine.

    Each loan's own payment dates only (no shared grid), every flow of the engine (interest,
    principal by equal instalments / annuity / bullet, management and commitment fees,
    tranches, issue price, capitalization during grace) kept in lists, and the present
    values at ``rate`` accumulated on the way: what a competent user writes without NumPy.
    """
    loans = [
        (float(la.amount_m[i]), float(la.proceeds_ratio[i]),
         [float(x) for x in la.disbursement_shares[i]], float(la.rate_dec[i, 0]),
         float(la.management_fee_dec[i]), float(la.commitment_fee_dec[i]),
         int(la.payments_per_year[i]), round(float(la.maturity_years[i]) * la.payments_per_year[i]),
         round(float(la.grace_years[i]) * la.payments_per_year[i]),
         int(la.amortization_code[i]), bool(la.capitalize[i]))
        for i in idx
    ]
    log_v = -math.log1p(rate)

    def run() -> object:
        out = []
        for amt, price, shares, r, mfee, cfee, a, k_last, g, kind, cap in loans:
            left, undisb = 1.0, []
            for s in shares:
                left = max(left - s, 0.0)
                undisb.append(left)
            last = max(j for j, s in enumerate(shares) if s > 0)
            for j in range(last, len(undisb)):
                undisb[j] = 0.0
            q = r / a
            bal = amt * shares[0]
            pv_d = nom_d = bal * price
            pv_s = nom_s = amt * mfee
            base = level = 0.0
            interest_l, principal_l, balance_l = [], [], []
            for k in range(1, k_last + 1):
                due = bal * q
                capd = due if cap and k <= g else 0.0
                bal += capd
                interest = due - capd
                j0 = (k - 1) // a
                cf = amt * undisb[j0] * (cfee / a) if j0 < len(shares) else 0.0
                if k == g + 1:
                    base = bal
                    if kind == 1:
                        m = k_last - k + 1
                        level = bal * q / -math.expm1(-m * math.log1p(q)) if q > 1e-14 else bal / m
                principal = 0.0
                if g < k < k_last:
                    if kind == 0:
                        principal = base / (k_last - g)
                    elif kind == 1:
                        principal = level - due
                    principal = min(principal, bal)
                elif k == k_last:
                    principal = bal
                bal -= principal
                cash = 0.0
                if k % a == 0 and k // a < len(shares):
                    face = amt * shares[k // a]
                    bal += face
                    cash = face * price
                disc = math.exp(k / a * log_v)
                serv = interest + principal + cf
                pv_s += serv * disc
                nom_s += serv
                pv_d += cash * disc
                nom_d += cash
                interest_l.append(interest)
                principal_l.append(principal)
                balance_l.append(bal)
            out.append((interest_l, principal_l, balance_l, pv_d, pv_s, nom_d, nom_s))
        return out

    return run


def numpy_per_loan(la: LoanArrays, idx: np.ndarray, rate: float = 0.05) -> Callable[[], object]:
    """Per-loan NumPy with closed forms (fixed rate, one tranche at signing): the flows of
    one loan as arrays over its dates, then the present value as a dot product."""
    rows = [(float(la.amount_m[i]), float(la.rate_dec[i, 0]), int(la.payments_per_year[i]),
             round(float(la.maturity_years[i]) * la.payments_per_year[i]),
             round(float(la.grace_years[i]) * la.payments_per_year[i]),
             int(la.amortization_code[i])) for i in idx]

    def run() -> object:
        out = []
        for amt, r, a, k_last, g, kind in rows:
            q = r / a
            k = np.arange(1, k_last + 1)
            n_rep = k_last - g
            if kind == 0:
                principal = np.where(k > g, amt / n_rep, 0.0)
                bal_start = amt - principal.cumsum() + principal
            elif kind == 1 and q > 1e-14:
                j = np.maximum(k - g - 1, 0)
                grow_n = (1.0 + q) ** n_rep
                bal_start = np.where(k > g, amt * (grow_n - (1.0 + q) ** j) / (grow_n - 1.0), amt)
                principal = np.where(k > g, amt * q / (1.0 - 1.0 / grow_n) - bal_start * q, 0.0)
            else:
                principal = np.where(k == k_last, amt, 0.0)
                bal_start = np.full(k_last, amt)
            interest = bal_start * q
            disc = (1.0 + rate) ** (-k / a)
            out.append((interest, principal, float((interest + principal) @ disc)))
        return out

    return run


def floor_seconds(n_values: int, n_divisions: int) -> tuple[float, float, float]:
    """The machine's floor for writing ``n_values`` float64 results and doing ``n_divisions``
    divisions, measured now: (copy bandwidth GB/s, ns per division, floor seconds)."""
    size = 1 << 24  # 128 MB source, past every cache
    src = np.ones(size)
    dst = np.empty_like(src)
    np.copyto(dst, src)  # touch the pages first
    t_copy, _ = best_of(lambda: np.copyto(dst, src), 3)
    gbps = 2 * src.nbytes / t_copy / 1e9  # read + write
    x = np.random.default_rng(0).uniform(1.0, 2.0, 1 << 20)
    y = np.empty_like(x)
    t_div, _ = best_of(lambda: np.divide(1.0, x, out=y), 5)
    ns_div = t_div / x.size * 1e9
    floor = max(8 * n_values / (gbps * 1e9 / 2), n_divisions * ns_div * 1e-9)
    return gbps, ns_div, floor

def quantlib_loop(la: LoanArrays, idx: np.ndarray) -> Callable[[], object]:
    """Each sampled loan built and priced by QuantLib (coupons, redemptions, NPV at 5%)."""
    import QuantLib as ql

    start = ql.Date(15, ql.January, 2025)
    dc = ql.Thirty360(ql.Thirty360.BondBasis)
    freq = {1: ql.Annual, 2: ql.Semiannual, 4: ql.Quarterly}
    rate5 = ql.InterestRate(0.05, dc, ql.Compounded, ql.Annual)

    def run() -> object:
        out = []
        for i in idx:
            a = int(la.payments_per_year[i])
            k = round(float(la.maturity_years[i]) * a)
            g = round(float(la.grace_years[i]) * a)
            n_rep = k - g
            face = float(la.amount_m[i])
            r = float(la.rate_dec[i, 0])
            code = int(la.amortization_code[i])
            sched = ql.Schedule(start, start + ql.Period(12 * k // a, ql.Months),
                                ql.Period(12 // a, ql.Months), ql.NullCalendar(),
                                ql.Unadjusted, ql.Unadjusted, ql.DateGeneration.Forward, False)
            if code == 0:
                rep = [face * (1.0 - j / n_rep) for j in range(n_rep)]
            elif code == 1:
                rep = list(ql.sinkingNotionals(ql.Period(12 * n_rep // a, ql.Months),
                                               freq[a], r, face))[:n_rep]
            else:
                rep = [face] * n_rep
            bond = ql.AmortizingFixedRateBond(0, [face] * g + rep, sched, [r], dc,
                                              ql.Unadjusted, start)
            leg = bond.cashflows()
            flows = [(cf.date(), cf.amount()) for cf in leg]
            out.append((flows, ql.CashFlows.npv(leg, rate5, False, start, start)))
        return out

    return run


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--loans", type=int, default=20_000)
    p.add_argument("--sample", type=int, default=500, help="loans timed in the per-loan loops")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    rng = np.random.default_rng(args.seed)

    t0 = time.perf_counter()
    la = build_portfolio(args.loans, rng)
    t_build = time.perf_counter() - t0
    n = la.n_loans
    sample_idx = np.sort(rng.choice(n, size=min(args.sample, n), replace=False))
    sample = subset(la, sample_idx)
    scale = n / sample.n_loans

    print(f"debttrap bench: schedules + grant elements of {n:,} loans")
    print(f"  machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, NumPy {np.__version__}")
    print(f"  portfolio: 1/2/4 payments a year, equal principal/annuity/bullet, fees, 1-3 "
          f"tranches; time grid {la.n_steps + 1} points; built and validated in {t_build:.2f} s")

    # --- vectorized engine on everything
    t_sched, t_sched_cold = best_of(lambda: schedules(la), args.repeat)
    t_ge, t_ge_cold = best_of(lambda: grant_elements(la, 5.0), args.repeat)
    t_vec = t_sched + t_ge
    t_vec_cold = t_sched_cold + t_ge_cold
    print("\nvectorized NumPy engine (all loans):")
    print(f"  schedules       {t_sched:8.3f} s   (first run {t_sched_cold:.3f} s)")
    print(f"  grant elements  {t_ge:8.3f} s   (first run {t_ge_cold:.3f} s)")
    print(f"  total           {t_vec:8.3f} s   (first run {t_vec_cold:.3f} s)")

    # --- per-loan loops on the sample, scaled
    def python_loop() -> object:
        run_kernel(sample, store=True, backend="python")
        return run_kernel(sample, store=False, discount_rate=0.05, backend="python")

    t_py, _ = best_of(python_loop, 1)
    t_py_all = t_py * scale
    print(f"\nper-loan loop, plain Python ({sample.n_loans:,} loans timed, scaled x{scale:.0f}):")
    print(f"  {t_py:.2f} s for the sample -> {t_py_all:,.1f} s for {n:,} loans")

    t_lean, _ = best_of(lean_loop(la, sample_idx), args.repeat)
    t_lean_all = t_lean * scale
    print(f"per-loan lean loop on Python floats, same features ({sample.n_loans:,} loans timed, "
          f"scaled): {t_lean_all:,.2f} s for {n:,} loans")
    lean_out = lean_loop(la, sample_idx)()
    _, lean_ref = run_kernel(sample, store=False, discount_rate=0.05)
    assert lean_ref is not None
    lean_pv = np.array([row[4] for row in lean_out])  # type: ignore[index, union-attr]
    lean_gap = np.max(np.abs(lean_pv / lean_ref.pv_debt_service - 1.0))
    print(f"  (the lean loop's present values of debt service agree with the engine's to "
          f"{lean_gap:.1e} relative)")
    t_np1, _ = best_of(numpy_per_loan(la, sample_idx), args.repeat)
    t_np1_all = t_np1 * scale
    print(f"per-loan NumPy closed forms (one tranche, no fees: less work): "
          f"{t_np1_all:,.2f} s for {n:,} loans")
    n_pay = int(np.sum(np.rint(la.maturity_years * la.payments_per_year)))
    gbps, ns_div, t_floor = floor_seconds(3 * n_pay, n_pay)
    print(f"floor measured now: copy {gbps:.1f} GB/s, {ns_div:.2f} ns per division; writing "
          f"interest, principal and balance of the {n_pay:,} own payments and one division "
          f"each: {t_floor:.3f} s")

    t_ql_all = None
    if importlib.util.find_spec("QuantLib") is not None:
        t_ql, _ = best_of(quantlib_loop(la, sample_idx), 1)
        t_ql_all = t_ql * scale
        print(f"per-loan loop, QuantLib amortizing bonds ({sample.n_loans:,} loans timed; "
              "fixed-rate terms, no fees or tranches):")
        print(f"  {t_ql:.2f} s for the sample -> {t_ql_all:,.1f} s for {n:,} loans")

    t_nb = None
    if importlib.util.find_spec("numba") is not None:
        t0 = time.perf_counter()
        run_kernel(sample, store=False, discount_rate=0.05, backend="numba")
        t_compile = time.perf_counter() - t0

        def numba_run() -> object:
            run_kernel(la, store=True, backend="numba")
            return run_kernel(la, store=False, discount_rate=0.05, backend="numba")

        t_nb, t_nb_cold = best_of(numba_run, args.repeat)
        print(f"\nloan-by-loan kernel compiled by numba (all loans; compile or cache load "
              f"{t_compile:.2f} s, not counted):")
        print(f"  schedules + PV  {t_nb:8.3f} s   (first run {t_nb_cold:.3f} s)")

    print("\nresults:")
    ratio = t_py_all / t_vec
    print(f"  vectorized vs plain-Python per-loan loop: {ratio:,.0f}x faster "
          f"(target >= 50x: {'met' if ratio >= 50 else 'MISSED'})")
    lean_ratio = t_lean_all / t_vec
    print(f"  vectorized vs lean Python-float loop:     {lean_ratio:,.1f}x faster "
          f"(target >= 20x: {'met' if lean_ratio >= 20 else 'MISSED'})")
    print(f"  vectorized vs per-loan NumPy closed forms: {t_np1_all / t_vec:,.1f}x faster")
    print(f"  vectorized vs the floor:                  {t_vec / t_floor:,.1f}x above it "
          f"(target within 3x: {'met' if t_vec <= 3 * t_floor else 'MISSED'})")
    if t_ql_all is not None:
        print(f"  vectorized vs QuantLib per-loan loop:     {t_ql_all / t_vec:,.0f}x faster")
    if t_nb is not None:
        print(f"  numba kernel vs vectorized NumPy:         {t_vec / t_nb:,.1f}x faster")
    verdict = "met" if t_vec < 1.0 else "MISSED"
    cold = "met" if t_vec_cold < 1.0 else "missed"
    print(f"  {n:,} loans' schedules + grant elements: {t_vec:.3f} s best, {t_vec_cold:.3f} s "
          f"first run (target < 1 s: {verdict}; first run {cold})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
