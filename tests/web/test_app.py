"""The workbench over HTTP: pages, recompute, hostile input, downloads, the bounded pool."""

from __future__ import annotations

import asyncio
import json
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from debttrap.assess import assess
from debttrap.cli._common import jsonable
from debttrap.web.app import BusyError, ComputePool
from debttrap.web.workbench import UPLOAD_LIMIT_BYTES, Workbench, apply_offer_form
from frame_poison import nan_in_frame

from .conftest import EXAMPLES, TEST_OPTIONS

if TYPE_CHECKING:
    from conftest import RunCli


def _request(url: str, data: bytes | None = None, headers: dict[str, str] | None = None
             ) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, data=data, headers=headers or {})

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(req, timeout=120) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def _post_form(url: str, fields: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    return _request(url, urllib.parse.urlencode(fields).encode(),
                    {"Content-Type": "application/x-www-form-urlencoded"})


def _upload(url: str, name: str, content: bytes) -> tuple[int, dict[str, str], bytes]:
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"scenario\"; "
            f"filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").encode()
    body += content + f"\r\n--{boundary}--\r\n".encode()
    return _request(url, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})


def _open_country(server: str, code: str = "ZMB") -> str:
    status, headers, _ = _post_form(f"{server}/open", {"country": code})
    assert status == 303
    return headers["location"].rsplit("/", 1)[-1]


def test_index_lists_countries_and_examples(server: str) -> None:
    status, _, body = _request(server + "/")
    text = body.decode()
    assert status == 200
    assert 'value="ZMB"' in text and "zambia-2015.toml" in text
    assert 'enctype="multipart/form-data"' in text


def test_recompute_shows_what_assess_gives(server: str) -> None:
    """The workspace answers with the verdict and the table; after an edit, the downloaded
    assessment.json is the assessment of the edited scenario, as `debttrap assess` makes it."""
    wid = _open_country(server)
    status, _, page = _request(f"{server}/w/{wid}")
    assert status == 200 and b"trap risk" in page and b"fig-indicators" in page
    status, _, body = _post_form(f"{server}/api/w/{wid}/offer/0", {
        "loan-0-rate_kind": "fixed", "loan-0-rate_pct": "0.75", "loan-0-grace_years": "10",
        "loan-0-maturity_years": "40",
    })
    assert status == 200
    data = json.loads(body)
    assert data["error"] == ""
    assert set(data["verdicts"]) == {"Offer under review"}
    assert data["figures"][0]["id"] == "fig-indicators"
    status, headers, doc = _request(server + data["downloads"]["assessment.json"])
    assert status == 200 and "attachment" in headers["content-disposition"]
    got = json.loads(doc)

    bench = Workbench(EXAMPLES, options=TEST_OPTIONS)
    wid2 = bench.open_country("ZMB")
    scenario = bench.edit_offer(wid2, 0, {
        "loan-0-rate_kind": "fixed", "loan-0-rate_pct": "0.75", "loan-0-grace_years": "10",
        "loan-0-maturity_years": "40",
    })
    loan = scenario.offers[0].loans[0]
    assert (loan.interest.model_dump()["rate_pct"], loan.grace_years, loan.maturity_years) == (
        0.75, 10.0, 40.0)
    expected = assess(scenario, n_paths=TEST_OPTIONS.n_paths,
                      stochastic_paths=TEST_OPTIONS.stochastic_paths)
    assert got == json.loads(json.dumps(jsonable(expected.to_dict())))
    assert got["offers"][0]["grant_element_pct"] > 35  # 0.75%, 40 y, 10 y grace: concessional


def test_assembled_offers_equal_one_assessment() -> None:
    """Offers assessed one at a time (the cache) and put together give what one `assess`
    of the whole scenario gives."""
    bench = Workbench(EXAMPLES, options=TEST_OPTIONS)
    wid = bench.open_example("zambia-2015.toml")
    _, combined = bench.compute(wid)
    whole = assess(bench.scenario(wid), n_paths=TEST_OPTIONS.n_paths,
                   stochastic_paths=TEST_OPTIONS.stochastic_paths)
    assert jsonable(combined.to_dict()) == jsonable(whole.to_dict())


def test_bad_form_value_names_the_field(server: str) -> None:
    wid = _open_country(server)
    status, _, body = _post_form(f"{server}/api/w/{wid}/offer/0", {"loan-0-rate_pct": "4,5x"})
    assert status == 422
    assert json.loads(body)["error"] == (
        "field 'offers[0].loans[0].rate_pct': '4,5x' is not a number")
    status, _, body = _post_form(f"{server}/api/w/{wid}/offer/0", {"loan-0-grace_years": "30"})
    assert status == 422 and "grace_years" in json.loads(body)["error"]


def test_malformed_upload_gets_the_cli_message(
    server: str, run_cli: RunCli, tmp_path: Path
) -> None:
    content = b'name = "x"\ncountry = "ZMB"\n[[offers]\n'
    path = tmp_path / "broken.toml"
    path.write_bytes(content)
    code, _, err = run_cli(["assess", str(path)])
    assert code == 2
    cli_message = err.strip().removeprefix("error: ")
    status, _, body = _upload(f"{server}/open", "broken.toml", content)
    assert status == 400
    shown = re.search(r'<p class="error"[^>]*>(.*?)</p>', body.decode(), re.S)
    assert shown is not None
    assert shown.group(1).replace("&#39;", "'").replace("&quot;", '"') == cli_message


