"""Standardized (B1–B6), tailored (C1–C4) and alternative (A1, A2) stress tests as
transformations of the path kernel's inputs.

Each test changes the macro denominators and adds borrowing; the path kernel
(:func:`debttrap.dsa.paths.debt_paths`) is the same for every scenario, so the
baseline and all tests run as one batch (leading axis = scenario). The map:

* :mod:`.settings` — :class:`StressSettings` (Input 6/7) and :class:`CustomScenario` (A2);
* :mod:`.sizing` — historical statistics and the shocked path of each leg (§4);
* :mod:`.financing` — residual terms and :func:`fiscal_financing` (§4.3);
* :mod:`.context` — the baseline as every test sees it, built once;
* :mod:`.scenario` — :class:`Shock` → :class:`StressScenario` (:func:`apply_shock`);
* :mod:`.standard` (B1–B6, B2.1, B6.1), :mod:`.tailored` (C1–C4, C3's path in
  :mod:`.commodity`), :mod:`.alternative` (A1, A2) — one function per test;
* :mod:`.registry` — every test in the template's order and :func:`build_scenarios`.
"""

from debttrap.dsa.stress.commodity import CommodityShock, commodity_shock
from debttrap.dsa.stress.financing import (
    FiscalFinancing,
    fiscal_financing,
    market_terms,
    residual_external_share,
    residual_terms,
)
from debttrap.dsa.stress.registry import STRESS_DEFINITIONS, build_scenarios
from debttrap.dsa.stress.scenario import (
    Shock,
    StressDefinition,
    StressScenario,
    apply_shock,
    stack_inputs,
)
from debttrap.dsa.stress.settings import CustomScenario, StressSettings
from debttrap.dsa.stress.sizing import ShockStats, shock_pair

__all__ = [
    "STRESS_DEFINITIONS",
    "CommodityShock",
    "CustomScenario",
    "FiscalFinancing",
    "Shock",
    "ShockStats",
    "StressDefinition",
    "StressScenario",
    "StressSettings",
    "apply_shock",
    "build_scenarios",
    "commodity_shock",
    "fiscal_financing",
    "market_terms",
    "residual_external_share",
    "residual_terms",
    "shock_pair",
    "stack_inputs",
]
