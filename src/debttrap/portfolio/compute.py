"""The book under stress: borrowers' paths in, exposure, distress, debt service at risk out.

Definitions (money in US$ millions; years are the simulation's calendar years):

* **exposure** of a loan: outstanding plus undisbursed at the valuation date;
* **debt service at risk** of loan ``i`` on path ``p`` in year ``y``:
  ``DS[i, y] * D[b(i), p, y]`` with ``DS`` its contractual service and ``D`` its borrower's
  distress indicator (:mod:`~debttrap.portfolio.borrower`); the book's is the sum over loans,
  and its quantiles over paths are given per year;
* **loss** of a path: the book's debt service at risk summed over the years;
* **risk**: the expected shortfall of the loss at level ``tail`` (mean of the worst
  ``(1 - tail) * paths`` paths, at least one);
* **contribution** of a loan (Euler allocation of the expected shortfall): its own loss
  averaged over those same tail paths; the contributions add up to the risk exactly, and
  each is the derivative of the risk with respect to scaling the loan;
* **expected debt service at risk** of a loan: its debt service at risk summed over the
  years and averaged over all paths;
* **concentration**: the Herfindahl index of exposure shares by borrower and the top 1, 5
  and 10 borrowers' shares.

Borrowers are independent of one another (each has its own seed); loans to one borrower
share its paths. A borrower the bundled data cannot build is "not assessed": its exposure
is counted, its service is never at risk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from debttrap.errors import InputError
from debttrap.portfolio.book import Book
from debttrap.portfolio.borrower import (
    NOT_ASSESSED,
    BorrowerPaths,
    PackedPaths,
    borrower_paths,
)
from debttrap.portfolio.schedules import BookSchedule, book_schedule

__all__ = ["NOT_ASSESSED_COLUMNS", "PortfolioResult", "aggregate", "run_portfolio"]

#: Columns a borrower the bundled data cannot assess leaves empty (docs/reliability.md):
#: the only documented empty cells of the book's result tables.
NOT_ASSESSED_COLUMNS = ("prob_distress",)

FloatArray = NDArray[np.float64]
QUANTILES: tuple[float, ...] = (0.5, 0.9, 0.95, 0.99)


@dataclass(frozen=True, slots=True, eq=False)
class PortfolioResult:
    """A book's results (frames by ``.to_frame()``, ``borrowers``, ``contributions``)."""

    book: str
    estimated: bool
    n_paths: int
    seed: int
    tail: float
    years: NDArray[np.int64]
    #: (len(QUANTILES), years) book debt service at risk, quantiles over paths
    dsar_quantiles_usd_m: FloatArray
    dsar_mean_usd_m: FloatArray
    debt_service_usd_m: FloatArray
    expected_shortfall_usd_m: float
    exposure_weighted_prob_distress: float
    hhi: float
    top_shares: dict[str, float]
    borrowers: pd.DataFrame
    contributions: pd.DataFrame

    def __post_init__(self) -> None:
        for a in (self.years, self.dsar_quantiles_usd_m, self.dsar_mean_usd_m,
                  self.debt_service_usd_m):
            a.setflags(write=False)

    def to_frame(self) -> pd.DataFrame:
        """By ``year``: contractual debt service, mean and quantiles of debt service at risk."""
        data = {"debt_service_usd_m": self.debt_service_usd_m,
                "dsar_mean_usd_m": self.dsar_mean_usd_m}
        for q, row in zip(QUANTILES, self.dsar_quantiles_usd_m, strict=True):
            data[f"dsar_p{round(100 * q)}_usd_m"] = row
        return pd.DataFrame(data, index=pd.Index(self.years, name="year"))

    def by_risk(self) -> pd.DataFrame:
        """Exposure by borrowers' risk rating (US$ m and share)."""
        g = self.borrowers.groupby("rating")["exposure_usd_m"].sum().sort_values(ascending=False)
        return pd.DataFrame({"exposure_usd_m": g, "share": g / g.sum()})

    def lenders_hit(self, iso3: str | None = None) -> pd.DataFrame:
        """Which lenders a borrower's distress would hit (every borrower when ``iso3`` is None).

        One row per borrower and lender: ``exposure_usd_m``; ``share_of_borrower`` (of what
        the borrower owes the book); ``share_of_lender`` (of the lender's exposure in the
        book); ``expected_at_risk_usd_m`` (the lender's debt service from this borrower at
        risk, mean over paths, summed over years); ``contribution_usd_m`` (its part of the
        book's expected shortfall). Sorted by borrower, then exposure.
        """
        c = self.contributions.assign(
            borrower_iso3=self.contributions["borrower_iso3"].replace("", "(regional)"))
        if iso3 is not None:
            code = iso3.strip().upper()
            if code not in set(c["borrower_iso3"]):
                raise InputError(f"no loan of the book goes to {code!r}", field="borrower")
        g = c.groupby(["borrower_iso3", "lender"], sort=True)[
            ["exposure_usd_m", "expected_at_risk_usd_m", "contribution_usd_m"]].sum()
        frame = g.reset_index()
        by_borrower = frame.groupby("borrower_iso3")["exposure_usd_m"].transform("sum")
        lender_total = c.groupby("lender")["exposure_usd_m"].sum()
        frame.insert(3, "share_of_borrower", (frame["exposure_usd_m"] / by_borrower).fillna(0.0))
        frame.insert(4, "share_of_lender", (frame["exposure_usd_m"]
                                            / frame["lender"].map(lender_total)).fillna(0.0))
        if iso3 is not None:
            frame = frame[frame["borrower_iso3"] == code]
        return frame.sort_values(["borrower_iso3", "exposure_usd_m", "lender"],
                                 ascending=[True, False, True]).reset_index(drop=True)

    def summary(self) -> dict[str, object]:
        return {
            "book": self.book,
            "estimated": self.estimated,
            "paths": self.n_paths,
            "seed": self.seed,
            "exposure_usd_m": float(self.borrowers["exposure_usd_m"].sum()),
            "exposure_weighted_prob_distress": self.exposure_weighted_prob_distress,
            "expected_shortfall_usd_m": self.expected_shortfall_usd_m,
            "tail": self.tail,
            "hhi": self.hhi,
            **{f"top{k}_share": v for k, v in self.top_shares.items()},
        }


