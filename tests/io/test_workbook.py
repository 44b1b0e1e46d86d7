"""Reading a filled LIC-DSF workbook (template of 2025-08-12) through its versioned cell map.

The workbooks here are written with openpyxl from the template's own default inputs
(``tests/reference/lic-dsf-workbook/template-inputs.json.gz``: the 3,691 leaf cells of
py-lic-dsf's ``DEFAULT_INPUTS``) plus ``filled-cells.json`` (the cells a filled workbook
carries that the leaf set lacks, each with its source), and, per preset, the cell writes
of ``presets.json``. Evidence:

* the workbook reads back into the same Country and StressSettings as
  ``examples/lic-dsf-illustrative.toml`` (built independently from the golden JSON by
  ``tools/make_illustrative_example.py``), field by field to 1e-12, and ``run_dsa`` on
  both gives the same indicator paths;
* each preset changes exactly the field it targets, and moves the stress scenarios the
  golden README's case inventory lists (Excel), leaving the others alone;
* a missing sheet or cell, a malformed value, a workbook without cached outputs, or a
  corrupt file gives one line naming it (exit 2 through the CLI).
"""

from __future__ import annotations

import gzip
import json
import statistics
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

if TYPE_CHECKING:
    from conftest import RunCli

from debttrap.dsa.indicators import INDICATORS
from debttrap.dsa.run import DSAResult, run_dsa
from debttrap.errors import WorkbookError
from debttrap.io.country_file import load_dsa_inputs
from debttrap.io.workbook import (
    available_versions,
    column_index,
    column_letter,
    load_mapping,
    read_workbook,
)

ROOT = Path(__file__).resolve().parents[2]
REF = ROOT / "tests" / "reference" / "lic-dsf-workbook"
EXAMPLE = ROOT / "examples" / "lic-dsf-illustrative.toml"

LEAF = json.loads(gzip.decompress((REF / "template-inputs.json.gz").read_bytes()))["cells"]
FILLED = json.loads((REF / "filled-cells.json").read_text(encoding="utf-8"))["cells"]
PRESETS: dict[str, list[dict[str, Any]]] = json.loads(
    (REF / "presets.json").read_text(encoding="utf-8")
)["presets"]

# The example derives the B2 primary-balance history (mean, SD) from Excel outputs; the
# template's leaf set has no fiscal history before t, so the workbook cannot carry it.
PB_FIELDS = ("primary_balance_mean_pct_gdp", "primary_balance_sd_pct_gdp")
# Likewise the C3 commodity share of exports: the example derives it from Excel outputs;
# the template's fuel/non-fuel export rows are not identified, so the reader does not map it.
C3_SHARE = "commodity_exports_share_pct"


def with_c3_share(country: Any, example_country: Any) -> Any:
    """The workbook's country with the example's commodity export share (C3)."""
    tl = country.tailored.model_copy(update={C3_SHARE: getattr(example_country.tailored, C3_SHARE)})
    return country.model_copy(update={"tailored": tl})


TEXT_FIELDS = {"name", "source", "notes"}

Cells = dict[tuple[str, str], Any]


def base_cells() -> Cells:
    cells: Cells = {}
    for key, value in LEAF.items():
        sheet, ref = key.rsplit("!", 1)
        cells[(sheet.strip("'"), ref)] = value
    for c in FILLED:
        cells[(c["sheet"], c["cell"])] = c["value"]
    return cells


def write_book(path: Path, cells: Cells, writes: Iterable[Mapping[str, Any]] = ()) -> Path:
    all_cells = dict(cells)
    for w in writes:
        all_cells[(w["sheet"], w["cell"])] = w["value"]
    wb = openpyxl.Workbook()
    assert wb.active is not None
    wb.remove(wb.active)
    for (sheet, ref), value in all_cells.items():
        if sheet not in wb.sheetnames:
            wb.create_sheet(sheet)
        wb[sheet][ref] = value
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_book(tmp_path_factory.mktemp("wb") / "illustrative.xlsx", base_cells())


@pytest.fixture(scope="module")
def example() -> Any:
    return load_dsa_inputs(EXAMPLE)


