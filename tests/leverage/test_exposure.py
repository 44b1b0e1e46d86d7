"""Creditor exposure: hand-computed shares, levers, identities and bad input."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from debttrap.errors import InputError
from debttrap.leverage.exposure import TRIGGERS, creditor_exposure, share_pct
from debttrap.leverage.flows import offer_flows
from debttrap.terms.offer import Offer

YEARS = list(range(2010, 2036))
LENDER = {"name": "China Eximbank", "type": "bilateral_other"}


def _offer(clauses: dict[str, Any] | None = None, **kw: Any) -> Offer:
    loan: dict[str, Any] = {
        "amount_m": 600.0,
        "signing_year": 2012,
        "rate_pct": 2.0,
        "grace_years": 6.5,
        "maturity_years": 20,
        "payments_per_year": 2,
        "disbursement_shares": [0.3, 0.4, 0.3],
        "clauses": clauses or {},
    }
    loan.update(kw)
    return Offer.model_validate(
        {"name": "o", "lender": LENDER, "lender_group": "china", "loans": [loan]}
    )


def _debt() -> pd.DataFrame:
    return pd.DataFrame(
        {"china": 500.0, "multilateral": 1000.0, "bondholders": 2000.0}, index=YEARS
    )


def test_shares_before_and_after_by_hand() -> None:
    e = creditor_exposure(_offer(), _debt(), _debt() * 0.1)
    f = e.to_frame()
    assert f.loc[2011, "lender_debt_share_before_pct"] == pytest.approx(100 * 500 / 3500)
    assert f.loc[2011, "lender_debt_share_after_pct"] == pytest.approx(100 * 500 / 3500)
    # fully disbursed 2014: (500 + 600) / (3500 + 600)
    assert f.loc[2014, "offer_ppg_debt_usd_m"] == pytest.approx(600.0)
    assert f.loc[2014, "lender_debt_share_after_pct"] == pytest.approx(100 * 1100 / 4100)
    ds = offer_flows(_offer(), 2010, 2035).debt_service()
    i = YEARS.index(2020)
    assert f.loc[2020, "lender_service_share_after_pct"] == pytest.approx(
        100 * (50 + ds[i]) / (350 + ds[i])
    )
    assert e.summary().lender_debt_share_after_peak_pct == pytest.approx(100 * 1100 / 4100)


def test_acceleration_with_cross_default_adds_the_cross_defaulting_debts() -> None:
    o = _offer({"acceleration": {"policy_change": True, "cross_default": True}})
    e = creditor_exposure(
        o, _debt(), reserves_usd_m={y: 6000.0 for y in YEARS},
        exports_usd_m={y: 8000.0 for y in YEARS}, cross_default_creditors=["bondholders"],
    )
    f = e.to_frame()
    assert f.loc[2014, "acceleration_policy_change_usd_m"] == pytest.approx(600.0)
    assert f.loc[2014, "acceleration_severing_diplomatic_relations_usd_m"] == 0.0
    assert f.loc[2014, "acceleration_with_cross_default_usd_m"] == pytest.approx(2600.0)
    assert f.loc[2014, "acceleration_pct_of_reserves"] == pytest.approx(100 * 2600 / 6000)
    assert f.loc[2011, "acceleration_with_cross_default_usd_m"] == 0.0  # nothing lent yet
    assert e.triggers_present == ("policy_change", "cross_default")
    assert e.lever_clauses == ("acceleration.policy_change",)


def test_no_trigger_means_nothing_falls_due_at_once() -> None:
    e = creditor_exposure(_offer(), _debt(), cross_default_creditors=["bondholders"])
    assert np.all(e.acceleration_with_cross_default_usd_m == 0)
    assert e.lever_clauses == () and not e.keeps_out_of_restructuring


def test_pledged_revenue_account_and_collateral() -> None:
    clauses = {
        "lender_controlled_account": True,
        "account_revenue_share_pct": 50.0,
        "pledged_revenue_usd_m_per_year": 10.0,
        "minimum_account_balance_usd_m": 25.0,
        "collateral_assets_usd_m": 300.0,
        "no_paris_club": True,
    }
    e = creditor_exposure(
        _offer(clauses), _debt(),
        government_revenue_usd_m=pd.Series(1000.0, index=YEARS),
        exports_usd_m={y: 2000.0 for y in YEARS},
        project_revenue_usd_m={y: 40.0 for y in YEARS},
    )
    f = e.to_frame()
    # from signing (2012) to the last payment (2032): 10 pledged + half of 40
    assert f.loc[2011, "pledged_revenue_usd_m"] == 0.0
    assert f.loc[2015, "pledged_revenue_usd_m"] == pytest.approx(30.0)
    assert f.loc[2015, "pledged_pct_of_revenue"] == pytest.approx(3.0)
    assert f.loc[2015, "pledged_pct_of_exports"] == pytest.approx(1.5)
    assert f.loc[2033, "pledged_revenue_usd_m"] == 0.0
    assert f.loc[2015, "account_cash_held_usd_m"] == 25.0
    assert f.loc[2015, "collateral_cover_pct"] == pytest.approx(50.0)
    assert f.loc[2015, "no_paris_club_usd_m"] == pytest.approx(600.0)
    assert f.loc[2015, "no_paris_club_pct_of_ppg_external"] == pytest.approx(100 * 600 / 4100)
    assert e.keeps_out_of_restructuring
    assert set(e.lever_clauses) == {"lender_controlled_account", "no_paris_club"}


def test_contingent_loans_stay_out_of_ppg_shares() -> None:
    e = creditor_exposure(_offer(ppg=False), _debt())
    f = e.to_frame()
    assert f.loc[2015, "offer_ppg_debt_usd_m"] == 0.0
    assert f.loc[2015, "offer_contingent_debt_usd_m"] == pytest.approx(600.0)
    np.testing.assert_allclose(
        e.lender_debt_share_after_pct, e.lender_debt_share_before_pct
    )


def test_missing_yardsticks_give_nan_not_zero() -> None:
    e = creditor_exposure(_offer(), _debt())
    assert np.all(np.isnan(e.pledged_pct_of_revenue))
    assert np.all(np.isnan(e.lender_service_share_after_pct))
    s = e.summary()
    assert np.isnan(s.acceleration_pct_of_reserves_peak)


def test_lender_absent_from_the_table_starts_at_zero() -> None:
    debt = _debt().drop(columns=["china"])
    e = creditor_exposure(_offer(), debt)
    assert e.to_frame().loc[2011, "lender_debt_share_before_pct"] == 0.0
    assert e.to_frame().loc[2015, "lender_debt_share_after_pct"] == pytest.approx(
        100 * 600 / 3600
    )


def test_shares_cover_every_trigger_column() -> None:
    f = creditor_exposure(_offer(), _debt()).to_frame()
    for t in TRIGGERS:
        assert f"acceleration_{t}_usd_m" in f.columns
    assert f.index.name == "year"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"existing_debt_usd_m": pd.DataFrame({"china": [-1.0]}, index=[2020])},
         "existing_debt_usd_m"),
        ({"existing_debt_usd_m": pd.DataFrame({"china": [1.0]}, index=["soon"])},
         "existing_debt_usd_m"),
        ({"existing_debt_usd_m": pd.DataFrame({"china": [1.0, 2.0]}, index=[2020, 2020])},
         "existing_debt_usd_m"),
        ({"existing_debt_usd_m": [1.0, 2.0]}, "existing_debt_usd_m"),
        ({"cross_default_creditors": ["eurobonds"]}, "cross_default_creditors"),
        ({"exports_usd_m": {2020: -5.0}}, "exports_usd_m"),
    ],
)
def test_bad_input_names_the_field(kwargs: dict[str, Any], field: str) -> None:
    args: dict[str, Any] = {"existing_debt_usd_m": _debt()}
    args.update(kwargs)
    with pytest.raises(InputError) as info:
        creditor_exposure(_offer(), **args)
    assert f"field '{field}'" in str(info.value) and "\n" not in str(info.value)


@given(
    part=arrays(np.float64, 8, elements=st.floats(min_value=0, max_value=1e6)),
    rest=arrays(np.float64, 8, elements=st.floats(min_value=0, max_value=1e6)),
)
@settings(max_examples=80, deadline=None)
def test_share_is_a_percentage(part: np.ndarray, rest: np.ndarray) -> None:
    s = share_pct(part, part + rest)
    ok = np.isfinite(s)
    assert np.all((s[ok] >= 0) & (s[ok] <= 100 + 1e-9))
    assert np.all(np.isnan(s[(part + rest) <= 0]))


@given(
    stocks=arrays(np.float64, (5, 3), elements=st.floats(min_value=0, max_value=1e5)),
    amount=st.floats(min_value=1.0, max_value=1e5),
)
@settings(max_examples=40, deadline=None)
def test_lending_more_never_lowers_the_lenders_share(stocks: np.ndarray, amount: float) -> None:
    """Shares stay in [0, 100] and the lender's share after is at least its share before."""
    years = list(range(2013, 2018))
    debt = pd.DataFrame(stocks, index=years, columns=["china", "multilateral", "bondholders"])
    e = creditor_exposure(_offer(amount_m=amount), debt, debt)
    for arr in (e.lender_debt_share_before_pct, e.lender_debt_share_after_pct,
                e.lender_service_share_before_pct, e.lender_service_share_after_pct,
                e.no_paris_club_pct_of_ppg_external):
        ok = np.isfinite(arr)
        assert np.all((arr[ok] >= 0) & (arr[ok] <= 100 + 1e-9))
    both = np.isfinite(e.lender_debt_share_before_pct)
    assert np.all(
        e.lender_debt_share_after_pct[both] >= e.lender_debt_share_before_pct[both] - 1e-9
    )


