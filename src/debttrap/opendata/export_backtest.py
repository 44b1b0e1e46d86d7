"""How wrong the estimated trade of a built country is: a back-test against published values.

Where the WDI publishes no exports of goods and services, the builder estimates them
(:mod:`.trade`): OD3b from the current-account identity (imports + current account -
remittances, floored at the same year's published merchandise exports, or where none
are published at the Penn World Table merchandise export share), on the WDI's imports
or, where the WDI has none, on the PWT's import share; OD3c from published
merchandise exports over their share of exports in an earlier year. This module asks
what those rules give for countries and years where the WDI **does** publish the value,
as if it did not, and compares the estimate with the published value.

Every estimate comes from the builder's own functions (the same WEO panel and GDP,
the same import, remittance and current-account paths, the same floor and formula
:func:`~debttrap.opendata.trade.exports_from_current_account`), built for the first
projection year ``last_year + 1``; a year counts only where every input of the rule
and the value it is compared with are published for that year (nothing interpolated
or projected). Results are ratios estimate / published.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import pandas as pd

from debttrap import datasets as ds
from debttrap.errors import DataError, InputError
from debttrap.opendata._series import FloatArray, column, wdi_panel
from debttrap.opendata.build import dsa_countries
from debttrap.opendata.gdp import HISTORY_YEARS, current_account_path
from debttrap.opendata.macro import framework
from debttrap.opendata.provenance import PWT, Provenance
from debttrap.opendata.trade import (
    export_floor,
    exports_from_current_account,
    imports_by_volume,
    merchandise_exports,
    merchandise_share,
    pwt_export_floor,
    pwt_imports_pct,
    remittances_path,
)

__all__ = [
    "DEFAULT_FIRST_YEAR",
    "DEFAULT_LAST_YEAR",
    "DEFAULT_OD3C_LAGS",
    "ESTIMATORS",
    "VARIANTS",
    "BacktestRow",
    "EstimatorSummary",
    "ExportBacktest",
    "backtest_country",
    "backtest_exports",
    "builder_estimator",
    "describe",
]

DEFAULT_FIRST_YEAR = 2015
DEFAULT_LAST_YEAR = 2023
#: OD3c takes the merchandise share from an earlier year: the back-test takes it this
#: many years before the year estimated (the builder's Guyana and Papua New Guinea use
#: shares of 2005 and 2004).
DEFAULT_OD3C_LAGS = (1, 5, 10)

#: What each estimator is, in words (``od3c_<lag>`` for every lag).
ESTIMATORS: Mapping[str, str] = MappingProxyType(
    {
        "od3b": "OD3b exports, imports from the WDI",
        "od3b_pwt": "OD3b exports, imports from the PWT share (to 2017), then WEO volumes",
        "pwt_imports": "imports from the PWT share (to 2017), then WEO volumes",
        "od3c": "OD3c exports: merchandise exports / their share of exports {lag} before",
    }
)


#: OD3b's estimate with other floors than the rule's, for comparison (the rule: ``"rule"``).
VARIANTS: Mapping[str, str] = MappingProxyType(
    {
        "rule": "the rule: floored at the same year's published merchandise exports",
        "pwt_floor": "floored at the PWT merchandise export share of 2017 instead (the rule "
        "before the amendment)",
        "no_floor": "without a floor (the identity alone, 1% of GDP kept)",
    }
)


@dataclass(frozen=True, slots=True)
class BacktestRow:
    """One estimate against the published value (US$ m)."""

    iso3: str
    year: int
    estimator: str
    estimate_usd_m: float
    published_usd_m: float
    #: OD3b: the rule's floor (merchandise exports, else the PWT share; or 1% of GDP),
    #: not the identity, gave the estimate
    floored: bool = False
    #: OD3b: the identity alone (the 1%-of-GDP floor kept); NaN otherwise
    without_floor_usd_m: float = float("nan")
    #: OD3b: the identity floored at the PWT merchandise export share of 2017 and 1% of
    #: GDP (the rule before the amendment; the identity where the PWT has no share); NaN
    #: otherwise
    pwt_floor_usd_m: float = float("nan")

    @property
    def ratio(self) -> float:
        """Estimate / published."""
        return self.estimate_usd_m / self.published_usd_m


@dataclass(frozen=True, slots=True)
class EstimatorSummary:
    """The distribution of estimate / published for one estimator.

    The quantiles and shares are over country-years; ``worst`` names the countries whose
    median ratio over the years is farthest from 1 (in log terms), with that ratio.
    """

    estimator: str
    observations: int
    countries: int
    median_ratio: float
    q25_ratio: float
    q75_ratio: float
    within_10_pct_share: float
    within_25_pct_share: float
    floored_share: float
    worst: tuple[tuple[str, float], ...]


@dataclass(frozen=True, slots=True)
class ExportBacktest:
    """The back-test of every estimator over ``first_year … last_year``."""

    first_year: int
    last_year: int
    rows: tuple[BacktestRow, ...]
    #: countries the builder cannot build (the reason), so not tested
    skipped: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def to_frame(self) -> pd.DataFrame:
        """One row per estimate: index ``year``; ``iso3``, ``estimator``, the two values in
        US$ m, ``ratio``, ``floored``, ``without_floor_usd_m`` and ``pwt_floor_usd_m``."""
        frame = pd.DataFrame(
            {
                "year": [r.year for r in self.rows],
                "iso3": [r.iso3 for r in self.rows],
                "estimator": [r.estimator for r in self.rows],
                "estimate_usd_m": [r.estimate_usd_m for r in self.rows],
                "published_usd_m": [r.published_usd_m for r in self.rows],
                "ratio": [r.ratio for r in self.rows],
                "floored": [r.floored for r in self.rows],
                "without_floor_usd_m": [r.without_floor_usd_m for r in self.rows],
                "pwt_floor_usd_m": [r.pwt_floor_usd_m for r in self.rows],
            }
        )
        return frame.set_index("year")

    def estimators(self) -> tuple[str, ...]:
        """The estimators with at least one row: OD3b, OD3b on PWT imports, the PWT
        imports, then OD3c by the age of its share."""
        names = set(r.estimator for r in self.rows)

        def key(name: str) -> tuple[int, int]:
            if name.startswith("od3c_"):
                return len(ESTIMATORS), int(name.removeprefix("od3c_"))
            return list(ESTIMATORS).index(name), 0

        return tuple(sorted(names, key=key))

    def per_country(self, estimator: str) -> pd.Series:
        """The median ratio over the years, by country (ISO3, sorted)."""
        frame = self.to_frame()
        frame = frame[frame["estimator"] == estimator]
        return frame.groupby("iso3")["ratio"].median().sort_index()

    def summary(self, estimator: str, *, worst: int = 3, variant: str = "rule") -> EstimatorSummary:
        """The distribution of one estimator's ratios (:class:`EstimatorSummary`).

        ``variant`` (:data:`VARIANTS`; OD3b only, the other estimators have no row for
        any but ``"rule"``): ``"pwt_floor"`` the identity floored at the PWT share of 2017
        (the rule before the amendment), ``"no_floor"`` the identity alone.
        """
        if variant not in VARIANTS:
            raise InputError(
                f"unknown variant {variant!r}: one of {', '.join(VARIANTS)}", field="variant"
            )
        frame = self.to_frame()
        frame = frame[frame["estimator"] == estimator]
        if variant != "rule":
            bare = frame["without_floor_usd_m"]
            value = frame["pwt_floor_usd_m"] if variant == "pwt_floor" else bare
            frame = frame.assign(
                ratio=value / frame["published_usd_m"], floored=value > bare
            ).dropna(subset=["ratio"])
        if frame.empty:
            raise DataError(
                f"the back-test has no estimate for {estimator!r} in "
                f"{self.first_year}-{self.last_year}: no country publishes its inputs",
                dataset="wb-wdi-external",
                series="exports_gs_pct_gdp",
            )
        ratio = frame["ratio"].to_numpy(dtype=np.float64)
        err = np.abs(ratio - 1.0)
        by_country = frame.groupby("iso3")["ratio"].median().sort_index()
        far = np.abs(np.log(by_country.clip(lower=1e-9)))
        order = far.sort_values(ascending=False, kind="stable").index[:worst]
        return EstimatorSummary(
            estimator=estimator,
            observations=int(ratio.size),
            countries=int(by_country.size),
            median_ratio=float(np.median(ratio)),
            q25_ratio=float(np.quantile(ratio, 0.25)),
            q75_ratio=float(np.quantile(ratio, 0.75)),
            within_10_pct_share=float(np.mean(err <= 0.10)),
            within_25_pct_share=float(np.mean(err <= 0.25)),
            floored_share=float(frame["floored"].mean()),
            worst=tuple((str(c), float(by_country[c])) for c in order),
        )


def _check_window(first_year: int, last_year: int) -> None:
    """The builder's history for ``t = last_year + 1`` starts at ``t - 12``."""
    lo = last_year + 1 - HISTORY_YEARS - 2
    if not lo <= first_year <= last_year:
        raise InputError(
            f"back-test window {first_year}-{last_year}: the first year must be between "
            f"{lo} and the last year",
            field="first_year",
        )


