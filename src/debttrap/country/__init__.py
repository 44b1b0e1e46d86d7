"""One country's LIC-DSF inputs (macro framework, debts, financing) and derived series."""

from debttrap.country.derived import DerivedSeries, derive, series_array
from debttrap.country.model import (
    CapacityInputs,
    Country,
    DomesticDebt,
    ExistingDebtLine,
    ExternalDebt,
    ExternalDebtDefinition,
    FinancingLine,
    LocalDebtHeldAbroad,
    Macro,
    TailoredTestInputs,
    YearSeries,
)

__all__ = [
    "CapacityInputs",
    "Country",
    "DerivedSeries",
    "DomesticDebt",
    "ExistingDebtLine",
    "ExternalDebt",
    "ExternalDebtDefinition",
    "FinancingLine",
    "LocalDebtHeldAbroad",
    "Macro",
    "TailoredTestInputs",
    "YearSeries",
    "derive",
    "series_array",
]
