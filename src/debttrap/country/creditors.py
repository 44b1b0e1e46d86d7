"""Who a country owes: PPG external debt and debt service by creditor group, year by year.

Groups (mutually exclusive; they add up to the World Bank's PPG total):

==================  ====================================================================
``china``           every PPG claim of IDS creditor "China" (official bilateral, Chinese
                    banks, other Chinese private); Hong Kong and Macao are not included
``multilateral``    multilateral creditors (IDA, IBRD, AfDB, ADB, …); IMF credit is not
                    in the IDS creditor table: the country builder adds it as its own
                    multilateral line and the view reports it in ``outside_ids_usd_m``
``paris_club``      bilateral claims of the 22 permanent Paris Club members
``other_bilateral`` all other official bilateral claims (non-Paris-Club, non-China)
``bondholders``     bonds
``commercial_banks`` commercial banks and other financial institutions, China excluded
``other_private``   other private creditors (suppliers etc.), China excluded
==================  ====================================================================

Stocks come from the World Bank's International Debt Statistics (end of year,
2000-2022); debt service from the DSSI tables (service due 2019-2024 as
scheduled at end-2018, 72 countries). DSSI does not split non-official
creditors into banks and other private ones: the non-Chinese part is split in
the proportions of the IDS stocks of end-2018 (stated in ``sources``).
Projected service of existing debt (from the country builder) can be attached
with :meth:`CreditorView.with_projected_service`.

The view is the input the leverage analysis needs: ``stock_table()`` and
``service_table()`` are year × creditor tables in US$ m.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from debttrap import datasets as ds
from debttrap._numeric import read_only_copy
from debttrap.conventions import CREDITOR_GROUPS
from debttrap.errors import DataError, InputError

__all__ = [
    "CREDITOR_GROUPS",
    "CreditorView",
    "creditor_view",
    "dssi_groups",
    "dssi_service_by_group",
    "ids_stocks_by_group",
]

FloatArray = NDArray[np.float64]


_IDS = "wb-ids-ppg-debt-stocks-by-creditor"
_DSSI = "wb-dssi-debt-service-by-creditor-2020"


def ids_stocks_by_group(stocks: pd.DataFrame) -> pd.DataFrame:
    """Group an :func:`debttrap.datasets.ids_debt_stocks` frame: ``(iso3, year) × groups``.

    Pure function of its input (one country or many). The groups add up to the
    "World" ``total`` exactly: each residual group is the World figure minus
    the named parts.
    """
    need = {"iso3", "creditor_id", "paris_club", "is_china", "series", "year", "value_usd_m"}
    missing = need - set(stocks.columns)
    if missing:
        raise DataError(f"IDS stock table lacks columns {sorted(missing)}", dataset=_IDS)
    idx_cols = ["iso3", "year"]
    world = stocks[stocks["creditor_id"] == "WLD"].pivot_table(
        index=idx_cols, columns="series", values="value_usd_m", aggfunc="sum"
    )
    if world.empty:
        raise DataError("no all-creditor ('World') rows", dataset=_IDS, series="total")
    world = world.reindex(
        columns=["total", "bilateral", "multilateral", "bonds", "commercial_banks", "other_private"]
    ).fillna(0.0)
    china = (
        stocks[stocks["is_china"].astype(bool)]
        .pivot_table(index=idx_cols, columns="series", values="value_usd_m", aggfunc="sum")
        .reindex(index=world.index, columns=["bilateral", "commercial_banks", "other_private"])
        .fillna(0.0)
    )
    pc = (
        stocks[stocks["paris_club"].astype(bool) & (stocks["series"] == "bilateral")]
        .groupby(idx_cols)["value_usd_m"]
        .sum()
        .reindex(world.index)
        .fillna(0.0)
    )
    out = pd.DataFrame(index=world.index)
    out["china"] = china.sum(axis=1)
    out["multilateral"] = world["multilateral"]
    out["paris_club"] = pc
    out["other_bilateral"] = world["bilateral"] - china["bilateral"] - pc
    out["bondholders"] = world["bonds"]
    out["commercial_banks"] = world["commercial_banks"] - china["commercial_banks"]
    out["other_private"] = world["other_private"] - china["other_private"]
    # Totals are authoritative: absorb rounding differences in the residual groups.
    gap = world["total"] - out.sum(axis=1)
    out["other_bilateral"] += gap.where(out["other_bilateral"] + gap >= 0, 0.0)
    return out[list(CREDITOR_GROUPS)]


def dssi_service_by_group(
    dssi: pd.DataFrame, bank_share_of_private: float | Mapping[str, float] = 0.5
) -> pd.DataFrame:
    """Group a :func:`debttrap.datasets.dssi` frame: ``(iso3, measure, year) × groups``.

    The IMF is left out (not PPG in the IDS). Non-official non-Chinese lenders
    are split into ``commercial_banks`` and ``other_private`` with
    ``bank_share_of_private`` (one number, or one per ISO3).
    """
    members = set(ds.paris_club_members()["dssi_lender_name"])
    d = dssi[~dssi["is_total"].astype(bool)]
    d = d[d["lender"] != "International Monetary Fund"]
    lt, lender = d["lender_type"], d["lender"]
    group = np.select(
        [
            lender == "China",
            lt == "Official multilateral",
            (lt == "Official bilateral") & lender.isin(members),
            lt == "Official bilateral",
            lt == "Bondholders",
            lt == "Non-official",
        ],
        ["china", "multilateral", "paris_club", "other_bilateral", "bondholders", "private"],
        default="unknown",
    )
    if (group == "unknown").any():
        bad = sorted(set(lt[group == "unknown"]))
        raise DataError(f"unknown lender type(s) {bad}", dataset=_DSSI, series="lender_type")
    g = d.assign(group=group).pivot_table(
        index=["iso3", "measure", "year"], columns="group", values="value_usd_m", aggfunc="sum"
    )
    g = g.reindex(columns=[*CREDITOR_GROUPS[:5], "private"]).fillna(0.0)
    iso = g.index.get_level_values("iso3")
    if isinstance(bank_share_of_private, Mapping):
        share = np.array([bank_share_of_private.get(str(c), 0.5) for c in iso], dtype=np.float64)
    else:
        share = np.full(len(g), float(bank_share_of_private))
    g["commercial_banks"] = g["private"] * share
    g["other_private"] = g["private"] * (1.0 - share)
    return g[list(CREDITOR_GROUPS)]


@dataclass(frozen=True, slots=True, eq=False)
class CreditorView:
    """One country's PPG external debt and debt service by creditor group (US$ m).

    ``stock_usd_m[i, j]``: end of ``years[i]``, group ``CREDITOR_GROUPS[j]``
    (NaN where the year has no stock data); ``service_usd_m`` likewise for
    principal + interest due in the year (NaN where unknown). ``sources``
    names the dataset behind each block and every assumption.
    """

    iso3: str
    years: NDArray[np.int64]
    stock_usd_m: FloatArray
    service_usd_m: FloatArray
    service_kind: tuple[str, ...]
    sources: Mapping[str, str] = field(default_factory=dict)
    outside_ids_usd_m: Mapping[str, tuple[int, float]] = field(default_factory=dict)
    """Public external debt outside the IDS creditor table (label → (year, US$ m)): IMF
    credit, and short-term debt reported beside it; not in the group tables."""

    def __post_init__(self) -> None:
        n, k = self.years.size, len(CREDITOR_GROUPS)
        if self.stock_usd_m.shape != (n, k) or self.service_usd_m.shape != (n, k):
            raise InputError(
                "stock and service tables must be years x creditor groups", field="creditor_view"
            )
        if len(self.service_kind) != n:
            raise InputError("service_kind needs one entry per year", field="service_kind")
        years = np.array(self.years, dtype=np.int64, copy=True)
        years.setflags(write=False)
        object.__setattr__(self, "years", years)
        object.__setattr__(self, "stock_usd_m", read_only_copy(self.stock_usd_m))
        object.__setattr__(self, "service_usd_m", read_only_copy(self.service_usd_m))
        object.__setattr__(self, "sources", MappingProxyType(dict(self.sources)))
        object.__setattr__(
            self, "outside_ids_usd_m", MappingProxyType(dict(self.outside_ids_usd_m))
        )

    # ------------------------------------------------------------------ tables
    def _frame(self, values: FloatArray) -> pd.DataFrame:
        return pd.DataFrame(
            values, index=pd.Index(self.years, name="year"), columns=list(CREDITOR_GROUPS)
        )

    def stock_table(self) -> pd.DataFrame:
        """Year × group PPG external debt outstanding, end of year (years with data only)."""
        f = self._frame(self.stock_usd_m)
        return f.iloc[np.flatnonzero(~np.isnan(self.stock_usd_m).all(axis=1))]

    def service_table(self) -> pd.DataFrame:
        """Year × group debt service (years with data only)."""
        f = self._frame(self.service_usd_m)
        return f.iloc[np.flatnonzero(~np.isnan(self.service_usd_m).all(axis=1))]

    @property
    def total_stock_usd_m(self) -> FloatArray:
        return read_only_copy(self.stock_usd_m.sum(axis=1))

    @property
    def total_service_usd_m(self) -> FloatArray:
        return read_only_copy(self.service_usd_m.sum(axis=1))

    @staticmethod
    def _shares(values: FloatArray) -> FloatArray:
        total = values.sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(total > 0, values / total * 100.0, np.nan)

    @property
    def stock_share_pct(self) -> FloatArray:
        """Each group's share of the PPG external stock, percent (rows sum to 100)."""
        return read_only_copy(self._shares(self.stock_usd_m))

    @property
    def service_share_pct(self) -> FloatArray:
        """Each group's share of PPG external debt service, percent."""
        return read_only_copy(self._shares(self.service_usd_m))

    def to_frame(self) -> pd.DataFrame:
        """Wide table by ``year``: ``<group>_stock_usd_m``, ``<group>_stock_share_pct``,
        ``<group>_service_usd_m``, ``<group>_service_share_pct``, totals, ``service_kind``."""
        out: dict[str, object] = {}
        for j, g in enumerate(CREDITOR_GROUPS):
            out[f"{g}_stock_usd_m"] = self.stock_usd_m[:, j]
        out["total_stock_usd_m"] = self.stock_usd_m.sum(axis=1)
        shares = self.stock_share_pct
        for j, g in enumerate(CREDITOR_GROUPS):
            out[f"{g}_stock_share_pct"] = shares[:, j]
        for j, g in enumerate(CREDITOR_GROUPS):
            out[f"{g}_service_usd_m"] = self.service_usd_m[:, j]
        out["total_service_usd_m"] = self.service_usd_m.sum(axis=1)
        sshares = self.service_share_pct
        for j, g in enumerate(CREDITOR_GROUPS):
            out[f"{g}_service_share_pct"] = sshares[:, j]
        out["service_kind"] = list(self.service_kind)
        return pd.DataFrame(out, index=pd.Index(self.years, name="year"))

    def summary(self, year: int | None = None) -> dict[str, Any]:
        """Shares in one year (default: the latest year with a stock), for JSON output."""
        rows = np.flatnonzero(~np.isnan(self.stock_usd_m).all(axis=1))
        if rows.size == 0:
            raise DataError(f"no stock data for {self.iso3}", dataset=_IDS, series="total")
        i = int(rows[-1]) if year is None else int(np.flatnonzero(self.years == year)[0])
        return {
            "iso3": self.iso3,
            "year": int(self.years[i]),
            "total_stock_usd_m": float(self.stock_usd_m[i].sum()),
            "stock_usd_m": dict(zip(CREDITOR_GROUPS, map(float, self.stock_usd_m[i]), strict=True)),
            "stock_share_pct": dict(
                zip(CREDITOR_GROUPS, map(float, self.stock_share_pct[i]), strict=True)
            ),
            "sources": dict(self.sources),
            "outside_ids_usd_m": dict(self.outside_ids_usd_m),
        }

    def with_outside_ids(
        self, stocks: Mapping[str, tuple[int, float]], sources: Mapping[str, str]
    ) -> CreditorView:
        """A new view that also reports debt outside the IDS creditor table (US$ m)."""
        return CreditorView(
            iso3=self.iso3,
            years=self.years,
            stock_usd_m=self.stock_usd_m,
            service_usd_m=self.service_usd_m,
            service_kind=self.service_kind,
            sources={**self.sources, **sources},
            outside_ids_usd_m={**self.outside_ids_usd_m, **stocks},
        )

    def with_projected_service(
        self, service_usd_m: pd.DataFrame, *, kind: str = "projected", source: str = ""
    ) -> CreditorView:
        """A new view with ``service_usd_m`` (year × group) filled in for its years.

        Years already holding service data keep it; new years are appended.
        """
        unknown = [c for c in service_usd_m.columns if c not in CREDITOR_GROUPS]
        if unknown:
            raise InputError(
                f"'{unknown[0]}' is not a creditor group ({', '.join(CREDITOR_GROUPS)})",
                field="service_usd_m",
            )
        add = service_usd_m.reindex(columns=list(CREDITOR_GROUPS)).fillna(0.0)
        years = np.union1d(self.years, add.index.to_numpy(dtype=np.int64))
        stock = self._frame(self.stock_usd_m).reindex(years).to_numpy()
        svc = self._frame(self.service_usd_m).reindex(years)
        kinds = dict(zip(self.years.tolist(), self.service_kind, strict=True))
        for y in add.index:
            if svc.loc[y].isna().all():
                svc.loc[y] = add.loc[y].to_numpy()
                kinds[int(y)] = kind
        sources = dict(self.sources)
        if source:
            sources[f"service_{kind}"] = source
        return CreditorView(
            iso3=self.iso3,
            years=years,
            stock_usd_m=stock,
            service_usd_m=svc.to_numpy(),
            service_kind=tuple(kinds.get(int(y), "") for y in years),
            sources=sources,
            outside_ids_usd_m=self.outside_ids_usd_m,
        )


