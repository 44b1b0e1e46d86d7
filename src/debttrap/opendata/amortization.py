"""The repayment of debt outstanding at the end of the last IDS year (assumption OD7).

Each creditor group repays in equal annual principal instalments at a pace
calibrated on the country's DSSI debt-service table (the median pace across
DSSI countries elsewhere), with interest at the group's typical rate
(:func:`~debttrap.opendata.terms.lending_terms`). A group whose DSSI schedule
shows (almost) no principal before 2025 is deferred: interest only until then,
then equal parts over as many years as its terms' maturity.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from debttrap import datasets as ds
from debttrap.country.creditors import CREDITOR_GROUPS, dssi_groups
from debttrap.opendata._series import FloatArray, IntArray
from debttrap.opendata.provenance import DSSI
from debttrap.opendata.terms import lending_terms

__all__ = ["DSSI_LAST_YEAR", "PACE_FLOOR", "LegacySchedule", "dssi_pace", "legacy_schedule"]

PACE_FLOOR = 0.02  # calibrated principal pace at or below this: repayment deferred
DSSI_LAST_YEAR = 2024  # last year of scheduled service in the DSSI tables
#: The DSSI tables were released on 19 June 2020 (the dataset's PROVENANCE.md): an ex-ante
#: build whose history ends in this year or later knew them (OD7b).
DSSI_RELEASE_YEAR = 2020


@functools.cache
def dssi_pace(iso3: str) -> Mapping[str, float]:
    """Annual principal share of end-2018 stock implied by DSSI service due 2019-2024.

    With equal principal ``p·S`` a year and interest ``r`` on the balance, mean
    service over the six years is ``S(p + r − 2.5 r p)``; solved for ``p`` with
    the group's rate from :func:`lending_terms`, clipped to 2-33% a year. A
    result at the 2% floor means the table shows (almost) no principal before
    2025: the group is then treated as deferred.
    """
    g = dssi_groups(iso3)
    if g is None:
        return MappingProxyType({})
    out: dict[str, float] = {}
    try:
        stock = pd.DataFrame(g.xs("stock", level="measure")).loc[2018]
        svc = pd.DataFrame(g.xs("service_due", level="measure"))
    except KeyError:
        return MappingProxyType({})
    terms = lending_terms()
    for grp in CREDITOR_GROUPS:
        s = float(stock.to_dict()[grp])
        if s < 1.0:  # under US$1m: too small to calibrate
            continue
        mean_service = float(svc[grp].mean())
        r = terms[grp].rate_pct / 100.0
        p = (mean_service / s - r) / (1.0 - 2.5 * r)
        out[grp] = float(np.clip(p, PACE_FLOOR, 1.0 / 3.0))
    return MappingProxyType(out)


@functools.cache
def median_pace() -> Mapping[str, float]:
    """Median calibrated amortization rate by group across DSSI countries (fallback)."""
    out: dict[str, list[float]] = {g: [] for g in CREDITOR_GROUPS}
    for code in sorted(ds.countries_in(DSSI)):
        for g, p in dssi_pace(code).items():
            if p > PACE_FLOOR:  # deferred groups say nothing about the pace
                out[g].append(p)
    return MappingProxyType({g: float(np.median(v)) if v else 1.0 / 15.0 for g, v in out.items()})


@dataclass(frozen=True, slots=True)
class LegacySchedule:
    """Balance, principal and interest (group × grid year, US$ m) of the base-year stock."""

    pace: FloatArray  # per group (0 where deferred, for the lending split)
    deferred: NDArray[np.bool_]
    balance: FloatArray
    principal: FloatArray
    interest: FloatArray
    calibrated: tuple[str, ...]


def legacy_schedule(
    code: str, s0: FloatArray, grid: IntArray, *, own_pace: bool = True
) -> LegacySchedule:
    """Repay the stocks ``s0`` (by group) on ``grid`` years (OD7); loops over time.

    ``own_pace=False`` (ex ante) ignores the country's own DSSI table, whose 2019-2024
    service contains loans signed after an earlier decision, and uses the cross-country
    median pace of each group.
    """
    own = dssi_pace(code) if own_pace else MappingProxyType({})
    med = median_pace()
    terms = lending_terms()
    pace = np.array([own.get(g, med[g]) for g in CREDITOR_GROUPS])
    deferred = np.array([own.get(g, 1.0) <= PACE_FLOOR for g in CREDITOR_GROUPS])
    rates = np.array([terms[g].rate_pct / 100.0 for g in CREDITOR_GROUPS])
    span = np.array([terms[g].maturity_years for g in CREDITOR_GROUPS])
    k, n = len(CREDITOR_GROUPS), grid.size
    start = int(np.searchsorted(grid, DSSI_LAST_YEAR + 1))
    bal_out = np.zeros((k, n))
    pr_out = np.zeros((k, n))
    int_out = np.zeros((k, n))
    bal = s0.copy()
    for j in range(n):  # loop over time: equal instalments until repaid
        due = np.where(deferred, np.where(j >= start, s0 / span, 0.0), pace * s0)
        pr = np.minimum(bal, due)
        int_out[:, j] = rates * bal
        pr_out[:, j] = pr
        bal = bal - pr
        bal_out[:, j] = bal
    calibrated = tuple(g for g in CREDITOR_GROUPS if g in own and own[g] > PACE_FLOOR)
    return LegacySchedule(pace, deferred, bal_out, pr_out, int_out, calibrated)
