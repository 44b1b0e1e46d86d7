"""C3's commodity-price path (``lic-dsf-method.md`` §4.2): trigger, size and the shocked paths."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from debttrap.country.model import Country
from debttrap.dsa.stress.settings import StressSettings

__all__ = ["CommodityShock", "commodity_shock"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class CommodityShock:
    """C3 paths (decimals, ``t … T``): price gap, the shocked growth rates and revenue ratio."""

    price_fall_decimal: float
    exports_share_pct: float
    price_gap: FloatArray
    cut_weight: FloatArray
    real_growth_dec: FloatArray
    deflator_usd_dec: FloatArray
    export_growth_dec: FloatArray
    export_level: FloatArray
    revenue_ratio: FloatArray


def commodity_shock(
    country: Country,
    settings: StressSettings,
    exports_usd_m: FloatArray,
    gdp_usd_m: FloatArray,
    export_growth_dec: FloatArray,
    deflator_usd_dec: FloatArray,
    real_growth_dec: FloatArray,
    revenue_ratio: FloatArray,
) -> CommodityShock | str:
    """C3 commodity-price test (``lic-dsf-method.md`` §4.2), or why it is not run.

    Trigger: ``tailored.commodity_exporter`` (judgment), or commodity exports of at least
    ``commodity_threshold_pct`` (50) % of exports on average over ``t-3 … t-1``. Size: the
    price fall ``f`` in ``t+1`` (given, or the -1 SD band over the forecast, minus 1). The
    price gap closes linearly over ``commodity_gap_years`` (6): ``f (G-k+1)/G`` in year
    ``t+k``. Exports: commodity exports (share ``s`` of exports) move with the price gap,
    ``X = X_b (1 + s gap)``. Real growth loses ``5 |f|`` pp and revenue/GDP ``7.5 |f|`` pp
    in full for ``commodity_full_years`` (3) years from ``t+1``, then the cuts fall
    linearly to zero by the end of the gap window. Optional (``commodity_deflator_cut``):
    the US$ GDP deflator level falls by commodity exports/GDP x the price gap. The test
    (``stress.tailored.c3``) finances the export loss of ``t+1`` and ``t+2`` with new external
    debt on residual terms (the template's t+1 PV rises by exactly the export loss); later,
    the baseline's trade deficit holds as a ratio to C3's GDP, as the template's C3 sheet
    does. The revenue loss is a fiscal gap financed at home, as in the other tests.
    """
    tl = country.tailored
    t = country.t
    avg = tl.commodity_share_history_avg_pct(t)
    applies = tl.commodity_exporter or (avg is not None and avg >= settings.commodity_threshold_pct)
    if not applies:
        if avg is None:
            return (
                "not applicable (tailored.commodity_exporter is false and "
                "tailored.commodity_exports_share_history_pct does not cover t-3 … t-1)"
            )
        return (
            f"not applicable (commodity exports {avg:.1f} % of exports over t-3 … t-1, "
            f"below {settings.commodity_threshold_pct:g} %)"
        )
    fall = tl.commodity_price_fall_decimal()
    if fall >= 0:
        return (
            "not sized (needs tailored.commodity_price_shock_pct or the price forecast "
            "and its -1 SD band, tailored.commodity_price_forecast_index/_lower_band_index)"
        )
    share_pct = tl.commodity_exports_share_pct if tl.commodity_exports_share_pct > 0 else avg
    if share_pct is None or share_pct <= 0:
        return (
            "not sized (needs tailored.commodity_exports_share_pct or "
            "tailored.commodity_exports_share_history_pct)"
        )
    n = exports_usd_m.shape[-1]
    k = np.arange(n, dtype=np.float64)
    big_g = float(settings.commodity_gap_years)
    full = float(min(settings.commodity_full_years, settings.commodity_gap_years))
    closing = np.clip((big_g + 1.0 - k) / big_g, 0.0, 1.0)
    gap = np.where(k >= 1, fall * closing, 0.0)
    weight = np.where(
        k < 1,
        0.0,
        np.where(k <= full, 1.0, np.clip((big_g + 1.0 - k) / (big_g + 1.0 - full), 0.0, 1.0)),
    )
    size = -fall
    g = real_growth_dec - settings.commodity_growth_per_price * size / 100.0 * weight
    rr = revenue_ratio - settings.commodity_revenue_per_price * size / 100.0 * weight
    level_x = 1.0 + share_pct / 100.0 * gap
    prev_x = np.concatenate([[1.0], level_x[:-1]])
    x = (1.0 + export_growth_dec) * level_x / prev_x - 1.0
    pi = deflator_usd_dec
    if settings.commodity_deflator_cut:
        level_p = 1.0 + share_pct / 100.0 * exports_usd_m / gdp_usd_m * gap
        prev_p = np.concatenate([[1.0], level_p[:-1]])
        pi = (1.0 + deflator_usd_dec) * level_p / prev_p - 1.0
    return CommodityShock(
        price_fall_decimal=fall,
        exports_share_pct=float(share_pct),
        price_gap=gap,
        cut_weight=weight,
        real_growth_dec=g,
        deflator_usd_dec=pi,
        export_growth_dec=x,
        export_level=level_x,
        revenue_ratio=rr,
    )
