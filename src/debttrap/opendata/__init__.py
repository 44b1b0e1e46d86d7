"""Countries from open data: an ISO3 code to a complete LIC-DSF country with its provenance.

``build_country("ZMB")`` assembles the LIC-DSF inputs of a country from the
data bundled in ``debttrap/data`` (WEO, IDS, DSSI, WDI, CPIA, published DSA
classes): the macro framework (:mod:`.macro`, from the GDP framework in :mod:`.gdp`
and the trade and external flows in :mod:`.trade`), PPG external debt by creditor
group with its schedules (:mod:`.debt`, :mod:`.amortization`) on typical terms
read from a data file (:mod:`.terms`), domestic debt, capacity inputs
(:mod:`.capacity`) and the currency composition (:mod:`.currency`). Every
value records its source and every gap-filling rule is listed as an
assumption OD1 … OD15 (:mod:`.provenance`).

This package sits above :mod:`debttrap.dsa` and below :mod:`debttrap.assess`:
it imports the core (``country``, ``dsa``, ``cashflows``, ``datasets``); the
core never imports it.
"""

from debttrap.opendata.build import DEFAULT_FIRST_YEAR, build_country, dsa_countries
from debttrap.opendata.provenance import BuiltCountry
from debttrap.opendata.terms import LendingTerms, lending_terms

__all__ = [
    "DEFAULT_FIRST_YEAR",
    "BuiltCountry",
    "LendingTerms",
    "build_country",
    "dsa_countries",
    "lending_terms",
]
