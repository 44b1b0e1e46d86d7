"""Debt-carrying capacity: the LIC-DSF composite indicator (CI) and its classes.

The 2018 LIC-DSF classifies a country's debt-carrying capacity as weak, medium
or strong from a composite indicator (IMF & World Bank, *Guidance Note on the
Bank-Fund Debt Sustainability Framework for Low Income Countries*, 2018, §III;
weights in its Table 4):

    CI = 0.385·CPIA + 2.719·g + 2.022·REM + 4.052·RES − 3.990·RES² + 13.520·gW

Every term is a 10-year simple average (5 historical and 5 projected years;
CPIA, which has no forecasts, is carried forward), and ``RES²`` is the square of
the *average* import cover, not an average of squares. All terms but CPIA are
decimals (4.81 % → 0.0481). Cut-offs: weak if CI < 2.69, strong if CI > 3.05,
medium in between (both ends included). A change of class needs two
consecutive signals (two WEO vintages) in the new class.

Functions broadcast like NumPy ufuncs over any leading shape (countries, paths).
The module is the method from score to class (coefficients, the classification and
the two-vintage rule); the 10-year window of a series is :mod:`debttrap.dsa.ci_window`
(its names are re-exported here); the published classes are in
:mod:`debttrap.dsa.published`.

>>> ci = composite_indicator(3.09, 0.0481, 0.0671, 0.3176, 0.0353)  # GN Table 4
>>> round(float(ci.score), 3), ci.classification
(2.818, <Capacity.MEDIUM: 'medium'>)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, overload

import numpy as np
from numpy.typing import ArrayLike, NDArray

from debttrap._numeric import read_only_copy
from debttrap.dsa.ci_window import (
    CI_WINDOW_HISTORY_YEARS,
    CI_WINDOW_PROJECTION_YEARS,
    carry_forward,
    ci_window_average,
    ci_window_years,
)
from debttrap.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CI_COEFFICIENTS_2018",
    "CI_STRONG_ABOVE",
    "CI_WEAK_BELOW",
    "CI_WINDOW_HISTORY_YEARS",
    "CI_WINDOW_PROJECTION_YEARS",
    "REMITTANCES_CAP",
    "CICoefficients",
    "Capacity",
    "CapacityState",
    "CompositeIndicator",
    "DebtCarryingCapacity",
    "carry_forward",
    "ci_window_average",
    "ci_window_years",
    "classify_capacity",
    "classify_vintages",
    "composite_indicator",
    "composite_indicator_from_series",
    "debt_carrying_capacity",
    "parse_capacity",
    "reclassify",
]

FloatArray = NDArray[np.float64]


class Capacity(StrEnum):
    """Debt-carrying capacity class."""

    WEAK = "weak"
    MEDIUM = "medium"
    STRONG = "strong"


@dataclass(frozen=True, slots=True)
class CICoefficients:
    """Weights of the composite indicator; every non-CPIA weight acts on a decimal."""

    cpia: float = 0.385
    real_growth: float = 2.719
    remittances: float = 2.022
    reserves: float = 4.052
    reserves_squared: float = -3.990
    world_growth: float = 13.520


#: The 2018 weights (2018 Guidance Note, Table 4: averages of four probit models).
CI_COEFFICIENTS_2018 = CICoefficients()

#: CI strictly below this is *weak* (25th percentile of LIC CI values 2005-14; GN 2018).
CI_WEAK_BELOW = 2.69
#: CI strictly above this is *strong* (75th percentile; GN 2018).
CI_STRONG_ABOVE = 3.05

#: Cap on remittances/GDP (decimal), applied year by year before averaging. The
#: rule is in the template, not in the GN; published DSAs print exactly 15.494 %
#: as the 10-year average for ten countries whose remittances are far higher
#: (Nepal, Tonga, Samoa, Honduras, Haiti, Lesotho; FDL LIC-DSA database), which
#: confirms the value. Whether the template caps each year or the average cannot
#: be told from printed averages; capping each year also bounds the average.
REMITTANCES_CAP = 0.154938



def parse_capacity(value: str | Capacity, *, field: str = "capacity") -> Capacity:
    """The :class:`Capacity` named ``value`` (case-insensitive)."""
    try:
        return Capacity(str(value).strip().lower())
    except ValueError:
        raise InputError(
            f"unknown debt-carrying capacity {value!r}; use weak, medium or strong", field=field
        ) from None


# --------------------------------------------------------------------------- classes


@overload
def classify_capacity(score: float) -> Capacity: ...
@overload
def classify_capacity(score: NDArray[Any]) -> NDArray[np.str_]: ...
def classify_capacity(score: float | NDArray[Any]) -> Capacity | NDArray[np.str_]:
    """Class of a CI score: weak < 2.69 ≤ medium ≤ 3.05 < strong.

    A Python/NumPy float gives a :class:`Capacity`; an array gives an array of
    the class names (``"weak"``, ...) of the same shape. NaN is rejected.
    """
    arr = np.asarray(score, dtype=np.float64)
    if not np.all(np.isfinite(arr)):
        raise InputError("CI score must be a finite number", field="ci_score")
    names = np.where(
        arr < CI_WEAK_BELOW,
        Capacity.WEAK.value,
        np.where(arr > CI_STRONG_ABOVE, Capacity.STRONG.value, Capacity.MEDIUM.value),
    )
    if isinstance(score, np.ndarray):
        return names.astype(np.str_)
    return Capacity(str(names))


# --------------------------------------------------------------------------- CI


def _finite(name: str, a: FloatArray) -> None:
    if not np.all(np.isfinite(a)):
        raise InputError("must be a finite number (no NaN or infinity)", field=name)


@dataclass(frozen=True, slots=True)
class CompositeIndicator:
    """A CI score with its inputs (10-year averages) and each term's contribution.

    Every array has the broadcast shape of the inputs (``()`` for scalars).
    Inputs are decimals except ``cpia``; contributions are in CI points and sum
    to ``score``.
    """

    cpia: FloatArray
    real_growth: FloatArray
    remittances: FloatArray
    reserves: FloatArray
    world_growth: FloatArray
    cpia_contribution: FloatArray
    real_growth_contribution: FloatArray
    remittances_contribution: FloatArray
    reserves_contribution: FloatArray
    reserves_squared_contribution: FloatArray
    world_growth_contribution: FloatArray
    score: FloatArray
    coefficients: CICoefficients = CI_COEFFICIENTS_2018

    @property
    def shape(self) -> tuple[int, ...]:
        return self.score.shape

    @property
    def classification(self) -> Any:
        """:class:`Capacity` for a scalar CI, else an array of class names."""
        if self.score.ndim == 0:
            return classify_capacity(float(self.score))
        return classify_capacity(self.score)

    def contributions(self) -> dict[str, FloatArray]:
        """Contribution of each term (CI points), keyed by term name."""
        return {
            "cpia": self.cpia_contribution,
            "real_growth": self.real_growth_contribution,
            "remittances": self.remittances_contribution,
            "reserves": self.reserves_contribution,
            "reserves_squared": self.reserves_squared_contribution,
            "world_growth": self.world_growth_contribution,
        }

    def inputs_pct(self) -> dict[str, FloatArray]:
        """The 10-year-average inputs as printed in a DSA's CI table (percent but CPIA)."""
        return {
            "cpia_avg": self.cpia,
            "real_growth_avg_pct": self.real_growth * 100.0,
            "remittances_to_gdp_avg_pct": self.remittances * 100.0,
            "reserves_import_cover_avg_pct": self.reserves * 100.0,
            "world_growth_avg_pct": self.world_growth * 100.0,
        }

    def to_dict(self) -> dict[str, Any]:
        """Plain values (nested lists for arrays): score, class, inputs, contributions."""
        cls = self.classification
        return {
            "ci_score": self.score.tolist(),
            "classification": cls.value if isinstance(cls, Capacity) else cls.tolist(),
            "inputs": {k: v.tolist() for k, v in self.inputs_pct().items()},
            "contributions": {k: v.tolist() for k, v in self.contributions().items()},
        }

    def to_frame(self, index: Sequence[Any] | pd.Index | None = None) -> pd.DataFrame:
        """One row per element (C order): inputs (percent), contributions, score, class."""
        import pandas as pd
        n = int(self.score.size)
        cols: dict[str, Any] = {k: v.ravel() for k, v in self.inputs_pct().items()}
        cols.update({f"{k}_contribution": v.ravel() for k, v in self.contributions().items()})
        cols["ci_score"] = self.score.ravel()
        cols["classification"] = classify_capacity(self.score.reshape(n))
        if index is not None and len(index) != n:
            raise InputError(f"index has {len(index)} labels for {n} CI values", field="index")
        return pd.DataFrame(cols, index=None if index is None else pd.Index(list(index)))


