"""debttrap's LIC-DSF on the template's illustrative data against Excel (2025-08-12 template).

Reference values: Excel outputs of the IMF/World Bank LIC-DSF template of
2025-08-12 on its default data, from Teal-Insights/py-lic-dsf parity cases
(``tests/reference/lic-dsf/README.md``).
"""

from __future__ import annotations

import numpy as np
import pytest
from golden_data import (
    STRESS_QUANTITY,
    WINDOW,
    calibrated_country,
    illustrative,
    series,
    stress_path,
)

from debttrap.country import derive
from debttrap.dsa.run import run_dsa
from debttrap.dsa.stress import StressSettings

O11 = "template-baseline-output11"
O12 = "template-baseline-output12"


@pytest.fixture(scope="module")
def country_settings():  # type: ignore[no-untyped-def]
    return illustrative()


@pytest.fixture(scope="module")
def calibrated(country_settings):  # type: ignore[no-untyped-def]
    c, s = country_settings
    return run_dsa(calibrated_country(c), s)


def _window(a: np.ndarray, years: np.ndarray) -> np.ndarray:
    idx = [int(np.flatnonzero(years == y)[0]) for y in WINDOW]
    return np.asarray(a)[idx]


@pytest.mark.parametrize(
    ("attr", "case", "quantity"),
    [
        ("real_gdp_growth_pct", O11, "real_gdp_growth_pct"),  # Output 1-1 row 38
        ("gdp_deflator_usd_growth_pct", O11, "gdp_deflator_usd_growth_pct"),  # row 39
        ("exports_growth_usd_pct", O11, "exports_gs_growth_usd_pct"),  # row 41
        ("revenue_excl_grants_pct_gdp", O11, "government_revenue_excl_grants_to_gdp_pct"),
        ("exports_pct_gdp", O11, "exports_gs_to_gdp_pct"),  # row 15
        ("nominal_gdp_lcu_m", O12, "nominal_gdp_lcu_mn"),  # Output 1-2 row 41
        ("revenue_incl_grants_pct_gdp", O12, "revenue_and_grants_to_gdp_pct"),  # row 14
        ("gdp_deflator_lcu_growth_pct", O12, "gdp_deflator_lcu_inflation_pct"),  # row 54
    ],
)
def test_derived_series_match_excel(country_settings, attr, case, quantity):  # type: ignore[no-untyped-def]
    der = derive(country_settings[0])
    ours = _window(getattr(der, attr), der.years)
    np.testing.assert_allclose(ours, series(case, quantity), rtol=1e-9, atol=1e-12)


def test_primary_deficit_matches_excel(country_settings):  # type: ignore[no-untyped-def]
    der = derive(country_settings[0])
    ours = -_window(der.primary_balance_pct_gdp, der.years)
    np.testing.assert_allclose(ours, series(O12, "primary_deficit_pct_gdp"), rtol=1e-9, atol=1e-12)


def test_itemised_inputs_miss_six_billion_of_ppg_external_debt(country_settings):  # type: ignore[no-untyped-def]
    """The documented gap: Excel's PPG external stock end-2024 minus the itemised inputs."""
    c, s = country_settings
    res = run_dsa(c, s)
    gdp = derive(c).nominal_gdp_usd_m[10]
    excel_nominal = series(O11, "ppg_ext_debt_nominal_to_gdp_pct")[0] / 100 * gdp
    gap = excel_nominal - res.baseline.ext_debt_nominal_usd_m[0]
    assert gap == pytest.approx(6079.8, abs=0.5)
    # and Excel's PV exceeds ours by about 10 points of GDP in 2024
    e1_gap = series(O11, "pv_ppg_ext_debt_to_gdp_pct")[0] - res.baseline.pv_ext_debt_to_gdp_pct[0]
    assert 10.0 < e1_gap < 11.5


# What the calibration can and cannot show. ``calibrated_country`` plugs the unitemised PPG
# external debt as "Excel's total minus ours" (stock, service and PV, 2024-2034), so the
# numerators of E1 (PV) and E3 (service) are Excel's by construction and comparing those two
# baseline paths would test nothing but the plug. What stays a test:
# * E2, E4 and P1 on the calibrated baseline: exports (E2), revenue excluding grants at
#   average exchange rates (E4) and the public-debt formula with domestic debt and the
#   end-of-period conversion (P1) are debttrap's own;
# * every *response* to a shock (stress minus baseline): the plug is calibrated on the
#   baseline only, so how PV and service move under a shock is debttrap's computation.
# The gap itself stays documented (docs/dsa.md, "The missing US$ 6 bn") and measured by
# test_itemised_inputs_miss_six_billion_of_ppg_external_debt.


