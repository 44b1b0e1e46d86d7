"""Speed of the project-economics Monte Carlo (cost, revenue, DSCR over paths x years).

Prints milliseconds per run for debttrap's array kernel and for the same
computation written as a plain per-path, per-year Python loop on the same draws,
their ratio (best of three, measured in the same run), and checks that both give the same
probability of self-service. Run from the repository root:
``python bench/project_economics.py [n_paths]``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

from debttrap.io.scenario import load_scenario
from debttrap.leverage.flows import offer_flows
from debttrap.leverage.project import project_economics

REPEATS = 3  # best of, to damp noise from other work on the machine
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "syria-2025.toml"


def loop_prob_self_service(
    cost_z: np.ndarray, demand_z: np.ndarray, years: np.ndarray, ds: np.ndarray,
    forecast: np.ndarray, opex: np.ndarray, mu_c: float, s_c: float, mu_d: float, s_d: float,
    first_operating: int, quoted: float,
) -> tuple[float, float]:
    """The kernel's arithmetic path by path and year by year."""
    ok = 0
    overrun = 0.0
    for i in range(cost_z.size):
        c = float(np.exp(mu_c + s_c * cost_z[i]))
        d = float(np.exp(mu_d + s_d * demand_z[i]))
        overrun += max(c - 1.0, 0.0) * quoted
        good = True
        for j in range(years.size):
            if ds[j] > 0 and years[j] >= first_operating:
                net = d * forecast[j] - opex[j]
                if net < ds[j]:
                    good = False
        ok += good
    return 100.0 * ok / cost_z.size, overrun / cost_z.size


def main(n_paths: int) -> None:
    scenario = load_scenario(EXAMPLE)
    offer = scenario.offers[0]
    project = offer.project
    assert project is not None
    flows = offer_flows(offer, project.construction_start_year, project.last_operating_year)
    ds = flows.debt_service(flows.serviced_by_project)
    years = flows.years

    t_fast = float("inf")
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        fast = project_economics(project, years, ds, seed=1, n_paths=n_paths)
        p_fast = fast.prob_self_service_pct
        t_fast = min(t_fast, time.perf_counter() - t0)

    z = np.random.default_rng(1).standard_normal((n_paths, 2))
    pri = project.priors
    t_loop = float("inf")
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        p_loop, _ = loop_prob_self_service(
            z[:, 0], z[:, 1], years, ds, project.forecast_revenue_usd_m(years),
            project.operating_cost_by_year_usd_m(years), pri.overrun.mu, pri.overrun.sigma,
            pri.demand.mu, pri.demand.sigma, project.first_operating_year,
            project.quoted_cost_usd_m,
        )
        t_loop = min(t_loop, time.perf_counter() - t0)
    if abs(p_fast - p_loop) > 1e-9:
        raise SystemExit(f"kernel and loop disagree: {p_fast} vs {p_loop}")
    sys.stdout.write(
        f"project economics, {n_paths:,} paths x {years.size} years\n"
        f"  array kernel : {1e3 * t_fast:9.1f} ms\n"
        f"  Python loop  : {1e3 * t_loop:9.1f} ms\n"
        f"  speed-up     : {t_loop / t_fast:9.1f}x  (same P(self-service) = {p_fast:.2f}%)\n"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
