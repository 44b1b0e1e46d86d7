"""The path kernel: N macro paths x Y years of external and public debt dynamics.

Inputs are arrays (:class:`SimulationInputs`, defined in
:mod:`debttrap.stochastic.inputs` and re-exported here): a baseline macro path, the
contractual schedules of every debt line (each loan, or an aggregate), and
the terms on which any extra financing need is borrowed. Shocks come from
:mod:`debttrap.stochastic.shocks` as an array ``(paths, years, 6)`` of
decimals; with all shocks zero every path is the baseline.

What a shock does, year ``y`` (decimals; ``b`` marks the baseline):

* levels move by cumulative ratios, so the baseline is reproduced exactly at
  zero shock: ``GDP_LCU = GDP_b * prod (1+g_b+s_g)(1+pi_b+s_pi) / ((1+g_b)(1+pi_b))``,
  ``FX = FX_b * prod (1+e_b+s_e)/(1+e_b)`` (LCU per USD, + = depreciation),
  ``exports = X_b * prod (1+x_b+s_x)/(1+x_b)``; each growth factor ``1+rate`` is
  floored at 0.05 (a 95% fall);
* policies do not respond to shocks (LIC-DSF §4.3): revenue excluding grants
  stays at its baseline share of GDP, grants and primary spending at their
  baseline levels, so the primary balance is
  ``PB_b + r_incl * (GDP_LCU - GDP_b) + s_pb * GDP_LCU`` (``r_incl`` the
  baseline revenue-and-grants share of GDP);
* floating-rate lines pay ``max(s_r, -h)`` times their balance at the end of
  ``y-1`` on top of their contractual interest, where ``h`` (the line's
  ``rate_headroom_dec``) is how far its baseline rate is above its floor: a
  floating rate never falls below its floor (zero for the loan model's all-in
  rate and for the domestic rate); fixed-rate lines do not move;
* foreign-currency lines are in US dollars: their local-currency cost moves
  with ``FX``; local-currency lines held abroad (external on a residency basis)
  shrink in dollars when ``FX`` rises;
* the change of the public gross financing need against the baseline,
  ``dGFN = (-PB + public debt service) - (same on the baseline)`` in LCU, is
  borrowed in the same year: a share ``external_share`` abroad in US dollars on
  the residual terms (a linear unit loan: ``grace`` years without principal,
  equal principal to ``maturity``, interest on the balance of the year before,
  PV at the discount rate capped at face, as the LIC-DSF unit-loan method), the
  rest at home in LCU at ``domestic_rate[y] + max(s_r, -max(domestic_rate[y], 0))``
  (the shocked rate floored at zero; rolled over; its interest is part of next
  year's need, so it capitalizes).
  A negative ``dGFN`` (a better year than the baseline) borrows less: the
  residual is symmetric;
* PV of contractual lines: their baseline PV (expected rates); local-currency
  lines converted at the current ``FX``. Rate shocks are serially independent
  with mean zero, so at the end of ``y`` the expected future rate of a
  floating line is its baseline rate and the baseline PV is the expected PV
  (the LIC-DSF discounts projected service at baseline rate projections);
  the floor's convexity (expected rate slightly above baseline when the
  headroom is small) is not in the PV.

Indicators follow LIC-DSF §1 (percent, current-year denominators): see
:data:`OUTPUTS`. Flows and GDP convert at the period-average rate, stocks and
PVs at the end-of-period rate; both move with the same shock multiplier.

The loop runs over years; every step works on all paths at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from debttrap.errors import InputError
from debttrap.stochastic.inputs import (
    DebtLines,
    MacroPath,
    ResidualFinancing,
    SimulationInputs,
)

__all__ = [
    "OUTPUTS",
    "THRESHOLD_OUTPUTS",
    "DebtLines",
    "KernelArrays",
    "MacroPath",
    "ResidualFinancing",
    "SimulationInputs",
    "prepare",
    "run_paths",
]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]

OUTPUTS: tuple[str, ...] = (
    "pv_ext_debt_to_gdp_pct",
    "pv_ext_debt_to_exports_pct",
    "ext_debt_service_to_exports_pct",
    "ext_debt_service_to_revenue_pct",
    "pv_public_debt_to_gdp_pct",
    "ext_debt_to_gdp_pct",
    "public_debt_to_gdp_pct",
    "public_debt_service_to_revenue_pct",
    "extra_financing_need_pct_gdp",
)
#: the five LIC-DSF indicators with a threshold or benchmark (the first five outputs).
THRESHOLD_OUTPUTS: tuple[str, ...] = OUTPUTS[:5]
N_OUT = len(OUTPUTS)
GROWTH_FLOOR = 0.05  # smallest growth factor 1 + rate: a 95% fall in one year

# shock columns (order of shocks.SHOCK_VARIABLES)
_G, _PI, _E, _X, _PB, _R = range(6)


@dataclass(frozen=True, slots=True, eq=False)
class KernelArrays:
    """The kernel's flat inputs for one variant (lines included by ``mask``), all (Y,)."""

    g_b: FloatArray
    pi_b: FloatArray
    e_b: FloatArray
    x_b: FloatArray
    gdp_b: FloatArray
    fx_b: FloatArray
    fxe_b: FloatArray
    exp_b: FloatArray
    rev_ratio: FloatArray
    revg_ratio: FloatArray
    spend_b: FloatArray  # baseline primary spending net of grants, LCU (held at level)
    grants_b: FloatArray  # baseline grants, LCU (held at level)
    # contractual classes: external FX (USD), external LCU, domestic FX (USD), domestic LCU
    s_efx: FloatArray
    s_elcu: FloatArray
    s_dfx: FloatArray
    s_dlcu: FloatArray
    b_efx: FloatArray
    b_elcu: FloatArray
    b_dfx: FloatArray
    b_dlcu: FloatArray
    pv_efx: FloatArray
    pv_elcu: FloatArray
    f_efx: FloatArray  # balance at end of y-1 of every floating line, by class
    f_elcu: FloatArray
    f_dfx: FloatArray
    f_dlcu: FloatArray
    # floating lines with a floor, summed by (class, headroom path): balance at end of y-1,
    # headroom, class; a rate shock s adds s x balance, plus max(-headroom - s, 0) x balance
    fl_prev: FloatArray  # (K, Y)
    fl_head: FloatArray  # (K, Y), >= 0 (inf in a year: no floor that year)
    fl_cls: IntArray  # (K,) 0 efx, 1 elcu, 2 dfx, 3 dlcu
    # per class, for the NumPy kernel: headrooms sorted by year (Y, K_c) and the cumulative
    # sums of balance and headroom x balance in that order (Y, K_c + 1)
    fl_sorted: tuple[tuple[FloatArray, FloatArray, FloatArray], ...]
    gfn_b: FloatArray  # baseline public gross financing need, LCU
    unit_ds: FloatArray
    unit_bal: FloatArray
    unit_pv: FloatArray
    ext_share: float
    dom_rate: FloatArray


