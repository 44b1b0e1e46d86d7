"""Documents generated from the code must match what the code now computes.

The README quotes figures from these files, so a change that moves a number
has to regenerate them (the failure message says how).
"""

from __future__ import annotations

from pathlib import Path

from tool_modules import load_tool

ROOT = Path(__file__).resolve().parents[2]


def test_validation_report_is_current() -> None:
    tool = load_tool("validation_report")
    expected, _, _ = tool.report(2024)
    committed = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    assert committed == expected, (
        "docs/validation.md is stale: run `python tools/validation_report.py` and commit it"
    )


def test_readme_quotes_the_validation_figures() -> None:
    tool = load_tool("validation_report")
    _, frame, frame24 = tool.report(2024)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    notch = tool.NOTCH
    for f in (frame, frame24):
        ok = f[f["status"] == "ok"]
        exact = int((ok["imf"].map(notch) == ok["rating_external"].map(notch)).sum())
        within = int(((ok["imf"].map(notch) - ok["rating_external"].map(notch)).abs() <= 1).sum())
        assert f"{exact} of {len(ok)} countries" in readme
        assert f"within one notch for {within} of {len(ok)}" in readme


def test_data_md_exports_backtest_is_current() -> None:
    tool = load_tool("backtest_exports")
    bt = tool.backtest_exports()
    expected = tool.doc_block(bt, tool.estimated_countries(bt.last_year + 1))
    text = (ROOT / "docs" / "data.md").read_text(encoding="utf-8")
    a, b = text.index(tool.START), text.index(tool.END) + len(tool.END)
    assert text[a:b] == expected, (
        "the back-test in docs/data.md is stale: run "
        "`python tools/backtest_exports.py --write-doc` and commit it"
    )
