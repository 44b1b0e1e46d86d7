"""Loans as a structure of arrays: the form the vectorized engine works on.

:class:`LoanArrays` holds the terms of many loans as NumPy arrays over loans
(and over the engine's time grid where terms vary in time). Build it from
:class:`~debttrap.terms.Loan` objects with :meth:`LoanArrays.from_loans`, or
straight from arrays with :meth:`LoanArrays.from_arrays` when there are too many
loans to validate one object at a time (portfolio work, benchmarks); both paths
apply the same checks.

The time grid: step ``h = 1 / A`` years where ``A`` is the largest
``payments_per_year`` in the batch (1, 2 or 4; each divides 4), steps
``s = 0 .. S`` at times ``s * h`` with ``S = A * max(maturity_years)``. A loan
paying ``a`` times a year pays at every ``A / a``-th step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from debttrap.errors import InputError
from debttrap.terms.loan import Amortization, FixedRate, FloatingRate, Loan, SteppedRate

__all__ = ["AMORTIZATION_CODES", "LoanArrays"]

AMORTIZATION_CODES: dict[Amortization, int] = {
    Amortization.EQUAL_PRINCIPAL: 0,
    Amortization.ANNUITY: 1,
    Amortization.BULLET: 2,
    Amortization.CUSTOM: 3,
}

_TOL = 1e-9
FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class LoanArrays:
    """Terms of ``n`` loans as arrays (decimals inside: 0.02 means 2%).

    Attributes
    ----------
    amount_m : (n,) commitment (face), millions of each loan's currency.
    proceeds_ratio : (n,) cash paid out per unit of face (issue price / 100).
    disbursement_shares : (n, J) share of the commitment paid at year j after signing.
    rate_dec : (n, S) or (n, 1) interest rate for the period ending at step s (column s-1).
    management_fee_dec, commitment_fee_dec : (n,) decimals.
    insurance_dec : (n, S+1) premium paid at each step, as a share of the commitment, or None.
    grace_years, maturity_years : (n,) floats.
    payments_per_year : (n,) ints in {1, 2, 4}.
    amortization_code : (n,) ints, see ``AMORTIZATION_CODES``.
    custom_shares : (n, K) principal shares by instalment for custom loans, or None.
    capitalize : (n,) bool, capitalize interest during grace.
    signing_year : (n,) ints.
    steps_per_year : A, the grid density.
    """

    amount_m: FloatArray
    proceeds_ratio: FloatArray
    disbursement_shares: FloatArray
    rate_dec: FloatArray
    management_fee_dec: FloatArray
    commitment_fee_dec: FloatArray
    insurance_dec: FloatArray | None
    grace_years: FloatArray
    maturity_years: FloatArray
    payments_per_year: IntArray
    amortization_code: IntArray
    custom_shares: FloatArray | None
    capitalize: NDArray[np.bool_]
    signing_year: IntArray
    steps_per_year: int

    @property
    def n_loans(self) -> int:
        return int(self.amount_m.shape[0])

    @property
    def n_steps(self) -> int:
        """Number of periods on the grid (``S``); the grid has ``S + 1`` points."""
        return round(float(self.maturity_years.max()) * self.steps_per_year)

    @property
    def times_years(self) -> FloatArray:
        return np.arange(self.n_steps + 1, dtype=np.float64) / self.steps_per_year

    # ------------------------------------------------------------------ builders
    @classmethod
    def from_loans(cls, loans: Sequence[Loan]) -> LoanArrays:
        """Pack validated :class:`Loan` objects into arrays."""
        if len(loans) == 0:
            raise InputError("at least one loan is needed", field="loans")
        n = len(loans)
        steps_per_year = max(loan.payments_per_year for loan in loans)
        max_maturity = max(loan.maturity_years for loan in loans)
        n_steps = round(max_maturity * steps_per_year)
        h = 1.0 / steps_per_year
        j_max = max(len(loan.disbursement_shares) for loan in loans)
        disb = np.zeros((n, j_max))
        for i, loan in enumerate(loans):
            disb[i, : len(loan.disbursement_shares)] = loan.disbursement_shares

        all_fixed = all(isinstance(loan.interest, FixedRate) for loan in loans)
        if all_fixed:
            rate = np.array([[loan.interest.rate_pct / 100.0] for loan in loans])  # type: ignore[union-attr]
        else:
            rate = np.empty((n, n_steps))
            starts = np.arange(n_steps) * h  # period s+1 starts at s*h
            ends = starts + h
            for i, loan in enumerate(loans):
                interest = loan.interest
                if isinstance(interest, FixedRate):
                    rate[i, :] = interest.rate_pct / 100.0
                elif isinstance(interest, SteppedRate):
                    step_starts = np.array([s for s, _ in interest.steps])
                    step_rates = np.array([r for _, r in interest.steps]) / 100.0
                    idx = np.searchsorted(step_starts, starts + _TOL, side="right") - 1
                    rate[i, :] = step_rates[idx]
                elif isinstance(interest, FloatingRate):
                    years = loan.signing_year + np.ceil(ends - _TOL).astype(np.int64)
                    path, default = interest.index_path_pct, interest.default_index_pct
                    index = np.array([path.get(int(y), default) for y in years])
                    rate[i, :] = np.maximum(0.0, index + interest.margin_pct) / 100.0
        insurance = None
        if any(loan.insurance is not None for loan in loans):
            insurance = np.zeros((n, n_steps + 1))
            for i, loan in enumerate(loans):
                if loan.insurance is None:
                    continue
                for year, share in zip(
                    loan.insurance.instalment_years, loan.insurance.shares, strict=True
                ):
                    insurance[i, round(year * steps_per_year)] += (
                        loan.insurance.premium_pct / 100.0 * share
                    )
        custom = None
        if any(loan.amortization is Amortization.CUSTOM for loan in loans):
            k_max = max(loan.n_repayments for loan in loans)
            custom = np.zeros((n, k_max))
            for i, loan in enumerate(loans):
                if loan.principal_shares is not None:
                    custom[i, : len(loan.principal_shares)] = loan.principal_shares
        return cls(
            amount_m=np.array([loan.amount_m for loan in loans], dtype=np.float64),
            proceeds_ratio=np.array([loan.issue_price_pct / 100.0 for loan in loans]),
            disbursement_shares=disb,
            rate_dec=rate,
            management_fee_dec=np.array([loan.management_fee_pct / 100.0 for loan in loans]),
            commitment_fee_dec=np.array([loan.commitment_fee_pct / 100.0 for loan in loans]),
            insurance_dec=insurance,
            grace_years=np.array([loan.grace_years for loan in loans], dtype=np.float64),
            maturity_years=np.array([loan.maturity_years for loan in loans], dtype=np.float64),
            payments_per_year=np.array([loan.payments_per_year for loan in loans], dtype=np.int64),
            amortization_code=np.array(
                [AMORTIZATION_CODES[loan.amortization] for loan in loans], dtype=np.int64
            ),
            custom_shares=custom,
            capitalize=np.array([loan.capitalize_interest_during_grace for loan in loans]),
            signing_year=np.array([loan.signing_year for loan in loans], dtype=np.int64),
            steps_per_year=steps_per_year,
        )

    @classmethod
    def from_arrays(
        cls,
        *,
        amount_m: ArrayLike,
        rate_pct: ArrayLike,
        grace_years: ArrayLike,
        maturity_years: ArrayLike,
        payments_per_year: ArrayLike = 1,
        amortization: ArrayLike | str = "equal_principal",
        management_fee_pct: ArrayLike = 0.0,
        commitment_fee_pct: ArrayLike = 0.0,
        disbursement_shares: ArrayLike | None = None,
        signing_year: ArrayLike = 2025,
        issue_price_pct: ArrayLike = 100.0,
        capitalize_interest_during_grace: ArrayLike = False,
    ) -> LoanArrays:
        """Build fixed-rate loans straight from arrays (broadcast to a common length).

        ``amortization`` is a name (``"annuity"``) or an array of names or codes
        (equal_principal=0, annuity=1, bullet=2). Applies the same checks as
        :class:`Loan` and raises :class:`InputError` naming the first bad loan.
        """
        f64 = np.float64
        amount, rate, grace, maturity, ppy_f, mfee, cfee, signing_f, price, cap = (
            np.broadcast_arrays(
                np.asarray(amount_m, dtype=f64),
                np.asarray(rate_pct, dtype=f64),
                np.asarray(grace_years, dtype=f64),
                np.asarray(maturity_years, dtype=f64),
                np.asarray(payments_per_year, dtype=f64),
                np.asarray(management_fee_pct, dtype=f64),
                np.asarray(commitment_fee_pct, dtype=f64),
                np.asarray(signing_year, dtype=f64),
                np.asarray(issue_price_pct, dtype=f64),
                np.asarray(capitalize_interest_during_grace, dtype=f64),
            )
        )
        n = int(np.atleast_1d(amount).shape[0])

        def full(x: FloatArray) -> FloatArray:
            out = np.empty(n, dtype=f64)  # an own copy, filled by broadcasting
            out[...] = x
            return out

        amount, rate, grace, maturity, ppy_f, mfee, cfee, signing_f, price, cap = (
            full(x)
            for x in (amount, rate, grace, maturity, ppy_f, mfee, cfee, signing_f, price, cap)
        )
        codes: IntArray
        if isinstance(amortization, str):
            codes = np.full(n, _amortization_code(amortization), dtype=np.int64)
        else:
            arr = np.asarray(amortization)
            if arr.dtype.kind in "US":
                names, inverse = np.unique(arr.ravel(), return_inverse=True)
                lookup = np.array([_amortization_code(str(x)) for x in names], dtype=np.int64)
                raw = lookup[inverse].reshape(arr.shape)
            else:
                raw = arr.astype(np.int64)
            codes = np.broadcast_to(raw, (n,)).copy()
        if disbursement_shares is None:
            disb = np.ones((n, 1))
        else:
            disb = np.asarray(disbursement_shares, dtype=f64)
            disb = disb if disb.ndim == 2 else disb[None, :]
            disb = np.broadcast_to(disb, (n, disb.shape[-1])).copy()

        _check_batch(
            amount, rate, grace, maturity, ppy_f, mfee, cfee, price, signing_f, codes, disb
        )
        ppy = ppy_f.astype(np.int64)
        signing = signing_f.astype(np.int64)
        steps_per_year = int(ppy.max())
        return cls(
            amount_m=amount.astype(np.float64),
            proceeds_ratio=price.astype(np.float64) / 100.0,
            disbursement_shares=disb,
            rate_dec=(rate.astype(np.float64) / 100.0)[:, None],
            management_fee_dec=mfee.astype(np.float64) / 100.0,
            commitment_fee_dec=cfee.astype(np.float64) / 100.0,
            insurance_dec=None,
            grace_years=grace.astype(np.float64),
            maturity_years=maturity.astype(np.float64),
            payments_per_year=ppy.astype(np.int64),
            amortization_code=codes,
            custom_shares=None,
            capitalize=cap != 0.0,
            signing_year=signing.astype(np.int64),
            steps_per_year=steps_per_year,
        )


def _amortization_code(name: str) -> int:
    key = name.strip().lower().replace("-", "_")
    try:
        code = AMORTIZATION_CODES[Amortization(key)]
    except ValueError:
        raise InputError(
            f"unknown amortization '{name}' (use equal-principal, annuity or bullet)",
            field="amortization",
        ) from None
    if code == AMORTIZATION_CODES[Amortization.CUSTOM]:
        raise InputError(
            "custom amortization needs principal shares: build the loan as a Loan object",
            field="amortization",
        )
    return code


def _first_bad(mask: NDArray[np.bool_]) -> int | None:
    bad = np.flatnonzero(mask)
    return int(bad[0]) if bad.size else None


def _check_batch(
    amount: FloatArray,
    rate: FloatArray,
    grace: FloatArray,
    maturity: FloatArray,
    ppy: FloatArray,
    mfee: FloatArray,
    cfee: FloatArray,
    price: FloatArray,
    signing: FloatArray,
    codes: IntArray,
    disb: FloatArray,
) -> None:
    a = ppy
    with np.errstate(invalid="ignore"):
        checks: list[tuple[str, NDArray[np.bool_], str]] = [
            ("amount_m", ~(np.isfinite(amount) & (amount > 0)), "must be a positive number"),
            ("rate_pct", ~(np.isfinite(rate) & (rate >= 0) & (rate <= 100)), "must be 0-100"),
            (
                "payments_per_year",
                ~((ppy == 1.0) | (ppy == 2.0) | (ppy == 4.0)),
                "must be 1, 2 or 4",
            ),
            ("grace_years", ~(np.isfinite(grace) & (grace >= 0)), "must not be negative"),
            (
                "maturity_years",
                ~(np.isfinite(maturity) & (maturity > 0) & (maturity <= 100)),
                "must be positive and at most 100",
            ),
            ("grace_years", grace >= maturity, "must be shorter than maturity_years"),
            (
                "grace_years",
                np.abs(grace * a - np.round(grace * a)) > 1e-7,
                "must be a whole number of payment periods",
            ),
            (
                "maturity_years",
                np.abs(maturity * a - np.round(maturity * a)) > 1e-7,
                "must be a whole number of payment periods",
            ),
            ("management_fee_pct", ~((mfee >= 0) & (mfee <= 100)), "must be 0-100"),
            ("commitment_fee_pct", ~((cfee >= 0) & (cfee <= 100)), "must be 0-100"),
            ("issue_price_pct", ~((price > 0) & (price <= 200)), "must be in (0, 200]"),
            (
                "signing_year",
                ~((signing >= 1900) & (signing <= 2200) & (signing == np.round(signing))),
                "must be a whole year between 1900 and 2200",
            ),
            (
                "amortization",
                ~((codes >= 0) & (codes <= 2)),  # integer codes 0, 1, 2
                "must be equal-principal, annuity or bullet",
            ),
            (
                "disbursement_shares",
                np.asarray(~np.isfinite(disb).all(axis=1) | (disb < 0).any(axis=1)),
                "must be finite and not negative",
            ),
            ("disbursement_shares", np.abs(disb.sum(axis=1) - 1.0) > 1e-6, "must sum to 1"),
        ]
    positive = disb > 0
    last_disb = disb.shape[1] - 1 - np.argmax(positive[:, ::-1], axis=1)
    checks.append(
        (
            "disbursement_shares",
            last_disb > grace + _TOL,
            "run past grace_years: all money must be paid out before the first repayment",
        )
    )
    for field, mask, message in checks:
        if not np.any(mask):  # the common case: cheaper than locating nothing
            continue
        i = _first_bad(np.asarray(mask))
        if i is not None:
            raise InputError(f"{message} (loan {i})", field=field)
