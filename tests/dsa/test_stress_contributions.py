"""Debt-dynamics tables (§6) of the stress scenarios: ``DSAResult.stress_contributions``.

Oracles: the baseline's own tables (no shock), the template's B1 sheet (real growth and
US$ GDP under B1, Excel, ``tests/reference/lic-dsf``), the primary-balance shock sized by
hand (§4.1) and the contingent liability of the input.
"""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import pytest
from golden_data import WINDOW, calibrated_country, illustrative, series, with_public_rates

from debttrap.dsa.paths import baseline_setup
from debttrap.dsa.run import run_dsa


@pytest.fixture(scope="module")
def country_settings():  # type: ignore[no-untyped-def]
    c, s = illustrative()
    return with_public_rates(calibrated_country(c)), s


@pytest.fixture(scope="module")
def res(country_settings):  # type: ignore[no-untyped-def]
    return run_dsa(*country_settings)


def _rows(table: object) -> dict[str, np.ndarray]:
    return {f.name: np.asarray(getattr(table, f.name)) for f in fields(table)}  # type: ignore[arg-type]


def test_every_test_run_has_tables_and_json(res):  # type: ignore[no-untyped-def]
    assert set(res.stress_contributions) == set(res.stress)
    doc = res.to_contract()
    assert set(doc["stress_contributions"]) == set(res.stress)
    assert doc["contributions"] == res.contributions.to_dict()  # the baseline key is unchanged
    for ind, block in doc["indicators"].items():
        mx = block["most_extreme_test"]
        got = res.contributions_of("most_extreme", ind)
        assert (got is None) if mx is None else (got is res.stress_contributions[mx])


def test_no_shock_gives_the_baseline_tables(country_settings):  # type: ignore[no-untyped-def]
    """Zero shocks: every stress table equals the baseline's (through the scenario path:
    deflators rebuilt from GDP, current account from the gap)."""
    c, s = country_settings
    zero = s.model_copy(
        update={
            "b1_growth_sd": 0.0,
            "b2_primary_balance_sd": 0.0,
            "b3_exports_sd": 0.0,
            "b4_transfers_sd": 0.0,
            "b4_fdi_sd": 0.0,
            "b5_depreciation_pct": 0.0,
            "mode": "baseline",
            "b2_market_rate_bp_per_pp": 0.0,
        }
    )
    tl = c.tailored.model_copy(update={"contingent_liabilities_pct_gdp": 0.0})
    r = run_dsa(c.model_copy(update={"tailored": tl}), zero)
    base_ext, base_pub = _rows(r.contributions.external), _rows(r.contributions.public)
    assert np.isfinite(base_ext["residual_pct_gdp"][1:]).all()
    for code in ("B1", "B2", "B2.1", "B3", "B4", "B5", "B6", "B6.1", "C1"):
        tab = r.stress_contributions[code]
        for name, ref in base_ext.items():
            np.testing.assert_allclose(
                _rows(tab.external)[name], ref, atol=1e-9, equal_nan=True, err_msg=code + name
            )
        for name, ref in base_pub.items():
            np.testing.assert_allclose(
                _rows(tab.public)[name], ref, atol=1e-9, equal_nan=True, err_msg=code + name
            )


def test_b1_growth_row_uses_the_shocked_growth(res):  # type: ignore[no-untyped-def]
    """Real-growth contribution under B1 = -g d_{-1} GDP_{-1}/GDP with Excel's B1 sheet
    growth (row 50) and US$ GDP (row 46), 2025-2034."""
    case = "template-bsheet-ext-b1"
    g = series(case, "real_gdp_growth_pct") / 100
    gdp = series(case, "nominal_gdp_usd_mn")
    ext = res.stress_contributions["B1"].external
    d = np.asarray(ext.external_debt_pct_gdp)[: len(WINDOW)]
    oracle = -g[1:] * d[:-1] * gdp[:-1] / gdp[1:]
    np.testing.assert_allclose(
        np.asarray(ext.real_growth_pct_gdp)[1 : len(WINDOW)], oracle, rtol=1e-9
    )
    # and the baseline's differs (B1 is a real shock)
    assert not np.allclose(
        np.asarray(res.contributions.external.real_growth_pct_gdp)[1:3], oracle[:2]
    )


def test_b2_primary_deficit_rises_by_the_shock(country_settings, res):  # type: ignore[no-untyped-def]
    c, s = country_settings
    d = baseline_setup(c).derived
    ti = d.t_index
    pb = 100 * d.primary_balance_lcu_m[ti + 1] / d.nominal_gdp_lcu_m[ti + 1]
    mu, sd = s.primary_balance_mean_pct_gdp, s.primary_balance_sd_pct_gdp
    assert mu is not None and sd is not None
    shock_pp = pb - min(mu - sd, pb - sd)  # §4.1, t+1
    b2 = np.asarray(res.stress_contributions["B2"].public.primary_deficit_pct_gdp)
    base = np.asarray(res.contributions.public.primary_deficit_pct_gdp)
    assert b2[1] - base[1] == pytest.approx(shock_pp, rel=1e-9)


def test_c1_liability_is_another_debt_creating_flow(country_settings, res):  # type: ignore[no-untyped-def]
    c, _ = country_settings
    c1 = res.stress_contributions["C1"].public
    base = res.contributions.public
    d_other = np.asarray(c1.other_flows_pct_gdp)[1] - np.asarray(base.other_flows_pct_gdp)[1]
    assert d_other == pytest.approx(c.tailored.contingent_liabilities_pct_gdp, rel=1e-9)
    np.testing.assert_allclose(c1.primary_deficit_pct_gdp, base.primary_deficit_pct_gdp)


def test_b4_gap_is_in_the_current_account_row(res):  # type: ignore[no-untyped-def]
    """B4's financed gap (lower transfers and FDI) shows as a higher non-interest CAD."""
    b4 = res.stress_contributions["B4"].external
    base = res.contributions.external
    gap_pp = np.asarray(b4.non_interest_current_account_deficit_pct_gdp) - np.asarray(
        base.non_interest_current_account_deficit_pct_gdp
    )
    assert np.all(gap_pp[1:3] > 0.5)
    np.testing.assert_allclose(gap_pp[3:], 0.0, atol=1e-9)