def composite_indicator(
    cpia: ArrayLike,
    growth: ArrayLike,
    remittances: ArrayLike,
    reserves: ArrayLike,
    world_growth: ArrayLike,
    *,
    coefficients: CICoefficients = CI_COEFFICIENTS_2018,
) -> CompositeIndicator:
    """CI from its five 10-year averages (decimals except CPIA); broadcasts.

    ``reserves`` is the average import cover of reserves (reserves / imports of
    goods and services, 0.3176 for 31.76 %); its square is taken here. Inputs
    are used as given: cap remittances before averaging (see
    :func:`composite_indicator_from_series`).
    """
    arrays = {
        "cpia": np.asarray(cpia, dtype=np.float64),
        "growth": np.asarray(growth, dtype=np.float64),
        "remittances": np.asarray(remittances, dtype=np.float64),
        "reserves": np.asarray(reserves, dtype=np.float64),
        "world_growth": np.asarray(world_growth, dtype=np.float64),
    }
    for name, a in arrays.items():
        _finite(name, a)
    if np.any((arrays["cpia"] < 1.0) | (arrays["cpia"] > 6.0)):
        raise InputError("CPIA scores run from 1 to 6", field="cpia")
    if np.any(arrays["reserves"] < 0.0):
        raise InputError("import cover of reserves cannot be negative", field="reserves")
    if np.any(arrays["remittances"] < 0.0):
        raise InputError("remittances/GDP cannot be negative", field="remittances")
    if np.any(np.abs(arrays["growth"]) > 1.0) or np.any(np.abs(arrays["world_growth"]) > 1.0):
        raise InputError(
            "growth is a decimal (0.0481 for 4.81%); got a value above 100%",
            field="growth",
        )
    try:
        c, g, rem, res, gw = np.broadcast_arrays(*arrays.values())
    except ValueError:
        raise InputError("CI inputs have shapes that do not broadcast", field="cpia") from None
    k = coefficients
    parts = {
        "cpia": k.cpia * c,
        "growth": k.real_growth * g,
        "remittances": k.remittances * rem,
        "reserves": k.reserves * res,
        "reserves_sq": k.reserves_squared * res * res,
        "world": k.world_growth * gw,
    }
    score = (
        parts["cpia"]
        + parts["growth"]
        + parts["remittances"]
        + parts["reserves"]
        + parts["reserves_sq"]
        + parts["world"]
    )
    return CompositeIndicator(
        cpia=read_only_copy(c),
        real_growth=read_only_copy(g),
        remittances=read_only_copy(rem),
        reserves=read_only_copy(res),
        world_growth=read_only_copy(gw),
        cpia_contribution=read_only_copy(parts["cpia"]),
        real_growth_contribution=read_only_copy(parts["growth"]),
        remittances_contribution=read_only_copy(parts["remittances"]),
        reserves_contribution=read_only_copy(parts["reserves"]),
        reserves_squared_contribution=read_only_copy(parts["reserves_sq"]),
        world_growth_contribution=read_only_copy(parts["world"]),
        score=read_only_copy(score),
        coefficients=coefficients,
    )


