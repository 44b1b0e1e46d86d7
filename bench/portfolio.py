"""Scaling of ``debttrap portfolio``: loans, paths, workers and peak memory, in one run.

Two phases are timed apart, because they scale on different axes:

* **borrowers** (country build, DSA, simulation per borrower): grows with borrowers × paths,
  not with loans; run with 1 process and with 2 local processes;
* **book** (every loan's schedule, debt service at risk, expected shortfall, Euler
  contributions): grows with loans and with borrowers × paths.

On a machine that other jobs share, wall time alone cannot tell parallel overhead from the
other jobs' load, so every run is also accounted in CPU time (this process and its reaped
worker processes):

* ``work_eff``: CPU of the 1-process run / CPU of the 2-process run (1.0: parallel running
  adds no work: no repeated set-up, no serialisation cost);
* ``balance_eff``: each borrower's CPU time (from the 1-process run) dealt to 2 workers in the
  order the run submits them, as the pool does: total / (2 × the busier worker's total);
* ``idle_eff``: ``work_eff × balance_eff``, the efficiency 1 → 2 workers on two free cores;
* ``wall_eff``: ``T1 / (2 T2)`` as measured, and ``cpu_share_1``, ``cpu_share_2``: the
  share of its cores each run actually got (CPU / (workers × wall); below 1: other load).

Books are drawn (with replacement, new ids) from the bundled IBRD and IDA loans to the chosen
borrowers. Peak memory is the maximum resident set of this process and of the largest worker.

Default sizes are small (under a minute); ``--full`` runs 5k/10k/20k loans × 250/500/1,000
paths over every borrower of the IBRD + IDA book and writes the 20k × 1,000 run to a DuckDB
file when the ``portfolio`` extra is installed. Run from the repository root:
``python bench/portfolio.py [--full]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from debttrap.portfolio import Book, aggregate, book_from_frame, run_portfolio, world_bank_book
from debttrap.portfolio.borrower import BorrowerPaths, borrower_paths


def _book(n_loans: int, borrowers: tuple[str, ...], seed: int = 0) -> Book:
    base = world_bank_book().select(borrowers)
    loans = base.loans
    rng = np.random.default_rng(seed)
    pick = loans.iloc[rng.integers(0, len(loans), size=n_loans)].reset_index(drop=True)
    pick["loan_id"] = [f"B{i}" for i in range(n_loans)]
    for c in ("first_repayment_date", "last_repayment_date"):
        pick[c] = pick[c].dt.strftime("%Y-%m-%d")
    return book_from_frame(pick, name=f"bench {n_loans}", as_of=base.as_of, source="bench")


def _cpu_s() -> float:
    """CPU seconds of this process and of its finished worker processes."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _borrower_phase(book: Book, n_paths: int, workers: int
                    ) -> tuple[float, float, list[BorrowerPaths], list[float]]:
    """Wall and CPU seconds, the borrowers, and each borrower's CPU (1 process only)."""
    done: list[BorrowerPaths] = []
    each: list[float] = []
    mark = [time.process_time()]

    def finished(p: BorrowerPaths) -> None:
        now = time.process_time()
        each.append(now - mark[0])
        mark[0] = now
        done.append(p)

    c0, t0 = _cpu_s(), time.perf_counter()
    run_portfolio(book, n_paths=n_paths, workers=workers, on_borrower=finished)
    return time.perf_counter() - t0, _cpu_s() - c0, done, each


def _autogroup() -> str:
    """A note when the kernel shares the CPU by session (all our processes: one share)."""
    try:
        on = Path("/proc/sys/kernel/sched_autogroup_enabled").read_text().strip() == "1"
    except OSError:
        return ""
    return ("; the kernel's autogroup scheduling is on: this run's processes share one "
            "session's CPU share when other sessions are busy") if on else ""


def _balance(costs: list[float], workers: int) -> float:
    """Efficiency of dealing tasks of these costs, in this order, to the first free worker."""
    load = [0.0] * workers
    for c in costs:
        load[load.index(min(load))] += c
    return sum(costs) / (workers * max(load)) if max(load) > 0 else 1.0