def test_upload_cannot_name_a_file_here(server: str) -> None:
    content = b'name = "x"\ncountry = "../../etc/passwd.toml"\n[[offers]]\nname = "a"\n'
    status, _, body = _upload(f"{server}/open", "x.toml", content)
    assert status == 400 and b"country files are not read" in body


def test_upload_above_the_limit_gets_413(server: str) -> None:
    status, _, body = _upload(f"{server}/open", "big.toml", b"#" * (UPLOAD_LIMIT_BYTES + 10))
    assert status == 413 and b"larger than 1 MB" in body


def test_downloads_only_by_opaque_id(server: str) -> None:
    for path in ("/download/nothing/report.html", "/download/x/..%2f..%2fpyproject.toml",
                 "/static/../app.py", "/w/not-a-workspace"):
        status, _, _ = _request(server + path)
        assert status == 404, path


def test_pool_refuses_beyond_its_queue() -> None:
    pool = ComputePool(workers=1, queue=0)
    gate = threading.Event()

    async def scenario() -> None:
        first = asyncio.ensure_future(pool.run(gate.wait))
        await asyncio.sleep(0.05)
        with pytest.raises(BusyError):
            await pool.run(lambda: None)
        gate.set()
        assert await first is True
        assert await pool.run(lambda: 7) == 7  # a slot is free again

    asyncio.run(scenario())
    pool.shutdown()


def test_busy_answer_is_503_with_retry_after() -> None:
    from debttrap.web.app import _busy

    response = _busy()
    assert response.status_code == 503 and response.headers["retry-after"].isdigit()


def test_clause_evidence_goes_to_the_source_notes() -> None:
    bench = Workbench(EXAMPLES)
    offer = bench.scenario(bench.open_example("syria-2025.toml")).offers[0]
    form = {"loan-0-clauses": "shown", "loan-0-clause-no_paris_club": "on",
            "loan-0-evidence-no_paris_club": "reported"}
    edited = apply_offer_form(offer, form)
    clauses = edited.loans[0].clauses
    assert clauses.no_paris_club and not clauses.acceleration.policy_change
    assert edited.roles[0].sources["clauses.no_paris_club"].startswith("evidence: reported")


