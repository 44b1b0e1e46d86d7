"""Read a country file (TOML or JSON) into a validated :class:`~debttrap.country.Country`.

The file holds the country's fields at top level (see ``docs/dsa.md`` and
``examples/lic-dsf-illustrative.toml``) and, optionally, a ``[stress]`` table
with the stress-test settings (:class:`~debttrap.dsa.stress.StressSettings`).
Errors are one line naming the file and the field.
"""

from __future__ import annotations

from pathlib import Path

from debttrap.country.model import Country
from debttrap.dsa.stress import StressSettings
from debttrap.io.files import parse_model, read_document

__all__ = ["load_country", "load_dsa_inputs"]


def load_dsa_inputs(path: str | Path) -> tuple[Country, StressSettings]:
    """The country and the stress settings (defaults where the file has no ``[stress]``)."""
    p = Path(path)
    data = dict(read_document(p))
    stress_data = data.pop("stress", {})
    country = parse_model(Country, data, source=p.name)
    settings = parse_model(StressSettings, stress_data, source=p.name, prefix="stress")
    return country, settings


def load_country(path: str | Path) -> Country:
    """The country in a file (its ``[stress]`` table, if any, is validated and ignored)."""
    return load_dsa_inputs(path)[0]
