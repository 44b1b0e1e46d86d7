"""The stochastic engine's glue: shock calibration and one run per offer on common shocks."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np

from debttrap._numeric import read_only_copy
from debttrap.assess.results import StochasticOutlook
from debttrap.country.model import Country
from debttrap.dsa.run import DSAResult


@dataclass(frozen=True, slots=True)
class _Stochastic:
    """The calibrated shock model and how many paths to draw with which seed."""

    model: Any
    window: tuple[int, int]
    n_paths: int
    seed: int


def _simulate(
    country: Country, dsa: DSAResult, n_base_loans: int, n_offer_loans: int, has_overrun: bool,
    st: _Stochastic, label: str,
) -> tuple[StochasticOutlook, StochasticOutlook, StochasticOutlook]:
    """(with the offer, without the offer's loans, with nothing new) on the same shocks.

    ``country.new_loans`` holds the base loans, then the overrun loan (if
    ``has_overrun``), then the offer's ``n_offer_loans`` PPG loans. The offer's
    loans form group 0 and the overrun group 1, so one run gives every variant
    on common random numbers. The inputs build on ``dsa``'s baseline setup and capacity
    (the LIC-DSF run of the same ``country``), which are not made again.
    """
    from debttrap.stochastic.from_country import inputs_from_country
    from debttrap.stochastic.kernel import THRESHOLD_OUTPUTS, SimulationInputs
    from debttrap.stochastic.simulate import simulate

    ci = inputs_from_country(country, setup=dsa.setup, capacity=dsa.capacity)
    lines = ci.inputs.lines
    first_offer = n_base_loans + (1 if has_overrun else 0)
    group = np.where(lines.group >= first_offer, 0,
                     np.where(lines.group >= n_base_loans, 1, -1)).astype(np.int64)
    lines = dataclasses.replace(lines, group=group)
    inputs = SimulationInputs(ci.inputs.macro, lines, ci.inputs.residual)
    names = {0: "offer", 1: "overrun"}
    res = simulate(
        inputs, st.model, n_paths=st.n_paths, seed=st.seed, thresholds_pct=ci.thresholds_pct,
        offer_names=names, country=ci.country,
    )
    window = (int(res.window_years[0]), int(res.window_years[-1]))

    def fan() -> dict[str, dict[str, Any]]:
        """The main variant's quantiles by threshold indicator (read-only arrays)."""
        from debttrap.stochastic.results import QUANTILE_LEVELS

        return {ind: {f"p{round(100 * lev)}": read_only_copy(res.quantiles[k, :, j])
                      for k, lev in enumerate(QUANTILE_LEVELS)}
                for j, ind in enumerate(THRESHOLD_OUTPUTS)}

    def outlook(v: Any, name: str, fan_pct: Any = None) -> StochasticOutlook:
        return StochasticOutlook(
            label=name,
            n_paths=res.n_paths,
            seed=res.seed,
            method=res.method,
            window=window,
            prob_breach_any_pct={k: 100.0 * float(p) for k, p in
                                 zip(THRESHOLD_OUTPUTS, v.prob_breach_any, strict=True)},
            prob_breach_flag_pct={k: 100.0 * float(p) for k, p in
                                  zip(THRESHOLD_OUTPUTS, v.prob_breach_flag, strict=True)},
            prob_external_breach_flag_pct=100.0 * float(v.prob_external_breach_flag),
            prob_distress_pct=100.0 * float(v.prob_distress),
            prob_distress_by_year_pct=read_only_copy(100.0 * np.asarray(v.prob_distress_by_year)),
            years=np.array(res.years, dtype=np.int64),
            distress_rule=res.distress_rule.describe(),
            calibration_window=st.window,
            fan_pct=fan_pct,
        )

    by_name = {v.name: v for v in res.variants}
    main = outlook(res.main, label, fan())
    nothing = outlook(by_name["no_offer"], "No new offer") if "no_offer" in by_name else main
    if n_offer_loans == 0:
        without = main
    elif not has_overrun:
        without = nothing
    else:
        without = outlook(by_name["without_offer"], f"{label}: without its loans")
    return main, without, nothing


#: Calibration window of the shock model: up to this many years before t.
CALIBRATION_YEARS = 30


def stochastic_setup(
    code: str | None, country: Country, n_paths: int, seed: int
) -> tuple[_Stochastic | None, list[str], list[str]]:
    """The calibrated shock model (None where it cannot run), its assumption and notes."""
    from debttrap.datasets import iso3_for_name
    from debttrap.errors import DebtTrapError

    hist_code = code if code is not None else iso3_for_name(country.name)
    if hist_code is None:
        return None, [], [
            f"stochastic: not run (no bundled history for '{country.name}' to calibrate "
            "the shocks; name the country as in the IMF WEO)"
        ]
    try:
        from debttrap.stochastic.shocks import ShockModel, calibrate_from_history

        cal, window = calibrate_from_history(hist_code, country.t, years=CALIBRATION_YEARS)
        model = ShockModel(cal)
    except ImportError:
        return None, [], ["stochastic: not run (the stochastic engine is not installed)"]
    except DebtTrapError as exc:
        return None, [], [f"stochastic: not run ({exc})"]
    st = _Stochastic(model, window, int(n_paths), seed)
    assumptions = [
        f"S1 macro shocks: multivariate normal on {hist_code}'s historical shocks "
        f"{window[0]}-{window[1]} (WEO, PWT where WEO is missing); "
        f"{n_paths} paths, seed {seed}; the same shocks for every offer"
    ]
    notes = []
    if window[1] < country.t - 5:
        notes.append(
            f"stochastic: the shocks are calibrated on {window[0]}-{window[1]}, the "
            f"last years with data; later history (up to {country.t - 1}) is not "
            "in them, so the probabilities may understate today's volatility"
        )
    return st, assumptions, notes
