"""The project an offer pays for: cost, mark-up, phasing, revenue, and the priors on both.

A :class:`Project` records what the lender quotes (``quoted_cost_usd_m``),
what a competitive build would cost where someone has estimated it
(``benchmark_cost_usd_m``, so the mark-up is explicit), when construction runs
and how it is phased, what the asset earns once built (revenue at full
operation, its ramp-up, operating costs, asset life), and two priors:

* the **cost-overrun prior** — the ratio of actual to estimated cost, and
* the **demand prior** — the ratio of actual to forecast revenue (traffic),

each a lognormal distribution on the ratio. By default both come from the
sector's reference class (:func:`sector_priors`, read from
``data/sector-priors/sector_priors.toml``), every number with its
published source; a user can override either. ``leverage.project`` draws
from them.

Money is in millions of US dollars (``_usd_m``), years are calendar years.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from enum import StrEnum
from statistics import NormalDist
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import NDArray
from pydantic import Field, field_validator, model_validator

from debttrap import data_tables as dt
from debttrap._model import FrozenModel as _Frozen
from debttrap.errors import DataError
from debttrap.terms._shares import check_shares
from debttrap.validation import number_problem

__all__ = [
    "FinancingKind",
    "FinancingSource",
    "LognormalPrior",
    "Project",
    "Sector",
    "SectorPriors",
    "assumed_sigma",
    "default_priors",
    "sector_priors",
]

_Z90 = NormalDist().inv_cdf(0.90)  # 1.2815515...
_MAX_RATIO = 1_000.0  # a cost or revenue ratio (outturn / estimate) above this is a typo
_FINANCING_TOL_PCT = 0.5  # financing lines may differ from the quoted cost by rounding only


class LognormalPrior(_Frozen):
    """A lognormal distribution on a ratio (actual / estimate): ``ln X ~ N(mu, sigma^2)``.

    Give it in whichever form the source quotes, and the other parameters follow:

    * ``mu`` and ``sigma`` directly;
    * ``mean_ratio`` and ``sd_ratio`` (moment matching: ``sigma^2 = ln(1 + sd^2/mean^2)``,
      ``mu = ln(mean) - sigma^2/2``);
    * ``mean_ratio`` and ``median_ratio`` (``mu = ln(median)``, ``sigma^2 = 2 ln(mean/median)``);
    * ``median_ratio`` and ``p90_ratio`` (``sigma = ln(p90/median) / z_0.90``);
    * ``median_ratio`` alone with ``sigma``.

    ``sigma = 0`` makes the ratio certain (no uncertainty modelled).
    ``verified`` is False where the source marks a figure as unverified or the
    parameter is debttrap's assumption; ``source`` says which.
    """

    mu: float = Field(ge=-10.0, le=10.0)
    sigma: float = Field(ge=0.0, le=5.0)
    mean_ratio: float | None = Field(default=None, gt=0.0, le=_MAX_RATIO)
    sd_ratio: float | None = Field(default=None, ge=0.0, le=_MAX_RATIO)
    median_ratio: float | None = Field(default=None, gt=0.0, le=_MAX_RATIO)
    p90_ratio: float | None = Field(default=None, gt=0.0, le=_MAX_RATIO)
    source: str = ""
    verified: bool = True

    @model_validator(mode="before")
    @classmethod
    def _solve(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        d = dict(data)
        keys = ("mu", "sigma", "mean_ratio", "sd_ratio", "median_ratio", "p90_ratio")
        given: dict[str, float] = {}
        for k in keys:
            v = d.get(k)
            if v is None:
                continue
            if (
                isinstance(v, bool)
                or not isinstance(v, (int, float))
                or number_problem(float(v)) is not None
                or abs(v) > (10.0 if k == "mu" else _MAX_RATIO)
            ):
                return d  # let field validation name the bad value
            given[k] = float(v)
        for k in ("mean_ratio", "median_ratio", "p90_ratio"):
            if k in given and given[k] <= 0:
                return d
        if given.get("sd_ratio", 0.0) < 0 or given.get("sigma", 0.0) < 0:
            return d
        has = set(given)
        if {"mu", "sigma"} <= has:
            mu, sigma = given["mu"], given["sigma"]
        elif {"mean_ratio", "sd_ratio"} <= has:
            m, s = given["mean_ratio"], given["sd_ratio"]
            sigma2 = math.log1p((s / m) ** 2)
            mu, sigma = math.log(m) - sigma2 / 2.0, math.sqrt(sigma2)
        elif {"mean_ratio", "median_ratio"} <= has:
            m, med = given["mean_ratio"], given["median_ratio"]
            if m < med:
                raise ValueError(
                    f"mean_ratio ({m:g}) must not be below median_ratio ({med:g}) for a lognormal"
                )
            mu, sigma = math.log(med), math.sqrt(2.0 * math.log(m / med))
        elif {"median_ratio", "p90_ratio"} <= has:
            med, p90 = given["median_ratio"], given["p90_ratio"]
            if p90 < med:
                raise ValueError(f"p90_ratio ({p90:g}) must not be below median_ratio ({med:g})")
            mu, sigma = math.log(med), math.log(p90 / med) / _Z90
        elif {"median_ratio", "sigma"} <= has:
            mu, sigma = math.log(given["median_ratio"]), given["sigma"]
        else:
            raise ValueError(
                "give mu and sigma, or mean_ratio with sd_ratio or median_ratio, "
                "or median_ratio with p90_ratio or sigma"
            )
        implied = {
            "mean_ratio": math.exp(mu + sigma**2 / 2.0),
            "sd_ratio": math.exp(mu + sigma**2 / 2.0) * math.sqrt(math.expm1(sigma**2)),
            "median_ratio": math.exp(mu),
            "p90_ratio": math.exp(mu + _Z90 * sigma),
        }
        for k, v in implied.items():
            if k in given and abs(given[k] - v) > 5e-3 * max(abs(v), 1e-9):
                raise ValueError(
                    f"{k} = {given[k]:g} disagrees with the other parameters (they imply "
                    f"{v:.4g}); give one consistent pair"
                )
        d["mu"], d["sigma"] = mu, sigma
        return d

    @property
    def median(self) -> float:
        return math.exp(self.mu)

    @property
    def mean(self) -> float:
        return math.exp(self.mu + self.sigma**2 / 2.0)

    @property
    def sd(self) -> float:
        return self.mean * math.sqrt(math.expm1(self.sigma**2))

    def quantile(self, q: float) -> float:
        """The ``q``-quantile of the ratio (``0 < q < 1``)."""
        if not 0.0 < q < 1.0:
            raise ValueError("q must lie strictly between 0 and 1")
        return math.exp(self.mu + self.sigma * NormalDist().inv_cdf(q))

    def ratios(self, z: NDArray[np.float64]) -> NDArray[np.float64]:
        """Ratios for standard-normal draws ``z`` (any shape): ``exp(mu + sigma z)``."""
        return np.exp(self.mu + self.sigma * np.asarray(z, dtype=np.float64))


class Sector(StrEnum):
    """Reference classes for cost overruns and demand shortfalls (lending-terms.md §4)."""

    RAIL = "rail"
    ROADS = "roads"
    BRIDGES_TUNNELS = "bridges_tunnels"
    DAMS = "dams"
    PORTS = "ports"
    POWER = "power"
    POWER_TRANSMISSION = "power_transmission"
    SOLAR = "solar"
    WIND = "wind"
    AIRPORTS = "airports"
    WATER = "water"
    OTHER = "other"


class SectorPriors(_Frozen):
    """Default cost-overrun and demand priors of one sector."""

    overrun: LognormalPrior
    demand: LognormalPrior


_PRIORS_DATASET = "sector-priors"
_PRIORS_FILE = "sector_priors.toml"
_PRIOR_KEYS = ("mu", "sigma", "mean_ratio", "sd_ratio", "median_ratio", "p90_ratio")


def assumed_sigma() -> float:
    """The dispersion debttrap assumes where a reference class publishes a mean only.

    The middle of the published-class range (roads sigma 0.245 .. bridges/tunnels
    sigma 0.441), read from ``data/sector-priors/sector_priors.toml``.
    """
    where = {"dataset": _PRIORS_DATASET, "filename": _PRIORS_FILE}
    value = dt.number(dt.read_table(**where), "assumed_sigma", **where)
    if value <= 0.0:
        raise DataError(f"{_PRIORS_DATASET}/{_PRIORS_FILE}, field 'assumed_sigma': must be > 0")
    return value


def _prior(row: Mapping[str, Any], key: str) -> LognormalPrior:
    """One prior of the table; ``mean_only`` rows get the assumed sigma and are unverified."""
    where = {"dataset": _PRIORS_DATASET, "filename": _PRIORS_FILE}
    source = dt.text(row, f"{key}.source", **where)
    verified = row.get("verified", True)
    if not isinstance(verified, bool):
        raise DataError(f"{_PRIORS_DATASET}/{_PRIORS_FILE}, field '{key}.verified': true or false")
    if row.get("mean_only", False) is True:
        mean = dt.number(row, f"{key}.mean_ratio", **where)
        sigma = assumed_sigma()
        return LognormalPrior(
            mu=math.log(mean) - sigma**2 / 2.0,
            sigma=sigma,
            mean_ratio=mean,
            source=f"{source}; sigma {sigma} is debttrap's assumption (no published SD)",
            verified=False,
        )
    given = {k: dt.number(row, f"{key}.{k}", **where) for k in _PRIOR_KEYS if k in row}
    try:
        return LognormalPrior.model_validate({**given, "source": source, "verified": verified})
    except ValueError as exc:
        raise DataError(f"{_PRIORS_DATASET}/{_PRIORS_FILE}, field '{key}': {exc}") from exc


@functools.cache
def sector_priors() -> Mapping[Sector, SectorPriors]:
    """Default priors by sector from ``data/sector-priors/sector_priors.toml`` (its
    ``PROVENANCE.md`` names every source). Raises :class:`DataError` naming the file
    and field where the table lacks a sector, a prior or a field."""
    where = {"dataset": _PRIORS_DATASET, "filename": _PRIORS_FILE}
    table = dt.read_table(**where)
    out: dict[Sector, SectorPriors] = {}
    for sector in Sector:
        row = dt.section(table, sector.value, **where)
        keys = {part: f"{sector.value}.{part}" for part in ("overrun", "demand")}
        parts = {part: _prior(dt.section(row, key, **where), key) for part, key in keys.items()}
        out[sector] = SectorPriors(**parts)
    return MappingProxyType(out)


def default_priors(sector: Sector | str) -> SectorPriors:
    """The reference-class priors of ``sector``."""
    return sector_priors()[Sector(sector)]


class FinancingKind(StrEnum):
    LOAN = "loan"
    EQUITY = "equity"
    GRANT = "grant"
    BUDGET = "budget"


class FinancingSource(_Frozen):
    """One line of the project's financing plan (who puts in how much, as what)."""

    name: str = Field(min_length=1)
    kind: FinancingKind
    amount_usd_m: float = Field(ge=0.0)
    borne_by_government: bool = Field(
        default=False,
        description="True where the borrowing government pays or owes it (its equity, budget, "
        "its own loans).",
    )
    source: str = ""


