"""The orchestrator: the country once, the reference once, each offer once, then the verdicts."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from debttrap.assess.assumptions import (
    chain_assumptions,
    creditor_assumptions,
    reserves_assumption,
    window_assumption,
)
from debttrap.assess.booking import double_count_notes, with_contingent_c1
from debttrap.assess.context import (
    OfferContext,
    RunOnce,
    _income_group,
    _indicator_changes,
    _outlook,
    _size_pct_gdp,
    project_revenue,
)
from debttrap.assess.creditors import (
    _CROSS_DEFAULT_GROUPS,
    _creditor_tables,
    _lender_column,
    _loan_book,
    _unscheduled_columns,
)
from debttrap.assess.dependence import AssumptionEffect, verdict_dependence
from debttrap.assess.ex_ante import RULE, ex_ante_country
from debttrap.assess.judgement import judge_with_evidence
from debttrap.assess.labels import _by_year
from debttrap.assess.results import (
    Assessment,
    DebtLayerResult,
    DebtOutlook,
    OfferAssessment,
    StochasticOutlook,
)
from debttrap.assess.stochastic import _simulate, _Stochastic, stochastic_setup
from debttrap.country.derived import derive
from debttrap.country.model import Country
from debttrap.dsa.indicators import INDICATORS
from debttrap.errors import InputError
from debttrap.leverage.exposure import Exposure, creditor_exposures
from debttrap.leverage.verdict import (
    VerdictInputs,
    verdict_inputs,
)
from debttrap.terms.offer import Offer

#: Macro paths drawn by default: enough for probabilities to about +/- 1 point, fast enough
#: for a demo (the stochastic engine handles 10,000 paths in about a second).
DEFAULT_STOCHASTIC_PATHS = 2000



@dataclass(frozen=True, slots=True, eq=False)
class _Setting:
    """The country and everything the offers share: creditor tables, macro in US$, inputs."""

    country: Country
    code: str | None
    income_group: str
    debt: pd.DataFrame
    service: pd.DataFrame
    unscheduled: list[str]
    cross_default: list[str]
    years: np.ndarray
    revenue_usd_m: pd.Series
    exports_usd_m: pd.Series
    reserves_usd_m: pd.Series | None
    derived: Any
    reference: DebtOutlook
    window: tuple[int, int]
    seed: int
    n_paths: int
    include_overrun: bool
    stochastic: _Stochastic | None


def _check(seed: int, n_paths: int, stochastic: bool, stochastic_paths: int) -> None:
    if seed < 0:
        raise InputError("must be a whole number >= 0", field="seed")
    if n_paths < 1:
        raise InputError("must be a whole number >= 1", field="n_paths")
    if stochastic and stochastic_paths < 1:
        raise InputError("must be a whole number >= 1", field="stochastic_paths")


def _country(
    scenario: Any, sources: dict[str, str], assumptions: list[str]
) -> tuple[Country, str | None]:
    """The scenario's country (built from the bundled data for an ISO3 code) and that code."""
    settings = scenario.settings
    if isinstance(scenario.country, str):
        code = scenario.country.upper()
        # the builder (and its tables) only for a country given by its ISO3 code
        from debttrap.opendata import DEFAULT_FIRST_YEAR, build_country
        from debttrap.opendata.amortization import DSSI_RELEASE_YEAR

        t = settings.first_projection_year or DEFAULT_FIRST_YEAR
        ex_ante = scenario.is_ex_ante
        built = build_country(code, t, horizon_years=settings.horizon_years, ex_ante=ex_ante)
        sources.update({f"country.{k}": v for k, v in built.sources.items()})
        assumptions.extend(built.assumptions)
        if ex_ante:
            sources["country.ex_ante"] = (
                f"built from the bundled data up to {t - 1} only; later years are projections "
                "by the stated rules OD1a, OD1b and "
                + ("OD7b" if t - 1 >= DSSI_RELEASE_YEAR else "OD7a")
                + " (docs/data.md)"
            )
        return built.country, code
    if scenario.country_file:
        sources["country"] = f"country file {scenario.country_file}"
    if scenario.is_ex_ante:
        from debttrap.datasets.macro import world_growth_pct

        wg = world_growth_pct()
        world = {int(y): float(v) for y, v in zip(wg.index.tolist(), wg.to_numpy(), strict=True)}
        country, notes = ex_ante_country(scenario.country, world)
        t = country.t
        assumptions.append(
            f"X1 {RULE} (decision year {t - 1}); what it does: later shocks (realised "
            "growth, prices, COVID) are not in the case, the trend of the five years before "
            "the decision is" + ("; " + "; ".join(notes) if notes else ""))
        sources["country.ex_ante"] = RULE
        return country, None
    return scenario.country, None