@functools.cache
def _all_ids_groups() -> dict[str, pd.DataFrame]:
    """IDS stocks by group for every country (computed once per process)."""
    grouped = ids_stocks_by_group(ds.ids_debt_stocks())
    return {str(k): g.droplevel("iso3") for k, g in grouped.groupby(level="iso3")}


@functools.cache
def _bank_shares_2018() -> dict[str, float]:
    """Banks' share of non-Chinese private PPG stock at end-2018, by country (IDS)."""
    g = _all_ids_groups()
    out: dict[str, float] = {}
    for code, frame in g.items():
        if 2018 not in frame.index:
            continue
        row = frame.loc[2018].to_dict()
        banks = float(row["commercial_banks"])
        other = float(row["other_private"])
        out[code] = banks / (banks + other) if banks + other > 0 else 0.5
    return out


@functools.cache
def _all_dssi_groups() -> dict[str, pd.DataFrame]:
    """DSSI stocks and service by group for every DSSI country (computed once per process)."""
    grouped = dssi_service_by_group(ds.dssi(), _bank_shares_2018())
    return {str(k): g.droplevel("iso3") for k, g in grouped.groupby(level="iso3")}


def dssi_groups(iso3: str) -> pd.DataFrame | None:
    """One DSSI country's ``(measure, year) × group`` table (``None`` if not covered)."""
    g = _all_dssi_groups().get(str(iso3).strip().upper())
    return None if g is None else g.copy()


