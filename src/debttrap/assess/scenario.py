"""The scenario model: a country and the financing offers to compare, with every source.

The model lives in the core so that :func:`debttrap.assess.assess` can take one built in
Python; reading it from a TOML or JSON file is :mod:`debttrap.io.scenario`'s job.
"""

from __future__ import annotations

import re

from pydantic import Field, model_validator

from debttrap._model import FrozenModel as _Frozen
from debttrap.conventions import MAX_PATHS, MIN_PATHS
from debttrap.country.debt import ExistingDebtLine
from debttrap.country.model import Country
from debttrap.errors import InputError
from debttrap.terms.offer import Offer

__all__ = [
    "HINDSIGHT_LABELS",
    "ISO3_PATTERN",
    "DebtLayer",
    "Scenario",
    "ScenarioSettings",
    "hindsight_notes",
]

#: An ISO3 country code as a scenario names it (case-insensitive; upper-cased when built).
ISO3_PATTERN = re.compile(r"^[A-Za-z]{3}$")
_ISO3 = ISO3_PATTERN
#: Words by which a source note says that a year after the decision is not a realised
#: value known at the decision: a projection or forecast, a plan of the time, a date a
#: contract scheduled, or a what-if (an offer the case tests that was not on the table at
#: the decision).
HINDSIGHT_LABELS = (
    "projection", "projected", "forecast", "plan", "planned", "scheduled", "what-if"
)
_LABEL = re.compile(r"\b(" + "|".join(re.escape(w) for w in HINDSIGHT_LABELS) + r")\b", re.I)
_YEAR = re.compile(r"(?<![\d.])(19[89]\d|20\d\d)(?![\d.])")
#: A citation's date in parentheses, "(2023)" or "(Aug 2015)": when a source was
#: published, not a value of that year.
_CITED = re.compile(r"\((?:\d{1,2}\s)?(?:[A-Za-z]{3,9}\.?\s)?(?:19|20)\d\d\)")


class ScenarioSettings(_Frozen):
    """How the scenario is run."""

    seed: int = Field(default=20250101, ge=0, description="Seed of every random draw.")
    n_paths: int = Field(
        default=10_000,
        ge=MIN_PATHS,
        le=MAX_PATHS,
        description="Monte Carlo paths (project, macro).",
    )
    first_projection_year: int | None = Field(
        default=None,
        ge=1980,
        le=2100,
        description="First projection year t (for a country built from an ISO3 code).",
    )
    horizon_years: int = Field(
        default=20, ge=10, le=50, description="Projection years after t (LIC-DSF: 20)."
    )
    decision_year: int | None = Field(
        default=None,
        ge=1980,
        le=2100,
        description="For a historical case, the year of the decision it judges: the case is "
        "then ex ante (see ex_ante), first_projection_year may not be later than it, and a "
        "source note that names a later year must say it is a projection, forecast, plan, "
        "scheduled date or what-if.",
    )
    ex_ante: bool = Field(
        default=False,
        description="Use no data after t-1: a country built from the bundled data reads no "
        "value after t-1 (later years are projections by the stated rules OD1a, OD1b, "
        "OD7a, or OD7b from 2021); a country given in the scenario has its values after "
        "t-1 replaced by the rule of debttrap.assess.ex_ante (X1). Implied by decision_year.",
    )


