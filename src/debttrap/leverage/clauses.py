"""Each offer's clause profile beside the frequencies found in "How China Lends".

The study (Gelpern, Horn, Morris, Parks & Trebesch, 2021) coded 100 Chinese
state-lender contracts and a benchmark of 142 other creditors' contracts.
Its frequencies are packaged in ``debttrap/data/how-china-lends/`` (see the
``PROVENANCE.md`` there); :func:`hcl_table` reads them.

* :func:`clause_profile` lays an offer's clauses (loan by loan, and as a
  share of the offer's US$ amount) beside those frequencies;
* :func:`clause_probabilities` gives, for a lender kind and a signing year,
  the probability of each clause the study quantifies; and
  :func:`sample_clause_profiles` draws contract profiles from them
  (clauses independent — the study publishes marginal shares only);
* :func:`typical_clauses` is the profile of clauses at least as likely as a
  threshold, a neutral default when a scenario has no contract text.

Nothing here is scored: the verdict rules (:mod:`debttrap.leverage.verdict`)
read clause flags explicitly.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from debttrap.errors import DataError, InputError
from debttrap.terms.clauses import AccelerationTriggers, Clauses
from debttrap.terms.offer import Offer

__all__ = [
    "CLAUSE_LABELS",
    "ClauseProfile",
    "LenderKind",
    "clause_probabilities",
    "clause_profile",
    "hcl_table",
    "sample_clause_profiles",
    "typical_clauses",
]

_DATASET = "how-china-lends"
_CONFIDENTIALITY_FROM = 2014  # all 38 Chinese contracts signed 2014 or later carry it


class LenderKind(StrEnum):
    """Which contracts a frequency applies to."""

    CDB = "cdb"
    EXIMBANK = "eximbank"
    CHINESE = "chinese"  # a Chinese state lender, bank unspecified
    BENCHMARK = "benchmark"  # other bilateral, multilateral and commercial creditors


#: The clauses of the profile, in display order, with a plain label.
CLAUSE_LABELS: dict[str, str] = {
    "borrower_confidentiality": "Borrower may not disclose the terms",
    "lender_controlled_account": "Lender-controlled revenue (escrow) account",
    "account_all_project_revenue": "All project revenue routed into that account",
    "collateral_physical_asset": "Physical asset pledged as collateral",
    "no_paris_club": "Debt kept out of Paris Club / collective restructuring",
    "acceleration.adverse_action_to_lender_state_entity": (
        "Default on acts adverse to the lender state's entities"
    ),
    "acceleration.cross_default": "Cross-default to other debt",
    "acceleration.cross_cancellation": "Cross-cancellation across projects",
    "acceleration.policy_change": "Acceleration on a change in law or policy",
    "acceleration.severing_diplomatic_relations": "Acceleration if diplomatic relations end",
    "stabilization": "Borrower bears the cost of changes in law",
    "governing_law_prc": "Governed by PRC law",
    "arbitration_cietac": "Arbitration at CIETAC",
    "immunity_waiver": "Sovereign immunity waived",
}


def _has(name: str) -> Callable[[Clauses], bool]:
    def check(c: Clauses) -> bool:
        return bool(getattr(c, name))

    return check


def _trigger(name: str) -> Callable[[Clauses], bool]:
    def check(c: Clauses) -> bool:
        return bool(getattr(c.acceleration, name))

    return check


_PREDICATES: dict[str, Callable[[Clauses], bool]] = {
    "borrower_confidentiality": _has("borrower_confidentiality"),
    "lender_controlled_account": _has("lender_controlled_account"),
    "account_all_project_revenue": lambda c: c.lender_controlled_account
    and c.account_revenue_share_pct >= 100.0,
    "collateral_physical_asset": lambda c: c.collateral_assets_usd_m > 0,
    "no_paris_club": _has("no_paris_club"),
    "acceleration.adverse_action_to_lender_state_entity": _trigger(
        "adverse_action_to_lender_state_entity"
    ),
    "acceleration.cross_default": _trigger("cross_default"),
    "acceleration.cross_cancellation": _trigger("cross_cancellation"),
    "acceleration.policy_change": _trigger("policy_change"),
    "acceleration.severing_diplomatic_relations": _trigger("severing_diplomatic_relations"),
    "stabilization": _has("stabilization"),
    "governing_law_prc": lambda c: c.governing_law.strip().upper() in {"PRC", "CHINA", "CHINESE"},
    "arbitration_cietac": lambda c: "CIETAC" in c.arbitration.upper(),
    "immunity_waiver": _has("immunity_waiver"),
}


def hcl_table() -> pd.DataFrame:
    """The packaged "How China Lends" frequencies (a fresh copy on each call)."""
    return _read_hcl().copy()


@functools.cache
def _read_hcl() -> pd.DataFrame:
    """The packaged table, read once per process (callers get copies or the index)."""
    ref = resources.files("debttrap").joinpath("data", _DATASET, "clauses.parquet")
    try:
        with resources.as_file(ref) as path:
            table = pd.read_parquet(path)
    except (FileNotFoundError, OSError) as exc:
        raise DataError(
            f"cannot read clauses.parquet ({exc.__class__.__name__}); reinstall debttrap",
            dataset=_DATASET,
        ) from None
    missing = {"key", "scope", "chinese_share", "benchmark_share"} - set(table.columns)
    if missing:
        raise DataError(f"clauses.parquet lacks columns {sorted(missing)}", dataset=_DATASET)
    return table


_Index = dict[tuple[str, str], dict[str, Any]]


@functools.cache
def _packaged_index() -> _Index:
    """:func:`_index` of the packaged table, built once per process (read only)."""
    return _index(_read_hcl())


def _index(table: pd.DataFrame) -> _Index:
    """The table's rows by (clause key, scope), the first row of each pair: one pass over the
    table instead of one filter per lookup."""
    out: _Index = {}
    for rec in table.to_dict("records"):
        out.setdefault((str(rec["key"]), str(rec["scope"])), {str(k): v for k, v in rec.items()})
    return out


def _share(index: _Index, key: str, scope: str, column: str) -> float | None:
    rec = index.get((key, scope))
    if rec is None:
        return None
    v = float(rec[column])
    return v if np.isfinite(v) else None


def clause_probabilities(
    lender: LenderKind | str, signing_year: int, table: pd.DataFrame | None = None
) -> dict[str, float]:
    """Probability of each clause the study quantifies, for this lender kind and year.

    Chinese lenders: confidentiality is certain from 2014 (all 38 such
    contracts), certain for CDB at any date, 43% for Eximbank before 2014 (its
    all-period share; the study gives no split) and unknown for an unspecified
    Chinese lender before 2014; the other shares apply to all Chinese lenders,
    CDB-only clauses (acts adverse to PRC entities) to CDB. A benchmark lender
    gets the benchmark shares (only confidentiality is reported). Clauses
    without a published share are left out.
    """
    try:
        kind = LenderKind(lender)
    except ValueError:
        raise InputError(
            f"unknown lender kind '{lender}' (use {', '.join(k.value for k in LenderKind)})",
            field="lender",
        ) from None
    t = _packaged_index() if table is None else _index(table)
    out: dict[str, float] = {}
    if kind is LenderKind.BENCHMARK:
        for key in CLAUSE_LABELS:
            v = _share(t, key, "benchmark", "benchmark_share")
            if v is not None:
                out[key] = v
        return out
    conf: float | None
    if signing_year >= _CONFIDENTIALITY_FROM:
        conf = _share(t, "borrower_confidentiality", "chinese_2014_plus", "chinese_share")
    elif kind is LenderKind.CDB:
        conf = _share(t, "borrower_confidentiality", "cdb", "chinese_share")
    elif kind is LenderKind.EXIMBANK:
        conf = _share(t, "borrower_confidentiality", "eximbank", "chinese_share")
    else:
        conf = None
    if conf is not None:
        out["borrower_confidentiality"] = conf
    account = _share(t, "lender_controlled_account", "chinese", "chinese_share")
    if account is not None:
        out["lender_controlled_account"] = account
        all_rev = _share(t, "account_all_project_revenue", "chinese_with_special_account",
                         "chinese_share")
        if all_rev is not None:
            out["account_all_project_revenue"] = account * all_rev
    for key in CLAUSE_LABELS:
        if key in out or key == "borrower_confidentiality":
            continue
        v = _share(t, key, "chinese", "chinese_share")
        if v is None and kind is LenderKind.CDB:
            v = _share(t, key, "cdb", "chinese_share")
        if v is not None:
            out[key] = v
    return out


def sample_clause_profiles(
    lender: LenderKind | str,
    signing_year: int,
    n: int,
    *,
    seed: int | np.random.Generator,
) -> pd.DataFrame:
    """``n`` contract profiles drawn from :func:`clause_probabilities` (bool columns).

    Clauses are drawn independently; "all project revenue" is drawn only
    inside contracts that have an account (its published share is conditional).
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise InputError("must be a positive integer", field="n")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    probs = clause_probabilities(lender, signing_year)
    keys = list(probs)
    p = np.array([probs[k] for k in keys], dtype=np.float64)
    if "account_all_project_revenue" in probs:  # conditional share inside account contracts
        i = keys.index("account_all_project_revenue")
        p[i] = probs["account_all_project_revenue"] / probs["lender_controlled_account"]
    draws = rng.random((int(n), len(keys))) < p[None, :]
    if "account_all_project_revenue" in probs:
        i = keys.index("account_all_project_revenue")
        draws[:, i] &= draws[:, keys.index("lender_controlled_account")]
    return pd.DataFrame(draws, columns=keys)