@pytest.mark.parametrize(
    "indicator",
    ["pv_ext_debt_to_exports_pct", "ext_debt_service_to_revenue_pct", "pv_public_debt_to_gdp_pct"],
)
def test_calibrated_baseline_denominators_and_public_formula_match_excel(calibrated, indicator):  # type: ignore[no-untyped-def]
    """With the unitemised stock supplied, E2, E4 and P1 equal Excel (see the note above)."""
    ours = calibrated.indicator_path(indicator, "baseline")[:11]
    np.testing.assert_allclose(ours, stress_path(indicator, "baseline"), rtol=1e-9)


def _excel_usd(indicator: str, code: str, denominator: np.ndarray) -> np.ndarray:
    return stress_path(indicator, code) / 100 * denominator


def test_b1_response_of_pv_and_service_matches_excel(country_settings):  # type: ignore[no-untyped-def]
    """B1 minus baseline, in US$, on the itemised inputs alone (no plug). Excel's US$ amounts
    are its ratios times its own denominators (GDP of the B1 sheet and the baseline): B1 adds
    no external debt in the template (its growth shock is not a balance-of-payments gap), and
    none in debttrap, so B1's external ratios move by their denominators alone, which
    test_b1_macro_matches_excel_b1_sheet checks."""
    c, s = country_settings
    res = run_dsa(c, s)
    gdp_b = derive(c).nominal_gdp_usd_m[10:21]
    gdp_1 = series("template-bsheet-ext-b1", "nominal_gdp_usd_mn")
    b1 = res.stress["B1"]
    base = res.baseline
    ours_pv = b1.pv_ext_debt_usd_m[:11] - base.pv_ext_debt_usd_m[:11]
    excel_pv = _excel_usd("pv_ext_debt_to_gdp_pct", "B1", gdp_1) - _excel_usd(
        "pv_ext_debt_to_gdp_pct", "baseline", gdp_b
    )
    np.testing.assert_allclose(ours_pv, excel_pv, rtol=0, atol=1e-6)
    np.testing.assert_allclose(excel_pv, 0.0, atol=1e-6)  # the template's response is nil
    exports = res.baseline.pv_ext_debt_usd_m[:11] / res.baseline.pv_ext_debt_to_exports_pct[:11]
    ours_ds = b1.ext_debt_service_usd_m[:11] - base.ext_debt_service_usd_m[:11]
    excel_ds = (
        stress_path("ext_debt_service_to_exports_pct", "B1")
        - stress_path("ext_debt_service_to_exports_pct", "baseline")
    ) / 100 * (100 * exports)
    np.testing.assert_allclose(ours_ds, excel_ds, rtol=0, atol=1e-6)


def test_b1_macro_matches_excel_b1_sheet(calibrated):  # type: ignore[no-untyped-def]
    """B1: shocked real growth (mean - 1 sd) and US$ GDP with the 0.6 deflator interaction."""
    b1 = calibrated.stress["B1"]
    gdp = 100 * b1.pv_ext_debt_usd_m / b1.pv_ext_debt_to_gdp_pct
    np.testing.assert_allclose(
        gdp[:11], series("template-bsheet-ext-b1", "nominal_gdp_usd_mn"), rtol=1e-9
    )


@pytest.mark.parametrize(
    "indicator",
    [
        "pv_ext_debt_to_gdp_pct",
        "pv_ext_debt_to_exports_pct",
        "ext_debt_service_to_exports_pct",
        "ext_debt_service_to_revenue_pct",
    ],
)
def test_b1_external_paths_match_excel(calibrated, indicator):  # type: ignore[no-untyped-def]
    ours = calibrated.indicator_path(indicator, "B1")[:11]
    np.testing.assert_allclose(ours, stress_path(indicator, "B1"), rtol=1e-9)


def test_b3_first_shock_year_matches_excel(calibrated):  # type: ignore[no-untyped-def]
    """B3 in t+1: shocked export growth, growth interaction and the financed gap."""
    for ind in ("pv_ext_debt_to_gdp_pct", "pv_ext_debt_to_exports_pct"):
        ours = calibrated.indicator_path(ind, "B3")[1]
        assert ours == pytest.approx(stress_path(ind, "B3")[1], rel=1e-3)


