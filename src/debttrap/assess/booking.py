"""An offer cannot escape the rules by its booking: project-company loans the state stands behind.

A loan booked by a project company (``ppg = false``) is outside the government's
accounts, but the LIC-DSF's coverage of public debt follows who bears it, not
where it is booked: debt the government guarantees is public and publicly
guaranteed, and debt serviced from pledged public revenue is the state's in
substance (IMF & World Bank 2018, Guidance Note on the LIC-DSF, coverage of
public debt; the contingent-liability test C1 takes what coverage leaves out).
So, for each project-company loan of an offer:

* **public** where the project's financing plan says the government bears its
  loan financing (``borne_by_government`` on its loan lines: the government pays
  or owes it, a guarantee in substance), up to the amount those lines cover
  beyond the offer's PPG loans, or where its contract pledges government or
  export revenue (``pledged_revenue_usd_m_per_year`` > 0);
* otherwise a **contingent liability**: its amount, % of GDP in the signing
  year, is added to the C1 shock of the run with the offer (the LIC-DSF's
  contingent-liability stress test), so that the rating with the offer carries it.

Every decision is a note on the offer saying which and why.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from debttrap.country.model import Country
from debttrap.terms.loan import Loan
from debttrap.terms.offer import Offer
from debttrap.terms.project import FinancingKind

__all__ = [
    "C1_PPP_FLOOR_PCT_GDP",
    "C1_PPP_SHARE_PCT",
    "Booking",
    "count_public",
    "double_count_notes",
    "with_contingent_c1",
]

#: The LIC-DSF's C1 component for PPPs (IMF & World Bank 2018, Guidance Note on the LIC-DSF,
#: contingent-liability stress test): 35% of the PPP capital stock, applied where that stock
#: exceeds 3% of GDP.
C1_PPP_SHARE_PCT = 35.0
C1_PPP_FLOOR_PCT_GDP = 3.0

_COVERAGE = (
    "LIC-DSF coverage of public debt (IMF & World Bank 2018 Guidance Note): debt the "
    "government guarantees or services from pledged public revenue is public whatever "
    "entity books it"
)


@dataclass(frozen=True, slots=True)
class Booking:
    """The offer with the loans the state stands behind counted as public."""

    offer: Offer
    public: tuple[str, ...]  # project-company loans counted as public debt
    contingent: tuple[Loan, ...]  # project-company loans left as contingent (in US$)
    notes: tuple[str, ...]


def count_public(offer: Offer) -> Booking:
    """Decide, for each project-company loan of ``offer``, public debt or contingent."""
    roles = list(offer.roles)
    if all(r.ppg for r in roles):
        return Booking(offer, (), (), ())
    usd = offer.loans_in_usd()
    borne = 0.0
    if offer.project is not None:
        borne = math.fsum(f.amount_usd_m for f in offer.project.financing
                          if f.kind is FinancingKind.LOAN and f.borne_by_government)
    room = borne - math.fsum(ln.amount_m for ln, r in zip(usd, roles, strict=True) if r.ppg)
    public: list[str] = []
    contingent: list[Loan] = []
    notes: list[str] = []
    for i, (ln, role) in enumerate(zip(usd, roles, strict=True)):
        if role.ppg:
            continue
        if ln.amount_m <= room * (1.0 + 1e-9) + 1e-9:
            room -= ln.amount_m
            why = ("the project's financing plan says the government bears its loan "
                   f"financing (US$ {borne:,.0f} m borne by the government), a guarantee in "
                   "substance")
        elif ln.clauses.pledged_revenue_usd_m_per_year > 0.0:
            why = (f"its contract pledges US$ {ln.clauses.pledged_revenue_usd_m_per_year:,.0f} m "
                   "a year of government or export revenue to its service")
        else:
            contingent.append(ln)
            notes.append(
                f"'{ln.name}' (US$ {ln.amount_m:,.0f} m) is booked by a project company with no "
                "government guarantee or pledged public revenue in the scenario: counted as a "
                "contingent liability, added to the C1 contingent-liability shock of the run "
                "with the offer")
            continue
        roles[i] = role.model_copy(update={"ppg": True})
        public.append(ln.name)
        notes.append(
            f"'{ln.name}' (US$ {ln.amount_m:,.0f} m) is booked by a project company (ppg = "
            f"false) but counted as public debt: {why} ({_COVERAGE})")
    return Booking(offer.model_copy(update={"loan_roles": tuple(roles)}), tuple(public),
                   tuple(contingent), tuple(notes))


def with_contingent_c1(country: Country, contingent_pct_gdp: float) -> tuple[Country, str]:
    """``country`` with the offer's unbacked project-company loans in its C1 shock, and a note.

    The loans stand for the PPP capital stock they finance: the LIC-DSF's C1 adds
    :data:`C1_PPP_SHARE_PCT` % of that stock where it exceeds :data:`C1_PPP_FLOOR_PCT_GDP` %
    of GDP (``contingent_pct_gdp``: the loans' amount, % of GDP in the signing year) to the
    country's contingent-liability shock, capped at 100% of GDP.
    """
    add = C1_PPP_SHARE_PCT / 100.0 * contingent_pct_gdp if (
        contingent_pct_gdp > C1_PPP_FLOOR_PCT_GDP) else 0.0
    tail = country.tailored
    c1 = min(100.0, tail.contingent_liabilities_pct_gdp + add)
    shocked = country.model_copy(update={"tailored": tail.model_copy(update={
        "contingent_liabilities_pct_gdp": c1})})
    note = (
        f"C1 contingent-liability shock of the run with the offer: "
        f"{tail.contingent_liabilities_pct_gdp:.2f}% -> {c1:.2f}% of GDP: the offer's "
        f"project-company loans without government backing are {contingent_pct_gdp:.2f}% of "
        f"GDP, and the LIC-DSF's C1 takes {C1_PPP_SHARE_PCT:g}% of a PPP's capital stock where "
        f"it exceeds {C1_PPP_FLOOR_PCT_GDP:g}% of GDP"
    )
    return shocked, note


def double_count_notes(offer: Offer, first_projection_year: int) -> tuple[str, ...]:
    """A note for each loan of ``offer`` signed before a built country's first projection year.

    A built country's debt at the end of t-1 comes from the World Bank's stocks, which
    already hold a loan disbursed before t: adding it again would count it twice.
    """
    t = first_projection_year
    early = [ln for ln in offer.loans if ln.signing_year < t]
    if not early:
        return ()
    return (
        "possible double counting: " + ", ".join(
            f"'{ln.name}' (signed {ln.signing_year})" for ln in early)
        + f" predate(s) the first projection year {t}; the bundled debt stock at the "
        f"end of {t - 1} may already include it. Set first_projection_year to the "
        "signing year to assess the offer as a decision (with ex_ante = true for data "
        "known then)",
    )
