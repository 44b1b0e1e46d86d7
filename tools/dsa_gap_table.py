"""Measure debttrap vs Excel on the LIC-DSF illustrative country; write the tables into docs/dsa.md.

Run from the repository root::

    python tools/dsa_gap_table.py

Replaces the text between ``<!-- gap-table:start -->`` and
``<!-- gap-table:end -->`` in ``docs/dsa.md``. Two runs are measured: the
example as it is (itemised inputs only) and the example plus the template's
unitemised PPG external debt (calibrated from Output 1-1; see golden_data.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "dsa"))

from golden_data import (  # noqa: E402
    STRESS_QUANTITY,
    WINDOW,
    calibrated_country,
    illustrative,
    series,
    stress_path,
    with_public_rates,
)

from debttrap.dsa.run import run_dsa  # noqa: E402

DOC = ROOT / "docs" / "dsa.md"
START, END = "<!-- gap-table:start -->", "<!-- gap-table:end -->"
SCENARIOS = ["baseline", "B1", "B2", "B2.1", "B3", "B4", "B5", "B6", "B6.1", "C1", "C3", "C4"]
# For a market-access country the template's Output 3-1 B2 row is the market variant
# (debttrap's B2.1); its Output 3-2 (public) B2 row ignores the market cost (debttrap's B2).
# The template shows no B6 market variant, so B6.1 has no Excel counterpart.
EXCEL_ROW = {"B2.1": "B2"}
PUBLIC = "pv_public_debt_to_gdp_pct"
SHORT = {
    "pv_ext_debt_to_gdp_pct": "E1 PV/GDP",
    "pv_ext_debt_to_exports_pct": "E2 PV/exports",
    "ext_debt_service_to_exports_pct": "E3 DS/exports",
    "ext_debt_service_to_revenue_pct": "E4 DS/revenue",
    "pv_public_debt_to_gdp_pct": "P1 PV public/GDP",
}


def gap_table(res, title: str) -> list[str]:  # type: ignore[no-untyped-def]
    lines = [
        f"**{title}** — debttrap minus Excel, percentage points, 2024-2034: "
        "max |gap| / mean gap (`n/r`: not run by debttrap; `n/a`: no Excel row — Excel's "
        "Output 3-1 B2 row is the market variant, compared with B2.1; its Output 3-2 B2 row "
        "ignores the market cost, compared with B2; B6.1 has no Excel row).",
        "",
        "| indicator | " + " | ".join(SCENARIOS) + " |",
        "|---|" + "---|" * len(SCENARIOS),
    ]
    for ind in STRESS_QUANTITY:
        cells = []
        for code in SCENARIOS:
            if code == "B6.1" or ((code == "B2.1") == (ind == PUBLIC) and code in ("B2", "B2.1")):
                cells.append("n/a")
                continue
            excel = stress_path(ind, EXCEL_ROW.get(code, code))
            if code != "baseline" and code not in res.stress:
                cells.append("n/r")
                continue
            ours = res.indicator_path(ind, code)[: len(WINDOW)]
            d = ours - excel
            cells.append(f"{np.nanmax(np.abs(d)):.2f} / {np.nanmean(d):+.2f}")
        lines.append(f"| {SHORT[ind]} | " + " | ".join(cells) + " |")
    lines.append("")
    return lines


def missing_stock(country, res) -> list[str]:  # type: ignore[no-untyped-def]
    case = "template-baseline-output11"
    n = len(WINDOW)
    gdp = res.baseline.pv_ext_debt_usd_m[:n] / res.baseline.pv_ext_debt_to_gdp_pct[:n] * 100
    nominal = series(case, "ppg_ext_debt_nominal_to_gdp_pct") / 100 * gdp
    pv = series(case, "pv_ppg_ext_debt_usd_mn")
    exports = res.baseline.pv_ext_debt_usd_m[:n] / res.baseline.pv_ext_debt_to_exports_pct[:n] * 100
    service = series(case, "ppg_ext_debt_service_to_exports_pct") / 100 * exports
    fxe = np.array([country.macro.exchange_rate_eop_lcu_per_usd[y] for y in WINDOW])
    gap_nom = nominal - res.baseline.ext_debt_nominal_usd_m[:n]
    gap_pv = pv - res.baseline.pv_ext_debt_usd_m[:n]
    gap_ds = service - res.baseline.ext_debt_service_usd_m[:n]
    # B5 (30% depreciation from t+1): Excel's PV in US$ falls although no US$ debt changes;
    # only LCU-denominated debt loses US$ value, by 1 - 1/1.3. Exports are not shocked in B5.
    pv_b5 = stress_path("pv_ext_debt_to_exports_pct", "B5") / 100 * exports
    implied_lc = (pv - pv_b5) / (1 - 1 / 1.3)
    lines = [
        "| year | Excel PPG stock | itemised | gap US$ m | gap in LCU m | gap PV US$ m "
        "| gap service US$ m |",
        "|---|---|---|---|---|---|---|",
    ]
    for k, y in enumerate(WINDOW):
        lines.append(
            f"| {y} | {nominal[k]:,.0f} | {res.baseline.ext_debt_nominal_usd_m[k]:,.0f} "
            f"| {gap_nom[k]:,.0f} | {gap_nom[k] * fxe[k]:,.0f} | {gap_pv[k]:,.0f} "
            f"| {gap_ds[k]:,.0f} |"
        )
    share = implied_lc[1] / gap_pv[1]
    lines += [
        "",
        f"B5 evidence (2025, the one year B5 changes only the exchange rate): Excel's PV of PPG "
        f"external debt falls from {pv[1]:,.0f} to {pv_b5[1]:,.0f} US$ m although no US$ debt "
        f"changes; a 30 % depreciation cuts the US$ value of LCU debt by 1 - 1/1.3, so "
        f"{implied_lc[1]:,.0f} US$ m of PV is in local currency: {100 * share:.0f} % of the "
        f"{gap_pv[1]:,.0f} US$ m of PV missing from the itemised inputs that year.",
    ]
    lines.append("")
    return lines


OVERLAYS = [  # (label, case, code, country update)
    ("C2, 15 % of GDP", "overlay-disaster-on-output31", "C2", 15.0),
    ("C2, 20 % of GDP", "overlay-disaster-shock20-output31", "C2", 20.0),
]


# C3: the template's commodity inputs are not in the leaf set; the price fall and the
# commodity share of exports are derived from Excel's 2025 revenue/GDP and export cuts
# (tests/dsa/test_golden_c3.py); each overlay keeps the derived export fall where the
# overlay leaves the fuel/non-fuel price rows alone.
C3_CASES = [  # (label, case, price fall, export fall factor vs default)
    ("C3, default (derived)", "template-stress-output31", None, 1.0),
    ("C3, severe price (G46 -0.4)", "overlay-commodity-price-severe-output31", 0.4, None),
    (
        "C3, severe fuel price (G46 -0.268)",
        "overlay-commodity-fuel-price-severe-output31",
        0.26772446433554825,
        1.0,
    ),
]


def c3_inputs(country) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    from test_golden_c3 import _excel_t1

    from debttrap.country.derived import derive

    d = derive(country)
    x, rev_level, _ = _excel_t1()
    fall = float(d.revenue_excl_grants_pct_gdp[d.t_index + 1]) * (1.0 - rev_level) / 7.5
    return fall, (1.0 - x) / fall


def overlay_table(country, settings) -> list[str]:  # type: ignore[no-untyped-def]
    lines = [
        "**Tailored tests under the template's overlays (calibrated)** — debttrap minus Excel, "
        "pp, 2024-2028 (Output 3-1 only): max |gap| / mean gap (brackets: below the table).",
        "",
        "| overlay | " + " | ".join(SHORT[k] for k in list(STRESS_QUANTITY)[:4]) + " |",
        "|---|---|---|---|---|",
    ]
    for label, case, code, size in OVERLAYS:
        tl = country.tailored.model_copy(
            update={"natural_disaster": True, "natural_disaster_shock_pct_gdp": size}
        )
        res = run_dsa(country.model_copy(update={"tailored": tl}), settings)
        cells = []
        for ind in list(STRESS_QUANTITY)[:4]:
            q = STRESS_QUANTITY[ind][0]
            excel = series(case, q, "C2_natural_disaster")[:5]
            d = res.indicator_path(ind, code)[:5] - excel
            cells.append(
                f"{np.max(np.abs(d)):.2f} / {np.mean(d):+.2f} ({np.max(np.abs(d[:4])):.2f})"
            )
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    fall0, share0 = c3_inputs(country)
    for label, case, fall, factor in C3_CASES:
        f = fall0 if fall is None else fall
        share = share0 * (fall0 / f if factor is None else 1.0)
        tl = country.tailored.model_copy(
            update={
                "commodity_exporter": True,
                "commodity_price_shock_pct": -100.0 * f,
                "commodity_exports_share_pct": 100.0 * share,
            }
        )
        res = run_dsa(country.model_copy(update={"tailored": tl}), settings)
        cells = []
        for ind in list(STRESS_QUANTITY)[:4]:
            d = res.indicator_path(ind, "C3")[:5] - stress_path(ind, "C3", case)[:5]
            cells.append(
                f"{np.max(np.abs(d)):.2f} / {np.mean(d):+.2f} ({np.max(np.abs(d[:2])):.2f})"
            )
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(
        "C2 rows: in brackets 2024-2027. C3 rows: in brackets 2024-2025 (t+1, where the "
        "derived price fall and export share make the comparison a test)."
    )
    lines.append("")
    return lines


CONTRIB_ROWS = [  # (table, field, case, quantity, row label)
    ("external", "external_debt_pct_gdp", "output11", "external_debt_nominal_to_gdp_pct", "8"),
    ("external", "change_in_debt_pct_gdp", "output11", "change_in_external_debt_pct_gdp", "11"),
    (
        "external",
        "identified_flows_pct_gdp",
        "output11",
        "identified_net_debt_creating_flows_ext_pct_gdp",
        "12",
    ),
    (
        "external",
        "non_interest_current_account_deficit_pct_gdp",
        "output11",
        "non_interest_current_account_deficit_pct_gdp",
        "13",
    ),
    (
        "external",
        "endogenous_dynamics_pct_gdp",
        "output11",
        "endogenous_debt_dynamics_ext_pct_gdp",
        "21",
    ),
    (
        "external",
        "interest_pct_gdp",
        "output11",
        "contribution_nominal_interest_rate_ext_pct_gdp",
        "23",
    ),
    (
        "external",
        "real_growth_pct_gdp",
        "output11",
        "contribution_real_gdp_growth_ext_pct_gdp",
        "24",
    ),
    ("external", "residual_pct_gdp", "output11", "residual_ext_pct_gdp", "26"),
    ("public", "public_debt_pct_gdp", "output12", "public_debt_nominal_to_gdp_pct", "8"),
    ("public", "change_in_debt_pct_gdp", "output12", "change_in_public_debt_pct_gdp", "11"),
    (
        "public",
        "identified_flows_pct_gdp",
        "output12",
        "identified_debt_creating_flows_public_pct_gdp",
        "12",
    ),
    ("public", "primary_deficit_pct_gdp", "output12", "primary_deficit_pct_gdp", "13"),
    ("public", "automatic_dynamics_pct_gdp", "output12", "automatic_debt_dynamics_pct_gdp", "17"),
    (
        "public",
        "real_interest_rate_pct_gdp",
        "output12",
        "contribution_real_interest_rate_pct_gdp",
        "19",
    ),
    (
        "public",
        "real_growth_pct_gdp",
        "output12",
        "contribution_real_gdp_growth_public_pct_gdp",
        "20",
    ),
    ("public", "residual_pct_gdp", "output12", "residual_public_pct_gdp", "28"),
]


def contributions_table(country, settings) -> list[str]:  # type: ignore[no-untyped-def]
    res = run_dsa(with_public_rates(calibrated_country(country)), settings)
    lines = [
        "**Debt-dynamics tables (calibrated, plus domestic interest and foreign inflation from "
        "Output 1-2)** — debttrap minus Excel, pp of GDP, 2025-2034: max |gap|.",
        "",
        "| table | row | debttrap field | max abs gap |",
        "|---|---|---|---|",
    ]
    for table, field, case, quantity, row in CONTRIB_ROWS:
        ours = np.asarray(getattr(getattr(res.contributions, table), field))[1:11]
        excel = series(f"template-baseline-{case}", quantity)[1:]
        gap = float(np.max(np.abs(ours - excel)))
        lines.append(f"| {table} (Output 1-{case[-1]}) | {row} | `{field}` | {gap:.1e} |")
    lines.append("")
    return lines


def response_table(country, settings) -> list[str]:  # type: ignore[no-untyped-def]
    """The live-Excel case larger_exports_shock: relative responses, ours against Excel's."""
    import pandas as pd

    case = pd.read_csv(ROOT / "tests/reference/lic-dsf/expected-outputs-exports2.csv.gz")
    cal = calibrated_country(country)
    r0 = run_dsa(cal, settings)
    r1 = run_dsa(cal, settings.model_copy(update={"b3_exports_sd": 2.0, "b6_exports_sd": 2.0}))
    codes = ["baseline", "B1", "B2.1", "B3", "B4", "B5", "B6"]
    scen = {"baseline": "baseline", "B1": "B1_real_gdp_growth", "B2.1": "B2_primary_balance",
            "B3": "B3_exports", "B4": "B4_other_flows", "B5": "B5_depreciation",
            "B6": "B6_combination_of_b1_b5"}
    lines = [
        "**Larger export shock (live Excel, Input 6 C25/D25 and C44/D44 = 2 SD; calibrated)** — "
        "relative response (preset / default) of debttrap over Excel's, minus 1, percent, "
        "2024-2028: max |gap| (Excel's B2 row is the market variant, compared with B2.1).",
        "",
        "| indicator | " + " | ".join(codes) + " |",
        "|---|" + "---|" * len(codes),
    ]
    for ind, (quantity, default_case) in list(STRESS_QUANTITY.items())[:4]:
        cells = []
        for code in codes:
            e0 = series(default_case, quantity, scen[code])[:5]
            sel = case[(case.quantity == quantity) & (case.scenario == scen[code])]
            e1 = sel.set_index("year")["excel_value"].reindex(WINDOW[:5]).to_numpy(dtype=float)
            o0 = r0.indicator_path(ind, code)[:5]
            o1 = r1.indicator_path(ind, code)[:5]
            gap = 100.0 * np.max(np.abs((o1 / o0) / (e1 / e0) - 1.0))
            cells.append(f"{gap:.2f}")
        lines.append(f"| {SHORT[ind]} | " + " | ".join(cells) + " |")
    lines.append("")
    return lines


def main() -> None:
    country, settings = illustrative()
    pure = run_dsa(country, settings)
    cal = run_dsa(calibrated_country(country), settings)
    body = [
        START,
        "",
        "_Generated by `tools/dsa_gap_table.py`; do not edit by hand._",
        "",
        *gap_table(pure, "Example as shipped (itemised inputs only)"),
        *gap_table(cal, "Example plus the unitemised PPG external debt (calibrated)"),
        *overlay_table(calibrated_country(country), settings),
        *response_table(country, settings),
        *contributions_table(country, settings),
        "Where the unitemised debt sits (US$ m unless noted; Excel = Output 1-1 rows 9, 33, 57):",
        "",
        *missing_stock(country, pure),
        END,
    ]
    text = DOC.read_text(encoding="utf-8")
    a, b = text.index(START), text.index(END) + len(END)
    DOC.write_text(text[:a] + "\n".join(body) + text[b:], encoding="utf-8")
    print(f"updated {DOC}")


if __name__ == "__main__":
    main()
