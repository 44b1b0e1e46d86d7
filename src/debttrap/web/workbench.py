"""The workbench's state and work, free of any web framework (so it is tested directly).

A :class:`Workbench` holds the scenarios people opened (each under an opaque
workspace id), the assessments it computed (each under an opaque result id,
what downloads are served by) and a cache of single-offer assessments. An
assessment of several offers is assembled from one assessment per offer: the
reference run and every offer's run are independent (the same seed for every
offer's project draws and macro shocks), so editing one offer recomputes that
offer alone and reuses the others. Every store is bounded (least recently
used entries go first). Nothing here touches the file system except reading
the example scenarios of the folder the server was given.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import secrets
import threading
import tomllib
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from debttrap.assess import Assessment, Prepared, assess, prepare
from debttrap.errors import InputError
from debttrap.io.files import parse_model
from debttrap.io.scenario import Scenario, load_scenario, parse_scenario
from debttrap.terms.offer import Offer

__all__ = [
    "CLAUSES",
    "EVIDENCE_LEVELS",
    "UPLOAD_LIMIT_BYTES",
    "RunOptions",
    "Workbench",
    "apply_offer_form",
    "default_offer",
    "parse_upload",
]

#: The largest scenario file accepted (bytes).
UPLOAD_LIMIT_BYTES = 1_000_000
#: The clauses the form edits: (dotted field of Clauses, label in words).
CLAUSES: tuple[tuple[str, str], ...] = (
    ("acceleration.policy_change", "Lender may accelerate on a change of the borrower's policy"),
    ("acceleration.cross_default", "Cross-default to other external debt"),
    ("acceleration.severing_diplomatic_relations",
     "Lender may accelerate if diplomatic relations are severed"),
    ("acceleration.adverse_action_to_lender_state_entity",
     "Lender may accelerate on acts adverse to its state's entities"),
    ("acceleration.cross_cancellation", "Cross-cancellation with the lender's other loans"),
    ("lender_controlled_account", "Revenue paid into an account the lender controls"),
    ("no_paris_club", "Debt kept out of Paris Club restructuring"),
    ("borrower_confidentiality", "Borrower bound to confidentiality"),
    ("stabilization", "Stabilisation clause (changes of law at the borrower's cost)"),
    ("immunity_waiver", "Borrower waives sovereign immunity"),
)
#: How sure the clause is: recorded as the clause's source note, never scored.
EVIDENCE_LEVELS = ("contract text", "reported", "typical profile", "assumed")
_K = TypeVar("_K")
_V = TypeVar("_V")


class _Lru(Generic[_K, _V]):
    """A bounded mapping, least recently used first out; safe across threads."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._data: OrderedDict[_K, _V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: _K) -> _V | None:
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key: _K, value: _V) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self._size:
                self._data.popitem(last=False)


@dataclass(frozen=True, slots=True)
class RunOptions:
    """How the workbench runs an assessment (smaller than the CLI's defaults: it answers
    while someone waits). ``n_paths``: at most this many project paths."""

    n_paths: int = 2000
    stochastic: bool = True
    stochastic_paths: int = 500


def default_offer(first_year: int) -> Offer:
    """The starting offer for a country picked from the list: one plain loan to edit."""
    return Offer.model_validate({
        "name": "Offer under review",
        "lender": {"name": "A lender", "type": "bilateral_other"},
        "source": "a starting point to edit in the workbench",
        "loans": [{
            "name": "Loan", "creditor": {"name": "A lender", "type": "bilateral_other"},
            "amount_m": 500.0, "signing_year": first_year,
            "disbursement_shares": [0.4, 0.3, 0.3],
            "interest": {"kind": "fixed", "rate_pct": 4.0},
            "grace_years": 5.0, "maturity_years": 20.0,
        }],
    })


