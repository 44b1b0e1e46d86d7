"""Benchmark of the stochastic engine against a fair baseline and the machine's floor.

Country: Zambia built from the bundled data, plus 60 synthetic loans (fixed and
floating, dollar and local currency, three of them offers), so the kernel
carries more than 50 loans. Shocks: multivariate normal calibrated on Zambia's
WEO history 2000-2023. Everything below is measured in this one process, CPU time
(``time.process_time``, the steadier figure on a shared machine), best of several
interleaved repeats:

* **fair baseline**: a per-path loop on plain Python floats over the four
  currency/residency totals (what ``prepare`` aggregates, and the floored rate
  lines summed by headroom): what a competent user would write; timed on a sample
  of paths and scaled; checked equal to the kernel;
* **kernels** per path-year: the NumPy kernel and the compiled (numba) kernel on
  10,000 paths, one variant;
* **floor** per path-year, measured now: memory (the shocks read and the outputs
  written, at the bandwidth of a 128 MB copy) and arithmetic (the compiled kernel's
  operation count, :data:`FLOPS_PER_PATH_YEAR` and :data:`DIVS_PER_PATH_YEAR`, at the
  throughput NumPy reaches on arrays in cache for a multiplication and a division);
* ``simulate()`` on 10,000 paths (draws, five variants, tallies, quantiles) with each
  engine, against the fair loop run once per variant (goal >= 100x);
* the compiled kernel's start-up in a fresh process (numba's import and the load of
  the cached kernel), which sets ``AUTO_NUMBA_MIN_PATH_YEARS``;
* without ``--quick``: 100,000 paths on 1 and 2 workers, and 1,000,000 paths with
  their traced peak memory (goal under 500 MB).

Run: ``python bench/simulate.py [--quick]``.
"""

from __future__ import annotations

import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable

import numpy as np

from debttrap import datasets
from debttrap.opendata import build_country
from debttrap.stochastic import _numba
from debttrap.stochastic.from_country import inputs_from_country
from debttrap.stochastic.kernel import (
    GROWTH_FLOOR,
    N_OUT,
    DebtLines,
    KernelArrays,
    SimulationInputs,
    prepare,
    run_paths,
)
from debttrap.stochastic.shocks import ShockModel, calibrate, history_from_weo
from debttrap.stochastic.simulate import simulate

#: the compiled kernel's arithmetic per path-year for 21 years (counted in
#: ``stochastic/_numba.py``): 67 in the year's main loop, 22 in the output loop, and
#: 3 multiply-adds on each of the (21 + 1) / 2 residual cohorts on average (66); the
#: floors add 4 per line a shock reaches (data-dependent, not counted: a lower bound)
FLOPS_PER_PATH_YEAR = 67 + 22 + 66
#: divisions among them: the three level multipliers' yearly factors, and the reciprocals
#: of the GDP, exchange-rate and export multipliers and of revenue with grants
DIVS_PER_PATH_YEAR = 7
#: the estimate issue 14 used (before the reciprocals): about 170 operations, 17 divisions
ISSUE_FLOPS, ISSUE_DIVS = 170, 17


def with_extra_loans(inputs: SimulationInputs, n_extra: int, seed: int) -> SimulationInputs:
    """Add ``n_extra`` equal-principal loans with random terms to the country's lines."""
    rng = np.random.default_rng(seed)
    ln = inputs.lines
    n_years = inputs.macro.n_years
    amount = rng.uniform(20.0, 400.0, n_extra)
    n_rep = rng.integers(8, 30, n_extra)
    rate = rng.uniform(0.0, 0.07, n_extra)
    prev = amount.copy()
    principal = np.zeros((n_extra, n_years))
    interest = np.zeros((n_extra, n_years))
    balance = np.zeros((n_extra, n_years))
    for y in range(n_years):  # loop over years
        pr = np.minimum(amount / n_rep, prev)
        interest[:, y] = rate * prev
        principal[:, y] = pr
        prev = prev - pr
        balance[:, y] = prev
    local = rng.random(n_extra) < 0.15
    fx = inputs.macro.fx_lcu_per_usd
    scale = np.where(local[:, None], fx[None, :], 1.0)  # LCU loans in LCU
    group = np.full(n_extra, -1)
    group[-3:] = [0, 1, 2]
    return SimulationInputs(
        inputs.macro,
        DebtLines.build(
            principal_m=np.vstack([ln.principal_m, principal * scale]),
            interest_m=np.vstack([ln.interest_m, interest * scale]),
            balance_end_m=np.vstack([ln.balance_end_m, balance * scale]),
            pv_end_m=np.vstack([ln.pv_end_m, 0.85 * balance * scale]),
            balance_open_m=np.concatenate([ln.balance_open_m, amount * scale[:, 0]]),
            external=np.concatenate([ln.external, np.ones(n_extra, dtype=bool)]),
            local_currency=np.concatenate([ln.local_currency, local]),
            floating=np.concatenate([ln.floating, rng.random(n_extra) < 0.3]),
            group=np.concatenate([ln.group, group]),
            # floating synthetic loans may fall to a zero rate; the country keeps its floors
            rate_headroom_dec=np.vstack([ln.rate_headroom_dec,
                                         np.repeat(rate[:, None], n_years, axis=1)]),
        ),
        inputs.residual,
    )


