"""The book's report: one self-contained HTML page and an Excel workbook.

Sections and sheets: the summary; exposure by country (a map drawn from the bundled country
shapes, so the page needs no network, the borrowers it cannot draw listed under it, and a bar
chart coloured by risk rating); borrowers by risk; debt service at
risk by year; the loans adding most to the book's risk; which lenders a borrower's distress
would hit (every borrower, exposure by lender). An estimated book says ESTIMATED in the
title of the page and of every sheet's first row.
"""

from __future__ import annotations

import io
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from openpyxl import Workbook
from openpyxl.styles import Font

from debttrap import __version__
from debttrap._numeric import TableGap, check_table_finite
from debttrap.portfolio.book import Book
from debttrap.portfolio.compute import NOT_ASSESSED_COLUMNS, PortfolioResult
from debttrap.report.html import Figure, Section, Table, render_page
from debttrap.report.world_map import MAP_CONFIG, exposure_by_country, exposure_map

__all__ = ["lenders_by_borrower", "portfolio_html", "portfolio_workbook"]

_TOP_LOANS = 25


def lenders_by_borrower(book: Book) -> pd.DataFrame:
    """Exposure (outstanding plus undisbursed, US$ m) by borrower and lender, with shares."""
    loans = book.loans
    loans["exposure_usd_m"] = loans["outstanding_usd_m"] + loans["undisbursed_usd_m"]
    loans["borrower_iso3"] = loans["borrower_iso3"].replace("", "(regional)")
    g = loans.groupby(["borrower_iso3", "lender"], sort=True)["exposure_usd_m"].sum()
    frame = g.reset_index()
    total = frame.groupby("borrower_iso3")["exposure_usd_m"].transform("sum")
    frame["share_of_borrower"] = frame["exposure_usd_m"] / total
    return frame.sort_values(["borrower_iso3", "exposure_usd_m"], ascending=[True, False])


def _title(res: PortfolioResult) -> str:
    est = " (ESTIMATED)" if res.estimated and "ESTIMATED" not in res.book else ""
    return f"Book {res.book}{est}: exposure and risk under stress"


def _fmt(frame: pd.DataFrame, money: tuple[str, ...] = (), pct: tuple[str, ...] = ()
         ) -> pd.DataFrame:
    out = frame.copy()
    for c in money:
        out[c] = out[c].map(lambda v: "–" if pd.isna(v) else f"{v:,.1f}")
    for c in pct:
        out[c] = out[c].map(lambda v: "–" if pd.isna(v) else f"{100 * v:.1f}%")
    return out


def portfolio_html(res: PortfolioResult, book: Book) -> str:
    """The report page (self-contained; plotly embedded once)."""
    summary = pd.DataFrame({"value": [
        f"{float(res.borrowers['exposure_usd_m'].sum()):,.0f}", str(len(res.borrowers)),
        ("no borrower assessed" if pd.isna(res.exposure_weighted_prob_distress)
         else f"{100 * res.exposure_weighted_prob_distress:.1f}%"),
        f"{res.expected_shortfall_usd_m:,.0f}", f"{100 * res.tail:g}%",
        f"{res.hhi:.3f}", f"{100 * res.top_shares['1']:.1f}%",
        f"{100 * res.top_shares['5']:.1f}%", f"{res.n_paths:,} (seed {res.seed})",
    ]}, index=pd.Index([
        "exposure, US$ m", "borrowers", "exposure-weighted probability of a sustained breach",
        "expected shortfall of debt service at risk, US$ m", "tail", "concentration (HHI)",
        "top borrower's share", "top five borrowers' share", "paths per borrower"], name=""))
    b = res.borrowers
    bar = go.Figure(go.Bar(x=list(b.index), y=b["exposure_usd_m"],
                           marker_color=["#b2182b" if r in ("high", "in_distress") else
                                         "#ef8a62" if r == "moderate" else
                                         "#67a9cf" if r == "low" else "#999999"
                                         for r in b["rating"]]))
    bar.update_layout(yaxis_title="US$ m", height=380, margin={"t": 20})
    world = exposure_map(b)
    years = res.to_frame()
    fan = go.Figure()
    for col, name in (("debt_service_usd_m", "contractual debt service"),
                      ("dsar_p50_usd_m", "at risk: median path"),
                      ("dsar_p95_usd_m", "at risk: 95th percentile"),
                      ("dsar_p99_usd_m", "at risk: 99th percentile")):
        fan.add_trace(go.Scatter(x=list(years.index), y=years[col], name=name, mode="lines"))
    # the legend under the plot, so that on a phone it does not take the plot's width
    fan.update_layout(yaxis_title="US$ m", height=420, margin={"t": 20, "r": 20},
                      legend={"orientation": "h", "yanchor": "top", "y": -0.12})
    top = res.contributions.head(_TOP_LOANS).set_index("loan_id")
    lenders = res.lenders_hit().set_index(["borrower_iso3", "lender"])
    sections = [
        Section("Summary", items=(Table("The book", summary),)),
        Section("Exposure by country", items=(
            Figure("Outstanding plus undisbursed by borrower, US$ m (grey: no exposure; "
                   "hover for the LIC-DSF risk rating)", world.figure,
                   note="Country shapes: Natural Earth, 1:110m (public domain).",
                   config=MAP_CONFIG, fluid=True),
            *((Table("Borrowers not on the map (no shape at this scale, or no country)",
                     _fmt(world.not_drawn, ("exposure_usd_m",))),)
              if len(world.not_drawn) else ()),
            Figure("Outstanding plus undisbursed by borrower (colour: LIC-DSF risk rating; "
                   "grey: not assessed)", bar, fluid=True),
        )),
        Section("Borrowers by risk", items=(
            Table("Exposure by risk rating", _fmt(res.by_risk(), ("exposure_usd_m",),
                                                  ("share",))),
            Table("Borrowers", _fmt(b, ("exposure_usd_m",), ("prob_distress",))),
        )),
        Section("Debt service at risk by year", items=(Figure(
            "Contractual debt service and its part owed by borrowers in distress, quantiles "
            "over paths", fan, fluid=True),)),
        Section("Loans adding most to the book's risk", items=(Table(
            f"Top {_TOP_LOANS} loans by contribution to the expected shortfall (Euler)",
            _fmt(top, ("exposure_usd_m", "contribution_usd_m"), ("contribution_share",))),)),
        Section("Which lenders a borrower's distress would hit", items=(Table(
            "Every borrower's lenders: exposure, its share of what the borrower owes the book "
            "and of the lender's own book, the lender's debt service from it at risk (mean "
            "over paths, all years) and its part of the book's expected shortfall",
            _fmt(lenders, ("exposure_usd_m", "expected_at_risk_usd_m", "contribution_usd_m"),
                 ("share_of_borrower", "share_of_lender"))),)),
    ]
    return render_page(_title(res), sections, subtitle=book.source, version=__version__)


