"""The bundled datasets' catalogue and the one reader every loader goes through.

Each file is read once per process (:func:`functools.cache`) and split by
``iso3`` once; loaders hand out copies. A file that is missing or unreadable
raises :class:`~debttrap.errors.DataError` naming the dataset.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources

import pandas as pd

from debttrap.errors import DataError

__all__ = ["DATASETS", "DatasetInfo", "countries_in", "covered_countries"]

WEO = "imf-weo-2024oct"
IDS = "wb-ids-ppg-debt-stocks-by-creditor"
DSSI = "wb-dssi-debt-service-by-creditor-2020"
WDI = "wb-wdi-lic-macro"
WDIX = "wb-wdi-external"


@dataclass(frozen=True, slots=True)
class DatasetInfo:
    """One bundled dataset: its folder, files and what it holds."""

    name: str
    files: tuple[str, ...]
    description: str
    source: str


DATASETS: dict[str, DatasetInfo] = {
    d.name: d
    for d in (
        DatasetInfo(
            "imf-weo-2024oct",
            ("weo.parquet", "series.parquet", "countries.parquet"),
            "WEO macro history and projections 1980-2029, 196 countries, 29 series",
            "IMF, World Economic Outlook Database, October 2024",
        ),
        DatasetInfo(
            "wb-ids-ppg-debt-stocks-by-creditor",
            ("stocks.parquet", "creditors.parquet", "debtors.parquet"),
            "PPG external debt stocks by debtor x creditor x series, 2000-2022",
            "World Bank, International Debt Statistics (2023 edition)",
        ),
        DatasetInfo(
            "wb-dssi-debt-service-by-creditor-2020",
            ("dssi.parquet", "countries.parquet"),
            "PPG stocks 2014-18 and debt service due 2019-24 by lender, 72 countries",
            "World Bank, International Debt Statistics, DSSI tables, June 2020",
        ),
        DatasetInfo(
            "wb-ids-currency-composition",
            ("currency.parquet",),
            "currency shares of PPG long-term external debt, 2001-2024",
            "World Bank IDS; compiled by ONE Campaign",
        ),
        DatasetInfo(
            "wb-wdi-cpia",
            ("cpia.parquet",),
            "CPIA overall score (IDA Resource Allocation Index), 2005-2025",
            "World Bank, CPIA via WDI (IQ.CPA.IRAI.XQ)",
        ),
        DatasetInfo(
            "wb-wdi-lic-macro",
            ("wdi.parquet",),
            "revenue excl. grants, remittances, reserve cover, growth and components, 1990-2025",
            "World Bank, World Development Indicators (July 2026)",
        ),
        DatasetInfo(
            "wb-wdi-external",
            ("series.parquet",),
            "exports/imports of goods and services, external debt stocks (PPG, short-term, "
            "IMF credit), commodity export shares, FDI, ODA, 1990-2025",
            "World Bank, World Development Indicators and International Debt Statistics (2026)",
        ),
        DatasetInfo(
            "fdl-lic-dsa-debt-carrying-capacity",
            ("lic_dsa_debt_carrying_capacity.parquet",),
            "debt-carrying capacity and CI inputs of 606 published LIC DSAs, 2013-2023",
            "IMF-World Bank LIC DSAs, compiled by the Finance for Development Lab (2024)",
        ),
        DatasetInfo(
            "imf-lic-dsa-risk-ratings",
            ("ratings.parquet",),
            "latest published LIC-DSA risk ratings, 34 countries (Dec 2025); validation only",
            "IMF, List of LIC DSAs for PRGT-Eligible Countries",
        ),
        DatasetInfo(
            "pwt-9.1",
            ("pwt.parquet",),
            "Penn World Table 9.1, 182 countries 1950-2017, 10 variables",
            "Feenstra, Inklaar & Timmer (2015), AER 105(10)",
        ),
        DatasetInfo(
            "aiddata-gcdf3-derived",
            ("country_commitments.parquet", "yearly_flows.parquet"),
            "Chinese official commitments 2000-2021 by country, and by year x flow class",
            "AidData GCDF 3.0 (Custer et al. 2023; Dreher et al. 2022)",
        ),
        DatasetInfo(
            "paris-club-members",
            ("members.csv",),
            "the 22 permanent Paris Club members and their names in IDS and DSSI",
            "Paris Club, Permanent members",
        ),
        DatasetInfo(
            "debt-distress-events",
            ("events.csv",),
            "documented external arrears, defaults, restructurings and deferrals (sourced rows)",
            "hand-curated; one public source per row",
        ),
        DatasetInfo(
            "wb-ibrd-statement-of-loans-2023-05",
            ("loans.parquet",),
            "IBRD loans one by one (amounts, current rate, repayment dates), as of May 2023",
            "World Bank Finances One, IBRD Statement of Loans",
        ),
        DatasetInfo(
            "wb-ida-statement-of-credits-2019-12",
            ("credits.parquet",),
            "IDA credits and grants one by one (amounts, service charge, repayment dates), "
            "as of Dec 2019",
            "World Bank Finances One, IDA Statement of Credits and Grants",
        ),
        DatasetInfo(
            "china-estimated-book-terms",
            ("terms.csv",),
            "Chinese official lending by instrument: volume shares and typical terms",
            "How China Lends (Gelpern et al. 2021); AidData, Banking on the Belt and Road",
        ),
    )
}


def _path_for(dataset: str, file: str) -> resources.abc.Traversable:
    return resources.files("debttrap").joinpath("data", dataset, file)


@functools.cache
def _table(dataset: str, file: str) -> pd.DataFrame:
    """Read one bundled file (cached per process; callers must not modify the result)."""
    return _plain_text(_raw_table(dataset, file).copy())


def _plain_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Categorical (dictionary-encoded) columns as plain text, in place; returns ``frame``."""
    for col in frame.columns:
        if isinstance(frame[col].dtype, pd.CategoricalDtype):
            frame[col] = frame[col].astype(str)
    return frame