def prepare(inputs: SimulationInputs, mask: BoolArray | None = None) -> KernelArrays:
    """Aggregate the included lines into the four currency/residency classes.

    The kernel is linear in each line's flows, so summing lines first is exact;
    the shocks act on the class totals (and floating balances) alike.
    """
    mac = inputs.macro
    ln = inputs.lines
    res = inputs.residual
    n_years = mac.n_years
    inc = np.ones(ln.n_lines, dtype=np.bool_) if mask is None else np.asarray(mask, np.bool_)

    def total(x: FloatArray, sel: BoolArray) -> FloatArray:
        out: FloatArray = x[inc & sel].sum(axis=0) if np.any(inc & sel) else np.zeros(n_years)
        return out

    ext, lcu, flt = ln.external, ln.local_currency, ln.floating
    classes = {"efx": ext & ~lcu, "elcu": ext & lcu, "dfx": ~ext & ~lcu, "dlcu": ~ext & lcu}
    service = ln.principal_m + ln.interest_m
    bal_prev = np.concatenate([ln.balance_open_m[:, None], ln.balance_end_m[:, :-1]], axis=1)
    s = {k: total(service, c) for k, c in classes.items()}
    b = {k: total(ln.balance_end_m, c) for k, c in classes.items()}
    pv = {k: total(ln.pv_end_m, c) for k, c in classes.items()}
    f = {k: total(bal_prev, c & flt) for k, c in classes.items()}
    # floored floating lines with the same class and headroom path add up exactly (linear
    # above the floor, and they reach it together)
    rows: dict[tuple[int, bytes], int] = {}
    fl_prev_l: list[FloatArray] = []
    fl_head_l: list[FloatArray] = []
    fl_cls_l: list[int] = []
    floored = np.any(np.isfinite(ln.rate_headroom_dec), axis=1)
    for c_idx, c in enumerate(classes.values()):
        for i in np.flatnonzero(inc & c & flt & floored):  # once per line at setup
            head = ln.rate_headroom_dec[i]
            key = (c_idx, head.tobytes())
            if key not in rows:
                rows[key] = len(fl_prev_l)
                fl_prev_l.append(np.zeros(n_years))
                fl_head_l.append(head.copy())
                fl_cls_l.append(c_idx)
            fl_prev_l[rows[key]] = fl_prev_l[rows[key]] + bal_prev[i]
    n_fl = len(fl_prev_l)
    fl_prev = np.vstack(fl_prev_l) if n_fl else np.zeros((0, n_years))
    fl_head = np.vstack(fl_head_l) if n_fl else np.zeros((0, n_years))
    fl_cls = np.array(fl_cls_l, dtype=np.int64)
    fl_sorted = tuple(_sorted_floors(fl_prev[fl_cls == c], fl_head[fl_cls == c])
                      for c in range(4))

    fx_prev = np.concatenate([[mac.fx_prev_lcu_per_usd], mac.fx_lcu_per_usd[:-1]])
    exp_prev = np.concatenate([[mac.exports_prev_usd_m], mac.exports_usd_m[:-1]])
    unit_ds, unit_bal, unit_pv = res.unit_profile(n_years)
    ka = KernelArrays(
        g_b=mac.real_growth_dec,
        pi_b=mac.deflator_growth_dec,
        e_b=mac.fx_lcu_per_usd / fx_prev - 1.0,
        x_b=mac.exports_usd_m / exp_prev - 1.0,
        gdp_b=mac.gdp_lcu_m,
        fx_b=mac.fx_lcu_per_usd,
        fxe_b=mac.fx_eop_lcu_per_usd,
        exp_b=mac.exports_usd_m,
        rev_ratio=mac.revenue_ex_grants_lcu_m / mac.gdp_lcu_m,
        revg_ratio=mac.revenue_incl_grants_lcu_m / mac.gdp_lcu_m,
        spend_b=mac.revenue_incl_grants_lcu_m - mac.primary_balance_lcu_m,
        grants_b=mac.revenue_incl_grants_lcu_m - mac.revenue_ex_grants_lcu_m,
        s_efx=s["efx"], s_elcu=s["elcu"], s_dfx=s["dfx"], s_dlcu=s["dlcu"],
        b_efx=b["efx"], b_elcu=b["elcu"], b_dfx=b["dfx"], b_dlcu=b["dlcu"],
        pv_efx=pv["efx"], pv_elcu=pv["elcu"],
        f_efx=f["efx"], f_elcu=f["elcu"], f_dfx=f["dfx"], f_dlcu=f["dlcu"],
        fl_prev=fl_prev, fl_head=fl_head, fl_cls=fl_cls, fl_sorted=fl_sorted,
        gfn_b=np.zeros(n_years),
        unit_ds=unit_ds, unit_bal=unit_bal, unit_pv=unit_pv,
        ext_share=float(res.external_share),
        dom_rate=_dom_rate(res, n_years),
    )
    # the baseline financing need, computed with the very operations the kernel uses
    gfn = _baseline_gfn(ka)
    object.__setattr__(ka, "gfn_b", gfn)
    return ka


