"""Shock model: calibration moments, drawing methods, bootstrap support, zero variance."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from debttrap.errors import DataError, InputError
from debttrap.stochastic.shocks import (
    SHOCK_VARIABLES,
    ShockDistribution,
    ShockModel,
    calibrate,
    combine_histories,
    history_from_pwt,
    history_from_weo,
)

REF = Path(__file__).resolve().parents[1] / "reference" / "stochastic"


@pytest.fixture(scope="module")
def weo() -> pd.DataFrame:
    return pd.read_csv(REF / "weo-2024oct-slice.csv")


@pytest.fixture(scope="module")
def pwt() -> pd.DataFrame:
    return pd.read_csv(REF / "pwt-9.1-slice.csv")


def synthetic_history(n_years: int = 30, seed: int = 0) -> pd.DataFrame:
    """Correlated fake history (percent) for calibration tests."""
    rng = np.random.default_rng(seed)
    base = rng.standard_normal((n_years, 6)) @ np.array(
        [
            [2.0, 0.5, -1.0, 3.0, 0.8, -0.3],
            [0.0, 4.0, 2.0, 1.0, -0.5, 0.6],
            [0.0, 0.0, 9.0, -2.0, 0.2, 0.4],
            [0.0, 0.0, 0.0, 12.0, 0.9, -0.7],
            [0.0, 0.0, 0.0, 0.0, 2.5, 0.3],
            [0.0, 0.0, 0.0, 0.0, 0.0, 1.1],
        ]
    )
    mean = np.array([5.0, 8.0, 6.0, 7.0, -2.0, 6.0])
    return pd.DataFrame(base + mean, index=pd.Index(range(1994, 1994 + n_years), name="year"),
                        columns=list(SHOCK_VARIABLES))


# ------------------------------------------------------------------ histories
def test_weo_history_zambia_matches_pwt_exchange_rate(weo: pd.DataFrame, pwt: pd.DataFrame) -> None:
    """WEO-implied depreciation (NGDP/NGDPD) against PWT's official rate ``xr``: two sources.

    Both are period-average LCU per USD; over 2003-2017 they agree to 0.1 pp a
    year (in 2001-02 the WEO dollar GDP uses a different rate, a 6.7 pp gap
    that cancels over the two years), and the 2015 kwacha slide (about 40%)
    shows in both.
    """
    h = history_from_weo(weo, "ZMB")
    p = history_from_pwt(pwt, "ZMB")
    years = range(2003, 2018)
    a = h.loc[years, "depreciation"].to_numpy()
    b = p.loc[years, "depreciation"].to_numpy()
    assert np.max(np.abs(a - b)) < 0.1
    two = range(2001, 2003)
    assert abs(h.loc[two, "depreciation"].sum() - p.loc[two, "depreciation"].sum()) < 0.2
    assert 35.0 < h.loc[2015, "depreciation"] < 45.0


def test_weo_history_real_growth_is_the_published_series(weo: pd.DataFrame) -> None:
    """Real growth is WEO NGDP_RPCH unchanged (Zambia 2020: -2.78%, WEO Oct-2024)."""
    h = history_from_weo(weo, "ZMB")
    assert h.loc[2020, "real_gdp_growth"] == pytest.approx(-2.785, abs=0.01)
    assert h.index.max() == 2023  # projections dropped


def test_weo_interest_rate_is_interest_over_lagged_debt(weo: pd.DataFrame) -> None:
    """Effective rate = (primary balance - overall balance) / previous gross debt, by hand."""
    z = weo[weo.entity_id == "ZMB"].pivot_table(index="year", columns="series_id", values="value")
    expected = (z.loc[2019, "GGXONLB"] - z.loc[2019, "GGXCNL"]) / z.loc[2018, "GGXWDG"] * 100
    h = history_from_weo(weo, "ZMB")
    assert h.loc[2019, "interest_rate"] == pytest.approx(expected, rel=1e-12)
    assert 0.0 < h.loc[2019, "interest_rate"] < 20.0


def test_unknown_country_is_an_input_error(weo: pd.DataFrame) -> None:
    with pytest.raises(InputError, match="country 'XXX'"):
        history_from_weo(weo, "XXX")


def test_missing_columns_is_a_data_error() -> None:
    with pytest.raises(DataError, match="lacks columns"):
        history_from_weo(pd.DataFrame({"year": [2000]}), "ZMB")


def test_combine_prefers_weo_and_fills_from_pwt(weo: pd.DataFrame, pwt: pd.DataFrame) -> None:
    h = history_from_weo(weo, "ZMB")
    p = history_from_pwt(pwt, "ZMB")
    c = combine_histories(h, p)
    assert c.index.min() == 1950 and c.index.max() == 2023
    assert c.loc[2010, "real_gdp_growth"] == h.loc[2010, "real_gdp_growth"]
    assert c.loc[1970, "real_gdp_growth"] == p.loc[1970, "real_gdp_growth"]
    assert np.isnan(c.loc[1970, "primary_balance"])


# ------------------------------------------------------------------ calibration
def test_complete_case_moments_equal_pandas() -> None:
    """Oracle: pandas' own mean / std / cov on the same rows."""
    h = synthetic_history()
    h.iloc[3, 2] = np.nan  # one gap: the year is dropped entirely
    c = calibrate(h, (1995, 2020))
    rows = h.loc[1995:2020].dropna()
    np.testing.assert_allclose(c.mean_pct, rows.mean().to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(c.std_pct, rows.std(ddof=1).to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(c.cov_pct2, rows.cov().to_numpy(), rtol=1e-12)
    assert c.years_used == tuple(int(y) for y in rows.index)
    assert 1997 not in c.years_used
    np.testing.assert_allclose(c.history_frame().to_numpy(), (rows - rows.mean()).to_numpy(),
                               atol=1e-12)
    frame = c.to_frame()
    assert list(frame.index) == list(SHOCK_VARIABLES)
    assert set(frame.columns) >= {"mean_pct", "std_pct", "n_obs"}


def test_pairwise_covariance_equals_pandas_pairwise() -> None:
    """Oracle: ``pandas.DataFrame.cov`` is pairwise-complete (an independent implementation)."""
    h = synthetic_history(40)
    h.iloc[:10, 4] = np.nan  # primary balance starts later, as in WEO for LICs
    h.iloc[5:8, 1] = np.nan
    c = calibrate(h, (1994, 2033), missing="pairwise")
    rows = h.loc[1994:2033]
    expected = rows.cov().to_numpy()
    assert np.linalg.eigvalsh(expected).min() > 0  # already PSD: projection changes nothing
    np.testing.assert_allclose(c.cov_pct2, expected, rtol=1e-9)
    np.testing.assert_allclose(c.mean_pct, rows.mean().to_numpy(), rtol=1e-12)
    assert c.n_obs.tolist() == [40, 37, 40, 40, 30, 40]


def test_pairwise_projects_an_indefinite_matrix_to_psd() -> None:
    """corr(x, y) = 1 and corr(x, z) = 1 on some years, corr(y, z) = -1 on others: indefinite."""
    h = synthetic_history(30)
    a, b, c = (h.iloc[0:10, 1].to_numpy(), h.iloc[10:20, 2].to_numpy(),
               h.iloc[20:30, 3].to_numpy())
    x, y, z = 0, 4, 5
    h.iloc[0:10, [x, y, z]] = np.column_stack([a, a, np.full(10, np.nan)])
    h.iloc[10:20, [x, y, z]] = np.column_stack([b, np.full(10, np.nan), b])
    h.iloc[20:30, [x, y, z]] = np.column_stack([np.full(10, np.nan), c, -c])
    raw = h.cov().to_numpy()
    assert np.linalg.eigvalsh(raw).min() < -1.0  # the pairwise matrix is indefinite
    cal = calibrate(h, (1994, 2023), missing="pairwise")
    w = np.linalg.eigvalsh(cal.cov_pct2)
    assert w.min() >= -1e-9 * w.max()
    # and shocks can be drawn from it
    d = ShockModel(cal).draw(np.random.default_rng(0), 10, 3)
    assert np.isfinite(d).all()


def test_window_past_history_is_rejected() -> None:
    h = synthetic_history()
    with pytest.raises(InputError, match="window"):
        calibrate(h, (2000, 2030))
    with pytest.raises(InputError, match="starts after it ends"):
        calibrate(h, (2010, 2000))


def test_too_few_complete_years_is_rejected() -> None:
    h = synthetic_history()
    h.iloc[:, 5] = np.nan
    with pytest.raises(InputError, match="have all six variables"):
        calibrate(h, (1995, 2020))


def test_zambia_calibration_reports_moments(weo: pd.DataFrame) -> None:
    c = calibrate(history_from_weo(weo, "ZMB"), (2000, 2023), source="WEO Oct-2024")
    # 2000 lacks the interest rate (needs 1999 debt): 23 complete years
    assert c.years_used[0] == 2001 and len(c.years_used) == 23
    d = c.to_dict()
    assert d["window"] == [2000, 2023]
    assert set(d["std_pct"]) == set(SHOCK_VARIABLES)
    # Zambia's growth volatility 2001-2023 is a few points, its FX volatility much larger
    assert 1.0 < c.std_pct[0] < 5.0
    assert c.std_pct[2] > 10.0


# ------------------------------------------------------------------ drawing
def _moment_check(draws: np.ndarray, target_cov: np.ndarray, n_se: float = 5.0) -> None:
    """Sample mean and covariance within ``n_se`` standard errors of the target.

    Standard errors are estimated from the draws themselves: for the mean
    ``sd / sqrt(n)``; for a covariance entry, the standard deviation of the
    products ``x_i x_j`` over ``sqrt(n)`` (valid for fat tails too).
    """
    x = draws.reshape(-1, draws.shape[-1])
    n = x.shape[0]
    mean = x.mean(axis=0)
    se_mean = x.std(axis=0, ddof=1) / np.sqrt(n)
    assert np.all(np.abs(mean) <= n_se * se_mean + 1e-15)
    prods = x[:, :, None] * x[:, None, :]
    cov = prods.mean(axis=0)  # mean is zero by construction
    se_cov = prods.std(axis=0, ddof=1) / np.sqrt(n)
    assert np.all(np.abs(cov - target_cov) <= n_se * se_cov + 1e-15)


@pytest.mark.parametrize("method", [ShockDistribution.NORMAL, ShockDistribution.T])
def test_parametric_draws_match_calibration(method: ShockDistribution) -> None:
    c = calibrate(synthetic_history(), (1995, 2023))
    model = ShockModel(c, method=method, df=6.0, first_shock_offset=0)
    draws = model.draw(np.random.default_rng(42), 20_000, 10)
    _moment_check(draws, c.cov_dec)


def test_student_t_has_fatter_tails_than_normal() -> None:
    c = calibrate(synthetic_history(), (1995, 2023))
    n = ShockModel(c, method=ShockDistribution.NORMAL, first_shock_offset=0).draw(
        np.random.default_rng(1), 50_000, 4)
    t = ShockModel(c, method=ShockDistribution.T, df=5.0, first_shock_offset=0).draw(
        np.random.default_rng(1), 50_000, 4)
    z_n = n[..., 0].ravel() / np.sqrt(c.cov_dec[0, 0])
    z_t = t[..., 0].ravel() / np.sqrt(c.cov_dec[0, 0])
    # excess kurtosis of t(5) is 6; of the normal 0
    kurt = lambda z: float(np.mean(z**4) / np.mean(z**2) ** 2 - 3.0)  # noqa: E731
    assert abs(kurt(z_n)) < 0.2
    assert kurt(z_t) > 2.0


def test_bootstrap_draws_only_historical_years_in_blocks() -> None:
    c = calibrate(synthetic_history(), (1995, 2020))
    model = ShockModel(c, method=ShockDistribution.BOOTSTRAP, block_years=3, first_shock_offset=1)
    rng = np.random.default_rng(7)
    draws = model.draw(rng, 500, 21)
    assert np.all(draws[:, 0, :] == 0.0)
    hist = c.deviations_pct / 100.0
    shocked = draws[:, 1:, :].reshape(-1, 6)
    # every drawn vector is exactly one historical year's shock vector
    match = (shocked[:, None, :] == hist[None, :, :]).all(axis=2)
    assert match.sum(axis=1).min() == 1
    # within a block, years are consecutive (circularly)
    rows = model.bootstrap_years(np.random.default_rng(3), 200, 20)
    n_hist = len(c.years_used)
    for b in range(0, 18, 3):
        assert np.all((rows[:, b + 1] - rows[:, b]) % n_hist == 1)
        assert np.all((rows[:, b + 2] - rows[:, b + 1]) % n_hist == 1)


def test_bootstrap_moments_are_the_population_moments() -> None:
    """Circular bootstrap: each year equally likely, so mean 0 and covariance (n-1)/n x sample."""
    c = calibrate(synthetic_history(), (1995, 2020))
    model = ShockModel(c, method=ShockDistribution.BOOTSTRAP, block_years=1, first_shock_offset=0)
    n = len(c.years_used)
    np.testing.assert_allclose(model.cov_dec, c.cov_dec * (n - 1) / n, rtol=1e-12)
    draws = model.draw(np.random.default_rng(5), 20_000, 5)
    _moment_check(draws, model.cov_dec)


def test_zero_scale_gives_zero_shocks() -> None:
    c = calibrate(synthetic_history(), (1995, 2020))
    for method in ShockDistribution:
        d = ShockModel(c, method=method, scale=0.0).draw(np.random.default_rng(0), 50, 21)
        assert np.all(d == 0.0)


@settings(max_examples=25, deadline=None)
@given(scale=st.floats(0.0, 5.0), seed=st.integers(0, 2**32 - 1),
       method=st.sampled_from(list(ShockDistribution)))
def test_draws_are_linear_in_scale(scale: float, seed: int, method: ShockDistribution) -> None:
    """Same seed: shocks at scale s are exactly s times the shocks at scale 1."""
    c = calibrate(synthetic_history(), (1995, 2020))
    one = ShockModel(c, method=method).draw(np.random.default_rng(seed), 20, 6)
    s = ShockModel(c, method=method, scale=scale).draw(np.random.default_rng(seed), 20, 6)
    np.testing.assert_allclose(s, one * scale, rtol=1e-12, atol=0)


def test_bad_parameters_are_input_errors() -> None:
    c = calibrate(synthetic_history(), (1995, 2020))
    with pytest.raises(InputError, match="degrees of freedom"):
        ShockModel(c, method=ShockDistribution.T, df=2.0)
    with pytest.raises(InputError, match="block_years"):
        ShockModel(c, method=ShockDistribution.BOOTSTRAP, block_years=0)
    with pytest.raises(InputError, match="scale"):
        ShockModel(c, scale=-1.0)


def test_calibrate_from_history_window_ends_before_t_and_at_the_last_actual() -> None:
    """The window is the 30 (or fewer) years ending at min(t - 1, WEO's last actual, 2023)."""
    from debttrap.stochastic.shocks import WEO_2024OCT_LAST_ACTUAL_YEAR, calibrate_from_history

    cal, window = calibrate_from_history("ZMB", 2016, years=30)
    assert window == (1986, 2015)
    assert cal.to_frame().notna().any().any()
    _, window_late = calibrate_from_history("ZMB", 2030, years=10)
    assert window_late == (WEO_2024OCT_LAST_ACTUAL_YEAR - 9, WEO_2024OCT_LAST_ACTUAL_YEAR)
    with pytest.raises(InputError, match="years"):
        calibrate_from_history("ZMB", 2016, years=2)