def assert_same(a: Any, b: Any, path: str = "") -> None:
    """Recursive equality: floats to 1e-12 relative, text fields (names, sources) skipped."""
    if isinstance(a, Mapping):
        assert isinstance(b, Mapping), path
        keys = {k for k in set(a) | set(b) if k not in TEXT_FIELDS}
        for k in keys:
            assert k in a and k in b, f"{path}.{k} only on one side"
            assert_same(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, (list, tuple)):
        assert isinstance(b, (list, tuple)) and len(a) == len(b), f"{path}: lengths differ"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same(x, y, f"{path}[{i}]")
    elif isinstance(a, float) and not isinstance(a, bool):
        assert isinstance(b, (int, float)), path
        assert a == pytest.approx(b, rel=1e-12, abs=1e-12), f"{path}: {a!r} != {b!r}"
    else:
        assert a == b, f"{path}: {a!r} != {b!r}"


# ---------------------------------------------------------------- round trip


def test_mapping_is_package_data_and_names_the_version() -> None:
    assert "2025-08-12" in available_versions()
    m = load_mapping("2025-08-12")
    assert m.version == "2025-08-12"
    assert m.sheet("residual_financing") == "Input 7 - Residual Financing"


def test_illustrative_workbook_reads_as_the_example_country(book: Path, example: Any) -> None:
    country, settings = example
    wb = read_workbook(book)
    assert wb.template_version == "2025-08-12"
    ours_c = wb.country.model_dump()
    assert ours_c["tailored"].pop(C3_SHARE) == 0.0  # not mapped: stated, not invented
    theirs_c = country.model_dump()
    assert theirs_c["tailored"].pop(C3_SHARE) > 0.0
    assert_same(ours_c, theirs_c)
    # every macro series and creditor line, not just a sample
    assert len(wb.country.new_external_financing) == 8
    assert len(wb.country.external_debt.existing_lines) == 7
    ours = wb.settings.model_dump()
    theirs = settings.model_dump()
    for f in PB_FIELDS:
        assert ours.pop(f) is None  # not in the leaf set: stated, not invented
        theirs.pop(f)
    assert_same(ours, theirs)
    assert any("B2" in n for n in wb.notes)
    assert any("C3" in n and C3_SHARE in n for n in wb.notes)


def test_illustrative_workbook_gives_the_example_indicator_paths(book: Path, example: Any) -> None:
    country, settings = example
    wb = read_workbook(book)
    pb = {f: getattr(settings, f) for f in PB_FIELDS}
    ours = run_dsa(with_c3_share(wb.country, country), wb.settings.model_copy(update=pb))
    theirs = run_dsa(country, settings)
    assert "C3" in theirs.stress
    assert list(ours.stress) == list(theirs.stress)
    assert dict(ours.thresholds) == dict(theirs.thresholds)
    for ind in INDICATORS:
        for scen in ["baseline", *theirs.stress]:
            np.testing.assert_allclose(
                ours.indicator_path(ind.value, scen),
                theirs.indicator_path(ind.value, scen),
                rtol=1e-12,
                atol=1e-12,
                err_msg=f"{ind.value} {scen}",
            )
    assert ours.rating.external == theirs.rating.external
    assert ours.rating.overall == theirs.rating.overall


def test_empty_optional_cell_takes_the_default(tmp_path: Path) -> None:
    cells = _without(base_cells(), "Input 6 - Tailored Tests", "G46")
    wb = read_workbook(write_book(tmp_path / "no-g46.xlsx", cells))
    assert wb.defaults_used == ("tailored.commodity_price_shock_pct",)
    assert wb.country.tailored.commodity_price_shock_pct == 0.0
    assert "not sized" in run_dsa(wb.country, wb.settings).not_run["C3"]


def test_provenance_names_cells_and_defaults(book: Path) -> None:
    wb = read_workbook(book)
    frame = wb.to_frame()
    assert frame.loc["first_projection_year", "cells"] == "C18"
    assert frame.loc["first_projection_year", "value"] == 2024
    assert frame.loc["stress.residual_rate_pct", "sheet"] == "Input 7 - Residual Financing"
    # the C3 price fall is read from G46 (H46, the user column, is empty)
    assert "G46" in frame.loc["tailored.commodity_price_shock_pct", "cells"]
    assert frame.loc["tailored.commodity_price_shock_pct", "value"] == pytest.approx(
        -23.34, abs=1e-2
    )
    assert wb.defaults_used == ()
    assert frame.loc["capacity.classification", "value"] == "medium"


