"""Words for people: the report's labels for the model's internal names, and its glossary.

The model names its inputs by dotted paths (``offers[0].loans[1].clauses.no_paris_club``)
and its fields with units in the name (``nominal_gdp_usd_m``). A reader of the report
should see "Belt and Road package › loan 2 (CDB buyer's credit) › Debt kept out of Paris
Club / collective restructuring" and "Nominal GDP, US$ m" instead. Nothing here changes
a number; it only renders names.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from debttrap.leverage.clauses import CLAUSE_LABELS

__all__ = ["GLOSSARY", "field_label", "lower_first", "name_label", "plain_words"]

#: Words for the fields whose name alone does not say it well.
_FIELDS: dict[str, str] = {
    "nominal_gdp_usd_m": "Nominal GDP, US$ m",
    "real_gdp_growth_pct": "Real GDP growth, %",
    "exchange_rate_avg_lcu_per_usd": "Exchange rate, yearly average, local currency per US$",
    "exchange_rate_eop_lcu_per_usd": "Exchange rate, end of year, local currency per US$",
    "exports_usd_m": "Exports of goods and services, US$ m",
    "imports_usd_m": "Imports of goods and services, US$ m",
    "net_current_transfers_usd_m": "Net current transfers (remittances, aid), US$ m",
    "net_fdi_usd_m": "Net foreign direct investment, US$ m",
    "government_revenue_incl_grants_lcu_m": "Government revenue including grants, "
                                            "local currency m",
    "government_grants_lcu_m": "Grants to the government, local currency m",
    "government_primary_expenditure_lcu_m": "Government primary expenditure, local currency m",
    "ppg_mlt_outstanding_usd_m": "Public and publicly guaranteed medium- and long-term "
                                 "external debt outstanding, US$ m",
    "existing_lines": "Existing debt, line by line",
    "stock_lcu_m": "Domestic debt stock, local currency m",
    "macro": "macro framework",
    "external_debt": "external debt",
    "domestic_debt": "domestic debt",
    "amount_m": "amount",
    "disbursement_shares": "disbursement by year",
    "clauses": "contract clauses",
    "minimum_account_balance_usd_m": "Minimum balance kept in the lender's account, US$ m",
    "account_revenue_share_pct": "Share of revenue routed to the lender's account, %",
    "pledged_revenue_usd_m_per_year": "Revenue pledged to the lender, US$ m a year",
    "collateral_assets_usd_m": "Physical assets pledged, US$ m",
    "governing_law": "Governing law",
    "arbitration": "Dispute forum",
    "revenue_usd_m": "Project revenue, US$ m",
    "operating_cost_usd_m": "Project operating cost, US$ m",
    "construction_phasing": "Construction phasing",
    "asset_life_years": "Asset life, years",
    "quoted_cost_usd_m": "Quoted project cost, US$ m",
    "benchmark_cost_usd_m": "Benchmark cost of a comparable project, US$ m",
    "overrun_prior": "Prior for cost overruns",
    "demand_prior": "Prior for demand (revenue) shortfalls",
    "financing": "financing",
    "income_group": "Income group (for the OECD-DAC discount rate)",
    "n_paths": "Project simulation paths",
    "stochastic_paths": "Macro simulation paths",
    "include_overrun": "Project overrun charged to the budget",
    "seed": "Random seed",
    "first_projection_year": "First projection year",
    "ext_debt_service_to_exports_pct": "PPG external debt service / exports, %",
    "ext_debt_service_to_revenue_pct": "PPG external debt service / revenue, %",
    "pv_ext_debt_to_gdp_pct": "PV of PPG external debt / GDP, %",
    "pv_ext_debt_to_exports_pct": "PV of PPG external debt / exports, %",
    "pv_public_debt_to_gdp_pct": "PV of public debt / GDP, %",
    "project_not_self_financing": "the project does not service its own loans",
    "bilateral_other": "other bilateral",
    "in_distress": "in distress",
    "bilateral_paris_club": "Paris Club bilateral",
}
_WORDS = {
    "gdp": "GDP", "fdi": "FDI", "ppg": "PPG", "pv": "PV", "mlt": "medium- and long-term",
    "lcu": "local currency", "eop": "end of year", "avg": "average", "incl": "including",
    "ext": "external", "dscr": "DSCR", "prc": "PRC", "cietac": "CIETAC", "imf": "IMF",
    "oecd": "OECD", "dac": "DAC", "ida": "IDA", "lic": "LIC", "dsf": "DSF",
}
_UNITS = (("_usd_m_per_year", ", US$ m a year"), ("_usd_m", ", US$ m"), ("_lcu_m", ", local "
          "currency m"), ("_pct", ", %"), ("_years", ", years"), ("_m", ", m"))
_INDEXED = re.compile(r"^(?P<name>\w+)\[(?P<i>\d+)\]$")
_SNAKE = re.compile(r"\b(?:acceleration\.)?[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
_COLLECTIONS = {"loans": "loan", "grants": "grant", "conditions": "condition",
                "financing": "financing source", "existing_lines": "existing debt line",
                "offers": "offer"}


def name_label(name: str) -> str:
    """One field name in words: ``nominal_gdp_usd_m`` → "Nominal GDP, US$ m"."""
    if name in _FIELDS:
        return _FIELDS[name]
    if name in CLAUSE_LABELS:
        return CLAUSE_LABELS[name]
    if f"acceleration.{name}" in CLAUSE_LABELS:
        return CLAUSE_LABELS[f"acceleration.{name}"]
    unit = ""
    for suffix, unit_words in _UNITS:
        if name.endswith(suffix) and len(name) > len(suffix):
            name, unit = name[: -len(suffix)], unit_words
            break
    text = " ".join(_WORDS.get(w, w) for w in name.split("_") if w)
    return (text[:1].upper() + text[1:] + unit) if text else name


def field_label(path: str, offers: Sequence[tuple[str, Sequence[str]]] = ()) -> str:
    """A dotted input path in words.

    ``offers`` gives, per offer, its name and its loans' names, so ``offers[0].loans[1]``
    reads "Belt and Road package › loan 2: CDB buyer's credit".
    """
    parts = path.split(".")
    out: list[str] = []
    offer: tuple[str, Sequence[str]] | None = None
    i = 0
    while i < len(parts):
        part = parts[i]
        m = _INDEXED.match(part)
        if m is not None:
            name, k = m.group("name"), int(m.group("i"))
            if name == "offers" and k < len(offers):
                offer = offers[k]
                out.append(offer[0])
            elif name == "loans" and offer is not None and k < len(offer[1]):
                out.append(f"loan {k + 1}: {offer[1][k]}")
            else:
                out.append(f"{_COLLECTIONS.get(name, name_label(name))} {k + 1}")
        elif part == "country" and i == 0:
            out.append("Country")
        elif part == "acceleration" and i + 1 < len(parts):
            out.append(name_label(f"acceleration.{parts[i + 1]}"))
            i += 1
        elif part == "clauses" and i + 1 < len(parts):
            pass  # the clause's own label says it is a clause
        else:
            out.append(name_label(part))
        i += 1
    return " › ".join(out)


def lower_first(text: str) -> str:
    """``text`` with a lower-case first letter, unless it starts an acronym (PV, GDP)."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def plain_words(text: str) -> str:
    """Free text with the model's internal names (clause flags, indicator fields) in words."""
    def swap(m: re.Match[str]) -> str:
        word = m.group(0)
        for key in (word, f"acceleration.{word}"):
            if key in CLAUSE_LABELS:
                return lower_first(CLAUSE_LABELS[key])
        if word in _FIELDS:
            return lower_first(_FIELDS[word])
        return word

    return _SNAKE.sub(swap, text)


