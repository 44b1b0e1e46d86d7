"""Which stress tests finance their revenue loss at home, against Excel's public paths.

Reference values: Output 3-2 (PV of public debt / GDP) of the 2025-08-12 template on its
illustrative data, and the overlay that raises the domestic MLT real rate of Input 7 to
6 % (``overlay-resfin-dom-mlt-rate6-output32``, ``tests/reference/lic-dsf/README.md``).
In Excel that overlay moves B1, B2, B5, B6 and C1 and leaves B3, B4 and C4 alone: the
template's B3 and C4 public paths carry no debt at the domestic residual terms, so
debttrap does not finance B3's and C4's revenue change at home either.
"""

from __future__ import annotations

import numpy as np
import pytest
from golden_data import calibrated_country, illustrative, stress_path

from debttrap.dsa.run import run_dsa

P1 = "pv_public_debt_to_gdp_pct"
CASE = "overlay-resfin-dom-mlt-rate6-output32"


@pytest.fixture(scope="module")
def runs():  # type: ignore[no-untyped-def]
    c, s = illustrative()
    c = calibrated_country(c)
    return run_dsa(c, s), run_dsa(c, s.model_copy(update={"residual_domestic_real_rate_pct": 6.0}))


@pytest.mark.parametrize(
    ("code", "moves"),
    [("B1", True), ("B3", False), ("B4", False), ("B5", True), ("B6", True), ("C4", False)],
)
def test_domestic_residual_rate_moves_the_tests_excel_moves(runs, code, moves):  # type: ignore[no-untyped-def]
    excel_moved = not np.allclose(
        stress_path(P1, code, CASE)[:5], stress_path(P1, code)[:5], rtol=1e-9
    )
    assert excel_moved == moves  # the evidence itself
    one, six = runs
    ours_moved = not np.allclose(
        one.indicator_path(P1, code)[:5], six.indicator_path(P1, code)[:5], rtol=1e-9
    )
    assert ours_moved == moves
