"""Write the inline country of ``examples/syria-2025.toml`` from its stated rules.

A maintainer's tool: nothing imports it at run or test time. Syria's macro data are
"extremely scarce" (World Bank); the LIC-DSF still needs a full framework
(history t-10 ... t-1 and projections t ... t+20). This script builds it from the few
published facts (syria-2025-facts.md) and explicit assumptions, so that every
number in the example can be traced to a rule stated in ``RULES`` below (the same
text goes into the scenario's ``[sources]`` table). It prints the TOML of the
``[country]`` table and of ``[sources]``; paste it into the example.

Usage::

    python tools/make_syria_example.py > syria-country.toml
"""

from __future__ import annotations

import sys

T = 2026  # first projection year
LAST = T + 20
HIST = range(T - 10, T)  # 2016-2025

GDP_2011, GDP_2024 = 67_500.0, 21_400.0  # US$ m, World Bank (21 Oct 2025)
REAL_FALL_2010_2022 = -0.53  # World Bank reconstruction assessment
GROWTH = {2023: -1.2, 2024: -1.5, 2025: 1.0}  # World Bank SEM 2024, MFA 2025
GROWTH_PROJ = 3.0  # assumption
USD_INFLATION = 2.0  # assumption: US$ GDP deflator
RATE_2025_AVG, RATE_2025_EOP = 105.0, 110.0  # new SYP per US$ (100 old = 1 new)
REVENUE_PCT, GRANTS_PCT, PRIMARY_EXP_PCT = 14.0, 0.4, 18.0
EXPORTS_PCT_START, EXPORTS_PCT_END, EXPORTS_RAMP_END = 5.0, 10.0, 2035
IMPORTS_PCT, TRANSFERS_PCT = 20.0, 8.0
FDI_HIST_PCT, FDI_PROJ_PCT = 0.5, 1.5
DOMESTIC_DEBT_PCT = 20.0
EXTERNAL_DEBT_USD_M = 21_500.0
# The existing external debt has no published creditor breakdown or schedule. Assumption:
# treated as rescheduled on Paris Club Naples-like terms (lending-terms.md §3: the remainder
# repaid over 23 years including 6 years' grace), with no cancellation (Naples cancelled 67%
# of non-ODA claims; none is assumed here) and interest at 1% a year (anchored on Zambia's
# 2023 Common Framework terms, 1% to 2037, lending-terms.md §5).
RESCHEDULE_FIRST_YEAR = T  # consolidation from the first projection year
RESCHEDULE_YEARS, RESCHEDULE_GRACE = 23, 6
RESCHEDULE_RATE_PCT = 1.0
EXISTING_LINE_NAME = "Creditor unknown: existing external debt (assumed rescheduled)"

