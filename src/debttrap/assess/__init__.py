"""The assessment: the whole chain for one country and its offers, side by side.

:func:`assess` takes a :class:`~debttrap.assess.scenario.Scenario` (or the same
content built in Python) and evaluates the country **without any new offer**
(the reference) and **with each offer alone**:

1. the country: built from the bundled open data for an ISO3 code
   (:func:`debttrap.opendata.build_country`, with its sources and
   assumptions), or the country given in the scenario;
2. each offer's loans through the loan engine: grant element per loan and
   for the package (IMF at 5%; OECD-DAC at the income group's rate), PV of
   the debt service and the grant equivalent in US$;
3. project economics by Monte Carlo (cost P50/P90, DSCR, probability the
   project services its own debt, overrun that falls on the budget);
4. the LIC-DSF with the offer: its PPG loans (restated in US$) are added to
   the country's new loans, with the **expected** overrun that falls on the
   budget borrowed on the terms of the offer's largest PPG loan (a separate,
   named loan); indicators, thresholds, stress tests and the rating before
   and after;
5. optionally, breach and distress probabilities from the stochastic engine,
   with and without the offer on the same shocks (common random numbers);
6. creditor leverage before and after: the lender's share of PPG external
   debt and of debt service, pledged revenue, acceleration exposure,
   cross-default, no-Paris-Club, collateral; the clause profile beside the
   "How China Lends" frequencies;
7. the trap-risk verdict (:func:`debttrap.leverage.verdict.judge`) with
   every rule and its numbers.

Every figure in :meth:`Assessment.to_dict` sits next to the inputs it came
from and their sources (``inputs``, ``sources``, ``assumptions``).
Randomness is injected: ``seed`` drives the project Monte Carlo (the same
draws for every offer) and the stochastic engine (the same shocks for every
offer and for the reference).

The package's modules, in the order of the chain: :mod:`~debttrap.assess.scenario`
(what is assessed), :mod:`~debttrap.assess.context` (one offer's context, built once),
:mod:`~debttrap.assess.creditors` (debt by creditor, before and after),
:mod:`~debttrap.assess.overrun` (the overrun loan), :mod:`~debttrap.assess.stochastic`
(the stochastic engine's glue), :mod:`~debttrap.assess.assumptions` (the prose),
:mod:`~debttrap.assess.results` and :mod:`~debttrap.assess.summary` (what comes out),
and :mod:`~debttrap.assess.core` (the orchestrator).
"""

from __future__ import annotations

from debttrap.assess.core import DEFAULT_STOCHASTIC_PATHS, Prepared, assess, prepare
from debttrap.assess.creditors import NOT_ITEMISED, OTHER_NEW
from debttrap.assess.results import (
    Assessment,
    DebtOutlook,
    LoanAssessment,
    OfferAssessment,
    StochasticOutlook,
)
from debttrap.assess.scenario import Scenario, ScenarioSettings
from debttrap.assess.stochastic import CALIBRATION_YEARS

__all__ = [
    "CALIBRATION_YEARS",
    "DEFAULT_STOCHASTIC_PATHS",
    "NOT_ITEMISED",
    "OTHER_NEW",
    "Assessment",
    "DebtOutlook",
    "LoanAssessment",
    "OfferAssessment",
    "Prepared",
    "Scenario",
    "ScenarioSettings",
    "StochasticOutlook",
    "assess",
    "prepare",
]
