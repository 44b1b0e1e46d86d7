"""Debt data: IDS debt stocks by creditor, the DSSI tables, currency composition,
published DSAs (capacity classes, risk ratings), Chinese lending (AidData), the
Paris Club's members and documented distress events."""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np
import pandas as pd

from debttrap.datasets._files import DSSI, IDS, _code, _country, _only_series, _table
from debttrap.errors import DataError

__all__ = [
    "IDS_SERIES",
    "currency_composition",
    "debt_carrying_capacity",
    "distress_events",
    "dssi",
    "gcdf_country_commitments",
    "gcdf_yearly_flows",
    "ids_creditors",
    "ids_debt_stocks",
    "imf_risk_ratings",
    "paris_club_members",
]

IDS_SERIES = ("total", "bilateral", "multilateral", "bonds", "commercial_banks", "other_private")


def ids_creditors() -> pd.DataFrame:
    """IDS counterpart creditors: ``creditor_id, creditor, kind, paris_club, is_china``.

    ``kind`` is ``world`` (all creditors), ``bondholders``, ``multiple_lenders``,
    ``multilateral`` or ``country``; ``paris_club`` marks the 22 permanent
    members; ``is_china`` the IDS creditor "China" (Hong Kong and Macao apart).
    """
    return _table(IDS, "creditors.parquet").copy()


def ids_debt_stocks(iso3: str | None = None, series: Sequence[str] | None = None) -> pd.DataFrame:
    """PPG external debt outstanding (end of year), long, 2000-2022.

    Columns: ``iso3, creditor_id, creditor, kind, paris_club, is_china, series,
    year, value_usd_m``. ``series`` is one of ``total`` (DT.DOD.DPPG.CD),
    ``bilateral``, ``multilateral``, ``bonds``, ``commercial_banks``,
    ``other_private``. Creditor ``WLD`` ("World") holds the all-creditor totals.
    """
    frame = _country(IDS, "stocks.parquet", iso3)
    if series is not None:
        frame = _only_series(frame, IDS, IDS_SERIES, series)
    cred = _table(IDS, "creditors.parquet")
    out = frame.merge(cred, on="creditor_id", how="left", validate="many_to_one")
    cols = [
        "iso3",
        "creditor_id",
        "creditor",
        "kind",
        "paris_club",
        "is_china",
        "series",
        "year",
        "value_usd_m",
    ]
    return out[cols].reset_index(drop=True)


def dssi(iso3: str | None = None) -> pd.DataFrame:
    """DSSI tables (June 2020), long: PPG stocks 2014-18 and service due 2019-24 by lender.

    Columns: ``iso3, lender_type, lender, is_total, measure, year, value_usd_m``;
    ``measure`` is ``stock`` (end of year) or ``service_due`` (principal +
    interest scheduled at end-2018). ``lender_type``: Official multilateral
    (incl. the IMF), Official bilateral, Non-official, Bondholders, and their
    ``Total …`` rows (``is_total``).
    """
    return _country(DSSI, "dssi.parquet", iso3)


def currency_composition(iso3: str | None = None) -> pd.DataFrame:
    """Currency shares of PPG long-term external debt: ``iso3, year, currency, share_pct``.

    ``currency``: USD, EUR, JPY, SDR, CHF, GBP, multiple, other (2001-2024).
    """
    return _country("wb-ids-currency-composition", "currency.parquet", iso3)


def debt_carrying_capacity(iso3: str | None = None) -> pd.DataFrame:
    """Capacity classes and CI inputs of published LIC DSAs (FDL database), one row per DSA.

    Columns include ``dsa_id, iso3, pub_year, pub_month, framework, dcc``
    (weak/medium/strong), ``ci_score`` and the ``ci_in_*`` averages.
    """
    return _country(
        "fdl-lic-dsa-debt-carrying-capacity", "lic_dsa_debt_carrying_capacity.parquet", iso3
    )


def imf_risk_ratings() -> pd.DataFrame:
    """Published LIC-DSA risk ratings, 34 countries (validation target only).

    Columns: ``iso3, country, risk_of_debt_distress`` (low / moderate / high /
    in debt distress), ``latest_publication``, ``debt_sustainability_assessment``.
    """
    return _table("imf-lic-dsa-risk-ratings", "ratings.parquet").copy()


def gcdf_country_commitments(iso3: str | None = None) -> pd.DataFrame:
    """AidData GCDF 3.0: Chinese official commitments 2000-2021 by country (constant 2021 US$ m).

    Columns: ``iso3, country, commitments_2000_2021_usd_m,
    weighted_interest_rate_pct, region, income_group, gdp_2021_usd_m,
    population_2021_m``.
    """
    return _country("aiddata-gcdf3-derived", "country_commitments.parquet", iso3)


def gcdf_yearly_flows() -> pd.DataFrame:
    """AidData GCDF 3.0: world ``commitments_usd_m`` by ``year`` and ``flow_class``."""
    return _table("aiddata-gcdf3-derived", "yearly_flows.parquet").copy()


def paris_club_members() -> pd.DataFrame:
    """The 22 permanent Paris Club members.

    Columns: ``member, iso3, ids_creditor_name, dssi_lender_name``.
    """
    return _table("paris-club-members", "members.csv").copy()


_EVENTS = "debt-distress-events"


@functools.lru_cache(maxsize=1)
def _events() -> pd.DataFrame:
    raw = _table(_EVENTS, "events.csv")
    need = {"iso3", "event_type", "creditors", "start", "end", "status_as_of", "source"}
    missing = need - set(raw.columns)
    if missing:
        raise DataError(f"events.csv lacks columns {sorted(missing)}", dataset=_EVENTS)
    out = raw.copy()
    try:
        out["start_year"] = out["start"].str[:4].astype(np.int64)
        out["end_year"] = pd.array([int(s[:4]) if s else pd.NA for s in out["end"]], dtype="Int64")
    except ValueError:
        raise DataError("start/end must be YYYY-MM", dataset=_EVENTS, series="start") from None
    out["start_approx"] = out["start_approx"].str.lower() == "true"
    return out


def distress_events(iso3: str | None = None, *, year: int | None = None) -> pd.DataFrame:
    """Documented external arrears, defaults, restructurings and deferrals (one row each).

    Columns: ``iso3, country, event_type, creditors, start, start_approx, end,
    status_as_of, description, source, source_url, start_year, end_year``
    (``end``/``end_year`` empty = open at ``status_as_of``). With ``year``, only
    episodes that count for that calendar year (``start_year ≤ year`` and no end
    or ``end_year ≥ year``). A country without a recorded episode gives an
    empty frame, not an error: absence of evidence is not evidence.
    """
    frame = _events()
    if iso3 is not None:
        frame = frame[frame["iso3"] == _code(iso3)]
    if year is not None:
        open_ = frame["end_year"].isna() | (frame["end_year"].fillna(0) >= year)
        frame = frame[(frame["start_year"] <= year) & open_.to_numpy(dtype=bool)]
    return frame.reset_index(drop=True).copy()
