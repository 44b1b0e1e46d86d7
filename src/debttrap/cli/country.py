"""``debttrap country ISO3``: a country's LIC-DSF inputs from the bundled open data.

Also the data side of ``debttrap dsa ISO3`` and ``debttrap dsa --all``:
:func:`resolve_dsa_inputs` turns an ISO3 code into the same inputs a country
file gives, and :func:`run_all` runs every covered country into one table.

The country file (``--out FILE``, ``.toml`` or ``.json``) holds every field of
:class:`~debttrap.country.Country`; ``notes`` lists each value's source and
every assumption, and the TOML version repeats the sources as comments. It is
read back by ``debttrap dsa FILE`` unchanged: floats are written exactly.
"""

from __future__ import annotations

import io
import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer

from debttrap._numeric import TableGap, check_table_finite
from debttrap.cli import app
from debttrap.cli._common import (
    check_first_year,
    check_out_file,
    console,
    err_console,
    jsonable,
    print_json,
    write_bytes_atomic,
    write_text_atomic,
)
from debttrap.cli._country_cache import is_iso3
from debttrap.cli._table import Cell, TableSpec, print_table
from debttrap.country.creditors import CREDITOR_GROUPS
from debttrap.country.model import Country
from debttrap.dsa.indicators import EXTERNAL_INDICATORS, INDICATORS
from debttrap.dsa.run import DSAResult, run_dsa
from debttrap.dsa.stress import StressSettings
from debttrap.errors import DebtTrapError, InputError
from debttrap.opendata import DEFAULT_FIRST_YEAR, BuiltCountry, build_country, dsa_countries
from debttrap.opendata.provenance import FIELD_LABELS

__all__ = [
    "all_results_gaps",
    "all_results_table",
    "country_document",
    "country_toml",
    "is_iso3",
    "resolve_dsa_inputs",
    "run_all",
    "summary_row",
    "write_country_file",
]

_ISO3 = re.compile(r"^[A-Za-z]{3}$")


# --------------------------------------------------------------------------- country files


def _drop_none(obj: Any) -> Any:
    if isinstance(obj, Mapping):
        return {str(k): _drop_none(v) for k, v in obj.items() if v is not None}
    if isinstance(obj, list | tuple):
        return [_drop_none(v) for v in obj]
    return obj


def country_document(built: BuiltCountry | Country) -> dict[str, Any]:
    """The country as a plain document (the fields of ``Country``; no nulls)."""
    country = built.country if isinstance(built, BuiltCountry) else built
    doc: dict[str, Any] = _drop_none(country.model_dump(mode="json"))
    return doc


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if not math.isfinite(v):
            raise InputError(f"cannot write the non-finite number {v!r}", field="country file")
        return repr(v)
    if isinstance(v, str):
        if "\n" in v:
            body = v.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
            return f'"""\n{body}"""'
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, Mapping) and not v:
        return "{}"
    raise InputError(f"cannot write a value of type {type(v).__name__}", field="country file")


def _toml_key(k: str) -> str:
    return k if re.fullmatch(r"[A-Za-z0-9_-]+", k) else json.dumps(k)


def _is_table(v: Any) -> bool:
    return isinstance(v, Mapping) and bool(v)


def _is_table_array(v: Any) -> bool:
    return isinstance(v, list) and bool(v) and all(isinstance(x, Mapping) for x in v)


def _emit(
    path: list[str],
    table: Mapping[str, Any],
    out: list[str],
    comments: Mapping[str, str],
    *,
    array: bool = False,
) -> None:
    dotted = ".".join(path)
    if path:
        note = comments.get(dotted)
        header = f"[[{dotted}]]" if array else f"[{dotted}]"
        out.append("")
        out.append(header + (f"  # {note}" if note else ""))
    for k, v in table.items():
        if _is_table(v) or _is_table_array(v):
            continue
        note = comments.get(f"{dotted}.{k}" if dotted else k)
        out.append(f"{_toml_key(k)} = {_toml_value(v)}" + (f"  # {note}" if note else ""))
    for k, v in table.items():
        if _is_table(v):
            _emit([*path, _toml_key(k)], v, out, comments)
    for k, v in table.items():
        if _is_table_array(v):
            for item in v:
                _emit([*path, _toml_key(k)], item, out, comments, array=True)


