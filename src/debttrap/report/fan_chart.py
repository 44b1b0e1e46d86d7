"""Fan charts of a simulation: a PNG (matplotlib, Agg) and a self-contained HTML (plotly).

Each panel shows one LIC-DSF indicator: the 5-95, 10-90 and 25-75 percent
bands, the median, the deterministic baseline and the threshold, with the
probability of breaching in the rating window in the title. Variants whose
fans were kept (e.g. the run with no offer) add their median and 10-90 band
as lines in their own colour.
"""

from __future__ import annotations

from pathlib import Path

from debttrap.report.panels import panel_page
from debttrap.stochastic.kernel import THRESHOLD_OUTPUTS
from debttrap.stochastic.results import SimulationResult

__all__ = ["LABELS", "fan_chart_html", "fan_chart_png"]

LABELS: dict[str, str] = {
    "pv_ext_debt_to_gdp_pct": "PV of PPG external debt / GDP",
    "pv_ext_debt_to_exports_pct": "PV of PPG external debt / exports",
    "ext_debt_service_to_exports_pct": "PPG external debt service / exports",
    "ext_debt_service_to_revenue_pct": "PPG external debt service / revenue",
    "pv_public_debt_to_gdp_pct": "PV of public debt / GDP",
}
_BANDS = (("p5", "p95", 0.15), ("p10", "p90", 0.25), ("p25", "p75", 0.4))
#: colours of further variants' median and 10-90 band (the main fan is blue)
_VARIANT_COLOURS = ("tab:orange", "tab:green", "tab:purple", "tab:brown", "tab:gray")
_VARIANT_RGB = ("255,127,14", "44,160,44", "148,103,189", "140,86,75", "127,127,127")


def _variant_label(name: str) -> str:
    if name == "no_offer":
        return "no offer"
    return name.replace("without_", "without ", 1)


def _share_of_paths(p: float) -> str:
    """A probability as the share of paths, saying so when it is every path (or none)."""
    if p >= 0.9995:
        return "every path"
    if p <= 0.0005:
        return "no path"
    return f"{100 * p:.0f}% of paths"


def _title(res: SimulationResult, name: str) -> str:
    j = THRESHOLD_OUTPUTS.index(name)
    p = float(res.main.prob_breach_any[j])
    thr = res.thresholds_pct.get(name)
    above = f"above {thr:g}%" if thr is not None else "above threshold"
    return f"{LABELS[name]}: {above} in some year on {_share_of_paths(p)}"


def sustained_breach_text(res: SimulationResult) -> str:
    """What the headline probability measures, with its value (titles and captions)."""
    w0, w1 = res.window_years[0], res.window_years[-1]
    p = float(res.main.prob_distress)
    if p >= 0.9995:
        return (f"sustained breach ({res.distress_rule.describe()}) in {w0}-{w1} on every "
                "path: the probability cannot discriminate; read the size and duration of the "
                "breach in the fan charts")
    return (f"probability of a sustained breach ({res.distress_rule.describe()}) in "
            f"{w0}-{w1}: {100 * p:.1f}%")


