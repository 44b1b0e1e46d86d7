"""Issue 13: fuzzing is part of the suite. Hostile values (non-finite, sub-normal, huge,
empty, booleans, text) are put into loans, country files and scenarios, which drive the
Python API and the command line in-process.

The promise checked: an input is either refused with a one-line :class:`DebtTrapError`
(exit code 2 on the command line) or accepted and then gives finite results (no ``null``
in JSON output); never a traceback, never any other exception. The short profile runs by
default; the long one is marked ``slow``.
"""

from __future__ import annotations

import copy
import json
import math
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from debttrap.cashflows import grant_element, schedule
from debttrap.country.model import Country
from debttrap.dsa.indicators import Indicator
from debttrap.dsa.run import run_dsa
from debttrap.dsa.stress import StressSettings
from debttrap.errors import DebtTrapError
from debttrap.io.files import parse_model
from debttrap.io.scenario import parse_scenario
from debttrap.terms.loan import Loan

if TYPE_CHECKING:
    from conftest import RunCli

ROOT = Path(__file__).resolve().parents[2]

#: Values no model may take silently: non-finite, sub-normal, huge, empty, flags, text.
HOSTILE: st.SearchStrategy[Any] = st.one_of(
    st.sampled_from([
        math.inf, -math.inf, math.nan, 5e-324, 1e-320, -5e-324, 1e308, -1e308, 1e16,
        10**30, 10**400, True, False, None, "", "12", [], {}, [math.nan], 0, -1, 0.0,
    ]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**20), max_value=10**20),
)

LOAN: dict[str, Any] = {
    "name": "fuzzed",
    "creditor": {"name": "Lender", "type": "bilateral_other"},
    "amount_m": 100.0,
    "signing_year": 2025,
    "interest": {"kind": "fixed", "rate_pct": 2.0},
    "grace_years": 5.0,
    "maturity_years": 20.0,
    "payments_per_year": 2,
    "management_fee_pct": 0.5,
    "commitment_fee_pct": 0.25,
    "issue_price_pct": 100.0,
    "disbursement_shares": [0.5, 0.5],
    "insurance": {"premium_pct": 5.0, "instalment_years": [0.0]},
}

LOAN_PATHS: list[tuple[Any, ...]] = [
    ("amount_m",), ("signing_year",), ("interest", "rate_pct"), ("grace_years",),
    ("maturity_years",), ("payments_per_year",), ("management_fee_pct",),
    ("commitment_fee_pct",), ("issue_price_pct",), ("disbursement_shares",),
    ("disbursement_shares", 0), ("insurance", "premium_pct"), ("insurance", "instalment_years"),
    ("insurance", "instalment_years", 0),
]

FLOATING = {"kind": "floating", "index": "SOFR", "margin_pct": 1.0, "default_index_pct": 4.0,
            "index_path_pct": {"2026": 4.5}}
STEPPED = {"kind": "stepped", "steps": [[0.0, 1.0], [5.0, 3.0]]}


