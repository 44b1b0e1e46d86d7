"""PPG external debt of a built country: existing lines by creditor group and new borrowing.

The debt outstanding at the end of the last IDS year is repaid on the schedule
of :mod:`debttrap.opendata.amortization` (OD7). New external borrowing keeps
PPG external debt at its share of the WEO gross government debt (OD8), split
across creditor groups as recent gross lending was (OD9), on the groups'
typical terms, as unit-loan cohorts. What is outstanding at the end of ``t-1``
becomes the country's existing lines; cohorts from ``t`` its new financing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from debttrap.cashflows.unit_loan import InstrumentTerms, UnitLoanProfiles, unit_loan_profiles
from debttrap.conventions import CreditorGroup
from debttrap.country.creditors import CREDITOR_GROUPS, CreditorView
from debttrap.country.model import ExistingDebtLine, FinancingLine
from debttrap.errors import DataError
from debttrap.opendata._series import FloatArray, IntArray, as_series, years_between
from debttrap.opendata.amortization import (
    DSSI_LAST_YEAR,
    DSSI_RELEASE_YEAR,
    LegacySchedule,
    legacy_schedule,
)
from debttrap.opendata.external import (
    SDR_INTEREST_RATE_PCT,
    ExternalFacts,
    external_facts,
    prgt_runoff_shares,
)
from debttrap.opendata.macro import MacroPaths
from debttrap.opendata.provenance import IDS, WDIX, WEO, Provenance
from debttrap.opendata.terms import GROUP_LABEL, GROUP_TYPE, lending_terms

__all__ = ["DebtPaths", "debt_paths"]

LONG_TAIL_YEARS = 60  # existing schedules are followed this far (until repaid)


@dataclass(frozen=True, slots=True)
class DebtPaths:
    """The external debt of a built country (US$ m)."""

    existing: tuple[ExistingDebtLine, ...]
    outstanding_end_t1: float
    financing: tuple[FinancingLine, ...]
    external_stock: FloatArray  # on macro years (NaN before the IDS year)
    disbursements: FloatArray  # total new borrowing on macro years
    service_by_group: pd.DataFrame  # year x group, t…last (existing + new)
    market: bool
    facts: ExternalFacts


@dataclass(frozen=True, slots=True)
class _Fund:
    """IMF credit outstanding at the end of the base year, run off on PRGT terms (OD16),
    and the SDR allocations in the same IDS stock, interest only (OD16a)."""

    stock: float  # Fund credit proper
    balance: FloatArray  # end of each grid year, allocations included
    principal: FloatArray
    allocations: float = 0.0
    allocation_interest: FloatArray | None = None


def _fund(stock: float, n: int, allocations: float = 0.0) -> _Fund:
    shares = prgt_runoff_shares()
    principal = np.zeros(n)
    m = min(n, shares.size)
    principal[:m] = stock * shares[:m]
    balance = np.maximum(stock - np.cumsum(principal), 0.0) + allocations
    interest = np.full(n, allocations * SDR_INTEREST_RATE_PCT / 100.0)
    return _Fund(stock, balance, principal, allocations, interest)


@dataclass(frozen=True, slots=True)
class _Cohorts:
    """New-borrowing cohorts by group on the grid: disbursements and their full schedules."""

    disb: FloatArray
    balance: FloatArray
    principal: FloatArray
    interest: FloatArray
    unit: UnitLoanProfiles


def _base_stocks(code: str, t: int, view: CreditorView) -> tuple[int, pd.DataFrame]:
    stock_table = view.stock_table()
    if stock_table.empty:
        raise DataError(
            f"no PPG debt stocks for {code}", dataset=IDS, series="total", file="stocks.parquet"
        )
    base_year = min(t - 1, int(stock_table.index.max()))
    if base_year not in stock_table.index:
        raise DataError(
            f"no PPG debt stock for {code} in {base_year}",
            dataset=IDS,
            series="total",
            file="stocks.parquet",
        )
    return base_year, stock_table


def _record_pace(leg: LegacySchedule, rec: Provenance) -> None:
    later = [g for g, d in zip(CREDITOR_GROUPS, leg.deferred, strict=True) if d]
    rec.assume(
        "OD7 debt outstanding at the end of the last IDS year is repaid in equal annual "
        "principal instalments at a pace calibrated on the country's DSSI debt-service table "
        f"(groups: {', '.join(leg.calibrated) or 'none'}; others: the median pace across the 72 "
        "DSSI countries), with interest at the creditor group's rate (lending-terms table)"
        + (
            f"; groups whose DSSI schedule shows no principal up to {DSSI_LAST_YEAR} "
            f"({', '.join(later)}) pay interest only until then and repay in equal parts over "
            "the following years, as many as the maturity of their terms"
            if later
            else ""
        )
    )


def _target(
    mac: MacroPaths, proj: IntArray, base_year: int, total0: float, rec: Provenance
) -> FloatArray:
    """Target PPG external stock on ``proj`` years (OD8)."""
    m_idx = np.searchsorted(mac.years, proj)
    gdp_usd = mac.gdp_usd[m_idx]
    b_idx = int(np.searchsorted(mac.years, base_year))
    if mac.gross_debt_pct is not None:
        gross_usd0 = mac.gross_debt_pct[b_idx] / 100.0 * mac.gdp_usd[b_idx]
        ext_share = min(1.0, total0 / gross_usd0) if gross_usd0 > 0 else 1.0
        rec.assume(
            f"OD8 new external borrowing keeps PPG external debt at {ext_share:.1%} of the WEO "
            f"gross government debt (GGXWDG_NGDP), its share at end-{base_year} (IDS stock / "
            "WEO debt, capped at 100%); disbursements = that target minus debt still "
            "outstanding, floored at 0"
        )
        rec.source(
            "new_external_financing",
            f"{WEO}: GGXWDG_NGDP x NGDPD x external share at end-{base_year} (OD8); "
            "terms per creditor group (lending-terms table); split by recent gross lending (OD9)",
        )
        return np.asarray(ext_share * mac.gross_debt_pct[m_idx] / 100.0 * gdp_usd)
    ratio0 = total0 / mac.gdp_usd[b_idx]
    rec.assume(
        f"OD8 no WEO gross debt for this country: new external borrowing keeps PPG external "
        f"debt at {ratio0:.1%} of GDP, its ratio at end-{base_year}"
    )
    rec.source(
        "new_external_financing",
        f"IDS PPG stock / WEO GDP at end-{base_year} held (OD8); terms per creditor group",
    )
    return np.asarray(ratio0 * gdp_usd)


def _split(
    stock_table: pd.DataFrame, base_year: int, s0: FloatArray, leg: LegacySchedule,
    rec: Provenance,
) -> FloatArray:
    """Shares of new borrowing by group: implied gross lending over the last five IDS years."""
    k = len(CREDITOR_GROUPS)
    hist = stock_table.loc[base_year - 5 : base_year]
    gross: FloatArray = np.zeros(k)
    if len(hist) >= 2:
        h = hist.to_numpy(dtype=np.float64)
        amort = (np.where(leg.deferred, 0.0, leg.pace) * h[:-1]).sum(axis=0)
        gross = np.maximum(h[-1] - h[0] + amort, 0.0)
    if gross.sum() <= 0:
        gross = np.array(s0, dtype=np.float64)
    split = gross / gross.sum() if gross.sum() > 0 else np.full(k, 1.0 / k)
    rec.assume(
        "OD9 new borrowing is split across creditor groups as implied gross lending was over "
        f"{int(hist.index.min())}-{base_year} (change in stock plus estimated repayments): "
        + ", ".join(f"{g} {s:.0%}" for g, s in zip(CREDITOR_GROUPS, split, strict=True) if s > 0)
    )
    return np.asarray(split)


def _cohorts(
    leg: LegacySchedule, fund: _Fund, target: FloatArray, split: FloatArray, n_proj: int, n: int
) -> _Cohorts:
    """Disburse each year what keeps the stock at the target; their schedules on the grid."""
    terms = lending_terms()
    prof = unit_loan_profiles(
        [
            InstrumentTerms(
                g, terms[g].rate_pct / 100.0, terms[g].grace_years, terms[g].maturity_years
            )
            for g in CREDITOR_GROUPS
        ],
        n,
        0.05,  # the discount rate only sets prof.pv, which the builder does not use
    )
    k = len(CREDITOR_GROUPS)
    disb = np.zeros((k, n))
    for j in range(n_proj):  # loop over time
        # balance at end of year j of cohorts disbursed before j
        if j > 0:
            ages = j - np.arange(j)
            carried = (disb[:, :j] * prof.balance[:, ages]).sum(axis=1)
        else:
            carried = np.zeros(k)
        outstanding = float(leg.balance[:, j].sum() + fund.balance[j] + carried.sum())
        need = max(0.0, float(target[j]) - outstanding)
        disb[:, j] = need * split
    new_bal = np.zeros((k, n))
    new_pr = np.zeros((k, n))
    new_int = np.zeros((k, n))
    for j in range(n):  # loop over disbursement year (time): convolution over ages
        if not disb[:, j].any():
            continue
        rest = n - j
        new_bal[:, j:] += disb[:, j : j + 1] * prof.balance[:, :rest]
        new_pr[:, j:] += disb[:, j : j + 1] * prof.principal[:, :rest]
        new_int[:, j:] += disb[:, j : j + 1] * prof.interest[:, :rest]
    return _Cohorts(disb, new_bal, new_pr, new_int, prof)


def _existing_lines(
    leg: LegacySchedule,
    coh: _Cohorts,
    s0: FloatArray,
    grid: IntArray,
    t: int,
    last: int,
    base_year: int,
) -> tuple[list[ExistingDebtLine], dict[str, FloatArray], float]:
    """Lines outstanding at end ``t-1``: legacy debt plus cohorts disbursed before ``t``."""
    terms = lending_terms()
    n = grid.size
    jt = int(np.searchsorted(grid, t))  # index of year t on the grid
    sched_years = grid[jt:]
    existing: list[ExistingDebtLine] = []
    svc_rows: dict[str, FloatArray] = {}
    outstanding_t1 = 0.0
    for i, g in enumerate(CREDITOR_GROUPS):
        pr = leg.principal[i, jt:].copy()
        it = leg.interest[i, jt:].copy()
        for j in range(jt):  # cohorts disbursed before t (loop over time)
            if coh.disb[i, j] == 0.0:
                continue
            ages = np.minimum(np.arange(jt - j, jt - j + sched_years.size), n - 1)
            pr += coh.disb[i, j] * coh.unit.principal[i, ages]
            it += coh.disb[i, j] * coh.unit.interest[i, ages]
        bal_t1 = (leg.balance[i, jt - 1] if jt > 0 else s0[i]) + (
            coh.balance[i, jt - 1] if jt > 0 else 0.0
        )
        outstanding_t1 += bal_t1
        svc = pr + it
        keep = np.flatnonzero(svc > 1e-9)
        if bal_t1 <= 1e-9 and keep.size == 0:
            continue
        end = int(keep[-1]) + 1 if keep.size else 1
        yrs = sched_years[:end]
        borrowed = jt > 0 and coh.disb[i, :jt].sum() > 0
        existing.append(
            ExistingDebtLine(
                name=f"{GROUP_LABEL[g]} (existing)",
                creditor_group=GROUP_TYPE[g],
                group=CreditorGroup(g),
                debt_service_usd_m=as_series(svc[:end], yrs),
                principal_usd_m=as_series(pr[:end], yrs),
                source=(
                    f"{IDS} end-{base_year} stock {s0[i]:.1f} US$ m"
                    + (f" + new borrowing {base_year + 1}-{t - 1} (OD8/OD9)" if borrowed else "")
                    + (
                        "; SYNTHETIC schedule (OD7: "
                        + (
                            f"no principal in the country's DSSI table to {DSSI_LAST_YEAR}: "
                            f"interest only, then equal principal over {terms[g].maturity_years} "
                            f"years from {DSSI_LAST_YEAR + 1}"
                            if leg.deferred[i]
                            else "equal principal at the pace of the "
                            + ("country's DSSI table" if g in leg.calibrated else
                               "group's median across DSSI countries")
                        )
                        + f"), rate {terms[g].rate_pct:g}%"
                    )
                ),
            )
        )
        svc_rows[g] = svc[: last - t + 1]
    return existing, svc_rows, outstanding_t1


def _financing_lines(
    coh: _Cohorts, grid: IntArray, proj_from_t: IntArray, t: int, svc_rows: dict[str, FloatArray]
) -> list[FinancingLine]:
    """New financing from ``t`` by group; adds the service of these cohorts to ``svc_rows``."""
    terms = lending_terms()
    n = grid.size
    jt = int(np.searchsorted(grid, t))
    financing: list[FinancingLine] = []
    for i, g in enumerate(CREDITOR_GROUPS):
        d = coh.disb[i, jt : jt + proj_from_t.size]
        if d.sum() <= 1e-9:
            continue
        lt = terms[g]
        financing.append(
            FinancingLine(
                name=f"{GROUP_LABEL[g]} (new)",
                creditor_group=GROUP_TYPE[g],
                group=CreditorGroup(g),
                interest_rate_pct=lt.rate_pct,
                grace_years=lt.grace_years,
                maturity_years=lt.maturity_years,
                disbursements_usd_m=as_series(d, proj_from_t),
                market_financing=g == "bondholders",
                source=f"OD8/OD9; terms: {lt.source}",
            )
        )
        new_svc = (coh.principal[i] + coh.interest[i])[jt : jt + proj_from_t.size]
        # service of cohorts from t only (pre-t cohorts are in the existing line)
        for j in range(jt):
            if coh.disb[i, j] == 0.0:
                continue
            ages = np.minimum(np.arange(jt - j, jt - j + proj_from_t.size), n - 1)
            new_svc = new_svc - coh.disb[i, j] * (
                coh.unit.principal[i, ages] + coh.unit.interest[i, ages]
            )
        svc_rows[g] = svc_rows.get(g, np.zeros(proj_from_t.size)) + new_svc
    return financing


def _fund_line(
    fund: _Fund, grid: IntArray, t: int, last: int, base_year: int, year: int | None
) -> tuple[list[ExistingDebtLine], FloatArray, float]:
    """The IMF-credit and SDR-allocation lines (service from ``t``), their service on
    ``t … last``, their balance at end t-1."""
    jt = int(np.searchsorted(grid, t))
    bal_t1 = float(fund.balance[jt - 1]) if jt > 0 else fund.stock + fund.allocations
    pr = fund.principal[jt:]
    keep = np.flatnonzero(pr > 1e-9)
    svc = pr[: last - t + 1].copy()
    lines: list[ExistingDebtLine] = []
    if keep.size:
        end = int(keep[-1]) + 1
        yrs = grid[jt : jt + end]
        lines.append(
            ExistingDebtLine(
                name="IMF credit (PRGT terms)",
                creditor_group=GROUP_TYPE["multilateral"],
                group=CreditorGroup("multilateral"),
                debt_service_usd_m=as_series(pr[:end], yrs),
                principal_usd_m=as_series(pr[:end], yrs),
                source=(
                    f"{WDIX}: use of IMF credit (DT.DOD.DIMF.CD) end-{year} less SDR "
                    f"allocations (OD16a): {fund.stock:.1f} US$ m; PRGT terms, 0% interest, "
                    "5.5 years' grace, 10 years' maturity (OD16)"
                ),
            )
        )
    if fund.allocations > 1e-9 and fund.allocation_interest is not None:
        intr = fund.allocation_interest[jt:]
        svc = svc + intr[: last - t + 1]
        yrs = grid[jt:]
        lines.append(
            ExistingDebtLine(
                name="SDR allocations (interest only)",
                creditor_group=GROUP_TYPE["multilateral"],
                group=CreditorGroup("multilateral"),
                debt_service_usd_m=as_series(intr, yrs),
                principal_usd_m=as_series(np.zeros(intr.size), yrs),
                outstanding_usd_m=fund.allocations,
                source=(
                    f"{WDIX}: SDR allocations estimated in DT.DOD.DIMF.CD end-{year} "
                    f"{fund.allocations:.1f} US$ m (OD16a); never repaid, interest at the SDR "
                    f"rate {SDR_INTEREST_RATE_PCT:g}%"
                ),
            )
        )
    if bal_t1 <= 1e-9 or not lines:
        return [], svc, 0.0
    return lines, svc, bal_t1


def debt_paths(
    code: str,
    t: int,
    last: int,
    mac: MacroPaths,
    view: CreditorView,
    rec: Provenance,
    *,
    ex_ante: bool = False,
) -> DebtPaths:
    """Existing lines, new financing and the external stock of ``code`` (OD7-OD9, OD16).

    ``ex_ante``: the repayment pace of the existing debt is the cross-country median
    (OD7a), not the country's own DSSI schedule of 2019-2024, unless the DSSI tables were
    released before ``t`` (OD7b: ``t - 1 >= DSSI_RELEASE_YEAR``), when the decision knew them.
    """
    base_year, stock_table = _base_stocks(code, t, view)
    facts = external_facts(code, t, base_year, rec)
    s0 = stock_table.loc[base_year].to_numpy(dtype=np.float64)
    total0 = float(s0.sum()) + facts.imf_credit_usd_m
    grid = years_between(base_year + 1, last + LONG_TAIL_YEARS)
    dssi_known = not ex_ante or t - 1 >= DSSI_RELEASE_YEAR
    leg = legacy_schedule(code, s0, grid, own_pace=dssi_known)
    fund = _fund(facts.fund_credit_usd_m, grid.size, facts.sdr_allocations_usd_m)
    _record_pace(leg, rec)
    if ex_ante and not dssi_known:
        rec.assume(
            "OD7a ex ante: the country's own DSSI service table (2019-2024) contains loans "
            "signed after the decision, so each creditor group's existing debt is repaid at "
            "the median pace of that group across DSSI countries"
        )
    elif ex_ante:
        rec.assume(
            f"OD7b ex ante: the DSSI tables (released June {DSSI_RELEASE_YEAR}: service due "
            f"2019-2024 on the debt of end-2018) were public before {t}, so the country's own "
            "DSSI pace is used, as in a build that is not ex ante"
        )
    proj = grid[grid <= last]
    target = _target(mac, proj, base_year, total0, rec)
    split = _split(stock_table, base_year, s0, leg, rec)
    coh = _cohorts(leg, fund, target, split, proj.size, grid.size)
    existing, svc_rows, outstanding_t1 = _existing_lines(leg, coh, s0, grid, t, last, base_year)
    imf_lines, imf_svc, imf_t1 = _fund_line(fund, grid, t, last, base_year, facts.imf_credit_year)
    if imf_lines:
        existing.extend(imf_lines)
        outstanding_t1 += imf_t1
        svc_rows["multilateral"] = svc_rows.get(
            "multilateral", np.zeros(imf_svc.size)
        ) + imf_svc
    proj_from_t = proj[proj >= t]
    financing = _financing_lines(coh, grid, proj_from_t, t, svc_rows)
    rec.source(
        "external_debt.ppg_mlt_outstanding_usd_m",
        f"{IDS}: DT.DOD.DPPG.CD (World) end-{base_year}"
        + (f", rolled forward to end-{t - 1} (OD7-OD9)" if base_year < t - 1 else ""),
    )
    rec.source(
        "external_debt.existing_lines",
        f"{IDS}: stocks by creditor group end-{base_year}; schedules OD7; "
        + (
            "pace: median of each group across DSSI countries (OD7a)"
            if not dssi_known
            else "DSSI service due 2019-2024 calibrates the pace"
            + (" (OD7b: released before the decision)" if ex_ante else "")
        ),
    )
    total_stock = leg.balance.sum(axis=0) + fund.balance + coh.balance.sum(axis=0)
    ext = np.full(mac.years.size, np.nan)
    disb_total = np.zeros(mac.years.size)
    pos = np.searchsorted(mac.years, proj)
    ext[pos] = total_stock[: proj.size]
    ext[int(np.searchsorted(mac.years, base_year))] = total0
    disb_total[pos] = coh.disb[:, : proj.size].sum(axis=0)
    svc_frame = pd.DataFrame(
        {g: svc_rows.get(g, np.zeros(proj_from_t.size)) for g in CREDITOR_GROUPS},
        index=pd.Index(proj_from_t, name="year"),
    )
    return DebtPaths(
        existing=tuple(existing),
        outstanding_end_t1=float(outstanding_t1),
        financing=tuple(financing),
        external_stock=ext,
        disbursements=disb_total,
        service_by_group=svc_frame,
        market=bool(s0[CREDITOR_GROUPS.index("bondholders")] > 0),
        facts=facts,
    )
