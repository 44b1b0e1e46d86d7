"""Standalone chart pages of indicator panels (``dsa --out``, ``simulate --out``).

A plotly figure of panels in a grid (three across) becomes one self-contained HTML
page (plotly.js inlined, nothing fetched) that also reads on a phone: below
:data:`NARROW_PX` the same traces are laid out one panel a row, the chart as wide as
the screen, the titles wrapped to its width and the legend under the panels, and the
page switches back when the window widens again. Only the layout changes; the traces
(the numbers) are the same in both.
"""

from __future__ import annotations

import copy
import html
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = ["NARROW_PX", "panel_page", "wrap_title"]

#: Below this window width (CSS px) the panels stand one a row: three across need about
#: 210 px each beside the legend for their wrapped titles.
NARROW_PX = 1100
#: Height of one panel's plot area on a narrow screen, px.
_PANEL_PX = 250
#: Room between two panels on a narrow screen (the title lines, the year ticks), px.
_GAP_PX = 110
#: Characters per line of a wrapped title on a narrow screen (13 px type in about 340 px).
_NARROW_CHARS = 44
_LINE_PX = 18
#: Room for plotly's tool bar above the title on a narrow screen, px.
_BAR_PX = 34
#: Characters per line of a panel's title, and of the page's title, three panels across.
_WIDE_CHARS = 30
_WIDE_TITLE_CHARS = 110


def wrap_title(text: str, width: int) -> str:
    """``text`` in lines of about ``width`` characters, ``<br>`` between (existing breaks kept)."""
    lines: list[str] = []
    for part in text.split("<br>"):
        start = len(lines)
        for word in part.split():
            if len(lines) > start and len(lines[-1]) + 1 + len(word) <= width:
                lines[-1] += " " + word
            else:
                lines.append(word)
    return "<br>".join(lines)


def _legend_px(data: list[dict[str, Any]]) -> int:
    """Height of a vertical legend: the entries shown, the group titles and their gaps."""
    shown = [t for t in data if t.get("showlegend", True) is not False]
    groups = {t.get("legendgroup") for t in shown if t.get("legendgrouptitle")}
    return int(_LINE_PX * (len(shown) + len(groups)) + 10 * len(groups) + 15)


def _lines(text: str) -> int:
    return text.count("<br>") + 1 if text else 0


def _wide_layout(layout: dict[str, Any], panels: int) -> dict[str, Any]:
    """The grid as drawn, its titles wrapped so that panels side by side keep them apart."""
    out = copy.deepcopy(layout)
    title = out.get("title", {}).get("text", "")
    if title:
        out["title"] = {**out["title"], "text": wrap_title(title, _WIDE_TITLE_CHARS),
                        "yanchor": "top", "yref": "container"}
    notes = out.get("annotations", [])
    for note in notes[:panels]:
        note.update(text=wrap_title(note.get("text", ""), _WIDE_CHARS),
                    font={**note.get("font", {}), "size": 13})
    panel_lines = max((_lines(n.get("text", "")) for n in notes[:panels]), default=0)
    top = 30 + _lines(out.get("title", {}).get("text", "")) * 22 + panel_lines * _LINE_PX
    out["margin"] = {**out.get("margin", {}), "t": top}
    out["height"] = height = int(out.get("height", 750)) + max(top - 100, 0)
    if title:  # its first line clear of the top of the page
        out["title"]["y"] = 1 - 24 / height
    return out


