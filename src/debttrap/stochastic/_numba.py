"""The path kernel compiled with numba (optional; imported only when numba is there).

Same arithmetic as :func:`debttrap.stochastic.kernel.run_paths`, written as
explicit loops (compiled, ``nogil`` so that threads run blocks in parallel).
Results agree with the NumPy kernel to rounding (tested to 1e-10).
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
from numpy.typing import NDArray

from debttrap.stochastic.kernel import GROWTH_FLOOR, N_OUT, KernelArrays

__all__ = ["AVAILABLE", "run_paths_numba"]

FloatArray = NDArray[np.float64]

numba: Any
try:
    import numba
except ImportError:  # pragma: no cover - numba is optional
    numba = None

AVAILABLE = numba is not None


def _kernel(
    shocks: Any, g_b: Any, pi_b: Any, e_b: Any, x_b: Any, gdp_b: Any, fx_b: Any, fxe_b: Any,
    exp_b: Any,
    rev_ratio: Any, revg_ratio: Any, spend_b: Any, grants_b: Any,
    s_efx: Any, s_elcu: Any, s_dfx: Any, s_dlcu: Any,
    b_efx: Any, b_elcu: Any, b_dfx: Any, b_dlcu: Any, pv_efx: Any, pv_elcu: Any,
    f_efx: Any, f_elcu: Any, f_dfx: Any, f_dlcu: Any,
    fl_prev: Any, fl_head: Any, fl_cls: Any, gfn_b: Any,
    unit_ds: Any, unit_bal: Any, unit_pv: Any, ext_share: float, dom_rate: Any,
    floor: float, out: Any,
) -> None:
    n_paths = shocks.shape[0]
    n_years = shocks.shape[1]
    cohorts = np.zeros(n_years)
    xf = np.zeros(4)
    n_fl = fl_prev.shape[0]
    for p in range(n_paths):
        mg = 1.0
        mfx = 1.0
        mx = 1.0
        rdom = 0.0
        for c in range(n_years):
            cohorts[c] = 0.0
        for y in range(n_years):
            sg = shocks[p, y, 0]
            spi = shocks[p, y, 1]
            se = shocks[p, y, 2]
            sx = shocks[p, y, 3]
            spb = shocks[p, y, 4]
            sr = shocks[p, y, 5]
            fg = max(1.0 + g_b[y] + sg, floor) * max(1.0 + pi_b[y] + spi, floor)
            mg = mg * (fg / ((1.0 + g_b[y]) * (1.0 + pi_b[y])))
            mfx = mfx * (max(1.0 + e_b[y] + se, floor) / (1.0 + e_b[y]))
            mx = mx * (max(1.0 + x_b[y] + sx, floor) / (1.0 + x_b[y]))
            gdp = gdp_b[y] * mg
            fx = fx_b[y] * mfx
            exp = exp_b[y] * mx
            pb = revg_ratio[y] * gdp - spend_b[y] + spb * gdp
            res_ds = 0.0
            for c in range(y):
                res_ds += cohorts[c] * unit_ds[y - c]
            dr = dom_rate[y]
            res_int_dom = (dr + max(sr, -max(dr, 0.0))) * rdom
            xf[0] = sr * f_efx[y]
            xf[1] = sr * f_elcu[y]
            xf[2] = sr * f_dfx[y]
            xf[3] = sr * f_dlcu[y]
            for j in range(n_fl):  # floored lines: the part of the shock below the floor
                xf[fl_cls[j]] += max(-fl_head[j, y] - sr, 0.0) * fl_prev[j, y]
            ds_ext_usd = (s_efx[y] + xf[0]) + (s_elcu[y] + xf[1]) / fx
            ds_ext_usd = ds_ext_usd + res_ds
            ds_pub = ds_ext_usd * fx + (s_dfx[y] + xf[2]) * fx + (
                s_dlcu[y] + xf[3]) + res_int_dom
            dgfn = (-pb + ds_pub) - gfn_b[y]
            cohorts[y] = ext_share * dgfn / fx
            rdom = rdom + (1.0 - ext_share) * dgfn
            res_bal = 0.0
            res_pv = 0.0
            for c in range(y + 1):
                res_bal += cohorts[c] * unit_bal[y - c]
                res_pv += cohorts[c] * unit_pv[y - c]
            fxe = fxe_b[y] * mfx
            pv_ext = pv_efx[y] + pv_elcu[y] / fxe + res_pv
            bal_ext = b_efx[y] + b_elcu[y] / fxe + res_bal
            dom_face = b_dlcu[y] + b_dfx[y] * fxe + rdom
            gdp_usd = gdp / fx
            rev = rev_ratio[y] * gdp
            revg = rev + grants_b[y]
            out[p, y, 0] = max(100.0 * pv_ext / gdp_usd, 0.0)
            out[p, y, 1] = max(100.0 * pv_ext / exp, 0.0)
            out[p, y, 2] = max(100.0 * ds_ext_usd / exp, 0.0)
            out[p, y, 3] = max(100.0 * ds_ext_usd * fx / rev, 0.0)
            out[p, y, 4] = max(100.0 * (pv_ext * fxe + dom_face) / gdp, 0.0)
            out[p, y, 5] = max(100.0 * bal_ext / gdp_usd, 0.0)
            out[p, y, 6] = max(100.0 * (bal_ext * fxe + dom_face) / gdp, 0.0)
            out[p, y, 7] = max(100.0 * ds_pub / revg, 0.0)
            out[p, y, 8] = 100.0 * dgfn / gdp


@functools.cache
def _compiled() -> Any:
    """Compile once per process (a pure cache of the compiled function)."""
    # cache=True: the machine code is kept on disk (next to this module, or numba's cache
    # folder where that is read-only), so later processes load it instead of compiling
    return numba.njit(cache=True, nogil=True, fastmath=False)(_kernel)


def run_paths_numba(k: KernelArrays, shocks: FloatArray) -> FloatArray:
    """Compiled twin of :func:`~debttrap.stochastic.kernel.run_paths` (same inputs, same output)."""
    if numba is None:  # pragma: no cover
        from debttrap.errors import InputError

        raise InputError("numba is not installed; use engine='numpy'", field="engine")
    sh = np.ascontiguousarray(shocks, dtype=np.float64)
    out = np.empty((sh.shape[0], sh.shape[1], N_OUT))
    _compiled()(
        sh, k.g_b, k.pi_b, k.e_b, k.x_b, k.gdp_b, k.fx_b, k.fxe_b, k.exp_b,
        k.rev_ratio, k.revg_ratio, k.spend_b, k.grants_b,
        k.s_efx, k.s_elcu, k.s_dfx, k.s_dlcu,
        k.b_efx, k.b_elcu, k.b_dfx, k.b_dlcu, k.pv_efx, k.pv_elcu,
        k.f_efx, k.f_elcu, k.f_dfx, k.f_dlcu,
        np.ascontiguousarray(k.fl_prev), np.ascontiguousarray(k.fl_head), k.fl_cls, k.gfn_b,
        k.unit_ds, k.unit_bal, k.unit_pv, k.ext_share, k.dom_rate,
        GROWTH_FLOOR, out,
    )
    return out
