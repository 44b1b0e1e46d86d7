"""``build_country``: an ISO3 code to a complete LIC-DSF :class:`~debttrap.country.Country`.

The steps, each in its own module: the macro framework (:mod:`.macro`), the
external debt (:mod:`.debt`, :mod:`.amortization`, terms from :mod:`.terms`),
the capacity inputs (:mod:`.capacity`), the currency composition
(:mod:`.currency`); domestic debt and the distress flag are set here. Every
value records its source and every assumption is listed (:mod:`.provenance`).
"""

from __future__ import annotations

from types import MappingProxyType

import numpy as np
import pandas as pd

from debttrap import datasets as ds
from debttrap.country.creditors import creditor_view
from debttrap.country.model import (
    Country,
    DomesticDebt,
    ExternalDebt,
    Macro,
    TailoredTestInputs,
)
from debttrap.errors import DataError, InputError
from debttrap.opendata._series import FloatArray, as_series
from debttrap.opendata.capacity import capacity_inputs
from debttrap.opendata.currency import currency_shares
from debttrap.opendata.debt import DebtPaths, debt_paths
from debttrap.opendata.external import record_commodity
from debttrap.opendata.gaps import peer_group
from debttrap.opendata.gdp import HISTORY_YEARS, WEO_LAST_YEAR
from debttrap.opendata.macro import MacroPaths, macro_paths
from debttrap.opendata.provenance import (
    IDS,
    WDIX,
    WEO,
    BuiltCountry,
    Provenance,
    distress_evidence,
    notes_text,
)

__all__ = ["DEFAULT_FIRST_YEAR", "build_country", "dsa_countries"]

DEFAULT_FIRST_YEAR = 2024


def dsa_countries() -> tuple[str, ...]:
    """Countries the LIC-DSF applies to and the data covers (PRGT/IDA countries).

    Those in the DSSI tables (IDA-eligible) or with a published LIC DSA (FDL
    database), that also have WEO and IDS data.
    """
    return tuple(sorted(peer_group()))


class _Picker:
    """Series of a ``{year: value}`` form on the windows the country file uses."""

    def __init__(self, years: np.ndarray, t: int) -> None:
        hist_lo = t - HISTORY_YEARS
        self.years = years
        self.masks = {
            "all": years >= hist_lo - 1,
            "hist": years >= hist_lo,
            "fx": years >= t - 1,
            "proj": years >= t,
        }

    def __call__(self, values: FloatArray, which: str) -> dict[int, float]:
        m = self.masks[which]
        return as_series(values[m], self.years[m])


def _macro_model(mac: MacroPaths, t: int, ser: _Picker) -> Macro:
    hist_lo = t - HISTORY_YEARS
    return Macro(
        nominal_gdp_usd_m=ser(mac.gdp_usd, "hist"),
        real_gdp_growth_pct=ser(mac.growth, "hist"),
        nominal_gdp_lcu_m=ser(mac.gdp_lcu, "hist"),
        exchange_rate_eop_lcu_per_usd=ser(mac.fx, "fx"),
        exchange_rate_avg_lcu_per_usd=ser(mac.fx, "fx"),
        exports_usd_m=ser(mac.exports, "all"),
        imports_usd_m=ser(mac.imports, "proj"),
        current_account_usd_m=ser(mac.current_account, "hist"),
        net_current_transfers_usd_m=ser(mac.remittances, "hist"),
        net_fdi_usd_m=ser(mac.fdi, "hist"),
        remittances_usd_m=ser(mac.remittances, "hist"),
        government_revenue_incl_grants_lcu_m=ser(mac.revenue_lcu, "proj"),
        government_grants_lcu_m=ser(mac.grants_lcu, "proj"),
        government_primary_expenditure_lcu_m=ser(mac.primary_exp_lcu, "proj"),
        primary_balance_history_pct_gdp={
            int(y): float(v)
            for y, v in zip(mac.years, mac.primary_balance_pct, strict=True)
            if hist_lo <= y < t and np.isfinite(v)
        },
    )


