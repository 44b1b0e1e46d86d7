"""LIC-DSF risk rating: breaches, most extreme shock, signals, moderate-risk space.

The primitives (breaches, the most extreme shock, moderate space) live in
:mod:`debttrap.dsa.breaches` and are re-exported here.

Rules (2018 Guidance Note, the 2025-08-12 template's "Chart Data" sheet; see
``docs/dsa-rating.md``):

* Rating window: the first projection year ``t`` and the ten after (``t … t+10``).
* Breach flag: an indicator path breaches when it is strictly above its
  threshold in **two or more** years of the window; one-year breaches are left
  to judgment.
* Most extreme shock, per indicator, among B1-B6, C1-C4 and A2 (A1 never
  counts): rank each candidate by its peak over ``t+1 … t+10``; a candidate
  that breaches in exactly one of those years and not in ``t`` is ranked by its
  second-largest value instead; the highest rank wins, ties go to the first in
  the order B1, B2, B3, B4, B5, B6, C1, C2, C3, C4, A2.
* External signal: high if any external indicator's baseline breaches, else
  moderate if any external indicator's most-extreme-shock path breaches, else
  low. Fiscal signal: the same for the public-debt benchmark. Overall =
  max(external, fiscal).
* Moderate-risk granularity (external moderate only): headroom ``(T − B)/T``
  with ``B`` the highest baseline value in the window; limited space if any
  indicator's headroom is below 20 % (stock) / 12 % (service), substantial if
  all are at least 40 % / 35 %, some otherwise.
* "In debt distress" when the inputs record arrears or a restructuring
  (external → both ratings; domestic → overall). Judgment overrides are inputs;
  mechanical and final ratings are kept apart.

The vectorized functions broadcast over any leading shape (paths of a
stochastic run); loops run over indicators and candidates, never over paths.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from debttrap.conventions import MIN_BREACH_YEARS, Risk
from debttrap.dsa.breaches import (
    _SPACE_FROM_CODE,
    RATING_WINDOW_YEARS,
    ModerateSpace,
    MostExtremeShock,
    _headroom,
    breach_count,
    breach_flag,
    moderate_space,
    most_extreme_shock,
    ranking_value,
    rating_window,
)
from debttrap.dsa.indicators import (
    BASELINE,
    EXTERNAL_INDICATORS,
    INDICATORS,
    Indicator,
    StressTest,
)
from debttrap.dsa.mechanical import (
    BaselinePaths,
    MechanicalRatings,
    StressPaths,
    ThresholdsPct,
    _mechanical,
    _prepare,
    _Prepared,
    mechanical_ratings,
)
from debttrap.dsa.thresholds import DEFAULT_SPACE_BANDS, ModerateSpaceBands
from debttrap.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "MIN_BREACH_YEARS",
    "RATING_WINDOW_YEARS",
    "Judgment",
    "MechanicalRatings",
    "ModerateSpace",
    "MostExtremeShock",
    "RatingResult",
    "Risk",
    "Signal",
    "breach_count",
    "breach_flag",
    "mechanical_ratings",
    "moderate_space",
    "most_extreme_shock",
    "ranking_value",
    "rate_risk",
    "rating_window",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


# --------------------------------------------------------------------------- one rating, explained


@dataclass(frozen=True, slots=True)
class Signal:
    """Why an indicator path matters: the years it is above its threshold.

    ``counts`` is True when the breach enters the mechanical rating (two or
    more years); a one-year breach is listed for judgment but does not count.
    """

    indicator: Indicator
    scope: str  # "external" or "public"
    scenario: str  # "baseline" or the most extreme shock's code
    threshold_pct: float
    breach_years: tuple[int, ...]
    values_pct: tuple[float, ...]
    counts: bool
    signal: Risk  # what this breach alone signals: high (baseline) or moderate (stress)

    def to_dict(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator.value,
            "scope": self.scope,
            "scenario": self.scenario,
            "threshold_pct": self.threshold_pct,
            "breach_years": list(self.breach_years),
            "values_pct": list(self.values_pct),
            "years_above": len(self.breach_years),
            "counts": self.counts,
            "signal": self.signal.value if self.counts else None,
        }


@dataclass(frozen=True, slots=True)
class Judgment:
    """An analyst's override of the mechanical ratings (kept apart from them).

    ``discounted_one_year_breach`` says the judgment only set aside a single
    one-year breach: a moderate rating is then graded with that breach removed
    instead of being put in "limited space".
    """

    reason: str
    external: Risk | None = None
    overall: Risk | None = None
    discounted_one_year_breach: bool = False

    def __post_init__(self) -> None:
        if not str(self.reason).strip():
            raise InputError("say why the mechanical rating is overridden", field="judgment.reason")
        for name in ("external", "overall"):
            v = getattr(self, name)
            if v is not None:
                try:
                    object.__setattr__(self, name, Risk(str(v)))
                except ValueError:
                    raise InputError(
                        f"unknown rating {v!r}; use low, moderate, high or in_distress",
                        field=f"judgment.{name}",
                    ) from None

    def to_dict(self) -> dict[str, Any]:
        return {
            "reason": self.reason,
            "external": None if self.external is None else self.external.value,
            "overall": None if self.overall is None else self.overall.value,
            "discounted_one_year_breach": self.discounted_one_year_breach,
        }


@dataclass(frozen=True, slots=True)
class RatingResult:
    """A country's LIC-DSF risk rating: final and mechanical, with the reasons.

    ``external``/``overall`` are final (after distress flags and judgment);
    ``mechanical_*`` are the signals of the rules alone. ``moderate_space`` is
    set only when the final external rating is moderate. ``signals`` lists every
    baseline or most-extreme-shock path above its threshold in some year of the
    window. ``paths_pct`` holds, per indicator, the baseline and most extreme
    shock over the window (rows: baseline, most extreme; NaN without stress).
    """

    external: Risk
    overall: Risk
    moderate_space: ModerateSpace | None
    signals: tuple[Signal, ...]
    mechanical_external: Risk
    mechanical_fiscal: Risk
    mechanical_overall: Risk
    most_extreme: Mapping[Indicator, StressTest | None]
    thresholds: Mapping[Indicator, float]
    headroom: Mapping[Indicator, float]
    window_years: tuple[int, ...]
    paths_pct: Mapping[Indicator, FloatArray]
    external_arrears_or_restructuring: bool = False
    domestic_arrears_or_restructuring: bool = False
    judgment: Judgment | None = None
    space_bands: ModerateSpaceBands = field(default=DEFAULT_SPACE_BANDS)

    @property
    def first_projection_year(self) -> int:
        return self.window_years[0]

    def to_dict(self) -> dict[str, Any]:
        """The rating as plain values (the ``rating`` block of ``debttrap dsa --json``)."""
        return {
            "external": self.external.value,
            "overall": self.overall.value,
            "moderate_space": None if self.moderate_space is None else self.moderate_space.value,
            "signals": [s.to_dict() for s in self.signals],
            "mechanical": {
                "external": self.mechanical_external.value,
                "fiscal": self.mechanical_fiscal.value,
                "overall": self.mechanical_overall.value,
            },
            "most_extreme": {
                i.value: (None if t is None else t.value) for i, t in self.most_extreme.items()
            },
            "thresholds": {i.value: v for i, v in self.thresholds.items()},
            "headroom_pct": {i.value: 100.0 * v for i, v in self.headroom.items()},
            "window": [self.window_years[0], self.window_years[-1]],
            "in_debt_distress_inputs": {
                "external_arrears_or_restructuring": self.external_arrears_or_restructuring,
                "domestic_arrears_or_restructuring": self.domestic_arrears_or_restructuring,
            },
            "judgment": None if self.judgment is None else self.judgment.to_dict(),
        }

    def to_frame(self) -> pd.DataFrame:
        """Year-indexed window: per indicator the baseline, most extreme shock and threshold."""
        import pandas as pd
        cols: dict[tuple[str, str], Any] = {}
        for ind in INDICATORS:
            p = self.paths_pct[ind]
            cols[(ind.value, BASELINE)] = p[0]
            cols[(ind.value, "most_extreme")] = p[1]
            cols[(ind.value, "threshold")] = np.full(p.shape[1], self.thresholds[ind])
        frame = pd.DataFrame(cols, index=pd.Index(list(self.window_years), name="year"))
        frame.columns = pd.MultiIndex.from_tuples(list(cols), names=["indicator", "series"])
        return frame


def _signals_for(
    ind: Indicator, scenario: str, window: FloatArray, threshold: float, years: IntArray
) -> Signal | None:
    above = window > threshold
    if not above.any():
        return None
    scope = "external" if ind in EXTERNAL_INDICATORS else "public"
    return Signal(
        indicator=ind,
        scope=scope,
        scenario=scenario,
        threshold_pct=threshold,
        breach_years=tuple(int(y) for y in years[above]),
        values_pct=tuple(float(v) for v in window[above]),
        counts=int(above.sum()) >= MIN_BREACH_YEARS,
        signal=Risk.HIGH if scenario == BASELINE else Risk.MODERATE,
    )


def _max_risk(*risks: Risk) -> Risk:
    return max(risks, key=lambda r: r.code)


def _signals_and_paths(
    p: _Prepared, mx: Mapping[Indicator, MostExtremeShock | None]
) -> tuple[list[Signal], dict[Indicator, FloatArray]]:
    """The breach signals and the (baseline, most extreme) window paths per indicator."""
    win = p.window
    wyears = p.years[win]
    signals: list[Signal] = []
    paths: dict[Indicator, FloatArray] = {}
    for ind in INDICATORS:
        t = p.thresholds[ind]
        bw = p.baseline[ind][win]
        s = _signals_for(ind, BASELINE, bw, t, wyears)
        if s is not None:
            signals.append(s)
        m = mx[ind]
        if m is not None:
            if m.path.ndim != 1:
                raise InputError("rate_risk takes one path per stress test", field=f"stress.{ind}")
            mw = m.path[win]
            s = _signals_for(ind, StressTest(m.name).value, mw, t, wyears)
            if s is not None:
                signals.append(s)
        else:
            mw = np.full(bw.shape, np.nan)
        pair = np.vstack([bw, mw])
        pair.setflags(write=False)
        paths[ind] = pair

    return signals, paths


def _final_ratings(
    mech_ext: Risk,
    mech_fis: Risk,
    judgment: Judgment | None,
    external_arrears_or_restructuring: bool,
    domestic_arrears_or_restructuring: bool,
) -> tuple[Risk, Risk]:
    """(external, overall): a judgment wins, then recorded arrears or restructuring."""
    if judgment is not None and judgment.external is not None:
        ext = judgment.external
    elif external_arrears_or_restructuring:
        ext = Risk.IN_DISTRESS
    else:
        ext = mech_ext
    if judgment is not None and judgment.overall is not None:
        overall = _max_risk(ext, judgment.overall)
    else:
        fiscal = (
            Risk.IN_DISTRESS
            if (domestic_arrears_or_restructuring or external_arrears_or_restructuring)
            else mech_fis
        )
        overall = _max_risk(ext, fiscal)

    return ext, overall


def _space(
    p: _Prepared,
    ext: Risk,
    mech_ext: Risk,
    mech: MechanicalRatings,
    judgment: Judgment | None,
    bands: ModerateSpaceBands,
) -> ModerateSpace | None:
    """Moderate-risk granularity where the external rating is moderate."""
    win = p.window
    space: ModerateSpace | None = None
    if ext is Risk.MODERATE:
        if mech_ext is Risk.MODERATE:
            space = _SPACE_FROM_CODE[int(mech.space)]
        elif judgment is not None and judgment.discounted_one_year_breach:
            adj: dict[Indicator, float] = {}
            for ind in EXTERNAL_INDICATORS:
                bw = p.baseline[ind][win]
                thr = p.thresholds[ind]
                above = bw > thr
                kept = bw[~above] if int(above.sum()) == 1 else bw
                adj[ind] = float((thr - kept.max()) / thr)
            space = _SPACE_FROM_CODE[int(moderate_space(adj, bands))]
        else:
            space = ModerateSpace.LIMITED  # a moderate rating reached by judgment

    return space


def rate_risk(
    baseline: BaselinePaths,
    stress: StressPaths,
    thresholds: ThresholdsPct,
    years: ArrayLike,
    first_projection_year: int,
    *,
    external_arrears_or_restructuring: bool = False,
    domestic_arrears_or_restructuring: bool = False,
    judgment: Judgment | None = None,
    bands: ModerateSpaceBands = DEFAULT_SPACE_BANDS,
) -> RatingResult:
    """Rate one country: mechanical signals, distress flags, judgment, and the reasons.

    ``baseline`` maps each of the five indicator names to a 1-D path on
    ``years``; ``stress`` maps indicator names to ``{test code: path}`` (A1 is
    shown elsewhere but never rated). ``thresholds`` maps indicator names to
    percent (see :func:`debttrap.dsa.thresholds.thresholds`).

    Final ratings: a judgment override wins; otherwise recorded external
    arrears or restructuring make both ratings ``in_distress`` and domestic ones
    the overall rating. The overall rating is never below the external one.
    """
    p = _prepare(baseline, stress, thresholds, years, first_projection_year)
    for ind in INDICATORS:
        if p.baseline[ind].ndim != 1:
            raise InputError(
                "rate_risk takes one path per indicator; use mechanical_ratings for many",
                field=f"baseline.{ind}",
            )
    mech, mx = _mechanical(p, first_projection_year, bands)
    win = p.window
    wyears = p.years[win]

    signals, paths = _signals_and_paths(p, mx)

    mech_ext = Risk.from_code(int(mech.external))
    mech_fis = Risk.from_code(int(mech.fiscal))
    mech_all = Risk.from_code(int(mech.overall))

    ext, overall = _final_ratings(
        mech_ext,
        mech_fis,
        judgment,
        external_arrears_or_restructuring,
        domestic_arrears_or_restructuring,
    )

    headroom = {
        ind: float(_headroom(p.baseline[ind][win], p.thresholds[ind]))
        for ind in EXTERNAL_INDICATORS
    }
    space = _space(p, ext, mech_ext, mech, judgment, bands)

    return RatingResult(
        external=ext,
        overall=overall,
        moderate_space=space,
        signals=tuple(signals),
        mechanical_external=mech_ext,
        mechanical_fiscal=mech_fis,
        mechanical_overall=mech_all,
        most_extreme=MappingProxyType(
            {ind: (None if mx[ind] is None else StressTest(mx[ind].name)) for ind in INDICATORS}  # type: ignore[union-attr]
        ),
        thresholds=MappingProxyType(dict(p.thresholds)),
        headroom=MappingProxyType(headroom),
        window_years=tuple(int(y) for y in wyears),
        paths_pct=MappingProxyType(paths),
        external_arrears_or_restructuring=bool(external_arrears_or_restructuring),
        domestic_arrears_or_restructuring=bool(domestic_arrears_or_restructuring),
        judgment=judgment,
        space_bands=bands,
    )
