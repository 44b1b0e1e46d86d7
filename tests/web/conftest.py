"""A workbench server on a free loopback port, shared by the web tests of a session."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the web extra is not installed")
pytest.importorskip("uvicorn", reason="the web extra is not installed")

import uvicorn

from debttrap.web.app import create_app
from debttrap.web.workbench import RunOptions

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
#: Small path counts: the tests check behaviour, not the figures.
TEST_OPTIONS = RunOptions(n_paths=300, stochastic_paths=200)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def server() -> Iterator[str]:
    """The base URL of a running workbench (examples folder of the repository)."""
    port = free_port()
    config = uvicorn.Config(create_app(EXAMPLES, options=TEST_OPTIONS), host="127.0.0.1",
                            port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the workbench server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)