def _on_years(sched: BookSchedule, years: NDArray[np.int64]) -> FloatArray:
    """Loans' debt service on the simulation's years (years outside are dropped)."""
    out = np.zeros((sched.debt_service_usd_m.shape[0], years.size))
    pos = {int(y): j for j, y in enumerate(sched.years)}
    for k, y in enumerate(years):
        j = pos.get(int(y))
        if j is not None:
            out[:, k] = sched.debt_service_usd_m[:, j]
    return out


def aggregate(book: Book, paths: dict[str, BorrowerPaths], *, n_paths: int, seed: int,
              tail: float = 0.95) -> PortfolioResult:
    """Book results from every borrower's paths (borrowers added in ISO3 order)."""
    if not 0.0 < tail < 1.0:
        raise InputError("must be between 0 and 1", field="tail")
    loans = book.loans
    assessed = [p for p in paths.values() if p.assessed]
    if assessed:
        years = assessed[0].years
        if any(not np.array_equal(p.years, years) for p in assessed):
            raise InputError("borrowers' paths cover different years", field="first_year")
    else:
        years = np.arange(book.as_of.year + 1, book.as_of.year + 21, dtype=np.int64)
    ds = _on_years(book_schedule(book), years)
    codes = loans["borrower_iso3"].to_numpy()
    loss = np.zeros(n_paths)
    dsar = np.zeros((n_paths, years.size))
    order = sorted(p.iso3 for p in assessed)
    rows = {code: np.flatnonzero(codes == code) for code in order}
    for code in order:  # fixed order: the sums do not depend on how the paths were run
        d = paths[code].distress
        assert d is not None
        ds_b = ds[rows[code]].sum(axis=0)
        at_risk = d * ds_b  # (N, Y)
        dsar += at_risk
        loss += at_risk.sum(axis=1)
    n_tail = max(1, round((1.0 - tail) * n_paths))
    worst = np.sort(np.argsort(-loss, kind="stable")[:n_tail])
    es = float(loss[worst].mean())
    contrib = np.zeros(len(loans))
    expected = np.zeros(len(loans))
    for code in order:
        d = paths[code].distress
        assert d is not None
        tail_mean = d[worst].mean(axis=0)  # (Y,) share of tail paths in distress by year
        contrib[rows[code]] = ds[rows[code]] @ tail_mean
        expected[rows[code]] = ds[rows[code]] @ d.mean(axis=0)
    exposure = loans["outstanding_usd_m"] + loans["undisbursed_usd_m"]
    borrowers = _borrowers(loans, exposure, paths)
    shares = borrowers["exposure_usd_m"] / borrowers["exposure_usd_m"].sum()
    ranked = shares.sort_values(ascending=False)
    rated = borrowers[borrowers["status"] == "assessed"]
    rated_usd_m = float(rated["exposure_usd_m"].sum())
    ew = (float((rated["exposure_usd_m"] * rated["prob_distress"]).sum()) / rated_usd_m
          if rated_usd_m > 0 else float("nan"))
    contributions = pd.DataFrame({
        "loan_id": loans["loan_id"], "lender": loans["lender"],
        "borrower_iso3": loans["borrower_iso3"], "exposure_usd_m": exposure,
        "expected_at_risk_usd_m": expected,
        "contribution_usd_m": contrib,
        "contribution_share": contrib / es if es > 0 else 0.0,
        "estimated": loans["estimated"],
    }).sort_values(["contribution_usd_m", "loan_id"], ascending=[False, True])
    return PortfolioResult(
        book=book.name, estimated=book.estimated, n_paths=n_paths, seed=seed, tail=tail,
        years=years,
        dsar_quantiles_usd_m=np.quantile(dsar, QUANTILES, axis=0),
        dsar_mean_usd_m=dsar.mean(axis=0),
        debt_service_usd_m=ds.sum(axis=0),
        expected_shortfall_usd_m=es,
        exposure_weighted_prob_distress=ew,
        hhi=float((shares**2).sum()),
        top_shares={str(k): float(ranked.iloc[:k].sum()) for k in (1, 5, 10)},
        borrowers=borrowers,
        contributions=contributions.reset_index(drop=True),
    )


