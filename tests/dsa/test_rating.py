"""Risk rating: breach flags, most extreme shock, signals, moderate space, distress, judgment.

Evidence:
1. The official template's own indicator paths for its illustrative country
   (baseline and every stress test, 2024-2034, Excel-recalculated) fed to the
   rating. The golden set holds no most-extreme-shock row and no rating, so the
   expected choices are derived by hand from the printed values and written out.
2. Hand-built paths whose answers follow from the rules (LIC-DSF 2018 Guidance
   Note; template "Chart Data" rule for the most extreme shock).
3. An independent oracle: the rules written again as plain per-path Python,
   compared with the vectorized functions on random batches.
4. Hypothesis properties: raising any path never lowers a rating; one-year
   breaches alone never trigger a signal.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from debttrap.dsa.indicators import (
    EXTERNAL_INDICATORS,
    INDICATORS,
    MOST_EXTREME_ORDER,
    Indicator,
    StressTest,
)
from debttrap.dsa.rating import (
    Judgment,
    ModerateSpace,
    Risk,
    breach_count,
    breach_flag,
    mechanical_ratings,
    most_extreme_shock,
    ranking_value,
    rate_risk,
)
from debttrap.dsa.thresholds import thresholds
from debttrap.errors import InputError

PATHS = Path(__file__).parents[1] / "reference" / "lic-dsf-rating" / "template-indicator-paths.csv"
YEARS = np.arange(2024, 2035)
T0 = 2024
MEDIUM = thresholds("medium")
E1, E2, E3, E4, P1 = INDICATORS

TEMPLATE_QUANTITY = {
    "pv_ppg_ext_debt_to_gdp_pct": E1,
    "pv_ppg_ext_debt_to_exports_pct": E2,
    "ppg_ext_debt_service_to_exports_pct": E3,
    "ppg_ext_debt_service_to_revenue_excl_grants_pct": E4,
    "pv_public_debt_to_gdp_pct": P1,
}


# --------------------------------------------------------------------------- helpers


def share(m: float | list[float], ind: Indicator) -> np.ndarray:
    """A path at ``m`` times the medium threshold (one value or one per year)."""
    return np.broadcast_to(np.asarray(m, dtype=float), YEARS.shape) * MEDIUM[ind]


def quiet(m: float = 0.5) -> dict[str, np.ndarray]:
    return {ind.value: share(m, ind) for ind in INDICATORS}


def with_year(m: float, year: int, value: float, ind: Indicator) -> np.ndarray:
    p = share(m, ind).copy()
    p[year - T0] = value * MEDIUM[ind]
    return p


def template_paths() -> tuple[dict[str, np.ndarray], dict[str, dict[str, np.ndarray]]]:
    d = pd.read_csv(PATHS)
    d = d[d["case_id"].str.startswith("template-stress") & d["quantity"].isin(TEMPLATE_QUANTITY)]
    base: dict[str, np.ndarray] = {}
    stress: dict[str, dict[str, np.ndarray]] = {}
    for (q, scenario), g in d.groupby(["quantity", "scenario"]):
        g = g.sort_values("year")
        assert g["year"].tolist() == YEARS.tolist()
        ind = TEMPLATE_QUANTITY[str(q)].value
        values = g["excel_value"].to_numpy(dtype=float)
        if scenario == "baseline":
            base[ind] = values
        else:
            stress.setdefault(ind, {})[str(scenario).split("_")[0]] = values
    return base, stress


# --------------------------------------------------------------------------- the template's paths


def test_template_paths_most_extreme_shock_and_rating() -> None:
    base, stress = template_paths()
    # Scenarios in the template's output: A1, A2, B1-B6, C1, C3, C4 (C2 not triggered).
    assert set(stress[E1.value]) == {
        "A1",
        "A2",
        "B1",
        "B2",
        "B3",
        "B4",
        "B5",
        "B6",
        "C1",
        "C3",
        "C4",
    }
    r = rate_risk(base, stress, MEDIUM, YEARS, T0)
    # Hand-derived from the printed paths (peaks over 2025-2034; no candidate has a
    # single-year breach that would switch it to its second-largest value):
    #   PV/GDP       B3 55.77 (2026) > B2 51.72, B5 51.80, B6 50.99 ...
    #   PV/exports   B3 166.92 (2026) > B2 127.24, B6 125.50 ... (no breach of 180)
    #   DS/exports   B3 33.76 (2031) > B2 25.36, B6 25.18 ...
    #   DS/revenue   B3 58.14 (2031) > B2 54.12, B6 52.30 ...
    #   PV public    B2 76.13 (2026) > C3 75.05 (2034), B3 72.38, B6 72.40 ...
    assert {i.value: t.value for i, t in r.most_extreme.items() if t} == {
        E1.value: "B3",
        E2.value: "B3",
        E3.value: "B3",
        E4.value: "B3",
        P1.value: "B2",
    }
    peaks = {E1: 55.77, E2: 166.92, E3: 33.76, E4: 58.14, P1: 76.13}
    for ind, peak in peaks.items():
        assert float(np.nanmax(r.paths_pct[ind][1, 1:])) == pytest.approx(peak, abs=5e-3)
    mx = stress[E1.value]["B3"]
    assert np.array_equal(r.to_frame()[(E1.value, "most_extreme")].to_numpy(), mx)

    # Baseline breaches (strictly above 40/180/15/18 and 55): PV/GDP 2024-2027,
    # DS/exports 2024-2033, DS/revenue every year, PV public 2024-2027.
    assert r.mechanical_external is Risk.HIGH
    assert r.mechanical_fiscal is Risk.HIGH
    assert (r.external, r.overall, r.moderate_space) == (Risk.HIGH, Risk.HIGH, None)
    baseline_years = {
        s.indicator: s.breach_years for s in r.signals if s.scenario == "baseline" and s.counts
    }
    assert baseline_years == {
        E1: (2024, 2025, 2026, 2027),
        E3: tuple(range(2024, 2034)),
        E4: tuple(range(2024, 2035)),
        P1: (2024, 2025, 2026, 2027),
    }
    assert not [s for s in r.signals if s.indicator is E2]  # PV/exports never above 180


def test_template_paths_batch_equals_single() -> None:
    base, stress = template_paths()
    batch = mechanical_ratings(
        {k: np.stack([v, v * 0.4]) for k, v in base.items()},
        {k: {t: np.stack([p, p * 0.4]) for t, p in v.items()} for k, v in stress.items()},
        MEDIUM,
        YEARS,
        T0,
    )
    # path 0 is the template; path 1 scales every ratio by 0.4: no baseline
    # breach (DS/revenue peaks at 0.4 x 42.30 = 16.92 < 18), but B3's DS/revenue
    # is above 18 in 2028 and 2030-2033 -> moderate, with limited space (the
    # baseline DS/revenue headroom is (18 - 16.92)/18 = 6% < 12%).
    assert batch.external.tolist() == [3, 2]
    assert batch.fiscal.tolist() == [3, 1]
    assert batch.overall.tolist() == [3, 2]
    assert batch.space.tolist() == [0, 1]
    assert batch.to_frame()["external"].tolist() == ["high", "moderate"]


# --------------------------------------------------------------------------- breach flags


def test_breach_needs_two_years_strictly_above() -> None:
    assert breach_count([39, 40, 40.0001, 41], 40).item() == 2
    assert not breach_flag([40, 40, 40, 41], 40)
    assert breach_flag([41, 10, 10, 41], 40)
    counts = breach_count(np.array([[41, 41, 0], [0, 0, 41]]), np.array([40, 40]))
    assert counts.tolist() == [2, 1]


def test_single_year_breach_is_listed_but_does_not_count() -> None:
    base = quiet()
    base[E1.value] = with_year(0.5, 2027, 1.2, E1)
    r = rate_risk(base, {}, MEDIUM, YEARS, T0)
    assert (r.mechanical_external, r.external, r.overall) == (Risk.LOW,) * 3
    (sig,) = r.signals
    assert (sig.indicator, sig.scenario, sig.breach_years, sig.counts) == (
        E1,
        "baseline",
        (2027,),
        False,
    )
    assert sig.values_pct == pytest.approx((48.0,))
    assert sig.to_dict()["signal"] is None


def test_only_the_window_t_to_t_plus_10_counts() -> None:
    years = np.arange(2020, 2045)
    base = {ind.value: np.full(years.size, 0.5 * MEDIUM[ind]) for ind in INDICATORS}
    p = base[E1.value].copy()
    p[[2020 - 2020, 2023 - 2020, 2035 - 2020, 2040 - 2020]] = 100.0  # all outside 2024-2034
    base[E1.value] = p
    assert rate_risk(base, {}, MEDIUM, years, 2024).external is Risk.LOW
    p = p.copy()
    p[[2024 - 2020, 2034 - 2020]] = 41.0  # first and last years of the window
    base[E1.value] = p
    r = rate_risk(base, {}, MEDIUM, years, 2024)
    assert r.external is Risk.HIGH
    assert r.window_years == tuple(range(2024, 2035))
    assert r.signals[0].breach_years == (2024, 2034)


# --------------------------------------------------------------------------- most extreme shock


def test_single_breach_ranks_by_second_largest_value() -> None:
    # B1 spikes to 60 in 2027 only (39 elsewhere): ranked by 39, its second value.
    # B2 stays at 39.5: higher rank, so B2 is the most extreme shock.
    b1 = with_year(39 / 40, 2027, 1.5, E1)
    b2 = share(39.5 / 40, E1)
    mx = most_extreme_shock({"B1": b1, "B2": b2}, 40.0, YEARS, T0)
    assert mx is not None
    assert mx.name is StressTest.B2
    assert mx.ranking_values.tolist() == [39.0, 39.5]
    # With the spike lasting two years B1 ranks by its peak and wins.
    b1[2028 - T0] = 45.0
    mx = most_extreme_shock({"B1": b1, "B2": b2}, 40.0, YEARS, T0)
    assert mx is not None and mx.name is StressTest.B1


def test_breach_in_year_t_keeps_the_peak_rule() -> None:
    # A single breach after t plus a breach in t itself: not a one-year breach.
    w = np.array([41, 30, 30, 60, 30, 30, 30, 30, 30, 30, 30], dtype=float)
    assert ranking_value(w, 40.0) == 60.0
    w[0] = 39.0
    assert ranking_value(w, 40.0) == 30.0


def test_peak_ignores_year_t() -> None:
    b1 = share(0.5, E1).copy()
    b1[0] = 100.0  # only in t (stress tests never shock t; the rank starts at t+1)
    b2 = share(0.6, E1)
    mx = most_extreme_shock({"B1": b1, "B2": b2}, 40.0, YEARS, T0)
    assert mx is not None and mx.name is StressTest.B2


def test_ties_go_to_the_first_in_chart_data_order_whatever_the_mapping_order() -> None:
    same = share(0.9, E1)
    cases = [({"C1": same, "B4": same}, "B4"), ({"A2": same, "C4": same}, "C4")]
    cases.append(({t.value: same for t in reversed(MOST_EXTREME_ORDER)}, "B1"))
    for candidates, expected in cases:
        mx = most_extreme_shock(candidates, 40.0, YEARS, T0)
        assert mx is not None and mx.name.value == expected
        assert mx.candidates == tuple(t for t in MOST_EXTREME_ORDER if t.value in candidates)


def test_a1_is_shown_but_never_rated() -> None:
    base = quiet()
    stress = {E1.value: {"A1": share(3.0, E1), "B1": share(0.6, E1)}}
    r = rate_risk(base, stress, MEDIUM, YEARS, T0)
    assert r.most_extreme[E1] is StressTest.B1
    assert r.external is Risk.LOW
    assert most_extreme_shock({"A1": share(3.0, E1)}, 40.0, YEARS, T0) is None


# --------------------------------------------------------------------------- signals


@pytest.mark.parametrize("ind", EXTERNAL_INDICATORS)
def test_any_external_indicator_drives_the_external_signal(ind: Indicator) -> None:
    base = quiet()
    stressed = {ind.value: {"B3": share(1.1, ind)}}
    r = rate_risk(base, stressed, MEDIUM, YEARS, T0)
    assert (r.external, r.overall) == (Risk.MODERATE, Risk.MODERATE)
    (sig,) = r.signals
    assert (sig.indicator, sig.scenario, sig.counts, sig.signal) == (ind, "B3", True, Risk.MODERATE)
    base[ind.value] = share(1.1, ind)
    r = rate_risk(base, stressed, MEDIUM, YEARS, T0)
    assert (r.external, r.overall) == (Risk.HIGH, Risk.HIGH)


def test_public_benchmark_drives_only_the_overall_rating() -> None:
    base = quiet()
    r = rate_risk(base, {P1.value: {"C1": share(1.2, P1)}}, MEDIUM, YEARS, T0)
    assert (r.external, r.mechanical_fiscal, r.overall) == (Risk.LOW, Risk.MODERATE, Risk.MODERATE)
    assert r.moderate_space is None  # the granularity grades external moderate only
    base[P1.value] = share(1.2, P1)
    r = rate_risk(base, {}, MEDIUM, YEARS, T0)
    assert (r.external, r.mechanical_fiscal, r.overall) == (Risk.LOW, Risk.HIGH, Risk.HIGH)
    assert r.signals[0].scope == "public"


# --------------------------------------------------------------------------- moderate space


def moderate_case(**peaks: float) -> Any:
    """External moderate (B1 breaches PV/GDP); baselines peak at the given share of T."""
    base = quiet(0.3)
    names = {"e1": E1, "e2": E2, "e3": E3, "e4": E4}
    for key, m in peaks.items():
        base[names[key].value] = with_year(0.3, 2030, m, names[key])
    stress = {E1.value: {"B1": share(1.5, E1)}}
    return rate_risk(base, stress, MEDIUM, YEARS, T0)


def test_moderate_space_bands() -> None:
    # GN 2018: limited if any headroom (T-B)/T < 20% (stock) / 12% (service);
    # substantial if all >= 40% / 35%; some otherwise. B = highest baseline value.
    assert moderate_case().moderate_space is ModerateSpace.SUBSTANTIAL
    assert moderate_case(e1=0.60, e3=0.65).moderate_space is ModerateSpace.SUBSTANTIAL  # at 40/35
    assert moderate_case(e2=0.61).moderate_space is ModerateSpace.SOME
    assert moderate_case(e4=0.66).moderate_space is ModerateSpace.SOME
    assert moderate_case(e1=0.80).moderate_space is ModerateSpace.SOME  # headroom exactly 20%
    assert moderate_case(e1=0.81).moderate_space is ModerateSpace.LIMITED
    assert moderate_case(e3=0.88).moderate_space is ModerateSpace.SOME  # exactly 12%
    assert moderate_case(e3=0.89).moderate_space is ModerateSpace.LIMITED
    r = moderate_case(e3=0.89)
    assert r.headroom[E3] == pytest.approx(0.11)
    assert r.to_dict()["headroom_pct"][E3.value] == pytest.approx(11.0)


# --------------------------------------------------------------------------- distress and judgment


def test_arrears_or_restructuring_put_the_country_in_distress() -> None:
    base = quiet()
    r = rate_risk(base, {}, MEDIUM, YEARS, T0, external_arrears_or_restructuring=True)
    assert (r.external, r.overall) == (Risk.IN_DISTRESS, Risk.IN_DISTRESS)
    assert (r.mechanical_external, r.mechanical_overall) == (Risk.LOW, Risk.LOW)
    r = rate_risk(base, {}, MEDIUM, YEARS, T0, domestic_arrears_or_restructuring=True)
    assert (r.external, r.overall) == (Risk.LOW, Risk.IN_DISTRESS)
    d = r.to_dict()
    assert d["in_debt_distress_inputs"]["domestic_arrears_or_restructuring"] is True


def test_judgment_is_kept_apart_from_the_mechanical_rating() -> None:
    base = quiet()
    base[E1.value] = share(1.05, E1)  # marginal breach every year -> high
    j = Judgment(reason="breach marginal, liquid assets", external="moderate")
    r = rate_risk(base, {}, MEDIUM, YEARS, T0, judgment=j)
    assert (r.mechanical_external, r.external, r.overall) == (
        Risk.HIGH,
        Risk.MODERATE,
        Risk.MODERATE,
    )
    assert r.moderate_space is ModerateSpace.LIMITED  # moderate by judgment
    assert r.to_dict()["judgment"]["reason"].startswith("breach marginal")
    assert r.to_dict()["mechanical"]["external"] == "high"
    # the overall rating is never below the external one
    j = Judgment(reason="test", overall=Risk.LOW)
    r = rate_risk(base, {}, MEDIUM, YEARS, T0, judgment=j)
    assert r.overall is Risk.HIGH


def test_judgment_on_a_single_one_year_breach_grades_without_it() -> None:
    base = quiet(0.5)
    base[E1.value] = with_year(0.5, 2025, 1.3, E1)  # near-term one-year breach: low mechanically
    plain = Judgment(reason="near-term breach brought back", external="moderate")
    r = rate_risk(base, {}, MEDIUM, YEARS, T0, judgment=plain)
    assert (r.mechanical_external, r.external, r.moderate_space) == (
        Risk.LOW,
        Risk.MODERATE,
        ModerateSpace.LIMITED,
    )
    only = Judgment(reason="only that breach", external="moderate", discounted_one_year_breach=True)
    r = rate_risk(base, {}, MEDIUM, YEARS, T0, judgment=only)
    assert r.moderate_space is ModerateSpace.SUBSTANTIAL  # 0.5 T everywhere once it is removed


def test_bad_judgment_is_refused() -> None:
    with pytest.raises(InputError, match=r"'judgment\.reason'"):
        Judgment(reason=" ", external="low")
    with pytest.raises(InputError, match=r"'judgment\.external'.*in_distress"):
        Judgment(reason="x", external="severe")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- contract and errors


def test_to_dict_contract() -> None:
    r = rate_risk(quiet(), {E1.value: {"B2": share(1.2, E1)}}, MEDIUM, YEARS, T0)
    d = r.to_dict()
    assert {"external", "overall", "moderate_space", "signals"} <= set(d)
    assert d["external"] in {"low", "moderate", "high", "in_distress"}
    assert d["moderate_space"] in {"limited", "some", "substantial"}
    assert d["most_extreme"][E1.value] == "B2" and d["most_extreme"][E2.value] is None
    sig = d["signals"][0]
    assert sig == {
        "indicator": E1.value,
        "scope": "external",
        "scenario": "B2",
        "threshold_pct": 40.0,
        "breach_years": list(range(2024, 2035)),
        "values_pct": pytest.approx([48.0] * 11),
        "years_above": 11,
        "counts": True,
        "signal": "moderate",
    }
    frame = r.to_frame()
    assert frame.index.name == "year" and list(frame.index) == YEARS.tolist()
    assert frame[(E2.value, "most_extreme")].isna().all()
    assert (frame[(P1.value, "threshold")] == 55.0).all()


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda b, s: b.pop(P1.value), "missing baseline paths for pv_public_debt_to_gdp_pct"),
        (lambda b, s: b.__setitem__(E1.value, b[E1.value][:-1]), r"'baseline\.pv_ext.*10 years"),
        (
            lambda b, s: b[E2.value].__setitem__(3, np.nan),
            r"'baseline\.pv_ext_debt_to_exports_pct'",
        ),
        (lambda b, s: s[E1.value].__setitem__("B7", b[E1.value]), "unknown stress test 'B7'"),
        (lambda b, s: b.__setitem__("pv_debt", b[E1.value]), "unknown indicator 'pv_debt'"),
        (
            lambda b, s: s[E1.value]["B1"].__setitem__(5, np.inf),
            r"'stress\.pv_ext_debt_to_gdp_pct\.B1'",
        ),
    ],
)
def test_bad_paths_name_the_field(mutate: Any, message: str) -> None:
    base = {k: v.copy() for k, v in quiet().items()}
    stress = {E1.value: {"B1": share(0.6, E1).copy()}}
    mutate(base, stress)
    with pytest.raises(InputError, match=message):
        rate_risk(base, stress, MEDIUM, YEARS, T0)


def test_window_must_be_covered_and_rate_risk_takes_one_path() -> None:
    with pytest.raises(InputError, match="2025-2035"):
        rate_risk(quiet(), {}, MEDIUM, YEARS, 2025)
    batch = {k: np.stack([v, v]) for k, v in quiet().items()}
    with pytest.raises(InputError, match="mechanical_ratings"):
        rate_risk(batch, {}, MEDIUM, YEARS, T0)


# --------------------------------------------------------------------------- oracle


def oracle(
    base: dict[Indicator, list[float]],
    stress: dict[Indicator, dict[str, list[float]]],
    thr: dict[Indicator, float],
) -> tuple[int, int, int, int, dict[Indicator, str | None]]:
    """The rules again, one path at a time in plain Python (window = the 11 values)."""

    def count(p: list[float], t: float) -> int:
        return sum(1 for v in p if v > t)

    def rank(p: list[float], t: float) -> float:
        after = p[1:]
        n_after = sum(1 for v in after if v > t)
        if n_after == 1 and not p[0] > t:
            return sorted(after)[-2]
        return max(after)

    mx: dict[Indicator, str | None] = {}
    base_flag: dict[Indicator, bool] = {}
    shock_flag: dict[Indicator, bool] = {}
    for ind in INDICATORS:
        t = thr[ind]
        base_flag[ind] = count(base[ind], t) >= 2
        best, best_rank = None, -float("inf")
        order = ["B1", "B2", "B2.1", "B3", "B4", "B5", "B6", "B6.1", "C1", "C2", "C3", "C4", "A2"]
        for code in order:
            if code in stress.get(ind, {}):
                r = rank(stress[ind][code], t)
                if r > best_rank:
                    best, best_rank = code, r
        mx[ind] = best
        shock_flag[ind] = best is not None and count(stress[ind][best], t) >= 2
    ext = (
        3
        if any(base_flag[i] for i in EXTERNAL_INDICATORS)
        else (2 if any(shock_flag[i] for i in EXTERNAL_INDICATORS) else 1)
    )
    fis = 3 if base_flag[P1] else (2 if shock_flag[P1] else 1)
    space = 0
    if ext == 2:
        heads = {i: (thr[i] - max(base[i])) / thr[i] for i in EXTERNAL_INDICATORS}
        lim = {E1: 0.20, E2: 0.20, E3: 0.12, E4: 0.12}
        sub = {E1: 0.40, E2: 0.40, E3: 0.35, E4: 0.35}
        if any(heads[i] < lim[i] for i in heads):
            space = 1
        elif all(heads[i] >= sub[i] for i in heads):
            space = 3
        else:
            space = 2
    return ext, fis, max(ext, fis), space, mx


def random_batch(
    rng: np.random.Generator, n: int
) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """Paths around the thresholds, some with spikes, random candidate sets."""
    codes = [t.value for t in MOST_EXTREME_ORDER if rng.random() < 0.6] + ["A1"]
    base = {}
    stress: dict[str, dict[str, np.ndarray]] = {}
    level = rng.uniform(0.2, 0.95, (n, 1))  # per path, so that all ratings occur
    for ind in INDICATORS:
        m = level * rng.uniform(0.7, 1.1, (n, YEARS.size))
        m[rng.random((n, YEARS.size)) < 0.02] = 1.6
        base[ind.value] = m * MEDIUM[ind]
        stress[ind.value] = {}
        for c in codes:
            s = m + rng.uniform(0.0, 0.3, (n, YEARS.size))
            s[:, 0] = m[:, 0]
            s[rng.random((n, YEARS.size)) < 0.03] *= 1.8
            stress[ind.value][c] = np.round(s, 1) * MEDIUM[ind]  # rounding makes ties
    return base, stress, codes


def test_vectorized_rating_agrees_with_the_per_path_oracle() -> None:
    rng = np.random.default_rng(20240601)
    checked = {1: 0, 2: 0, 3: 0}
    spaces = {0: 0, 1: 0, 2: 0, 3: 0}
    for _ in range(6):
        n = 400
        base, stress, _ = random_batch(rng, n)
        got = mechanical_ratings(base, stress, MEDIUM, YEARS, T0)
        mx = {
            ind: most_extreme_shock(stress[ind.value], MEDIUM[ind], YEARS, T0) for ind in INDICATORS
        }
        thr = {i: MEDIUM[i.value] for i in INDICATORS}
        for k in range(n):
            b = {i: base[i.value][k].tolist() for i in INDICATORS}
            s = {i: {c: p[k].tolist() for c, p in stress[i.value].items()} for i in INDICATORS}
            ext, fis, ovr, space, names = oracle(b, s, thr)
            assert (int(got.external[k]), int(got.fiscal[k]), int(got.overall[k])) == (
                ext,
                fis,
                ovr,
            )
            assert int(got.space[k]) == space
            for ind in INDICATORS:
                m = mx[ind]
                assert (None if m is None else str(m.name[k])) == names[ind]
            checked[ext] += 1
            spaces[space] += 1
    assert min(checked.values()) > 50  # every external rating was exercised
    assert min(spaces.values()) > 10  # and every grade of moderate space


# --------------------------------------------------------------------------- properties

CODES = st.lists(st.sampled_from([t.value for t in MOST_EXTREME_ORDER] + ["A1"]), unique=True)
SHARES = hnp.arrays(np.float64, (6, 5, 11), elements=st.floats(0.0, 2.0, allow_nan=False, width=32))
BUMPS = hnp.arrays(np.float64, (6, 5, 11), elements=st.floats(0.0, 1.0, allow_nan=False, width=32))


def build(shares: np.ndarray, codes: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    base = {ind.value: shares[0, j] * MEDIUM[ind] for j, ind in enumerate(INDICATORS)}
    stress = {
        ind.value: {c: shares[1 + k, j] * MEDIUM[ind] for k, c in enumerate(codes[:5])}
        for j, ind in enumerate(INDICATORS)
    }
    return base, stress


@settings(max_examples=150, deadline=None)
@given(SHARES, BUMPS, CODES)
def test_raising_any_path_never_lowers_the_rating(
    shares: np.ndarray, bumps: np.ndarray, codes: list[str]
) -> None:
    before = mechanical_ratings(*build(shares, codes), MEDIUM, YEARS, T0)
    after = mechanical_ratings(*build(shares + bumps, codes), MEDIUM, YEARS, T0)
    assert int(after.external) >= int(before.external)
    assert int(after.fiscal) >= int(before.fiscal)
    assert int(after.overall) >= int(before.overall)


@settings(max_examples=150, deadline=None)
@given(
    hnp.arrays(np.float64, (6, 5, 11), elements=st.floats(0.0, 1.0, allow_nan=False, width=32)),
    hnp.arrays(np.int64, (6, 5), elements=st.integers(-1, 10)),
    st.floats(1.0001, 5.0),
    CODES,
)
def test_single_year_breaches_alone_never_signal(
    shares: np.ndarray, spike_at: np.ndarray, height: float, codes: list[str]
) -> None:
    s = shares.copy()
    for i in range(6):
        for j in range(5):
            if spike_at[i, j] >= 0:
                s[i, j, spike_at[i, j]] = height  # at most one year above the threshold
    base, stress = build(s, codes)
    r = rate_risk(base, stress, MEDIUM, YEARS, T0)
    assert (r.mechanical_external, r.mechanical_fiscal, r.mechanical_overall) == (Risk.LOW,) * 3
    assert all(not sig.counts for sig in r.signals)


@settings(max_examples=150, deadline=None)
@given(SHARES, CODES)
def test_most_extreme_breaches_iff_some_candidate_breaches(
    shares: np.ndarray, codes: list[str]
) -> None:
    _, stress = build(shares, codes)
    for ind in INDICATORS:
        cands = {c: p for c, p in stress[ind.value].items() if c != "A1"}
        mx = most_extreme_shock(stress[ind.value], MEDIUM[ind], YEARS, T0)
        if mx is None:
            assert not cands
            continue
        any_flag = any(bool(breach_flag(p, MEDIUM[ind])) for p in cands.values())
        assert bool(breach_flag(mx.path, MEDIUM[ind])) == any_flag
