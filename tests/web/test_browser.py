"""The workbench and the reports in a real browser (Debian's chromium + chromium-driver).

Skipped, with the reason, only where chromium or its driver is not installed; CI installs
both (``.ci/run``), so these run there.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from debttrap import __version__
from debttrap.assess import assess
from debttrap.io.scenario import load_scenario

from .conftest import EXAMPLES

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or DRIVER is None,
    reason="chromium and chromium-driver are not installed "
    "(apt-get install chromium chromium-driver)",
)
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

WAIT_S = 90


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                 f"--user-data-dir={profile}", "--window-size=1280,900"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options,
                              service=webdriver.ChromeService(executable_path=str(DRIVER)))
    driver.set_page_load_timeout(WAIT_S)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _console_errors(driver: Any) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def _charts_drawn(driver: Any) -> tuple[int, int]:
    """(plotly chart divs, those that drew an SVG)."""
    return driver.execute_script(
        "const d = [...document.querySelectorAll('.js-plotly-plot, .plotly-graph-div')];"
        "return [d.length, d.filter(x => x.querySelector('svg.main-svg')).length];"
    )


def _overflow_px(driver: Any) -> int:
    return int(driver.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth;"
    ))


def _title_overlaps(driver: Any) -> list[list[str]]:
    """Pairs of chart titles and notes (plotly annotations) that overlap on screen."""
    return list(driver.execute_script("""
        const out = [];
        for (const p of document.querySelectorAll('.js-plotly-plot')) {
          const r = [...p.querySelectorAll('g.annotation')]
            .map(a => [a.textContent, a.getBoundingClientRect()]);
          for (let i = 0; i < r.length; i++) for (let j = i + 1; j < r.length; j++) {
            const a = r[i][1], b = r[j][1];
            if (a.width && b.width && a.left < b.right - 1 && b.left < a.right - 1
                && a.top < b.bottom - 1 && b.top < a.bottom - 1) out.push([r[i][0], r[j][0]]);
          }
        }
        return out;"""))


def _narrow(driver: Any, width: int = 390) -> None:
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": 844, "deviceScaleFactor": 1, "mobile": True})


def _wide(driver: Any) -> None:
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_pick_zambia_edit_the_rate_and_see_it_update(browser: Any, server: str) -> None:
    browser.get(server + "/")
    browser.get_log("browser")  # start with an empty console
    Select(browser.find_element(By.ID, "country")).select_by_value("ZMB")
    browser.find_element(By.CSS_SELECTOR, "#pick-country button").click()
    wait = WebDriverWait(browser, WAIT_S)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#fig-indicators svg.main-svg"))
    verdict_before = browser.find_element(By.ID, "verdict").text
    grant_before = browser.find_element(By.ID, "table").text
    path_before = browser.execute_script(
        "return document.getElementById('fig-indicators').data[1].y;")
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#fig-fans svg.main-svg"))
    fans_before = browser.execute_script(  # the first panel's median path
        "return document.getElementById('fig-fans').data[6].y;")
    assert "Offer under review" in verdict_before

    for name, value in (("loan-0-rate_pct", "0.75"), ("loan-0-grace_years", "10"),
                        ("loan-0-maturity_years", "40")):
        box = browser.find_element(By.NAME, name)
        box.clear()
        box.send_keys(value)
    browser.find_element(By.ID, "recompute").click()
    wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-updates") == "1")
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#fig-indicators svg.main-svg"))
    assert browser.find_element(By.ID, "table").text != grant_before
    assert browser.find_element(By.ID, "verdict").text != verdict_before
    path_after = browser.execute_script(
        "return document.getElementById('fig-indicators').data[1].y;")
    assert path_after != path_before  # the chart redrew with the new offer's path
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#fig-fans svg.main-svg"))
    fans_after = browser.execute_script(
        "return document.getElementById('fig-fans').data[6].y;")
    assert fans_after != fans_before  # and the fan charts with the new offer's paths
    total, drawn = _charts_drawn(browser)
    assert total >= 3 and drawn == total
    assert browser.find_element(By.ID, "status").text == "updated"
    assert _console_errors(browser) == []
    # a bad value: the message in the form, the page otherwise unchanged
    box = browser.find_element(By.NAME, "loan-0-rate_pct")
    box.clear()
    box.send_keys("four")
    browser.find_element(By.ID, "recompute").click()
    wait.until(lambda d: d.find_element(By.ID, "error").is_displayed())
    assert "rate_pct" in browser.find_element(By.ID, "error").text
    # the browser logs the 422 answer itself; nothing else
    assert [e for e in _console_errors(browser) if "status of 422" not in e] == []

    _narrow(browser)
    try:
        browser.refresh()
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#fig-indicators svg.main-svg"))
        assert _overflow_px(browser) <= 0
        assert _title_overlaps(browser) == []
    finally:
        _wide(browser)


def test_malformed_upload_shows_the_message(browser: Any, server: str, tmp_path: Path) -> None:
    bad = tmp_path / "broken.toml"
    bad.write_text('name = "x"\ncountry = "ZMB"\n[[offers]\n', encoding="utf-8")
    browser.get(server + "/")
    browser.get_log("browser")
    browser.find_element(By.ID, "scenario").send_keys(str(bad))
    browser.find_element(By.CSS_SELECTOR, "#upload button").click()
    WebDriverWait(browser, WAIT_S).until(lambda d: d.find_elements(By.ID, "error"))
    message = browser.find_element(By.ID, "error").text
    assert message.startswith("broken.toml: malformed TOML")
    # the page answered 400 (the browser logs that); no script error
    assert [e for e in _console_errors(browser) if "status of 400" not in e] == []
    _narrow(browser)
    try:
        browser.refresh()
        assert _overflow_px(browser) <= 0
    finally:
        _wide(browser)


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """report.html of every example (small path counts: the charts, not the figures)."""
    from debttrap.report.assessment import assessment_html

    folder = tmp_path_factory.mktemp("reports")
    out = {}
    for path in sorted(EXAMPLES.glob("*.toml")):
        if "[[offers]]" not in path.read_text(encoding="utf-8"):
            continue  # a loan or country file, not a scenario
        result = assess(load_scenario(path), n_paths=200, stochastic_paths=100)
        page = folder / f"{path.stem}.html"
        page.write_text(assessment_html(result, version=__version__), encoding="utf-8")
        out[path.stem] = page
    return out


def test_every_example_report_draws_every_chart(browser: Any, reports: dict[str, Path]) -> None:
    assert len(reports) >= 5
    browser.get_log("browser")  # what earlier pages logged
    for name, page in reports.items():
        browser.get(page.as_uri())
        WebDriverWait(browser, WAIT_S).until(
            lambda d: d.execute_script("return document.readyState") == "complete")
        WebDriverWait(browser, WAIT_S).until(
            lambda d: _charts_drawn(d)[0] == _charts_drawn(d)[1])
        total, drawn = _charts_drawn(browser)
        assert total >= 3 and drawn == total, name
        assert _console_errors(browser) == [], name


def test_reports_fit_a_phone(browser: Any, reports: dict[str, Path]) -> None:
    _narrow(browser)
    try:
        for name, page in reports.items():
            browser.get(page.as_uri())
            WebDriverWait(browser, WAIT_S).until(
                lambda d: _charts_drawn(d)[0] == _charts_drawn(d)[1])
            assert _overflow_px(browser) <= 0, name
            assert _title_overlaps(browser) == [], name  # subplot titles side by side
    finally:
        _wide(browser)


def test_syria_report_prints_to_a_sensible_number_of_pages(
    browser: Any, reports: dict[str, Path],
) -> None:
    """The print stylesheet: sections on new pages, charts whole, links shown; A4."""
    import base64
    import re

    browser.get(reports["syria-2025"].as_uri())
    WebDriverWait(browser, WAIT_S).until(lambda d: _charts_drawn(d)[0] == _charts_drawn(d)[1])
    pdf = base64.b64decode(browser.execute_cdp_cmd("Page.printToPDF", {
        "paperWidth": 8.27, "paperHeight": 11.69, "printBackground": False})["data"])
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    sections = browser.execute_script("return document.querySelectorAll('main section').length")
    # each section starts a page; the whole report fits in a briefing pack, not a book
    assert sections <= pages <= 40, (sections, pages)


@pytest.fixture(scope="module")
def chart_pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The standalone chart pages of ``dsa ZMB --out`` and ``simulate ZMB --out``."""
    import contextlib
    import io
    import sys
    from unittest import mock

    from debttrap.cli import main

    folder = tmp_path_factory.mktemp("chart-pages")
    for args in (["dsa", "ZMB", "--out", str(folder / "dsa")],
                 ["simulate", "ZMB", "--paths", "200", "--out", str(folder / "sim")]):
        with mock.patch.object(sys, "argv", ["debttrap", *args]), \
                contextlib.redirect_stdout(io.StringIO()), pytest.raises(SystemExit) as exc:
            main()
        assert exc.value.code == 0, args
    return {"dsa": folder / "dsa" / "dsa-indicators.html",
            "simulate": folder / "sim" / "fan-charts.html"}