#: The workbook's documented empty cells by sheet (docs/reliability.md): a borrower the
#: bundled data cannot assess has no probability of distress, and then neither may the book.
GAPS: dict[str, tuple[tuple[str, str | None], ...]] = {
    "Summary": (("value", "exposure_weighted_prob_distress"),),
    "Borrowers": tuple((c, None) for c in NOT_ASSESSED_COLUMNS),
}


def _sheet(wb: Workbook, title: str, frame: pd.DataFrame, heading: str) -> None:
    gaps: list[TableGap] = []
    for column, item in GAPS.get(title, ()):
        rows = None if item is None else (frame["item"] == item).to_numpy()
        gaps.append((column, rows))
    numbered = frame.set_axis(pd.RangeIndex(3, len(frame) + 3))  # the sheet's row numbers
    check_table_finite(numbered, where=f"workbook sheet '{title}'", gaps=gaps)
    ws = wb.create_sheet(title)
    ws.append([heading])
    ws["A1"].font = Font(bold=True)
    ws.append([str(c) for c in frame.columns])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in frame.itertuples(index=False):
        ws.append([_cell(v) for v in row])
    ws.freeze_panes = "A3"


def _cell(v: Any) -> Any:
    if v is None or (isinstance(v, float) and v != v):
        return None
    if hasattr(v, "item"):
        return v.item()
    return v


def portfolio_workbook(res: PortfolioResult, book: Book) -> bytes:
    """The Excel workbook: Summary, By year, Borrowers, Exposure by country, Loans, Lenders
    by borrower."""
    wb = Workbook()
    default = wb.active
    if default is not None:
        wb.remove(default)
    head = _title(res)
    summary = pd.DataFrame({"item": list(res.summary()),
                            "value": [str(v) if isinstance(v, str | bool) else v
                                      for v in res.summary().values()]})
    _sheet(wb, "Summary", summary, head)
    _sheet(wb, "By year", res.to_frame().reset_index(), head + " — US$ m by year")
    _sheet(wb, "Borrowers", res.borrowers.reset_index(), head + " — borrowers")
    by_country = exposure_by_country(res.borrowers).drop(columns="map_iso3").reset_index()
    by_country["on_map"] = by_country["on_map"].map({True: "yes", False: "no"})
    _sheet(wb, "Exposure by country", by_country, head + " — exposure by country (the "
           "report's map; 'no': no shape at 1:110m, or no country)")
    _sheet(wb, "Loans", res.contributions, head + " — every loan's contribution")
    _sheet(wb, "Lenders by borrower", res.lenders_hit(), head + " — which lenders a "
           "borrower's distress would hit")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
