"""Numeric helpers every layer shares."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["read_only_copy"]


def read_only_copy(a: ArrayLike) -> NDArray[np.float64]:
    """A float64 copy of ``a`` that cannot be written to: what results hold."""
    out = np.array(a, dtype=np.float64, copy=True)
    out.setflags(write=False)
    return out
