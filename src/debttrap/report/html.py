"""A self-contained HTML page from sections of text, tables and plotly figures.

The page embeds plotly.js once (no network needed to open it) and is
rendered with jinja2 from ``templates/page.html.j2``.
"""

from __future__ import annotations

import html as _html
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import jinja2
import pandas as pd

__all__ = ["Figure", "Section", "Table", "render_page", "table_html"]

#: A cell that reads as a number: digits with separators, signs, %, arrows, a year note.
_NUMBERISH = re.compile(r"^[\s\u00a0]*(?:US\$\s*)?[-−+]?[\d,]*\.?\d+(?:[\s\u00a0]*(?:%|[/→]|"
                        r"[-−+]?[\d,]*\.?\d+|\(\d{4}\)|\(\d+\)|◆|pp|x))*[\s\u00a0]*$")
#: Cells that say "no value" and so do not decide a column's alignment.
_NEUTRAL = {"", "–", "-", "n/a", "nan", "none"}


def _cell_text(value: object) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10_000:
        return f"{value:,}"
    return str(value)


def _neutral(cell: str) -> bool:
    t = cell.strip().lower()
    return t in _NEUTRAL or t.startswith("n/a")


def _kinds(cells: list[str]) -> list[str]:
    """Each cell's alignment: numbers right, words left; "no value" cells follow the column."""
    numeric = [bool(_NUMBERISH.match(c)) for c in cells]
    valued = [n for c, n in zip(cells, numeric, strict=True) if not _neutral(c)]
    column = "num" if valued and all(valued) else "text"
    return [column if _neutral(c) else ("num" if n else "text")
            for c, n in zip(cells, numeric, strict=True)]


def table_html(frame: pd.DataFrame) -> str:
    """``frame`` as one HTML table: one header row, row labels left, numbers right-aligned.

    A default 0, 1, 2… index is not shown; a named index becomes the first column with
    its name as the header (no second header row).
    """
    shown = frame
    if isinstance(frame.index, pd.RangeIndex) and frame.index.name is None:
        labels: list[str] | None = None
        corner = ""
    else:
        labels = [_cell_text(v) for v in frame.index]
        corner = "" if frame.index.name is None else str(frame.index.name)
    columns = [str(c) for c in shown.columns]
    cells = [[_cell_text(v) for v in shown[c].tolist()] for c in shown.columns]
    kinds = [_kinds(col) for col in cells]
    heads = ["num" if all(k == "num" for k in col) and col else "text" for col in kinds]
    e = _html.escape
    out = ['<table class="data"><thead><tr>']
    if labels is not None:
        out.append(f'<th class="text" scope="col">{e(corner)}</th>')
    out += [f'<th class="{k}" scope="col">{e(c)}</th>' for c, k in zip(columns, heads,
                                                                         strict=True)]
    out.append("</tr></thead><tbody>")
    for r in range(len(shown)):
        out.append("<tr>")
        if labels is not None:
            out.append(f'<th class="text" scope="row">{e(labels[r])}</th>')
        out += [f'<td class="{kind[r]}">{e(col[r])}</td>'
                for col, kind in zip(cells, kinds, strict=True)]
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


@dataclass(frozen=True)
class Table:
    """A table with a caption; ``frame`` is shown as it is (format numbers first)."""

    caption: str
    frame: pd.DataFrame
    note: str = ""


@dataclass(frozen=True)
class Figure:
    """A plotly figure with a caption."""

    caption: str
    figure: Any  # plotly.graph_objects.Figure
    note: str = ""
    #: plotly config added to the page's (a map's ``topojsonURL``, for one)
    config: Mapping[str, Any] = field(default_factory=dict)
    #: True: a single-panel chart that shrinks to the page's width, down to a phone's; False:
    #: the chart keeps 560 px (panels side by side stay legible) and scrolls sideways in its box
    fluid: bool = False


@dataclass(frozen=True)
class Section:
    title: str
    intro: str = ""
    items: Sequence[Table | Figure | str] = field(default_factory=tuple)
    anchor: str = ""


def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("debttrap.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_page(
    title: str,
    sections: Sequence[Section],
    *,
    subtitle: str = "",
    summary_html: str = "",
    generated_on: date | None = None,
    version: str = "",
) -> str:
    """Render the page; every figure after the first reuses the embedded plotly.js."""
    rendered: list[dict[str, Any]] = []
    first_fig = True
    for i, section in enumerate(sections):
        items: list[dict[str, str]] = []
        for item in section.items:
            if isinstance(item, Table):
                html = table_html(item.frame)
                items.append(
                    {"kind": "table", "caption": item.caption, "html": html, "note": item.note}
                )
            elif isinstance(item, Figure):
                html = item.figure.to_html(
                    full_html=False, include_plotlyjs="inline" if first_fig else False,
                    config={"responsive": True, "displaylogo": False, **item.config},
                    default_width="100%",
                )
                first_fig = False
                items.append(
                    {"kind": "figure", "caption": item.caption, "html": html, "note": item.note,
                     "plot_class": "plot fluid" if item.fluid else "plot"}
                )
            else:
                items.append({"kind": "text", "caption": "", "html": str(item), "note": ""})
        rendered.append(
            {
                "title": section.title,
                "intro": section.intro,
                "items": items,
                "anchor": section.anchor or f"s{i}",
            }
        )
    template = _env().get_template("page.html.j2")
    return template.render(
        title=title,
        subtitle=subtitle,
        summary_html=summary_html,
        sections=rendered,
        generated_on=(generated_on or date.today()).isoformat(),
        version=version,
    )
