"""Debt-dynamics tables (§6) against the template's Output 1-1 and 1-2, plus identities.

Reference values: Excel outputs of the IMF/World Bank LIC-DSF template of
2025-08-12 on its illustrative data (Teal-Insights/py-lic-dsf parity cases,
``tests/reference/lic-dsf/README.md``): Output 1-1 rows 8-59 (grapher) and
Output 1-2 rows 8-57 (live Excel). Compared for 2025-2034: the 2024 column needs
the template's end-2023 stock, which the extracted inputs do not itemise.

The calibrated country supplies the unitemised PPG external debt (stock, PV and
service from rows 9, 33, 57, interest from row 40) and, for the public table,
domestic interest (row 45) and foreign inflation (row 55): calibration inputs.
Every other row below is then computed by debttrap and compared with Excel.
"""

from __future__ import annotations

import numpy as np
import pytest
from golden_data import calibrated_country, illustrative, series, with_public_rates
from hypothesis import given, settings
from hypothesis import strategies as st

from debttrap.dsa.contributions import external_contributions, public_contributions
from debttrap.dsa.run import run_dsa

O11 = "template-baseline-output11"
O12 = "template-baseline-output12"
LATER = slice(1, 11)  # 2025-2034


@pytest.fixture(scope="module")
def tables():  # type: ignore[no-untyped-def]
    c, s = illustrative()
    res = run_dsa(with_public_rates(calibrated_country(c)), s)
    assert res.contributions is not None
    return res.contributions


EXTERNAL_ROWS = {  # debttrap field -> Output 1-1 quantity (row)
    "external_debt_pct_gdp": "external_debt_nominal_to_gdp_pct",  # 8
    "change_in_debt_pct_gdp": "change_in_external_debt_pct_gdp",  # 11
    "identified_flows_pct_gdp": "identified_net_debt_creating_flows_ext_pct_gdp",  # 12
    "non_interest_current_account_deficit_pct_gdp": "non_interest_current_account_deficit_pct_gdp",
    "trade_deficit_pct_gdp": "goods_services_trade_deficit_pct_gdp",  # 14
    "exports_pct_gdp": "exports_gs_to_gdp_pct",  # 15
    "imports_pct_gdp": "imports_gs_to_gdp_pct",  # 16
    "net_transfers_neg_inflow_pct_gdp": "net_current_transfers_neg_is_inflow_pct_gdp",  # 17
    "other_current_account_neg_inflow_pct_gdp": "other_current_account_flows_neg_is_inflow_pct_gdp",
    "net_fdi_neg_inflow_pct_gdp": "net_fdi_neg_is_inflow_pct_gdp",  # 20
    "endogenous_dynamics_pct_gdp": "endogenous_debt_dynamics_ext_pct_gdp",  # 21
    "interest_pct_gdp": "contribution_nominal_interest_rate_ext_pct_gdp",  # 23
    "real_growth_pct_gdp": "contribution_real_gdp_growth_ext_pct_gdp",  # 24
    "residual_pct_gdp": "residual_ext_pct_gdp",  # 26
    "debt_stabilizing_non_interest_cad_pct_gdp": "debt_stabilizing_non_interest_cad_pct_gdp",
}


@pytest.mark.parametrize(("field", "quantity"), EXTERNAL_ROWS.items())
def test_external_table_matches_output_1_1(tables, field, quantity):  # type: ignore[no-untyped-def]
    ours = np.asarray(getattr(tables.external, field))[:11]
    excel = series(O11, quantity)
    np.testing.assert_allclose(ours[LATER], excel[LATER], rtol=1e-9, atol=1e-9)


