"""Regenerate the world country shapes packaged in the natural-earth-110m-countries data.

A maintainer's tool: the package never imports it and nothing needs it at run or test time.
It takes ``countries-110m.json`` from the npm package ``world-atlas`` 2.0.2 (Natural Earth
4.1.0 admin-0 countries at 1:110m, as TopoJSON; get it with ``npm pack world-atlas@2.0.2``
and extract ``package/countries-110m.json``), checks its SHA-256, copies it unchanged, and
writes ``iso-3166.csv``: every ISO 3166-1 country's numeric code, alpha-3 code and name
(from the PyPI package ``pycountry``, installed only where this tool runs; it is not a
dependency of debttrap), plus Kosovo, which has no ISO 3166-1 code: Natural Earth gives its
shape no id, and the World Bank codes it XKX (UVK in its older statements).

Usage::

    python tools/build_world_shapes.py --topology PATH/TO/countries-110m.json
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import shutil
from pathlib import Path

import pycountry  # only where this tool runs

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "debttrap" / "data" / "natural-earth-110m-countries"
TOPOLOGY_SHA256 = "2516c915867c7baf18ddec727aec46c315541a07cfb3d79a6559b05d5e94eee8"
#: Shapes without an ISO 3166-1 numeric id, keyed by their Natural Earth name: the code the
#: package gives them and the other codes data sources use for them.
NO_ISO_CODE = {"Kosovo": ("XKX", "UVK")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--topology", type=Path, required=True)
    args = parser.parse_args()
    raw = args.topology.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != TOPOLOGY_SHA256:
        raise SystemExit(f"{args.topology}: SHA-256 {digest}, expected {TOPOLOGY_SHA256}")
    topology = json.loads(raw)
    OUT.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(args.topology, OUT / "countries-110m.json")
    rows = [(c.numeric, c.alpha_3, getattr(c, "common_name", c.name), "")
            for c in pycountry.countries]
    names = {g["properties"]["name"] for g in topology["objects"]["countries"]["geometries"]
             if "id" not in g}
    for name, (code, others) in NO_ISO_CODE.items():
        if name not in names:
            raise SystemExit(f"no shape named {name!r} without an id in {args.topology}")
        rows.append(("", code, name, others))
    rows.sort(key=lambda r: r[1])
    with (OUT / "iso-3166.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["iso_numeric", "iso3", "name", "other_codes"])
        writer.writerows(rows)


if __name__ == "__main__":
    main()