def _put(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    new = copy.deepcopy(doc)
    try:
        target = new
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    except (TypeError, KeyError, IndexError):  # an earlier draw replaced the container
        return doc
    return new


@st.composite
def hostile_loans(draw: st.DrawFn) -> dict[str, Any]:
    """A good loan with one to three of its numbers replaced by hostile values."""
    base = dict(LOAN)
    kind = draw(st.sampled_from(["fixed", "floating", "stepped"]))
    paths = list(LOAN_PATHS)
    if kind == "floating":
        base["interest"] = FLOATING
        paths = [p for p in paths if p[0] != "interest"]
        paths += [("interest", "margin_pct"), ("interest", "default_index_pct"),
                  ("interest", "index_path_pct", "2026")]
    elif kind == "stepped":
        base["interest"] = STEPPED
        paths = [p for p in paths if p[0] != "interest"]
        paths += [("interest", "steps", 1, 0), ("interest", "steps", 1, 1)]
    for path in draw(st.lists(st.sampled_from(paths), min_size=1, max_size=3, unique=True)):
        base = _put(base, path, draw(HOSTILE))
    return base


def _check_loan_api(doc: dict[str, Any]) -> None:
    try:
        loan = parse_model(Loan, doc, source="fuzz")
    except DebtTrapError:
        return
    ge = grant_element(loan)
    assert math.isfinite(ge.grant_element_pct)
    frame = schedule(loan).to_frame()
    assert np.isfinite(frame.to_numpy(dtype=np.float64)).all()


@given(doc=hostile_loans())
@settings(max_examples=60, deadline=None)
def test_loans_api_short(doc: dict[str, Any]) -> None:
    _check_loan_api(doc)


@pytest.mark.slow
@given(doc=hostile_loans())
@settings(max_examples=3000, deadline=None)
def test_loans_api_long(doc: dict[str, Any]) -> None:
    _check_loan_api(doc)


def _check_loan_cli(doc: dict[str, Any], folder: Path, run_cli: RunCli) -> None:
    path = folder / "loan.json"
    path.write_text(json.dumps(doc, allow_nan=True), encoding="utf-8")  # NaN, Infinity as typed
    for command in (["grant-element", str(path), "--json"], ["schedule", str(path), "--json"]):
        code, out, err = run_cli(command)
        assert code in (0, 2), err
        if code == 2:
            assert out == "" and err.count("\n") == 1 and err.startswith("error: "), err
        else:
            assert err == "" and "NaN" not in out and "Infinity" not in out, out[:500]
            doc_out = json.loads(out)
            assert doc_out["grant_element_pct"] is not None
            for row in doc_out.get("rows", []):
                assert None not in row.values(), row


@given(doc=hostile_loans())
@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_loans_cli_short(doc: dict[str, Any], tmp_path: Path, run_cli: RunCli) -> None:
    _check_loan_cli(doc, tmp_path, run_cli)


@pytest.mark.slow
@given(doc=hostile_loans())
@settings(max_examples=500, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_loans_cli_long(doc: dict[str, Any], tmp_path: Path, run_cli: RunCli) -> None:
    _check_loan_cli(doc, tmp_path, run_cli)


# --------------------------------------------------------------------------- country files

COUNTRY_DOC = tomllib.loads((ROOT / "examples" / "lic-dsf-illustrative.toml").read_text())
COUNTRY_DOC.pop("stress", None)


def _numeric_paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    items: Any = []
    if isinstance(doc, dict):
        items = doc.items()
    elif isinstance(doc, list):
        items = enumerate(doc)
    for key, value in items:
        if isinstance(value, (dict, list)):
            out += _numeric_paths(value, (*prefix, key))
            if isinstance(value, list):
                out.append((*prefix, key))  # the whole list (emptied, replaced)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            out.append((*prefix, key))
    return out


COUNTRY_PATHS = _numeric_paths(COUNTRY_DOC)


@st.composite
def hostile_countries(draw: st.DrawFn) -> dict[str, Any]:
    doc = COUNTRY_DOC
    for path in draw(st.lists(st.sampled_from(COUNTRY_PATHS), min_size=1, max_size=2)):
        doc = _put(doc, path, draw(HOSTILE))
    return doc


def _check_country(doc: dict[str, Any]) -> None:
    try:
        country = parse_model(Country, doc, source="fuzz")
        res = run_dsa(country, StressSettings())
    except DebtTrapError:
        return
    for indicator in Indicator:  # an accepted country gives finite indicators
        assert np.isfinite(res.indicator_path(indicator.value, "baseline")).all(), indicator


@given(hostile_countries())
@settings(max_examples=25, deadline=None)
def test_country_files_short(doc: dict[str, Any]) -> None:
    _check_country(doc)


@pytest.mark.slow
@given(hostile_countries())
@settings(max_examples=800, deadline=None)
def test_country_files_long(doc: dict[str, Any]) -> None:
    _check_country(doc)


# --------------------------------------------------------------------------- scenarios

SCENARIO_DOC = tomllib.loads((ROOT / "examples" / "zambia-2015.toml").read_text())
SCENARIO_PATHS = [p for p in _numeric_paths(SCENARIO_DOC) if p[0] in ("settings", "offers")]


@st.composite
def hostile_scenarios(draw: st.DrawFn) -> dict[str, Any]:
    doc = SCENARIO_DOC
    for path in draw(st.lists(st.sampled_from(SCENARIO_PATHS), min_size=1, max_size=2)):
        doc = _put(doc, path, draw(HOSTILE))
    return doc


def _check_scenario(doc: dict[str, Any]) -> None:
    try:
        scenario = parse_scenario(doc, source="fuzz", base_dir=ROOT / "examples")
    except DebtTrapError:
        return
    for offer in scenario.offers:
        for loan in offer.loans:
            assert math.isfinite(grant_element(loan).grant_element_pct)


@given(hostile_scenarios())
@settings(max_examples=30, deadline=None)
def test_scenarios_short(doc: dict[str, Any]) -> None:
    _check_scenario(doc)


@pytest.mark.slow
@given(hostile_scenarios())
@settings(max_examples=1000, deadline=None)
def test_scenarios_long(doc: dict[str, Any]) -> None:
    _check_scenario(doc)


# --------------------------------------------------------------------------- the command line
# Country files and scenarios as a user would save them (JSON, so NaN and Infinity can be
# typed), through ``debttrap dsa`` and ``debttrap offers`` in-process: exit 0 with finite
# JSON (null only where documented), or exit 2 and one line; never 1, never 3.


def _check_one_line_or_result(code: int, out: str, err: str) -> Any:
    assert code in (0, 2), err
    if code == 2:
        assert out == "" and err.count("\n") == 1 and err.startswith("error: "), err
        return None
    assert err == "", err
    assert "NaN" not in out and "Infinity" not in out, out[:500]
    return json.loads(out)


def _check_country_cli(doc: dict[str, Any], folder: Path, run_cli: RunCli) -> None:
    path = folder / "country.json"
    path.write_text(json.dumps(doc, allow_nan=True), encoding="utf-8")
    result = _check_one_line_or_result(*run_cli(["dsa", str(path), "--json"]))
    if result is not None:
        for name, indicator in result["indicators"].items():
            assert None not in indicator["baseline"].values(), name


@given(doc=hostile_countries())
@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_country_files_cli_short(doc: dict[str, Any], tmp_path: Path, run_cli: RunCli) -> None:
    _check_country_cli(doc, tmp_path, run_cli)


@pytest.mark.slow
@given(doc=hostile_countries())
@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_country_files_cli_long(doc: dict[str, Any], tmp_path: Path, run_cli: RunCli) -> None:
    _check_country_cli(doc, tmp_path, run_cli)


def _check_scenario_cli(doc: dict[str, Any], folder: Path, run_cli: RunCli) -> None:
    path = folder / "scenario.json"
    path.write_text(json.dumps(doc, allow_nan=True), encoding="utf-8")
    result = _check_one_line_or_result(*run_cli(["offers", str(path), "--json",
                                                 "--paths", "100"]))
    if result is not None:
        for offer in result["offers"]:
            assert offer["grant_element_pct"] is not None
            for loan in offer["loans"]:
                assert loan["grant_element_pct"] is not None


@given(doc=hostile_scenarios())
@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_scenarios_cli_short(doc: dict[str, Any], tmp_path: Path, run_cli: RunCli) -> None:
    _check_scenario_cli(doc, tmp_path, run_cli)


@pytest.mark.slow
@given(doc=hostile_scenarios())
@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_scenarios_cli_long(doc: dict[str, Any], tmp_path: Path, run_cli: RunCli) -> None:
    _check_scenario_cli(doc, tmp_path, run_cli)


@pytest.mark.slow
@given(doc=hostile_scenarios())
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_scenarios_assess_cli_long(doc: dict[str, Any], tmp_path: Path,
                                   run_cli: RunCli) -> None:
    """The whole assessment (no macro paths, to keep each example short)."""
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(doc, allow_nan=True), encoding="utf-8")
    result = _check_one_line_or_result(*run_cli(["assess", str(path), "--json",
                                                 "--no-stochastic", "--paths", "100"]))
    if result is not None:
        for offer in result["offers"]:
            assert offer["verdict"]["trap_risk"] in ("low", "moderate", "high")
