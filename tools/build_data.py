"""Regenerate the data slices packaged in ``src/debttrap/data/`` from the raw sources.

This script is a maintainer's tool: the package never imports it and nothing
needs it at run or test time. It reads the raw files (the layout described in
``docs/data.md``: one folder per source, as named in each packaged
``PROVENANCE.md``), checks their SHA-256 against the values recorded there,
and writes compact, sorted Parquet slices (zstd) next to the hand-written
``PROVENANCE.md`` files.

Usage::

    python tools/build_data.py --source RAW_DATA_DIR [--out src/debttrap/data]

Money is converted to millions of US dollars (``_usd_m``); ratios stay in
percent. Each slice is described (columns, units, what was kept) in its
``PROVENANCE.md`` and in ``docs/data.md``.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

# Raw files and the SHA-256 their provenance records (the slices are built only from these bytes).
RAW_SHA256 = {
    "imf-weo-2024oct/imfweo.parquet": (
        "4026062f67733755bffab209b27f176ae05dc65b0646e198141ccc98e0284857"
    ),
    "wb-ids-ppg-debt-stocks-by-creditor/ids_ppg_debt_stocks_by_creditor.csv.gz": (
        "64f333ff3b90fbd082310a8859bbae0e3e6782103f91ea02c51a390ce8698b1b"
    ),
    "wb-dssi-debt-service-by-creditor-2020/DSSI_debt_service_v2.csv": (
        "4bae186fab175eab7c17fcd5deea510d088f727ea17bc31967553f331ebdc8f9"
    ),
    "wb-ids-currency-composition/ids_currency_composition_ppg.csv": (
        "410393ec874766cb0480aeb4cf1fbb95e311c3026da94f855f59d42dc1faed3b"
    ),
    "wb-wdi-cpia/cpia_irai.csv": "7ec7b77b58e89101bb4e3d3b037ea33e6bca6e10a896f736af027e2c61bcafd3",
    "wb-wdi-lic-macro/revenue_excl_grants_pct_gdp.csv": (
        "061921eb9e3da151f1179f18e49b80696e315f6675a9df90bfac10b9f78d185d"
    ),
    "wb-wdi-lic-macro/remittances_pct_gdp.csv": (
        "f0e70bafa02a6b0bdd4c8791dda6559a0127b2c2ed8966bacea581136ae31b1d"
    ),
    "wb-wdi-lic-macro/reserves_months_of_imports_gs.csv": (
        "5bcbe14126aa8333ab9d997e00a54c4188bdaa00860b11f35d7bfc84c8978c62"
    ),
    "wb-wdi-lic-macro/real_gdp_growth_pct.csv": (
        "fd1133b62088cb1225db3c17235b53fdf37b751daaac63899c0b7d9aff8c2ecc"
    ),
    "wb-wdi-lic-macro/components.csv.gz": (
        "9ee4d3721a70d7806c3cd3ce1683f4586ac2d2ce88b8f06435ffa01e6ac7b202"
    ),
    "fdl-lic-dsa-debt-carrying-capacity/lic_dsa_debt_carrying_capacity.csv": (
        "a07f5b328b6150d201da1c6295fcf628e52ff7f3da80876cce968cf2acf5b046"
    ),
    "imf-lic-dsa-risk-ratings/lic_dsa_risk_ratings.csv": (
        "3aa3e6727a3073a722d8cba11fbaa653c2ffcf3f8cc3d5781581b34b73de1b20"
    ),
    "wb-wdi-external/series.csv.gz": (
        "8ec3c9071078e65a5ae5924dcf431d38be8b99f8d9e6c92d729493c1c1430900"
    ),
    "pwt-9.1/pwt91.csv.gz": "5e2a9da92929276c7276d9520f38651a486951c890034071a3222adaf32366ce",
    "aiddata-gcdf3-derived/gcdf3_country_commitments.csv": (
        "ada54dc4b5f03db906254c0fbcc5f27557c21c062600b158d688ae50893460ca"
    ),
    "aiddata-gcdf3-derived/gcdf3_yearly_flows.csv": (
        "ff75c7743d04f990f2480fcd8d145ff7d447dc6579a79dfd98331519466e634c"
    ),
}

# WEO series kept: what the LIC-DSF baseline, the CI and the stochastic engine use.
WEO_SERIES = (
    "NGDP_RPCH", "NGDP_R", "NGDP", "NGDPD", "NGDP_D", "NGDPDPC", "PCPIPCH", "PCPIEPCH",
    "TX_RPCH", "TM_RPCH", "TXG_RPCH", "TMG_RPCH", "BCA", "BCA_NGDPD", "GGR_NGDP",
    "GGX_NGDP", "GGXCNL_NGDP", "GGXONLB_NGDP", "GGXWDG_NGDP", "NID_NGDP", "NGSD_NGDP",
    "LP", "PPPGDP", "PPPSH", "GGR", "GGX", "GGXCNL", "GGXONLB", "GGXWDG",
)  # fmt: skip

# World Bank / IDS aggregates that are not countries.
IDS_AGGREGATES = frozenset("EAP ECA IDA IDX LAC LDC LIC LMC LMY MIC MNA SAS SSA UMC".split())
IDS_FIRST_YEAR = 2000
IDS_SERIES = {
    "DT.DOD.DPPG.CD": "total",
    "DT.DOD.BLAT.CD": "bilateral",
    "DT.DOD.MLAT.CD": "multilateral",
    "DT.DOD.PBND.CD": "bonds",
    "DT.DOD.PCBK.CD": "commercial_banks",
    "DT.DOD.PROP.CD": "other_private",
}

CURRENCIES = {
    "DT.CUR.USDL.ZS": "USD",
    "DT.CUR.EURO.ZS": "EUR",
    "DT.CUR.JYEN.ZS": "JPY",
    "DT.CUR.SDRW.ZS": "SDR",
    "DT.CUR.SWFR.ZS": "CHF",
    "DT.CUR.UKPS.ZS": "GBP",
    "DT.CUR.MULC.ZS": "multiple",
    "DT.CUR.OTHC.ZS": "other",
}

PWT_VARS = (
    "rgdpna", "rgdpo", "cgdpo", "pl_gdpo", "xr", "csh_x", "csh_m", "pl_x", "pl_m", "pop",
)  # fmt: skip

WDI_FILES = {
    "revenue_excl_grants_pct_gdp.csv": "revenue_excl_grants_pct_gdp",
    "remittances_pct_gdp.csv": "remittances_pct_gdp",
    "reserves_months_of_imports_gs.csv": "reserves_months_of_imports",
    "real_gdp_growth_pct.csv": "real_gdp_growth_pct",
}
WDI_COMPONENTS = {  # raw components: name, scale to the stored unit
    "NY.GDP.MKTP.CD": ("gdp_usd_m", 1e-6),
    "FI.RES.TOTL.CD": ("reserves_usd_m", 1e-6),
    "BX.TRF.PWKR.CD.DT": ("remittances_usd_m", 1e-6),
    "NE.IMP.GNFS.ZS": ("imports_gs_pct_gdp", 1.0),
}


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def raw(source: Path, rel: str) -> Path:
    path = source / rel
    if not path.exists():
        sys.exit(f"error: raw file missing: {rel} (is --source the raw data folder?)")
    got = sha256(path)
    if got != RAW_SHA256[rel]:
        sys.exit(f"error: {rel}: sha256 {got} differs from the recorded {RAW_SHA256[rel]}")
    return path


def write(frame: pd.DataFrame, out: Path, name: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    path = out / name
    frame = frame.reset_index(drop=True)
    frame.to_parquet(path, index=False, compression="zstd", compression_level=19)
    print(f"{path.parent.name}/{name}: {len(frame):,} rows, {path.stat().st_size:,} B")


def _cat(frame: pd.DataFrame, *cols: str) -> pd.DataFrame:
    for c in cols:
        frame[c] = frame[c].astype("category")
    return frame


def build_weo(source: Path, out: Path) -> None:
    w = pd.read_parquet(raw(source, "imf-weo-2024oct/imfweo.parquet"))
    w = w[w["series_id"].isin(WEO_SERIES) & w["value"].notna()]
    data = pd.DataFrame(
        {
            "iso3": w["entity_id"].astype(str),
            "series": w["series_id"].astype(str),
            "year": w["year"].astype("int16"),
            "value": w["value"].astype("float64"),
        }
    ).sort_values(["iso3", "series", "year"])
    write(_cat(data, "iso3", "series"), out, "weo.parquet")
    series = (
        w[["series_id", "series_name", "units"]]
        .drop_duplicates()
        .rename(columns={"series_id": "series", "series_name": "name"})
        .astype(str)
        .sort_values("series")
    )
    write(series, out, "series.parquet")
    countries = (
        w[["entity_id", "entity_name"]]
        .drop_duplicates("entity_id")
        .rename(columns={"entity_id": "iso3", "entity_name": "name"})
        .astype(str)
        .sort_values("iso3")
    )
    write(countries, out, "countries.parquet")


def build_ids(source: Path, out: Path, paris_club: frozenset[str]) -> None:
    d = pd.read_csv(
        raw(source, "wb-ids-ppg-debt-stocks-by-creditor/ids_ppg_debt_stocks_by_creditor.csv.gz"),
        dtype={"wb_creditor_id": str},
    )
    d = d[(d["year"] >= IDS_FIRST_YEAR) & ~d["wb_debtor_country_id"].isin(IDS_AGGREGATES)]
    stocks = pd.DataFrame(
        {
            "iso3": d["wb_debtor_country_id"].astype(str),
            "creditor_id": d["wb_creditor_id"].astype(str),
            "series": d["api_code"].map(IDS_SERIES),
            "year": d["year"].astype("int16"),
            "value_usd_m": d["ids_value"].astype("float64") / 1e6,
        }
    )
    if stocks["series"].isna().any():
        sys.exit("error: IDS file holds a series this script does not know")
    stocks = stocks.sort_values(["iso3", "creditor_id", "series", "year"])
    write(_cat(stocks, "iso3", "creditor_id", "series"), out, "stocks.parquet")

    names = d[["wb_creditor_id", "wb_creditor_name"]].drop_duplicates("wb_creditor_id")
    kinds = {str(k): set(v) for k, v in d.groupby("wb_creditor_id")["api_code"]}

    def kind(cid: str) -> str:
        if cid == "WLD":
            return "world"
        if cid == "BND":
            return "bondholders"
        if cid == "994":
            return "multiple_lenders"
        return "multilateral" if "DT.DOD.MLAT.CD" in kinds[cid] else "country"

    creditors = pd.DataFrame(
        {
            "creditor_id": names["wb_creditor_id"].astype(str),
            "creditor": names["wb_creditor_name"].astype(str).str.strip(),
        }
    )
    creditors["kind"] = creditors["creditor_id"].map(kind)
    creditors["paris_club"] = creditors["creditor"].isin(paris_club)
    missing = paris_club - set(creditors["creditor"])
    if missing:
        sys.exit(f"error: Paris Club members not found among IDS creditors: {sorted(missing)}")
    creditors["is_china"] = creditors["creditor_id"] == "730"
    write(creditors.sort_values("creditor_id"), out, "creditors.parquet")
    debtors = (
        d[["wb_debtor_country_id", "wb_debtor_country_name"]]
        .drop_duplicates("wb_debtor_country_id")
        .set_axis(["iso3", "name"], axis=1)
        .astype(str)
        .sort_values("iso3")
    )
    write(debtors, out, "debtors.parquet")


def build_dssi(source: Path, out: Path) -> None:
    d = pd.read_csv(raw(source, "wb-dssi-debt-service-by-creditor-2020/DSSI_debt_service_v2.csv"))
    value_cols = [c for c in d.columns if c.startswith(("DOD", "DebtServiceDue"))]
    long = d.melt(
        id_vars=["iso3c", "lender_type", "lending_agency", "sum_row"],
        value_vars=value_cols,
        var_name="column",
        value_name="value_kusd",
    )
    long["measure"] = np.where(long["column"].str.startswith("DOD"), "stock", "service_due")
    long["year"] = long["column"].str[-4:].astype("int16")
    frame = pd.DataFrame(
        {
            "iso3": long["iso3c"].astype(str),
            "lender_type": long["lender_type"].astype(str),
            "lender": long["lending_agency"].astype(str).str.strip(),
            "is_total": long["sum_row"].astype(bool),
            "measure": long["measure"],
            "year": long["year"],
            "value_usd_m": long["value_kusd"].astype("float64") / 1e3,
        }
    ).dropna(subset=["value_usd_m"])
    frame = frame.sort_values(["iso3", "lender_type", "lender", "measure", "year"])
    write(_cat(frame, "iso3", "lender_type", "lender", "measure"), out, "dssi.parquet")
    meta = (
        d[["iso3c", "country", "lending", "region", "GDP_Nom_WB_latest_Kusd"]]
        .drop_duplicates("iso3c")
        .rename(columns={"iso3c": "iso3", "lending": "lending_category"})
    )
    meta["gdp_2019_usd_m"] = meta.pop("GDP_Nom_WB_latest_Kusd") / 1e3
    write(meta.sort_values("iso3"), out, "countries.parquet")


def build_currency(source: Path, out: Path) -> None:
    c = pd.read_csv(raw(source, "wb-ids-currency-composition/ids_currency_composition_ppg.csv"))
    c = c[~c["is_aggregate"].astype(bool) & c["value"].notna()]
    frame = pd.DataFrame(
        {
            "iso3": c["entity_code"].astype(str),
            "year": c["year"].astype("int16"),
            "currency": c["indicator_code"].map(CURRENCIES),
            "share_pct": c["value"].astype("float64"),
        }
    ).sort_values(["iso3", "year", "currency"])
    write(_cat(frame, "iso3", "currency"), out, "currency.parquet")


def build_cpia(source: Path, out: Path) -> None:
    c = pd.read_csv(raw(source, "wb-wdi-cpia/cpia_irai.csv"))
    frame = pd.DataFrame(
        {
            "iso3": c["iso3"].astype(str),
            "year": c["year"].astype("int16"),
            "cpia_score": c["value"].astype("float64"),
        }
    ).sort_values(["iso3", "year"])
    write(frame, out, "cpia.parquet")


def build_wdi(source: Path, out: Path) -> None:
    parts = []
    for fname, series in WDI_FILES.items():
        f = pd.read_csv(raw(source, f"wb-wdi-lic-macro/{fname}"))
        parts.append(
            pd.DataFrame(
                {"iso3": f["iso3"], "series": series, "year": f["year"], "value": f["value"]}
            )
        )
    comp = pd.read_csv(raw(source, "wb-wdi-lic-macro/components.csv.gz"))
    for code, (series, scale) in WDI_COMPONENTS.items():
        f = comp[comp["indicator"] == code]
        parts.append(
            pd.DataFrame(
                {
                    "iso3": f["iso3"],
                    "series": series,
                    "year": f["year"],
                    "value": f["value"].astype("float64") * scale,
                }
            )
        )
    frame = pd.concat(parts, ignore_index=True).dropna(subset=["value"])
    frame["year"] = frame["year"].astype("int16")
    frame = frame.sort_values(["iso3", "series", "year"])
    write(_cat(frame, "iso3", "series"), out, "wdi.parquet")


def build_wdi_external(source: Path, out: Path) -> None:
    """WDI/IDS external-sector series of the IDS debtors the WEO covers, US$ m (x 1e-6)."""
    f = pd.read_csv(raw(source, "wb-wdi-external/series.csv.gz"))
    weo = pd.read_parquet(out.parent / "imf-weo-2024oct" / "countries.parquet")
    ids = pd.read_parquet(out.parent / "wb-ids-ppg-debt-stocks-by-creditor" / "stocks.parquet")
    keep = set(weo["iso3"].astype(str)) & set(ids["iso3"].astype(str))
    f = f[f["iso3"].isin(keep) & f["value"].notna()].copy()
    money = f["indicator"].str.endswith("_usd")
    f.loc[money, "value"] = f.loc[money, "value"] * 1e-6
    f.loc[money, "indicator"] = f.loc[money, "indicator"] + "_m"
    f = f.rename(columns={"indicator": "series"})[["iso3", "series", "year", "value"]]
    f["year"] = f["year"].astype("int16")
    f = f.sort_values(["iso3", "series", "year"])
    write(_cat(f, "iso3", "series"), out, "series.parquet")


def build_dcc(source: Path, out: Path) -> None:
    f = pd.read_csv(
        raw(source, "fdl-lic-dsa-debt-carrying-capacity/lic_dsa_debt_carrying_capacity.csv")
    )
    f["dcc"] = f["dcc"].str.lower()
    f["dcc_implied_by_score"] = f["dcc_implied_by_score"].str.lower()
    f["note"] = f["note"].fillna("").astype(str)
    for col in ("pub_year", "pub_month", "reference_year"):
        f[col] = f[col].astype("int16")
    f = f.sort_values(["iso3", "pub_year", "pub_month"])
    write(f, out, "lic_dsa_debt_carrying_capacity.parquet")


def build_ratings(source: Path, out: Path) -> None:
    r = pd.read_csv(raw(source, "imf-lic-dsa-risk-ratings/lic_dsa_risk_ratings.csv"))
    frame = pd.DataFrame(
        {
            "iso3": r["iso3_code"].astype(str),
            "country": r["country_name"].astype(str),
            "risk_of_debt_distress": r["risk_of_debt_distress"].str.lower().astype(str),
            "latest_publication": pd.to_datetime(r["latest_publication"], format="%d %B %Y"),
            "debt_sustainability_assessment": r["debt_sustainability_assessment"]
            .fillna("")
            .str.lower()
            .astype(str),
        }
    ).sort_values("iso3")
    write(frame, out, "ratings.parquet")


def build_pwt(source: Path, out: Path) -> None:
    p = pd.read_csv(raw(source, "pwt-9.1/pwt91.csv.gz"))
    frame = p[["isocode", "year", *PWT_VARS]].rename(columns={"isocode": "iso3"})
    frame = frame.dropna(subset=list(PWT_VARS), how="all")
    frame["year"] = frame["year"].astype("int16")
    write(frame.sort_values(["iso3", "year"]), out, "pwt.parquet")


def build_gcdf(source: Path, out: Path) -> None:
    c = pd.read_csv(raw(source, "aiddata-gcdf3-derived/gcdf3_country_commitments.csv"))
    frame = pd.DataFrame(
        {
            "iso3": c["iso3c"].astype(str),
            "country": c["country_name"].astype(str),
            "commitments_2000_2021_usd_m": c["total_commitments_bn"] * 1e3,
            "weighted_interest_rate_pct": c["weighted_interest_rate"],
            "region": c["region_name"].astype(str),
            "income_group": c["income_level_name"].astype(str),
            "gdp_2021_usd_m": c["gdp_usd_bn"] * 1e3,
            "population_2021_m": c["population_mn"],
        }
    ).sort_values("iso3")
    write(frame, out, "country_commitments.parquet")
    y = pd.read_csv(raw(source, "aiddata-gcdf3-derived/gcdf3_yearly_flows.csv"))
    yearly = pd.DataFrame(
        {
            "year": y["commitment_year"].astype("int16"),
            "flow_class": y["flow_class"].astype(str),
            "commitments_usd_m": y["commitments_bn"] * 1e3,
        }
    ).sort_values(["year", "flow_class"])
    write(yearly, out, "yearly_flows.parquet")


def paris_club_members(out_root: Path) -> frozenset[str]:
    """The members list is a hand-written input (see its PROVENANCE.md), read here."""
    members = pd.read_csv(out_root / "paris-club-members" / "members.csv")
    return frozenset(members["ids_creditor_name"].astype(str))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, required=True, help="raw data folder")
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parents[1] / "src" / "debttrap" / "data",
        help="package data folder (default: src/debttrap/data)",
    )
    args = parser.parse_args(argv)
    src: Path = args.source
    out: Path = args.out
    steps: list[tuple[str, Callable[[Path, Path], None]]] = [
        ("imf-weo-2024oct", build_weo),
        ("wb-dssi-debt-service-by-creditor-2020", build_dssi),
        ("wb-ids-currency-composition", build_currency),
        ("wb-wdi-cpia", build_cpia),
        ("wb-wdi-lic-macro", build_wdi),
        ("wb-wdi-external", build_wdi_external),
        ("fdl-lic-dsa-debt-carrying-capacity", build_dcc),
        ("imf-lic-dsa-risk-ratings", build_ratings),
        ("pwt-9.1", build_pwt),
        ("aiddata-gcdf3-derived", build_gcdf),
    ]
    for folder, step in steps:
        step(src, out / folder)
    build_ids(src, out / "wb-ids-ppg-debt-stocks-by-creditor", paris_club_members(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
