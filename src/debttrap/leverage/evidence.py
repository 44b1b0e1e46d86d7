"""Clauses as evidence: in the contract, in the creditor type's standard terms, or typical.

Every clause of every loan enters the verdict with its evidence, coded the same
way whoever the lender is:

* **contract** — written in the loan's ``clauses`` table (a clause the contract
  carries: a true flag or an amount above zero); its source is the loan's ``sources`` note for that
  clause (``clauses.<field>``, else ``clauses``, else the loan's source).
  Certain.
* **standard terms** — the published standard terms of the loan's *creditor
  type* (multilateral general conditions, sovereign bond terms, the syndicated
  loan template), which a contract of that type incorporates
  (:data:`STANDARD_TERMS`). Certain unless the contract settles the clause.
* **typical** — where the contract text is not known and the loan names a
  lender type (``typical_clauses``), each clause the contract does not settle
  is present with the share of that lender type's contracts that carry it
  (:func:`debttrap.leverage.clauses.clause_probabilities`). A probability, not
  a certainty: :func:`clause_draws` draws contract profiles from those shares
  (clauses independent; the study publishes marginal shares only) and the
  verdict reports what it is without them, with all of them, and how often
  each rule fires over the draws.

A clause with no published share (cross-default in Chinese contracts: "most",
no count) cannot enter as typical: give it from the contract text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from debttrap.conventions import CreditorType
from debttrap.errors import InputError
from debttrap.leverage.clauses import CLAUSE_LABELS, clause_probabilities
from debttrap.terms.clauses import Clauses
from debttrap.terms.offer import Offer

__all__ = [
    "EXTRA_LABELS",
    "STANDARD_TERMS",
    "ClauseEvidence",
    "ClauseProfileDraw",
    "StandardClause",
    "clause_draws",
    "clause_evidence",
    "documented_offer",
    "typical_offer",
    "typical_probabilities",
]

Basis = Literal["contract", "standard terms", "typical"]

#: Flags of :class:`~debttrap.terms.clauses.Clauses` a profile can switch on.
_FLAGS = ("borrower_confidentiality", "lender_controlled_account", "no_paris_club",
          "stabilization", "immunity_waiver")

#: Typical clauses drawn clause by clause (those a rule reads; the others are shown with
#: their probability and enter the "with every typical clause" profile only).
_DRAWN = frozenset({"lender_controlled_account", "account_all_project_revenue",
                    "no_paris_club"})

#: Clauses of the standard terms that no rule reads (shown with their evidence).
EXTRA_LABELS: dict[str, str] = {
    "acceleration.payment_default": (
        "Acceleration on the borrower's payment default to this creditor"
    ),
    "collective_action": "Collective action clauses (a qualified majority binds all holders)",
}


@dataclass(frozen=True, slots=True)
class StandardClause:
    """One clause of a creditor type's standard terms."""

    clause: str
    source: str


_IBRD_IDA_GC = (
    "World Bank General Conditions for IBRD Financing and for IDA Financing (Investment "
    "Project Financing, 14 July 2017), Article VII: the Bank/Association may declare the "
    "financing due at once when a payment default to it (under this or any other of its "
    "agreements with the borrower) continues for 30 days; no cross-default to other "
    "creditors' debt. Coded as the loan's own non-payment trigger, which the acceleration "
    "rule does not count for any lender"
)
_BOND_EOD = (
    "Sovereign Eurobond terms and conditions (English or New York law), Events of Default: "
    "non-payment after a grace period and cross-default/cross-acceleration on other external "
    "indebtedness above a threshold; holders of 25% of the notes may declare them due at "
    "once (IMF 2014, Strengthening the Contractual Framework to Address Collective Action "
    "Problems in Sovereign Debt Restructuring)"
)
_BOND_CAC = (
    "ICMA (2014) standard aggregated collective action clauses for sovereign notes, in "
    "almost all international sovereign bonds issued since 2015 (IMF progress reports on "
    "enhanced contractual provisions): a qualified majority can restructure the bonds, the "
    "opposite of keeping the debt out of a collective restructuring"
)
_LMA_EOD = (
    "Loan Market Association syndicated facility agreement, Events of Default: non-payment, "
    "cross default (other financial indebtedness) and acceleration by the Majority Lenders"
)

