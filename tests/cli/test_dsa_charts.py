"""``debttrap dsa --out``: whole years on the axes, each panel's own threshold in its legend,
most-extreme-shock entries that say which shock they are."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from conftest import RunCli

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "lic-dsf-illustrative.toml"


def _plotly_data(html: str) -> list[dict[str, Any]]:
    """The traces of the one figure of a self-contained plotly page."""
    start = html.index("Plotly.newPlot(")
    at = html.index("[", start)
    data, _ = json.JSONDecoder().raw_decode(html[at:])
    assert isinstance(data, list)
    return data


@pytest.fixture(scope="module")
def dsa_result() -> Any:
    from debttrap.dsa.run import run_dsa
    from debttrap.io.country_file import load_dsa_inputs

    country, settings = load_dsa_inputs(EXAMPLE)
    return run_dsa(country, settings)


def test_each_panel_names_its_own_threshold_and_shock(
    tmp_path: Path, run_cli: RunCli, dsa_result: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    import matplotlib.figure

    from debttrap.dsa.indicators import INDICATORS

    figures: list[Any] = []
    real_savefig = matplotlib.figure.Figure.savefig

    def keep(self: Any, *args: Any, **kwargs: Any) -> Any:
        figures.append(self)
        return real_savefig(self, *args, **kwargs)

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", keep)
    code, _, err = run_cli(["dsa", str(EXAMPLE), "--out", str(tmp_path)])
    assert code == 0, err
    thresholds = [float(dsa_result.thresholds[i.value]) for i in INDICATORS]

    # the interactive chart: per panel (legend group) its own threshold, a named shock
    data = _plotly_data((tmp_path / "dsa-indicators.html").read_text(encoding="utf-8"))
    for ind, thr in zip(INDICATORS, thresholds, strict=True):
        names = [t["name"] for t in data if t.get("legendgroup") == ind.value]
        assert f"threshold {thr:g}%" in names, (ind, names)
        shock = [n for n in names if n.startswith("most extreme")]
        assert len(shock) == 1 and re.match(r"most extreme: \S", shock[0]), names
    assert len({f"{t['name']}" for t in data if t["name"].startswith("threshold")}) > 1

    # the PNG: the same legends, and whole years on every x-axis
    (fig,) = [f for f in figures if len(f.axes) == 6]
    for ax, thr in zip(fig.axes[:5], thresholds, strict=True):
        labels = [t.get_text() for t in ax.get_legend().get_texts()]
        assert f"threshold {thr:g}%" in labels, labels
        assert any(label.startswith("most extreme: ") for label in labels), labels
        ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
        assert ticks and all(float(t).is_integer() for t in ticks), ticks
