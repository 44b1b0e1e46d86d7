"""The Country model: loading, immutability, validation messages."""

from __future__ import annotations

from pathlib import Path

import pydantic
import pytest

from debttrap.country import Country, FinancingLine, derive
from debttrap.errors import InputError
from debttrap.io.country_file import load_country, load_dsa_inputs

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "lic-dsf-illustrative.toml"


def test_example_loads_and_is_frozen() -> None:
    c = load_country(EXAMPLE)
    assert c.first_projection_year == 2024 and c.last_year == 2044
    assert c.projection_years[0] == 2024 and c.history_years[0] == 2014
    with pytest.raises(pydantic.ValidationError):
        c.name = "x"  # type: ignore[misc]


def test_stress_table_is_read() -> None:
    _, s = load_dsa_inputs(EXAMPLE)
    assert s.residual_maturity_years == 9 and s.residual_grace_years == 4


def test_real_growth_from_levels() -> None:
    """Growth from the real GDP level: 2024 = 38137.24 / 36015.67 - 1 (Input 3 row 13)."""
    der = derive(load_country(EXAMPLE))
    assert der.real_gdp_growth_pct[10] == pytest.approx(
        100 * (38137.242038196404 / 36015.6690181676 - 1)
    )


def test_financing_line_profile_must_fit_the_term() -> None:
    with pytest.raises(pydantic.ValidationError, match="principal_shares needs 25 entries"):
        FinancingLine(
            name="blend",
            creditor_group="multilateral",
            interest_rate_pct=2.0,
            grace_years=5,
            maturity_years=30,
            principal_shares=(0.5, 0.5),
            disbursements_usd_m={2025: 10.0},
        )


def test_unknown_stress_setting_names_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "c.toml"
    bad.write_text(EXAMPLE.read_text(encoding="utf-8") + "\nshock_size = 3\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"stress\.shock_size.*unknown field"):
        load_dsa_inputs(bad)


def test_disbursement_outside_projection_years() -> None:
    c = load_country(EXAMPLE)
    data = c.model_dump()
    data["new_external_financing"][0]["disbursements_usd_m"] = {2050: 1.0}
    with pytest.raises(pydantic.ValidationError, match="outside the projection years"):
        Country.model_validate(data)
