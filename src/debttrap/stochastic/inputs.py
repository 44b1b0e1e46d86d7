"""What the stochastic path kernel takes: a baseline macro path, the debt lines, and the
terms of the residual financing (:class:`SimulationInputs`), each checked on entry.

Arrays are ``(Y,)`` by projection year, or ``(lines, Y)`` for the debt lines; rates
are decimals. :mod:`debttrap.stochastic.kernel` runs them
(:func:`~debttrap.stochastic.kernel.prepare`, then
:func:`~debttrap.stochastic.kernel.run_paths`), and re-exports these names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from debttrap.cashflows.unit_loan import InstrumentTerms, unit_loan_profiles
from debttrap.errors import InputError

__all__ = ["DebtLines", "MacroPath", "ResidualFinancing", "SimulationInputs"]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]


def _arr(x: object, name: str, shape: tuple[int, ...]) -> FloatArray:
    a = np.asarray(x, dtype=np.float64)
    if a.shape != shape:
        raise InputError(f"expected shape {shape}, got {a.shape}", field=name)
    if not np.all(np.isfinite(a)):
        raise InputError("must be finite", field=name)
    a = a.copy()
    a.setflags(write=False)
    return a


@dataclass(frozen=True, slots=True, eq=False)
class MacroPath:
    """The baseline macro path over ``Y`` projection years (``years[0] = t``).

    Growth rates are decimals; money in millions; ``fx_lcu_per_usd`` is the
    period-average rate; ``*_prev`` are the values of year ``t-1`` (they give
    the baseline depreciation and export growth of year ``t``).
    """

    years: IntArray
    real_growth_dec: FloatArray
    deflator_growth_dec: FloatArray
    gdp_lcu_m: FloatArray
    fx_lcu_per_usd: FloatArray
    fx_prev_lcu_per_usd: float
    exports_usd_m: FloatArray
    exports_prev_usd_m: float
    revenue_ex_grants_lcu_m: FloatArray
    revenue_incl_grants_lcu_m: FloatArray
    primary_balance_lcu_m: FloatArray
    fx_eop_lcu_per_usd: FloatArray

    @classmethod
    def build(
        cls,
        *,
        years: Sequence[int] | IntArray,
        real_growth_dec: Sequence[float] | FloatArray,
        deflator_growth_dec: Sequence[float] | FloatArray,
        gdp_lcu_m: Sequence[float] | FloatArray,
        fx_lcu_per_usd: Sequence[float] | FloatArray,
        fx_prev_lcu_per_usd: float,
        exports_usd_m: Sequence[float] | FloatArray,
        exports_prev_usd_m: float,
        revenue_ex_grants_lcu_m: Sequence[float] | FloatArray,
        primary_balance_lcu_m: Sequence[float] | FloatArray,
        revenue_incl_grants_lcu_m: Sequence[float] | FloatArray | None = None,
        fx_eop_lcu_per_usd: Sequence[float] | FloatArray | None = None,
    ) -> MacroPath:
        """Validate shapes and signs; arrays are copied and made read-only."""
        y = np.asarray(years, dtype=np.int64)
        if y.ndim != 1 or y.size < 1 or np.any(np.diff(y) != 1):
            raise InputError("years must be consecutive calendar years", field="years")
        shape = (int(y.size),)
        y = y.copy()
        y.setflags(write=False)
        gdp = _arr(gdp_lcu_m, "gdp_lcu_m", shape)
        fx = _arr(fx_lcu_per_usd, "fx_lcu_per_usd", shape)
        exp = _arr(exports_usd_m, "exports_usd_m", shape)
        rev = _arr(revenue_ex_grants_lcu_m, "revenue_ex_grants_lcu_m", shape)
        revg = (rev if revenue_incl_grants_lcu_m is None
                else _arr(revenue_incl_grants_lcu_m, "revenue_incl_grants_lcu_m", shape))
        fxe = fx if fx_eop_lcu_per_usd is None else _arr(fx_eop_lcu_per_usd,
                                                          "fx_eop_lcu_per_usd", shape)
        for name, a in (("gdp_lcu_m", gdp), ("fx_lcu_per_usd", fx), ("exports_usd_m", exp),
                        ("fx_eop_lcu_per_usd", fxe),
                        ("revenue_ex_grants_lcu_m", rev), ("revenue_incl_grants_lcu_m", revg)):
            if np.any(a <= 0):
                raise InputError("must be positive in every year", field=name)
        if not (np.isfinite(fx_prev_lcu_per_usd) and fx_prev_lcu_per_usd > 0):
            raise InputError("must be a positive number", field="fx_prev_lcu_per_usd")
        if not (np.isfinite(exports_prev_usd_m) and exports_prev_usd_m > 0):
            raise InputError("must be a positive number", field="exports_prev_usd_m")
        g = _arr(real_growth_dec, "real_growth_dec", shape)
        pi = _arr(deflator_growth_dec, "deflator_growth_dec", shape)
        if np.any(g <= -1) or np.any(pi <= -1):
            raise InputError("growth rates must be above -100%", field="real_growth_dec")
        return cls(
            years=y,
            real_growth_dec=g,
            deflator_growth_dec=pi,
            gdp_lcu_m=gdp,
            fx_lcu_per_usd=fx,
            fx_prev_lcu_per_usd=float(fx_prev_lcu_per_usd),
            exports_usd_m=exp,
            exports_prev_usd_m=float(exports_prev_usd_m),
            revenue_ex_grants_lcu_m=rev,
            revenue_incl_grants_lcu_m=revg,
            primary_balance_lcu_m=_arr(primary_balance_lcu_m, "primary_balance_lcu_m", shape),
            fx_eop_lcu_per_usd=fxe,
        )

    @property
    def n_years(self) -> int:
        return int(self.years.size)


@dataclass(frozen=True, slots=True, eq=False)
class DebtLines:
    """Contractual schedules of ``m`` debt lines over the ``Y`` projection years.

    Each line is in its own currency: US dollars for foreign-currency lines
    (other currencies converted at fixed cross rates by the caller), local
    currency for ``local_currency`` lines. ``pv_end_m`` is the PV at the end of
    each year of the service still to come (the DSA convention); domestic lines
    enter public debt at face, so their PV is not used. ``balance_open_m`` is the
    balance at the end of ``t-1``. ``group`` ties lines to an offer (``-1``: the
    country's debt without any offer).
    """

    names: tuple[str, ...]
    principal_m: FloatArray
    interest_m: FloatArray
    balance_end_m: FloatArray
    pv_end_m: FloatArray
    balance_open_m: FloatArray
    external: BoolArray
    local_currency: BoolArray
    floating: BoolArray
    group: IntArray
    rate_headroom_dec: FloatArray

    @classmethod
    def build(
        cls,
        *,
        principal_m: FloatArray,
        interest_m: FloatArray,
        balance_end_m: FloatArray,
        pv_end_m: FloatArray | None = None,
        balance_open_m: FloatArray | None = None,
        external: Sequence[bool] | BoolArray,
        local_currency: Sequence[bool] | BoolArray,
        floating: Sequence[bool] | BoolArray,
        group: Sequence[int] | IntArray | None = None,
        names: Sequence[str] | None = None,
        rate_headroom_dec: FloatArray | None = None,
    ) -> DebtLines:
        """Validate; ``pv_end_m`` defaults to the face value, ``balance_open_m`` to
        ``balance_end[0] + principal[0]`` (no disbursement in ``t``);
        ``rate_headroom_dec`` (lines x years, >= 0, ``inf`` for no floor; default
        ``inf``) is how far each floating line's baseline rate in year ``y`` is
        above its floor, so a rate shock below ``-headroom`` stops at the floor."""
        p = np.atleast_2d(np.asarray(principal_m, dtype=np.float64))
        shape = p.shape
        m = shape[0]
        p = _arr(p, "principal_m", shape)
        i = _arr(interest_m, "interest_m", shape)
        b = _arr(balance_end_m, "balance_end_m", shape)
        pv = b if pv_end_m is None else _arr(pv_end_m, "pv_end_m", shape)
        bo = (_arr(b[:, 0] + p[:, 0], "balance_open_m", (m,)) if balance_open_m is None
              else _arr(balance_open_m, "balance_open_m", (m,)))

        def flags(x: object, name: str) -> BoolArray:
            a = np.asarray(x, dtype=np.bool_)
            if a.shape != (m,):
                raise InputError(f"expected {m} flags, got shape {a.shape}", field=name)
            a = a.copy()
            a.setflags(write=False)
            return a

        grp = np.full(m, -1, dtype=np.int64) if group is None else np.asarray(group, np.int64)
        if grp.shape != (m,) or np.any(grp < -1):
            raise InputError("group must hold one integer >= -1 per line", field="group")
        grp = grp.copy()
        grp.setflags(write=False)
        if rate_headroom_dec is None:
            head = np.full(shape, np.inf)
        else:
            head = np.array(rate_headroom_dec, dtype=np.float64)
            if head.shape != shape or np.any(np.isnan(head)) or np.any(head < 0):
                raise InputError(f"must be {shape} numbers >= 0 (inf: no floor)",
                                 field="rate_headroom_dec")
        head.setflags(write=False)
        nm = tuple(names) if names is not None else tuple(f"line{k}" for k in range(m))
        if len(nm) != m:
            raise InputError(f"expected {m} names", field="names")
        return cls(
            names=nm,
            principal_m=p,
            interest_m=i,
            balance_end_m=b,
            pv_end_m=pv,
            balance_open_m=bo,
            external=flags(external, "external"),
            local_currency=flags(local_currency, "local_currency"),
            floating=flags(floating, "floating"),
            group=grp,
            rate_headroom_dec=head,
        )

    @property
    def n_lines(self) -> int:
        return int(self.principal_m.shape[0])

    @property
    def groups(self) -> tuple[int, ...]:
        """Offer groups present (excluding -1), sorted."""
        return tuple(sorted(int(g) for g in set(self.group.tolist()) if g >= 0))


@dataclass(frozen=True, slots=True)
class ResidualFinancing:
    """Terms on which an extra financing need (against the baseline) is borrowed.

    ``external_share`` in [0, 1]; rates and the discount rate decimals;
    ``grace_years`` and ``maturity_years`` whole years (linear unit loan);
    ``domestic_rate_dec`` one nominal rate or one per projection year.
    """

    external_share: float
    external_rate_dec: float
    grace_years: int
    maturity_years: int
    domestic_rate_dec: float | tuple[float, ...]
    discount_rate_dec: float = 0.05

    def __post_init__(self) -> None:
        if not 0.0 <= self.external_share <= 1.0:
            raise InputError("must be between 0 and 1", field="external_share")
        if not (0 <= self.grace_years < self.maturity_years):
            raise InputError("need 0 <= grace_years < maturity_years", field="grace_years")
        for name in ("external_rate_dec", "domestic_rate_dec", "discount_rate_dec"):
            v = np.asarray(getattr(self, name), dtype=np.float64)
            if v.ndim > 1 or not (np.all(np.isfinite(v)) and np.all((v > -0.5) & (v < 1.0))):
                raise InputError("must be decimal rates between -0.5 and 1", field=name)

    def unit_profile(self, n_years: int) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Service, balance and PV (capped at face) of 1 borrowed on the external residual
        terms at age 0, for ages ``0 … n_years-1`` (the LIC-DSF unit loan, equal principal
        shares in ``grace+1 … maturity``)."""
        terms = InstrumentTerms(
            "residual financing", self.external_rate_dec, self.grace_years, self.maturity_years
        )
        u = unit_loan_profiles([terms], n_years, self.discount_rate_dec)
        return u.service[0], u.balance[0], u.pv_capped[0]


@dataclass(frozen=True, slots=True)
class SimulationInputs:
    """Everything the kernel needs: macro baseline, debt lines, residual financing terms."""

    macro: MacroPath
    lines: DebtLines
    residual: ResidualFinancing

    def __post_init__(self) -> None:
        if self.lines.principal_m.shape[1] != self.macro.n_years:
            raise InputError(
                f"debt lines cover {self.lines.principal_m.shape[1]} years but the macro path "
                f"{self.macro.n_years}",
                field="lines",
            )
