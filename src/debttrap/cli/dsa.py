"""``debttrap dsa COUNTRY_FILE``: the full LIC-DSF for one country."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Annotated, Any

import typer

from debttrap.cli import app
from debttrap.cli._common import (
    DEFAULT_FIRST_YEAR,
    check_first_year,
    check_out_folder,
    console,
    err_console,
    output_set,
    print_json,
    refuse_flag,
    write_bytes_atomic,
    write_text_atomic,
)
from debttrap.cli._progress import working
from debttrap.cli._table import Cell, TableSpec, print_table
from debttrap.country.model import Country
from debttrap.dsa.indicators import (
    EXTERNAL_INDICATORS,
    INDICATOR_LABELS,
    INDICATORS,
    STRESS_TEST_LABELS,
    StressTest,
)
from debttrap.dsa.run import DSAResult, run_dsa
from debttrap.dsa.stress import StressSettings
from debttrap.io.country_file import load_dsa_inputs
from debttrap.validation import require_finite


def scenario_label(code: str) -> str:
    """``"B3"`` → ``"B3 exports"``: the code the template uses and what it shocks."""
    try:
        words = STRESS_TEST_LABELS[StressTest(code)]
    except ValueError:
        return code
    return f"{code} {words[0].lower()}{words[1:]}"


def _summary_tables(res: DSAResult, public_not_evaluated: str = "") -> None:
    cap = res.capacity
    score = "" if cap.ci_score is None else f", CI {cap.ci_score:.3f}"
    console.print(
        f"[bold]{res.country}[/bold] — LIC-DSF, first projection year "
        f"{res.first_projection_year}; debt-carrying capacity {cap.classification.value}{score}"
    )
    window = [y for y in res.years if y <= res.first_projection_year + 10]
    for ind in INDICATORS:
        if public_not_evaluated and ind not in EXTERNAL_INDICATORS:
            console.print(f"{INDICATOR_LABELS[ind]}: not evaluated — {public_not_evaluated}")
            continue
        mx = res.rating.most_extreme[ind]
        rows: list[list[Cell]] = []
        for scen in ["baseline", *res.stress]:
            vals = res.indicator_path(ind.value, scen)[: len(window)]
            label = scenario_label(scen) + (
                " (most extreme)" if mx is not None and scen == mx.value else ""
            )
            rows.append([label, *(f"{v:.1f}" for v in vals)])
        title = f"{INDICATOR_LABELS[ind]} (%), threshold {res.thresholds[ind.value]:g}"
        print_table(console, TableSpec(["scenario", *(str(int(y)) for y in window)], rows, title))
    r = res.rating
    space = f" ({r.moderate_space.value} space)" if r.moderate_space is not None else ""
    overall = (
        f"not evaluated (public debt not evaluated; at least {r.external.value})"
        if public_not_evaluated and r.external.value != "in_distress"
        else r.overall.value
    )
    console.print(
        f"Risk of external debt distress: [bold]{r.external.value}[/bold]{space}; "
        f"overall risk of debt distress: [bold]{overall}[/bold]"
    )
    for sig in r.signals:
        if public_not_evaluated and sig.indicator not in EXTERNAL_INDICATORS:
            continue
        mark = "counts" if sig.counts else "one year only (judgment)"
        console.print(
            f"  {INDICATOR_LABELS[sig.indicator]}, {scenario_label(sig.scenario)}: "
            f"above {sig.threshold_pct:g} in "
            f"{', '.join(str(y) for y in sig.breach_years)} — {mark}"
        )
    for code, why in res.not_run.items():
        console.print(f"  {scenario_label(code)} not run: {why}")


#: Short names for the chart legends, where five panels share one legend.
_SHORT = {
    INDICATORS[0]: "PV debt/GDP",
    INDICATORS[1]: "PV debt/exports",
    INDICATORS[2]: "debt service/exports",
    INDICATORS[3]: "debt service/revenue",
    INDICATORS[4]: "PV public debt/GDP",
}


def _panel(res: DSAResult, k: int) -> tuple[Any, Any, Any, str, float]:
    """One indicator's baseline, most extreme path, its label and its own threshold."""
    ind = INDICATORS[k]
    mx = res.rating.most_extreme[ind]
    mx_label = f"most extreme: {scenario_label(mx.value)}" if mx is not None else "most extreme"
    return (
        ind,
        res.indicator_path(ind.value, "baseline"),
        res.indicator_path(ind.value, "most_extreme"),
        mx_label,
        float(res.thresholds[ind.value]),
    )