def _page_geometry(driver: Any) -> dict[str, Any]:
    """Where the chart's panels and titles (the page's and each panel's) fall on screen."""
    return dict(driver.execute_script("""
        const p = document.querySelector('.js-plotly-plot');
        const box = r => [r.left, r.right, r.top, r.bottom];
        const panels = [...p.querySelectorAll('.nsewdrag')]
          .map(x => box(x.getBoundingClientRect())).filter(b => b[1] - b[0] > 1);
        const titles = [...p.querySelectorAll('g.annotation, .gtitle')]
          .map(a => [a.textContent, box(a.getBoundingClientRect())]);
        const overlaps = [];
        for (let i = 0; i < titles.length; i++) for (let j = i + 1; j < titles.length; j++) {
          const [a, b] = [titles[i][1], titles[j][1]];
          if (a[0] < b[1] - 1 && b[0] < a[1] - 1 && a[2] < b[3] - 1 && b[2] < a[3] - 1)
            overlaps.push([titles[i][0], titles[j][0]]);
        }
        return {width: document.documentElement.clientWidth, panels: panels,
                titles: titles, overlaps: overlaps};"""))


def _settled(driver: Any, columns: int) -> bool:
    g = _page_geometry(driver)
    return len(g["panels"]) == 5 and len({round(b[0]) for b in g["panels"]}) == columns


