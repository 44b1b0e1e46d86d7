"""``debttrap simulate COUNTRY``: stochastic debt paths, fan charts, breach probabilities."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from debttrap.cli import app
from debttrap.cli._common import console, err_console, print_json, write_text_atomic
from debttrap.errors import InputError
from debttrap.stochastic.results import DistressRule, SimulationResult
from debttrap.stochastic.shocks import Method
from debttrap.stochastic.simulate import Engine

_ISO3 = re.compile(r"^[A-Za-z]{3}$")
_PROGRESS_FROM_PATHS = 50_000


def _window(text: str) -> tuple[int, int]:
    m = re.fullmatch(r"\s*(\d{4})\s*:\s*(\d{4})\s*", text)
    if not m:
        raise InputError(f"'{text}' is not FIRST:LAST, e.g. 2000:2023", field="--window")
    lo, hi = int(m.group(1)), int(m.group(2))
    if lo >= hi:
        raise InputError(f"'{text}': the first year must come before the last", field="--window")
    return lo, hi


def _summary(res: SimulationResult, capacity: str) -> None:
    table = Table(
        title=f"{res.country}: {res.n_paths:,} paths, seed {res.seed}, "
        f"method {res.method}, capacity {capacity}",
        title_justify="left",
    )
    for col in (
        "indicator",
        "threshold",
        "P(breach, any year)",
        "P(breach, 2+ years)",
        f"median {int(res.window_years[-1])}",
        f"p90 {int(res.window_years[-1])}",
    ):
        table.add_column(col, justify="right" if col != "indicator" else "left")
    probs = res.probabilities_frame()
    last = len(res.window_years) - 1
    for j, (name, row) in enumerate(probs.iterrows()):
        table.add_row(
            str(name),
            f"{row['threshold_pct']:g}",
            f"{100 * row['prob_breach_any_year']:.1f}%",
            f"{100 * row['prob_breach_two_or_more_years']:.1f}%",
            f"{res.quantiles[3, last, j]:.1f}",
            f"{res.quantiles[5, last, j]:.1f}",
        )
    console.print(table)
    console.print(
        f"P(distress: {res.distress_rule.describe()}): "
        f"[bold]{100 * res.main.prob_distress:.1f}%[/bold]"
    )
    for v in res.variants:
        console.print(
            f"  {v.name}: P(distress) {100 * v.prob_distress:.1f}% "
            f"(offer adds {100 * (res.main.prob_distress - v.prob_distress):+.1f} pp)"
        )


@app.command("simulate")
def simulate_cmd(
    country: Annotated[
        str,
        typer.Argument(
            help="ISO3 code (the country built from the bundled data) or a country file."
        ),
    ],
    paths: Annotated[int, typer.Option("--paths", help="Number of simulated paths.")] = 10_000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (>= 0).")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Folder for fan charts (PNG, HTML) and the fan table (CSV)."),
    ] = None,
    workers: Annotated[int, typer.Option("--workers", help="Threads running blocks.")] = 1,
    method: Annotated[
        str, typer.Option("--method", help="normal, t (Student-t) or bootstrap (block bootstrap).")
    ] = "normal",
    window: Annotated[
        str, typer.Option("--window", help="Calibration years FIRST:LAST (actual data only).")
    ] = "2000:2023",
    history: Annotated[
        str | None,
        typer.Option(
            "--history",
            help="ISO3 code whose WEO history calibrates the shocks (default: the country's own).",
        ),
    ] = None,
    df: Annotated[float, typer.Option("--df", help="Student-t degrees of freedom.")] = 5.0,
    block_years: Annotated[
        int, typer.Option("--block-years", help="Bootstrap block length, years.")
    ] = 3,
    pwt: Annotated[
        bool,
        typer.Option(
            "--pwt", help="Fill years WEO lacks from the Penn World Table (pairwise moments)."
        ),
    ] = False,
    first_year: Annotated[
        int | None,
        typer.Option("--first-year", help="First projection year when building from an ISO3 code."),
    ] = None,
    max_gap_pct_gdp: Annotated[
        float | None,
        typer.Option(
            "--max-gap-pct-gdp",
            help="Also count as distress an extra financing need above this "
            "share of GDP in a year.",
        ),
    ] = None,
    engine: Annotated[str, typer.Option("--engine", help="numpy or numba.")] = "numpy",
) -> None:
    """Simulate stochastic debt paths: fan charts and probabilities of breach and distress."""
    from debttrap import datasets
    from debttrap.stochastic.from_country import inputs_from_country
    from debttrap.stochastic.shocks import (
        ShockModel,
        calibrate,
        combine_histories,
        history_from_pwt,
        history_from_weo,
    )
    from debttrap.stochastic.simulate import simulate

    try:
        meth = Method(method.strip().lower())
    except ValueError:
        raise InputError(
            f"'{method}' is not one of normal, t, bootstrap", field="--method"
        ) from None
    eng: Engine
    if engine == "numpy":
        eng = "numpy"
    elif engine == "numba":
        eng = "numba"
    else:
        raise InputError(f"'{engine}' is not numpy or numba", field="--engine")
    if paths < 1 or paths > 5_000_000:
        raise InputError("must be between 1 and 5,000,000", field="--paths")
    if seed < 0:
        raise InputError("must be >= 0", field="--seed")
    if workers < 1 or workers > 64:
        raise InputError("must be between 1 and 64", field="--workers")
    win = _window(window)
    distress = DistressRule(max_extra_financing_pct_gdp=max_gap_pct_gdp)

    iso3: str | None = None
    if _ISO3.match(country) and not Path(country).exists():
        from debttrap.country.builder import DEFAULT_FIRST_YEAR, build_country

        iso3 = country.upper()
        built = build_country(iso3, first_year if first_year is not None else DEFAULT_FIRST_YEAR)
        ctry = built.country
        from debttrap.dsa.stress import StressSettings

        settings = StressSettings()
    else:
        from debttrap.io.country_file import load_dsa_inputs

        ctry, settings = load_dsa_inputs(Path(country))
    hist_code = (history or iso3 or "").upper()
    if not hist_code:
        raise InputError(
            "a country file needs --history ISO3 to calibrate the shocks", field="--history"
        )
    hist = history_from_weo(datasets.weo(hist_code), hist_code)
    missing: Any = "complete"
    if pwt:
        hist = combine_histories(hist, history_from_pwt(datasets.pwt(hist_code), hist_code))
        missing = "pairwise"
    cal = calibrate(
        hist,
        win,
        missing=missing,
        source=f"IMF WEO Oct-2024{' + PWT 9.1' if pwt else ''}, {hist_code}",
    )
    model = ShockModel(cal, method=meth, df=df, block_years=block_years)
    ci = inputs_from_country(ctry, settings)

    if paths >= _PROGRESS_FROM_PATHS and not as_json:
        with Progress(
            TextColumn("simulating"),
            BarColumn(),
            TextColumn("{task.completed:,}/{task.total:,} paths"),
            TimeElapsedColumn(),
            console=err_console,
        ) as bar:
            task = bar.add_task("paths", total=paths)
            res = simulate(
                ci.inputs,
                model,
                n_paths=paths,
                seed=seed,
                thresholds_pct=ci.thresholds_pct,
                distress=distress,
                workers=workers,
                engine=eng,
                offer_names=ci.offer_names,
                country=ci.country,
                progress=lambda done: bar.update(task, completed=done),
            )
    else:
        res = simulate(
            ci.inputs,
            model,
            n_paths=paths,
            seed=seed,
            thresholds_pct=ci.thresholds_pct,
            distress=distress,
            workers=workers,
            engine=eng,
            offer_names=ci.offer_names,
            country=ci.country,
        )

    written: list[Path] = []
    if out is not None:
        from debttrap.report.fan_chart import fan_chart_html, fan_chart_png

        html = fan_chart_html(res)
        csv = res.to_frame().to_csv(float_format="%.6g")
        written.append(fan_chart_png(res, out / "fan-charts.png"))
        write_text_atomic(out / "fan-charts.html", html)
        written.append(out / "fan-charts.html")
        write_text_atomic(out / "fan-charts.csv", csv)
        written.append(out / "fan-charts.csv")
    if as_json:
        doc = res.to_dict()
        doc["capacity"] = ci.capacity
        doc["units"] = "indicators in percent; probabilities as shares of paths (0-1)"
        if written:
            doc["files"] = [str(p) for p in written]
        print_json(doc)
        return
    _summary(res, ci.capacity)
    for p in written:
        console.print(f"wrote {p}")
