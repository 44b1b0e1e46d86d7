"""Make a result's table come out with a NaN in one cell, to test that writers refuse it.

The reliability tests (issue 13) break one number the way a computation gone wrong
would, then check that no file is written and that one line names the field.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest


def nan_in_frame(
    monkeypatch: pytest.MonkeyPatch, cls: type[Any], method: str, row: int | str,
    column: int | str,
) -> None:
    """Patch ``cls.method`` (returning a DataFrame) to put NaN in one cell: ``row`` and
    ``column`` are positions (int) or labels (str)."""
    real = getattr(cls, method)

    def poisoned(self: Any) -> pd.DataFrame:
        frame: pd.DataFrame = real(self)
        r = row if isinstance(row, int) else frame.index.get_loc(row)
        c = column if isinstance(column, int) else frame.columns.get_loc(column)
        frame.iloc[r, c] = np.nan
        return frame

    monkeypatch.setattr(cls, method, poisoned)
