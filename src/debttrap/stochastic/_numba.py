"""The path kernel compiled with numba (imported only when a run uses it: numba's import
costs start-up time that a small run does not win back, see ``simulate.resolve_engine``).

Same arithmetic as :func:`debttrap.stochastic.kernel.run_paths`, arranged for the machine:

* paths are taken in chunks of :data:`LANES`; within a chunk every step is a loop over
  the chunk's paths on contiguous rows (the shocks are first copied year-major), so the
  compiler turns it into SIMD instructions; the chunk's state (level multipliers, the
  residual's cohorts) stays in the first-level cache;
* one loop per year computes everything up to the financing need and writes the four
  outputs it can; the residual's balance and PV (a convolution over the cohorts) and the
  next year's residual service are one pass over the cohorts; a last loop writes the
  five outputs that need them;
* divisions: seven per path-year: the three level multipliers divide by their baseline
  factor exactly as the NumPy kernel does (they compound from year to year, so a
  reciprocal's last bit would drift), and four reciprocals (of the GDP, exchange-rate and
  export multipliers and of revenue with grants) turn every other ratio into a
  multiplication, with reciprocals of baseline values precomputed per year
  (:func:`year_constants`);
* floating-rate floors: lines sorted by headroom per year, visited only on paths whose
  rate shock reaches the lowest floor, and only up to the first line it does not reach.

The outputs are written as contiguous rows of paths, ``(years, outputs, paths)``, and
handed back as an ``(paths, years, outputs)`` view, as the NumPy kernel does.
Results agree with the NumPy kernel within ``1e-12`` (absolute, in percent, plus
``1e-12`` relative; tested): reciprocals instead of divisions change the last bits.
The baseline financing need is computed by the compiled code itself (a zero-shock path),
so a zero shock gives exactly no extra financing need here too.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from debttrap.stochastic.kernel import GROWTH_FLOOR, N_OUT, KernelArrays

__all__ = ["AVAILABLE", "LANES", "N_CONST", "Plan", "plan", "run_paths_numba", "year_constants"]

FloatArray = NDArray[np.float64]

numba: Any
try:
    import numba
except ImportError:  # pragma: no cover - numba is a dependency; the NumPy kernel covers its absence
    numba = None

AVAILABLE = numba is not None
#: paths per chunk: the chunk's scratch (27 rows) and shocks (6 x years rows) of LANES
#: floats stay in the core's caches
LANES = 32
_STRIDE = LANES + 8

# rows of the per-year constant table (year_constants)
(_AG, _API, _AE, _AX, _GDP, _FX, _INV_FX, _INV_FXE, _FXE,
 _INV_EXP, _REVG, _SPEND, _H_REV, _GRANTS, _DR, _NEG_DRP, _F_EFX, _F_ELCU, _F_DFX,
 _F_DLCU, _S_EFX, _S_ELCU, _S_DFX, _S_DLCU, _B_EFX, _B_ELCU, _B_DFX, _B_DLCU, _PV_EFX,
 _PV_ELCU, _INV_GDP, _REV) = range(32)
N_CONST = 32
# rows of the kernel's scratch array, each LANES long: state, the year's intermediates,
# and the nine outputs (in the order of OUTPUTS)
(_MG, _MFX, _MX, _RDOM, _RDS, _XF0, _XF1, _XF2, _XF3, _RBAL, _RPV, _FXV, _FXEV, _IFXE,
 _HG, _HE, _DOMF, _DG, _O0, _O1, _O2, _O3, _O4, _O5, _O6, _O7, _O8) = range(27)
_N_ROWS = 27


def year_constants(k: KernelArrays) -> FloatArray:
    """The kernel's per-year constants, ``(N_CONST, years)``: baseline levels, ``1 + rate``
    factors and the reciprocals that turn the kernel's ratios into multiplications."""
    n = k.gdp_b.size
    c = np.empty((N_CONST, n))
    c[_AG] = 1.0 + k.g_b
    c[_API] = 1.0 + k.pi_b
    c[_AE] = 1.0 + k.e_b
    c[_AX] = 1.0 + k.x_b
    c[_GDP] = k.gdp_b
    c[_FX] = k.fx_b
    c[_INV_FX] = 1.0 / k.fx_b
    c[_INV_FXE] = 1.0 / k.fxe_b
    c[_FXE] = k.fxe_b
    c[_INV_EXP] = 100.0 / k.exp_b  # percent of exports, per unit of the exports multiplier
    c[_REVG] = k.revg_ratio
    c[_SPEND] = k.spend_b
    c[_H_REV] = 1.0 / k.rev_ratio
    c[_GRANTS] = k.grants_b
    c[_DR] = k.dom_rate
    c[_NEG_DRP] = -np.maximum(k.dom_rate, 0.0)
    c[_F_EFX], c[_F_ELCU], c[_F_DFX], c[_F_DLCU] = k.f_efx, k.f_elcu, k.f_dfx, k.f_dlcu
    c[_S_EFX], c[_S_ELCU], c[_S_DFX], c[_S_DLCU] = k.s_efx, k.s_elcu, k.s_dfx, k.s_dlcu
    c[_B_EFX], c[_B_ELCU], c[_B_DFX], c[_B_DLCU] = k.b_efx, k.b_elcu, k.b_dfx, k.b_dlcu
    c[_PV_EFX], c[_PV_ELCU] = k.pv_efx, k.pv_elcu
    c[_INV_GDP] = 100.0 / k.gdp_b  # percent of GDP, per unit of the GDP multiplier
    c[_REV] = k.rev_ratio
    return c


