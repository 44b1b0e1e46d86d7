"""Scenario files: a country and the financing offers on the table, with every source.

A scenario is a TOML (or JSON) document::

    name = "Sri Lanka: Hambantota port, 2007"
    country = "LKA"                 # an ISO3 code (bundled data) ...
    # country = "countries/x.toml"  # ... or a country file, relative to this file ...
    # [country] ...                 # ... or the country inline (the country-file format)

    [settings]
    seed = 2007                     # Monte Carlo seed (randomness is always injected)
    n_paths = 10000
    first_projection_year = 2008

    [sources]                       # notes for any field, by dotted path
    "country.macro.nominal_gdp_usd_m" = "World Bank, ..."

    [[offers]]
    name = "China Eximbank, phase I"
    lender = { name = "Export-Import Bank of China", type = "bilateral_other" }
    lender_group = "china"
    conditions = ["Chinese contractor (CHEC) builds the port"]
    [[offers.loans]]                # the loan model; creditor defaults to the lender;
    amount_m = 306.7                # may carry ppg / serviced_by_project / typical_clauses /
                                    # source / sources
    ...
    [[offers.grants]]
    donor = "..."
    amounts_usd_m = { 2026 = 50.0 }
    [offers.project]
    ...

Every table of an offer may carry a ``source`` note (and a ``sources`` table of
field -> note); :meth:`Scenario.provenance` collects them all by dotted path.
Errors are one line naming the file and the field
(``syria.toml: field 'offers[1].loans[0].grace_years': ...``).

The JSON Schema of the format (``debttrap/schemas/scenario.schema.json``) is
generated from these models by ``tools/gen_schema.py``
(:func:`scenario_json_schema`).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from debttrap.assess.scenario import ISO3_PATTERN as _ISO3
from debttrap.assess.scenario import Scenario, ScenarioSettings
from debttrap.conventions import MAX_PATHS, MIN_PATHS
from debttrap.country.model import Country
from debttrap.errors import DataError, InputError
from debttrap.io.country_file import load_country
from debttrap.io.files import parse_model, read_document

__all__ = [
    "SCHEMA_ID",
    "Scenario",
    "ScenarioSettings",
    "load_scenario",
    "parse_scenario",
    "scenario_json_schema",
]

SCHEMA_ID = "https://debttrap.invalid/schemas/scenario.schema.json"
_FILE_SUFFIXES = (".toml", ".json")


def check_n_paths(n_paths: int, field: str) -> int:
    """The one rule for a user's number of paths (``MIN_PATHS … MAX_PATHS``); the library's
    own functions only need ``>= 1``. Returns ``n_paths`` or raises naming ``field``."""
    if isinstance(n_paths, bool) or not MIN_PATHS <= n_paths <= MAX_PATHS:
        raise InputError(f"must be a whole number from {MIN_PATHS:,} to {MAX_PATHS:,}", field=field)
    return n_paths


def _resolve_country(value: Any, *, base_dir: Path | None, source: str | None) -> dict[str, Any]:
    """``{"country": ..., "country_file": ...}`` for the document's ``country`` value."""
    if isinstance(value, dict):
        return {"country": parse_model(Country, value, source=source, prefix="country")}
    if not isinstance(value, str) or not value.strip():
        raise InputError(
            "must be an ISO3 code, a country file path, or an inline [country] table",
            field="country",
            source=source,
        )
    text = value.strip()
    if _ISO3.match(text):
        code = text.upper()
        from debttrap import datasets

        try:
            covered = datasets.covered_countries()
        except DataError:
            covered = ()
        if covered and code not in covered:
            raise InputError(
                f"'{code}' is not a country of the bundled data ({len(covered)} covered); "
                "give a country file or an inline [country] table",
                field="country",
                source=source,
            )
        return {"country": code}
    if text.lower().endswith(_FILE_SUFFIXES):
        path = Path(text)
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        if not path.is_file():
            raise InputError(f"country file '{text}' not found", field="country", source=source)
        return {"country": load_country(path), "country_file": text}
    raise InputError(
        f"'{text}' is neither an ISO3 code (three letters such as LKA) nor a country file "
        "(.toml or .json)",
        field="country",
        source=source,
    )


