"""debttrap: would this financing offer trap this country?

debttrap models sovereign infrastructure lending end to end: a lender's offer
(loans, grants, the project they pay for, the contract's clauses) becomes cash
flows, joins the borrower's debt, runs through the IMF/World Bank LIC-DSF debt
sustainability framework (stress tests and a stochastic outlook) and is judged
on explicit trap-risk rules, beside the country without the offer. Every
number is traceable to an input or a published rule.

Where to start:

- the command line: ``debttrap assess examples/zambia-2015.toml --out report``
  (the report, the JSON and, with ``--xlsx``, an Excel workbook); ``debttrap
  serve`` opens the same in a local web app;
- in Python::

      from debttrap.io.scenario import load_scenario
      from debttrap.assess import assess

      a = assess(load_scenario("examples/zambia-2015.toml"))
      a                     # in a notebook: the verdicts and the side-by-side table
      a.summary_frame()     # the figures as numbers; a.to_dict() has everything

- one link at a time: ``debttrap.terms.Loan`` and ``debttrap.cashflows.schedule``
  (a loan's cash flows, grant element), ``debttrap.opendata.build_country``
  (a country from the bundled open data), ``debttrap.dsa.run.run_dsa`` (the LIC-DSF).

The package follows one chain, a subpackage per link:
offer -> loan contract (``terms``) -> cash flows (``cashflows``) -> the
borrower's debt (``country``) -> sustainability (``dsa``, ``stochastic``) ->
creditor leverage (``leverage``) -> assessment (``assess``). ``io``, ``report``,
``cli`` and ``web`` are the edges: files, documents, the command, the web app.
"""

from debttrap.errors import DataError, DebtTrapError, InputError

__version__ = "0.1.0"

__all__ = ["DataError", "DebtTrapError", "InputError", "__version__"]
