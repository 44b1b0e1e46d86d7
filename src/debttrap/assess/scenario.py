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

__all__ = ["ISO3_PATTERN", "DebtLayer", "Scenario", "ScenarioSettings"]

#: An ISO3 country code as a scenario names it (case-insensitive; upper-cased when built).
ISO3_PATTERN = re.compile(r"^[A-Za-z]{3}$")
_ISO3 = ISO3_PATTERN


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
    ex_ante: bool = Field(
        default=False,
        description="For a country built from the bundled data: replace every value after "
        "the decision year t-1 by a projection from data up to t-1 (a historical case as "
        "known at the decision; debttrap.assess.ex_ante).",
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
        return self

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


def _notes(out: dict[str, str], base: str, source: str, sources: dict[str, str]) -> None:
    if source:
        out[base] = source
    for key, note in sources.items():
        out[f"{base}.{key}"] = note