def test_share_pct_broadcasts() -> None:
    out = share_pct(np.array([[1.0], [2.0]]), np.array([4.0, 8.0, 0.0]))
    assert out.shape == (2, 3)
    np.testing.assert_allclose(out[:, :2], [[25.0, 12.5], [50.0, 25.0]])
    assert np.all(np.isnan(out[:, 2]))


def test_sole_creditor_share_is_exactly_100_never_above() -> None:
    """The cap lives in exposure: a sole creditor holds 100%, not 100 + 1e-14."""
    from debttrap.leverage.exposure import _part_share_pct

    assert _part_share_pct(1.0 + 1e-15, 1.0) == 100.0
    debt = pd.DataFrame({"china": 0.1 + 0.2}, index=YEARS)
    e = creditor_exposure(_offer(), debt, debt * 0.07)
    for arr in (e.lender_debt_share_before_pct, e.lender_debt_share_after_pct,
                e.lender_service_share_before_pct, e.lender_service_share_after_pct):
        ok = np.isfinite(arr)
        assert ok.any() and np.all(arr[ok] <= 100.0)
        np.testing.assert_allclose(arr[ok], 100.0, rtol=1e-12)
    assert e.summary().lender_service_share_after_peak_pct <= 100.0


def test_unknown_existing_service_gives_nan_with_the_reason_not_100() -> None:
    """Debt without a service schedule: the lender's share of service cannot be known."""
    years = list(range(2020, 2040))
    debt = pd.DataFrame({"china": 0.0, "not_itemised": 20_000.0}, index=years)
    debt.loc[2035:, "not_itemised"] = 0.0  # repaid from 2035: service known from then on
    service = pd.DataFrame({"china": 0.0, "not_itemised": 0.0}, index=years)
    offer = _offer(signing_year=2021)
    blind = creditor_exposure(offer, debt, service)  # the old reading: 100% of a service of 0
    assert np.nanmax(blind.lender_service_share_after_pct) == 100.0
    e = creditor_exposure(offer, debt, service, service_unknown_creditors=["not_itemised"])
    f = e.to_frame()
    assert f.loc[2020:2034, "lender_service_share_after_pct"].isna().all()
    assert f.loc[2035, "lender_service_share_after_pct"] == 100.0  # only the offer is left
    assert "not_itemised" in e.service_share_note and "20,000" in e.service_share_note
    assert e.summary().service_share_note == e.service_share_note
    # the debt shares do not depend on knowing the service
    np.testing.assert_array_equal(e.lender_debt_share_after_pct,
                                  blind.lender_debt_share_after_pct)
    assert creditor_exposure(offer, debt, service).service_share_note == ""
    with pytest.raises(InputError, match="service_unknown_creditors"):
        creditor_exposure(offer, debt, service, service_unknown_creditors=["iran"])