def parse_upload(data: bytes, filename: str) -> Scenario:
    """A scenario from an uploaded file's bytes; the CLI's one-line messages on any fault.

    The country must be an ISO3 code or an inline ``[country]`` table: an upload never
    names a file on this machine.
    """
    name = Path(filename or "upload").name or "upload"
    if len(data) > UPLOAD_LIMIT_BYTES:
        raise InputError(f"the file is larger than {UPLOAD_LIMIT_BYTES // 1_000_000} MB",
                         source=name)
    suffix = Path(name).suffix.lower()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("is not a UTF-8 text file", source=name) from None
    try:
        if suffix == ".toml":
            doc: Any = tomllib.loads(text)
        elif suffix == ".json":
            doc = json.loads(text)
        else:
            raise InputError(
                f"unsupported file type '{suffix or '(none)'}' (use .toml or .json)", source=name
            )
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"malformed TOML: {exc}", source=name) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"malformed JSON: {exc.msg} at line {exc.lineno}", source=name) from None
    if not isinstance(doc, dict):
        raise InputError("the document must be a table/object at top level", source=name)
    country = doc.get("country")
    if isinstance(country, str) and len(country.strip()) != 3:
        raise InputError(
            "an uploaded scenario names its country by ISO3 code or as an inline [country] "
            "table (country files are not read)", field="country", source=name,
        )
    return parse_scenario(doc, source=name, base_dir=None)


def _number(form: Mapping[str, str], key: str, field: str, default: float) -> float:
    raw = form.get(key)
    if raw is None or not str(raw).strip():
        return default
    try:
        return float(str(raw).replace(",", "").strip())
    except ValueError:
        raise InputError(f"'{raw}' is not a number", field=field) from None


