"""No work repeated: one assessment runs each distinct LIC-DSF once and reuses its setup.

The counts are read by wrapping the engines (every module's reference to them), so a
second run of the same DSA, stress battery or baseline setup anywhere in the chain fails
the test; and an offer's identity does not depend on the order of its loans.
"""

from __future__ import annotations

import collections
import json
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import debttrap.assess
import debttrap.stochastic.from_country  # noqa: F401
from debttrap import cashflows
from debttrap.assess import Assessment, assess, context
from debttrap.dsa import paths, run
from debttrap.io.scenario import Scenario
from debttrap.leverage import evidence

from .conftest import scenario


def _wrap_everywhere(
    monkeypatch: pytest.MonkeyPatch, counts: collections.Counter[str], func: Callable[..., Any]
) -> None:
    """Count calls of ``func`` through any module attribute that names it."""
    name = func.__name__

    def counted(*args: Any, **kwargs: Any) -> Any:
        counts[name] += 1
        return func(*args, **kwargs)

    for module in list(sys.modules.values()):
        if module is None or not getattr(module, "__name__", "").startswith("debttrap"):
            continue
        for attr, value in list(vars(module).items()):
            if value is func:
                monkeypatch.setattr(module, attr, counted)


@pytest.fixture
def counts(monkeypatch: pytest.MonkeyPatch) -> Iterator[collections.Counter[str]]:
    c: collections.Counter[str] = collections.Counter()
    for f in (run.run_dsa, run.build_scenarios, run.country_capacity, paths.baseline_setup,
              paths.debt_paths, cashflows.grant_element, context.offer_context,
              evidence.clause_draws):
        _wrap_everywhere(monkeypatch, c, f)
    yield c


def _distinct_dsa_runs(a: Assessment) -> int:
    """The reference, then per offer: with it where its loans change the country (an offer
    of grants alone leaves it as it is without them), and without its loans where an
    overrun makes that a different country (otherwise the reference is reused)."""
    return 1 + sum(bool(o.loans) + (o.overrun_loan is not None) for o in a.offers)


@pytest.mark.parametrize("stochastic", [False, True])
def test_each_dsa_runs_once(counts: collections.Counter[str], stochastic: bool) -> None:
    # the labelled debt layers are whole extra runs (test_debt_layers_run_once_each)
    s = scenario("syria-2025.toml").model_copy(update={"debt_layers": ()})
    a = assess(s, n_paths=200, stochastic=stochastic, stochastic_paths=50)
    n = _distinct_dsa_runs(a)
    # 3 offers, each with a project whose overrun falls on the budget; offer B is grants
    # alone, so its run with the offer is its run without its loans (done once)
    assert n == 6
    assert counts["run_dsa"] == n
    assert counts["build_scenarios"] == n  # one stress battery per DSA
    assert counts["debt_paths"] == n  # one batched kernel call per DSA
    # the stochastic inputs reuse the DSA's baseline setup and capacity
    assert counts["baseline_setup"] == n
    assert counts["country_capacity"] == n
    if stochastic:
        assert a.reference_stochastic is not None
    # each loan's grant element once by each method (IMF, OECD-DAC); the package's from them
    assert counts["grant_element"] == 2 * sum(len(o.loans) for o in a.offers)


def test_debt_layers_run_once_each(counts: collections.Counter[str]) -> None:
    s = scenario("syria-2025.toml")
    a = assess(s, n_paths=200, stochastic=False)
    assert len(a.debt_layers) == len(s.debt_layers) == 2
    # every layer is one more deterministic assessment with the same distinct DSAs
    assert counts["run_dsa"] == _distinct_dsa_runs(a) * (1 + len(a.debt_layers))
    # an offer's context (loans, grant elements, project Monte Carlo, overrun) does not
    # depend on the existing debt: the layers reuse the main run's
    assert counts["offer_context"] == len(a.offers)
    assert counts["grant_element"] == 2 * sum(len(o.loans) for o in a.offers)
    # nor do the contract profiles drawn for clauses only typical for the lender
    typical = sum(any(e.basis == "typical" for e in o.clause_evidence) for o in a.offers)
    assert typical >= 1
    assert counts["clause_draws"] == typical


def _reversed_loans(s: Scenario) -> Scenario:
    offers = []
    for o in s.offers:
        data = o.model_dump()
        data["loans"] = data["loans"][::-1]
        data["loan_roles"] = [r.model_dump() for r in o.roles][::-1]
        offers.append(type(o).model_validate(data))
    return s.model_copy(update={"offers": tuple(offers)})


def test_offer_identity_does_not_depend_on_loan_order() -> None:
    s = scenario("hambantota-2007.toml")
    assert any(len(o.loans) > 1 for o in s.offers), "the example needs an offer of 2+ loans"
    kw: dict[str, Any] = {"n_paths": 300, "stochastic_paths": 50}
    a = _figures(assess(s, **kw))
    b = _figures(assess(_reversed_loans(s), **kw))
    assert a == b


def _figures(a: Assessment) -> str:
    """The assessment's JSON less what echoes the input as written (the inputs and their
    sources by position); each offer's loans are listed as written, so compared as a set."""
    doc = a.to_dict()
    del doc["inputs"], doc["sources"]
    for offer in doc["offers"]:
        loans = [{k: v for k, v in ln.items() if k != "index"} for ln in offer["loans"]]
        offer["loans"] = sorted(loans, key=lambda ln: json.dumps(ln, sort_keys=True))
    return json.dumps(doc, sort_keys=True, default=str)
