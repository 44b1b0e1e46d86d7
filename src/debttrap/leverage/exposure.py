"""What the creditor can do with the debt: exposure figures, before and after an offer.

Inputs are plain, year-indexed tables — this module does not run the DSA:

* ``existing_debt_usd_m``: PPG external debt outstanding at the end of each
  year, one column per creditor (US$ m), without the offer;
* ``existing_service_usd_m`` (optional): external debt service by creditor;
* the offer itself (its loans are run through the loan engine and converted
  to US$, :func:`debttrap.leverage.flows.offer_flows`), or its flows;
* optional yardsticks by year: government revenue, exports, FX reserves,
  and the project revenue routed through a lender-controlled account.

Figures, by year (``to_frame``) and at their peak (``summary``):

* the lender's share of PPG external debt and of external debt service,
  before (the debt table only) and after (plus the offer's PPG loans and any
  ``added_debt_usd_m``, the other debt the offer brings onto the books, such as
  the project's overrun borrowing), capped at 100% (floating-point sums of a
  sole creditor can exceed it by 1e-14); years the service table does not cover
  (e.g. t-1) have NaN service shares, never a share of a service of 0; where
  some existing debt has no known service schedule
  (``service_unknown_creditors``) the service shares are NaN in the years that
  debt is outstanding, with the reason in ``service_share_note``;
* revenue pledged or swept into lender-controlled accounts, in US$ and as a
  percent of government revenue and of exports, and cash the borrower must
  keep in those accounts;
* the amount that falls due at once if an acceleration trigger fires
  (policy change, severed diplomatic relations, cross-default, acts adverse to
  the lender state's entities, cross-cancellation), and the same plus the debts
  that cross-default with it, against reserves and exports;
* debt kept out of collective restructuring ("no Paris Club"), and physical
  assets pledged against the debt they secure.

Only PPG loans of the offer count in the borrower's PPG debt; a project
company's loans (``ppg = false``) are shown as contingent.

Every series runs over all the years of the debt table; the peaks of
:meth:`Exposure.summary` are taken over ``window_years`` (first, last) when one
is given — the assessment passes the LIC-DSF rating window t … t+10 — and each
peak is reported with its year.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from debttrap._numeric import read_only_copy
from debttrap.errors import InputError
from debttrap.leverage._exposure_parts import (
    TRIGGERS,
    _part_share_pct,
    acceleration,
    check_columns,
    check_window,
    clause_amounts,
    clauses_in_force,
    series_on,
    share_pct,
    shares,
    year_table,
)
from debttrap.leverage.flows import OfferFlows, offer_flows
from debttrap.terms.offer import Offer

__all__ = ["TRIGGERS", "Exposure", "ExposureSummary", "creditor_exposure", "share_pct"]

FloatArray = NDArray[np.float64]

def _peak(x: FloatArray) -> float:
    return float(np.nanmax(x)) if np.any(np.isfinite(x)) else float("nan")


#: The by-year figures :meth:`Exposure.summary` reports the window peak (or its year) of.
_PEAKED = (
    "lender_debt_share_before_pct", "lender_debt_share_after_pct",
    "lender_service_share_before_pct", "lender_service_share_after_pct",
    "pledged_revenue_usd_m", "pledged_pct_of_revenue", "pledged_pct_of_exports",
    "account_cash_held_usd_m", "acceleration_max_usd_m",
    "acceleration_with_cross_default_usd_m", "acceleration_pct_of_reserves",
    "acceleration_pct_of_exports", "no_paris_club_usd_m", "no_paris_club_pct_of_ppg_external",
    "collateral_usd_m", "offer_debt_share_pct", "offer_service_share_pct",
    "offer_accelerable_pct_of_reserves", "offer_accelerable_pct_of_exports",
)


@dataclass(frozen=True, slots=True)
class ExposureSummary:
    """The headline figures of an :class:`Exposure`: peaks over its window, with years.

    Percent figures are NaN where a yardstick was not given; ``*_peak_year`` is None
    where the figure is NaN or zero throughout the window. :meth:`to_dict` gives the
    JSON form the assessment writes (``offers[].leverage``).
    """

    offer: str
    lender: str
    window: tuple[int, int] | None
    lender_debt_share_before_peak_pct: float
    lender_debt_share_after_peak_pct: float
    lender_debt_share_after_peak_year: int | None
    lender_service_share_before_peak_pct: float
    lender_service_share_after_peak_pct: float
    lender_service_share_after_peak_year: int | None
    service_share_note: str
    pledged_revenue_peak_usd_m: float
    pledged_pct_of_revenue_peak: float
    pledged_pct_of_revenue_peak_year: int | None
    pledged_pct_of_exports_peak: float
    account_cash_held_peak_usd_m: float
    acceleration_peak_usd_m: float
    acceleration_with_cross_default_peak_usd_m: float
    acceleration_with_cross_default_peak_year: int | None
    acceleration_pct_of_reserves_peak: float
    acceleration_pct_of_reserves_peak_year: int | None
    acceleration_pct_of_exports_peak: float
    acceleration_pct_of_exports_peak_year: int | None
    triggers_present: tuple[str, ...]
    cross_default_creditors: tuple[str, ...]
    keeps_out_of_restructuring: bool
    no_paris_club_peak_usd_m: float
    no_paris_club_pct_of_ppg_external_peak: float
    collateral_usd_m: float
    """Peak value of the physical assets pledged, US$ m."""
    lever_clauses: tuple[str, ...]
    offer_debt_share_peak_pct: float = float("nan")
    """The offer's own share of PPG external debt with it (the concentration rule's fallback)."""
    offer_service_share_peak_pct: float = float("nan")
    """The offer's own share of external debt service with it (the concentration rule)."""
    offer_accelerable_pct_of_reserves_peak: float = float("nan")
    """The offer's own callable balance, % of reserves (the acceleration rule)."""
    offer_accelerable_pct_of_exports_peak: float = float("nan")

    #: Fields kept out of :meth:`to_dict` (the assessment's JSON predates them; the
    #: verdict's checks carry them as the rules' values).
    _NOT_IN_DICT: ClassVar[frozenset[str]] = frozenset({
        "offer_debt_share_peak_pct", "offer_service_share_peak_pct",
        "offer_accelerable_pct_of_reserves_peak", "offer_accelerable_pct_of_exports_peak",
    })

    @property
    def cross_default(self) -> bool:
        """Some PPG loan of the offer accelerates on a cross-default."""
        return "cross_default" in self.triggers_present

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form (tuples as lists)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            if f.name in self._NOT_IN_DICT:
                continue
            v = getattr(self, f.name)
            out[f.name] = list(v) if isinstance(v, tuple) else v
        return out