def test_chart_pages_fit_a_phone_and_a_desktop(browser: Any, chart_pages: dict[str, Path]) -> None:
    """``dsa --out`` and ``simulate --out`` pages: three panels across on a desktop, one a
    row at 390 px (switching when the window narrows, without a reload); at either width no
    horizontal overflow, no title running into another, every title and panel on screen."""
    browser.get_log("browser")
    for name, page in chart_pages.items():
        browser.get(page.as_uri())
        WebDriverWait(browser, WAIT_S).until(lambda d: _settled(d, 3))
        wide = _page_geometry(browser)
        assert wide["overlaps"] == [], name
        assert _overflow_px(browser) <= 0, name
        _narrow(browser)
        try:  # the open page re-lays itself out for the phone
            WebDriverWait(browser, WAIT_S).until(lambda d: _settled(d, 1))
            for reload in (False, True):
                if reload:  # and a page opened on the phone starts that way
                    browser.refresh()
                    WebDriverWait(browser, WAIT_S).until(lambda d: _settled(d, 1))
                g = _page_geometry(browser)
                assert g["width"] == 390 and _overflow_px(browser) <= 0, name
                assert g["overlaps"] == [], (name, g["overlaps"])
                for left, right, top, _ in [b for _, b in g["titles"]] + g["panels"]:
                    assert left >= 0 and right <= 390 and top >= 0, (name, g)
                # the charts take the phone's width, not a third of a desktop's
                assert all(right - left >= 0.7 * 390 for left, right, _, _ in g["panels"]), name
        finally:
            _wide(browser)
        assert _console_errors(browser) == [], name


