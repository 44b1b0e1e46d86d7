"""debttrap: would this financing offer trap this country?

The package follows one chain, a subpackage per link:
offer -> loan contract (``terms``) -> cash flows (``cashflows``) -> the
borrower's debt (``country``) -> sustainability (``dsa``, ``stochastic``) ->
creditor leverage (``leverage``) -> assessment (``assess``).
"""

from debttrap.errors import DataError, DebtTrapError, InputError

__version__ = "0.1.0"

__all__ = ["DataError", "DebtTrapError", "InputError", "__version__"]
