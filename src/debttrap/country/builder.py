"""Build a complete LIC-DSF :class:`~debttrap.country.Country` from the bundled open data.

``build_country("ZMB")`` assembles, for a first projection year ``t``
(default 2024) and the years ``t-11 … t+20``:

* the macro framework from the IMF WEO (October 2024), extended beyond the
  WEO horizon (2029) by stated rules; exports from the Penn World Table's
  export share carried forward with WEO export volumes; imports, remittances
  and the revenue/grants split from the WDI;
* PPG external debt by creditor group from the World Bank IDS (end of the last
  IDS year), each group with a contractual service schedule derived from
  creditor-type terms, its amortization pace calibrated on the country's DSSI
  debt-service table where the country is covered;
* new external borrowing that keeps the external share of the WEO's gross
  government debt path, split across creditor groups as recent gross lending
  was, on creditor-type terms;
* domestic debt as the WEO gross debt minus that external debt;
* the composite-indicator inputs (CPIA, growth, remittances, reserves, world
  growth) and the class of the latest published DSA (two-vintage rule);
* the external arrears / restructuring flag from the sourced distress-events
  table, and the currency composition of the debt.

Every value records its source (``BuiltCountry.sources``: dataset, series,
years) and every assumption is listed (``BuiltCountry.assumptions``); both are
written into the country file (``debttrap country ISO3 --out FILE``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from debttrap import datasets as ds
from debttrap.cashflows.unit_loan import InstrumentTerms, unit_loan_profiles
from debttrap.conventions import CreditorGroup
from debttrap.country.creditors import CREDITOR_GROUPS, CreditorView, creditor_view, dssi_groups
from debttrap.country.model import (
    CapacityInputs,
    Country,
    DomesticDebt,
    ExistingDebtLine,
    ExternalDebt,
    FinancingLine,
    Macro,
    TailoredTestInputs,
)
from debttrap.dsa.capacity import REMITTANCES_CAP, ci_window_years
from debttrap.errors import DataError, InputError
from debttrap.terms.loan import CreditorType

__all__ = [
    "DEFAULT_FIRST_YEAR",
    "LENDING_TERMS",
    "BuiltCountry",
    "LendingTerms",
    "build_country",
    "dsa_countries",
]

FloatArray = NDArray[np.float64]

DEFAULT_FIRST_YEAR = 2024
HISTORY_YEARS = 10
WEO_LAST_YEAR = 2029
_WEO = "imf-weo-2024oct"
_IDS = "wb-ids-ppg-debt-stocks-by-creditor"
_WDI = "wb-wdi-lic-macro"
_PWT = "pwt-9.1"
_DSSI = "wb-dssi-debt-service-by-creditor-2020"
_LONG_TAIL_YEARS = 60  # existing schedules are followed this far (until repaid)
_PACE_FLOOR = 0.02  # calibrated principal pace at or below this: repayment deferred
_DSSI_LAST_YEAR = 2024  # last year of scheduled service in the DSSI tables


@dataclass(frozen=True, slots=True)
class LendingTerms:
    """Typical terms of one creditor group (percent; whole years, unit-loan convention)."""

    rate_pct: float
    grace_years: int
    maturity_years: int
    source: str


#: Terms of new (and the interest rate of existing) borrowing by creditor group.
LENDING_TERMS: Mapping[str, LendingTerms] = MappingProxyType(
    {
        "multilateral": LendingTerms(
            0.75, 6, 38, "IDA regular credit (IDA20, Jul 2024): 0.75%, 38 y, 6 y grace"
        ),
        "china": LendingTerms(
            2.85,
            5,
            15,
            "China Eximbank concessional loans (Hubbard, CGD WP 126, 2007): mean 2.85%, "
            "mean maturity 15.5 y (15), grace 3-7 y (5)",
        ),
        "paris_club": LendingTerms(
            1.1,
            7,
            28,
            "typical OECD-DAC lender loan (AidData 2021): 1.1%, 28 y; 7 y grace assumed",
        ),
        "other_bilateral": LendingTerms(
            2.0,
            6,
            20,
            "preferential buyer's credit (Hambantota II terms): 2%, 20 y, first repayment "
            "after 7 y",
        ),
        "bondholders": LendingTerms(
            8.5, 9, 10, "generic 10-year bullet Eurobond at 8.5% (lending-terms E5)"
        ),
        "commercial_banks": LendingTerms(
            6.3, 4, 15, "buyer's credit at 6.3% fixed, 15 y, 4 y grace (lending-terms E3)"
        ),
        "other_private": LendingTerms(
            6.3, 4, 15, "as commercial banks: 6.3%, 15 y, 4 y grace (lending-terms E3)"
        ),
    }
)

_GROUP_TYPE: Mapping[str, CreditorType] = MappingProxyType(
    {
        "china": CreditorType.BILATERAL_OTHER,
        "multilateral": CreditorType.MULTILATERAL,
        "paris_club": CreditorType.BILATERAL_PARIS_CLUB,
        "other_bilateral": CreditorType.BILATERAL_OTHER,
        "bondholders": CreditorType.BONDHOLDERS,
        "commercial_banks": CreditorType.COMMERCIAL_BANK,
        "other_private": CreditorType.SUPPLIER,
    }
)

_GROUP_LABEL: Mapping[str, str] = MappingProxyType(
    {
        "china": "China (all PPG claims)",
        "multilateral": "Multilateral creditors",
        "paris_club": "Paris Club bilateral",
        "other_bilateral": "Other bilateral",
        "bondholders": "Bondholders",
        "commercial_banks": "Commercial banks",
        "other_private": "Other private creditors",
    }
)


@dataclass(frozen=True, slots=True, eq=False)
class BuiltCountry:
    """A country assembled from the bundled data, with its provenance.

    ``country`` is the validated LIC-DSF input; ``sources`` maps each filled
    field (dotted path) to its dataset, series and years; ``assumptions`` lists
    every rule that fills a gap; ``distress_evidence`` holds the recorded
    arrears/restructuring episodes that count for year ``t``; ``frame`` holds
    the assembled annual series (``to_frame``).
    """

    iso3: str
    country: Country
    sources: Mapping[str, str]
    assumptions: tuple[str, ...]
    distress_evidence: tuple[Mapping[str, str], ...]
    currency_shares_pct: Mapping[str, float]
    currency_year: int | None
    capacity_detail: Mapping[str, Any]
    creditors: CreditorView
    frame: pd.DataFrame = field(repr=False)

    def _repr_html_(self) -> str:
        """A compact notebook view: the country and how many values are sourced or assumed."""
        from debttrap._display import country_html_summary

        return (country_html_summary(self.country)
                + f"<div>{len(self.sources)} sourced fields, {len(self.assumptions)} "
                "assumptions (<code>sources</code>, <code>assumptions</code>)</div>")

    def to_frame(self) -> pd.DataFrame:
        """The assembled annual series by ``year`` (US$ m, LCU m, percent as named)."""
        return self.frame.copy()

    def notes_text(self) -> str:
        """Sources and assumptions as plain text (what the country file's ``notes`` holds)."""
        return _notes(
            self.iso3, self.country.t, self.sources, self.assumptions, self.distress_evidence
        )


def _notes(
    iso3: str,
    t: int,
    sources: Mapping[str, str],
    assumptions: tuple[str, ...] | list[str],
    evidence: tuple[Mapping[str, str], ...],
) -> str:
    lines = [
        f"Built by debttrap from bundled open data for {iso3} (first projection year {t}).",
        "Sources:",
        *(f"  {k}: {v}" for k, v in sources.items()),
        "Assumptions:",
        *(f"  {a}" for a in assumptions),
    ]
    if evidence:
        lines.append("Arrears/restructuring evidence (debt-distress-events):")
        lines += [
            f"  {e['start']} to {e['end'] or 'open'} {e['event_type']}: {e['source']}"
            for e in evidence
        ]
    return "\n".join(lines)


# --------------------------------------------------------------------------- helpers


def _assumption_key(text: str) -> tuple[int, str]:
    """Order "A3 …", "A3b …", "A10 …" by number, then suffix."""
    m = re.match(r"A(\d+)(\w?)", text)
    return (int(m.group(1)), m.group(2)) if m else (10**6, text)


def _years(lo: int, hi: int) -> NDArray[np.int64]:
    return np.arange(lo, hi + 1, dtype=np.int64)


def _as_series(values: FloatArray, years: NDArray[np.int64]) -> dict[int, float]:
    return {int(y): float(v) for y, v in zip(years, values, strict=True)}


@functools.cache
def _dssi_amortization_medians() -> Mapping[str, float]:
    """Median calibrated amortization rate by group across DSSI countries (fallback)."""
    out: dict[str, list[float]] = {g: [] for g in CREDITOR_GROUPS}
    for code in sorted(ds.countries_in("wb-dssi-debt-service-by-creditor-2020")):
        for g, p in _dssi_amortization(code).items():
            if p > _PACE_FLOOR:  # deferred groups say nothing about the pace
                out[g].append(p)
    return MappingProxyType({g: float(np.median(v)) if v else 1.0 / 15.0 for g, v in out.items()})


@functools.cache
def _dssi_amortization(iso3: str) -> Mapping[str, float]:
    """Annual principal share of end-2018 stock implied by DSSI service due 2019-2024.

    With equal principal ``p·S`` a year and interest ``r`` on the balance, mean
    service over the six years is ``S(p + r − 2.5 r p)``; solved for ``p`` with
    the group's rate from :data:`LENDING_TERMS`, clipped to 2-33% a year. A
    result at the 2% floor means the table shows (almost) no principal before
    2025: the group is then treated as deferred (see ``_debt``).
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
    for grp in CREDITOR_GROUPS:
        s = float(stock.to_dict()[grp])
        if s < 1.0:  # under US$1m: too small to calibrate
            continue
        mean_service = float(svc[grp].mean())
        r = LENDING_TERMS[grp].rate_pct / 100.0
        p = (mean_service / s - r) / (1.0 - 2.5 * r)
        out[grp] = float(np.clip(p, _PACE_FLOOR, 1.0 / 3.0))
    return MappingProxyType(out)


# --------------------------------------------------------------------------- macro


@dataclass(frozen=True, slots=True)
class _Macro:
    years: NDArray[np.int64]
    gdp_usd: FloatArray
    gdp_lcu: FloatArray
    growth: FloatArray
    fx: FloatArray
    exports: FloatArray
    imports: FloatArray
    remittances: FloatArray
    revenue_lcu: FloatArray
    grants_lcu: FloatArray
    primary_exp_lcu: FloatArray
    primary_balance_pct: FloatArray
    current_account: FloatArray
    gross_debt_pct: FloatArray | None


def _col(frame: pd.DataFrame, name: str, years: NDArray[np.int64]) -> FloatArray:
    """Column ``name`` of a year-indexed frame on ``years`` (NaN where absent)."""
    if name not in frame.columns:
        return np.full(years.size, np.nan)
    return np.array(frame[name].reindex(years).to_numpy(dtype=np.float64), dtype=np.float64)


def _hold_after(values: FloatArray, years: NDArray[np.int64], last: int) -> FloatArray:
    """Fill years after ``last`` (and gaps after the last finite value up to it) by holding."""
    out = values.copy()
    ok = np.flatnonzero(np.isfinite(out) & (years <= last))
    if ok.size == 0:
        return out
    j = int(ok[-1])
    out[j + 1 :] = out[j]
    return out


def _fill_gaps(values: FloatArray, upto: int) -> FloatArray:
    """Fill NaNs in ``values[:upto]``: interior gaps linearly, edges with the nearest value."""
    out = values.copy()
    head = out[:upto]
    ok = np.flatnonzero(np.isfinite(head))
    if ok.size:
        idx = np.arange(head.size)
        out[:upto] = np.interp(idx, ok, head[ok])
    return out


def _wdi_panel(code: str) -> pd.DataFrame:
    try:
        long = ds.wdi_macro(code)
    except DataError:
        return pd.DataFrame()
    return long.pivot_table(index="year", columns="series", values="value")


def _macro(code: str, t: int, last: int, sources: dict[str, str], assumptions: list[str]) -> _Macro:
    weo_series = [
        "NGDPD", "NGDP", "NGDP_RPCH", "TM_RPCH", "GGR_NGDP", "GGXONLB_NGDP", "GGXWDG_NGDP",
        "BCA_NGDPD",
    ]  # fmt: skip
    w = ds.weo_panel(code, weo_series, required=["NGDPD", "NGDP", "NGDP_RPCH", "GGR_NGDP"])
    lo = t - HISTORY_YEARS - 2
    years = _years(lo, last)
    # the last year with GDP data: 2029 (the WEO horizon) unless the WEO withholds later years
    ends = [
        int(w[s].loc[:WEO_LAST_YEAR].dropna().index.max())
        for s in ("NGDPD", "NGDP", "NGDP_RPCH")
        if w[s].notna().any()
    ]
    wl = min(ends) if len(ends) == 3 else lo
    if wl < t + 5:
        for s in ("NGDPD", "NGDP", "NGDP_RPCH"):
            v = _col(w, s, _years(lo, t + 5))
            gap = np.flatnonzero(np.isnan(v))
            if gap.size:
                raise DataError(
                    f"no value for {code} in {lo + int(gap[0])}", dataset=_WEO, series=s
                )
    in_weo = years <= wl
    for s in ("NGDPD", "NGDP", "NGDP_RPCH", "GGR_NGDP", "GGXONLB_NGDP", "BCA_NGDPD"):
        v = _col(w, s, years)
        first = lo if s in ("NGDPD", "NGDP", "NGDP_RPCH") else t
        gap = np.flatnonzero(np.isnan(v) & in_weo & (years >= first))
        if gap.size:
            raise DataError(f"no value for {code} in {int(years[gap[0]])}", dataset=_WEO, series=s)
    growth = _col(w, "NGDP_RPCH", years)
    gdp_usd = _col(w, "NGDPD", years) * 1000.0
    gdp_lcu = _col(w, "NGDP", years) * 1000.0
    # beyond the last WEO year: real growth and both GDP deflators held at that year's values
    iw = int(np.searchsorted(years, wl))
    for i in range(iw + 1, years.size):  # loop over time
        growth[i] = growth[iw]
        gdp_usd[i] = gdp_usd[i - 1] * gdp_usd[iw] / gdp_usd[iw - 1]
        gdp_lcu[i] = gdp_lcu[i - 1] * gdp_lcu[iw] / gdp_lcu[iw - 1]
    if last > wl:
        horizon = "the WEO horizon" if wl == WEO_LAST_YEAR else "the last year the WEO covers"
        assumptions.append(
            f"A1 after {wl} ({horizon}) real growth, the US$ and LCU GDP "
            f"deflators and every ratio to GDP are held at their {wl} values"
        )
    fx = gdp_lcu / gdp_usd
    rng = f"{lo}-{wl}"
    sources["macro.nominal_gdp_usd_m"] = f"{_WEO}: NGDPD x 1000, {rng}; then A1"
    sources["macro.nominal_gdp_lcu_m"] = f"{_WEO}: NGDP x 1000, {rng}; then A1"
    sources["macro.real_gdp_growth_pct"] = f"{_WEO}: NGDP_RPCH, {rng}; then A1"
    sources["macro.exchange_rate_avg_lcu_per_usd"] = f"{_WEO}: NGDP / NGDPD (implied)"
    sources["macro.exchange_rate_eop_lcu_per_usd"] = f"{_WEO}: NGDP / NGDPD (A2)"
    assumptions.append(
        "A2 the WEO copy has no exchange-rate series: the period-average rate is NGDP/NGDPD "
        "and the end-of-period rate is taken equal to it"
    )
    # 1 + growth of the US$ GDP deflator
    defl_usd = np.full(years.size, np.nan)
    defl_usd[1:] = (gdp_usd[1:] / gdp_usd[:-1]) / (1.0 + growth[1:] / 100.0)

    wp = _wdi_panel(code)
    # ---- imports of goods and services (US$ m)
    imp_pct = _col(wp, "imports_gs_pct_gdp", years)
    imp_pct[years > t - 1] = np.nan
    if np.isfinite(imp_pct).any():
        src_m = f"{_WDI}: imports_gs_pct_gdp (NE.IMP.GNFS.ZS)"
    else:
        pw = ds.pwt(code).set_index("year") if code in ds.countries_in(_PWT) else pd.DataFrame()
        if pw.empty:
            raise DataError(f"no imports for {code}", dataset=_WDI, series="imports_gs_pct_gdp")
        share_m = (-pw["csh_m"] * pw["pl_m"] / pw["pl_gdpo"] * 100.0).dropna()
        if share_m.empty:
            raise DataError(f"no imports for {code}", dataset=_WDI, series="imports_gs_pct_gdp")
        imp_pct = share_m.reindex(years).to_numpy(dtype=np.float64)
        src_m = f"{_PWT}: -csh_m x pl_m / pl_gdpo"
    base_m = int(years[np.flatnonzero(np.isfinite(imp_pct))[-1]])
    imp_pct = _fill_gaps(imp_pct, int(np.searchsorted(years, base_m)) + 1)
    tm = _col(w, "TM_RPCH", years)
    tm = np.where(np.isfinite(tm), tm, growth)
    imports = imp_pct / 100.0 * gdp_usd
    for i in range(years.size):  # loop over time
        y = int(years[i])
        if y <= base_m:
            continue
        if y <= wl:
            imports[i] = imports[i - 1] * (1.0 + tm[i] / 100.0) * defl_usd[i]
        else:
            imports[i] = imports[i - 1] * gdp_usd[i] / gdp_usd[i - 1]
    sources["macro.imports_usd_m"] = (
        f"{src_m} x WEO GDP, to {base_m}; then WEO TM_RPCH volume x US$ GDP deflator (A3); then A1"
    )

    # ---- remittances = net current transfers (US$ m)
    rem = _col(wp, "remittances_usd_m", years)
    rem[years > t - 1] = np.nan
    if not np.isfinite(rem).any():
        remittances = np.zeros(years.size)
        assumptions.append("A4 no WDI remittances for this country: net current transfers set to 0")
        sources["macro.net_current_transfers_usd_m"] = "none available: 0 (A4)"
    else:
        ratio = rem / gdp_usd
        ok = np.flatnonzero(np.isfinite(ratio))
        hold = float(np.mean(ratio[ok[-3:]]))
        ratio = _fill_gaps(ratio, int(ok[-1]) + 1)
        ratio[ok[-1] + 1 :] = hold
        remittances = ratio * gdp_usd
        sources["macro.net_current_transfers_usd_m"] = (
            f"{_WDI}: remittances_usd_m (BX.TRF.PWKR.CD.DT), to {int(years[ok[-1]])}; later "
            "years at the mean ratio to GDP of the last three (A4)"
        )
        assumptions.append(
            "A4 net current transfers are approximated by workers' remittances received "
            "(WDI); official transfers and outward remittances are not in the bundled data"
        )
    sources["macro.net_fdi_usd_m"] = "none available: 0 (A5)"
    assumptions.append(
        "A5 net FDI is not in the bundled data and is set to 0 (so the FDI part of the B4 "
        "stress test has no effect)"
    )

    # ---- current account and exports (US$ m)
    ca_pct = _hold_after(_col(w, "BCA_NGDPD", years), years, wl)
    ca_pct = _fill_gaps(ca_pct, years.size)
    ca = ca_pct / 100.0 * gdp_usd
    sources["macro.current_account_usd_m"] = f"{_WEO}: BCA_NGDPD x GDP; then A1"
    exports = imports + ca - remittances
    floor_src = ""
    pw = ds.pwt(code).set_index("year") if code in ds.countries_in(_PWT) else pd.DataFrame()
    if not pw.empty:
        share_x = (pw["csh_x"] * pw["pl_x"] / pw["pl_gdpo"]).dropna()
        share_x = share_x[share_x > 0]
        if not share_x.empty:
            floor = float(share_x.iloc[-1]) * gdp_usd
            exports = np.maximum(exports, floor)
            floor_src = (
                f"; floored at the merchandise export share of GDP in {_PWT} "
                f"(csh_x x pl_x / pl_gdpo, {int(share_x.index[-1])})"
            )
    exports = np.maximum(exports, 0.01 * gdp_usd)
    for i in range(iw + 1, years.size):  # after the WEO horizon: ratio to GDP held
        exports[i] = exports[i - 1] * gdp_usd[i] / gdp_usd[i - 1]
    sources["macro.exports_usd_m"] = (
        "imports + current account - remittances (A3)" + floor_src + "; then A1"
    )
    assumptions.append(
        "A3 exports of goods and services are not in the bundled data; they follow from the "
        "current account: exports = imports (WDI, then WEO import volumes x US$ GDP deflator) "
        "+ current-account balance (WEO) - remittances (WDI), i.e. net primary income and "
        "other transfers are taken to offset each other (they understate exports where "
        "profit and interest outflows are large, overstate them where official transfers "
        "are); floored at the Penn World Table's merchandise export share of GDP and at 1%"
    )

    # ---- fiscal (LCU m)
    ggr = _hold_after(_col(w, "GGR_NGDP", years), years, wl)
    pb = _hold_after(_col(w, "GGXONLB_NGDP", years), years, wl)
    revenue = ggr / 100.0 * gdp_lcu
    primary_exp = (ggr - pb) / 100.0 * gdp_lcu
    sources["macro.government_revenue_incl_grants_lcu_m"] = (
        f"{_WEO}: GGR_NGDP x NGDP (general government revenue incl. grants); then A1"
    )
    sources["macro.government_primary_expenditure_lcu_m"] = (
        f"{_WEO}: (GGR_NGDP - GGXONLB_NGDP) x NGDP; then A1"
    )
    sources["macro.primary_balance_history_pct_gdp"] = f"{_WEO}: GGXONLB_NGDP, t-10..t-1"
    rev_ex = _col(wp, "revenue_excl_grants_pct_gdp", years)
    ggr_raw = _col(w, "GGR_NGDP", years)
    win = (years >= t - 5) & (years <= t - 1)
    diffs = (ggr_raw - rev_ex)[win]
    diff_years = years[win][np.isfinite(diffs)]
    diffs = diffs[np.isfinite(diffs)]
    it = int(np.searchsorted(years, t))
    if diffs.size == 0:
        grants_pct = 0.0
        assumptions.append(
            "A6 no WDI revenue excluding grants in the last five years: grants set to 0 "
            "(revenue excluding grants = WEO revenue; the debt-service/revenue ratio may be "
            "understated)"
        )
        sources["macro.government_grants_lcu_m"] = "none available: 0 (A6)"
    else:
        grants_pct = float(np.clip(diffs.mean(), 0.0, 0.5 * float(ggr[it])))
        span = f"{int(diff_years.min())}-{int(diff_years.max())}"
        assumptions.append(
            f"A6 revenue excluding grants (the debt-service/revenue denominator) follows the "
            f"WDI central-government series: grants = WEO general-government revenue (incl. "
            f"grants) minus WDI revenue excluding grants, averaged over {span} "
            f"({grants_pct:.2f}% of GDP), held as a ratio to GDP, floored at 0 and capped at "
            "half of revenue; it also absorbs any gap between general and central government"
        )
        sources["macro.government_grants_lcu_m"] = (
            f"{_WEO} GGR_NGDP - {_WDI} revenue_excl_grants_pct_gdp (GC.REV.XGRT.GD.ZS), "
            f"mean {span} (A6)"
        )
    grants = grants_pct / 100.0 * gdp_lcu

    gross_raw = _col(w, "GGXWDG_NGDP", years)
    need = (years >= t - 1) & in_weo
    gross_debt = None if np.isnan(gross_raw[need]).any() else _hold_after(gross_raw, years, wl)
    return _Macro(
        years=years,
        gdp_usd=gdp_usd,
        gdp_lcu=gdp_lcu,
        growth=growth,
        fx=fx,
        exports=exports,
        imports=imports,
        remittances=remittances,
        revenue_lcu=revenue,
        grants_lcu=grants,
        primary_exp_lcu=primary_exp,
        primary_balance_pct=pb,
        current_account=ca,
        gross_debt_pct=gross_debt,
    )


# --------------------------------------------------------------------------- debt


@dataclass(frozen=True, slots=True)
class _Debt:
    existing: tuple[ExistingDebtLine, ...]
    outstanding_end_t1: float
    financing: tuple[FinancingLine, ...]
    external_stock: FloatArray  # on macro years (NaN before the IDS year)
    disbursements: FloatArray  # total new borrowing on macro years
    service_by_group: pd.DataFrame  # year x group, t…last (existing + new)
    market: bool


def _debt(
    code: str,
    t: int,
    last: int,
    mac: _Macro,
    view: CreditorView,
    sources: dict[str, str],
    assumptions: list[str],
) -> _Debt:
    stock_table = view.stock_table()
    if stock_table.empty:
        raise DataError(f"no PPG debt stocks for {code}", dataset=_IDS, series="total")
    base_year = min(t - 1, int(stock_table.index.max()))
    if base_year not in stock_table.index:
        raise DataError(
            f"no PPG debt stock for {code} in {base_year}", dataset=_IDS, series="total"
        )
    s0 = stock_table.loc[base_year].to_numpy(dtype=np.float64)
    total0 = float(s0.sum())
    k = len(CREDITOR_GROUPS)

    # amortization pace of the debt outstanding at end-base_year
    own = _dssi_amortization(code)
    med = _dssi_amortization_medians()
    pace = np.array([own.get(g, med[g]) for g in CREDITOR_GROUPS])
    deferred = np.array([own.get(g, 1.0) <= _PACE_FLOOR for g in CREDITOR_GROUPS])
    rates = np.array([LENDING_TERMS[g].rate_pct / 100.0 for g in CREDITOR_GROUPS])
    calibrated = [g for g in CREDITOR_GROUPS if g in own and own[g] > _PACE_FLOOR]
    later = [g for g, d in zip(CREDITOR_GROUPS, deferred, strict=True) if d]
    assumptions.append(
        "A7 debt outstanding at the end of the last IDS year is repaid in equal annual "
        "principal instalments at a pace calibrated on the country's DSSI debt-service table "
        f"(groups: {', '.join(calibrated) or 'none'}; others: the median pace across the 72 "
        "DSSI countries), with interest at the creditor group's rate (LENDING_TERMS)"
        + (
            f"; groups whose DSSI schedule shows no principal up to {_DSSI_LAST_YEAR} "
            f"({', '.join(later)}) pay interest only until then and repay in equal parts over "
            "the following years, as many as the maturity of their terms"
            if later
            else ""
        )
    )

    # projection grid: base_year+1 … far
    far = last + _LONG_TAIL_YEARS
    grid = _years(base_year + 1, far)
    n = grid.size
    span = np.array([LENDING_TERMS[g].maturity_years for g in CREDITOR_GROUPS])
    start = int(np.searchsorted(grid, _DSSI_LAST_YEAR + 1))
    leg_bal = np.zeros((k, n))
    leg_pr = np.zeros((k, n))
    leg_int = np.zeros((k, n))
    bal = s0.copy()
    for j in range(n):  # loop over time: equal instalments until repaid
        due = np.where(deferred, np.where(j >= start, s0 / span, 0.0), pace * s0)
        pr = np.minimum(bal, due)
        leg_int[:, j] = rates * bal
        leg_pr[:, j] = pr
        bal = bal - pr
        leg_bal[:, j] = bal

    # target external PPG stock on grid years up to last
    proj = grid[grid <= last]
    m_idx = np.searchsorted(mac.years, proj)
    gdp_usd = mac.gdp_usd[m_idx]
    b_idx = int(np.searchsorted(mac.years, base_year))
    if mac.gross_debt_pct is not None:
        gross_usd0 = mac.gross_debt_pct[b_idx] / 100.0 * mac.gdp_usd[b_idx]
        ext_share = min(1.0, total0 / gross_usd0) if gross_usd0 > 0 else 1.0
        target = ext_share * mac.gross_debt_pct[m_idx] / 100.0 * gdp_usd
        assumptions.append(
            f"A8 new external borrowing keeps PPG external debt at {ext_share:.1%} of the WEO "
            f"gross government debt (GGXWDG_NGDP), its share at end-{base_year} (IDS stock / "
            "WEO debt, capped at 100%); disbursements = that target minus debt still "
            "outstanding, floored at 0"
        )
        sources["new_external_financing"] = (
            f"{_WEO}: GGXWDG_NGDP x NGDPD x external share at end-{base_year} (A8); "
            "terms per creditor group (LENDING_TERMS); split by recent gross lending (A9)"
        )
    else:
        ratio0 = total0 / mac.gdp_usd[b_idx]
        target = ratio0 * gdp_usd
        assumptions.append(
            f"A8 no WEO gross debt for this country: new external borrowing keeps PPG external "
            f"debt at {ratio0:.1%} of GDP, its ratio at end-{base_year}"
        )
        sources["new_external_financing"] = (
            f"IDS PPG stock / WEO GDP at end-{base_year} held (A8); terms per creditor group"
        )

    # split of new borrowing: implied gross lending by group over the last five IDS years
    hist = stock_table.loc[base_year - 5 : base_year]
    gross: FloatArray = np.zeros(k)
    if len(hist) >= 2:
        h = hist.to_numpy(dtype=np.float64)
        amort = (np.where(deferred, 0.0, pace) * h[:-1]).sum(axis=0)
        gross = np.maximum(h[-1] - h[0] + amort, 0.0)
    if gross.sum() <= 0:
        gross = np.array(s0, dtype=np.float64)
    split = gross / gross.sum() if gross.sum() > 0 else np.full(k, 1.0 / k)
    assumptions.append(
        "A9 new borrowing is split across creditor groups as implied gross lending was over "
        f"{int(hist.index.min())}-{base_year} (change in stock plus estimated repayments): "
        + ", ".join(f"{g} {s:.0%}" for g, s in zip(CREDITOR_GROUPS, split, strict=True) if s > 0)
    )

    # new-borrowing cohorts by group (unit-loan profiles), loop over time
    prof = unit_loan_profiles(
        [
            InstrumentTerms(
                g,
                LENDING_TERMS[g].rate_pct / 100.0,
                LENDING_TERMS[g].grace_years,
                LENDING_TERMS[g].maturity_years,
            )
            for g in CREDITOR_GROUPS
        ],
        n,
        0.05,  # the discount rate only sets prof.pv, which the builder does not use
    )
    u_bal, u_pr, u_int = prof.balance, prof.principal, prof.interest
    disb = np.zeros((k, n))
    new_bal = np.zeros((k, n))
    for j, _y in enumerate(proj):
        # balance at end of year j of cohorts disbursed before j
        if j > 0:
            ages = j - np.arange(j)
            carried = (disb[:, :j] * u_bal[:, ages]).sum(axis=1)
        else:
            carried = np.zeros(k)
        outstanding = float(leg_bal[:, j].sum() + carried.sum())
        need = max(0.0, float(target[j]) - outstanding)
        disb[:, j] = need * split
    # full schedules of the cohorts on the grid (convolution over ages)
    new_pr = np.zeros((k, n))
    new_int = np.zeros((k, n))
    for j in range(n):  # loop over disbursement year (time)
        if not disb[:, j].any():
            continue
        rest = n - j
        new_bal[:, j:] += disb[:, j : j + 1] * u_bal[:, :rest]
        new_pr[:, j:] += disb[:, j : j + 1] * u_pr[:, :rest]
        new_int[:, j:] += disb[:, j : j + 1] * u_int[:, :rest]

    # split at t: what is outstanding at end t-1 is "existing"; cohorts from t are new financing
    jt = int(np.searchsorted(grid, t))  # index of year t on the grid
    pre = slice(0, jt)  # cohorts disbursed base_year+1 … t-1
    existing: list[ExistingDebtLine] = []
    svc_rows: dict[str, FloatArray] = {}
    sched_years = grid[jt:]
    outstanding_t1 = 0.0
    for i, g in enumerate(CREDITOR_GROUPS):
        # schedules from t of legacy debt and of the pre-t cohorts of this group
        pr = leg_pr[i, jt:].copy()
        it = leg_int[i, jt:].copy()
        for j in range(pre.stop):  # cohorts disbursed before t (loop over time)
            if disb[i, j] == 0.0:
                continue
            ages = np.arange(jt - j, jt - j + sched_years.size)
            ages = np.minimum(ages, n - 1)
            pr += disb[i, j] * u_pr[i, ages]
            it += disb[i, j] * u_int[i, ages]
        bal_t1 = (leg_bal[i, jt - 1] if jt > 0 else s0[i]) + (new_bal[i, jt - 1] if jt > 0 else 0.0)
        outstanding_t1 += bal_t1
        svc = pr + it
        keep = np.flatnonzero(svc > 1e-9)
        if bal_t1 <= 1e-9 and keep.size == 0:
            continue
        end = int(keep[-1]) + 1 if keep.size else 1
        yrs = sched_years[:end]
        existing.append(
            ExistingDebtLine(
                name=f"{_GROUP_LABEL[g]} (existing)",
                creditor_group=_GROUP_TYPE[g],
                group=CreditorGroup(g),
                debt_service_usd_m=_as_series(svc[:end], yrs),
                principal_usd_m=_as_series(pr[:end], yrs),
                source=(
                    f"{_IDS} end-{base_year} stock {s0[i]:.1f} US$ m"
                    + (
                        f" + new borrowing {base_year + 1}-{t - 1} (A8/A9)"
                        if jt > 0 and disb[i, :jt].sum() > 0
                        else ""
                    )
                    + f"; schedule A7, rate {LENDING_TERMS[g].rate_pct:g}%"
                ),
            )
        )
        svc_rows[g] = svc[: last - t + 1]
    financing: list[FinancingLine] = []
    proj_from_t = proj[proj >= t]
    for i, g in enumerate(CREDITOR_GROUPS):
        d = disb[i, jt : jt + proj_from_t.size]
        if d.sum() <= 1e-9:
            continue
        lt = LENDING_TERMS[g]
        financing.append(
            FinancingLine(
                name=f"{_GROUP_LABEL[g]} (new)",
                creditor_group=_GROUP_TYPE[g],
                group=CreditorGroup(g),
                interest_rate_pct=lt.rate_pct,
                grace_years=lt.grace_years,
                maturity_years=lt.maturity_years,
                disbursements_usd_m=_as_series(d, proj_from_t),
                market_financing=g == "bondholders",
                source=f"A8/A9; terms: {lt.source}",
            )
        )
        new_svc = (new_pr[i] + new_int[i])[jt : jt + proj_from_t.size]
        # service of cohorts from t only (pre-t cohorts are in the existing line)
        for j in range(jt):
            if disb[i, j] == 0.0:
                continue
            ages = np.minimum(np.arange(jt - j, jt - j + proj_from_t.size), n - 1)
            new_svc = new_svc - disb[i, j] * (u_pr[i, ages] + u_int[i, ages])
        svc_rows[g] = svc_rows.get(g, np.zeros(proj_from_t.size)) + new_svc
    sources["external_debt.ppg_mlt_outstanding_usd_m"] = (
        f"{_IDS}: DT.DOD.DPPG.CD (World) end-{base_year}"
        + (f", rolled forward to end-{t - 1} (A7-A9)" if base_year < t - 1 else "")
    )
    sources["external_debt.existing_lines"] = (
        f"{_IDS}: stocks by creditor group end-{base_year}; schedules A7; "
        "DSSI service due 2019-2024 calibrates the pace"
    )
    total_stock = leg_bal.sum(axis=0) + new_bal.sum(axis=0)
    ext = np.full(mac.years.size, np.nan)
    disb_total = np.zeros(mac.years.size)
    pos = np.searchsorted(mac.years, proj)
    ext[pos] = total_stock[: proj.size]
    ext[int(np.searchsorted(mac.years, base_year))] = total0
    disb_total[pos] = disb[:, : proj.size].sum(axis=0)
    svc_frame = pd.DataFrame(
        {g: svc_rows.get(g, np.zeros(proj_from_t.size)) for g in CREDITOR_GROUPS},
        index=pd.Index(proj_from_t, name="year"),
    )
    market = bool(s0[CREDITOR_GROUPS.index("bondholders")] > 0)
    return _Debt(
        existing=tuple(existing),
        outstanding_end_t1=float(outstanding_t1),
        financing=tuple(financing),
        external_stock=ext,
        disbursements=disb_total,
        service_by_group=svc_frame,
        market=market,
    )


# --------------------------------------------------------------------------- capacity


def _window_mean(values: pd.Series, window: tuple[int, ...], cap: float | None = None) -> float:
    v = values.reindex(list(window))
    if cap is not None:
        v = v.clip(upper=cap)
    return float(v.mean())


def _capacity(
    code: str,
    t: int,
    mac: _Macro,
    sources: dict[str, str],
    assumptions: list[str],
) -> tuple[CapacityInputs, dict[str, Any]]:
    window = ci_window_years(t)
    detail: dict[str, Any] = {"classification_year": t, "window": [window[0], window[-1]]}
    # published class (prior classification for the two-vintage rule)
    prior: str | None = None
    fdl_row: pd.Series | None = None
    try:
        f = ds.debt_carrying_capacity(code)
        f = f[f["framework"].str.contains("2018") & f["dcc"].notna()]
        f = f[f["pub_year"] < t]
        if not f.empty:
            fdl_row = f.sort_values(["pub_year", "pub_month"]).iloc[-1]
            prior = str(fdl_row["dcc"])
            detail["published"] = {
                "dsa_id": str(fdl_row["dsa_id"]),
                "classification": prior,
                "ci_score": None if pd.isna(fdl_row["ci_score"]) else float(fdl_row["ci_score"]),
            }
    except DataError:
        pass

    comps: dict[str, float | None] = {}
    src: dict[str, str] = {}
    # CPIA: latest score carried forward
    try:
        c = ds.cpia(code).set_index("year")["cpia_score"]
        c = c.loc[: t - 1]  # the scores published before the WEO vintage of year t
        if c.empty:
            raise DataError(f"no CPIA before {t} for {code}", dataset="wb-wdi-cpia")
        last_cpia = int(c.index.max())
        c = c.reindex(range(int(c.index.min()), window[-1] + 1)).ffill()
        comps["cpia"] = _window_mean(c, window)
        src["cpia"] = (
            f"wb-wdi-cpia: IQ.CPA.IRAI.XQ to {last_cpia} (published before {t}), carried "
            f"forward; mean {window[0]}-{window[-1]}"
        )
    except DataError:
        comps["cpia"] = None
    comps["real_growth_pct"] = _window_mean(pd.Series(mac.growth, index=mac.years), window)
    src["real_growth_pct"] = f"{_WEO}: NGDP_RPCH, {window[0]}-{window[-1]}"
    # remittances and reserves: WDI history, last value held into projections
    try:
        wp = ds.wdi_macro(code).pivot_table(index="year", columns="series", values="value")
    except DataError:
        wp = pd.DataFrame()
    for key, series, scale in (
        ("remittances_pct_gdp", "remittances_pct_gdp", 1.0),
        ("reserves_pct_imports", "reserves_months_of_imports", 100.0 / 12.0),
    ):
        s = wp[series].dropna() * scale if series in wp else pd.Series(dtype=np.float64)
        s = s[s.index <= t - 1]
        if s.empty:
            comps[key] = None
            continue
        full = s.reindex(range(int(s.index.min()), window[-1] + 1)).ffill()
        cap = REMITTANCES_CAP * 100.0 if key == "remittances_pct_gdp" else None
        comps[key] = _window_mean(full, window, cap)
        src[key] = (
            f"{_WDI}: {series}{' x 100/12' if scale != 1.0 else ''}, to "
            f"{int(s.index.max())}, last value held to {window[-1]}"
        )
    comps["world_growth_pct"] = _window_mean(ds.world_growth_pct(), window)
    src["world_growth_pct"] = (
        f"{_WEO}: PPP-weighted NGDP_RPCH of 196 countries, {window[0]}-{window[-1]}"
    )
    fdl_map = {
        "cpia": "ci_in_cpia_avg",
        "real_growth_pct": "ci_in_real_growth_avg_pct",
        "remittances_pct_gdp": "ci_in_remittances_gdp_avg_pct",
        "reserves_pct_imports": "ci_in_reserves_import_cover_avg_pct",
    }
    for key, col in fdl_map.items():
        if comps.get(key) is None and fdl_row is not None and not pd.isna(fdl_row[col]):
            comps[key] = float(fdl_row[col])
            src[key] = f"fdl-lic-dsa-debt-carrying-capacity: {col} of {fdl_row['dsa_id']} (A10)"
            assumptions.append(
                f"A10 {key}: no WDI data; the 10-year average printed in the latest published "
                f"DSA ({fdl_row['dsa_id']}) is used"
            )
    for key, text in src.items():
        sources[f"capacity.{key}"] = text
    complete = all(v is not None for v in comps.values())
    detail["components"] = comps
    if prior is not None:
        sources["capacity.prior_classification"] = (
            f"fdl-lic-dsa-debt-carrying-capacity: dcc of {detail['published']['dsa_id']}"
        )
        assumptions.append(
            "A11 the class of the latest published DSA is the class in force; a different CI "
            "signal from this single WEO vintage does not change it (two-vintage rule)"
        )
    capacity: CapacityInputs
    if complete:
        capacity = CapacityInputs(
            cpia=comps["cpia"],
            real_growth_pct=comps["real_growth_pct"],
            remittances_pct_gdp=comps["remittances_pct_gdp"],
            reserves_pct_imports=comps["reserves_pct_imports"],
            world_growth_pct=comps["world_growth_pct"],
            prior_classification=prior,
            source="CI components from WEO/WDI/CPIA; prior class from the latest published DSA",
        )
    elif prior is not None:
        capacity = CapacityInputs(
            classification=prior,
            source=f"published DSA {detail['published']['dsa_id']} (CI components incomplete)",
        )
        missing = [k for k, v in comps.items() if v is None]
        assumptions.append(
            f"A12 CI components missing ({', '.join(missing)}): the published class is used"
        )
    else:
        missing = [k for k, v in comps.items() if v is None]
        raise DataError(
            f"cannot assess debt-carrying capacity for {code}: no published DSA class and no "
            f"data for {', '.join(missing)}",
            dataset=_WDI if "cpia" not in missing else "wb-wdi-cpia",
            series=missing[0],
        )
    return capacity, detail


# --------------------------------------------------------------------------- public


def dsa_countries() -> tuple[str, ...]:
    """Countries the LIC-DSF applies to and the data covers (PRGT/IDA countries).

    Those in the DSSI tables (IDA-eligible) or with a published LIC DSA (FDL
    database), that also have WEO and IDS data.
    """
    lic = ds.countries_in(_DSSI) | ds.countries_in("fdl-lic-dsa-debt-carrying-capacity")
    return tuple(sorted(lic & set(ds.covered_countries())))


def build_country(
    iso3: str, first_year: int = DEFAULT_FIRST_YEAR, *, horizon_years: int = 20
) -> BuiltCountry:
    """Assemble the LIC-DSF inputs of ``iso3`` for first projection year ``first_year``.

    Raises :class:`DataError` (naming the dataset, series and ISO3) when the
    bundled data lack what the country needs, :class:`InputError` for a bad
    year or horizon.
    """
    code = str(iso3).strip().upper()
    if not (2005 <= int(first_year) <= WEO_LAST_YEAR):
        raise InputError(
            f"{first_year} is outside 2005-{WEO_LAST_YEAR} (the bundled WEO's range)",
            field="first_year",
        )
    if not (10 <= int(horizon_years) <= 40):
        raise InputError("the horizon must be 10 to 40 years", field="horizon_years")
    t = int(first_year)
    last = t + int(horizon_years)
    if code not in ds.countries_in(_WEO):
        raise DataError(
            f"no data for country {code} (not an ISO3 code the bundled WEO covers)", dataset=_WEO
        )
    sources: dict[str, str] = {}
    assumptions: list[str] = []
    mac = _macro(code, t, last, sources, assumptions)
    view = creditor_view(code)
    debt = _debt(code, t, last, mac, view, sources, assumptions)

    years = mac.years
    hist_lo = t - HISTORY_YEARS
    pick = {
        "all": (years >= hist_lo - 1),
        "hist": (years >= hist_lo),
        "fx": (years >= t - 1),
        "proj": (years >= t),
    }

    def ser(values: FloatArray, which: str) -> dict[int, float]:
        m = pick[which]
        return _as_series(values[m], years[m])

    macro = Macro(
        nominal_gdp_usd_m=ser(mac.gdp_usd, "hist"),
        real_gdp_growth_pct=ser(mac.growth, "hist"),
        nominal_gdp_lcu_m=ser(mac.gdp_lcu, "hist"),
        exchange_rate_eop_lcu_per_usd=ser(mac.fx, "fx"),
        exchange_rate_avg_lcu_per_usd=ser(mac.fx, "fx"),
        exports_usd_m=ser(mac.exports, "all"),
        imports_usd_m=ser(mac.imports, "proj"),
        current_account_usd_m=ser(mac.current_account, "hist"),
        net_current_transfers_usd_m=ser(mac.remittances, "hist"),
        net_fdi_usd_m=ser(np.zeros(years.size), "hist"),
        remittances_usd_m=ser(mac.remittances, "hist"),
        government_revenue_incl_grants_lcu_m=ser(mac.revenue_lcu, "proj"),
        government_grants_lcu_m=ser(mac.grants_lcu, "proj"),
        government_primary_expenditure_lcu_m=ser(mac.primary_exp_lcu, "proj"),
        primary_balance_history_pct_gdp={
            int(y): float(v)
            for y, v in zip(years, mac.primary_balance_pct, strict=True)
            if hist_lo <= y < t and np.isfinite(v)
        },
    )

    # domestic debt: WEO gross debt minus the projected external PPG stock (A13)
    dom = np.zeros(years.size)
    if mac.gross_debt_pct is not None:
        ext_lcu = np.nan_to_num(debt.external_stock) * mac.fx
        dom = np.maximum(mac.gross_debt_pct / 100.0 * mac.gdp_lcu - ext_lcu, 0.0)
        assumptions.append(
            "A13 domestic public debt = WEO gross government debt (GGXWDG_NGDP x NGDP) minus "
            "the projected PPG external debt at the end-of-period rate, floored at 0; its "
            "service is not itemised"
        )
        sources["domestic_debt.stock_lcu_m"] = f"{_WEO}: GGXWDG_NGDP x NGDP minus external (A13)"
    else:
        assumptions.append("A13 no WEO gross debt: domestic public debt set to 0")
        sources["domestic_debt.stock_lcu_m"] = "none available: 0 (A13)"

    events = ds.distress_events(code, year=t)
    evidence = tuple(
        MappingProxyType(
            {
                k: str(r[k])
                for k in (
                    "event_type",
                    "creditors",
                    "start",
                    "end",
                    "description",
                    "source",
                    "source_url",
                )
            }
        )
        for _, r in events.iterrows()
    )
    in_distress = bool(evidence)
    sources["external_debt.in_arrears_or_restructuring"] = (
        f"debt-distress-events: {len(evidence)} episode(s) counting for {t}"
        if evidence
        else f"debt-distress-events: no recorded episode for {t}"
    )
    assumptions.append(
        "A14 short-term external debt, private external debt, arrears stocks and locally "
        "issued debt held abroad are not in the bundled data and are set to 0; IMF credit is "
        "not part of IDS PPG debt and is left out"
    )
    assumptions.append(
        "A15 tailored tests: default contingent-liability shock (7% of GDP); natural-disaster "
        "and commodity-price tests off (no data); market-financing test (C4) on when the "
        "country has bonds outstanding"
    )

    capacity, cap_detail = _capacity(code, t, mac, sources, assumptions)
    assumptions.sort(key=_assumption_key)

    cc = (
        ds.currency_composition(code)
        if code in ds.countries_in("wb-ids-currency-composition")
        else None
    )
    shares: dict[str, float] = {}
    cyear: int | None = None
    if cc is not None:
        cc = cc[cc["year"] <= t - 1]
        if not cc.empty:
            cyear = int(cc["year"].max())
            latest = cc[cc["year"] == cyear]
            shares = {
                str(c): float(v)
                for c, v in zip(latest["currency"], latest["share_pct"], strict=True)
            }
            sources["currency_composition"] = (
                f"wb-ids-currency-composition: DT.CUR.*.ZS, {cyear} (not a Country field; "
                "recorded for exchange-rate exposure)"
            )

    name = str(ds.weo_countries().set_index("iso3").loc[code, "name"])
    external = ExternalDebt(
        ppg_mlt_outstanding_usd_m=debt.outstanding_end_t1,
        existing_lines=debt.existing,
        in_arrears_or_restructuring=in_distress,
    )
    domestic = DomesticDebt(stock_lcu_m=ser(dom, "fx"), source=sources["domestic_debt.stock_lcu_m"])
    country = Country(
        name=f"{name} ({code})",
        first_projection_year=t,
        last_projection_year=last,
        macro=macro,
        external_debt=external,
        new_external_financing=debt.financing,
        domestic_debt=domestic,
        capacity=capacity,
        tailored=TailoredTestInputs(market_financing=debt.market),
        notes=_notes(code, t, sources, assumptions, evidence),
    )
    frame = pd.DataFrame(
        {
            "nominal_gdp_usd_m": mac.gdp_usd,
            "nominal_gdp_lcu_m": mac.gdp_lcu,
            "real_gdp_growth_pct": mac.growth,
            "exchange_rate_lcu_per_usd": mac.fx,
            "exports_usd_m": mac.exports,
            "imports_usd_m": mac.imports,
            "remittances_usd_m": mac.remittances,
            "revenue_incl_grants_lcu_m": mac.revenue_lcu,
            "grants_lcu_m": mac.grants_lcu,
            "primary_expenditure_lcu_m": mac.primary_exp_lcu,
            "gross_public_debt_pct_gdp": (
                mac.gross_debt_pct if mac.gross_debt_pct is not None else np.nan
            ),
            "ppg_external_debt_usd_m": debt.external_stock,
            "new_external_borrowing_usd_m": debt.disbursements,
            "domestic_debt_lcu_m": dom,
        },
        index=pd.Index(years, name="year"),
    )
    creditors = view.with_projected_service(
        debt.service_by_group,
        kind="projected",
        source="debttrap builder: schedules A7 (existing) and A8/A9 (new borrowing)",
    )
    return BuiltCountry(
        iso3=code,
        country=country,
        sources=MappingProxyType(dict(sources)),
        assumptions=tuple(assumptions),
        distress_evidence=evidence,
        currency_shares_pct=MappingProxyType(shares),
        currency_year=cyear,
        capacity_detail=MappingProxyType(cap_detail),
        creditors=creditors,
        frame=frame,
    )
