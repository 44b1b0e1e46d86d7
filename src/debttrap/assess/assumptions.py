"""The assessment's stated assumptions, in words (each tagged: L leverage, D debt path)."""

from __future__ import annotations


def creditor_assumptions(service_unknown: bool) -> list[str]:
    """L5 (existing debt without a service schedule, if any) and L1 (debt by creditor)."""
    out = []
    if service_unknown:
        out.append(
            "L5 existing debt without a service schedule (not itemised): its service is not "
            "known, so the lender's share of external debt service is not reported in the years "
            "it is outstanding (the lever rule falls back to the share of debt)"
        )
    out.append(
        "L1 PPG external debt by creditor: existing lines carry the principal still to be "
        "repaid, by creditor group; the baseline's projected new borrowing (the LIC-DSF's "
        "new-financing lines) is 'other new borrowing', nobody's claim yet, in every "
        "denominator and in no lender's share; the offer's PPG loans and the project's "
        "overrun borrowing join the denominators after the offer, so they add up to the PPG "
        "external debt and service the DSA carries with the offer"
    )
    return out


def reserves_assumption(reserves_pct_imports: float | None) -> str:
    """L2: how foreign-exchange reserves are taken (or that exports stand in for them)."""
    if reserves_pct_imports is None:
        return ("L2 no reserve cover in the country inputs: acceleration is "
                "compared with exports instead")
    return (
        f"L2 FX reserves = {reserves_pct_imports:.1f}% of imports of goods and services "
        "(the country's 10-year average reserve cover, capacity inputs) held constant"
    )


def chain_assumptions(cross_default: list[str], include_overrun: bool) -> list[str]:
    """L3 (cross-default), L4 (pledged revenue), D1 (what enters the debt path), D2 (overrun)."""
    out = [
        "L3 debts that cross-default with an accelerated loan: "
        + (", ".join(cross_default) if cross_default else "none in the country's debt")
        + " (bonds and commercial loans typically carry cross-default clauses)",
        "L4 revenue routed through a lender-controlled account: the project's forecast revenue",
        "D1 an offer's PPG loans (in US$ at the offer's rates) are added to the country's new "
        "loans; a project company's loans (ppg = false) count as public debt where the state "
        "stands behind them (the project's financing plan says the government bears its loan "
        "financing, or the contract pledges public revenue: LIC-DSF coverage) and otherwise "
        "enter the C1 contingent-liability shock of the run with the offer; grants finance "
        "spending without adding debt; budget contributions to "
        "the project are assumed financed within the country's fiscal path",
    ]
    if include_overrun:
        out.append(
            "D2 the expected cost overrun that falls on the budget is borrowed on the terms of "
            "the offer's largest PPG loan and enters the debt path (not the lender's share)"
        )
    return out


def window_assumption(window: tuple[int, int], last_year: int) -> str:
    """L6: leverage peaks are read over the LIC-DSF rating window."""
    return (
        f"L6 leverage peaks (lender shares, pledged revenue, amount due at once) are taken over "
        f"the LIC-DSF rating window {window[0]}-{window[1]}, like the "
        f"indicators; the by-year series run to {last_year}"
    )
