"""The country's PPG external debt by creditor, before any offer: the leverage tables.

The builder's creditor groups are recovered from debt-line names; debt whose creditor is not
known and the baseline's projected new borrowing get columns of their own.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from debttrap.assess.labels import FloatArray
from debttrap.country.model import Country
from debttrap.dsa.paths import UnitLoanBasis, line_terms
from debttrap.terms.loan import Loan

# Creditor groups of the open-data builder: their lines are named "<label> (existing|new)".
_GROUP_PREFIXES: tuple[tuple[str, str], ...] = (
    ("china", "China"),
    ("multilateral", "Multilateral"),
    ("paris_club", "Paris Club"),
    ("other_bilateral", "Other bilateral"),
    ("bondholders", "Bondholders"),
    ("commercial_banks", "Commercial banks"),
    ("other_private", "Other private"),
)
#: Column of the creditor tables for debt whose creditor is not known (unitemised, arrears).
NOT_ITEMISED = "not_itemised"
#: Column of the creditor tables for the baseline's projected new external borrowing (the
#: DSA's new-financing lines): no lender has committed it, so it is nobody's claim yet.
OTHER_NEW = "other_new_borrowing"
#: Debt-line names that mean "creditor not known" (they go to :data:`NOT_ITEMISED`).
_UNKNOWN_PREFIXES = ("creditor unknown", "not itemised", "not_itemised")
#: Creditor groups whose contracts typically cross-default to other external debt.
_CROSS_DEFAULT_GROUPS = ("bondholders", "commercial_banks")


def _group_of(name: str) -> str:
    """The creditor group a debt line belongs to (builder labels), else its own name.

    Lines whose name starts with "Creditor unknown" or "Not itemised" (debt known in
    total only, e.g. with an assumed schedule) share the :data:`NOT_ITEMISED` column.
    """
    low = name.lower()
    if low.startswith(_UNKNOWN_PREFIXES):
        return NOT_ITEMISED
    for key, prefix in _GROUP_PREFIXES:
        if name.lower().startswith(prefix.lower()) or name.lower().startswith(key):
            return key
    return name.split(" (")[0]


def _creditor_tables(country: Country) -> tuple[pd.DataFrame, pd.DataFrame]:
    """PPG external MLT debt (end of year) and its service by creditor, t-1 … T, US$ m.

    Existing lines: the balance is the principal still to be repaid (their
    schedules run until repaid) plus any part no schedule repays (``outstanding_usd_m``
    above the schedule's sum, e.g. SDR allocations); new-financing lines: unit loans on the DSA's
    basis, all in one column (:data:`OTHER_NEW`) whatever group the line is named
    after — it is projected borrowing that no lender has committed, so it counts in
    every denominator and in no lender's claim; the country's own new loans
    (contracts with a named creditor): the loan engine; unitemised debt and
    arrears: a column of their own (:data:`NOT_ITEMISED`). The debt table runs
    t-1 … T, the service table t … T (no service of t-1 is an input).
    """
    t, last = country.t, country.last_year
    years = np.arange(t - 1, last + 1, dtype=np.int64)
    n = years.size
    debt: dict[str, FloatArray] = {}
    service: dict[str, FloatArray] = {}

    def add(key: str, stock: FloatArray, svc: FloatArray) -> None:
        debt[key] = debt.get(key, np.zeros(n)) + stock
        service[key] = service.get(key, np.zeros(n)) + svc

    for ln in country.external_debt.existing_lines:
        sched = ln.principal_usd_m if ln.principal_usd_m is not None else ln.debt_service_usd_m
        pr = pd.Series(sched, dtype="float64")
        remaining = np.array([float(pr[pr.index > y].sum()) for y in years])  # loop over time
        remaining = remaining + ln.unscheduled_usd_m()  # never repaid (e.g. SDR allocations)
        svc = pd.Series(ln.debt_service_usd_m, dtype="float64").reindex(years).fillna(0.0)
        add(_group_of(ln.name), remaining, np.asarray(svc, dtype=np.float64))
    lines = country.new_external_financing
    if lines:
        proj = years[1:]
        basis = UnitLoanBasis.build([line_terms(ln) for ln in lines], proj.size,
                                    country.discount_rate_pct / 100.0)
        for li, fl in enumerate(lines):
            d = pd.Series(fl.disbursements_usd_m, dtype="float64").reindex(proj).fillna(0.0)
            dv = np.asarray(d, dtype=np.float64)
            bal = dv @ basis.balance[li]
            fsvc = dv @ (basis.interest[li] + basis.principal[li])
            add(OTHER_NEW, np.concatenate([[0.0], bal]), np.concatenate([[0.0], fsvc]))
    if country.new_loans:
        from debttrap.cashflows import schedules

        annual = schedules(list(country.new_loans)).by_calendar_year(int(years[0]), int(years[-1]))
        for j, loan in enumerate(country.new_loans):
            add(loan.creditor.name, annual.balance_end[j], annual.debt_service[j])
    ed = country.external_debt
    other = np.full(n, ed.arrears_usd_m)
    if ed.unitemised_ppg_stock_usd_m is not None:
        other = other + np.asarray(
            pd.Series(ed.unitemised_ppg_stock_usd_m, dtype="float64").reindex(years).fillna(0.0),
            dtype=np.float64,
        )
    if np.any(other > 0):
        svc_other = np.zeros(n)
        if ed.unitemised_ppg_debt_service_usd_m is not None:
            svc_other = np.asarray(
                pd.Series(ed.unitemised_ppg_debt_service_usd_m, dtype="float64")
                .reindex(years).fillna(0.0),
                dtype=np.float64,
            )
        add(NOT_ITEMISED, other, svc_other)
    idx = pd.Index(years, name="year")
    d_frame = pd.DataFrame(debt, index=idx).clip(lower=0.0)
    s_frame = pd.DataFrame(service, index=idx).clip(lower=0.0).loc[t:]
    return d_frame, s_frame


def _schedule_basis(source: str) -> str:
    """How a debt line's schedule was obtained, read from its source note."""
    low = source.lower()
    if "assum" in low:
        return "assumed"
    if re.search(r"\b(?:OD|A)\d{1,2}\b", source):  # OD: the open-data builder's rules
        return "derived by a stated rule"
    return "given" if source else "given (no source note)"


def _existing_debt_frame(country: Country) -> pd.DataFrame:
    t = country.t
    ed = country.external_debt
    rows: list[dict[str, Any]] = []
    for ln in ed.existing_lines:
        sched = ln.principal_usd_m if ln.principal_usd_m is not None else ln.debt_service_usd_m
        group = _group_of(ln.name)
        rows.append({
            "debt": ln.name,
            "creditor": "unknown" if group == NOT_ITEMISED else group,
            "outstanding_usd_m": float(sum(v for y, v in sched.items() if y >= t))
            + ln.unscheduled_usd_m(),
            "service_t_usd_m": float(ln.debt_service_usd_m.get(t, 0.0)),
            "schedule": _schedule_basis(ln.source),
            "source": ln.source,
        })
    stock = ed.unitemised_ppg_stock_usd_m or {}
    if any(v > 0 for v in stock.values()):
        svc = ed.unitemised_ppg_debt_service_usd_m
        rows.append({
            "debt": "Not itemised (known in total only)",
            "creditor": "unknown",
            "outstanding_usd_m": float(stock.get(t - 1, stock.get(t, 0.0))),
            "service_t_usd_m": float(svc.get(t, 0.0)) if svc is not None else float("nan"),
            "schedule": "given" if svc is not None else "none: service unknown",
            "source": "country.external_debt.unitemised_ppg_stock_usd_m",
        })
    if ed.arrears_usd_m > 0:
        rows.append({
            "debt": "Arrears", "creditor": "unknown", "outstanding_usd_m": ed.arrears_usd_m,
            "service_t_usd_m": float("nan"), "schedule": "overdue (no schedule)",
            "source": "country.external_debt.arrears_usd_m",
        })
    cols = ["debt", "creditor", "outstanding_usd_m", "service_t_usd_m", "schedule", "source"]
    return pd.DataFrame(rows, columns=cols)


def _loan_book(
    loan: Loan | None, years: NDArray[np.int64]
) -> tuple[pd.Series | None, pd.Series | None]:
    """End-of-year balance and debt service of ``loan`` on ``years`` (US$ m), or (None, None)."""
    if loan is None:
        return None, None
    from debttrap.cashflows import schedules

    annual = schedules([loan]).by_calendar_year(int(years[0]), int(years[-1]))
    return (pd.Series(annual.balance_end[0], index=years),
            pd.Series(annual.debt_service[0], index=years))


def _unscheduled_columns(country: Country, debt: pd.DataFrame) -> list[str]:
    """Creditor columns whose existing debt has no service schedule (service unknown)."""
    ed = country.external_debt
    stock = ed.unitemised_ppg_stock_usd_m or {}
    if (NOT_ITEMISED in debt.columns and ed.unitemised_ppg_debt_service_usd_m is None
            and any(v > 0 for v in stock.values())):
        return [NOT_ITEMISED]
    return []


def _lender_column(frame: pd.DataFrame, group: str) -> pd.DataFrame:
    """Rename the column that matches the lender's group (case-insensitive) to ``group``."""
    if group in frame.columns:
        return frame
    for c in frame.columns:
        if c in (OTHER_NEW, NOT_ITEMISED):
            continue
        if str(c).lower() == group.lower() or str(c).lower().startswith(group.lower()):
            return frame.rename(columns={c: group})
    return frame