def test_the_books_exposure_map_draws_offline(browser: Any, tmp_path: Path) -> None:
    """The book's map is drawn from the bundled country shapes: every borrower with a shape
    is a path on the map, the page asks the network for nothing and logs no error; Tonga
    (no shape at 1:110m) is listed under it."""
    from debttrap.portfolio import aggregate, world_bank_book
    from debttrap.report.portfolio import portfolio_html

    book = world_bank_book(("IDA",)).select(("KEN", "TON", "ZMB", "NPL"))
    res = aggregate(book, {}, n_paths=10, seed=1)
    page = tmp_path / "book.html"
    page.write_text(portfolio_html(res, book), encoding="utf-8")
    browser.get_log("browser")  # what earlier pages logged
    browser.get(page.as_uri())
    WebDriverWait(browser, WAIT_S).until(
        lambda d: d.execute_script("return document.readyState") == "complete")
    WebDriverWait(browser, WAIT_S).until(
        lambda d: _charts_drawn(d)[0] == _charts_drawn(d)[1])
    paths = browser.execute_script(
        "const t = [...document.querySelectorAll('g.trace.choropleth')];"
        "return t.map(g => g.querySelectorAll('path.choroplethlocation').length);")
    assert paths == [174, 3]  # the world in grey; Kenya, Zambia and Nepal by exposure
    fetched = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name);")
    assert [u for u in fetched if not u.startswith(("file:", "data:"))] == []
    assert _console_errors(browser) == []
    listed = browser.find_element(By.XPATH, "//*[contains(text(), 'Borrowers not on the map')]"
                                  "/ancestor::*[.//table][1]//table").text
    assert "Tonga" in listed and "Kenya" not in listed


def _phone_layout(driver: Any) -> dict[str, Any]:
    """Where the page's tables, their scroll boxes and its charts fall at the current width."""
    return dict(driver.execute_script("""
        const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.right]; };
        const tables = [...document.querySelectorAll('table.data')].map(t => {
          const s = t.closest('.scroll');
          return {caption: (t.closest('figure, div, section') || t).textContent.slice(0, 60),
                  table: box(t), box: s ? box(s) : null,
                  scrolls: s ? s.scrollWidth > s.clientWidth : false};
        });
        const charts = [...document.querySelectorAll('.js-plotly-plot')].map(p => ({
          div: box(p), svg: box(p.querySelector('svg.main-svg'))}));
        return {width: document.documentElement.clientWidth, tables: tables, charts: charts};"""))


def test_the_portfolio_report_fits_a_phone(browser: Any, tmp_path: Path) -> None:
    """The book's report opened at 390 px: the page itself never scrolls sideways; a table
    wider than the phone (the lenders by borrower, with its long headers) scrolls inside its
    own box, which stays on screen; the map, the bar chart and the debt-service chart take
    the phone's width (not the desktop's 1280 px, not a sliver); no chart title or note runs
    into another; nothing in the console."""
    from debttrap.portfolio import aggregate, world_bank_book
    from debttrap.report.portfolio import portfolio_html

    book = world_bank_book(("IDA",)).select(("KEN", "TON", "ZMB", "NPL"))
    res = aggregate(book, {}, n_paths=10, seed=1)
    page = tmp_path / "book.html"
    page.write_text(portfolio_html(res, book), encoding="utf-8")
    browser.get_log("browser")  # what earlier pages logged
    _narrow(browser)
    try:
        for reload in (False, True):
            if reload:
                browser.refresh()
            else:
                browser.get(page.as_uri())
            WebDriverWait(browser, WAIT_S).until(
                lambda d: d.execute_script("return document.readyState") == "complete")
            WebDriverWait(browser, WAIT_S).until(
                lambda d: _charts_drawn(d)[0] == _charts_drawn(d)[1])
            g = _phone_layout(browser)
            assert g["width"] == 390
            assert _overflow_px(browser) <= 0
            assert _title_overlaps(browser) == []
            # map, bar chart, debt service at risk by year
            assert len(g["charts"]) == 3, g["charts"]
            for c in g["charts"]:
                for left, right in (c["div"], c["svg"]):
                    assert left >= 0 and right <= 390, c
                    assert right - left >= 0.7 * 390, c
            assert len(g["tables"]) >= 6, g["tables"]
            for t in g["tables"]:
                assert t["box"] is not None, t  # every table sits in its own scroll box
                left, right = t["box"]
                assert left >= 0 and right <= 390, t
            # the page is tested with at least one table too wide for the phone
            wide = [t for t in g["tables"] if t["table"][1] - t["table"][0] > 390]
            assert wide and all(t["scrolls"] for t in wide), g["tables"]
    finally:
        _wide(browser)
    assert _console_errors(browser) == []
