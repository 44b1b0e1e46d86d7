"""Composite indicator, capacity classes, CI window and the two-vintage rule.

Evidence: the 2018 Guidance Note's worked example (Table 4), and the 164
published LIC DSAs of the FDL database whose CI tables print the inputs: the
score recomputed from the printed inputs is compared with the printed score and
class. Properties cover the identities (contributions sum to the score,
broadcasting equals element-by-element, classes are monotone in the score).
"""

from __future__ import annotations

import statistics
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from debttrap.dsa.capacity import (
    CI_COEFFICIENTS_2018,
    REMITTANCES_CAP,
    Capacity,
    CapacityState,
    carry_forward,
    ci_window_average,
    ci_window_years,
    classify_capacity,
    classify_vintages,
    composite_indicator,
    composite_indicator_from_series,
    debt_carrying_capacity,
    reclassify,
)
from debttrap.dsa.published import classify_cpia_2013, published_capacity
from debttrap.errors import InputError

FDL = Path(__file__).parents[1] / "reference" / "fdl" / "lic_dsa_debt_carrying_capacity.csv"
CI_INPUT_COLUMNS = [
    "ci_in_cpia_avg",
    "ci_in_real_growth_avg_pct",
    "ci_in_reserves_import_cover_avg_pct",
    "ci_in_reserves_import_cover_sq",
    "ci_in_remittances_gdp_avg_pct",
    "ci_in_world_growth_avg_pct",
]
ORDER = {"weak": 0, "medium": 1, "strong": 2}


@pytest.fixture(scope="module")
def fdl() -> pd.DataFrame:
    # numbers kept as printed (strings) so that their decimals can be counted
    return pd.read_csv(FDL, dtype={c: str for c in [*CI_INPUT_COLUMNS, "ci_score"]})


def _decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def _half_unit(text: str) -> float:
    return 0.5 * 10.0 ** -_decimals(text)


# --------------------------------------------------------------------------- GN Table 4


def test_guidance_note_table4_worked_example() -> None:
    # IMF & World Bank (2018), Guidance Note on the LIC-DSF, Table 4: CPIA 3.09,
    # growth 4.81%, remittances 6.71%, reserves 31.76% of imports, world growth
    # 3.53% -> contributions 1.190, 0.131, 0.136, 1.287, -0.402, 0.477; CI 2.818.
    ci = composite_indicator(3.09, 0.0481, 0.0671, 0.3176, 0.0353)
    contributions = ci.contributions()
    expected = {
        "cpia": 1.190,
        "real_growth": 0.131,
        "remittances": 0.136,
        "reserves": 1.287,
        "reserves_squared": -0.402,
        "world_growth": 0.477,
    }
    for name, value in expected.items():
        assert round(float(contributions[name]), 3) == value, name
    assert round(float(ci.score), 3) == 2.818
    assert ci.classification is Capacity.MEDIUM
    d = ci.to_dict()
    assert d["classification"] == "medium"
    assert d["inputs"]["reserves_import_cover_avg_pct"] == pytest.approx(31.76)
    assert round(d["ci_score"], 3) == 2.818


def test_coefficients_are_the_2018_weights() -> None:
    # GN 2018 Table 4 weights; non-CPIA weights act on decimals.
    k = CI_COEFFICIENTS_2018
    assert (k.cpia, k.real_growth, k.remittances, k.reserves, k.reserves_squared) == (
        0.385,
        2.719,
        2.022,
        4.052,
        -3.990,
    )
    assert k.world_growth == 13.520


def test_cutoffs_weak_medium_strong() -> None:
    # GN 2018: weak if CI < 2.69, medium 2.69 <= CI <= 3.05, strong if CI > 3.05.
    assert classify_capacity(2.6899) is Capacity.WEAK
    assert classify_capacity(2.69) is Capacity.MEDIUM
    assert classify_capacity(3.05) is Capacity.MEDIUM
    assert classify_capacity(3.0501) is Capacity.STRONG
    arr = classify_capacity(np.array([[2.0, 2.9], [3.1, 2.69]]))
    assert arr.tolist() == [["weak", "medium"], ["strong", "medium"]]


