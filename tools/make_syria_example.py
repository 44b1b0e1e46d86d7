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
IMPORTS_PCT, TRANSFERS_PCT = 20.0, 8.0
FDI_HIST_PCT, FDI_PROJ_PCT = 0.5, 1.5
DOMESTIC_DEBT_PCT = 20.0
# Documented core: the World Bank's IDS PPG external debt stock by creditor at end-2022
# (bundled: debttrap/data/wb-ids-ppg-debt-stocks-by-creditor), US$ m, by creditor group.
IDS_2022_BY_GROUP: dict[str, tuple[str, float, str]] = {
    # group: (creditor type, stock, creditors)
    "multilateral": ("multilateral", 1412.039, "Arab Fund 592.7, EIB 555.8, IsDB 170.0, OPEC "
                     "Fund 40.3, IFAD 27.4, IDA 14.1, Arab Monetary Fund 11.5, ATO 0.2"),
    "paris_club": ("bilateral_paris_club", 1470.322, "Russia 525.0, Japan 362.3, Germany "
                   "313.2, United States 237.0, Italy 23.5, France 9.3"),
    "other_bilateral": ("bilateral_other", 546.069, "Kuwait 250.1, UAE 106.7, Saudi Arabia "
                        "66.6, Malaysia 42.0, Serbia 32.4, India 30.7, Bulgaria 8.2, Romania "
                        "6.5, Iran 2.9, Iraq 0.0"),
    "china": ("bilateral_other", 69.546, "China 69.5"),
}
EXTERNAL_DEBT_USD_M = round(sum(v[1] for v in IDS_2022_BY_GROUP.values()), 3)  # 3,497.98
# Contractual service due in 2024 by group, the last year of the World Bank's DSSI tables
# (bundled: debttrap/data/wb-dssi-debt-service-by-creditor-2020), US$ m: shown, not used
# beyond 2024 (the stock is largely in arrears; see the rescheduling rule below).
DSSI_2024_BY_GROUP = {"multilateral": 36.57, "paris_club": 21.37, "other_bilateral": 8.53,
                      "china": 0.0}
# Published exports of goods and services, % of GDP (WDI, bundled wb-wdi-external slice);
# the last published share is held from 2023 (rule).
WDI_EXPORTS_PCT = {2015: 14.29, 2016: 21.68, 2017: 19.34, 2018: 14.92, 2019: 13.01, 2020: 13.19,
                   2021: 14.95, 2022: 6.78}