RULES: dict[str, str] = {
    "country.macro.nominal_gdp_usd_m": (
        "2024 US$21.4bn and 2011 US$67.5bn: World Bank, Syria Physical Damage and "
        "Reconstruction Assessment (21 Oct 2025); 2016-2023 derived by geometric interpolation "
        "between them; 2025 = 2024 x 1.01 (derived placeholder, syria-2025-facts.md §1); from "
        f"2026 grows at real growth + {USD_INFLATION:g}% US$ inflation (assumption)"
    ),
    "country.macro.real_gdp_growth_pct": (
        "2016-2022: -6.1% a year, derived from the World Bank's -53% cumulative fall 2010-2022; "
        "2023 -1.2%, 2024 -1.5% (WB Syria Economic Monitor, May 2024); 2025 +1.0% (WB Macro "
        f"Fiscal Assessment, Jul 2025); 2026 onwards {GROWTH_PROJ:g}% (assumption: no published "
        "projection beyond 2025)"
    ),
    "country.macro.exchange_rate_avg_lcu_per_usd": (
        "new Syrian pounds (100 old = 1 new from 1 Jan 2026, Central Bank of Syria); 2025 about "
        "SYP 10,000-11,000 old per US$ (AFP/Reuters, Aug-Dec 2025) = 105 new (average) and 110 "
        "(end-2025); held at 110 afterwards (assumption: fiscal series are set as % of GDP, so "
        "the rate does not move the ratios)"
    ),
    "country.macro.exchange_rate_eop_lcu_per_usd": "as exchange_rate_avg_lcu_per_usd",
    "country.macro.exports_usd_m": (
        "goods exports ~US$0.7bn (2022) and ~EUR 0.9bn (2023) (Ecofin; Ministry of Economy); "
        "services not found: assumption 5% of GDP for goods and services to 2026, rising "
        "linearly to 10% by 2035 with sanctions relief, flat after"
    ),
    "country.macro.imports_usd_m": (
        "goods imports ~US$4.8bn (2022, Ecofin), EUR 3.2bn (2023, Ministry of Economy); "
        "assumption 20% of GDP for goods and services"
    ),
    "country.macro.net_current_transfers_usd_m": (
        "not found (remittances and aid through UN agencies); assumption 8% of GDP"
    ),
    "country.macro.net_fdi_usd_m": (
        "not found; assumption 0.5% of GDP to 2025 and 1.5% after (MoU headline values such as "
        "the US$14bn of Aug 2025 are not disbursements, syria-2025-facts.md §7)"
    ),
    "country.macro.government_revenue_incl_grants_lcu_m": (
        "2025 budget plan: revenue ~14% of GDP (derived, syria-2025-facts.md §4, L) plus grants; "
        "held as a share of GDP (assumption)"
    ),
    "country.macro.government_grants_lcu_m": (
        "Qatar salary support US$87m (2025) ~0.4% of GDP (syria-2025-facts.md §6); held at 0.4% "
        "of GDP (assumption)"
    ),
    "country.macro.government_primary_expenditure_lcu_m": (
        "2025 budget plan: spending ~18% of GDP (derived, syria-2025-facts.md §4, L), taken as "
        "primary; held as a share of GDP (assumption)"
    ),
    "country.external_debt.ppg_mlt_outstanding_usd_m": (
        "US$20-23bn external debt (caretaker finance minister, Jan 2025; syria-2025-facts.md §5): "
        "midpoint 21.5bn; excludes the disputed Iranian (US$30-50bn) and Russian claims; no "
        "creditor breakdown or service schedule is published"
    ),
    "country.external_debt.existing_lines": (
        "assumption: the US$21.5bn, creditors unknown, treated as rescheduled on Paris Club "
        f"Naples-like terms (lending-terms.md §3): repaid over {RESCHEDULE_YEARS} years from "
        f"{RESCHEDULE_FIRST_YEAR} including {RESCHEDULE_GRACE} years' grace (interest only "
        f"{RESCHEDULE_FIRST_YEAR}-{RESCHEDULE_FIRST_YEAR + RESCHEDULE_GRACE - 1}, then "
        f"{RESCHEDULE_YEARS - RESCHEDULE_GRACE} equal annual instalments); no cancellation "
        "assumed (Naples cancelled 67% of non-ODA claims); interest "
        f"{RESCHEDULE_RATE_PCT:g}% a year (assumption anchored on Zambia's 2023 Common "
        "Framework terms, 1% to 2037, lending-terms.md §5); creditor group 'bilateral_other' "
        "is a placeholder (no breakdown published)"
    ),
    "country.domestic_debt.stock_lcu_m": (
        "not found; assumption 20% of GDP (the 2021 CIA figure of 67% of GDP for all public debt "
        "is old and inconsistent with the external claim)"
    ),
    "country.capacity.classification": (
        "assumption: weak (no CPIA score for Syria in the bundled World Bank data; post-conflict)"
    ),
}


def gdp_usd() -> dict[int, float]:
    out: dict[int, float] = {}
    ratio = (GDP_2024 / GDP_2011) ** (1.0 / 13.0)
    for y in range(T - 10, 2024):
        out[y] = GDP_2011 * ratio ** (y - 2011)
    out[2024] = GDP_2024
    out[2025] = GDP_2024 * 1.01
    for y in range(T, LAST + 1):
        out[y] = out[y - 1] * (1 + GROWTH_PROJ / 100) * (1 + USD_INFLATION / 100)
    return out


def growth() -> dict[int, float]:
    early = 100.0 * ((1.0 + REAL_FALL_2010_2022) ** (1.0 / 12.0) - 1.0)
    out = {y: early for y in range(T - 10, 2023)}
    out.update(GROWTH)
    out.update({y: GROWTH_PROJ for y in range(T, LAST + 1)})
    return out