# --------------------------------------------------------------------------- FDL: published DSAs


def _recompute(rows: pd.DataFrame) -> np.ndarray:
    f = {c: rows[c].astype(float).to_numpy() for c in CI_INPUT_COLUMNS}
    ci = composite_indicator(
        f["ci_in_cpia_avg"],
        f["ci_in_real_growth_avg_pct"] / 100,
        f["ci_in_remittances_gdp_avg_pct"] / 100,
        f["ci_in_reserves_import_cover_avg_pct"] / 100,
        f["ci_in_world_growth_avg_pct"] / 100,
    )
    return np.asarray(ci.score)


def _rounding_bound(row: pd.Series) -> float:
    """How far the CI can move when each printed input and the score are rounded."""
    k = CI_COEFFICIENTS_2018
    res = float(row["ci_in_reserves_import_cover_avg_pct"]) / 100
    slope_res = abs(k.reserves + 2 * k.reserves_squared * res)
    return (
        k.cpia * _half_unit(row["ci_in_cpia_avg"])
        + k.real_growth * _half_unit(row["ci_in_real_growth_avg_pct"]) / 100
        + k.remittances * _half_unit(row["ci_in_remittances_gdp_avg_pct"]) / 100
        + slope_res * _half_unit(row["ci_in_reserves_import_cover_avg_pct"]) / 100
        + k.world_growth * _half_unit(row["ci_in_world_growth_avg_pct"]) / 100
        + 0.5 * 10.0 ** -max(_decimals(row["ci_score"]), 2)  # DSAs print 2 decimals or more
    )


# Misses of the 0.01 test, each explained in docs/dsa-rating.md.
INPUTS_PRINTED_TO_ONE_DECIMAL = {"KEN_2021_03", "TGO_2019_10", "TGO_2020_03", "UZB_2022_07"}
TRANSCRIPTION_MISS = "MRT_2018_11"
UNEXPLAINED_MISS = "COG_2023_12"


def test_fdl_printed_scores_reproduced_from_printed_inputs(fdl: pd.DataFrame) -> None:
    rows = fdl.dropna(subset=CI_INPUT_COLUMNS).copy()
    assert len(rows) == 164
    assert set(rows["framework"]) == {"LIC-DSF 2017/2018 (CI-based)"}
    err = _recompute(rows) - rows["ci_score"].astype(float).to_numpy()
    rows["err"] = err
    hits = rows[np.abs(err) <= 0.01]
    misses = set(rows.loc[np.abs(err) > 0.01, "dsa_id"])
    # 158 of 164 (96.3%) within 0.01 of the printed score; median error 0.003
    assert len(hits) == 158
    assert float(np.median(np.abs(err))) < 0.003
    assert misses == INPUTS_PRINTED_TO_ONE_DECIMAL | {TRANSCRIPTION_MISS, UNEXPLAINED_MISS}

    by_id = rows.set_index("dsa_id")
    # inputs printed to one decimal: the miss is within the rounding of the inputs
    for dsa in INPUTS_PRINTED_TO_ONE_DECIMAL:
        row = by_id.loc[dsa]
        assert _decimals(row["ci_in_world_growth_avg_pct"]) == 1
        assert abs(row["err"]) <= _rounding_bound(row), dsa
    # 160 of 164 are within the rounding of their printed numbers; two exceed it
    # by less than 0.001 (still within 0.01), two are the misses explained apart
    bounds = rows.apply(_rounding_bound, axis=1)
    beyond = rows.loc[rows["err"].abs() > bounds + 1e-12, "dsa_id"]
    assert set(beyond) == {"AFG_2019_12", "SEN_2019_12", TRANSCRIPTION_MISS, UNEXPLAINED_MISS}
    for dsa in ("AFG_2019_12", "SEN_2019_12"):
        assert abs(by_id.loc[dsa, "err"]) - _rounding_bound(by_id.loc[dsa]) < 0.001
    # COG_2023_12: inputs to 3 decimals, printed 2.30, recomputed 2.313 (unexplained)
    assert 0.01 < by_id.loc[UNEXPLAINED_MISS, "err"] < 0.015