def country_toml(built: BuiltCountry) -> str:
    """The country file as TOML: every field, sources as comments, notes with assumptions."""
    doc = country_document(built)
    head = [
        f"# {built.country.name}: LIC-DSF inputs built by debttrap from bundled open data.",
        f"# First projection year {built.country.t}. Money in millions (US$ or local currency,",
        "# LCU); ratios and rates in percent. Edit freely and run `debttrap dsa FILE`.",
        "# Every value's source and every assumption are listed in `notes` below.",
        "# Assumptions:",
        *(f"#   {a}" for a in built.assumptions),
    ]
    if built.distress_evidence:
        head.append(
            "# Arrears/restructuring evidence (sets external_debt.in_arrears_or_restructuring):"
        )
        head += [
            f"#   {e['start']} {e['event_type']}: {e['source']}" for e in built.distress_evidence
        ]
    if built.currency_shares_pct:
        shares = ", ".join(
            f"{c} {v:.1f}%"
            for c, v in sorted(built.currency_shares_pct.items(), key=lambda x: -x[1])
        )
        head.append(f"# Currency composition of PPG debt ({built.currency_year}, IDS): {shares}")
    comments = {k: v for k, v in built.sources.items()}
    out: list[str] = list(head)
    _emit([], doc, out, comments)
    return "\n".join(out) + "\n"


def _country_file_suffix(path: Path) -> str:
    """``.toml`` or ``.json``, the file types a country file is written as."""
    suffix = path.suffix.lower()
    if suffix not in (".toml", ".json"):
        raise InputError(
            f"unsupported file type '{path.suffix or '(none)'}' (use .toml or .json)",
            field="--out",
        )
    return suffix


def write_country_file(built: BuiltCountry, path: Path) -> None:
    """Write ``.toml`` or ``.json`` (by suffix), atomically."""
    if _country_file_suffix(path) == ".toml":
        text = country_toml(built)
    else:
        text = json.dumps(
            jsonable(country_document(built)), indent=2, ensure_ascii=False, allow_nan=False
        ) + "\n"
    write_text_atomic(path, text)


# --------------------------------------------------------------------------- dsa ISO3 / --all


def resolve_dsa_inputs(
    iso3: str, first_year: int = DEFAULT_FIRST_YEAR
) -> tuple[Country, StressSettings, BuiltCountry]:
    """The country built from the bundled data, default stress settings, and the build."""
    built = build_country(iso3, first_year)
    return built.country, StressSettings(), built


def summary_row(built: BuiltCountry, res: DSAResult) -> dict[str, Any]:
    """One row of the ``--all`` table: ratings, capacity, peaks of the baseline indicators."""
    c = built.country
    rating = res.rating.to_dict()
    t = c.t
    window = (res.years >= t) & (res.years <= t + 10)
    row: dict[str, Any] = {
        "iso3": built.iso3,
        "country": c.name,
        "status": "ok",
        "error": "",
        "first_projection_year": t,
        "capacity": res.capacity.classification.value,
        "ci_score": res.capacity.ci_score,
        "capacity_prior_published": (
            None if c.capacity.prior_classification is None else c.capacity.prior_classification
        ),
        "rating_external": rating["external"],
        "rating_overall": rating["overall"],
        "rating_external_mechanical": rating["mechanical"]["external"],
        "moderate_space": rating["moderate_space"],
        "in_arrears_or_restructuring": c.external_debt.in_arrears_or_restructuring,
        "ppg_external_debt_usd_m": c.external_debt.ppg_mlt_outstanding_usd_m,
        "imf_credit_usd_m": sum(
            sum((ln.principal_usd_m or {}).values())
            for ln in c.external_debt.existing_lines
            if ln.name.startswith("IMF credit")
        ),
    }
    public_ok = c.domestic_debt.evaluated
    row["public_debt_evaluated"] = public_ok
    if not public_ok and rating["external"] != "in_distress":
        row["rating_overall"] = "not evaluated"
    for ind in INDICATORS:
        base = res.indicator_path(ind.value, "baseline")[window]
        mx = res.indicator_path(ind.value, "most_extreme")[window]
        skip = ind not in EXTERNAL_INDICATORS and not public_ok
        row[f"{ind.value}_threshold"] = res.thresholds[ind.value]
        row[f"{ind.value}_baseline_max"] = None if skip else float(base.max())
        row[f"{ind.value}_most_extreme_max"] = (
            float(mx.max()) if mx.size and not skip else None
        )
        row[f"{ind.value}_most_extreme_test"] = (
            None if skip else rating["most_extreme"].get(ind.value)
        )
    summary = built.creditors.summary()
    row["creditor_year"] = summary["year"]
    for g in CREDITOR_GROUPS:
        row[f"{g}_share_pct"] = summary["stock_share_pct"][g]
    return row


def run_all(
    first_year: int = DEFAULT_FIRST_YEAR,
    countries: Sequence[str] | None = None,
    *,
    on_progress: Callable[[str], None] | None = None,
) -> list[dict[str, Any]]:
    """Build and rate every covered country; a country the data cannot build gets an error row."""
    from debttrap.cli.dsa import check_indicators_finite

    codes = list(countries) if countries is not None else list(dsa_countries())
    rows: list[dict[str, Any]] = []
    for code in codes:  # one country after another (each is vectorized inside)
        try:
            country, settings, built = resolve_dsa_inputs(code, first_year)
            res = run_dsa(country, settings)
            check_indicators_finite(res)  # a bug gives this country an error row
            rows.append(summary_row(built, res))
        except DebtTrapError as exc:
            rows.append({"iso3": code, "status": "error", "error": str(exc)})
        if on_progress is not None:
            on_progress(code)
    return rows


