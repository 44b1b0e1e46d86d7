"""The LIC-DSF layer: indicators, debt-carrying capacity, thresholds, stress tests, rating.

Capacity, thresholds and rating (see ``docs/dsa-rating.md``):

>>> from debttrap.dsa import composite_indicator
>>> from debttrap.dsa.thresholds import thresholds
>>> ci = composite_indicator(3.09, 0.0481, 0.0671, 0.3176, 0.0353)
>>> ci.classification.value, thresholds(ci.classification)["pv_ext_debt_to_gdp_pct"]
('medium', 40.0)
"""

from debttrap.dsa.capacity import (
    CI_COEFFICIENTS_2018,
    Capacity,
    CapacityState,
    CICoefficients,
    CompositeIndicator,
    DebtCarryingCapacity,
    ci_window_average,
    ci_window_years,
    classify_capacity,
    classify_vintages,
    composite_indicator,
    composite_indicator_from_series,
    debt_carrying_capacity,
    reclassify,
)
from debttrap.dsa.indicators import (
    EXTERNAL_INDICATORS,
    INDICATORS,
    MOST_EXTREME_ORDER,
    PUBLIC_INDICATORS,
    STRESS_TESTS,
    Indicator,
    StressTest,
)
from debttrap.dsa.published import PublishedCapacity, classify_cpia_2013, published_capacity
from debttrap.dsa.rating import (
    Judgment,
    MechanicalRatings,
    ModerateSpace,
    MostExtremeShock,
    RatingResult,
    Risk,
    Signal,
    breach_count,
    breach_flag,
    mechanical_ratings,
    most_extreme_shock,
    rate_risk,
)
from debttrap.dsa.thresholds import (
    DEFAULT_SPACE_BANDS,
    THRESHOLDS_PCT,
    ModerateSpaceBands,
    threshold_table,
)

# ``thresholds`` (the function) is not re-exported: it would hide the
# ``debttrap.dsa.thresholds`` module. Import it from there.

__all__ = [
    "CI_COEFFICIENTS_2018",
    "DEFAULT_SPACE_BANDS",
    "EXTERNAL_INDICATORS",
    "INDICATORS",
    "MOST_EXTREME_ORDER",
    "PUBLIC_INDICATORS",
    "STRESS_TESTS",
    "THRESHOLDS_PCT",
    "CICoefficients",
    "Capacity",
    "CapacityState",
    "CompositeIndicator",
    "DebtCarryingCapacity",
    "Indicator",
    "Judgment",
    "MechanicalRatings",
    "ModerateSpace",
    "ModerateSpaceBands",
    "MostExtremeShock",
    "PublishedCapacity",
    "RatingResult",
    "Risk",
    "Signal",
    "StressTest",
    "breach_count",
    "breach_flag",
    "ci_window_average",
    "ci_window_years",
    "classify_capacity",
    "classify_cpia_2013",
    "classify_vintages",
    "composite_indicator",
    "composite_indicator_from_series",
    "debt_carrying_capacity",
    "mechanical_ratings",
    "most_extreme_shock",
    "published_capacity",
    "rate_risk",
    "reclassify",
    "threshold_table",
]
