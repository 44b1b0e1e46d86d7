"""The one check of a tuple of shares (disbursement, repayment, phasing, ramp-up)."""

from __future__ import annotations

import math

__all__ = ["check_shares"]


def check_shares(name: str, shares: tuple[float, ...], *, sum_to_one: bool = True) -> None:
    """Raise ValueError unless every share is finite and not negative (and, with
    ``sum_to_one``, they sum to 1 within 1e-6)."""
    if any(not math.isfinite(s) or s < 0 for s in shares):
        raise ValueError(
            f"{name} must not be negative, NaN or infinite (shares are finite, not negative "
            "fractions)"
        )
    if sum_to_one and abs(sum(shares) - 1.0) > 1e-6:
        raise ValueError(f"{name} must sum to 1 (they sum to {sum(shares):.6g})")
