"""What every stress test reads: the baseline setup, its macro paths, rates and shock statistics.

Built once per DSA (:func:`stress_context`) and shared by all tests, so a test
module holds only what is particular to its test.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from debttrap.country.derived import DerivedSeries, series_array
from debttrap.country.model import Country
from debttrap.dsa.contributions import country_rows, external_valuation_dec
from debttrap.dsa.paths import (
    BaselineSetup,
    InstrumentTerms,
    PathInputs,
    baseline_setup,
    debt_paths,
)
from debttrap.dsa.stress.financing import (
    market_terms,
    residual_external_share,
    residual_terms,
)
from debttrap.dsa.stress.settings import StressSettings
from debttrap.dsa.stress.sizing import ShockStats
from debttrap.errors import InputError

__all__ = ["StressContext", "stress_context"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class StressContext:
    """The baseline as the stress tests see it (decimals for rates, millions for money).

    ``res_idx`` is the residual-financing instrument in the unit-loan basis,
    ``mkt_idx`` the stressed twins (C4) of the market lines ``mkt_lines``;
    ``dom_rate``/``dom_st_rate`` are the nominal domestic residual rates
    (``(1 + real) x (1 + LCU deflator) - 1``); ``share_ext``/``share_st`` the
    Input 7 split of a fiscal need (decimals); ``dom_st_only`` the short-term
    share of a need met at home only; ``k_inter`` is 1 with interactions, 0
    without; ``st_*`` the historical shock statistics.
    """

    country: Country
    settings: StressSettings
    setup: BaselineSetup
    res: InstrumentTerms
    res_idx: int
    mkt_idx: tuple[int, ...]
    mkt_lines: tuple[int, ...]
    g_b: FloatArray
    pi_b: FloatArray
    x_b: FloatArray
    rev_ratio: FloatArray
    rev_incl_ratio: FloatArray
    dom_rate: FloatArray
    dom_st_rate: FloatArray
    r_disc: float
    share_ext: float
    share_st: float
    dom_st_only: float
    st_g: ShockStats
    st_x: ShockStats
    st_tr: ShockStats
    st_fdi: ShockStats
    st_pb: ShockStats
    has_pb: bool
    k_inter: float
    passthrough: float
    spending_b: FloatArray
    other_b: FloatArray
    base_tr: FloatArray
    base_fdi: FloatArray
    #: ``I - triu(carried interest of the residual unit, 1).T``: the system a
    #: balance-of-payments gap's residual debt solves (``scenario._with_interest``), built
    #: once for every test (:func:`_residual_carry`)
    residual_carry: FloatArray

    @property
    def base(self) -> PathInputs:
        return self.setup.inputs

    @property
    def der(self) -> DerivedSeries:
        return self.setup.derived

    @property
    def n(self) -> int:
        return int(self.setup.inputs.years.size)

    @property
    def ti(self) -> int:
        return self.setup.derived.t_index

    @property
    def gdp_b(self) -> FloatArray:
        return self.setup.inputs.gdp_usd_m

    @property
    def exp_b(self) -> FloatArray:
        return self.setup.inputs.exports_usd_m

    @property
    def fxa_b(self) -> FloatArray:
        return self.setup.inputs.fx_avg_lcu_per_usd

    @property
    def gdp_lcu_b(self) -> FloatArray:
        return self.setup.inputs.gdp_usd_m * self.setup.inputs.fx_avg_lcu_per_usd


def _domestic_rates(
    settings: StressSettings, infl_lcu: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Nominal domestic residual rates: (1 + real rate) x (1 + LCU GDP-deflator inflation) - 1."""
    s = settings
    dom_rate = (1 + s.residual_domestic_real_rate_pct / 100.0) * (1 + infl_lcu) - 1
    st_real = (
        s.residual_domestic_st_real_rate_pct
        if s.residual_domestic_st_real_rate_pct is not None
        else s.residual_domestic_real_rate_pct
    )
    return dom_rate, (1 + st_real / 100.0) * (1 + infl_lcu) - 1


def _primary_balance_stats(
    country: Country, settings: StressSettings, der: DerivedSeries
) -> ShockStats:
    hist = slice(0, der.t_index)
    pb_hist = series_array(country.macro.primary_balance_history_pct_gdp, der.years[hist], np.nan)
    if (
        settings.primary_balance_mean_pct_gdp is not None
        and settings.primary_balance_sd_pct_gdp is not None
    ):
        return ShockStats(
            settings.primary_balance_mean_pct_gdp, settings.primary_balance_sd_pct_gdp
        )
    return ShockStats.of(pb_hist)