def _narrow_layout(layout: dict[str, Any], data: list[dict[str, Any]],
                   panels: int) -> dict[str, Any]:
    """The figure's layout with its ``panels`` panels one a row (one column)."""
    out = copy.deepcopy(layout)
    title = out.get("title", {}).get("text", "")
    title = wrap_title(title, _NARROW_CHARS - 6)
    top = _BAR_PX + _lines(title) * _LINE_PX + 10 + 3 * _LINE_PX  # the first panel's title
    legend_px = _legend_px(data)
    bottom = legend_px + 40  # the last panel's year labels, then the legend
    plot_px = panels * _PANEL_PX + (panels - 1) * _GAP_PX
    step = (_PANEL_PX + _GAP_PX) / plot_px
    height = int(top + plot_px + bottom)
    out.update(height=height, autosize=True,
               margin={"l": 50, "r": 12, "t": int(top), "b": int(bottom)})
    if title:  # under the chart's tool bar, above the first panel's title
        out["title"] = {**out["title"], "text": title, "font": {"size": 14}, "x": 0,
                        "xanchor": "left", "xref": "container", "pad": {"l": 8},
                        "y": 1 - _BAR_PX / height, "yanchor": "top", "yref": "container"}
    out.pop("width", None)
    axes = sorted({k[5:] for k in out if k.startswith("xaxis")}, key=lambda s: int(s or 1))
    for i, suffix in enumerate(axes):
        x, y = out[f"xaxis{suffix}"], out.get(f"yaxis{suffix}", {})
        if i >= panels:  # an empty cell of the grid: not drawn on a phone
            x.update(visible=False, domain=[0, 0.01])
            y.update(visible=False, domain=[0, 0.01])
            continue
        hi = 1 - i * step
        x["domain"] = [0.0, 1.0]
        y["domain"] = [max(hi - _PANEL_PX / plot_px, 0.0), hi]
        if isinstance(x.get("dtick"), int | float):
            x["dtick"] = 2 * x["dtick"]  # half the year labels in a third of the width
    for i, note in enumerate(out.get("annotations", [])[:panels]):  # the panels' titles
        note.update(text=wrap_title(note.get("text", ""), _NARROW_CHARS), x=0.0,
                    xanchor="left", y=1 - i * step, yanchor="bottom", align="left",
                    font={**note.get("font", {}), "size": 13})
    out["legend"] = {**out.get("legend", {}), "orientation": "v", "x": 0, "xanchor": "left",
                     "y": 0, "yanchor": "bottom", "yref": "container",
                     "font": {"size": 12}}
    return out


def _script_json(value: Any) -> str:
    """JSON safe inside a ``<script>`` element."""
    return json.dumps(value, separators=(",", ":")).replace("</", "<\\/")


def panel_page(fig: go.Figure, *, panels: int, title: str) -> str:
    """``fig`` (``panels`` panels made with ``make_subplots``, their titles first among its
    annotations) as one self-contained HTML page that fits any screen width."""
    from plotly.offline import get_plotlyjs

    spec = json.loads(fig.to_json())
    data: list[dict[str, Any]] = spec["data"]
    layout: dict[str, Any] = spec["layout"]
    layout.pop("width", None)
    layout["autosize"] = True
    wide = _wide_layout(layout, panels)
    narrow = _narrow_layout(layout, data, panels)
    config = {"responsive": True, "displaylogo": False}
    script = (
        "(function () {\n"
        f'  const layouts = {{"wide": {_script_json(wide)}, "narrow": {_script_json(narrow)}}};\n'
        f"  const config = {_script_json(config)};\n"
        f'  const phone = window.matchMedia("(max-width: {NARROW_PX}px)");\n'
        '  const chart = document.getElementById("chart");\n'
        "  function layout() {\n"
        '    const l = JSON.parse(JSON.stringify(layouts[phone.matches ? "narrow" : "wide"]));\n'
        '    chart.style.height = l.height + "px";\n'
        "    return l;\n"
        "  }\n"
        f"  Plotly.newPlot(chart, {_script_json(data)}, layout(), config)\n"
        '    .then(() => phone.addEventListener("change",\n'
        "      () => Plotly.react(chart, chart.data, layout(), config)));\n"
        "})();\n"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n"
        "<style>html, body { margin: 0; padding: 0; background: #fff; }\n"
        "#chart { width: 100%; max-width: 100vw; }</style>\n"
        f'<script type="text/javascript">{get_plotlyjs()}</script>\n'
        '</head>\n<body>\n<div id="chart" class="plotly-graph-div"></div>\n'
        f"<script>\n{script}</script>\n</body>\n</html>\n"
    )