def _store_s(book: Book, paths: list[BorrowerPaths], n_paths: int) -> float | None:
    """Seconds to write every borrower and the results to a fresh DuckDB file."""
    from debttrap.portfolio.store import BookStore, missing_dependencies

    if missing_dependencies():
        return None
    res = aggregate(book, {p.iso3: p for p in paths}, n_paths=n_paths, seed=1)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        with BookStore.open(Path(tmp) / "bench.duckdb", book, n_paths=n_paths, seed=1,
                            first_year=2024, tail=0.95) as store:
            for p in paths:
                store.add(p)
            store.write_results(res)
        return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--full", action="store_true",
                        help="5k/10k/20k loans x 250/500/1,000 paths, every borrower (minutes)")
    args = parser.parse_args(argv)
    loans_sizes: tuple[int, ...]
    path_sizes: tuple[int, ...]
    if args.full:
        loans_sizes, path_sizes = (5_000, 10_000, 20_000), (250, 500, 1_000)
        borrowers = world_bank_book().borrowers
    else:
        loans_sizes, path_sizes = (1_000, 2_000, 4_000), (100, 200)
        borrowers = ("BGD", "ETH", "GHA", "KEN", "NGA", "PAK", "TZA", "UGA", "ZMB", "IND",
                     "MEX", "TUR")
    print(f"cores: {os.cpu_count()}; load average before: "
          f"{', '.join(f'{v:.1f}' for v in os.getloadavg())}; borrowers: {len(borrowers)}"
          f"{_autogroup()}")
    # the imports and the bundled files once, outside every timing (as in a long run)
    borrower_paths(borrowers[0], n_paths=10, seed=1, first_year=2024)
    rows = []
    kept: tuple[Book, list[BorrowerPaths], int] | None = None
    for n_paths in path_sizes:
        book = _book(loans_sizes[-1], borrowers)
        t1, c1, paths, each = _borrower_phase(book, n_paths, 1)
        t2, c2, _, _ = _borrower_phase(book, n_paths, 2)
        work, balance = c1 / c2, _balance(each, 2)
        by_code = {p.iso3: p for p in paths}
        for n_loans in loans_sizes:
            big = _book(n_loans, borrowers)
            t_book = c_book = float("inf")
            for _ in range(3):  # the best of three: a short phase on a shared machine
                c0, t0 = _cpu_s(), time.perf_counter()
                aggregate(big, {c: by_code[c] for c in big.borrowers if c in by_code},
                          n_paths=n_paths, seed=1)
                t_book = min(t_book, time.perf_counter() - t0)
                c_book = min(c_book, _cpu_s() - c0)
            rows.append({
                "paths": n_paths, "loans": n_loans,
                "assessed": sum(p.assessed for p in paths),
                "borrowers_1w_s": t1, "borrowers_2w_s": t2,
                "borrowers_cpu_1w_s": c1, "borrowers_cpu_2w_s": c2,
                "work_eff": work, "balance_eff": balance, "idle_eff": work * balance,
                "wall_eff": t1 / (2 * t2), "cpu_share_1": c1 / t1, "cpu_share_2": c2 / (2 * t2),
                "book_s": t_book, "book_cpu_s": c_book,
                "total_2w_s": t2 + t_book,
                # on two free cores: the busier worker's CPU, then the book phase
                "total_2_idle_cores_s": c2 / (2 * balance) + c_book,
            })
        kept = (book, paths, n_paths)
    frame = pd.DataFrame(rows)
    with pd.option_context("display.width", 250, "display.max_columns", 30):
        print(frame.to_string(index=False, float_format=lambda v: f"{v:.3g}"))
    # linear in loans (book phase) and in paths (borrower phase): a least-squares line and
    # the largest distance of a measurement from it
    for label, x_col, y_col, sub in (
        ("book phase CPU", "loans", "book_cpu_s", frame[frame["paths"] == path_sizes[-1]]),
        ("borrower phase CPU (1 process)", "paths", "borrowers_cpu_1w_s",
         frame[frame["loans"] == loans_sizes[0]]),
    ):
        x, y = sub[x_col].to_numpy(float), sub[y_col].to_numpy(float)
        slope, icpt = np.polyfit(x, y, 1)
        off = np.abs(y - (icpt + slope * x)).max() / y.mean()
        print(f"{label} = {icpt:.3g} s + {slope * 1000:.3g} s per 1,000 {x_col} "
              f"(measurements within {100 * off:.0f}% of the line); measured: "
              + ", ".join(f"{int(a):,} {x_col} {b:.3g} s" for a, b in zip(x, y, strict=True)))
    if kept is not None:
        db = _store_s(*kept)
        if db is not None:
            print(f"DuckDB: every borrower and the results of {kept[0].n_loans:,} loans x "
                  f"{kept[2]:,} paths written in {db:.2f} s")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak resident memory: {own:.0f} MB (this process), {kids:.0f} MB (largest worker); "
          f"load average after: {', '.join(f'{v:.1f}' for v in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
