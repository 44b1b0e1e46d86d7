"""Compact HTML views of results for notebooks (``_repr_html_``).

A notebook shows an object's ``_repr_html_``; these views are summaries — a
heading, the few figures that matter and a small table — never the whole
result (``to_frame()`` and ``to_dict()`` hold everything). Plain HTML with
inline styles, escaped, no scripts.
"""

from __future__ import annotations

import html
import math
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from debttrap.assess import Assessment
    from debttrap.cashflows.schedule import Schedule
    from debttrap.country.model import Country
    from debttrap.dsa.run import DSAResult

__all__ = [
    "assessment_html_summary",
    "country_html_summary",
    "dsa_html_summary",
    "frame_html",
    "schedule_html_summary",
]

_RISK_COLOURS = {"low": "#2e7d32", "moderate": "#b26a00", "high": "#b3261e",
                 "in_distress": "#b3261e"}
_TABLE = "border-collapse:collapse;font-size:12px"
_CELL = "border:1px solid #d9dee4;padding:2px 6px"


def _e(text: Any) -> str:
    return html.escape(str(text))


def _cell(value: Any, digits: int) -> tuple[str, str]:
    """(text, alignment) of one cell: numbers right-aligned with separators, text left."""
    if isinstance(value, bool) or value is None or not isinstance(value, int | float):
        return ("–" if value is None else str(value)), "left"
    v = float(value)
    if not math.isfinite(v):
        return "–", "right"
    if isinstance(value, int) or abs(v) >= 1000:
        return f"{v:,.0f}", "right"
    return f"{v:,.{digits}f}", "right"


def frame_html(frame: pd.DataFrame, *, digits: int = 1, max_rows: int = 30) -> str:
    """A small table: the index as the first column, numbers right, text left, rows capped."""
    shown = frame if len(frame) <= max_rows else frame.iloc[:max_rows]
    head = "".join(
        f'<th style="{_CELL};text-align:left">{_e(c)}</th>'
        for c in [frame.index.name or "", *frame.columns]
    )
    rows = []
    for idx, row in shown.iterrows():
        cells = [f'<td style="{_CELL};text-align:left">{_e(idx)}</td>']
        for v in row:
            text, align = _cell(v, digits)
            cells.append(f'<td style="{_CELL};text-align:{align}">{_e(text)}</td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    more = (
        f'<div style="color:#5b6876;font-size:11px">first {max_rows} of {len(frame)} rows; '
        "the rest in <code>to_frame()</code></div>"
        if len(frame) > max_rows else ""
    )
    return (f'<table style="{_TABLE}"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>{more}")


def _risk(word: str) -> str:
    colour = _RISK_COLOURS.get(word, "#1d2733")
    return f'<b style="color:{colour}">{_e(word)}</b>'


def assessment_html_summary(a: Assessment) -> str:
    """The scenario, each offer's verdict with the rules that fired, the side-by-side table."""
    parts = [
        f"<div><b>{_e(a.scenario_name)}</b> — {_e(a.country.name)}, projections from "
        f"{a.country.t}; without any offer the external risk is "
        f"{_risk(a.reference.rating_external)}</div><ul>"
    ]
    for o in a.offers:
        fired = "; ".join(c.title for c in o.verdict.reasons) or "no rule fired"
        parts.append(f"<li>{_risk(o.verdict.trap_risk.value)} trap risk — {_e(o.name)} "
                     f"<span style='color:#5b6876'>({_e(fired)})</span></li>")
    parts.append("</ul>")
    parts.append(frame_html(a.summary_table(), max_rows=40))
    parts.append('<div style="color:#5b6876;font-size:11px">Numbers: '
                 "<code>summary_frame()</code>; everything: <code>to_dict()</code>.</div>")
    return "".join(parts)


def dsa_html_summary(r: DSAResult) -> str:
    """The rating, the capacity class and each indicator's peak against its threshold."""
    from debttrap.dsa.indicators import INDICATOR_LABELS, INDICATORS

    rating = r.rating
    window = rating.window_years
    rows = {}
    for ind in INDICATORS:
        base = pd.Series(r.indicator_path(ind.value), index=r.years).loc[list(window)]
        stress = pd.Series(r.indicator_path(ind.value, "most_extreme"),
                           index=r.years).loc[list(window)]
        mx = rating.most_extreme.get(ind)
        rows[INDICATOR_LABELS[ind]] = {
            "threshold, %": float(r.thresholds[ind.value]),
            "baseline peak, %": float(base.max()),
            "most extreme shock": "none" if mx is None else str(mx.value),
            "shock peak, %": float(stress.max()) if stress.notna().any() else float("nan"),
        }
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = f"peaks {min(window)}-{max(window)}"
    return (
        f"<div><b>LIC-DSF: {_e(r.country)}</b>, from {r.first_projection_year}; external "
        f"risk {_risk(rating.external.value)}, overall {_risk(rating.overall.value)}; "
        f"debt-carrying capacity {_e(r.capacity.classification.value)}</div>"
        + frame_html(frame)
    )


def schedule_html_summary(s: Schedule) -> str:
    """The loan, its totals and its flows by calendar year."""
    name = s.loan.name if s.loan is not None and s.loan.name else "loan"
    currency = s.loan.currency if s.loan is not None else ""
    totals = ", ".join(f"{k.replace('_', ' ')} {v:,.1f}" for k, v in s.totals().items())
    return (f"<div><b>{_e(name)}</b> — millions {_e(currency)}; totals: {_e(totals)}</div>"
            + frame_html(s.by_year(), max_rows=40))


def country_html_summary(c: Country) -> str:
    """The country's projection years, its main macro figures in t and its debt lines."""
    t = c.t
    macro = c.macro
    figures = {
        "Nominal GDP, US$ m": macro.nominal_gdp_usd_m.get(t),
        "Exports, US$ m": macro.exports_usd_m.get(t),
    }
    lines = c.external_debt.existing_lines
    rows = pd.DataFrame(
        {"value": [float("nan") if v is None else float(v) for v in figures.values()]},
        index=pd.Index(list(figures), name=f"in {t}"),
    )
    return (
        f"<div><b>{_e(c.name)}</b>: projections {t}-{c.last_year}; {len(lines)} existing "
        f"external debt lines, {len(c.new_external_financing)} new-financing lines, "
        f"{len(c.new_loans)} new loans</div>" + frame_html(rows)
    )
