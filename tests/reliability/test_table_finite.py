"""Issue 13, "no null where a number is promised", for tables: every CSV, Parquet and Excel
writer checks that the cells that must hold a number do (``check_table_finite``) before a
byte is written. A NaN from a computation gone wrong is exit 3 with one line naming the
field and nothing written; the documented gaps (docs/reliability.md) still write as empty
cells."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pytest

from debttrap._numeric import check_table_finite
from debttrap.errors import InternalError
from frame_poison import nan_in_frame

if TYPE_CHECKING:
    from conftest import RunCli

ROOT = Path(__file__).resolve().parents[2]
COUNTRY = str(ROOT / "examples" / "lic-dsf-illustrative.toml")
LOAN = str(ROOT / "examples" / "ida-regular-credit.toml")
SCENARIO = str(ROOT / "examples" / "zambia-2015.toml")


def assert_internal_error(code: int, stdout: str, err: str, field: str) -> None:
    assert code == 3 and stdout == "", err
    assert err.count("\n") == 1 and err.startswith("internal error: "), err
    assert f"'{field}'" in err and "Traceback" not in err, err


def test_the_check_names_the_column_and_row_and_honours_only_documented_gaps() -> None:
    frame = pd.DataFrame({"a_pct": [1.0, np.nan], "b": pd.Series(["x", None], dtype=object),
                          "n": [1, 2], "label": ["x", None]}).set_axis(
                              pd.Index(["ZMB", "GHA"], name="iso3"))
    with pytest.raises(InternalError, match=r"t\.csv: the result field 'a_pct' .* row GHA"):
        check_table_finite(frame, where="t.csv")
    # a gap for other rows does not cover this one; a gap for this row does
    with pytest.raises(InternalError, match="'a_pct'"):
        check_table_finite(frame, where="t.csv", gaps=[("a_*", np.array([True, False]))])
    check_table_finite(frame, where="t.csv", gaps=[("a_*", np.array([False, True]))])
    check_table_finite(frame, where="t.csv", gaps=[("*", None)])
    # an infinity is never a documented gap, in numbers or in a column of objects
    for bad in (pd.DataFrame({"a_pct": [np.inf]}), pd.DataFrame({"a": ["x", -np.inf]})):
        with pytest.raises(InternalError, match="infinite"):
            check_table_finite(bad, where="t.csv", gaps=[("*", None)])
    # NaN hiding among text is still a NaN; None (left out on purpose) is not
    with pytest.raises(InternalError, match="'t'"):
        check_table_finite(pd.DataFrame({"t": pd.Series(["x", float("nan")], dtype=object)}),
                           where="t.csv")


# --------------------------------------------------------------------------- dsa --all


def _three_countries(monkeypatch: pytest.MonkeyPatch) -> None:
    # GHA rates with public debt evaluated; SOM has public debt not evaluated and a given
    # capacity (no CI score); ERI cannot be built from the bundled data (no GDP to t-2): an
    # error row
    monkeypatch.setattr("debttrap.cli.country.dsa_countries", lambda: ["GHA", "SOM", "ERI"])


def test_dsa_all_writes_the_documented_gaps_as_empty_cells(
    tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    _three_countries(monkeypatch)
    out = tmp_path / "all.csv"
    code, _, err = run_cli(["dsa", "--all", "--out", str(out)])
    assert code == 0, err
    table = pd.read_csv(out, index_col="iso3", keep_default_na=True)
    assert table.loc["ERI", "status"] == "error" and table.loc["ERI"].drop(
        ["status", "error"]).isna().all()
    som = table.loc["SOM"]
    assert not som["public_debt_evaluated"]
    assert pd.isna(som["pv_public_debt_to_gdp_pct_baseline_max"])
    assert pd.isna(som["ci_score"])
    # a rated country's empty cells are the documented ones, and only those
    documented = {"error", "ci_score", "capacity_prior_published", "moderate_space"}
    public = {"pv_public_debt_to_gdp_pct_baseline_max",
              "pv_public_debt_to_gdp_pct_most_extreme_max",
              "pv_public_debt_to_gdp_pct_most_extreme_test"}
    assert set(table.columns[table.loc["GHA"].isna()]) <= documented
    assert set(table.columns[som.isna()]) <= documented | public
    assert table.loc["GHA", "public_debt_evaluated"]
    assert np.isfinite(float(table.loc["GHA", "pv_public_debt_to_gdp_pct_baseline_max"]))


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_dsa_all_with_a_nan_result_writes_nothing(
    suffix: str, tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The table wrote a NaN as an empty cell; now it is exit 3 naming the column."""
    from debttrap.cli import country

    _three_countries(monkeypatch)
    real = country.summary_row

    def poisoned(built: Any, res: Any) -> dict[str, Any]:
        row = real(built, res)
        if row["iso3"] == "GHA":
            row["ppg_external_debt_usd_m"] = float("nan")
        return row

    monkeypatch.setattr(country, "summary_row", poisoned)
    out = tmp_path / f"all{suffix}"
    code, stdout, err = run_cli(["dsa", "--all", "--out", str(out)])
    assert_internal_error(code, stdout, err, "ppg_external_debt_usd_m")
    assert "row GHA" in err and list(tmp_path.iterdir()) == []


