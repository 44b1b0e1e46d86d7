"""The Starlette application of ``debttrap serve``.

Pages: ``/`` (pick a country, open an example, upload a scenario) and
``/w/{workspace}`` (the country's DSA, the offer form, the verdict, the
side-by-side table and the charts). ``POST /api/w/{workspace}/offer/{k}``
applies the form to offer ``k`` and answers with JSON fragments that the page's
script swaps in. Downloads are ``/download/{result}/{report.html |
assessment.json | workbook.xlsx}``: the result id is opaque and the name one of
three, so no user-supplied path reaches the file system.

Assessments run in a bounded pool of threads; when every worker is busy and
the short queue is full the app answers 503 with ``Retry-After``. Uploads above
:data:`~debttrap.web.workbench.UPLOAD_LIMIT_BYTES` get 413.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import jinja2
from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from debttrap import __version__
from debttrap.assess import Assessment
from debttrap.errors import DebtTrapError
from debttrap.io.files import validation_error_to_input_error
from debttrap.web.views import loan_rows, result_fragments
from debttrap.web.workbench import (
    CLAUSES,
    EVIDENCE_LEVELS,
    UPLOAD_LIMIT_BYTES,
    RunOptions,
    Workbench,
)

__all__ = ["BusyError", "ComputePool", "create_app"]

T = TypeVar("T")
_DOWNLOADS = {
    "report.html": "text/html; charset=utf-8",
    "assessment.json": "application/json",
    "workbook.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
#: Room for the multipart envelope around an upload of the largest accepted size.
_ENVELOPE_BYTES = 16_384


class BusyError(Exception):
    """Every worker is busy and the queue is full."""


class ComputePool:
    """A thread pool that refuses work beyond ``workers + queue`` jobs instead of queueing."""

    def __init__(self, workers: int = 1, queue: int | None = None) -> None:
        queue = workers if queue is None else queue
        self._executor = ThreadPoolExecutor(max_workers=workers,
                                            thread_name_prefix="debttrap-web")
        self._slots = threading.BoundedSemaphore(workers + queue)

    async def run(self, fn: Callable[[], T]) -> T:
        if not self._slots.acquire(blocking=False):
            raise BusyError
        try:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._executor, fn)
        finally:
            self._slots.release()

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


@dataclass
class _State:
    bench: Workbench
    pool: ComputePool
    templates: Jinja2Templates
    #: (result id, offer on screen) -> the page's fragments (results never change)
    fragments: dict[tuple[str, int], dict[str, Any]]
    lock: threading.Lock

    def fragments_of(self, result: Assessment, rid: str, index: int) -> dict[str, Any]:
        key = (rid, index)
        with self.lock:
            found = self.fragments.get(key)
        if found is None:
            found = result_fragments(result, rid, index)
            with self.lock:
                self.fragments[key] = found
                while len(self.fragments) > 64:  # bounded: the oldest go first
                    self.fragments.pop(next(iter(self.fragments)))
        return found


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return str(validation_error_to_input_error(exc))
    return str(exc)


def _busy() -> Response:
    return JSONResponse(
        {"error": "the workbench is busy with other assessments; try again in a few seconds"},
        status_code=503, headers={"Retry-After": "2"},
    )


async def _read_capped(request: Request, limit: int) -> bytes | None:
    """The request body, or None as soon as it grows beyond ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            return None
    return bytes(body)


