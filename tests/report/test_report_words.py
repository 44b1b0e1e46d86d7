"""The report speaks to people: labels not field names, public sources, clean tables, no bloat."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from debttrap.assess import assess
from debttrap.io.scenario import load_scenario
from debttrap.report.assessment import assessment_html
from debttrap.report.citations import PUBLIC_DOCUMENTS, cite_public, public_sources
from debttrap.report.html import table_html
from debttrap.report.words import field_label, name_label, plain_words

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
#: The project's own reference notes: a reader of a report cannot open them.
PRIVATE_NOTES = ("lending-terms", "syria-2025-facts", "lic-dsf-method")


def _scenarios() -> list[Path]:
    return [p for p in sorted(EXAMPLES.glob("*.toml"))
            if "[[offers]]" in p.read_text(encoding="utf-8")]


@pytest.fixture(scope="module")
def reports() -> dict[str, str]:
    """report.html of every example (small path counts: the words, not the figures)."""
    return {p.stem: assessment_html(assess(load_scenario(p), n_paths=300,
                                           stochastic_paths=100))
            for p in _scenarios()}


class _Tables(HTMLParser):
    """Every table's header rows and body cells (text, class)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict[str, list[list[tuple[str, str]]]]] = []
        self._part = ""
        self._cell: list[str] | None = None
        self._cls = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append({"head": [], "body": []})
        elif tag in ("thead", "tbody"):
            self._part = "head" if tag == "thead" else "body"
        elif tag == "tr" and self.tables:
            self.tables[-1][self._part].append([])
        elif tag in ("td", "th") and self.tables:
            self._cell, self._cls = [], dict(attrs).get("class") or ""

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][self._part][-1].append(("".join(self._cell), self._cls))
            self._cell = None


def _visible_text(page: str) -> str:
    return re.sub(r"<script.*?</script>", "", page, flags=re.S)


def test_reports_cite_no_note_the_reader_cannot_open(reports: dict[str, str]) -> None:
    assert len(reports) >= 5
    for name, page in reports.items():
        counts = {note: page.count(note) for note in PRIVATE_NOTES}
        assert counts == dict.fromkeys(PRIVATE_NOTES, 0), name


def test_syria_lists_the_public_documents_it_cites(reports: dict[str, str]) -> None:
    page = reports["syria-2025"]
    docs = page[page.index('id="documents"'):page.index('id="glossary"')]
    links = re.findall(r'<a href="(https?://[^"]+)"', docs)
    # the scenario's notes rest on World Bank, How China Lends and reference-class documents
    for key in ("wb-syria-rdna", "hcl", "fhb2002", "syria-china", "lic-dsf-gn"):
        assert PUBLIC_DOCUMENTS[key].url in links, key
    assert len(links) == len(set(links))  # each document listed once
    # every short citation in the text is one the list explains
    for url in links:
        short = next(d.short for d in PUBLIC_DOCUMENTS.values() if d.url == url)
        assert _visible_text(page).count(short) >= 2, short  # cited, and listed


def test_no_internal_names_in_the_tables(reports: dict[str, str]) -> None:
    internal = re.compile(r"offers\[\d+\]|\bcountry\.macro\.|\bacceleration\.[a-z_]+"
                          r"|\b(?:no_paris_club|lender_controlled_account|"
                          r"ext_debt_service_to_exports_pct|nominal_gdp_usd_m)\b")
    for name, page in reports.items():
        parser = _Tables()
        parser.feed(_visible_text(page))
        for table in parser.tables:
            for row in table["head"] + table["body"]:
                for text, _ in row:
                    assert not internal.search(text), (name, text)
    assert "Glossary" in reports["syria-2025"] and "Grant element" in reports["syria-2025"]


