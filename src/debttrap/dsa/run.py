"""One function for a whole LIC-DSF: :func:`run_dsa`.

Baseline and every applicable stress test run through the path kernel as one
batch; capacity, thresholds and the rating come from
:mod:`debttrap.dsa.capacity`, :mod:`debttrap.dsa.thresholds` and
:mod:`debttrap.dsa.rating`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from debttrap.country.model import Country
from debttrap.dsa.capacity import DebtCarryingCapacity, composite_indicator, debt_carrying_capacity
from debttrap.dsa.contributions import (
    Contributions,
    contributions_batch,
    contributions_for,
    country_rows,
)
from debttrap.dsa.indicators import EXTERNAL_INDICATORS, INDICATORS, MARKET_VARIANTS, Indicator
from debttrap.dsa.paths import BaselineSetup, IndicatorPaths, PathInputs, debt_paths
from debttrap.dsa.rating import Judgment, RatingResult, rate_risk
from debttrap.dsa.stress import StressSettings, build_scenarios, stack_inputs
from debttrap.dsa.thresholds import thresholds as threshold_values
from debttrap.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DSAResult", "country_capacity", "run_dsa"]

FloatArray = NDArray[np.float64]


def country_capacity(country: Country) -> DebtCarryingCapacity:
    """The debt-carrying capacity from the country's inputs (class, CI score or components)."""
    cap = country.capacity
    if cap.ci_score is not None:
        return debt_carrying_capacity(
            cap.ci_score,
            prior_classification=cap.prior_classification,
            previous_signal=cap.previous_signal,
        )
    if cap.classification is not None:
        return debt_carrying_capacity(classification=cap.classification)
    assert cap.cpia is not None and cap.real_growth_pct is not None
    assert cap.remittances_pct_gdp is not None and cap.reserves_pct_imports is not None
    assert cap.world_growth_pct is not None
    ci = composite_indicator(
        cap.cpia,
        cap.real_growth_pct / 100.0,
        cap.remittances_pct_gdp / 100.0,
        cap.reserves_pct_imports / 100.0,
        cap.world_growth_pct / 100.0,
    )
    return debt_carrying_capacity(
        ci,
        prior_classification=cap.prior_classification,
        previous_signal=cap.previous_signal,
    )


def _index(paths: IndicatorPaths, i: int) -> IndicatorPaths:
    kw: dict[str, Any] = {"years": paths.years}
    for name in paths.__dataclass_fields__:
        if name != "years":
            kw[name] = np.asarray(getattr(paths, name)[i])
    return IndicatorPaths(**kw)


_T = TypeVar("_T", IndicatorPaths, PathInputs)


def _rest(batch: _T) -> _T:
    """The stress scenarios of a batch: every array with a scenario axis without row 0."""
    return replace(
        batch,
        **{
            f.name: getattr(batch, f.name)[1:]
            for f in fields(batch)
            if f.name != "years" and np.ndim(getattr(batch, f.name)) >= 1
        },
    )


