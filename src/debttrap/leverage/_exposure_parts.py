"""The pieces of :func:`debttrap.leverage.exposure.creditor_exposure`.

Its input checks (year-indexed tables and series, the window, creditor
columns) and the three families of figures it measures: the lender's shares
of debt and debt service before and after the offer, the amounts its clauses
route to the lender (pledged revenue, account balances, collateral), and what
falls due at once if a trigger fires. Arrays are ``(Y,)`` on the debt table's
years, or ``(n, Y)`` by loan of the offer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from debttrap._numeric import read_only_copy
from debttrap.errors import InputError
from debttrap.leverage.flows import OfferFlows
from debttrap.terms.clauses import Clauses
from debttrap.terms.offer import Offer

__all__ = [
    "TRIGGERS",
    "Acceleration",
    "ClauseAmounts",
    "Shares",
    "acceleration",
    "check_columns",
    "check_window",
    "clause_amounts",
    "clauses_in_force",
    "series_on",
    "share_pct",
    "shares",
    "year_table",
]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


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


def series_on(
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


def year_table(frame: pd.DataFrame, name: str) -> tuple[NDArray[np.int64], pd.DataFrame]:
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


def check_window(
    window_years: tuple[int, int] | None, years: NDArray[np.int64]
) -> tuple[int, int] | None:
    """``window_years`` as whole years, checked against the debt table's ``years``."""
    if window_years is None:
        return None
    w_lo, w_hi = (int(v) for v in window_years)
    if w_hi < w_lo:
        raise InputError(f"last year {w_hi} is before first year {w_lo}", field="window_years")
    if not np.any((years >= w_lo) & (years <= w_hi)):
        raise InputError(
            f"{w_lo}-{w_hi} has no year of the debt table ({years[0]}-{years[-1]})",
            field="window_years",
        )
    return (w_lo, w_hi)


def check_columns(debt: pd.DataFrame, named: Mapping[str, Sequence[str]]) -> None:
    """Every creditor each argument of ``named`` lists is a column of the debt table."""
    for name, cols in named.items():
        unknown = [c for c in cols if c not in debt.columns]
        if unknown:
            raise InputError(
                f"'{unknown[0]}' is not a creditor column of existing_debt_usd_m", field=name
            )


@dataclass(frozen=True, slots=True)
class Shares:
    """The lender's and the offer's shares of PPG external debt and of its service (percent)."""

    debt_before: FloatArray
    debt_after: FloatArray
    total_debt_after: FloatArray
    service_before: FloatArray
    service_after: FloatArray
    offer_service: FloatArray
    note: str


def shares(
    lender: str,
    debt: pd.DataFrame,
    service: pd.DataFrame | None,
    service_given: BoolArray,
    *,
    offer_ppg_debt: FloatArray,
    offer_ppg_service: FloatArray,
    added_debt: FloatArray,
    added_service: FloatArray,
    service_unknown_creditors: Sequence[str],
) -> Shares:
    """Shares before (the tables only) and after (plus the offer's PPG loans and the added
    debt); service shares NaN where the existing service is not given or not known."""
    zero = np.zeros(len(debt.index))
    lender_debt = debt[lender].to_numpy() if lender in debt.columns else zero
    total_debt = debt.to_numpy().sum(axis=1)
    debt_before = _part_share_pct(lender_debt, total_debt)
    total_after = total_debt + offer_ppg_debt + added_debt
    debt_after = _part_share_pct(lender_debt + offer_ppg_debt, total_after)
    if service is None:
        nan = np.full(zero.size, np.nan)
        return Shares(debt_before, debt_after, total_after, nan, nan, nan,
                      "no existing debt service by creditor was given")
    note = ""
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
    return Shares(debt_before, debt_after, total_after, service_before, service_after,
                  offer_service_share, note)


def clauses_in_force(offer: Offer, f: OfferFlows, years: NDArray[np.int64]) -> BoolArray:
    """``(n, Y)``: a loan's clauses bind from its signing until its last flow."""
    sign = np.array([ln.signing_year for ln in offer.loans], dtype=np.int64)
    live = (f.debt_service_usd_m + f.balance_end_usd_m) > 0  # (n, Yf)
    last_idx = live.shape[1] - 1 - np.argmax(live[:, ::-1], axis=1) if live.size else sign
    last_flow = np.where(live.any(axis=1), f.years[last_idx], sign) if live.size else sign
    active: BoolArray = (years[None, :] >= sign[:, None]) & (years[None, :] <= last_flow[:, None])
    return active