@dataclass(frozen=True, slots=True)
class Exposure:
    """Leverage figures of one offer, by year. Arrays ``(Y,)`` in US$ m or percent."""

    offer: str
    lender: str
    years: NDArray[np.int64]
    offer_ppg_debt_usd_m: FloatArray
    offer_ppg_service_usd_m: FloatArray
    offer_contingent_debt_usd_m: FloatArray
    lender_debt_share_before_pct: FloatArray
    lender_debt_share_after_pct: FloatArray
    lender_service_share_before_pct: FloatArray
    lender_service_share_after_pct: FloatArray
    pledged_revenue_usd_m: FloatArray
    pledged_pct_of_revenue: FloatArray
    pledged_pct_of_exports: FloatArray
    account_cash_held_usd_m: FloatArray
    acceleration_usd_m: Mapping[str, FloatArray]
    acceleration_max_usd_m: FloatArray
    acceleration_with_cross_default_usd_m: FloatArray
    acceleration_pct_of_reserves: FloatArray
    acceleration_pct_of_exports: FloatArray
    cross_default_creditors: tuple[str, ...]
    no_paris_club_usd_m: FloatArray
    no_paris_club_pct_of_ppg_external: FloatArray
    collateral_usd_m: FloatArray
    collateral_cover_pct: FloatArray
    triggers_present: tuple[str, ...]
    keeps_out_of_restructuring: bool
    lever_clauses: tuple[str, ...] = field(default=())
    service_share_note: str = ""
    """Why the service shares are NaN in some years ("" when every service is known)."""
    added_debt_usd_m: FloatArray | None = None
    """Other debt the country carries with the offer (e.g. the overrun borrowing), ``(Y,)``."""
    window_years: tuple[int, int] | None = None
    """(first, last) calendar years the peaks of :meth:`summary` are taken over (None: all)."""
    offer_debt_share_pct: FloatArray | None = None
    """The offer's own PPG loans as a share of PPG external debt with the offer, ``(Y,)``."""
    offer_service_share_pct: FloatArray | None = None
    """The offer's own PPG service as a share of external debt service with it, ``(Y,)``."""
    offer_accelerable_usd_m: FloatArray | None = None
    """The offer's own PPG balance under any acceleration trigger beyond its own
    non-payment (policy change, cross-default, ...), ``(Y,)``: what its clauses can call."""
    offer_accelerable_pct_of_reserves: FloatArray | None = None
    offer_accelerable_pct_of_exports: FloatArray | None = None

    def window_peak(self, name: str) -> float:
        """Peak of the by-year array ``name`` over :attr:`window_years` (NaN if unknown)."""
        x = getattr(self, name)
        if x is None:
            return float("nan")
        return _peak(np.asarray(x, dtype=np.float64)[self.in_window])

    @property
    def in_window(self) -> NDArray[np.bool_]:
        """``(Y,)`` mask of the years inside :attr:`window_years` (all years when None)."""
        if self.window_years is None:
            return np.ones(self.years.shape, dtype=np.bool_)
        lo, hi = self.window_years
        return (self.years >= lo) & (self.years <= hi)

    def to_frame(self) -> pd.DataFrame:
        """Every by-year figure as a column, indexed by calendar year."""
        cols: dict[str, FloatArray] = {
            "offer_ppg_debt_usd_m": self.offer_ppg_debt_usd_m,
            "offer_ppg_service_usd_m": self.offer_ppg_service_usd_m,
            "offer_contingent_debt_usd_m": self.offer_contingent_debt_usd_m,
            "added_debt_usd_m": (
                np.zeros(self.years.shape) if self.added_debt_usd_m is None
                else self.added_debt_usd_m
            ),
            "lender_debt_share_before_pct": self.lender_debt_share_before_pct,
            "lender_debt_share_after_pct": self.lender_debt_share_after_pct,
            "lender_service_share_before_pct": self.lender_service_share_before_pct,
            "lender_service_share_after_pct": self.lender_service_share_after_pct,
            "pledged_revenue_usd_m": self.pledged_revenue_usd_m,
            "pledged_pct_of_revenue": self.pledged_pct_of_revenue,
            "pledged_pct_of_exports": self.pledged_pct_of_exports,
            "account_cash_held_usd_m": self.account_cash_held_usd_m,
        }
        for t in TRIGGERS:
            cols[f"acceleration_{t}_usd_m"] = self.acceleration_usd_m[t]
        cols.update(
            {
                "acceleration_max_usd_m": self.acceleration_max_usd_m,
                "acceleration_with_cross_default_usd_m": self.acceleration_with_cross_default_usd_m,
                "acceleration_pct_of_reserves": self.acceleration_pct_of_reserves,
                "acceleration_pct_of_exports": self.acceleration_pct_of_exports,
                "no_paris_club_usd_m": self.no_paris_club_usd_m,
                "no_paris_club_pct_of_ppg_external": self.no_paris_club_pct_of_ppg_external,
                "collateral_usd_m": self.collateral_usd_m,
                "collateral_cover_pct": self.collateral_cover_pct,
            }
        )
        return pd.DataFrame(cols, index=pd.Index(self.years, name="year"))

    def summary(self) -> ExposureSummary:
        """Peaks over :attr:`window_years` (NaN where a yardstick was not given).

        ``<figure>_peak_year`` says in which year each headline peak falls (None
        when the figure is NaN or zero throughout the window); ``window`` echoes the
        window.
        """
        w = self.in_window
        # every figure's window at once: one stack, one reduction per statistic (the same
        # numbers as np.nanmax / np.nanargmax of each figure alone, which are fmax.reduce
        # and argmax with NaN read as -inf)
        names = [n for n in _PEAKED if getattr(self, n) is not None]
        stack = np.stack([np.asarray(getattr(self, n), dtype=np.float64)[w] for n in names]
                         or [np.zeros(int(w.sum()))])
        known = np.asarray(np.isfinite(stack).any(axis=1), dtype=np.bool_)
        if stack.shape[1]:
            top = np.fmax.reduce(stack, axis=1)
            at = np.argmax(np.where(np.isnan(stack), -np.inf, stack), axis=1)
        else:
            top = at = np.zeros(len(names))
        window_years = self.years[w]
        row = {n: i for i, n in enumerate(names)}

        def peak(name: str) -> float:  # NaN where the figure is not given (None)
            i = row.get(name)
            return float("nan") if i is None or not known[i] else float(top[i])

        def year(name: str) -> int | None:
            i = row[name]
            if not known[i] or float(top[i]) <= 0.0:
                return None  # not known, or zero throughout: no year to name
            return int(window_years[int(at[i])])

        return ExposureSummary(
            offer=self.offer,
            lender=self.lender,
            window=self.window_years,
            lender_debt_share_before_peak_pct=peak("lender_debt_share_before_pct"),
            lender_debt_share_after_peak_pct=peak("lender_debt_share_after_pct"),
            lender_debt_share_after_peak_year=year("lender_debt_share_after_pct"),
            lender_service_share_before_peak_pct=peak("lender_service_share_before_pct"),
            lender_service_share_after_peak_pct=peak("lender_service_share_after_pct"),
            lender_service_share_after_peak_year=year("lender_service_share_after_pct"),
            service_share_note=self.service_share_note,
            pledged_revenue_peak_usd_m=peak("pledged_revenue_usd_m"),
            pledged_pct_of_revenue_peak=peak("pledged_pct_of_revenue"),
            pledged_pct_of_revenue_peak_year=year("pledged_pct_of_revenue"),
            pledged_pct_of_exports_peak=peak("pledged_pct_of_exports"),
            account_cash_held_peak_usd_m=peak("account_cash_held_usd_m"),
            acceleration_peak_usd_m=peak("acceleration_max_usd_m"),
            acceleration_with_cross_default_peak_usd_m=peak("acceleration_with_cross_default_usd_m"),
            acceleration_with_cross_default_peak_year=year("acceleration_with_cross_default_usd_m"),
            acceleration_pct_of_reserves_peak=peak("acceleration_pct_of_reserves"),
            acceleration_pct_of_reserves_peak_year=year("acceleration_pct_of_reserves"),
            acceleration_pct_of_exports_peak=peak("acceleration_pct_of_exports"),
            acceleration_pct_of_exports_peak_year=year("acceleration_pct_of_exports"),
            triggers_present=self.triggers_present,
            cross_default_creditors=self.cross_default_creditors,
            keeps_out_of_restructuring=self.keeps_out_of_restructuring,
            no_paris_club_peak_usd_m=peak("no_paris_club_usd_m"),
            no_paris_club_pct_of_ppg_external_peak=peak("no_paris_club_pct_of_ppg_external"),
            collateral_usd_m=peak("collateral_usd_m"),
            lever_clauses=self.lever_clauses,
            offer_debt_share_peak_pct=peak("offer_debt_share_pct"),
            offer_service_share_peak_pct=peak("offer_service_share_pct"),
            offer_accelerable_pct_of_reserves_peak=peak("offer_accelerable_pct_of_reserves"),
            offer_accelerable_pct_of_exports_peak=peak("offer_accelerable_pct_of_exports"),
        )


