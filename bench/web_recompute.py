"""Workbench: how long one offer's recompute takes on a country already open.

The workbench prepares a country once (the country built from the bundled data, its
reference run, the shock model) and then assesses only the edited offer. This script
opens a country, edits the offer's rate ``--repeat`` times (a new rate each time, so no
cached answer is reused) and times, in the same run and interleaved:

* the baseline: ``assess`` of the same one-offer scenario from scratch (what a recompute
  cost before the country was kept);
* the recompute: ``Workbench.compute`` after the edit (country prepared, offer assessed);
* the page's answer: the recompute plus its HTML fragments and chart JSON.

It prints medians and 95th percentiles, and each one's ratio to the baseline. Target
(issue 12): the recompute under 1 s. Nothing is asserted.

    python bench/web_recompute.py [--country ZMB] [--repeat 15]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--country", default="ZMB", help="ISO3 code of a covered country")
    p.add_argument("--repeat", type=int, default=15)
    args = p.parse_args(argv)
    if args.repeat < 2:
        raise SystemExit("--repeat: must be 2 or more")

    from debttrap.assess import assess
    from debttrap.web.views import result_fragments
    from debttrap.web.workbench import Workbench

    bench = Workbench(None)
    wid = bench.open_country(args.country)
    opts = bench.options
    t0 = time.perf_counter()
    bench.compute(wid)  # opens the country: builds it and its reference once
    first_s = time.perf_counter() - t0
    rid, result = bench.compute(wid)
    result_fragments(result, rid)  # warm the chart code, untimed

    times: dict[str, list[float]] = {"baseline: assess from scratch": [],
                                     "recompute (country kept)": [],
                                     "recompute + page fragments": []}
    for k in range(args.repeat):
        rate = f"{1.0 + 0.37 * k:.2f}"  # a new rate each time: no cached offer
        scenario = bench.edit_offer(wid, 0, {"loan-0-rate_pct": rate})
        n_paths = min(scenario.settings.n_paths, opts.n_paths)
        t0 = time.perf_counter()
        assess(scenario, n_paths=n_paths, stochastic=opts.stochastic,
               stochastic_paths=opts.stochastic_paths)
        times["baseline: assess from scratch"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        rid, result = bench.compute(wid)
        times["recompute (country kept)"].append(time.perf_counter() - t0)
        result_fragments(result, rid)
        times["recompute + page fragments"].append(time.perf_counter() - t0)

    print(f"debttrap bench: workbench recompute of one offer, {args.country}")
    print(f"  machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}; {args.repeat} rounds, interleaved; load "
          f"average {os.getloadavg()[0]:.1f}; project paths {opts.n_paths:,}, macro paths "
          f"{opts.stochastic_paths:,}")
    print(f"  opening the country (first compute): {first_s:.3f} s")
    base = statistics.median(times["baseline: assess from scratch"])
    print(f"\n  {'':<32} {'median s':>9} {'p95 s':>8} {'/ baseline':>11}")
    for name, values in times.items():
        med = statistics.median(values)
        print(f"  {name:<32} {med:9.3f} {_p95(values):8.3f} {med / base:10.2f}x")
    rec = statistics.median(times["recompute + page fragments"])
    print(f"\n  target: a recompute answers in under 1 s: "
          f"{'met' if rec < 1.0 else 'MISSED'} ({rec:.3f} s with the page's fragments)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