def test_tables_have_one_header_row_no_stray_index_and_aligned_numbers(
    reports: dict[str, str],
) -> None:
    parser = _Tables()
    parser.feed(_visible_text(reports["syria-2025"]))
    assert len(parser.tables) >= 10
    for table in parser.tables:
        assert len(table["head"]) == 1  # no empty second header row from an index name
        first_column = [row[0][0] for row in table["body"]]
        assert first_column != [str(i) for i in range(len(first_column))]  # no 0, 1, 2…
        for row in table["body"]:
            for text, cls in row:
                if re.fullmatch(r"-?[\d,]+\.\d", text.strip()):
                    assert "num" in cls, text  # a number is right-aligned
                if len(re.findall(r"[A-Za-z]{3,}", text)) >= 3:
                    assert "text" in cls, text  # words are left-aligned


def test_each_chart_and_sample_array_is_embedded_once(reports: dict[str, str]) -> None:
    page = reports["syria-2025"]
    # the three offers finance one project with the same draws: its cost chart once
    assert page.count("cost distribution (") == 1
    scripts = [len(s) for s in re.findall(r"<script[^>]*>(.*?)</script>", page, flags=re.S)]
    plotly_js = max(scripts)
    # every chart is a few kilobytes of data: counts per bin, never 10,000 samples
    assert sorted(scripts)[-2] < 60_000, sorted(scripts)[-3:]
    # before: 120 kB per cost chart, three times; the page without plotly.js is now small
    assert len(page) - plotly_js < 300_000


def test_table_html_alignment_and_index() -> None:
    frame = pd.DataFrame({"loan": ["IDA credit"], "rate, %": ["0.75"], "ratio": ["1.2 → 3.4"]})
    html = table_html(frame)
    assert html.count("<tr>") == 2 and "<th class=\"text\" scope=\"row\">" not in html
    assert '<td class="text">IDA credit</td>' in html
    assert '<td class="num">0.75</td>' in html and '<td class="num">1.2 → 3.4</td>' in html
    named = table_html(frame.set_index("loan"))
    assert named.count("<tr>") == 2  # the index name heads the first column
    assert '<th class="text" scope="col">loan</th>' in named


def test_field_labels_read_as_words() -> None:
    offers = [("Belt and Road package", ["Eximbank credit", "CDB loan"])]
    assert field_label("offers[0].loans[1].clauses.lender_controlled_account", offers) == (
        "Belt and Road package › loan 2: CDB loan › Lender-controlled revenue (escrow) account"
    )
    assert field_label("offers[0].loans[0].clauses.acceleration.policy_change", offers) == (
        "Belt and Road package › loan 1: Eximbank credit › "
        "Acceleration on a change in law or policy"
    )
    assert field_label("country.macro.nominal_gdp_usd_m") == (
        "Country › macro framework › Nominal GDP, US$ m")
    assert field_label("offers[0].conditions[1]", offers) == (
        "Belt and Road package › condition 2")
    assert name_label("net_fdi_usd_m") == "Net foreign direct investment, US$ m"
    assert name_label("some_new_field_pct") == "Some new field, %"
    assert plain_words("lever clauses: acceleration.policy_change, no_paris_club") == (
        "lever clauses: acceleration on a change in law or policy, "
        "debt kept out of Paris Club / collective restructuring")


def test_citations_of_the_notes_become_public_documents() -> None:
    text = "US$146m IDA grant (syria-2025-facts.md §6); terms from lending-terms.md §1.5 E2"
    out = cite_public(text)
    assert not any(note in out for note in PRIVATE_NOTES)
    assert PUBLIC_DOCUMENTS["syria-seep"].short in out
    assert PUBLIC_DOCUMENTS["hambantota"].short in out  # E2: the Hambantota phase II terms
    # a case section picks its case from the text, else from the country
    assert PUBLIC_DOCUMENTS["zambia-cf"].short in cite_public(
        "Zambia's 2023 Common Framework terms (lending-terms.md §5)")
    assert PUBLIC_DOCUMENTS["laos-rail"].short in cite_public("lending-terms.md §5", "LAO")
    assert cite_public("Naples-like terms (lending-terms.md §3): over 23 years") == (
        "Naples-like terms (Paris Club, Naples terms): over 23 years")
    docs = public_sources([text])
    assert [d.key for d in docs] == ["syria-seep", "hambantota", "imf-dlp"]
    assert all(d.url.startswith("http") for d in PUBLIC_DOCUMENTS.values())
    assert cite_public("no citation here") == "no citation here"