def test_b3_and_b4_follow_excel_to_2034(calibrated):  # type: ignore[no-untyped-def]
    """B3 and B4, 2024-2034 (live Excel): B3's GDP equals Excel's (PV/GDP over PV/exports,
    same exports, rel. 1e-9: t+2's growth interaction takes B3's own t+1 exports/GDP), and
    with the residual debt's interest borrowed again, less the identity's valuation term
    (the baseline's local-currency share of external debt x the year's depreciation, which
    the template applies to its whole stressed stock), every external indicator stays within
    0.06 pp (B3) and 0.04 pp (B4) of Excel's, PV/exports within 0.2 and 0.1 pp. They drifted
    to 3.9 and 2.1 pp below without the interest, and 1.13 and 0.60 pp above without the
    valuation term (docs/dsa.md, B3)."""
    ratio = calibrated.indicator_path("pv_ext_debt_to_exports_pct", "B3")[:11] / (
        calibrated.indicator_path("pv_ext_debt_to_gdp_pct", "B3")[:11]
    )
    excel = stress_path("pv_ext_debt_to_exports_pct", "B3") / stress_path(
        "pv_ext_debt_to_gdp_pct", "B3"
    )
    np.testing.assert_allclose(ratio, excel[:11], rtol=1e-9)
    for code, tol, tol_pv_exports in (("B3", 0.06, 0.2), ("B4", 0.04, 0.1)):
        for ind in list(STRESS_QUANTITY)[:4]:
            ours = calibrated.indicator_path(ind, code)[:11]
            gap = ours - stress_path(ind, code)[:11]
            bound = tol_pv_exports if ind == "pv_ext_debt_to_exports_pct" else tol
            assert np.max(np.abs(gap)) < bound, (code, ind)


def test_thresholds_are_the_templates(calibrated):  # type: ignore[no-untyped-def]
    for ind, (quantity, case) in STRESS_QUANTITY.items():
        excel = series(case, quantity.replace("_pct", "_threshold_pct"), "threshold")[0]
        assert calibrated.thresholds[ind] == excel


def test_no_change_cases_change_nothing(country_settings):  # type: ignore[no-untyped-def]
    """Input 1 C27 = No and Input 7 discount 7% change no Excel probe; nor debttrap's paths."""
    c, s = country_settings
    ref = run_dsa(c, s).to_frame()
    no_market = run_dsa(c.model_copy(update={"market_access": False}), s).to_frame()
    disc7 = run_dsa(c, s.model_copy(update={"residual_discount_rate_pct": 7.0})).to_frame()
    np.testing.assert_array_equal(ref.to_numpy(), disc7.to_numpy())
    # market access only adds the market variants B2.1 and B6.1 (+100 bp per pp of PB shock
    # on new external debt, cap 400); every scenario run either way is identical, B2's and
    # B6's public paths included, as Excel's Output 3-2 does not move at all
    scen = ref.index.get_level_values("scenario")
    assert set(scen) - set(no_market.index.get_level_values("scenario")) == {"B2.1", "B6.1"}
    common = ~scen.isin(["B2.1", "B6.1"])
    np.testing.assert_array_equal(ref.to_numpy()[common], no_market.to_numpy())
    # the Excel side of the claim, on the reference data itself
    for case, ref_case, q in (
        (
            "overlay-market-access-off-output32",
            "template-stress-output32",
            "pv_public_debt_to_gdp_pct",
        ),
        (
            "overlay-resfin-discount7-output31",
            "template-stress-output31",
            "pv_ppg_ext_debt_to_gdp_pct",
        ),
    ):
        for scen in ("baseline", "B1_real_gdp_growth", "C1_combined_contingent_liabilities"):
            a = series(case, q, scen)
            b = series(ref_case, q, scen)
            ok = np.isfinite(a)
            np.testing.assert_allclose(a[ok], b[ok], rtol=1e-9)


def test_settings_default_is_template_mode() -> None:
    s = StressSettings()
    assert (s.mode, s.interactions, s.b5_depreciation_pct, s.combination_factor) == (
        "whichever_lower",
        True,
        30.0,
        0.5,
    )