def test_peaks_are_taken_over_the_window_with_their_year() -> None:
    """Hand case: the offer's share peaks in 2014 (600 of 4,100); outside a 2010-2012 window
    it has not been lent yet, so the window's peak is the share before (500 of 3,500)."""
    e = creditor_exposure(_offer(), _debt(), window_years=(2010, 2012))
    s = e.summary()
    assert s.window == (2010, 2012)
    f = e.to_frame()
    assert s.lender_debt_share_after_peak_pct == pytest.approx(
        f.loc[2010:2012, "lender_debt_share_after_pct"].max()
    )
    assert s.lender_debt_share_after_peak_pct < 100 * 1100 / 4100
    assert s.lender_debt_share_after_peak_year == 2012
    whole = creditor_exposure(_offer(), _debt()).summary()
    assert whole.window is None
    assert whole.lender_debt_share_after_peak_pct == pytest.approx(100 * 1100 / 4100)
    assert whole.lender_debt_share_after_peak_year == 2014
    # the JSON form keeps the window as a list and the tuples as lists
    d = s.to_dict()
    assert d["window"] == [2010, 2012] and isinstance(d["lever_clauses"], list)
    assert "offer_service_share_peak_pct" not in d
    with pytest.raises(InputError, match="window_years"):
        creditor_exposure(_offer(), _debt(), window_years=(1990, 2000))
    with pytest.raises(InputError, match="window_years"):
        creditor_exposure(_offer(), _debt(), window_years=(2015, 2012))