def _borrowers(loans: pd.DataFrame, exposure: pd.Series,
               paths: dict[str, BorrowerPaths]) -> pd.DataFrame:
    code = loans["borrower_iso3"].replace("", "(regional)")
    frame = pd.DataFrame({"iso3": code, "exposure_usd_m": exposure, "lender": loans["lender"]})
    g = frame.groupby("iso3", sort=True)
    out = pd.DataFrame({
        "exposure_usd_m": g["exposure_usd_m"].sum(),
        "n_loans": g.size(),
        "lenders": g["lender"].agg(lambda s: ", ".join(sorted(set(map(str, s))))),
    })
    out["rating"] = [paths[c].rating if c in paths else NOT_ASSESSED for c in out.index]
    out["capacity"] = [paths[c].capacity if c in paths else "" for c in out.index]
    out["prob_distress"] = [paths[c].prob_distress if c in paths else np.nan for c in out.index]
    out["status"] = [paths[c].status if c in paths else NOT_ASSESSED for c in out.index]
    return out.sort_values(["exposure_usd_m"], ascending=False)


def run_portfolio(
    book: Book, *, n_paths: int, seed: int = 1, first_year: int = 2024, tail: float = 0.95,
    workers: int = 1, done: Iterable[BorrowerPaths] = (),
    on_borrower: Callable[[BorrowerPaths], None] | None = None,
    scheduler: str | None = None,
    stop: Callable[[], bool] | None = None,
) -> PortfolioResult:
    """Every borrower's paths (in ``workers`` local processes, or on the Dask cluster whose
    scheduler is at ``scheduler``, one task per borrower), then the book's results.

    ``done`` holds borrowers already computed (a resumed run); ``on_borrower`` is called as
    each new borrower finishes (in the calling process: progress, storage). A borrower's
    paths depend on its code and the settings only, so every way of running gives the
    same numbers.

    ``stop`` is asked between borrowers and, while waiting for workers, every quarter second:
    when it answers true the run ends as Ctrl-C ends it, by ``KeyboardInterrupt``, with
    every finished borrower already handed to ``on_borrower`` and the workers stopped.
    """
    have = {p.iso3: p for p in done}
    todo = [c for c in book.borrowers if c not in have]
    args = {"n_paths": n_paths, "seed": seed, "first_year": first_year}
    if scheduler is not None:
        results: Iterable[BorrowerPaths] = _on_cluster(scheduler, todo, args, stop)
    elif workers <= 1 or len(todo) <= 1:
        results = (borrower_paths(code, **args) for code in todo)
    else:
        results = _on_processes(todo, args, workers, stop)
    try:
        for res in results:
            have[res.iso3] = res
            if on_borrower is not None:
                on_borrower(res)
            if stop is not None and stop():
                raise KeyboardInterrupt
    finally:  # stopped (an error, Ctrl-C): the workers and the cluster's tasks go at once
        close = getattr(results, "close", None)
        if close is not None:
            close()
    return aggregate(book, have, n_paths=n_paths, seed=seed, tail=tail)


