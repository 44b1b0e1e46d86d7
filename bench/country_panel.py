"""Speed of ``debttrap dsa --all``: build every covered country from the bundled data and rate it.

Prints, measured in the same run:

* the cold panel (first call in the process: reads the bundled Parquet files),
* the warm panel (files and whole-panel creditor groups already in memory),
* a naive baseline on a sample of countries, with every cache cleared before each
  country (what the panel would cost if each country re-read the data),
* the command itself, ``debttrap dsa --all --json`` in a fresh process (start-up,
  imports and the country cache switched off included), against the 30 s target,

and the ratios between them. Run from the repository root:
``python bench/country_panel.py [sample_size]``.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time

from debttrap import datasets as ds
from debttrap.cli.country import run_all
from debttrap.country import creditors
from debttrap.opendata import amortization, dsa_countries, terms


def clear_all() -> None:
    ds.clear_cache()
    for fn in (
        creditors._all_ids_groups,
        creditors._bank_shares_2018,
        creditors._all_dssi_groups,
        amortization.dssi_pace,
        amortization.median_pace,
        terms.lending_terms,
    ):
        fn.cache_clear()


def main() -> None:
    sample = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    codes = list(dsa_countries())

    clear_all()
    t0 = time.perf_counter()
    rows = run_all(2024, codes)
    cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    run_all(2024, codes)
    warm = time.perf_counter() - t0
    ok = sum(1 for r in rows if r["status"] == "ok")

    pick = codes[:: max(1, len(codes) // sample)][:sample]
    t0 = time.perf_counter()
    for code in pick:
        clear_all()
        run_all(2024, [code])
    naive_per_country = (time.perf_counter() - t0) / len(pick)

    per_country = warm / len(codes)
    print(f"countries: {len(codes)} ({ok} rated, {len(codes) - ok} with a data error)")
    print(f"cold panel (reads the data):      {cold:7.2f} s")
    print(f"warm panel (data in memory):      {warm:7.2f} s  ({per_country * 1e3:.0f} ms/country)")
    print(f"naive, caches cleared per country: {naive_per_country * 1e3:7.0f} ms/country")
    print(f"ratio naive / warm per country:    {naive_per_country / per_country:7.1f}x")
    print(f"ratio cold / warm panel:           {cold / warm:7.2f}x")
    env = {**os.environ, "DEBTTRAP_NO_CACHE": "1"}
    t0 = time.perf_counter()
    c0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [sys.executable, "-m", "debttrap", "dsa", "--all", "--json"],
        env=env, capture_output=True, check=False,
    )
    command = time.perf_counter() - t0
    c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (c1.ru_utime - c0.ru_utime) + (c1.ru_stime - c0.ru_stime)
    status = "ok" if done.returncode == 0 else f"exit {done.returncode}"
    print(f"debttrap dsa --all (fresh process): {command:7.2f} s  ({status}; target < 30 s, "
          f"{'met' if command < 30 and done.returncode == 0 else 'NOT met'})")
    print(f"  its CPU time (user + system):     {cpu:7.2f} s  (what a shared machine's load "
          "does not inflate)")


if __name__ == "__main__":
    main()