def test_fdl_mrt_2018_11_miss_is_the_reserves_input(fdl: pd.DataFrame) -> None:
    # Printed CI 2.89 (medium) but printed inputs give 2.687 (weak). Only the
    # reserves cover (24.0%) is out of line with the country's next DSA
    # (MRT_2019_05 prints 36.2%); with that value the printed score comes back.
    by_id = fdl.set_index("dsa_id")
    row = by_id.loc[TRANSCRIPTION_MISS]
    printed = float(row["ci_score"])
    recomputed = float(_recompute(by_id.loc[[TRANSCRIPTION_MISS]])[0])
    assert recomputed == pytest.approx(2.687, abs=5e-4)
    next_res = float(by_id.loc["MRT_2019_05", "ci_in_reserves_import_cover_avg_pct"]) / 100
    fixed = composite_indicator(
        float(row["ci_in_cpia_avg"]),
        float(row["ci_in_real_growth_avg_pct"]) / 100,
        float(row["ci_in_remittances_gdp_avg_pct"]) / 100,
        next_res,
        float(row["ci_in_world_growth_avg_pct"]) / 100,
    )
    assert abs(float(fixed.score) - printed) < 0.005


def test_fdl_classes_from_recomputed_scores(fdl: pd.DataFrame) -> None:
    rows = fdl.dropna(subset=CI_INPUT_COLUMNS)
    cls = classify_capacity(_recompute(rows))
    published = rows["dcc"].str.lower().to_numpy()
    wrong = set(rows.loc[cls != published, "dsa_id"])
    # 162 of 164 classes reproduced. SLB_2018_10 recomputes to 2.724 (printed
    # 2.72, medium) but kept the previous DSA's class (weak), as the two-vintage
    # rule would after a single medium signal.
    assert wrong == {TRANSCRIPTION_MISS, "SLB_2018_10"}


def _classes_consistent_with_printed(score_text: str) -> set[str]:
    s, h = float(score_text), _half_unit(score_text)
    return {classify_capacity(s - h).value, classify_capacity(s).value, classify_capacity(s + h)}


def test_fdl_classes_from_printed_scores(fdl: pd.DataFrame) -> None:
    rows = fdl[fdl["framework"].str.contains("2018") & fdl["ci_score"].notna()]
    assert len(rows) == 284
    strict = classify_capacity(rows["ci_score"].astype(float).to_numpy())
    published = rows["dcc"].str.lower().to_numpy()
    assert int((strict == published).sum()) == 275  # 96.8%
    # A printed score is rounded: the class may be that of any score that prints
    # the same. That explains BFA_2018_12 (3.05, strong) and STP/TLS at 2.69 (weak).
    rounding_ok = [
        p in _classes_consistent_with_printed(s)
        for s, p in zip(rows["ci_score"], published, strict=True)
    ]
    left = set(rows.loc[~np.array(rounding_ok), "dsa_id"])
    # MWI_2019_11 and SLB_2018_10: the previous class (weak) kept after a single
    # medium signal, as the two-vintage rule does. BTN_2022_07, MLI_2020_04 and
    # SLB_2020_05 contradict a DSA months apart with the same score (source noise).
    assert left == {"BTN_2022_07", "MLI_2020_04", "MWI_2019_11", "SLB_2018_10", "SLB_2020_05"}
    by_id = fdl.set_index("dsa_id")
    for prev, cur in (("MWI_2018_11", "MWI_2019_11"), ("SLB_2018_01", "SLB_2018_10")):
        prior = by_id.loc[prev, "dcc"].lower()
        signal = classify_capacity(float(by_id.loc[cur, "ci_score"]))
        kept = reclassify(prior, None, signal).classification
        assert kept.value == by_id.loc[cur, "dcc"].lower() == prior


