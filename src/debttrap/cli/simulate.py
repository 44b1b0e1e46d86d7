"""``debttrap simulate COUNTRY``: stochastic debt paths, fan charts, breach probabilities."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from debttrap.cli import app
from debttrap.cli._common import (
    check_first_year,
    check_iso3_flag,
    check_out_folder,
    check_table_finite,
    console,
    err_console,
    output_set,
    print_json,
    refuse_flag,
    simulation_bytes,
    write_text_atomic,
)
from debttrap.cli._progress import working
from debttrap.cli._table import Cell, TableSpec, print_table
from debttrap.errors import DataError, InputError
from debttrap.stochastic.results import DistressRule, SimulationResult
from debttrap.stochastic.shocks import ShockDistribution
from debttrap.stochastic.simulate import Engine
from debttrap.validation import check_memory, check_number

_ISO3 = re.compile(r"^[A-Za-z]{3}$")
_PROGRESS_FROM_PATHS = 50_000
#: Student-t degrees of freedom above this are the normal distribution (use --method normal).
MAX_T_DF = 1_000.0
#: A bootstrap block longer than any calibration window is meaningless.
MAX_BLOCK_YEARS = 50


def _window(text: str) -> tuple[int, int]:
    m = re.fullmatch(r"\s*(\d{4})\s*:\s*(\d{4})\s*", text)
    if not m:
        raise InputError(f"'{text}' is not FIRST:LAST, e.g. 2000:2023", field="--window")
    lo, hi = int(m.group(1)), int(m.group(2))
    if lo >= hi:
        raise InputError(f"'{text}': the first year must come before the last", field="--window")
    return lo, hi


def _summary(res: SimulationResult, capacity: str) -> None:
    from debttrap.report.fan_chart import LABELS

    last_year = int(res.window_years[-1])
    header = ["indicator", "threshold", "P(breach, any year)", "P(breach, 2+ years)",
              f"median {last_year}", f"p90 {last_year}"]
    probs = res.probabilities_frame()
    last = len(res.window_years) - 1
    rows: list[list[Cell]] = []
    for j, (name, row) in enumerate(probs.iterrows()):
        rows.append([
            LABELS.get(str(name), str(name)),
            f"{row['threshold_pct']:g}",
            f"{100 * row['prob_breach_any_year']:.1f}%",
            f"{100 * row['prob_breach_two_or_more_years']:.1f}%",
            f"{res.quantiles[3, last, j]:.1f}",
            f"{res.quantiles[5, last, j]:.1f}",
        ])
    title = (f"{res.country}: {res.n_paths:,} paths, seed {res.seed}, "
             f"method {res.method}, capacity {capacity}")
    print_table(console, TableSpec(header, rows, title))
    console.print(
        f"Probability of a sustained breach ({res.distress_rule.describe()}): "
        f"[bold]{100 * res.main.prob_distress:.1f}%[/bold]"
    )
    for name, c in res.offer_contributions().items():
        if not c["adds_debt"]:
            console.print(f"  {name}: adds no PPG debt (contribution 0)")
            continue
        d = float(c["contribution_prob_distress"])  # type: ignore[arg-type]
        b = float(c["contribution_prob_external_breach_flag"])  # type: ignore[arg-type]
        console.print(
            f"  {name}: probability of a sustained breach without it "
            f"{100 * float(c['prob_distress_without']):.1f}% "  # type: ignore[arg-type]
            f"(it adds {100 * d:+.1f} pp); P(external breach flag) adds {100 * b:+.1f} pp"
        )


def _scenario_or_none(arg: str) -> Any:
    """The scenario in ``arg`` when it is a scenario file (a document with ``offers``)."""
    path = Path(arg)
    if not (path.is_file() and path.suffix.lower() in (".toml", ".json")):
        return None
    from debttrap.io.files import read_document
    from debttrap.io.scenario import parse_scenario

    data = read_document(path)
    if "offers" not in data:
        return None  # a country file
    return parse_scenario(data, source=path.name, base_dir=path.parent)  # as load_scenario does


def _scenario_country(scenario: Any, first_year: int | None) -> tuple[Any, str | None]:
    """The scenario's country, built as debttrap assess builds it; its ISO3 code if given."""
    if isinstance(scenario.country, str):
        from debttrap.opendata import DEFAULT_FIRST_YEAR, build_country

        code = scenario.country.upper()
        t = first_year or scenario.settings.first_projection_year or DEFAULT_FIRST_YEAR
        built = build_country(
            code,
            t,
            horizon_years=scenario.settings.horizon_years,
            ex_ante=scenario.is_ex_ante,
        )
        return built.country, code
    return scenario.country, None