def test_serve_without_the_extra_says_what_to_install(
    run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    import debttrap.web

    monkeypatch.setattr(debttrap.web, "missing_dependencies", lambda: ["starlette"])
    code, out, err = run_cli(["serve"])
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "pip install 'debttrap[web]'" in err


def test_serve_warns_off_loopback(run_cli: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    calls: list[dict[str, object]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(kw))
    code, _, err = run_cli(["serve", "--host", "0.0.0.0", "--port", "9"])
    assert code == 0 and "warning: listening on 0.0.0.0" in err
    assert calls == [{"host": "0.0.0.0", "port": 9, "log_level": "warning"}]
    code, _, err = run_cli(["serve", "--port", "9"])
    assert code == 0 and "warning" not in err


def test_recompute_builds_the_country_once_and_redraws_the_fans(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Editing an offer recomputes that offer on the country prepared once (no second build
    of the country or its reference run), and the offer's fan charts follow the edit."""
    import debttrap.opendata as opendata
    from debttrap.web.views import result_fragments

    builds: list[str] = []
    real = opendata.build_country

    def counting(code: str, *args: object, **kwargs: object) -> object:
        builds.append(code)
        return real(code, *args, **kwargs)  # type: ignore[arg-type]

    # the assessment imports it from debttrap.opendata when it builds a country
    monkeypatch.setattr(opendata, "build_country", counting)
    bench = Workbench(EXAMPLES, options=TEST_OPTIONS)
    wid = bench.open_country("ZMB")
    rid, before = bench.compute(wid)
    fans_before = next(f for f in result_fragments(before, rid)["figures"]
                       if f["id"] == "fig-fans")
    bench.edit_offer(wid, 0, {"loan-0-rate_pct": "9"})
    rid, after = bench.compute(wid)
    assert builds == ["ZMB"]
    fans_after = next(f for f in result_fragments(after, rid)["figures"]
                      if f["id"] == "fig-fans")
    median = json.loads(fans_after["json"])["data"][6]  # first panel: bands, then the median
    assert median["name"] == "median of the paths"
    assert fans_after["json"] != fans_before["json"]
    # a dearer loan: more debt service over the years on the median path
    st_b, st_a = before.offers[0].stochastic, after.offers[0].stochastic
    assert st_b is not None and st_a is not None and st_a.fan_pct and st_b.fan_pct
    key = "ext_debt_service_to_exports_pct"
    assert sum(st_a.fan_pct[key]["p50"]) > sum(st_b.fan_pct[key]["p50"])


def test_prepared_country_gives_the_assessment_assess_gives() -> None:
    from debttrap.assess import prepare
    from debttrap.errors import InputError
    from debttrap.io.scenario import load_scenario

    scenario = load_scenario(EXAMPLES / "zambia-2015.toml")
    kwargs = {"n_paths": TEST_OPTIONS.n_paths, "stochastic_paths": TEST_OPTIONS.stochastic_paths}
    prepared = prepare(scenario, **kwargs)  # type: ignore[arg-type]
    other = scenario.model_copy(update={"offers": scenario.offers[1:]})
    reused = assess(other, prepared=prepared, **kwargs)  # type: ignore[arg-type]
    fresh = assess(other, **kwargs)  # type: ignore[arg-type]
    assert jsonable(reused.to_dict()) == jsonable(fresh.to_dict())
    assert list(reused.sources) == list(fresh.sources)  # same order, offers' notes included
    with pytest.raises(InputError, match="prepared"):
        assess(other, prepared=prepared, n_paths=TEST_OPTIONS.n_paths + 1,
               stochastic_paths=TEST_OPTIONS.stochastic_paths)


def test_full_pool_answers_503_with_retry_after_over_http(tmp_path: Path) -> None:
    """One worker, no queue, a recompute held: the next request is refused, not queued."""
    import time

    import uvicorn

    from debttrap.web.app import create_app

    from .conftest import free_port

    app = create_app(EXAMPLES, options=TEST_OPTIONS, workers=1, queue=0)
    bench = app.state.workbench
    gate = threading.Event()
    real_compute = bench.compute

    def held(wid: str) -> object:
        gate.wait(60)
        return real_compute(wid)

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    try:
        wid = _open_country(base)
        bench.compute = held  # every recompute now waits for the gate
        first: list[int] = []
        worker = threading.Thread(target=lambda: first.append(
            _post_form(f"{base}/api/w/{wid}/offer/0", {"loan-0-rate_pct": "3"})[0]))
        worker.start()
        time.sleep(0.5)  # the first recompute holds the only worker
        status, headers, body = _post_form(f"{base}/api/w/{wid}/offer/0",
                                           {"loan-0-rate_pct": "2"})
        assert status == 503
        assert headers["retry-after"].isdigit()
        assert "busy" in json.loads(body)["error"]
        gate.set()
        worker.join(120)
        assert first == [200]  # the held one finished normally
    finally:
        gate.set()
        server.should_exit = True
        thread.join(timeout=10)


@pytest.mark.parametrize(("field", "value"), [
    ("loan-0-rate_pct", "nan"), ("loan-0-rate_pct", "inf"), ("loan-0-rate_pct", "-1e308"),
    ("loan-0-amount_m", "1e309"), ("loan-0-amount_m", "-5"), ("loan-0-amount_m", "0"),
    ("loan-0-grace_years", "99"), ("loan-0-maturity_years", "1e6"),
    ("loan-0-management_fee_pct", "-3"), ("loan-0-currency", "€€€"),
    ("loan-0-currency", "x" * 5000), ("loan-0-fx_usd_per_unit", "0"),
    ("loan-0-rate_kind", "stepped'; --"), ("loan-0-amortization", "../../etc/passwd"),
    ("loan-0-disbursement_shares", "1, nan"), ("loan-0-disbursement_shares", "-1, 2"),
    ("project-quoted_cost_usd_m", "nan"), ("loan-0-clauses", "shown"),
])
def test_hostile_form_values_get_an_answer_never_a_crash(server: str, field: str,
                                                         value: str) -> None:
    """Every hostile value is refused with a message naming the field, or computed: never a
    500, and the workspace still answers afterwards."""
    wid = _open_country(server)
    status, _, body = _post_form(f"{server}/api/w/{wid}/offer/0", {field: value})
    assert status in (200, 422), (status, body[:300])
    doc = json.loads(body)
    if field.startswith("loan-") and any(w in value for w in ("nan", "inf", "e309", "€")):
        assert status == 422, value  # never computed on a number that is not one
    if status == 422:
        assert doc["error"] and "\n" not in doc["error"]
    page_status, _, _ = _request(f"{server}/w/{wid}")
    assert page_status == 200


def test_a_download_with_a_nan_result_is_one_line_not_a_file(
    server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The workbook wrote a NaN as an empty cell; the download is now refused with the
    internal error's one line (status 500) and no file (issue 13)."""
    from debttrap.assess.results import Assessment

    wid = _open_country(server)
    status, _, body = _post_form(f"{server}/api/w/{wid}/offer/0", {
        "loan-0-rate_kind": "fixed", "loan-0-rate_pct": "1.5", "loan-0-grace_years": "5",
        "loan-0-maturity_years": "20",
    })
    assert status == 200
    url = server + json.loads(body)["downloads"]["workbook.xlsx"]
    nan_in_frame(monkeypatch, Assessment, "summary_frame", "Grant element (IMF), %", 1)
    status, headers, doc = _request(url)
    text = doc.decode()
    assert status == 500 and "attachment" not in headers.get("content-disposition", "")
    assert text.startswith("internal error: ") and text.count("\n") == 1, text
    assert "workbook sheet 'Summary'" in text and "(Grant element (IMF), %)" in text, text
