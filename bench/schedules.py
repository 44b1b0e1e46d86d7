"""Benchmark: schedules and grant elements of many loans, against fair baselines and the floor.

Builds a portfolio of mixed terms with ``LoanArrays.from_arrays`` (1, 2 or 4 payments a
year; equal principal, annuity or bullet; management and commitment fees; one to three
disbursement tranches; some bonds issued below par; some loans capitalizing interest
during grace), then measures, interleaved in one process (CPU time, best of
``--repeat``, since the machine may be shared):

* the engine: ``schedules`` (every flow of every loan, kept in the compact layout) plus
  ``grant_elements`` of that batch (present values at 5%, read from the kept balances),
  two public calls; the same two calls with ``grant_elements`` of the loans (the kernel
  runs again: "two calls, rerun"); and the same work in one pass of the kernel
  (``run_kernel(store=True, discount_rate=0.05)``);
* a lean loop over loans on plain Python floats with the same features (the fairest
  simple implementation; its present values are checked against the engine's) and
  per-loan NumPy with closed forms (one tranche, no fees: less work), both timed on a
  random sample and scaled to the full count; QuantLib building and pricing each sampled
  loan as an amortizing bond when QuantLib is installed (fixed-rate terms only);
* the machine's floor measured now: copy bandwidth of a large copy (128 MB), into memory
  already touched (``np.copyto``) and into fresh memory (``np.copy``: a new result is
  fresh memory, paged in as it is written), and division throughput, for writing
  interest, principal and balance of every own payment of every loan (24 bytes) or doing
  one division each, whichever is slower;
* scaling: time per loan and peak memory (tracemalloc, the engine's own allocations:
  result and temporaries; the loans' terms are counted apart) at 10k, 100k, 300k and 1M
  loans (``--sizes``).

Targets (issue 14): >= 20x the lean loop and within 3x of the floor at 100k loans; 1M
loans under 1 GB and time linear in the number of loans. It prints times, ratios and
the verdicts; nothing is asserted.

    python bench/schedules.py [--loans 100000] [--sample 2000] [--repeat 3] [--seed 1]
                              [--sizes 10000,100000,300000,1000000]
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
import tracemalloc
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
        "amount_m",
        "proceeds_ratio",
        "disbursement_shares",
        "rate_dec",
        "management_fee_dec",
        "commitment_fee_dec",
        "grace_years",
        "maturity_years",
        "payments_per_year",
        "amortization_code",
        "capitalize",
        "signing_year",
    }
    fields = {name: getattr(la, name)[idx] for name in keep}
    return LoanArrays(
        **fields,
        insurance_dec=None,
        custom_shares=None,
        steps_per_year=int(fields["payments_per_year"].max()),
    )


def cpu_best(fn: Callable[[], object], repeat: int) -> float:
    """Best CPU time of ``repeat`` calls (results dropped between calls)."""
    best = math.inf
    for _ in range(repeat):
        gc.collect()
        t0 = time.process_time()
        result = fn()
        best = min(best, time.process_time() - t0)
        del result
    return best


def engine_two_calls(la: LoanArrays) -> Callable[[], object]:
    """What a user calls: every schedule kept, then every grant element."""

    def run() -> object:
        batch = schedules(la)
        return batch, grant_elements(batch, 5.0)

    return run


def engine_two_calls_rerun(la: LoanArrays) -> Callable[[], object]:
    """The two calls with grant elements from the loans (the kernel runs a second time, as
    every call did before grant elements could read a kept schedule)."""
    return lambda: (schedules(la), grant_elements(la, 5.0))


def engine_one_pass(la: LoanArrays) -> Callable[[], object]:
    """The same work in one pass of the kernel: schedules kept, present values on the way."""

    def run() -> object:
        sched, totals = run_kernel(la, store=True, discount_rate=0.05)
        assert totals is not None
        return sched, 100.0 * (1.0 - totals.pv_debt_service / totals.pv_disbursement)

    return run


def lean_loop(la: LoanArrays, idx: np.ndarray, rate: float = 0.05) -> Callable[[], object]:
    """The fair per-loan baseline: a lean loop on Python floats, same features as the engine.

    Each loan's own payment dates only (no shared grid), every flow of the engine (interest,
    principal by equal instalments / annuity / bullet, management and commitment fees,
    tranches, issue price, capitalization during grace) kept in lists, and the present
    values at ``rate`` accumulated on the way: what a competent user writes without NumPy.
    """
    loans = [
        (
            float(la.amount_m[i]),
            float(la.proceeds_ratio[i]),
            [float(x) for x in la.disbursement_shares[i]],
            float(la.rate_dec[i, 0]),
            float(la.management_fee_dec[i]),
            float(la.commitment_fee_dec[i]),
            int(la.payments_per_year[i]),
            round(float(la.maturity_years[i]) * la.payments_per_year[i]),
            round(float(la.grace_years[i]) * la.payments_per_year[i]),
            int(la.amortization_code[i]),
            bool(la.capitalize[i]),
        )
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
    rows = [
        (
            float(la.amount_m[i]),
            float(la.rate_dec[i, 0]),
            int(la.payments_per_year[i]),
            round(float(la.maturity_years[i]) * la.payments_per_year[i]),
            round(float(la.grace_years[i]) * la.payments_per_year[i]),
            int(la.amortization_code[i]),
        )
        for i in idx
    ]

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


def n_payments(la: LoanArrays) -> int:
    return int(np.sum(np.rint(la.maturity_years * la.payments_per_year)))


def machine_floor() -> tuple[float, float, float]:
    """Measured now: (copy rate into memory already touched, copy rate into fresh memory,
    both in bytes of output per second; seconds per division)."""
    size = 1 << 24  # 128 MB source, past every cache
    src = np.ones(size)
    dst = np.empty_like(src)
    np.copyto(dst, src)  # touch the pages first
    t_copy = cpu_best(lambda: np.copyto(dst, src), 5)
    t_fresh = cpu_best(lambda: np.copy(src), 5)  # a new result must be paged in, as here
    x = np.random.default_rng(0).uniform(1.0, 2.0, 1 << 16)  # in cache: pure throughput
    y = np.empty_like(x)

    def divide() -> None:
        for _ in range(64):
            np.divide(1.0, x, out=y)

    t_div = cpu_best(divide, 5) / (64 * x.size)
    return src.nbytes / t_copy, src.nbytes / t_fresh, t_div


def floor_seconds(n_pay: int, copy_rate: float, t_div: float) -> float:
    """Writing 3 flows (interest, principal, balance) of every payment at ``copy_rate``,
    or one division each, whichever takes longer."""
    return max(3 * 8 * n_pay / copy_rate, n_pay * t_div)


def peak_bytes(fn: Callable[[], object]) -> int:
    """Peak traced allocation while ``fn`` runs (its result included)."""
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    result = fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del result
    return peak


def terms_bytes(la: LoanArrays) -> int:
    return sum(
        x.nbytes
        for x in (getattr(la, f) for f in la.__dataclass_fields__)
        if isinstance(x, np.ndarray)
    )


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
            sched = ql.Schedule(
                start,
                start + ql.Period(12 * k // a, ql.Months),
                ql.Period(12 // a, ql.Months),
                ql.NullCalendar(),
                ql.Unadjusted,
                ql.Unadjusted,
                ql.DateGeneration.Forward,
                False,
            )
            if code == 0:
                rep = [face * (1.0 - j / n_rep) for j in range(n_rep)]
            elif code == 1:
                rep = list(
                    ql.sinkingNotionals(ql.Period(12 * n_rep // a, ql.Months), freq[a], r, face)
                )[:n_rep]
            else:
                rep = [face] * n_rep
            bond = ql.AmortizingFixedRateBond(
                0, [face] * g + rep, sched, [r], dc, ql.Unadjusted, start
            )
            leg = bond.cashflows()
            flows = [(cf.date(), cf.amount()) for cf in leg]
            out.append((flows, ql.CashFlows.npv(leg, rate5, False, start, start)))
        return out

    return run


def compare(args: argparse.Namespace) -> None:
    rng = np.random.default_rng(args.seed)
    la = build_portfolio(args.loans, rng)
    n = la.n_loans
    sample_idx = np.sort(rng.choice(n, size=min(args.sample, n), replace=False))
    scale = n / sample_idx.size
    n_pay = n_payments(la)
    print(
        f"\n{n:,} loans, {n_pay:,} own payment dates ({n_pay / n:.1f} a loan); "
        f"per-loan loops timed on {sample_idx.size:,} loans and scaled x{scale:.0f}"
    )

    lean = lean_loop(la, sample_idx)
    per_np = numpy_per_loan(la, sample_idx)
    two = engine_two_calls(la)
    rerun = engine_two_calls_rerun(la)
    one = engine_one_pass(la)
    quantlib = quantlib_loop(la, sample_idx) if importlib.util.find_spec("QuantLib") else None
    best: dict[str, float] = {}
    rounds = []
    for _ in range(args.repeat):  # interleaved, so a burst of load hits every contender
        rounds.append(machine_floor())
        timings = {
            "engine, two calls": cpu_best(two, 1),
            "two calls, rerun": cpu_best(rerun, 1),
            "engine, one pass": cpu_best(one, 1),
            "lean loop": cpu_best(lean, 1) * scale,
            "NumPy per loan": cpu_best(per_np, 1) * scale,
        }
        if quantlib is not None:
            timings["QuantLib"] = cpu_best(quantlib, 1) * scale
        for key, value in timings.items():
            best[key] = min(best.get(key, math.inf), value)
    copy_rate = max(r[0] for r in rounds)
    fresh_rate = max(r[1] for r in rounds)
    t_div = min(r[2] for r in rounds)
    floor_touched = floor_seconds(n_pay, copy_rate, t_div)
    floor_fresh = floor_seconds(n_pay, fresh_rate, t_div)

    lean_out = lean()
    _, ref = run_kernel(subset(la, sample_idx), store=False, discount_rate=0.05)
    assert ref is not None
    lean_pv = np.array([row[4] for row in lean_out])  # type: ignore[index, union-attr]
    gap = float(np.max(np.abs(lean_pv / ref.pv_debt_service - 1.0)))

    print(
        f"floor measured now: copy {copy_rate / 1e9:.1f} GB/s into memory already touched, "
        f"{fresh_rate / 1e9:.1f} GB/s into fresh memory (np.copy); "
        f"{t_div * 1e9:.2f} ns per division"
    )
    print(
        f"  writing interest, principal and balance of every payment (24 B each), or one "
        f"division each: {floor_touched:.3f} s into touched memory, {floor_fresh:.3f} s "
        "into fresh memory (a new result is fresh memory)"
    )
    print("CPU seconds, best of the interleaved rounds:")
    for key, value in best.items():
        print(f"  {key:<20} {value:8.3f} s")
    print(f"  (the lean loop's present values agree with the engine's to {gap:.1e} relative)")
    print("ratios:")
    for engine in ("engine, two calls", "two calls, rerun", "engine, one pass"):
        t = best[engine]
        print(f"  {engine}:")
        lean_ratio = best["lean loop"] / t
        print(
            f"    vs the lean Python-float loop: {lean_ratio:6.1f}x faster "
            f"(target >= 20x: {'met' if lean_ratio >= 20 else 'MISSED'})"
        )
        print(
            f"    vs per-loan NumPy closed forms: {best['NumPy per loan'] / t:6.1f}x faster "
            "(they do less work)"
        )
        if "QuantLib" in best:
            print(
                f"    vs QuantLib per loan:           {best['QuantLib'] / t:6.1f}x faster "
                "(fixed rate, no fees or tranches: less work)"
            )
        print(
            f"    vs the floor, fresh memory:    {t / floor_fresh:6.1f}x above it "
            f"(target within 3x: {'met' if t <= 3 * floor_fresh else 'MISSED'})"
        )
        print(f"    vs the floor, touched memory:  {t / floor_touched:6.1f}x above it")


def scaling(args: argparse.Namespace) -> None:
    sizes = [int(x) for x in args.sizes.split(",") if x]
    if not sizes:
        return
    print(
        "\nscaling (engine, two calls; CPU time per loan, best of "
        f"{args.repeat}; peak = the engine's own allocations, result included):"
    )
    print(
        f"  {'loans':>10} {'payments':>12} {'ns/loan':>9} {'x 1st':>6} {'peak MB':>9} "
        f"{'B/loan':>7} {'kept MB':>8} {'terms MB':>9}"
    )
    first = None
    for n in sizes:
        la = build_portfolio(n, np.random.default_rng(args.seed))
        t = cpu_best(engine_two_calls(la), args.repeat)
        per = t / n * 1e9
        first = first or per
        peak = peak_bytes(engine_two_calls(la))
        kept = schedules(la).arrays.nbytes
        print(
            f"  {n:>10,} {n_payments(la):>12,} {per:>9.0f} {per / first:>6.2f} "
            f"{peak / 1e6:>9.0f} {peak / n:>7.0f} {kept / 1e6:>8.0f} "
            f"{terms_bytes(la) / 1e6:>9.0f}"
        )
        if n >= 1_000_000:
            verdict = "met" if peak < 1e9 else "MISSED"
            print(
                f"  {n:,} loans: peak {peak / 1e9:.2f} GB (target < 1 GB: {verdict}); "
                f"with the terms {(peak + terms_bytes(la)) / 1e9:.2f} GB"
            )
        del la
        gc.collect()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--loans", type=int, default=100_000)
    p.add_argument("--sample", type=int, default=2_000, help="loans timed in the per-loan loops")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument(
        "--sizes",
        default="10000,100000,300000,1000000",
        help="loan counts of the scaling run (comma-separated; empty: none)",
    )
    args = p.parse_args(argv)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print("debttrap bench: schedules + grant elements")
    print(
        f"  machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"load average {load:.1f} at the start, Python {platform.python_version()}, "
        f"NumPy {np.__version__}"
    )
    compare(args)
    scaling(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
