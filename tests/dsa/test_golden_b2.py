"""B2 (primary balance) and the public residual financing, against Excel (2025-08-12 template).

Reference values: Output 3-1 of the template on its illustrative data and the
Input 6/7 overlays (``tests/reference/lic-dsf/README.md``). The example's
primary-balance history (mean, SD), residual external share and rate are not in
the template's leaf inputs; ``tools/make_illustrative_example.py`` derives them
from the t+1 (2025) values of C1, B2 and overlay-pb2, so 2025 itself is fitted.
Every later year, every other indicator and every overlay below is a test.

The example has market access (Input 1 C27 = Yes), and for such a country the
template's Output 3-1 B2 row is the market variant: the t+2 service of B2's residual
debt carries the +400 bp market cost (test below). debttrap runs that variant as
``B2.1`` and keeps ``B2`` as the standard test, so Output 3-1 (external) is compared
with ``B2.1`` and Output 3-2 (public, where the template ignores the market cost) with ``B2``.
"""

from __future__ import annotations

import numpy as np
import pytest
from golden_data import STRESS_QUANTITY, calibrated_country, illustrative, stress_path

from debttrap.dsa.paths import InstrumentTerms, UnitLoanBasis
from debttrap.dsa.run import run_dsa
from debttrap.dsa.stress import fiscal_financing

EXTERNAL = [k for k in STRESS_QUANTITY if k != "pv_public_debt_to_gdp_pct"]
PV = ("pv_ext_debt_to_gdp_pct", "pv_ext_debt_to_exports_pct")


@pytest.fixture(scope="module")
def calibrated():  # type: ignore[no-untyped-def]
    c, s = illustrative()
    return calibrated_country(c), s


def _gap(res, ind, case=None):  # type: ignore[no-untyped-def]
    return res.indicator_path(ind, "B2.1")[:11] - stress_path(ind, "B2", case)


def test_b2_runs_on_the_example() -> None:
    c, s = illustrative()
    res = run_dsa(c, s)
    assert "B2" in res.stress and "B2" not in res.not_run


@pytest.mark.parametrize("indicator", EXTERNAL)
def test_b2_external_paths_match_excel_to_t3(calibrated, indicator):  # type: ignore[no-untyped-def]
    """2026-2027 are out of sample: refinanced ST debt, interest, the +400 bp market cost."""
    res = run_dsa(*calibrated)
    np.testing.assert_allclose(_gap(res, indicator)[:4], 0.0, atol=0.05)
    # later years: the template's domestic residual terms are not in the leaf set
    assert np.max(np.abs(_gap(res, indicator))) < 3.5


@pytest.mark.parametrize(
    ("case", "update"),
    [
        ("overlay-pb2-output31", {"b2_primary_balance_sd": 2.0}),
        ("overlay-resfin-grace6-output31", {"residual_grace_years": 6}),
        ("overlay-resfin-maturity12-output31", {"residual_maturity_years": 12}),
        ("overlay-resfin-rate12-output31", {"residual_rate_pct": 12.0}),
        ("overlay-interactions-off-output31", {"interactions": False}),
    ],
)
def test_b2_moves_with_the_input6_and_input7_overlays_as_excel(calibrated, case, update):  # type: ignore[no-untyped-def]
    c, s = calibrated
    res = run_dsa(c, s.model_copy(update=update))
    for ind in PV:  # within 0.1 % of Excel in 2025-2027
        ours = res.indicator_path(ind, "B2.1")[1:4]
        np.testing.assert_allclose(ours, stress_path(ind, "B2", case)[1:4], rtol=1e-3)
    for ind in ("ext_debt_service_to_exports_pct", "ext_debt_service_to_revenue_pct"):
        np.testing.assert_allclose(_gap(res, ind, case)[1:5], 0.0, atol=0.15)


