"""The shared vocabulary: one risk scale, one set of creditor groups, one breach rule."""

from __future__ import annotations

import pytest

from debttrap.conventions import (
    CREDITOR_GROUPS,
    MIN_BREACH_YEARS,
    CreditorGroup,
    CreditorType,
    Risk,
)
from debttrap.country.model import ExistingDebtLine, FinancingLine
from debttrap.errors import InputError


def test_risk_codes_follow_the_template_scale() -> None:
    # LIC-DSF template: 1 low, 2 moderate, 3 high; in distress above them.
    assert [r.code for r in Risk] == [1, 2, 3, 4]
    assert [Risk.from_code(c) for c in (1, 2, 3, 4)] == list(Risk)
    assert Risk.IN_DISTRESS.label == "in distress"
    with pytest.raises(InputError, match="no risk rating has code 7"):
        Risk.from_code(7)


def test_one_risk_scale_for_the_dsa_and_the_verdict() -> None:
    from debttrap.dsa import rating
    from debttrap.leverage import verdict, verdict_model

    assert rating.Risk is Risk
    assert not hasattr(verdict, "Rating")
    # The verdict's breach rule (in verdict_model since verdict.py was split) uses the one constant.
    assert rating.MIN_BREACH_YEARS == verdict_model.MIN_BREACH_YEARS == MIN_BREACH_YEARS == 2


def test_creditor_groups_are_listed_once() -> None:
    from debttrap.country import creditors

    assert creditors.CREDITOR_GROUPS is CREDITOR_GROUPS
    assert CREDITOR_GROUPS == (
        "china",
        "multilateral",
        "paris_club",
        "other_bilateral",
        "bondholders",
        "commercial_banks",
        "other_private",
    )
    labels = [g.label for g in CreditorGroup]
    assert len(set(labels)) == len(labels)


@pytest.mark.parametrize(
    ("creditor_type", "group"),
    [
        (CreditorType.MULTILATERAL, CreditorGroup.MULTILATERAL),
        (CreditorType.BILATERAL_PARIS_CLUB, CreditorGroup.PARIS_CLUB),
        (CreditorType.BILATERAL_OTHER, CreditorGroup.OTHER_BILATERAL),
        (CreditorType.COMMERCIAL_BANK, CreditorGroup.COMMERCIAL_BANKS),
        (CreditorType.BONDHOLDERS, CreditorGroup.BONDHOLDERS),
        (CreditorType.SUPPLIER, CreditorGroup.OTHER_PRIVATE),
    ],
)
def test_every_debt_line_carries_its_group(
    creditor_type: CreditorType, group: CreditorGroup
) -> None:
    line = ExistingDebtLine(
        name="a line whose name says nothing",
        creditor_group=creditor_type,
        debt_service_usd_m={2025: 1.0},
    )
    assert line.group is group
    new = FinancingLine(
        name="x",
        creditor_group=creditor_type,
        interest_rate_pct=1.0,
        grace_years=1,
        maturity_years=5,
        disbursements_usd_m={2025: 1.0},
    )
    assert new.group is group


def test_a_given_group_wins_over_the_default() -> None:
    line = ExistingDebtLine(
        name="Exim",
        creditor_group="bilateral_other",
        group="china",
        debt_service_usd_m={2025: 1.0},
    )
    assert line.group is CreditorGroup.CHINA
