"""Does the project pay for itself? Project economics by Monte Carlo.

Each path draws two numbers once, from the project's priors
(:attr:`debttrap.terms.project.Project.priors`):

* a **cost ratio** ``c`` (actual / quoted cost), so the realised cost is
  ``quoted x c`` and the overrun ``max(c - 1, 0) x quoted``; the share
  ``overrun_on_budget_pct`` of it falls on the budget, spread over the
  construction years like the spending, and must be borrowed (the loans are
  fixed amounts);
* a **demand ratio** ``d`` (actual / forecast revenue), which scales the
  forecast revenue of every operating year (a persistent shortfall, as the
  reference classes measure it).

Net operating revenue in year ``y`` is ``d x revenue(y) - opex(y)``; the
**debt-service cover ratio** is ``DSCR(y) = net(y) / DS(y)`` in the years
in which the project's own loans fall due (``DS(y) > 0``). The cover tests
run over the years from the first operating year on (debt service that falls
due during construction cannot come from the project: it is reported apart,
as ``debt_service_before_operation_usd_m``, and falls on the budget). The
project **services its own debt** on a path when ``DSCR >= 1`` in every such
year; it **covers it over its life** when the sum of net revenue over those
years is at least the sum of debt service (``lifetime DSCR >= 1``). Debt
service after the asset's life counts, against zero revenue.

The draws are one ``(n_paths, 2)`` array of standard normals from the
injected generator; everything else is array arithmetic over paths x years.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from debttrap._numeric import read_only_copy
from debttrap.errors import InputError
from debttrap.terms.offer import Offer
from debttrap.terms.project import Project

__all__ = ["ProjectEconomics", "offer_project_economics", "project_economics"]

FloatArray = NDArray[np.float64]
DEFAULT_PATHS = 10_000


def _rng(seed: int | np.random.Generator) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise InputError("must be an integer or a numpy Generator", field="seed")
    return np.random.default_rng(int(seed))


def _pct(x: float) -> float:
    return 100.0 * x


@dataclass(frozen=True, slots=True)
class ProjectEconomics:
    """The project's cost and cover distributions. Arrays are read-only.

    ``cost_ratio`` and ``demand_ratio`` are the draws ``(n_paths,)``;
    ``net_revenue_usd_m`` and ``dscr`` are ``(n_paths, Y)`` (``dscr`` NaN where
    no debt service falls due); ``overrun_borrowed_total_usd_m`` is
    ``(n_paths,)`` and ``overrun_borrowed_usd_m`` spreads it over the years
    ``(n_paths, Y)`` (computed on demand).
    """

    project: Project
    years: NDArray[np.int64]
    forecast_revenue_usd_m: FloatArray
    operating_cost_usd_m: FloatArray
    debt_service_usd_m: FloatArray
    cost_ratio: FloatArray
    demand_ratio: FloatArray
    net_revenue_usd_m: FloatArray
    dscr: FloatArray
    overrun_borrowed_total_usd_m: FloatArray
    meta: dict[str, Any] = field(default_factory=dict)

    # --- scalars --------------------------------------------------------------------
    @property
    def n_paths(self) -> int:
        return int(self.cost_ratio.shape[0])

    @property
    def cost_usd_m(self) -> FloatArray:
        """Realised cost on each path."""
        return self.project.quoted_cost_usd_m * self.cost_ratio

    def cost_quantile_usd_m(self, q: float) -> float:
        return float(np.quantile(self.cost_usd_m, q))

    @property
    def _ds_years(self) -> NDArray[np.bool_]:
        """Years the cover tests run over: debt service due, construction over."""
        return (self.debt_service_usd_m > 0) & (self.years >= self.project.first_operating_year)

    @property
    def debt_service_before_operation_usd_m(self) -> float:
        """Project debt service that falls due before the first operating year."""
        before = self.years < self.project.first_operating_year
        return float(self.debt_service_usd_m[before].sum())

    @property
    def overrun_borrowed_usd_m(self) -> FloatArray:
        """Overrun the budget borrows, by path and year: spread like the spending."""
        shares = self.project.spending_shares(self.years)
        out: FloatArray = self.overrun_borrowed_total_usd_m[:, None] * shares[None, :]
        return out

    @property
    def services_own_debt(self) -> NDArray[np.bool_]:
        """Per path: DSCR >= 1 in every year with debt service."""
        m = self._ds_years
        if not m.any():
            return np.ones(self.n_paths, dtype=np.bool_)
        ok: NDArray[np.bool_] = np.all(
            self.net_revenue_usd_m[:, m] >= self.debt_service_usd_m[m], axis=1
        )
        return ok

    @property
    def lifetime_dscr(self) -> FloatArray:
        """Per path: net revenue over debt service, summed over the debt-service years."""
        m = self._ds_years
        if not m.any():
            return np.full(self.n_paths, np.nan)
        out: FloatArray = (
            self.net_revenue_usd_m[:, m].sum(axis=1) / self.debt_service_usd_m[m].sum()
        )
        return out

    @property
    def prob_self_service_pct(self) -> float:
        """Probability (percent) the project meets its own debt service every year."""
        if not self._ds_years.any():
            return float("nan")
        return _pct(float(self.services_own_debt.mean()))

    @property
    def prob_lifetime_cover_pct(self) -> float:
        """Probability (percent) net revenue covers the debt service over the loans' life."""
        if not self._ds_years.any():
            return float("nan")
        return _pct(float((self.lifetime_dscr >= 1.0).mean()))

    def dscr_quantiles(self, qs: tuple[float, ...] = (0.1, 0.5, 0.9)) -> FloatArray:
        """DSCR quantiles by year, ``(len(qs), Y)``, NaN in years without debt service."""
        out = np.full((len(qs), self.years.size), np.nan)
        m = self.debt_service_usd_m > 0
        if m.any():
            out[:, m] = np.quantile(self.dscr[:, m], qs, axis=0)
        return out

    def summary(self) -> dict[str, Any]:
        """Headline figures (JSON-ready floats; NaN where not defined)."""
        p = self.project
        cost = self.cost_usd_m
        borrowed = self.overrun_borrowed_total_usd_m
        dq = np.where(self._ds_years, self.dscr_quantiles((0.5,))[0], np.nan)
        m = self._ds_years
        ltd = self.lifetime_dscr
        return {
            "project": p.name,
            "sector": p.sector.value,
            "n_paths": self.n_paths,
            "quoted_cost_usd_m": p.quoted_cost_usd_m,
            "benchmark_cost_usd_m": p.benchmark_cost_usd_m,
            "markup_usd_m": p.markup_usd_m,
            "markup_pct": p.markup_pct,
            "cost_p50_usd_m": float(np.quantile(cost, 0.5)),
            "cost_p90_usd_m": float(np.quantile(cost, 0.9)),
            "cost_mean_usd_m": float(cost.mean()),
            "prob_overrun_pct": _pct(float((self.cost_ratio > 1.0).mean())),
            "overrun_borrowed_p50_usd_m": float(np.quantile(borrowed, 0.5)),
            "overrun_borrowed_p90_usd_m": float(np.quantile(borrowed, 0.9)),
            "overrun_borrowed_mean_usd_m": float(borrowed.mean()),
            "demand_ratio_p50": float(np.quantile(self.demand_ratio, 0.5)),
            "project_debt_service_total_usd_m": float(self.debt_service_usd_m.sum()),
            "debt_service_before_operation_usd_m": self.debt_service_before_operation_usd_m,
            "dscr_p50_min": float(np.nanmin(dq)) if m.any() else float("nan"),
            "dscr_p50_lifetime": float(np.quantile(ltd, 0.5)) if m.any() else float("nan"),
            "prob_self_service_pct": self.prob_self_service_pct,
            "prob_lifetime_cover_pct": self.prob_lifetime_cover_pct,
            "overrun_prior": {
                "mu": p.priors.overrun.mu,
                "sigma": p.priors.overrun.sigma,
                "source": p.priors.overrun.source,
            },
            "demand_prior": {
                "mu": p.priors.demand.mu,
                "sigma": p.priors.demand.sigma,
                "source": p.priors.demand.source,
            },
            **self.meta,
        }

    def to_frame(self) -> pd.DataFrame:
        """By calendar year: forecasts, debt service, DSCR quantiles, P(DSCR >= 1), overrun."""
        dq = self.dscr_quantiles((0.1, 0.5, 0.9))
        m = self.debt_service_usd_m > 0
        prob = np.full(self.years.size, np.nan)
        if m.any():
            prob[m] = _pct(1.0) * (self.dscr[:, m] >= 1.0).mean(axis=0)
        rev = self.net_revenue_usd_m + self.operating_cost_usd_m[None, :]
        return pd.DataFrame(
            {
                "forecast_revenue_usd_m": self.forecast_revenue_usd_m,
                "revenue_p50_usd_m": np.quantile(rev, 0.5, axis=0),
                "operating_cost_usd_m": self.operating_cost_usd_m,
                "debt_service_usd_m": self.debt_service_usd_m,
                "dscr_p10": dq[0],
                "dscr_p50": dq[1],
                "dscr_p90": dq[2],
                "prob_dscr_ge_1_pct": prob,
                "overrun_borrowed_mean_usd_m": float(self.overrun_borrowed_total_usd_m.mean())
                * self.project.spending_shares(self.years),
            },
            index=pd.Index(self.years, name="year"),
        )


