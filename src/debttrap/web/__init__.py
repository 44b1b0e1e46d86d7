"""``debttrap serve``: the analyst's workbench, a small local web app.

An edge layer like ``io``, ``report`` and ``cli``: the core never imports it.
Pick a covered country, open an example scenario or upload one; see the
country's LIC-DSF; edit an offer and see the verdict, the side-by-side table
and the charts update; download what is on screen (report.html,
assessment.json, the Excel workbook).

Its web dependencies (Starlette, uvicorn, python-multipart) come with the
``web`` extra (``pip install debttrap[web]``); :func:`missing_dependencies`
names those that are not installed, and this package's modules other than
:mod:`debttrap.web.workbench` are imported only once they are all there.
"""

from __future__ import annotations

import importlib.util

__all__ = ["WEB_MODULES", "missing_dependencies"]

#: import name -> distribution of the web extra.
WEB_MODULES = {"starlette": "starlette", "uvicorn": "uvicorn", "multipart": "python-multipart"}


def missing_dependencies() -> list[str]:
    """The distributions of the ``web`` extra that are not installed (empty: all there)."""
    return [dist for module, dist in WEB_MODULES.items()
            if importlib.util.find_spec(module) is None]