@dataclass(frozen=True, slots=True)
class ClauseAmounts:
    """US$ m by year: revenue routed to the lender, cash kept in its accounts, collateral."""

    pledged: FloatArray
    cash_held: FloatArray
    collateral: FloatArray


def clause_amounts(
    clauses: Sequence[Clauses], active: BoolArray, project_revenue: FloatArray | None
) -> ClauseAmounts:
    """Each loan's clause amounts in the years its clauses bind, summed over loans."""

    def per_loan(values: list[float]) -> FloatArray:
        return np.asarray(values, dtype=np.float64).reshape(-1, 1) * active

    pledged = per_loan([c.pledged_revenue_usd_m_per_year for c in clauses]).sum(axis=0)
    account_share = per_loan(
        [c.account_revenue_share_pct if c.lender_controlled_account else 0.0 for c in clauses]
    )
    if project_revenue is not None and account_share.size:
        # one project, one account: the largest share in force routes the revenue
        pledged = pledged + np.nan_to_num(project_revenue) * account_share.max(axis=0) / 100.0
    cash_held = per_loan([c.minimum_account_balance_usd_m for c in clauses]).sum(axis=0)
    collateral = per_loan([c.collateral_assets_usd_m for c in clauses]).sum(axis=0)
    return ClauseAmounts(pledged, cash_held, collateral)


@dataclass(frozen=True, slots=True)
class Acceleration:
    """What falls due at once (US$ m by year) and the clauses that make it so."""

    by_trigger: dict[str, FloatArray]
    largest: FloatArray
    with_cross_default: FloatArray
    triggers_present: tuple[str, ...]
    offer_accelerable: FloatArray
    no_paris_club: FloatArray
    keeps_out_of_restructuring: bool
    lever_clauses: tuple[str, ...]


def acceleration(
    clauses: Sequence[Clauses],
    balance: FloatArray,
    ppg: BoolArray,
    debt: pd.DataFrame,
    cross_default_creditors: Sequence[str],
) -> Acceleration:
    """The offer's PPG balance each trigger can call (``balance``: ``(n, Y)`` by loan), the
    largest of them, and the same with the debts that cross-default once it is in default."""
    zero = np.zeros(balance.shape[-1])
    accel: dict[str, FloatArray] = {}
    has_trigger = np.zeros(len(clauses), dtype=np.bool_)
    cross = np.array([c.acceleration.cross_default for c in clauses], dtype=np.bool_)
    present: list[str] = []
    cascade = np.zeros(zero.size)
    cd_stock = (
        debt[list(cross_default_creditors)].to_numpy().sum(axis=1)
        if cross_default_creditors
        else zero
    )
    for t in TRIGGERS:
        m = np.array([getattr(c.acceleration, t) for c in clauses], dtype=np.bool_) & ppg
        accel[t] = read_only_copy(balance[m].sum(axis=0) if m.any() else zero)
        if m.any():
            present.append(t)
            has_trigger |= m
            # the triggered loans, the offer's own cross-default loans, and the other
            # creditors' debt that cross-defaults once the offer's debt is in default
            hit = (m | cross) & ppg
            cascade = np.maximum(cascade, balance[hit].sum(axis=0) + cd_stock)
    accel_max = np.max(np.vstack([accel[t] for t in TRIGGERS]), axis=0)
    cascade = np.where(accel_max > 0, cascade, 0.0)
    own = has_trigger & ppg
    offer_accel = balance[own].sum(axis=0) if own.any() else zero

    npc = np.array([c.no_paris_club for c in clauses], dtype=np.bool_) & ppg
    npc_debt = balance[npc].sum(axis=0) if npc.any() else zero

    # lever clauses let the lender act on policy (docs/method.md): every trigger but cross-default
    levers = [f"acceleration.{t}" for t in present if t != "cross_default"]
    if any(c.lender_controlled_account for c in clauses):
        levers.append("lender_controlled_account")
    if npc.any():
        levers.append("no_paris_club")
    return Acceleration(accel, accel_max, cascade, tuple(present), offer_accel, npc_debt,
                        bool(npc.any()), tuple(levers))