#: Terms the report uses, in plain words (shown at its end).
GLOSSARY: tuple[tuple[str, str], ...] = (
    ("LIC-DSF", "The IMF-World Bank Debt Sustainability Framework for low-income countries: "
     "five debt ratios compared with thresholds that depend on the country's "
     "debt-carrying capacity, giving a risk rating of external debt distress."),
    ("PPG debt", "Public and publicly guaranteed debt: owed or guaranteed by the government."),
    ("PV", "Present value: future payments discounted to today (at 5% in the LIC-DSF)."),
    ("Grant element", "The share of a loan's face value that is in effect a gift: face "
     "value minus the present value of its debt service, over face value."),
    ("Concessional", "A loan whose grant element is at least 35% at a 5% discount rate "
     "(IMF and World Bank)."),
    ("Threshold", "The LIC-DSF limit for a debt ratio; above it the ratio is in breach."),
    ("Rating window", "The first ten projection years, in which the LIC-DSF reads breaches."),
    ("Sustained breach", "A debt-service ratio above its threshold two years running."),
    ("pp", "Percentage points: the difference between two percentages."),
    ("P50 / P90", "Median / the value exceeded in one path in ten."),
    ("DSCR", "Debt-service cover ratio: the project's net revenue over the service of the "
     "loans it is meant to repay; below 1 the budget pays the difference."),
    ("Acceleration", "The lender's right to demand the whole balance at once."),
    ("Cross-default", "A default on other debt counts as a default on this loan."),
    ("Paris Club", "The group of official creditors that restructure debts together."),
    ("How China Lends", "Gelpern, Horn, Morris, Parks and Trebesch (2021): the clauses of "
     "100 Chinese and 142 other creditors' loan contracts."),
)
