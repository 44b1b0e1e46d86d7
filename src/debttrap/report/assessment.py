"""The assessment report: one self-contained HTML page for a minister's desk.

:func:`assessment_html` turns an :class:`~debttrap.assess.Assessment` into the
page (via :func:`debttrap.report.html.render_page`): a headline per offer
(verdict and the numbers behind it), the side-by-side table, debt indicators
against their thresholds, breach and distress probabilities, creditor
composition before and after, project cost and debt-service cover, the clause
profile beside "How China Lends", every verdict rule with its numbers, the
conditions attached to each offer, and the sources of every input.
"""

from __future__ import annotations

import html
import math
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from debttrap._numeric import format_number as _num
from debttrap.assess import Assessment, OfferAssessment, StochasticOutlook
from debttrap.dsa.indicators import INDICATOR_LABELS, INDICATORS
from debttrap.leverage.exposure import ExposureSummary
from debttrap.report.citations import citation_context, cite_public, public_sources
from debttrap.report.html import Figure, Section, Table, render_page
from debttrap.report.words import GLOSSARY, field_label, lower_first, name_label, plain_words

__all__ = [
    "assessment_html",
    "assessment_sections",
    "headline_html",
    "indicator_figure",
    "offer_fan_figure",
    "probability_figure",
]

_REF_COLOR = "#5b6876"
_PALETTE = ("#1f5f8b", "#e08a00", "#2e7d32", "#6a3d9a", "#00838f", "#8d6e63", "#c2185b")
_THRESHOLD_COLOR = "#b3261e"
_GROUP_LABELS = {
    "china": "China",
    "multilateral": "Multilateral",
    "paris_club": "Paris Club",
    "other_bilateral": "Other bilateral",
    "bondholders": "Bondholders",
    "commercial_banks": "Commercial banks",
    "other_private": "Other private",
    "not_itemised": "Not itemised (creditor unknown)",
    "other_new_borrowing": "Other new borrowing (no lender committed)",
}
#: Fixed colours for the columns of unknown creditor, so no creditor group shares them.
_GROUP_COLORS = {"other_new_borrowing": "#d5d9e0", "not_itemised": "#b0b7c3"}
_RISK_WORDS = {
    "low": "Low trap risk",
    "moderate": "Moderate trap risk",
    "high": "High trap risk",
}


def _e(text: Any) -> str:
    return html.escape(str(text))


def _words(name: str) -> str:
    """A rating or status code in words: ``in_distress`` → "in distress"."""
    return name.replace("_", " ")


def _color(i: int) -> str:
    return _PALETTE[i % len(_PALETTE)]


def _wrap(title: str, width: int = 34) -> str:
    """A subplot title in lines of about ``width`` characters (``<br>`` between), so that
    two panels side by side do not run their titles into each other on a narrow screen."""
    lines: list[str] = []
    for word in title.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def _subplots(titles: list[str], rows: int, cols: int, **kwargs: Any) -> go.Figure:
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[_wrap(t) for t in titles],
                        **kwargs)
    fig.update_annotations(font_size=13)
    return fig


def _layout(fig: go.Figure, height: int, top: int = 50) -> go.Figure:
    fig.update_layout(
        height=height,
        template="plotly_white",
        margin={"l": 60, "r": 20, "t": top, "b": 90},
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0},
        font={"size": 12},
    )
    return fig


# ----------------------------------------------------------------------------- headline


def headline_html(a: Assessment) -> str:
    """The verdict per offer with the two or three numbers behind it (HTML)."""
    ref = a.reference
    parts = [
        f"<p><b>{_e(a.country.name)}</b>, projections from {a.country.t}. Without any new "
        f"offer the LIC-DSF rates the risk of external debt distress "
        f"<b>{_e(_words(ref.rating_external))}</b> (overall: {_e(_words(ref.rating_overall))}); "
        f"debt-carrying "
        f"capacity {_e(ref.dsa.capacity.classification.value)}."
    ]
    if a.reference_stochastic is not None:
        parts.append(
            f" Probability of a sustained debt-service breach (above the threshold two "
            f"years running) within {a.reference_stochastic.window[0]}-"
            f"{a.reference_stochastic.window[1]}: "
            f"{_num(a.reference_stochastic.prob_distress_pct)}%."
        )
    parts.append("</p><ul>")
    for o in a.offers:
        risk = o.verdict.trap_risk.value
        fired = o.verdict.reasons
        top = sorted(fired, key=lambda c: 0 if c.severity == "high" else 1)[:3]
        reasons = ("; ".join(_e(plain_words(c.detail)) for c in top) if top
                   else "no rule fired: judged safe on every rule evaluated")
        more = f" (+{len(fired) - len(top)} more)" if len(fired) > len(top) else ""
        parts.append(
            f'<li><span class="risk-{risk}">{_RISK_WORDS[risk]}</span> — <b>{_e(o.name)}</b> '
            f"({_e(o.offer.lender.name)}): grant element {_num(o.grant_element_pct)}% (IMF, "
            f"concessional from 35%); LIC-DSF rating {_e(_words(ref.rating_external))} → "
            f"<b>{_e(_words(o.rating_after))}</b>; {_e(_own_effect(o))}"
        )
        if o.stochastic is not None:
            sw = o.stochastic_without
            base = f"{_num(sw.prob_distress_pct)}% → " if sw is not None else ""
            parts.append(f"; probability of a sustained breach {base}"
                         f"{_num(o.stochastic.prob_distress_pct)}%")
        parts.append(_e(_typical_line(o)))
        moved = [d for d in o.depends_on if d.changes_verdict]
        if moved:
            parts.append(_e("; the verdict rests on: " + "; ".join(
                f"{d.assumption} ({d.effect})" for d in moved)))
        elif o.depends_on:
            parts.append(_e("; no single assumption moves the verdict"))
        parts.append(f". <i>Because:</i> {reasons}{more}.</li>")
    parts.append(
        "</ul><p class=\"note\">The verdict follows explicit rules (section "
        "&ldquo;Verdict rules&rdquo;): it is the most severe rule that fired — high if a "
        "high-severity rule fires, moderate if only moderate ones do, low if none does; "
        "moderates do not add up, since rules that read the same terms fire together. The debt "
        "rules judge what the offer itself does (its terms, and the rise its own loans cause in "
        "the indicators and in the probability of a sustained breach, against the country with "
        "the project's overrun but without the offer's loans), not the state the country is "
        "already in; the project's overrun is charged apart, as a contingent cost with its "
        "probability. An offer below 0.1% of GDP fires no rule. "
        "Conditions attached to an offer are listed, never scored.</p>"
    )
    return "".join(parts)


