"""Back-test the builder's estimated trade (OD3b, OD3c, PWT imports) against published values.

For every LIC-DSF country of ``debttrap.opendata.dsa_countries()`` whose WDI publishes the
value, the builder's own functions (:mod:`debttrap.opendata.export_backtest`) estimate
exports (or imports) as if it did not, for each year of a window, and the estimate is
compared with the published value. Reads only the bundled package data.

Usage::

    python tools/backtest_exports.py [--first-year 2015] [--last-year 2023]
        [--countries KEN,SEN] [--per-country] [--csv FILE] [--write-doc]
        [--cross-validate SPLITS] [--seed 20261206]

``--write-doc`` replaces the text between ``<!-- exports-backtest:start -->`` and
``<!-- exports-backtest:end -->`` in ``docs/data.md`` (the default window only).
``--cross-validate`` scores OD3b's rule against other floors (the PWT share of 2017,
the rule before the amendment; none; both) and against peer-median factors fitted on one
random half of the countries, on the other half; it reports, it changes nothing (the
document carries the same comparison, on 300 splits).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from debttrap import datasets as ds
from debttrap.errors import DebtTrapError, InputError
from debttrap.opendata import build_country, dsa_countries
from debttrap.opendata.export_backtest import (
    DEFAULT_FIRST_YEAR,
    DEFAULT_LAST_YEAR,
    VARIANTS,
    EstimatorSummary,
    ExportBacktest,
    backtest_exports,
    builder_estimator,
    describe,
)

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "data.md"
START, END = "<!-- exports-backtest:start -->", "<!-- exports-backtest:end -->"
COMMAND = "python tools/backtest_exports.py --write-doc"
#: The back-test's estimators that the builder's rules are (OD3c with its oldest share).
_OD3B, _OD3B_PWT, _OD3C = "od3b", "od3b_pwt", "od3c_10"
#: The cross-validation in the document: random half-splits of the countries, and the seed.
DOC_SPLITS, DOC_SEED = 300, 20261206


def _name(code: str) -> str:
    names = ds.weo_countries().set_index("iso3")["name"]
    return str(names.get(code, code))


def _pct(x: float) -> str:
    return f"{100.0 * x:.0f}%"


def _pct1(x: float) -> str:
    return f"{100.0 * x:.1f}%"


def estimated_countries(first_year: int) -> dict[str, list[str]]:
    """Estimator -> the LIC-DSF countries whose exports the builder estimates that way."""
    out: dict[str, list[str]] = {}
    for code in dsa_countries():
        try:
            est = builder_estimator(build_country(code, first_year).sources)
        except DebtTrapError:
            continue
        if est is not None:
            out.setdefault(est, []).append(code)
    return out


def _row(s: EstimatorSummary, label: str, floors: bool) -> str:
    worst = ", ".join(f"{_name(c)} {r:.2f}" for c, r in s.worst)
    floored = _pct(s.floored_share) if floors else "–"
    return (
        f"| {label} | {s.observations} ({s.countries}) | {s.median_ratio:.2f} | "
        f"{s.q25_ratio:.2f}–{s.q75_ratio:.2f} | {_pct(s.within_10_pct_share)} | "
        f"{_pct(s.within_25_pct_share)} | {floored} | {worst} |"
    )


def summary_table(bt: ExportBacktest, users: dict[str, list[str]] | None = None) -> list[str]:
    """The markdown table: one row per estimator (OD3b also with the PWT floor of the rule
    before the amendment and without a floor, for comparison)."""
    users = users or {}
    lines = [
        "| estimator | country-years (countries) | median ratio | middle half | within ±10% "
        "| within ±25% | floor gave it | farthest countries (median ratio) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for est in bt.estimators():
        label = describe(est)
        if est.startswith("od3b"):
            label += ", " + VARIANTS["rule"]
            if users.get(est):
                label += " — the builder's rule today for " + ", ".join(
                    _name(c) for c in users[est]
                )
        lines.append(_row(bt.summary(est), label, est.startswith("od3b")))
        if est.startswith("od3b"):
            for variant in ("pwt_floor", "no_floor"):
                lines.append(
                    _row(
                        bt.summary(est, variant=variant),
                        f"{describe(est)}, {VARIANTS[variant]}; for comparison, not the rule",
                        variant == "pwt_floor",
                    )
                )
    return lines


def _by_year(bt: ExportBacktest, est: str) -> pd.DataFrame:
    f = bt.to_frame()
    f = f[f["estimator"] == est]
    err = (f["ratio"] - 1.0).abs()
    return pd.DataFrame(
        {
            "median": f.groupby(level=0)["ratio"].median(),
            "within_25": (err <= 0.25).groupby(level=0).mean(),
        }
    )


def reading(
    bt: ExportBacktest,
    users: dict[str, list[str]] | None = None,
    cv: dict[str, pd.DataFrame] | None = None,
) -> list[str]:
    """Plain sentences with the numbers that matter for a rating (all computed); ``cv``:
    :func:`cross_validate` by estimator, for the sentences on the floor."""
    users, cv = users or {}, cv or {}
    b, bp = bt.summary(_OD3B), bt.summary(_OD3B_PWT)
    old, oldp = bt.summary(_OD3B, variant="pwt_floor"), bt.summary(_OD3B_PWT, variant="pwt_floor")
    bare = bt.summary(_OD3B, variant="no_floor")
    last = _by_year(bt, _OD3B_PWT).iloc[-1]
    c1, c10 = bt.summary("od3c_1"), bt.summary(_OD3C)
    side = "low" if bare.median_ratio < 1.0 else "high"
    why = (
        "the net primary income paid abroad, profit and interest, outweighs the transfers "
        "other than remittances that the identity takes it to offset"
        if side == "low"
        else "the transfers other than remittances, official grants above all, outweigh "
        "the net primary income paid abroad that the identity takes them to offset"
    )
    od3c_users = ", ".join(_name(c) for c in users.get("od3c", []))
    out = [
        f"Reading: OD3b on the WDI's imports gives a median ratio of {b.median_ratio:.2f}, "
        f"and {_pct(b.within_25_pct_share)} of its estimates are within ±25% of the "
        f"published exports ({_pct(b.within_10_pct_share)} within ±10%). The identity alone "
        f"is {side} at the median ({bare.median_ratio:.2f}: {why}); the merchandise floor "
        f"binds in {_pct(b.floored_share)} of the country-years (the PWT floor of the rule "
        f"before the amendment bound in {_pct(old.floored_share)} and left "
        f"{_pct(old.within_25_pct_share)} within ±25%). On the PWT's import share, the "
        f"builder's case where the WDI publishes no imports either, "
        f"{_pct(bp.within_25_pct_share)} are within ±25% ({_pct(oldp.within_25_pct_share)} "
        f"with the PWT floor), and in {bt.last_year}, {bt.last_year - 2017} years after the "
        f"PWT's last year (2017), the median ratio is {last['median']:.2f} with "
        f"{_pct(last['within_25'])} within ±25%. OD3c is "
        f"{_pct(c1.within_25_pct_share)} within ±25% with the merchandise share of the year "
        f"before and {_pct(c10.within_25_pct_share)} with a share ten years old"
        + (f" (the builder's, for {od3c_users}, are older still)" if od3c_users else "")
        + ". So an export-based indicator resting on OD3b is off by more than a quarter "
        f"in about {_pct(1.0 - b.within_25_pct_share)} of cases on the WDI's imports and "
        f"{_pct(1.0 - bp.within_25_pct_share)} on the PWT's: a breach, or a margin, of that "
        "size is not settled by the data."
    ]
    if _OD3B in cv and _OD3B_PWT in cv:
        w, p = cv[_OD3B], cv[_OD3B_PWT]
        out += [
            "",
            f"**Why the floor is the merchandise exports (OD3b as amended).** Out of sample, "
            f"on {DOC_SPLITS} random half-splits of the countries (seed {DOC_SEED}; each "
            "half in turn the test half, nothing fitted for the floors): "
            + "; ".join(
                f"on {where}, the merchandise floor is within ±10% / ±25% in "
                f"{_pct(f.loc['rule', _W10])} / {_pct(f.loc['rule', _W25])} of the "
                f"test country-years with a median |log ratio| of "
                f"{f.loc['rule', _LOG]:.3f}, against {_pct(f.loc['PWT floor', _W10])} / "
                f"{_pct(f.loc['PWT floor', _W25])} and {f.loc['PWT floor', _LOG]:.3f} with "
                f"the PWT floor of 2017, which is better in "
                f"{_pct1(f.loc['PWT floor', _BEATS])} of the test halves; keeping the PWT "
                f"floor as a second floor gives {_pct(f.loc['both floors', _W25])} within "
                f"±25% ({f.loc['both floors', _LOG]:.3f}), better than the merchandise floor "
                f"alone in {_pct1(f.loc['both floors', _BEATS])} of the halves"
                for where, f in (("the WDI's imports", w), ("the PWT's import share", p))
            )
            + ". Exports of goods and services can never be below the goods exported, and "
            "the merchandise exports are published for the same year, where the PWT share "
            "is of 2017; so the PWT share is only the fallback where the WDI publishes no "
            "merchandise exports in the five years before `t`. A peer-median factor on the "
            "rule, fitted on the other half, changes little (within ±25% in "
            f"{_pct(w.loc['rule x factor', _W25])} / {_pct(p.loc['rule x factor', _W25])}, "
            f"median |log ratio| {w.loc['rule x factor', _LOG]:.3f} / "
            f"{p.loc['rule x factor', _LOG]:.3f}) and is not used: nothing in OD3b is "
            "fitted.",
        ]
    return out


def doc_block(bt: ExportBacktest, users: dict[str, list[str]]) -> str:
    skipped = ", ".join(_name(c) for c in sorted(bt.skipped))
    n = len(dsa_countries())
    lines = [
        START,
        "",
        f"_Generated by `{COMMAND}`; do not edit by hand._",
        "",
        f"**How far the estimates are off (back-test, {bt.first_year}–{bt.last_year}).** "
        f"For each of the {n} LIC-DSF countries (`dsa_countries()`) and each year where the "
        "WDI publishes the value and every input of the rule (nothing interpolated or "
        "projected), the builder's own functions estimate it as if it were not published "
        "(`debttrap.opendata.export_backtest`: the same WEO GDP and current account, import "
        "and remittance paths, floors and merchandise shares, built for the first projection "
        f"year {bt.last_year + 1}), and the estimate is compared with the published value "
        "(WDI share of GDP × WEO US$ GDP, as OD3 uses it). Ratios are estimate / published, "
        "quantiles over country-years; the farthest countries by their median ratio over "
        "the years. The rule's floor is the builder's: the same year's published merchandise "
        "exports (`wb-wdi-external` TX.VAL.MRCH.CD.WT), so the rule's rows count a year only "
        "where those are published too; the PWT floor of the comparison rows uses the PWT's "
        "last year (2017) for every year, as the builder did before the amendment."
        + (f" Not tested (the builder cannot build it): {skipped}." if skipped else ""),
        "",
        *summary_table(bt, users),
        "",
        *reading(bt, users, _doc_cv(bt)),
        "",
        END,
    ]
    return "\n".join(lines)


def _doc_cv(bt: ExportBacktest) -> dict[str, pd.DataFrame]:
    """:func:`cross_validate` of both OD3b estimators as the document reports it."""
    rng = np.random.default_rng(DOC_SEED)
    return {est: cross_validate(bt, est, DOC_SPLITS, rng) for est in (_OD3B, _OD3B_PWT)}


def write_doc(block: str, doc: Path = DOC) -> None:
    text = doc.read_text(encoding="utf-8")
    if START not in text or END not in text:
        raise DebtTrapError(f"{doc.name}: the markers {START} and {END} are missing")
    a, b = text.index(START), text.index(END) + len(END)
    doc.write_text(text[:a] + block + text[b:], encoding="utf-8")


def _score(r: np.ndarray) -> tuple[float, float, float]:
    e = np.abs(r - 1.0)
    return (
        float(np.mean(e <= 0.10)),
        float(np.mean(e <= 0.25)),
        float(np.median(np.abs(np.log(r)))),
    )


_W10, _W25, _LOG, _BEATS = "within ±10%", "within ±25%", "median |log ratio|", "beats the rule"


def cross_validate(
    bt: ExportBacktest, estimator: str, splits: int, rng: np.random.Generator
) -> pd.DataFrame:
    """OD3b's rule against other floors and fitted factors, scored out of sample on
    ``splits`` random halves of the countries (each half in turn the test half; a fitted
    factor comes from the other half): the rule (the same year's published merchandise
    exports); the PWT floor of 2017 instead (the rule before the amendment); both floors;
    no floor; no floor times a peer-median factor (1 / its median ratio on the other
    half); the rule times its own peer-median factor.

    Rows: candidates; columns: the mean over the test halves of the share within ±10% /
    ±25% and the median |log ratio|, and the share of test halves where the candidate's
    median |log ratio| is below the rule's. ``attrs["factor"]``: the fitted factors'
    mean and 5-95% range for each fitted candidate.
    """
    f = bt.to_frame()
    f = f[f["estimator"] == estimator]
    pub = f["published_usd_m"].to_numpy()
    rule = f["ratio"].to_numpy()
    bare = f["without_floor_usd_m"].to_numpy() / pub
    old = f["pwt_floor_usd_m"].to_numpy() / pub
    ratios = {
        "rule": rule,
        "PWT floor": old,
        "both floors": np.maximum(rule, old),
        "no floor": bare,
    }
    fitted = {"no floor x factor": bare, "rule x factor": rule}
    iso = f["iso3"].to_numpy()
    codes = np.array(sorted(set(iso)))
    scores: dict[str, list[tuple[float, float, float]]] = {c: [] for c in [*ratios, *fitted]}
    factors: dict[str, list[float]] = {c: [] for c in fitted}
    for _ in range(splits):
        perm = rng.permutation(codes)
        half = set(perm[: codes.size // 2])
        in_a = np.array([c in half for c in iso])
        for train, test in ((in_a, ~in_a), (~in_a, in_a)):
            for name, r in ratios.items():
                scores[name].append(_score(r[test]))
            for name, r in fitted.items():
                k = 1.0 / float(np.median(r[train]))
                factors[name].append(k)
                scores[name].append(_score(r[test] * k))
    rule_log = np.array([s[2] for s in scores["rule"]])
    out = pd.DataFrame(
        {
            c: [
                *np.mean(np.array(v), axis=0),
                float(np.mean(np.array([s[2] for s in v]) < rule_log)),
            ]
            for c, v in scores.items()
        },
        index=[_W10, _W25, _LOG, _BEATS],
    ).T
    out.attrs["factor"] = {
        c: (float(np.mean(v)), *(float(q) for q in np.quantile(v, [0.05, 0.95])))
        for c, v in factors.items()
    }
    return out


def _fail(message: str) -> int:
    print(f"backtest_exports: {message}", file=sys.stderr)
    return 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--first-year", type=int, default=DEFAULT_FIRST_YEAR)
    parser.add_argument("--last-year", type=int, default=DEFAULT_LAST_YEAR)
    parser.add_argument("--countries", help="comma-separated ISO3 codes (default: all)")
    parser.add_argument("--per-country", action="store_true", help="print per-country ratios")
    parser.add_argument("--csv", type=Path, help="write every estimate to this CSV file")
    parser.add_argument("--write-doc", action="store_true", help="update docs/data.md")
    parser.add_argument("--cross-validate", type=int, default=0, metavar="SPLITS")
    parser.add_argument("--seed", type=int, default=20261206)
    args = parser.parse_args(argv)
    known = set(dsa_countries())
    codes = None
    if args.countries:
        codes = [c.strip().upper() for c in args.countries.split(",") if c.strip()]
        bad = [c for c in codes if c not in known]
        if bad:
            return _fail(f"--countries: not a LIC-DSF country of the bundle: {', '.join(bad)}")
    if args.write_doc and (
        codes is not None
        or (args.first_year, args.last_year) != (DEFAULT_FIRST_YEAR, DEFAULT_LAST_YEAR)
    ):
        return _fail("--write-doc: only for the default window and every country")
    if args.cross_validate < 0:
        return _fail("--cross-validate: the number of splits must be 0 or more")
    try:
        bt = backtest_exports(
            args.first_year,
            args.last_year,
            countries=codes,
            progress=lambda text: print(f"\r{text:<12}", end="", file=sys.stderr, flush=True),
        )
    except InputError as err:
        return _fail(f"--first-year/--last-year: {err}")
    print(file=sys.stderr)
    if not bt.rows:
        return _fail("no country in the window publishes the values to test against")
    users = estimated_countries(args.last_year + 1) if args.write_doc else {}
    print("\n".join(summary_table(bt, users)))
    if args.per_country:
        wide = pd.DataFrame({e: bt.per_country(e) for e in bt.estimators()})
        print()
        print(wide.to_string(float_format=lambda x: f"{x:.2f}", na_rep="-"))
    for est in (_OD3B, _OD3B_PWT):
        if est in bt.estimators():
            print(f"\n{describe(est)}, by year:")
            print(_by_year(bt, est).to_string(float_format=lambda x: f"{x:.2f}"))
    if bt.skipped:
        print("\nnot built: " + "; ".join(f"{c}: {e}" for c, e in bt.skipped.items()))
    rng = np.random.default_rng(args.seed)
    for est in (_OD3B, _OD3B_PWT):
        if args.cross_validate and est in bt.estimators():
            cv = cross_validate(bt, est, args.cross_validate, rng)
            print(
                f"\n{describe(est)}: candidates scored on the test halves of "
                f"{args.cross_validate} random splits of the countries (seed {args.seed})"
            )
            print(cv.to_string(float_format=lambda x: f"{x:.3f}"))
            for name, (k, lo, hi) in cv.attrs["factor"].items():
                print(f"  {name}: fitted factor {k:.3f} (5-95%: {lo:.3f}-{hi:.3f})")
    if args.csv is not None:
        try:
            bt.to_frame().to_csv(args.csv)
        except OSError as err:
            return _fail(f"--csv: cannot write {args.csv}: {err.strerror}")
        print(f"wrote {args.csv}")
    if args.write_doc:
        write_doc(doc_block(bt, users))
        print(f"updated {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