def _packed_task(code: str, n_paths: int, seed: int, first_year: int) -> PackedPaths:
    """One borrower, computed where the task runs, sent back with its paths as bits."""
    return borrower_paths(code, n_paths=n_paths, seed=seed, first_year=first_year).packed()


def _watch_parent(parent: int) -> None:
    """In a worker process: end it when the run that started it is gone (killed outright,
    with no chance to stop its workers), instead of waiting for tasks forever."""
    import os
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="debttrap-parent-watch", daemon=True).start()


def _on_processes(todo: list[str], args: dict[str, int], workers: int,
                  stop: Callable[[], bool] | None = None) -> Iterator[BorrowerPaths]:
    """Borrowers' paths in local worker processes, as they finish.

    The calling process computes borrowers itself until one is assessed: that reads the
    bundled data and imports the models once, and on Linux the workers are forked from it
    and start with all of it in memory (elsewhere each worker reads it on its first task).
    A borrower crosses the process boundary as its code (in) and its packed paths (out).
    If the run is stopped, the borrowers not yet started are cancelled; if it is killed,
    the workers end within a second (:func:`_watch_parent`).
    """
    import multiprocessing
    import os
    import sys
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    queue = list(todo)
    while queue:
        first = borrower_paths(queue.pop(0), **args)
        yield first
        if first.assessed:
            break
    if not queue:
        return
    ctx = (multiprocessing.get_context("fork") if sys.platform == "linux"
           else multiprocessing.get_context())
    pool = ProcessPoolExecutor(max_workers=min(workers, len(queue)), mp_context=ctx,
                               initializer=_watch_parent, initargs=(os.getpid(),))
    try:
        pending = {pool.submit(_packed_task, code, args["n_paths"], args["seed"],
                               args["first_year"]) for code in queue}
        while pending:
            finished, pending = wait(pending, timeout=0.25, return_when=FIRST_COMPLETED)
            for fut in finished:
                yield BorrowerPaths.unpack(fut.result())
            if stop is not None and stop():
                raise KeyboardInterrupt
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _on_cluster(scheduler: str, todo: list[str], args: dict[str, int],
                stop: Callable[[], bool] | None = None) -> Iterator[BorrowerPaths]:
    """Borrowers' paths on an existing Dask distributed cluster, as they finish.

    A task is the borrower's code and the settings (the workers read their own copy of the
    bundled data); its result is the borrower's packed paths.
    """
    from debttrap.portfolio.store import MISSING_EXTRA, missing_dependencies

    if missing_dependencies(distributed=True):
        raise InputError(MISSING_EXTRA, field="--scheduler")
    import distributed

    dist: Any = distributed  # untyped library
    try:
        client = dist.Client(scheduler, timeout=30)
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(f"cannot reach the Dask scheduler at {scheduler}: "
                         f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}",
                         field="--scheduler") from None
    try:
        pending = set(client.map(_packed_task, todo, n_paths=args["n_paths"],
                                 seed=args["seed"], first_year=args["first_year"], pure=False))
        while pending:
            try:
                dist.wait(list(pending), timeout=0.25, return_when="FIRST_COMPLETED")
            except TimeoutError:
                pass
            for fut in [f for f in pending if f.done()]:
                pending.discard(fut)
                yield BorrowerPaths.unpack(fut.result())
            if stop is not None and stop():
                raise KeyboardInterrupt
    finally:
        client.close()