# --------------------------------------------------------------------------- window


def composite_indicator_from_series(
    years: ArrayLike,
    *,
    cpia: ArrayLike,
    growth: ArrayLike,
    remittances: ArrayLike,
    reserves: ArrayLike,
    world_growth: ArrayLike,
    classification_year: int,
    remittances_cap: float | None = REMITTANCES_CAP,
    coefficients: CICoefficients = CI_COEFFICIENTS_2018,
) -> CompositeIndicator:
    """CI from annual series (decimals except CPIA) on ``years``: window, average, score.

    CPIA is carried forward into projected years; remittances/GDP are capped
    year by year at ``remittances_cap`` (``None`` to switch off); the reserves
    term squares the 10-year average import cover.
    """
    avg = {
        "cpia": ci_window_average(
            cpia, years, classification_year, fill_forward=True, field="cpia"
        ),
        "growth": ci_window_average(growth, years, classification_year, field="growth"),
        "remittances": ci_window_average(
            remittances, years, classification_year, cap=remittances_cap, field="remittances"
        ),
        "reserves": ci_window_average(reserves, years, classification_year, field="reserves"),
        "world_growth": ci_window_average(
            world_growth, years, classification_year, field="world_growth"
        ),
    }
    return composite_indicator(
        avg["cpia"],
        avg["growth"],
        avg["remittances"],
        avg["reserves"],
        avg["world_growth"],
        coefficients=coefficients,
    )


# --------------------------------------------------------------------------- two vintages