def test_years_without_existing_service_give_nan_not_100() -> None:
    """The year before the projection has no existing service as an input: an offer's fee
    paid that year is not 100% of the country's debt service (Hambantota's Sinosure premium)."""
    service = _debt().loc[2013:] * 0.1  # service known from 2013 only
    o = _offer(signing_year=2010, insurance={"premium_pct": 6.0, "instalment_years": [0.0]})
    e = creditor_exposure(o, _debt(), service)
    f = e.to_frame()
    assert f.loc[2010, "offer_ppg_service_usd_m"] > 0
    assert f.loc[2010:2012, "lender_service_share_after_pct"].isna().all()
    assert f.loc[2013:, "lender_service_share_after_pct"].notna().all()
    assert e.summary().lender_service_share_after_peak_pct < 100.0


def test_added_debt_enters_the_after_denominators_only() -> None:
    """By hand: 400 of overrun borrowing in 2014 -> (500 + 600) / (3,500 + 600 + 400)."""
    added = pd.Series(400.0, index=YEARS)
    svc_added = pd.Series(30.0, index=YEARS)
    e = creditor_exposure(_offer(), _debt(), _debt() * 0.1,
                          added_debt_usd_m=added, added_service_usd_m=svc_added)
    base = creditor_exposure(_offer(), _debt(), _debt() * 0.1)
    f = e.to_frame()
    assert f.loc[2014, "lender_debt_share_after_pct"] == pytest.approx(100 * 1100 / 4500)
    np.testing.assert_array_equal(e.lender_debt_share_before_pct,
                                  base.lender_debt_share_before_pct)
    ds = offer_flows(_offer(), 2010, 2035).debt_service()
    i = YEARS.index(2020)
    assert f.loc[2020, "lender_service_share_after_pct"] == pytest.approx(
        100 * (50 + ds[i]) / (350 + ds[i] + 30)
    )
    assert f.loc[2014, "no_paris_club_pct_of_ppg_external"] == 0.0
    assert f.loc[2014, "added_debt_usd_m"] == 400.0


