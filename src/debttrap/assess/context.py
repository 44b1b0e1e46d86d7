"""One offer's context, computed once: its loans' grant elements, its flows, its project,
its overrun loan, and the LIC-DSF runs with and without it.

Everything here depends on the offer alone (and the country); the orchestrator
(:mod:`debttrap.assess.core`) reads it, and nothing recomputes it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from debttrap._numeric import read_only_copy
from debttrap.assess.booking import count_public
from debttrap.assess.judgement import CLAUSE_DRAWS, SummaryOnce
from debttrap.assess.labels import _SHORT, FloatArray
from debttrap.assess.overrun import _overrun_loan
from debttrap.assess.results import DebtOutlook, LoanAssessment
from debttrap.cashflows import grant_element
from debttrap.country.derived import derive
from debttrap.country.model import Country
from debttrap.dsa.indicators import INDICATORS, SERVICE_INDICATORS
from debttrap.dsa.run import DSAResult, run_dsa
from debttrap.errors import DataError
from debttrap.leverage.clauses import ClauseProfile, clause_profile
from debttrap.leverage.evidence import ClauseProfileDraw, clause_draws
from debttrap.leverage.flows import OfferFlows, offer_flows, weighted_grant_element_pct
from debttrap.leverage.project import ProjectEconomics, offer_project_economics
from debttrap.leverage.verdict import IndicatorChange, indicator_change
from debttrap.terms.loan import Loan
from debttrap.terms.offer import Offer

_INCOME_GROUPS = {
    "Low income": "lic",
    "Lower middle income": "lmic",
    "Upper middle income": "umic",
}



def _income_group(code: str | None) -> tuple[str, str]:
    """(OECD-DAC income group, its source) for the country."""
    if code is not None:
        from debttrap import datasets as ds

        try:
            table = ds.gcdf_country_commitments(code)
        except DataError:
            table = pd.DataFrame()
        if not table.empty:
            label = str(table["income_group"].iloc[0])
            if label in _INCOME_GROUPS:
                return _INCOME_GROUPS[label], (
                    f"aiddata-gcdf3-derived: income_group '{label}' (World Bank 2021 "
                    "classification)"
                )
    return "lic", "assumption: no income group in the bundled data; LIC (DAC rate 9%)"



def _public_debt_to_gdp_pct(country: Country, dsa: DSAResult) -> FloatArray:
    der = derive(country)
    n = dsa.years.size
    sl = slice(der.t_index, der.t_index + n)
    gdp_lcu = der.nominal_gdp_usd_m[sl] * der.exchange_rate_avg_lcu_per_usd[sl]
    return read_only_copy(100.0 * dsa.baseline.public_debt_nominal_lcu_m / gdp_lcu)


def _outlook(label: str, country: Country) -> DebtOutlook:
    dsa = run_dsa(country)
    return DebtOutlook(label=label, dsa=dsa,
                       public_debt_to_gdp_pct=_public_debt_to_gdp_pct(country, dsa))


def _describe_terms(loan: Loan) -> str:
    rate = loan.interest.describe()
    fees = []
    if loan.management_fee_pct:
        fees.append(f"mgmt fee {loan.management_fee_pct:g}%")
    if loan.commitment_fee_pct:
        fees.append(f"commitment fee {loan.commitment_fee_pct:g}%")
    if loan.insurance is not None:
        fees.append(f"insurance {loan.insurance.premium_pct:g}%")
    extra = f", {', '.join(fees)}" if fees else ""
    return f"{rate}, {loan.maturity_years:g} y, {loan.grace_years:g} y grace{extra}"


def _loan_assessments(offer: Offer, income_group: str) -> tuple[LoanAssessment, ...]:
    out = []
    fx = offer.usd_per_unit() if offer.loans else np.zeros(0)
    for i, (loan, role) in enumerate(zip(offer.loans, offer.roles, strict=True)):
        imf = grant_element(loan, method="imf")
        dac = grant_element(loan, method="oecd-dac", income_group=income_group)
        rate = float(fx[i])
        out.append(
            LoanAssessment(
                index=i,
                name=loan.name,
                creditor=loan.creditor.name,
                currency=loan.currency,
                amount_m=loan.amount_m,
                amount_usd_m=loan.amount_m * rate,
                signing_year=loan.signing_year,
                terms=_describe_terms(loan),
                ppg=role.ppg,
                serviced_by_project=role.serviced_by_project,
                grant_element_imf_pct=imf.grant_element_pct,
                grant_element_oecd_dac_pct=dac.grant_element_pct,
                concessional_imf=imf.concessional,
                pv_debt_service_usd_m=imf.pv_debt_service_m * rate,
                pv_disbursed_usd_m=imf.pv_disbursements_m * rate,
            )
        )
    return tuple(out)



def _size_pct_gdp(loans: tuple[Loan, ...], der: Any) -> float | None:
    """US$ loan commitments as % of GDP in the first signing year (its nearest known year)."""
    if not loans:
        return 0.0
    year = min(ln.signing_year for ln in loans)
    years = np.asarray(der.years, dtype=np.int64)
    gdp = np.asarray(der.nominal_gdp_usd_m, dtype=np.float64)
    ok = np.isfinite(gdp) & (gdp > 0)
    if not ok.any():
        return None
    k = int(np.argmin(np.where(ok, np.abs(years - year), np.iinfo(np.int64).max)))
    return 100.0 * float(sum(ln.amount_m for ln in loans)) / float(gdp[k])


def _indicator_changes(
    reference: DebtOutlook, without: DebtOutlook, with_offer: DebtOutlook, overrun: bool
) -> tuple[IndicatorChange, ...]:
    """What the offer's own loans change in each indicator over the rating window."""
    out = []
    for ind in INDICATORS:
        out.append(indicator_change(
            ind.value, _SHORT[ind], "service" if ind in SERVICE_INDICATORS else "stock",
            with_offer.threshold(ind.value), with_offer.years, with_offer.window_years,
            without.path(ind.value), with_offer.path(ind.value),
            reference.path(ind.value) if overrun else None,
        ))
    return tuple(out)