def test_fdl_2013_framework_classes_from_cpia(fdl: pd.DataFrame) -> None:
    # 2013 framework: 3-year average CPIA <= 3.25 weak, >= 3.75 strong.
    rows = fdl[fdl["framework"].str.contains("2013") & fdl["cpia_score_3yr"].notna()]
    assert len(rows) == 212
    cls = classify_cpia_2013(rows["cpia_score_3yr"].to_numpy(dtype=float))
    published = rows["dcc"].fillna("").str.lower().to_numpy()
    assert int((cls == published).sum()) == 201
    wrong = set(rows.loc[cls != published, "dsa_id"])
    # KEN_2015_09: no class in the source. The others are single-year-CPIA or
    # transcription cases listed in the dataset's provenance; at the cut-offs
    # (MDV_2016_04 prints 3.25) rounding explains them.
    assert "KEN_2015_09" in wrong
    assert len(wrong) == 11


# --------------------------------------------------------------------------- window


def test_window_is_five_history_five_projection_years() -> None:
    assert ci_window_years(2024) == tuple(range(2019, 2029))
    assert len(ci_window_years(2018)) == 10


def test_window_average_carries_cpia_forward_and_caps_remittances() -> None:
    years = np.arange(2015, 2031)
    cpia = np.full(years.size, np.nan)
    cpia[: 2023 - 2015 + 1] = np.linspace(3.0, 3.4, 2023 - 2015 + 1)  # published to 2023
    got = ci_window_average(cpia, years, 2024, fill_forward=True, field="cpia")
    # 2019-2023 as published, 2024-2028 repeat the 2023 score
    window = [3.0 + 0.05 * (y - 2015) for y in range(2019, 2024)] + [3.4] * 5
    assert float(got) == pytest.approx(statistics.fmean(window))

    rem = np.linspace(0.10, 0.25, years.size)
    capped = ci_window_average(rem, years, 2024, cap=REMITTANCES_CAP)
    expected = statistics.fmean(min(r, REMITTANCES_CAP) for r in rem[4:14])
    assert float(capped) == pytest.approx(expected)


def test_from_series_reproduces_table4_when_window_averages_match() -> None:
    years = np.arange(2014, 2031)
    rng = np.random.default_rng(7)

    def series(mean: float) -> np.ndarray:
        x = mean + rng.normal(0, 0.01, years.size)
        win = (years >= 2019) & (years <= 2028)
        x[win] += mean - x[win].mean()  # window average exactly `mean`
        return x

    cpia = np.full(years.size, np.nan)
    cpia[(years >= 2019) & (years <= 2023)] = 3.09  # carried forward to 2028
    ci = composite_indicator_from_series(
        years,
        cpia=cpia,
        growth=series(0.0481),
        remittances=series(0.0671),
        reserves=series(0.3176),
        world_growth=series(0.0353),
        classification_year=2024,
    )
    assert round(float(ci.score), 3) == 2.818
    # the square is of the average import cover, not an average of squares
    assert float(ci.reserves_squared_contribution) == pytest.approx(-3.990 * 0.3176**2)


def test_from_series_broadcasts_over_countries() -> None:
    years = np.arange(2019, 2029)
    growth = np.array([np.full(10, 0.03), np.full(10, 0.06)])
    ci = composite_indicator_from_series(
        years,
        cpia=np.full(10, 3.2),
        growth=growth,
        remittances=np.full(10, 0.05),
        reserves=np.full(10, 0.3),
        world_growth=np.full(10, 0.03),
        classification_year=2024,
    )
    assert ci.shape == (2,)
    assert float(ci.score[1] - ci.score[0]) == pytest.approx(2.719 * 0.03)
    frame = ci.to_frame(index=["A", "B"])
    assert list(frame.index) == ["A", "B"]
    assert frame["real_growth_avg_pct"].tolist() == pytest.approx([3.0, 6.0])


def test_carry_forward_fills_gaps_only_from_the_left() -> None:
    got = carry_forward(np.array([[np.nan, 3.0, np.nan, 3.5, np.nan]]))
    assert np.isnan(got[0, 0])
    assert got[0, 1:].tolist() == [3.0, 3.0, 3.5, 3.5]


