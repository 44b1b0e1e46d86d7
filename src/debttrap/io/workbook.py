"""Read a filled LIC-DSF Excel workbook into a :class:`~debttrap.country.Country`.

Every cell address comes from one versioned mapping file,
``debttrap/io/mappings/lic-dsf-<version>.toml``; this module only knows how
to read what the mapping names. A filled workbook never has the blank
template's hash, so the version is recognised by its sheet names and by the
input cells the mapping requires; a workbook that does not match gets one
line naming the missing sheet or cell.

The workbook is opened read-only with the values Excel cached
(``data_only=True``): formulas are not evaluated here. Two blocks come from
cached outputs (the domestic-debt stock from Output 1-2 and the
debt-carrying-capacity class from the thresholds Output 3-1 shows), so a
workbook must have been saved by Excel (or another tool that caches values).

``read_workbook(path)`` returns :class:`WorkbookInputs`: the country, the
stress settings (Input 6 and Input 7) and a provenance table (every field,
the cells it came from, its value, and whether it was read or defaulted).
"""

from __future__ import annotations

import math
import tomllib
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from debttrap.country.model import Country
from debttrap.dsa.stress import StressSettings
from debttrap.errors import WorkbookError
from debttrap.io.files import parse_model

__all__ = [
    "DEFAULT_VERSION",
    "CellRead",
    "TemplateMapping",
    "WorkbookInputs",
    "available_versions",
    "column_index",
    "column_letter",
    "load_mapping",
    "read_workbook",
]

DEFAULT_VERSION = "2025-08-12"
_MAPPING_PACKAGE = "debttrap.io.mappings"
_SUFFIXES = (".xlsx", ".xlsm")


def column_index(letters: str) -> int:
    """1-based index of a spreadsheet column (``"A"`` -> 1, ``"BP"`` -> 68)."""
    n = 0
    for ch in letters.upper():
        if not "A" <= ch <= "Z":
            raise ValueError(f"bad column letters {letters!r}")
        n = n * 26 + ord(ch) - 64
    return n


def column_letter(index: int) -> str:
    """Spreadsheet column letters of a 1-based index (68 -> ``"BP"``)."""
    if index < 1:
        raise ValueError(f"column index must be >= 1, got {index}")
    s = ""
    while index:
        index, r = divmod(index - 1, 26)
        s = chr(65 + r) + s
    return s


def _split_cell(ref: str) -> tuple[int, int]:
    letters = "".join(ch for ch in ref if ch.isalpha())
    digits = ref[len(letters) :]
    if not letters or not digits.isdigit():
        raise ValueError(f"bad cell reference {ref!r}")
    return int(digits), column_index(letters)


@dataclass(frozen=True, slots=True)
class TemplateMapping:
    """One template version's cell map, as parsed from its TOML file."""

    version: str
    title: str
    sheets: Mapping[str, str]
    spec: Mapping[str, Any]
    source: str

    def sheet(self, key: str) -> str:
        return self.sheets[key]


def available_versions() -> list[str]:
    """Template versions that have a mapping file in the package."""
    files = resources.files(_MAPPING_PACKAGE)
    out = []
    for entry in files.iterdir():
        name = entry.name
        if name.startswith("lic-dsf-") and name.endswith(".toml"):
            out.append(name.removeprefix("lic-dsf-").removesuffix(".toml"))
    return sorted(out)


def load_mapping(version: str = DEFAULT_VERSION) -> TemplateMapping:
    """Parse the mapping file of a template ``version`` (``"2025-08-12"``)."""
    name = f"lic-dsf-{version}.toml"
    entry = resources.files(_MAPPING_PACKAGE).joinpath(name)
    if not entry.is_file():
        raise WorkbookError(
            f"no mapping for LIC-DSF template version '{version}' "
            f"(known: {', '.join(available_versions()) or 'none'})"
        )
    spec = tomllib.loads(entry.read_text(encoding="utf-8"))
    tmpl = spec["template"]
    return TemplateMapping(
        version=str(tmpl["version"]),
        title=str(tmpl["title"]),
        sheets=dict(spec["sheets"]),
        spec=spec,
        source=name,
    )


