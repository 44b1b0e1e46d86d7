"""A1 (historical scenario, displayed, never rated) and A2 (customized scenario).

Method: ``lic-dsf-method.md`` §4.1 (A1: growth, US$ deflator, primary balance,
non-interest current-account deficit and FDI at their ``t-10 … t-1`` averages
from ``t+1``) and §4.2 (A2: user deltas; a candidate for the most extreme shock,
ranked after C4).
"""

from __future__ import annotations

import numpy as np
import pytest
from golden_data import illustrative

from debttrap.country import derive
from debttrap.dsa.run import run_dsa
from debttrap.dsa.stress import CustomScenario, StressSettings
from debttrap.errors import InputError

INDICATORS = [
    "pv_ext_debt_to_gdp_pct",
    "pv_ext_debt_to_exports_pct",
    "ext_debt_service_to_exports_pct",
    "ext_debt_service_to_revenue_pct",
    "pv_public_debt_to_gdp_pct",
]


@pytest.fixture(scope="module")
def example():  # type: ignore[no-untyped-def]
    return illustrative()


def test_a1_a2_not_run_without_inputs(example):  # type: ignore[no-untyped-def]
    c, s = example
    res = run_dsa(c, s)
    assert "A1" not in res.stress and "a1_non_interest_cad_pct_gdp" in res.not_run["A1"]
    assert "A2" not in res.stress and "stress.custom" in res.not_run["A2"]


def test_a1_gdp_follows_historical_averages(example):  # type: ignore[no-untyped-def]
    """Oracle: US$ GDP from t+1 grows by (1 + mean growth)(1 + mean US$ deflator growth)."""
    c, s = example
    res = run_dsa(c, s.model_copy(update={"a1_non_interest_cad_pct_gdp": 10.0}))
    a1 = res.stress["A1"]
    gdp = 100 * a1.pv_ext_debt_usd_m / a1.pv_ext_debt_to_gdp_pct
    der = derive(c)
    hist = slice(0, der.t_index)
    g = np.nanmean(der.real_gdp_growth_pct[hist]) / 100
    pi = np.nanmean(der.gdp_deflator_usd_growth_pct[hist]) / 100
    k = np.arange(gdp.size)
    expected = gdp[0] * ((1 + g) * (1 + pi)) ** k
    np.testing.assert_allclose(gdp, expected, rtol=1e-12)
    # exports keep their baseline ratio to GDP: E2 / E1 unchanged
    b = res.baseline
    np.testing.assert_allclose(
        a1.pv_ext_debt_to_exports_pct / a1.pv_ext_debt_to_gdp_pct,
        b.pv_ext_debt_to_exports_pct / b.pv_ext_debt_to_gdp_pct,
        rtol=1e-12,
    )


def test_a1_larger_deficit_more_debt_and_never_rated(example):  # type: ignore[no-untyped-def]
    c, s = example
    lo = run_dsa(c, s.model_copy(update={"a1_non_interest_cad_pct_gdp": 0.0}))
    hi = run_dsa(c, s.model_copy(update={"a1_non_interest_cad_pct_gdp": 40.0}))
    e1_lo = lo.indicator_path("pv_ext_debt_to_gdp_pct", "A1")
    e1_hi = hi.indicator_path("pv_ext_debt_to_gdp_pct", "A1")
    assert np.all(e1_hi[1:] > e1_lo[1:])
    # a 40 % of GDP deficit makes A1 the highest path, yet it is never the most extreme shock
    peaks = {k: p.pv_ext_debt_to_gdp_pct[1:11].max() for k, p in hi.stress.items()}
    assert max(peaks, key=peaks.__getitem__) == "A1"
    assert all(mx is None or mx.value != "A1" for mx in hi.rating.most_extreme.values())
    assert "A1" in hi.to_contract()["indicators"]["pv_ext_debt_to_gdp_pct"]["stress"]


def test_a2_zero_deltas_is_the_baseline(example):  # type: ignore[no-untyped-def]
    c, s = example
    res = run_dsa(c, s.model_copy(update={"custom": CustomScenario()}))
    for ind in INDICATORS:
        np.testing.assert_allclose(
            res.indicator_path(ind, "A2"), res.indicator_path(ind, "baseline"), rtol=1e-12
        )


def test_a2_from_file_table_is_a_most_extreme_candidate(example):  # type: ignore[no-untyped-def]
    c, s = example
    t = c.t
    # as a [stress.custom] table arrives from TOML: string year keys
    settings = StressSettings.model_validate(
        {
            **s.model_dump(exclude={"custom"}),
            "custom": {
                "label": "deep recession",
                "real_gdp_growth_pp": {str(t + 1): -15.0, str(t + 2): -15.0},
                "depreciation_pct": {str(y): 60.0 for y in range(t + 1, t + 11)},
                "primary_expenditure_pct_gdp_pp": {str(t + 1): 10.0},
            },
        }
    )
    res = run_dsa(c, settings)
    base = res.indicator_path("pv_ext_debt_to_gdp_pct", "baseline")
    a2 = res.indicator_path("pv_ext_debt_to_gdp_pct", "A2")
    assert np.all(a2[1:] > base[1:])
    mx = res.rating.most_extreme
    assert any(v is not None and v.value == "A2" for v in mx.values())


def test_a2_rejects_years_it_cannot_shock(example):  # type: ignore[no-untyped-def]
    c, s = example
    bad = s.model_copy(update={"custom": CustomScenario(real_gdp_growth_pp={c.t: -1.0})})
    with pytest.raises(InputError, match=r"stress\.custom\.real_gdp_growth_pp"):
        run_dsa(c, bad)
