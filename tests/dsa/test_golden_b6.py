"""B6 (combination of B1-B5 at half size) against Excel: the evidence behind two decisions.

Reference values: Output 3-1 of the 2025-08-12 template on its illustrative data
and the overlay-pb2 case (``tests/reference/lic-dsf/README.md``).

1. The half-size primary-balance leg is off by default (``b6_primary_balance_leg``):
   the template's B6 rows do not move when the B6 primary-balance shock is doubled.
2. What is left of the B6 gap is in the denominators: Excel's B6 exports/GDP
   (Output 3-1 PV/GDP over PV/exports, an exact identity) carries the
   depreciation leg in 2025-2026 only; from 2027 it sits on debttrap's B6 without
   the depreciation, whereas Excel's own B5 keeps the lower US$ GDP for good.
"""

from __future__ import annotations

import numpy as np
import pytest
from golden_data import STRESS_QUANTITY, calibrated_country, illustrative, stress_path

from debttrap.dsa.run import run_dsa

EXTERNAL = [k for k in STRESS_QUANTITY if k != "pv_public_debt_to_gdp_pct"]


@pytest.fixture(scope="module")
def calibrated():  # type: ignore[no-untyped-def]
    c, s = illustrative()
    return calibrated_country(c), s


def _exports_to_gdp(e1: np.ndarray, e2: np.ndarray) -> np.ndarray:
    return 100.0 * e1 / e2


@pytest.mark.parametrize("indicator", EXTERNAL)
def test_b6_primary_balance_leg_is_off_as_in_excel(calibrated, indicator):  # type: ignore[no-untyped-def]
    """overlay-pb2 doubles the B2 and B6 primary-balance shocks: Excel's B6 does not move."""
    # grapher (overlay) against live Excel (template): equal to the last digits
    np.testing.assert_allclose(
        stress_path(indicator, "B6", "overlay-pb2-output31")[:5],
        stress_path(indicator, "B6")[:5],
        rtol=1e-12,
    )
    c, s = calibrated
    one = run_dsa(c, s)
    two = run_dsa(c, s.model_copy(update={"b2_primary_balance_sd": 2.0}))
    np.testing.assert_allclose(  # same arithmetic; the batch may round in the last digit
        one.indicator_path(indicator, "B6"), two.indicator_path(indicator, "B6"), rtol=1e-12
    )
    # with the leg switched on, doubling the shock would move B6, unlike Excel
    leg = s.model_copy(update={"b6_primary_balance_leg": True})
    on1 = run_dsa(c, leg).indicator_path(indicator, "B6")
    on2 = run_dsa(c, leg.model_copy(update={"b2_primary_balance_sd": 2.0})).indicator_path(
        indicator, "B6"
    )
    assert np.max(np.abs(on2[1:5] - on1[1:5])) > 0.1


def test_leg_off_halves_the_b6_gap(calibrated):  # type: ignore[no-untyped-def]
    c, s = calibrated
    ind = "pv_ext_debt_to_gdp_pct"
    excel = stress_path(ind, "B6")
    off = run_dsa(c, s).indicator_path(ind, "B6")[:11] - excel
    on = (
        run_dsa(c, s.model_copy(update={"b6_primary_balance_leg": True})).indicator_path(ind, "B6")[
            :11
        ]
        - excel
    )
    assert np.max(np.abs(off)) < 8.0 < 15.0 < np.max(np.abs(on))


def test_excel_b6_depreciation_leg_is_temporary_in_the_denominators(calibrated):  # type: ignore[no-untyped-def]
    """Excel's B6 exports/GDP: 2027-2028 within 0.3 pp of debttrap's B6 without the 15 %
    depreciation, and 4 pp away from it with the depreciation (which, like Excel's B5,
    lowers US$ GDP for good); Excel's B5 itself keeps the lower level (within 0.1 pp)."""
    c, s = calibrated
    e1, e2 = "pv_ext_debt_to_gdp_pct", "pv_ext_debt_to_exports_pct"
    excel_b6 = _exports_to_gdp(stress_path(e1, "B6"), stress_path(e2, "B6"))[3:5]
    res = run_dsa(c, s)
    no_dep = run_dsa(c, s.model_copy(update={"b5_depreciation_pct": 0.0}))

    def ours(r, code):  # type: ignore[no-untyped-def]
        return _exports_to_gdp(r.indicator_path(e1, code), r.indicator_path(e2, code))[3:5]

    np.testing.assert_allclose(ours(no_dep, "B6"), excel_b6, atol=0.3)
    assert np.all(ours(res, "B6") - excel_b6 > 4.0)
    excel_b5 = _exports_to_gdp(stress_path(e1, "B5"), stress_path(e2, "B5"))[3:5]
    np.testing.assert_allclose(ours(res, "B5"), excel_b5, atol=0.1)


@pytest.mark.parametrize("indicator", EXTERNAL)
def test_b6_export_arm_has_its_own_elasticity(calibrated, indicator):  # type: ignore[no-untyped-def]
    """overlay-exports-gdp-elast (Input 6 G25 = 1.2) moves Excel's B3 and leaves its B6 alone
    (to the last digits); yet Excel's B6 exports/GDP needs the export arm (the denominator
    test above, which fails without it). So B6's export arm has its own elasticity."""
    case = "overlay-exports-gdp-elast-output31"
    np.testing.assert_allclose(
        stress_path(indicator, "B6", case)[:5], stress_path(indicator, "B6")[:5], rtol=1e-12
    )
    c, s = calibrated
    one = run_dsa(c, s)
    hi = run_dsa(c, s.model_copy(update={"exports_gdp_elasticity": 1.2}))
    np.testing.assert_array_equal(
        one.indicator_path(indicator, "B6"), hi.indicator_path(indicator, "B6")
    )
    b6_hi = run_dsa(c, s.model_copy(update={"b6_exports_gdp_elasticity": 1.2}))
    if indicator in ("pv_ext_debt_to_gdp_pct", "ext_debt_service_to_revenue_pct"):
        # growth moves GDP and revenue; debt, its service and exports do not depend on it
        assert (
            np.max(
                np.abs(b6_hi.indicator_path(indicator, "B6") - one.indicator_path(indicator, "B6"))
            )
            > 0.1
        )
