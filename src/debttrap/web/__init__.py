"""``debttrap serve``: the analyst's workbench, a small local web app.

An edge layer like ``io``, ``report`` and ``cli``: the core never imports it.
Pick a covered country, open an example scenario or upload one; see the
country's LIC-DSF; edit an offer and see the verdict, the side-by-side table
and the charts update; download what is on screen (report.html,
assessment.json, the Excel workbook).

Its web dependencies (Starlette, uvicorn, python-multipart) are dependencies of
the package (a plain ``pip install .`` brings them; the ``web`` extra names them
too); they are imported only when ``debttrap serve`` runs, so no other command
pays for them. :func:`missing_dependencies` names those that an environment
lacks, and this package's modules other than :mod:`debttrap.web.workbench` are
imported only once they are all there.
"""

from __future__ import annotations

import importlib.util

__all__ = ["WEB_MODULES", "missing_dependencies"]

#: import name -> distribution, for the web workbench.
WEB_MODULES = {"starlette": "starlette", "uvicorn": "uvicorn", "multipart": "python-multipart"}


def missing_dependencies() -> list[str]:
    """The web workbench's distributions that are not installed (empty: all there)."""
    return [dist for module, dist in WEB_MODULES.items()
            if importlib.util.find_spec(module) is None]