def test_primary_balance_history_feeds_b2(tmp_path: Path) -> None:
    """Input 3 rows 22/24 (with GDP and FX) over t-10 .. t-1 give the PB history B2 uses.

    Oracle: the same workbook without history, with B2 sized by hand from the mean and
    sample SD (``statistics``) of the independently computed balances, gives the same
    B2 paths.
    """
    rng = np.random.default_rng(7)
    cells = base_cells()
    sheet = "Input 3 - Macro-Debt data(DMX)"
    pb_pct: dict[int, float] = {}
    for y in range(2014, 2024):
        col = column_letter(column_index("X") + y - 2024)
        gdp, fx = float(cells[(sheet, f"{col}12")]), 1.5 + 0.1 * (y - 2014)
        rev = float(rng.uniform(10_000, 20_000))
        pexp = rev + float(rng.uniform(-2_000, 3_000))
        cells[(sheet, f"{col}20")] = fx
        cells[(sheet, f"{col}22")] = rev
        cells[(sheet, f"{col}24")] = pexp
        pb_pct[y] = 100.0 * (rev - pexp) / (gdp * fx)
    wb = read_workbook(write_book(tmp_path / "hist.xlsx", cells))
    got = wb.country.macro.primary_balance_history_pct_gdp
    assert got is not None and set(got) == set(pb_pct)
    for y, v in pb_pct.items():
        assert got[y] == pytest.approx(v, rel=1e-12)
    assert not any("B2" in n for n in wb.notes)
    res = run_dsa(wb.country, wb.settings)
    assert "B2" in res.stress

    plain = read_workbook(write_book(tmp_path / "plain.xlsx", base_cells()))
    by_hand = plain.settings.model_copy(
        update={
            "primary_balance_mean_pct_gdp": statistics.fmean(pb_pct.values()),
            "primary_balance_sd_pct_gdp": statistics.stdev(pb_pct.values()),
        }
    )
    oracle = run_dsa(plain.country, by_hand)
    for ind in INDICATORS:
        np.testing.assert_allclose(
            res.indicator_path(ind.value, "B2"),
            oracle.indicator_path(ind.value, "B2"),
            rtol=1e-9,
            err_msg=ind.value,
        )


@given(st.integers(min_value=1, max_value=18_278))
def test_column_letters_round_trip(n: int) -> None:
    assert column_index(column_letter(n)) == n


# ---------------------------------------------------------------- presets

# What each preset changes in the domain model (its cells, converted by the mapping).
PRESET_FIELDS: dict[str, dict[str, Any]] = {
    # the B6 leg cells (C41 ...) hold formulas in the base book: unset there, read here
    "larger_gdp_shock": {"stress.b1_growth_sd": 2.0, "stress.b6_growth_sd": 2.0},
    "larger_gdp_shock_standalone_only": {"stress.b1_growth_sd": 2.0, "stress.b6_growth_sd": 1.0},
    "larger_primary_balance_shock": {
        "stress.b2_primary_balance_sd": 2.0,
        "stress.b6_primary_balance_sd": 2.0,
    },
    "larger_exports_shock": {"stress.b3_exports_sd": 2.0, "stress.b6_exports_sd": 2.0},
    "larger_transfers_shock": {"stress.b4_transfers_sd": 2.0, "stress.b6_transfers_sd": 2.0},
    "larger_fdi_shock": {"stress.b4_fdi_sd": 2.0, "stress.b6_fdi_sd": 2.0},
    "interactions_off": {"stress.interactions": False},
    "weaker_fx_passthrough": {"stress.fx_passthrough": 0.1},
    "higher_inflation_elasticity": {"stress.inflation_elasticity": 1.0},
    "higher_exports_gdp_elasticity": {"stress.exports_gdp_elasticity": 1.2},
    "market_access_off": {"country.market_access": False},
    "higher_market_fx": {"stress.market_depreciation_pct": 25.0},
    "weaker_market_fx_passthrough": {"stress.market_fx_passthrough": 0.1},
    "shorter_market_maturity_cap": {"stress.market_maturity_cap_years": 3},
    "lower_market_grace_factor": {"stress.market_grace_factor": 0.5},
    "more_severe_commodity_price": {"country.tailored.commodity_price_shock_pct": -40.0},
    "more_severe_fuel_price": {
        "country.tailored.commodity_price_shock_pct": -26.772446433554825
    },
    "natural_disaster_on": {
        "country.tailored.natural_disaster": True,
        "country.tailored.natural_disaster_shock_pct_gdp": 15.0,
    },
    "larger_disaster_shock": {
        "country.tailored.natural_disaster": True,
        "country.tailored.natural_disaster_shock_pct_gdp": 20.0,
    },
    "larger_cl_shock": {"country.tailored.contingent_liabilities_pct_gdp": 14.063220152610711},
    "higher_resfin_domestic_st_share": {
        "stress.residual_external_share_pct": 27.24344563773595,
        "stress.residual_domestic_st_share_pct": 50.0,
    },
    "higher_resfin_external_interest": {"stress.residual_rate_pct": 12.0},
    "longer_resfin_maturity": {"stress.residual_maturity_years": 12},
    "higher_resfin_discount": {"stress.residual_discount_rate_pct": 7.0},
    "longer_resfin_grace": {"stress.residual_grace_years": 6},
    "higher_resfin_domestic_mlt_rate": {"stress.residual_domestic_real_rate_pct": 6.0},
}

