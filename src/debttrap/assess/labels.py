"""Names shared by the assessment's modules: short indicator labels, year-keyed dicts."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from debttrap._numeric import finite_or_none as _f
from debttrap.dsa.indicators import Indicator

FloatArray = NDArray[np.float64]


#: Tiny indicator names (the LIC-DSF's usual abbreviations) for one-cell figures.
_TINY: dict[Indicator, str] = {
    Indicator.PV_EXT_DEBT_TO_GDP: "PV/GDP",
    Indicator.PV_EXT_DEBT_TO_EXPORTS: "PV/X",
    Indicator.EXT_DEBT_SERVICE_TO_EXPORTS: "DS/X",
    Indicator.EXT_DEBT_SERVICE_TO_REVENUE: "DS/R",
    Indicator.PV_PUBLIC_DEBT_TO_GDP: "PV pub./GDP",
}
#: Short indicator names for the side-by-side table.
_SHORT: dict[Indicator, str] = {
    Indicator.PV_EXT_DEBT_TO_GDP: "PV ext. debt / GDP",
    Indicator.PV_EXT_DEBT_TO_EXPORTS: "PV ext. debt / exports",
    Indicator.EXT_DEBT_SERVICE_TO_EXPORTS: "Ext. debt service / exports",
    Indicator.EXT_DEBT_SERVICE_TO_REVENUE: "Ext. debt service / revenue",
    Indicator.PV_PUBLIC_DEBT_TO_GDP: "PV public debt / GDP",
}


def _by_year(years: Any, values: Any) -> dict[str, float | None]:
    """``{year: value}`` with string years (JSON keys) and None for missing values."""
    vals = np.asarray(values, dtype=np.float64)
    return {str(int(y)): _f(v) for y, v in zip(np.asarray(years), vals, strict=True)}
