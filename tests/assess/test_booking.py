"""An offer cannot escape the rules by its booking (reproduces a review finding).

The Syria example's Belt and Road package, booked through a project company
(``ppg = false`` on both loans) instead of the budget, drops from high to moderate: every
debt and lever rule stops firing, although the LIC-DSF's coverage counts guaranteed SOE
debt and debt serviced from pledged public revenue (the programme is the state's power
grid, its revenue swept into the lender's account). Now such debt counts as public where
the state stands behind it (the project's financing plan says the government bears the
loans), and as a contingent liability in the C1 test where it does not.
"""

from __future__ import annotations

from pathlib import Path

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


def test_booking_through_a_project_company_does_not_change_the_verdict(tmp_path: Path) -> None:
    budget = assess(load_scenario(_EXAMPLE), n_paths=PROJECT_PATHS, stochastic=False)
    a = assess(load_scenario(_project_company_copy(tmp_path)), n_paths=PROJECT_PATHS,
               stochastic=False)
    o, b = a.offers[0], budget.offers[0]
    assert o.verdict.trap_risk.value == "high", [c.rule for c in o.verdict.reasons]
    # the same rules fire with the same numbers: the booking changes nothing the state bears
    assert [(c.rule, c.severity, c.value) for c in o.verdict.checks] == [
        (c.rule, c.severity, c.value) for c in b.verdict.checks]
    # and the report says which loans were counted as public, and why
    counted = [n for n in o.notes if "counted as public debt" in n]
    assert len(counted) == 2 and all("government bears" in n for n in counted)


def test_a_project_company_loan_nobody_stands_behind_enters_the_c1_test(
    tmp_path: Path,
) -> None:
    text = _project_company_copy(tmp_path).read_text(encoding="utf-8")
    cut = text.index('[[offers]]\nname = "IDA and Gulf grants"')
    bri = text[:cut]
    # the plan no longer says the government bears the loans (a true project company)
    head, plan = bri.split("[offers.project]", 1)
    plan = plan.replace('kind = "loan"\namount_usd_m = 1000.0\nborne_by_government = true',
                        'kind = "loan"\namount_usd_m = 1000.0\nborne_by_government = false')
    plan = plan.replace('kind = "loan"\namount_usd_m = 700.0\nborne_by_government = true',
                        'kind = "loan"\namount_usd_m = 700.0\nborne_by_government = false')
    assert plan.count("borne_by_government = false") == 2
    f = tmp_path / "syria-true-project-company.toml"
    f.write_text(head + "[offers.project]" + plan + text[cut:], encoding="utf-8")
    a = assess(load_scenario(f), n_paths=PROJECT_PATHS, stochastic=False)
    o = a.offers[0]
    assert sum("contingent liability" in n for n in o.notes) == 2
    # C1 of the run with the offer carries the loans (US$1.7bn on Syria's 2026 GDP of
    # US$22.7bn, the example's series: about 7.5% of GDP)
    (note,) = [n for n in o.notes if n.startswith("C1 contingent-liability shock")]
    # the LIC-DSF's C1 for PPPs: 35% of the capital stock above 3% of GDP
    # (Guidance Note 2018, tailored stress tests)
    size = 100.0 * 1700.0 / 22707.7
    assert f"7.00% -> {7.0 + 0.35 * size:.2f}% of GDP" in note
    # not public debt: the debt rules read no loan of the offer, but the offer is not
    # negligible either: the project's own cover (median DSCR below 1) is scored
    rules = {c.rule: c for c in o.verdict.checks}
    assert rules["non_concessional"].detail.startswith("the offer adds no debt")
    assert rules["project_not_self_financing"].status == "fired"