def creditor_exposure(
    offer: Offer,
    existing_debt_usd_m: pd.DataFrame,
    existing_service_usd_m: pd.DataFrame | None = None,
    *,
    government_revenue_usd_m: pd.Series | Mapping[int, float] | None = None,
    exports_usd_m: pd.Series | Mapping[int, float] | None = None,
    reserves_usd_m: pd.Series | Mapping[int, float] | None = None,
    project_revenue_usd_m: pd.Series | Mapping[int, float] | None = None,
    cross_default_creditors: Sequence[str] = (),
    service_unknown_creditors: Sequence[str] = (),
    flows: OfferFlows | None = None,
    added_debt_usd_m: pd.Series | Mapping[int, float] | None = None,
    added_service_usd_m: pd.Series | Mapping[int, float] | None = None,
    window_years: tuple[int, int] | None = None,
) -> Exposure:
    """Leverage figures of ``offer`` on the years of ``existing_debt_usd_m``.

    ``cross_default_creditors`` names the columns of ``existing_debt_usd_m``
    whose contracts cross-default to other external debt (typically bonds and
    commercial loans): if the offer's debt is accelerated and not paid, they
    may fall due too. ``service_unknown_creditors`` names the columns whose debt
    has no known service schedule (e.g. debt that is not itemised): in the years
    it is outstanding the lender's share of debt service cannot be known, so it is
    NaN there (not a share of the service that happens to be known), and
    ``service_share_note`` says why. Years that ``existing_service_usd_m`` does
    not cover have NaN service shares (the existing service is not known there).
    ``added_debt_usd_m`` / ``added_service_usd_m``: PPG external debt (and its
    service) that the country carries *with* the offer but that is neither the
    lender's nor the offer's loans — e.g. the project's cost overrun borrowed by
    the budget; they enter the "after" denominators only. ``window_years``
    (first, last) bounds the peaks of :meth:`Exposure.summary`. ``flows`` may be
    passed to reuse a computation (it must come from ``offer``).

    Above the ~80-line rule only by its signature, this docstring and the
    result's 36 named fields: the checks and the three families of figures are
    the functions of :mod:`debttrap.leverage._exposure_parts`, called in turn
    (in :func:`creditor_exposures`, which this calls with one offer).
    """
    return creditor_exposures(
        [offer],
        existing_debt_usd_m,
        existing_service_usd_m,
        government_revenue_usd_m=government_revenue_usd_m,
        exports_usd_m=exports_usd_m,
        reserves_usd_m=reserves_usd_m,
        project_revenue_usd_m=project_revenue_usd_m,
        cross_default_creditors=cross_default_creditors,
        service_unknown_creditors=service_unknown_creditors,
        flows=flows,
        added_debt_usd_m=added_debt_usd_m,
        added_service_usd_m=added_service_usd_m,
        window_years=window_years,
    )[0]


