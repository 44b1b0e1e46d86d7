"""Notebook display: compact HTML views, numbers from summary_frame(), a package help page."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

import debttrap
from debttrap.assess import Assessment, assess
from debttrap.cashflows import schedule
from debttrap.io.scenario import load_scenario

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def zambia() -> Assessment:
    return assess(load_scenario(EXAMPLES / "zambia-2015.toml"), n_paths=300, stochastic=False)


def test_summary_frame_holds_numbers(zambia: Assessment) -> None:
    frame = zambia.summary_frame()
    words = {"Trap risk", "External rating", "Overall rating", "Lever clauses"}
    for measure, row in frame.iterrows():
        for value in row:
            if measure in words:
                assert isinstance(value, str) or pd.isna(value), (measure, value)
            else:
                assert isinstance(value, float), (measure, value)
    offer = zambia.offers[0]
    col = frame[offer.name]
    # the same numbers as the result itself, unformatted
    assert col["Grant element (IMF), %"] == offer.grant_element_pct
    assert col["Loans, US$ m"] == offer.offer.loans_usd_m
    ref = frame["No new offer (reference)"]
    assert math.isnan(ref["Loans, US$ m"]) and pd.isna(ref["Trap risk"])
    # the formatted table for reading stays available
    assert isinstance(zambia.summary_table().iloc[0, 1], str)


def test_assessment_view_is_a_compact_summary(zambia: Assessment) -> None:
    view = zambia._repr_html_()
    assert len(view) < 50_000  # a summary, not the whole result
    assert "<script" not in view
    for o in zambia.offers:
        assert o.name.replace("&", "&amp;") in view
    assert "trap risk" in view and "Largest rise" in view


def test_dsa_schedule_and_country_views(zambia: Assessment) -> None:
    dsa = zambia.reference.dsa._repr_html_()
    assert "LIC-DSF" in dsa and "threshold" in dsa and len(dsa) < 20_000
    loan = load_scenario(EXAMPLES / "zambia-2015.toml").offers[0].loans[0]
    sched = schedule(loan)._repr_html_()
    assert loan.name in sched and len(sched) < 30_000
    # numbers right-aligned, the year column left
    assert "text-align:right" in sched
    country = zambia.country._repr_html_()
    assert "Zambia" in country and str(zambia.country.t) in country


def test_package_help_says_what_and_where_to_start() -> None:
    doc = debttrap.__doc__ or ""
    assert "would this financing offer trap this country" in doc.lower()
    assert "Where to start" in doc and "debttrap assess" in doc and "assess(" in doc