def _own_effect(o: OfferAssessment) -> str:
    """One phrase: the largest rise the offer's own loans cause in an indicator."""
    rated = [c for c in o.indicator_changes if c.max_increase_pct_of_threshold is not None]
    if not o.offer.loans or not any(r.ppg for r in o.offer.roles):
        return "it adds no public debt of its own"
    if not rated:
        return "its effect on the indicators was not computed"
    top = max(rated, key=lambda c: c.max_increase_pct_of_threshold or 0.0)
    pp = max(top.max_increase_pp or 0.0, 0.0)
    if pp < 0.05:
        return "its loans raise no indicator"
    return (f"its loans raise {lower_first(top.label)} by up to {pp:.1f} pp "
            f"({top.max_increase_pct_of_threshold:.0f}% of the threshold)")


# ----------------------------------------------------------------------------- charts


def indicator_figure(a: Assessment) -> go.Figure:
    """Each indicator's baseline path for the reference and every offer, with its threshold."""
    return _indicator_figure(a)


def probability_figure(a: Assessment) -> go.Figure | None:
    """Breach and distress probabilities of every variant (None: the stochastic run is off)."""
    return _probability_figure(a)


def _indicator_figure(a: Assessment) -> go.Figure:
    specs = [*INDICATORS, None]
    titles = [INDICATOR_LABELS[i] for i in INDICATORS] + ["Public debt at face value, % of GDP"]
    fig = _subplots(titles, 3, 2, vertical_spacing=0.13, horizontal_spacing=0.09)
    variants: list[tuple[str, Any, str, str]] = [
        ("No new offer", a.reference, _REF_COLOR, "dash")
    ]
    variants += [(o.name, o.outlook, _color(k), "solid") for k, o in enumerate(a.offers)]
    years = a.reference.years
    traces: list[go.Scatter] = []
    rows: list[int] = []
    cols: list[int] = []
    for j, ind in enumerate(specs):
        row, col = j // 2 + 1, j % 2 + 1
        for name, outlook, color, dash in variants:
            y = outlook.public_debt_to_gdp_pct if ind is None else outlook.path(ind.value)
            traces.append(
                go.Scatter(x=years, y=y, name=name, legendgroup=name, showlegend=j == 0,
                           line={"color": color, "dash": dash, "width": 2},
                           hovertemplate="%{x}: %{y:.1f}%<extra>" + _e(name) + "</extra>"))
            rows.append(row)
            cols.append(col)
        if ind is not None:
            thr = a.reference.threshold(ind.value)
            traces.append(
                go.Scatter(x=[years[0], years[-1]], y=[thr, thr], name="Threshold",
                           legendgroup="thr", showlegend=j == 0, mode="lines",
                           line={"color": _THRESHOLD_COLOR, "dash": "dot", "width": 1.5},
                           hovertemplate=f"threshold {thr:g}%<extra></extra>"))
            rows.append(row)
            cols.append(col)
    fig.add_traces(traces, rows=rows, cols=cols)  # at once: plotly re-lays out per call
    fig.update_yaxes(title_text="percent", rangemode="tozero")
    fig.update_xaxes(title_text="year")
    return _layout(fig, 1150, top=80)  # room for two-line panel titles


_FAN_BANDS = (("p5", "p95", 0.12, "5-95th percentile"), ("p10", "p90", 0.2, "10-90th"),
              ("p25", "p75", 0.32, "25-75th"))