def fan_chart_png(res: SimulationResult, path: Path) -> Path:
    """Write the five fan charts to ``path`` (PNG) without leaving a partial file."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    years = [int(y) for y in res.years]
    fig, axes = plt.subplots(2, 3, figsize=(15, 8))
    for k, name in enumerate(THRESHOLD_OUTPUTS):
        ax = axes.flat[k]
        fan = res.fan(name)
        for lo, hi, alpha in _BANDS:
            ax.fill_between(
                years,
                fan[lo],
                fan[hi],
                color="tab:blue",
                alpha=alpha,
                linewidth=0,
                label=f"{lo[1:]}-{hi[1:]}%",
            )
        ax.plot(years, fan["p50"], color="tab:blue", label="median")
        for c, vname in enumerate(res.variant_fans):
            vf = res.variant_fan(vname, name)
            colour = _VARIANT_COLOURS[c % len(_VARIANT_COLOURS)]
            label = _variant_label(vname)
            ax.plot(years, vf["p50"], color=colour, label=f"{label}: median")
            ax.plot(years, vf["p10"], color=colour, linewidth=0.8, linestyle="-.",
                    label=f"{label}: 10-90%")
            ax.plot(years, vf["p90"], color=colour, linewidth=0.8, linestyle="-.")
        ax.plot(years, fan["baseline"], color="black", linestyle="--", label="baseline")
        ax.axhline(
            res.thresholds_pct[name],
            color="tab:red",
            linestyle=":",
            label=f"threshold {res.thresholds_pct[name]:g}",
        )
        ax.set_title(_title(res, name), fontsize=9)
        ax.set_ylabel("percent")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend(fontsize=6 if res.variant_fans else 7)  # each panel: its own threshold
    ax = axes.flat[5]
    ax.axis("off")
    ax.text(0.0, 0.9, f"{res.n_paths:,} paths, seed {res.seed}, method {res.method}", fontsize=10)
    ax.text(0.0, 0.6, sustained_breach_text(res), fontsize=8, wrap=True)
    fig.suptitle(f"{res.country}: stochastic debt paths (fan charts)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        fig.savefig(tmp, dpi=110, format="png")
        tmp.chmod(0o644)  # a chart is meant to be shared, whatever the umask
        tmp.replace(path)
    finally:
        plt.close(fig)
        tmp.unlink(missing_ok=True)
    return path


def fan_chart_html(res: SimulationResult) -> str:
    """The five fan charts as one self-contained interactive HTML page (plotly inlined)."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    from debttrap.report.words import plain_words

    years = [int(y) for y in res.years]
    fig = make_subplots(rows=2, cols=3, subplot_titles=[_title(res, n) for n in THRESHOLD_OUTPUTS])
    for k, name in enumerate(THRESHOLD_OUTPUTS):
        row, col = divmod(k, 3)
        fan = res.fan(name)
        for lo, hi, alpha in _BANDS:
            fig.add_trace(
                go.Scatter(
                    x=years,
                    y=fan[hi].tolist(),
                    line={"width": 0},
                    showlegend=False,
                    hoverinfo="skip",
                ),
                row=row + 1,
                col=col + 1,
            )
            fig.add_trace(
                go.Scatter(
                    x=years,
                    y=fan[lo].tolist(),
                    line={"width": 0},
                    fill="tonexty",
                    fillcolor=f"rgba(31,119,180,{alpha})",
                    name=f"{lo[1:]}-{hi[1:]}%",
                    showlegend=k == 0,
                ),
                row=row + 1,
                col=col + 1,
            )
        fig.add_trace(
            go.Scatter(
                x=years,
                y=fan["p50"].tolist(),
                name="median",
                line={"color": "rgb(31,119,180)"},
                showlegend=k == 0,
            ),
            row=row + 1,
            col=col + 1,
        )
        for c, vname in enumerate(res.variant_fans):
            vf = res.variant_fan(vname, name)
            rgb = _VARIANT_RGB[c % len(_VARIANT_RGB)]
            label = _variant_label(vname)
            for col_name, dash, text in (("p50", None, "median"), ("p10", "dashdot", "10-90%"),
                                         ("p90", "dashdot", None)):
                fig.add_trace(
                    go.Scatter(
                        x=years,
                        y=vf[col_name].tolist(),
                        name=f"{label}: {text or '10-90%'}",
                        line={"color": f"rgb({rgb})", "dash": dash or "solid",
                              "width": 2 if dash is None else 1},
                        showlegend=k == 0 and text is not None,
                    ),
                    row=row + 1,
                    col=col + 1,
                )
        fig.add_trace(
            go.Scatter(
                x=years,
                y=fan["baseline"].tolist(),
                name="baseline",
                line={"color": "black", "dash": "dash"},
                showlegend=k == 0,
            ),
            row=row + 1,
            col=col + 1,
        )
        thr = res.thresholds_pct[name]
        fig.add_trace(
            go.Scatter(
                x=years,
                y=[thr] * len(years),
                name="threshold (each panel's own, in its title)",
                hovertemplate=f"threshold {thr:g}%<extra></extra>",
                line={"color": "red", "dash": "dot"},
                showlegend=k == 0,
            ),
            row=row + 1,
            col=col + 1,
        )
        fig.update_xaxes(tickformat="d", row=row + 1, col=col + 1)
    fig.update_layout(
        title=(
            f"{res.country}: {res.n_paths:,} paths, seed {res.seed}, {res.method}; "
            f"{plain_words(sustained_breach_text(res))}"
        ),
        height=750,
    )
    return panel_page(fig, panels=len(THRESHOLD_OUTPUTS),
                      title=f"{res.country}: stochastic debt paths (fan charts)")
