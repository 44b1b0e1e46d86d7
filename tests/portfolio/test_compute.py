"""The book's results: Euler contributions, expected shortfall, seeds by borrower."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from debttrap.portfolio import book_from_frame
from debttrap.portfolio.borrower import BorrowerPaths, borrower_paths, distress_from
from debttrap.portfolio.compute import aggregate, run_portfolio
from debttrap.stochastic.results import DistressRule

YEARS = np.arange(2024, 2034, dtype=np.int64)


def _book(scale: dict[str, float] | None = None):  # type: ignore[no-untyped-def]
    rows = []
    for i, (code, amount, last) in enumerate(
        [("AAA", 100.0, "2030-06-30"), ("AAA", 50.0, "2033-06-30"), ("BBB", 80.0, "2028-12-31"),
         ("CCC", 30.0, "2032-12-31"), ("", 10.0, "2030-12-31")]
    ):
        lid = f"L{i}"
        rows.append({"loan_id": lid, "lender": "Bank", "borrower_iso3": code,
                     "outstanding_usd_m": amount * (scale or {}).get(lid, 1.0),
                     "rate_pct": 2.0, "first_repayment_date": "2024-06-30",
                     "last_repayment_date": last})
    return book_from_frame(pd.DataFrame(rows), name="t", as_of=dt.date(2023, 12, 31),
                           source="t")


def _paths(n: int = 400) -> dict[str, BorrowerPaths]:
    rng = np.random.default_rng(7)
    out = {}
    for code, p in (("AAA", 0.02), ("BBB", 0.05)):
        start = rng.geometric(p, size=n)  # the year a path enters distress
        d = np.arange(YEARS.size)[None, :] >= start[:, None]
        out[code] = BorrowerPaths(code, "assessed", "high", "medium", float(d.any(1).mean()),
                                  YEARS, d)
    out["CCC"] = BorrowerPaths("CCC", "not assessed: no data", "not assessed", "", np.nan,
                               np.zeros(0, dtype=np.int64), None)
    return out


def test_contributions_add_up_to_the_expected_shortfall() -> None:
    res = aggregate(_book(), _paths(), n_paths=400, seed=1, tail=0.9)
    assert res.contributions["contribution_usd_m"].sum() == pytest.approx(
        res.expected_shortfall_usd_m, rel=1e-12)
    # loans of a borrower never assessed, or of none, carry no risk
    zero = res.contributions.set_index("loan_id").loc[["L3", "L4"], "contribution_usd_m"]
    assert (zero == 0).all()


def test_expected_shortfall_against_a_loan_by_loan_oracle() -> None:
    """Loss of each path summed loan by loan and year by year, the worst 10% averaged."""
    book, paths = _book(), _paths()
    res = aggregate(book, paths, n_paths=400, seed=1, tail=0.9)
    from debttrap.portfolio import book_schedule

    sched = book_schedule(book)
    loss = np.zeros(400)
    for i, code in enumerate(book.loans["borrower_iso3"]):
        if code not in ("AAA", "BBB"):
            continue
        d = paths[code].distress
        assert d is not None
        for k, y in enumerate(YEARS):
            j = list(sched.years).index(int(y))
            loss += sched.debt_service_usd_m[i, j] * d[:, k]
    assert res.expected_shortfall_usd_m == pytest.approx(np.sort(loss)[-40:].mean(), rel=1e-12)


def test_contribution_is_the_derivative_of_the_risk() -> None:
    base = aggregate(_book(), _paths(), n_paths=400, seed=1, tail=0.9)
    h = 1e-6
    for lid in ("L0", "L2"):
        bumped = aggregate(_book({lid: 1 + h}), _paths(), n_paths=400, seed=1, tail=0.9)
        deriv = (bumped.expected_shortfall_usd_m - base.expected_shortfall_usd_m) / h
        c = base.contributions.set_index("loan_id").loc[lid, "contribution_usd_m"]
        assert deriv == pytest.approx(c, rel=1e-5)


def test_concentration_and_exposure_weights() -> None:
    res = aggregate(_book(), _paths(), n_paths=400, seed=1)
    exp = np.array([150.0, 80.0, 30.0, 10.0])
    shares = exp / exp.sum()
    assert res.hhi == pytest.approx((shares**2).sum(), rel=1e-12)
    assert res.top_shares["1"] == pytest.approx(150 / 270, rel=1e-12)
    p = _paths()
    ew = (150 * p["AAA"].prob_distress + 80 * p["BBB"].prob_distress) / 230
    assert res.exposure_weighted_prob_distress == pytest.approx(ew, rel=1e-12)


def test_distress_paths_reproduce_the_simulations_probability() -> None:
    """The path-level rule read from kept paths gives the simulation's own tally."""
    from debttrap.opendata import build_country
    from debttrap.stochastic.from_country import inputs_from_country
    from debttrap.stochastic.shocks import ShockModel, calibrate_from_history
    from debttrap.stochastic.simulate import simulate

    built = build_country("KEN", 2024)
    inp = inputs_from_country(built.country)
    cal, _ = calibrate_from_history("KEN", 2024, years=30)
    res = simulate(inp.inputs, ShockModel(cal), n_paths=300, seed=3,
                   thresholds_pct=inp.thresholds_pct, keep_paths=True)
    assert res.paths is not None
    d = distress_from(res.paths, dict(inp.thresholds_pct), DistressRule())
    assert d[:, :11].any(axis=1).mean() == res.main.prob_distress
    first = np.diff(np.concatenate([np.zeros((300, 1), bool), d], axis=1).astype(int), axis=1)
    assert (first >= 0).all()  # once in distress, stays


