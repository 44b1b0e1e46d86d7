"""The Excel briefing workbook of an assessment (``debttrap assess --xlsx``, the web app).

One sheet per question an analyst asks, every figure a number with a number
format (never text), the header row frozen, column widths set, so the sheets
read back with ``pandas.read_excel`` into the values of ``assessment.json``:

- **Summary**: the side-by-side figures (:meth:`Assessment.summary_frame`);
- **Verdict rules**: each offer's rules with value, threshold, status, source;
- **Indicators**: long format, variant × scenario × indicator × year;
- **Loans**: each loan's schedule by calendar year (US$ m);
- **Creditors**: the lender's shares of PPG external debt and service before
  and after each offer, by year; **Debt by creditor**: the reference's PPG
  external debt by creditor group;
- **Assumptions** and **Sources** (each input field, by its words and by its key
  in ``assessment.json``, with its source); **Documents cited**: the published
  documents those sources rest on, with titles and links.

The free text (rules, sources, assumptions) reads as the HTML report's does: the
model's field names in words, and the project's own reference notes, which a reader
cannot open, cited as the public documents they compile (:mod:`debttrap.report.
citations`, the same mapping). ``assessment.json`` keeps the source text as given.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from debttrap._numeric import TableGap, check_table_finite, nullable_match
from debttrap.assess import Assessment, DebtOutlook
from debttrap.cashflows import schedule
from debttrap.dsa.indicators import INDICATOR_LABELS, INDICATORS
from debttrap.report.citations import citation_context, cite_public, public_sources
from debttrap.report.words import field_label, plain_words

__all__ = ["SHEETS", "assessment_workbook"]

#: The sheets, in order.
SHEETS = ("Summary", "Verdict rules", "Indicators", "Loans", "Creditors", "Debt by creditor",
          "Assumptions", "Sources", "Documents cited")

_MONEY = "#,##0.0"
_PCT = "0.0"
_YEAR = "0"
_HEADER_FILL = PatternFill("solid", fgColor="F3F6F9")
_SCENARIOS = (("baseline", "baseline"), ("most_extreme", "most extreme shock"))
#: Lender shares by year, as ``assessment.json`` names them under ``leverage.by_year``.
_SHARE_COLUMNS = (
    ("lender_debt_share_before_pct", "Lender share of PPG external debt before, %"),
    ("lender_debt_share_after_pct", "Lender share of PPG external debt after, %"),
    ("lender_service_share_before_pct", "Lender share of external debt service before, %"),
    ("lender_service_share_after_pct", "Lender share of external debt service after, %"),
    ("offer_ppg_debt_usd_m", "Offer's PPG debt, US$ m"),
    ("offer_ppg_service_usd_m", "Offer's PPG debt service, US$ m"),
)


class _Cited:
    """Free text for people, as the HTML report words it; keeps what it saw, so the
    workbook can list the documents it cited."""

    def __init__(self, a: Assessment) -> None:
        self.context = citation_context(a.country.name, a.inputs.get("country"))
        self.seen: list[str] = []

    def __call__(self, text: str) -> str:
        self.seen.append(text)
        return cite_public(plain_words(text), self.context)


def _number(value: Any) -> Any:
    """Numbers as floats, missing numbers as empty cells; text unchanged."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        v = float(value)
        return v if math.isfinite(v) else None
    return str(value)


