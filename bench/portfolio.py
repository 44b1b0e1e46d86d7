"""Scaling of ``debttrap portfolio``: loans, paths, workers and peak memory, in one run.

Two phases are timed apart, because they scale on different axes:

* **borrowers** (country build, DSA, simulation per borrower): grows with borrowers × paths,
  not with loans; run with 1 and with 2 local processes (parallel efficiency
  ``T1 / (2 T2)``);
* **book** (every loan's schedule, debt service at risk, expected shortfall, Euler
  contributions): grows with loans and with borrowers × paths.

Books are drawn (with replacement, new ids) from the bundled IBRD and IDA loans to the chosen
borrowers. Peak memory is the process's maximum resident set (and of its worker processes).

Default sizes are small (a few seconds); ``--full`` runs 5k/10k/20k loans × 250/500/1,000
paths over every assessed IDA borrower. Run from the repository root:
``python bench/portfolio.py [--full]``.
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np
import pandas as pd

from debttrap.portfolio import aggregate, book_from_frame, run_portfolio, world_bank_book
from debttrap.portfolio.borrower import BorrowerPaths, borrower_paths


def _book(n_loans: int, borrowers: tuple[str, ...], seed: int = 0):  # type: ignore[no-untyped-def]
    base = world_bank_book().select(borrowers)
    loans = base.loans
    rng = np.random.default_rng(seed)
    pick = loans.iloc[rng.integers(0, len(loans), size=n_loans)].reset_index(drop=True)
    pick["loan_id"] = [f"B{i}" for i in range(n_loans)]
    for c in ("first_repayment_date", "last_repayment_date"):
        pick[c] = pick[c].dt.strftime("%Y-%m-%d")
    return book_from_frame(pick, name=f"bench {n_loans}", as_of=base.as_of, source="bench")


def _borrower_phase(book, n_paths: int, workers: int) -> tuple[float, list[BorrowerPaths]]:  # type: ignore[no-untyped-def]
    done: list[BorrowerPaths] = []
    t0 = time.perf_counter()
    run_portfolio(book, n_paths=n_paths, workers=workers, on_borrower=done.append)
    return time.perf_counter() - t0, done


def _peak_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, kids


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="the full sizes (minutes)")
    args = parser.parse_args(argv)
    if args.full:
        loans_sizes, path_sizes = (5_000, 10_000, 20_000), (250, 500, 1_000)
        from debttrap.portfolio import world_bank_book as wb

        borrowers = wb(("IDA",)).borrowers
    else:
        loans_sizes, path_sizes = (500, 1_000, 2_000), (50, 100)
        borrowers = ("KEN", "UGA", "GHA", "ZMB")
    rows = []
    # warm the imports and the bundled files once, outside every timing
    borrower_paths(borrowers[0], n_paths=10, seed=1, first_year=2024)
    for n_paths in path_sizes:
        book = _book(loans_sizes[0], borrowers)
        t1, paths = _borrower_phase(book, n_paths, 1)
        t2, _ = _borrower_phase(book, n_paths, 2)
        by_code = {p.iso3: p for p in paths}
        for n_loans in loans_sizes:
            big = _book(n_loans, borrowers)
            t0 = time.perf_counter()
            aggregate(big, {c: by_code[c] for c in big.borrowers if c in by_code},
                      n_paths=n_paths, seed=1)
            t_book = time.perf_counter() - t0
            rows.append({"paths": n_paths, "loans": n_loans, "borrowers": len(by_code),
                         "borrowers_1_worker_s": t1, "borrowers_2_workers_s": t2,
                         "efficiency_1_to_2": t1 / (2 * t2), "book_s": t_book,
                         "total_2_workers_s": t2 + t_book})
    frame = pd.DataFrame(rows)
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(frame.to_string(index=False, float_format=lambda v: f"{v:.3g}"))
    own, kids = _peak_mb()
    print(f"peak resident memory: {own:.0f} MB (this process), {kids:.0f} MB (largest worker)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