class DebtLayer(_Frozen):
    """A labelled alternative layer of existing external debt, run beside the default.

    Layers are cumulative, in the order given: layer *k* adds its lines to the
    country's existing debt and to those of the layers before it, so the
    assessment shows how the verdict moves as less documented debt is counted.
    Each line needs its principal schedule (its stock is their sum).
    """

    name: str = Field(min_length=1)
    source: str = Field(min_length=1, description="Where the claim comes from, as reported.")
    lines: tuple[ExistingDebtLine, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _principal(self) -> DebtLayer:
        for ln in self.lines:
            if not ln.principal_usd_m:
                raise ValueError(
                    f"debt layer '{self.name}': line '{ln.name}' needs principal_usd_m "
                    "(its stock is the sum of its principal)")
        return self

    @property
    def stock_usd_m(self) -> float:
        return float(sum(sum((ln.principal_usd_m or {}).values()) for ln in self.lines))


class Scenario(_Frozen):
    """A country and the offers to compare (the no-offer reference is always implied)."""

    name: str = Field(min_length=1)
    description: str = ""
    country: str | Country = Field(
        description="An ISO3 code (built from the bundled data), or the country itself "
        "(a country file's path in a document, or an inline table)."
    )
    country_file: str | None = Field(
        default=None, description="The country file the country was read from, as written."
    )
    settings: ScenarioSettings = Field(default_factory=ScenarioSettings)
    offers: tuple[Offer, ...] = Field(min_length=1)
    sources: dict[str, str] = Field(default_factory=dict)
    debt_layers: tuple[DebtLayer, ...] = Field(
        default=(),
        description="Labelled alternative layers of existing external debt (cumulative), run "
        "beside the default and reported side by side.",
    )

    @model_validator(mode="after")
    def _check(self) -> Scenario:
        if isinstance(self.country, str) and not _ISO3.match(self.country):
            raise ValueError(
                f"country '{self.country}' is not an ISO3 code (three letters such as LKA)"
            )
        seen: set[str] = set()
        for offer in self.offers:
            if offer.name in seen:
                raise ValueError(f"two offers are named '{offer.name}'; give each its own name")
            seen.add(offer.name)
        self._check_ex_ante()
        return self

    def _check_ex_ante(self) -> None:
        d = self.settings.decision_year
        if d is None:
            return
        t = self.settings.first_projection_year
        if not isinstance(self.country, str):
            t = self.country.t
        if t is None or t > d:
            raise ValueError(
                f"settings.first_projection_year must be at most the decision year {d} "
                f"(it is {t if t is not None else 'not set'}): the years before it are history "
                "and would include realised values after the decision"
            )
        found = hindsight_notes(self)
        if found:
            key, year = found[0]
            more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
            what = "is" if key.endswith("signing_year") else "names"
            raise ValueError(
                f"the source of {key} {what} {year}, after the decision year {d}, without "
                f"saying it is a projection, forecast, plan or what-if{more}: use what was "
                "known at the decision, or label the value"
            )

    @property
    def is_ex_ante(self) -> bool:
        """True where no data after t-1 may enter (``ex_ante`` or a ``decision_year``)."""
        return self.settings.ex_ante or self.settings.decision_year is not None

    @property
    def country_code(self) -> str | None:
        """The ISO3 code where the country is to be built from the bundled data."""
        return self.country if isinstance(self.country, str) else None

    def offer(self, name: str) -> Offer:
        for o in self.offers:
            if o.name == name:
                return o
        names = ", ".join(f"'{o.name}'" for o in self.offers)
        raise InputError(f"no offer named '{name}' (offers: {names})", field="offer")

    def provenance(self) -> dict[str, str]:
        """Every source note in the scenario, keyed by dotted field path."""
        out: dict[str, str] = dict(self.sources)
        for i, layer in enumerate(self.debt_layers):
            out[f"debt_layers[{i}]"] = layer.source
            for j, ln in enumerate(layer.lines):
                _notes(out, f"debt_layers[{i}].lines[{j}]", ln.source, {})
        for i, offer in enumerate(self.offers):
            base = f"offers[{i}]"
            _notes(out, base, offer.source, offer.sources)
            for j, role in enumerate(offer.roles):
                _notes(out, f"{base}.loans[{j}]", role.source, role.sources)
            for j, grant in enumerate(offer.grants):
                _notes(out, f"{base}.grants[{j}]", grant.source, {})
            for j, cond in enumerate(offer.conditions):
                _notes(out, f"{base}.conditions[{j}]", cond.source, {})
            if offer.project is not None:
                p = offer.project
                _notes(out, f"{base}.project", p.source, p.sources)
                for j, line in enumerate(p.financing):
                    _notes(out, f"{base}.project.financing[{j}]", line.source, {})
                pri = p.priors
                out.setdefault(f"{base}.project.overrun_prior", pri.overrun.source)
                out.setdefault(f"{base}.project.demand_prior", pri.demand.source)
        return out


def hindsight_notes(scenario: Scenario) -> tuple[tuple[str, int], ...]:
    """Source notes that name a year after the scenario's decision year, unlabelled.

    Each as (dotted field path, the year). A citation's date alone in parentheses
    (``telo.org (2023)``) is when a source was published, not a value; a note that
    contains one of :data:`HINDSIGHT_LABELS` says what its later year is. A loan signed
    after the decision year is reported (as ``offers[i].loans[j].signing_year``) unless its
    source note is so labelled. Empty without a decision year.
    """
    d = scenario.settings.decision_year
    if d is None:
        return ()
    notes = scenario.provenance()
    out: list[tuple[str, int]] = []
    for i, offer in enumerate(scenario.offers):
        for j, (loan, role) in enumerate(zip(offer.loans, offer.roles, strict=True)):
            if loan.signing_year > d and not _LABEL.search(role.source):
                out.append((f"offers[{i}].loans[{j}].signing_year", loan.signing_year))
    for key, note in notes.items():
        if _LABEL.search(note):
            continue
        years = [int(y) for y in _YEAR.findall(_CITED.sub(" ", note)) if int(y) > d]
        if years:
            out.append((key, years[0]))
    return tuple(out)


def _notes(out: dict[str, str], base: str, source: str, sources: dict[str, str]) -> None:
    if source:
        out[base] = source
    for key, note in sources.items():
        out[f"{base}.{key}"] = note
