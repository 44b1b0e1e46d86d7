"""Present values and the closed-form grant element, as broadcasting functions.

Rates are decimals here (0.05 = 5%). Discount factor ``(1 + D) ** -t`` with
``t`` in years from the valuation date (signing).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "discount_factors",
    "grant_element_equal_principal",
    "npv_next_years",
    "present_value",
]


def discount_factors(times_years: ArrayLike, discount_rate: ArrayLike) -> NDArray[np.float64]:
    """``(1 + D) ** -t``, broadcast over ``times_years`` (last axis) and ``discount_rate``."""
    t = np.asarray(times_years, dtype=np.float64)
    d = np.asarray(discount_rate, dtype=np.float64)
    return np.asarray(np.power(1.0 + d[..., None], -t) if d.ndim else np.power(1.0 + d, -t))


def present_value(
    flows: ArrayLike, times_years: ArrayLike, discount_rate: ArrayLike
) -> NDArray[np.float64]:
    """Present value at ``t = 0`` of flows at ``times_years``.

    ``PV = sum_k flows[..., k] * (1 + D) ** -times_years[k]``. ``flows`` has
    time on its last axis; ``discount_rate`` broadcasts against the leading axes.

    >>> float(present_value([105.0], [1.0], 0.05))
    100.0
    """
    f = np.asarray(flows, dtype=np.float64)
    df = discount_factors(times_years, discount_rate)
    return np.asarray(np.sum(f * df, axis=-1))


def grant_element_equal_principal(
    rate: ArrayLike,
    maturity_years: ArrayLike,
    grace_years: ArrayLike,
    payments_per_year: ArrayLike = 2,
    discount_rate: ArrayLike = 0.05,
) -> NDArray[np.float64]:
    """Grant element (percent) of an equal-principal loan disbursed at signing, no fees.

    The OECD-DAC closed form, in debttrap's grace convention (first repayment at
    ``grace + 1/a``). With ``q = r/a``, ``d = (1+D)^(1/a) - 1`` and ``n = a(M-G)``:

    ``GE = 100 (1 - q/d) [1 - ((1+d)^(-aG) - (1+d)^(-aM)) / (d n)]``

    It rests on the identity ``PV(service) = PV(principal) + (q/d)(1 - PV(principal))``
    for a loan of face 1 (Source: OECD-DAC grant-element formula, as restated in
    the project reference ``lending-terms.md`` §1.3). Broadcasts like a ufunc.
    """
    r = np.asarray(rate, dtype=np.float64)
    m = np.asarray(maturity_years, dtype=np.float64)
    g = np.asarray(grace_years, dtype=np.float64)
    a = np.asarray(payments_per_year, dtype=np.float64)
    big_d = np.asarray(discount_rate, dtype=np.float64)
    q = r / a
    d = np.power(1.0 + big_d, 1.0 / a) - 1.0
    n = a * (m - g)
    pv_principal = (np.power(1.0 + d, -a * g) - np.power(1.0 + d, -a * m)) / (d * n)
    return np.asarray(100.0 * (1.0 - q / d) * (1.0 - pv_principal))


def npv_next_years(flows: NDArray[np.float64], discount_dec: float) -> NDArray[np.float64]:
    """``PV_y = sum_{k>=1} flows[y+k] / (1+r)^k`` along the last axis (0 for the last year).

    The LIC-DSF's end-of-year PV: the flows after year ``y``, one year of
    discount for the first. A loop over time, vectorized over leading axes; for a few
    rows (a DSA's unit loans or one series) the same recurrence on Python floats, which
    costs less than NumPy calls on a handful of numbers and gives the same bits (the same
    IEEE additions and multiplications, in the same order).
    """
    v = 1.0 / (1.0 + discount_dec)
    n = flows.shape[-1] if flows.ndim else 0
    if flows.dtype == np.float64 and n > 1 and np.ndim(v) == 0 and flows.size <= _SCALAR_ROWS * n:
        return _npv_next_years_floats(flows, float(v))
    out = np.zeros_like(flows)
    acc = np.zeros(flows.shape[:-1])
    for j in range(flows.shape[-1] - 2, -1, -1):
        acc = (acc + flows[..., j + 1]) * v
        out[..., j] = acc
    return out


#: up to this many rows :func:`npv_next_years` runs on Python floats
_SCALAR_ROWS = 12


def _npv_next_years_floats(flows: NDArray[np.float64], v: float) -> NDArray[np.float64]:
    n = flows.shape[-1]
    rows: list[list[float]] = flows.reshape(-1, n).tolist()
    for row in rows:  # overwritten in place, last year first: row[j + 1] is still the flow
        acc = 0.0
        last = row[n - 1]
        for j in range(n - 2, -1, -1):
            nxt = row[j]
            acc = (acc + last) * v
            row[j] = acc
            last = nxt
        row[n - 1] = 0.0
    return np.array(rows, dtype=np.float64).reshape(flows.shape)