#: Standard terms by creditor type: what a contract of that type carries unless its text
#: says otherwise. Bilateral official and supplier credits have no published standard.
STANDARD_TERMS: Mapping[CreditorType, tuple[StandardClause, ...]] = {
    CreditorType.MULTILATERAL: (
        StandardClause("acceleration.payment_default", _IBRD_IDA_GC),
    ),
    CreditorType.BONDHOLDERS: (
        StandardClause("acceleration.payment_default", _BOND_EOD),
        StandardClause("acceleration.cross_default", _BOND_EOD),
        StandardClause("collective_action", _BOND_CAC),
        StandardClause(
            "immunity_waiver",
            "Sovereign Eurobond terms: the issuer waives immunity from suit (standard in "
            "international sovereign bonds)",
        ),
    ),
    CreditorType.COMMERCIAL_BANK: (
        StandardClause("acceleration.payment_default", _LMA_EOD),
        StandardClause("acceleration.cross_default", _LMA_EOD),
    ),
}

_HCL = ("How China Lends (Gelpern, Horn, Morris, Parks & Trebesch 2021): share of {kind} "
        "contracts{year} that carry it")


@dataclass(frozen=True, slots=True)
class ClauseEvidence:
    """One clause of one loan and the evidence it enters with."""

    loan: str
    clause: str
    label: str
    basis: Basis
    probability: float  # 1 for the contract and standard terms
    counted: bool  # read by a verdict rule
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "loan": self.loan,
            "clause": self.clause,
            "label": self.label,
            "basis": self.basis,
            "probability_pct": 100.0 * self.probability,
            "counted": self.counted,
            "source": self.source,
        }


def _label(key: str) -> str:
    return CLAUSE_LABELS.get(key) or EXTRA_LABELS.get(key) or key


def _settled(c: Clauses) -> set[str]:
    """The clause keys the contract text settles: the clauses it carries (true flags,
    amounts above zero). A flag left false is not read as "absent by contract": after a
    round trip through JSON every field is set, so only what is present can be told apart."""
    out = {k for k in _FLAGS if getattr(c, k)}
    out |= {f"acceleration.{k}" for k, on in c.acceleration.model_dump().items() if on}
    if c.account_revenue_share_pct > 0.0:
        out.add("account_all_project_revenue")
    if c.collateral_assets_usd_m > 0.0:
        out.add("collateral_physical_asset")
    return out


def _present(c: Clauses) -> list[str]:
    """The counted clause keys present in a contract's clauses."""
    keys = [k for k in _FLAGS if getattr(c, k)]
    keys += [f"acceleration.{t}" for t, on in c.acceleration.model_dump().items() if on]
    if c.lender_controlled_account and c.account_revenue_share_pct >= 100.0:
        keys.append("account_all_project_revenue")
    if c.collateral_assets_usd_m > 0:
        keys.append("collateral_physical_asset")
    if c.pledged_revenue_usd_m_per_year > 0:
        keys.append("pledged_revenue")
    return keys


def _contract_source(sources: Mapping[str, str], key: str, fallback: str) -> str:
    for k in (f"clauses.{key}", f"clauses.{key.split('.')[-1]}", "clauses"):
        if sources.get(k):
            return sources[k]
    return fallback or "written in the scenario's clauses table (no source note given)"


def _typical(offer: Offer, i: int) -> dict[str, float]:
    """Probability of each clause the contract of loan ``i`` does not settle (typical)."""
    role = offer.roles[i]
    if not role.typical_clauses:
        return {}
    ln = offer.loans[i]
    probs = clause_probabilities(role.typical_clauses, ln.signing_year)
    settled = _settled(ln.clauses)
    return {k: p for k, p in probs.items() if k not in settled and p > 0.0}


def typical_probabilities(offer: Offer) -> tuple[dict[str, float], ...]:
    """Per loan: the probability of each clause that is only typical for its lender type."""
    return tuple(_typical(offer, i) for i in range(len(offer.loans)))


def _standard(offer: Offer, i: int) -> list[StandardClause]:
    ln = offer.loans[i]
    settled = _settled(ln.clauses)
    return [s for s in STANDARD_TERMS.get(ln.creditor.type, ()) if s.clause not in settled]


def clause_evidence(offer: Offer) -> tuple[ClauseEvidence, ...]:
    """Every clause of every loan of ``offer`` with its evidence (see the module notes)."""
    out: list[ClauseEvidence] = []
    for i, (ln, role) in enumerate(zip(offer.loans, offer.roles, strict=True)):
        for key in _present(ln.clauses):
            label = ("Government or export revenue pledged each year"
                     if key == "pledged_revenue" else _label(key))
            out.append(ClauseEvidence(
                ln.name, key, label, "contract", 1.0, key != "borrower_confidentiality"
                and key != "immunity_waiver",
                _contract_source(role.sources, key, role.source)))
        for s in _standard(offer, i):
            counted = s.clause.startswith("acceleration.") and s.clause != (
                "acceleration.payment_default")
            out.append(ClauseEvidence(ln.name, s.clause, _label(s.clause), "standard terms",
                                      1.0, counted, s.source))
        if role.typical_clauses:
            year = "" if ln.signing_year < 2014 else " signed 2014 or later (confidentiality)"
            src = _HCL.format(kind=role.typical_clauses, year=year)
            for key, p in _typical(offer, i).items():
                out.append(ClauseEvidence(
                    ln.name, key, _label(key), "typical", float(p),
                    key not in ("borrower_confidentiality", "immunity_waiver",
                                "collateral_physical_asset"),
                    src + ("; conditional share of account contracts times the account "
                           "share" if key == "account_all_project_revenue" else "")))
    return tuple(out)


