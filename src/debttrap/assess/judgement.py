"""The offer's verdict with its clauses entered by their evidence (used by ``assess.core``).

Clauses written in the contract and the creditor type's standard terms are certain;
clauses only typical for the lender type enter as seeded contract profiles at their
published frequencies (``debttrap.leverage.evidence``), and the verdict says how it
changes without and with them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from debttrap.leverage.evidence import (
    ClauseEvidence,
    ClauseProfileDraw,
    clause_draws,
    clause_evidence,
    documented_offer,
    typical_offer,
)
from debttrap.leverage.exposure import Exposure
from debttrap.leverage.verdict import Verdict, VerdictInputs, judge, judge_clause_draws
from debttrap.terms.offer import Offer

__all__ = ["CLAUSE_DRAWS", "SummaryOnce", "judge_with_evidence"]

#: Contract profiles drawn where clauses are only typical for the lender type: a rule's
#: firing frequency to about +/- 1.6 points (binomial, p = 0.5).
CLAUSE_DRAWS = 1000


class SummaryOnce:
    """Project economics as :func:`verdict_inputs` reads them (``summary()``), computed once
    for all of an offer's clause draws instead of once per draw."""

    __slots__ = ("_summary",)

    def __init__(self, summary: dict[str, Any]) -> None:
        self._summary = summary

    def summary(self) -> dict[str, Any]:
        return dict(self._summary)


def judge_with_evidence(
    offer: Offer,
    seed: int,
    exposures_of: Callable[[list[Offer]], list[Exposure]],
    inputs_of: Callable[[Exposure], VerdictInputs],
    make_draws: Callable[[], Sequence[ClauseProfileDraw]] | None = None,
) -> tuple[Verdict, tuple[ClauseEvidence, ...], Exposure, Exposure | None]:
    """The offer's verdict with its clauses entered by their evidence.

    The headline exposure is the contract text and the creditor type's standard terms;
    clauses only typical for the lender type enter as :data:`CLAUSE_DRAWS` seeded contract
    profiles at their published frequencies (``leverage.evidence``). Returns the verdict,
    the evidence of each clause, the documented exposure and, where some clause is only
    typical, the exposure with every typical clause in. ``make_draws``, where given, gives
    :func:`clause_draws` of ``offer`` (:data:`CLAUSE_DRAWS` of them, ``seed``) made once
    for several runs of the offer.
    """
    evidence = clause_evidence(offer)
    exposure = exposures_of([documented_offer(offer)])[0]
    documented = inputs_of(exposure)
    if not any(e.basis == "typical" for e in evidence):
        return judge(documented), evidence, exposure, None
    draws = (clause_draws(offer, CLAUSE_DRAWS, seed=seed) if make_draws is None
             else make_draws())
    exposure_typical = exposures_of([typical_offer(offer)])[0]
    verdict = judge_clause_draws(
        [
            (inputs_of(x), d.weight)
            for x, d in zip(exposures_of([d.offer for d in draws]), draws, strict=True)
        ],
        without_typical=documented,
        with_typical=inputs_of(exposure_typical),
        n_draws=CLAUSE_DRAWS,
    )
    return verdict, evidence, exposure, exposure_typical