def creditor_exposures(
    offers: Sequence[Offer],
    existing_debt_usd_m: pd.DataFrame,
    existing_service_usd_m: pd.DataFrame | None = None,
    *,
    government_revenue_usd_m: pd.Series | Mapping[int, float] | None = None,
    exports_usd_m: pd.Series | Mapping[int, float] | None = None,
    reserves_usd_m: pd.Series | Mapping[int, float] | None = None,
    project_revenue_usd_m: pd.Series | Mapping[int, float] | None = None,
    cross_default_creditors: Sequence[str] = (),
    service_unknown_creditors: Sequence[str] = (),
    flows: OfferFlows | None = None,
    added_debt_usd_m: pd.Series | Mapping[int, float] | None = None,
    added_service_usd_m: pd.Series | Mapping[int, float] | None = None,
    window_years: tuple[int, int] | None = None,
) -> list[Exposure]:
    """:func:`creditor_exposure` of offers that differ only in their clauses (the same lender
    group, loans and flows: the clause draws of one offer), in order. The tables are checked,
    aligned and shared out once; only the clause figures are worked out per offer, so each
    result equals :func:`creditor_exposure` of that offer alone."""
    if not offers:
        return []
    first = offers[0]
    if any(o.group != first.group or len(o.loans) != len(first.loans) for o in offers):
        raise InputError("offers must share the lender group and loans", field="offers")
    years, debt = year_table(existing_debt_usd_m, "existing_debt_usd_m")
    service: pd.DataFrame | None = None
    service_given = np.zeros(years.size, dtype=np.bool_)
    if existing_service_usd_m is not None:
        svc_years, service = year_table(existing_service_usd_m, "existing_service_usd_m")
        service_given = np.isin(years, svc_years)
        service = service.reindex(years).fillna(0.0)
    window_years = check_window(window_years, years)
    check_columns(debt, {"cross_default_creditors": cross_default_creditors,
                         "service_unknown_creditors": service_unknown_creditors})
    revenue = series_on(government_revenue_usd_m, years, "government_revenue_usd_m")
    exports = series_on(exports_usd_m, years, "exports_usd_m")
    reserves = series_on(reserves_usd_m, years, "reserves_usd_m")
    proj_rev = series_on(project_revenue_usd_m, years, "project_revenue_usd_m")
    added = series_on(added_debt_usd_m, years, "added_debt_usd_m")
    added_svc = series_on(added_service_usd_m, years, "added_service_usd_m")
    added_debt = np.zeros(years.size) if added is None else np.nan_to_num(added)
    added_service = np.zeros(years.size) if added_svc is None else np.nan_to_num(added_svc)

    lo, hi = int(years[0]), int(years[-1])
    f = flows if flows is not None else offer_flows(first, lo, hi)
    if flows is not None:
        pos = pd.Index(f.years).get_indexer(pd.Index(years))
        if np.any(pos < 0):
            raise InputError("the offer's flows do not cover the debt table's years", field="flows")
    else:
        pos = np.arange(years.size)
    ppg = f.ppg
    bal = f.balance_end_usd_m[..., pos]  # (n, Y)
    ds = f.debt_service_usd_m[..., pos]
    offer_ppg_debt = bal[ppg].sum(axis=0) if ppg.any() else np.zeros(years.size)
    offer_ppg_service = ds[ppg].sum(axis=0) if ppg.any() else np.zeros(years.size)
    offer_contingent = bal[~ppg].sum(axis=0) if (~ppg).any() else np.zeros(years.size)

    lender = first.group
    sh = shares(
        lender, debt, service, service_given,
        offer_ppg_debt=offer_ppg_debt, offer_ppg_service=offer_ppg_service,
        added_debt=added_debt, added_service=added_service,
        service_unknown_creditors=service_unknown_creditors,
    )

    def one(offer: Offer) -> Exposure:
        clauses = [ln.clauses for ln in offer.loans]
        amounts = clause_amounts(clauses, clauses_in_force(offer, f, years), proj_rev)
        acc = acceleration(clauses, bal, ppg, debt, cross_default_creditors)

        def pct_of(x: FloatArray, base: FloatArray | None) -> FloatArray:
            return share_pct(x, base) if base is not None else np.full(years.size, np.nan)

        all_bal = bal.sum(axis=0) if bal.shape[0] else np.zeros(years.size)
        return Exposure(
            offer=offer.name,
            lender=lender,
            years=np.array(years, copy=True),
            offer_ppg_debt_usd_m=read_only_copy(offer_ppg_debt),
            offer_ppg_service_usd_m=read_only_copy(offer_ppg_service),
            offer_contingent_debt_usd_m=read_only_copy(offer_contingent),
            lender_debt_share_before_pct=read_only_copy(sh.debt_before),
            lender_debt_share_after_pct=read_only_copy(sh.debt_after),
            lender_service_share_before_pct=read_only_copy(sh.service_before),
            lender_service_share_after_pct=read_only_copy(sh.service_after),
            pledged_revenue_usd_m=read_only_copy(amounts.pledged),
            pledged_pct_of_revenue=read_only_copy(pct_of(amounts.pledged, revenue)),
            pledged_pct_of_exports=read_only_copy(pct_of(amounts.pledged, exports)),
            account_cash_held_usd_m=read_only_copy(amounts.cash_held),
            acceleration_usd_m=MappingProxyType(acc.by_trigger),
            acceleration_max_usd_m=read_only_copy(acc.largest),
            acceleration_with_cross_default_usd_m=read_only_copy(acc.with_cross_default),
            acceleration_pct_of_reserves=read_only_copy(pct_of(acc.with_cross_default, reserves)),
            acceleration_pct_of_exports=read_only_copy(pct_of(acc.with_cross_default, exports)),
            cross_default_creditors=tuple(cross_default_creditors),
            no_paris_club_usd_m=read_only_copy(acc.no_paris_club),
            no_paris_club_pct_of_ppg_external=read_only_copy(
                _part_share_pct(acc.no_paris_club, sh.total_debt_after)
            ),
            collateral_usd_m=read_only_copy(amounts.collateral),
            collateral_cover_pct=read_only_copy(share_pct(amounts.collateral, all_bal)),
            triggers_present=acc.triggers_present,
            keeps_out_of_restructuring=acc.keeps_out_of_restructuring,
            lever_clauses=acc.lever_clauses,
            service_share_note=sh.note,
            added_debt_usd_m=read_only_copy(added_debt),
            window_years=window_years,
            offer_debt_share_pct=read_only_copy(
                _part_share_pct(offer_ppg_debt, sh.total_debt_after)
            ),
            offer_service_share_pct=read_only_copy(sh.offer_service),
            offer_accelerable_usd_m=read_only_copy(acc.offer_accelerable),
            offer_accelerable_pct_of_reserves=read_only_copy(
                pct_of(acc.offer_accelerable, reserves)
            ),
            offer_accelerable_pct_of_exports=read_only_copy(pct_of(acc.offer_accelerable, exports)),
        )

    return [one(o) for o in offers]
