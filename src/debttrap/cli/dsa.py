"""``debttrap dsa COUNTRY_FILE``: the full LIC-DSF for one country."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from debttrap.cli import app
from debttrap.cli._common import (
    check_out_folder,
    console,
    output_set,
    print_json,
    write_text_atomic,
)
from debttrap.country.model import Country
from debttrap.dsa.indicators import INDICATOR_LABELS, INDICATORS
from debttrap.dsa.run import DSAResult, run_dsa
from debttrap.dsa.stress import StressSettings
from debttrap.io.country_file import load_dsa_inputs


def _summary_tables(res: DSAResult) -> None:
    cap = res.capacity
    score = "" if cap.ci_score is None else f", CI {cap.ci_score:.3f}"
    console.print(
        f"[bold]{res.country}[/bold] — LIC-DSF, first projection year "
        f"{res.first_projection_year}; debt-carrying capacity {cap.classification.value}{score}"
    )
    window = [y for y in res.years if y <= res.first_projection_year + 10]
    for ind in INDICATORS:
        table = Table(title=f"{INDICATOR_LABELS[ind]} (%), threshold {res.thresholds[ind.value]:g}")
        table.add_column("scenario")
        for y in window:
            table.add_column(str(y), justify="right")
        mx = res.rating.most_extreme[ind]
        for scen in ["baseline", *res.stress]:
            vals = res.indicator_path(ind.value, scen)[: len(window)]
            label = scen + (" (most extreme)" if mx is not None and scen == mx.value else "")
            table.add_row(label, *(f"{v:.1f}" for v in vals))
        console.print(table)
    r = res.rating
    space = f" ({r.moderate_space.value} space)" if r.moderate_space is not None else ""
    console.print(
        f"Risk of external debt distress: [bold]{r.external.value}[/bold]{space}; "
        f"overall risk of debt distress: [bold]{r.overall.value}[/bold]"
    )
    for sig in r.signals:
        mark = "counts" if sig.counts else "one year only (judgment)"
        console.print(
            f"  {sig.indicator.value} {sig.scenario}: above {sig.threshold_pct:g} in "
            f"{', '.join(str(y) for y in sig.breach_years)} — {mark}"
        )
    for code, why in res.not_run.items():
        console.print(f"  {code} not run: {why}")


def _charts(res: DSAResult, out: Path) -> list[str]:
    """Indicator vs threshold, baseline and most extreme shock: PNG and self-contained HTML.

    Written into ``out`` (the staging folder of the output set); returns the file names.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    years = [int(y) for y in res.years]
    written: list[str] = []
    fig, axes = plt.subplots(2, 3, figsize=(15, 8))
    pfig = make_subplots(rows=2, cols=3, subplot_titles=[INDICATOR_LABELS[i] for i in INDICATORS])
    for k, ind in enumerate(INDICATORS):
        ax = axes.flat[k]
        base = res.indicator_path(ind.value, "baseline")
        mxp = res.indicator_path(ind.value, "most_extreme")
        mx = res.rating.most_extreme[ind]
        thr = res.thresholds[ind.value]
        mx_label = f"most extreme shock ({mx.value})" if mx is not None else "most extreme shock"
        ax.plot(years, base, color="black", label="baseline")
        ax.plot(years, mxp, color="tab:red", linestyle="--", label=mx_label)
        ax.axhline(thr, color="tab:blue", linestyle=":", label=f"threshold {thr:g}")
        ax.set_title(INDICATOR_LABELS[ind], fontsize=9)
        ax.set_ylabel("percent")
        ax.legend(fontsize=7)
        row, col = divmod(k, 3)
        pfig.add_trace(
            go.Scatter(
                x=years, y=base, name="baseline", line={"color": "black"}, showlegend=k == 0
            ),
            row=row + 1,
            col=col + 1,
        )
        pfig.add_trace(
            go.Scatter(x=years, y=mxp, name=mx_label, line={"color": "red", "dash": "dash"}),
            row=row + 1,
            col=col + 1,
        )
        pfig.add_trace(
            go.Scatter(
                x=years,
                y=[thr] * len(years),
                name=f"threshold {thr:g}",
                line={"color": "blue", "dash": "dot"},
                showlegend=k == 0,
            ),
            row=row + 1,
            col=col + 1,
        )
    axes.flat[5].axis("off")
    fig.suptitle(f"{res.country}: LIC-DSF indicators, baseline and most extreme shock")
    fig.tight_layout()
    try:
        fig.savefig(out / "dsa-indicators.png", dpi=110, format="png")
    finally:
        plt.close(fig)
    written.append("dsa-indicators.png")
    pfig.update_layout(title=f"{res.country}: LIC-DSF indicators (percent)", height=750)
    write_text_atomic(
        out / "dsa-indicators.html", pfig.to_html(include_plotlyjs="inline", full_html=True)
    )
    written.append("dsa-indicators.html")
    return written


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
        int, typer.Option("--first-year", help="First projection year for ISO3 codes and --all.")
    ] = 2024,
) -> None:
    """Run the LIC-DSF (baseline, stress tests, rating) for a country file or an ISO3 code."""
    from debttrap.cli.country import is_iso3, resolve_dsa_inputs, run_all_cli
    from debttrap.errors import InputError

    if all_countries:
        if country_file is not None:
            raise InputError("give a country or --all, not both", field="--all")
        run_all_cli(first_year, as_json, out)
        return
    if country_file is None:
        raise InputError("give a country file or an ISO3 code (or --all)", field="COUNTRY")
    if out is not None:
        check_out_folder(out)  # before the work: a bad --out fails at once
    if is_iso3(country_file):
        country, settings, _ = resolve_dsa_inputs(country_file, first_year)
    else:
        country, settings = _load_file(Path(country_file))
    res = run_dsa(country, settings)
    written: list[Path] = []
    if out is not None:
        with output_set(out) as stage:
            names = _charts(res, stage)
        written = [out / name for name in names]
    if as_json:
        doc: dict[str, Any] = res.to_contract()
        if written:
            doc["charts"] = [str(p) for p in written]
        print_json(doc)
        return
    _summary_tables(res)
    for p in written:
        console.print(f"wrote {p}")
