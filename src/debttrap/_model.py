"""The base of the pydantic models users write: immutable, and unknown keys refused."""

from __future__ import annotations

from pydantic import ConfigDict

from debttrap.validation import NumbersChecked

__all__ = ["FrozenModel"]


class FrozenModel(NumbersChecked):
    """Frozen (hashable, never changed after validation); an unknown key is an error (a
    misspelt field must not pass silently); fields may be given by name or by alias. Every
    number is checked by :mod:`debttrap.validation` (finite, normal, sane size; no booleans)."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", populate_by_name=True, allow_inf_nan=False
    )
