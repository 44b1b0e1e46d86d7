"""``debttrap portfolio BOOK``: a lender's whole book under stress, borrower by borrower."""

from __future__ import annotations

import signal
import sys
import threading
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


def _pct(v: float) -> str:
    return "no borrower assessed" if v != v else f"{100 * v:.1f}%"


def _summary(res: Any) -> None:
    est = " (ESTIMATED)" if res.estimated and "ESTIMATED" not in res.book else ""
    s = res.summary()
    console.print(f"Book {res.book}{est}: US${s['exposure_usd_m']:,.0f} m to "
                  f"{len(res.borrowers)} borrowers; {res.n_paths:,} paths, seed {res.seed}")
    console.print("Exposure-weighted probability of a sustained breach (assessed borrowers): "
                  + _pct(s['exposure_weighted_prob_distress']))
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


def _lenders_hit(res: Any, iso3: str) -> None:
    frame = res.lenders_hit(iso3)
    rows: list[list[Cell]] = [
        [str(r["lender"]), f"{r['exposure_usd_m']:,.1f}", f"{100 * r['share_of_borrower']:.1f}%",
         f"{100 * r['share_of_lender']:.2f}%", f"{r['expected_at_risk_usd_m']:,.1f}",
         f"{r['contribution_usd_m']:,.1f}"]
        for _, r in frame.iterrows()]
    header = ["lender", "exposure US$ m", "share of the borrower's debt to the book",
              "share of the lender's book", "expected service at risk US$ m",
              "part of the expected shortfall US$ m"]
    print_table(console, TableSpec(header, rows, f"Which lenders {iso3}'s distress would hit",
                                   numeric=[True] * 5))


#: The fields of ``portfolio --json`` that are null when not defined (docs/reliability.md): a
#: borrower the bundled data cannot assess has no probability of distress, and a book with
#: no assessed borrower no exposure-weighted one. Every other number must be finite.
NULLABLE = ("borrowers[].prob_distress", "exposure_weighted_prob_distress")


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
        "--workers",
        help="Local processes (default: one per CPU core this process may use).")] = None,
    db: Annotated[Path | None, typer.Option(
        "--db", help="DuckDB file for loans, borrowers' paths and results; a rerun with the "
        "same file computes only the borrowers not yet done.")] = None,
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="Run on an existing Dask cluster: tcp://HOST:PORT.")] = None,
    borrowers: Annotated[str | None, typer.Option(
        "--borrowers", help="Only these borrowers, ISO3 codes separated by commas.")] = None,
    lenders_of: Annotated[str | None, typer.Option(
        "--lenders-of", help="Also show which lenders this borrower's distress would hit "
        "(ISO3 code).")] = None,
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

        # the cores this process may run on (a container or a batch job may grant fewer
        # than the machine has)
        cores = (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                 else os.cpu_count() or 1)
        workers = max(1, min(cores, 64))
    if not 1 <= workers <= 64:
        raise InputError("must be between 1 and 64", field="--workers")
    if scheduler is not None and not scheduler.startswith(("tcp://", "tls://", "inproc://")):
        raise InputError(f"'{scheduler}' is not an address like tcp://HOST:PORT",
                         field="--scheduler")
    if scheduler is not None or db is not None:
        # duckdb / distributed, before any borrower is computed (the library checks again)
        from debttrap.portfolio import store as _store

        if _store.missing_dependencies(distributed=scheduler is not None):
            raise InputError(_store.MISSING_EXTRA,
                             field="--scheduler" if scheduler is not None else "--db")
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
    if lenders_of is not None:
        lenders_of = lenders_of.strip().upper()
        if lenders_of not in loaded.borrowers:
            raise InputError(f"no loan of the book goes to '{lenders_of}'",
                             field="--lenders-of")
    store = None
    if db is not None:
        from debttrap.portfolio.store import BookStore

        store = BookStore.open(db, loaded, n_paths=n_paths, seed=seed, first_year=first_year,
                               tail=tail)
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    n_done = 0
    # Ctrl-C or a polite kill (SIGTERM) asks the run to stop at the next borrower: the
    # workers are stopped, the saved borrowers kept (a second Ctrl-C stops at once)
    stopping: list[int] = []

    def ask_to_stop(signum: int, frame: object) -> None:
        if stopping and signum == signal.SIGINT:
            raise KeyboardInterrupt
        stopping.append(signum)

    main_thread = threading.current_thread() is threading.main_thread()
    previous = ({s: signal.signal(s, ask_to_stop) for s in (signal.SIGINT, signal.SIGTERM)}
                if main_thread else {})
    try:
        done = store.done() if store is not None else []
        n_done = len(done)
        todo = len([c for c in loaded.borrowers if c not in {d.iso3 for d in done}])
        # redrawn as each borrower finishes (no drawing thread: the worker processes are
        # forked from this one)
        with Progress(TextColumn("borrowers"), BarColumn(), TextColumn("{task.completed}/"
                      "{task.total} {task.description}"), TimeElapsedColumn(),
                      console=err_console, disable=as_json, auto_refresh=False) as bar:
            task = bar.add_task("", total=todo)

            def finished(p: Any) -> None:
                nonlocal n_done
                if store is not None:
                    store.add(p)
                n_done += 1
                bar.update(task, advance=1, description=p.iso3, refresh=True)

            res = run_portfolio(loaded, n_paths=n_paths, seed=seed, first_year=first_year,
                                tail=tail, workers=workers, done=done, on_borrower=finished,
                                scheduler=scheduler, stop=lambda: bool(stopping))
        if store is not None:
            store.write_results(res)
    except KeyboardInterrupt:
        saved = (f"; {n_done} borrowers are saved in {db}: rerun with the same --db to "
                 "resume" if store is not None else "")
        err_console.print(f"interrupted{saved}", highlight=False, soft_wrap=True)
        sys.exit(130)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
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
        if lenders_of is not None:
            doc["lenders_of"] = res.lenders_hit(lenders_of).to_dict(orient="records")
        print_json(doc, nullable=NULLABLE)
        return
    _summary(res)
    if lenders_of is not None:
        _lenders_hit(res, lenders_of)
    for p in [*written, *([db] if db is not None else [])]:
        console.print(f"wrote {p}")
