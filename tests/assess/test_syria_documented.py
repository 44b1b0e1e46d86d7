"""Syria, documented: the default is the documented debt, the larger claims are layers.

Reproduces review findings: the example's existing debt was one verbal claim (US$20-23bn)
booked as one "creditor unknown" line, while the bundled World Bank IDS give US$3.5bn at
end-2022 by creditor; exports were assumed at 5% of GDP while WDI publishes 6.8% (2022);
the rescheduling assumption was itself an unlabelled ~40% NPV cut; Syria's arrears to
official creditors (in distress under the Guidance Note) were not recorded.

Reference values (World Bank International Debt Statistics, PPG external debt stocks by
creditor, end-2022, as quoted in the review and bundled in
``debttrap/data/wb-ids-ppg-debt-stocks-by-creditor``): total US$3,498m; Arab Fund 593,
EIB 556, Russia 525, Japan 362, Germany 313, Kuwait 250, China 70 (US$ m). WDI
NE.EXP.GNFS.ZS, Syria 2022: 6.78% of GDP.
"""

from __future__ import annotations

from importlib import resources

import pandas as pd
import pytest

from debttrap.assess import assess
from debttrap.io.scenario import load_scenario

from .conftest import EXAMPLES, PROJECT_PATHS

_SYRIA = EXAMPLES / "syria-2025.toml"


def _stock(line: object) -> float:
    return float(sum((line.principal_usd_m or {}).values()))  # type: ignore[attr-defined]


def test_the_default_debt_is_the_ids_stock_by_creditor_group() -> None:
    s = load_scenario(_SYRIA)
    ext = s.country.external_debt  # type: ignore[union-attr]
    assert ext.ppg_mlt_outstanding_usd_m == pytest.approx(3498.0, abs=0.5)
    by_group = {ln.group.value: _stock(ln) for ln in ext.existing_lines}
    # the review's creditors, summed by group (IDS end-2022)
    assert by_group["china"] == pytest.approx(69.5, abs=0.1)
    assert by_group["paris_club"] >= 525.0 + 362.3 + 313.2
    assert by_group["multilateral"] >= 592.7 + 555.8
    assert by_group["other_bilateral"] >= 250.1
    # the schedule is written to 0.001 per instalment
    assert sum(by_group.values()) == pytest.approx(ext.ppg_mlt_outstanding_usd_m, abs=0.05)
    # and the bundled IDS table gives the same groups (creditor kinds and Paris Club flags)
    base = resources.files("debttrap").joinpath("data", "wb-ids-ppg-debt-stocks-by-creditor")
    with resources.as_file(base) as d:
        stocks = pd.read_parquet(d / "stocks.parquet")
        creditors = pd.read_parquet(d / "creditors.parquet")
    t = stocks[(stocks["iso3"] == "SYR") & (stocks["year"] == 2022)
               & (stocks["series"] == "total")].merge(creditors, on="creditor_id")
    t = t[t["kind"] != "world"]
    assert float(t["value_usd_m"].sum()) == pytest.approx(sum(by_group.values()), abs=0.5)
    multi = float(t.loc[t["kind"] == "multilateral", "value_usd_m"].sum())
    paris = float(t.loc[(t["kind"] == "country") & t["paris_club"], "value_usd_m"].sum())
    assert by_group["multilateral"] == pytest.approx(multi, abs=0.01)
    assert by_group["paris_club"] == pytest.approx(paris, abs=0.01)


def test_exports_are_the_published_share_and_arrears_are_recorded() -> None:
    s = load_scenario(_SYRIA)
    c = s.country
    macro = c.macro  # type: ignore[union-attr]
    share = 100.0 * macro.exports_usd_m[2022] / macro.nominal_gdp_usd_m[2022]
    assert share == pytest.approx(6.78, abs=0.01)  # WDI, 2022
    assert c.external_debt.in_arrears_or_restructuring  # type: ignore[union-attr]
    assert "arrears" in s.sources["country.external_debt.in_arrears_or_restructuring"]


def test_the_rescheduling_is_labelled_with_its_npv_cut() -> None:
    s = load_scenario(_SYRIA)
    line = s.country.external_debt.existing_lines[0]  # type: ignore[union-attr]
    face = _stock(line)
    pv = sum(v / 1.05 ** (y - 2025) for y, v in line.debt_service_usd_m.items())
    cut = 100.0 * (1.0 - pv / face)
    assert cut == pytest.approx(40.0, abs=1.0)
    note = s.sources["country.external_debt.existing_lines"]
    assert "40% in NPV" in note and "Effect on the verdict" in note


def test_the_larger_claims_run_as_labelled_layers_side_by_side() -> None:
    s = load_scenario(_SYRIA)
    assert [round(x.stock_usd_m) for x in s.debt_layers] == [18002, 30000]
    assert all(x.source for x in s.debt_layers)
    a = assess(s, n_paths=PROJECT_PATHS, stochastic=False)
    assert a.reference.rating_external == "in_distress"
    stocks = [round(x.existing_stock_usd_m) for x in a.debt_layers]
    assert stocks == [21500, 51500]  # the claim's midpoint, then Russia and Iran on top
    # more debt never lowers the baseline's peak indicators
    peaks = [a.reference.indicator_summary("pv_ext_debt_to_gdp_pct")["baseline_peak_pct"]] + [
        x.reference_peak_pct["pv_ext_debt_to_gdp_pct"] for x in a.debt_layers]
    assert peaks == sorted(peaks) and peaks[-1] > 2 * peaks[0]
    doc = a.to_dict()["debt_layers"]
    assert [o["name"] for o in doc[0]["offers"]] == [o.name for o in a.offers]
