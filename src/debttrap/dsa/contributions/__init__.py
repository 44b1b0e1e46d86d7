"""Debt-dynamics ("contributions") tables of the LIC-DSF (``lic-dsf-method.md`` §6).

Two tables, one row per projection year ``t … T``, all in percent of GDP
unless named ``_pct`` (a rate):

* :class:`ExternalContributions` (template Output 1-1 rows 8-27, §6.1):
  external debt ``D`` (PPG + private, nominal, US$ / GDP in US$), its change,
  the identified net debt-creating flows (non-interest current-account deficit
  + net FDI + endogenous dynamics) and the residual. With ``g`` real growth,
  ``pi`` US$ GDP-deflator growth, ``den = (1+g)(1+pi)`` and ``i`` the effective
  rate (interest / last year's stock): interest ``i D_{-1}/den``, real growth
  ``-g D_{-1}/den``, price and exchange rate
  ``-pi(1+g) D_{-1}/den - alpha eps (1+i) D_{-1}/den``. As in the template's
  projection columns (Output 1-1 row 21 = rows 23 + 24), the endogenous
  dynamics are interest + growth; the price and exchange-rate term is shown
  as a memo row and so sits in the residual.
* :class:`PublicContributions` (Output 1-2 rows 8-28, §6.2): public debt
  ``d`` (external at end-of-period rates + domestic, face, / GDP in LCU), the
  primary deficit, automatic dynamics (real interest ``r d_{-1}/(1+g)`` and
  real growth ``-g d_{-1}/(1+g)``, ``r = alpha r_f + (1-alpha) r_d``), other
  identified flows and the residual; the real exchange-rate term
  ``e d^FC_{-1} (1+r_f)/(1+g)`` is a memo row (Output 1-2 row 17 = row 18 in
  the template's projections). Debt-stabilizing primary deficit = primary
  deficit − change in debt.

Residual = change in debt − identified flows, so each table adds up by
construction; the residual shows what the identified flows leave out
(valuation, reserves, the price and exchange-rate terms, the template's
unitemised debt). The kernels work on arrays whose last axis is the year and
broadcast over leading batch axes; they have no loops at all.

The tables and their kernels are in :mod:`debttrap.dsa.contributions.tables`, a
country's scenarios into them in :mod:`debttrap.dsa.contributions.scenarios`;
everything is re-exported here.
"""

from debttrap.dsa.contributions.scenarios import (
    CountryRows,
    contributions_batch,
    contributions_for,
    country_rows,
    external_valuation_dec,
)
from debttrap.dsa.contributions.tables import (
    Contributions,
    ExternalContributions,
    PublicContributions,
    external_contributions,
    public_contributions,
)

__all__ = [
    "Contributions",
    "CountryRows",
    "ExternalContributions",
    "PublicContributions",
    "contributions_batch",
    "contributions_for",
    "country_rows",
    "external_contributions",
    "external_valuation_dec",
    "public_contributions",
]