def test_a_borrowers_paths_do_not_depend_on_the_book_or_the_workers() -> None:
    one = borrower_paths("KEN", n_paths=100, seed=5, first_year=2024)
    again = borrower_paths("KEN", n_paths=100, seed=5, first_year=2024)
    assert one.distress is not None and again.distress is not None
    np.testing.assert_array_equal(one.distress, again.distress)
    frame = pd.DataFrame([
        {"loan_id": "a", "lender": "X", "borrower_iso3": "KEN", "outstanding_usd_m": 10.0,
         "rate_pct": 1.0, "first_repayment_date": "2025-01-01",
         "last_repayment_date": "2035-01-01"},
        {"loan_id": "b", "lender": "Y", "borrower_iso3": "UGA", "outstanding_usd_m": 5.0,
         "rate_pct": 1.0, "first_repayment_date": "2025-01-01",
         "last_repayment_date": "2030-01-01"},
    ])
    book = book_from_frame(frame, name="t", as_of=dt.date(2024, 1, 1), source="t")
    r1 = run_portfolio(book, n_paths=100, seed=5, workers=1)
    r2 = run_portfolio(book, n_paths=100, seed=5, workers=2)
    np.testing.assert_array_equal(r1.dsar_quantiles_usd_m, r2.dsar_quantiles_usd_m)
    pd.testing.assert_frame_equal(r1.contributions, r2.contributions)


def _loan_by_loan(book, paths):  # type: ignore[no-untyped-def]
    """Oracle: every loan's debt service at risk on every path and year, summed in loops."""
    from debttrap.portfolio import book_schedule

    sched = book_schedule(book)
    cols = [list(sched.years).index(int(y)) for y in YEARS]
    n = next(iter(p.distress for p in paths.values() if p.distress is not None)).shape[0]
    per_loan = np.zeros((book.n_loans, n, YEARS.size))
    for i, code in enumerate(book.loans["borrower_iso3"]):
        p = paths.get(code)
        if p is None or p.distress is None:
            continue
        for k, j in enumerate(cols):
            per_loan[i, :, k] = sched.debt_service_usd_m[i, j] * p.distress[:, k]
    return per_loan


def test_debt_service_at_risk_by_year_against_the_loan_by_loan_oracle() -> None:
    book, paths = _book(), _paths()
    res = aggregate(book, paths, n_paths=400, seed=1, tail=0.9)
    per_loan = _loan_by_loan(book, paths)
    book_paths = per_loan.sum(axis=0)  # (paths, years)
    for q, row in zip((0.5, 0.9, 0.95, 0.99), res.dsar_quantiles_usd_m, strict=True):
        np.testing.assert_allclose(row, np.quantile(book_paths, q, axis=0), rtol=1e-12,
                                   atol=1e-9)
    np.testing.assert_allclose(res.dsar_mean_usd_m, book_paths.mean(axis=0), rtol=1e-12)
    frame = res.to_frame()
    assert list(frame.index) == list(YEARS)
    assert (frame["dsar_p99_usd_m"] <= frame["debt_service_usd_m"] + 1e-9).all()
    # each loan's expected debt service at risk: its own, averaged over every path
    got = res.contributions.set_index("loan_id")["expected_at_risk_usd_m"]
    want = per_loan.sum(axis=2).mean(axis=1)
    for i, lid in enumerate(book.loans["loan_id"]):
        assert got[lid] == pytest.approx(want[i], rel=1e-12, abs=1e-12)


