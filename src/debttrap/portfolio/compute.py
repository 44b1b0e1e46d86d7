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
* **concentration**: the Herfindahl index of exposure shares by borrower and the top 1, 5
  and 10 borrowers' shares.

Borrowers are independent of one another (each has its own seed); loans to one borrower
share its paths. A borrower the bundled data cannot build is "not assessed": its exposure
is counted, its service is never at risk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from debttrap.errors import InputError
from debttrap.portfolio.book import Book
from debttrap.portfolio.borrower import NOT_ASSESSED, BorrowerPaths, borrower_paths
from debttrap.portfolio.schedules import BookSchedule, book_schedule

__all__ = ["PortfolioResult", "aggregate", "run_portfolio"]

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
    for code in order:
        d = paths[code].distress
        assert d is not None
        tail_mean = d[worst].mean(axis=0)  # (Y,) share of tail paths in distress by year
        contrib[rows[code]] = ds[rows[code]] @ tail_mean
    exposure = loans["outstanding_usd_m"] + loans["undisbursed_usd_m"]
    borrowers = _borrowers(loans, exposure, paths)
    shares = borrowers["exposure_usd_m"] / borrowers["exposure_usd_m"].sum()
    ranked = shares.sort_values(ascending=False)
    rated = borrowers[borrowers["status"] == "assessed"]
    ew = (float((rated["exposure_usd_m"] * rated["prob_distress"]).sum()
                / rated["exposure_usd_m"].sum()) if len(rated) else float("nan"))
    contributions = pd.DataFrame({
        "loan_id": loans["loan_id"], "lender": loans["lender"],
        "borrower_iso3": loans["borrower_iso3"], "exposure_usd_m": exposure,
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
) -> PortfolioResult:
    """Every borrower's paths (in ``workers`` local processes, or on the Dask cluster whose
    scheduler is at ``scheduler``, one task per borrower), then the book's results.

    ``done`` holds borrowers already computed (a resumed run); ``on_borrower`` is called as
    each new borrower finishes (in the calling process: progress, storage). A borrower's
    paths depend on its code and the settings only, so every way of running gives the
    same numbers.
    """
    have = {p.iso3: p for p in done}
    todo = [c for c in book.borrowers if c not in have]
    args = {"n_paths": n_paths, "seed": seed, "first_year": first_year}
    if scheduler is not None:
        for res in _on_cluster(scheduler, todo, args):
            have[res.iso3] = res
            if on_borrower is not None:
                on_borrower(res)
    elif workers <= 1 or len(todo) <= 1:
        for code in todo:
            have[code] = borrower_paths(code, **args)
            if on_borrower is not None:
                on_borrower(have[code])
    else:
        from concurrent.futures import ProcessPoolExecutor, as_completed

        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(borrower_paths, code, **args) for code in todo]
            for fut in as_completed(futures):
                res = fut.result()
                have[res.iso3] = res
                if on_borrower is not None:
                    on_borrower(res)
    return aggregate(book, have, n_paths=n_paths, seed=seed, tail=tail)


def _on_cluster(scheduler: str, todo: list[str],
                args: dict[str, int]) -> Iterable[BorrowerPaths]:
    """Borrowers' paths on an existing Dask distributed cluster, as they finish."""
    from debttrap.portfolio.store import MISSING_EXTRA, missing_dependencies

    if missing_dependencies(distributed=True):
        raise InputError(MISSING_EXTRA, field="--scheduler")
    import functools

    import distributed

    dist: Any = distributed  # untyped library
    try:
        client = dist.Client(scheduler, timeout=30)
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(f"cannot reach the Dask scheduler at {scheduler}: "
                         f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}",
                         field="--scheduler") from None
    try:
        task = functools.partial(borrower_paths, n_paths=args["n_paths"], seed=args["seed"],
                                 first_year=args["first_year"])
        futures = client.map(task, todo, pure=False)
        for fut in dist.as_completed(futures):
            yield fut.result()
    finally:
        client.close()
