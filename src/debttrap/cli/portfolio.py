"""``debttrap portfolio BOOK``: a lender's whole book under stress, borrower by borrower."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from debttrap.cli import app
from debttrap.cli._common import (
    check_first_year,
    check_out_file,
    check_out_folder,
    console,
    err_console,
    output_set,
    print_json,
    write_bytes_atomic,
    write_text_atomic,
)
from debttrap.cli._table import Cell, TableSpec, print_table
from debttrap.errors import InputError

_BUNDLED = {"ibrd": ("IBRD",), "ida": ("IDA",), "world-bank": ("IBRD", "IDA"),
            "china-estimated": ()}


def _book(arg: str) -> Any:
    from debttrap.portfolio.book import read_book, world_bank_book

    key = arg.strip().lower()
    if key == "china-estimated":
        from debttrap.portfolio.china import china_estimated_book

        return china_estimated_book()
    if key in _BUNDLED:
        return world_bank_book(_BUNDLED[key])
    path = Path(arg)
    if not path.exists():
        raise InputError(f"'{arg}' is neither a file nor a bundled book "
                         f"({', '.join(_BUNDLED)})", field="BOOK")
    return read_book(path)


def _summary(res: Any) -> None:
    est = " (ESTIMATED)" if res.estimated and "ESTIMATED" not in res.book else ""
    s = res.summary()
    console.print(f"Book {res.book}{est}: US${s['exposure_usd_m']:,.0f} m to "
                  f"{len(res.borrowers)} borrowers; {res.n_paths:,} paths, seed {res.seed}")
    console.print(f"Exposure-weighted probability of a sustained breach (assessed borrowers): "
                  f"{100 * s['exposure_weighted_prob_distress']:.1f}%")
    console.print(f"Expected shortfall of debt service at risk ({100 * res.tail:g}% tail): "
                  f"US${s['expected_shortfall_usd_m']:,.0f} m; concentration (HHI) "
                  f"{s['hhi']:.3f}, top borrower {100 * s['top1_share']:.1f}%, top five "
                  f"{100 * s['top5_share']:.1f}%")
    rows: list[list[Cell]] = []
    for iso3, row in res.borrowers.head(15).iterrows():
        prob = row["prob_distress"]
        rows.append([str(iso3), f"{row['exposure_usd_m']:,.1f}", f"{int(row['n_loans'])}",
                     str(row["rating"]), "" if prob != prob else f"{100 * prob:.1f}%"])
    header = ["borrower", "exposure US$ m", "loans", "risk rating", "P(sustained breach)"]
    print_table(console, TableSpec(header, rows, "Borrowers by exposure",
                                   numeric=[True, True, False, True]))


@app.command("portfolio")
def portfolio_cmd(
    book: Annotated[str, typer.Argument(
        help="A book file (Parquet or CSV, one row per loan; see docs/portfolio.md) or a "
        "bundled book: ibrd, ida, world-bank, china-estimated (ESTIMATED from AidData "
        "commitments and How China Lends terms).")],
    paths: Annotated[int, typer.Option("--paths", help="Paths per borrower.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed >= 0.")] = 1,
    first_year: Annotated[int, typer.Option("--first-year",
                                            help="First projection year.")] = 2024,
    tail: Annotated[float, typer.Option("--tail", help="Expected shortfall level, 0-1.")] = 0.95,
    workers: Annotated[int | None, typer.Option(
        "--workers", help="Local processes (default: one per CPU core).")] = None,
    db: Annotated[Path | None, typer.Option(
        "--db", help="DuckDB file for loans, borrowers' paths and results; a rerun with the "
        "same file computes only the borrowers not yet done.")] = None,
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="Run on an existing Dask cluster: tcp://HOST:PORT.")] = None,
    borrowers: Annotated[str | None, typer.Option(
        "--borrowers", help="Only these borrowers, ISO3 codes separated by commas.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Folder for the report: report.html and book.xlsx.")] = None,
) -> None:
    """A lender's book under stress: exposure, sustained-breach risk, debt service at risk."""
    from debttrap.io.scenario import check_n_paths
    from debttrap.portfolio.compute import run_portfolio

    n_paths = check_n_paths(paths, "--paths")
    first_year = check_first_year(first_year)
    if seed < 0:
        raise InputError("must be >= 0", field="--seed")
    if not 0.0 < tail < 1.0:
        raise InputError("must be between 0 and 1", field="--tail")
    if workers is None:
        import os

        workers = max(1, min(os.cpu_count() or 1, 64))
    if not 1 <= workers <= 64:
        raise InputError("must be between 1 and 64", field="--workers")
    if scheduler is not None and not scheduler.startswith(("tcp://", "tls://", "inproc://")):
        raise InputError(f"'{scheduler}' is not an address like tcp://HOST:PORT",
                         field="--scheduler")
    if out is not None:
        check_out_folder(out)  # before the work: a bad --out fails at once
    if db is not None:
        check_out_file(db, None, flag="--db")  # a store to reuse may exist
    loaded = _book(book)
    if borrowers:
        codes = tuple(c.strip().upper() for c in borrowers.split(",") if c.strip())
        loaded = loaded.select(codes)
        if loaded.n_loans == 0:
            raise InputError("no loan of the book goes to these borrowers", field="--borrowers")
    store = None
    if db is not None:
        from debttrap.portfolio.store import BookStore

        store = BookStore.open(db, loaded, n_paths=n_paths, seed=seed, first_year=first_year,
                               tail=tail)
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    try:
        done = store.done() if store is not None else []
        todo = len([c for c in loaded.borrowers if c not in {d.iso3 for d in done}])
        with Progress(TextColumn("borrowers"), BarColumn(), TextColumn("{task.completed}/"
                      "{task.total} {task.description}"), TimeElapsedColumn(),
                      console=err_console, disable=as_json) as bar:
            task = bar.add_task("", total=todo)

            def finished(p: Any) -> None:
                if store is not None:
                    store.add(p)
                bar.update(task, advance=1, description=p.iso3)

            res = run_portfolio(loaded, n_paths=n_paths, seed=seed, first_year=first_year,
                                tail=tail, workers=workers, done=done, on_borrower=finished,
                                scheduler=scheduler)
        if store is not None:
            store.write_results(res)
    finally:
        if store is not None:
            store.__exit__()
    written: list[Path] = []
    if out is not None:
        from debttrap.report.portfolio import portfolio_html, portfolio_workbook

        html, xlsx = portfolio_html(res, loaded), portfolio_workbook(res, loaded)
        with output_set(out) as stage:  # both files or neither
            write_text_atomic(stage / "report.html", html)
            write_bytes_atomic(stage / "book.xlsx", xlsx)
        written = [out / "report.html", out / "book.xlsx"]
    if as_json:
        doc = res.summary()
        if written:
            doc["files"] = [str(p) for p in written]
        doc["by_year"] = res.to_frame().to_dict(orient="index")
        doc["borrowers"] = res.borrowers.reset_index().to_dict(orient="records")
        doc["top_loans"] = res.contributions.head(20).to_dict(orient="records")
        print_json(doc)
        return
    _summary(res)
    for p in [*written, *([db] if db is not None else [])]:
        console.print(f"wrote {p}")