def loop_on_totals(ka: KernelArrays, shocks: np.ndarray) -> np.ndarray:
    """The fair baseline: one path at a time on plain Python floats, over the four
    currency/residency totals and the floored lines summed by headroom (``prepare``'s
    aggregation, which a user would do once), the same formulas as the kernel."""
    n_paths, n_years, _ = shocks.shape
    L = {f: getattr(ka, f).tolist() for f in (
        "g_b", "pi_b", "e_b", "x_b", "gdp_b", "fx_b", "fxe_b", "exp_b", "rev_ratio",
        "revg_ratio", "spend_b", "grants_b", "s_efx", "s_elcu", "s_dfx", "s_dlcu", "b_efx",
        "b_elcu", "b_dfx", "b_dlcu", "pv_efx", "pv_elcu", "f_efx", "f_elcu", "f_dfx",
        "f_dlcu", "gfn_b", "unit_ds", "unit_bal", "unit_pv", "dom_rate")}
    fl = [(int(c), h, p) for c, h, p in zip(ka.fl_cls.tolist(), ka.fl_head.tolist(),
                                             ka.fl_prev.tolist(), strict=True)]
    ext = float(ka.ext_share)
    u_ds, u_bal, u_pv = L["unit_ds"], L["unit_bal"], L["unit_pv"]
    out = np.empty((n_paths, n_years, N_OUT))
    for p in range(n_paths):
        sp = shocks[p].tolist()
        mg = mfx = mx = 1.0
        rdom = 0.0
        coh: list[float] = []
        row = out[p]
        for y in range(n_years):
            sg, spi, se, sx, spb, sr = sp[y]
            gb, pib, eb, xb = L["g_b"][y], L["pi_b"][y], L["e_b"][y], L["x_b"][y]
            mg *= (max(1 + gb + sg, GROWTH_FLOOR) * max(1 + pib + spi, GROWTH_FLOOR)
                   / ((1 + gb) * (1 + pib)))
            mfx *= max(1 + eb + se, GROWTH_FLOOR) / (1 + eb)
            mx *= max(1 + xb + sx, GROWTH_FLOOR) / (1 + xb)
            gdp, fx, exp = L["gdp_b"][y] * mg, L["fx_b"][y] * mfx, L["exp_b"][y] * mx
            xf = [sr * L["f_efx"][y], sr * L["f_elcu"][y], sr * L["f_dfx"][y],
                  sr * L["f_dlcu"][y]]
            for c, head, prev in fl:
                if sr < -head[y]:
                    xf[c] += (-head[y] - sr) * prev[y]
            res_ds = sum(a * u_ds[y - c] for c, a in enumerate(coh))
            ds_ext = L["s_efx"][y] + xf[0] + (L["s_elcu"][y] + xf[1]) / fx + res_ds
            dr = L["dom_rate"][y]
            ds_pub = (ds_ext * fx + (L["s_dfx"][y] + xf[2]) * fx + L["s_dlcu"][y] + xf[3]
                      + (dr + max(sr, -max(dr, 0.0))) * rdom)
            pb = L["revg_ratio"][y] * gdp - L["spend_b"][y] + spb * gdp
            dgfn = -pb + ds_pub - L["gfn_b"][y]
            coh.append(ext * dgfn / fx)
            rdom += (1 - ext) * dgfn
            res_bal = sum(a * u_bal[y - c] for c, a in enumerate(coh))
            res_pv = sum(a * u_pv[y - c] for c, a in enumerate(coh))
            fxe = L["fxe_b"][y] * mfx
            pv_ext = L["pv_efx"][y] + L["pv_elcu"][y] / fxe + res_pv
            bal_ext = L["b_efx"][y] + L["b_elcu"][y] / fxe + res_bal
            dom = L["b_dlcu"][y] + L["b_dfx"][y] * fxe + rdom
            gdp_usd = gdp / fx
            rev = L["rev_ratio"][y] * gdp
            row[y] = (max(100 * pv_ext / gdp_usd, 0.0), max(100 * pv_ext / exp, 0.0),
                      max(100 * ds_ext / exp, 0.0), max(100 * ds_ext * fx / rev, 0.0),
                      max(100 * (pv_ext * fxe + dom) / gdp, 0.0),
                      max(100 * bal_ext / gdp_usd, 0.0),
                      max(100 * (bal_ext * fxe + dom) / gdp, 0.0),
                      max(100 * ds_pub / (rev + L["grants_b"][y]), 0.0), 100 * dgfn / gdp)
    return out


