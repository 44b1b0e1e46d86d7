"""The debt-carrying capacity class that published IMF-World Bank LIC DSAs applied.

From the bundled FDL LIC-DSA database (``debttrap/data/fdl-lic-dsa-debt-carrying-capacity``).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any, overload

import numpy as np
from numpy.typing import NDArray

from debttrap.dsa.capacity import Capacity, parse_capacity
from debttrap.errors import DataError, InputError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CPIA_2013_STRONG_FROM",
    "CPIA_2013_WEAK_UP_TO",
    "PublishedCapacity",
    "classify_cpia_2013",
    "published_capacity",
]

#: 2013 framework (CPIA-based): 3-year average CPIA at or below this is *weak* ...
CPIA_2013_WEAK_UP_TO = 3.25
#: ... and at or above this *strong* (2013 Staff Guidance Note; FDL data check).
CPIA_2013_STRONG_FROM = 3.75


_FDL_DATASET = "fdl-lic-dsa-debt-carrying-capacity"
_FDL_FILE = "lic_dsa_debt_carrying_capacity.parquet"


@dataclass(frozen=True, slots=True)
class PublishedCapacity:
    """The class a published IMF-World Bank LIC DSA applied (FDL LIC-DSA database)."""

    dsa_id: str
    iso3: str
    country: str
    pub_year: int
    pub_month: int
    framework: str
    classification: Capacity
    ci_score: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "dsa_id": self.dsa_id,
            "iso3": self.iso3,
            "country": self.country,
            "pub_year": self.pub_year,
            "pub_month": self.pub_month,
            "framework": self.framework,
            "classification": self.classification.value,
            "ci_score": self.ci_score,
        }


def _published_table() -> pd.DataFrame:
    import pandas as pd
    ref = resources.files("debttrap").joinpath("data", _FDL_DATASET, _FDL_FILE)
    try:
        with resources.as_file(ref) as path:
            return pd.read_parquet(path)
    except (OSError, ValueError) as exc:
        raise DataError(f"cannot read {_FDL_FILE}: {exc}", dataset=_FDL_DATASET) from None


def published_capacity(
    iso3: str, *, as_of: tuple[int, int] | None = None, framework: str = "2018"
) -> PublishedCapacity:
    """The capacity class of the country's latest published DSA (2018 framework by default).

    ``as_of=(year, month)`` keeps DSAs published up to that month. ``framework``
    is ``"2018"`` (CI-based classes, usable with today's thresholds) or
    ``"2013"`` (CPIA-based policy classes). Covers 68 PRGT/IDA countries,
    DSAs published 2012-12 to 2024-01.
    """
    import pandas as pd
    code = str(iso3).strip().upper()
    if framework not in ("2013", "2018"):
        raise InputError("framework must be '2013' or '2018'", field="framework")
    t = _published_table()
    t = t[(t["iso3"] == code) & t["framework"].str.contains(framework)]
    t = t[t["dcc"].notna()]
    if as_of is not None:
        y, m = as_of
        t = t[(t["pub_year"] < y) | ((t["pub_year"] == y) & (t["pub_month"] <= m))]
    if t.empty:
        raise InputError(
            f"no published {framework}-framework DSA with a capacity class for {code!r}"
            + (f" up to {as_of[0]}-{as_of[1]:02d}" if as_of else ""),
            field="iso3",
        )
    r = t.sort_values(["pub_year", "pub_month"]).iloc[-1]
    score = r["ci_score"]
    return PublishedCapacity(
        dsa_id=str(r["dsa_id"]),
        iso3=code,
        country=str(r["country"]),
        pub_year=int(r["pub_year"]),
        pub_month=int(r["pub_month"]),
        framework=str(r["framework"]),
        classification=parse_capacity(str(r["dcc"])),
        ci_score=None if pd.isna(score) else float(score),
    )


@overload
def classify_cpia_2013(cpia_3yr_avg: float) -> Capacity: ...
@overload
def classify_cpia_2013(cpia_3yr_avg: NDArray[Any]) -> NDArray[np.str_]: ...
def classify_cpia_2013(cpia_3yr_avg: float | NDArray[Any]) -> Capacity | NDArray[np.str_]:
    """Policy-performance class of the 2013 framework from the 3-year average CPIA.

    Weak if CPIA ≤ 3.25, strong if CPIA ≥ 3.75, medium in between. Only for
    reading pre-2018 DSAs: the 2018 framework uses :func:`classify_capacity`.
    """
    arr = np.asarray(cpia_3yr_avg, dtype=np.float64)
    if not np.all(np.isfinite(arr)):
        raise InputError("CPIA must be a finite number", field="cpia_3yr_avg")
    names = np.where(
        arr <= CPIA_2013_WEAK_UP_TO,
        Capacity.WEAK.value,
        np.where(arr >= CPIA_2013_STRONG_FROM, Capacity.STRONG.value, Capacity.MEDIUM.value),
    )
    if isinstance(cpia_3yr_avg, np.ndarray):
        return names.astype(np.str_)
    return Capacity(str(names))