def _sorted_floors(prev: FloatArray, head: FloatArray) -> tuple[FloatArray, FloatArray,
                                                                  FloatArray]:
    """Headrooms sorted within each year, with cumulative balances and headroom x balance."""
    order = np.argsort(head, axis=0, kind="stable")  # (K, Y); inf (no floor) last
    h = np.take_along_axis(head, order, axis=0)
    p = np.take_along_axis(prev, order, axis=0)
    hp = np.where(np.isfinite(h), h, 0.0) * p
    zero = np.zeros((1, head.shape[1]))
    cum_p = np.concatenate([zero, np.cumsum(p, axis=0)]).T.copy()
    cum_hp = np.concatenate([zero, np.cumsum(hp, axis=0)]).T.copy()
    return h.T.copy(), cum_p, cum_hp


def _floor_correction(k: KernelArrays, y: int, sr: FloatArray) -> FloatArray:
    """Per class and path (4, N), ``sum max(-h - s_r, 0) x balance`` over the floored lines:
    the lines whose headroom is below ``-s_r`` (found by a sorted search, not a loop over
    lines)."""
    out = np.zeros((4, sr.size))
    lowest = sr.min() if sr.size else 0.0  # no floor binds in a class whose lowest h >= -lowest
    for c, (h, cum_p, cum_hp) in enumerate(k.fl_sorted):  # four classes
        if h.shape[1] == 0 or lowest >= -h[y, 0]:
            continue
        hit = np.flatnonzero(sr < -h[y, 0])  # paths where some floor binds (h[y, 0]: lowest)
        s = sr[hit]
        idx = np.searchsorted(h[y], -s, side="left")  # lines with h < -s_r
        out[c, hit] = -cum_hp[y, idx] - s * cum_p[y, idx]
    return out


