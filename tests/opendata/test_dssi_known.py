"""OD7b: an ex-ante build from 2021 knew the DSSI tables (released 19 June 2020).

OD7a keeps a country's own DSSI schedule out of an ex-ante build because the schedule
(service due 2019-2024 on the debt of end-2018) holds loans signed after an earlier
decision. For a decision after the tables' release that reason does not hold, so the
country's own pace is used, exactly as in a build that is not ex ante.
"""

from __future__ import annotations

import pytest

from debttrap.opendata import build_country
from debttrap.opendata.amortization import DSSI_RELEASE_YEAR, dssi_pace


def _principal(b: object, group_prefix: str) -> dict[int, float]:
    lines = b.country.external_debt.existing_lines  # type: ignore[attr-defined]
    (line,) = [ln for ln in lines if ln.name.startswith(group_prefix)]
    return dict(line.principal_usd_m or {})


def test_the_release_year_is_that_of_the_bundled_tables() -> None:
    # World Bank, International Debt Statistics, DSSI country tables released 19 June 2020
    assert DSSI_RELEASE_YEAR == 2020


@pytest.mark.parametrize("code", ["KEN", "SEN"])
def test_from_2021_an_ex_ante_build_repays_at_the_country_s_own_dssi_pace(code: str) -> None:
    assert dssi_pace(code)  # the country has its own DSSI schedule
    before = build_country(code, 2020, ex_ante=True)
    after = build_country(code, 2021, ex_ante=True)
    assert any(a.startswith("OD7a ex ante") for a in before.assumptions)
    assert not any(a.startswith("OD7b") for a in before.assumptions)
    assert any(a.startswith("OD7b ex ante") for a in after.assumptions)
    assert not any(a.startswith("OD7a") for a in after.assumptions)
    assert "OD7b" in after.sources["external_debt.existing_lines"]
    # the same existing-debt schedule as the build of 2021 that is not ex ante
    plain = build_country(code, 2021)
    for group in ("Multilateral", "China"):
        assert _principal(after, group) == pytest.approx(_principal(plain, group), rel=1e-12)