def _apply(c: Clauses, on: set[str], settled: set[str]) -> Clauses:
    """``c`` with the clause keys ``on`` switched on (the contract's own fields kept)."""
    data = c.model_dump()
    for k in _FLAGS:
        if k in on:
            data[k] = True
    acc = dict(data["acceleration"])
    for k in on:
        if k.startswith("acceleration.") and k != "acceleration.payment_default":
            acc[k.split(".", 1)[1]] = True
    data["acceleration"] = acc
    if data["lender_controlled_account"]:
        if "account_all_project_revenue" not in settled:
            data["account_revenue_share_pct"] = (
                100.0 if "account_all_project_revenue" in on else 0.0)
    else:  # no account in this profile: its figures have nothing to sit in
        data["account_revenue_share_pct"] = 0.0
        data["minimum_account_balance_usd_m"] = 0.0
    return Clauses.model_validate(data)


def _with(offer: Offer, typical_on: list[set[str]]) -> Offer:
    loans = []
    for i, ln in enumerate(offer.loans):
        on = {s.clause for s in _standard(offer, i)} | typical_on[i]
        loans.append(ln.model_copy(update={
            "clauses": _apply(ln.clauses, on, _settled(ln.clauses))}))
    return offer.model_copy(update={"loans": tuple(loans)})


def documented_offer(offer: Offer) -> Offer:
    """``offer`` with the clauses of its contracts and standard terms only (no typical)."""
    return _with(offer, [set() for _ in offer.loans])


def typical_offer(offer: Offer) -> Offer:
    """``offer`` with every typical clause present as well (each at probability one)."""
    return _with(offer, [set(_typical(offer, i)) for i in range(len(offer.loans))])


@dataclass(frozen=True, slots=True)
class ClauseProfileDraw:
    """One distinct contract profile drawn from the typical frequencies, with its weight."""

    offer: Offer
    weight: float  # share of the draws
    typical_on: tuple[frozenset[str], ...]  # per loan


def clause_draws(offer: Offer, n: int, *, seed: int) -> tuple[ClauseProfileDraw, ...]:
    """``n`` contract profiles drawn from the offer's typical clause frequencies.

    Each loan's typical clauses that a rule reads (acceleration triggers, the
    revenue account and its share, no Paris Club) are drawn independently ("all project revenue"
    only inside contracts drawn with an account: its published share is
    conditional). Identical profiles are merged, their weights adding up to 1.
    An offer without typical clauses gives its documented profile, weight 1.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise InputError("must be a positive integer", field="n")
    typ = [{k: p for k, p in _typical(offer, i).items() if k in _DRAWN or k.startswith(
        "acceleration.")} for i in range(len(offer.loans))]
    if not any(typ):
        return (ClauseProfileDraw(documented_offer(offer), 1.0,
                                  tuple(frozenset() for _ in offer.loans)),)
    rng = np.random.default_rng(seed)
    per_loan: list[list[frozenset[str]]] = []
    for probs in typ:
        keys = list(probs)
        p = np.array([probs[k] for k in keys], dtype=np.float64)
        if "account_all_project_revenue" in probs and "lender_controlled_account" in probs:
            j = keys.index("account_all_project_revenue")
            p[j] = probs["account_all_project_revenue"] / probs["lender_controlled_account"]
        draws = rng.random((n, len(keys))) < p[None, :] if keys else np.zeros((n, 0), bool)
        if "account_all_project_revenue" in probs and "lender_controlled_account" in probs:
            draws[:, keys.index("account_all_project_revenue")] &= draws[
                :, keys.index("lender_controlled_account")]
        per_loan.append([frozenset(k for k, d in zip(keys, row, strict=True) if d)
                         for row in draws])
    counts = Counter(tuple(loan[r] for loan in per_loan) for r in range(n))
    out = []
    for profile, count in sorted(counts.items(), key=lambda kv: (-kv[1], sorted(
            "|".join(sorted(s)) for s in kv[0]))):
        out.append(ClauseProfileDraw(_with(offer, [set(s) for s in profile]), count / n,
                                     profile))
    return tuple(out)