@given(
    stocks=arrays(np.float64, (5, 3), elements=st.floats(min_value=0, max_value=1e5)),
    extra=arrays(np.float64, (5,), elements=st.floats(min_value=0, max_value=1e5)),
)
@settings(max_examples=40, deadline=None)
def test_other_added_debt_never_raises_the_lenders_share(
    stocks: np.ndarray, extra: np.ndarray
) -> None:
    """Debt that is not the lender's can only dilute its share after the offer."""
    years = list(range(2013, 2018))
    debt = pd.DataFrame(stocks, index=years, columns=["china", "multilateral", "bondholders"])
    with_extra = creditor_exposure(_offer(), debt, added_debt_usd_m=pd.Series(extra, index=years))
    without = creditor_exposure(_offer(), debt)
    a, b = with_extra.lender_debt_share_after_pct, without.lender_debt_share_after_pct
    ok = np.isfinite(a) & np.isfinite(b)
    assert np.all(a[ok] <= b[ok] + 1e-9)


def test_summary_is_a_frozen_typed_record_of_the_window_peaks() -> None:
    """The verdict reads typed fields, not string keys; each is the window peak of its series."""
    e = creditor_exposure(_offer(), _debt(), window_years=(2010, 2014))
    s = e.summary()
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.lender = "someone else"  # type: ignore[misc]
    assert s.offer_debt_share_peak_pct == pytest.approx(e.window_peak("offer_debt_share_pct"))
    assert s.offer_accelerable_pct_of_reserves_peak == pytest.approx(
        e.window_peak("offer_accelerable_pct_of_reserves"), nan_ok=True)
    assert s.lender_debt_share_after_peak_pct == pytest.approx(
        float(np.nanmax(e.lender_debt_share_after_pct[e.in_window])))
    assert s.cross_default == ("cross_default" in s.triggers_present)


def test_offers_checked_together_equal_each_offer_alone() -> None:
    """Clause draws of one offer share the tables: checked once, figures equal one by one."""
    from debttrap.leverage.exposure import creditor_exposures

    profiles = [
        _offer(),
        _offer({"no_paris_club": True, "collateral_assets_usd_m": 300.0}),
        _offer({"lender_controlled_account": True, "account_revenue_share_pct": 50.0,
                "acceleration": {"cross_default": True}}),
    ]
    kw: dict[str, Any] = {
        "government_revenue_usd_m": pd.Series(1000.0, index=YEARS),
        "exports_usd_m": {y: 2000.0 for y in YEARS},
        "reserves_usd_m": {y: 800.0 for y in YEARS},
        "project_revenue_usd_m": {y: 40.0 for y in YEARS},
        "cross_default_creditors": ["bondholders"],
        "flows": offer_flows(profiles[0], YEARS[0], YEARS[-1]),
    }
    together = creditor_exposures(profiles, _debt(), _debt() * 0.1, **kw)
    for profile, got in zip(profiles, together, strict=True):
        alone = creditor_exposure(profile, _debt(), _debt() * 0.1, **kw)
        pd.testing.assert_frame_equal(got.to_frame(), alone.to_frame(), check_exact=True)
        assert got.summary() == alone.summary()
    two_loans = _offer().model_copy(update={"loans": _offer().loans * 2})
    with pytest.raises(InputError, match="offers"):
        creditor_exposures([_offer(), two_loans], _debt())