# ----------------------------------------------------------------------------- the chain


@dataclass(frozen=True, slots=True, eq=False)
class OfferContext:
    """What one offer brings, computed once: loans, grant elements, flows, project, overrun.

    ``offer`` is the :func:`canonical_offer` (loans in a canonical order); ``loans`` lists
    them as written. ``ppg_loans`` are the offer's PPG loans restated in US$ (what the DSA adds),
    including the project-company loans the state stands behind (:mod:`.booking`);
    ``contingent_loans`` the other project-company loans (in US$, the C1 test's);
    ``overrun`` the expected overrun on the budget as a loan (None: none or not asked).
    """

    offer: Offer
    loans: tuple[LoanAssessment, ...]
    grant_element_pct: float
    grant_element_oecd_dac_pct: float
    pv_debt_service_usd_m: float
    grant_equivalent_usd_m: float
    economics: ProjectEconomics | None
    overrun: Loan | None
    ppg_loans: tuple[Loan, ...]
    flows: OfferFlows
    clauses: ClauseProfile
    notes: tuple[str, ...]
    contingent_loans: tuple[Loan, ...] = ()
    #: ``economics.summary()``, worked out once (every run of the offer reads it)
    economics_summary: SummaryOnce | None = None


def canonical_offer(offer: Offer) -> Offer:
    """``offer`` with its loans (and their roles) in one canonical order, so that nothing
    computed from it depends on the order the loans were written in (sums, the overrun's
    template among equal loans, the order of the DSA's new loans)."""
    if len(offer.loans) < 2:
        return offer
    pairs = sorted(
        zip(offer.loans, offer.roles, strict=True),
        key=lambda p: (p[0].model_dump_json(), p[1].model_dump_json()),
    )
    return offer.model_copy(update={
        "loans": tuple(p[0] for p in pairs), "loan_roles": tuple(p[1] for p in pairs),
    })


def _package_pct(loans: tuple[LoanAssessment, ...], grants_usd_m: float, dac: bool) -> float:
    """The package's grant element from its loans' own (computed once)."""
    return weighted_grant_element_pct(
        [ln.amount_usd_m for ln in loans],
        [ln.grant_element_oecd_dac_pct if dac else ln.grant_element_imf_pct for ln in loans],
        grants_usd_m,
    )


