"""Issue 13, "no null where a number is promised": a result that must be finite and is not
stops the command with an internal error naming the field (exit 3, nothing written); only
the fields documented as "not defined" may be null."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest

from debttrap._numeric import jsonable
from debttrap.errors import InternalError

if TYPE_CHECKING:
    from conftest import RunCli

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -np.inf, np.float32("nan")])
def test_a_non_finite_result_names_its_field(bad: float) -> None:
    doc = {"offers": [{"name": "a", "by_year": {2030: [1.0, bad]}}]}
    with pytest.raises(InternalError, match=r"'offers\[\]\.by_year\.2030\[\]'"):
        jsonable(doc)


def test_nan_is_null_only_where_documented() -> None:
    doc = {"offers": [{"project": {"dscr_p50": float("nan"), "cost_usd_m": 3.0}}]}
    out = jsonable(doc, nullable=("offers[].project.dscr_*",))
    assert out == {"offers": [{"project": {"dscr_p50": None, "cost_usd_m": 3.0}}]}
    # a pattern's brackets are literal, not a character class
    with pytest.raises(InternalError):
        jsonable({"offersX": [{"project": {"dscr_p50": float("nan")}}]},
                 nullable=("offers[].project.dscr_*",))
    # an infinity is never "not defined"
    with pytest.raises(InternalError, match="infinite"):
        jsonable({"dscr_p50": float("inf")}, nullable=("dscr_*",))
    # values the model itself left out (None) stay null; finite values pass unchanged
    assert jsonable({"a": None, "b": np.float64(2.5), "c": np.int64(3), 4: True}) == {
        "a": None, "b": 2.5, "c": 3, "4": True}


def test_dsa_with_a_non_finite_indicator_is_an_internal_error(
    run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A NaN in an indicator path was printed as null; now it is exit 3 naming the field."""
    from debttrap.dsa.run import DSAResult

    real = DSAResult.to_contract

    def poisoned(self: DSAResult) -> dict[str, Any]:
        doc = real(self)
        doc["poisoned_indicator_pct"] = [1.0, float("nan")]
        return doc

    monkeypatch.setattr(DSAResult, "to_contract", poisoned)
    code, out, err = run_cli(["dsa", str(ROOT / "examples" / "lic-dsf-illustrative.toml"),
                              "--json"])
    assert code == 3 and out == "" and err.count("\n") == 1, err
    assert err.startswith("internal error: ") and "poisoned_indicator_pct" in err, err


def test_assess_writes_nothing_when_a_result_is_not_finite(
    tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from debttrap.assess.results import Assessment

    real = Assessment.to_dict

    def poisoned(self: Assessment) -> dict[str, Any]:
        doc = real(self)
        doc["poisoned_usd_m"] = float("inf")
        return doc

    monkeypatch.setattr(Assessment, "to_dict", poisoned)
    out = tmp_path / "report"
    code, stdout, err = run_cli(["assess", str(ROOT / "examples" / "zambia-2015.toml"),
                                 "--no-stochastic", "--paths", "100", "--out", str(out)])
    assert code == 3 and stdout == "" and "poisoned_usd_m" in err, err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("example", ["ida-negative-control.toml", "syria-2025.toml"])
def test_offers_nulls_are_the_documented_ones(example: str, run_cli: RunCli) -> None:
    """The examples exercise every documented null of ``offers --json`` (no project-serviced
    debt, clause shares the study does not publish); every other number is finite."""
    from debttrap._numeric import nullable_match
    from debttrap.cli.offers import NULLABLE

    code, out, err = run_cli(["offers", str(ROOT / "examples" / example), "--json",
                              "--paths", "200"])
    assert code == 0, err
    nulls: list[str] = []

    def walk(obj: Any, path: str) -> None:
        if obj is None:
            nulls.append(path)
        elif isinstance(obj, dict):
            for k, v in obj.items():
                walk(v, f"{path}.{k}" if path else k)
        elif isinstance(obj, list):
            for v in obj:
                walk(v, f"{path}[]")
        elif isinstance(obj, float):
            assert math.isfinite(obj), path

    walk(json.loads(out), "")
    numeric_nulls = [p for p in nulls if nullable_match(p, NULLABLE)]
    assert numeric_nulls, "the example should exercise the documented nulls"


def test_a_nan_indicator_path_is_an_internal_error_not_a_null() -> None:
    """``dsa --json`` wrote a non-finite indicator value as null; the paths are now checked
    before anything is printed or drawn (and in each row of ``dsa --all``)."""
    from types import SimpleNamespace

    from debttrap.cli.dsa import check_indicators_finite

    def paths(bad: str | None) -> SimpleNamespace:
        return SimpleNamespace(indicator=lambda name: np.array(
            [1.0, float("nan") if name == bad else 2.0]))

    fine = SimpleNamespace(baseline=paths(None), stress={"B1": paths(None)})
    check_indicators_finite(fine)  # type: ignore[arg-type]
    broken = SimpleNamespace(baseline=paths(None), stress={"B3": paths("pv_ext_debt_to_gdp_pct")})
    with pytest.raises(InternalError, match="B3 path of pv_ext_debt_to_gdp_pct"):
        check_indicators_finite(broken)  # type: ignore[arg-type]


def test_portfolio_nulls_are_the_documented_ones(run_cli: RunCli) -> None:
    """A borrower the bundled data cannot assess (Eritrea: no GDP published after 2019) has no
    probability of distress: a documented null, not an internal error."""
    code, out, err = run_cli(["portfolio", "ida", "--paths", "100", "--json",
                              "--borrowers", "ERI,ZMB", "--workers", "1"])
    assert code == 0, err
    doc = json.loads(out)
    by_code = {b["iso3"]: b for b in doc["borrowers"]}
    assert by_code["ERI"]["prob_distress"] is None
    assert by_code["ZMB"]["prob_distress"] is not None
    assert math.isfinite(doc["exposure_weighted_prob_distress"])