EXPORTS_PCT_HELD = 6.78
# The stock has no service schedule beyond 2024 and Syria is in arrears: assumption, the
# stock is consolidated from the first projection year on Paris Club Naples-like terms
# (lending-terms.md §3: repaid over 23 years including 6 years' grace) at 1% a year (anchored
# on Zambia's 2023 Common Framework terms, 1% to 2037, lending-terms.md §5), no cancellation.
# That is itself a cut of about 40% in NPV at the LIC-DSF's 5% discount rate (PV/face 0.596).
RESCHEDULE_FIRST_YEAR = T  # consolidation from the first projection year
RESCHEDULE_YEARS, RESCHEDULE_GRACE = 23, 6
RESCHEDULE_RATE_PCT = 1.0
DISCOUNT_PCT = 5.0
NPV_CUT_PCT = 40  # 100 x (1 - pv_over_face()), rounded; render() checks it
# Alternative layers (labelled, run beside the documented core): the larger claims as reported.
CLAIM_MIDPOINT_USD_M = 21_500.0  # US$20-23bn, caretaker finance minister, Jan 2025
RUSSIA_IRAN_USD_M = 30_000.0  # ~US$30bn to Russia and Iran together, FM Shaibani to the FT

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
        "exports of goods and services, % of GDP, World Bank WDI (NE.EXP.GNFS.ZS, bundled "
        "wb-wdi-external slice): 2016-2022 as published (21.7% in 2016 to 6.8% in 2022; pre-war "
        "about 35%) times the GDP series; from 2023 the last published share, 6.8%, is held "
        "(rule: no later figure is published; a recovery with sanctions relief would raise it "
        "and lower every export-based indicator)"
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
        "documented core: PPG external debt stock at end-2022 by creditor, World Bank "
        f"International Debt Statistics (bundled), US$ {EXTERNAL_DEBT_USD_M:,.0f} m; held to "
        "end-2025 (WDI: 3,410 at end-2024). The larger claims (US$20-23bn, Jan 2025; Russian "
        "and Iranian credit lines) are run as labelled alternative layers ([[debt_layers]])"
    ),
    "country.external_debt.existing_lines": (
        "the IDS stock by creditor group; contractual service due in 2024, the last year of "
        "the World Bank's DSSI tables (bundled): multilateral 36.6, Paris Club 21.4, other "
        "bilateral 8.5, China 0.0 US$ m; beyond 2024 no schedule is published and the stock is "
        "largely in arrears. Assumption (labelled): each line consolidated from "
        f"{RESCHEDULE_FIRST_YEAR} on Paris Club Naples-like terms (lending-terms.md §3), "
        f"repaid over {RESCHEDULE_YEARS} years including {RESCHEDULE_GRACE} years' grace "
        f"at {RESCHEDULE_RATE_PCT:g}% a year (anchored on Zambia's 2023 Common Framework "
        "terms, lending-terms.md §5), no cancellation: itself a cut of about "
        f"{NPV_CUT_PCT:g}% in NPV at the LIC-DSF's {DISCOUNT_PCT:g}% discount "
        "rate. Effect on the verdict: a milder rescheduling raises debt service in the window "
        "and every service indicator with it"
    ),
    "country.external_debt.in_arrears_or_restructuring": (
        "Syria has external arrears to official creditors (the World Bank's US$15.5m were "
        "cleared by Saudi Arabia and Qatar in May 2025, syria-2025-facts.md §5; arrears to "
        "other official creditors are not published by creditor) and no rescheduling has been "
        "agreed: in debt distress under the LIC-DSF Guidance Note, whatever the indicators say"
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
    return WDI_EXPORTS_PCT.get(y, EXPORTS_PCT_HELD if y > 2022 else WDI_EXPORTS_PCT[2016])


def pv_over_face() -> float:
    """PV at the discount rate of the rescheduled flows per unit of face value."""
    service, _ = rescheduled(1.0)
    return sum(v / (1 + DISCOUNT_PCT / 100) ** (y - T + 1) for y, v in service.items())


def rescheduled(amount_usd_m: float) -> tuple[dict[int, float], dict[int, float]]:
    """(debt service, principal) by year of ``amount_usd_m`` under the assumed rescheduling."""
    n_inst = RESCHEDULE_YEARS - RESCHEDULE_GRACE
    # instalments to US$ 0.001 m (as written), the last one taking the rest, so that the
    # principal adds up to the stock exactly
    instalment = round(amount_usd_m / n_inst, 3)
    balance = amount_usd_m
    service: dict[int, float] = {}
    principal: dict[int, float] = {}
    for k in range(RESCHEDULE_YEARS):  # a loop over years
        y = RESCHEDULE_FIRST_YEAR + k
        interest = balance * RESCHEDULE_RATE_PCT / 100.0
        pay = instalment if k >= RESCHEDULE_GRACE else 0.0
        if k == RESCHEDULE_YEARS - 1:
            pay = round(balance, 3)
        principal[y] = pay
        service[y] = pay + interest
        balance -= pay
    return service, principal


def line(name: str, kind: str, group: str, amount: float, source: str,
         prefix: str = "[[country.external_debt.existing_lines]]") -> list[str]:
    service, principal = rescheduled(amount)
    return [
        prefix,
        f'name = "{name}"',
        f'creditor_group = "{kind}"',
        f'group = "{group}"',
        f'source = "{source}"',
        table("debt_service_usd_m", service, 3),
        table("principal_usd_m", principal, 3),
        "",
    ]


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
    exports[T - 11] = gdp[T - 10] / (1 + g[T - 10] / 100) * exports_pct(T - 11) / 100
    lcu = {y: gdp[y] * rate_avg[y] for y in proj}
    labels = {"multilateral": "Multilateral creditors", "paris_club": "Paris Club creditors",
              "other_bilateral": "Other bilateral creditors", "china": "China"}
    debt_lines: list[str] = []
    for group, (kind, stock, who) in IDS_2022_BY_GROUP.items():
        debt_lines += line(
            f"{labels[group]} (IDS end-2022, assumed rescheduled)", kind, group, stock,
            f"World Bank IDS, PPG external debt stock at end-2022: {who} (US$ m); DSSI "
            f"contractual service due in 2024: US$ {DSSI_2024_BY_GROUP[group]:g} m; from "
            f"{RESCHEDULE_FIRST_YEAR} on the labelled rescheduling assumption (see "
            "country.external_debt.existing_lines)")
    pv = pv_over_face()
    if round(100 * (1 - pv)) != NPV_CUT_PCT:
        raise SystemExit(f"NPV_CUT_PCT is stale: the rule gives {100 * (1 - pv):.1f}%")
    layer_rule = (
        f"on the same labelled rescheduling rule ({RESCHEDULE_YEARS} years, "
        f"{RESCHEDULE_GRACE} grace, {RESCHEDULE_RATE_PCT:g}%: an NPV cut of about "
        f"{100 * (1 - pv):.0f}%)")
    claim = CLAIM_MIDPOINT_USD_M - EXTERNAL_DEBT_USD_M
    layers = [
        "[[debt_layers]]",
        'name = "The official claim: US$20-23bn external debt (midpoint US$21.5bn)"',
        f'source = "caretaker finance minister, Jan 2025 (syria-2025-facts.md §5, confidence M: '
        f'a single verbal figure, no creditor breakdown): the midpoint less the documented IDS '
        f'stock, US$ {claim:,.0f} m, creditor unknown, {layer_rule}"',
        "",
        *line("Creditor unknown: the rest of the official claim (assumed rescheduled)",
              "bilateral_other", "not_itemised", claim,
              "the US$21.5bn midpoint less the IDS stock; creditors unknown",
              prefix="[[debt_layers.lines]]"),
        "[[debt_layers]]",
        'name = "Plus Russian and Iranian credit lines as reported (about US$30bn)"',
        'source = "about US$30bn owed to Russia and Iran together (FM al-Shaibani to the FT, '
        'Jan 2025; syria-2025-facts.md §5, confidence M, unverified against the FT original); '
        'Iranian claims of US$30-50bn are disputed and not recognised by Damascus; counted at '
        f'face, {layer_rule}"',
        "",
        *line("Russia and Iran: credit lines as reported (assumed rescheduled)",
              "bilateral_other", "other_bilateral", RUSSIA_IRAN_USD_M,
              "FM al-Shaibani to the FT, Jan 2025 (reported, disputed)",
              prefix="[[debt_layers.lines]]"),
    ]
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
        "in_arrears_or_restructuring = true",
        "",
        *debt_lines,
        "[country.domestic_debt]",
        table("stock_lcu_m", {y: lcu[y] * DOMESTIC_DEBT_PCT / 100 for y in proj}, 0),
        "",
        "[country.capacity]",
        'classification = "weak"',
        "",
        "[sources]",
        *(f'"{k}" = "{v}"' for k, v in RULES.items()),
        "",
        *layers,
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
