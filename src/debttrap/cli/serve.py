"""``debttrap serve``: the workbench, a local web app (needs the ``web`` extra)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from debttrap.cli import app
from debttrap.errors import InputError

_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@app.command("serve")
def serve_cmd(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8765,
    examples: Annotated[
        Path | None,
        typer.Option("--examples", help="Folder of example scenarios (default: ./examples)."),
    ] = None,
    workers: Annotated[
        int, typer.Option("--workers", help="Assessments computed at the same time (as many "
                          "more wait; beyond that the app answers 503).")
    ] = 1,
) -> None:
    """Open the workbench in a browser: pick a country, edit an offer, see the verdict."""
    from debttrap.web import missing_dependencies

    missing = missing_dependencies()
    if missing:
        sys.stderr.write(
            f"error: debttrap serve needs {', '.join(missing)}, missing from this "
            "environment: reinstall debttrap, or pip install 'debttrap[web]'\n"
        )
        sys.exit(2)
    if not 0 < port < 65536:
        raise InputError("must be a port number between 1 and 65535", field="--port")
    if not 1 <= workers <= 64:
        raise InputError("must be a whole number from 1 to 64", field="--workers")
    if examples is not None and not examples.is_dir():
        raise InputError(f"'{examples}' is not a folder", field="--examples")
    folder = examples if examples is not None else Path("examples")
    if host not in _LOOPBACK:
        sys.stderr.write(
            f"warning: listening on {host}, not only on this computer: anyone who can reach "
            "it can use the workbench and read what is opened in it\n"
        )
    import uvicorn

    from debttrap.web.app import create_app

    application = create_app(folder if folder.is_dir() else None, workers=workers)
    sys.stderr.write(f"debttrap workbench: http://{host}:{port}/  (Ctrl+C to stop)\n")
    uvicorn.run(application, host=host, port=port, log_level="warning")