def offer_context(
    offer: Offer, years: np.ndarray, *, income_group: str, seed: int, n_paths: int,
    include_overrun: bool,
) -> OfferContext:
    """Build ``offer``'s context once (``years``: the creditor tables' calendar years).

    The loans are listed as written; everything else is computed from the
    :func:`canonical_offer`, and each loan's grant element once.
    """
    notes: list[str] = []
    loans = _loan_assessments(offer, income_group)
    booking = count_public(canonical_offer(offer))
    canon = booking.offer
    notes.extend(booking.notes)
    econ: ProjectEconomics | None = None
    overrun: Loan | None = None
    if canon.project is not None:
        econ = offer_project_economics(canon, seed=seed, n_paths=n_paths)
        if include_overrun:
            overrun, note = _overrun_loan(canon, econ)
            notes.append(note)
    ppg_loans = tuple(
        ln for ln, r in zip(canon.loans_in_usd(), canon.roles, strict=True) if r.ppg
    )
    return OfferContext(
        offer=canon,
        loans=loans,
        grant_element_pct=_package_pct(loans, offer.grants_usd_m, dac=False),
        grant_element_oecd_dac_pct=_package_pct(loans, offer.grants_usd_m, dac=True),
        pv_debt_service_usd_m=math.fsum(ln.pv_debt_service_usd_m for ln in loans),
        grant_equivalent_usd_m=math.fsum(
            ln.pv_disbursed_usd_m - ln.pv_debt_service_usd_m for ln in loans
        ) + offer.grants_usd_m,
        economics=econ,
        overrun=overrun,
        ppg_loans=ppg_loans,
        flows=offer_flows(canon, int(years[0]), int(years[-1]), widen=True),
        clauses=clause_profile(canon),
        notes=tuple(notes),
        contingent_loans=booking.contingent,
        economics_summary=None if econ is None else SummaryOnce(econ.summary()),
    )


class RunOnce:
    """What one assessment computes once and reads again, its debt layers included: each
    offer's context, its clause draws and each distinct LIC-DSF run (keyed by the country's
    full JSON, so two runs share a result only when every input is the same: an offer
    without PPG loans leaves the country as it is without them).

    :func:`debttrap.assess.assess` makes one per call and passes it down; nothing outlives
    the assessment.
    """

    __slots__ = ("_contexts", "_draws", "_runs")

    def __init__(self) -> None:
        self._contexts: dict[tuple[Any, ...], OfferContext] = {}
        self._runs: dict[str, tuple[DSAResult, FloatArray]] = {}
        self._draws: dict[tuple[str, int], tuple[ClauseProfileDraw, ...]] = {}

    def clause_draws(self, offer: Offer, seed: int) -> tuple[ClauseProfileDraw, ...]:
        """:func:`debttrap.leverage.evidence.clause_draws` of ``offer`` (the number the
        verdict uses), drawn once per distinct offer and seed."""
        key = (offer.model_dump_json(), seed)
        done = self._draws.get(key)
        if done is None:
            done = self._draws[key] = clause_draws(offer, CLAUSE_DRAWS, seed=seed)
        return done

    def outlook(self, label: str, country: Country) -> DebtOutlook:
        """:func:`_outlook` of ``country``, run once per distinct country."""
        key = country.model_dump_json()
        done = self._runs.get(key)
        if done is None:
            out = _outlook(label, country)
            self._runs[key] = (out.dsa, out.public_debt_to_gdp_pct)
            return out
        return DebtOutlook(label=label, dsa=done[0], public_debt_to_gdp_pct=done[1])

    def remember(self, country: Country, outlook: DebtOutlook) -> None:
        """Record a run made elsewhere (the reference of a prepared setting)."""
        self._runs.setdefault(country.model_dump_json(),
                              (outlook.dsa, outlook.public_debt_to_gdp_pct))

    def context(
        self, offer: Offer, years: np.ndarray, *, income_group: str, seed: int, n_paths: int,
        include_overrun: bool,
    ) -> OfferContext:
        """:func:`offer_context`, built once per distinct offer and settings."""
        key = (offer.model_dump_json(), np.asarray(years, dtype=np.int64).tobytes(),
               income_group, seed, n_paths, include_overrun)
        ctx = self._contexts.get(key)
        if ctx is None:
            ctx = self._contexts[key] = offer_context(
                offer, years, income_group=income_group, seed=seed, n_paths=n_paths,
                include_overrun=include_overrun)
        return ctx


def project_revenue(offer: Offer, years: np.ndarray) -> pd.Series | None:
    """The project's forecast revenue on ``years`` (US$ m), None without a project."""
    if offer.project is None:
        return None
    return pd.Series(offer.project.forecast_revenue_usd_m(years), index=years)