def _floors(k: KernelArrays) -> tuple[FloatArray, FloatArray, NDArray[np.int64]]:
    """Floored lines sorted by headroom within each year: ``(years, K)`` headroom, balance
    at the end of the year before, class (``inf`` headroom, no floor, last)."""
    order = np.argsort(k.fl_head, axis=0, kind="stable")
    head = np.ascontiguousarray(np.take_along_axis(k.fl_head, order, axis=0).T)
    prev = np.ascontiguousarray(np.take_along_axis(k.fl_prev, order, axis=0).T)
    cls = np.ascontiguousarray(k.fl_cls[order].T)
    return head, prev, cls


def _kernel(  # pragma: no cover - compiled by numba; covered through run_paths_numba
    shocks: Any, c: Any, fl_head: Any, fl_prev: Any, fl_cls: Any,
    unit_ds: Any, unit_bal: Any, unit_pv: Any, ext_share: float, gfn: Any,
    out: Any, need: Any, record: bool,
) -> None:
    """``shocks (N, Y, 6)`` -> ``out (Y, N_OUT, N)``, the financing need measured against
    ``gfn``. With ``record``, on one zero-shock path: ``need`` gets the baseline need
    (``gfn`` zero), and nothing is borrowed against it.

    Kept whole (a stated exception to the ~80-line rule): the compiler vectorizes loops
    it sees in one function. Every per-path quantity of a chunk is a row of one flat
    scratch array at a constant offset (``row * LANES``), so the compiler can prove the
    rows do not overlap and needs no run-time alias checks between them."""
    n_paths = shocks.shape[0]
    n_years = shocks.shape[1]
    n_fl = fl_head.shape[1]
    ln = _STRIDE  # row stride: LANES plus padding (rows not 4 KiB apart)
    floor = GROWTH_FLOOR
    sh = np.empty(n_years * 6 * ln)  # the chunk's shocks, year-major: (y, variable, path)
    coh = np.empty(n_years * ln)  # residual external borrowing by year, USD
    w = np.zeros(_N_ROWS * ln)
    one_m_ext = 1.0 - ext_share
    for p0 in range(0, n_paths, LANES):
        m = min(LANES, n_paths - p0)
        for y in range(n_years):
            for v in range(6):
                for i in range(m):
                    sh[(y * 6 + v) * ln + i] = shocks[p0 + i, y, v]
        for i in range(m):
            w[_MG * ln + i] = 1.0
            w[_MFX * ln + i] = 1.0
            w[_MX * ln + i] = 1.0
            w[_RDOM * ln + i] = 0.0
            w[_RDS * ln + i] = 0.0
        for y in range(n_years):
            s_y = y * 6 * ln
            # floating lines below their floor: the extra (negative) interest stops at it
            for i in range(m):
                w[_XF0 * ln + i] = 0.0
                w[_XF1 * ln + i] = 0.0
                w[_XF2 * ln + i] = 0.0
                w[_XF3 * ln + i] = 0.0
            if n_fl > 0 and m > 0:
                lowest = sh[s_y + 5 * ln]
                for i in range(m):
                    lowest = min(lowest, sh[s_y + 5 * ln + i])
                for j in range(n_fl):  # lines by headroom: those the lowest shock reaches
                    h = fl_head[y, j]
                    if not h < -lowest:
                        break
                    pj = fl_prev[y, j]
                    row = (_XF0 + fl_cls[y, j]) * ln
                    for i in range(m):
                        w[row + i] += max(-h - sh[s_y + 5 * ln + i], 0.0) * pj
            ag, api, ae, ax = c[_AG, y], c[_API, y], c[_AE, y], c[_AX, y]
            gdp_b, fx_b, inv_fx_b = c[_GDP, y], c[_FX, y], c[_INV_FX, y]
            inv_fxe_b, fxe_b, inv_exp_b = c[_INV_FXE, y], c[_FXE, y], c[_INV_EXP, y]
            b_dlcu, b_dfx = c[_B_DLCU, y], c[_B_DFX, y]
            revg_r, spend, h_rev, grants = c[_REVG, y], c[_SPEND, y], c[_H_REV, y], c[_GRANTS, y]
            rev_r = c[_REV, y]
            dr, neg_drp = c[_DR, y], c[_NEG_DRP, y]
            f0, f1, f2, f3 = c[_F_EFX, y], c[_F_ELCU, y], c[_F_DFX, y], c[_F_DLCU, y]
            s0, s1, s2, s3 = c[_S_EFX, y], c[_S_ELCU, y], c[_S_DFX, y], c[_S_DLCU, y]
            inv_gdp_b = c[_INV_GDP, y]
            gfn_y = gfn[y]
            den_g = ag * api
            for i in range(m):
                # the level multipliers divide as the NumPy kernel does, so that they carry
                # no rounding drift from year to year (they compound)
                g = w[_MG * ln + i] * (max(ag + sh[s_y + i], floor)
                                       * max(api + sh[s_y + ln + i], floor) / den_g)
                e = w[_MFX * ln + i] * (max(ae + sh[s_y + 2 * ln + i], floor) / ae)
                x = w[_MX * ln + i] * (max(ax + sh[s_y + 3 * ln + i], floor) / ax)
                w[_MG * ln + i] = g
                w[_MFX * ln + i] = e
                w[_MX * ln + i] = x
                spb = sh[s_y + 4 * ln + i]
                sr = sh[s_y + 5 * ln + i]
                gdp = gdp_b * g
                fx = fx_b * e
                r_e = 1.0 / e
                inv_fx = inv_fx_b * r_e
                h_gdp = inv_gdp_b / g
                h_exp = inv_exp_b / x
                pb = revg_r * gdp - spend + spb * gdp
                ds_ext = ((s0 + (sr * f0 + w[_XF0 * ln + i]))
                          + (s1 + (sr * f1 + w[_XF1 * ln + i])) * inv_fx + w[_RDS * ln + i])
                rdom = w[_RDOM * ln + i]
                ds_pub = (ds_ext * fx + (s2 + (sr * f2 + w[_XF2 * ln + i])) * fx
                          + (s3 + (sr * f3 + w[_XF3 * ln + i])) + (dr + max(sr, neg_drp)) * rdom)
                dgfn = (-pb + ds_pub) - gfn_y
                coh[y * ln + i] = ext_share * dgfn * inv_fx
                rdom = rdom + one_m_ext * dgfn
                w[_RDOM * ln + i] = rdom
                revg = rev_r * gdp + grants
                w[_O2 * ln + i] = max(ds_ext * h_exp, 0.0)
                w[_O3 * ln + i] = max(ds_ext * fx * h_gdp * h_rev, 0.0)
                w[_O7 * ln + i] = max(100.0 * ds_pub / revg, 0.0)
                w[_O8 * ln + i] = dgfn * h_gdp
                w[_DG * ln + i] = dgfn
                w[_FXV * ln + i] = fx
                fxe = fxe_b * e
                w[_FXEV * ln + i] = fxe
                w[_IFXE * ln + i] = inv_fxe_b * r_e
                w[_HG * ln + i] = h_gdp
                w[_HE * ln + i] = h_exp
                w[_DOMF * ln + i] = b_dlcu + b_dfx * fxe + rdom
            if record:  # the baseline's need: nothing is borrowed against itself
                need[y] = w[_DG * ln]
                coh[y * ln] = 0.0
                w[_RDOM * ln] = 0.0
                w[_DOMF * ln] = b_dlcu + b_dfx * w[_FXEV * ln]
            # residual balance and PV of the year, and the next year's residual service:
            # one pass over the cohorts
            for i in range(m):
                w[_RBAL * ln + i] = 0.0
                w[_RPV * ln + i] = 0.0
                w[_RDS * ln + i] = 0.0
            nxt = y + 1 < n_years
            for co in range(y + 1):
                ub = unit_bal[y - co]
                up = unit_pv[y - co]
                ud = unit_ds[y + 1 - co] if nxt else 0.0
                for i in range(m):
                    a = coh[co * ln + i]
                    w[_RBAL * ln + i] += a * ub
                    w[_RPV * ln + i] += a * up
                    w[_RDS * ln + i] += a * ud
            pv0, pv1 = c[_PV_EFX, y], c[_PV_ELCU, y]
            b0, b1 = c[_B_EFX, y], c[_B_ELCU, y]
            for i in range(m):
                inv_fxe = w[_IFXE * ln + i]
                pv_ext = pv0 + pv1 * inv_fxe + w[_RPV * ln + i]
                bal_ext = b0 + b1 * inv_fxe + w[_RBAL * ln + i]
                fx = w[_FXV * ln + i]
                h = w[_HG * ln + i]
                fxe = w[_FXEV * ln + i]
                domf = w[_DOMF * ln + i]
                w[_O0 * ln + i] = max(pv_ext * fx * h, 0.0)
                w[_O1 * ln + i] = max(pv_ext * w[_HE * ln + i], 0.0)
                w[_O4 * ln + i] = max((pv_ext * fxe + domf) * h, 0.0)
                w[_O5 * ln + i] = max(bal_ext * fx * h, 0.0)
                w[_O6 * ln + i] = max((bal_ext * fxe + domf) * h, 0.0)
            for k in range(9):  # the year's outputs: contiguous rows of paths
                for i in range(m):
                    out[y, k, p0 + i] = w[(_O0 + k) * ln + i]


