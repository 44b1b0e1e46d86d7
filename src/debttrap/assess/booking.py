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

from debttrap.terms.loan import Loan
from debttrap.terms.offer import Offer
from debttrap.terms.project import FinancingKind

__all__ = ["Booking", "count_public"]

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
