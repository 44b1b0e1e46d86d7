"""Shared fixtures: each example scenario assessed once per test session (small path counts)."""

from __future__ import annotations

from pathlib import Path

import pytest

from debttrap.assess import Assessment, assess
from debttrap.io.scenario import Scenario, load_scenario

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

#: Paths used in tests: enough for stable headline figures, small enough to be quick.
PROJECT_PATHS = 2000
MACRO_PATHS = 300


def scenario(name: str) -> Scenario:
    return load_scenario(EXAMPLES / name)


@pytest.fixture(scope="session")
def syria() -> Assessment:
    return assess(scenario("syria-2025.toml"), n_paths=PROJECT_PATHS,
                  stochastic_paths=MACRO_PATHS)


@pytest.fixture(scope="session")
def control() -> Assessment:
    return assess(scenario("ida-negative-control.toml"), n_paths=PROJECT_PATHS,
                  stochastic_paths=MACRO_PATHS)
