"""The creditor tables hold the balance the DSA carries, including debt no schedule repays."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from debttrap.assess.creditors import _creditor_tables, _existing_debt_frame
from debttrap.country.debt import ExistingDebtLine
from debttrap.country.model import Country
from debttrap.opendata import build_country


def _zmb() -> Country:
    return build_country("ZMB").country


def _with_line(line: ExistingDebtLine) -> Country:
    base = _zmb()
    ed = base.external_debt.model_copy(update={
        "existing_lines": (line,), "unitemised_ppg_stock_usd_m": None, "arrears_usd_m": 0.0})
    return base.model_copy(update={"external_debt": ed, "new_external_financing": (),
                                   "new_loans": ()})


def test_unscheduled_balance_counts_in_the_creditor_debt_table() -> None:
    """Outstanding 100 at the end of t-1, a schedule that repays 30 in t+1 and never the rest
    (like an SDR allocation, interest only): the table holds 100, 100, 70, 70, … (end of
    t-1, t, t+1, …), as the DSA's stock does (it only subtracts scheduled principal)."""
    t = _zmb().t
    line = ExistingDebtLine(
        name="Test line (partly interest only)", creditor_group="multilateral",
        debt_service_usd_m={t: 3.0, t + 1: 33.0}, principal_usd_m={t + 1: 30.0},
        outstanding_usd_m=100.0,
    )
    c = _with_line(line)
    debt, service = _creditor_tables(c)
    col = debt["Test line"].to_numpy()
    assert col[:3].tolist() == [100.0, 100.0, 70.0]
    assert np.all(col[3:] == 70.0)
    assert service["Test line"].loc[t + 1] == 33.0
    frame = _existing_debt_frame(c)
    assert float(frame.loc[frame["debt"] == line.name, "outstanding_usd_m"].iloc[0]) == 100.0


def test_without_outstanding_the_balance_is_the_schedule() -> None:
    t = _zmb().t
    line = ExistingDebtLine(
        name="Plain line", creditor_group="multilateral",
        debt_service_usd_m={t: 12.0, t + 1: 11.0}, principal_usd_m={t: 10.0, t + 1: 10.0},
    )
    debt, _ = _creditor_tables(_with_line(line))
    assert debt["Plain line"].to_numpy()[:3].tolist() == [20.0, 10.0, 0.0]


def test_outstanding_below_the_schedule_is_refused() -> None:
    with pytest.raises(ValidationError, match="more than outstanding_usd_m"):
        ExistingDebtLine(name="x", creditor_group="multilateral",
                         debt_service_usd_m={2025: 50.0}, principal_usd_m={2025: 50.0},
                         outstanding_usd_m=10.0)


def test_outstanding_needs_a_principal_schedule() -> None:
    with pytest.raises(ValidationError, match="needs principal_usd_m"):
        ExistingDebtLine(name="x", creditor_group="multilateral",
                         debt_service_usd_m={2025: 5.0}, outstanding_usd_m=100.0)


def test_built_sdr_allocation_line_carries_its_stock() -> None:
    """The builder's SDR-allocation line (OD16a) says its balance: the allocation."""
    c = _zmb()
    sdr = [ln for ln in c.external_debt.existing_lines if ln.name.startswith("SDR allocations")]
    assert sdr, "Zambia's IDS IMF-credit series includes SDR allocations"
    assert sdr[0].outstanding_usd_m is not None and sdr[0].outstanding_usd_m > 0
    assert sdr[0].unscheduled_usd_m() == sdr[0].outstanding_usd_m
