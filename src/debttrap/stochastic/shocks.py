"""Joint macro shocks calibrated on a country's history.

Six variables are shocked together (``SHOCK_VARIABLES``):

============================  =========================================================
``real_gdp_growth``           real GDP growth, percent (WEO ``NGDP_RPCH``; PWT ``rgdpna``)
``gdp_deflator_growth``       growth of the local-currency GDP deflator, percent (WEO ``NGDP_D``)
``depreciation``              change of LCU per USD, percent, + = local currency weaker
                              (WEO ``NGDP / NGDPD``; PWT ``xr``)
``export_growth``             growth of exports of goods and services in US dollars, percent:
                              WEO volume growth ``TX_RPCH`` times the US-dollar GDP deflator
                              (WEO has no dollar export values); PWT ``csh_x * cgdpo * pl_x``
``primary_balance``           general-government primary balance, percent of GDP (``GGXONLB_NGDP``)
``interest_rate``             effective nominal interest rate on government debt, percent:
                              interest ``GGXONLB - GGXCNL`` over gross debt ``GGXWDG`` of the
                              year before
============================  =========================================================

A *historical shock* is a year's value minus the mean over the calibration
window. Two ways to draw shocks for the projection years:

* ``normal`` / ``t``: a multivariate normal, or a multivariate Student-t with
  ``df`` degrees of freedom scaled to the same covariance, with the sample
  (n-1) covariance of the historical shocks and mean zero;
* ``bootstrap``: a circular block bootstrap (Politis and Romano 1992) of whole
  historical years: blocks of ``block_years`` consecutive years, starting at a
  uniformly drawn year and wrapping round the window, so every drawn shock
  vector is one historical year's and each year is equally likely. Its
  covariance is the population (1/n) covariance, ``(n-1)/n`` times the sample one.

Shocks come out as decimals (``0.01`` = one percentage point) in an array
``(paths, years, variables)``; the first ``first_shock_offset`` projection
years are not shocked (the LIC-DSF never shocks the first projection year).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from debttrap.errors import DataError, InputError

__all__ = [
    "SHOCK_VARIABLES",
    "Calibration",
    "ShockDistribution",
    "ShockModel",
    "calibrate",
    "calibrate_from_history",
    "combine_histories",
    "history_from_pwt",
    "history_from_weo",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

SHOCK_VARIABLES: tuple[str, ...] = (
    "real_gdp_growth",
    "gdp_deflator_growth",
    "depreciation",
    "export_growth",
    "primary_balance",
    "interest_rate",
)
K = len(SHOCK_VARIABLES)

#: last year of actual data in the WEO October 2024 vintage; later years are projections.
WEO_2024OCT_LAST_ACTUAL_YEAR = 2023
#: fewest complete historical years a calibration accepts.
MIN_YEARS = 8


class ShockDistribution(StrEnum):
    """How shocks are drawn."""

    NORMAL = "normal"
    T = "t"
    BOOTSTRAP = "bootstrap"


# ---------------------------------------------------------------- histories
def _pct_change(x: pd.Series) -> pd.Series:
    prev = x.shift(1)
    return (x / prev - 1.0) * 100.0


def history_from_weo(
    weo_long: pd.DataFrame,
    iso3: str,
    *,
    last_actual_year: int = WEO_2024OCT_LAST_ACTUAL_YEAR,
) -> pd.DataFrame:
    """The six shock variables of one country from the WEO long table, percent, by year.

    ``weo_long`` has columns ``entity_id`` (ISO3), ``series_id`` (WEO code),
    ``year`` and ``value`` (or ``iso3`` and ``series``, as
    :func:`debttrap.datasets.weo` gives them). Years after ``last_actual_year``
    (projections) are dropped. Missing series give NaN columns.
    """
    weo_long = weo_long.rename(columns={"iso3": "entity_id", "series": "series_id"})
    need = {"entity_id", "series_id", "year", "value"}
    missing = need - set(weo_long.columns)
    if missing:
        raise DataError(f"WEO table lacks columns {sorted(missing)}", dataset="imf-weo-2024oct")
    code = iso3.strip().upper()
    rows = weo_long[weo_long["entity_id"] == code]
    if rows.empty:
        raise InputError(
            f"country '{iso3}' is not in the WEO table (use an ISO3 code, e.g. ZMB)",
            field="country",
        )
    wide = rows.pivot_table(index="year", columns="series_id", values="value", aggfunc="first")
    wide.index = wide.index.astype(np.int64)
    wide = wide.sort_index()
    wide = wide.reindex(range(int(wide.index.min()), int(wide.index.max()) + 1))

    def col(name: str) -> pd.Series:
        if name in wide.columns:
            return wide[name].astype(np.float64)
        return pd.Series(np.nan, index=wide.index, dtype=np.float64)

    growth = col("NGDP_RPCH")
    deflator = _pct_change(col("NGDP_D"))
    fx = col("NGDP") / col("NGDPD")
    depreciation = _pct_change(fx)
    usd_deflator = (1.0 + deflator / 100.0) / (1.0 + depreciation / 100.0)
    export_growth = ((1.0 + col("TX_RPCH") / 100.0) * usd_deflator - 1.0) * 100.0
    primary = col("GGXONLB_NGDP")
    interest = col("GGXONLB") - col("GGXCNL")
    debt_prev = col("GGXWDG").shift(1)
    rate = (interest / debt_prev.where(debt_prev > 0)) * 100.0
    out = pd.DataFrame(
        {
            "real_gdp_growth": growth,
            "gdp_deflator_growth": deflator,
            "depreciation": depreciation,
            "export_growth": export_growth,
            "primary_balance": primary,
            "interest_rate": rate,
        },
        index=pd.Index(wide.index, name="year"),
    )
    return out.loc[out.index <= last_actual_year]


def history_from_pwt(pwt: pd.DataFrame, iso3: str) -> pd.DataFrame:
    """Real growth, depreciation and dollar export growth from the Penn World Table, percent.

    Exports in US dollars are ``csh_x * cgdpo * pl_x`` (share of output at
    current PPPs, times output at current PPPs, times the price level of
    exports). The other three variables are NaN: PWT has no fiscal series.
    The country column is ``isocode`` (or ``iso3``).
    """
    pwt = pwt.rename(columns={"iso3": "isocode"})
    need = {"isocode", "year", "rgdpna", "xr", "csh_x", "cgdpo", "pl_x"}
    missing = need - set(pwt.columns)
    if missing:
        raise DataError(f"PWT table lacks columns {sorted(missing)}", dataset="pwt-9.1")
    code = iso3.strip().upper()
    rows = pwt[pwt["isocode"] == code].set_index("year").sort_index()
    if rows.empty:
        raise InputError(f"country '{iso3}' is not in the Penn World Table", field="country")
    rows.index = rows.index.astype(np.int64)
    rows = rows.reindex(range(int(rows.index.min()), int(rows.index.max()) + 1))
    exports = rows["csh_x"] * rows["cgdpo"] * rows["pl_x"]
    nan = pd.Series(np.nan, index=rows.index, dtype=np.float64)
    out = pd.DataFrame(
        {
            "real_gdp_growth": _pct_change(rows["rgdpna"].astype(np.float64)),
            "gdp_deflator_growth": nan,
            "depreciation": _pct_change(rows["xr"].astype(np.float64)),
            "export_growth": _pct_change(exports.astype(np.float64)),
            "primary_balance": nan,
            "interest_rate": nan,
        },
        index=pd.Index(rows.index, name="year"),
    )
    return out


def combine_histories(primary: pd.DataFrame, fallback: pd.DataFrame) -> pd.DataFrame:
    """``primary`` where it has a value, ``fallback`` elsewhere (e.g. WEO, then PWT)."""
    years = primary.index.union(fallback.index)
    a = primary.reindex(index=years, columns=list(SHOCK_VARIABLES))
    b = fallback.reindex(index=years, columns=list(SHOCK_VARIABLES))
    out = a.combine_first(b)
    out.index.name = "year"
    return out


# ---------------------------------------------------------------- calibration
@dataclass(frozen=True, slots=True, eq=False)
class Calibration:
    """Moments of the historical shocks over a window (percent; covariance in percent²).

    ``years_used`` are the window's years with every variable present: the
    bootstrap draws from them, and with ``missing='complete'`` the moments are
    computed on them too. With ``missing='pairwise'`` each mean and variance uses
    every year where that variable exists, each covariance the years where both
    do (demeaned on those years, as ``pandas.DataFrame.cov``), and the matrix is
    projected onto the nearest positive semi-definite one (eigenvalues clipped
    at zero).
    """

    variables: tuple[str, ...]
    window: tuple[int, int]
    years_used: tuple[int, ...]
    mean_pct: FloatArray
    std_pct: FloatArray
    cov_pct2: FloatArray
    n_obs: IntArray
    deviations_pct: FloatArray
    missing: Literal["complete", "pairwise"] = "complete"
    source: str = ""
    first_year: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    last_year: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @property
    def cov_dec(self) -> FloatArray:
        """Covariance of the shocks in decimals² (what kernels use)."""
        return self.cov_pct2 / 1.0e4

    @property
    def correlation(self) -> FloatArray:
        sd = np.sqrt(np.diag(self.cov_pct2))
        with np.errstate(divide="ignore", invalid="ignore"):
            corr = self.cov_pct2 / np.outer(sd, sd)
        return np.where(np.isfinite(corr), corr, 0.0)

    def to_frame(self) -> pd.DataFrame:
        """One row per variable: mean, standard deviation, observations, first and last year."""
        return pd.DataFrame(
            {
                "mean_pct": self.mean_pct,
                "std_pct": self.std_pct,
                "n_obs": self.n_obs,
                "first_year": self.first_year,
                "last_year": self.last_year,
            },
            index=pd.Index(self.variables, name="variable"),
        )

    def correlation_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            self.correlation, index=list(self.variables), columns=list(self.variables)
        )

    def history_frame(self) -> pd.DataFrame:
        """The historical shocks (deviation from the window mean) of the years used, percent."""
        return pd.DataFrame(
            self.deviations_pct,
            index=pd.Index(self.years_used, name="year"),
            columns=list(self.variables),
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "variables": list(self.variables),
            "window": list(self.window),
            "years_used": list(self.years_used),
            "missing": self.missing,
            "source": self.source,
            "mean_pct": dict(zip(self.variables, self.mean_pct.tolist(), strict=True)),
            "std_pct": dict(zip(self.variables, self.std_pct.tolist(), strict=True)),
            "n_obs": dict(zip(self.variables, self.n_obs.tolist(), strict=True)),
            "correlation": {
                v: dict(zip(self.variables, row.tolist(), strict=True))
                for v, row in zip(self.variables, self.correlation, strict=True)
            },
        }


def _nearest_psd(cov: FloatArray) -> FloatArray:
    sym = (cov + cov.T) / 2.0
    w, v = np.linalg.eigh(sym)
    out: FloatArray = (v * np.clip(w, 0.0, None)) @ v.T
    return (out + out.T) / 2.0


def _pairwise_cov(values: FloatArray, finite: NDArray[np.bool_]) -> FloatArray:
    """Each covariance over the years both series have (0 where fewer than two)."""
    cov = np.empty((K, K))
    for i in range(K):  # 6 x 6 moments, not a loop over paths
        for j in range(i, K):
            both = finite[:, i] & finite[:, j]
            nb = int(both.sum())
            if nb > 1:
                xi = values[both, i] - values[both, i].mean()
                xj = values[both, j] - values[both, j].mean()
                cov[i, j] = cov[j, i] = float((xi * xj).sum() / (nb - 1))
            else:
                cov[i, j] = cov[j, i] = 0.0
    return cov


def calibrate(
    history: pd.DataFrame,
    window: tuple[int, int],
    *,
    missing: Literal["complete", "pairwise"] = "complete",
    source: str = "",
) -> Calibration:
    """Moments of the historical shocks of ``history`` (percent, by year) over ``window``.

    ``history`` needs the six columns of ``SHOCK_VARIABLES`` and an integer
    year index. The window is inclusive: ``(2000, 2023)``.
    """
    lo, hi = int(window[0]), int(window[1])
    if lo > hi:
        raise InputError(f"window {lo}:{hi} starts after it ends", field="window")
    absent = [v for v in SHOCK_VARIABLES if v not in history.columns]
    if absent:
        raise DataError(f"history lacks columns {absent}")
    if missing not in ("complete", "pairwise"):
        raise InputError(
            f"missing must be 'complete' or 'pairwise', not {missing!r}", field="missing"
        )
    idx = history.index.astype(np.int64)
    frame = history.loc[(idx >= lo) & (idx <= hi), list(SHOCK_VARIABLES)].astype(np.float64)
    if frame.empty or int(frame.index.max()) < hi:
        last = int(idx.max()) if len(idx) else None
        raise InputError(
            f"window {lo}:{hi} goes past the last year of actual data ({last}); end it earlier",
            field="window",
        )
    values = frame.to_numpy()
    finite = np.isfinite(values)
    complete = finite.all(axis=1)
    years_all = frame.index.to_numpy(dtype=np.int64)
    years_used = years_all[complete]
    n_complete = int(complete.sum())
    if n_complete < MIN_YEARS and missing == "complete":
        short = [
            v for v, n in zip(SHOCK_VARIABLES, finite.sum(axis=0), strict=True) if n < MIN_YEARS
        ]
        raise InputError(
            f"only {n_complete} years in {lo}:{hi} have all six variables (need {MIN_YEARS}); "
            f"widen the window or use missing='pairwise' (thin series: {', '.join(short) or '-'})",
            field="window",
        )
    n_obs = finite.sum(axis=0).astype(np.int64)
    first_year = np.array([years_all[f].min() if f.any() else 0 for f in finite.T], dtype=np.int64)
    last_year = np.array([years_all[f].max() if f.any() else 0 for f in finite.T], dtype=np.int64)
    if missing == "complete":
        sub = values[complete]
        mean = sub.mean(axis=0)
        cov = np.cov(sub, rowvar=False, ddof=1)
        n_obs = np.full(K, n_complete, dtype=np.int64)
        first_year = np.full(K, years_used.min(), dtype=np.int64)
        last_year = np.full(K, years_used.max(), dtype=np.int64)
    else:
        thin = [v for v, n in zip(SHOCK_VARIABLES, n_obs, strict=True) if n < MIN_YEARS]
        if thin:
            raise InputError(
                f"in {lo}:{hi} these series have fewer than {MIN_YEARS} years: {', '.join(thin)}",
                field="window",
            )
        mean = np.nanmean(values, axis=0)
        cov = _nearest_psd(_pairwise_cov(values, finite))
    deviations = values[complete] - mean
    return Calibration(
        variables=SHOCK_VARIABLES,
        window=(lo, hi),
        years_used=tuple(int(y) for y in years_used),
        mean_pct=mean,
        std_pct=np.sqrt(np.diag(cov)),
        cov_pct2=cov,
        n_obs=n_obs,
        deviations_pct=deviations,
        missing=missing,
        source=source,
        first_year=first_year,
        last_year=last_year,
    )


# ---------------------------------------------------------------- drawing
def _psd_factor(cov: FloatArray) -> FloatArray:
    """``L`` with ``L @ L.T == cov`` for any positive semi-definite ``cov`` (eigen factor)."""
    sym = (cov + cov.T) / 2.0
    w, v = np.linalg.eigh(sym)
    if w.min() < -1e-9 * max(1.0, float(np.abs(w).max())):
        raise InputError("the shock covariance is not positive semi-definite", field="covariance")
    out: FloatArray = v * np.sqrt(np.clip(w, 0.0, None))
    return out


@dataclass(frozen=True, slots=True, eq=False)
class ShockModel:
    """A way of drawing joint shocks: a calibration plus a method.

    ``scale`` multiplies every shock (0 gives the deterministic baseline);
    ``df`` is the Student-t degrees of freedom (> 2); ``block_years`` the
    bootstrap block length; ``first_shock_offset`` the number of leading
    projection years left unshocked.
    """

    calibration: Calibration
    method: ShockDistribution = ShockDistribution.NORMAL
    df: float = 5.0
    block_years: int = 3
    scale: float = 1.0
    first_shock_offset: int = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "method", ShockDistribution(self.method))
        if self.method is ShockDistribution.T and not self.df > 2.0:
            raise InputError(
                f"Student-t degrees of freedom must exceed 2 (got {self.df})", field="df"
            )
        if self.block_years < 1:
            raise InputError("block_years must be at least 1", field="block_years")
        if not (np.isfinite(self.scale) and self.scale >= 0.0):
            raise InputError("scale must be a finite number >= 0", field="scale")
        if self.first_shock_offset < 0:
            raise InputError("first_shock_offset must be >= 0", field="first_shock_offset")
        if self.method is ShockDistribution.BOOTSTRAP and len(self.calibration.years_used) < 1:
            raise InputError(
                "the bootstrap needs at least one complete historical year", field="window"
            )

    @property
    def n_variables(self) -> int:
        return len(self.calibration.variables)

    @property
    def cov_dec(self) -> FloatArray:
        """Covariance of the drawn shocks (decimals²) that the method targets."""
        c = self.calibration
        if self.method is ShockDistribution.BOOTSTRAP:
            dev = c.deviations_pct / 100.0
            pop: FloatArray = dev.T @ dev / dev.shape[0]
            return pop * self.scale**2
        return c.cov_dec * self.scale**2

    def bootstrap_years(self, rng: np.random.Generator, n_paths: int, n_years: int) -> IntArray:
        """Row indices into ``calibration.years_used`` for each path and shocked year."""
        n_hist = len(self.calibration.years_used)
        n_blocks = -(-n_years // self.block_years)
        starts = rng.integers(0, n_hist, size=(n_paths, n_blocks))
        offs = np.arange(self.block_years)
        idx = (starts[:, :, None] + offs[None, None, :]) % n_hist
        out: IntArray = idx.reshape(n_paths, n_blocks * self.block_years)[:, :n_years]
        return out.astype(np.int64)

    def draw(self, rng: np.random.Generator, n_paths: int, n_years: int) -> FloatArray:
        """Shocks ``(n_paths, n_years, variables)`` in decimals; leading years are zero."""
        if n_paths < 0 or n_years < 1:
            raise InputError("need n_paths >= 0 and n_years >= 1", field="n_paths")
        k = self.n_variables
        n_shock = n_years - self.first_shock_offset
        if n_shock <= 0 or n_paths == 0:
            return np.zeros((n_paths, n_years, k))
        # one output array, written in place: no zeroed copy, no scaled copy
        out = np.empty((n_paths, n_years, k))
        out[:, : self.first_shock_offset, :] = 0.0
        drawn = out[:, self.first_shock_offset :, :]
        if self.method is ShockDistribution.BOOTSTRAP:
            rows = self.bootstrap_years(rng, n_paths, n_shock)
            dev = self.calibration.deviations_pct / 100.0
            np.take(dev, rows, axis=0, out=drawn)
        else:
            factor = _psd_factor(self.calibration.cov_dec)
            z = rng.standard_normal((n_paths, n_shock, k))
            np.matmul(z, factor.T, out=drawn)
            if self.method is ShockDistribution.T:
                nu = self.df
                w = rng.chisquare(nu, size=(n_paths, n_shock, 1))
                drawn *= np.sqrt((nu - 2.0) / w)
        if self.scale != 1.0:  # x * 1.0 == x exactly
            drawn *= self.scale
        return out


def calibrate_from_history(
    iso3: str, t: int, *, years: int = 30
) -> tuple[Calibration, tuple[int, int]]:
    """Shock moments from a country's own bundled history, over up to ``years`` before ``t``.

    WEO October 2024 actuals (to 2023), with the Penn World Table 9.1 filling
    what the WEO lacks; the window ends at ``min(t - 1, last actual year, last
    growth observation)``. Falls back to pairwise moments when no year has every
    variable. Returns the calibration and the window used.
    """
    from debttrap import datasets as ds

    if years < 3:
        raise InputError("needs at least 3 years of history", field="years")
    hist = history_from_weo(ds.weo(iso3), iso3)
    try:
        hist = combine_histories(hist, history_from_pwt(ds.pwt(iso3), iso3))
    except (DataError, InputError):
        pass  # no PWT coverage: the WEO history alone
    growth = hist["real_gdp_growth"].dropna()
    if growth.empty:
        raise DataError(
            f"no real GDP growth history for {iso3}", dataset="imf-weo-2024oct", series="NGDP_RPCH"
        )
    hi = min(t - 1, WEO_2024OCT_LAST_ACTUAL_YEAR, int(growth.index.max()))
    lo = max(int(hist.index.min()), hi - years + 1)
    src = "imf-weo-2024oct (+ pwt-9.1 where WEO is missing)"
    try:
        cal = calibrate(hist, (lo, hi), source=src)
    except InputError:
        cal = calibrate(hist, (lo, hi), missing="pairwise", source=src)
    return cal, (lo, hi)