def cpu_best(n: int, fn: Callable[[], object]) -> float:
    """Least CPU time (this process) of ``n`` runs of ``fn``."""
    times = []
    for _ in range(n):
        t0 = time.process_time()
        fn()
        times.append(time.process_time() - t0)
    return min(times)


def machine_floor() -> tuple[float, float, float]:
    """Measured now: (copy GB/s counting bytes read and written, ns per multiplication,
    ns per division), the last two on arrays in the first-level cache (NumPy's SIMD loops),
    from the difference between 2,048 and 16 elements, so the call overhead cancels."""
    src = np.ones(1 << 24)  # 128 MB, past every cache
    dst = np.empty_like(src)
    np.copyto(dst, src)
    t_copy = cpu_best(5, lambda: np.copyto(dst, src))
    gbps = 2 * src.nbytes / t_copy / 1e9
    reps = 4000

    def per_call(op: Callable[..., object], n: int) -> float:
        x = np.random.default_rng(0).uniform(1.0, 2.0, n)
        z = np.empty_like(x)

        def go() -> None:
            for _ in range(reps):
                op(x, x, out=z)

        return cpu_best(9, go) / reps

    def per_element(op: Callable[..., object]) -> float:
        return (per_call(op, 2048) - per_call(op, 16)) / 2032 * 1e9

    return gbps, per_element(np.multiply), per_element(np.divide)


def cold_start() -> tuple[float, float]:
    """CPU seconds of ``import numba`` and of loading the cached compiled kernel (first
    call included), in a fresh process."""
    code = (
        "import time, numpy as np\n"
        "from debttrap.stochastic.kernel import prepare\n"
        "from debttrap.stochastic.from_country import inputs_from_country\n"
        "from debttrap.opendata import build_country\n"
        "ka = prepare(inputs_from_country(build_country('ZMB').country).inputs)\n"
        "t0 = time.process_time(); import numba; t1 = time.process_time()\n"
        "from debttrap.stochastic import _numba\n"
        "_numba.run_paths_numba(ka, np.zeros((1, ka.gdp_b.size, 6)))\n"
        "print(t1 - t0, time.process_time() - t1)\n"
    )
    runs = []
    for _ in range(3):
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              check=True)
        runs.append(tuple(float(v) for v in done.stdout.split()))
    return min(r[0] for r in runs), min(r[1] for r in runs)


