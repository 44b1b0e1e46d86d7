"""Scenario files: the examples load, every number has a source, bad input is one line.

The JSON Schema is checked two ways: the committed file equals what the models
generate, and each example document validates against it (a small validator for
the subset of JSON Schema the file uses, written here so no new dependency is
needed).
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from debttrap.country.model import Country
from debttrap.errors import InputError
from debttrap.io.scenario import Scenario, load_scenario, parse_scenario, scenario_json_schema

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SCENARIOS = ["syria-2025.toml", "hambantota-2007.toml", "laos-railway-2016.toml",
             "zambia-2015.toml"]
SCHEMA_FILE = ROOT / "src" / "debttrap" / "schemas" / "scenario.schema.json"


# --- examples -----------------------------------------------------------------------

@pytest.mark.parametrize("name", SCENARIOS)
def test_examples_load(name: str) -> None:
    s = load_scenario(EXAMPLES / name)
    assert isinstance(s, Scenario) and s.offers
    assert len({o.name for o in s.offers}) == len(s.offers)


@pytest.mark.parametrize("name", SCENARIOS)
def test_every_offer_figure_has_a_source(name: str) -> None:
    """Each offer, loan, grant, condition and project carries a source note."""
    s = load_scenario(EXAMPLES / name)
    prov = s.provenance()
    for i, offer in enumerate(s.offers):
        assert prov.get(f"offers[{i}]"), f"{name}: offers[{i}] has no source"
        for j in range(len(offer.loans)):
            assert prov.get(f"offers[{i}].loans[{j}]"), f"{name}: offers[{i}].loans[{j}]"
        for j in range(len(offer.grants)):
            assert prov.get(f"offers[{i}].grants[{j}]"), f"{name}: offers[{i}].grants[{j}]"
        for j in range(len(offer.conditions)):
            assert prov.get(f"offers[{i}].conditions[{j}]")
        if offer.project is not None:
            assert prov.get(f"offers[{i}].project")
            assert prov.get(f"offers[{i}].project.overrun_prior")
        if any(ln.currency != "USD" for ln in offer.loans):
            assert any(k.startswith(f"offers[{i}].fx_usd_per_unit") for k in prov)


def test_assumptions_say_so() -> None:
    """Figures that no reference gives are labelled as assumptions or derivations."""
    s = load_scenario(EXAMPLES / "laos-railway-2016.toml")
    prov = s.provenance()
    assert prov["offers[0].loans[1].rate_pct"].startswith("assumption")
    assert prov["offers[0].project.revenue_usd_m"].startswith("assumption")


def test_syria_inline_country_and_its_sources() -> None:
    s = load_scenario(EXAMPLES / "syria-2025.toml")
    assert isinstance(s.country, Country) and s.country_code is None
    assert s.country.t == s.settings.first_projection_year == 2026
    prov = s.provenance()
    for series in ("nominal_gdp_usd_m", "real_gdp_growth_pct", "exports_usd_m",
                   "government_revenue_incl_grants_lcu_m"):
        assert prov[f"country.macro.{series}"]
    assert "World Bank" in prov["country.macro.nominal_gdp_usd_m"]


@pytest.mark.parametrize(("name", "code"), [("hambantota-2007.toml", "LKA"),
                                             ("laos-railway-2016.toml", "LAO"),
                                             ("zambia-2015.toml", "ZMB")])
def test_iso3_countries(name: str, code: str) -> None:
    assert load_scenario(EXAMPLES / name).country_code == code


# --- the schema -----------------------------------------------------------------------

def test_committed_schema_is_current() -> None:
    expected = json.dumps(scenario_json_schema(), indent=2, ensure_ascii=False) + "\n"
    assert SCHEMA_FILE.read_text(encoding="utf-8") == expected, (
        "src/debttrap/schemas/scenario.schema.json is out of date: run tools/gen_schema.py"
    )


def _check(value: Any, schema: dict[str, Any], root: dict[str, Any], path: str) -> list[str]:
    """Errors of ``value`` against ``schema`` (subset: $ref, anyOf, type, enum, const,
    properties, required, additionalProperties, items, prefixItems, pattern, minimum)."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return _check(value, root["$defs"][name], root, path)
    errors: list[str] = []
    if "anyOf" in schema and all(_check(value, o, root, path) for o in schema["anyOf"]):
        errors.append(f"{path}: matches no anyOf option")
    if "oneOf" in schema:
        ok = [o for o in schema["oneOf"] if not _check(value, o, root, path)]
        if len(ok) != 1:
            errors.append(f"{path}: matches {len(ok)} oneOf options")
    kind = schema.get("type")
    types = {"object": dict, "array": list, "string": str, "boolean": bool,
             "integer": int, "number": (int, float), "null": type(None)}
    if kind is not None:
        if isinstance(value, bool) and kind in ("integer", "number"):
            return [*errors, f"{path}: boolean is not {kind}"]
        if not isinstance(value, types[kind]):
            return [*errors, f"{path}: expected {kind}, got {type(value).__name__}"]
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: {value!r} not in enum")
    if "const" in schema and value != schema["const"]:
        errors.append(f"{path}: {value!r} != const")
    if isinstance(value, str) and "pattern" in schema and not re.search(schema["pattern"], value):
        errors.append(f"{path}: {value!r} does not match {schema['pattern']}")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append(f"{path}: below minimum")
        if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
            errors.append(f"{path}: not above exclusiveMinimum")
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for req in schema.get("required", []):
            if req not in value:
                errors.append(f"{path}: missing {req}")
        extra = schema.get("additionalProperties", True)
        for key, item in value.items():
            if key in props:
                errors += _check(item, props[key], root, f"{path}.{key}")
            elif extra is False:
                errors.append(f"{path}: unexpected key {key}")
            elif isinstance(extra, dict):
                errors += _check(item, extra, root, f"{path}.{key}")
    if isinstance(value, list):
        prefix = schema.get("prefixItems", [])
        for i, item in enumerate(value):
            if i < len(prefix):
                errors += _check(item, prefix[i], root, f"{path}[{i}]")
            elif isinstance(schema.get("items"), dict):
                errors += _check(item, schema["items"], root, f"{path}[{i}]")
    return errors