@functools.cache
def _compiled() -> Any:
    """Compile once per process (a pure cache of the compiled function)."""
    # cache=True: the machine code is kept on disk (next to this module, or numba's cache
    # folder where that is read-only), so later processes load it instead of compiling
    return numba.njit(cache=True, nogil=True, fastmath=False, error_model="numpy")(_kernel)


@dataclass(frozen=True, slots=True, eq=False)
class Plan:
    """What the compiled kernel needs of one :class:`KernelArrays`, worked out once: the
    per-year constants, the floored lines sorted by headroom, and the baseline financing
    need computed by the compiled code itself."""

    args: tuple[Any, ...]
    need: FloatArray


def plan(k: KernelArrays) -> Plan:
    """The compiled kernel's inputs for ``k`` (pass it to every call on ``k``)."""
    if numba is None:  # pragma: no cover
        from debttrap.errors import InputError

        raise InputError("numba is not installed; use engine='numpy'", field="engine")
    n_years = k.gdp_b.size
    head, prev, cls = _floors(k)
    args = (year_constants(k), head, prev, cls, k.unit_ds, k.unit_bal, k.unit_pv,
            float(k.ext_share))
    # the baseline financing need, from one zero-shock path through this very code
    need = np.zeros(n_years)
    _compiled()(np.zeros((1, n_years, 6)), *args, np.zeros(n_years),
                np.empty((n_years, N_OUT, 1)), need, True)
    return Plan(args, need)


def run_paths_numba(k: KernelArrays, shocks: FloatArray, prepared: Plan | None = None, *,
                    out: FloatArray | None = None) -> FloatArray:
    """Compiled twin of :func:`~debttrap.stochastic.kernel.run_paths` (same inputs, same output
    within 1e-12); ``prepared``: :func:`plan` of ``k``, when calls on ``k`` repeat; ``out``:
    a ``(years, outputs, paths)`` float64 buffer to write into (reused between calls, it
    spares the operating system's zeroing of fresh pages), returned as the usual view."""
    p = plan(k) if prepared is None else prepared
    sh = np.ascontiguousarray(shocks, dtype=np.float64)
    n_paths, n_years = sh.shape[0], sh.shape[1]
    if out is None:
        out = np.empty((n_years, N_OUT, n_paths))
    elif out.shape != (n_years, N_OUT, n_paths) or not out.flags.c_contiguous:
        raise ValueError(f"out must be a C-contiguous {(n_years, N_OUT, n_paths)} array")
    _compiled()(sh, *p.args, p.need, out, p.need, False)
    view: FloatArray = out.transpose(2, 0, 1)
    return view
