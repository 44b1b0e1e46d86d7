"""Speed of a full LIC-DSF (baseline, every stress test, capacity, thresholds, rating).

Prints CPU milliseconds per assessment (``time.process_time``, steadier than wall
time on a shared machine) for debttrap's batched array kernel and for the same
computation written as a straightforward per-year Python loop (each scenario,
each financing line, each year), and their ratio, measured in the same run.
Two debttrap figures: "first DSA" clears the per-process cache of unit-loan
profiles before every run (what a one-off ``debttrap dsa`` pays), "repeated" keeps
it (what an assessment running several DSAs of one country pays after the first); the
unit-loan line times the units' run through the loan engine alone (the first DSA's extra).
Goal (issue 14): under 5 ms. Nothing is asserted.
Run from the repository root: ``python bench/dsa.py [repeats]``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

from debttrap.cashflows.unit_loan import _flows, _profiles, unit_loan_profiles
from debttrap.country.model import Country
from debttrap.dsa.paths import PathInputs, UnitLoanBasis, debt_paths
from debttrap.dsa.run import run_dsa
from debttrap.dsa.stress import StressSettings, build_scenarios, stack_inputs
from debttrap.io.country_file import load_dsa_inputs

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "lic-dsf-illustrative.toml"


def loop_indicators(inp: PathInputs, basis: UnitLoanBasis) -> dict[str, list[float]]:
    """The kernel's arithmetic, one scenario, year by year and line by line."""
    n = inp.years.size
    out: dict[str, list[float]] = {k: [] for k in ("e1", "e2", "e3", "e4", "p1")}
    for y in range(n):
        pv_new = 0.0
        service_new = 0.0
        for line in range(basis.n_instruments):
            bal = pv = 0.0
            for s in range(y + 1):
                d = float(inp.disbursements_usd_m[line, s])
                if d == 0.0:
                    continue
                bal += d * basis.balance[line, s, y]
                pv += d * basis.pv[line, s, y]
                service_new += d * (basis.interest[line, s, y] + basis.principal[line, s, y])
            pv_new += min(pv, bal)
        st_prev = float(inp.short_term_usd_m[y])
        st_now = float(inp.short_term_usd_m[y + 1])
        fxe = float(inp.fx_eop_lcu_per_usd[y])
        fxa = float(inp.fx_avg_lcu_per_usd[y])
        pv_ext = (
            float(inp.fixed_pv_usd_m[y])
            + pv_new
            + st_now
            + float(inp.lc_external_pv_lcu_m[y]) / fxe
            + float(np.broadcast_to(inp.unitemised_stock_usd_m, (n,))[y])
        )
        service = (
            float(inp.fixed_debt_service_usd_m[y])
            + service_new
            + st_prev * (1 + inp.short_term_rate_dec)
            + float(inp.lc_external_service_lcu_m[y]) / fxa
        )
        gdp = float(inp.gdp_usd_m[y])
        exports = float(inp.exports_usd_m[y])
        revenue = float(inp.revenue_excl_grants_lcu_m[y]) / fxa
        out["e1"].append(max(100 * pv_ext / gdp, 0.0))
        out["e2"].append(100 * pv_ext / exports)
        out["e3"].append(max(100 * service / exports, 0.0))
        out["e4"].append(max(100 * service / revenue, 0.0))
        out["p1"].append(100 * (pv_ext * fxe + float(inp.domestic_debt_lcu_m[y])) / (gdp * fxa))
    return out


def loop_assessment(country: Country, settings: StressSettings) -> list[dict[str, list[float]]]:
    setup, base, scenarios, _ = build_scenarios(country, settings)
    return [loop_indicators(x, setup.basis) for x in [base, *(sc.inputs for sc in scenarios)]]


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    country, settings = load_dsa_inputs(EXAMPLE)
    # agreement first: the loop version must give the same baseline and B3 paths
    res = run_dsa(country, settings)
    loop = loop_assessment(country, settings)
    np.testing.assert_allclose(loop[0]["e1"], res.baseline.pv_ext_debt_to_gdp_pct, rtol=1e-10)
    b3 = list(res.stress).index("B3") + 1
    np.testing.assert_allclose(loop[b3]["p1"], res.stress["B3"].pv_public_debt_to_gdp_pct)

    clock = time.process_time
    run_dsa(country, settings)
    fast = cold = 1e9
    loop_repeats = max(3, repeats // 20)
    for _ in range(3):  # best of three rounds, interleaved
        t0 = clock()
        for _ in range(repeats):
            run_dsa(country, settings)
        fast = min(fast, (clock() - t0) / repeats)
        t0 = clock()
        for _ in range(repeats):
            _profiles.cache_clear()
            _flows.cache_clear()
            run_dsa(country, settings)
        cold = min(cold, (clock() - t0) / repeats)
    t0 = clock()
    for _ in range(loop_repeats):
        loop_assessment(country, settings)
    slow = (clock() - t0) / loop_repeats
    setup, base, scenarios, _ = build_scenarios(country, settings)
    items = [base, *(sc.inputs for sc in scenarios)]
    batch = stack_inputs(items)
    t0 = clock()
    for _ in range(repeats):
        debt_paths(batch, setup.basis)
    k_fast = (clock() - t0) / repeats
    t0 = clock()
    for _ in range(loop_repeats):
        for x in items:
            loop_indicators(x, setup.basis)
    k_slow = (clock() - t0) / loop_repeats
    basis = setup.basis
    t0 = clock()
    for _ in range(repeats):  # what the first DSA adds: the units through the loan engine
        _profiles.cache_clear()
        _flows.cache_clear()
        unit_loan_profiles(basis.terms, res.years.size, basis.discount_dec)
    units = (clock() - t0) / repeats
    n_scen = 1 + len(res.stress)
    print(f"full LIC-DSF assessment, {n_scen} scenarios x {res.years.size} years")
    print(f"  debttrap, first DSA:       {1000 * cold:8.2f} ms CPU per assessment (goal < 5 ms)")
    print(f"  debttrap, repeated:        {1000 * fast:8.2f} ms CPU per assessment")
    print(f"  of the first: unit loans:  {1000 * units:8.2f} ms CPU ({len(basis.terms)} units "
          "through the loan engine, once per process and set of terms)")
    print(f"  per-year Python loop:      {1000 * slow:8.2f} ms CPU per assessment "
          f"({loop_repeats} runs)")
    print(f"  ratio loop / debttrap:     {slow / cold:8.1f}x (first DSA)")
    print("path kernel only (debt paths and indicators of all scenarios; setup excluded)")
    print(f"  batched kernel:            {1000 * k_fast:8.3f} ms")
    print(f"  per-year Python loop:      {1000 * k_slow:8.3f} ms")
    print(f"  ratio loop / kernel:       {k_slow / k_fast:8.1f}x")


if __name__ == "__main__":
    main()
