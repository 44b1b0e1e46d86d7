"""The cash-flow engine: schedules, present values and grant elements.

Kernels are written once in plain NumPy (:mod:`debttrap.cashflows.engine`),
vectorized over loans with a loop over each loan's own payment dates only; schedules
are kept in a compact layout (:mod:`debttrap.cashflows.compact`).
"""

from debttrap.cashflows.arrays import LoanArrays
from debttrap.cashflows.compact import CompactSchedule
from debttrap.cashflows.engine import PVTotals, ScheduleArrays, run_kernel
from debttrap.cashflows.grant_element import (
    GrantElement,
    IncomeGroup,
    Method,
    concessionality_threshold_pct,
    default_discount_rate_pct,
    grant_element,
    grant_elements,
)
from debttrap.cashflows.pv import discount_factors, grant_element_equal_principal, present_value
from debttrap.cashflows.schedule import AnnualFlows, Schedule, ScheduleBatch, schedule, schedules

__all__ = [
    "AnnualFlows",
    "CompactSchedule",
    "GrantElement",
    "IncomeGroup",
    "LoanArrays",
    "Method",
    "PVTotals",
    "Schedule",
    "ScheduleArrays",
    "ScheduleBatch",
    "concessionality_threshold_pct",
    "default_discount_rate_pct",
    "discount_factors",
    "grant_element",
    "grant_element_equal_principal",
    "grant_elements",
    "present_value",
    "run_kernel",
    "schedule",
    "schedules",
]