@pytest.mark.parametrize("name", SCENARIOS)
def test_examples_validate_against_the_schema(name: str) -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    doc = tomllib.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    assert _check(doc, schema, schema, "$") == []


def test_schema_catches_a_misspelt_field() -> None:
    schema = scenario_json_schema()
    doc = tomllib.loads((EXAMPLES / "zambia-2015.toml").read_text(encoding="utf-8"))
    doc["offers"][0]["loans"][0]["rate_pc"] = 1.0
    errors = _check(doc, schema, schema, "$")
    assert any("rate_pc" in e for e in errors)


# --- bad input -------------------------------------------------------------------------

def _doc(**change: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "name": "t",
        "country": "LKA",
        "offers": [
            {
                "name": "A",
                "lender": {"name": "China Eximbank", "type": "bilateral_other"},
                "loans": [{"amount_m": 100.0, "signing_year": 2010, "rate_pct": 2.0,
                           "grace_years": 5, "maturity_years": 20}],
            }
        ],
    }
    doc.update(change)
    return doc


def _error(doc: dict[str, Any], base_dir: Path | None = None) -> str:
    with pytest.raises(InputError) as info:
        parse_scenario(doc, source="s.toml", base_dir=base_dir)
    msg = str(info.value)
    assert "\n" not in msg
    assert msg.startswith("s.toml: ")
    return msg


@pytest.mark.parametrize("code", ["Syria", "SY", "S1R", "12", "SYR.txt"])
def test_unknown_country_code_syntax(code: str) -> None:
    msg = _error(_doc(country=code))
    assert "field 'country'" in msg and "ISO3" in msg


def test_unknown_country_code() -> None:
    assert "'XXX' is not a country of the bundled data" in _error(_doc(country="XXX"))


def test_lower_case_code_is_accepted() -> None:
    assert parse_scenario(_doc(country="lka")).country_code == "LKA"


def test_missing_country_file() -> None:
    assert "country file 'nope.toml' not found" in _error(_doc(country="nope.toml"), ROOT)


def test_country_as_a_file_relative_to_the_scenario(tmp_path: Path) -> None:
    doc = tomllib.loads((EXAMPLES / "syria-2025.toml").read_text(encoding="utf-8"))
    (tmp_path / "countries").mkdir()
    (tmp_path / "countries" / "syria.json").write_text(json.dumps(doc["country"]),
                                                      encoding="utf-8")
    doc["country"] = "countries/syria.json"
    scenario_file = tmp_path / "s.json"
    scenario_file.write_text(json.dumps(doc), encoding="utf-8")
    s = load_scenario(scenario_file)
    assert isinstance(s.country, Country) and s.country_file == "countries/syria.json"
    assert s.country.macro.nominal_gdp_usd_m[2024] == 21_400.0


def test_inline_country_errors_name_the_country_field() -> None:
    doc = tomllib.loads((EXAMPLES / "syria-2025.toml").read_text(encoding="utf-8"))
    doc["country"]["macro"]["nominal_gdp_usd_m"]["2030"] = -1.0
    assert "field 'country" in _error(doc)


def test_offer_without_loans_or_grants() -> None:
    doc = _doc(offers=[{"name": "A", "lender": {"name": "x", "type": "multilateral"}}])
    msg = _error(doc)
    assert "field 'offers[0]'" in msg and "at least one loan or one grant" in msg


def test_project_with_negative_cost() -> None:
    doc = _doc()
    doc["offers"][0]["project"] = {"name": "p", "sector": "ports", "quoted_cost_usd_m": -5.0,
                                   "construction_start_year": 2010}
    msg = _error(doc)
    assert "offers[0].project.quoted_cost_usd_m" in msg


def test_loan_with_inconsistent_terms() -> None:
    doc = _doc()
    doc["offers"][0]["loans"][0]["grace_years"] = 30
    msg = _error(doc)
    assert "offers[0].loans[0]" in msg and "grace_years (30) must be shorter" in msg


@pytest.mark.parametrize(
    ("change", "text"),
    [
        ({"offers": []}, "at least one [[offers]]"),
        ({"offers": {"name": "A"}}, "must be a list"),
        ({"country_file": "x.toml"}, "set by the loader"),
        ({"settings": {"n_paths": 5}}, "settings.n_paths"),
        ({"colour": "red"}, "unknown field"),
    ],
)
def test_other_bad_documents(change: dict[str, Any], text: str) -> None:
    assert text in _error(_doc(**change))


def test_missing_country() -> None:
    doc = _doc()
    del doc["country"]
    assert "field 'country': is required" in _error(doc)


def test_duplicate_offer_names() -> None:
    doc = _doc()
    doc["offers"].append(dict(doc["offers"][0]))
    assert "two offers are named 'A'" in _error(doc)


def test_unknown_offer_name_lists_the_offers() -> None:
    s = parse_scenario(_doc())
    with pytest.raises(InputError, match="no offer named 'B' \\(offers: 'A'\\)"):
        s.offer("B")


def test_malformed_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("name = \n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.toml: malformed TOML"):
        load_scenario(bad)