PUBLIC_ROWS = {  # debttrap field -> Output 1-2 quantity (row)
    "public_debt_pct_gdp": "public_debt_nominal_to_gdp_pct",  # 8
    "public_external_debt_pct_gdp": "public_ext_debt_nominal_to_gdp_pct",  # 9
    "change_in_debt_pct_gdp": "change_in_public_debt_pct_gdp",  # 11
    "primary_deficit_pct_gdp": "primary_deficit_pct_gdp",  # 13
    "revenue_and_grants_pct_gdp": "revenue_and_grants_to_gdp_pct",  # 14
    "grants_pct_gdp": "grants_to_gdp_pct",  # 15
    "primary_expenditure_pct_gdp": "primary_expenditure_to_gdp_pct",  # 16
    "real_growth_pct_gdp": "contribution_real_gdp_growth_public_pct_gdp",  # 20
    "other_flows_pct_gdp": "other_identified_debt_creating_flows_pct_gdp",  # 23
    "real_rate_domestic_pct": "avg_real_interest_rate_dom_debt_pct",  # 47
    "debt_stabilizing_primary_deficit_pct_gdp": "debt_stabilizing_primary_deficit_pct_gdp",  # 57
}


@pytest.mark.parametrize(("field", "quantity"), PUBLIC_ROWS.items())
def test_public_table_matches_output_1_2(tables, field, quantity):  # type: ignore[no-untyped-def]
    ours = np.asarray(getattr(tables.public, field))[:11]
    excel = series(O12, quantity)
    np.testing.assert_allclose(ours[LATER], excel[LATER], rtol=1e-9, atol=1e-9)


def test_public_real_interest_formula_on_template_rates(tables):  # type: ignore[no-untyped-def]
    """Row 19 = real public rate (row 46) x d_{y-1} (row 8) / (1+g) (row 42): the §6.2 formula.

    Fed with Excel's own rate, the formula reproduces Excel; debttrap's own
    blended real rate differs (documented gap: the template's external rate,
    row 44, is not interest over the previous US$ stock).
    """
    r = series(O12, "avg_real_interest_rate_public_debt_pct") / 100
    d = series(O12, "public_debt_nominal_to_gdp_pct")
    g = series(O12, "real_gdp_growth_pct") / 100
    contrib = r[1:] * d[:-1] / (1 + g[1:])
    np.testing.assert_allclose(
        contrib, series(O12, "contribution_real_interest_rate_pct_gdp")[1:], rtol=1e-9
    )
    # and the automatic dynamics row 17 = row 19 + row 20 in projections (no exchange-rate term)
    np.testing.assert_allclose(
        series(O12, "automatic_debt_dynamics_pct_gdp"),
        series(O12, "contribution_real_interest_rate_pct_gdp")
        + series(O12, "contribution_real_gdp_growth_public_pct_gdp"),
        atol=1e-9,
    )


def test_tables_add_up(tables):  # type: ignore[no-untyped-def]
    e, p = tables.external, tables.public
    np.testing.assert_allclose(
        e.change_in_debt_pct_gdp[1:], (e.identified_flows_pct_gdp + e.residual_pct_gdp)[1:]
    )
    np.testing.assert_allclose(
        e.identified_flows_pct_gdp[1:],
        (
            e.non_interest_current_account_deficit_pct_gdp
            + e.net_fdi_neg_inflow_pct_gdp
            + e.interest_pct_gdp
            + e.real_growth_pct_gdp
        )[1:],
    )
    np.testing.assert_allclose(
        p.identified_flows_pct_gdp[1:],
        (p.primary_deficit_pct_gdp + p.automatic_dynamics_pct_gdp + p.other_flows_pct_gdp)[1:],
    )
    frame = tables.to_frame()
    assert frame.index.name == "year" and "public.residual_pct_gdp" in frame.columns


