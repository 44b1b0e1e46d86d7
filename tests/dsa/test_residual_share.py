"""The default external share of a fiscal financing need (Input 7) over ``t … t+10``."""

from __future__ import annotations

import numpy as np
import pytest
from golden_data import illustrative

from debttrap.country import DomesticDebt
from debttrap.dsa.paths import baseline_setup
from debttrap.dsa.stress import StressSettings, residual_external_share


def test_default_external_share_counts_new_domestic_debt_from_t() -> None:
    """Hand computation: the share is the baseline's new external borrowing over t … t+10
    (US$ at the average rate) over that plus the net new domestic debt of the same years.
    With a domestic stock of 1,000 at the end of t-1, 1,500 at the end of t and 100 more
    each later year, net new domestic debt over t … t+10 is 500 + 10 x 100 = 1,500 (the
    window t+1 … t+11 would give 11 x 100 = 1,100)."""
    country, _ = illustrative()
    t = country.t
    stock = {t - 1: 1000.0} | {y: 1500.0 + 100.0 * (y - t) for y in range(t, country.last_year + 1)}
    c = country.model_copy(
        update={"domestic_debt": DomesticDebt(stock_lcu_m=stock, source="test path")}
    )
    years = range(t, t + 11)
    fx = c.macro.exchange_rate_avg_lcu_per_usd
    ext = sum(
        line.disbursements_usd_m.get(y, 0.0) * fx[y]
        for line in c.new_external_financing
        for y in years
    )
    assert ext > 0
    share = residual_external_share(baseline_setup(c), StressSettings())
    assert share == pytest.approx(ext / (ext + 1500.0), rel=1e-12)
    assert not np.isclose(share, ext / (ext + 1100.0))


def test_default_external_share_without_a_stock_for_t_minus_1() -> None:
    """A country file that gives domestic debt from t only: no change is counted for t."""
    country, _ = illustrative()
    t = country.t
    stock = {y: 1500.0 + 100.0 * (y - t) for y in range(t, country.last_year + 1)}
    c = country.model_copy(
        update={"domestic_debt": DomesticDebt(stock_lcu_m=stock, source="test path")}
    )
    fx = c.macro.exchange_rate_avg_lcu_per_usd
    ext = sum(
        line.disbursements_usd_m.get(y, 0.0) * fx[y]
        for line in c.new_external_financing
        for y in range(t, t + 11)
    )
    share = residual_external_share(baseline_setup(c), StressSettings())
    assert share == pytest.approx(ext / (ext + 1000.0), rel=1e-12)
