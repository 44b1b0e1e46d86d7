"""A naive per-path, per-line Python loop of the debt dynamics (tests and benchmarks only).

It walks every path, every year and every debt line one at a time with plain
floats, straight from :class:`~debttrap.stochastic.kernel.SimulationInputs` (no
aggregation into classes, no matrix products), so it checks the vectorized
kernels and is the slow baseline ``bench/simulate.py`` times them against.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from debttrap.stochastic.kernel import GROWTH_FLOOR, N_OUT, SimulationInputs

__all__ = ["run_paths_naive"]

FloatArray = NDArray[np.float64]


def run_paths_naive(inputs: SimulationInputs, shocks: FloatArray) -> FloatArray:
    """Same outputs as :func:`~debttrap.stochastic.kernel.run_paths` on all lines.

    The test oracle, kept as one plain loop over paths, years and lines (a stated
    exception to the ~80-line rule): it is read line by line against the method,
    with no shared helper with the kernel it checks.
    """
    mac, ln, res = inputs.macro, inputs.lines, inputs.residual
    n_paths, n_years, _ = shocks.shape
    m = ln.n_lines
    years = range(n_years)
    g_b = [float(v) for v in mac.real_growth_dec]
    pi_b = [float(v) for v in mac.deflator_growth_dec]
    fx_b = [float(v) for v in mac.fx_lcu_per_usd]
    fxe_b = [float(v) for v in mac.fx_eop_lcu_per_usd]
    fx_prev = [float(mac.fx_prev_lcu_per_usd), *fx_b[:-1]]
    e_b = [fx_b[y] / fx_prev[y] - 1.0 for y in years]
    x_lev = [float(v) for v in mac.exports_usd_m]
    x_prev = [float(mac.exports_prev_usd_m), *x_lev[:-1]]
    x_b = [x_lev[y] / x_prev[y] - 1.0 for y in years]
    gdp_b = [float(v) for v in mac.gdp_lcu_m]
    rev_r = [float(mac.revenue_ex_grants_lcu_m[y] / mac.gdp_lcu_m[y]) for y in years]
    revg_r = [float(mac.revenue_incl_grants_lcu_m[y] / mac.gdp_lcu_m[y]) for y in years]
    pb_lev = [float(v) for v in mac.primary_balance_lcu_m]
    grants = [float(mac.revenue_incl_grants_lcu_m[y] - mac.revenue_ex_grants_lcu_m[y])
              for y in years]
    dom_rate = [float(v) for v in np.broadcast_to(
        np.asarray(res.domestic_rate_dec, dtype=np.float64), (n_years,))]
    u_ds, u_bal, u_pv = (list(map(float, a)) for a in res.unit_profile(n_years))
    ext = ln.external.tolist()
    lcu = ln.local_currency.tolist()
    flt = ln.floating.tolist()
    head = ln.rate_headroom_dec.tolist()
    serv = (ln.principal_m + ln.interest_m).tolist()
    bal = ln.balance_end_m.tolist()
    pvs = ln.pv_end_m.tolist()
    open_ = ln.balance_open_m.tolist()

    def public_service(y: int, fx: float, sr: float) -> tuple[float, float]:
        """(external service in USD, public service in LCU) of the contractual lines."""
        ds_ext = 0.0
        ds_dom = 0.0
        for i in range(m):
            prev = open_[i] if y == 0 else bal[i][y - 1]
            s = serv[i][y] + (max(sr, -head[i][y]) * prev if flt[i] else 0.0)
            if ext[i]:
                ds_ext += s / fx if lcu[i] else s
            else:
                ds_dom += s if lcu[i] else s * fx
        return ds_ext, ds_dom

    gfn_b = []
    for y in years:
        de, dd = public_service(y, fx_b[y], 0.0)
        gfn_b.append(-pb_lev[y] + de * fx_b[y] + dd)

    out = np.empty((n_paths, n_years, N_OUT))
    for p in range(n_paths):
        gdp = 1.0
        fx = 1.0
        exp = 1.0
        cohorts: list[float] = []
        rdom = 0.0
        for y in years:
            sg, spi, se, sx, spb, sr = (float(v) for v in shocks[p, y])
            if y == 0:
                gdp, fx, exp = gdp_b[0], fx_b[0], x_lev[0]
                gdp *= (max(1 + g_b[0] + sg, GROWTH_FLOOR) * max(1 + pi_b[0] + spi, GROWTH_FLOOR)
                        / ((1 + g_b[0]) * (1 + pi_b[0])))
                fx *= max(1 + e_b[0] + se, GROWTH_FLOOR) / (1 + e_b[0])
                exp *= max(1 + x_b[0] + sx, GROWTH_FLOOR) / (1 + x_b[0])
            else:
                gdp *= (gdp_b[y] / gdp_b[y - 1]) * (
                    max(1 + g_b[y] + sg, GROWTH_FLOOR) * max(1 + pi_b[y] + spi, GROWTH_FLOOR)
                    / ((1 + g_b[y]) * (1 + pi_b[y])))
                fx *= (fx_b[y] / fx_b[y - 1]) * max(1 + e_b[y] + se, GROWTH_FLOOR) / (1 + e_b[y])
                exp *= (x_lev[y] / x_lev[y - 1]) * max(1 + x_b[y] + sx, GROWTH_FLOOR) / (
                    1 + x_b[y])
            de, dd = public_service(y, fx, sr)
            res_ds = sum(a * u_ds[y - c] for c, a in enumerate(cohorts))
            de += res_ds
            ds_pub = de * fx + dd + (dom_rate[y] + max(sr, -max(dom_rate[y], 0.0))) * rdom
            # spending and grants at baseline levels, revenue at its share of GDP
            pb = pb_lev[y] + revg_r[y] * (gdp - gdp_b[y]) + spb * gdp
            dgfn = (-pb + ds_pub) - gfn_b[y]
            cohorts.append(res.external_share * dgfn / fx)
            rdom += (1 - res.external_share) * dgfn
            pv_ext = sum(a * u_pv[y - c] for c, a in enumerate(cohorts))
            bal_ext = sum(a * u_bal[y - c] for c, a in enumerate(cohorts))
            dom_face = rdom
            fxe = fx * fxe_b[y] / fx_b[y]
            for i in range(m):
                if ext[i]:
                    pv_ext += pvs[i][y] / fxe if lcu[i] else pvs[i][y]
                    bal_ext += bal[i][y] / fxe if lcu[i] else bal[i][y]
                else:
                    dom_face += bal[i][y] if lcu[i] else bal[i][y] * fxe
            gdp_usd = gdp / fx
            o = out[p, y]
            o[0] = max(100 * pv_ext / gdp_usd, 0.0)
            o[1] = max(100 * pv_ext / exp, 0.0)
            o[2] = max(100 * de / exp, 0.0)
            o[3] = max(100 * de * fx / (rev_r[y] * gdp), 0.0)
            o[4] = max(100 * (pv_ext * fxe + dom_face) / gdp, 0.0)
            o[5] = max(100 * bal_ext / gdp_usd, 0.0)
            o[6] = max(100 * (bal_ext * fxe + dom_face) / gdp, 0.0)
            o[7] = max(100 * ds_pub / (rev_r[y] * gdp + grants[y]), 0.0)
            o[8] = 100 * dgfn / gdp
    return out
