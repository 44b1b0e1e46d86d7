"""Grant element by the IMF and the OECD-DAC methods.

``GE = 100 * (1 - PV(all debt service incl. fees) / PV(disbursements))``,
present values at signing with factors ``(1 + D) ** -t``.

* IMF (and World Bank) method: ``D = 5%`` (unified discount rate, IMF and
  World Bank Boards, Oct 2013); concessional when ``GE >= 35%``.
* OECD-DAC method (ODA grant-equivalent system from 2018): ``D = 9%`` for
  LDC and LIC borrowers, 7% for LMIC, 6% for UMIC; minimum grant element
  45%, 15% and 10% respectively.

Source: project reference ``lending-terms.md`` §1.2-1.4, citing the IMF
concessionality pages and the OECD ODA definition.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from debttrap.cashflows.arrays import LoanArrays
from debttrap.cashflows.engine import _log_discount, present_values, run_kernel
from debttrap.cashflows.schedule import ScheduleBatch
from debttrap.errors import InputError, InternalError
from debttrap.terms.loan import Loan
from debttrap.validation import require_finite

__all__ = [
    "GrantElement",
    "IncomeGroup",
    "Method",
    "concessionality_threshold_pct",
    "default_discount_rate_pct",
    "grant_element",
    "grant_elements",
]


class Method(StrEnum):
    IMF = "imf"
    OECD_DAC = "oecd-dac"


class IncomeGroup(StrEnum):
    LDC = "ldc"
    LIC = "lic"
    LMIC = "lmic"
    UMIC = "umic"


_DAC_RATE_PCT = {
    IncomeGroup.LDC: 9.0,
    IncomeGroup.LIC: 9.0,
    IncomeGroup.LMIC: 7.0,
    IncomeGroup.UMIC: 6.0,
}
_DAC_MIN_GE_PCT = {
    IncomeGroup.LDC: 45.0,
    IncomeGroup.LIC: 45.0,
    IncomeGroup.LMIC: 15.0,
    IncomeGroup.UMIC: 10.0,
}
IMF_DISCOUNT_RATE_PCT = 5.0
IMF_CONCESSIONAL_GE_PCT = 35.0


def _method(method: Method | str) -> Method:
    try:
        return Method(str(method).lower())
    except ValueError:
        raise InputError(
            f"unknown method '{method}' (use imf or oecd-dac)", field="method"
        ) from None


def _group(income_group: IncomeGroup | str | None, method: Method) -> IncomeGroup | None:
    if income_group is None:
        if method is Method.OECD_DAC:
            raise InputError(
                "the OECD-DAC method needs an income group (ldc, lic, lmic or umic)",
                field="income_group",
            )
        return None
    try:
        return IncomeGroup(str(income_group).lower())
    except ValueError:
        raise InputError(
            f"unknown income group '{income_group}' (use ldc, lic, lmic or umic)",
            field="income_group",
        ) from None


def _by_method(
    method: Method | str,
    income_group: IncomeGroup | str | None,
    imf_pct: float,
    dac_pct: dict[IncomeGroup, float],
) -> float:
    """The IMF's one figure, or the OECD-DAC's figure for the income group."""
    m = _method(method)
    if m is Method.IMF:
        return imf_pct
    group = _group(income_group, m)
    assert group is not None
    return dac_pct[group]


def default_discount_rate_pct(
    method: Method | str, income_group: IncomeGroup | str | None = None
) -> float:
    """The discount rate (percent) a method prescribes."""
    return _by_method(method, income_group, IMF_DISCOUNT_RATE_PCT, _DAC_RATE_PCT)


def concessionality_threshold_pct(
    method: Method | str, income_group: IncomeGroup | str | None = None
) -> float:
    """Minimum grant element (percent) for a loan to count as concessional under a method."""
    return _by_method(method, income_group, IMF_CONCESSIONAL_GE_PCT, _DAC_MIN_GE_PCT)


@dataclass(frozen=True, slots=True)
class GrantElement:
    """A grant element with the method that produced it."""

    grant_element_pct: float
    concessional: bool
    method: str
    discount_rate_pct: float
    threshold_pct: float
    income_group: str | None
    pv_debt_service_m: float
    pv_disbursements_m: float

    def to_dict(self) -> dict[str, object]:
        return {
            "grant_element_pct": self.grant_element_pct,
            "concessional": self.concessional,
            "method": self.method,
            "discount_rate_pct": self.discount_rate_pct,
            "threshold_pct": self.threshold_pct,
            "income_group": self.income_group,
            "pv_debt_service_m": self.pv_debt_service_m,
            "pv_disbursements_m": self.pv_disbursements_m,
        }


def grant_elements(
    loans: Sequence[Loan] | LoanArrays | ScheduleBatch,
    discount_rate_pct: float | NDArray[np.float64] = 5.0,
) -> NDArray[np.float64]:
    """Grant element (percent) of every loan in a batch; memory is O(number of loans).

    Given loans, the kernel runs without keeping a schedule. Given the
    :class:`~debttrap.cashflows.ScheduleBatch` of :func:`~debttrap.cashflows.schedules`,
    the present values are read from its kept balances instead of rerunning the kernel
    (:meth:`~debttrap.cashflows.CompactSchedule.present_values`): several times faster,
    equal to the kernel's to 1e-12 relative (not bit for bit).
    """
    if isinstance(loans, ScheduleBatch):
        log_v = _log_discount(loans.loans, np.asarray(discount_rate_pct) / 100.0)
        assert log_v is not None
        pv_disb, pv_serv = loans.arrays.present_values(log_v)
        return np.asarray(100.0 * (1.0 - pv_serv / pv_disb))
    la = loans if isinstance(loans, LoanArrays) else LoanArrays.from_loans(loans)
    pv_disb, pv_serv = present_values(la, np.asarray(discount_rate_pct) / 100.0)
    return np.asarray(100.0 * (1.0 - pv_serv / pv_disb))


def grant_element(
    loan: Loan,
    method: Method | str = Method.IMF,
    income_group: IncomeGroup | str | None = None,
    discount_rate_pct: float | None = None,
) -> GrantElement:
    """Grant element of one loan under a method, with the concessionality verdict.

    ``discount_rate_pct`` overrides the method's rate (the threshold stays the method's).
    """
    m = _method(method)
    group = _group(income_group, m)
    rate = default_discount_rate_pct(m, group) if discount_rate_pct is None else discount_rate_pct
    if not (-50.0 < rate < 100.0):
        raise InputError(
            f"{rate} is not a plausible discount rate in percent", field="discount_rate_pct"
        )
    threshold = concessionality_threshold_pct(m, group)
    la = LoanArrays.from_loans([loan])
    _, totals = run_kernel(la, store=False, discount_rate=rate / 100.0)
    assert totals is not None
    pv_s = float(totals.pv_debt_service[0])
    pv_d = float(totals.pv_disbursement[0])
    if not pv_d > 0.0:  # checked inputs give positive proceeds; anything else is a defect
        raise InternalError(f"the present value of the disbursements of '{loan.name}' is {pv_d!r}")
    ge = 100.0 * (1.0 - pv_s / pv_d)
    require_finite(ge, f"the grant element of '{loan.name}'")
    return GrantElement(
        grant_element_pct=ge,
        concessional=bool(ge >= threshold - 1e-12),
        method=m.value,
        discount_rate_pct=rate,
        threshold_pct=threshold,
        income_group=None if group is None else group.value,
        pv_debt_service_m=pv_s,
        pv_disbursements_m=pv_d,
    )