def all_results_table(rows: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """The ``--all`` rows as a table indexed by ``iso3`` (errors keep their row)."""
    frame = pd.DataFrame(list(rows))
    return frame.set_index("iso3")


def all_results_gaps(frame: pd.DataFrame) -> tuple[TableGap, ...]:
    """The cells of the ``--all`` table that may be empty, and why (docs/reliability.md).

    A country that could not be rated keeps only ``status`` and ``error``; the composite
    indicator score is empty where the capacity classification is given rather than scored;
    the published prior classification where none is published; ``moderate_space`` where the
    external rating is not moderate; the public-debt peaks and test where public debt is not
    evaluated. Any other empty cell is an error (:func:`check_table_finite`).
    """
    def column(name: str) -> pd.Series:
        return frame[name] if name in frame.columns else pd.Series(None, index=frame.index)

    failed = (column("status") == "error").to_numpy()
    not_moderate = (column("rating_external") != "moderate").to_numpy()
    public_skipped = (column("public_debt_evaluated") != True).to_numpy()  # noqa: E712
    gaps: list[TableGap] = [("*", failed), ("ci_score", None),
                            ("capacity_prior_published", None),
                            ("moderate_space", not_moderate)]
    for ind in INDICATORS:
        if ind not in EXTERNAL_INDICATORS:
            gaps += [(f"{ind.value}_baseline_max", public_skipped),
                     (f"{ind.value}_most_extreme_*", public_skipped)]
    return tuple(gaps)


def write_table(frame: pd.DataFrame, path: Path, *, gaps: Sequence[TableGap] = ()) -> None:
    """CSV or Parquet by suffix, written whole (nothing half-written).

    Checked first (:func:`check_table_finite`): an empty cell outside ``gaps``, or an
    infinity, is an internal error and nothing is written.
    """
    check_table_finite(frame, where=path.name, gaps=gaps)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        buf = io.StringIO()
        frame.to_csv(buf, float_format="%.10g")
        write_text_atomic(path, buf.getvalue())
    elif suffix == ".parquet":
        buffer = io.BytesIO()
        frame.to_parquet(buffer)
        write_bytes_atomic(path, buffer.getvalue())
    else:
        raise InputError(
            f"unsupported table type '{suffix or '(none)'}' (use .csv or .parquet)", field="--out"
        )


def run_all_cli(first_year: int, as_json: bool, out: Path | None) -> None:
    """``debttrap dsa --all``: progress bar on stderr, then JSON, a table, or a summary."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    if out is not None:
        if out.suffix.lower() not in (".csv", ".parquet"):
            raise InputError(
                "with --all, --out is the result table (.csv or .parquet)", field="--out"
            )
        check_out_file(out, (".csv", ".parquet"))
    codes = list(dsa_countries())
    with Progress(
        TextColumn("[bold]LIC-DSF[/bold] {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,
    ) as progress:
        task = progress.add_task("countries", total=len(codes))

        def tick(code: str) -> None:
            progress.update(task, advance=1, description=code)

        rows = run_all(first_year, codes, on_progress=tick)
    ok = [r for r in rows if r.get("status") == "ok"]
    if not ok:  # nothing to report: an error, not a table of error rows
        first = rows[0] if rows else {"iso3": "-", "error": "no country covered"}
        raise InputError(
            f"none of the {len(rows)} countries could be rated for first projection year "
            f"{first_year} (e.g. {first['iso3']}: {first['error']})",
            field="--first-year",
        )
    frame = all_results_table(rows)
    doc = (jsonable({  # checked before the table is written: all or nothing
        "first_projection_year": first_year,
        "countries": len(rows),
        "ok": sum(1 for r in rows if r.get("status") == "ok"),
        "rows": [jsonable(r) for r in rows],
    }) if as_json else None)
    if out is not None:
        write_table(frame, out, gaps=all_results_gaps(frame))
    if doc is not None:
        print_json(doc)
        return
    cells: list[list[Cell]] = []
    for r in rows:
        if r.get("status") == "ok":
            note = "arrears/restructuring" if r["in_arrears_or_restructuring"] else ""
            cells.append(
                [r["iso3"], r["capacity"], r["rating_external"], r["rating_overall"], note]
            )
        else:
            cells.append([r["iso3"], "", "", "", str(r["error"])])
    print_table(console, TableSpec(
        ["country", "capacity", "external risk", "overall risk", "note"], cells,
        f"LIC-DSF for {len(rows)} countries, first projection year {first_year}",
        numeric=[False] * 4,
    ))
    if out is not None:
        console.print(f"wrote {out}")


# --------------------------------------------------------------------------- command


def _summary(built: BuiltCountry) -> dict[str, Any]:
    c = built.country
    cap = c.capacity
    return {
        "iso3": built.iso3,
        "country": c.name,
        "first_projection_year": c.t,
        "last_projection_year": c.last_year,
        "ppg_external_debt_end_t_minus_1_usd_m": c.external_debt.ppg_mlt_outstanding_usd_m,
        "in_arrears_or_restructuring": c.external_debt.in_arrears_or_restructuring,
        "distress_evidence": [dict(e) for e in built.distress_evidence],
        "capacity": {
            "prior_classification": cap.prior_classification,
            "classification": cap.classification,
            "cpia": cap.cpia,
            "real_growth_pct": cap.real_growth_pct,
            "remittances_pct_gdp": cap.remittances_pct_gdp,
            "reserves_pct_imports": cap.reserves_pct_imports,
            "world_growth_pct": cap.world_growth_pct,
        },
        "creditors": built.creditors.summary(),
        "currency_composition_pct": dict(built.currency_shares_pct),
        "currency_composition_year": built.currency_year,
        "sources": dict(built.sources),
        "source_kinds": built.source_kinds(),
        "assumed_values_moving_indicators": [
            {"value": label, "moves": effect, "from": text}
            for label, effect, text in built.assumed_headline_fields()
        ],
        "assumptions": list(built.assumptions),
    }


def _print_sources(built: BuiltCountry) -> None:
    """Where each value comes from (published / derived / assumed) and the assumed values
    that move an indicator."""
    kinds = built.source_kinds()
    print_table(console, TableSpec(
        ["value", "kind", "from"],
        [[FIELD_LABELS.get(k, k), kinds.get(k, "derived"), v] for k, v in built.sources.items()],
        "Where each value comes from",
    ))
    moving = built.assumed_headline_fields()
    if moving:
        console.print("Assumed values that move an indicator:")
        for label, effect, text in moving:
            console.print(f"  {label} (moves {effect}): {text}")
    else:
        console.print("No assumed value moves a headline indicator.")


@app.command("country")
def country_cmd(
    iso3: Annotated[str, typer.Argument(help="ISO3 country code, e.g. ZMB.")],
    first_year: Annotated[
        int, typer.Option("--first-year", help="First projection year t (history t-10 … t-1).")
    ] = DEFAULT_FIRST_YEAR,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the country file (.toml or .json).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON summary.")] = False,
) -> None:
    """Build a country's LIC-DSF inputs from the bundled open data (WEO, IDS, DSSI, WDI, CPIA)."""
    if not _ISO3.match(iso3):
        raise InputError(f"'{iso3}' is not an ISO3 country code (e.g. ZMB)", field="ISO3")
    first_year = check_first_year(first_year)
    if out is not None:
        check_out_file(out, (".toml", ".json"))  # before the build: a bad --out fails at once
    built = build_country(iso3, first_year)
    if out is not None:
        write_country_file(built, out)
    if as_json:
        doc = _summary(built)
        if out is not None:
            doc["written"] = str(out)
        print_json(doc)
        return
    c = built.country
    console.print(f"[bold]{c.name}[/bold]: LIC-DSF inputs, first projection year {c.t}")
    s = built.creditors.summary()
    rows: list[list[Cell]] = [
        [g.replace("_", " "), f"{s['stock_usd_m'][g]:,.1f}", f"{s['stock_share_pct'][g]:.1f}"]
        for g in CREDITOR_GROUPS
    ]
    for label, (year, value) in s.get("outside_ids_usd_m", {}).items():
        rows.append([f"{label} (end-{year})", f"{value:,.1f}", ""])
    print_table(console, TableSpec(
        ["creditor group", "US$ m", "share %"],
        rows,
        f"PPG external debt by creditor, end-{s['year']} (IDS; shares of the IDS total), "
        "with the debt outside the IDS creditor table below it, US$ m",
    ))
    _print_sources(built)
    cap = c.capacity
    console.print(
        f"Debt-carrying capacity: published class {cap.prior_classification or 'none'}"
        + (f", CPIA {cap.cpia:.2f}" if cap.cpia is not None else "")
    )
    if built.distress_evidence:
        console.print("Recorded arrears/restructuring (counts as 'in debt distress'):")
        for e in built.distress_evidence:
            console.print(f"  {e['start']} {e['event_type']}: {e['description']}")
    console.print(f"{len(built.assumptions)} assumptions (see the file's notes).")
    if out is not None:
        console.print(f"wrote {out}")