def main() -> None:
    quick = "--quick" in sys.argv
    ci = inputs_from_country(build_country("ZMB").country)
    inputs = with_extra_loans(ci.inputs, 60, seed=0)
    cal = calibrate(history_from_weo(datasets.weo("ZMB"), "ZMB"), (2000, 2023))
    model = ShockModel(cal)
    thr = ci.thresholds_pct
    n_years = inputs.macro.n_years
    n_groups = len(inputs.lines.groups)
    # all offers, no offer, and all but one offer for each offer (when there are two or more)
    n_variants = 1 + (1 if n_groups else 0) + (n_groups if n_groups > 1 else 0)
    print(f"country: Zambia + 60 synthetic loans = {inputs.lines.n_lines} debt lines, "
          f"{n_years} years, {n_groups} offers ({n_variants} variants per run)")
    reps = 3 if quick else 7

    # the fair baseline on a sample of paths, same shocks as the kernels
    ka = prepare(inputs)
    sample = 100 if quick else 300
    shocks = model.draw(np.random.default_rng(1), sample, n_years)
    loop_s = cpu_best(3 if quick else 5, lambda: loop_on_totals(ka, shocks)) / sample
    np.testing.assert_allclose(loop_on_totals(ka, shocks), run_paths(ka, shocks),
                               rtol=1e-10, atol=1e-10)
    loop_ns = loop_s / n_years * 1e9
    loop_10k = loop_s * 10_000
    print(f"fair baseline (per-path loop on the aggregated totals, Python floats): "
          f"{loop_ns / 1e3:.1f} us per path-year -> {loop_10k:.2f} s for 10,000 paths, "
          "one variant")

    shocks_10k = model.draw(np.random.default_rng(2), 10_000, n_years)
    compiled = _numba.run_paths_numba(ka, shocks_10k)  # compiles or loads the cache
    np.testing.assert_allclose(compiled, run_paths(ka, shocks_10k), rtol=1e-12, atol=1e-12)
    py = 10_000 * n_years
    gbps, ns_mul, ns_div = machine_floor()
    plan = _numba.plan(ka)
    buf = np.empty((n_years, N_OUT, 10_000))
    np_ns = nb_ns = nb_fresh_ns = float("inf")
    for _ in range(reps):  # interleaved
        np_ns = min(np_ns, cpu_best(1, lambda: run_paths(ka, shocks_10k)) / py * 1e9)
        nb_fresh_ns = min(nb_fresh_ns, cpu_best(
            1, lambda: _numba.run_paths_numba(ka, shocks_10k, plan)) / py * 1e9)
        # as simulate() calls it: planned once, writing into a reused buffer
        nb_ns = min(nb_ns, cpu_best(
            1, lambda: _numba.run_paths_numba(ka, shocks_10k, plan, out=buf)) / py * 1e9)
    gbps2, ns_mul2, ns_div2 = machine_floor()
    gbps, ns_mul, ns_div = max(gbps, gbps2), min(ns_mul, ns_mul2), min(ns_div, ns_div2)
    arith_ns = (FLOPS_PER_PATH_YEAR - DIVS_PER_PATH_YEAR) * ns_mul + DIVS_PER_PATH_YEAR * ns_div
    issue_ns = (ISSUE_FLOPS - ISSUE_DIVS) * ns_mul + ISSUE_DIVS * ns_div
    mem_ns = 8 * (model.n_variables + N_OUT) / gbps
    floor_ns = max(arith_ns, mem_ns)
    print(f"machine, measured now: copy {gbps:.1f} GB/s, {ns_mul:.3f} ns per multiplication, "
          f"{ns_div:.3f} ns per division (in cache)")
    print(f"floor per path-year: memory {mem_ns:.1f} ns ({8 * (model.n_variables + N_OUT)} "
          f"bytes), arithmetic {arith_ns:.1f} ns ({FLOPS_PER_PATH_YEAR} operations incl. "
          f"{DIVS_PER_PATH_YEAR} divisions; issue 14's count, {ISSUE_FLOPS} incl. "
          f"{ISSUE_DIVS} divisions: {issue_ns:.1f} ns) -> floor {floor_ns:.1f} ns")
    print(f"kernel per path-year, 10,000 paths: NumPy {np_ns:.0f} ns ({np_ns / floor_ns:.1f}x "
          f"the floor), compiled {nb_ns:.1f} ns into a reused buffer as simulate() runs it "
          f"({nb_fresh_ns:.1f} ns into fresh memory) ({nb_ns / floor_ns:.2f}x the floor; "
          f"{nb_ns / issue_ns:.2f}x issue 14's floor; goal within 2x); NumPy / compiled "
          f"{np_ns / nb_ns:.1f}x; fair loop / compiled {loop_ns / nb_ns:,.0f}x")

    def run(n: int, workers: int = 1, engine: str = "auto") -> object:
        return simulate(inputs, model, n_paths=n, seed=1, thresholds_pct=thr, workers=workers,
                        engine=engine)  # type: ignore[arg-type]

    ran = run(10)
    assert 1 + len(ran.variants) == n_variants  # type: ignore[attr-defined]
    sims = {"numpy": float("inf"), "numba": float("inf")}
    for _ in range(reps):
        for eng in sims:
            sims[eng] = min(sims[eng], cpu_best(1, lambda eng=eng: run(10_000, engine=eng)))
    fair = n_variants * loop_10k
    for eng, t in sims.items():
        print(f"simulate, 10,000 paths, {n_variants} variants, engine {eng}: {t:.3f} s CPU -> "
              f"{fair / t:,.0f}x the fair loop on the same work (goal >= 100x)")
    imp, load = cold_start()
    saving_ns = np_ns - nb_ns
    print(f"compiled kernel start-up in a fresh process: import numba {imp:.2f} s + load of "
          f"the cached kernel {load:.2f} s CPU = {imp + load:.2f} s; it saves {saving_ns:.0f} "
          f"ns per path-year -> worth it from {(imp + load) / saving_ns * 1e9 / 1e6:.1f} "
          "million path-years")
    if not quick:
        for workers in (1, 2):
            w0 = time.perf_counter()
            t_100k = cpu_best(1, lambda workers=workers: run(100_000, workers))
            print(f"simulate, 100,000 paths, {workers} worker(s): {t_100k:.2f} s CPU, "
                  f"{time.perf_counter() - w0:.2f} s wall")
        tracemalloc.start()  # memory on its own run: tracing slows allocation down
        w0 = time.perf_counter()
        res = run(1_000_000, 2)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"memory, 1,000,000 paths, 2 workers: traced peak {peak / 1e6:.0f} MB (goal "
              f"under 500 MB), stated bound {res.memory_bytes / 1e6:.0f} MB "  # type: ignore[attr-defined]
              f"({time.perf_counter() - w0:.1f} s wall, traced)")


if __name__ == "__main__":
    main()
