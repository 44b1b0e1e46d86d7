"""Shared fixtures: a small synthetic country with mixed debt lines."""

from __future__ import annotations

import numpy as np
import pytest

from debttrap.stochastic.kernel import DebtLines, MacroPath, ResidualFinancing, SimulationInputs

Y = 21
THRESHOLDS_MEDIUM = {  # LIC-DSF 2018 Guidance Note, Table 3, medium capacity
    "pv_ext_debt_to_gdp_pct": 40.0,
    "pv_ext_debt_to_exports_pct": 180.0,
    "ext_debt_service_to_exports_pct": 15.0,
    "ext_debt_service_to_revenue_pct": 18.0,
    "pv_public_debt_to_gdp_pct": 55.0,
}


def make_inputs(
    n_lines: int = 12,
    seed: int = 0,
    external_share: float = 0.6,
    n_offers: int = 2,
) -> SimulationInputs:
    rng = np.random.default_rng(seed)
    years = np.arange(2024, 2024 + Y)
    g = 0.04 + 0.01 * rng.random(Y)
    pi = 0.06 + 0.02 * rng.random(Y)
    gdp = 30_000.0 * np.cumprod((1 + g) * (1 + pi))
    dep = 0.03 + 0.02 * rng.random(Y)
    fx = 20.0 * np.cumprod(1 + dep)
    exp_g = 0.05 + 0.03 * rng.random(Y)
    exports = 600.0 * np.cumprod(1 + exp_g)
    macro = MacroPath.build(
        years=years, real_growth_dec=g, deflator_growth_dec=pi, gdp_lcu_m=gdp,
        fx_lcu_per_usd=fx, fx_prev_lcu_per_usd=20.0, exports_usd_m=exports,
        exports_prev_usd_m=600.0, revenue_ex_grants_lcu_m=0.17 * gdp,
        revenue_incl_grants_lcu_m=0.19 * gdp, primary_balance_lcu_m=-0.015 * gdp,
        fx_eop_lcu_per_usd=fx * (1 + 0.01 * rng.random(Y)),
    )
    m = n_lines
    open_bal = rng.uniform(20.0, 120.0, m)
    n_rep = rng.integers(10, 30, m)
    rate = rng.uniform(0.0, 0.06, m)
    principal = np.zeros((m, Y))
    balance = np.zeros((m, Y))
    interest = np.zeros((m, Y))
    prev = open_bal.copy()
    for y in range(Y):
        pr = np.minimum(open_bal / n_rep, prev)
        interest[:, y] = rate * prev
        principal[:, y] = pr
        prev = prev - pr
        balance[:, y] = prev
    pv = balance * rng.uniform(0.6, 1.0, (m, 1))
    external = np.arange(m) % 4 != 3
    local = np.arange(m) % 3 == 2
    floating = np.arange(m) % 2 == 1
    group = np.full(m, -1)
    for k in range(n_offers):
        group[m - 1 - k] = k
    lines = DebtLines.build(
        principal_m=principal, interest_m=interest, balance_end_m=balance, pv_end_m=pv,
        balance_open_m=open_bal, external=external, local_currency=local, floating=floating,
        group=group,
    )
    residual = ResidualFinancing(external_share=external_share, external_rate_dec=0.02,
                                 grace_years=5, maturity_years=25, domestic_rate_dec=0.10)
    return SimulationInputs(macro, lines, residual)


@pytest.fixture
def inputs() -> SimulationInputs:
    return make_inputs()