@app.command("simulate")
def simulate_cmd(
    country: Annotated[
        str,
        typer.Argument(
            help="ISO3 code (the country built from the bundled data), a country file, or a "
            "scenario file (its offers' PPG loans are added, one group per offer)."
        ),
    ],
    paths: Annotated[
        int | None,
        typer.Option("--paths", help="Number of simulated paths (default 10,000; a scenario's "
                     "settings.n_paths)."),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option("--seed", help="Random seed >= 0 (default 1; a scenario's settings.seed)."),
    ] = None,
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
        str | None,
        typer.Option("--window", help="Calibration years FIRST:LAST (actual data only; default "
                     "2000:2023, for a scenario the 30 years before its first projection year "
                     "as debttrap assess)."),
    ] = None,
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
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            help="auto (compiled with numba when it is installed and the run is large), "
            "numpy or numba.",
        ),
    ] = "auto",
    all_fans: Annotated[
        bool,
        typer.Option("--all-fans", help="Keep and draw the fan of every variant (all but each "
                     "offer), not only the no-offer reference's (more memory)."),
    ] = False,
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
        meth = ShockDistribution(method.strip().lower())
    except ValueError:
        raise InputError(
            f"'{method}' is not one of normal, t, bootstrap", field="--method"
        ) from None
    eng: Engine
    if engine == "auto":
        eng = "auto"
    elif engine == "numpy":
        eng = "numpy"
    elif engine == "numba":
        eng = "numba"
    else:
        raise InputError(f"'{engine}' is not auto, numpy or numba", field="--engine")
    from debttrap.io.scenario import check_n_paths

    if paths is not None:
        check_n_paths(paths, "--paths")
    if seed is not None and seed < 0:
        raise InputError("must be >= 0", field="--seed")
    if workers < 1 or workers > 64:
        raise InputError("must be between 1 and 64", field="--workers")
    win = _window(window) if window is not None else None
    check_number(df, "--df", minimum=2.000001, maximum=MAX_T_DF, unit="degrees of freedom")
    if max_gap_pct_gdp is not None:
        check_number(max_gap_pct_gdp, "--max-gap-pct-gdp", minimum=0.0, maximum=100.0,
                     unit="percent of GDP")
    if not 1 <= block_years <= MAX_BLOCK_YEARS:
        raise InputError(f"must be a whole number of years from 1 to {MAX_BLOCK_YEARS}",
                         field="--block-years")
    if first_year is not None:
        check_first_year(first_year)
    if history is not None:
        history = check_iso3_flag(history, flag="--history")
    if out is not None:
        check_out_folder(out)  # before the work: a bad --out fails at once
    distress = DistressRule(max_extra_financing_pct_gdp=max_gap_pct_gdp)

    iso3: str | None = None
    scenario = _scenario_or_none(country)
    from_code = _ISO3.match(country) is not None and not Path(country).exists()
    if first_year is not None and not from_code and (
        scenario is None or not isinstance(scenario.country, str)
    ):
        refuse_flag("--first-year", "the country file states its own first projection year; "
                    "--first-year is for ISO3 codes and scenarios that name one")
    if scenario is not None:
        decided = scenario.settings.decision_year
        if first_year is not None and decided is not None and first_year > decided:
            raise InputError(
                f"must be at most the scenario's decision year {decided}: the years before it "
                "are history and would include realised values after the decision",
                field="--first-year",
            )
        sim_country, iso3 = _scenario_country(scenario, first_year)
        if history is None and iso3 is None:
            iso3 = datasets.iso3_for_name(sim_country.name)
        if paths is None:
            paths = scenario.settings.n_paths
        if seed is None:
            seed = scenario.settings.seed
    n_paths = 10_000 if paths is None else check_n_paths(paths, "--paths")
    seed_ = 1 if seed is None else seed

    if scenario is not None:
        from debttrap.dsa.stress import StressSettings

        ctry = sim_country
        settings = StressSettings()  # as debttrap assess (run_dsa's defaults)
    elif from_code:
        from debttrap.opendata import DEFAULT_FIRST_YEAR, build_country

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
        what = ("the scenario's country is not named as in the IMF WEO" if scenario is not None
                else "a country file")
        raise InputError(
            f"{what}: give --history ISO3 to calibrate the shocks", field="--history"
        )
    if scenario is not None and win is None and not pwt:
        from debttrap.assess import CALIBRATION_YEARS
        from debttrap.stochastic.shocks import calibrate_from_history

        # the window debttrap assess uses
        try:
            cal, _ = calibrate_from_history(hist_code, ctry.t, years=CALIBRATION_YEARS)
        except DataError as exc:  # name the flag the code came from
            raise InputError(str(exc), field="--history" if history else "COUNTRY") from None
    else:
        try:
            weo = datasets.weo(hist_code)
        except DataError as exc:  # name the flag the code came from
            raise InputError(str(exc), field="--history" if history else "COUNTRY") from None
        hist = history_from_weo(weo, hist_code)
        missing: Any = "complete"
        if pwt:
            hist = combine_histories(hist, history_from_pwt(datasets.pwt(hist_code), hist_code))
            missing = "pairwise"
        try:
            cal = calibrate(
                hist,
                win if win is not None else (2000, 2023),
                missing=missing,
                source=f"IMF WEO Oct-2024{' + PWT 9.1' if pwt else ''}, {hist_code}",
            )
        except InputError as exc:
            if exc.field != "window":
                raise
            # the library's words for its arguments, said in the command's flags
            text = str(exc).removeprefix("field 'window': ")
            text = text.replace("use missing='pairwise'", "use --pwt (pairwise moments)")
            raise InputError(text, field="--window" if win is not None else "--history") from None
    model = ShockModel(cal, method=meth, df=df, block_years=block_years)
    if scenario is not None:
        from debttrap.stochastic.from_country import inputs_for_offers

        ci = inputs_for_offers(ctry, scenario.offers, settings)
    else:
        ci = inputs_from_country(ctry, settings)
    groups = ci.inputs.lines.groups
    fan_variants: tuple[str, ...] = ("no_offer",) if groups else ()
    if all_fans and len(groups) > 1:
        fan_variants += tuple(f"without_{ci.offer_names.get(g, f'offer{g}')}" for g in groups)

    n_years = len(ci.inputs.macro.years)
    check_memory(
        simulation_bytes(n_paths, n_years, extra_fans=len(fan_variants), workers=workers),
        "--paths" if paths is not None or scenario is None else "settings.n_paths",
        f"{n_paths:,} paths over {n_years} years"
        + (f" with {len(fan_variants)} fans" if len(fan_variants) > 1 else ""),
    )

    def run(progress: Callable[[int], None] | None = None) -> SimulationResult:
        return simulate(
            ci.inputs,
            model,
            n_paths=n_paths,
            seed=seed_,
            thresholds_pct=ci.thresholds_pct,
            distress=distress,
            workers=workers,
            engine=eng,
            offer_names=ci.offer_names,
            country=ci.country,
            progress=progress,
            fan_variants=fan_variants,
        )

    if n_paths >= _PROGRESS_FROM_PATHS and not as_json:
        with Progress(
            TextColumn("simulating"),
            BarColumn(),
            TextColumn("{task.completed:,}/{task.total:,} paths"),
            TimeElapsedColumn(),
            console=err_console,
        ) as bar:
            task = bar.add_task("paths", total=paths)
            res = run(lambda done: bar.update(task, completed=done))
    else:
        with working(err_console, f"simulating {n_paths:,} paths ..."):
            res = run()

    written: list[Path] = []
    if out is not None:
        from debttrap.report.fan_chart import fan_chart_html, fan_chart_png

        with working(err_console, f"drawing the fan charts into {out} ..."):
            html = fan_chart_html(res)
            table = res.to_frame()
            check_table_finite(table, where="fan-charts.csv")  # no documented gaps
            csv = table.to_csv(float_format="%.6g")
            with output_set(out) as stage:  # all three files or none
                fan_chart_png(res, stage / "fan-charts.png")
                write_text_atomic(stage / "fan-charts.html", html)
                write_text_atomic(stage / "fan-charts.csv", csv)
        written += [out / "fan-charts.png", out / "fan-charts.html", out / "fan-charts.csv"]
    if as_json:
        doc = res.to_dict()
        doc["capacity"] = ci.capacity
        doc["history"] = hist_code
        if scenario is not None:
            doc["scenario"] = scenario.name
        doc["units"] = "indicators in percent; probabilities as shares of paths (0-1)"
        if written:
            doc["files"] = [str(p) for p in written]
        print_json(doc)
        return
    _summary(res, ci.capacity)
    for p in written:
        console.print(f"wrote {p}")
