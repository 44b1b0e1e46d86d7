"""The export shock at 2 SD (preset ``larger_exports_shock``) against live Excel.

Reference: Excel's Output 3-1 of the 2025-08-12 template on its default data with Input 6
C25/D25 (B3) and C44/D44 (B6's export leg) at 2 standard deviations instead of 1 and 0.5
(case ``overlay-exports2-output31``, ``tests/reference/lic-dsf/README.md``), against the
same probes of the default case (``template-stress-output31``), 2024-2028 (the years the
case probes). Levels carry the documented gap of the unitemised external debt, so the
tests compare *relative responses* (preset / default, per indicator, scenario and year) on
the calibrated example, within 1 % of Excel's, and absolute values within 0.5 pp where
docs/dsa.md says the calibrated example matches (baseline and B1 exactly, B3 in t+1).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from golden_data import SCENARIO_CODE, STRESS_QUANTITY, calibrated_country, illustrative, series

from debttrap.dsa.run import DSAResult, run_dsa

CASE = Path(__file__).resolve().parents[1] / "reference/lic-dsf/expected-outputs-exports2.csv.gz"
YEARS = list(range(2024, 2029))
EXTERNAL = list(STRESS_QUANTITY)[:4]  # Output 3-1 shows the external indicators only
SCEN = {code: name for name, code in SCENARIO_CODE.items()}
# Excel's Output 3-1 "B2" row is the market variant for this market-access example
OURS = {"baseline": "baseline", "B1": "B1", "B2": "B2.1", "B3": "B3", "B4": "B4", "B5": "B5",
        "B6": "B6"}
PRESET = {"b3_exports_sd": 2.0, "b6_exports_sd": 2.0}  # what the reader makes of the cells


@cache
def _case() -> pd.DataFrame:
    return pd.read_csv(CASE)


def _excel(indicator: str, code: str, preset: bool) -> np.ndarray:
    quantity, default_case = STRESS_QUANTITY[indicator]
    if not preset:
        return series(default_case, quantity, SCEN[code])[: len(YEARS)]
    g = _case()
    sel = g[(g.quantity == quantity) & (g.scenario == SCEN[code])].set_index("year")
    return sel["excel_value"].reindex(YEARS).to_numpy(dtype=float)


@cache
def _runs() -> tuple[DSAResult, DSAResult]:
    c, s = illustrative()
    cc = calibrated_country(c)
    return run_dsa(cc, s), run_dsa(cc, s.model_copy(update=PRESET))


def _ours(indicator: str, code: str, preset: bool) -> np.ndarray:
    res = _runs()[1 if preset else 0]
    return res.indicator_path(indicator, OURS[code])[: len(YEARS)]


def _response_gap(indicator: str, code: str) -> np.ndarray:
    """(ours preset/default) / (Excel preset/default) - 1, by year."""
    ours = _ours(indicator, code, True) / _ours(indicator, code, False)
    excel = _excel(indicator, code, True) / _excel(indicator, code, False)
    return ours / excel - 1.0


def test_the_case_probes_2024_2028_only() -> None:
    """The responses are tested on every year the case has: Excel's Output 3-1 probes of this
    case stop at 2028 (the default case's 2029-2034 have no exports2 counterpart)."""
    assert sorted(_case().year.unique()) == YEARS
    assert len(_case()) == 260


def test_the_case_moves_b3_and_b6_in_excel() -> None:
    for code, moves in (("baseline", False), ("B1", False), ("B3", True), ("B6", True)):
        a = _excel("pv_ext_debt_to_exports_pct", code, True)
        b = _excel("pv_ext_debt_to_exports_pct", code, False)
        assert (not np.allclose(a, b, rtol=1e-9)) == moves, code


@pytest.mark.parametrize("code", ["baseline", "B1", "B2", "B4", "B5"])
@pytest.mark.parametrize("indicator", EXTERNAL)
def test_unshocked_tests_respond_as_excel(indicator: str, code: str) -> None:
    """Tests without an export leg do not move, in Excel or in debttrap."""
    np.testing.assert_allclose(_response_gap(indicator, code), 0.0, atol=0.01)


@pytest.mark.parametrize("indicator", EXTERNAL)
def test_b3_responds_as_excel(indicator: str) -> None:
    """B3, 2024-2028: the response within 1 % of Excel's. Two fixes closed the gap of up
    to 2 % after the shock years: t+2's growth interaction takes B3's own t+1 exports/GDP
    (Excel's 2026 GDP then equals debttrap's, rel. 1e-9), and the interest on the residual
    debt of the balance-of-payments gap is itself borrowed, as the template's external
    stress identity does (docs/dsa.md)."""
    np.testing.assert_allclose(_response_gap(indicator, "B3"), 0.0, atol=0.01)


def test_b3_gdp_after_its_growth_shock_is_excels() -> None:
    """B3's US$ GDP (PV/GDP over PV/exports, with B3's exports, which both share) equals
    Excel's in every probed year, default and preset: the t+2 growth interaction uses B3's
    own t+1 exports/GDP."""
    for preset in (False, True):
        ours = _ours("pv_ext_debt_to_exports_pct", "B3", preset) / _ours(
            "pv_ext_debt_to_gdp_pct", "B3", preset
        )
        excel = _excel("pv_ext_debt_to_exports_pct", "B3", preset) / _excel(
            "pv_ext_debt_to_gdp_pct", "B3", preset
        )
        np.testing.assert_allclose(ours, excel, rtol=1e-9)


@pytest.mark.parametrize("indicator", EXTERNAL)
def test_b6_responds_as_excel(indicator: str) -> None:
    """B6, 2024-2028: the response within 1 % of Excel's. Before the legs were combined as
    the template does (export arm of growth sized by C44, no export shortfall in t+2's trade
    row, PV/exports over that row's exports), debttrap's B6 over-responded by up to 75 %;
    2028 was 1.3 % off until the residual debt's interest was borrowed and t+2's trade row
    applied the baseline's deficit ratio to B6's own GDP."""
    np.testing.assert_allclose(_response_gap(indicator, "B6"), 0.0, atol=0.01)


@pytest.mark.parametrize("indicator", EXTERNAL)
def test_calibrated_levels_under_the_preset(indicator: str) -> None:
    """Absolute, where the calibrated example matches Excel (docs/dsa.md): baseline and B1
    every year, B3 in t+1 (2025), B2 (the market variant) to 2027, within 0.5 pp. The probes
    stop at 2028: the case has 260 probes, Output 3-1 for 2024-2028 only."""
    cases = (("baseline", slice(None)), ("B1", slice(None)), ("B3", slice(1, 2)), ("B2", slice(4)))
    for code, years in cases:
        np.testing.assert_allclose(
            _ours(indicator, code, True)[years], _excel(indicator, code, True)[years], atol=0.5
        )
