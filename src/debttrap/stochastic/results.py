"""What a simulation gives back: fan-chart quantiles, breach and distress probabilities.

Definitions (all transparent, all in the result):

* **breach** of an indicator in a year: value strictly above its threshold
  (LIC-DSF §1); ``prob_breach_by_year`` is the share of paths breaching in
  each year; ``prob_breach_any`` the share breaching in at least one year of
  the rating window (``t … t+10``); ``prob_breach_flag`` the share breaching in
  two or more years of the window (the LIC-DSF mechanical flag, §5.1);
* **distress** on a path in year ``y`` of the window: an external debt-service
  indicator (service/exports or service/revenue) above its threshold in
  ``y`` and in ``y-1`` (two years running), or, when a cap is set, an extra
  financing need above ``max_extra_financing_pct_gdp`` percent of GDP in
  ``y`` (a gap too large to finance); ``prob_distress`` is the share of paths
  in distress in at least one year of the window;
* **contribution** of an offer: probability with every offer minus the
  probability without that offer, on the same shocks (common random numbers).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from debttrap.errors import InputError
from debttrap.stochastic.kernel import OUTPUTS, THRESHOLD_OUTPUTS

__all__ = [
    "QUANTILE_LEVELS",
    "DistressRule",
    "SimulationResult",
    "VariantResult",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: fan-chart quantiles: 5/95, 10/90, 25/75 bands and the median.
QUANTILE_LEVELS: tuple[float, ...] = (0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95)
_SERVICE = ("ext_debt_service_to_exports_pct", "ext_debt_service_to_revenue_pct")


@dataclass(frozen=True, slots=True)
class DistressRule:
    """When a path counts as "in distress" (see the module docstring)."""

    consecutive_years: int = 2
    service_indicators: tuple[str, ...] = _SERVICE
    max_extra_financing_pct_gdp: float | None = None

    def __post_init__(self) -> None:
        if self.consecutive_years < 1:
            raise InputError("must be at least 1", field="distress.consecutive_years")
        bad = [s for s in self.service_indicators if s not in THRESHOLD_OUTPUTS]
        if bad or not self.service_indicators:
            raise InputError(f"unknown indicators {bad}; use {list(THRESHOLD_OUTPUTS)}",
                             field="distress.service_indicators")
        cap = self.max_extra_financing_pct_gdp
        if cap is not None and not (np.isfinite(cap) and cap >= 0):
            raise InputError("must be a number >= 0", field="distress.max_extra_financing_pct_gdp")

    def describe(self) -> str:
        text = (f"{' or '.join(self.service_indicators)} above threshold "
                f"{self.consecutive_years} years running")
        if self.max_extra_financing_pct_gdp is not None:
            text += (f", or an extra financing need above {self.max_extra_financing_pct_gdp:g}% "
                     "of GDP in a year")
        return text


@dataclass(frozen=True, slots=True, eq=False)
class VariantResult:
    """Probabilities for one set of debt lines (all offers, none, or all but one)."""

    name: str
    prob_breach_by_year: FloatArray  # (Y, 5)
    prob_breach_any: FloatArray  # (5,)
    prob_breach_flag: FloatArray  # (5,)
    prob_external_breach_flag: float
    prob_distress: float
    prob_distress_by_year: FloatArray  # (Y,)


@dataclass(frozen=True, slots=True, eq=False)
class SimulationResult:
    """Fan charts and probabilities of one simulation (``.to_frame()`` and friends)."""

    country: str
    years: IntArray
    window_years: IntArray
    thresholds_pct: Mapping[str, float]
    n_paths: int
    seed: int
    method: str
    engine: str
    block_size: int
    workers: int
    quantiles: FloatArray  # (len(QUANTILE_LEVELS), Y, len(OUTPUTS))
    mean: FloatArray  # (Y, len(OUTPUTS))
    baseline: FloatArray  # (Y, len(OUTPUTS)), the path at zero shock
    main: VariantResult
    variants: tuple[VariantResult, ...]
    distress_rule: DistressRule
    calibration: dict[str, object]
    memory_bytes: int
    paths: FloatArray | None = None  # (N, Y, len(OUTPUTS)) when kept
    offer_names: Mapping[int, str] = field(default_factory=dict)
    #: offer name -> the variant without it ("no_offer" when it is the only one; None when
    #: the offer adds no debt line)
    offer_variants: Mapping[str, str | None] = field(default_factory=dict)
    #: variant name -> (quantiles, mean, baseline) for variants whose fans were kept
    variant_fans: Mapping[str, tuple[FloatArray, FloatArray, FloatArray]] = field(
        default_factory=dict)

    def variant(self, name: str) -> VariantResult:
        """One variant's probabilities by name (``all_offers``, ``no_offer``, ``without_…``)."""
        for v in (self.main, *self.variants):
            if v.name == name:
                return v
        raise InputError(f"no variant '{name}' in this run", field="variant")

    def offer_contributions(self) -> dict[str, dict[str, object]]:
        """Per offer: probabilities with every offer, without this one, and the difference."""
        out: dict[str, dict[str, object]] = {}
        for name, vname in self.offer_variants.items():
            v = self.main if vname is None else self.variant(vname)
            out[name] = {
                "variant_without": vname,
                "adds_debt": vname is not None,
                "prob_distress_with": self.main.prob_distress,
                "prob_distress_without": v.prob_distress,
                "contribution_prob_distress": self.main.prob_distress - v.prob_distress,
                "prob_external_breach_flag_with": self.main.prob_external_breach_flag,
                "prob_external_breach_flag_without": v.prob_external_breach_flag,
                "contribution_prob_external_breach_flag": (
                    self.main.prob_external_breach_flag - v.prob_external_breach_flag),
                "contribution_prob_breach_any_year": {
                    ind: float(self.main.prob_breach_any[j] - v.prob_breach_any[j])
                    for j, ind in enumerate(THRESHOLD_OUTPUTS)
                },
                "contribution_prob_breach_two_or_more_years": {
                    ind: float(self.main.prob_breach_flag[j] - v.prob_breach_flag[j])
                    for j, ind in enumerate(THRESHOLD_OUTPUTS)
                },
            }
        return out

    def variant_fan(self, variant: str, indicator: str) -> pd.DataFrame:
        """A kept variant's fan for one indicator (``all_offers`` is the main fan)."""
        if variant == self.main.name:
            return self.fan(indicator)
        if variant not in self.variant_fans:
            raise InputError(f"no fan kept for variant '{variant}'", field="variant")
        if indicator not in OUTPUTS:
            raise InputError(f"unknown indicator '{indicator}'; use one of {list(OUTPUTS)}",
                             field="indicator")
        q, mean, base = self.variant_fans[variant]
        j = OUTPUTS.index(indicator)
        data: dict[str, FloatArray] = {"baseline": base[:, j], "mean": mean[:, j]}
        for k, lev in enumerate(QUANTILE_LEVELS):
            data[f"p{round(lev * 100)}"] = q[k, :, j]
        return pd.DataFrame(data, index=pd.Index(self.years, name="year"))

    # ------------------------------------------------------------ frames
    def to_frame(self) -> pd.DataFrame:
        """Fan-chart table: rows (indicator, year); columns baseline, mean, p5 … p95."""
        frames = []
        for j, name in enumerate(OUTPUTS):
            data: dict[str, FloatArray] = {"baseline": self.baseline[:, j], "mean": self.mean[:, j]}
            for q, lev in enumerate(QUANTILE_LEVELS):
                data[f"p{round(lev * 100)}"] = self.quantiles[q, :, j]
            f = pd.DataFrame(data, index=pd.Index(self.years, name="year"))
            f.insert(0, "indicator", name)
            frames.append(f)
        return pd.concat(frames).set_index("indicator", append=True).swaplevel().sort_index(
            level=0, sort_remaining=False)

    def fan(self, indicator: str) -> pd.DataFrame:
        """One indicator's fan: index year; columns baseline, mean, p5 … p95."""
        if indicator not in OUTPUTS:
            raise InputError(f"unknown indicator '{indicator}'; use one of {list(OUTPUTS)}",
                             field="indicator")
        out = self.to_frame().xs(indicator, level="indicator")
        assert isinstance(out, pd.DataFrame)
        return out

    def probabilities_frame(self) -> pd.DataFrame:
        """Per threshold indicator: threshold, P(breach in any window year), P(flag: >= 2 years)."""
        rows = {
            name: {
                "threshold_pct": self.thresholds_pct[name],
                "prob_breach_any_year": float(self.main.prob_breach_any[j]),
                "prob_breach_two_or_more_years": float(self.main.prob_breach_flag[j]),
                "baseline_breach_years": int(
                    (self.baseline[: self.window_years.size, j] > self.thresholds_pct[name]).sum()
                ),
            }
            for j, name in enumerate(THRESHOLD_OUTPUTS)
        }
        f = pd.DataFrame.from_dict(rows, orient="index")
        f.index.name = "indicator"
        return f

    def breach_by_year_frame(self) -> pd.DataFrame:
        """P(indicator above threshold) by year, and P(in distress) by year."""
        f = pd.DataFrame(self.main.prob_breach_by_year, index=pd.Index(self.years, name="year"),
                         columns=list(THRESHOLD_OUTPUTS))
        f["distress"] = self.main.prob_distress_by_year
        return f

    def contributions_frame(self) -> pd.DataFrame:
        """Each variant's probabilities and their difference from the run with every offer."""
        rows = []
        for v in (self.main, *self.variants):
            row: dict[str, object] = {"variant": v.name, "prob_distress": v.prob_distress,
                                      "prob_external_breach_flag": v.prob_external_breach_flag}
            for j, name in enumerate(THRESHOLD_OUTPUTS):
                row[f"prob_breach_any_{name}"] = float(v.prob_breach_any[j])
            row["contribution_prob_distress"] = self.main.prob_distress - v.prob_distress
            row["contribution_prob_external_breach_flag"] = (
                self.main.prob_external_breach_flag - v.prob_external_breach_flag)
            rows.append(row)
        return pd.DataFrame(rows).set_index("variant")

    def to_dict(self) -> dict[str, object]:
        """Stable JSON-ready structure (series keyed by year)."""
        years = [int(y) for y in self.years]

        def by_year(a: FloatArray) -> dict[int, float]:
            return {y: float(v) for y, v in zip(years, a, strict=True)}

        fans = {
            name: {
                "baseline": by_year(self.baseline[:, j]),
                "mean": by_year(self.mean[:, j]),
                **{f"p{round(lev * 100)}": by_year(self.quantiles[q, :, j])
                   for q, lev in enumerate(QUANTILE_LEVELS)},
            }
            for j, name in enumerate(OUTPUTS)
        }
        probs = {
            name: {
                "threshold_pct": self.thresholds_pct[name],
                "prob_breach_any_year": float(self.main.prob_breach_any[j]),
                "prob_breach_two_or_more_years": float(self.main.prob_breach_flag[j]),
                "prob_breach_by_year": by_year(self.main.prob_breach_by_year[:, j]),
            }
            for j, name in enumerate(THRESHOLD_OUTPUTS)
        }
        variants = {
            v.name: {
                "prob_distress": v.prob_distress,
                "prob_external_breach_flag": v.prob_external_breach_flag,
                "contribution_prob_distress": self.main.prob_distress - v.prob_distress,
                "contribution_prob_external_breach_flag": (
                    self.main.prob_external_breach_flag - v.prob_external_breach_flag),
                "contribution_prob_breach_any_year": {
                    name: float(self.main.prob_breach_any[j] - v.prob_breach_any[j])
                    for j, name in enumerate(THRESHOLD_OUTPUTS)
                },
            }
            for v in self.variants
        }
        return {
            "country": self.country,
            "n_paths": self.n_paths,
            "seed": self.seed,
            "method": self.method,
            "engine": self.engine,
            "block_size": self.block_size,
            "workers": self.workers,
            "years": years,
            "rating_window": [int(self.window_years[0]), int(self.window_years[-1])],
            "thresholds_pct": dict(self.thresholds_pct),
            "distress_definition": self.distress_rule.describe(),
            "prob_distress": self.main.prob_distress,
            "prob_distress_by_year": by_year(self.main.prob_distress_by_year),
            "prob_external_breach_flag": self.main.prob_external_breach_flag,
            "indicators": probs,
            "fan_charts": fans,
            "offers": self.offer_contributions(),
            "variants": variants,
            "variant_fan_charts": {
                name: {
                    ind: {
                        "baseline": by_year(base[:, j]),
                        "mean": by_year(mean[:, j]),
                        **{f"p{round(lev * 100)}": by_year(q[k, :, j])
                           for k, lev in enumerate(QUANTILE_LEVELS)},
                    }
                    for j, ind in enumerate(OUTPUTS)
                }
                for name, (q, mean, base) in self.variant_fans.items()
            },
            "calibration": self.calibration,
            "memory_bytes": self.memory_bytes,
        }
