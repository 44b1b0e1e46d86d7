"""The project's expected cost overrun that falls on the budget, as a loan of its own."""

from __future__ import annotations

import math

import numpy as np

from debttrap.leverage.project import ProjectEconomics
from debttrap.terms.loan import FixedRate, Loan
from debttrap.terms.offer import Offer

#: The IMF discount rate: the overrun's rate when the offer has no PPG loan to copy.
_IMF_RATE_PCT = 5.0


def _overrun_loan(offer: Offer, econ: ProjectEconomics) -> tuple[Loan | None, str]:
    """The expected overrun that falls on the budget, as a loan (None if there is none)."""
    mean = np.asarray(econ.overrun_borrowed_usd_m.mean(axis=0), dtype=np.float64)
    total = float(mean.sum())
    if total <= 1e-6:
        return None, "no cost overrun falls on the budget"
    years = econ.years
    nz = np.flatnonzero(mean > 0)
    first, last = int(years[nz[0]]), int(years[nz[-1]])
    shares = mean[nz[0] : nz[-1] + 1] / total
    shares = shares / shares.sum()
    ppg = [
        (ln.amount_m * fx, ln)
        for ln, fx, r in zip(offer.loans, offer.usd_per_unit(), offer.roles, strict=True)
        if r.ppg
    ] if offer.loans else []
    n_disb = last - first
    if ppg:
        template = max(ppg, key=lambda p: p[0])[1]
        a = template.payments_per_year
        grace = max(template.grace_years, math.ceil(n_disb * a) / a)
        maturity = max(template.maturity_years, grace + 1.0)
        interest = template.interest
        creditor = template.creditor
        how = (
            f"borrowed on the terms of '{template.name}' ({interest.describe()}, "
            f"{maturity:g} y, {grace:g} y grace)"
        )
    else:
        a = 1
        grace = float(n_disb)
        maturity = grace + 10.0
        interest = FixedRate(rate_pct=_IMF_RATE_PCT)
        creditor = offer.lender
        how = (
            "the offer has no PPG loan: borrowed at 5% fixed (the IMF discount rate, grant "
            f"element 0), {maturity:g} y, {grace:g} y grace"
        )
    loan = Loan(
        name=f"Cost overrun on the budget ({offer.name})",
        creditor=creditor,
        amount_m=total,
        signing_year=first,
        disbursement_shares=tuple(float(s) for s in shares),
        interest=interest,
        grace_years=grace,
        maturity_years=maturity,
        payments_per_year=a,
    )
    note = (
        f"expected cost overrun on the budget US$ {total:,.1f} m over {first}-{last} "
        f"(mean of {econ.n_paths} project paths), {how}; added to the debt path, not to the "
        "lender's share"
    )
    return loan, note