def test_dsa_all_public_gap_is_not_a_licence_where_public_debt_is_evaluated(
    tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The public-debt peak may be empty only where public debt is not evaluated."""
    from debttrap.cli import country

    _three_countries(monkeypatch)
    real = country.summary_row

    def poisoned(built: Any, res: Any) -> dict[str, Any]:
        row = real(built, res)
        if row["iso3"] == "GHA":
            row["pv_public_debt_to_gdp_pct_baseline_max"] = None
        return row

    monkeypatch.setattr(country, "summary_row", poisoned)
    out = tmp_path / "all.csv"
    code, stdout, err = run_cli(["dsa", "--all", "--out", str(out)])
    assert_internal_error(code, stdout, err, "pv_public_debt_to_gdp_pct_baseline_max")
    assert not out.exists()


# --------------------------------------------------------------------------- simulate, schedule


def test_simulate_fan_chart_table_with_a_nan_writes_no_file_of_the_set(
    tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from debttrap.stochastic.results import SimulationResult

    nan_in_frame(monkeypatch, SimulationResult, "to_frame", 3, "p50")
    out = tmp_path / "fans"
    code, stdout, err = run_cli(["simulate", COUNTRY, "--history", "ZMB", "--paths", "200",
                                 "--out", str(out)])
    assert_internal_error(code, stdout, err, "p50")
    assert "fan-charts.csv" in err and list(tmp_path.iterdir()) == []


def test_schedule_csv_with_a_nan_prints_nothing(
    run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from debttrap.cashflows.schedule import Schedule

    code, out, err = run_cli(["schedule", LOAN, "--csv"])
    assert code == 0 and not pd.read_csv(io.StringIO(out)).isna().any().any(), err
    nan_in_frame(monkeypatch, Schedule, "to_frame", -1, "interest")
    code, out, err = run_cli(["schedule", LOAN, "--csv"])
    assert_internal_error(code, out, err, "interest")


# --------------------------------------------------------------------------- Excel workbooks


def test_assess_workbook_writes_its_documented_gaps_and_refuses_a_nan(
    tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from debttrap.assess.results import Assessment

    good = tmp_path / "good.xlsx"
    args = ["assess", SCENARIO, "--no-stochastic", "--paths", "100"]
    code, _, err = run_cli([*args, "--xlsx", str(good)])
    assert code == 0, err
    summary = pd.read_excel(good, sheet_name="Summary", index_col=0)
    # the reference has no offer: its grant element is a documented empty cell
    assert pd.isna(summary.loc["Grant element (IMF), %", "No new offer (reference)"])
    assert np.isfinite(summary.loc["Grant element (IMF), %"].iloc[1:].astype(float)).all()

    nan_in_frame(monkeypatch, Assessment, "summary_frame", "Grant element (IMF), %", 1)
    bad = tmp_path / "bad"
    bad.mkdir()
    code, stdout, err = run_cli([*args, "--xlsx", str(bad / "w.xlsx"), "--out",
                                 str(bad / "report")])
    assert_internal_error(code, stdout, err, frame_column(err))
    assert "workbook sheet 'Summary'" in err and "(Grant element (IMF), %)" in err
    assert list(bad.iterdir()) == []


def frame_column(err: str) -> str:
    """The offer column the poisoned cell sits in (the example's first offer)."""
    return err.split("the result field '")[1].split("'")[0]


def test_portfolio_workbook_writes_the_unassessed_borrower_and_refuses_a_nan(
    tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from debttrap.portfolio.compute import PortfolioResult

    args = ["portfolio", "ida", "--paths", "100", "--borrowers", "ERI,ZMB", "--workers", "1"]
    good = tmp_path / "good"
    code, _, err = run_cli([*args, "--out", str(good)])
    assert code == 0, err
    borrowers = pd.read_excel(good / "book.xlsx", sheet_name="Borrowers", header=1,
                              index_col=0)
    assert pd.isna(borrowers.loc["ERI", "prob_distress"])  # not assessed: documented
    assert np.isfinite(float(borrowers.loc["ZMB", "prob_distress"]))

    nan_in_frame(monkeypatch, PortfolioResult, "to_frame", 0, "debt_service_usd_m")
    bad = tmp_path / "bad"
    code, stdout, err = run_cli([*args, "--json", "--out", str(bad)])
    assert_internal_error(code, stdout, err, "debt_service_usd_m")
    assert "workbook sheet 'By year'" in err and not bad.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["good"]


def test_every_gap_of_the_dsa_all_table_is_documented() -> None:
    """A gap in code and not in docs/reliability.md would be an undocumented empty cell."""
    from debttrap.cli.country import all_results_gaps

    doc = (ROOT / "docs" / "reliability.md").read_text(encoding="utf-8")
    rows = [line for line in doc.splitlines() if line.startswith("| `dsa --all --out` |")]
    frame = pd.DataFrame({"status": ["ok"], "rating_external": ["low"],
                          "public_debt_evaluated": [True]})
    for pattern, _ in all_results_gaps(frame):
        if pattern == "*":
            assert any("every column but" in r for r in rows)
            continue
        names = [pattern.replace("*", suffix) for suffix in ("max", "test")] \
            if pattern.endswith("_*") else [pattern]
        for name in names:
            assert any(f"`{name}`" in r for r in rows), name


def test_portfolio_store_gets_no_result_tables_from_a_nan(
    tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--db`` keeps the borrowers done (to resume) but no result table with a NaN in it."""
    import duckdb

    from debttrap.portfolio.compute import PortfolioResult

    nan_in_frame(monkeypatch, PortfolioResult, "to_frame", 0, "debt_service_usd_m")
    db = tmp_path / "book.duckdb"
    code, stdout, err = run_cli(["portfolio", "ida", "--paths", "100", "--borrowers", "ERI,ZMB",
                                 "--workers", "1", "--json", "--db", str(db)])
    assert_internal_error(code, stdout, err, "debt_service_usd_m")
    assert "book_years" in err
    with duckdb.connect(str(db), read_only=True) as con:
        tables = {r[0] for r in con.execute("SHOW TABLES").fetchall()}
    assert "book_years" not in tables and "book_borrowers" not in tables
