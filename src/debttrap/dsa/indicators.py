"""Names of the LIC-DSF debt-burden indicators and stress tests.

These strings are a public contract: they are the keys of the ``debttrap dsa
--json`` output and of every mapping the DSA layer passes around.

Indicators (2018 LIC-DSF; see ``docs/dsa-rating.md``):

======================================  ====  ==========================================
name                                    code  what it is
======================================  ====  ==========================================
``pv_ext_debt_to_gdp_pct``              E1    PV of PPG external debt / GDP
``pv_ext_debt_to_exports_pct``          E2    PV of PPG external debt / exports of G&S
``ext_debt_service_to_exports_pct``     E3    PPG external debt service / exports of G&S
``ext_debt_service_to_revenue_pct``     E4    PPG external debt service / revenue ex. grants
``pv_public_debt_to_gdp_pct``           P1    PV of total public debt / GDP (benchmark)
======================================  ====  ==========================================

Stress tests carry their template code: ``A1`` (historical scenario, shown but
never rated), ``A2`` (customized scenario), ``B1``-``B6`` (standardized), their
market-financing variants ``B2.1`` and ``B6.1`` (market-access countries only;
candidates for the external indicators, whose template table, Output 3-1, shows
them) and ``C1``-``C4`` (tailored). :data:`STRESS_TESTS` lists them in the row order of
the template's Output 3-1/3-2 tables; :data:`MOST_EXTREME_ORDER` is the order
of the template's "Chart Data" sheet, which breaks ties when the most extreme
shock is chosen (A1 excluded).
"""

from __future__ import annotations

from enum import StrEnum

from debttrap.errors import InputError

__all__ = [
    "BASELINE",
    "EXTERNAL_INDICATORS",
    "INDICATORS",
    "INDICATOR_LABELS",
    "MARKET_VARIANTS",
    "MOST_EXTREME_ORDER",
    "PUBLIC_INDICATORS",
    "SERVICE_INDICATORS",
    "STOCK_INDICATORS",
    "STRESS_TESTS",
    "STRESS_TEST_LABELS",
    "Indicator",
    "StressTest",
    "parse_indicator",
    "parse_stress_test",
]


class Indicator(StrEnum):
    """The five LIC-DSF indicators that carry a threshold or benchmark (percent)."""

    PV_EXT_DEBT_TO_GDP = "pv_ext_debt_to_gdp_pct"
    PV_EXT_DEBT_TO_EXPORTS = "pv_ext_debt_to_exports_pct"
    EXT_DEBT_SERVICE_TO_EXPORTS = "ext_debt_service_to_exports_pct"
    EXT_DEBT_SERVICE_TO_REVENUE = "ext_debt_service_to_revenue_pct"
    PV_PUBLIC_DEBT_TO_GDP = "pv_public_debt_to_gdp_pct"


class StressTest(StrEnum):
    """Stress-test codes, in the row order of the template's Output 3-1 and 3-2."""

    A1 = "A1"
    A2 = "A2"
    B1 = "B1"
    B2 = "B2"
    B2_1 = "B2.1"
    B3 = "B3"
    B4 = "B4"
    B5 = "B5"
    B6 = "B6"
    B6_1 = "B6.1"
    C1 = "C1"
    C2 = "C2"
    C3 = "C3"
    C4 = "C4"


#: Name used for the baseline path in signals and tables.
BASELINE = "baseline"

#: All five indicators, in the template's order (E1-E4, then P1).
INDICATORS: tuple[Indicator, ...] = tuple(Indicator)

#: The four external indicators (against thresholds).
EXTERNAL_INDICATORS: tuple[Indicator, ...] = (
    Indicator.PV_EXT_DEBT_TO_GDP,
    Indicator.PV_EXT_DEBT_TO_EXPORTS,
    Indicator.EXT_DEBT_SERVICE_TO_EXPORTS,
    Indicator.EXT_DEBT_SERVICE_TO_REVENUE,
)

#: The public-debt indicator (against the benchmark).
PUBLIC_INDICATORS: tuple[Indicator, ...] = (Indicator.PV_PUBLIC_DEBT_TO_GDP,)