@functools.cache
def _raw_table(dataset: str, file: str) -> pd.DataFrame:
    """One bundled file as stored (text columns may be categorical; cached per process)."""
    ref = _path_for(dataset, file)
    try:
        with resources.as_file(ref) as path:
            if file.endswith(".csv"):
                frame = pd.read_csv(path, dtype=str, keep_default_na=False)
            else:
                frame = pd.read_parquet(path)
    except FileNotFoundError:
        raise DataError(
            f"bundled file {file} is missing (reinstall debttrap or run tools/build_data.py)",
            dataset=dataset,
        ) from None
    except (OSError, ValueError) as exc:
        raise DataError(f"cannot read bundled file {file}: {exc}", dataset=dataset) from None
    return frame


@functools.cache
def _by_iso3(dataset: str, file: str) -> dict[str, pd.DataFrame]:
    """The file split by ``iso3`` (cached; the dict's frames are never handed out).

    Split as stored: text columns become plain text per country when one is handed out
    (:func:`_country`), so asking for one country never converts the whole table."""
    frame = _raw_table(dataset, file)
    return {str(k): g for k, g in frame.groupby("iso3", sort=True, observed=True)}


def _code(iso3: str) -> str:
    code = str(iso3).strip().upper()
    if len(code) != 3 or not code.isalpha():
        raise DataError(
            f"'{iso3}' is not an ISO3 country code (three letters, e.g. ZMB)", dataset=None
        )
    return code


def _country(dataset: str, file: str, iso3: str | None, what: str = "") -> pd.DataFrame:
    if iso3 is None:
        return _table(dataset, file).copy()
    code = _code(iso3)
    parts = _by_iso3(dataset, file)
    if code not in parts:
        raise DataError(
            f"no data for country {code}{what} (the dataset covers {len(parts)} countries)",
            dataset=dataset,
            file=file,
        )
    return _plain_text(parts[code].reset_index(drop=True).copy())


def _only_series(
    frame: pd.DataFrame, dataset: str, have: Iterable[str], want: Sequence[str]
) -> pd.DataFrame:
    """The rows of the ``want`` series (``have`` lists the known ones; an unknown one raises)."""
    known = set(have)
    for s in want:
        if s not in known:
            raise DataError(
                f"unknown series (known: {', '.join(sorted(known))})", dataset=dataset, series=s
            )
    return frame[frame["series"].isin(list(want))].reset_index(drop=True)


def countries_in(dataset: str) -> frozenset[str]:
    """ISO3 codes present in a country-keyed bundled dataset (cheap membership test)."""
    files = {
        WEO: "weo.parquet",
        IDS: "stocks.parquet",
        DSSI: "dssi.parquet",
        "wb-ids-currency-composition": "currency.parquet",
        "wb-wdi-cpia": "cpia.parquet",
        WDI: "wdi.parquet",
        WDIX: "series.parquet",
        "fdl-lic-dsa-debt-carrying-capacity": "lic_dsa_debt_carrying_capacity.parquet",
        "pwt-9.1": "pwt.parquet",
        "aiddata-gcdf3-derived": "country_commitments.parquet",
    }
    if dataset not in files:
        raise DataError(f"not a country-keyed dataset (one of {', '.join(files)})", dataset=dataset)
    return frozenset(_by_iso3(dataset, files[dataset]))


def covered_countries() -> tuple[str, ...]:
    """ISO3 codes with both WEO macro data and IDS PPG debt stocks (what the builder can build)."""
    weo_codes = set(_by_iso3(WEO, "weo.parquet"))
    ids_codes = set(_by_iso3(IDS, "stocks.parquet"))
    return tuple(sorted(weo_codes & ids_codes))
