"""The base of the pydantic models users write: immutable, and unknown keys refused."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["FrozenModel"]


class FrozenModel(BaseModel):
    """Frozen (hashable, never changed after validation); an unknown key is an error (a
    misspelt field must not pass silently); fields may be given by name or by alias."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)