class Project(_Frozen):
    """An infrastructure project: what it costs, when it is built, and what it earns.

    Revenue and operating costs are forecasts at full operation, in US$ m a
    year; operation starts the year after construction ends and lasts
    ``asset_life_years``. ``revenue_ramp_up`` gives the share of full revenue
    earned in the first operating years (afterwards 1), and revenue then grows
    at ``revenue_growth_pct`` a year. ``overrun_on_budget_pct`` is the share of
    any cost overrun the government must find (and so borrow); the loans are
    fixed amounts and do not grow with the overrun.
    """

    name: str = Field(min_length=1)
    sector: Sector
    quoted_cost_usd_m: float = Field(gt=0.0, description="Price quoted in the offer, US$ m.")
    benchmark_cost_usd_m: float | None = Field(
        default=None, gt=0.0, description="A competitive-cost estimate for the same asset, US$ m."
    )
    construction_start_year: int = Field(ge=1900, le=2200)
    construction_phasing: tuple[float, ...] = Field(
        default=(1.0,), description="Share of the cost spent in each construction year."
    )
    revenue_usd_m: float = Field(
        default=0.0, ge=0.0, description="Forecast revenue at full operation, US$ m a year."
    )
    revenue_ramp_up: tuple[float, ...] = Field(
        default=(), description="Share of full revenue in the first operating years."
    )
    revenue_growth_pct: float = Field(default=0.0, ge=-50.0, le=50.0)
    operating_cost_usd_m: float = Field(
        default=0.0, ge=0.0, description="Operating and maintenance cost, US$ m a year."
    )
    operating_cost_growth_pct: float = Field(default=0.0, ge=-50.0, le=50.0)
    asset_life_years: int = Field(default=30, ge=1, le=200)
    overrun_prior: LognormalPrior | None = Field(
        default=None, description="Actual/estimated cost; default: the sector's reference class."
    )
    demand_prior: LognormalPrior | None = Field(
        default=None, description="Actual/forecast revenue; default: the sector's reference class."
    )
    overrun_on_budget_pct: float = Field(
        default=100.0, ge=0.0, le=100.0, description="Share of a cost overrun the budget bears."
    )
    financing: tuple[FinancingSource, ...] = Field(
        default=(), description="Financing plan; if given it must add up to the quoted cost."
    )
    source: str = ""
    sources: dict[str, str] = Field(default_factory=dict)

    @field_validator("construction_phasing")
    @classmethod
    def _phasing(cls, shares: tuple[float, ...]) -> tuple[float, ...]:
        if not shares:
            raise ValueError("needs at least one construction year")
        check_shares("construction_phasing", shares)
        return shares

    @field_validator("revenue_ramp_up")
    @classmethod
    def _ramp(cls, shares: tuple[float, ...]) -> tuple[float, ...]:
        check_shares("revenue_ramp_up", shares, sum_to_one=False)
        if any(s > 2.0 for s in shares):
            raise ValueError("revenue_ramp_up shares are fractions of full revenue (at most 2)")
        return shares

    @model_validator(mode="after")
    def _check(self) -> Project:
        if len(self.revenue_ramp_up) > self.asset_life_years:
            raise ValueError(
                f"revenue_ramp_up has {len(self.revenue_ramp_up)} years but asset_life_years "
                f"is {self.asset_life_years}"
            )
        if self.financing:
            total = sum(f.amount_usd_m for f in self.financing)
            gap_pct = 100.0 * abs(total - self.quoted_cost_usd_m) / self.quoted_cost_usd_m
            if gap_pct > _FINANCING_TOL_PCT:
                raise ValueError(
                    f"financing lines add up to {total:,.1f} but quoted_cost_usd_m is "
                    f"{self.quoted_cost_usd_m:,.1f}: the plan must cover the quoted cost"
                )
        return self

    # --- derived facts -------------------------------------------------------------
    @property
    def markup_usd_m(self) -> float | None:
        """Quoted minus benchmark cost (None without a benchmark)."""
        if self.benchmark_cost_usd_m is None:
            return None
        return self.quoted_cost_usd_m - self.benchmark_cost_usd_m

    @property
    def markup_pct(self) -> float | None:
        """Quoted cost above the benchmark, percent of the benchmark."""
        if self.benchmark_cost_usd_m is None:
            return None
        return 100.0 * (self.quoted_cost_usd_m / self.benchmark_cost_usd_m - 1.0)

    @property
    def construction_years(self) -> tuple[int, ...]:
        n = len(self.construction_phasing)
        return tuple(range(self.construction_start_year, self.construction_start_year + n))

    @property
    def first_operating_year(self) -> int:
        return self.construction_start_year + len(self.construction_phasing)

    @property
    def last_operating_year(self) -> int:
        return self.first_operating_year + self.asset_life_years - 1

    @property
    def priors(self) -> SectorPriors:
        """The priors in force: the user's where given, else the sector's defaults."""
        d = default_priors(self.sector)
        return SectorPriors(
            overrun=self.overrun_prior if self.overrun_prior is not None else d.overrun,
            demand=self.demand_prior if self.demand_prior is not None else d.demand,
        )

    def operating_index(self, years: NDArray[np.int64]) -> NDArray[np.float64]:
        """Share of full revenue earned in each calendar year (0 outside operation)."""
        y = np.asarray(years, dtype=np.int64)
        k = y - self.first_operating_year  # 0 in the first operating year
        operating = (k >= 0) & (y <= self.last_operating_year)
        ramp = np.ones(y.shape, dtype=np.float64)
        if self.revenue_ramp_up:
            r = np.asarray(self.revenue_ramp_up, dtype=np.float64)
            in_ramp = operating & (k < r.size)
            ramp[in_ramp] = r[k[in_ramp]]
        return np.where(operating, ramp, 0.0)

    def forecast_revenue_usd_m(self, years: NDArray[np.int64]) -> NDArray[np.float64]:
        """Forecast revenue by calendar year: full revenue x ramp-up x growth."""
        y = np.asarray(years, dtype=np.int64)
        k = np.maximum(y - self.first_operating_year, 0)
        growth = (1.0 + self.revenue_growth_pct / 100.0) ** k
        return self.revenue_usd_m * self.operating_index(y) * growth

    def operating_cost_by_year_usd_m(self, years: NDArray[np.int64]) -> NDArray[np.float64]:
        """Operating cost by calendar year (during operation only)."""
        y = np.asarray(years, dtype=np.int64)
        k = y - self.first_operating_year
        operating = (k >= 0) & (y <= self.last_operating_year)
        growth = (1.0 + self.operating_cost_growth_pct / 100.0) ** np.maximum(k, 0)
        return np.where(operating, self.operating_cost_usd_m * growth, 0.0)

    def spending_shares(self, years: NDArray[np.int64]) -> NDArray[np.float64]:
        """Construction phasing placed on calendar years (0 outside construction)."""
        y = np.asarray(years, dtype=np.int64)
        j = y - self.construction_start_year
        inside = (j >= 0) & (j < len(self.construction_phasing))
        out = np.zeros(y.shape, dtype=np.float64)
        out[inside] = np.asarray(self.construction_phasing, dtype=np.float64)[j[inside]]
        return out

