"""LIC-DSF thresholds (external indicators) and the public-debt benchmark, by capacity.

Values in percent, from the 2018 Guidance Note (IMF & World Bank, *Guidance
Note on the Bank-Fund Debt Sustainability Framework for Low Income Countries*,
2018, Table 3) and unchanged in the 2025-08-12 template's CI Summary:

=========  ========  ============  ============  ============  =================
capacity   PV/GDP    PV/exports    DS/exports    DS/revenue    PV public/GDP
=========  ========  ============  ============  ============  =================
weak       30        140           10            14            35
medium     40        180           15            18            55
strong     55        240           21            23            70
=========  ========  ============  ============  ============  =================

A breach is a value strictly above the threshold.

>>> thresholds("medium")["pv_ext_debt_to_gdp_pct"]
40.0
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from debttrap.dsa.capacity import Capacity, parse_capacity
from debttrap.dsa.indicators import INDICATORS, Indicator, parse_indicator
from debttrap.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "DEFAULT_SPACE_BANDS",
    "THRESHOLDS_PCT",
    "ModerateSpaceBands",
    "threshold_table",
    "thresholds",
    "validate_thresholds",
]

_I = Indicator

#: Thresholds and benchmark (percent) by capacity; read-only.
THRESHOLDS_PCT: Mapping[Capacity, Mapping[Indicator, float]] = MappingProxyType(
    {
        Capacity.WEAK: MappingProxyType(
            {
                _I.PV_EXT_DEBT_TO_GDP: 30.0,
                _I.PV_EXT_DEBT_TO_EXPORTS: 140.0,
                _I.EXT_DEBT_SERVICE_TO_EXPORTS: 10.0,
                _I.EXT_DEBT_SERVICE_TO_REVENUE: 14.0,
                _I.PV_PUBLIC_DEBT_TO_GDP: 35.0,
            }
        ),
        Capacity.MEDIUM: MappingProxyType(
            {
                _I.PV_EXT_DEBT_TO_GDP: 40.0,
                _I.PV_EXT_DEBT_TO_EXPORTS: 180.0,
                _I.EXT_DEBT_SERVICE_TO_EXPORTS: 15.0,
                _I.EXT_DEBT_SERVICE_TO_REVENUE: 18.0,
                _I.PV_PUBLIC_DEBT_TO_GDP: 55.0,
            }
        ),
        Capacity.STRONG: MappingProxyType(
            {
                _I.PV_EXT_DEBT_TO_GDP: 55.0,
                _I.PV_EXT_DEBT_TO_EXPORTS: 240.0,
                _I.EXT_DEBT_SERVICE_TO_EXPORTS: 21.0,
                _I.EXT_DEBT_SERVICE_TO_REVENUE: 23.0,
                _I.PV_PUBLIC_DEBT_TO_GDP: 70.0,
            }
        ),
    }
)


def thresholds(capacity: Capacity | str) -> dict[str, float]:
    """Thresholds and benchmark (percent) for a capacity, keyed by indicator name."""
    cap = parse_capacity(capacity)
    return {ind.value: THRESHOLDS_PCT[cap][ind] for ind in INDICATORS}


def threshold_table() -> pd.DataFrame:
    """The whole table: one row per capacity, one column per indicator (percent)."""
    import pandas as pd
    return pd.DataFrame(
        [[THRESHOLDS_PCT[c][i] for i in INDICATORS] for c in Capacity],
        index=pd.Index([c.value for c in Capacity], name="capacity"),
        columns=[i.value for i in INDICATORS],
    )


def validate_thresholds(
    values: Mapping[str, float] | Mapping[Indicator, float], *, field: str = "thresholds"
) -> dict[Indicator, float]:
    """Check a thresholds mapping: every indicator once, each a finite positive percent."""
    out: dict[Indicator, float] = {}
    for key, v in values.items():
        ind = parse_indicator(key, field=f"{field}.{key}")
        try:
            x = float(v)
        except (TypeError, ValueError):
            raise InputError(f"must be a number, got {v!r}", field=f"{field}.{ind}") from None
        if not math.isfinite(x) or x <= 0.0:
            raise InputError(f"must be a positive percent, got {v!r}", field=f"{field}.{ind}")
        out[ind] = x
    missing = [i.value for i in INDICATORS if i not in out]
    if missing:
        raise InputError(f"missing thresholds for {', '.join(missing)}", field=field)
    return out


@dataclass(frozen=True, slots=True)
class ModerateSpaceBands:
    """Headroom bands (share of the threshold) that grade a moderate rating.

    Limited space if any indicator's headroom ``(T - B) / T`` is below the
    ``*_limited`` band; substantial if every indicator's headroom is at least
    the ``*_substantial`` band; some space otherwise. Defaults from the 2018
    Guidance Note (median downgrade shocks 20 % of the threshold for stock
    indicators, 12 % for debt service; upper quartiles from 40 % and 35 %),
    and the template's band inputs (stock 20/40, flow 12/35).
    """

    stock_limited: float = 0.20
    stock_substantial: float = 0.40
    service_limited: float = 0.12
    service_substantial: float = 0.35

    def __post_init__(self) -> None:
        for name in ("stock", "service"):
            lo = getattr(self, f"{name}_limited")
            hi = getattr(self, f"{name}_substantial")
            if not (0.0 <= lo <= hi <= 1.0):
                raise InputError(
                    "bands must satisfy 0 <= limited <= substantial <= 1",
                    field=f"space_bands.{name}",
                )

    def to_dict(self) -> dict[str, Any]:
        return {
            "stock_limited": self.stock_limited,
            "stock_substantial": self.stock_substantial,
            "service_limited": self.service_limited,
            "service_substantial": self.service_substantial,
        }


DEFAULT_SPACE_BANDS = ModerateSpaceBands()
