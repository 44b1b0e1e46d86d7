"""Which assumptions each offer's verdict depends on, and what each does to it.

For every assumption that one or more rules rest on, the verdict is recombined
with those rules set aside (or, for typical clauses, read without them) and
compared with the verdict as given: "without it the verdict would be moderate
(now high)", or "the verdict does not depend on it". Only numbers already
computed are used; nothing is re-run.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from debttrap.leverage.verdict import RuleOutcome, Verdict, trap_risk_of

__all__ = ["AssumptionEffect", "verdict_dependence"]


@dataclass(frozen=True, slots=True)
class AssumptionEffect:
    """One assumption, the rules resting on it and the verdict without it."""

    assumption: str
    rules: tuple[str, ...]
    verdict_without: str
    verdict: str

    @property
    def changes_verdict(self) -> bool:
        return self.verdict_without != self.verdict

    @property
    def effect(self) -> str:
        if not self.changes_verdict:
            return "the verdict does not depend on it"
        return f"without it the verdict would be {self.verdict_without} (now {self.verdict})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "assumption": self.assumption,
            "rules": list(self.rules),
            "verdict_without": self.verdict_without,
            "changes_verdict": self.changes_verdict,
            "effect": self.effect,
        }


#: Assumptions and the rules that rest on them (docs/assessment.md, docs/method.md).
_RESTS_ON: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("D2 the project's expected overrun falls on the budget and is charged to the offer as a "
     "contingent cost", ("project_overrun",)),
    ("the project's revenue forecast and demand prior (project simulation)",
     ("project_not_self_financing",)),
    ("L2 foreign-exchange reserves (or exports standing in for them) as the yardstick of an "
     "accelerable balance", ("acceleration_exposure",)),
    ("debttrap's judgement bands for the lever rules (10%/25% of debt service, 5%/15% of "
     "revenue)", ("lever_concentration", "pledged_revenue")),
    ("the stochastic engine's macro shocks (probability of a sustained breach)",
     ("distress_probability",)),
)


def _set_aside(checks: tuple[RuleOutcome, ...], rules: tuple[str, ...]) -> list[RuleOutcome]:
    return [dataclasses.replace(c, status="passed", severity=None) if c.rule in rules else c
            for c in checks]


def verdict_dependence(verdict: Verdict) -> tuple[AssumptionEffect, ...]:
    """Each assumption a fired rule rests on, with the verdict without it."""
    now = verdict.trap_risk.value
    fired = {c.rule for c in verdict.reasons}
    out: list[AssumptionEffect] = []
    if verdict.clauses is not None:
        out.append(AssumptionEffect(
            "clauses only typical for the lender type enter at their published frequencies "
            "(How China Lends)",
            ("lever_concentration", "pledged_revenue", "acceleration_exposure",
             "restructuring_lock"),
            verdict.clauses.without_typical.value, now))
    for text, rules in _RESTS_ON:
        hit = tuple(r for r in rules if r in fired)
        if not hit:
            continue
        out.append(AssumptionEffect(text, hit,
                                    trap_risk_of(_set_aside(verdict.checks, hit)).value, now))
    return tuple(out)