def exports_pct(y: int) -> float:
    if y <= T:
        return EXPORTS_PCT_START
    if y >= EXPORTS_RAMP_END:
        return EXPORTS_PCT_END
    frac = (y - T) / (EXPORTS_RAMP_END - T)
    return EXPORTS_PCT_START + frac * (EXPORTS_PCT_END - EXPORTS_PCT_START)


def rescheduled() -> tuple[dict[int, float], dict[int, float]]:
    """(debt service, principal) by year of the existing debt under the assumed rescheduling."""
    n_inst = RESCHEDULE_YEARS - RESCHEDULE_GRACE
    instalment = EXTERNAL_DEBT_USD_M / n_inst
    balance = EXTERNAL_DEBT_USD_M
    service: dict[int, float] = {}
    principal: dict[int, float] = {}
    for k in range(RESCHEDULE_YEARS):  # a loop over years
        y = RESCHEDULE_FIRST_YEAR + k
        interest = balance * RESCHEDULE_RATE_PCT / 100.0
        pay = instalment if k >= RESCHEDULE_GRACE else 0.0
        principal[y] = pay
        service[y] = pay + interest
        balance -= pay
    return service, principal


def table(name: str, values: dict[int, float], digits: int = 1) -> str:
    body = ", ".join(f"{y} = {round(v, digits)}" for y, v in sorted(values.items()))
    return f"{name} = {{ {body} }}"


def render() -> str:
    gdp = gdp_usd()
    g = growth()
    rate_avg = {T - 1: RATE_2025_AVG, **{y: RATE_2025_EOP for y in range(T, LAST + 1)}}
    rate_eop = {y: RATE_2025_EOP for y in range(T - 1, LAST + 1)}
    proj = range(T, LAST + 1)
    exports = {y: gdp.get(y, gdp[T - 10]) * exports_pct(y) / 100 for y in range(T - 11, LAST + 1)}
    exports[T - 11] = gdp[T - 10] / (1 + g[T - 10] / 100) * EXPORTS_PCT_START / 100
    lcu = {y: gdp[y] * rate_avg[y] for y in proj}
    service, principal = rescheduled()
    lines = [
        "[country]",
        'name = "Syria"',
        f"first_projection_year = {T}",
        f"last_projection_year = {LAST}",
        "",
        "[country.macro]",
        table("nominal_gdp_usd_m", {y: gdp[y] for y in range(T - 10, LAST + 1)}),
        table("real_gdp_growth_pct", {y: g[y] for y in range(T - 10, LAST + 1)}, 2),
        table("exchange_rate_eop_lcu_per_usd", rate_eop),
        table("exchange_rate_avg_lcu_per_usd", rate_avg),
        table("exports_usd_m", exports),
        table("imports_usd_m", {y: gdp[y] * IMPORTS_PCT / 100 for y in proj}),
        table(
            "net_current_transfers_usd_m",
            {y: gdp[y] * TRANSFERS_PCT / 100 for y in range(T - 10, LAST + 1)},
        ),
        table(
            "net_fdi_usd_m",
            {
                y: gdp[y] * (FDI_HIST_PCT if y < T else FDI_PROJ_PCT) / 100
                for y in range(T - 10, LAST + 1)
            },
        ),
        table(
            "government_revenue_incl_grants_lcu_m",
            {y: lcu[y] * (REVENUE_PCT + GRANTS_PCT) / 100 for y in proj},
            0,
        ),
        table("government_grants_lcu_m", {y: lcu[y] * GRANTS_PCT / 100 for y in proj}, 0),
        table(
            "government_primary_expenditure_lcu_m",
            {y: lcu[y] * PRIMARY_EXP_PCT / 100 for y in proj},
            0,
        ),
        "",
        "[country.external_debt]",
        f"ppg_mlt_outstanding_usd_m = {EXTERNAL_DEBT_USD_M}",
        "",
        "[[country.external_debt.existing_lines]]",
        f'name = "{EXISTING_LINE_NAME}"',
        'creditor_group = "bilateral_other"',
        f'source = "{RULES["country.external_debt.existing_lines"]}"',
        table("debt_service_usd_m", service, 3),
        table("principal_usd_m", principal, 3),
        "",
        "[country.domestic_debt]",
        table("stock_lcu_m", {y: lcu[y] * DOMESTIC_DEBT_PCT / 100 for y in proj}, 0),
        "",
        "[country.capacity]",
        'classification = "weak"',
        "",
        "[sources]",
        *(f'"{k}" = "{v}"' for k, v in RULES.items()),
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