def test_market_cost_is_100bp_per_pp_capped_at_400(calibrated):  # type: ignore[no-untyped-def]
    """Excel: t+2 service of B2's t+1 residual debt = (rate + 4 %) x debt (also at 12 %)."""
    c, s = calibrated
    for rate, case in ((s.residual_rate_pct, None), (12.0, "overlay-resfin-rate12-output31")):
        res = run_dsa(c, s.model_copy(update={"residual_rate_pct": rate}))
        b2, base = res.stress["B2.1"], res.baseline
        d_pv = b2.pv_ext_debt_usd_m[1] - base.pv_ext_debt_usd_m[1]
        d_ds = b2.ext_debt_service_usd_m[2] - base.ext_debt_service_usd_m[2]
        assert d_ds / d_pv == pytest.approx((rate or 0.0) / 100 + 0.04, rel=1e-12)
        excel = stress_path("ext_debt_service_to_exports_pct", "B2", case)[2]
        ours = res.indicator_path("ext_debt_service_to_exports_pct", "B2.1")[2]
        assert ours == pytest.approx(excel, abs=1e-3)
        # the standard B2 carries the residual rate alone
        std = res.stress["B2"]
        d_ds = std.ext_debt_service_usd_m[2] - base.ext_debt_service_usd_m[2]
        assert d_ds / d_pv == pytest.approx((rate or 0.0) / 100, rel=1e-12)


def test_c1_uses_the_same_residual_financing(calibrated):  # type: ignore[no-untyped-def]
    res = run_dsa(*calibrated)
    for ind in EXTERNAL:
        gap = res.indicator_path(ind, "C1")[:11] - stress_path(ind, "C1")
        np.testing.assert_allclose(gap[:4], 0.0, atol=0.05)


# ------------------------------------------------------------------ fiscal_financing oracles
def _basis(n: int) -> UnitLoanBasis:
    return UnitLoanBasis.build([InstrumentTerms("res", 0.08, 4, 9)], n, 0.05)


def test_short_term_rollover_compounds_at_its_rate() -> None:
    """All-ST financing of a one-off gap: the stock is rolled over, gap x (1+i)^(y-1)."""
    n = 8
    gap = np.zeros(n)
    gap[1] = 100.0
    i = np.full(n, 0.1)
    fin = fiscal_financing(
        gap,
        np.full(n, 2.0),
        _basis(n),
        0,
        external_share=0.0,
        domestic_st_share=1.0,
        domestic_mlt_rate_dec=i,
        domestic_st_rate_dec=i,
        domestic_mlt_grace_years=3,
        domestic_mlt_maturity_years=5,
    )
    expected = np.array([0.0] + [100.0 * 1.1 ** (y - 1) for y in range(1, n)])
    np.testing.assert_allclose(fin.domestic_st_lcu_m, expected, rtol=1e-12)
    np.testing.assert_allclose(fin.external_usd_m, 0.0)


def test_need_is_split_by_the_shares() -> None:
    n = 12
    rng = np.random.default_rng(7)
    gap = rng.uniform(0.0, 50.0, n)
    fx = rng.uniform(1.0, 3.0, n)
    fin = fiscal_financing(
        gap,
        fx,
        _basis(n),
        0,
        external_share=0.4,
        domestic_st_share=0.35,
        domestic_mlt_rate_dec=np.full(n, 0.12),
        domestic_st_rate_dec=np.full(n, 0.1),
        domestic_mlt_grace_years=1,
        domestic_mlt_maturity_years=3,
    )
    total = fin.external_usd_m * fx + fin.domestic_mlt_lcu_m + fin.domestic_st_lcu_m
    np.testing.assert_allclose(total, fin.need_lcu_m, rtol=1e-12)
    np.testing.assert_allclose(fin.external_usd_m * fx, 0.4 * fin.need_lcu_m, rtol=1e-12)
    assert np.all(fin.need_lcu_m >= gap - 1e-9)  # debt service only adds to the need