def _sheet(
    wb: Workbook,
    title: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    formats: Sequence[str | None],
    widths: Sequence[int],
    gaps: Sequence[TableGap] = (),
    row_labels: Sequence[str] | None = None,
) -> Worksheet:
    """A sheet with a bold frozen header, formatted number columns and set widths.

    The rows are checked first: an empty cell outside ``gaps`` (the sheet's documented
    "not defined" cells), or an infinity, is an internal error and no workbook is made.
    """
    rows = [list(r) for r in rows]
    labels = (pd.RangeIndex(2, len(rows) + 2) if row_labels is None  # the sheet's rows
              else pd.Index([f"{i} ({r})" for i, r in enumerate(row_labels, start=2)]))
    frame = pd.DataFrame(rows, columns=list(header), dtype=object, index=labels)
    check_table_finite(frame, where=f"workbook sheet '{title}'", gaps=gaps)
    ws = wb.create_sheet(title)
    ws.append(list(header))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        ws.append([_number(v) for v in row])
    for j, (fmt, width) in enumerate(zip(formats, widths, strict=True), start=1):
        letter = get_column_letter(j)
        ws.column_dimensions[letter].width = width
        if fmt is not None:
            for (cell,) in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                cell.number_format = fmt
    ws.freeze_panes = "B2"
    return ws


#: Summary measures that may be empty for any variant (docs/reliability.md): an indicator with
#: no baseline peak (not evaluated), a rise the offer does not cause, the probability of
#: distress without a stochastic run, the project's figures without a project, the lender's
#: exposure figures where the data lack a denominator (reserves, a debt stock).
SUMMARY_GAPS = ("*: peak, %", "*: rise from the offer, pp", "P(distress), %", "Project *",
                "P(project pays its debt), %", "Overrun on budget (mean), US$ m",
                "Lender share of *", "Due at once*", "Lever clauses", "Trap risk")
#: Summary measures of an offer, empty in the reference column (it has no offer).
SUMMARY_OFFER_ONLY = ("Loans, US$ m", "Grants, US$ m", "Grant element *",
                      "PV of debt service at 5%, US$ m")


def _summary(wb: Workbook, a: Assessment) -> None:
    frame = a.summary_frame()
    header = ["Measure", *[str(c) for c in frame.columns]]
    rows = [[str(idx), *row.tolist()] for idx, row in frame.iterrows()]
    measures = [str(idx) for idx in frame.index]

    def rows_of(patterns: tuple[str, ...]) -> NDArray[np.bool_]:
        return np.array([nullable_match(m, patterns) for m in measures], dtype=bool)

    gaps: list[TableGap] = [("*", rows_of(SUMMARY_GAPS)),
                            (str(frame.columns[0]), rows_of(SUMMARY_OFFER_ONLY))]
    _sheet(wb, "Summary", header, rows, [None] + [_MONEY] * frame.shape[1],
           [42] + [24] * frame.shape[1], gaps, row_labels=measures)


def _rules(wb: Workbook, a: Assessment, cited: _Cited) -> None:
    rows = [
        [o.name, c.rule, cited(c.title), c.status, c.severity, c.value, c.threshold,
         cited(c.detail), cited(c.source)]
        for o in a.offers for c in o.verdict.checks
    ]
    _sheet(wb, "Verdict rules",
           ["Offer", "Rule", "Title", "Status", "Severity", "Value", "Threshold", "Detail",
            "Source"],
           rows, [None, None, None, None, None, "0.0##", None, None, None],
           [30, 24, 36, 14, 10, 10, 28, 70, 50])


def _outlooks(a: Assessment) -> list[tuple[str, DebtOutlook]]:
    return [(a.reference.label, a.reference), *[(o.name, o.outlook) for o in a.offers]]


def _indicators(wb: Workbook, a: Assessment) -> None:
    rows: list[list[Any]] = []
    for name, outlook in _outlooks(a):
        years = outlook.years
        for key, scenario in _SCENARIOS:
            for ind in INDICATORS:
                path = outlook.path(ind.value, key)
                thr = outlook.threshold(ind.value)
                rows.extend(
                    [name, scenario, INDICATOR_LABELS[ind], ind.value, int(y), float(v), thr]
                    for y, v in zip(years, path, strict=True)
                )
    _sheet(wb, "Indicators",
           ["Variant", "Scenario", "Indicator", "Indicator key", "Year", "Value, %",
            "Threshold, %"],
           rows, [None, None, None, None, _YEAR, _PCT, _PCT], [34, 20, 44, 34, 8, 12, 12])