@dataclass(frozen=True, slots=True)
class DSAResult:
    """A full LIC-DSF: baseline and stress paths, capacity, thresholds and rating.

    ``stress`` maps test codes (``"B1"`` …) to their paths; ``not_run`` says
    why a test was skipped; ``settings_used`` records residual-financing terms
    and shock statistics; ``contributions`` holds the baseline's external and
    public debt-dynamics tables (§6); ``stress_contributions`` the same tables for
    every stress test run (``contributions_of`` also finds the most extreme one).
    ``setup`` is the baseline setup the run used (with the stress tests' residual and
    market instruments at zero baseline disbursement), for callers that build on the same
    baseline (the stochastic inputs) instead of setting it up again.
    """

    country: str
    first_projection_year: int
    years: NDArray[np.int64]
    capacity: DebtCarryingCapacity
    thresholds: Mapping[str, float]
    baseline: IndicatorPaths
    stress: Mapping[str, IndicatorPaths]
    rating: RatingResult
    settings: StressSettings
    settings_used: Mapping[str, Any]
    contributions: Contributions | None = None
    stress_contributions: Mapping[str, Contributions] = field(
        default_factory=lambda: MappingProxyType({})
    )
    setup: BaselineSetup | None = field(default=None, repr=False, compare=False)

    def contributions_of(self, scenario: str, indicator: str | None = None) -> Contributions | None:
        """Debt-dynamics tables of ``baseline``, a test code, or ``most_extreme`` (per indicator).

        ``None`` where the test was not run or no test is the most extreme one.
        """
        if scenario == "baseline":
            return self.contributions
        if scenario == "most_extreme":
            if indicator is None:
                raise InputError("most_extreme needs an indicator", field="indicator")
            mx = self.rating.most_extreme[Indicator(indicator)]
            return None if mx is None else self.stress_contributions.get(mx.value)
        return self.stress_contributions.get(scenario)

    @property
    def not_run(self) -> Mapping[str, str]:
        v = self.settings_used.get("not_run", {})
        return v if isinstance(v, Mapping) else {}

    def indicator_path(self, indicator: str, scenario: str = "baseline") -> FloatArray:
        """One indicator path (percent) for ``baseline``, a test code, or ``most_extreme``."""
        ind = Indicator(indicator)
        if scenario == "baseline":
            return self.baseline.indicator(ind.value)
        if scenario == "most_extreme":
            mx = self.rating.most_extreme[ind]
            if mx is None:
                return np.full(self.years.shape, np.nan)
            return self.stress[mx.value].indicator(ind.value)
        return self.stress[scenario].indicator(ind.value)

    def _repr_html_(self) -> str:
        """A compact notebook view: rating, capacity and each indicator's peak."""
        from debttrap._display import dsa_html_summary

        return dsa_html_summary(self)

    def to_frame(self) -> pd.DataFrame:
        """Long table: one row per (scenario, indicator, year), column ``value_pct``."""
        import pandas as pd
        rows = []
        for scen in ["baseline", *self.stress]:
            for ind in INDICATORS:
                vals = self.indicator_path(ind.value, scen)
                for y, v in zip(self.years, vals, strict=True):
                    rows.append((scen, ind.value, int(y), float(v)))
        frame = pd.DataFrame(rows, columns=["scenario", "indicator", "year", "value_pct"])
        return frame.set_index(["scenario", "indicator", "year"])

    def to_contract(self) -> dict[str, Any]:
        """The ``debttrap dsa --json`` document (the issue's public contract, plus extras)."""

        def by_year(a: FloatArray) -> dict[str, float | None]:
            return {
                str(int(y)): (float(v) if np.isfinite(v) else None)
                for y, v in zip(self.years, a, strict=True)
            }

        indicators: dict[str, Any] = {}
        for ind in INDICATORS:
            stress: dict[str, Any] = {
                code: by_year(p.indicator(ind.value)) for code, p in self.stress.items()
            }
            stress["most_extreme"] = by_year(self.indicator_path(ind.value, "most_extreme"))
            mx = self.rating.most_extreme[ind]
            indicators[ind.value] = {
                "baseline": by_year(self.baseline.indicator(ind.value)),
                "stress": stress,
                "most_extreme_test": None if mx is None else mx.value,
            }
        rating = self.rating.to_dict()
        cap = self.capacity
        return {
            "country": self.country,
            "first_projection_year": self.first_projection_year,
            "capacity": {
                "ci_score": cap.ci_score,
                "classification": cap.classification.value,
                "source": cap.source,
            },
            "thresholds": dict(self.thresholds),
            "indicators": indicators,
            "rating": {
                "external": rating["external"],
                "overall": rating["overall"],
                "moderate_space": rating["moderate_space"],
                "signals": rating["signals"],
                "mechanical": rating["mechanical"],
                "most_extreme": rating["most_extreme"],
                "window": rating["window"],
            },
            "stress_tests_not_run": dict(self.not_run),
            "contributions": None if self.contributions is None else self.contributions.to_dict(),
            "stress_contributions": {
                code: c.to_dict() for code, c in self.stress_contributions.items()
            },
            "assumptions": {k: v for k, v in self.settings_used.items() if k != "not_run"},
            "units": "percent; PV discounted at the country's discount rate",
        }


def run_dsa(
    country: Country,
    settings: StressSettings | None = None,
    *,
    judgment: Judgment | None = None,
) -> DSAResult:
    """Baseline, every applicable stress test, capacity, thresholds and rating for ``country``."""
    s = settings if settings is not None else StressSettings()
    setup, base, scenarios, meta = build_scenarios(country, s)
    batch = stack_inputs([base, *(sc.inputs for sc in scenarios)])
    paths = debt_paths(batch, setup.basis)
    baseline = _index(paths, 0)
    stress = {sc.code: _index(paths, i + 1) for i, sc in enumerate(scenarios)}
    rows = country_rows(country, setup)
    tables = contributions_batch(
        country,
        setup,
        _rest(paths),
        _rest(batch),
        real_growth_pct=[
            None if sc.real_growth_dec is None else 100.0 * sc.real_growth_dec
            for sc in scenarios
        ],
        primary_expenditure_lcu_m=[sc.primary_expenditure_lcu_m for sc in scenarios],
        other_flows_lcu_m=[sc.other_flows_lcu_m for sc in scenarios],
        bop_gap_usd_m=[sc.bop_gap_usd_m for sc in scenarios],
        baseline=baseline,
        rows=rows,
    )
    stress_contrib = {sc.code: tab for sc, tab in zip(scenarios, tables, strict=True)}
    cap = country_capacity(country)
    thr = threshold_values(cap.classification)
    years = base.years
    rating = rate_risk(
        {ind.value: baseline.indicator(ind.value) for ind in INDICATORS},
        {
            ind.value: {
                code: p.indicator(ind.value)
                for code, p in stress.items()
                if ind in EXTERNAL_INDICATORS or code not in MARKET_VARIANTS
            }
            for ind in INDICATORS
        },
        thr,
        years,
        country.t,
        external_arrears_or_restructuring=country.external_debt.in_arrears_or_restructuring,
        domestic_arrears_or_restructuring=country.domestic_debt.in_arrears_or_restructuring,
        judgment=judgment,
    )
    return DSAResult(
        country=country.name,
        first_projection_year=country.t,
        years=years,
        capacity=cap,
        thresholds=MappingProxyType(thr),
        baseline=baseline,
        stress=MappingProxyType(stress),
        rating=rating,
        settings=s,
        settings_used=MappingProxyType(meta),
        contributions=contributions_for(country, setup, baseline, rows=rows),
        stress_contributions=MappingProxyType(stress_contrib),
        setup=setup,
    )