def typical_clauses(
    lender: LenderKind | str, signing_year: int, *, threshold: float = 0.5
) -> Clauses:
    """The clauses at least ``threshold`` likely for this lender and year, as a profile.

    Amount-type clauses (pledged revenue, collateral) are left at zero: they
    need the contract's figures.
    """
    if not 0.0 < threshold <= 1.0:
        raise InputError("must be in (0, 1]", field="threshold")
    probs = clause_probabilities(lender, signing_year)
    on = {k for k, v in probs.items() if v >= threshold}
    triggers = {
        k.split(".", 1)[1]: True for k in on if k.startswith("acceleration.")
    }
    flags = {
        k: True
        for k in ("borrower_confidentiality", "lender_controlled_account", "no_paris_club",
                  "stabilization", "immunity_waiver")
        if k in on
    }
    extra: dict[str, object] = {}
    if "account_all_project_revenue" in on and "lender_controlled_account" in on:
        extra["account_revenue_share_pct"] = 100.0
    if "governing_law_prc" in on:
        extra["governing_law"] = "PRC"
    if "arbitration_cietac" in on:
        extra["arbitration"] = "CIETAC"
    return Clauses.model_validate(
        {**flags, **extra, "acceleration": AccelerationTriggers(**triggers)}
    )


@dataclass(frozen=True, slots=True)
class ClauseProfile:
    """An offer's clauses beside the study's frequencies, one row per clause."""

    offer: str
    frame: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """Rows: clause keys. Columns: label, loans_with_clause, n_loans,
        share_of_amount_pct, typical_probability_pct, expected_share_of_amount_pct,
        the study's shares in percent (cdb, eximbank,
        chinese, chinese_2014_plus, benchmark) and its note."""
        return self.frame.copy()

    def present(self) -> tuple[str, ...]:
        """Clauses found in at least one loan of the offer."""
        f = self.frame
        return tuple(f.index[f["loans_with_clause"] > 0])


