"""One borrower's share of a book run: its country, DSA rating and stochastic distress paths.

Every loan to a borrower reads the same paths (common random numbers). The work of a
borrower depends only on its ISO3 code and the run's settings, never on the book's other
borrowers or on how many workers run: its seed is
``SeedSequence(seed, spawn_key=(code,))`` with ``code`` the ISO3 letters as a number.

A path is **in distress from year y** when the LIC-DSF external debt-service indicators
breach their thresholds as the stochastic module's sustained-breach rule says
(:class:`~debttrap.stochastic.results.DistressRule`: two years running) in ``y`` or any
earlier year of the horizon: once a borrower is in distress, its later debt service to the
book is at risk (distress is not cured within the horizon). The share of paths in
distress in at least one year of the rating window is the simulation's own
``prob_distress``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from debttrap.errors import DataError, InputError
from debttrap.stochastic.kernel import THRESHOLD_OUTPUTS
from debttrap.stochastic.results import DistressRule

__all__ = ["BorrowerPaths", "PackedPaths", "borrower_paths", "borrower_seed", "distress_from"]

BoolArray = NDArray[np.bool_]
FloatArray = NDArray[np.float64]
#: a borrower whose country cannot be built from the bundled data is "not assessed"
NOT_ASSESSED = "not assessed"


@dataclass(frozen=True, slots=True, eq=False)
class BorrowerPaths:
    """What a book needs of one borrower (``distress`` is ``(paths, years)``, or None)."""

    iso3: str
    status: str  # "assessed" or "not assessed: <why>"
    rating: str
    capacity: str
    prob_distress: float
    years: NDArray[np.int64]
    distress: BoolArray | None

    @property
    def assessed(self) -> bool:
        return self.distress is not None

    def packed(self) -> PackedPaths:
        """The same content with the distress indicator packed eight paths-years a byte (what
        crosses a process or network boundary, and what the database stores)."""
        n_paths = 0 if self.distress is None else int(self.distress.shape[0])
        first = int(self.years[0]) if self.years.size else 0
        bits = None if self.distress is None else np.packbits(self.distress.ravel()).tobytes()
        return PackedPaths(self.iso3, self.status, self.rating, self.capacity,
                           self.prob_distress, first, int(self.years.size), n_paths, bits)

    @classmethod
    def unpack(cls, p: PackedPaths) -> BorrowerPaths:
        """The inverse of :meth:`packed` (bit for bit)."""
        distress = None
        years = np.arange(p.first_year, p.first_year + p.n_years, dtype=np.int64)
        if p.bits is not None:
            flat = np.unpackbits(np.frombuffer(p.bits, dtype=np.uint8))
            distress = flat[: p.n_paths * p.n_years].reshape(p.n_paths, p.n_years).astype(bool)
        return cls(p.iso3, p.status, p.rating, p.capacity, p.prob_distress, years, distress)


@dataclass(frozen=True, slots=True)
class PackedPaths:
    """:class:`BorrowerPaths` in a compact, picklable form (see :meth:`BorrowerPaths.packed`)."""

    iso3: str
    status: str
    rating: str
    capacity: str
    prob_distress: float
    first_year: int
    n_years: int
    n_paths: int
    bits: bytes | None


def borrower_seed(seed: int, iso3: str) -> int:
    """The borrower's own seed: a function of the run's seed and the ISO3 code only."""
    code = int.from_bytes(iso3.upper().encode("ascii"), "big")
    state = np.random.SeedSequence(seed, spawn_key=(code,)).generate_state(2, np.uint32)
    return int(state[0]) << 32 | int(state[1])


def distress_from(paths: FloatArray, thresholds_pct: dict[str, float],
                  rule: DistressRule) -> BoolArray:
    """``(paths, years)``: in distress in that year or earlier (see the module docstring).

    ``paths`` is the simulation's ``(paths, years, outputs)`` array.
    """
    cols = [THRESHOLD_OUTPUTS.index(s) for s in rule.service_indicators]
    thr = np.array([thresholds_pct[THRESHOLD_OUTPUTS[c]] for c in cols])
    above: BoolArray = np.asarray((paths[:, :, cols] > thr).any(axis=2))  # (N, Y)
    state: BoolArray = above.copy()
    for lag in range(1, rule.consecutive_years):  # loop over the years of a run
        state[:, lag:] &= above[:, :-lag]
        state[:, :lag] = False
    out: BoolArray = np.logical_or.accumulate(state, axis=1)
    return out


def borrower_paths(iso3: str, *, n_paths: int, seed: int, first_year: int,
                   horizon_years: int = 20) -> BorrowerPaths:
    """Build ``iso3``, rate it, simulate ``n_paths`` paths (a DataError: not assessed)."""
    from debttrap.dsa.run import run_dsa
    from debttrap.opendata import build_country
    from debttrap.stochastic.from_country import inputs_from_country
    from debttrap.stochastic.shocks import ShockModel, calibrate_from_history
    from debttrap.stochastic.simulate import simulate

    code = iso3.upper()
    try:
        built = build_country(code, first_year, horizon_years=horizon_years)
        dsa = run_dsa(built.country)
        inputs = inputs_from_country(built.country)
        cal, _ = calibrate_from_history(code, built.country.t, years=30)
    except (DataError, InputError) as exc:
        reason = str(exc).splitlines()[0]
        return BorrowerPaths(code, f"{NOT_ASSESSED}: {reason}", NOT_ASSESSED, "", float("nan"),
                             np.zeros(0, dtype=np.int64), None)
    rule = DistressRule()
    res = simulate(inputs.inputs, ShockModel(cal), n_paths=n_paths,
                   seed=borrower_seed(seed, code), thresholds_pct=inputs.thresholds_pct,
                   distress=rule, keep_paths=True, country=code)
    assert res.paths is not None
    distress = distress_from(res.paths, dict(inputs.thresholds_pct), rule)
    return BorrowerPaths(
        iso3=code,
        status="assessed",
        rating=str(dsa.rating.overall.value),
        capacity=inputs.capacity,
        prob_distress=float(res.main.prob_distress),
        years=np.asarray(res.years, dtype=np.int64),
        distress=distress,
    )