def _macro_usd(
    country: Country, years: np.ndarray
) -> tuple[Any, pd.Series, pd.Series, pd.Series | None]:
    """(derived series, revenue excl. grants, exports, reserves or None) in US$ m on ``years``."""
    der = derive(country)
    sl = np.searchsorted(der.years, years)
    revenue = pd.Series(
        der.revenue_excl_grants_lcu_m[sl] / der.exchange_rate_avg_lcu_per_usd[sl], index=years
    )
    exports = pd.Series(der.exports_usd_m[sl], index=years)
    reserves: pd.Series | None = None
    pct = country.capacity.reserves_pct_imports
    if pct is not None:
        imports = pd.Series(country.macro.imports_usd_m, dtype=np.float64).reindex(years)
        reserves = imports * pct / 100.0
    return der, revenue, exports, reserves


def _setting(
    scenario: Any, *, seed: int, n_paths: int, stochastic: bool, stochastic_paths: int,
    include_overrun: bool, income_group: str | None,
    sources: dict[str, str], assumptions: list[str], notes: list[str],
) -> _Setting:
    """Everything the offers share, built once; fills ``sources``, ``assumptions``, ``notes``."""
    country, code = _country(scenario, sources, assumptions)
    sources.update(scenario.provenance())
    if income_group is None:
        income_group, ig_source = _income_group(code)
    else:
        ig_source = "given by the user"
    sources["income_group"] = ig_source
    debt, service = _creditor_tables(country)
    unscheduled = _unscheduled_columns(country, debt)
    assumptions.extend(creditor_assumptions(bool(unscheduled)))
    years = debt.index.to_numpy(dtype=np.int64)
    der, revenue, exports, reserves = _macro_usd(country, years)
    assumptions.append(reserves_assumption(country.capacity.reserves_pct_imports))
    cross = [g for g in _CROSS_DEFAULT_GROUPS if g in debt.columns
             and float(debt[g].sum()) > 0]
    assumptions.extend(chain_assumptions(cross, include_overrun))
    reference = _outlook("No new offer (reference)", country)
    window = (min(reference.window_years), max(reference.window_years))
    assumptions.append(window_assumption(window, country.last_year))
    st: _Stochastic | None = None
    if stochastic:
        st, s_assumptions, s_notes = stochastic_setup(code, country, stochastic_paths, seed)
        assumptions.extend(s_assumptions)
        notes.extend(s_notes)
    return _Setting(
        country=country, code=code, income_group=income_group, debt=debt, service=service,
        unscheduled=unscheduled, cross_default=cross, years=years, revenue_usd_m=revenue,
        exports_usd_m=exports, reserves_usd_m=reserves, derived=der, reference=reference,
        window=window, seed=seed, n_paths=n_paths, include_overrun=include_overrun,
        stochastic=st,
    )