@dataclass(frozen=True, slots=True)
class CellRead:
    """Where one field came from: its cells, its value, ``read`` or ``default``/``derived``."""

    field: str
    sheet: str
    cells: str
    value: Any
    status: str


@dataclass(frozen=True, slots=True)
class WorkbookInputs:
    """A workbook read through a mapping: country, stress settings and provenance."""

    source: str
    template_version: str
    country: Country
    settings: StressSettings
    provenance: tuple[CellRead, ...]
    notes: tuple[str, ...]

    @property
    def defaults_used(self) -> tuple[str, ...]:
        """Fields whose cells were empty and took the template's documented default."""
        return tuple(c.field for c in self.provenance if c.status == "default")

    def to_frame(self) -> pd.DataFrame:
        """One row per field: sheet, cells, value (series summarised) and status."""
        rows = []
        for c in self.provenance:
            v = c.value
            if isinstance(v, Mapping):
                years = sorted(v)
                v = f"{len(years)} years {years[0]}-{years[-1]}" if years else "no years"
            rows.append((c.field, c.sheet, c.cells, v, c.status))
        frame = pd.DataFrame(rows, columns=["field", "sheet", "cells", "value", "status"])
        return frame.set_index("field")


class _Book:
    """The cached values of the rows the mapping needs, sheet by sheet."""

    def __init__(self, label: str, values: dict[str, dict[tuple[int, int], Any]]):
        self.label = label
        self.values = values

    def raw(self, sheet: str, row: int, col: int) -> Any:
        v = self.values.get(sheet, {}).get((row, col))
        if isinstance(v, str) and not v.strip():
            return None
        return v

    def where(self, sheet: str, ref: str) -> str:
        return f"'{sheet}'!{ref}"

    def number(self, sheet: str, row: int, col: int, field: str) -> float | None:
        v = self.raw(sheet, row, col)
        if v is None:
            return None
        ref = f"{column_letter(col)}{row}"
        if isinstance(v, bool):
            raise WorkbookError(
                f"{self.label}: {self.where(sheet, ref)} ({field}) holds {v!r}; it must be a number"
            )
        if isinstance(v, (int, float)):
            x = float(v)
        else:
            text = str(v).strip()
            try:
                x = float(text.replace(",", ""))
            except ValueError:
                raise WorkbookError(
                    f"{self.label}: {self.where(sheet, ref)} ({field}) holds {text!r}; "
                    "it must be a number"
                ) from None
        if not math.isfinite(x):
            raise WorkbookError(
                f"{self.label}: {self.where(sheet, ref)} ({field}) is not a finite number"
            )
        return x


