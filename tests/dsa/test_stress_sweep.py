"""Sweep: each user-settable Input 6/7 setting moves exactly the stress tests it should.

For every setting the workbook reader maps from Input 6 (standard and tailored tests) and
Input 7 (residual financing), a change away from the template's default must move the
tests whose formulas read it (any of the five indicators, 2024-2034) and no other; where
the template's method fixes a sign, the move goes that way. Expected sets follow the
method (``lic-dsf-method.md`` §4) and the parity catalog's "Hits" column: a stand-alone
size moves its test and, through B6's default legs (half the stand-alone size), B6 and
B6.1; a B6 leg cell moves B6 and B6.1 only; a C4 term moves C4 only. Two settings move
nothing on this example, each for a stated reason. The example is a market-access country,
so B2.1 and B6.1 run.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import pytest
from golden_data import illustrative

from debttrap.dsa.indicators import INDICATORS
from debttrap.dsa.run import DSAResult, run_dsa

B6 = {"B6", "B6.1"}
# setting: (new value, tests that move, {test: sign of the change}, indicator for the sign)
SWEEP: dict[str, tuple[Any, set[str], int, str]] = {
    # Input 6(optional)-Standard Test: larger shocks raise PV/GDP in the shock years
    "b1_growth_sd": (2.0, {"B1"} | B6, +1, "pv_ext_debt_to_gdp_pct"),  # C17/D17
    "b2_primary_balance_sd": (2.0, {"B2", "B2.1"}, +1, "pv_ext_debt_to_gdp_pct"),  # C21/D21
    "b3_exports_sd": (2.0, {"B3"} | B6, +1, "pv_ext_debt_to_gdp_pct"),  # C25/D25
    "b4_transfers_sd": (2.0, {"B4"} | B6, +1, "pv_ext_debt_to_gdp_pct"),  # C29/D29
    "b4_fdi_sd": (2.0, {"B4"} | B6, +1, "pv_ext_debt_to_gdp_pct"),  # C32/D32
    "b5_depreciation_pct": (50.0, {"B5"} | B6, +1, "pv_ext_debt_to_gdp_pct"),  # C38/D38
    "b6_growth_sd": (1.0, B6, +1, "pv_ext_debt_to_gdp_pct"),  # C41/D41
    "b6_exports_sd": (1.0, B6, +1, "pv_ext_debt_to_gdp_pct"),  # C44/D44
    "b6_transfers_sd": (1.0, B6, +1, "pv_ext_debt_to_gdp_pct"),  # C50/D50
    "b6_fdi_sd": (1.0, B6, +1, "pv_ext_debt_to_gdp_pct"),  # C53/D53
    "b6_depreciation_pct": (25.0, B6, +1, "pv_ext_debt_to_gdp_pct"),  # C58/D58
    # elasticities: a larger one deepens the test's growth (or US$ GDP) fall
    "inflation_elasticity": (1.0, {"B1"} | B6, +1, "pv_ext_debt_to_gdp_pct"),  # G17/H17
    "exports_gdp_elasticity": (1.2, {"B3"}, +1, "pv_ext_debt_to_gdp_pct"),  # G25/H25
    # C8 Off: no growth-deflator, export-growth, pass-through or B2 rate interactions (B1-B3
    # milder, B5/B6 deeper in US$ GDP: no single sign)
    "interactions": (False, {"B1", "B2", "B2.1", "B3", "B5"} | B6, 0, "pv_ext_debt_to_gdp_pct"),
    # lower pass-through: more of B5's depreciation lowers US$ GDP; B6's deflator term is
    # pass-through x (its leg - the baseline's depreciation), negative here, so a lower
    # pass-through lowers B6's US$ GDP less (Excel's fx-passthrough-low: B6 PV/GDP falls)
    "fx_passthrough": (0.1, {"B5"} | B6, +1, "pv_ext_debt_to_gdp_pct"),  # G36/H36
    # Input 6 - Tailored Tests (C4): a dearer market loan costs more service; shorter
    # maturity and grace only move its service earlier (no sign over the window)
    "market_cost_bp": (600.0, {"C4"}, +1, "ext_debt_service_to_exports_pct"),  # G52/H52
    "market_maturity_cap_years": (3, {"C4"}, 0, "ext_debt_service_to_exports_pct"),  # G54
    "market_grace_factor": (0.5, {"C4"}, 0, "ext_debt_service_to_exports_pct"),  # G56/H56
    "market_depreciation_pct": (25.0, {"C4"}, +1, "pv_ext_debt_to_gdp_pct"),  # G58/H58
    "market_fx_passthrough": (0.1, {"C4"}, +1, "pv_ext_debt_to_gdp_pct"),  # K58/L58
    # Input 7: the terms of debt that fills a gap move every test that borrows
    "residual_rate_pct": (
        12.0,
        {"B2", "B2.1", "B3", "B4", "B5", "B6", "B6.1", "C1", "C3"},
        0,
        "ext_debt_service_to_exports_pct",
    ),  # C14/D14/E14
    "residual_maturity_years": (
        12,
        {"B2", "B2.1", "B3", "B4", "B5", "B6", "B6.1", "C1", "C3"},
        0,
        "pv_ext_debt_to_gdp_pct",
    ),  # C16/D16/E16
    "residual_grace_years": (
        6,
        {"B2", "B2.1", "B3", "B4", "B5", "B6", "B6.1", "C1", "C3"},
        0,
        "pv_ext_debt_to_gdp_pct",
    ),  # C17/D17/E17
    # a smaller external share of a fiscal need: less new external debt (H9/J9)
    "residual_external_share_pct": (
        30.0,
        {"B2", "B2.1", "B6.1", "C1"},
        -1,
        "pv_ext_debt_to_gdp_pct",
    ),
    "residual_domestic_real_rate_pct": (
        6.0,
        {"B1", "B2", "B2.1", "B5", "B6", "B6.1", "C1", "C3"},
        0,
        "pv_public_debt_to_gdp_pct",
    ),  # H19/I19/J19
    "residual_domestic_st_share_pct": (
        50.0,
        {"B2", "B2.1", "B6.1", "C1"},
        0,
        "pv_public_debt_to_gdp_pct",
    ),  # H11/J11 (with H9 lowered so the shares still add up)
    # domestic MLT terms and the short-term rate: only debt that fills a fiscal need (the
    # lost revenue of B1/B5/B6/C3 is borrowed at home at the MLT rate, not on these terms)
    "residual_domestic_mlt_maturity_years": (
        8,
        {"B2", "B2.1", "B6.1", "C1"},
        0,
        "pv_public_debt_to_gdp_pct",
    ),  # H20/I20/J20
    "residual_domestic_mlt_grace_years": (
        1,
        {"B2", "B2.1", "B6.1", "C1"},
        0,
        "pv_public_debt_to_gdp_pct",
    ),  # H21/I21/J21
    "residual_domestic_st_real_rate_pct": (
        8.0,
        {"B2", "B2.1", "B6.1", "C1"},
        +1,
        "pv_public_debt_to_gdp_pct",
    ),  # H23/I23/J23
    # Input 6 C4/C18/D18: the shock rule. "Whichever is lower" is the lower of the two arms,
    # so either arm alone is milder where the other was the lower one: the baseline arm moves
    # the tests whose t+1 took the historical arm (B1, B2, B6's growth leg), and (below)
    # the historical arm those that took the baseline's (B3, B4, B6's export and flows legs)
    "mode": ("baseline", {"B1", "B2", "B2.1"} | B6, -1, "pv_ext_debt_to_gdp_pct"),
    # Input 6 G21/H21: B2's domestic borrowing cost per pp of PB deterioration (B6's PB leg,
    # which would carry it, is off): dearer domestic debt, higher public debt
    "b2_domestic_rate_bp_per_pp": (50.0, {"B2", "B2.1"}, +1, "pv_public_debt_to_gdp_pct"),
    # Input 6 G37/H37: a larger trade response to B5's real depreciation (also B6's t+2 trade
    # row) means a smaller t+2 deficit to finance
    "trade_response_to_real_depreciation": (0.3, {"B5"} | B6, -1, "pv_ext_debt_to_gdp_pct"),
    # Tailored H52/G52 (also C4's cost): the cap on the market variants' extra cost; B2.1 and
    # B6.1 are both at the 400 bp cap on this example, so a lower cap cuts both, a higher
    # one (below) raises both
    "b2_market_rate_cap_bp": (100.0, {"B2.1", "B6.1"}, -1, "pv_ext_debt_to_gdp_pct"),
    # Tailored K26/K27 per unit of G46: larger growth and revenue cuts for the same price fall
    "commodity_growth_per_price": (7.0, {"C3"}, +1, "pv_ext_debt_to_gdp_pct"),
    "commodity_revenue_per_price": (10.0, {"C3"}, +1, "pv_public_debt_to_gdp_pct"),
    # moves nothing here: B6's primary-balance leg is off (the template's B6 does not move
    # when it doubles, overlay-pb2) and B6.1's market cost is already at its 400 bp cap
    "b6_primary_balance_sd": (1.0, set(), 0, "pv_ext_debt_to_gdp_pct"),  # C47/D47
    # only the residual loans' grant element (reported), never a PV (Input 7 C15)
    "residual_discount_rate_pct": (7.0, set(), 0, "pv_ext_debt_to_gdp_pct"),
}
EXTRA = {"residual_domestic_st_share_pct": {"residual_external_share_pct": 27.24344563773595}}
#: further values of a setting, checked like its row above: (setting, value, tests, sign, indicator)
MORE: list[tuple[str, Any, set[str], int, str]] = [
    ("mode", "historical", {"B3", "B4"} | B6, -1, "pv_ext_debt_to_gdp_pct"),
    ("b2_market_rate_cap_bp", 600.0, {"B2.1", "B6.1"}, +1, "pv_ext_debt_to_gdp_pct"),
]
CASES = [(k, *v) for k, v in SWEEP.items()] + MORE


@cache
def _reference() -> DSAResult:
    c, s = illustrative()
    return run_dsa(c, s)


def test_the_sweep_covers_every_mapped_input6_and_input7_setting() -> None:
    from debttrap.io.workbook import load_mapping

    mapped = {
        e["field"].split(".", 1)[1]
        for e in load_mapping().spec["scalars"]
        if e["field"].startswith("stress.")
        and e["sheet"] in ("standard_tests", "tailored_tests", "residual_financing")
    }
    assert mapped == set(SWEEP)

#: (setting, test) whose direction differs from the setting's row above, with the reason there
SIGN_OVERRIDE = {("fx_passthrough", "B6"): -1, ("fx_passthrough", "B6.1"): -1}


@pytest.mark.parametrize(
    ("setting", "value", "expected", "sign", "sign_indicator"),
    CASES,
    ids=[f"{c[0]}={c[1]}" for c in CASES],
)
def test_setting_moves_exactly_its_tests(
    setting: str, value: Any, expected: set[str], sign: int, sign_indicator: str
) -> None:
    c, s = illustrative()
    ref = _reference()
    res = run_dsa(c, s.model_copy(update={setting: value, **EXTRA.get(setting, {})}))
    moved = set()
    for code in ref.stress:
        for ind in INDICATORS:
            a = ref.indicator_path(ind.value, code)[:11]
            b = res.indicator_path(ind.value, code)[:11]
            if not np.allclose(a, b, rtol=1e-9, atol=1e-12):
                moved.add(code)
    assert moved == expected
    for ind in INDICATORS:  # the baseline never moves
        np.testing.assert_array_equal(
            res.indicator_path(ind.value, "baseline"), ref.indicator_path(ind.value, "baseline")
        )
    if sign:
        for code in expected:
            d = res.indicator_path(sign_indicator, code)[:11] - ref.indicator_path(
                sign_indicator, code
            )[:11]
            assert SIGN_OVERRIDE.get((setting, code), sign) * d.sum() > 0, code