def create_app(
    examples_dir: Path | None = None,
    *,
    options: RunOptions | None = None,
    workers: int = 1,
    queue: int | None = None,
) -> Starlette:
    """The workbench app; ``examples_dir`` holds the example scenarios it offers."""
    templates = Jinja2Templates(env=jinja2.Environment(
        loader=jinja2.PackageLoader("debttrap.web", "templates"), autoescape=True,
    ))
    state = _State(Workbench(examples_dir, options=options), ComputePool(workers, queue),
                   templates, {}, threading.Lock())

    def page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
        return templates.TemplateResponse(
            request, name, {"version": __version__, **context}, status_code=status
        )

    def index_page(request: Request, error: str = "", status: int = 200) -> Response:
        return page(request, "index.html.j2", {
            "countries": state.bench.countries(), "examples": state.bench.examples(),
            "error": error, "limit_mb": UPLOAD_LIMIT_BYTES // 1_000_000,
        }, status)

    async def index(request: Request) -> Response:
        return index_page(request)

    async def open_scenario(request: Request) -> Response:
        body = await _read_capped(request, UPLOAD_LIMIT_BYTES + _ENVELOPE_BYTES)
        if body is None:
            return index_page(
                request, f"The file is larger than {UPLOAD_LIMIT_BYTES // 1_000_000} MB; "
                "scenario files are a few kilobytes.", 413)
        request._body = body  # parse the capped body, not the stream again
        try:
            async with request.form(max_files=1, max_fields=20,
                                    max_part_size=UPLOAD_LIMIT_BYTES + 1) as form:
                upload = form.get("scenario")
                if upload is not None and not isinstance(upload, str) and upload.filename:
                    data = await upload.read(UPLOAD_LIMIT_BYTES + 1)
                    if len(data) > UPLOAD_LIMIT_BYTES:
                        return index_page(request, "The file is larger than 1 MB.", 413)
                    wid = state.bench.open_upload(data, upload.filename)
                elif form.get("example"):
                    wid = state.bench.open_example(str(form.get("example")))
                elif form.get("country"):
                    wid = state.bench.open_country(str(form.get("country")))
                else:
                    return index_page(request, "Pick a country, an example or a file.", 400)
        except (DebtTrapError, ValidationError) as exc:
            return index_page(request, _message(exc), 400)
        except Exception:  # a malformed multipart body
            return index_page(request, "The form could not be read; send it again.", 400)
        return RedirectResponse(f"/w/{wid}", status_code=303)

    async def _assessed(wid: str) -> tuple[str, Assessment]:
        return await state.pool.run(lambda: state.bench.compute(wid))

    async def workspace(request: Request) -> Response:
        wid = request.path_params["wid"]
        try:
            scenario = state.bench.scenario(wid)
            rid, result = await _assessed(wid)
            k = request.query_params.get("offer", "0")
            shown = int(k) if k.isdigit() and int(k) < len(scenario.offers) else 0
            fragments = await state.pool.run(lambda: state.fragments_of(result, rid, shown))
        except BusyError:
            return HTMLResponse("<p>The workbench is busy; reload in a few seconds.</p>",
                                status_code=503, headers={"Retry-After": "2"})
        except DebtTrapError as exc:
            return index_page(request, _message(exc), 404)
        index = shown
        return page(request, "workspace.html.j2", {
            "wid": wid, "scenario": scenario, "index": index,
            "offer": scenario.offers[index], "loans": loan_rows(scenario.offers[index]),
            "clauses": CLAUSES, "evidence_levels": EVIDENCE_LEVELS,
            "fragments": fragments,
            # inside <script>: no "</" may close the tag early
            "fragments_json": json.dumps(fragments["figures"]).replace("</", "<\\/"),
            "rid": rid, "result": result,
        })

    async def api_offer(request: Request) -> Response:
        wid = request.path_params["wid"]
        index = int(request.path_params["index"])
        body = await _read_capped(request, 200_000)
        if body is None:
            return JSONResponse({"error": "the form is too large"}, status_code=413)
        request._body = body
        try:
            async with request.form(max_files=0, max_fields=500) as form:
                fields = {k: v for k, v in form.items() if isinstance(v, str)}
            state.bench.edit_offer(wid, index, fields)
            rid, result = await _assessed(wid)
            fragments = await state.pool.run(lambda: state.fragments_of(result, rid, index))
        except BusyError:
            return _busy()
        except (DebtTrapError, ValidationError) as exc:
            return JSONResponse({"error": _message(exc)}, status_code=422)
        return JSONResponse({"error": "", **fragments})

    async def download(request: Request) -> Response:
        rid, name = request.path_params["rid"], request.path_params["name"]
        result = state.bench.result(rid)
        if result is None or name not in _DOWNLOADS:
            return Response("not found (downloads expire; reload the page)", status_code=404,
                            media_type="text/plain")
        try:
            content = await state.pool.run(lambda: _document(result, name))
        except BusyError:
            return _busy()
        except DebtTrapError as exc:  # a result that must be finite was not: no file, a line
            return Response(f"{exc}\n", status_code=500, media_type="text/plain")
        return Response(content, media_type=_DOWNLOADS[name], headers={
            "Content-Disposition": f'attachment; filename="{name}"'})

    async def not_found(request: Request, exc: Exception) -> Response:
        return HTMLResponse("<p>Not found. <a href='/'>Start again</a>.</p>", status_code=404)

    routes = [
        Route("/", index),
        Route("/open", open_scenario, methods=["POST"]),
        Route("/w/{wid}", workspace),
        Route("/api/w/{wid}/offer/{index:int}", api_offer, methods=["POST"]),
        Route("/download/{rid}/{name}", download),
        Mount("/static", app=StaticFiles(packages=[("debttrap.web", "static")]), name="static"),
        Route("/plotly.js", _plotly_js),
    ]
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        state.pool.shutdown()

    app = Starlette(routes=routes, exception_handlers={404: not_found}, lifespan=lifespan)
    app.state.workbench = state.bench
    return app


async def _plotly_js(request: Request) -> Response:
    """plotly.js from the plotly package (served locally: no network needed)."""
    path = resources.files("plotly") / "package_data" / "plotly.min.js"
    return Response(path.read_bytes(), media_type="application/javascript",
                    headers={"Cache-Control": "max-age=86400"})


def _document(result: Assessment, name: str) -> bytes:
    if name == "report.html":
        from debttrap.report.assessment import assessment_html

        return assessment_html(result, version=__version__).encode("utf-8")
    if name == "assessment.json":
        from debttrap.web.views import assessment_json

        return assessment_json(result).encode("utf-8")
    from debttrap.report.workbook import assessment_workbook

    return assessment_workbook(result)

