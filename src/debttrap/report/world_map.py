"""World country shapes for maps drawn offline, and the book's exposure map.

plotly.js's own maps fetch their country shapes from a CDN when the page opens, which a
report read offline cannot do. The package bundles Natural Earth's 1:110m admin-0 countries
as TopoJSON (``data/natural-earth-110m-countries/``, with its provenance) and an ISO 3166
table; :func:`topology_to_geojson` decodes the TopoJSON into GeoJSON for plotly's
``Choropleth(geojson=...)``, and :func:`exposure_map` draws a book's exposure by borrower.
The page still has to stop plotly.js from asking for its base map: the map's
:data:`MAP_CONFIG` hands it an empty topology inline.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from debttrap.errors import DataError

__all__ = [
    "MAP_CONFIG",
    "ExposureMap",
    "WorldShapes",
    "decode_arcs",
    "exposure_by_country",
    "exposure_map",
    "topology_to_geojson",
    "world_shapes",
]

_DATASET = "natural-earth-110m-countries"
_TOPOLOGY = "countries-110m.json"
_ISO_TABLE = "iso-3166.csv"
#: Decimals kept in the map's coordinates: 0.001° is about 100 m, far finer than the 1:110m
#: shapes' quantisation step (0.0036° of longitude).
_DIGITS = 3
#: Natural Earth's Antarctica (ISO 3166 numeric 010): left off the background, no borrower.
_LEFT_OFF = frozenset({"ATA"})

#: plotly config for a page with a map: plotly.js asks for its base-map topology whenever a
#: trace has a ``locationmode``, even with every base layer hidden; an empty topology given
#: inline (a data URL) answers it without the network.
MAP_CONFIG: Mapping[str, Any] = {
    "topojsonURL": 'data:application/json,{"type":"Topology","objects":{},"arcs":[]}#/',
}

Position = tuple[float, float]


def _where(field: str) -> str:
    return f"TopoJSON topology, field '{field}'"


def decode_arcs(topology: Mapping[str, Any]) -> list[list[Position]]:
    """Every arc of ``topology`` in absolute coordinates (longitude, latitude).

    A quantised topology (one with a ``transform``) stores each arc's first position as
    integers and every later one as the integer step from the one before; the positions are
    the running sums, scaled and translated by the transform. Without a transform the arcs
    are already absolute.
    """
    arcs = topology.get("arcs")
    if not isinstance(arcs, list):
        raise DataError(f"{_where('arcs')}: a list of arcs is required")
    transform = topology.get("transform")
    if transform is None:
        return [[(float(p[0]), float(p[1])) for p in arc] for arc in arcs]
    try:
        sx, sy = (float(v) for v in transform["scale"])
        tx, ty = (float(v) for v in transform["translate"])
    except (KeyError, TypeError, ValueError) as exc:
        raise DataError(f"{_where('transform')}: scale and translate, two numbers each, "
                        "are required") from exc
    out: list[list[Position]] = []
    for k, arc in enumerate(arcs):
        x = y = 0
        decoded: list[Position] = []
        for step in arc:
            if len(step) < 2:
                raise DataError(f"{_where(f'arcs[{k}]')}: every position needs two numbers")
            x += int(step[0])
            y += int(step[1])
            decoded.append((x * sx + tx, y * sy + ty))
        out.append(decoded)
    return out


def _ring(indexes: Sequence[int], arcs: Sequence[Sequence[Position]], where: str
          ) -> list[list[float]]:
    """One ring from its arcs (``~i``, a negative index, is arc ``i`` walked backwards);
    consecutive arcs share their end point, which is kept once."""
    ring: list[list[float]] = []
    for i in indexes:
        j = i if i >= 0 else ~i
        if not 0 <= j < len(arcs):
            raise DataError(f"{_where(where)}: arc {i} does not exist ({len(arcs)} arcs)")
        points = arcs[j] if i >= 0 else arcs[j][::-1]
        start = 1 if ring else 0
        ring.extend([p[0], p[1]] for p in points[start:])
    if len(ring) < 4 or ring[0] != ring[-1]:
        raise DataError(f"{_where(where)}: the arcs do not close a ring")
    return ring


def _geometry(geometry: Mapping[str, Any], arcs: Sequence[Sequence[Position]],
              where: str) -> dict[str, Any] | None:
    kind = geometry.get("type")
    if kind is None:
        return None
    if kind == "Polygon":
        rings = geometry.get("arcs", [])
        return {"type": "Polygon",
                "coordinates": [_ring(r, arcs, f"{where}.arcs[{n}]")
                                for n, r in enumerate(rings)]}
    if kind == "MultiPolygon":
        return {"type": "MultiPolygon",
                "coordinates": [[_ring(r, arcs, f"{where}.arcs[{m}][{n}]")
                                 for n, r in enumerate(polygon)]
                                for m, polygon in enumerate(geometry.get("arcs", []))]}
    raise DataError(f"{_where(where + '.type')}: {kind!r} is not an area (Polygon or "
                    "MultiPolygon)")


def topology_to_geojson(topology: Mapping[str, Any], name: str) -> dict[str, Any]:
    """The geometry collection ``topology.objects[name]`` as a GeoJSON FeatureCollection.

    Each feature keeps its ``id`` and ``properties``; every ring is closed (its last
    position is its first). Shapes with no geometry are left out.
    """
    objects = topology.get("objects")
    if not isinstance(objects, Mapping) or name not in objects:
        raise DataError(f"{_where('objects')}: no object named {name!r}")
    collection = objects[name]
    if collection.get("type") != "GeometryCollection":
        raise DataError(f"{_where(f'objects.{name}.type')}: a GeometryCollection is required")
    arcs = decode_arcs(topology)
    features: list[dict[str, Any]] = []
    for k, geometry in enumerate(collection.get("geometries", [])):
        shape = _geometry(geometry, arcs, f"objects.{name}.geometries[{k}]")
        if shape is None:
            continue
        feature: dict[str, Any] = {"type": "Feature",
                                   "properties": dict(geometry.get("properties", {})),
                                   "geometry": shape}
        if "id" in geometry:
            feature["id"] = geometry["id"]
        features.append(feature)
    return {"type": "FeatureCollection", "features": features}


@dataclass(frozen=True)
class WorldShapes:
    """The bundled country shapes, keyed by ISO3 (``properties.iso3``; ``properties.name``
    is the ISO 3166 name), and the ISO 3166 table."""

    geojson: Mapping[str, Any]
    #: ISO3 -> country name, for every ISO 3166 country (and Kosovo)
    names: Mapping[str, str]
    #: other codes data sources use -> ISO3 (UVK -> XKX)
    aliases: Mapping[str, str]

    def code(self, iso3: str) -> str:
        """The ISO3 code the shapes use for ``iso3``."""
        return self.aliases.get(iso3, iso3)

    def drawn(self) -> frozenset[str]:
        """ISO3 codes that have a shape."""
        return frozenset(f["properties"]["iso3"] for f in self.geojson["features"])


def _read(file: str) -> bytes:
    try:
        return resources.files("debttrap").joinpath("data", _DATASET, file).read_bytes()
    except (FileNotFoundError, OSError) as exc:
        raise DataError(f"bundled file {_DATASET}/{file} is missing (reinstall debttrap)"
                        ) from exc


def world_shapes() -> WorldShapes:
    """The bundled world (read and decoded at each call: a few milliseconds)."""
    numeric: dict[str, str] = {}
    names: dict[str, str] = {}
    aliases: dict[str, str] = {}
    no_numeric: dict[str, str] = {}
    rows = csv.DictReader(io.StringIO(_read(_ISO_TABLE).decode("utf-8")))
    for n, row in enumerate(rows, start=2):
        iso3, name = (row.get("iso3") or "").strip(), (row.get("name") or "").strip()
        if len(iso3) != 3 or not name:
            raise DataError(f"{_DATASET}/{_ISO_TABLE}, line {n}: fields 'iso3' (three "
                            "letters) and 'name' are required")
        names[iso3] = name
        if row.get("iso_numeric"):
            numeric[row["iso_numeric"].strip()] = iso3
        else:
            no_numeric[name] = iso3
        for other in (row.get("other_codes") or "").split():
            aliases[other] = iso3
    try:
        topology = json.loads(_read(_TOPOLOGY))
    except json.JSONDecodeError as exc:
        raise DataError(f"{_DATASET}/{_TOPOLOGY}: not valid JSON ({exc})") from exc
    collection = topology_to_geojson(topology, "countries")
    features = []
    for feature in collection["features"]:
        iso3 = (numeric.get(str(feature["id"])) if "id" in feature
                else no_numeric.get(feature["properties"].get("name", "")))
        if iso3 is None or iso3 in _LEFT_OFF:
            continue  # N. Cyprus, Somaliland: no code of their own in any book
        features.append({**feature, "id": iso3,
                         "properties": {"iso3": iso3, "name": names[iso3]}})
    return WorldShapes({"type": "FeatureCollection", "features": features}, names, aliases)


def _rounded(geojson: Mapping[str, Any], codes: frozenset[str] | None = None
             ) -> dict[str, Any]:
    """A copy with coordinates to :data:`_DIGITS` decimals, only the features in ``codes``."""
    def ring(r: list[list[float]]) -> list[list[float]]:
        return [[round(x, _DIGITS), round(y, _DIGITS)] for x, y in r]

    features = []
    for f in geojson["features"]:
        if codes is not None and f["properties"]["iso3"] not in codes:
            continue
        g = f["geometry"]
        coords = ([ring(r) for r in g["coordinates"]] if g["type"] == "Polygon"
                  else [[ring(r) for r in p] for p in g["coordinates"]])
        features.append({**f, "geometry": {"type": g["type"], "coordinates": coords}})
    return {"type": "FeatureCollection", "features": features}


#: Exposure in blues (red is kept for risk ratings in the report's other charts).
_EXPOSURE_COLOURS = [[0.0, "#c6dbef"], [1.0, "#08306b"]]


def exposure_by_country(borrowers: pd.DataFrame, shapes: WorldShapes | None = None
                        ) -> pd.DataFrame:
    """Each borrower (index: its code as the book gives it) with its country name, the ISO3
    code of its shape, ``exposure_usd_m``, ``rating`` and ``on_map`` (False: no shape at
    1:110m, or no country)."""
    world = shapes if shapes is not None else world_shapes()
    drawn = world.drawn()
    codes = [world.code(str(c)) for c in borrowers.index]
    out = pd.DataFrame({
        "country": ["regional or unknown (no country)" if c == "(regional)" else
                    world.names.get(c, "not an ISO 3166 code") for c in codes],
        "map_iso3": codes,
        "exposure_usd_m": borrowers["exposure_usd_m"].astype(float),
        "rating": borrowers["rating"].astype(str),
        "on_map": [c in drawn for c in codes]}, index=borrowers.index)
    out.index.name = "borrower"
    return out


@dataclass(frozen=True)
class ExposureMap:
    """The map and the borrowers it cannot draw (no shape at 1:110m, or no country)."""

    figure: go.Figure
    #: index: borrower code; columns: country, exposure_usd_m, rating
    not_drawn: pd.DataFrame


def exposure_map(borrowers: pd.DataFrame, shapes: WorldShapes | None = None) -> ExposureMap:
    """A choropleth of ``borrowers['exposure_usd_m']`` (index: ISO3), with each borrower's
    country and ``rating`` in its hover text; every other country is drawn grey, no data."""
    world = shapes if shapes is not None else world_shapes()
    drawn = world.drawn()
    table = exposure_by_country(borrowers, world)
    shown = table.loc[table["on_map"]]
    fig = go.Figure()
    fig.add_trace(go.Choropleth(
        geojson=_rounded(world.geojson), featureidkey="properties.iso3",
        locations=sorted(drawn), z=[0] * len(drawn), showscale=False, hoverinfo="skip",
        colorscale=[[0, "#e5e5e5"], [1, "#e5e5e5"]], marker_line_color="#ffffff",
        marker_line_width=0.5, name="no exposure"))
    fig.add_trace(go.Choropleth(
        geojson=_rounded(world.geojson, frozenset(shown["map_iso3"])),
        featureidkey="properties.iso3", locations=shown["map_iso3"].tolist(),
        z=shown["exposure_usd_m"].tolist(),
        customdata=shown[["country", "rating"]].to_numpy().tolist(),
        hovertemplate="%{customdata[0]}<br>exposure US$ %{z:,.1f} m<br>LIC-DSF risk "
                      "rating: %{customdata[1]}<extra></extra>",
        colorscale=_EXPOSURE_COLOURS, marker_line_color="#ffffff", marker_line_width=0.5,
        # the scale under the map, so that on a phone it does not take the map's width
        colorbar={"title": {"text": "US$ m", "side": "top"}, "orientation": "h",
                  "x": 0.5, "xanchor": "center", "y": 0, "yanchor": "top",
                  "thickness": 12, "len": 0.8},
        name="exposure"))
    fig.update_geos(visible=False, showframe=False, projection_type="natural earth",
                    lataxis_range=[-58, 85])
    fig.update_layout(height=460, margin={"t": 10, "b": 10, "l": 10, "r": 10})
    not_drawn = table.loc[~table["on_map"], ["country", "exposure_usd_m", "rating"]]
    return ExposureMap(fig, not_drawn)
