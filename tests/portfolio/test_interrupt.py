"""A stopped run: Ctrl-C, a polite kill, a hard kill. Whole borrowers are kept, a rerun with
the same ``--db`` computes only the others, the numbers equal an uninterrupted run's, and no
worker process outlives the run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import debttrap
from debttrap.portfolio import read_book, run_portfolio

duckdb = pytest.importorskip("duckdb")

ROWS = [
    {"loan_id": f"{code}-{i}", "lender": lender, "borrower_iso3": code,
     "outstanding_usd_m": 10.0 + i, "rate_pct": 1.5, "first_repayment_date": "2025-01-01",
     "last_repayment_date": "2036-01-01"}
    for code in ("GHA", "KEN", "UGA", "ZMB") for i, lender in enumerate(("X", "Y"))
]


@pytest.fixture
def book_csv(tmp_path: Path) -> Path:
    path = tmp_path / "book.csv"
    pd.DataFrame(ROWS).to_csv(path, index=False)
    return path


def _tables(db: Path) -> dict[str, object]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables"
                                           ).fetchall()}
        done = [r[0] for r in con.execute("SELECT iso3 FROM borrowers ORDER BY iso3").fetchall()]
        # every borrower kept is whole: its paths and its years are all there
        whole = con.execute(
            "SELECT count(*) FROM borrowers b LEFT JOIN borrower_paths p USING (iso3) "
            "LEFT JOIN (SELECT iso3, count(*) AS n FROM borrower_years GROUP BY iso3) y "
            "USING (iso3) WHERE b.status = 'assessed' AND (p.bits IS NULL OR y.n IS NULL "
            "OR y.n <> b.n_years OR octet_length(p.bits) <> (p.n_paths * p.n_years + 7) // 8)"
        ).fetchone()
        es = (con.execute("SELECT value FROM summary WHERE key = 'expected_shortfall_usd_m'"
                          ).fetchone() if "summary" in names else None)
    finally:
        con.close()
    return {"names": names, "done": done, "broken": whole[0] if whole else 0,
            "es": None if es is None else float(es[0])}


def test_ctrl_c_keeps_whole_borrowers_and_a_rerun_resumes(run_cli, book_csv: Path,  # type: ignore[no-untyped-def]
                                                          tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import debttrap.portfolio.compute as compute

    db = tmp_path / "book.duckdb"
    real = compute.borrower_paths
    calls: list[str] = []

    def stopped_at_third(code: str, **kw: int):  # type: ignore[no-untyped-def]
        calls.append(code)
        if len(calls) == 3:
            raise KeyboardInterrupt  # Ctrl-C while the third borrower is computed
        return real(code, **kw)

    monkeypatch.setattr(compute, "borrower_paths", stopped_at_third)
    args = ["portfolio", str(book_csv), "--paths", "120", "--seed", "3", "--db", str(db),
            "--workers", "1"]
    code, _, err = run_cli(args)
    assert code == 130
    last = err.strip().splitlines()[-1]
    assert "Traceback" not in err and "2 borrowers are saved" in last and "--db" in last, err
    assert "2/4" in err  # the bar counts borrowers
    state = _tables(db)
    assert state["done"] == ["GHA", "KEN"] and state["broken"] == 0
    assert "summary" not in state["names"]  # no result of a run that did not finish

    calls.clear()
    monkeypatch.setattr(compute, "borrower_paths", lambda code, **kw: (calls.append(code),
                                                                       real(code, **kw))[1])
    code, _, err = run_cli([*args, "--json"])
    assert code == 0, err
    assert calls == ["UGA", "ZMB"]  # only the borrowers not yet done
    state = _tables(db)
    fresh = run_portfolio(read_book(book_csv), n_paths=120, seed=3)
    assert state["done"] == ["GHA", "KEN", "UGA", "ZMB"] and state["broken"] == 0
    assert state["es"] == pytest.approx(fresh.expected_shortfall_usd_m, rel=0, abs=1e-12)


def _children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (Linux /proc)."""
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry.name))
    return out


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("how", [pytest.param(signal.SIGTERM, marks=pytest.mark.slow),
                                 signal.SIGKILL])
def test_a_killed_run_leaves_no_worker_and_resumes(book_csv: Path, tmp_path: Path,
                                                   how: signal.Signals) -> None:
    """A real ``debttrap portfolio`` with two worker processes, killed once it has saved a
    borrower: SIGTERM stops it as Ctrl-C does; SIGKILL gives it no chance at all."""
    db = tmp_path / "book.duckdb"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(Path(debttrap.__file__).resolve().parents[1]), os.environ.get("PYTHONPATH", "")])}
    cmd = [sys.executable, "-m", "debttrap", "portfolio", str(book_csv), "--paths", "150",
           "--seed", "5", "--db", str(db), "--workers", "2", "--json"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wal = db.with_name(db.name + ".wal")
    workers: list[int] = []
    deadline = time.monotonic() + 120
    seen = 0
    # the file's write-ahead log grows by one commit per borrower: stop after the first
    while proc.poll() is None and time.monotonic() < deadline:
        workers = sorted(set(workers) | set(_children(proc.pid)))
        size = wal.stat().st_size if wal.exists() else 0
        if seen and size > seen and workers:
            break
        seen = seen or size
        time.sleep(0.02)
    assert proc.poll() is None, "the run ended before a borrower was saved"
    proc.send_signal(how)
    _, err = proc.communicate(timeout=60)
    if how == signal.SIGTERM:
        assert proc.returncode == 130 and b"rerun with the same --db" in err, (proc.returncode, err)
    # the run's workers end with it (a hard kill: within a second or two)
    end = time.monotonic() + 10
    while any(_alive(w) for w in workers) and time.monotonic() < end:
        time.sleep(0.1)
    assert not [w for w in workers if _alive(w)]
    state = _tables(db)
    assert state["broken"] == 0 and 1 <= len(state["done"]) < 4, state  # stopped mid-run
    assert "summary" not in state["names"]
    again = subprocess.run(cmd, env=env, capture_output=True, timeout=300)
    assert again.returncode == 0, again.stderr
    fresh = run_portfolio(read_book(book_csv), n_paths=150, seed=5)
    after = _tables(db)
    assert after["done"] == ["GHA", "KEN", "UGA", "ZMB"] and after["broken"] == 0
    assert after["es"] == pytest.approx(fresh.expected_shortfall_usd_m, rel=0, abs=1e-12)
    con = duckdb.connect(str(db), read_only=True)
    got = con.execute("SELECT loan_id, contribution_usd_m FROM contributions ORDER BY loan_id"
                      ).fetchall()
    con.close()
    want = fresh.contributions.sort_values("loan_id")
    np.testing.assert_allclose([g[1] for g in got], want["contribution_usd_m"], rtol=0,
                               atol=1e-12)


def test_asked_to_stop_the_workers_stop_and_finished_borrowers_are_kept(book_csv: Path) -> None:
    """``stop`` answering true (what Ctrl-C and SIGTERM set on the command line) ends a
    two-process run at the next borrower, by KeyboardInterrupt, and its workers with it."""
    import multiprocessing

    got: list[str] = []
    with pytest.raises(KeyboardInterrupt):
        run_portfolio(read_book(book_csv), n_paths=100, seed=2, workers=2,
                      on_borrower=lambda p: got.append(p.iso3), stop=lambda: len(got) >= 2)
    assert 2 <= len(got) < 4
    assert multiprocessing.active_children() == []