# --------------------------------------------------------------------------- two vintages


def test_two_vintage_rule_guidance_note_example() -> None:
    # GN 2018: medium in October; strong in both the next April and October -> strong.
    start = CapacityState(Capacity.MEDIUM, Capacity.MEDIUM)
    april = start.update("strong")
    assert april.classification is Capacity.MEDIUM  # one signal is not enough
    october = april.update("strong")
    assert october.classification is Capacity.STRONG


def test_two_vintage_rule_needs_consecutive_signals_in_the_same_class() -> None:
    states = classify_vintages(["strong", "medium", "strong", "weak", "strong"], initial="medium")
    assert [s.classification for s in states] == [Capacity.MEDIUM] * 5
    states = classify_vintages(["weak", "weak", "medium", "weak"], initial="medium")
    assert [s.classification.value for s in states] == ["medium", "weak", "weak", "weak"]
    # without an initial class the first signal sets it
    assert classify_vintages(["strong"])[0].classification is Capacity.STRONG
    assert classify_vintages([]) == ()


def test_debt_carrying_capacity_applies_the_rule_to_a_score() -> None:
    first = debt_carrying_capacity(3.10)
    assert (first.signal, first.classification) == (Capacity.STRONG, Capacity.STRONG)
    held = debt_carrying_capacity(3.10, prior_classification="medium", previous_signal="medium")
    assert (held.signal, held.classification) == (Capacity.STRONG, Capacity.MEDIUM)
    moved = debt_carrying_capacity(3.10, prior_classification="medium", previous_signal="strong")
    assert moved.classification is Capacity.STRONG
    given_cls = debt_carrying_capacity(classification="Weak")
    assert given_cls.to_dict()["classification"] == "weak"
    assert given_cls.to_dict()["ci_score"] is None
    ci = composite_indicator(3.09, 0.0481, 0.0671, 0.3176, 0.0353)
    d = debt_carrying_capacity(ci).to_dict()
    assert d["classification"] == "medium" and round(d["ci_score"], 3) == 2.818
    assert set(d["contributions"]) == set(ci.contributions())


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"cpia": 7.0}, "cpia"),
        ({"cpia": float("nan")}, "cpia"),
        ({"growth": 4.81}, "growth"),
        ({"reserves": -0.1}, "reserves"),
        ({"remittances": -0.01}, "remittances"),
    ],
)
def test_bad_ci_inputs_name_the_field(kwargs: dict[str, float], field: str) -> None:
    args = {"cpia": 3.0, "growth": 0.05, "remittances": 0.05, "reserves": 0.3, "world_growth": 0.03}
    args.update(kwargs)
    with pytest.raises(InputError, match=f"'{field}'"):
        composite_indicator(**args)


def test_window_errors_name_the_series() -> None:
    years = np.arange(2020, 2030)
    with pytest.raises(InputError, match=r"'growth'.*2019-2028"):
        ci_window_average(np.zeros(10), years, 2024, field="growth")
    gappy = np.zeros(12)
    gappy[5] = np.nan
    with pytest.raises(InputError, match=r"'reserves'.*\[2022\]"):
        ci_window_average(gappy, np.arange(2017, 2029), 2024, field="reserves")
    with pytest.raises(InputError, match="weak, medium or strong"):
        debt_carrying_capacity(classification="average")
    with pytest.raises(InputError, match="not both"):
        debt_carrying_capacity(2.9, classification="weak")


def test_results_are_immutable() -> None:
    ci = composite_indicator(np.array([3.0, 3.2]), 0.05, 0.05, 0.3, 0.03)
    with pytest.raises(ValueError):
        ci.score[0] = 9.0
    with pytest.raises(AttributeError):
        ci.score = np.zeros(2)  # type: ignore[misc]


# --------------------------------------------------------------------------- properties