def parse_scenario(
    data: dict[str, Any], *, source: str | None = None, base_dir: Path | None = None
) -> Scenario:
    """Validate a scenario document already read into a dict (see :func:`load_scenario`)."""
    if not isinstance(data, dict):
        raise InputError("the scenario must be a table at top level", source=source)
    d = dict(data)
    if "country" not in d:
        raise InputError("is required but missing", field="country", source=source)
    if "offers" not in d or not d["offers"]:
        raise InputError(
            "a scenario needs at least one [[offers]] entry", field="offers", source=source
        )
    if not isinstance(d["offers"], list):
        raise InputError("must be a list of [[offers]] tables", field="offers", source=source)
    if "country_file" in d:
        raise InputError(
            "is set by the loader; write the path as country = \"...\"",
            field="country_file",
            source=source,
        )
    d.update(_resolve_country(d["country"], base_dir=base_dir, source=source))
    return parse_model(Scenario, d, source=source)


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file (TOML or JSON); one-line errors naming the field."""
    p = Path(path)
    data = read_document(p)
    return parse_scenario(data, source=p.name, base_dir=p.parent)


# --- JSON Schema -------------------------------------------------------------------

_LOAN_ROLE_PROPS: dict[str, Any] = {
    "ppg": {
        "type": "boolean",
        "default": True,
        "description": "Public and publicly guaranteed debt of the government (else a project "
        "company's debt, a contingent liability).",
    },
    "serviced_by_project": {
        "type": "boolean",
        "default": True,
        "description": "The project's revenue is meant to service this loan.",
    },
    "typical_clauses": {
        "type": "string",
        "enum": ["", "cdb", "eximbank", "chinese", "benchmark"],
        "default": "",
        "description": "Where the contract text is not known: the lender type whose published "
        "clause frequencies (How China Lends) give each clause the contract does not settle a "
        "probability; '' (default) = only the clauses written in the contract and the creditor "
        "type's standard terms.",
    },
    "source": {"type": "string", "description": "Where the loan's figures come from."},
    "sources": {
        "type": "object",
        "additionalProperties": {"type": "string"},
        "description": "Field -> source note.",
    },
}


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario *document* (what a user writes).

    Generated from :class:`Scenario`, then adjusted where the document is
    more lenient than the model: ``country`` may be a file path, a loan may
    carry its role and source keys and omit ``creditor``, a condition may be
    plain text, and ``country_file`` is the loader's.
    """
    schema = copy.deepcopy(Scenario.model_json_schema(mode="validation"))
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID,
              **schema}
    schema["title"] = "debttrap scenario"
    schema["description"] = (
        "A country and the financing offers to compare. Money in US$ millions unless a loan's "
        "currency says otherwise; rates in percent per year."
    )
    props = schema["properties"]
    props.pop("country_file", None)
    props["country"] = {
        "description": "An ISO3 code (three letters, built from the bundled data), a path to a "
        "country file (.toml/.json, relative to the scenario), or the country inline.",
        "anyOf": [
            {"type": "string", "pattern": "^[A-Za-z]{3}$"},
            {"type": "string", "pattern": "\\.(toml|json|TOML|JSON)$"},
            {"$ref": "#/$defs/Country"},
        ],
    }
    defs = schema["$defs"]
    loan = copy.deepcopy(defs["Loan"])
    loan["title"] = "OfferLoan"
    loan["description"] = (
        "A loan of an offer: the loan model, plus its role (ppg, serviced_by_project) and "
        "source notes; the creditor defaults to the offer's lender."
    )
    loan["properties"].update(copy.deepcopy(_LOAN_ROLE_PROPS))
    # the loan model's shorthands: rate_pct for a fixed rate, hyphens in amortization
    loan["properties"]["rate_pct"] = {
        "type": "number",
        "minimum": 0.0,
        "maximum": 100.0,
        "description": "Shorthand for interest = {kind = 'fixed', rate_pct = ...}; give this "
        "or interest.",
    }
    loan["properties"]["amortization"] = {
        "anyOf": [
            loan["properties"]["amortization"],
            {"type": "string", "enum": ["equal-principal", "EQUAL_PRINCIPAL", "ANNUITY",
                                        "BULLET", "CUSTOM"]},
        ],
        "default": "equal_principal",
    }
    loan["required"] = [r for r in loan.get("required", []) if r not in ("creditor", "interest")]
    loan["oneOf"] = [{"required": ["interest"]}, {"required": ["rate_pct"]}]
    defs["OfferLoan"] = loan
    offer = defs["Offer"]
    offer["properties"]["loans"]["items"] = {"$ref": "#/$defs/OfferLoan"}
    prior = defs["LognormalPrior"]
    prior["required"] = []  # any one consistent pair of parameters (see its description)
    offer["properties"]["conditions"]["items"] = {
        "anyOf": [{"type": "string"}, {"$ref": "#/$defs/Condition"}]
    }
    return schema
