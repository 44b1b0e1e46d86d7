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
from numpy.typing import ArrayLike, NDArray

from debttrap._numeric import read_only_copy
from debttrap.errors import InputError
from debttrap.leverage.flows import OfferFlows, offer_flows
from debttrap.terms.offer import Offer

__all__ = ["TRIGGERS", "Exposure", "ExposureSummary", "creditor_exposure", "share_pct"]

FloatArray = NDArray[np.float64]

#: Acceleration triggers of :class:`debttrap.terms.AccelerationTriggers`, in display order.
TRIGGERS: tuple[str, ...] = (
    "policy_change",
    "severing_diplomatic_relations",
    "cross_default",
    "adverse_action_to_lender_state_entity",
    "cross_cancellation",
)


def share_pct(part: ArrayLike, total: ArrayLike) -> FloatArray:
    """``100 * part / total`` elementwise (broadcasting), NaN where ``total <= 0``."""
    p = np.asarray(part, dtype=np.float64)
    t = np.asarray(total, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(t > 0, 100.0 * p / np.where(t > 0, t, 1.0), np.nan)


def _part_share_pct(part: ArrayLike, total: ArrayLike) -> FloatArray:
    """:func:`share_pct` of a part that is included in the total: within [0, 100].

    The part is one of the addends of the total, so a result above 100 is
    floating-point noise (a sole creditor: 100 + 1e-14); it is capped here so that
    no reader downstream sees more than 100%.
    """
    return np.clip(share_pct(part, total), 0.0, 100.0)


def _peak(x: FloatArray) -> float:
    return float(np.nanmax(x)) if np.any(np.isfinite(x)) else float("nan")


def _years_of(frame: pd.DataFrame | pd.Series, name: str) -> NDArray[np.int64]:
    idx = frame.index
    try:
        years = np.asarray(idx, dtype=np.int64)
    except (TypeError, ValueError):
        raise InputError("the index must be calendar years (integers)", field=name) from None
    if years.size == 0:
        raise InputError("has no years", field=name)
    if np.any(np.diff(years) <= 0):
        raise InputError("years must be increasing, without repeats", field=name)
    return years


def _series_on(
    values: pd.Series | Mapping[int, float] | None, years: NDArray[np.int64], name: str
) -> FloatArray | None:
    """A year-indexed input on ``years`` (NaN where missing)."""
    if values is None:
        return None
    s = pd.Series(values, dtype="float64") if not isinstance(values, pd.Series) else values
    if s.size:
        _years_of(s.sort_index(), name)
    s = s.copy()
    s.index = s.index.astype(np.int64)
    out = np.asarray(s.reindex(years).to_numpy(dtype=np.float64), dtype=np.float64)
    finite = out[np.isfinite(out)]
    if np.any(finite < 0):
        raise InputError("must not be negative", field=name)
    return out


def _table(frame: pd.DataFrame, name: str) -> tuple[NDArray[np.int64], pd.DataFrame]:
    if not isinstance(frame, pd.DataFrame):
        raise InputError("must be a table (year x creditor)", field=name)
    f = frame.sort_index()
    years = _years_of(f, name)
    f = f.copy()
    f.index = pd.Index(years, name="year")
    vals = f.to_numpy(dtype=np.float64, na_value=0.0)
    if not np.all(np.isfinite(vals)) or np.any(vals < 0):
        raise InputError("amounts must be finite and not negative", field=name)
    return years, f.fillna(0.0).astype(np.float64)


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

        def peak(x: FloatArray | None) -> float:
            return float("nan") if x is None else _peak(np.asarray(x)[w])

        def year(x: FloatArray) -> int | None:
            xs = x[w]
            if not np.any(np.isfinite(xs)) or float(np.nanmax(xs)) <= 0.0:
                return None  # not known, or zero throughout: no year to name
            return int(self.years[w][int(np.nanargmax(xs))])

        return ExposureSummary(
            offer=self.offer,
            lender=self.lender,
            window=self.window_years,
            lender_debt_share_before_peak_pct=peak(self.lender_debt_share_before_pct),
            lender_debt_share_after_peak_pct=peak(self.lender_debt_share_after_pct),
            lender_debt_share_after_peak_year=year(self.lender_debt_share_after_pct),
            lender_service_share_before_peak_pct=peak(self.lender_service_share_before_pct),
            lender_service_share_after_peak_pct=peak(self.lender_service_share_after_pct),
            lender_service_share_after_peak_year=year(self.lender_service_share_after_pct),
            service_share_note=self.service_share_note,
            pledged_revenue_peak_usd_m=peak(self.pledged_revenue_usd_m),
            pledged_pct_of_revenue_peak=peak(self.pledged_pct_of_revenue),
            pledged_pct_of_revenue_peak_year=year(self.pledged_pct_of_revenue),
            pledged_pct_of_exports_peak=peak(self.pledged_pct_of_exports),
            account_cash_held_peak_usd_m=peak(self.account_cash_held_usd_m),
            acceleration_peak_usd_m=peak(self.acceleration_max_usd_m),
            acceleration_with_cross_default_peak_usd_m=peak(
                self.acceleration_with_cross_default_usd_m
            ),
            acceleration_with_cross_default_peak_year=year(
                self.acceleration_with_cross_default_usd_m
            ),
            acceleration_pct_of_reserves_peak=peak(self.acceleration_pct_of_reserves),
            acceleration_pct_of_reserves_peak_year=year(self.acceleration_pct_of_reserves),
            acceleration_pct_of_exports_peak=peak(self.acceleration_pct_of_exports),
            acceleration_pct_of_exports_peak_year=year(self.acceleration_pct_of_exports),
            triggers_present=self.triggers_present,
            cross_default_creditors=self.cross_default_creditors,
            keeps_out_of_restructuring=self.keeps_out_of_restructuring,
            no_paris_club_peak_usd_m=peak(self.no_paris_club_usd_m),
            no_paris_club_pct_of_ppg_external_peak=peak(self.no_paris_club_pct_of_ppg_external),
            collateral_usd_m=peak(self.collateral_usd_m),
            lever_clauses=self.lever_clauses,
            offer_debt_share_peak_pct=peak(self.offer_debt_share_pct),
            offer_service_share_peak_pct=peak(self.offer_service_share_pct),
            offer_accelerable_pct_of_reserves_peak=peak(self.offer_accelerable_pct_of_reserves),
            offer_accelerable_pct_of_exports_peak=peak(self.offer_accelerable_pct_of_exports),
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
    """
    years, debt = _table(existing_debt_usd_m, "existing_debt_usd_m")
    service: pd.DataFrame | None = None
    service_given = np.zeros(years.size, dtype=np.bool_)
    if existing_service_usd_m is not None:
        svc_years, service = _table(existing_service_usd_m, "existing_service_usd_m")
        service_given = np.isin(years, svc_years)
        service = service.reindex(years).fillna(0.0)
    if window_years is not None:
        w_lo, w_hi = (int(v) for v in window_years)
        if w_hi < w_lo:
            raise InputError(f"last year {w_hi} is before first year {w_lo}", field="window_years")
        if not np.any((years >= w_lo) & (years <= w_hi)):
            raise InputError(
                f"{w_lo}-{w_hi} has no year of the debt table ({years[0]}-{years[-1]})",
                field="window_years",
            )
        window_years = (w_lo, w_hi)
    for name, cols in (("cross_default_creditors", cross_default_creditors),
                       ("service_unknown_creditors", service_unknown_creditors)):
        unknown = [c for c in cols if c not in debt.columns]
        if unknown:
            raise InputError(
                f"'{unknown[0]}' is not a creditor column of existing_debt_usd_m", field=name
            )
    revenue = _series_on(government_revenue_usd_m, years, "government_revenue_usd_m")
    exports = _series_on(exports_usd_m, years, "exports_usd_m")
    reserves = _series_on(reserves_usd_m, years, "reserves_usd_m")
    proj_rev = _series_on(project_revenue_usd_m, years, "project_revenue_usd_m")
    added = _series_on(added_debt_usd_m, years, "added_debt_usd_m")
    added_svc = _series_on(added_service_usd_m, years, "added_service_usd_m")
    added_debt = np.zeros(years.size) if added is None else np.nan_to_num(added)
    added_service = np.zeros(years.size) if added_svc is None else np.nan_to_num(added_svc)

    lo, hi = int(years[0]), int(years[-1])
    f = flows if flows is not None else offer_flows(offer, lo, hi)
    if flows is not None:
        pos = pd.Index(f.years).get_indexer(pd.Index(years))
        if np.any(pos < 0):
            raise InputError("the offer's flows do not cover the debt table's years", field="flows")
    else:
        pos = np.arange(years.size)

    def on_axis(x: FloatArray) -> FloatArray:
        return x[..., pos]

    ppg = f.ppg
    bal = on_axis(f.balance_end_usd_m)  # (n, Y)
    ds = on_axis(f.debt_service_usd_m)
    offer_ppg_debt = bal[ppg].sum(axis=0) if ppg.any() else np.zeros(years.size)
    offer_ppg_service = ds[ppg].sum(axis=0) if ppg.any() else np.zeros(years.size)
    offer_contingent = bal[~ppg].sum(axis=0) if (~ppg).any() else np.zeros(years.size)

    lender = offer.group
    zero = np.zeros(years.size)
    lender_debt = debt[lender].to_numpy() if lender in debt.columns else zero
    total_debt = debt.to_numpy().sum(axis=1)
    debt_before = _part_share_pct(lender_debt, total_debt)
    total_after = total_debt + offer_ppg_debt + added_debt
    debt_after = _part_share_pct(lender_debt + offer_ppg_debt, total_after)
    note = ""
    if service is not None:
        lender_service = service[lender].to_numpy() if lender in service.columns else zero
        total_service = service.to_numpy().sum(axis=1)
        service_before = _part_share_pct(lender_service, total_service)
        service_total_after = total_service + offer_ppg_service + added_service
        service_after = _part_share_pct(lender_service + offer_ppg_service, service_total_after)
        offer_service_share = np.where(
            service_given, _part_share_pct(offer_ppg_service, service_total_after), np.nan)
        # where the existing service is not given (e.g. t-1) the share is not known
        service_before = np.where(service_given, service_before, np.nan)
        service_after = np.where(service_given, service_after, np.nan)
        if service_unknown_creditors:
            unsched = debt[list(service_unknown_creditors)].to_numpy().sum(axis=1)
            blind = unsched > 0
            if blind.any():
                service_before = np.where(blind, np.nan, service_before)
                service_after = np.where(blind, np.nan, service_after)
                offer_service_share = np.where(blind, np.nan, offer_service_share)
                k = int(np.argmax(unsched))
                pct = float(_part_share_pct(unsched, total_debt)[k])
                note = (
                    f"existing debt service not known: {', '.join(service_unknown_creditors)} "
                    f"(up to US$ {unsched[k]:,.0f} m, {pct:.0f}% of PPG external debt) has no "
                    "service schedule"
                )
    else:
        service_before = service_after = np.full(years.size, np.nan)
        offer_service_share = np.full(years.size, np.nan)
        note = "no existing debt service by creditor was given"

    # A loan's clauses bind from signing until its last flow.
    sign = np.array([ln.signing_year for ln in offer.loans], dtype=np.int64)
    live = (f.debt_service_usd_m + f.balance_end_usd_m) > 0  # (n, Yf)
    last_idx = live.shape[1] - 1 - np.argmax(live[:, ::-1], axis=1) if live.size else sign
    last_flow = np.where(live.any(axis=1), f.years[last_idx], sign) if live.size else sign
    active = (years[None, :] >= sign[:, None]) & (years[None, :] <= last_flow[:, None])  # (n, Y)
    clauses = [ln.clauses for ln in offer.loans]

    def per_loan(values: list[float]) -> FloatArray:
        return np.asarray(values, dtype=np.float64).reshape(-1, 1) * active

    pledged = per_loan([c.pledged_revenue_usd_m_per_year for c in clauses]).sum(axis=0)
    account_share = per_loan(
        [c.account_revenue_share_pct if c.lender_controlled_account else 0.0 for c in clauses]
    )
    if proj_rev is not None and account_share.size:
        # one project, one account: the largest share in force routes the revenue
        pledged = pledged + np.nan_to_num(proj_rev) * account_share.max(axis=0) / 100.0
    cash_held = per_loan([c.minimum_account_balance_usd_m for c in clauses]).sum(axis=0)
    collateral = per_loan([c.collateral_assets_usd_m for c in clauses]).sum(axis=0)

    def pct_of(x: FloatArray, base: FloatArray | None) -> FloatArray:
        return share_pct(x, base) if base is not None else np.full(years.size, np.nan)

    accel: dict[str, FloatArray] = {}
    has_trigger = np.zeros(len(offer.loans), dtype=np.bool_)
    cross = np.array([c.acceleration.cross_default for c in clauses], dtype=np.bool_)
    present: list[str] = []
    cascade = np.zeros(years.size)
    cd_stock = (
        debt[list(cross_default_creditors)].to_numpy().sum(axis=1)
        if cross_default_creditors
        else zero
    )
    for t in TRIGGERS:
        m = np.array([getattr(c.acceleration, t) for c in clauses], dtype=np.bool_) & ppg
        accel[t] = read_only_copy(bal[m].sum(axis=0) if m.any() else zero)
        if m.any():
            present.append(t)
            has_trigger |= m
            # the triggered loans, the offer's own cross-default loans, and the other
            # creditors' debt that cross-defaults once the offer's debt is in default
            hit = (m | cross) & ppg
            cascade = np.maximum(cascade, bal[hit].sum(axis=0) + cd_stock)
    accel_max = np.max(np.vstack([accel[t] for t in TRIGGERS]), axis=0)
    cascade = np.where(accel_max > 0, cascade, 0.0)
    own = has_trigger & ppg
    offer_accel = bal[own].sum(axis=0) if own.any() else zero

    npc = np.array([c.no_paris_club for c in clauses], dtype=np.bool_) & ppg
    npc_debt = bal[npc].sum(axis=0) if npc.any() else zero

    # lever clauses let the lender act on policy (docs/method.md): every trigger but cross-default
    levers = [f"acceleration.{t}" for t in present if t != "cross_default"]
    if any(c.lender_controlled_account for c in clauses):
        levers.append("lender_controlled_account")
    if npc.any():
        levers.append("no_paris_club")

    all_bal = bal.sum(axis=0) if bal.shape[0] else zero
    return Exposure(
        offer=offer.name,
        lender=lender,
        years=np.array(years, copy=True),
        offer_ppg_debt_usd_m=read_only_copy(offer_ppg_debt),
        offer_ppg_service_usd_m=read_only_copy(offer_ppg_service),
        offer_contingent_debt_usd_m=read_only_copy(offer_contingent),
        lender_debt_share_before_pct=read_only_copy(debt_before),
        lender_debt_share_after_pct=read_only_copy(debt_after),
        lender_service_share_before_pct=read_only_copy(service_before),
        lender_service_share_after_pct=read_only_copy(service_after),
        pledged_revenue_usd_m=read_only_copy(pledged),
        pledged_pct_of_revenue=read_only_copy(pct_of(pledged, revenue)),
        pledged_pct_of_exports=read_only_copy(pct_of(pledged, exports)),
        account_cash_held_usd_m=read_only_copy(cash_held),
        acceleration_usd_m=MappingProxyType(accel),
        acceleration_max_usd_m=read_only_copy(accel_max),
        acceleration_with_cross_default_usd_m=read_only_copy(cascade),
        acceleration_pct_of_reserves=read_only_copy(pct_of(cascade, reserves)),
        acceleration_pct_of_exports=read_only_copy(pct_of(cascade, exports)),
        cross_default_creditors=tuple(cross_default_creditors),
        no_paris_club_usd_m=read_only_copy(npc_debt),
        no_paris_club_pct_of_ppg_external=read_only_copy(
            _part_share_pct(npc_debt, total_after)
        ),
        collateral_usd_m=read_only_copy(collateral),
        collateral_cover_pct=read_only_copy(share_pct(collateral, all_bal)),
        triggers_present=tuple(present),
        keeps_out_of_restructuring=bool(npc.any()),
        lever_clauses=tuple(levers),
        service_share_note=note,
        added_debt_usd_m=read_only_copy(added_debt),
        window_years=window_years,
        offer_debt_share_pct=read_only_copy(_part_share_pct(offer_ppg_debt, total_after)),
        offer_service_share_pct=read_only_copy(offer_service_share),
        offer_accelerable_usd_m=read_only_copy(offer_accel),
        offer_accelerable_pct_of_reserves=read_only_copy(pct_of(offer_accel, reserves)),
        offer_accelerable_pct_of_exports=read_only_copy(pct_of(offer_accel, exports)),
    )
