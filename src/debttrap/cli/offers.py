"""``debttrap offers``: each offer of a scenario — financing, project economics, clauses.

What can be said about an offer without the country's DSA: its grant element, what
its project costs and whether it pays for itself, its clauses beside "How China
Lends", and the absolute levers (amount due at once on acceleration, debt kept out
of collective restructuring, pledged revenue, collateral). Shares of the country's
debt and the trap-risk verdict need the country and come with the assessment.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import numpy as np
import pandas as pd
import typer

from debttrap.cashflows import grant_element
from debttrap.cli import app
from debttrap.cli._common import console, print_json, project_paths_bytes
from debttrap.cli._table import TableSpec, print_table
from debttrap.errors import InputError
from debttrap.io.scenario import check_n_paths, load_scenario
from debttrap.leverage.clauses import CLAUSE_LABELS, clause_profile
from debttrap.leverage.evidence import documented_offer
from debttrap.leverage.exposure import creditor_exposure
from debttrap.leverage.flows import offer_flows, package_grant_element_pct
from debttrap.leverage.project import offer_project_economics
from debttrap.terms.offer import Offer
from debttrap.validation import check_memory


def _offer_levers(offer: Offer) -> dict[str, Any]:
    """Absolute lever figures of an offer (no country yardsticks needed), on the clauses of
    its contracts and standard terms (typical clauses are in the clause table, with their
    probability)."""
    if not offer.loans:
        return {
            "acceleration_peak_usd_m": 0.0,
            "triggers_present": [],
            "keeps_out_of_restructuring": False,
            "no_paris_club_peak_usd_m": 0.0,
            "pledged_revenue_peak_usd_m": 0.0,
            "account_cash_held_peak_usd_m": 0.0,
            "collateral_usd_m": 0.0,
            "lever_clauses": [],
        }
    flows = offer_flows(offer)
    placeholder = pd.DataFrame({"_none": np.zeros(flows.years.size)}, index=flows.years)
    proj_rev = None
    if offer.project is not None:
        proj_rev = pd.Series(offer.project.forecast_revenue_usd_m(flows.years), index=flows.years)
    s = creditor_exposure(
        documented_offer(offer), placeholder, project_revenue_usd_m=proj_rev, flows=flows
    ).summary().to_dict()
    keys = (
        "acceleration_peak_usd_m",
        "triggers_present",
        "keeps_out_of_restructuring",
        "no_paris_club_peak_usd_m",
        "pledged_revenue_peak_usd_m",
        "account_cash_held_peak_usd_m",
        "collateral_usd_m",
        "lever_clauses",
    )
    return {k: s[k] for k in keys}


def _offer_report(offer: Offer, seed: int, n_paths: int) -> dict[str, Any]:
    loans = []
    for ln, role, fx in zip(offer.loans, offer.roles, offer.usd_per_unit(), strict=True):
        loans.append(
            {
                "name": ln.name,
                "creditor": ln.creditor.name,
                "currency": ln.currency,
                "amount_m": ln.amount_m,
                "amount_usd_m": ln.amount_m * float(fx),
                "terms": f"{ln.interest.describe()}, grace {ln.grace_years:g} y, "
                f"maturity {ln.maturity_years:g} y",
                "grant_element_pct": grant_element(ln).grant_element_pct,
                "ppg": role.ppg,
                "serviced_by_project": role.serviced_by_project,
            }
        )
    project: dict[str, Any] | None = None
    project_by_year: dict[str, Any] | None = None
    if offer.project is not None:
        econ = offer_project_economics(offer, seed=seed, n_paths=n_paths)
        project = econ.summary()
        frame = econ.to_frame()
        values = frame.to_numpy(dtype=np.float64)
        project_by_year = {
            str(y): dict(zip(frame.columns, row.tolist(), strict=True))
            for y, row in zip(frame.index.tolist(), values, strict=True)
        }
    profile = clause_profile(offer).to_frame()
    clauses = {
        key: {c: row[c] for c in profile.columns} for key, row in profile.iterrows()
    }
    return {
        "name": offer.name,
        "lender": offer.lender.name,
        "lender_group": offer.group,
        "loans_usd_m": offer.loans_usd_m,
        "grants_usd_m": offer.grants_usd_m,
        "grant_element_pct": package_grant_element_pct(offer),
        "loans": loans,
        "grants": [
            {"donor": g.donor, "total_usd_m": g.total_usd_m, "amounts_usd_m": g.amounts_usd_m}
            for g in offer.grants
        ],
        "conditions": [{"text": c.text, "source": c.source} for c in offer.conditions],
        "project": project,
        "project_by_year": project_by_year,
        "clauses": clauses,
        "levers": _offer_levers(offer),
    }


#: The fields of ``offers --json`` that are null when not defined (docs/reliability.md):
#: a clause share the study does not publish for that lender group; the shares of an offer's
#: loan amount (as written, and probability-weighted) when it has no loans; debt-service cover
#: where the project services no debt (in a year, or over its life). Every other number must
#: be finite.
NULLABLE = (
    "offers[].clauses.*.hcl_*_pct",
    "offers[].clauses.*.share_of_amount_pct",
    "offers[].clauses.*.expected_share_of_amount_pct",
    "offers[].project.dscr_*",
    "offers[].project.prob_self_service_pct",
    "offers[].project.prob_lifetime_cover_pct",
    "offers[].project_by_year.*.dscr_*",
    "offers[].project_by_year.*.prob_dscr_ge_1_pct",
)


def _fmt(x: Any, spec: str = ",.1f") -> str:
    if x is None or (isinstance(x, float) and not np.isfinite(x)):
        return "-"
    return format(x, spec)


@app.command("offers")
def offers_cmd(
    scenario_file: Annotated[Path, typer.Argument(help="Scenario file (.toml or .json).")],
    offer: Annotated[
        str | None, typer.Option("--offer", help="Only the offer with this name.")
    ] = None,
    seed: Annotated[
        int | None, typer.Option(help="Monte Carlo seed (default: the scenario's).")
    ] = None,
    paths: Annotated[
        int | None, typer.Option(help="Monte Carlo paths (default: the scenario's).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Each offer's financing, project economics, clauses and levers (no DSA needed)."""
    if seed is not None and seed < 0:
        raise InputError("must be 0 or more", field="--seed")
    if paths is not None:
        check_n_paths(paths, "--paths")
    scenario = load_scenario(scenario_file)
    use_seed = scenario.settings.seed if seed is None else seed
    n_paths = scenario.settings.n_paths if paths is None else paths
    chosen = [scenario.offer(offer)] if offer is not None else list(scenario.offers)
    check_memory(
        project_paths_bytes(chosen, n_paths, kept=False),
        "--paths" if paths is not None else "settings.n_paths",
        f"the project Monte Carlo with {n_paths:,} paths",
    )
    reports = [_offer_report(o, use_seed, n_paths) for o in chosen]
    if as_json:
        print_json(
            {
                "scenario": scenario.name,
                "country": scenario.country_code
                or getattr(scenario.country, "name", None),
                "seed": use_seed,
                "n_paths": n_paths,
                "units": "US$ millions unless a name says otherwise; percent for _pct",
                "offers": reports,
                "sources": scenario.provenance(),
            },
            nullable=NULLABLE,
        )
        return
    rows: list[tuple[str, list[str]]] = [
        ("Lender", [r["lender"] for r in reports]),
        ("Loans, US$ m", [_fmt(r["loans_usd_m"]) for r in reports]),
        ("Grants, US$ m", [_fmt(r["grants_usd_m"]) for r in reports]),
        ("Grant element (IMF, package), %", [_fmt(r["grant_element_pct"]) for r in reports]),
    ]
    proj_keys = (
        # the names and figures of `debttrap assess` (its side-by-side table)
        ("Project cost P50, US$ m", "cost_p50_usd_m", ",.0f"),
        ("Project cost P90, US$ m", "cost_p90_usd_m", ",.0f"),
        ("Overrun on budget (mean), US$ m", "overrun_borrowed_mean_usd_m", ",.0f"),
        ("Project DSCR, median", "dscr_p50_lifetime", ".2f"),
        ("P(project pays its debt), %", "prob_self_service_pct", ".1f"),
    )
    for label, key, spec in proj_keys:
        rows.append(
            (label, [_fmt(r["project"][key], spec) if r["project"] else "-" for r in reports])
        )
    rows += [
        ("Due at once if accelerated, US$ m",
         [_fmt(r["levers"]["acceleration_peak_usd_m"], ",.0f") for r in reports]),
        ("Kept out of collective restructuring",
         ["yes" if r["levers"]["keeps_out_of_restructuring"] else "no" for r in reports]),
        ("Pledged revenue, peak, US$ m a year",
         [_fmt(r["levers"]["pledged_revenue_peak_usd_m"]) for r in reports]),
        ("Clauses (How China Lends taxonomy)",
         [str(sum(1 for c in r["clauses"].values() if c["loans_with_clause"] > 0))
          for r in reports]),
        ("Conditions", [str(len(r["conditions"])) for r in reports]),
    ]
    table = TableSpec(["", *(r["name"] for r in reports)],
                     [[label, *values] for label, values in rows], f"{scenario.name}: offers")
    print_table(console, table)
    for r in reports:
        present = [k for k, c in r["clauses"].items() if c["loans_with_clause"] > 0]
        if present:
            words = [CLAUSE_LABELS.get(k, k) for k in present]
            console.print(f"[bold]{r['name']}[/bold] clauses: {'; '.join(words)}")
        for c in r["conditions"]:
            console.print(f"[bold]{r['name']}[/bold] condition (not scored): {c['text']}")
    console.print(
        "Shares of the country's debt and the trap-risk verdict need the DSA: see the assessment."
    )