def creditor_view(iso3: str) -> CreditorView:
    """The creditor view of ``iso3`` from the bundled IDS stocks and (where covered) DSSI.

    Raises :class:`DataError` if the IDS has no PPG stocks for the country.
    """
    code = str(iso3).strip().upper()
    groups = _all_ids_groups()
    if code not in groups:
        raise DataError(
            f"no PPG external debt stocks by creditor for {code} (the World Bank's IDS do "
            "not report this country)",
            dataset=_IDS,
            series="DT.DOD.DPPG.CD",
            file="stocks.parquet",
        )
    grouped = groups[code]
    sources = {
        "stocks": "World Bank IDS (2023 edition), DT.DOD.* by creditor, end of year, "
        "groups per debttrap.country.creditors",
        "imf": "IMF credit is not in the IDS creditor table (the builder adds it, see "
        "outside_ids_usd_m)",
    }
    service = pd.DataFrame(columns=list(CREDITOR_GROUPS), dtype=np.float64)
    dssi = dssi_groups(code)
    if dssi is not None:
        share = _bank_shares_2018().get(code, 0.5)
        service = pd.DataFrame(dssi.xs("service_due", level="measure"))
        sources["service_dssi"] = (
            "World Bank DSSI tables (June 2020): service due 2019-2024 as scheduled at end-2018; "
            f"non-official non-Chinese service split {share:.0%} banks / {1 - share:.0%} other "
            "private by the IDS stocks of end-2018; IMF excluded"
        )
    years = np.union1d(
        grouped.index.to_numpy(dtype=np.int64), service.index.to_numpy(dtype=np.int64)
    )
    stock_arr = grouped.reindex(years).to_numpy(dtype=np.float64)
    svc_arr = service.reindex(years).to_numpy(dtype=np.float64)
    svc_years = set(service.index)
    kinds = tuple("dssi_scheduled_2018" if y in svc_years else "" for y in years)
    return CreditorView(
        iso3=code,
        years=years,
        stock_usd_m=stock_arr,
        service_usd_m=svc_arr,
        service_kind=kinds,
        sources=sources,
    )