def clause_profile(offer: Offer, table: pd.DataFrame | None = None) -> ClauseProfile:
    """The clause profile of ``offer`` beside "How China Lends".

    ``loans_with_clause`` counts the loans whose contract text or standard terms carry
    the clause; ``typical_probability_pct`` is the largest probability a loan gets
    from the clauses typical for its lender type, and ``expected_share_of_amount_pct``
    the share of the offer's amount that carries the clause, probability-weighted
    (:mod:`debttrap.leverage.evidence`).
    """
    from debttrap.leverage.evidence import documented_offer, typical_probabilities

    if table is None:  # the packaged table is only read here, never changed
        table, t = _read_hcl(), _packaged_index()
    else:
        t = _index(table)
    notes_of: dict[str, list[Any]] = {}
    if "note" in table.columns:
        for k, note in zip(table["key"].tolist(), table["note"].tolist(), strict=True):
            notes_of.setdefault(str(k), []).append(note)
    typical = typical_probabilities(offer)
    offer = documented_offer(offer)
    loans = offer.loans
    weights = np.array([ln.amount_m for ln in loans], dtype=np.float64) * (
        offer.usd_per_unit() if loans else np.zeros(0)
    )
    total = float(weights.sum())
    rows = []
    for key, label in CLAUSE_LABELS.items():
        pred = _PREDICATES[key]
        has = np.array([pred(ln.clauses) for ln in loans], dtype=np.bool_)
        p_typ = np.array([tp.get(key, 0.0) for tp in typical], dtype=np.float64)
        prob = np.where(has, 1.0, p_typ)

        def pct(scope: str, column: str = "chinese_share", k: str = key) -> float:
            v = _share(t, k, scope, column)
            if v is None and k == "account_all_project_revenue" and scope == "chinese":
                # published as a share of the account contracts: make it unconditional
                inner = _share(t, k, "chinese_with_special_account", column)
                outer = _share(t, "lender_controlled_account", "chinese", column)
                v = None if inner is None or outer is None else inner * outer
            return float("nan") if v is None else 100.0 * v

        notes = notes_of.get(key, [])
        rows.append(
            {
                "clause": key,
                "label": label,
                "loans_with_clause": int(has.sum()),
                "n_loans": len(loans),
                "share_of_amount_pct": 100.0 * float(weights[has].sum()) / total
                if total > 0
                else float("nan"),
                "typical_probability_pct": 100.0 * float(p_typ[~has].max())
                if (~has).any() else 0.0,
                "expected_share_of_amount_pct": 100.0 * float((weights * prob).sum()) / total
                if total > 0
                else float("nan"),
                "hcl_cdb_pct": pct("cdb"),
                "hcl_eximbank_pct": pct("eximbank"),
                "hcl_chinese_pct": pct("chinese"),
                "hcl_chinese_2014_plus_pct": pct("chinese_2014_plus"),
                "hcl_benchmark_pct": pct("benchmark", "benchmark_share"),
                "hcl_note": " | ".join(n for n in notes if n),
            }
        )
    frame = pd.DataFrame(rows).set_index("clause")
    return ClauseProfile(offer=offer.name, frame=frame)