def _png(res: DSAResult, path: Path) -> None:
    """The five panels as a PNG: whole years on the x-axis, each panel its own threshold."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    years = [int(y) for y in res.years]
    fig, axes = plt.subplots(2, 3, figsize=(15, 8))
    for k in range(len(INDICATORS)):
        ind, base, mxp, mx_label, thr = _panel(res, k)
        ax = axes.flat[k]
        ax.plot(years, base, color="black", label="baseline")
        ax.plot(years, mxp, color="tab:red", linestyle="--", label=mx_label)
        ax.axhline(thr, color="tab:blue", linestyle=":", label=f"threshold {thr:g}%")
        ax.set_title(INDICATOR_LABELS[ind], fontsize=9)
        ax.set_ylabel("percent")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend(fontsize=7)
    axes.flat[5].axis("off")
    fig.suptitle(f"{res.country}: LIC-DSF indicators, baseline and most extreme shock")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, dpi=110, format="png")
    plt.close(fig)
    write_bytes_atomic(path, buf.getvalue())


def _html(res: DSAResult, path: Path) -> None:
    """The same panels, interactive: legend entries name their panel; thresholds are labelled."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    from debttrap.report.panels import panel_page

    years = [int(y) for y in res.years]
    pfig = make_subplots(rows=2, cols=3, subplot_titles=[INDICATOR_LABELS[i] for i in INDICATORS])
    for k in range(len(INDICATORS)):
        ind, base, mxp, mx_label, thr = _panel(res, k)
        row, col = divmod(k, 3)
        group = {"legendgroup": ind.value, "legendgrouptitle_text": _SHORT[ind]}
        for trace in (
            go.Scatter(x=years, y=base, name="baseline", line={"color": "black"}, **group),
            go.Scatter(x=years, y=mxp, name=mx_label, line={"color": "red", "dash": "dash"},
                       **group),
            go.Scatter(x=years, y=[thr] * len(years), name=f"threshold {thr:g}%",
                       line={"color": "blue", "dash": "dot"}, **group),
        ):
            pfig.add_trace(trace, row=row + 1, col=col + 1)
        pfig.update_xaxes(dtick=2, tickformat="d", row=row + 1, col=col + 1)
    pfig.update_layout(
        title=f"{res.country}: LIC-DSF indicators (percent)", height=750,
        legend={"groupclick": "toggleitem"},
    )
    page = panel_page(pfig, panels=len(INDICATORS),
                      title=f"{res.country}: LIC-DSF indicators, baseline and most extreme shock")
    write_text_atomic(path, page)


def _charts(res: DSAResult, out: Path) -> list[str]:
    """Indicator vs threshold, baseline and most extreme shock: PNG and self-contained HTML.

    Written into ``out`` (the staging folder of the output set); returns the file names.
    """
    _png(res, out / "dsa-indicators.png")
    _html(res, out / "dsa-indicators.html")
    return ["dsa-indicators.png", "dsa-indicators.html"]


#: The fields of ``dsa --json`` that are null when not defined (docs/reliability.md): the
#: historical mean and deviation of a shocked variable with fewer than two years of history
#: (the stress test that needs it is not run, and ``stress_tests_not_run`` says so).
DSA_NULLABLE = ("assumptions.shock_stats.*",)


def check_indicators_finite(res: DSAResult) -> None:
    """Every indicator path, baseline and stress tests, must be finite in every projection
    year: a NaN there is a computation gone wrong (an internal error), never a null."""
    for ind in INDICATORS:
        require_finite(res.baseline.indicator(ind.value), f"the baseline path of {ind.value}")
        for code, path in res.stress.items():
            require_finite(path.indicator(ind.value), f"the {code} path of {ind.value}")


def _load_file(path: Path) -> tuple[Country, StressSettings]:
    """A country file, or a filled LIC-DSF workbook read through its versioned mapping."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from debttrap.io.workbook import read_workbook

        wb = read_workbook(path)
        return wb.country, wb.settings
    return load_dsa_inputs(path)


@app.command("dsa")
def dsa_cmd(
    country_file: Annotated[
        str | None,
        typer.Argument(
            metavar="COUNTRY",
            help="Country file (.toml or .json), a filled LIC-DSF workbook (.xlsx or .xlsm), "
            "or an ISO3 code (e.g. ZMB) built from the "
            "bundled data; omit with --all.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Folder for the charts (PNG and HTML); with --all, the table (.csv or .parquet).",
        ),
    ] = None,
    all_countries: Annotated[
        bool, typer.Option("--all", help="Every country the bundled data covers, as one table.")
    ] = False,
    first_year: Annotated[
        int | None,
        typer.Option("--first-year", help="First projection year for ISO3 codes and --all "
                     "(default 2024; a country file states its own)."),
    ] = None,
) -> None:
    """Run the LIC-DSF (baseline, stress tests, rating) for a country file or an ISO3 code."""
    from debttrap.cli._country_cache import country_for_dsa, is_iso3
    from debttrap.errors import InputError

    year = check_first_year(DEFAULT_FIRST_YEAR if first_year is None else first_year)
    if all_countries:
        if country_file is not None:
            raise InputError("give a country or --all, not both", field="--all")
        from debttrap.cli.country import run_all_cli

        run_all_cli(year, as_json, out)
        return
    if country_file is None:
        raise InputError("give a country file or an ISO3 code (or --all)", field="COUNTRY")
    iso3 = is_iso3(country_file)
    if first_year is not None and not iso3:
        refuse_flag("--first-year", "a country file or workbook states its own first "
                    "projection year; --first-year is for ISO3 codes and --all")
    if out is not None:
        check_out_folder(out)  # before the work: a bad --out fails at once
    if iso3:
        country, settings = country_for_dsa(country_file, year)
    else:
        country, settings = _load_file(Path(country_file))
    res = run_dsa(country, settings)
    check_indicators_finite(res)  # before anything is drawn or printed
    written: list[Path] = []
    if out is not None:
        with working(err_console, f"drawing the charts into {out} ..."), output_set(out) as stage:
            names = _charts(res, stage)
        written = [out / name for name in names]
    if as_json:
        doc: dict[str, Any] = res.to_contract()
        if written:
            doc["charts"] = [str(p) for p in written]
        print_json(doc, nullable=DSA_NULLABLE)
        return
    _summary_tables(res, country.domestic_debt.not_evaluated_reason)
    for p in written:
        console.print(f"wrote {p}")
