"""A historical case from what was known at the decision: projections replace realised data.

A country built from the bundled data for a past year ``t`` carries what happened
afterwards (the WEO's actuals for ``t`` … 2023). :func:`ex_ante_country` keeps every
value up to the decision year ``d = t - 1`` and replaces every later one by a stated
rule that reads only years ``d - 4`` … ``d`` (:data:`RULE`):

* real growth and foreign inflation: their five-year mean;
* exchange rates: held at their value in ``d``;
* GDP in US$: grows at its five-year mean nominal US$ growth (GDP in LCU and real GDP
  follow the US$ path, the exchange rate and real growth);
* every other US$ series: its five-year mean share of GDP in US$; every LCU series its
  five-year mean share of GDP in LCU (a series with no value up to ``d`` holds its share
  in ``t``, one year of outturn, and says so);
* capacity: the CI's real-growth and world-growth components are recomputed over
  their window (``t-5`` … ``t+4``) with the projected years at the five-year mean
  known in ``d``.

The result is a projection, labelled as one; the existing debt (stocks at the end of
``d``) was known at the decision. What the rule does to the answer is said in each case's
assumptions: it drops the shocks that came later (COVID, the 2015 commodity fall after
``d``) and keeps the trend of the five years before.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from debttrap.country.model import Country
from debttrap.dsa.ci_window import ci_window_years

__all__ = ["RULE", "ex_ante_country"]

RULE = (
    "ex-ante projection: values after the decision year d = t-1 are replaced by a rule that "
    "reads only d-4..d (growth and foreign inflation at their 5-year mean; exchange rates "
    "held; GDP in US$ at its 5-year mean nominal growth; other series at their 5-year mean "
    "share of GDP; CI growth components over their window with projected years at the "
    "5-year mean)"
)

_PCT = ("real_gdp_growth_pct", "foreign_inflation_pct")
_HELD = ("exchange_rate_eop_lcu_per_usd", "exchange_rate_avg_lcu_per_usd")
_SKIP = ("nominal_gdp_usd_m", "nominal_gdp_lcu_m", "real_gdp_lcu_m",
         "primary_balance_history_pct_gdp", *_PCT, *_HELD)


def _known(series: dict[int, float], d: int) -> list[int]:
    return [y for y in range(d - 4, d + 1) if y in series and math.isfinite(series[y])]


def _mean(values: list[float]) -> float:
    return float(np.mean(values))


def ex_ante_country(country: Country, world_growth_pct: dict[int, float] | None = None
                    ) -> tuple[Country, tuple[str, ...]]:
    """``country`` with every value after its decision year ``t - 1`` projected by :data:`RULE`.

    ``world_growth_pct`` (year -> %) gives the world-growth history for the CI's world
    component (None: that component is left as built). Returns the country and notes
    (series left as built for want of history).
    """
    t = country.t
    d = t - 1
    m: dict[str, Any] = country.macro.model_dump()
    notes: list[str] = []

    def later(series: dict[int, float]) -> list[int]:
        return [y for y in series if y > d]

    gdp = {int(k): float(v) for k, v in m["nominal_gdp_usd_m"].items()}
    base = _known(gdp, d)
    if len(base) < 2:
        return country, ("ex-ante rule not applied: fewer than two GDP values up to the "
                         f"decision year {d}",)
    g_usd = (gdp[base[-1]] / gdp[base[0]]) ** (1.0 / (base[-1] - base[0])) - 1.0
    new_gdp = dict(gdp)
    for y in sorted(later(gdp)):
        new_gdp[y] = new_gdp[y - 1] * (1.0 + g_usd) if (y - 1) in new_gdp else gdp[y]
    out: dict[str, Any] = {"nominal_gdp_usd_m": new_gdp}

    for name in _HELD:
        s = {int(k): float(v) for k, v in (m.get(name) or {}).items()}
        if d in s:
            out[name] = {y: (s[d] if y > d else v) for y, v in s.items()}
    for name in _PCT:
        s = {int(k): float(v) for k, v in (m.get(name) or {}).items()}
        k = _known(s, d)
        if s and k:
            avg = _mean([s[y] for y in k])
            out[name] = {y: (avg if y > d else v) for y, v in s.items()}
    rate = out.get("exchange_rate_avg_lcu_per_usd") or {
        int(k): float(v) for k, v in m["exchange_rate_avg_lcu_per_usd"].items()}

    def gdp_lcu(y: int, g: dict[int, float]) -> float | None:
        return g[y] * rate[y] if y in g and y in rate else None

    for name, value in m.items():
        if name in _SKIP or not isinstance(value, dict) or not value:
            continue
        s = {int(k): float(v) for k, v in value.items()}
        if not later(s):
            continue
        lcu = name.endswith("_lcu_m")
        shares = []
        for y in _known(s, d):
            den = gdp_lcu(y, gdp) if lcu else gdp.get(y)
            if den:
                shares.append(s[y] / den)
        if not shares:
            # no history in the built country: the share in t alone is held (one year of
            # outturn instead of the decision year's own budget or forecast)
            den_t = gdp_lcu(t, gdp) if lcu else gdp.get(t)
            if t not in s or not den_t:
                notes.append(f"{name}: no value up to {d} nor in {t}, left as built")
                continue
            shares = [s[t] / den_t]
            notes.append(f"{name}: no value up to {d}; its share of GDP in {t} is held "
                         "(one year of outturn)")
        share = _mean(shares)
        proj = dict(s)
        for y in later(s):
            den = gdp_lcu(y, new_gdp) if lcu else new_gdp.get(y)
            if den is not None:
                proj[y] = share * den
        out[name] = proj
    if m.get("nominal_gdp_lcu_m"):
        out["nominal_gdp_lcu_m"] = {
            int(y): (new_gdp[int(y)] * rate[int(y)] if int(y) > d and int(y) in rate
                     and int(y) in new_gdp else float(v))
            for y, v in m["nominal_gdp_lcu_m"].items()}
    if m.get("real_gdp_lcu_m"):
        growth = out.get("real_gdp_growth_pct") or m.get("real_gdp_growth_pct") or {}
        r = {int(k): float(v) for k, v in m["real_gdp_lcu_m"].items()}
        for y in sorted(later(r)):
            if (y - 1) in r and y in growth:
                r[y] = r[y - 1] * (1.0 + float(growth[y]) / 100.0)
        out["real_gdp_lcu_m"] = r
    macro = country.macro.model_copy(update=out)

    cap = country.capacity
    cap_update: dict[str, Any] = {}
    window = ci_window_years(t)
    growth = out.get("real_gdp_growth_pct")
    if cap.real_growth_pct is not None and growth:
        vals = [growth.get(y) for y in window]
        if all(v is not None for v in vals):
            cap_update["real_growth_pct"] = _mean([float(v) for v in vals if v is not None])
    if cap.world_growth_pct is not None and world_growth_pct:
        k = _known(world_growth_pct, d)
        if k:
            avg = _mean([world_growth_pct[y] for y in k])
            cap_update["world_growth_pct"] = _mean(
                [world_growth_pct[y] if y <= d else avg for y in window])
    if cap_update and cap.classification is None:
        cap_update["ci_score"] = None  # recomputed from the components
    capacity = cap.model_copy(update=cap_update) if cap_update else cap
    if cap_update:
        notes.append("capacity: " + ", ".join(sorted(cap_update)) + " recomputed ex ante")
    return country.model_copy(update={"macro": macro, "capacity": capacity}), tuple(notes)