def _domestic_debt(
    mac: MacroPaths, debt: DebtPaths, t: int, rec: Provenance
) -> tuple[FloatArray, str]:
    """WEO gross debt minus the projected external PPG stock, in LCU m (OD13).

    Returns the stock and, where it cannot be derived, the reason (the public-debt
    indicator is then not evaluated).
    """
    if mac.gross_debt_pct is None:
        reason = (
            f"the bundled WEO publishes no general-government gross debt (GGXWDG_NGDP) for "
            f"{t - 1}-{mac.weo_last_year}, so domestic public debt cannot be derived"
        )
        rec.assume(
            f"OD13 {reason}: the domestic stock is a placeholder of 0 and the PV of public "
            "debt / GDP indicator is NOT EVALUATED (the overall rating rests on external debt "
            "alone)"
        )
        rec.source(
            "domestic_debt.stock_lcu_m",
            f"not derivable: no {WEO} GGXWDG_NGDP (OD13); placeholder 0, public indicator "
            "not evaluated",
        )
        return np.zeros(mac.years.size), reason
    ext_lcu = np.nan_to_num(debt.external_stock) * mac.fx
    raw = mac.gross_debt_pct / 100.0 * mac.gdp_lcu - ext_lcu
    tol = 1e-9 * np.abs(mac.gdp_lcu)
    floored = [
        int(y) for y, v, e in zip(mac.years, raw, tol, strict=True) if y >= t - 1 and v <= e
    ]
    rec.assume(
        "OD13 domestic public debt = WEO gross government debt (GGXWDG_NGDP x NGDP) minus "
        "the projected PPG external debt at the end-of-period rate, floored at 0; its "
        "service is not itemised"
        + (
            f"; external debt (IDS PPG plus IMF credit, which includes SDR allocations held "
            f"by the central bank) reaches or exceeds the WEO gross debt in {len(floored)} "
            f"year(s) between {floored[0]} and {floored[-1]}, where domestic debt is 0 and "
            "public debt is "
            "external debt alone (the two sources differ in coverage)"
            if floored
            else ""
        )
    )
    rec.source(
        "domestic_debt.stock_lcu_m",
        f"{WEO}: GGXWDG_NGDP x NGDP minus external (OD13)"
        + (f"; floored at 0 in {len(floored)} year(s)" if floored else ""),
    )
    return np.asarray(np.maximum(raw, 0.0)), ""


def _outside_ids(debt: DebtPaths) -> tuple[dict[str, tuple[int, float]], dict[str, str]]:
    """IMF credit and short-term debt for the creditor view (US$ m, with their year)."""
    f = debt.facts
    stocks: dict[str, tuple[int, float]] = {}
    sources: dict[str, str] = {}
    if f.imf_credit_year is not None:
        stocks["IMF credit (counted, multilateral, PRGT terms)"] = (
            f.imf_credit_year, f.fund_credit_usd_m
        )
        sources["imf_credit"] = (
            f"{WDIX}: DT.DOD.DIMF.CD less the SDR allocations it includes; OD16"
        )
        if f.sdr_allocations_usd_m > 0:
            stocks["SDR allocations (counted, multilateral, interest only)"] = (
                f.imf_credit_year, f.sdr_allocations_usd_m
            )
            sources["sdr_allocations"] = (
                f"{WDIX}: estimated in DT.DOD.DIMF.CD ({f.sdr_allocations_rule}); OD16a"
            )
    if f.short_term_usd_m:
        last = max(f.short_term_usd_m)
        stocks["short-term, all borrowers (not counted)"] = (last, f.short_term_usd_m[last])
        sources["short_term"] = f"{WDIX}: DT.DOD.DSTC.CD, public and private together; OD17"
    return stocks, sources


def _gaps_left(rec: Provenance, market: bool) -> None:
    rec.assume(
        "OD14 private external debt, arrears stocks and locally issued debt held abroad are "
        "not in the bundled data and are set to 0"
    )
    rec.source(
        "market_access",
        f"{IDS}: bonds outstanding (DT.DOD.PBND.CD) at the last IDS year "
        + ("> 0: market access" if market else "= 0: no market access"),
    )
    rec.assume(
        "OD15 tailored tests: default contingent-liability shock (7% of GDP); natural-disaster "
        "test off (no data); market access, the market variants B2.1/B6.1 and the "
        "market-financing test (C4) on when the country has bonds outstanding (IDS)"
        + (" (bonds outstanding: on)" if market else " (no bonds outstanding: off)")
    )


def _frame(mac: MacroPaths, debt: DebtPaths, dom: FloatArray) -> pd.DataFrame:
    return pd.DataFrame(
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
        index=pd.Index(mac.years, name="year"),
    )