def _offer_assessment(
    s: _Setting, index: int, written: Offer, ctx: OfferContext, runs: RunOnce
) -> tuple[OfferAssessment, StochasticOutlook | None]:
    """One offer beside the reference; also the no-offer stochastic outlook of its run.

    ``written`` is the offer as the scenario gives it (kept in the result); every figure
    comes from ``ctx`` (its canonical form, computed once).

    Longer than the house limit on purpose: it is the one place where an offer's runs
    (with the offer, without its loans, the stochastic pair) are wired to its exposure and
    verdict, and the two closures share that run's tables; the pieces that stand alone live
    in ``assess.booking`` and ``assess.judgement``.
    """
    offer, overrun, ppg_loans = ctx.offer, ctx.overrun, ctx.ppg_loans
    base_loans = tuple(s.country.new_loans)
    overrun_only = base_loans + ((overrun,) if overrun is not None else ())
    with_offer = s.country.model_copy(update={"new_loans": overrun_only + ppg_loans})
    extra_notes = double_count_notes(offer, s.country.t) if s.code is not None else ()
    if ctx.contingent_loans:
        # a project company's loans the state does not stand behind: the C1 contingent-
        # liability shock of the run with the offer carries them (assess.booking)
        with_offer, c1_note = with_contingent_c1(
            with_offer, _size_pct_gdp(ctx.contingent_loans, s.derived) or 0.0)
        extra_notes += (c1_note,)
    outlook = runs.outlook(offer.name, with_offer)
    # the offer's own effect is measured against the country with the project's overrun
    # (which does not depend on who finances it) but without the offer's loans
    without: DebtOutlook = s.reference
    if overrun is not None:
        without = runs.outlook(
            f"{offer.name}: without its loans",
            s.country.model_copy(update={"new_loans": overrun_only}),
        )
    changes = _indicator_changes(s.reference, without, outlook, overrun is not None)
    added_debt, added_service = _loan_book(overrun, s.years)
    project_rev = project_revenue(offer, s.years)

    def exposures_of(profiles: list[Offer]) -> list[Exposure]:
        # one check of the tables for all profiles (they differ only in their clauses)
        return creditor_exposures(
            profiles,
            _lender_column(s.debt, offer.group),
            _lender_column(s.service, offer.group),
            government_revenue_usd_m=s.revenue_usd_m,
            exports_usd_m=s.exports_usd_m,
            reserves_usd_m=s.reserves_usd_m,
            project_revenue_usd_m=project_rev,
            cross_default_creditors=s.cross_default,
            service_unknown_creditors=s.unscheduled,
            flows=ctx.flows,
            added_debt_usd_m=added_debt,
            added_service_usd_m=added_service,
            window_years=s.window,
        )

    stoch = stoch_without = nothing = None
    if s.stochastic is not None:
        stoch, stoch_without, nothing = _simulate(
            with_offer, outlook.dsa, len(base_loans), len(ppg_loans), overrun is not None,
            s.stochastic, offer.name,
        )

    # the project's figures do not change with the clause draws: summarised once per offer
    economics = ctx.economics_summary

    def inputs_of(x: Exposure) -> VerdictInputs:
        return verdict_inputs(
            offer.name,
            adds_debt=bool(ppg_loans),
            ppg_loans_usd_m=float(sum(ln.amount_m for ln in ppg_loans)),
            rating_before=s.reference.rating_external,
            rating_without_offer=without.rating_external,
            rating_after=outlook.rating_external,
            grant_element_pct=ctx.grant_element_pct,
            indicator_changes=changes,
            prob_distress_pct=None if stoch is None or stoch_without is None
            else (stoch_without.prob_distress_pct, stoch.prob_distress_pct),
            prob_breach_pct=None if stoch is None or stoch_without is None
            else (stoch_without.prob_external_breach_flag_pct,
                  stoch.prob_external_breach_flag_pct),
            exposure=x,
            economics=economics,
            offer_size_pct_gdp=_size_pct_gdp(ppg_loans + ctx.contingent_loans, s.derived),
        )

    verdict, evidence, exposure, exposure_typical = judge_with_evidence(
        offer, s.seed, exposures_of, inputs_of, lambda: runs.clause_draws(offer, s.seed))
    result = OfferAssessment(
        offer=written, index=index, loans=ctx.loans, grant_element_pct=ctx.grant_element_pct,
        grant_element_oecd_dac_pct=ctx.grant_element_oecd_dac_pct,
        pv_debt_service_usd_m=ctx.pv_debt_service_usd_m,
        grant_equivalent_usd_m=ctx.grant_equivalent_usd_m, flows=ctx.flows, outlook=outlook,
        economics=ctx.economics, exposure=exposure, clauses=ctx.clauses, verdict=verdict,
        stochastic=stoch, overrun_loan=overrun, notes=ctx.notes + extra_notes,
        without_offer=None if overrun is None else without, indicator_changes=changes,
        stochastic_without=stoch_without, clause_evidence=evidence,
        depends_on=verdict_dependence(verdict),
        exposure_with_typical=exposure_typical,
    )
    return result, nothing


def _inputs(scenario: Any, s: _Setting) -> dict[str, Any]:
    """The assessment's inputs as JSON: the scenario, the country's macro in US$, the offers."""
    country, years, der = s.country, s.years, s.derived
    sl = np.searchsorted(der.years, years)
    return {
        "scenario": scenario.name,
        "country": s.code if s.code is not None else (scenario.country_file or country.name),
        "first_projection_year": country.t,
        "last_projection_year": country.last_year,
        "income_group": s.income_group,
        "macro_by_year": {
            "nominal_gdp_usd_m": _by_year(years, der.nominal_gdp_usd_m[sl]),
            "exports_usd_m": _by_year(years, s.exports_usd_m.to_numpy(dtype=np.float64)),
            "revenue_excl_grants_usd_m": _by_year(years, s.revenue_usd_m.to_numpy(np.float64)),
            "reserves_usd_m": None if s.reserves_usd_m is None
            else _by_year(years, s.reserves_usd_m.to_numpy(dtype=np.float64)),
        },
        "offers": [o.model_dump(mode="json") for o in scenario.offers],
    }


