"""Non-financial contract terms, coded as in "How China Lends" (Gelpern et al., 2021).

Each field is one clause of that study's taxonomy; the leverage layer reads
them to say what the creditor can do with the debt. Nothing here is scored:
the clauses are recorded, shown, and used by explicit rules downstream.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["AccelerationTriggers", "Clauses"]


class AccelerationTriggers(BaseModel):
    """Events on which the lender may cancel the loan and demand immediate repayment."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    policy_change: bool = Field(
        default=False, description="Termination/acceleration on a major change in law or policy."
    )
    severing_diplomatic_relations: bool = Field(
        default=False,
        description="Termination if diplomatic relations with the lender's state end.",
    )
    cross_default: bool = Field(
        default=False, description="Default on other debts of the borrower triggers this loan."
    )
    adverse_action_to_lender_state_entity: bool = Field(
        default=False,
        description=(
            "Cross-default on acts 'adverse to a PRC entity' (or the lender state's entities)."
        ),
    )
    cross_cancellation: bool = Field(
        default=False, description="Cancellation of another project's loan triggers this one."
    )


class Clauses(BaseModel):
    """A contract's clause profile. All default to absent (a plain multilateral loan)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    borrower_confidentiality: bool = Field(
        default=False,
        description="The borrower may not disclose the terms (or the loan's existence).",
    )
    lender_controlled_account: bool = Field(
        default=False, description="A special/escrow revenue account the lender controls."
    )
    account_revenue_share_pct: float = Field(
        default=0.0,
        ge=0.0,
        le=100.0,
        description="Share of project revenue routed into the lender-controlled account.",
    )
    pledged_revenue_usd_m_per_year: float = Field(
        default=0.0,
        ge=0.0,
        description="Government or export revenue pledged or swept into the account each year.",
    )
    minimum_account_balance_usd_m: float = Field(
        default=0.0, ge=0.0, description="Balance the borrower must keep in the account."
    )
    collateral_assets_usd_m: float = Field(
        default=0.0, ge=0.0, description="Value of physical assets pledged as collateral."
    )
    no_paris_club: bool = Field(
        default=False,
        description=(
            "Borrower promises to keep the debt out of Paris Club or collective restructuring."
        ),
    )
    acceleration: AccelerationTriggers = Field(default_factory=AccelerationTriggers)
    stabilization: bool = Field(
        default=False, description="Borrower bears the lender's cost of changes in law."
    )
    governing_law: str = Field(
        default="", description="Law governing the contract, e.g. 'PRC', 'English'."
    )
    arbitration: str = Field(default="", description="Dispute forum, e.g. 'CIETAC', 'ICSID'.")
    immunity_waiver: bool = Field(default=False, description="Borrower waives sovereign immunity.")
