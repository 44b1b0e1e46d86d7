"""Loan contracts and their clauses: validated, immutable inputs of the chain."""

from debttrap.terms.clauses import AccelerationTriggers, Clauses
from debttrap.terms.loan import (
    Amortization,
    Creditor,
    CreditorType,
    FixedRate,
    FloatingRate,
    Insurance,
    Interest,
    Loan,
    SteppedRate,
)

__all__ = [
    "AccelerationTriggers",
    "Amortization",
    "Clauses",
    "Creditor",
    "CreditorType",
    "FixedRate",
    "FloatingRate",
    "Insurance",
    "Interest",
    "Loan",
    "SteppedRate",
]