@dataclass(frozen=True, slots=True, eq=False)
class Prepared:
    """What every offer shares — the country built, the reference run, the shock model —
    made once by :func:`prepare` and reused by :func:`assess` (``prepared=``) for any
    offers on the same country and settings (the workbench recomputes one offer this way).
    """

    setting: _Setting
    sources: tuple[tuple[str, str], ...]  # the country's and the settings', not the offers'
    assumptions: tuple[str, ...]
    notes: tuple[str, ...]
    options: tuple[Any, ...]  # (seed, n_paths, stochastic, paths, overrun, income group)


def _options(scenario: Any, seed: int | None, n_paths: int | None, stochastic: bool,
             stochastic_paths: int, include_overrun: bool,
             income_group: str | None) -> tuple[Any, ...]:
    settings = scenario.settings
    seed_ = int(settings.seed if seed is None else seed)
    n_paths_ = int(settings.n_paths if n_paths is None else n_paths)
    _check(seed_, n_paths_, stochastic, stochastic_paths)
    return (seed_, n_paths_, stochastic, int(stochastic_paths), include_overrun, income_group)


def prepare(
    scenario: Any,
    *,
    seed: int | None = None,
    n_paths: int | None = None,
    stochastic: bool = True,
    stochastic_paths: int = DEFAULT_STOCHASTIC_PATHS,
    include_overrun: bool = True,
    income_group: str | None = None,
) -> Prepared:
    """Build what :func:`assess` shares across offers, for ``scenario``'s country and
    settings (same keywords as :func:`assess`); its offers are not read."""
    opts = _options(scenario, seed, n_paths, stochastic, stochastic_paths, include_overrun,
                    income_group)
    sources: dict[str, str] = {}
    assumptions: list[str] = []
    notes: list[str] = []
    s = _setting(
        scenario, seed=opts[0], n_paths=opts[1], stochastic=stochastic,
        stochastic_paths=stochastic_paths, include_overrun=include_overrun,
        income_group=income_group, sources=sources, assumptions=assumptions, notes=notes,
    )
    offers = set(scenario.provenance())
    return Prepared(s, tuple((k, v) for k, v in sources.items() if k not in offers),
                    tuple(assumptions), tuple(notes), opts)


def assess(
    scenario: Any,
    *,
    seed: int | None = None,
    n_paths: int | None = None,
    stochastic: bool = True,
    stochastic_paths: int = DEFAULT_STOCHASTIC_PATHS,
    include_overrun: bool = True,
    income_group: str | None = None,
    prepared: Prepared | None = None,
) -> Assessment:
    """Run the chain for every offer of ``scenario`` beside the no-offer reference.

    ``scenario`` is a :class:`debttrap.assess.scenario.Scenario` (anything with its
    attributes: ``name``, ``country``, ``settings``, ``offers``, ``provenance()``).
    ``seed`` and ``n_paths`` (project Monte Carlo paths) default to the
    scenario's settings; ``stochastic_paths`` macro paths are drawn when
    ``stochastic`` is on and the country comes from the bundled data (its
    history calibrates the shocks). ``include_overrun`` adds the expected
    overrun that falls on the budget to the debt path. ``income_group``
    (``ldc``, ``lic``, ``lmic``, ``umic``) sets the OECD-DAC discount rate;
    default: the bundled classification of the country. ``prepared``: the shared part
    made by :func:`prepare` for the same country and the same keywords (it is not
    built again).
    """
    return _assess(scenario, seed=seed, n_paths=n_paths, stochastic=stochastic,
                   stochastic_paths=stochastic_paths, include_overrun=include_overrun,
                   income_group=income_group, prepared=prepared, runs=RunOnce())