def project_economics(
    project: Project,
    years: ArrayLike,
    debt_service_usd_m: ArrayLike,
    *,
    seed: int | np.random.Generator,
    n_paths: int = DEFAULT_PATHS,
) -> ProjectEconomics:
    """Simulate the project's cost and its cover of ``debt_service_usd_m``.

    ``years`` are consecutive calendar years and ``debt_service_usd_m`` the
    project's own debt service on them (same length). ``seed`` is an integer
    or a :class:`numpy.random.Generator` (randomness is always injected).
    """
    y = np.asarray(years)
    if y.ndim != 1 or y.size == 0 or not np.issubdtype(y.dtype, np.integer):
        raise InputError("must be a non-empty 1-D array of integer calendar years", field="years")
    y = y.astype(np.int64)
    if y.size > 1 and np.any(np.diff(y) != 1):
        raise InputError("must be consecutive calendar years", field="years")
    ds = np.asarray(debt_service_usd_m, dtype=np.float64)
    if ds.shape != y.shape:
        raise InputError(
            f"has shape {ds.shape} but years has {y.shape}", field="debt_service_usd_m"
        )
    if not np.all(np.isfinite(ds)) or np.any(ds < 0):
        raise InputError("must be finite and not negative", field="debt_service_usd_m")
    if isinstance(n_paths, bool) or not isinstance(n_paths, (int, np.integer)) or n_paths < 1:
        raise InputError("must be a positive integer", field="n_paths")
    if 1.0 - float(project.spending_shares(y).sum()) > 1e-9:
        raise InputError(
            f"the year axis {int(y[0])}-{int(y[-1])} does not span construction "
            f"{project.construction_years[0]}-{project.construction_years[-1]}",
            field="years",
        )
    rng = _rng(seed)

    priors = project.priors
    z = rng.standard_normal((int(n_paths), 2))
    cost_ratio = priors.overrun.ratios(z[:, 0])
    demand_ratio = priors.demand.ratios(z[:, 1])

    forecast = project.forecast_revenue_usd_m(y)
    opex = project.operating_cost_by_year_usd_m(y)
    net = demand_ratio[:, None] * forecast[None, :] - opex[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        dscr = np.where(ds[None, :] > 0, net / np.where(ds > 0, ds, 1.0)[None, :], np.nan)

    overrun_total = np.maximum(cost_ratio - 1.0, 0.0) * project.quoted_cost_usd_m
    on_budget = overrun_total * (project.overrun_on_budget_pct / 100.0)
    return ProjectEconomics(
        project=project,
        years=np.array(y, copy=True),
        forecast_revenue_usd_m=read_only_copy(forecast),
        operating_cost_usd_m=read_only_copy(opex),
        debt_service_usd_m=read_only_copy(ds),
        cost_ratio=read_only_copy(cost_ratio),
        demand_ratio=read_only_copy(demand_ratio),
        net_revenue_usd_m=read_only_copy(net),
        dscr=read_only_copy(dscr),
        overrun_borrowed_total_usd_m=read_only_copy(on_budget),
    )


def offer_project_economics(
    offer: Offer,
    *,
    seed: int | np.random.Generator,
    n_paths: int = DEFAULT_PATHS,
) -> ProjectEconomics:
    """Project economics of an offer: its project against its project-serviced loans.

    The year axis runs from the start of construction (or the first loan flow)
    to the later of the last operating year and the last debt-service year.
    """
    from debttrap.leverage.flows import offer_flows

    project = offer.project
    if project is None:
        raise InputError(f"offer '{offer.name}' has no project", field="project")
    flows = offer_flows(
        offer, project.construction_start_year, project.last_operating_year, widen=True
    )
    result = project_economics(
        project,
        flows.years,
        flows.debt_service(flows.serviced_by_project),
        seed=seed,
        n_paths=n_paths,
    )
    meta: dict[str, Any] = {"offer": offer.name}
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        meta["seed"] = int(seed)
    return replace(result, meta=meta)
