"""The Loan contract model: what it accepts, what it refuses, and its derived terms."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from debttrap.terms import (
    Amortization,
    Creditor,
    FixedRate,
    FloatingRate,
    Insurance,
    Loan,
    SteppedRate,
)

BASE: dict[str, Any] = {
    "creditor": {"name": "China Eximbank", "type": "bilateral_other"},
    "amount_m": 600.0,
    "signing_year": 2012,
    "rate_pct": 2.0,
    "grace_years": 6.5,
    "maturity_years": 20,
    "payments_per_year": 2,
}


def make(**changes: Any) -> Loan:
    terms = {**BASE, **changes}
    for key in [k for k, v in terms.items() if v is None]:
        del terms[key]
    return Loan.model_validate(terms)


def refuses(match: str, **changes: Any) -> None:
    with pytest.raises(ValidationError, match=match):
        make(**changes)


def test_defaults_and_derived_terms() -> None:
    loan = make()
    assert loan.interest == FixedRate(rate_pct=2.0)
    assert loan.amortization is Amortization.EQUAL_PRINCIPAL
    assert loan.disbursement_shares == (1.0,)
    assert loan.currency == "USD"
    assert loan.n_repayments == 27  # semi-annual from 7 to 20 years
    assert loan.first_repayment_years == 7.0
    assert loan.disbursed_proceeds_m == 600.0
    assert make(issue_price_pct=97.27).disbursed_proceeds_m == pytest.approx(583.62)


def test_is_frozen_and_round_trips() -> None:
    loan = make(amortization="annuity", management_fee_pct=0.5)
    with pytest.raises(ValidationError):
        loan.amount_m = 1.0  # type: ignore[misc]
    assert Loan.model_validate(loan.model_dump()) == loan
    assert Loan.model_validate_json(loan.model_dump_json()) == loan


def test_spelling_is_normalized() -> None:
    assert make(amortization="Equal-Principal").amortization is Amortization.EQUAL_PRINCIPAL
    assert make(currency=" cny ").currency == "CNY"
    assert make(creditor=Creditor(name="IDA", type="multilateral")).creditor.name == "IDA"


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"grace_years": 20}, "grace_years .* must be shorter than maturity_years"),
        ({"grace_years": 21}, "must be shorter"),
        ({"grace_years": 6.3}, "whole number of payment periods"),
        ({"maturity_years": 20.25}, "whole number of payment periods"),
        ({"maturity_years": 120}, "less than or equal to 100"),
        ({"grace_years": -1}, "greater than or equal to 0"),
        ({"amount_m": 0}, "greater than or equal to 0.000001"),
        ({"amount_m": -5}, "greater than or equal to 0.000001"),
        ({"rate_pct": -0.5}, "greater than or equal to 0"),
        ({"payments_per_year": 3}, "Input should be 1, 2 or 4"),
        ({"amortization": "balloon"}, "amortization"),
        ({"currency": "XYZ"}, "unknown currency 'XYZ'"),
        ({"disbursement_shares": (0.5, 0.4)}, "must sum to 1"),
        ({"disbursement_shares": (1.2, -0.2)}, "not negative"),
        ({"disbursement_shares": (float("nan"),)}, "finite"),
        ({"disbursement_shares": ()}, "at least one share"),
        ({"disbursement_shares": (0.1,) * 10}, "all money must be paid out"),
        ({"amortization": "custom"}, "needs principal_shares"),
        ({"amortization": "custom", "principal_shares": (0.5, 0.5)}, "27 repayment dates"),
        ({"principal_shares": (1.0,)}, "only used with amortization 'custom'"),
        ({"interest": {"kind": "fixed", "rate_pct": 1.0}}, "either 'rate_pct' or 'interest'"),
        ({"grace": 5}, "Extra inputs are not permitted"),
        ({"issue_price_pct": 0}, "greater than or equal to 1"),
        ({"management_fee_pct": 101}, "less than or equal to 100"),
    ],
)
def test_refuses_bad_terms(changes: dict[str, Any], match: str) -> None:
    refuses(match, **changes)


def test_custom_shares_must_be_a_distribution() -> None:
    n = 27
    refuses("must sum to 1", amortization="custom", principal_shares=(0.5 / n,) * n)
    refuses("not be negative", amortization="custom",
            principal_shares=(-0.1, 1.1) + (0.0,) * (n - 2))
    loan = make(amortization="custom", principal_shares=(1.0 / n,) * n)
    assert loan.principal_shares is not None and len(loan.principal_shares) == n
    # a NaN share neither is negative nor moves the sum check (NaN > 1e-6 is False),
    # so it needs its own refusal
    refuses(r"NaN|finite number", amortization="custom",
            principal_shares=(float("nan"),) + (1.0 / (n - 1),) * (n - 1))


def test_insurance_instalments() -> None:
    ins = Insurance(premium_pct=6, instalment_years=(0, 1))
    assert ins.shares == (0.5, 0.5)
    assert make(insurance=ins).insurance == ins
    refuses("fall on a payment date", insurance=Insurance(premium_pct=6, instalment_years=(0.25,)))
    refuses("within the maturity", insurance=Insurance(premium_pct=6, instalment_years=(21,)))
    with pytest.raises(ValidationError, match="one share per instalment"):
        Insurance(premium_pct=6, instalment_years=(0, 1), instalment_shares=(1.0,))
    with pytest.raises(ValidationError, match="sum to 1"):
        Insurance(premium_pct=6, instalment_years=(0, 1), instalment_shares=(0.5, 0.6))
    with pytest.raises(ValidationError, match=r"NaN|finite number"):
        Insurance(premium_pct=6, instalment_years=(0, 1), instalment_shares=(float("nan"), 1.0))
    with pytest.raises(ValidationError, match="0 or later"):
        Insurance(premium_pct=6, instalment_years=(-1,))


def test_stepped_rate() -> None:
    rate = SteppedRate(steps=((0, 1.0), (14, 2.5)))
    loan = make(rate_pct=None, interest=rate)
    assert loan.rate_pct_at(13.5, 2026) == 1.0
    assert loan.rate_pct_at(14.0, 2026) == 2.5  # a step applies from its start
    assert loan.rate_pct_at(19.5, 2026) == 2.5
    with pytest.raises(ValidationError, match="must start at year 0"):
        SteppedRate(steps=((1, 1.0),))
    with pytest.raises(ValidationError, match="strictly increasing"):
        SteppedRate(steps=((0, 1.0), (5, 2.0), (5, 3.0)))
    with pytest.raises(ValidationError, match="between 0 and 100"):
        SteppedRate(steps=((0, 1.0), (5, 120.0)))


def test_floating_rate_is_floored_at_zero() -> None:
    rate = FloatingRate(index="SOFR", margin_pct=0.75, default_index_pct=4.0,
                        index_path_pct={2026: 3.0, 2027: -2.0})
    loan = make(rate_pct=None, interest=rate)
    assert loan.rate_pct_at(0.5, 2026) == pytest.approx(3.75)
    assert loan.rate_pct_at(1.5, 2027) == 0.0
    assert loan.rate_pct_at(9.0, 2040) == pytest.approx(4.75)
    assert "SOFR" in rate.describe()