def _published(values: FloatArray) -> np.ndarray:
    return np.isfinite(values)


def backtest_country(
    code: str,
    first_year: int = DEFAULT_FIRST_YEAR,
    last_year: int = DEFAULT_LAST_YEAR,
    *,
    od3c_lags: Sequence[int] = DEFAULT_OD3C_LAGS,
) -> tuple[BacktestRow, ...]:
    """Every estimate of ``code`` in ``first_year … last_year`` with its published value.

    The builder's framework is built for ``t = last_year + 1`` (its history starts at
    ``t - 12``); raises :class:`DataError` where the builder cannot build it or the window
    starts earlier than that history.
    """
    _check_window(first_year, last_year)
    t = last_year + 1
    w, g, _ = framework(code, t, t, Provenance(), ex_ante=False)
    years = g.years
    window = (years >= first_year) & (years <= last_year)
    raw = ds.weo_panel(code, ["NGDPD", "BCA_NGDPD"])
    wp = wdi_panel(code)
    try:
        wx = ds.wdi_external(
            code, ["exports_gs_pct_gdp", "merch_exports_usd_m", "gdp_usd_m"]
        ).pivot_table(index="year", columns="series", values="value")
    except DataError:
        wx = pd.DataFrame()
    x_pct = column(wx, "exports_gs_pct_gdp", years)
    exports_pub = x_pct / 100.0 * g.gdp_usd  # what OD3 uses where it is published
    base_ok = window & _published(x_pct) & _published(column(raw, "NGDPD", years))
    ca = current_account_path(w, g)
    rem = remittances_path(t, wp, g, Provenance())
    od3b_ok = (
        base_ok
        & _published(column(raw, "BCA_NGDPD", years))
        & _published(column(wp, "remittances_usd_m", years))
    )
    floor = export_floor(code, t, w, g)  # the builder's, for t: published to t-1
    floor_usd_m = None if floor is None else floor.values_usd_m
    if floor is not None and floor.kind == "merchandise":  # an input of the rule
        od3b_ok &= _published(column(wx, "merch_exports_usd_m", years))
    pwt = pwt_export_floor(code)
    pwt_usd_m = None if pwt is None else pwt[0] * g.gdp_usd
    rows: list[BacktestRow] = []

    def add(
        name: str,
        estimate: FloatArray,
        published: FloatArray,
        ok: np.ndarray,
        floored: np.ndarray | None = None,
        without_floor: FloatArray | None = None,
        pwt_floor: FloatArray | None = None,
    ) -> None:
        nan = float("nan")
        for i in np.flatnonzero(ok & (published > 0.0)):
            rows.append(
                BacktestRow(
                    iso3=code,
                    year=int(years[i]),
                    estimator=name,
                    estimate_usd_m=float(estimate[i]),
                    published_usd_m=float(published[i]),
                    floored=bool(floored[i]) if floored is not None else False,
                    without_floor_usd_m=nan if without_floor is None else float(without_floor[i]),
                    pwt_floor_usd_m=nan if pwt_floor is None else float(pwt_floor[i]),
                )
            )

    imp_pct = column(wp, "imports_gs_pct_gdp", years)
    imp_pct[years > t - 1] = np.nan
    imp_ok = _published(imp_pct)
    imports_wdi: FloatArray | None = None
    if imp_ok.any():
        imports_wdi, _ = imports_by_volume(imp_pct, w, g)
        est, bare, old = (
            exports_from_current_account(imports_wdi, ca, rem, g.gdp_usd, f)
            for f in (floor_usd_m, None, pwt_usd_m)
        )
        add("od3b", est, exports_pub, od3b_ok & imp_ok, est > imports_wdi + ca - rem, bare, old)
    pwt_pct = pwt_imports_pct(code).reindex(years).to_numpy(dtype=np.float64)
    if np.isfinite(pwt_pct).any():
        imports_pwt, _ = imports_by_volume(pwt_pct, w, g)
        est, bare, old = (
            exports_from_current_account(imports_pwt, ca, rem, g.gdp_usd, f)
            for f in (floor_usd_m, None, pwt_usd_m)
        )
        add("od3b_pwt", est, exports_pub, od3b_ok, est > imports_pwt + ca - rem, bare, old)
        if imports_wdi is not None:
            ok = window & imp_ok & _published(column(raw, "NGDPD", years))
            add("pwt_imports", imports_pwt, imports_wdi, ok)
    merch = column(wx, "merch_exports_usd_m", years)
    merch_ok = base_ok & _published(merch)
    for lag in od3c_lags:
        est = np.full(years.size, np.nan)
        for i in np.flatnonzero(merch_ok):
            known = merchandise_share(wx, int(years[i]) - lag)
            if known is None:
                continue
            upto = merch.copy()
            upto[years > years[i]] = np.nan  # the builder for t = this year + 1
            est[i] = merchandise_exports(upto, known[0], w, g)[i]
        add(f"od3c_{lag}", est, exports_pub, merch_ok & np.isfinite(est))
    return tuple(rows)


