"""Write ``examples/lic-dsf-illustrative.toml`` from the LIC-DSF golden inputs.

Run once (not imported by the package)::

    python tools/make_illustrative_example.py PATH/TO/lic-dsf/golden

The golden folder holds ``illustrative-country.json`` (the 2025-08-12
template's default inputs in domain terms, from Teal-Insights/py-lic-dsf) and
``expected-outputs.csv`` (Excel outputs). Every value written carries its
source cell as a comment. A few inputs are absent from the template's leaf set;
they are filled from named output cells and marked ``DERIVED``.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

INPUT3 = "'Input 3 - Macro-Debt data(DMX)'"
OUT = Path(__file__).resolve().parents[1] / "examples" / "lic-dsf-illustrative.toml"


def col(year: int, base_year: int = 2011, base_col: int = 11) -> str:
    """Spreadsheet column letter of ``year`` when ``base_year`` sits in column ``base_col``."""
    n = base_col + (year - base_year)
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def num(x: float) -> str:
    v = float(x)
    if v == int(v) and abs(v) < 1e15:
        return f"{int(v)}.0"
    return repr(v)


def series_block(table: str, values: dict[str, float], row: int | None, note: str) -> list[str]:
    lines = [f"[{table}]  # {note}"]
    for y, v in sorted(values.items(), key=lambda kv: int(kv[0])):
        cell = f"  # {col(int(y))}{row}" if row is not None else ""
        lines.append(f"{int(y)} = {num(v)}{cell}")
    lines.append("")
    return lines


def main(golden: Path) -> None:
    d = json.loads((golden / "illustrative-country.json").read_text(encoding="utf-8"))
    rows = list(csv.DictReader((golden / "expected-outputs.csv").open(encoding="utf-8")))

    def out(case: str, q: str) -> dict[int, float]:
        return {
            int(r["year"]): float(r["excel_value"])
            for r in rows
            if r["case_id"] == case and r["quantity"] == q
        }

    m = d["macro"]
    L: list[str] = [
        "# The LIC-DSF template's illustrative country (IMF/World Bank LIC-DSF template of",
        "# 2025-08-12, default data, Ghana-labelled) in debttrap's domain terms.",
        "# Source: Teal-Insights/py-lic-dsf lic_dsf/inputs.py (DEFAULT_INPUTS, commit c535975),",
        "# re-expressed as illustrative-country.json; each value names its template cell.",
        "# Illustrative template data: NOT data for a real country.",
        "# Written by tools/make_illustrative_example.py; do not edit by hand.",
        "# Money in millions (US$ or local currency units, LCU); rates in percent.",
        "",
        'name = "LIC-DSF template illustrative country (2025-08-12)"',
        "first_projection_year = 2024  # 'Input 1 - Basics'!C18",
        "last_projection_year = 2044",
        "discount_rate_pct = 5.0  # 'Input 1 - Basics'!C25 = 0.05",
        'external_debt_definition = "residency"  # template default',
        "market_access = true  # 'Input 1 - Basics'!C27 = Yes (template default)",
        "",
    ]
    macro_map = [
        ("nominal_gdp_usd_m", "nominal_gdp_usd_mn", 12, 1.0),
        ("real_gdp_lcu_m", "real_gdp_constant_prices_lcu_mn", 13, 1.0),
        ("exchange_rate_eop_lcu_per_usd", "exchange_rate_lcu_per_usd_eop", 19, 1.0),
        ("exchange_rate_avg_lcu_per_usd", "exchange_rate_lcu_per_usd_avg", 20, 1.0),
        ("government_revenue_incl_grants_lcu_m", "government_revenue_incl_grants_lcu_mn", 22, 1.0),
        ("government_grants_lcu_m", "government_grants_lcu_mn", 23, 1.0),
        ("government_primary_expenditure_lcu_m", "government_primary_expenditure_lcu_mn", 24, 1.0),
        ("privatization_proceeds_lcu_m", "privatization_proceeds_lcu_mn", 27, 1.0),
        (
            "contingent_liabilities_recognized_lcu_m",
            "contingent_liabilities_recognized_lcu_mn",
            28,
            1.0,
        ),
        ("debt_relief_lcu_m", "debt_relief_non_multilateral_hipc_lcu_mn", 29, 1.0),
        ("other_debt_creating_flows_lcu_m", "other_debt_creating_flows_lcu_mn", 30, 1.0),
        ("current_account_usd_m", "current_account_balance_usd_mn", 34, 1.0),
        ("exports_usd_m", "exports_goods_services_usd_mn", 35, 1.0),
        ("imports_usd_m", "imports_goods_services_usd_mn", 38, 1.0),
        ("net_current_transfers_usd_m", "net_current_transfers_usd_mn", 41, 1.0),
        ("net_fdi_usd_m", "net_fdi_usd_mn", 43, 1.0),
    ]
    gdp = m["nominal_gdp_usd_mn"]["values_by_year"]
    for key, src, row, _ in macro_map:
        values = dict(m[src]["values_by_year"])
        note = f"{INPUT3} row {row}"
        fill = {
            "imports_usd_m": ("imports_gs_to_gdp_pct", 1.0, "P16"),
            "net_current_transfers_usd_m": (
                "net_current_transfers_neg_is_inflow_pct_gdp",
                -1.0,
                "P17",
            ),
            "net_fdi_usd_m": ("net_fdi_neg_is_inflow_pct_gdp", -1.0, "P20"),
        }
        if key in fill and "2024" not in values:
            # 2024 is not in the leaf set: Output 1-1 (% of GDP, sign as shown) x GDP
            q, sign, cell = fill[key]
            share = out("template-baseline-output11", q)[2024]
            L += series_block(f"macro.{key}", values, row, note)
            L.insert(
                len(L) - 1,
                f"2024 = {num(sign * share / 100.0 * gdp['2024'])}  # DERIVED: Output 1-1 {cell} "
                f"({share!r} % of GDP, sign {sign:+g}) x GDP 2024 (X{row} not in the leaf set)",
            )
            continue
        L += series_block(f"macro.{key}", values, row, note)

    es = d["external_debt_stocks_and_service"]
    mlt_2023 = es["ppg_external_mlt_debt_outstanding_usd_mn"]["values_by_year"]["2023"]
    st_rate = d["new_external_financing"]["short_term_external_interest_rate_decimal"]
    L += [
        "[external_debt]",
        f"ppg_mlt_outstanding_usd_m = {num(mlt_2023)}  # {INPUT3}!W51 (end-2023)",
        f"short_term_interest_rate_pct = {num(100 * st_rate)}"
        "  # 'Input 4 - External Financing'!F45 = 0.1",
        "",
    ]
    for field, source, row, extra in (
        ("existing_principal_total_usd_m", "existing_ppg_external_principal_total_usd_mn", 95,
         ", principal on end-2023 PPG debt"),
        ("ppg_short_term_usd_m", "ppg_external_st_debt_outstanding_usd_mn", 52, ""),
        ("private_mlt_outstanding_usd_m", "private_external_mlt_debt_outstanding_usd_mn", 57, ""),
        ("private_short_term_usd_m", "private_external_st_debt_outstanding_usd_mn", 58, ""),
        ("private_interest_usd_m", "private_external_interest_due_usd_mn", 59, ""),
    ):
        L += series_block(
            f"external_debt.{field}",
            es[source]["values_by_year"],
            row,
            f"{INPUT3} row {row}{extra}",
        )
    groups = {
        "multilateral": "multilateral",
        "bilateral Paris Club / ECA": "bilateral_paris_club",
        "bilateral non-Paris Club": "bilateral_other",
        "commercial": "commercial_bank",
        "other multilateral": "multilateral",
    }

    def group(g: str) -> str:
        for k, v in groups.items():
            if g.startswith(k):
                return v
        raise SystemExit(f"unknown creditor group {g!r}")

    for line in d["existing_external_debt_service_by_creditor"]["lines"]:
        ds = line["debt_service_usd_mn_by_year"]
        if not any(ds.values()):
            continue  # an empty line carries no information
        row = int(line["source"].split("row ")[1].split(" ")[0])
        ds = {y: v for y, v in ds.items() if int(y) >= 2024}
        L += [
            "[[external_debt.existing_lines]]",
            f'name = "existing debt, {line["creditor_line"]}"',
            f'creditor_group = "{group(line["creditor_group"])}"  # {line["creditor_group"]}',
            f'source = "{INPUT3} row {row}, columns X (2024) to BP (2068)"',
            "",
        ]
        L += series_block(
            "external_debt.existing_lines.debt_service_usd_m",
            ds,
            row,
            "principal + interest, US$ m",
        )

    ida = {r["row"]: r for r in d["new_external_financing"]["ida_terms_table"]}
    ida_line = {"Input 4 row 11": 68, "Input 4 row 12": 71, "Input 4 row 13": 70}
    for line in d["new_external_financing"]["lines"]:
        disb = line.get("disbursements_usd_mn_by_year", {})
        if not any(disb.values()):
            continue
        disb = {y: v for y, v in disb.items() if v}
        row = int(line["disbursements_source"].split("row ")[1].split(" ")[0])
        t4 = int(line["creditor_line"].split("row ")[1])
        if isinstance(line["terms"], dict):
            rate = 100 * line["terms"]["interest_rate_decimal"]
            grace, mat = line["terms"]["grace_years"], line["terms"]["maturity_years"]
            tsrc = f"'Input 4 - External Financing'!F{t4}/G{t4}/H{t4}"
            name = f"new borrowing, Input 4 row {t4}"
        else:
            r = ida[ida_line[line["creditor_line"]]]
            rate = 100 * (r["interest_or_service_charge_decimal"] or 0.0)
            grace, mat = r["grace_years"], r["maturity_years"]
            tsrc = f"IDA terms table 'Input 4 - External Financing' row {r['row']} ({r['name']})"
            name = f"{line['name_if_known']}, Input 4 row {t4}"
        grp = group(line["creditor_group"])
        L += [
            "[[new_external_financing]]",
            f'name = "{name}"',
            f'creditor_group = "{grp}"  # {line["creditor_group"]}',
            f"interest_rate_pct = {num(rate)}  # {tsrc}",
            f"grace_years = {grace}",
            f"maturity_years = {mat}",
            f"market_financing = {'true' if grp == 'commercial_bank' else 'false'}",
            f'source = "disbursements {INPUT3} row {row}; terms {tsrc}"',
            "",
        ]
        L += series_block("new_external_financing.disbursements_usd_m", disb, row, "US$ m")

    pub = out("template-baseline-output12", "public_debt_nominal_to_gdp_pct")
    ext = out("template-baseline-output12", "public_ext_debt_nominal_to_gdp_pct")
    gdp_lcu = out("template-baseline-output12", "nominal_gdp_lcu_mn")
    dom = {y: (pub[y] - ext[y]) / 100.0 * gdp_lcu[y] for y in sorted(pub)}
    last_ratio = (pub[2034] - ext[2034]) / 100.0
    fxa = m["exchange_rate_lcu_per_usd_avg"]["values_by_year"]
    L += [
        "[domestic_debt]",
        'source = "DERIVED: Output 1-2 (public debt minus its external part, % of GDP) x GDP in '
        "LCU, 2024-2034; 2035-2044 hold the 2034 ratio; the template's domestic-debt block "
        '(Input 3 rows 138-180, Input 5) is only partly in the leaf set"',
        "",
        "[domestic_debt.stock_lcu_m]  # DERIVED (see source)",
    ]
    for y, v in dom.items():
        L.append(f"{y} = {num(v)}  # (Output 1-2 row 8 - row 9) x row 41, {y}")
    for y in range(2035, 2045):
        L.append(f"{y} = {num(last_ratio * gdp[str(y)] * fxa[str(y)])}  # 2034 ratio x GDP_LCU {y}")
    L.append("")
    L += [
        "[capacity]",
        'classification = "medium"',
        'source = "inferred: the template outputs use the medium-capacity thresholds 40/180/15/18 '
        "and benchmark 55 (Output 3-1 rows 31/55/79/103, Output 3-2 row 32); the CPIA/CI inputs "
        'are not in the leaf set"',
        "",
        "[tailored]",
        "contingent_liabilities_pct_gdp = 9.375480101740473"
        "  # 'Input 2' F25 (= larger_cl_shock preset / 1.5; not in the leaf set)",
        "natural_disaster = false  # 'Input 6 - Tailored Tests'!C9 (template default No)",
        "natural_disaster_shock_pct_gdp = 10.0  # 'Input 6 - Tailored Tests'!G21",
        "commodity_exporter = true  # 'Input 6 - Tailored Tests'!C10 (template default Yes)",
        "market_financing = true  # 'Input 6 - Tailored Tests'!C11 (template default Yes)",
        "",
    ]
    # Input 6/7 values not in the leaf set, derived from Excel outputs by stated rules:
    # * residual external share (Input 7 H9): C1's one-off gap (Input 2 F25, % of GDP) is
    #   financed in t+1 by new external debt at PV = face, so H9 = dE1(C1, 2025) / F25;
    # * residual external rate (Input 7 C14): that debt pays interest from t+2, so
    #   C14 = dDS(C1, 2026) / dPV(C1, 2025) (US$);
    # * domestic short-term share (Input 7 H11) = (H9 + H11) - H9 (the sum is exact);
    # * primary-balance history (B2, Input 6 C21 = 1 SD): the t+1 B2 gap is
    #   dE1(B2, 2025) / H9 (% of GDP) and twice the SD under overlay-pb2 (C21 = 2):
    #   SD = gap(2 SD) - gap(1 SD); mean = PB(2025) - gap(1 SD) + SD (historical branch).
    o31 = "template-stress-output31"

    def probe(case: str, q: str, scen: str, year: int) -> float:
        for r in rows:
            if (r["case_id"], r["quantity"], r["scenario"], r["year"]) == (
                case,
                q,
                scen,
                str(year),
            ):
                return float(r["excel_value"])
        raise SystemExit(f"missing probe {case} {q} {scen} {year}")

    e1, e3 = "pv_ppg_ext_debt_to_gdp_pct", "ppg_ext_debt_service_to_exports_pct"
    cl_size = 9.375480101740473
    d_e1_c1 = probe(o31, e1, "C1_combined_contingent_liabilities", 2025) - probe(
        o31, e1, "baseline", 2025
    )
    share = d_e1_c1 / cl_size
    exports = m["exports_goods_services_usd_mn"]["values_by_year"]
    d_ds_c1 = (
        (
            probe(o31, e3, "C1_combined_contingent_liabilities", 2026)
            - probe(o31, e3, "baseline", 2026)
        )
        / 100
        * exports["2026"]
    )
    rate = 100 * d_ds_c1 / (d_e1_c1 / 100 * gdp["2025"])
    gap1 = (probe(o31, e1, "B2_primary_balance", 2025) - probe(o31, e1, "baseline", 2025)) / share
    gap2 = (
        probe("overlay-pb2-output31", e1, "B2_primary_balance", 2025)
        - probe("overlay-pb2-output31", e1, "baseline", 2025)
    ) / share
    pb_2025 = d["derived"]["primary_balance_pct_gdp"]["values_by_year"]["2025"]
    sd = gap2 - gap1
    mean = pb_2025 - gap1 + sd
    # C3 (Input 6 G46 and the commodity export share; neither in the leaf set), from Excel's
    # 2025 (t+1) C3 values, where debt service has not moved yet, so Output 3-1 identities
    # give levels against baseline: exports x = E3(base)/E3(C3); GDP from E2/E1 = exports/
    # GDP; revenue from E3/E4 = revenue/exports. Revenue/GDP falls by 7.5 x the price fall
    # (K27), so fall = rev/GDP(2025) x (1 - level) / 7.5; exports fall by share x fall.
    e2, e4 = "pv_ppg_ext_debt_to_exports_pct", "ppg_ext_debt_service_to_revenue_excl_grants_pct"
    c3 = "C3_commodity_price"

    def ratio(q: str, scen: str) -> float:
        return probe(o31, q, scen, 2025)

    x_lvl = ratio(e3, "baseline") / ratio(e3, c3)
    gdp_lvl = (
        x_lvl * (ratio(e2, c3) / ratio(e1, c3)) / (ratio(e2, "baseline") / ratio(e1, "baseline"))
    )
    rev_lvl = (
        x_lvl * (ratio(e3, c3) / ratio(e4, c3)) / (ratio(e3, "baseline") / ratio(e4, "baseline"))
    )
    rev_gdp_2025 = probe(
        "template-baseline-output11", "government_revenue_excl_grants_to_gdp_pct", "baseline", 2025
    )
    fall = rev_gdp_2025 * (1.0 - rev_lvl / gdp_lvl) / 7.5
    c3_share = 100.0 * (1.0 - x_lvl) / fall
    at = L.index("market_financing = true  # 'Input 6 - Tailored Tests'!C11 (template default Yes)")
    L[at + 1 : at + 1] = [
        f"commodity_price_shock_pct = {num(-100.0 * fall)}"
        "  # DERIVED Input 6 G46 x 100: 2025 C3 revenue/GDP cut"
        " (Output 3-1 D28/D52/D76/D100 vs baseline) / 7.5",
        f"commodity_exports_share_pct = {num(c3_share)}"
        "  # DERIVED commodity share of exports (Input 3 fuel/non-fuel rows):"
        " 2025 C3 export fall (Output 3-1 D76 vs baseline) / -G46",
    ]
    L += [
        "[stress]",
        "# Input 7 residual financing: grace/maturity/discount as documented in py-lic-dsf's",
        "# data/parity/OUTPUT_3_INPUT_CATALOG.md; the rest DERIVED from Excel outputs (see",
        "# tools/make_illustrative_example.py for each rule). Not in the leaf set.",
        f"residual_external_share_pct = {num(100.0 * share)}"
        "  # DERIVED Input 7 H9 x 100: C1 dPV/GDP 2025 (Output 3-1 E26 - E11) / Input 2 F25",
        f"residual_domestic_st_share_pct = {num(100.0 * (0.7724344563773595 - share))}"
        "  # DERIVED Input 7 H11 x 100 = (H9 + H11 = 0.7724344563773595, from two presets) - H9",
        f"residual_rate_pct = {num(rate)}"
        "  # DERIVED Input 7 C14: C1 dDS 2026 (Output 3-1 F74 - F59, x exports) / dPV 2025",
        "residual_grace_years = 4  # 'Input 7 - Residual Financing'!C17",
        "residual_maturity_years = 9  # 'Input 7 - Residual Financing'!C16",
        "residual_discount_rate_pct = 5.0  # 'Input 7 - Residual Financing'!C15",
        f"primary_balance_mean_pct_gdp = {num(mean)}"
        "  # DERIVED B2 history mean (Output 3-1 E19 vs overlay-pb2 E19, historical branch)",
        f"primary_balance_sd_pct_gdp = {num(sd)}"
        "  # DERIVED B2 history SD = gap(2 SD) - gap(1 SD) in 2025, % of GDP",
        "",
    ]
    OUT.write_text("\n".join(L), encoding="utf-8")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(Path(sys.argv[1]))