EXTERNAL = [
    "pv_ext_debt_to_gdp_pct",
    "pv_ext_debt_to_exports_pct",
    "ext_debt_service_to_exports_pct",
    "ext_debt_service_to_revenue_pct",
]
PUBLIC = ["pv_public_debt_to_gdp_pct"]

# Scenarios each preset moves in Excel, 2024-2028, from the case inventory of the golden
# README (Output 3-1 rows for *-output31 cases, Output 3-2 PV/GDP rows 12-32 for
# *-output32 cases; larger_gdp_shock: B1 sheet plus parity catalog S1 "hits B1, B6").
# A1 (historical scenario) is not run on the example (it needs the historical non-interest
# CAD). C3 runs with the example's derived price fall (G46) and commodity export share.
# `ignore`: scenarios Excel did not probe for that case.
EXPECTED_MOVES: dict[str, tuple[list[str], set[str], set[str]]] = {
    # preset: (indicators compared, scenarios that move, scenarios not probed).
    # Excel's single B2/B6 rows are the market variants for this market-access example,
    # so where Excel moves B2 (B6), debttrap's B2 and B2.1 (B6 and B6.1) both move.
    "larger_gdp_shock": (EXTERNAL, {"B1", "B6", "B6.1"}, set()),
    "larger_gdp_shock_standalone_only": (EXTERNAL, {"B1", "B6", "B6.1"}, set()),
    "larger_primary_balance_shock": (EXTERNAL, {"B2", "B2.1"}, set()),  # B6.1 already capped
    "larger_exports_shock": (EXTERNAL, {"B3", "B6", "B6.1"}, set()),
    "larger_transfers_shock": (EXTERNAL, {"B4", "B6", "B6.1"}, set()),
    "larger_fdi_shock": (EXTERNAL, {"B4", "B6", "B6.1"}, set()),
    "interactions_off": (EXTERNAL, {"B1", "B2", "B3", "B5", "B6", "B2.1", "B6.1"}, set()),
    "weaker_fx_passthrough": (EXTERNAL, {"B5", "B6", "B6.1"}, set()),
    "higher_inflation_elasticity": (EXTERNAL, {"B1", "B6", "B6.1"}, set()),
    "higher_exports_gdp_elasticity": (EXTERNAL, {"B3"}, set()),
    "market_access_off": (PUBLIC, set(), {"B2.1", "B6.1"}),  # variants exist only with access
    "higher_market_fx": (EXTERNAL, {"C4"}, set()),
    "weaker_market_fx_passthrough": (EXTERNAL, {"C4"}, set()),
    "shorter_market_maturity_cap": (EXTERNAL, set(), {"C4"}),
    "lower_market_grace_factor": (EXTERNAL, {"C4"}, set()),
    "more_severe_commodity_price": (EXTERNAL, {"C3"}, set()),
    "more_severe_fuel_price": (EXTERNAL, {"C3"}, set()),
    "natural_disaster_on": (EXTERNAL, {"C2"}, set()),
    "larger_disaster_shock": (EXTERNAL, {"C2"}, set()),
    "larger_cl_shock": (EXTERNAL, {"C1"}, set()),
    "higher_resfin_domestic_st_share": (
        PUBLIC,
        {"B1", "B2", "B5", "B6", "C1", "C3", "B2.1", "B6.1"},
        set(),
    ),
    "higher_resfin_external_interest": (
        EXTERNAL,
        {"B2", "B3", "B4", "B5", "B6", "C1", "C3", "B2.1", "B6.1"},
        set(),
    ),
    # Residual maturity and grace: Excel's B2 row here is the market variant (B2.1), whose
    # +400 bp add-on amortizes with the debt. The standard B2 has no Output 3-1 row, and its
    # residual debt (7.98 % > the 5 % discount rate) is valued at face, as Excel's B3/B4
    # rows show (same residual debt, unmoved by maturity or grace): not probed. Excel has
    # no B6.1 row either.
    "longer_resfin_maturity": (EXTERNAL, {"B2.1"}, {"B2", "B6.1"}),
    "higher_resfin_discount": (EXTERNAL, set(), set()),
    "longer_resfin_grace": (EXTERNAL, {"B2.1"}, {"B2", "B6.1"}),
    "higher_resfin_domestic_mlt_rate": (
        PUBLIC,
        {"B1", "B2", "B5", "B6", "C1", "C3", "B2.1", "B6.1"},
        set(),
    ),
}