def test_which_lenders_a_borrowers_distress_would_hit() -> None:
    rows = [("L0", "Bank", "AAA", 100.0), ("L1", "Fund", "AAA", 50.0),
            ("L2", "Bank", "BBB", 80.0), ("L3", "Fund", "BBB", 20.0)]
    frame = pd.DataFrame([{"loan_id": i, "lender": lender, "borrower_iso3": c,
                           "outstanding_usd_m": a, "rate_pct": 2.0,
                           "first_repayment_date": "2024-06-30",
                           "last_repayment_date": "2031-06-30"} for i, lender, c, a in rows])
    book = book_from_frame(frame, name="t", as_of=dt.date(2023, 12, 31), source="t")
    paths = _paths()
    res = aggregate(book, paths, n_paths=400, seed=1, tail=0.9)
    hit = res.lenders_hit("aaa").set_index("lender")
    assert list(hit.index) == ["Bank", "Fund"]  # largest exposure first
    assert hit.loc["Bank", "share_of_borrower"] == pytest.approx(100 / 150, rel=1e-12)
    assert hit.loc["Fund", "share_of_lender"] == pytest.approx(50 / 70, rel=1e-12)
    per_loan = _loan_by_loan(book, paths).sum(axis=2).mean(axis=1)
    assert hit.loc["Fund", "expected_at_risk_usd_m"] == pytest.approx(per_loan[1], rel=1e-12)
    every = res.lenders_hit()
    assert every["contribution_usd_m"].sum() == pytest.approx(res.expected_shortfall_usd_m,
                                                              rel=1e-12)
    assert every.groupby("lender")["share_of_lender"].sum().tolist() == pytest.approx([1, 1])
    from debttrap.errors import InputError

    with pytest.raises(InputError, match="ZZZ"):
        res.lenders_hit("ZZZ")


@pytest.mark.parametrize(("n", "years"), [(1, 1), (7, 3), (400, 10)])
def test_packed_paths_round_trip_bit_for_bit(n: int, years: int) -> None:
    rng = np.random.default_rng(n)
    yrs = np.arange(2030, 2030 + years, dtype=np.int64)
    p = BorrowerPaths("KEN", "assessed", "high", "weak", 0.25, yrs, rng.random((n, years)) < 0.3)
    back = BorrowerPaths.unpack(p.packed())
    assert back.distress is not None and p.distress is not None
    np.testing.assert_array_equal(back.distress, p.distress)
    np.testing.assert_array_equal(back.years, yrs)
    assert (back.iso3, back.status, back.rating, back.capacity, back.prob_distress) == (
        "KEN", "assessed", "high", "weak", 0.25)
    none = BorrowerPaths("XXX", "not assessed: no data", "not assessed", "", float("nan"),
                         np.zeros(0, dtype=np.int64), None)
    again = BorrowerPaths.unpack(none.packed())
    assert again.distress is None and again.years.size == 0 and not again.assessed


@settings(max_examples=30, deadline=None)
@given(
    amounts=st.lists(st.tuples(st.sampled_from(["AAA", "BBB", "CCC"]), st.floats(0.0, 1e4)),
                     min_size=1, max_size=8),
    probs=st.tuples(st.floats(0.0, 0.5), st.floats(0.0, 0.5)),
    tail=st.floats(0.5, 0.99), seed=st.integers(0, 2**31),
)
def test_book_identities_hold_for_any_book(amounts: list[tuple[str, float]],
                                           probs: tuple[float, float], tail: float,
                                           seed: int) -> None:
    """Contributions add up to the expected shortfall and none is negative; the expected
    shortfall lies between the mean loss and the whole service in the horizon; quantiles
    rise with the level."""
    frame = pd.DataFrame([{"loan_id": f"L{i}", "lender": "Bank", "borrower_iso3": code,
                           "outstanding_usd_m": a, "rate_pct": 3.0,
                           "first_repayment_date": "2025-06-30",
                           "last_repayment_date": "2032-06-30"}
                          for i, (code, a) in enumerate(amounts)])
    book = book_from_frame(frame, name="t", as_of=dt.date(2023, 12, 31), source="t")
    rng = np.random.default_rng(seed)
    paths = {}
    for code, p in zip(("AAA", "BBB"), probs, strict=True):
        d = np.logical_or.accumulate(rng.random((200, YEARS.size)) < p, axis=1)
        paths[code] = BorrowerPaths(code, "assessed", "high", "weak", float(d.any(1).mean()),
                                    YEARS, d)
    res = aggregate(book, paths, n_paths=200, seed=1, tail=tail)
    c = res.contributions
    assert c["contribution_usd_m"].sum() == pytest.approx(res.expected_shortfall_usd_m,
                                                          rel=1e-12, abs=1e-9)
    total = float(res.debt_service_usd_m.sum())
    assert (c["contribution_usd_m"] >= -1e-12).all()
    assert res.expected_shortfall_usd_m <= total + 1e-9
    assert res.expected_shortfall_usd_m >= res.dsar_mean_usd_m.sum() - 1e-9
    assert (np.diff(res.dsar_quantiles_usd_m, axis=0) >= -1e-9).all()