def _assess(
    scenario: Any, *, seed: int | None, n_paths: int | None, stochastic: bool,
    stochastic_paths: int, include_overrun: bool, income_group: str | None,
    prepared: Prepared | None, runs: RunOnce,
) -> Assessment:
    """:func:`assess`, reading and filling ``runs`` (shared with its debt layers' runs)."""
    if prepared is None:
        prepared = prepare(scenario, seed=seed, n_paths=n_paths, stochastic=stochastic,
                           stochastic_paths=stochastic_paths, include_overrun=include_overrun,
                           income_group=income_group)
    elif prepared.options != _options(scenario, seed, n_paths, stochastic, stochastic_paths,
                                      include_overrun, income_group):
        raise InputError("was made with other settings than this assessment's",
                         field="prepared")
    seed_, n_paths_ = prepared.options[0], prepared.options[1]
    s = prepared.setting
    runs.remember(s.country, s.reference)
    # the order _setting gives: the country's, the scenario's, then the income group's
    sources = {k: v for k, v in prepared.sources if k != "income_group"}
    sources.update(scenario.provenance())
    sources.update((k, v) for k, v in prepared.sources if k == "income_group")
    assumptions = list(prepared.assumptions)
    notes = list(prepared.notes)
    ref_stoch: StochasticOutlook | None = None
    results: list[OfferAssessment] = []
    for i, offer in enumerate(scenario.offers):
        ctx = runs.context(offer, s.years, income_group=s.income_group, seed=seed_,
                           n_paths=n_paths_, include_overrun=include_overrun)
        result, nothing = _offer_assessment(s, i, offer, ctx, runs)
        results.append(result)
        if ref_stoch is None and nothing is not None:
            ref_stoch = nothing
    if s.stochastic is not None and ref_stoch is None:
        ref_stoch, _, _ = _simulate(
            s.country, s.reference.dsa, len(s.country.new_loans), 0, False, s.stochastic,
            "No new offer",
        )
    layers = _debt_layers(scenario, s, seed_, n_paths_, include_overrun, income_group, runs)
    if layers:
        last = layers[-1]
        results = [dataclasses.replace(r, depends_on=(*r.depends_on, AssumptionEffect(
            f"only the documented existing debt is counted (the larger claims are labelled "
            f"layers; with all of them, US$ {last.existing_stock_usd_m:,.0f} m)", (),
            last.verdicts[r.name], r.verdict.trap_risk.value))) for r in results]
    return Assessment(
        scenario_name=scenario.name,
        description=getattr(scenario, "description", ""),
        country=s.country,
        reference=s.reference,
        reference_stochastic=ref_stoch,
        offers=tuple(results),
        creditor_debt_usd_m=s.debt,
        creditor_service_usd_m=s.service,
        settings={
            "seed": seed_,
            "n_paths": n_paths_,
            "stochastic": s.stochastic is not None,
            "stochastic_paths": int(stochastic_paths) if s.stochastic is not None else 0,
            "include_overrun": include_overrun,
            "income_group": s.income_group,
        },
        inputs=_inputs(scenario, s),
        sources=sources,
        assumptions=tuple(assumptions),
        notes=tuple(notes),
        service_unknown=tuple(s.unscheduled),
        debt_layers=layers,
    )


def _debt_layers(
    scenario: Any, s: _Setting, seed: int, n_paths: int, include_overrun: bool,
    income_group: str | None, runs: RunOnce,
) -> tuple[DebtLayerResult, ...]:
    """Each labelled alternative layer of existing debt, cumulative, run deterministically
    (each offer's context is the main run's: ``runs``)."""
    layers = tuple(getattr(scenario, "debt_layers", ()) or ())
    out: list[DebtLayerResult] = []
    ext = s.country.external_debt
    lines, stock = tuple(ext.existing_lines), float(ext.ppg_mlt_outstanding_usd_m)
    for layer in layers:
        lines += tuple(layer.lines)
        stock += layer.stock_usd_m
        country = s.country.model_copy(update={"external_debt": ext.model_copy(update={
            "existing_lines": lines, "ppg_mlt_outstanding_usd_m": stock})})
        variant = scenario.model_copy(update={"country": country, "debt_layers": ()})
        a = _assess(variant, seed=seed, n_paths=n_paths, stochastic=False,
                    stochastic_paths=DEFAULT_STOCHASTIC_PATHS, include_overrun=include_overrun,
                    income_group=income_group if income_group is not None else s.income_group,
                    prepared=None, runs=runs)
        out.append(DebtLayerResult(
            name=layer.name, source=layer.source, added_stock_usd_m=layer.stock_usd_m,
            existing_stock_usd_m=stock, rating_before=a.reference.rating_external,
            verdicts={o.name: o.verdict.trap_risk.value for o in a.offers},
            ratings_after={o.name: o.rating_after for o in a.offers},
            reasons={o.name: tuple(c.rule for c in o.verdict.reasons) for o in a.offers},
            reference_peak_pct={
                ind.value: a.reference.indicator_summary(ind.value)["baseline_peak_pct"]
                for ind in INDICATORS},
        ))
    return tuple(out)