@settings(max_examples=60, deadline=None)
@given(
    d0=st.floats(1.0, 200.0),
    g=st.floats(-0.1, 0.15),
    pi=st.floats(-0.1, 0.3),
    i=st.floats(0.0, 0.2),
    cad=st.floats(-10.0, 10.0),
    fdi=st.floats(-10.0, 10.0),
)
def test_external_dynamics_oracle(d0, g, pi, i, cad, fdi):  # type: ignore[no-untyped-def]
    """Independent oracle: a debt that moves only by interest, growth and identified flows.

    With the stock built by ``D_1 = (D_0 (1+i) + flows) / GDP_1`` and nominal
    GDP growing by ``(1+g)(1+pi)``, the residual equals the price term
    ``-pi (1+g) D_0/den`` that the template leaves out of endogenous dynamics.
    """
    gdp0 = 1000.0
    gdp1 = gdp0 * (1 + g) * (1 + pi)
    debt0 = d0 / 100 * gdp0
    interest = i * debt0
    # non-interest CA deficit and FDI in US$; the deficit plus interest is financed by debt
    ni_cad_usd, fdi_usd = cad / 100 * gdp1, fdi / 100 * gdp1
    debt1 = debt0 + interest + ni_cad_usd - fdi_usd
    one = np.ones(1)
    e = external_contributions(
        np.array([2025]),
        gdp_usd_m=np.array([gdp0, gdp1]),
        external_debt_usd_m=np.array([debt0, debt1]),
        ppg_external_debt_usd_m=np.array([debt0, debt1]),
        interest_usd_m=interest * one,
        real_growth_pct=100 * g * one,
        usd_deflator_growth_pct=100 * pi * one,
        exports_usd_m=0.3 * gdp1 * one,
        imports_usd_m=(0.3 * gdp1 + ni_cad_usd) * one,
        net_transfers_usd_m=0.0 * one,
        net_fdi_usd_m=fdi_usd * one,
        current_account_usd_m=-(ni_cad_usd + interest) * one,
        lc_share_dec=0.0 * one,
        depreciation_pct=0.0 * one,
    )
    den = (1 + g) * (1 + pi)
    np.testing.assert_allclose(e.residual_pct_gdp, -pi * (1 + g) * d0 / den, atol=1e-9)
    np.testing.assert_allclose(e.price_and_exchange_rate_pct_gdp, -pi * (1 + g) * d0 / den)


@settings(max_examples=60, deadline=None)
@given(
    d0=st.floats(1.0, 200.0),
    ext_share=st.floats(0.0, 1.0),
    g=st.floats(-0.1, 0.15),
    pi=st.floats(-0.05, 0.3),
    i_d=st.floats(0.0, 0.3),
    pdef=st.floats(-5.0, 5.0),
)
def test_public_dynamics_oracle(d0, ext_share, g, pi, i_d, pdef):  # type: ignore[no-untyped-def]
    """Oracle: interest-free external debt at a fixed exchange rate, domestic debt at ``i_d``.

    With zero foreign inflation (``r_f = 0``) the debt moves by
    ``r d/(1+g) - g d/(1+g)``, the primary deficit and the real exchange-rate term.
    """
    gdp0 = 1000.0
    gdp1 = gdp0 * (1 + g) * (1 + pi)
    ext0 = ext_share * d0 / 100 * gdp0
    dom0 = (1 - ext_share) * d0 / 100 * gdp0
    deficit = pdef / 100 * gdp1
    dom1 = dom0 * (1 + i_d) + deficit
    one = np.ones(1)
    fx = np.array([1.0, 1.0])
    p = public_contributions(
        np.array([2025]),
        gdp_lcu_m=np.array([gdp0, gdp1]),
        external_debt_lcu_m=np.array([ext0, ext0]),
        external_debt_usd_m=np.array([ext0, ext0]),
        domestic_debt_lcu_m=np.array([dom0, dom1]),
        external_interest_usd_m=0.0 * one,
        domestic_interest_lcu_m=i_d * dom0 * one,
        fx_avg_lcu_per_usd=one,
        fx_eop_lcu_per_usd=fx,
        real_growth_pct=100 * g * one,
        lcu_deflator_growth_pct=100 * pi * one,
        foreign_inflation_pct=0.0 * one,
        revenue_incl_grants_lcu_m=0.2 * gdp1 * one,
        grants_lcu_m=0.0 * one,
        primary_expenditure_lcu_m=(0.2 * gdp1 + deficit) * one,
        other_flows_lcu_m=0.0 * one,
    )
    # external debt at a fixed exchange rate loses pi/(1+pi) of its real value: that is the
    # real exchange-rate term e d^FC/(1+g), which the template keeps out of the automatic
    # dynamics, so the residual is exactly that term
    rer = -pi / (1 + pi) * ext_share * d0 / (1 + g)
    np.testing.assert_allclose(p.real_exchange_rate_pct_gdp, rer, atol=1e-9)
    np.testing.assert_allclose(p.residual_pct_gdp, rer, atol=1e-9)
    np.testing.assert_allclose(p.primary_deficit_pct_gdp, pdef, atol=1e-9)
