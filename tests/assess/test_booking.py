"""An offer cannot escape the rules by its booking (reproduces a review finding).

The Syria example's Belt and Road package, booked through a project company
(``ppg = false`` on both loans) instead of the budget, drops from high to moderate: every
debt and lever rule stops firing, although the LIC-DSF's coverage counts guaranteed SOE
debt and debt serviced from pledged public revenue (the programme is the state's power
grid, its revenue swept into the lender's account). Recorded as a strict expected failure
until such debt counts as public (or as a contingent liability with the C1 test).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from debttrap.assess import assess
from debttrap.io.scenario import load_scenario

from .conftest import PROJECT_PATHS

_EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "syria-2025.toml"


def _project_company_copy(tmp_path: Path) -> Path:
    text = _EXAMPLE.read_text(encoding="utf-8")
    cut = text.index('[[offers]]\nname = "IDA and Gulf grants"')
    bri = text[:cut].replace("payments_per_year = 2\n", "payments_per_year = 2\nppg = false\n")
    assert bri.count("ppg = false") == 2  # both loans of the package, nothing else
    f = tmp_path / "syria-project-company.toml"
    f.write_text(bri + text[cut:], encoding="utf-8")
    return f


def test_the_package_booked_on_the_budget_is_high() -> None:
    a = assess(load_scenario(_EXAMPLE), n_paths=PROJECT_PATHS, stochastic=False)
    assert a.offers[0].verdict.trap_risk.value == "high"


@pytest.mark.xfail(strict=True, reason="a project company's loans are contingent and no rule "
                   "reads them: booking off the budget passes every debt and lever rule")
def test_booking_through_a_project_company_does_not_change_the_verdict(tmp_path: Path) -> None:
    a = assess(load_scenario(_project_company_copy(tmp_path)), n_paths=PROJECT_PATHS,
               stochastic=False)
    assert a.offers[0].verdict.trap_risk.value == "high", [
        c.rule for c in a.offers[0].verdict.reasons]
