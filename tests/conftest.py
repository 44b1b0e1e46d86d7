"""Test-wide settings.

Hypothesis explores new examples on every run on a developer's machine. Under
CI (``CI`` set, as CI runners do) it is derandomized so that a submission's
result does not depend on which examples a run happened to draw; anything it
ever finds locally is kept in the example database and replayed.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("dev", print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
