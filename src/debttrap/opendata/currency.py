"""The currency composition of a built country's PPG long-term external debt."""

from __future__ import annotations

from debttrap import datasets as ds
from debttrap.opendata.provenance import Provenance

__all__ = ["currency_shares"]

_CURRENCY = "wb-ids-currency-composition"


def currency_shares(code: str, t: int, rec: Provenance) -> tuple[dict[str, float], int | None]:
    """Shares (percent) by currency in the latest year before ``t``, and that year.

    Not a :class:`~debttrap.country.Country` field: recorded for the exchange-rate
    exposure. Empty, with year ``None``, where the data have no such year.
    """
    if code not in ds.countries_in(_CURRENCY):
        return {}, None
    cc = ds.currency_composition(code)
    cc = cc[cc["year"] <= t - 1]
    if cc.empty:
        return {}, None
    year = int(cc["year"].max())
    latest = cc[cc["year"] == year]
    shares = {
        str(c): float(v) for c, v in zip(latest["currency"], latest["share_pct"], strict=True)
    }
    rec.source(
        "currency_composition",
        f"{_CURRENCY}: DT.CUR.*.ZS, {year} (not a Country field; recorded for exchange-rate "
        "exposure)",
    )
    return shares, year
