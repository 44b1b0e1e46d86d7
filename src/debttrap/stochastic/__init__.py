"""Stochastic debt paths: joint macro shocks, a path kernel, fan charts and probabilities."""

from debttrap.stochastic.shocks import (
    SHOCK_VARIABLES,
    Calibration,
    ShockDistribution,
    ShockModel,
    calibrate,
    combine_histories,
    history_from_pwt,
    history_from_weo,
)

__all__ = [
    "SHOCK_VARIABLES",
    "Calibration",
    "ShockDistribution",
    "ShockModel",
    "calibrate",
    "combine_histories",
    "history_from_pwt",
    "history_from_weo",
]
