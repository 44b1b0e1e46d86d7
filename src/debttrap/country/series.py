"""Year-keyed series of a country's inputs: the type and its one check."""

from __future__ import annotations

import math

__all__ = ["NEG_TOL", "YearSeries", "check_series"]

YearSeries = dict[int, float]

NEG_TOL = 1e-6  # rounding noise in source data (e.g. -2e-16) is not a negative value


def check_series(name: str, values: YearSeries | None) -> YearSeries | None:
    """``values`` as floats sorted by year (None stays None); a non-finite value is an error."""
    if values is None:
        return None
    for year, v in values.items():
        if not isinstance(v, (int, float)) or not math.isfinite(float(v)):
            raise ValueError(f"{name}[{year}] must be a finite number")
    return {int(k): float(v) for k, v in sorted(values.items())}
