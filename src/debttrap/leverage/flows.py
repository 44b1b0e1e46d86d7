"""An offer's cash flows in US dollars by calendar year: the input of the leverage layer.

The loan engine (:func:`debttrap.cashflows.schedules`) works in each loan's
own currency; :func:`offer_flows` runs it on the offer's loans, converts each
loan at the offer's constant ``fx_usd_per_unit`` and adds the grants, so that
everything downstream is in US$ millions on one year axis.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from debttrap.cashflows import AnnualFlows, grant_element, schedules
from debttrap.errors import InputError
from debttrap.terms.offer import Offer

__all__ = [
    "OfferFlows",
    "offer_flows",
    "package_grant_element_pct",
    "usd_annual_flows",
    "weighted_grant_element_pct",
]

FloatArray = NDArray[np.float64]


G = TypeVar("G", bound=np.generic)


def _frozen(a: NDArray[G]) -> NDArray[G]:
    out: NDArray[G] = np.array(a, copy=True)
    out.setflags(write=False)
    return out


@dataclass(frozen=True, slots=True)
class OfferFlows:
    """Flows of an offer's ``n`` loans, each ``(n, Y)`` in US$ m, plus grants ``(Y,)``.

    ``ppg`` and ``serviced_by_project`` are ``(n,)`` masks from the loan roles.
    """

    years: NDArray[np.int64]
    disbursement_usd_m: FloatArray
    interest_usd_m: FloatArray
    principal_usd_m: FloatArray
    fees_usd_m: FloatArray
    balance_end_usd_m: FloatArray
    grants_usd_m: FloatArray
    ppg: NDArray[np.bool_]
    serviced_by_project: NDArray[np.bool_]

    @property
    def debt_service_usd_m(self) -> FloatArray:
        """Interest + principal + fees, ``(n, Y)``."""
        return self.interest_usd_m + self.principal_usd_m + self.fees_usd_m

    def _sum(self, x: FloatArray, mask: NDArray[np.bool_] | None) -> FloatArray:
        rows = x if mask is None else x[mask]
        return rows.sum(axis=0) if rows.shape[0] else np.zeros(self.years.shape)

    def debt_service(self, mask: NDArray[np.bool_] | None = None) -> FloatArray:
        """Debt service of the loans in ``mask`` (all if None), ``(Y,)``."""
        return self._sum(self.debt_service_usd_m, mask)

    def balance(self, mask: NDArray[np.bool_] | None = None) -> FloatArray:
        """End-of-year face outstanding of the loans in ``mask``, ``(Y,)``."""
        return self._sum(self.balance_end_usd_m, mask)

    def to_frame(self) -> pd.DataFrame:
        """Totals by calendar year: all loans, the PPG ones, the project-serviced ones, grants."""
        ds = self.debt_service_usd_m
        return pd.DataFrame(
            {
                "disbursement_usd_m": self._sum(self.disbursement_usd_m, None),
                "interest_usd_m": self._sum(self.interest_usd_m, None),
                "principal_usd_m": self._sum(self.principal_usd_m, None),
                "fees_usd_m": self._sum(self.fees_usd_m, None),
                "debt_service_usd_m": self._sum(ds, None),
                "balance_end_usd_m": self._sum(self.balance_end_usd_m, None),
                "ppg_debt_service_usd_m": self._sum(ds, self.ppg),
                "ppg_balance_end_usd_m": self._sum(self.balance_end_usd_m, self.ppg),
                "project_debt_service_usd_m": self._sum(ds, self.serviced_by_project),
                "grants_usd_m": self.grants_usd_m,
            },
            index=pd.Index(self.years, name="year"),
        )


def usd_annual_flows(
    flows: AnnualFlows, usd_per_unit: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """Disbursement, interest, principal, fees, balance of ``flows`` in US$ (rows scaled)."""
    fx = np.asarray(usd_per_unit, dtype=np.float64)[:, None]
    return (
        flows.disbursement * fx,
        flows.interest * fx,
        flows.principal * fx,
        flows.fees * fx,
        flows.balance_end * fx,
    )


def offer_flows(
    offer: Offer,
    first_year: int | None = None,
    last_year: int | None = None,
    *,
    widen: bool = False,
) -> OfferFlows:
    """The offer's loans (converted to US$) and grants on calendar years.

    Without bounds the axis runs from the first to the last year in which any
    loan or grant has a flow. A bound replaces its end of that axis; with
    ``widen`` it only extends it (the axis covers both the flows and the bounds).
    """
    grant_years = [y for g in offer.grants for y in g.amounts_usd_m]
    n = len(offer.loans)
    if n:
        batch = schedules(list(offer.loans))
        natural = batch.by_calendar_year()
        lo = min([int(natural.years[0]), *grant_years])
        hi = max([int(natural.years[-1]), *grant_years])
    else:
        lo, hi = min(grant_years), max(grant_years)
    if first_year is not None:
        lo = min(lo, first_year) if widen else first_year
    if last_year is not None:
        hi = max(hi, last_year) if widen else last_year
    if hi < lo:
        raise InputError(f"last_year {hi} is before first_year {lo}", field="last_year")
    years = np.arange(lo, hi + 1, dtype=np.int64)
    if n:
        annual = batch.by_calendar_year(lo, hi)
        disb, intr, prin, fees, bal = usd_annual_flows(annual, offer.usd_per_unit())
    else:
        disb = intr = prin = fees = bal = np.zeros((0, years.size))
    return OfferFlows(
        years=_frozen(years),
        disbursement_usd_m=_frozen(disb),
        interest_usd_m=_frozen(intr),
        principal_usd_m=_frozen(prin),
        fees_usd_m=_frozen(fees),
        balance_end_usd_m=_frozen(bal),
        grants_usd_m=_frozen(offer.grants_by_year_usd_m(years)),
        ppg=_frozen(offer.ppg_mask()),
        serviced_by_project=_frozen(offer.project_mask()),
    )


def weighted_grant_element_pct(
    amounts_usd_m: Sequence[float], grant_elements_pct: Sequence[float], grants_usd_m: float
) -> float:
    """A package's grant element, percent: its loans' weighted by US$ face, grants at 100%.

    NaN where the package holds nothing (no loan amount and no grant).
    """
    total = math.fsum(amounts_usd_m) + grants_usd_m
    if total <= 0.0:
        return float("nan")
    part = math.fsum(a * g for a, g in zip(amounts_usd_m, grant_elements_pct, strict=True))
    return float((part + 100.0 * grants_usd_m) / total)


def package_grant_element_pct(
    offer: Offer, method: str = "imf", income_group: str | None = None
) -> float:
    """Grant element of the whole offer, percent: loans weighted by US$ face, grants at 100%.

    Each loan's grant element comes from :func:`debttrap.cashflows.grant_element`
    under ``method`` (``"imf"``: 5%; ``"oecd-dac"``: by income group); the
    package figure is their average weighted by commitments in US$, with the
    grants counted as 100% grant element — the package view of the IMF Debt
    Limits Policy (:func:`weighted_grant_element_pct`).
    """
    weights = [ln.amount_m * fx for ln, fx in zip(offer.loans, offer.usd_per_unit(), strict=True)]
    ges = [
        grant_element(ln, method=method, income_group=income_group).grant_element_pct
        for ln in offer.loans
    ]
    return weighted_grant_element_pct(weights, ges, offer.grants_usd_m)