def _set_path(target: dict[str, Any], dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    for p in parts[:-1]:
        target = target.setdefault(p, {})
    target[parts[-1]] = value


def _loan_from_form(
    loan: dict[str, Any], form: Mapping[str, str], i: int, where: str
) -> dict[str, Any]:
    """The loan's document with the form's values for loan ``i`` (``loan-i-*`` fields)."""
    def key(name: str) -> str:
        return f"loan-{i}-{name}"

    def num(name: str, default: float) -> float:
        return _number(form, key(name), f"{where}.{name}", default)

    out = dict(loan)
    for name in ("amount_m", "grace_years", "maturity_years", "management_fee_pct",
                 "commitment_fee_pct"):
        out[name] = num(name, float(loan[name]))
    currency = form.get(key("currency"), loan["currency"]).strip().upper()
    out["currency"] = currency or loan["currency"]
    kind = form.get(key("rate_kind"), loan["interest"]["kind"])
    interest = dict(loan["interest"])
    if kind == "fixed":
        rate = interest.get("rate_pct", 0.0) if interest["kind"] == "fixed" else 0.0
        interest = {"kind": "fixed", "rate_pct": num("rate_pct", float(rate))}
    elif kind == "floating":
        was = interest if interest["kind"] == "floating" else {}
        interest = {
            "kind": "floating",
            "index": was.get("index", "SOFR"),
            "margin_pct": num("margin_pct", float(was.get("margin_pct", 0.0))),
            "default_index_pct": num("index_pct", float(was.get("default_index_pct", 4.0))),
            "index_path_pct": was.get("index_path_pct", {}),
        }
    out["interest"] = interest
    amort = form.get(key("amortization"))
    if amort and amort != loan["amortization"]:
        out["amortization"] = amort
        if amort != "custom":
            out["principal_shares"] = None
    shares = form.get(key("disbursement_shares"))
    if shares is not None and shares.strip():
        try:
            out["disbursement_shares"] = [float(s) for s in shares.replace(";", ",").split(",")
                                          if s.strip()]
        except ValueError:
            raise InputError(f"'{shares}' is not a list of numbers such as 0.5, 0.5",
                             field=f"{where}.disbursement_shares") from None
    if form.get(key("clauses")) == "shown":  # the form had the boxes: unticked means off
        clauses = json.loads(json.dumps(loan.get("clauses") or {}))
        for dotted, _ in CLAUSES:
            _set_path(clauses, dotted, form.get(key(f"clause-{dotted}")) == "on")
        out["clauses"] = clauses
    return out


def apply_offer_form(offer: Offer, form: Mapping[str, str], index: int = 0) -> Offer:
    """``offer`` with the values of the workbench form; one-line errors naming the field.

    Clause evidence levels go into the loan's source notes (``clauses.<name>``), never
    into a number.
    """
    where = f"offers[{index}]"
    doc = offer.model_dump(mode="json")
    roles = [dict(r) for r in doc.get("loan_roles") or [{} for _ in doc["loans"]]]
    loans = []
    for i, loan in enumerate(doc["loans"]):
        loans.append(_loan_from_form(loan, form, i, f"{where}.loans[{i}]"))
        fx = form.get(f"loan-{i}-fx_usd_per_unit")
        currency = loans[-1]["currency"]
        if currency != "USD" and fx is not None and fx.strip():
            doc.setdefault("fx_usd_per_unit", {})[currency] = _number(
                form, f"loan-{i}-fx_usd_per_unit", f"{where}.fx_usd_per_unit.{currency}", 1.0
            )
        if i < len(roles):
            notes = dict(roles[i].get("sources") or {})
            for dotted, _ in CLAUSES:
                level = form.get(f"loan-{i}-evidence-{dotted}")
                if level in EVIDENCE_LEVELS and form.get(f"loan-{i}-clause-{dotted}") == "on":
                    notes[f"clauses.{dotted}"] = f"evidence: {level} (set in the workbench)"
            roles[i]["sources"] = notes
    doc["loans"] = loans
    if doc.get("loan_roles"):
        doc["loan_roles"] = roles
    if doc.get("project") is not None:
        project = dict(doc["project"])
        for name in ("quoted_cost_usd_m", "revenue_usd_m"):
            project[name] = _number(form, f"project-{name}", f"{where}.project.{name}",
                                    float(project[name]))
        doc["project"] = project
    return parse_model(Offer, doc, prefix=where)


def _digest(*parts: Any) -> str:
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _combine(parts: list[Assessment], scenario: Scenario) -> Assessment:
    """One assessment of every offer from single-offer assessments of the same country."""
    first = parts[0]
    offers = tuple(dataclasses.replace(p.offers[0], index=i) for i, p in enumerate(parts))
    notes: list[str] = []
    for p in parts:
        notes.extend(n for n in p.notes if n not in notes)
    inputs = dict(first.inputs)
    inputs["scenario"] = scenario.name
    inputs["offers"] = [o.model_dump(mode="json") for o in scenario.offers]
    return dataclasses.replace(
        first, scenario_name=scenario.name, description=scenario.description, offers=offers,
        inputs=inputs, sources={**first.sources, **scenario.provenance()}, notes=tuple(notes),
    )


class Workbench:
    """Scenarios opened, assessments computed, and the per-offer cache, all bounded."""

    def __init__(
        self,
        examples_dir: Path | None = None,
        *,
        options: RunOptions | None = None,
        max_entries: int = 256,
    ) -> None:
        self.examples_dir = examples_dir
        self.options = options or RunOptions()
        self._workspaces: _Lru[str, Scenario] = _Lru(max_entries)
        #: the country built, its reference run and shock model, per country and settings
        self._prepared: _Lru[str, Prepared] = _Lru(max(4, max_entries // 16))
        self._results: _Lru[str, Assessment] = _Lru(max_entries)
        self._parts: _Lru[str, Assessment] = _Lru(max_entries)
        self._result_ids: _Lru[str, str] = _Lru(max_entries)

    # ------------------------------------------------------------------ what can be opened

    def examples(self) -> list[tuple[str, str]]:
        """(file name, scenario title) of each example scenario of the examples folder."""
        if self.examples_dir is None or not self.examples_dir.is_dir():
            return []
        out = []
        for path in sorted(self.examples_dir.glob("*.toml")):
            try:
                with path.open("rb") as fh:
                    doc = tomllib.load(fh)
            except (OSError, tomllib.TOMLDecodeError):
                continue
            if "offers" in doc and "country" in doc:  # a scenario, not a loan or country file
                out.append((path.name, str(doc.get("name", path.stem))))
        return out

    @staticmethod
    def countries() -> list[tuple[str, str]]:
        """(ISO3, name) of every country the bundled data covers."""
        from debttrap import datasets

        names = dict(zip(datasets.weo_countries()["iso3"], datasets.weo_countries()["name"],
                         strict=True))
        return [(c, str(names.get(c, c))) for c in datasets.covered_countries()]

    # ------------------------------------------------------------------ opening

    def _store(self, scenario: Scenario) -> str:
        wid = secrets.token_urlsafe(12)
        self._workspaces.put(wid, scenario)
        return wid

    def open_country(self, iso3: str) -> str:
        code = iso3.strip().upper()
        if code not in dict(self.countries()):
            raise InputError(f"'{iso3}' is not a country of the bundled data", field="country")
        from debttrap.opendata import DEFAULT_FIRST_YEAR

        return self._store(Scenario.model_validate({
            "name": f"{dict(self.countries())[code]}: an offer under review",
            "country": code,
            "offers": [default_offer(DEFAULT_FIRST_YEAR)],
        }))

    def open_example(self, name: str) -> str:
        wanted = dict(self.examples())
        if name not in wanted or self.examples_dir is None:
            raise InputError(f"no example named '{name}'", field="example")
        return self._store(load_scenario(self.examples_dir / name))

    def open_upload(self, data: bytes, filename: str) -> str:
        return self._store(parse_upload(data, filename))

    def scenario(self, wid: str) -> Scenario:
        found = self._workspaces.get(wid)
        if found is None:
            raise InputError("this workspace has expired; open the scenario again",
                             field="workspace")
        return found

    def edit_offer(self, wid: str, index: int, form: Mapping[str, str]) -> Scenario:
        """Apply the form to offer ``index`` of the workspace (kept only if it validates)."""
        scenario = self.scenario(wid)
        if not 0 <= index < len(scenario.offers):
            raise InputError(f"no offer number {index}", field="offer")
        offer = apply_offer_form(scenario.offers[index], form, index)
        offers = list(scenario.offers)
        offers[index] = offer
        updated = scenario.model_copy(update={"offers": tuple(offers)})
        self._workspaces.put(wid, updated)
        return updated

    # ------------------------------------------------------------------ computing

    def _part_key(self, scenario: Scenario, offer: Offer) -> tuple[str, str]:
        """(key of the shared part: country and settings, key of the offer's assessment)."""
        opts = self.options
        n_paths = min(scenario.settings.n_paths, opts.n_paths)
        country = (scenario.country if isinstance(scenario.country, str)
                   else scenario.country.model_dump(mode="json"))
        shared = _digest(country, scenario.settings.model_dump(mode="json"),
                         dataclasses.asdict(opts), n_paths)
        return shared, _digest(shared, offer.model_dump(mode="json"))

    def _part(self, scenario: Scenario, offer: Offer) -> Assessment:
        """One offer assessed, from the cache or on the country prepared once."""
        opts = self.options
        n_paths = min(scenario.settings.n_paths, opts.n_paths)
        shared, key = self._part_key(scenario, offer)
        found = self._parts.get(key)
        if found is None:
            one = scenario.model_copy(update={"offers": (offer,)})
            kwargs: dict[str, Any] = {"n_paths": n_paths, "stochastic": opts.stochastic,
                                      "stochastic_paths": opts.stochastic_paths}
            prepared = self._prepared.get(shared)
            if prepared is None:
                prepared = prepare(one, **kwargs)
                self._prepared.put(shared, prepared)
            found = assess(one, prepared=prepared, **kwargs)
            self._parts.put(key, found)
        return found

    def compute(self, wid: str) -> tuple[str, Assessment]:
        """Assess the workspace's scenario (cached per offer); (result id, assessment)."""
        scenario = self.scenario(wid)
        whole = _digest(scenario.name, scenario.description,
                        [self._part_key(scenario, o)[1] for o in scenario.offers])
        rid = self._result_ids.get(whole)
        if rid is not None:  # nothing changed since: the same result, under the same id
            found = self._results.get(rid)
            if found is not None:
                return rid, found
        result = _combine([self._part(scenario, o) for o in scenario.offers], scenario)
        rid = secrets.token_urlsafe(16)
        self._results.put(rid, result)
        self._result_ids.put(whole, rid)
        return rid, result

    def result(self, rid: str) -> Assessment | None:
        return self._results.get(rid)
