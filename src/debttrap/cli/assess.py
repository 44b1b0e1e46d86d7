"""``debttrap assess SCENARIO``: the offers side by side, the verdicts, the report.

Everything is computed before anything is written: ``--out DIR`` receives
``report.html`` (self-contained) and ``assessment.json`` as one set (staged beside
the folder and moved in at the end), only once the whole assessment and both
documents exist. ``--out`` and ``--xlsx`` are checked before any work.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.text import Text

from debttrap.cli import app
from debttrap.cli._common import (
    check_out_file,
    check_out_folder,
    console,
    err_console,
    jsonable,
    output_set,
    print_json,
    project_paths_bytes,
    simulation_bytes,
    write_bytes_atomic,
    write_text_atomic,
)
from debttrap.cli._progress import working
from debttrap.cli._table import Cell, TableSpec, print_table
from debttrap.errors import InputError
from debttrap.io.scenario import check_n_paths
from debttrap.validation import check_memory

_STYLE = {"low": "bold green", "moderate": "bold yellow", "high": "bold red"}


def _print_table(a: Any) -> None:
    from debttrap.report.words import plain_words

    frame = a.summary_table()
    console.print(
        f"[bold]{a.scenario_name}[/bold] — {a.country.name}, projections from {a.country.t}"
    )
    rows: list[list[Cell]] = []
    for idx, row in frame.iterrows():
        cells: list[Cell] = [str(idx)]
        for v in row:
            text = plain_words(str(v))
            cells.append(Text(text, style=_STYLE[text]) if text in _STYLE else text)
        rows.append(cells)
    print_table(console, TableSpec(["measure", *(str(c) for c in frame.columns)], rows))
    for line in a.summary_notes():
        console.print(f"[dim]{line}[/dim]")
    for o in a.offers:
        risk = o.verdict.trap_risk.value
        console.print(f"[{_STYLE[risk]}]{risk} trap risk[/] — {o.name}")
        for c in o.verdict.reasons:
            console.print(f"  • {c.severity}: {plain_words(c.detail)}")
        if not o.verdict.reasons:
            console.print("  • no rule fired: judged safe on every rule evaluated")
        if o.verdict.not_evaluated:
            skipped = ", ".join(plain_words(n) for n in o.verdict.not_evaluated)
            console.print(f"[dim]    not evaluated: {skipped}[/dim]")
    for note in a.notes:
        console.print(f"[dim]note: {plain_words(note)}[/dim]")


def _check_memory(
    scenario: Any, paths: int | None, stochastic_paths: int, *, stochastic: bool
) -> None:
    """Refuse, before any work, an assessment whose paths would not fit in memory.

    The project Monte Carlo keeps every offer's paths; the stochastic run holds one offer's
    macro paths at a time. The error names the flag (or scenario setting) that weighs most.
    """
    n_paths = scenario.settings.n_paths if paths is None else paths
    project = project_paths_bytes(scenario.offers, n_paths, kept=True)
    macro = 0
    if stochastic:
        if isinstance(scenario.country, str):
            n_years = scenario.settings.horizon_years + 1
        else:
            n_years = scenario.country.last_year - scenario.country.t + 1
        macro = simulation_bytes(stochastic_paths, n_years)
    if project >= macro:
        field = "--paths" if paths is not None else "settings.n_paths"
    else:
        field = "--stochastic-paths"
    parts = [f"{n_paths:,} project paths"] if project else []
    parts += [f"{stochastic_paths:,} macro paths"] if macro else []
    check_memory(project + macro, field, f"an assessment with {' and '.join(parts) or 'no paths'}")


@app.command("assess")
def assess_cmd(
    scenario_file: Annotated[Path, typer.Argument(help="Scenario file (.toml or .json).")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the assessment as JSON.")
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Folder for report.html and assessment.json."),
    ] = None,
    xlsx: Annotated[
        Path | None,
        typer.Option("--xlsx", help="Excel briefing workbook to write (.xlsx)."),
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", help="Seed of every random draw (default: scenario).")
    ] = None,
    paths: Annotated[
        int | None,
        typer.Option("--paths", help="Project Monte Carlo paths (default: scenario)."),
    ] = None,
    stochastic_paths: Annotated[
        int, typer.Option("--stochastic-paths", help="Macro paths for breach probabilities.")
    ] = 2000,
    no_stochastic: Annotated[
        bool, typer.Option("--no-stochastic", help="Skip the breach/distress probabilities.")
    ] = False,
) -> None:
    """Judge each offer of a scenario beside the no-offer reference (table, JSON, report)."""
    from debttrap import __version__
    from debttrap.assess import assess
    from debttrap.io.scenario import load_scenario

    if out is not None:
        check_out_folder(out)  # before the work: a bad --out fails at once
    if xlsx is not None:
        check_out_file(xlsx, (".xlsx",), flag="--xlsx")
    if seed is not None and seed < 0:
        raise InputError("must be a whole number >= 0", field="--seed")
    if paths is not None:
        check_n_paths(paths, "--paths")
    check_n_paths(stochastic_paths, "--stochastic-paths")
    scenario = load_scenario(scenario_file)
    _check_memory(scenario, paths, stochastic_paths, stochastic=not no_stochastic)
    with working(err_console, f"assessing {scenario.name} ..."):
        result = assess(
            scenario,
            seed=seed,
            n_paths=paths,
            stochastic=not no_stochastic,
            stochastic_paths=stochastic_paths,
        )
    doc: dict[str, Any] = result.to_dict()
    doc["scenario_file"] = str(scenario_file)
    workbook: bytes | None = None
    if xlsx is not None:  # built before anything is written
        from debttrap.report.workbook import assessment_workbook

        with working(err_console, f"building the workbook for {xlsx} ..."):
            workbook = assessment_workbook(result)
    if out is not None:
        from debttrap.report.assessment import assessment_html

        with working(err_console, f"writing the report into {out} ..."):
            page = assessment_html(result, version=__version__)
            text = json.dumps(jsonable(doc), indent=2, allow_nan=False) + "\n"
            with output_set(out) as stage:  # both documents or neither
                for name, content in (("assessment.json", text), ("report.html", page)):
                    write_text_atomic(stage / name, content)
    if xlsx is not None and workbook is not None:
        write_bytes_atomic(xlsx, workbook)
    if as_json:
        print_json(doc)
        return
    _print_table(result)
    if out is not None:
        console.print(f"report: {out / 'report.html'}")
        console.print(f"data:   {out / 'assessment.json'}")
    if xlsx is not None:
        console.print(f"workbook: {xlsx}")
