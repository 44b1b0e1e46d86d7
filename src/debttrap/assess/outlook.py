"""The debt outlooks an assessment compares: a DSA run (:class:`DebtOutlook`) and the
stochastic outlook of a run (:class:`StochasticOutlook`); re-exported by ``assess.results``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from debttrap._numeric import finite_or_none as _f
from debttrap.assess.labels import FloatArray, _by_year
from debttrap.dsa.indicators import INDICATOR_LABELS, INDICATORS, Indicator
from debttrap.dsa.run import DSAResult


@dataclass(frozen=True, slots=True, eq=False)
class DebtOutlook:
    """One LIC-DSF run: the reference (no offer) or the country with one offer.

    ``public_debt_to_gdp_pct`` is total public debt at face value over GDP
    (the headline ratio the press quotes; the LIC-DSF benchmark uses PV).
    """

    label: str
    dsa: DSAResult
    public_debt_to_gdp_pct: FloatArray

    @property
    def years(self) -> NDArray[np.int64]:
        return self.dsa.years

    @property
    def rating_external(self) -> str:
        return str(self.dsa.rating.external.value)

    @property
    def rating_overall(self) -> str:
        return str(self.dsa.rating.overall.value)

    @property
    def window_years(self) -> tuple[int, ...]:
        return tuple(int(y) for y in self.dsa.rating.window_years)

    def path(self, indicator: str, scenario: str = "baseline") -> FloatArray:
        return self.dsa.indicator_path(indicator, scenario)

    def threshold(self, indicator: str) -> float:
        return float(self.dsa.thresholds[indicator])

    def indicator_summary(self, indicator: str) -> dict[str, Any]:
        """Peak of the baseline path, years above the threshold (window), most extreme shock."""
        years = self.years
        base = self.path(indicator)
        thr = self.threshold(indicator)
        win = np.isin(years, np.array(self.window_years))
        k = int(np.nanargmax(base)) if np.any(np.isfinite(base)) else 0
        mx = self.dsa.rating.most_extreme[Indicator(indicator)]
        stress = self.path(indicator, "most_extreme")
        has_stress = mx is not None and np.any(np.isfinite(stress))
        return {
            "label": INDICATOR_LABELS[Indicator(indicator)],
            "threshold_pct": thr,
            "baseline_peak_pct": _f(base[k]),
            "baseline_peak_year": int(years[k]),
            "baseline_years_above_in_window": [
                int(y) for y in years[win & (base > thr)]
            ],
            "most_extreme_test": None if mx is None else mx.value,
            "stress_peak_pct": _f(np.nanmax(stress[win])) if has_stress else None,
            "stress_years_above_in_window": (
                [int(y) for y in years[win & (stress > thr)]] if has_stress else []
            ),
        }

    def breaches(self) -> dict[str, Any]:
        """Which indicators breach their threshold in the window (baseline, most extreme test)."""
        out: dict[str, Any] = {}
        for ind in INDICATORS:
            s = self.indicator_summary(ind.value)
            out[ind.value] = {
                "baseline_years": s["baseline_years_above_in_window"],
                "stress_test": s["most_extreme_test"],
                "stress_years": s["stress_years_above_in_window"],
            }
        return out

    def to_frame(self) -> pd.DataFrame:
        """By year: each indicator's baseline, most extreme shock and threshold, plus face debt."""
        cols: dict[str, FloatArray] = {}
        for ind in INDICATORS:
            cols[ind.value] = self.path(ind.value)
            cols[f"{ind.value}_most_extreme"] = self.path(ind.value, "most_extreme")
            cols[f"{ind.value}_threshold"] = np.full(self.years.shape, self.threshold(ind.value))
        cols["public_debt_to_gdp_pct"] = self.public_debt_to_gdp_pct
        cols["ext_debt_nominal_usd_m"] = self.dsa.baseline.ext_debt_nominal_usd_m
        cols["ext_debt_service_usd_m"] = self.dsa.baseline.ext_debt_service_usd_m
        return pd.DataFrame(cols, index=pd.Index(self.years, name="year"))

    def to_dict(self) -> dict[str, Any]:
        rating = self.dsa.rating.to_dict()
        return {
            "label": self.label,
            "rating_external": self.rating_external,
            "rating_overall": self.rating_overall,
            "moderate_space": rating["moderate_space"],
            "mechanical": rating["mechanical"],
            "window": rating["window"],
            "indicators": {
                ind.value: {
                    **self.indicator_summary(ind.value),
                    "baseline_pct": _by_year(self.years, self.path(ind.value)),
                    "most_extreme_pct": _by_year(
                        self.years, self.path(ind.value, "most_extreme")
                    ),
                }
                for ind in INDICATORS
            },
            "public_debt_to_gdp_pct": _by_year(self.years, self.public_debt_to_gdp_pct),
            "ext_debt_nominal_usd_m": _by_year(
                self.years, self.dsa.baseline.ext_debt_nominal_usd_m
            ),
            "ext_debt_service_usd_m": _by_year(
                self.years, self.dsa.baseline.ext_debt_service_usd_m
            ),
            "signals": rating["signals"],
            "stress_tests_not_run": dict(self.dsa.not_run),
        }


@dataclass(frozen=True, slots=True)
class StochasticOutlook:
    """Breach and distress probabilities (percent) over the rating window, one variant."""

    label: str
    n_paths: int
    seed: int
    method: str
    window: tuple[int, int]
    prob_breach_any_pct: Mapping[str, float]
    prob_breach_flag_pct: Mapping[str, float]
    prob_external_breach_flag_pct: float
    prob_distress_pct: float
    prob_distress_by_year_pct: FloatArray
    years: NDArray[np.int64]
    distress_rule: str
    calibration_window: tuple[int, int]
    #: The fan of each threshold indicator (percent): ``{indicator: {"p5": by year, …,
    #: "p95": …}}`` for the variant whose fan the run kept (with the offer), else None.
    #: For charts (the workbench's fan charts); the JSON carries the probabilities.
    fan_pct: Mapping[str, Mapping[str, FloatArray]] | None = None

    def to_frame(self) -> pd.DataFrame:
        """By year: probability of distress in that year (percent)."""
        return pd.DataFrame(
            {"prob_distress_pct": self.prob_distress_by_year_pct},
            index=pd.Index(self.years, name="year"),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "n_paths": self.n_paths,
            "seed": self.seed,
            "method": self.method,
            "window": list(self.window),
            "calibration_window": list(self.calibration_window),
            "prob_breach_any_pct": {k: _f(v) for k, v in self.prob_breach_any_pct.items()},
            "prob_breach_two_years_pct": {
                k: _f(v) for k, v in self.prob_breach_flag_pct.items()
            },
            "prob_external_breach_two_years_pct": _f(self.prob_external_breach_flag_pct),
            "prob_distress_pct": _f(self.prob_distress_pct),
            "prob_distress_by_year_pct": _by_year(self.years, self.prob_distress_by_year_pct),
            "distress_rule": self.distress_rule,
        }
