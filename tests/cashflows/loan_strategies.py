"""Hypothesis strategies for loan contracts (shared by the cash-flow tests)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from debttrap.terms import Creditor, Insurance, Loan

LENDER = Creditor(name="property", type="bilateral_other")

rates_pct = st.floats(min_value=0.0, max_value=20.0, allow_nan=False, allow_subnormal=False)


@st.composite
def shares(draw: st.DrawFn, n: int) -> tuple[float, ...]:
    """``n`` non-negative shares summing to 1 (the last one absorbs rounding)."""
    if n == 1:
        return (1.0,)
    weights = draw(st.lists(st.integers(0, 10), min_size=n, max_size=n))
    if sum(weights) == 0:
        weights[0] = 1
    total = sum(weights)
    out = [w / total for w in weights[:-1]]
    out.append(1.0 - sum(out))
    return tuple(max(x, 0.0) for x in out)


@st.composite
def loan_terms(
    draw: st.DrawFn,
    *,
    frequencies: tuple[int, ...] = (1, 2, 4),
    amortizations: tuple[str, ...] = ("equal_principal", "annuity", "bullet", "custom"),
    fees: bool = True,
    profiles: bool = True,
    capitalize: bool = True,
    insurance: bool = True,
    stepped: bool = True,
    max_years: int = 40,
) -> dict[str, Any]:
    """Keyword arguments of a valid :class:`Loan` (everything the engine supports)."""
    a = draw(st.sampled_from(frequencies))
    periods = draw(st.integers(1, max_years * a))
    grace_periods = draw(st.integers(0, periods - 1))
    grace = grace_periods / a
    maturity = periods / a
    amort = draw(st.sampled_from(amortizations))
    terms: dict[str, Any] = {
        "creditor": LENDER,
        "amount_m": draw(st.floats(0.01, 5000.0, allow_nan=False)),
        "signing_year": draw(st.integers(2000, 2040)),
        "grace_years": grace,
        "maturity_years": maturity,
        "payments_per_year": a,
        "amortization": amort,
    }
    if stepped and draw(st.booleans()):
        step_at = draw(st.integers(1, max(1, periods))) / a
        terms["interest"] = {
            "kind": "stepped",
            "steps": ((0.0, draw(rates_pct)), (step_at, draw(rates_pct))),
        }
    else:
        terms["rate_pct"] = draw(rates_pct)
    if amort == "custom":
        terms["principal_shares"] = draw(shares(periods - grace_periods))
    if profiles:
        n_tranches = draw(st.integers(1, int(grace) + 1))
        terms["disbursement_shares"] = draw(shares(n_tranches))
    if fees:
        terms["management_fee_pct"] = draw(st.floats(0.0, 3.0, allow_subnormal=False))
        terms["commitment_fee_pct"] = draw(st.floats(0.0, 2.0, allow_subnormal=False))
        terms["issue_price_pct"] = draw(st.floats(90.0, 105.0))
    if capitalize:
        terms["capitalize_interest_during_grace"] = draw(st.booleans())
    if insurance and draw(st.booleans()):
        years = sorted(set(draw(st.lists(st.integers(0, periods), min_size=1, max_size=3))))
        terms["insurance"] = Insurance(
            premium_pct=draw(st.floats(0.0, 8.0, allow_subnormal=False)),
            instalment_years=tuple(k / a for k in years),
        )
    return terms


def loans(**kwargs: Any) -> st.SearchStrategy[Loan]:
    return loan_terms(**kwargs).map(lambda terms: Loan(**terms))


def random_loans(rng: Any, n: int) -> list[Loan]:
    """``n`` valid loans with every feature mixed in, from a NumPy ``Generator``."""
    out = []
    for i in range(n):
        a = int(rng.choice([1, 2, 4]))
        periods = int(rng.integers(1, 40 * a + 1))
        grace_periods = int(rng.integers(0, periods))
        grace = grace_periods / a
        amort = ("equal_principal", "annuity", "bullet", "custom")[i % 4]
        terms: dict[str, Any] = {
            "creditor": LENDER,
            "amount_m": float(rng.uniform(0.1, 3000.0)),
            "signing_year": int(rng.integers(2000, 2040)),
            "grace_years": grace,
            "maturity_years": periods / a,
            "payments_per_year": a,
            "amortization": amort,
            "management_fee_pct": float(rng.choice([0.0, rng.uniform(0, 2)])),
            "commitment_fee_pct": float(rng.choice([0.0, rng.uniform(0, 1)])),
            "issue_price_pct": float(rng.choice([100.0, rng.uniform(95, 102)])),
            "capitalize_interest_during_grace": bool(rng.random() < 0.25),
        }
        kind = i % 3
        if kind == 0:
            terms["rate_pct"] = float(rng.uniform(0, 12))
        elif kind == 1:
            terms["interest"] = {
                "kind": "stepped",
                "steps": ((0.0, float(rng.uniform(0, 6))),
                          (float(rng.integers(1, 4 * periods // a + 2)) / 4,
                           float(rng.uniform(0, 12)))),
            }
        else:
            terms["interest"] = {
                "kind": "floating",
                "index": "SOFR",
                "margin_pct": float(rng.uniform(-1, 5)),
                "default_index_pct": float(rng.uniform(0, 6)),
                "index_path_pct": {
                    int(y): float(rng.uniform(-1, 8))
                    for y in rng.integers(2000, 2080, size=int(rng.integers(0, 15)))
                },
            }
        n_rep = periods - grace_periods
        if amort == "custom":
            w = rng.random(n_rep) * (rng.random(n_rep) < 0.7)
            w[-1] += 0.1
            terms["principal_shares"] = tuple(w / w.sum())
        n_tranches = int(rng.integers(1, int(grace) + 2))
        sh = rng.random(n_tranches) + 0.05
        terms["disbursement_shares"] = tuple(sh / sh.sum())
        if rng.random() < 0.3:
            years = sorted({int(k) for k in rng.integers(0, periods + 1, size=2)})
            terms["insurance"] = Insurance(
                premium_pct=float(rng.uniform(0, 7)),
                instalment_years=tuple(k / a for k in years),
            )
        out.append(Loan(**terms))
    return out
