"""B2.1 and B6.1, the market-financing variants of B2 and B6 (``lic-dsf-method.md`` §4.1 table).

For market-access countries new external commercial debt costs +100 bp per pp of GDP
of primary-balance deterioration, at most 400 bp. The oracle below sizes that
deterioration by hand from the country's primary balance and the §4.1 shock rule.
"""

from __future__ import annotations

import numpy as np
import pytest
from golden_data import illustrative

from debttrap.dsa.breaches import most_extreme_shock
from debttrap.dsa.paths import baseline_setup
from debttrap.dsa.run import run_dsa

COUNTRY, SETTINGS = illustrative()
EXTERNAL = (
    "pv_ext_debt_to_gdp_pct",
    "pv_ext_debt_to_exports_pct",
    "ext_debt_service_to_exports_pct",
    "ext_debt_service_to_revenue_pct",
)


@pytest.fixture(scope="module")
def res():  # type: ignore[no-untyped-def]
    return run_dsa(COUNTRY, SETTINGS)


def _pb_t1_t2_pct() -> list[float]:
    d = baseline_setup(COUNTRY).derived
    ti = d.t_index
    return [100 * d.primary_balance_lcu_m[ti + j] / d.nominal_gdp_lcu_m[ti + j] for j in (1, 2)]


def _pb_deterioration_pp(k: float, mu: float, sd: float) -> float:
    """Largest t+1/t+2 primary-balance shortfall (pp of GDP) for a shock of k SDs, by hand."""
    pb = _pb_t1_t2_pct()
    if mu - k * sd < pb[0] - k * sd:  # historical branch, kept in t+2
        shocked = [mu - k * sd, mu - k * sd]
    else:
        shocked = [pb[0] - k * sd, pb[1] - k * sd]
    return max(pb[0] - shocked[0], pb[1] - shocked[1])


def test_variants_run_only_with_market_access(res):  # type: ignore[no-untyped-def]
    assert COUNTRY.market_access
    assert {"B2.1", "B6.1"} <= set(res.stress)
    closed = run_dsa(COUNTRY.model_copy(update={"market_access": False}), SETTINGS)
    assert not {"B2.1", "B6.1"} & set(closed.stress)
    assert "market_access" in closed.not_run["B2.1"] and "market_access" in closed.not_run["B6.1"]


@pytest.mark.parametrize(("code", "std"), [("B2.1", "B2"), ("B6.1", "B6")])
def test_variant_never_below_its_standard_test(res, code, std):  # type: ignore[no-untyped-def]
    for ind in EXTERNAL:
        assert np.all(res.indicator_path(ind, code) >= res.indicator_path(ind, std) - 1e-9)
        # t+1 is before the extra cost is paid: identical
        assert res.indicator_path(ind, code)[1] == pytest.approx(res.indicator_path(ind, std)[1])


@pytest.mark.parametrize("capped", [True, False])
@pytest.mark.parametrize(("code", "std", "k"), [("B2.1", "B2", 1.0), ("B6.1", "B6", 0.5)])
def test_extra_cost_is_100bp_per_pp_capped_at_400(code, std, k, capped):  # type: ignore[no-untyped-def]
    """t+2: variant minus standard service = cost x the residual debt raised in t+1.

    ``capped``: the example's history (mean -3.9 % of GDP, far below the baseline PB, so
    the historical branch and a shock above 4 pp). Otherwise a history whose mean sits
    above the baseline PB with SD 1: the baseline branch, k pp, uncapped.
    """
    s = SETTINGS
    if not capped:
        s = s.model_copy(
            update={
                "primary_balance_mean_pct_gdp": _pb_t1_t2_pct()[0] + 0.5,
                "primary_balance_sd_pct_gdp": 1.0,
            }
        )
    mu, sd = s.primary_balance_mean_pct_gdp, s.primary_balance_sd_pct_gdp
    assert mu is not None and sd is not None and s.residual_rate_pct is not None
    pp = _pb_deterioration_pp(k, mu, sd)
    cost = min(100.0 * pp, 400.0) / 1e4
    assert (cost == 0.04) if capped else (cost == pytest.approx(k / 100, rel=1e-9))
    r = run_dsa(COUNTRY, s)
    var, base, st = r.stress[code], r.baseline, r.stress[std]
    # face of the t+1 residual debt, from the standard test's t+2 service (interest only in
    # the grace period, at the residual rate)
    face = (st.ext_debt_service_usd_m[2] - base.ext_debt_service_usd_m[2]) / (
        s.residual_rate_pct / 100
    )
    assert face > 0
    d_ds = var.ext_debt_service_usd_m[2] - st.ext_debt_service_usd_m[2]
    assert d_ds == pytest.approx(cost * face, rel=1e-9)


def test_market_variants_rank_for_external_indicators_only(res):  # type: ignore[no-untyped-def]
    """Output 3-1 shows the market variants; the public table (Output 3-2) does not."""
    mx = res.rating.to_dict()["most_extreme"]
    assert mx["pv_public_debt_to_gdp_pct"] not in ("B2.1", "B6.1")
    p1 = "pv_public_debt_to_gdp_pct"
    # B6.1 refinances its extra interest, so its public path is the higher one ...
    extra = res.indicator_path(p1, "B6.1") - res.indicator_path(p1, "B6")
    assert np.all(extra >= -1e-9) and np.max(extra) > 0.1
    # ... yet the rating picks a standard test for P1
    assert mx[p1] in ("B1", "B2", "B3", "B4", "B5", "B6")
    # Excel's most extreme test over 2024-2034 (Output 3-1, live) is B3 for all four external
    # indicators, and so is debttrap's; without B3, the market variant B6.1 (above B6 by its
    # extra interest) is the most extreme for debt service/revenue: it ranks like any test
    for ind in EXTERNAL:
        assert mx[ind] == "B3", ind
    ds = "ext_debt_service_to_revenue_pct"
    others = {c: res.indicator_path(ds, c) for c in res.stress if c not in ("A1", "B3")}
    pick = most_extreme_shock(
        others, res.thresholds[ds], res.years, res.first_projection_year
    )
    assert pick is not None and str(pick.candidates[int(pick.index)]) == "B6.1"