def _open(path: Path, mapping: TemplateMapping) -> _Book:
    """Load the needed sheets' cached values; one-line errors for unreadable files."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    label = path.name
    if not path.exists():
        raise WorkbookError(f"{label}: file not found")
    if path.is_dir():
        raise WorkbookError(f"{label}: is a folder, not a workbook")
    if path.suffix.lower() not in _SUFFIXES:
        raise WorkbookError(
            f"{label}: unsupported workbook type '{path.suffix or '(none)'}' (use .xlsx or .xlsm)"
        )
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except (zipfile.BadZipFile, InvalidFileException, OSError, KeyError, ValueError) as exc:
        kind = type(exc).__name__
        raise WorkbookError(
            f"{label}: cannot be read as an Excel workbook ({kind}); "
            "save it from Excel as .xlsx or .xlsm and try again"
        ) from None
    try:
        names = list(wb.sheetnames)
        wanted = list(dict.fromkeys(mapping.sheets.values()))
        missing = [s for s in wanted if s not in names]
        if len(missing) == len(wanted):
            raise WorkbookError(
                f"{label}: not a LIC-DSF template workbook: none of its sheets "
                f"('{wanted[0]}', '{wanted[1]}', ...) is present"
            )
        if missing:
            more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
            raise WorkbookError(
                f"{label}: does not match the LIC-DSF template of {mapping.version}: "
                f"sheet '{missing[0]}' is missing{more}"
            )
        bounds = _row_bounds(mapping)
        values: dict[str, dict[tuple[int, int], Any]] = {}
        for key, sheet in mapping.sheets.items():
            if key not in bounds:
                continue
            max_row, max_col = bounds[key]
            ws = wb[sheet]
            cells: dict[tuple[int, int], Any] = {}
            for r, row in enumerate(
                ws.iter_rows(min_row=1, max_row=max_row, max_col=max_col, values_only=True),
                start=1,
            ):
                for c, v in enumerate(row, start=1):
                    if v is not None:
                        cells[(r, c)] = v
            values[sheet] = cells
    except WorkbookError:
        raise
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, TypeError) as exc:
        raise WorkbookError(
            f"{label}: a sheet cannot be read ({type(exc).__name__}); "
            "the file may be damaged: save it again from Excel"
        ) from None
    finally:
        wb.close()
    return _Book(label, values)


def _row_bounds(mapping: TemplateMapping) -> dict[str, tuple[int, int]]:
    """For each sheet key, the last row and column any mapping entry reads."""
    spec = mapping.spec
    bounds: dict[str, tuple[int, int]] = {}

    def see(key: str, row: int, col: int) -> None:
        r, c = bounds.get(key, (0, 0))
        bounds[key] = (max(r, row), max(c, col))

    for s in spec.get("scalars", []):
        refs = [*s["cells"], *s.get("otherwise_cells", [])]
        if "switch" in s:
            refs.append(s["switch"]["cell"])
        for ref in refs:
            see(s["sheet"], *_split_cell(ref))
    macro = spec["columns"]["macro"]
    last_col = column_index(macro["last_column"])
    rows = [s["row"] for s in spec.get("series", [])]
    fin = spec["financing"]
    for ln in fin["lines"]:
        rows += [ln["row"] + fin["disbursement_row_offset"], ln.get("existing_row", 0)]
        see(fin["sheet"], ln.get("ida_terms_row", ln["row"]), column_index(fin["maturity_column"]))
    see(macro["sheet"], max(rows), last_col)
    dd = spec["domestic_debt"]
    pub = spec["columns"]["public_output"]
    see(
        dd["sheet"],
        max(
            dd["public_debt_pct_gdp_row"], dd["external_public_debt_pct_gdp_row"], dd["gdp_lcu_row"]
        ),
        max(column_index(c) for c in pub["year_columns"]),
    )
    cap = spec["capacity"]
    for ref in cap["cells"]:
        see(cap["sheet"], *_split_cell(ref))
    return bounds


def _set(doc: dict[str, Any], dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    node = doc
    for p in parts[:-1]:
        node = node.setdefault(p, {})
    node[parts[-1]] = value


def _get(doc: Mapping[str, Any], dotted: str) -> Any:
    node: Any = doc
    for p in dotted.split("."):
        if not isinstance(node, Mapping) or p not in node:
            return None
        node = node[p]
    return node


class _Reader:
    """Walks a mapping over one workbook, building the country and settings documents."""

    def __init__(self, book: _Book, mapping: TemplateMapping):
        self.book = book
        self.m = mapping
        self.spec = mapping.spec
        self.prov: list[CellRead] = []
        self.notes: list[str] = []
        self.doc: dict[str, Any] = {}

    # -- scalars -------------------------------------------------------------
    def _scalar(self, entry: Mapping[str, Any]) -> None:
        field = str(entry["field"])
        sheet = self.m.sheet(entry["sheet"])
        kind = entry.get("kind", "float")
        refs: Sequence[str] = entry["cells"]
        if "switch" in entry:  # a cell that says which column the template reads
            sw = entry["switch"]
            text = self.book.raw(sheet, *_split_cell(sw["cell"]))
            if str(text or "").strip().lower() != str(sw["equals"]).lower():
                refs = entry["otherwise_cells"]
        for ref in refs:
            row, col = _split_cell(ref)
            raw = self.book.raw(sheet, row, col)
            if raw is None:
                continue
            value = self._convert(raw, kind, sheet, ref, field, entry)
            if "divide_by_abs_field" in entry:  # a size per unit of another field's value
                base = _get(self.doc, str(entry["divide_by_abs_field"]))
                if not base:
                    self.notes.append(
                        f"{field}: '{sheet}'!{ref} is read per unit of "
                        f"{entry['divide_by_abs_field']}, which is zero or empty; "
                        "debttrap's default is used"
                    )
                    break
                value = value / abs(float(base) * float(entry.get("divide_by_scale", 1.0)))
            _set(self.doc, field, value)
            self.prov.append(CellRead(field, sheet, ref, value, "read"))
            return
        where = "/".join(refs)
        if entry.get("required", False):
            raise WorkbookError(
                f"{self.book.label}: does not match the LIC-DSF template of {self.m.version}: "
                f"'{sheet}'!{where} ({field}) is empty; fill it in"
            )
        if "default" in entry:
            _set(self.doc, field, entry["default"])
            self.prov.append(CellRead(field, sheet, where, entry["default"], "default"))

    def _convert(
        self, raw: Any, kind: str, sheet: str, ref: str, field: str, entry: Mapping[str, Any]
    ) -> Any:
        where = f"'{sheet}'!{ref} ({field})"
        if kind in ("yesno", "onoff"):
            true_word, false_word = ("yes", "no") if kind == "yesno" else ("on", "off")
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in (true_word, "true", "1"):
                return True
            if text in (false_word, "false", "0"):
                return False
            raise WorkbookError(
                f"{self.book.label}: {where} holds {raw!r}; "
                f"it must be {true_word.title()} or {false_word.title()}"
            )
        if kind == "choice":  # a label: the first keyword it contains names the value
            text = str(raw).strip().lower()
            choices: Mapping[str, Any] = entry["choices"]
            for word, value in choices.items():
                if word in text:
                    return value
            raise WorkbookError(
                f"{self.book.label}: {where} holds {raw!r}; it must name one of: "
                + ", ".join(sorted(set(map(str, choices))))
            )
        row, col = _split_cell(ref)
        x = self.book.number(sheet, row, col, field)
        assert x is not None
        x *= float(entry.get("scale", 1.0))
        if kind == "int":
            if abs(x - round(x)) > 1e-9:
                raise WorkbookError(
                    f"{self.book.label}: {where} holds {x:g}; it must be a whole number"
                )
            return round(x)
        return x

    # -- year rows ------------------------------------------------------------
    def _t(self) -> int:
        t = _get(self.doc, "first_projection_year")
        assert isinstance(t, int)
        return t

    def year_row(
        self,
        sheet_key: str,
        row: int,
        first: int,
        last: int,
        field: str,
        *,
        t_column: str | None = None,
        year_columns: Sequence[str] | None = None,
    ) -> dict[int, float]:
        """Values of one row by year; ``t_column`` (contiguous years) or ``year_columns``."""
        sheet = self.m.sheet(sheet_key)
        t = self._t()
        out: dict[int, float] = {}
        for year in range(first, last + 1):
            if year_columns is not None:
                k = year - t
                if not 0 <= k < len(year_columns):
                    continue
                col = column_index(year_columns[k])
            else:
                assert t_column is not None
                col = column_index(t_column) + (year - t)
            if col < 1:
                continue
            v = self.book.number(sheet, row, col, field)
            if v is not None:
                out[year] = v
        return out

    def _macro_bounds(self) -> tuple[int, int, str]:
        cols = self.spec["columns"]["macro"]
        t = self._t()
        t_col = column_index(cols["t_column"])
        first = t + column_index(cols["first_column"]) - t_col
        last = t + column_index(cols["last_column"]) - t_col
        return first, last, str(cols["t_column"])

    def _series(self, entry: Mapping[str, Any]) -> None:
        field = str(entry["field"])
        row = int(entry["row"])
        first, last, t_column = self._macro_bounds()
        values = self.year_row("macro", row, first, last, field, t_column=t_column)
        sheet = self.m.sheet("macro")
        need = entry.get("need")
        if need is not None:
            t = self._t()
            for year in range(t + int(need[0]), t + int(need[1]) + 1):
                if year not in values:
                    col = column_letter(column_index(t_column) + year - t)
                    raise WorkbookError(
                        f"{self.book.label}: '{sheet}'!{col}{row} ({field}, {year}) is empty; "
                        f"the DSA needs {t + int(need[0])}-{t + int(need[1])}"
                    )
        if values:
            _set(self.doc, field, values)
            span = f"row {row}, {min(values)}-{max(values)}"
            self.prov.append(CellRead(field, sheet, span, values, "read"))

    # -- creditor lines ----------------------------------------------------------
    def _lines(self) -> None:
        fin = self.spec["financing"]
        sheet4 = self.m.sheet(fin["sheet"])
        sheet3 = self.m.sheet("macro")
        t = self._t()
        horizon = int(self.spec["template"]["horizon_years"])
        _, last, t_column = self._macro_bounds()
        existing: list[dict[str, Any]] = []
        new: list[dict[str, Any]] = []
        for ln in fin["lines"]:
            r4 = int(ln["row"])
            r_ex = int(ln.get("existing_row", 0))
            ds = (
                self.year_row("macro", r_ex, t, last, "existing debt service", t_column=t_column)
                if r_ex
                else {}
            )
            if any(ds.values()):
                existing.append(
                    {
                        "name": f"existing debt, Input 4 row {r4}",
                        "creditor_group": ln["group"],
                        "debt_service_usd_m": ds,
                        "source": f"'{sheet3}' row {r_ex}, {min(ds)}-{max(ds)}",
                    }
                )
                self.prov.append(
                    CellRead(
                        f"external_debt.existing_lines[Input 4 row {r4}]",
                        sheet3,
                        f"row {r_ex}",
                        ds,
                        "read",
                    )
                )
            r_d = r4 + int(fin["disbursement_row_offset"])
            disb = self.year_row("macro", r_d, t, t + horizon, "disbursements", t_column=t_column)
            disb = {y: v for y, v in disb.items() if v}
            if not disb:
                continue
            name = f"{ln['label']}, Input 4 row {r4}"
            terms_row = int(ln.get("ida_terms_row", r4))
            cols = (
                ("ida_rate_column", "ida_grace_column", "ida_maturity_column")
                if "ida_terms_row" in ln
                else ("rate_column", "grace_column", "maturity_column")
            )
            terms: list[float] = []
            for key, what in zip(
                cols, ("interest rate", "grace years", "maturity years"), strict=True
            ):
                col = column_index(fin[key])
                v = self.book.number(sheet4, terms_row, col, f"{name}: {what}")
                if v is None:
                    raise WorkbookError(
                        f"{self.book.label}: '{sheet4}'!{fin[key]}{terms_row} ({name}: {what}) "
                        f"is empty but the line disburses in {min(disb)}; fill in its terms"
                    )
                terms.append(v)
            rate, grace, maturity = terms
            for v, what, ref in (
                (grace, "grace", fin[cols[1]]),
                (maturity, "maturity", fin[cols[2]]),
            ):
                if abs(v - round(v)) > 1e-9:
                    raise WorkbookError(
                        f"{self.book.label}: '{sheet4}'!{ref}{terms_row} ({name}: {what} years) "
                        f"holds {v:g}; it must be a whole number of years"
                    )
            tsrc = f"'{sheet4}'!{fin[cols[0]]}{terms_row}:{fin[cols[2]]}{terms_row}"
            new.append(
                {
                    "name": name,
                    "creditor_group": ln["group"],
                    "interest_rate_pct": 100.0 * rate,
                    "grace_years": round(grace),
                    "maturity_years": round(maturity),
                    "market_financing": bool(ln.get("market", False)),
                    "disbursements_usd_m": disb,
                    "source": f"disbursements '{sheet3}' row {r_d}; terms {tsrc}",
                }
            )
            self.prov.append(
                CellRead(
                    f"new_external_financing[{name}]",
                    sheet4,
                    tsrc,
                    {y: v for y, v in disb.items()},
                    "read",
                )
            )
        _set(self.doc, "external_debt.existing_lines", existing)
        self.doc["new_external_financing"] = new

    # -- derived blocks ----------------------------------------------------------
    def _primary_balance_history(self) -> None:
        """``macro.primary_balance_history_pct_gdp`` for t-10 .. t-1 (B2 sizes from it)."""
        pb = self.spec["primary_balance_history"]
        t = self._t()
        first, last = t + int(pb["years"][0]), t + int(pb["years"][1])
        _, _, t_column = self._macro_bounds()
        rows = {
            k: self.year_row("macro", int(pb[k]), first, last, k, t_column=t_column)
            for k in ("revenue_row", "primary_expenditure_row", "gdp_usd_row", "fx_avg_row")
        }
        years = [y for y in range(first, last + 1) if all(y in r for r in rows.values())]
        where = f"Input 3 rows {pb['revenue_row']}/{pb['primary_expenditure_row']}"
        if len(years) < 2:
            self.notes.append(
                f"B2: no primary-balance history {first}-{last} in {where}; B2 is not run "
                "unless stress.primary_balance_mean_pct_gdp/_sd_pct_gdp are given"
            )
            return
        hist = {
            y: 100.0
            * (rows["revenue_row"][y] - rows["primary_expenditure_row"][y])
            / (rows["gdp_usd_row"][y] * rows["fx_avg_row"][y])
            for y in years
        }
        if len(years) < last - first + 1:
            self.notes.append(
                f"B2: primary-balance history has {len(years)} of {last - first + 1} years "
                f"({where}); B2 is sized on those"
            )
        _set(self.doc, "macro.primary_balance_history_pct_gdp", hist)
        cells = (
            f"rows {pb['revenue_row']}, {pb['primary_expenditure_row']}, {pb['gdp_usd_row']}, "
            f"{pb['fx_avg_row']}, {years[0]}-{years[-1]}"
        )
        self.prov.append(
            CellRead(
                "macro.primary_balance_history_pct_gdp",
                self.m.sheet("macro"),
                cells,
                hist,
                "derived",
            )
        )

    def _domestic_debt(self) -> None:
        dd = self.spec["domestic_debt"]
        pub = self.spec["columns"]["public_output"]
        sheet = self.m.sheet(dd["sheet"])
        t = self._t()
        ycols: list[str] = list(pub["year_columns"])
        last_out = t + len(ycols) - 1
        rows = {}
        for key in ("public_debt_pct_gdp_row", "external_public_debt_pct_gdp_row", "gdp_lcu_row"):
            row = int(dd[key])
            vals = self.year_row(dd["sheet"], row, t, last_out, key, year_columns=ycols)
            missing = [y for y in range(t, last_out + 1) if y not in vals]
            if missing:
                col = ycols[missing[0] - t]
                raise WorkbookError(
                    f"{self.book.label}: '{sheet}'!{col}{row} (domestic debt, {missing[0]}) has no "
                    "cached value; open the workbook in Excel, recalculate and save it"
                )
            rows[key] = vals
        p, e, g = (
            rows["public_debt_pct_gdp_row"],
            rows["external_public_debt_pct_gdp_row"],
            rows["gdp_lcu_row"],
        )
        stock = {y: (p[y] - e[y]) / 100.0 * g[y] for y in range(t, last_out + 1)}
        ratio = (p[last_out] - e[last_out]) / 100.0
        gdp = _get(self.doc, "macro.nominal_gdp_usd_m") or {}
        fx = _get(self.doc, "macro.exchange_rate_avg_lcu_per_usd") or {}
        last = t + int(self.spec["template"]["horizon_years"])
        for y in range(last_out + 1, last + 1):
            if y in gdp and y in fx:
                stock[y] = ratio * gdp[y] * fx[y]
        src = (
            f"'{sheet}' rows {dd['public_debt_pct_gdp_row']}"
            f"-{dd['external_public_debt_pct_gdp_row']} (% of GDP) x row {dd['gdp_lcu_row']}, "
            f"{t}-{last_out}; the {last_out} ratio to GDP after that"
        )
        self.doc["domestic_debt"] = {"stock_lcu_m": stock, "source": src}
        self.prov.append(CellRead("domestic_debt.stock_lcu_m", sheet, src, stock, "derived"))

    def _capacity(self) -> None:
        cap = self.spec["capacity"]
        sheet = self.m.sheet(cap["sheet"])
        got: list[float] = []
        for ref in cap["cells"]:
            row, col = _split_cell(ref)
            v = self.book.number(sheet, row, col, "capacity threshold")
            if v is None:
                raise WorkbookError(
                    f"{self.book.label}: '{sheet}'!{ref} (debt-carrying capacity threshold) has no "
                    "cached value; open the workbook in Excel, recalculate and save it"
                )
            got.append(v)
        for name, thr in cap["classes"].items():
            if all(abs(a - float(b)) < 1e-6 for a, b in zip(got, thr, strict=True)):
                where = "/".join(cap["cells"])
                self.doc["capacity"] = {
                    "classification": name,
                    "source": f"thresholds {'/'.join(f'{x:g}' for x in got)} in '{sheet}'!{where}",
                }
                self.prov.append(CellRead("capacity.classification", sheet, where, name, "derived"))
                return
        raise WorkbookError(
            f"{self.book.label}: '{sheet}'!{cap['cells'][0]}.. thresholds "
            f"{'/'.join(f'{x:g}' for x in got)} match no debt-carrying-capacity class"
        )

    # -- whole workbook ----------------------------------------------------------
    def run(self, path: Path) -> WorkbookInputs:
        scalars = list(self.spec.get("scalars", []))
        first = [s for s in scalars if s["field"] == "first_projection_year"]
        for entry in first:
            self._scalar(entry)
        t = self._t()
        if not 1980 <= t <= 2100:
            raise WorkbookError(
                f"{self.book.label}: '{self.m.sheet('basics')}'!C18 (first_projection_year) "
                f"is {t}; it must be a calendar year"
            )
        for entry in scalars:
            if entry["field"] != "first_projection_year":
                self._scalar(entry)
        for entry in self.spec.get("series", []):
            self._series(entry)
        self._lines()
        self._domestic_debt()
        self._capacity()
        self._primary_balance_history()
        stress: dict[str, Any] = dict(self.doc.pop("stress", {}))
        tl = self.doc.get("tailored", {})
        if tl.get("commodity_exporter") and not tl.get("commodity_exports_share_pct"):
            self.notes.append(
                "C3: the commodity share of exports (the template's fuel/non-fuel export rows) "
                "is not mapped; C3 runs once tailored.commodity_exports_share_pct is given"
            )
        tmpl = self.spec["template"]
        self.doc["name"] = f"{path.stem} (LIC-DSF workbook)"
        self.doc["last_projection_year"] = t + int(tmpl["horizon_years"])
        self.doc["external_debt_definition"] = tmpl["external_debt_definition"]
        self.doc["notes"] = f"Read from {path.name} through {self.m.source}"
        country = parse_model(Country, self.doc, source=path.name)
        settings = parse_model(StressSettings, stress, source=path.name, prefix="stress")
        return WorkbookInputs(
            source=path.name,
            template_version=self.m.version,
            country=country,
            settings=settings,
            provenance=tuple(self.prov),
            notes=tuple(self.notes),
        )


def _candidate_mappings(version: str | None) -> Iterable[TemplateMapping]:
    if version is not None:
        yield load_mapping(version)
        return
    for v in reversed(available_versions()):
        yield load_mapping(v)


def read_workbook(path: str | Path, *, version: str | None = None) -> WorkbookInputs:
    """Read a filled LIC-DSF workbook (``.xlsx``/``.xlsm``) into country + stress settings.

    ``version`` picks a mapping; by default every known version is tried
    (newest first) and the first whose sheets and required cells match wins.
    Errors (:class:`~debttrap.errors.WorkbookError`) are one line naming the
    sheet, cell and field.
    """
    p = Path(path)
    first_error: WorkbookError | None = None
    for mapping in _candidate_mappings(version):
        try:
            book = _open(p, mapping)
            return _Reader(book, mapping).run(p)
        except WorkbookError as exc:
            if first_error is None:
                first_error = exc
    assert first_error is not None
    raise first_error
