"""Clause profiles and the "How China Lends" frequencies.

Reference: ``tests/reference/how-china-lends/how-china-lends-clauses.csv``, a
byte-for-byte copy of the project's reference table (Gelpern et al. 2021 and
secondary sources, each row naming its source); lending-terms.md line 142:
"simulated Chinese contract draws post-2014 must be 100% confidential; the
benchmark ~ 1%".
"""

from __future__ import annotations

import hashlib
import math
import re
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from debttrap.errors import InputError
from debttrap.leverage.clauses import (
    CLAUSE_LABELS,
    clause_probabilities,
    clause_profile,
    hcl_table,
    sample_clause_profiles,
    typical_clauses,
)
from debttrap.terms.offer import Offer

REF = Path(__file__).resolve().parents[1] / "reference" / "how-china-lends"
CSV = REF / "how-china-lends-clauses.csv"


def test_packaged_table_reproduces_the_reference_csv() -> None:
    ref = pd.read_csv(CSV)
    table = hcl_table()
    assert list(table["clause"]) == list(ref["clause"])
    np.testing.assert_array_equal(
        table["chinese_share"].to_numpy(), ref["chinese_share"].to_numpy()
    )
    np.testing.assert_array_equal(
        table["benchmark_share"].to_numpy(), ref["benchmark_share"].to_numpy()
    )
    assert list(table["source"]) == list(ref["source"].fillna(""))
    # every clause key the profile shows is keyed in the table
    assert set(CLAUSE_LABELS) <= set(table["key"])


def test_provenance_records_the_reference_digest() -> None:
    digest = hashlib.sha256(CSV.read_bytes()).hexdigest()
    prov = resources.files("debttrap").joinpath("data", "how-china-lends", "PROVENANCE.md")
    assert re.search(digest, prov.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("key", "scope", "share"),
    [
        ("borrower_confidentiality", "cdb", 1.00),  # 8 of 8 CDB contracts
        ("borrower_confidentiality", "eximbank", 0.43),
        ("borrower_confidentiality", "chinese_2014_plus", 1.00),  # all 38 contracts 2014+
        ("lender_controlled_account", "chinese", 0.30),
        ("no_paris_club", "chinese", 0.75),  # "nearly three-quarters"
        ("acceleration.policy_change", "chinese", 0.90),  # "over 90%"
        ("acceleration.adverse_action_to_lender_state_entity", "cdb", 0.50),  # 4 of 8 CDB
        ("collateral_physical_asset", "chinese", 0.01),  # 1 of 100
    ],
)
def test_headline_frequencies(key: str, scope: str, share: float) -> None:
    t = hcl_table()
    row = t[(t["key"] == key) & (t["scope"] == scope)]
    assert float(row["chinese_share"].iloc[0]) == share


def test_benchmark_confidentiality_is_two_of_142() -> None:
    t = hcl_table()
    row = t[(t["key"] == "borrower_confidentiality") & (t["scope"] == "benchmark")]
    assert float(row["benchmark_share"].iloc[0]) == pytest.approx(2 / 142, abs=5e-4)


@pytest.mark.parametrize("lender", ["cdb", "eximbank", "chinese"])
@pytest.mark.parametrize("year", [2014, 2018, 2026])
def test_post_2014_chinese_profiles_are_all_confidential(lender: str, year: int) -> None:
    draws = sample_clause_profiles(lender, year, 5_000, seed=year)
    assert draws["borrower_confidentiality"].all()


def test_cdb_profiles_are_confidential_before_2014_too() -> None:
    assert sample_clause_profiles("cdb", 2010, 2_000, seed=1)["borrower_confidentiality"].all()


@pytest.mark.parametrize(("lender", "p"), [("benchmark", 2 / 142), ("eximbank", 0.43)])
def test_confidentiality_prevalence_within_binomial_error(lender: str, p: float) -> None:
    n = 40_000
    share = sample_clause_profiles(lender, 2010, n, seed=3)["borrower_confidentiality"].mean()
    assert abs(share - round(p, 3)) < 4 * math.sqrt(p * (1 - p) / n)


def test_draws_match_every_published_share() -> None:
    n = 40_000
    probs = clause_probabilities("cdb", 2016)
    draws = sample_clause_profiles("cdb", 2016, n, seed=9)
    for key, p in probs.items():
        assert abs(draws[key].mean() - p) < 4 * math.sqrt(max(p * (1 - p), 1e-4) / n) + 1e-12, key
    # all project revenue routed only inside account contracts (share 70% of them)
    inside = draws[draws["lender_controlled_account"]]
    assert not draws.loc[~draws["lender_controlled_account"], "account_all_project_revenue"].any()
    assert abs(inside["account_all_project_revenue"].mean() - 0.70) < 0.02


def test_same_seed_same_draws() -> None:
    a = sample_clause_profiles("eximbank", 2012, 500, seed=5)
    b = sample_clause_profiles("eximbank", 2012, 500, seed=np.random.default_rng(5))
    pd.testing.assert_frame_equal(a, b)


def test_typical_cdb_profile_after_2014() -> None:
    c = typical_clauses("cdb", 2016)
    assert c.borrower_confidentiality and c.no_paris_club
    assert c.acceleration.policy_change and c.acceleration.adverse_action_to_lender_state_entity
    assert not c.lender_controlled_account and c.collateral_assets_usd_m == 0
    bench = typical_clauses("benchmark", 2016)
    assert bench == type(bench)()  # nothing is typical of the benchmark


def test_unknown_lender_kind_is_an_input_error() -> None:
    with pytest.raises(InputError, match="unknown lender kind 'aiib'"):
        clause_probabilities("aiib", 2020)
    with pytest.raises(InputError, match="positive integer"):
        sample_clause_profiles("cdb", 2020, 0, seed=1)


def test_offer_profile_beside_the_study() -> None:
    lender = {"name": "CDB", "type": "bilateral_other"}
    common = {"signing_year": 2016, "rate_pct": 4.0, "grace_years": 2, "maturity_years": 10}
    offer = Offer.model_validate(
        {
            "name": "o",
            "lender": lender,
            "loans": [
                {"amount_m": 300.0, **common,
                 "clauses": {"no_paris_club": True, "governing_law": "PRC",
                             "lender_controlled_account": True,
                             "account_revenue_share_pct": 100.0}},
                {"amount_m": 100.0, **common},
            ],
        }
    )
    f = clause_profile(offer).to_frame()
    assert f.loc["no_paris_club", "loans_with_clause"] == 1
    assert f.loc["no_paris_club", "share_of_amount_pct"] == pytest.approx(75.0)
    assert f.loc["no_paris_club", "hcl_chinese_pct"] == pytest.approx(75.0)
    assert f.loc["account_all_project_revenue", "hcl_chinese_pct"] == pytest.approx(21.0)
    assert f.loc["borrower_confidentiality", "hcl_benchmark_pct"] == pytest.approx(1.4)
    assert f.loc["governing_law_prc", "loans_with_clause"] == 1
    assert f.loc["stabilization", "loans_with_clause"] == 0
    assert set(clause_profile(offer).present()) == {
        "no_paris_club", "governing_law_prc", "lender_controlled_account",
        "account_all_project_revenue",
    }