def _dom_rate(res: ResidualFinancing, n_years: int) -> FloatArray:
    r = np.asarray(res.domestic_rate_dec, dtype=np.float64)
    if r.ndim == 1 and r.size != n_years:
        raise InputError(f"needs one rate or {n_years} (one per year)", field="domestic_rate_dec")
    out: FloatArray = np.broadcast_to(r, (n_years,)).copy()
    return out


def _baseline_gfn(k: KernelArrays) -> FloatArray:
    n_years = k.gdp_b.size
    out = np.zeros(n_years)
    for y in range(n_years):
        gdp = k.gdp_b[y] * 1.0
        fx = k.fx_b[y] * 1.0
        pb = k.revg_ratio[y] * gdp - k.spend_b[y] + 0.0 * gdp
        ds_ext_usd = (k.s_efx[y] + (0.0 * k.f_efx[y] + 0.0)) + (
            k.s_elcu[y] + (0.0 * k.f_elcu[y] + 0.0)) / fx
        ds_pub = (ds_ext_usd + 0.0) * fx + (k.s_dfx[y] + (0.0 * k.f_dfx[y] + 0.0)) * fx + (
            k.s_dlcu[y] + (0.0 * k.f_dlcu[y] + 0.0)) + 0.0
        out[y] = -pb + ds_pub
    return out