finite = {"allow_nan": False, "allow_infinity": False}
cpia_st = st.floats(1.0, 6.0, **finite)
growth_st = st.floats(-0.2, 0.2, **finite)
rem_st = st.floats(0.0, 0.3, **finite)
res_st = st.floats(0.0, 1.5, **finite)
world_st = st.floats(-0.05, 0.06, **finite)


@settings(max_examples=200, deadline=None)
@given(cpia_st, growth_st, rem_st, res_st, world_st)
def test_contributions_sum_to_score(c: float, g: float, r: float, x: float, w: float) -> None:
    ci = composite_indicator(c, g, r, x, w)
    total = sum(float(v) for v in ci.contributions().values())
    assert float(ci.score) == pytest.approx(total, abs=1e-12)
    # the formula written out by hand
    hand = 0.385 * c + 2.719 * g + 2.022 * r + 4.052 * x - 3.990 * x * x + 13.520 * w
    assert float(ci.score) == pytest.approx(hand, abs=1e-12)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.tuples(cpia_st, growth_st, rem_st, res_st, world_st), min_size=1, max_size=12)
)
def test_broadcast_equals_element_by_element(rows: list[tuple[float, ...]]) -> None:
    cols = [np.array(c) for c in zip(*rows, strict=True)]
    batch = composite_indicator(*cols)
    for i, row in enumerate(rows):
        one = composite_indicator(*row)
        assert float(batch.score[i]) == float(one.score)
        assert batch.classification[i] == one.classification.value


@settings(max_examples=200, deadline=None)
@given(st.floats(0.0, 6.0, **finite), st.floats(0.0, 6.0, **finite))
def test_class_is_monotone_in_score(a: float, b: float) -> None:
    lo, hi = sorted((a, b))
    assert ORDER[classify_capacity(lo).value] <= ORDER[classify_capacity(hi).value]


@settings(max_examples=100, deadline=None)
@given(cpia_st, growth_st, rem_st, res_st, world_st, st.floats(0.0, 0.5, **finite))
def test_more_cpia_growth_remittances_or_world_growth_never_lower_ci(
    c: float, g: float, r: float, x: float, w: float, d: float
) -> None:
    base = float(composite_indicator(c, g, r, x, w).score)
    assert float(composite_indicator(min(c + d, 6.0), g, r, x, w).score) >= base
    assert float(composite_indicator(c, g + d / 10, r, x, w).score) >= base
    assert float(composite_indicator(c, g, r + d / 10, x, w).score) >= base
    assert float(composite_indicator(c, g, r, x, w + d / 10).score) >= base


# --------------------------------------------------------------------------- published classes


def test_published_capacity_is_the_latest_dsa_of_the_framework() -> None:
    # Kenya's latest DSA in the FDL database: December 2023, CI 3.01, medium;
    # Zambia's: December 2023, CI 2.57, weak; Kenya's 2013-framework class as of
    # January 2015 comes from its September 2014 DSA (strong).
    ken = published_capacity("ken")
    assert (ken.dsa_id, ken.classification, ken.ci_score) == ("KEN_2023_12", Capacity.MEDIUM, 3.01)
    zmb = published_capacity("ZMB").to_dict()
    assert (zmb["dsa_id"], zmb["classification"], zmb["ci_score"]) == ("ZMB_2023_12", "weak", 2.57)
    old = published_capacity("KEN", as_of=(2015, 1), framework="2013")
    assert (old.dsa_id, old.classification) == ("KEN_2014_09", Capacity.STRONG)
    with pytest.raises(InputError, match=r"'iso3'.*'SYR'"):
        published_capacity("SYR")


def test_published_capacity_agrees_with_the_reference_copy(fdl: pd.DataFrame) -> None:
    rows = fdl[fdl["framework"].str.contains("2018") & fdl["dcc"].notna()]
    latest = rows.sort_values(["pub_year", "pub_month"]).groupby("iso3").tail(1)
    assert len(latest) > 60
    for _, row in latest.iterrows():
        got = published_capacity(row["iso3"])
        assert got.dsa_id == row["dsa_id"]
        assert got.classification.value == row["dcc"].lower()