# Where the DSA engine (not the reader: the fields are right, see the test above) moves
# a different set of scenarios than Excel. Strict: the test fails once the engine agrees.
ENGINE_GAPS = {
    "higher_resfin_domestic_st_share": "Excel's public B1, B5, B6 and C3 move with the "
    "domestic shares; debttrap finances their revenue loss at home at one rate (the "
    "template's rule fits neither the whole Input 7 mix nor its domestic part; docs/dsa.md)",
}


def test_every_preset_is_covered() -> None:
    assert set(PRESET_FIELDS) == set(PRESETS) == set(EXPECTED_MOVES)


def _flat(doc: Any, prefix: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if isinstance(doc, Mapping):
        for k, v in doc.items():
            out.update(_flat(v, f"{prefix}.{k}"))
    elif isinstance(doc, (list, tuple)):
        for i, v in enumerate(doc):
            out.update(_flat(v, f"{prefix}[{i}]"))
    else:
        out[prefix] = doc
    return out


@pytest.fixture(scope="module")
def base_read(book: Path) -> Any:
    return read_workbook(book)


@pytest.fixture(scope="module")
def preset_reads(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Any]:
    folder = tmp_path_factory.mktemp("presets")
    cache: dict[str, Any] = {}
    cells = base_cells()

    def get(name: str) -> Any:
        if name not in cache:
            cache[name] = read_workbook(write_book(folder / f"{name}.xlsx", cells, PRESETS[name]))
        return cache[name]

    return get


def _same(a: Any, b: Any) -> bool:
    """Equal, floats to 1e-12 relative: a size read per unit of another cell (C3's K26/K27
    over G46) is the same number up to the division's last bit."""
    if isinstance(a, float) and isinstance(b, float):
        return a == pytest.approx(b, rel=1e-12, abs=0.0)
    return bool(a == b)


@pytest.mark.parametrize("name", sorted(PRESET_FIELDS))
def test_preset_changes_exactly_its_fields(
    name: str, base_read: Any, preset_reads: Callable[[str], Any]
) -> None:
    wb = preset_reads(name)
    before = {
        **_flat(base_read.country.model_dump(), "country"),
        **_flat(base_read.settings.model_dump(), "stress"),
    }
    after = {
        **_flat(wb.country.model_dump(), "country"),
        **_flat(wb.settings.model_dump(), "stress"),
    }
    changed = {
        k: after[k]
        for k in before
        if not _same(before[k], after[k]) and k.rsplit(".", 1)[-1] not in TEXT_FIELDS
    }
    expected = PRESET_FIELDS[name]
    assert set(changed) == set(expected), name
    for k, v in expected.items():
        assert changed[k] == pytest.approx(v, rel=1e-12), k


@pytest.fixture(scope="module")
def base_result(base_read: Any, example: Any) -> DSAResult:
    pb = {f: getattr(example[1], f) for f in PB_FIELDS}
    return run_dsa(
        with_c3_share(base_read.country, example[0]), base_read.settings.model_copy(update=pb)
    )


def _moved(base: DSAResult, other: DSAResult, indicators: list[str], ignore: set[str]) -> set[str]:
    moved = set()
    for scen in sorted((set(base.stress) | set(other.stress)) - ignore):
        if (scen in base.stress) != (scen in other.stress):
            moved.add(scen)
            continue
        for ind in indicators:
            a = base.indicator_path(ind, scen)[:5]  # 2024-2028, the probed window
            b = other.indicator_path(ind, scen)[:5]
            if not np.allclose(a, b, rtol=1e-9, atol=1e-12, equal_nan=True):
                moved.add(scen)
    return moved


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=ENGINE_GAPS[n]))
        if n in ENGINE_GAPS
        else n
        for n in sorted(EXPECTED_MOVES)
    ],
)
def test_preset_moves_the_stress_scenarios_excel_moves(
    name: str,
    base_result: DSAResult,
    preset_reads: Callable[[str], Any],
    example: Any,
) -> None:
    wb = preset_reads(name)
    pb = {f: getattr(example[1], f) for f in PB_FIELDS}
    res = run_dsa(with_c3_share(wb.country, example[0]), wb.settings.model_copy(update=pb))
    indicators, moves, ignore = EXPECTED_MOVES[name]
    for ind in indicators + PUBLIC:
        np.testing.assert_array_equal(
            res.indicator_path(ind, "baseline"), base_result.indicator_path(ind, "baseline")
        )
    assert _moved(base_result, res, indicators, ignore) == moves


