"""Shared helpers for the LIC-DSF golden comparisons (not a test module).

The template's outputs (``tests/reference/lic-dsf``) and the illustrative
country (``examples/lic-dsf-illustrative.toml``). ``calibrated_country``
adds, as locally issued debt held by non-residents, the part of the
template's PPG external debt that the extracted inputs do not itemise: stock,
service and PV are the template's totals (Output 1-1 rows 9, 33, 57) minus
what debttrap computes from the itemised inputs, 2024-2034. The plug makes the
baseline's PV and service Excel's by construction: tests compare with it only what
the plug does not fix (denominators, the public-debt formula, and responses to
shocks, which the plug does not calibrate); see the note in ``test_golden.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from debttrap.country import Country, LocalDebtHeldAbroad
from debttrap.dsa.paths import baseline_setup, debt_paths
from debttrap.dsa.run import DSAResult, run_dsa
from debttrap.dsa.stress import StressSettings
from debttrap.io.country_file import load_dsa_inputs

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "reference" / "lic-dsf" / "expected-outputs-subset.csv.gz"
EXAMPLE = ROOT / "examples" / "lic-dsf-illustrative.toml"
WINDOW = list(range(2024, 2035))

#: debttrap indicator -> (Output 3-1/3-2 quantity, case)
STRESS_QUANTITY = {
    "pv_ext_debt_to_gdp_pct": ("pv_ppg_ext_debt_to_gdp_pct", "template-stress-output31"),
    "pv_ext_debt_to_exports_pct": ("pv_ppg_ext_debt_to_exports_pct", "template-stress-output31"),
    "ext_debt_service_to_exports_pct": (
        "ppg_ext_debt_service_to_exports_pct",
        "template-stress-output31",
    ),
    "ext_debt_service_to_revenue_pct": (
        "ppg_ext_debt_service_to_revenue_excl_grants_pct",
        "template-stress-output31",
    ),
    "pv_public_debt_to_gdp_pct": ("pv_public_debt_to_gdp_pct", "template-stress-output32"),
}
SCENARIO_CODE = {
    "baseline": "baseline",
    "A1_historical": "A1",
    "A2_custom": "A2",
    "B1_real_gdp_growth": "B1",
    "B2_primary_balance": "B2",
    "B3_exports": "B3",
    "B4_other_flows": "B4",
    "B5_depreciation": "B5",
    "B6_combination_of_b1_b5": "B6",
    "C1_combined_contingent_liabilities": "C1",
    "C2_natural_disaster": "C2",
    "C3_commodity_price": "C3",
    "C4_market_financing": "C4",
}


@cache
def golden() -> pd.DataFrame:
    return pd.read_csv(GOLDEN)


def series(case: str, quantity: str, scenario: str | None = None) -> np.ndarray:
    g = golden()
    sel = (g.case_id == case) & (g.quantity == quantity)
    if scenario is not None:
        sel &= g.scenario == scenario
    s = g[sel].set_index("year")["excel_value"]
    return s.reindex(WINDOW).to_numpy(dtype=float)


def stress_path(indicator: str, code: str, case: str | None = None) -> np.ndarray:
    quantity, default_case = STRESS_QUANTITY[indicator]
    scen = {v: k for k, v in SCENARIO_CODE.items()}[code]
    return series(case or default_case, quantity, scen)


def illustrative() -> tuple[Country, StressSettings]:
    return load_dsa_inputs(EXAMPLE)


def calibrated_country(country: Country) -> Country:
    """``country`` plus the template's unitemised PPG external debt as LC debt held abroad."""
    setup = baseline_setup(country)
    p = debt_paths(setup.inputs, setup.basis)
    n = len(WINDOW)
    gdp = setup.inputs.gdp_usd_m[:n]
    exports = setup.inputs.exports_usd_m[:n]
    fxe = setup.inputs.fx_eop_lcu_per_usd[:n]
    fxa = setup.inputs.fx_avg_lcu_per_usd[:n]
    case = "template-baseline-output11"
    nominal = series(case, "ppg_ext_debt_nominal_to_gdp_pct") / 100 * gdp
    pv = series(case, "pv_ppg_ext_debt_usd_mn")
    service = series(case, "ppg_ext_debt_service_to_exports_pct") / 100 * exports
    # interest: effective rate (row 40) x last year's external debt (row 8, PPG + private)
    gdp_prev = np.concatenate([[country.macro.nominal_gdp_usd_m[WINDOW[0] - 1]], gdp[:-1]])
    total_prev = series(case, "external_debt_nominal_to_gdp_pct") / 100 * gdp
    total_prev = np.concatenate([[np.nan], total_prev[:-1]])
    interest = series(case, "effective_interest_rate_ext_debt_pct") / 100 * total_prev
    private_int = np.array(
        [(country.external_debt.private_interest_usd_m or {}).get(y, 0.0) for y in WINDOW]
    )
    del gdp_prev
    extra = LocalDebtHeldAbroad(
        stock_lcu_m=dict(zip(WINDOW, (nominal - p.ext_debt_nominal_usd_m[:n]) * fxe, strict=True)),
        debt_service_lcu_m=dict(
            zip(WINDOW, (service - p.ext_debt_service_usd_m[:n]) * fxa, strict=True)
        ),
        pv_lcu_m=dict(zip(WINDOW, (pv - p.pv_ext_debt_usd_m[:n]) * fxe, strict=True)),
        interest_lcu_m={
            y: v
            for y, v in zip(
                WINDOW, (interest - p.ext_interest_usd_m[:n] - private_int) * fxa, strict=True
            )
            if np.isfinite(v)
        },
        source="calibrated from Output 1-1 rows 9, 33, 57 and 40",
    )
    ed = country.external_debt.model_copy(update={"local_debt_held_abroad": extra})
    return country.model_copy(update={"external_debt": ed})


def with_public_rates(country: Country) -> Country:
    """``country`` plus domestic interest and foreign inflation from Output 1-2.

    Domestic interest = nominal domestic rate (row 45) x last year's domestic
    stock; foreign inflation = row 55. Neither is in the extracted inputs; they
    only feed the public debt-dynamics table (§6.2).
    """
    o12 = "template-baseline-output12"
    i_d = series(o12, "avg_nominal_interest_rate_dom_debt_pct") / 100
    stock = country.domestic_debt.stock_lcu_m
    interest = {y: float(i_d[k]) * stock[y - 1] for k, y in enumerate(WINDOW) if (y - 1) in stock}
    foreign = series(o12, "foreign_inflation_used_for_real_ext_rate_inferred_pct")
    dd = country.domestic_debt.model_copy(update={"interest_lcu_m": interest})
    macro = country.macro.model_copy(
        update={"foreign_inflation_pct": dict(zip(WINDOW, map(float, foreign), strict=True))}
    )
    return country.model_copy(update={"domestic_debt": dd, "macro": macro})


def calibrated_runs(overlays: Mapping[str, Mapping[str, object]]) -> dict[str, DSAResult]:
    """The calibrated example's DSA under the default settings (key ``"default"``) and under
    each overlay's settings update (keyed by its case id)."""
    c, s = illustrative()
    cc = calibrated_country(c)
    out = {"default": run_dsa(cc, s)}
    for case, update in overlays.items():
        out[case] = run_dsa(cc, s.model_copy(update=dict(update)))
    return out
