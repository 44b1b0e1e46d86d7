"""Print the ex ante revenue rule's value for each project of the historical cases.

A maintainer's tool: nothing imports it at run or test time. The historical cases
(``examples/hambantota-2007.toml``, ``examples/laos-railway-2016.toml``) must take a
project's revenue from the forecast at signing, not from what the project later earned.
No forecast of the time is published in the project's reference notes, so the cases use
one stated rule, the premise of a loan meant to be serviced from the project:

    net operating revenue = COVER x the largest annual debt service of the project's
    own loans (``serviced_by_project``) in the operating years

with COVER = 1.3, a common minimum debt-service cover ratio in project-finance lending
(lenders size such loans at 1.2-1.4). The demand risk then comes from the sector's
reference class (rail: actual traffic about half the forecast; ports: no reference class,
so none). Paste the printed values into ``revenue_usd_m``; ``tests/assess/test_ex_ante.py``
recomputes them from the loans by hand.

Usage::

    python tools/ex_ante_revenue.py examples/hambantota-2007.toml examples/laos-railway-2016.toml
"""

from __future__ import annotations

import sys

import numpy as np

from debttrap.io.scenario import load_scenario
from debttrap.leverage.flows import offer_flows

#: Debt-service cover of the forecast at signing (the rule stated above).
COVER = 1.3


def main(paths: list[str]) -> int:
    for path in paths:
        scenario = load_scenario(path)
        for offer in scenario.offers:
            project = offer.project
            if project is None:
                continue
            flows = offer_flows(offer)
            ds = flows.debt_service(flows.serviced_by_project)
            operating = flows.years >= project.first_operating_year
            peak = float(np.max(ds[operating])) if operating.any() else 0.0
            year = int(flows.years[operating][int(np.argmax(ds[operating]))])
            sys.stdout.write(
                f"{path} | {offer.name}: largest project debt service US${peak:,.1f}m "
                f"({year}); revenue_usd_m = {COVER} x that = {COVER * peak:.1f}\n"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
