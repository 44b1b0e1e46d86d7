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
    p.add_argument("--loans", type=int, default=100_000)
    p.add_argument("--sample", type=int, default=2_000, help="loans timed in the per-loan loops")
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
