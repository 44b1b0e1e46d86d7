"""``debttrap portfolio``: the DuckDB store, resuming, a Dask cluster, one-line errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from debttrap.portfolio import book_from_frame, borrower_paths, run_portfolio

duckdb = pytest.importorskip("duckdb")

ROWS = [
    {"loan_id": "a", "lender": "X", "borrower_iso3": "KEN", "outstanding_usd_m": 10.0,
     "rate_pct": 1.0, "first_repayment_date": "2025-01-01", "last_repayment_date": "2035-01-01"},
    {"loan_id": "b", "lender": "Y", "borrower_iso3": "UGA", "outstanding_usd_m": 5.0,
     "rate_pct": 1.0, "first_repayment_date": "2025-01-01", "last_repayment_date": "2030-01-01"},
    {"loan_id": "c", "lender": "Y", "borrower_iso3": "KEN", "outstanding_usd_m": 2.0,
     "rate_pct": 3.0, "first_repayment_date": "2026-01-01", "last_repayment_date": "2031-01-01"},
]


@pytest.fixture
def book_csv(tmp_path: Path) -> Path:
    path = tmp_path / "book.csv"
    pd.DataFrame(ROWS).to_csv(path, index=False)
    return path


def test_run_writes_a_queryable_database_and_resumes(run_cli, book_csv: Path,  # type: ignore[no-untyped-def]
                                                     tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import debttrap.portfolio.compute as compute
    from debttrap.portfolio.store import BookStore

    db = tmp_path / "book.duckdb"
    # an interrupted run: KEN finished and committed, UGA never started
    from debttrap.portfolio import read_book

    book = read_book(book_csv)
    with BookStore.open(db, book, n_paths=100, seed=2, first_year=2024, tail=0.95) as store:
        store.add(borrower_paths("KEN", n_paths=100, seed=2, first_year=2024))
    calls: list[str] = []
    real = compute.borrower_paths

    def counting(code: str, **kw: int):  # type: ignore[no-untyped-def]
        calls.append(code)
        return real(code, **kw)

    monkeypatch.setattr(compute, "borrower_paths", counting)
    code, _, err = run_cli(["portfolio", str(book_csv), "--paths", "100", "--seed", "2",
                              "--db", str(db), "--json"])
    assert code == 0, err
    assert calls == ["UGA"]  # only the borrower not yet done
    con = duckdb.connect(str(db), read_only=True)
    # every query documented in docs/portfolio.md runs on the file and returns rows
    doc = (Path(__file__).resolve().parents[2] / "docs" / "portfolio.md").read_text()
    block = doc.split("```sql\n", 1)[1].split("```", 1)[0]
    queries = [q.strip() for q in block.split(";") if q.strip()]
    assert len(queries) >= 6
    for q in queries:
        assert con.execute(q).fetchall(), q
    hit = con.execute(block.split(";")[3].strip()).fetchall()  # lenders KEN's distress hits
    assert {r[0] for r in hit} == {"X", "Y"} and sum(r[1] for r in hit) == pytest.approx(12.0)
    n_borrowers = con.execute("SELECT count(*) FROM borrowers").fetchone()[0]
    total = con.execute("SELECT sum(contribution_usd_m) FROM contributions").fetchone()[0]
    es = con.execute("SELECT value FROM summary WHERE key = 'expected_shortfall_usd_m'"
                     ).fetchone()[0]
    n_loans = con.execute("SELECT count(*) FROM loans").fetchone()[0]
    con.close()
    assert n_borrowers == 2 and n_loans == 3
    assert total == pytest.approx(float(es), rel=1e-12)
    # the same run from scratch gives the same numbers
    fresh = run_portfolio(book, n_paths=100, seed=2)
    assert fresh.expected_shortfall_usd_m == pytest.approx(float(es), rel=1e-12)
    # other settings on the same file: refused in one line
    code, _, err = run_cli(["portfolio", str(book_csv), "--paths", "200", "--db", str(db)])
    assert code == 2 and "field '--db'" in err and err.count("\n") == 1


def _children() -> set[int]:
    """This process's live child processes (Linux /proc; empty elsewhere), less Python's
    multiprocessing resource tracker (one per process, it ends with this process)."""
    import os

    out = set()
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmd = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == os.getpid() and fields[0] != "Z" and b"resource_tracker" not in cmd:
            out.add(int(entry.name))
    return out


@pytest.mark.parametrize("processes", [False, pytest.param(True, marks=pytest.mark.slow)])
def test_a_dask_cluster_gives_the_local_numbers(processes: bool) -> None:
    """Two workers (threads of this process; or, slow, two worker processes that import
    debttrap themselves): the same numbers as the local run, and nothing left running."""
    distributed = pytest.importorskip("distributed")
    book = book_from_frame(pd.DataFrame(ROWS), name="t", as_of=dt.date(2024, 1, 1), source="t")
    local = run_portfolio(book, n_paths=100, seed=4)
    before = _children()
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=processes,
                                  dashboard_address=None) as cluster:
        assert len(cluster.workers) == 2
        remote = run_portfolio(book, n_paths=100, seed=4, scheduler=cluster.scheduler_address)
        got: list[str] = []
        with pytest.raises(KeyboardInterrupt):  # asked to stop: the cluster's tasks go
            run_portfolio(book, n_paths=100, seed=9, scheduler=cluster.scheduler_address,
                          on_borrower=lambda p: got.append(p.iso3), stop=lambda: bool(got))
        assert len(got) == 1
    np.testing.assert_allclose(remote.dsar_quantiles_usd_m, local.dsar_quantiles_usd_m,
                               rtol=0, atol=1e-12)
    assert remote.expected_shortfall_usd_m == pytest.approx(local.expected_shortfall_usd_m,
                                                            rel=0, abs=1e-12)
    pd.testing.assert_frame_equal(remote.contributions, local.contributions)
    pd.testing.assert_frame_equal(remote.borrowers, local.borrowers)
    import time

    end = time.monotonic() + 10
    while _children() - before and time.monotonic() < end:
        time.sleep(0.1)
    assert not _children() - before  # the cluster's processes are gone


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["nowhere.csv"], "BOOK"),
        (["ibrd", "--paths", "5"], "--paths"),
        (["ibrd", "--scheduler", "localhost"], "--scheduler"),
        (["ibrd", "--borrowers", "QQQ"], "--borrowers"),
        (["ibrd", "--lenders-of", "QQQ"], "--lenders-of"),
    ],
)
def test_bad_arguments_give_one_line(run_cli, args: list[str], field: str) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run_cli(["portfolio", *args])
    assert code == 2 and f"'{field}'" in err and err.count("\n") == 1, err


def test_a_bad_book_row_gives_one_line(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bad.csv"
    pd.DataFrame([{**ROWS[0], "rate_pct": "-1"}]).to_csv(path, index=False)
    code, _, err = run_cli(["portfolio", str(path)])
    assert code == 2 and "field 'rate_pct'" in err and err.count("\n") == 1


def test_missing_extra_is_one_line(run_cli, book_csv: Path, tmp_path: Path,  # type: ignore[no-untyped-def]
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import debttrap.portfolio.store as store

    monkeypatch.setattr(store, "missing_dependencies", lambda **kw: ["duckdb"])
    code, _, err = run_cli(["portfolio", str(book_csv), "--db", str(tmp_path / "x.duckdb")])
    assert code == 2 and "pip install 'debttrap[portfolio]'" in err


def test_missing_extra_for_a_cluster_is_refused_before_any_work(  # type: ignore[no-untyped-def]
        run_cli, book_csv: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import debttrap.portfolio.borrower as borrower
    import debttrap.portfolio.store as store

    def no_work(*args: object, **kwargs: object) -> None:
        raise AssertionError("a borrower was computed before the missing extra was named")

    monkeypatch.setattr(store, "missing_dependencies", lambda **kw: ["distributed"])
    monkeypatch.setattr(borrower, "borrower_paths", no_work)
    code, _, err = run_cli(["portfolio", str(book_csv), "--scheduler", "tcp://127.0.0.1:1"])
    assert code == 2 and err.count("\n") == 1
    assert "field '--scheduler'" in err and "pip install 'debttrap[portfolio]'" in err


def test_lenders_a_borrowers_distress_would_hit_on_the_command_line(run_cli, book_csv: Path  # type: ignore[no-untyped-def]
                                                                    ) -> None:
    args = ["portfolio", str(book_csv), "--paths", "100", "--workers", "1", "--lenders-of", "ken"]
    code, out, err = run_cli([*args, "--json"])
    assert code == 0, err
    import json

    rows = {r["lender"]: r for r in json.loads(out)["lenders_of"]}
    assert set(rows) == {"X", "Y"}  # KEN owes X 10 and Y 2; Y's other loan is to UGA
    assert rows["X"]["share_of_borrower"] == pytest.approx(10 / 12, rel=1e-12)
    assert rows["Y"]["share_of_lender"] == pytest.approx(2 / 7, rel=1e-12)
    code, out, err = run_cli(args)
    assert code == 0, err
    assert "Which lenders KEN's distress would hit" in out and "83.3%" in out


def test_a_changed_book_or_a_foreign_file_is_refused(run_cli, book_csv: Path,  # type: ignore[no-untyped-def]
                                                      tmp_path: Path) -> None:
    """A resumed run must be of the same loans: editing the book under the same name is
    caught, as is a database that is not a run's."""
    db = tmp_path / "book.duckdb"
    args = ["portfolio", str(book_csv), "--paths", "100", "--workers", "1", "--db", str(db)]
    code, _, err = run_cli([*args, "--borrowers", "UGA"])
    assert code == 0, err
    code, _, err = run_cli([*args, "--borrowers", "UGA"])  # the same: resumes, nothing to do
    assert code == 0, err
    changed = pd.DataFrame(ROWS)
    changed.loc[1, "outstanding_usd_m"] = 6.0  # UGA's loan, same book name
    changed.to_csv(book_csv, index=False)
    code, _, err = run_cli([*args, "--borrowers", "UGA"])
    assert code == 2 and "another version of book" in err and err.count("\n") == 1, err
    foreign = tmp_path / "other.duckdb"
    con = duckdb.connect(str(foreign))
    con.execute("CREATE TABLE run (x INTEGER)")
    con.close()
    code, _, err = run_cli([*args[:-1], str(foreign)])
    assert code == 2 and "not a book run's database" in err and err.count("\n") == 1, err