def test_b6_legs_are_read_leg_by_leg(preset_reads: Callable[[str], Any]) -> None:
    """Input 6 C41-C58 size B6's legs one by one (S1b: stand-alone 2 SD, B6 leg 1 SD)."""
    wb = preset_reads("larger_gdp_shock_standalone_only")
    assert (wb.settings.b1_growth_sd, wb.settings.b6_growth_sd) == (2.0, 1.0)
    assert wb.settings.b6_exports_sd is None  # the template's formula: half of C25


# ---------------------------------------------------------------- errors


def _without(cells: Cells, sheet: str, ref: str | None = None) -> Cells:
    return {k: v for k, v in cells.items() if not (k[0] == sheet and (ref is None or k[1] == ref))}


@pytest.mark.parametrize(
    ("edit", "needles"),
    [
        (
            lambda c: _without(c, "Input 7 - Residual Financing"),
            ["sheet 'Input 7 - Residual Financing' is missing"],
        ),
        (
            lambda c: _without(c, "Input 1 - Basics", "C18"),
            ["'Input 1 - Basics'!C18", "first_projection_year", "is empty"],
        ),
        (
            lambda c: _without(c, "Input 3 - Macro-Debt data(DMX)", "AR12"),
            ["'Input 3 - Macro-Debt data(DMX)'!AR12", "macro.nominal_gdp_usd_m", "2044"],
        ),
        (
            lambda c: {**c, ("Input 4 - External Financing", "F38"): "nine"},
            ["'Input 4 - External Financing'!F38", "'nine'", "must be a number"],
        ),
        (
            lambda c: _without(c, "Input 4 - External Financing", "H39"),
            ["'Input 4 - External Financing'!H39", "maturity years", "is empty"],
        ),
        (
            lambda c: {**c, ("Input 1 - Basics", "C27"): "Perhaps"},
            ["'Input 1 - Basics'!C27", "market_access", "Yes or No"],
        ),
        (
            lambda c: _without(c, "Output 1-2 - Public DSA", "V8"),
            ["'Output 1-2 - Public DSA'!V8", "no cached value", "Excel"],
        ),
        (
            lambda c: {**c, ("Output 3-1 Stress-external", "C31"): 45.0},
            ["'Output 3-1 Stress-external'!C31", "match no debt-carrying-capacity class"],
        ),
    ],
    ids=[
        "missing-sheet",
        "missing-required-cell",
        "missing-year",
        "text-in-number-cell",
        "line-without-terms",
        "bad-yes-no",
        "no-cached-output",
        "unknown-thresholds",
    ],
)
def test_mismatched_workbook_names_what_is_missing(
    tmp_path: Path, edit: Callable[[Cells], Cells], needles: list[str]
) -> None:
    path = write_book(tmp_path / "bad.xlsx", edit(base_cells()))
    with pytest.raises(WorkbookError) as info:
        read_workbook(path)
    msg = str(info.value)
    assert "\n" not in msg and msg.startswith("bad.xlsx: ")
    for needle in needles:
        assert needle in msg, msg