def run_paths(k: KernelArrays, shocks: FloatArray) -> FloatArray:
    """NumPy reference kernel: ``shocks (N, Y, 6)`` decimals -> outputs ``(N, Y, len(OUTPUTS))``.

    Memory: the output plus ``N x Y`` floats for the residual external cohorts
    and a few ``(N,)`` vectors. The output is a view of a ``(Y, outputs, N)``
    buffer (each year's indicators are written as contiguous rows of paths);
    ``np.ascontiguousarray`` gives a path-major copy where one is needed.
    """
    n_paths, n_years, n_var = shocks.shape
    if n_years != k.gdp_b.size or n_var != 6:
        raise InputError(
            f"shocks must be (paths, {k.gdp_b.size}, 6), got {shocks.shape}", field="shocks"
        )
    # written year by year as contiguous rows of paths, handed back as an (N, Y, out) view
    out_t = np.empty((n_years, N_OUT, n_paths))
    mg = np.ones(n_paths)
    mfx = np.ones(n_paths)
    mx = np.ones(n_paths)
    cohorts = np.zeros((n_paths, n_years))  # residual external borrowing by year, USD
    rdom = np.zeros(n_paths)  # residual domestic debt, LCU
    for y in range(n_years):
        sh = shocks[:, y, :]
        g_b, pi_b, e_b, x_b = k.g_b[y], k.pi_b[y], k.e_b[y], k.x_b[y]
        fg = np.maximum(1.0 + g_b + sh[:, _G], GROWTH_FLOOR) * np.maximum(
            1.0 + pi_b + sh[:, _PI], GROWTH_FLOOR)
        mg = mg * (fg / ((1.0 + g_b) * (1.0 + pi_b)))
        mfx = mfx * (np.maximum(1.0 + e_b + sh[:, _E], GROWTH_FLOOR) / (1.0 + e_b))
        mx = mx * (np.maximum(1.0 + x_b + sh[:, _X], GROWTH_FLOOR) / (1.0 + x_b))
        gdp = k.gdp_b[y] * mg
        fx = k.fx_b[y] * mfx
        exp = k.exp_b[y] * mx
        pb = k.revg_ratio[y] * gdp - k.spend_b[y] + sh[:, _PB] * gdp
        sr = sh[:, _R]

        res_ds = cohorts[:, :y] @ k.unit_ds[y:0:-1] if y > 0 else np.zeros(n_paths)
        dr = k.dom_rate[y]
        res_int_dom = (dr + np.maximum(sr, -max(dr, 0.0))) * rdom
        # extra floating interest by class: balance x shock, the shock stopped at the floor
        cf = _floor_correction(k, y, sr)
        ds_ext_usd = (k.s_efx[y] + (sr * k.f_efx[y] + cf[0])) + (
            k.s_elcu[y] + (sr * k.f_elcu[y] + cf[1])) / fx
        ds_ext_usd = ds_ext_usd + res_ds
        ds_pub = ds_ext_usd * fx + (k.s_dfx[y] + (sr * k.f_dfx[y] + cf[2])) * fx + (
            k.s_dlcu[y] + (sr * k.f_dlcu[y] + cf[3])) + res_int_dom
        dgfn = (-pb + ds_pub) - k.gfn_b[y]
        cohorts[:, y] = k.ext_share * dgfn / fx
        rdom = rdom + (1.0 - k.ext_share) * dgfn

        res_bal = cohorts[:, : y + 1] @ k.unit_bal[y::-1]
        res_pv = cohorts[:, : y + 1] @ k.unit_pv[y::-1]
        fxe = k.fxe_b[y] * mfx
        pv_ext = k.pv_efx[y] + k.pv_elcu[y] / fxe + res_pv
        bal_ext = k.b_efx[y] + k.b_elcu[y] / fxe + res_bal
        dom_face = k.b_dlcu[y] + k.b_dfx[y] * fxe + rdom
        gdp_usd = gdp / fx
        rev = k.rev_ratio[y] * gdp
        revg = rev + k.grants_b[y]
        o = out_t[y]
        np.maximum(100.0 * pv_ext / gdp_usd, 0.0, out=o[0])
        np.maximum(100.0 * pv_ext / exp, 0.0, out=o[1])
        np.maximum(100.0 * ds_ext_usd / exp, 0.0, out=o[2])
        np.maximum(100.0 * ds_ext_usd * fx / rev, 0.0, out=o[3])
        np.maximum(100.0 * (pv_ext * fxe + dom_face) / gdp, 0.0, out=o[4])
        np.maximum(100.0 * bal_ext / gdp_usd, 0.0, out=o[5])
        np.maximum(100.0 * (bal_ext * fxe + dom_face) / gdp, 0.0, out=o[6])
        np.maximum(100.0 * ds_pub / revg, 0.0, out=o[7])
        np.divide(100.0 * dgfn, gdp, out=o[8])
    out: FloatArray = out_t.transpose(2, 0, 1)
    return out