def _residual_carry(
    country: Country, setup: BaselineSetup, res: InstrumentTerms, res_idx: int
) -> FloatArray:
    """The system ``I - triu(C, 1).T`` whose solution is a balance-of-payments gap's
    residual debt with the interest on it borrowed too (``scenario._with_interest``).

    ``C[s, y]`` is what one unit of residual debt disbursed in ``s`` adds to the stressed
    debt in ``y`` besides itself: its interest, less the valuation term of the template's
    debt-dynamics identity, which revalues the whole stressed stock, the US$ residual debt
    included, by the baseline's local-currency share of external debt x that year's
    depreciation x (1 + rate) (:func:`debttrap.dsa.contributions.external_valuation_dec`).
    Only a country with local-currency debt held abroad has the term; with it B3 and B4
    follow Excel within 0.05 pp of GDP to 2034, without it they drifted 1.1 and 0.6 pp
    above (docs/dsa.md).
    """
    carried = setup.basis.interest[res_idx]
    if country.external_debt.local_debt_held_abroad is not None:
        val = external_valuation_dec(
            country, setup, debt_paths(setup.inputs, setup.basis), country_rows(country, setup)
        )
        bal = setup.basis.balance[res_idx]
        carried = carried.copy()
        carried[:, 1:] -= bal[:, :-1] * (val[None, 1:] * (1.0 + res.rate_dec))
    system: FloatArray = np.eye(carried.shape[1]) - np.triu(carried, 1).T
    return system


def stress_context(country: Country, settings: StressSettings) -> StressContext:
    """The shared inputs of every stress test (the baseline setup with the residual and
    market-stress instruments added at zero baseline disbursement)."""
    s = settings
    res = residual_terms(country, s)
    mkt = market_terms(country, s)
    setup = baseline_setup(country, extra_terms=[res, *mkt])
    base = setup.inputs
    der = setup.derived
    n = base.years.size
    ti = der.t_index
    sl = slice(ti, ti + n)
    hist = slice(0, ti)
    n_lines = len(country.new_external_financing)
    gdp_lcu_b = base.gdp_usd_m * base.fx_avg_lcu_per_usd
    dom_rate, dom_st_rate = _domestic_rates(s, der.gdp_deflator_lcu_growth_pct[sl] / 100.0)
    share_ext = residual_external_share(setup, s)
    share_st = s.residual_domestic_st_share_pct / 100.0
    if share_ext + share_st > 1.0 + 1e-12:
        raise InputError(
            f"residual shares add up to {100 * (share_ext + share_st):g} % > 100 % (external "
            f"{100 * share_ext:g} % + domestic short-term {100 * share_st:g} %); lower one of them",
            field="stress.residual_domestic_st_share_pct",
        )
    st_pb = _primary_balance_stats(country, s, der)
    return StressContext(
        country=country,
        settings=s,
        setup=setup,
        res=res,
        res_idx=n_lines,
        mkt_idx=tuple(range(n_lines + 1, n_lines + 1 + len(mkt))),
        mkt_lines=tuple(
            i for i, ln in enumerate(country.new_external_financing) if ln.market_financing
        ),
        g_b=der.real_gdp_growth_pct[sl] / 100.0,
        pi_b=der.gdp_deflator_usd_growth_pct[sl] / 100.0,
        x_b=der.exports_growth_usd_pct[sl] / 100.0,
        rev_ratio=base.revenue_excl_grants_lcu_m / gdp_lcu_b,
        rev_incl_ratio=base.revenue_incl_grants_lcu_m / gdp_lcu_b,
        dom_rate=dom_rate,
        dom_st_rate=dom_st_rate,
        r_disc=country.discount_rate_pct / 100.0,
        share_ext=share_ext,
        share_st=share_st,
        # a need met at home only keeps Input 7's domestic split (short-term vs MLT)
        dom_st_only=share_st / (1.0 - share_ext) if share_ext < 1.0 else 0.0,
        st_g=ShockStats.of(der.real_gdp_growth_pct[hist]),
        st_x=ShockStats.of(der.exports_growth_usd_pct[hist]),
        st_tr=ShockStats.of(der.transfers_pct_gdp[hist]),
        st_fdi=ShockStats.of(der.fdi_pct_gdp[hist]),
        st_pb=st_pb,
        has_pb=bool(np.isfinite(st_pb.mean) and np.isfinite(st_pb.sd)),
        k_inter=1.0 if s.interactions else 0.0,
        passthrough=s.fx_passthrough if s.interactions else 0.0,
        spending_b=der.primary_expenditure_lcu_m[sl],
        other_b=der.other_flows_lcu_m[sl],
        base_tr=der.net_current_transfers_usd_m[sl],
        base_fdi=der.net_fdi_usd_m[sl],
        residual_carry=_residual_carry(country, setup, res, n_lines),
    )