def _checked_code(iso3: str, first_year: int, horizon_years: int) -> str:
    code = str(iso3).strip().upper()
    if not (2005 <= int(first_year) <= WEO_LAST_YEAR):
        raise InputError(
            f"{first_year} is outside 2005-{WEO_LAST_YEAR} (the bundled WEO's range)",
            field="first_year",
        )
    if not (10 <= int(horizon_years) <= 40):
        raise InputError("the horizon must be 10 to 40 years", field="horizon_years")
    if code not in ds.countries_in(WEO):
        raise DataError(
            f"no data for country {code} (not an ISO3 code the bundled WEO covers)",
            dataset=WEO,
            file="weo.parquet",
        )
    return code


def build_country(
    iso3: str,
    first_year: int = DEFAULT_FIRST_YEAR,
    *,
    horizon_years: int = 20,
    ex_ante: bool = False,
) -> BuiltCountry:
    """Assemble the LIC-DSF inputs of ``iso3`` for first projection year ``first_year``.

    ``ex_ante=True`` builds the country as it was known before ``first_year``: no value
    of any bundled series after ``first_year - 1`` is read, and every later year is a
    projection by a stated rule (OD1a growth and deflators at their 10-year average,
    ratios to GDP held; OD1b world growth likewise; OD7a the cross-country repayment
    pace, or OD7b the country's own DSSI pace where the DSSI tables of June 2020 were
    public before ``first_year``; arrears and restructuring episodes as they stood in
    ``first_year - 1``).
    Without it, years from ``first_year`` follow the bundled WEO (October 2024), which
    for a past ``first_year`` holds realised values.

    Raises :class:`DataError` (naming the dataset, series and ISO3) when the
    bundled data lack what the country needs, :class:`InputError` for a bad
    year or horizon.
    """
    code = _checked_code(iso3, first_year, horizon_years)
    t = int(first_year)
    last = t + int(horizon_years)
    rec = Provenance()
    mac = macro_paths(code, t, last, rec, ex_ante=ex_ante)
    view = creditor_view(code)
    debt = debt_paths(code, t, last, mac, view, rec, ex_ante=ex_ante)
    ser = _Picker(mac.years, t)
    macro = _macro_model(mac, t, ser)
    dom, dom_reason = _domestic_debt(mac, debt, t, rec)
    # ex ante: the episodes known at the decision, those that counted for t-1
    known = t - 1 if ex_ante else t
    evidence = distress_evidence(code, known)
    rec.source(
        "external_debt.in_arrears_or_restructuring",
        f"debt-distress-events: {len(evidence)} episode(s) counting for {known}"
        if evidence
        else f"debt-distress-events: no recorded episode for {known}",
    )
    _gaps_left(rec, debt.market)
    commodity_hist, commodity_fall = record_commodity(debt.facts, t, rec)
    capacity, cap_detail = capacity_inputs(code, t, mac, rec, ex_ante=ex_ante)
    assumptions = rec.sorted_assumptions()
    shares, cyear = currency_shares(code, t, rec)
    name = str(ds.weo_countries().set_index("iso3").loc[code, "name"])
    country = Country(
        name=f"{name} ({code})",
        first_projection_year=t,
        last_projection_year=last,
        macro=macro,
        external_debt=ExternalDebt(
            ppg_mlt_outstanding_usd_m=debt.outstanding_end_t1,
            existing_lines=debt.existing,
            in_arrears_or_restructuring=bool(evidence),
        ),
        new_external_financing=debt.financing,
        domestic_debt=DomesticDebt(
            stock_lcu_m=ser(dom, "fx"),
            not_evaluated_reason=dom_reason,
            source=rec.sources["domestic_debt.stock_lcu_m"],
        ),
        capacity=capacity,
        market_access=debt.market,
        tailored=TailoredTestInputs(
            market_financing=debt.market,
            commodity_exports_share_history_pct=commodity_hist,
            commodity_price_shock_pct=commodity_fall,
        ),
        notes=notes_text(code, t, rec.sources, assumptions, evidence),
    )
    creditors = view.with_projected_service(
        debt.service_by_group,
        kind="projected",
        source="debttrap builder: schedules OD7 (existing), OD8/OD9 (new borrowing), OD16 "
        "(IMF credit, in the multilateral service), OD16a (interest on SDR allocations)",
    ).with_outside_ids(*_outside_ids(debt))
    return BuiltCountry(
        iso3=code,
        country=country,
        sources=rec.frozen_sources(),
        assumptions=assumptions,
        distress_evidence=evidence,
        currency_shares_pct=MappingProxyType(shares),
        currency_year=cyear,
        capacity_detail=MappingProxyType(cap_detail),
        creditors=creditors,
        frame=_frame(mac, debt, dom),
    )