@dataclass(frozen=True, slots=True)
class CapacityState:
    """The class in force and the signal of the latest vintage (the two-vintage rule)."""

    classification: Capacity
    last_signal: Capacity | None = None

    def update(self, signal: Capacity | str) -> CapacityState:
        """State after one more vintage's signal: see :func:`reclassify`."""
        return reclassify(self.classification, self.last_signal, signal)

    def to_dict(self) -> dict[str, Any]:
        return {
            "classification": self.classification.value,
            "last_signal": None if self.last_signal is None else self.last_signal.value,
        }


def reclassify(
    prior: Capacity | str, last_signal: Capacity | str | None, signal: Capacity | str
) -> CapacityState:
    """Apply one vintage's ``signal`` to the class in force (GN 2018 two-vintage rule).

    The class changes only when this signal and the previous one (``last_signal``)
    both point to the same new class; a single vintage's change is not applied.
    """
    p = parse_capacity(prior, field="prior_classification")
    s = parse_capacity(signal, field="signal")
    last = None if last_signal is None else parse_capacity(last_signal, field="last_signal")
    cls = s if (s != p and last == s) else p
    return CapacityState(classification=cls, last_signal=s)


def classify_vintages(
    signals: Sequence[Capacity | str], *, initial: Capacity | str | None = None
) -> tuple[CapacityState, ...]:
    """The state after each vintage's signal, in order.

    With no ``initial`` class the first signal sets the class (a first
    classification needs no confirmation).
    """
    if not signals:
        return ()
    first = parse_capacity(signals[0], field="signals[0]")
    state = (
        CapacityState(first, first)
        if initial is None
        else reclassify(parse_capacity(initial, field="initial"), None, first)
    )
    out = [state]
    for i, sig in enumerate(signals[1:], start=1):
        state = state.update(parse_capacity(sig, field=f"signals[{i}]"))
        out.append(state)
    return tuple(out)


@dataclass(frozen=True, slots=True)
class DebtCarryingCapacity:
    """The capacity class applied in a DSA and how it was reached.

    ``signal`` is the class of this vintage's CI score; ``classification`` is
    the class in force after the two-vintage rule (equal to ``signal`` when no
    prior class is given). ``source`` says whether it came from a CI or was given.
    """

    classification: Capacity
    ci_score: float | None = None
    signal: Capacity | None = None
    prior_classification: Capacity | None = None
    previous_signal: Capacity | None = None
    ci: CompositeIndicator | None = None
    source: str = "given"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "ci_score": self.ci_score,
            "classification": self.classification.value,
            "signal": None if self.signal is None else self.signal.value,
            "prior_classification": (
                None if self.prior_classification is None else self.prior_classification.value
            ),
            "previous_signal": None if self.previous_signal is None else self.previous_signal.value,
            "source": self.source,
        }
        if self.ci is not None and self.ci.score.ndim == 0:
            d = self.ci.to_dict()
            out["inputs"] = d["inputs"]
            out["contributions"] = d["contributions"]
        return out


def debt_carrying_capacity(
    ci: CompositeIndicator | float | None = None,
    *,
    classification: Capacity | str | None = None,
    prior_classification: Capacity | str | None = None,
    previous_signal: Capacity | str | None = None,
) -> DebtCarryingCapacity:
    """Capacity from a CI (object or precomputed score) or a given class.

    Give ``ci`` (the class follows from the score and, when
    ``prior_classification`` is known, the two-vintage rule with
    ``previous_signal``), or ``classification`` alone (taken as given).
    """
    if ci is None:
        if classification is None:
            raise InputError("give a CI score or a classification", field="capacity")
        return DebtCarryingCapacity(
            classification=parse_capacity(classification, field="capacity.classification")
        )
    if classification is not None:
        raise InputError("give either a CI score or a classification, not both", field="capacity")
    obj = ci if isinstance(ci, CompositeIndicator) else None
    if obj is not None:
        if obj.score.ndim != 0:
            raise InputError("needs one CI score, got an array", field="capacity.ci_score")
        score = float(obj.score)
    else:
        score = float(ci)  # type: ignore[arg-type]
    signal = classify_capacity(score)
    prior = (
        None
        if prior_classification is None
        else parse_capacity(prior_classification, field="capacity.prior_classification")
    )
    prev = (
        None
        if previous_signal is None
        else parse_capacity(previous_signal, field="capacity.previous_signal")
    )
    cls = signal if prior is None else reclassify(prior, prev, signal).classification
    return DebtCarryingCapacity(
        classification=cls,
        ci_score=score,
        signal=signal,
        prior_classification=prior,
        previous_signal=prev,
        ci=obj,
        source="composite_indicator",
    )