#: Stock (PV) external indicators: moderate-risk bands 20/40 percent of threshold.
STOCK_INDICATORS: tuple[Indicator, ...] = (
    Indicator.PV_EXT_DEBT_TO_GDP,
    Indicator.PV_EXT_DEBT_TO_EXPORTS,
)

#: Debt-service (flow) external indicators: moderate-risk bands 12/35 percent.
SERVICE_INDICATORS: tuple[Indicator, ...] = (
    Indicator.EXT_DEBT_SERVICE_TO_EXPORTS,
    Indicator.EXT_DEBT_SERVICE_TO_REVENUE,
)

#: Template row order of Output 3-1 / 3-2 (A1, A2, B1-B6 with B2.1/B6.1 after B2/B6, C1-C4).
STRESS_TESTS: tuple[StressTest, ...] = tuple(StressTest)

#: Market-financing variants (§4.1 table): rated against the external thresholds only.
MARKET_VARIANTS: tuple[StressTest, ...] = (StressTest.B2_1, StressTest.B6_1)

#: Candidates for the most extreme shock, in "Chart Data" order (ties go to the first;
#: a market variant comes right after its standard test, so a tie keeps the standard one).
MOST_EXTREME_ORDER: tuple[StressTest, ...] = (
    StressTest.B1,
    StressTest.B2,
    StressTest.B2_1,
    StressTest.B3,
    StressTest.B4,
    StressTest.B5,
    StressTest.B6,
    StressTest.B6_1,
    StressTest.C1,
    StressTest.C2,
    StressTest.C3,
    StressTest.C4,
    StressTest.A2,
)

INDICATOR_LABELS: dict[Indicator, str] = {
    Indicator.PV_EXT_DEBT_TO_GDP: "PV of PPG external debt-to-GDP ratio",
    Indicator.PV_EXT_DEBT_TO_EXPORTS: "PV of PPG external debt-to-exports ratio",
    Indicator.EXT_DEBT_SERVICE_TO_EXPORTS: "PPG external debt service-to-exports ratio",
    Indicator.EXT_DEBT_SERVICE_TO_REVENUE: "PPG external debt service-to-revenue ratio",
    Indicator.PV_PUBLIC_DEBT_TO_GDP: "PV of total public debt-to-GDP ratio",
}

STRESS_TEST_LABELS: dict[StressTest, str] = {
    StressTest.A1: "Historical scenario",
    StressTest.A2: "Customized scenario",
    StressTest.B1: "Real GDP growth",
    StressTest.B2: "Primary balance",
    StressTest.B2_1: "Primary balance, market financing",
    StressTest.B3: "Exports",
    StressTest.B4: "Other flows",
    StressTest.B5: "Depreciation",
    StressTest.B6: "Combination of B1-B5",
    StressTest.B6_1: "Combination of B1-B5, market financing",
    StressTest.C1: "Combined contingent liabilities",
    StressTest.C2: "Natural disaster",
    StressTest.C3: "Commodity price",
    StressTest.C4: "Market financing",
}


def parse_indicator(name: str | Indicator, *, field: str = "indicator") -> Indicator:
    """The :class:`Indicator` called ``name``; :class:`InputError` naming ``field`` if unknown."""
    try:
        return Indicator(name)
    except ValueError:
        known = ", ".join(i.value for i in Indicator)
        raise InputError(f"unknown indicator {name!r}; use one of {known}", field=field) from None


#: every stress test by its code (a member is equal to its code): found without a new enum
_STRESS_TESTS: dict[str, StressTest] = {t.value: t for t in StressTest}


def parse_stress_test(name: str | StressTest, *, field: str = "stress_test") -> StressTest:
    """The :class:`StressTest` called ``name`` (case-insensitive code such as ``"b3"``)."""
    if isinstance(name, str) and name in _STRESS_TESTS:  # a code as the engine writes it
        return _STRESS_TESTS[name]
    try:
        return StressTest(str(name).strip().upper())
    except ValueError:
        known = ", ".join(s.value for s in StressTest)
        raise InputError(f"unknown stress test {name!r}; use one of {known}", field=field) from None
