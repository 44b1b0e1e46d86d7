"""Loan contracts, their clauses, offers and projects: validated, immutable inputs of the chain."""

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
from debttrap.terms.offer import Condition, Grant, LoanRole, Offer
from debttrap.terms.project import Project

__all__ = [
    "AccelerationTriggers",
    "Amortization",
    "Clauses",
    "Condition",
    "Creditor",
    "CreditorType",
    "FixedRate",
    "FloatingRate",
    "Grant",
    "Insurance",
    "Interest",
    "Loan",
    "LoanRole",
    "Offer",
    "Project",
    "SteppedRate",
]