def _loans(wb: Workbook, a: Assessment) -> None:
    rows = []
    columns = ("disbursement", "interest", "principal", "management_fee", "commitment_fee",
               "insurance", "debt_service", "balance")
    for o in a.offers:
        for loan in o.offer.loans_in_usd():
            by_year = schedule(loan).by_year()
            for year, r in by_year.iterrows():
                rows.append([o.name, loan.name, int(str(year)),
                             *[float(r[c]) for c in columns]])
    _sheet(wb, "Loans",
           ["Offer", "Loan", "Year", "Disbursement, US$ m", "Interest, US$ m",
            "Principal, US$ m", "Management fee, US$ m", "Commitment fee, US$ m",
            "Insurance premium, US$ m", "Debt service, US$ m", "Balance at year end, US$ m"],
           rows, [None, None, _YEAR, *[_MONEY] * len(columns)],
           [30, 36, 8, 14, 14, 14, 14, 14, 14, 14, 16])


def _creditors(wb: Workbook, a: Assessment) -> None:
    rows = []
    for o in a.offers:
        ex = o.exposure.to_frame()
        for year, r in ex.iterrows():
            rows.append([o.name, o.offer.lender.name, int(str(year)),
                         *[float(r[key]) for key, _ in _SHARE_COLUMNS]])
    _sheet(wb, "Creditors",
           ["Offer", "Lender", "Year", *[label for _, label in _SHARE_COLUMNS]],
           rows, [None, None, _YEAR, *[_PCT] * 4, _MONEY, _MONEY],
           [30, 30, 8, 16, 16, 16, 16, 14, 14],
           # a share has no value in a year its denominator (the debt or its service by
           # creditor) is not known or zero; assessment.json has null there
           [("Lender share of *", None)])
    debt = a.creditor_debt_usd_m
    service = a.creditor_service_usd_m
    long = []
    for creditor in debt.columns:
        for year, value in debt[creditor].items():
            svc = service[creditor].get(year) if creditor in service.columns else None
            long.append([str(creditor), int(str(year)), float(value), svc])
    _sheet(wb, "Debt by creditor",
           ["Creditor group", "Year", "PPG external debt at year end, US$ m",
            "Debt service, US$ m"],
           long, [None, _YEAR, _MONEY, _MONEY], [28, 8, 20, 16])


def _notes(wb: Workbook, a: Assessment, cited: _Cited) -> None:
    _sheet(wb, "Assumptions", ["Assumption"],
           [[cited(x)] for x in (*a.assumptions, *a.notes)], [None], [140])
    offers = [(o.name, [ln.name for ln in o.offer.loans]) for o in a.offers]
    _sheet(wb, "Sources", ["Input", "Field", "Source"],
           [[field_label(k, offers), k, cited(v)] for k, v in a.sources.items()],
           [None, None, None], [50, 40, 110])
    docs = public_sources(cited.seen, cited.context)
    ws = _sheet(wb, "Documents cited", ["Cited as", "Document", "Link"],
                [[d.short, d.title, d.url] for d in docs]
                or [["", "No published document is cited by name in the inputs.", ""]],
                [None, None, None], [34, 110, 60])
    for (cell,) in ws.iter_rows(min_row=2, min_col=3, max_col=3):
        if cell.value:
            cell.hyperlink = str(cell.value)
            cell.style = "Hyperlink"


def assessment_workbook(a: Assessment) -> bytes:
    """The workbook as ``.xlsx`` bytes (write them where you like)."""
    wb = Workbook()
    default = wb.active
    if default is not None:
        wb.remove(default)
    cited = _Cited(a)
    _summary(wb, a)
    _rules(wb, a, cited)
    _indicators(wb, a)
    _loans(wb, a)
    _creditors(wb, a)
    _notes(wb, a, cited)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
