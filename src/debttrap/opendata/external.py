"""External-sector facts beyond the IDS creditor stocks: Fund credit, short-term debt, exports mix.

All from the bundled WDI/IDS external series (``wb-wdi-external``):

- **IMF credit** (DT.DOD.DIMF.CD, "use of IMF credit", which in the IDS includes the
  SDR allocations) counts as public external debt in the LIC-DSF. The allocations are
  estimated from the series itself (:func:`sdr_allocations_estimate`, OD16a) and carry
  interest only, at the SDR rate, never principal; the rest is Fund credit proper. The
  bundle does not split that by facility, so it is repaid on the Fund's concessional
  (PRGT) terms: no interest, 5½ years' grace, 10 years' maturity, equal semi-annual
  instalments (OD16). Outstanding credit is taken as disbursed evenly over the ten years
  before the stock year, so it runs off on :func:`prgt_runoff_shares`.
- **Short-term external debt** (DT.DOD.DSTC.CD) is published for all borrowers together,
  public and private; it is reported beside the PPG debt, not counted in it (OD17).
- **Commodity exports** (fuel + ores and metals, % of merchandise exports, times
  merchandise exports over exports of goods and services) trigger and size the C3 test.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from debttrap import datasets as ds
from debttrap.errors import DataError
from debttrap.opendata._series import FloatArray
from debttrap.opendata.provenance import WDIX, Provenance

__all__ = [
    "PRGT_GRACE_YEARS",
    "PRGT_MATURITY_YEARS",
    "ExternalFacts",
    "commodity_share_history",
    "external_facts",
    "prgt_runoff_shares",
    "record_commodity",
    "sdr_allocations_estimate",
]

PRGT_GRACE_YEARS = 5.5
PRGT_MATURITY_YEARS = 10.0
#: Interest on SDR allocations: the SDR interest rate, near 3% through 2025 (IMF, "SDR
#: interest rate", weekly; a weighted average of 3-month rates of the basket currencies).
SDR_INTEREST_RATE_PCT = 3.0
#: General SDR allocations, SDR bn (IMF, "Special Drawing Rights" factsheet): cumulative
#: before August 2021 (1970-72 and 1979-81: 21.4; 2009 general 161.2 and special 21.5), and
#: the general allocation of 23 August 2021 (about 95.8% of each member's quota).
SDR_ALLOCATED_BEFORE_2021_BN = 204.2
SDR_ALLOCATED_2021_BN = 456.5
#: Of the allocations before 2021, those of August-September 2009 (general + special).
SDR_ALLOCATED_2009_BN = 182.7
#: The C3 price fall used when no price forecast band is given: the LIC-DSF template's
#: sample case (export-share-weighted fall of 23% in t+1).
DEFAULT_COMMODITY_PRICE_FALL_PCT = -23.0


def prgt_runoff_shares(
    grace: float = PRGT_GRACE_YEARS, maturity: float = PRGT_MATURITY_YEARS, steps: int = 12
) -> FloatArray:
    """Share of a Fund-credit stock repaid in each of the following years (sums to 1).

    Each loan repays in equal instalments spread evenly over ``grace … maturity`` years
    after its disbursement (semi-annual instalments, approximated on a monthly grid of
    ``steps`` points a year); the stock holds loans disbursed evenly over the
    ``maturity`` years before the stock date. Element ``k`` is the principal due in year
    ``k+1`` as a share of the stock.
    """
    ages = (np.arange(int(maturity * steps)) + 0.5) / steps  # ages of the cohorts, years
    horizon = int(np.ceil(maturity))
    due = np.zeros(horizon)
    rate = 1.0 / (maturity - grace)  # principal per year of the repayment window
    for k in range(horizon):  # loop over future years: repayment window ∩ year k+1
        lo = np.maximum(ages + k, grace)
        hi = np.minimum(ages + k + 1.0, maturity)
        due[k] = float(np.clip(hi - lo, 0.0, None).sum()) * rate
    remaining = np.clip(maturity - np.maximum(ages, grace), 0.0, None) * rate
    return np.asarray(due / remaining.sum())


@dataclass(frozen=True, slots=True)
class ExternalFacts:
    """Facts of one country from the WDI/IDS external series (US$ m, percent)."""

    imf_credit_usd_m: float  # the published stock, SDR allocations included
    imf_credit_year: int | None
    short_term_usd_m: dict[int, float]
    commodity_share_pct: dict[int, float]
    sdr_allocations_usd_m: float = 0.0  # estimated part of imf_credit_usd_m (OD16a)
    sdr_allocations_rule: str = ""

    @property
    def fund_credit_usd_m(self) -> float:
        """Fund credit proper: the published stock less the estimated SDR allocations."""
        return max(self.imf_credit_usd_m - self.sdr_allocations_usd_m, 0.0)


def _panel(code: str) -> pd.DataFrame:
    try:
        long = ds.wdi_external(code)
    except DataError:
        return pd.DataFrame()
    return long.pivot_table(index="year", columns="series", values="value", observed=True)


def commodity_share_history(wx: pd.DataFrame, years: range) -> dict[int, float]:
    """Fuel + ores and metals exports, % of exports of goods and services, by year.

    (fuel + ores/metals share of merchandise exports) × merchandise exports / (exports of
    goods and services share of GDP × GDP); years where a part is missing are left out.
    """
    need = ("merch_exports_usd_m", "exports_gs_pct_gdp", "gdp_usd_m")
    if any(c not in wx.columns for c in need) or not (
        "fuel_exports_pct_merch" in wx.columns or "ores_metals_exports_pct_merch" in wx.columns
    ):
        return {}
    out: dict[int, float] = {}
    idx = [int(y) for y in wx.index]
    for y in years:
        if y not in idx:
            continue
        row = {str(k): float(v) for k, v in wx.loc[y].to_dict().items()}
        parts = [row.get(c, np.nan) for c in ("fuel_exports_pct_merch",
                                              "ores_metals_exports_pct_merch")]
        if all(np.isnan(p) for p in parts):
            continue
        commodity_pct = float(np.nansum(parts))
        exports = row["exports_gs_pct_gdp"] / 100.0 * row["gdp_usd_m"]
        merch = row["merch_exports_usd_m"]
        if not (np.isfinite(exports) and np.isfinite(merch)) or exports <= 0:
            continue
        out[int(y)] = float(np.clip(commodity_pct * merch / exports, 0.0, 100.0))
    return out


def sdr_allocations_estimate(series: pd.Series, stock_year: int) -> tuple[float, str]:
    """SDR allocations in the IDS "use of IMF credit" stock at end ``stock_year`` (US$ m).

    Allocations are proportional to quota and never amortise, so the series (whose years
    are its index) shows them as steps that stay: (1) the step of 2021 (``S2021 - S2020``)
    estimates the August 2021 allocation ``A21``; (2) the lowest value of 2010-2020
    bounds the allocations held before 2021 ``P`` from above. Across the membership the
    2021 allocation was 2.24 times the cumulative earlier ones (456.5 / 204.2 SDR bn),
    which gives each estimate a second bound from the other: ``A21 = min(step, 2.24 x
    low)``, ``P = min(low, step / 2.24)``. Before 2021 the 2009 step (2009 general and
    special allocations, 182.7 of the 204.2 SDR bn) scaled to all earlier allocations
    takes the place of (1). Fund credit disbursed in the step year inflates a step and
    repayments deflate it; the bounds limit both. The estimate never exceeds the lowest
    value of the series since the allocation year (allocations are not repaid). Returns
    the estimate and the rule's words; (0, reason) where the series lacks the years.
    """
    s = series.dropna()
    s = s[s.index <= stock_year]
    have = {int(str(y)) for y in s.index}

    def val(y: int) -> float:
        return float(s.loc[y])

    ratio = SDR_ALLOCATED_2021_BN / SDR_ALLOCATED_BEFORE_2021_BN
    if stock_year >= 2021 and {2020, 2021} <= have:
        step = max(val(2021) - val(2020), 0.0)
        early = [val(y) for y in range(2010, 2021) if y in have]
        low = min(early) if early else 0.0
        a21 = min(step, ratio * low) if early else step
        before = min(low, step / ratio)
        cap = min(val(y) for y in range(2021, stock_year + 1) if y in have)
        est = min(a21 + before, cap)
        rule = (
            f"2021 step {step:.1f} and lowest 2010-2020 stock {low:.1f} US$ m: allocation of "
            f"2021 {a21:.1f}, earlier allocations {before:.1f}"
        )
        return est, rule
    if stock_year >= 2009 and {2008, 2009} <= have:
        step = max(val(2009) - val(2008), 0.0)
        scaled = step * SDR_ALLOCATED_BEFORE_2021_BN / SDR_ALLOCATED_2009_BN
        cap = min(val(y) for y in range(2009, stock_year + 1) if y in have)
        est = min(scaled, cap)
        rule = (
            f"2009 step {step:.1f} US$ m scaled to all allocations before 2021 "
            f"(x {SDR_ALLOCATED_BEFORE_2021_BN / SDR_ALLOCATED_2009_BN:.3f})"
        )
        return est, rule
    if stock_year < 2009:
        return 0.0, (
            "stock year before the 2009 allocations: the small earlier allocations (SDR 21.4 "
            "bn across the membership) are not separated"
        )
    return 0.0, "the series lacks the allocation years: no allocations separated"


def external_facts(code: str, t: int, stock_year: int, rec: Provenance) -> ExternalFacts:
    """IMF credit at end ``stock_year``, short-term debt and commodity shares to ``t-1``."""
    wx = _panel(code)
    imf = 0.0
    imf_year: int | None = None
    alloc, alloc_rule = 0.0, ""
    if "imf_credit_usd_m" in wx.columns:
        s = wx["imf_credit_usd_m"].dropna()
        s = s[s.index <= stock_year]
        if not s.empty and int(s.index.max()) >= stock_year - 2:
            imf_year = int(s.index.max())
            imf = float(s.iloc[-1])
            alloc, alloc_rule = sdr_allocations_estimate(s, imf_year)
    if imf_year is None:
        rec.assume(
            f"OD16 no published use of IMF credit (DT.DOD.DIMF.CD) for {code} up to "
            f"{stock_year}: Fund credit counted as 0"
        )
        rec.source(
            "external_debt.imf_credit_usd_m",
            f"none available: no use of IMF credit published in {WDIX}; 0 (OD16)",
        )
    else:
        rec.source(
            "external_debt.imf_credit_usd_m",
            f"{WDIX}: imf_credit_usd_m (DT.DOD.DIMF.CD, published) end-{imf_year}: "
            f"{imf:.1f} US$ m",
        )
        rec.assume(
            f"OD16 IMF credit ({imf - alloc:.1f} US$ m at end-{imf_year}: IDS 'use of IMF "
            f"credit' {imf:.1f} less the SDR allocations it includes, OD16a) is public "
            "external debt owed to a multilateral creditor, repaid on PRGT terms (0% "
            "interest, 5.5 years' grace, 10 years' maturity) as if disbursed evenly over the "
            "previous ten years; the bundle does not split PRGT from GRA credit (charges "
            "near the SDR rate plus 1 point, repaid in 3.25-5 years), so for countries that "
            "also borrow from the GRA the PV and the service of Fund credit are understated"
        )
        rec.assume(
            f"OD16a SDR allocations in the IDS Fund-credit stock, estimated at {alloc:.1f} "
            f"US$ m at end-{imf_year} ({alloc_rule}), stay public external debt (LIC-DSF "
            "guidance on the 2021 allocation) but are never repaid: their service is "
            f"interest only, at the SDR rate ({SDR_INTEREST_RATE_PCT:g}%) on the whole "
            "allocation, an upper bound (the DSA counts only interest on allocations in "
            "excess of SDR holdings, which the bundle lacks); their PV is that interest "
            "discounted like all debt service"
        )
    short: dict[int, float] = {}
    if "ext_debt_short_term_usd_m" in wx.columns:
        st = wx["ext_debt_short_term_usd_m"].dropna()
        short = {
            int(str(y)): float(v) for y, v in st.items() if t - 10 <= int(str(y)) <= t - 1
        }
    if short:
        last = max(short)
        rec.source(
            "external_debt.short_term_all_borrowers_usd_m",
            f"{WDIX}: ext_debt_short_term_usd_m (DT.DOD.DSTC.CD, published), to {last}",
        )
        rec.assume(
            f"OD17 short-term external debt ({short[last]:.1f} US$ m at end-{last}) is "
            "published for public and private borrowers together; the LIC-DSF counts only "
            "the public part, at face, and the bundle does not split it, so PPG short-term "
            "debt is set to 0 (the PV of PPG debt is understated by at most that amount)"
        )
    else:
        rec.source(
            "external_debt.short_term_all_borrowers_usd_m",
            f"none available: no short-term external debt published in {WDIX}",
        )
        rec.assume("OD17 no published short-term external debt: PPG short-term debt set to 0")
    rec.source(
        "external_debt.arrears_usd_m",
        "no arrears stock in the bundled data (the IDS arrears series are not bundled): 0; "
        "arrears episodes come from debt-distress-events",
    )
    commodity = commodity_share_history(wx, range(t - 3, t))
    return ExternalFacts(imf, imf_year, short, commodity, alloc, alloc_rule)


def record_commodity(
    facts: ExternalFacts, t: int, rec: Provenance
) -> tuple[dict[int, float] | None, float]:
    """The C3 share history (``None`` without all of ``t-3 … t-1``) and the price fall."""
    years = (t - 3, t - 2, t - 1)
    h = facts.commodity_share_pct
    if not all(y in h for y in years):
        got = ", ".join(str(y) for y in sorted(h)) or "none"
        rec.source(
            "tailored.commodity_exports_share_history_pct",
            f"none available: {WDIX} fuel/ores-and-metals shares incomplete for {t - 3}-{t - 1} "
            f"(years with data: {got}): C3 not triggered",
        )
        rec.assume(
            f"OD18 commodity export shares are not published for all of {t - 3}-{t - 1}: "
            "the commodity-price test (C3) does not run"
        )
        return None, 0.0
    hist = {y: h[y] for y in years}
    avg = sum(hist.values()) / 3.0
    rec.source(
        "tailored.commodity_exports_share_history_pct",
        f"{WDIX}: (fuel_exports_pct_merch + ores_metals_exports_pct_merch) x "
        f"merch_exports_usd_m / (exports_gs_pct_gdp x gdp_usd_m), {t - 3}-{t - 1} "
        f"(mean {avg:.1f}%)",
    )
    rec.source(
        "tailored.commodity_price_shock_pct",
        f"assumed: {DEFAULT_COMMODITY_PRICE_FALL_PCT:g}% (the LIC-DSF template's sample case; "
        "OD18)",
    )
    rec.assume(
        f"OD18 commodity exports (fuel + ores and metals) were {avg:.1f}% of exports of goods "
        f"and services over {t - 3}-{t - 1} (WDI); where 50% or more the commodity-price "
        f"test C3 runs with a price fall of {-DEFAULT_COMMODITY_PRICE_FALL_PCT:g}% in t+1 "
        "(the LIC-DSF template's sample case; no commodity price forecast bands are bundled)"
    )
    return hist, DEFAULT_COMMODITY_PRICE_FALL_PCT