def backtest_exports(
    first_year: int = DEFAULT_FIRST_YEAR,
    last_year: int = DEFAULT_LAST_YEAR,
    *,
    countries: Sequence[str] | None = None,
    od3c_lags: Sequence[int] = DEFAULT_OD3C_LAGS,
    progress: Callable[[str], None] | None = None,
) -> ExportBacktest:
    """:func:`backtest_country` for ``countries`` (default: the builder's LIC-DSF
    countries, :func:`~debttrap.opendata.build.dsa_countries`); a country the builder
    cannot build is listed in ``skipped`` with the reason.

    ``progress`` is called with a short text before each country (for a terminal)."""
    _check_window(first_year, last_year)
    codes = list(dsa_countries()) if countries is None else list(countries)
    rows: list[BacktestRow] = []
    skipped: dict[str, str] = {}
    for n, code in enumerate(codes, 1):
        if progress is not None:
            progress(f"{n}/{len(codes)} {code}")
        try:
            rows.extend(backtest_country(code, first_year, last_year, od3c_lags=od3c_lags))
        except DataError as err:
            skipped[code] = str(err)
    return ExportBacktest(first_year, last_year, tuple(rows), MappingProxyType(skipped))


def describe(estimator: str) -> str:
    """The estimator's description in words (``od3c_5`` -> its lag spelled in)."""
    if estimator.startswith("od3c_"):
        lag = int(estimator.removeprefix("od3c_"))
        return ESTIMATORS["od3c"].format(lag=f"{lag} year" + ("s" if lag != 1 else ""))
    return ESTIMATORS[estimator]


def builder_estimator(sources: Mapping[str, str]) -> str | None:
    """Which estimator of this back-test a built country's exports come from, by its
    ``sources`` (:attr:`~debttrap.opendata.provenance.BuiltCountry.sources`): ``"od3b"``
    (on the WDI's imports), ``"od3b_pwt"`` (on the PWT's import share), ``"od3c"``, or
    ``None`` where the exports are published."""
    exports = sources.get("macro.exports_usd_m", "")
    if not exports.startswith("ESTIMATED"):
        return None
    if "OD3c" in exports:
        return "od3c"
    return "od3b_pwt" if sources.get("macro.imports_usd_m", "").startswith(PWT) else "od3b"
