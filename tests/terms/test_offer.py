"""Offer: loans and/or grants for a project, with conditions, roles and currencies."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from pydantic import ValidationError

from debttrap.errors import InputError
from debttrap.io.files import parse_model
from debttrap.terms.offer import Condition, Grant, LoanRole, Offer

LENDER = {"name": "Export-Import Bank of China", "type": "bilateral_other"}


def _loan(**kw: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "amount_m": 100.0,
        "signing_year": 2020,
        "rate_pct": 2.0,
        "grace_years": 5,
        "maturity_years": 20,
    }
    data.update(kw)
    return data


def _offer(**kw: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"name": "A", "lender": LENDER, "loans": [_loan()]}
    data.update(kw)
    return data


def test_offer_without_loans_or_grants_is_an_error() -> None:
    with pytest.raises(InputError) as info:
        parse_model(Offer, {"name": "A", "lender": LENDER}, source="s.toml", prefix="offers[0]")
    msg = str(info.value)
    assert msg == "s.toml: field 'offers[0]': an offer needs at least one loan or one grant"


def test_grant_only_offer_is_fine() -> None:
    o = Offer.model_validate(
        {"name": "G", "lender": LENDER, "grants": [{"donor": "IDA", "amounts_usd_m": {"2026": 5}}]}
    )
    assert o.grants_usd_m == 5.0 and o.loans_usd_m == 0.0
    np.testing.assert_allclose(o.grants_by_year_usd_m(np.arange(2025, 2028)), [0, 5, 0])


def test_loan_creditor_defaults_to_the_lender_and_roles_split_out() -> None:
    o = Offer.model_validate(
        _offer(loans=[_loan(ppg=False, serviced_by_project=False, source="AidData 85304",
                            sources={"rate_pct": "assumed"}), _loan()])
    )
    assert o.loans[0].creditor.name == LENDER["name"]
    assert o.roles[0] == LoanRole(ppg=False, serviced_by_project=False, source="AidData 85304",
                                  sources={"rate_pct": "assumed"})
    assert o.roles[1] == LoanRole()
    assert o.ppg_mask().tolist() == [False, True]
    assert o.project_mask().tolist() == [False, True]


def test_roles_in_two_places_are_refused() -> None:
    with pytest.raises(ValidationError, match="not both"):
        Offer.model_validate(_offer(loans=[_loan(ppg=False)], loan_roles=[{"ppg": True}]))


def test_role_count_must_match() -> None:
    with pytest.raises(ValidationError, match="loan_roles has 2 entries for 1 loans"):
        Offer.model_validate(_offer(loan_roles=[{}, {}]))


def test_conditions_as_text_are_recorded() -> None:
    conds = ["Chinese contractors", {"text": "x", "source": "y"}]
    o = Offer.model_validate(_offer(conditions=conds))
    assert o.conditions == (Condition(text="Chinese contractors"), Condition(text="x", source="y"))


def test_foreign_currency_needs_a_rate() -> None:
    with pytest.raises(InputError) as info:
        parse_model(Offer, _offer(loans=[_loan(currency="CNY", amount_m=1000.0)]), prefix="offer")
    assert "fx_usd_per_unit.CNY" in str(info.value)
    o = Offer.model_validate(
        _offer(loans=[_loan(currency="CNY", amount_m=1000.0), _loan()],
               fx_usd_per_unit={"cny": 0.158})
    )
    assert o.loans_usd_m == pytest.approx(258.0)
    usd = o.loans_in_usd()
    assert [ln.currency for ln in usd] == ["USD", "USD"]
    assert usd[0].amount_m == pytest.approx(158.0)
    assert usd[0].grace_years == o.loans[0].grace_years


def test_bad_rate_is_refused() -> None:
    with pytest.raises(ValidationError, match="positive"):
        Offer.model_validate(_offer(fx_usd_per_unit={"CNY": 0.0}))


def test_inconsistent_loan_terms_name_the_loan_field() -> None:
    with pytest.raises(InputError) as info:
        parse_model(Offer, _offer(loans=[_loan(grace_years=25)]), source="s.toml",
                    prefix="offers[0]")
    msg = str(info.value)
    assert "\n" not in msg
    assert "offers[0].loans[0]" in msg and "grace_years (25) must be shorter" in msg


@pytest.mark.parametrize(
    ("amounts", "text"),
    [({}, "at least one year"), ({"2026": -1.0}, "not negative"), ({"soon": 1.0}, "calendar year"),
     ({"2026": 0.0}, "add up to zero"), ({"3000": 1.0}, "outside")],
)
def test_bad_grants(amounts: dict[str, float], text: str) -> None:
    with pytest.raises(ValidationError, match=text):
        Grant.model_validate({"donor": "d", "amounts_usd_m": amounts})


def test_group_defaults_to_the_lender_name() -> None:
    assert Offer.model_validate(_offer()).group == LENDER["name"]
    assert Offer.model_validate(_offer(lender_group="china")).group == "china"


def test_offer_is_immutable() -> None:
    o = Offer.model_validate(_offer())
    with pytest.raises(ValidationError):
        o.name = "B"  # type: ignore[misc]
