"""The stress tests' debt-dynamics tables, computed for all scenarios in one batch, equal
the tables :func:`contributions_for` gives one scenario at a time, exactly (every step is
elementwise, so batching cannot move a bit)."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import numpy as np
import pytest

from debttrap.dsa.contributions import contributions_for
from debttrap.dsa.paths import debt_paths
from debttrap.dsa.run import _index, run_dsa
from debttrap.dsa.stress import build_scenarios, stack_inputs
from debttrap.io.country_file import load_dsa_inputs

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize("name", ["lic-dsf-illustrative.toml"])
def test_batched_tables_equal_one_scenario_at_a_time(name: str) -> None:
    country, settings = load_dsa_inputs(EXAMPLES / name)
    res = run_dsa(country, settings)
    setup, base, scenarios, _ = build_scenarios(country, settings)
    paths = debt_paths(stack_inputs([base, *(sc.inputs for sc in scenarios)]), setup.basis)
    baseline = _index(paths, 0)
    assert len(scenarios) >= 8 and set(res.stress_contributions) == {
        sc.code for sc in scenarios
    }
    for i, sc in enumerate(scenarios):
        one = contributions_for(
            country,
            setup,
            _index(paths, i + 1),
            inputs=sc.inputs,
            real_growth_pct=None if sc.real_growth_dec is None else 100.0 * sc.real_growth_dec,
            primary_expenditure_lcu_m=sc.primary_expenditure_lcu_m,
            other_flows_lcu_m=sc.other_flows_lcu_m,
            bop_gap_usd_m=sc.bop_gap_usd_m,
            baseline=baseline,
        )
        batched = res.stress_contributions[sc.code]
        for part in ("external", "public"):
            want, got = getattr(one, part), getattr(batched, part)
            for f in fields(want):
                a, b = getattr(want, f.name), getattr(got, f.name)
                assert np.shape(a) == np.shape(b), (sc.code, part, f.name)
                np.testing.assert_array_equal(a, b, err_msg=f"{sc.code} {part}.{f.name}")