def offer_fan_figure(a: Assessment, k: int = 0) -> go.Figure | None:
    """Fan charts of offer ``k``: each indicator's simulated spread with the offer.

    Bands of the joint macro paths (5-95, 10-90, 25-75th percentiles) and their median,
    the offer's baseline, the country's baseline without any new offer, and each panel's
    own threshold. None where the stochastic run is off or kept no fan.
    """
    o = a.offers[k]
    st = o.stochastic
    if st is None or st.fan_pct is None:
        return None
    titles = [f"{INDICATOR_LABELS[i]} (threshold {a.reference.threshold(i.value):g}%)"
              for i in INDICATORS]
    fig = _subplots(titles, 3, 2, vertical_spacing=0.13, horizontal_spacing=0.09)
    years = [int(y) for y in st.years]
    ref_years = [int(y) for y in a.reference.years]
    color = _color(k)
    rgb = tuple(int(color[i:i + 2], 16) for i in (1, 3, 5))
    traces: list[go.Scatter] = []
    rows: list[int] = []
    cols: list[int] = []
    for j, ind in enumerate(INDICATORS):
        fan = st.fan_pct[ind.value]
        first = j == 0
        thr = a.reference.threshold(ind.value)
        panel: list[go.Scatter] = []
        for lo, hi, alpha, label in _FAN_BANDS:
            panel.append(go.Scatter(x=years, y=fan[hi], line={"width": 0}, showlegend=False,
                                    legendgroup=label, hoverinfo="skip"))
            panel.append(go.Scatter(
                x=years, y=fan[lo], line={"width": 0}, fill="tonexty",
                fillcolor=f"rgba({rgb[0]},{rgb[1]},{rgb[2]},{alpha})", name=label,
                legendgroup=label, showlegend=first, hoverinfo="skip"))
        panel += [
            go.Scatter(x=years, y=fan["p50"], name="median of the paths",
                       legendgroup="median", showlegend=first, line={"color": color, "width": 2},
                       hovertemplate="%{x}: %{y:.1f}%<extra>median</extra>"),
            go.Scatter(x=ref_years, y=a.reference.path(ind.value),
                       name="no new offer (baseline)", legendgroup="ref", showlegend=first,
                       line={"color": _REF_COLOR, "dash": "dash", "width": 1.5},
                       hovertemplate="%{x}: %{y:.1f}%<extra>no new offer</extra>"),
            go.Scatter(x=[years[0], years[-1]], y=[thr, thr], mode="lines",
                       name="threshold (each panel its own)", legendgroup="thr",
                       showlegend=first,
                       line={"color": _THRESHOLD_COLOR, "dash": "dot", "width": 1.5},
                       hovertemplate=f"threshold {thr:g}%<extra></extra>"),
        ]
        traces += panel
        rows += [j // 2 + 1] * len(panel)
        cols += [j % 2 + 1] * len(panel)
    fig.add_traces(traces, rows=rows, cols=cols)
    fig.update_yaxes(title_text="percent", rangemode="tozero")
    fig.update_xaxes(title_text="year", dtick=2, tickformat="d")
    return _layout(fig, 1100, top=80)


def _fan_items(a: Assessment) -> list[Table | Figure | str]:
    """Each offer's fan charts (offers that add no debt of their own share the reference's
    spread and are left out)."""
    out: list[Table | Figure | str] = []
    for k, o in enumerate(a.offers):
        fig = offer_fan_figure(a, k)
        if fig is None or not any(r.ppg for r in o.offer.roles):
            continue
        out.append(Figure(
            f"{o.name}: spread of the indicators with the offer", fig,
            note="Shaded: the 5-95th, 10-90th and 25-75th percentiles of the joint macro "
            "paths with the offer's loans (and its expected overrun); line: their median; "
            "dashed: the baseline without any new offer; dotted: each indicator's threshold."))
    return out


def _stochastic_outlooks(a: Assessment) -> list[tuple[str, StochasticOutlook]] | None:
    """(variant name, probabilities) for the reference and each offer; None unless all ran."""
    outs = [("No new offer", a.reference_stochastic)] + [(o.name, o.stochastic) for o in a.offers]
    ran = [(name, s) for name, s in outs if s is not None]
    return ran if len(ran) == len(outs) else None


def _probability_figure(a: Assessment) -> go.Figure | None:
    outs = _stochastic_outlooks(a)
    if outs is None:
        return None
    fig = go.Figure()
    for k, ind in enumerate(INDICATORS):
        vals = [s.prob_breach_any_pct[ind.value] for _, s in outs]
        fig.add_trace(go.Bar(x=[n for n, _ in outs], y=vals, name=INDICATOR_LABELS[ind],
                             marker_color=_color(k),
                             hovertemplate="%{y:.1f}%<extra>%{fullData.name}</extra>"))
    fig.add_trace(go.Bar(x=[n for n, _ in outs],
                         y=[s.prob_distress_pct for _, s in outs],
                         name="Sustained breach (service above threshold two years running)",
                         marker_color="#1d2733",
                         hovertemplate="%{y:.1f}%<extra>sustained breach</extra>"))
    fig.update_layout(barmode="group")
    fig.update_yaxes(title_text="probability within the rating window, %", range=[0, 100])
    fig.update_xaxes(title_text="variant")
    return _layout(fig, 460)


def _composition_figure(a: Assessment) -> tuple[go.Figure, str]:
    """Stacked bars: PPG external debt by creditor before and after, at each offer's peak."""
    debt = a.creditor_debt_usd_m
    fig = go.Figure()
    cats: list[str] = []
    rows: dict[str, list[float]] = {}
    offer_col: list[float] = []
    overrun_col: list[float] = []
    years_used: list[str] = []
    for o in a.offers:
        ex = o.exposure
        add = np.asarray(ex.offer_ppg_debt_usd_m)
        k = int(np.argmax(add)) if add.size and np.any(add > 0) else min(5, ex.years.size - 1)
        year = int(ex.years[k])
        years_used.append(f"{o.name}: {year}")
        before = debt.reindex([year]).fillna(0.0).to_numpy(dtype=np.float64)[0]
        over = 0.0 if ex.added_debt_usd_m is None else float(ex.added_debt_usd_m[k])
        for label, extra, extra_over in ((f"before<br>{year}", 0.0, 0.0),
                                         (f"after: {o.name}<br>{year}", float(add[k]), over)):
            cats.append(label)
            for j, g in enumerate(debt.columns):
                rows.setdefault(str(g), []).append(float(before[j]))
            offer_col.append(extra)
            overrun_col.append(extra_over)
    for k, (g, vals) in enumerate(rows.items()):
        fig.add_trace(go.Bar(x=cats, y=vals, name=_GROUP_LABELS.get(g, g),
                             marker_color=_GROUP_COLORS.get(g, _PALETTE[(k + 1) % len(_PALETTE)]),
                             hovertemplate="US$ %{y:,.0f} m<extra>%{fullData.name}</extra>"))
    if any(v > 0 for v in overrun_col):
        fig.add_trace(go.Bar(x=cats, y=overrun_col, name="Project overrun, borrowed",
                             marker_color="#8a94a6", marker_pattern_shape=".",
                             hovertemplate="US$ %{y:,.0f} m<extra>overrun</extra>"))
    fig.add_trace(go.Bar(x=cats, y=offer_col, name="This offer (PPG loans)",
                         marker_color="#1d2733", marker_pattern_shape="/",
                         hovertemplate="US$ %{y:,.0f} m<extra>offer</extra>"))
    fig.update_layout(barmode="stack")
    fig.update_yaxes(title_text="PPG external debt outstanding, US$ m")
    return _layout(fig, 520), "; ".join(years_used)


def _share_figure(a: Assessment) -> go.Figure:
    fig = _subplots(["Lender's share of PPG external debt",
                     "Lender's share of external debt service"], 1, 2)
    for k, o in enumerate(a.offers):
        ex = o.exposure
        for col, (before, after) in enumerate(
            ((ex.lender_debt_share_before_pct, ex.lender_debt_share_after_pct),
             (ex.lender_service_share_before_pct, ex.lender_service_share_after_pct)),
            start=1,
        ):
            fig.add_trace(go.Scatter(x=ex.years, y=before, name=f"{o.name}: before",
                                     legendgroup=f"b{k}", showlegend=col == 1,
                                     line={"color": _color(k), "dash": "dot"}), row=1, col=col)
            fig.add_trace(go.Scatter(x=ex.years, y=after, name=f"{o.name}: after",
                                     legendgroup=f"a{k}", showlegend=col == 1,
                                     line={"color": _color(k)}), row=1, col=col)
            fig.update_yaxes(title_text="percent", range=[0, 100], row=1, col=col)
            fig.update_xaxes(title_text="year", row=1, col=col)
    w = a.reference.window_years
    for col in (1, 2):
        fig.add_vrect(x0=min(w) - 0.5, x1=max(w) + 0.5, fillcolor="#8a94a6", opacity=0.12,
                      line_width=0, row=1, col=col)
    return _layout(fig, 440, top=70)


def _share_table(a: Assessment) -> pd.DataFrame:
    """The lender's shares by year, before → after, the rating window marked."""
    w = a.reference.window_years
    lo, hi = min(w), max(w)
    data: dict[str, list[str]] = {}
    years: list[int] = []
    for o in a.offers:
        ex = o.exposure
        years = [int(y) for y in ex.years]
        pairs = (("debt", ex.lender_debt_share_before_pct, ex.lender_debt_share_after_pct),
                 ("service", ex.lender_service_share_before_pct,
                  ex.lender_service_share_after_pct))
        for what, before, after in pairs:
            data[f"{o.name}: share of {what}, %"] = [
                "n/a" if not math.isfinite(float(b2)) else f"{_num(b1)} → {_num(b2)}"
                for b1, b2 in zip(before, after, strict=True)
            ]
    index = [f"{y}\u00a0◆" if lo <= y <= hi else str(y) for y in years]
    return pd.DataFrame(data, index=pd.Index(index, name="year"))


def _cost_figure(o: OfferAssessment, k: int, names: list[str]) -> Figure:
    """The project's simulated cost as a histogram (bin counts, not the paths themselves)."""
    econ = o.economics
    assert econ is not None
    p = econ.project
    cost = np.asarray(econ.cost_usd_m, dtype=np.float64)
    counts, edges = np.histogram(cost[np.isfinite(cost)], bins=60)
    centres = 0.5 * (edges[:-1] + edges[1:])
    fig = go.Figure(go.Bar(x=np.round(centres, 3), y=counts, width=float(edges[1] - edges[0]),
                           marker_color=_color(k), opacity=0.8, name="simulated cost",
                           hovertemplate="US$ %{x:,.0f} m: %{y} paths<extra></extra>"))
    s = econ.summary()
    marks = [("quoted", p.quoted_cost_usd_m, "#1d2733"), ("P50", s["cost_p50_usd_m"], "#5b6876"),
             ("P90", s["cost_p90_usd_m"], _THRESHOLD_COLOR)]
    if p.benchmark_cost_usd_m is not None:
        marks.append(("benchmark", p.benchmark_cost_usd_m, "#2e7d32"))
    for j, (label, x, color) in enumerate(marks):
        fig.add_vline(x=x, line_dash="dash", line_color=color)
        fig.add_annotation(x=x, y=1.0 - 0.08 * j, yref="paper", text=f"{label} {x:,.0f}",
                           showarrow=False, xanchor="left", font={"color": color})
    fig.update_xaxes(title_text="project cost, US$ m")
    fig.update_yaxes(title_text="simulated paths")
    fig.update_layout(showlegend=False, bargap=0)
    return Figure(
        f"{' / '.join(names)} — {p.name}: cost distribution ({econ.n_paths:,} paths)",
        _layout(fig, 380),
        note=f"Overrun prior: {p.priors.overrun.source}"
        + (" The offers finance the same project with the same draws, so it is shown once."
           if len(names) > 1 else ""),
    )


def _same_cost(a: OfferAssessment, b: OfferAssessment) -> bool:
    ea, eb = a.economics, b.economics
    if ea is None or eb is None:
        return False
    pa, pb = ea.project, eb.project
    return ((pa.name, pa.quoted_cost_usd_m, pa.benchmark_cost_usd_m, pa.priors.overrun)
            == (pb.name, pb.quoted_cost_usd_m, pb.benchmark_cost_usd_m, pb.priors.overrun)
            and np.array_equal(np.asarray(ea.cost_usd_m), np.asarray(eb.cost_usd_m)))


def _project_items(a: Assessment) -> list[Table | Figure | str]:
    """Each distinct cost distribution once, then each offer's debt-service cover."""
    out: list[Table | Figure | str] = []
    drawn: list[OfferAssessment] = []
    for k, o in enumerate(a.offers):
        if o.economics is None or any(_same_cost(d, o) for d in drawn):
            continue
        same = [q.name for q in a.offers if q is o or _same_cost(o, q)]
        out.append(_cost_figure(o, k, same))
        drawn.append(o)
    for k, o in enumerate(a.offers):
        out += _project_figures(o, k)
    return out


def _project_figures(o: OfferAssessment, k: int) -> list[Figure]:
    """The offer's debt-service cover ratio by year (none without project loans)."""
    econ = o.economics
    if econ is None:
        return []
    p = econ.project
    s = econ.summary()
    out: list[Figure] = []
    frame = econ.to_frame()
    has_ds = frame["debt_service_usd_m"] > 0
    if bool(has_ds.any()) and bool(np.isfinite(frame["dscr_p50"]).any()):
        f = frame[has_ds]
        fig2 = go.Figure()
        fig2.add_trace(go.Scatter(x=f.index, y=f["dscr_p90"], line={"width": 0},
                                  showlegend=False, hoverinfo="skip"))
        fig2.add_trace(go.Scatter(x=f.index, y=f["dscr_p10"], fill="tonexty",
                                  fillcolor="rgba(31,95,139,0.18)", line={"width": 0},
                                  name="10th-90th percentile"))
        fig2.add_trace(go.Scatter(x=f.index, y=f["dscr_p50"], name="median DSCR",
                                  line={"color": _color(k), "width": 2}))
        fig2.add_hline(y=1.0, line_dash="dot", line_color=_THRESHOLD_COLOR,
                       annotation_text="DSCR = 1: revenue just covers debt service")
        fig2.update_xaxes(title_text="year")
        fig2.update_yaxes(title_text="net project revenue / its debt service", rangemode="tozero")
        out.append(Figure(
            f"{o.name} — debt-service cover ratio by year",
            _layout(fig2, 380),
            note=f"Demand prior: {p.priors.demand.source}. Probability the project services "
            f"its own debt every year: {_num(s['prob_self_service_pct'])}%.",
        ))
    return out


# ----------------------------------------------------------------------------- tables


def _loans_table(a: Assessment) -> pd.DataFrame:
    rows = []
    for o in a.offers:
        for ln in o.loans:
            rows.append({
                "offer": o.name,
                "loan": ln.name,
                "creditor": ln.creditor,
                "amount": f"{ln.currency} {ln.amount_m:,.1f} m (US$ {ln.amount_usd_m:,.1f} m)",
                "signed": ln.signing_year,
                "terms": ln.terms,
                "PPG": "yes" if ln.ppg else "no (contingent)",
                "GE IMF 5%, %": _num(ln.grant_element_imf_pct),
                "GE OECD-DAC, %": _num(ln.grant_element_oecd_dac_pct),
                "PV of service at 5%, US$ m": _num(ln.pv_debt_service_usd_m),
            })
        for g in o.offer.grants:
            rows.append({
                "offer": o.name, "loan": f"grant: {g.purpose or g.donor}", "creditor": g.donor,
                "amount": f"US$ {g.total_usd_m:,.1f} m", "signed": min(g.amounts_usd_m),
                "terms": "grant", "PPG": "–", "GE IMF 5%, %": "100.0",
                "GE OECD-DAC, %": "100.0", "PV of service at 5%, US$ m": "0.0",
            })
    return pd.DataFrame(rows)


def _existing_debt_table(a: Assessment) -> pd.DataFrame:
    f = a.existing_debt_frame()
    return pd.DataFrame({
        "debt": f["debt"],
        "creditor": [_GROUP_LABELS.get(str(c), str(c)) if c != "unknown" else "unknown"
                     for c in f["creditor"]],
        f"outstanding end-{a.country.t - 1}, US$ m": [_num(v, 0) for v in f["outstanding_usd_m"]],
        f"service {a.country.t}, US$ m": [
            _num(v, 0) if math.isfinite(float(v)) else "n/a: unknown"
            for v in f["service_t_usd_m"]
        ],
        "schedule": f["schedule"],
        "source": f["source"],
    }).set_index("debt")


def _clause_table(o: OfferAssessment) -> pd.DataFrame:
    f = o.clauses.to_frame()
    out = pd.DataFrame({
        "clause": f["label"],
        "loans with it": [f"{int(a)} of {int(b)}" for a, b in
                          zip(f["loans_with_clause"], f["n_loans"], strict=True)],
        "share of the offer's amount, %": [_num(v) for v in f["share_of_amount_pct"]],
        "HCL: Chinese contracts, %": [_num(v, 0) for v in f["hcl_chinese_pct"]],
        "HCL: Chinese 2014+, %": [_num(v, 0) for v in f["hcl_chinese_2014_plus_pct"]],
        "HCL: other creditors, %": [_num(v, 0) for v in f["hcl_benchmark_pct"]],
    })
    return out.set_index("clause")


def _layers_table(a: Assessment) -> pd.DataFrame:
    ext = a.country.external_debt.ppg_mlt_outstanding_usd_m
    rows: dict[str, list[str]] = {
        "existing external debt, US$ m": [_num(ext, 0)],
        "rating without any offer": [a.reference.rating_external.replace("_", " ")],
    }
    for o in a.offers:
        rows[o.name] = [_RISK_WORDS[o.verdict.trap_risk.value]]
    cols = ["Documented core (default)"]
    for x in a.debt_layers:
        cols.append(x.name)
        rows["existing external debt, US$ m"].append(_num(x.existing_stock_usd_m, 0))
        rows["rating without any offer"].append(x.rating_before.replace("_", " "))
        for o in a.offers:
            rows[o.name].append(_RISK_WORDS[x.verdicts[o.name]])
    return pd.DataFrame(rows, index=cols).T


def _evidence_item(o: OfferAssessment) -> Table | str:
    if not o.clause_evidence:
        return f"<p><b>{_e(o.name)}</b>: no clause (no loan, or none in its contracts).</p>"
    return Table(o.name, pd.DataFrame({
        "loan": [e.loan for e in o.clause_evidence],
        "clause": [e.label for e in o.clause_evidence],
        "evidence": [e.basis for e in o.clause_evidence],
        "probability, %": [_num(100.0 * e.probability, 0) for e in o.clause_evidence],
        "read by a rule": ["yes" if e.counted else "no (shown)" for e in o.clause_evidence],
        "source": [e.source for e in o.clause_evidence],
    }).set_index("loan"))


def _typical_line(o: OfferAssessment) -> str:
    """How the verdict depends on clauses that are only typical (empty if none are)."""
    c = o.verdict.clauses
    if c is None:
        return ""
    dist = ", ".join(f"{_RISK_WORDS[k].lower()} {_num(v, 0)}%"
                     for k, v in c.distribution_pct.items() if v > 0)
    return (f"; its clauses are only typical for the lender type: "
            f"{_RISK_WORDS[c.without_typical.value].lower()} on the contract text and "
            f"standard terms alone, {_RISK_WORDS[c.with_typical.value].lower()} with every "
            f"typical clause ({dist} of {c.n_draws:,} contract profiles drawn at their "
            f"published shares)")


def _rules_table(o: OfferAssessment) -> pd.DataFrame:
    rows = []
    for c in o.verdict.checks:
        rows.append({
            "rule": c.title,
            "result": c.status.replace("_", " ") + (f" ({c.severity})" if c.severity else ""),
            "the numbers": c.detail,
            "fires when": c.threshold,
            "source": c.source,
        })
    return pd.DataFrame(rows).set_index("rule")


def _probability_table(a: Assessment) -> pd.DataFrame | None:
    outs = _stochastic_outlooks(a)
    if outs is None:
        return None
    data: dict[str, list[str]] = {}
    for name, s in outs:
        col = [_num(s.prob_breach_any_pct[i.value]) for i in INDICATORS]
        col += [_num(s.prob_external_breach_flag_pct), _num(s.prob_distress_pct)]
        data[name] = col
    index = [f"{INDICATOR_LABELS[i]}: breach in any year" for i in INDICATORS] + [
        "External indicator above threshold 2+ years (LIC-DSF signal)",
        "Sustained breach: service above threshold two years running",
    ]
    return pd.DataFrame(data, index=index)


def _offer_names(a: Assessment) -> list[tuple[str, list[str]]]:
    return [(o.name, [ln.name for ln in o.offer.loans]) for o in a.offers]


def _sources_table(a: Assessment) -> pd.DataFrame:
    names = _offer_names(a)
    return pd.DataFrame(
        {"input": [field_label(k, names) for k in a.sources], "source": list(a.sources.values())}
    )


class _InWords:
    """Rewrites the report's text for people: internal names in words, public citations.

    Keeps the texts it saw, so the report can list the public documents it cited.
    """

    def __init__(self, context: str) -> None:
        self.context = context
        self.seen: list[str] = []

    def text(self, value: str) -> str:
        self.seen.append(value)
        return cite_public(plain_words(value), self.context)

    def cell(self, value: Any) -> Any:
        return self.text(value) if isinstance(value, str) else value

    def frame(self, f: pd.DataFrame) -> pd.DataFrame:
        g = f.map(self.cell)
        if not isinstance(f.index, pd.RangeIndex):
            g.index = pd.Index([self.cell(v) for v in f.index], name=f.index.name)
        g.columns = [self.cell(c) for c in f.columns]
        return g

    def section(self, sec: Section) -> Section:
        items: list[Table | Figure | str] = []
        for item in sec.items:
            if isinstance(item, Table):
                items.append(Table(self.text(item.caption), self.frame(item.frame),
                                   note=self.text(item.note)))
            elif isinstance(item, Figure):
                items.append(Figure(self.text(item.caption), item.figure,
                                    note=self.text(item.note)))
            else:
                items.append(self.text(item))
        return Section(sec.title, self.text(sec.intro), items, anchor=sec.anchor)


def _glossary_html() -> str:
    rows = "".join(f"<dt>{_e(term)}</dt><dd>{_e(text)}</dd>" for term, text in GLOSSARY)
    return f'<dl class="glossary">{rows}</dl>'


def _documents_html(words: _InWords) -> str:
    docs = public_sources(words.seen, words.context)
    if not docs:
        return "<p>No published document is cited by name in the inputs.</p>"
    items = "".join(
        f'<li><b>{_e(d.short)}</b>: {_e(d.title)}. <a href="{_e(d.url)}">{_e(d.url)}</a></li>'
        for d in docs
    )
    return f'<ol class="refs">{items}</ol>'


# ----------------------------------------------------------------------------- page


def assessment_sections(a: Assessment) -> list[Section]:
    """The report's sections, in reading order."""
    summary = a.summary_table()
    sections: list[Section] = [
        Section(
            "Side by side",
            "Each column is the country with one offer alone; the first is the country without "
            "any new offer. Indicator peaks are over the projection years; 'y above' counts the "
            "years above the threshold in the ten-year rating window.",
            [Table("The offers and the reference", summary, note=" ".join(a.summary_notes()))],
            anchor="side-by-side",
        ),
        Section(
            "Debt indicators against thresholds",
            "LIC-DSF baseline paths with each offer (solid) and without (dashed grey); the dotted "
            "red line is the threshold for the country's debt-carrying capacity "
            f"({a.reference.dsa.capacity.classification.value}). The offer's PPG loans and the "
            "expected cost overrun it leaves on the budget are in the paths.",
            [Figure("Five LIC-DSF indicators and public debt at face value", _indicator_figure(a),
                    note="Sources: the country inputs and the offers' loans (section Sources); "
                    "thresholds: IMF-World Bank LIC-DSF Guidance Note (2018), Table 3.")],
            anchor="indicators",
        ),
    ]
    prob_fig = _probability_figure(a)
    prob_tab = _probability_table(a)
    if prob_fig is not None and prob_tab is not None and a.reference_stochastic is not None:
        st = a.reference_stochastic
        sections.append(Section(
            "Probabilities of threshold breaches",
            f"{st.n_paths:,} joint macro paths (growth, inflation, exchange rate, exports, primary "
            f"balance, interest rate) drawn from the country's own history "
            f"{st.calibration_window[0]}-{st.calibration_window[1]}; the same draws with and "
            f"without each offer. Sustained breach: {st.distress_rule}. These measure "
            "threshold breaches on the LIC-DSF indicators, not default; where they are 100% "
            "with and without an offer they cannot tell the offers apart, and the verdict reads "
            "the size and duration of the breach instead.",
            [Figure("Probability within the rating window", prob_fig),
             Table("Probabilities, percent", prob_tab), *_fan_items(a)],
            anchor="probabilities",
        ))
    comp, years_note = _composition_figure(a)
    sections.append(Section(
        "Creditor composition before and after",
        "Who the country owes, without the offer and with it, in the year the offer's PPG debt "
        "outstanding peaks; then the lender's share of debt and of debt service year by year.",
        [Table("Existing external debt: what is itemised and what is assumed",
               _existing_debt_table(a),
               note="Outstanding: principal still to be repaid at the end of "
               f"{a.country.t - 1}; service in {a.country.t}. 'assumed': the schedule is an "
               "assumption stated in its source note; 'none: service unknown': the debt is "
               "known in total only, so the lender's share of debt service is not reported."),
         Figure("PPG external debt by creditor group", comp,
                note=f"Before / after, in the year the offer's PPG debt peaks: {years_note}."),
         Figure("The lender's shares before and after", _share_figure(a),
                note=f"Shaded: the LIC-DSF rating window {min(a.reference.window_years)}-"
                f"{max(a.reference.window_years)}; the peaks in the table below are "
                "taken there. Denominators: all PPG external debt (and its service) the DSA "
                "carries in the year — existing debt by creditor, the baseline's other new "
                "borrowing (no lender committed), the offer's PPG loans and the project's "
                "overrun borrowing."),
         Table("The lender's shares year by year, before → after", _share_table(a),
               note=f"◆: year in the rating window {min(a.reference.window_years)}-"
               f"{max(a.reference.window_years)}. n/a: the existing debt's service is not "
               "known that year (the year before the projection, or debt without a "
               "schedule)."),
         Table("Leverage figures at their peak in the rating window", _leverage_table(a))],
        anchor="creditors",
    ))
    proj_items = _project_items(a)
    if proj_items:
        sections.append(Section(
            "Project cost and debt-service cover",
            "Cost and demand drawn from the sector's reference classes (or the scenario's own "
            "priors); the debt-service cover ratio compares the project's net revenue with the "
            "service of the loans it is meant to repay.",
            proj_items, anchor="project",
        ))
    sections.append(Section(
        "Loans and grant elements",
        "Grant element: the share of the face value that is a gift, at 5% (IMF, concessional "
        "from 35%) and at the OECD-DAC rate for the country's income group "
        f"({_e(a.settings.get('income_group', ''))}).",
        [Table("Every loan and grant", _loans_table(a))], anchor="loans",
    ))
    sections.append(Section(
        "Contract clauses beside How China Lends",
        "Each offer's clauses (from the scenario) beside the shares of contracts carrying them in "
        "Gelpern, Horn, Morris, Parks and Trebesch (2021), 100 Chinese and 142 other creditors' "
        "contracts. Nothing here is scored; the verdict rules read the clause flags explicitly.",
        [Table(o.name, _clause_table(o)) for o in a.offers], anchor="clauses",
    ))
    sections.append(Section(
        "The evidence for each clause",
        "Every clause of every loan enters with its evidence: in the contract (with its "
        "source), in the standard terms of its creditor type (general conditions, bond terms, "
        "the syndicated-loan template), or typical for the lender type with the published "
        "share of contracts that carry it. A typical clause is a probability: the lever rules "
        "are judged over contract profiles drawn at those shares, and fire only where they "
        "fire in more than half of them.",
        [_evidence_item(o) for o in a.offers], anchor="clause-evidence",
    ))
    if a.debt_layers:
        sections.append(Section(
            "How much the verdict depends on the less documented debt",
            "The default run counts the documented debt only. Each labelled layer adds a "
            "larger claim as reported, cumulatively, and the whole chain is run again "
            "(deterministically: the probability rule is not evaluated in the layers).",
            [Table("Verdict by layer of existing debt", _layers_table(a))],
            anchor="debt-layers",
        ))
    sections.append(Section(
        "Verdict rules",
        "Every rule, for every offer: whether it fired, with its numbers, threshold and source.",
        [Table(f"{o.name}: {_RISK_WORDS[o.verdict.trap_risk.value].lower()}", _rules_table(o))
         for o in a.offers], anchor="verdict",
    ))
    cond_items: list[Table | Figure | str] = []
    for o in a.offers:
        if o.offer.conditions:
            cond_items.append(Table(o.name, pd.DataFrame(
                {"condition": [c.text for c in o.offer.conditions],
                 "source": [c.source for c in o.offer.conditions]})))
        else:
            cond_items.append(f"<p><b>{_e(o.name)}</b>: no conditions recorded.</p>")
    sections.append(Section(
        "Conditions attached to the offers",
        "Non-financial asks, as recorded in the scenario. They are shown, never scored.",
        cond_items, anchor="conditions",
    ))
    notes = [*a.notes, *(n for o in a.offers for n in o.notes)]
    src_items: list[Table | Figure | str] = [
        Table("Sources, by input field", _sources_table(a)),
        Table("Assumptions", pd.DataFrame({"assumption": list(a.assumptions)})),
    ]
    if notes:
        src_items.append(Table("Notes", pd.DataFrame({"note": notes})))
    src_items.append(Table("Settings", pd.DataFrame(
        {"setting": [name_label(k) for k in a.settings],
         "value": [str(v) for v in a.settings.values()]})))
    sections.append(Section(
        "Sources and assumptions",
        "Where every input comes from, and each rule debttrap applied to fill a gap.",
        src_items, anchor="sources",
    ))
    words = _InWords(citation_context(a.country.name, a.inputs.get("country")))
    sections = [words.section(sec) for sec in sections]
    sections.append(Section(
        "Documents cited",
        "The published documents the inputs' source notes rest on, with where to read them.",
        [_documents_html(words)], anchor="documents",
    ))
    sections.append(Section(
        "Glossary", "The terms this report uses, in brief.", [_glossary_html()],
        anchor="glossary",
    ))
    return sections


def _service_share(s: ExposureSummary) -> str:
    after = s.lender_service_share_after_peak_pct
    if after is None or not math.isfinite(float(after)):
        return f"n/a: {s.service_share_note or 'no service by creditor'}"
    return _at(f"{_num(s.lender_service_share_before_peak_pct)} → "
               f"{_num(s.lender_service_share_after_peak_pct)}",
               s.lender_service_share_after_peak_year)


def _at(value: str, year: Any) -> str:
    """A peak with the year it falls in."""
    if year is None or not any(c in "123456789" for c in value):
        return value  # not known, or zero: no year to name
    return f"{value} ({int(year)})"


def _leverage_table(a: Assessment) -> pd.DataFrame:
    data: dict[str, list[str]] = {}
    for o in a.offers:
        s = o.exposure.summary()
        data[o.name] = [
            _at(f"{_num(s.lender_debt_share_before_peak_pct)} → "
                f"{_num(s.lender_debt_share_after_peak_pct)}",
                s.lender_debt_share_after_peak_year),
            _service_share(s),
            _num(s.pledged_revenue_peak_usd_m),
            _at(_num(s.pledged_pct_of_revenue_peak), s.pledged_pct_of_revenue_peak_year),
            _num(s.acceleration_peak_usd_m, 0),
            _at(_num(s.acceleration_with_cross_default_peak_usd_m, 0),
                s.acceleration_with_cross_default_peak_year),
            _at(_num(s.acceleration_pct_of_reserves_peak),
                s.acceleration_pct_of_reserves_peak_year),
            _at(_num(s.acceleration_pct_of_exports_peak),
                s.acceleration_pct_of_exports_peak_year),
            ", ".join(s.cross_default_creditors) or "none",
            "yes" if s.keeps_out_of_restructuring else "no",
            _num(s.collateral_usd_m, 0),
            _num(float(np.max(o.exposure.offer_contingent_debt_usd_m, initial=0.0)), 0),
        ]
    index = [
        "Lender share of PPG external debt, peak, before → after, % (year)",
        "Lender share of external debt service, peak, before → after, % (year)",
        "Revenue pledged or swept to lender accounts, peak, US$ m",
        "… as % of government revenue (year)",
        "Due at once if the lender accelerates, peak, US$ m",
        "… with the debts that cross-default, US$ m (year)",
        "… as % of FX reserves that year (year)",
        "… as % of exports that year (year; the rule's yardstick without reserves)",
        "Creditors whose debt cross-defaults",
        "Debt kept out of Paris Club / collective restructuring",
        "Physical assets pledged, US$ m",
        "Contingent (project company) debt, peak, US$ m",
    ]
    return pd.DataFrame(data, index=index)


def assessment_html(a: Assessment, *, version: str = "") -> str:
    """The self-contained report page (plotly embedded once)."""
    return render_page(
        f"Would these offers trap {a.country.name}? — {a.scenario_name}",
        assessment_sections(a),
        subtitle=a.description,
        summary_html=headline_html(a),
        version=version,
    )
