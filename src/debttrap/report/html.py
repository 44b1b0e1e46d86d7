"""A self-contained HTML page from sections of text, tables and plotly figures.

The page embeds plotly.js once (no network needed to open it) and is
rendered with jinja2 from ``templates/page.html.j2``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import jinja2
import pandas as pd

__all__ = ["Figure", "Section", "Table", "render_page"]


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
                html = item.frame.to_html(classes="data", border=0, na_rep="–", escape=True)
                items.append(
                    {"kind": "table", "caption": item.caption, "html": html, "note": item.note}
                )
            elif isinstance(item, Figure):
                html = item.figure.to_html(
                    full_html=False, include_plotlyjs="inline" if first_fig else False,
                    config={"responsive": True, "displaylogo": False},
                    default_width="100%",
                )
                first_fig = False
                items.append(
                    {"kind": "figure", "caption": item.caption, "html": html, "note": item.note}
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