def test_an_unrelated_workbook_is_not_taken_for_a_template(tmp_path: Path) -> None:
    path = write_book(tmp_path / "other.xlsx", {("Sheet1", "A1"): 1.0})
    with pytest.raises(WorkbookError, match="not a LIC-DSF template workbook"):
        read_workbook(path)


def test_corrupt_or_missing_file_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "corrupt.xlsx"
    bad.write_bytes(b"this is not a zip archive")
    with pytest.raises(WorkbookError, match=r"corrupt\.xlsx: cannot be read as an Excel workbook"):
        read_workbook(bad)
    with pytest.raises(WorkbookError, match="file not found"):
        read_workbook(tmp_path / "absent.xlsx")


# ---------------------------------------------------------------- command line


def test_cli_dsa_reads_a_workbook(
    book: Path, run_cli: RunCli
) -> None:
    code, out, err = run_cli(["dsa", str(book), "--json"])
    assert code == 0, err
    ours = json.loads(out)
    code, out, err = run_cli(["dsa", str(EXAMPLE), "--json"])
    assert code == 0, err
    theirs = json.loads(out)
    assert ours["thresholds"] == theirs["thresholds"]
    assert ours["capacity"]["classification"] == "medium"
    assert "B2" in ours["stress_tests_not_run"]  # no primary-balance history in the leaf set
    for ind in EXTERNAL + PUBLIC:
        a, b = ours["indicators"][ind], theirs["indicators"][ind]
        assert a["baseline"] == pytest.approx(b["baseline"], rel=1e-12)
        for scen in ("B1", "B3", "B4", "B5", "B6", "C1", "C4"):
            assert a["stress"][scen] == pytest.approx(b["stress"][scen], rel=1e-12), scen


@pytest.mark.parametrize("content", [b"not a zip", b"PK\x03\x04garbage"])
def test_cli_corrupt_workbook_is_one_line_exit_2(
    tmp_path: Path,
    content: bytes,
    run_cli: RunCli,
) -> None:
    bad = tmp_path / "broken.xlsm"
    bad.write_bytes(content)
    out_dir = tmp_path / "charts"
    code, out, err = run_cli(["dsa", str(bad), "--out", str(out_dir)])
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "broken.xlsm" in lines[0] and "Traceback" not in err
    assert not out_dir.exists()


def test_cli_mismatched_workbook_is_one_line_exit_2(
    tmp_path: Path, run_cli: RunCli
) -> None:
    path = write_book(tmp_path / "nosheet.xlsx", _without(base_cells(), "Input 2 - Debt Coverage"))
    code, out, err = run_cli(["dsa", str(path), "--json"])
    assert code == 2 and out == ""
    assert err.strip().count("\n") == 0
    assert "sheet 'Input 2 - Debt Coverage' is missing" in err


def test_input7_domestic_terms_are_read(tmp_path: Path) -> None:
    """Input 7 rows 20, 21 and 23 (user column H): the domestic MLT debt's maturity and grace
    and the domestic short-term real rate reach the settings; empty, debttrap's defaults."""
    sheet = "Input 7 - Residual Financing"
    writes = [
        {"sheet": sheet, "cell": "H20", "value": 8},
        {"sheet": sheet, "cell": "H21", "value": 2},
        {"sheet": sheet, "cell": "H23", "value": 0.015},
    ]
    wb = read_workbook(write_book(tmp_path / "input7.xlsx", base_cells(), writes))
    assert wb.settings.residual_domestic_mlt_maturity_years == 8
    assert wb.settings.residual_domestic_mlt_grace_years == 2
    assert wb.settings.residual_domestic_st_real_rate_pct == pytest.approx(1.5)
    plain = read_workbook(write_book(tmp_path / "plain.xlsx", base_cells()))
    assert plain.settings.residual_domestic_mlt_maturity_years == 5
    assert plain.settings.residual_domestic_mlt_grace_years == 3
    assert plain.settings.residual_domestic_st_real_rate_pct is None


