"""LoanArrays.from_arrays: the portfolio path applies the Loan model's checks."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from debttrap.cashflows import LoanArrays, grant_elements
from debttrap.errors import InputError

GOOD: dict[str, Any] = {
    "amount_m": [100.0, 50.0, 10.0],
    "rate_pct": [2.0, 0.75, 6.3],
    "grace_years": [6.5, 6.0, 3.5],
    "maturity_years": [20.0, 38.0, 15.0],
    "payments_per_year": 2,
}


def test_broadcasts_scalars_and_names() -> None:
    names = np.array(["annuity", "bullet", "equal-principal"])
    la = LoanArrays.from_arrays(**GOOD, amortization=names)
    assert la.n_loans == 3
    assert la.amortization_code.tolist() == [1, 2, 0]
    assert la.payments_per_year.tolist() == [2, 2, 2]
    assert la.steps_per_year == 2
    assert la.n_steps == 76
    assert la.capitalize.tolist() == [False, False, False]


@pytest.mark.parametrize(
    ("field", "value", "bad", "message"),
    [
        ("amount_m", [100.0, -1.0, 10.0], 1, "positive"),
        ("amount_m", [100.0, np.nan, 10.0], 1, "positive"),
        ("rate_pct", [2.0, 0.75, 101.0], 2, "0-100"),
        ("grace_years", [6.5, 38.0, 3.5], 1, "shorter than maturity_years"),
        ("grace_years", [6.5, 6.2, 3.5], 1, "whole number of payment periods"),
        ("maturity_years", [20.0, 38.0, 150.0], 2, "at most 100"),
        ("payments_per_year", [2, 3, 2], 1, "1, 2 or 4"),
        ("payments_per_year", [2, 2.5, 2], 1, "1, 2 or 4"),
        ("management_fee_pct", [0.0, -1.0, 0.0], 1, "0-100"),
        ("commitment_fee_pct", [0.0, np.nan, 0.0], 1, "0-100"),
        ("issue_price_pct", [100.0, 100.0, 0.0], 2, r"in \(0, 200\]"),
        ("signing_year", [2025, 1800, 2025], 1, "between 1900 and 2200"),
    ],
)
def test_refuses_bad_arrays_naming_field_and_loan(
    field: str, value: Any, bad: int, message: str
) -> None:
    with pytest.raises(InputError, match=message) as exc:
        LoanArrays.from_arrays(**{**GOOD, field: value})
    assert exc.value.field == field
    assert f"(loan {bad})" in str(exc.value)


@pytest.mark.parametrize(
    ("shares", "message"),
    [
        ([0.5, 0.4], "must sum to 1"),
        ([1.2, -0.2], "not negative"),
        ([np.nan, 1.0], "finite"),
        ([0.2] * 5, "run past grace_years"),
    ],
)
def test_refuses_bad_disbursement_shares(shares: list[float], message: str) -> None:
    with pytest.raises(InputError, match=message) as exc:
        LoanArrays.from_arrays(**GOOD, disbursement_shares=shares)
    assert exc.value.field == "disbursement_shares"


def test_refuses_unknown_or_custom_amortization() -> None:
    with pytest.raises(InputError, match="unknown amortization 'balloon'") as exc:
        LoanArrays.from_arrays(**GOOD, amortization="balloon")
    assert exc.value.field == "amortization"
    with pytest.raises(InputError, match="custom amortization needs principal shares"):
        LoanArrays.from_arrays(**GOOD, amortization="custom")
    with pytest.raises(InputError, match="equal-principal, annuity or bullet"):
        LoanArrays.from_arrays(**GOOD, amortization=[0, 1, 7])


def test_grant_elements_broadcast_over_discount_rates() -> None:
    """lending-terms.md line 55 (DAC test of E2 terms): 51.8% / 41.5% / 35.3% at 9/7/6%."""
    la = LoanArrays.from_arrays(amount_m=100, rate_pct=[2.0, 2.0, 2.0], grace_years=6.5,
                                maturity_years=20, payments_per_year=2)
    ge = grant_elements(la, np.array([9.0, 7.0, 6.0]))
    np.testing.assert_allclose(ge, [51.8, 41.5, 35.3], atol=0.05)