STD = "Input 6(optional)-Standard Test"
TAIL = "Input 6 - Tailored Tests"


def _read_with(tmp_path: Path, name: str, writes: list[dict[str, Any]]) -> Any:
    return read_workbook(write_book(tmp_path / f"{name}.xlsx", base_cells(), writes))


@pytest.mark.parametrize(
    ("c4", "d18", "c18", "mode"),
    [
        ("New", "Baseline projection", "Whichever is lower", "baseline"),  # user column D18
        ("New", None, "Historical average", "historical"),  # D18 empty: the default C18
        ("Old", "Baseline projection", "Historical average", "historical"),  # not New: C18
        ("New", "whichever is lower of historical average and baseline", None, "whichever_lower"),
    ],
)
def test_the_shock_rule_is_read_from_the_column_c4_names(
    tmp_path: Path, c4: str, d18: str | None, c18: str | None, mode: str
) -> None:
    """Input 6 C4 ("New") says the template reads its shock rule (row 18) from the user
    column D18, else from C18; the label's keyword names the rule."""
    writes = [
        {"sheet": STD, "cell": "C4", "value": c4},
        {"sheet": STD, "cell": "D18", "value": d18},
        {"sheet": STD, "cell": "C18", "value": c18},
    ]
    assert _read_with(tmp_path, "mode", writes).settings.mode == mode


def test_an_unknown_shock_rule_names_its_cell(tmp_path: Path) -> None:
    writes = [{"sheet": STD, "cell": "D18", "value": "average of the last five years"}]
    with pytest.raises(WorkbookError, match=r"Standard Test'!D18 \(stress\.mode\).*historical"):
        _read_with(tmp_path, "bad-mode", writes)


def test_input6_interaction_cells_are_read(tmp_path: Path) -> None:
    """G21/H21 (B2's domestic borrowing cost), G37/H37 (the trade response to the real
    depreciation), tailored H52 (C4's cost, also the market variants' cap), K26/K27 (C3's
    growth and revenue cuts, read per unit of the price fall G46): user column first."""
    writes = [
        {"sheet": STD, "cell": "H21", "value": 50.0},
        {"sheet": STD, "cell": "H37", "value": 0.3},
        {"sheet": TAIL, "cell": "H52", "value": 600.0},
        {"sheet": TAIL, "cell": "K26", "value": 2.0},
        {"sheet": TAIL, "cell": "K27", "value": 2.5},
        {"sheet": TAIL, "cell": "H46", "value": -0.4},
    ]
    s = _read_with(tmp_path, "input6", writes).settings
    assert s.b2_domestic_rate_bp_per_pp == 50.0
    assert s.trade_response_to_real_depreciation == 0.3
    assert s.market_cost_bp == 600.0 and s.b2_market_rate_cap_bp == 600.0
    assert s.commodity_growth_per_price == pytest.approx(2.0 / 0.4, rel=1e-12)
    assert s.commodity_revenue_per_price == pytest.approx(2.5 / 0.4, rel=1e-12)
    plain = read_workbook(write_book(tmp_path / "plain.xlsx", base_cells())).settings
    assert (plain.b2_domestic_rate_bp_per_pp, plain.trade_response_to_real_depreciation) == (
        25.0,
        0.15,
    )
    assert (plain.b2_market_rate_cap_bp, plain.commodity_growth_per_price) == (400.0, 5.0)
    assert plain.commodity_revenue_per_price == 7.5 and plain.mode == "whichever_lower"


def test_c3_cuts_without_a_price_fall_keep_the_defaults_and_say_so(tmp_path: Path) -> None:
    writes = [
        {"sheet": TAIL, "cell": "G46", "value": None},
        {"sheet": TAIL, "cell": "K26", "value": 2.0},
    ]
    wb = _read_with(tmp_path, "no-price", writes)
    assert wb.settings.commodity_growth_per_price == 5.0
    assert any("commodity_growth_per_price" in n for n in wb.notes)
