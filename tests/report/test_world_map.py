"""The bundled world shapes: TopoJSON decoding, the ISO codes, the exposure map."""

from __future__ import annotations

import json
from importlib import resources
from itertools import pairwise
from typing import Any

import pandas as pd
import pytest

from debttrap.errors import DataError
from debttrap.report.world_map import (
    MAP_CONFIG,
    decode_arcs,
    exposure_map,
    topology_to_geojson,
    world_shapes,
)

#: A hand-made quantised topology: scale (0.5, 0.25), translate (10, 20).
#: arc 0, quantised (0,0) (2,0) (2,4): (10,20) (11,20) (11,21)
#: arc 1, quantised (2,4) (0,4) (0,0): (11,21) (10,21) (10,20)
#: arc 2, quantised (4,0) (6,0) (6,2) (4,0), a closed ring: (12,20) (13,20) (13,20.5) (12,20)
TINY: dict[str, Any] = {
    "type": "Topology",
    "transform": {"scale": [0.5, 0.25], "translate": [10, 20]},
    "arcs": [[[0, 0], [2, 0], [0, 4]], [[2, 4], [-2, 0], [0, -4]],
             [[4, 0], [2, 0], [0, 2], [-2, -2]]],
    "objects": {"shapes": {"type": "GeometryCollection", "geometries": [
        {"type": "Polygon", "id": "A", "properties": {"name": "square"}, "arcs": [[0, 1]]},
        {"type": "Polygon", "id": "B", "arcs": [[-2, -1]]},
        {"type": "MultiPolygon", "id": "C", "arcs": [[[0, 1]], [[2]]]},
        {"type": None, "id": "D"},
    ]}},
}
SQUARE = [[10.0, 20.0], [11.0, 20.0], [11.0, 21.0], [10.0, 21.0], [10.0, 20.0]]


def test_quantised_arcs_are_running_sums_scaled_and_translated() -> None:
    arcs = decode_arcs(TINY)
    assert arcs[0] == [(10.0, 20.0), (11.0, 20.0), (11.0, 21.0)]
    assert arcs[1] == [(11.0, 21.0), (10.0, 21.0), (10.0, 20.0)]
    assert arcs[2] == [(12.0, 20.0), (13.0, 20.0), (13.0, 20.5), (12.0, 20.0)]


def test_arcs_without_a_transform_are_absolute() -> None:
    topology = {"arcs": [[[1.5, 2.5], [3.0, 4.0]]]}
    assert decode_arcs(topology) == [[(1.5, 2.5), (3.0, 4.0)]]


def test_rings_join_arcs_and_walk_negative_indexes_backwards() -> None:
    features = topology_to_geojson(TINY, "shapes")["features"]
    assert [f["id"] for f in features] == ["A", "B", "C"]  # D has no geometry
    a, b, c = features
    assert a["properties"] == {"name": "square"}
    assert a["geometry"] == {"type": "Polygon", "coordinates": [SQUARE]}
    # ~1 then ~0: arc 1 backwards, then arc 0 backwards: the same square, the other way round
    assert b["geometry"]["coordinates"] == [SQUARE[::-1]]
    assert c["geometry"] == {"type": "MultiPolygon", "coordinates": [
        [SQUARE], [[[12.0, 20.0], [13.0, 20.0], [13.0, 20.5], [12.0, 20.0]]]]}


@pytest.mark.parametrize(("change", "message"), [
    (lambda t: t["objects"]["shapes"]["geometries"][0].update(arcs=[[0]]), "do not close"),
    (lambda t: t["objects"]["shapes"]["geometries"][0].update(arcs=[[0, 7]]),
     "arc 7 does not exist"),
    (lambda t: t["objects"]["shapes"]["geometries"][0].update(type="Point"), "not an area"),
    (lambda t: t.pop("objects"), "no object named 'shapes'"),
    (lambda t: t["transform"].pop("scale"), "scale and translate"),
])
def test_a_broken_topology_says_what_is_wrong(change: Any, message: str) -> None:
    topology = json.loads(json.dumps(TINY))
    change(topology)
    with pytest.raises(DataError, match=message):
        topology_to_geojson(topology, "shapes")


def _rings(feature: dict[str, Any]) -> list[list[list[float]]]:
    g = feature["geometry"]
    return list(g["coordinates"]) if g["type"] == "Polygon" else [
        r for polygon in g["coordinates"] for r in polygon]


def test_every_bundled_country_decodes_to_closed_rings_on_the_globe() -> None:
    world = world_shapes()
    features = world.geojson["features"]
    # 177 Natural Earth countries less Antarctica, N. Cyprus and Somaliland
    assert len(features) == 174
    assert len({f["properties"]["iso3"] for f in features}) == 174
    for f in features:
        for ring in _rings(f):
            assert len(ring) >= 4 and ring[0] == ring[-1], f["properties"]
            assert all(-180 <= x <= 180 and -90 <= y <= 90 for x, y in ring)


def _inside(point: tuple[float, float], feature: dict[str, Any]) -> bool:
    """Even-odd ray casting over every ring (an independent check of the decoded shapes)."""
    x, y = point
    inside = False
    for ring in _rings(feature):
        for (x1, y1), (x2, y2) in pairwise(ring):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
    return inside


@pytest.mark.parametrize(("iso3", "capital"), [
    # capitals' coordinates (degrees east, north), from any atlas
    ("KEN", (36.82, -1.29)),   # Nairobi
    ("BRA", (-47.88, -15.79)),  # Brasília
    ("PAK", (73.05, 33.68)),   # Islamabad
    ("ZMB", (28.28, -15.42)),  # Lusaka
    ("IDN", (106.85, -6.21)),  # Jakarta (on Java, one of Indonesia's polygons)
    ("XKX", (21.17, 42.66)),   # Pristina (Kosovo: no ISO code, matched by name)
])
def test_capitals_fall_inside_their_country_and_nowhere_else(
        iso3: str, capital: tuple[float, float]) -> None:
    features = world_shapes().geojson["features"]
    hits = [f["properties"]["iso3"] for f in features if _inside(capital, f)]
    assert hits == [iso3]


def test_iso_table_names_and_aliases() -> None:
    world = world_shapes()
    assert world.names["TZA"] == "Tanzania" and world.names["TON"] == "Tonga"
    assert world.code("UVK") == "XKX" and world.code("KEN") == "KEN"
    assert len(world.names) == 250  # ISO 3166-1's 249 countries and Kosovo
    assert "TON" not in world.drawn() and "KEN" in world.drawn()


def test_the_bundled_shapes_are_small() -> None:
    folder = resources.files("debttrap").joinpath("data", "natural-earth-110m-countries")
    assert sum(f.stat().st_size for f in folder.iterdir()) < 150_000  # type: ignore[attr-defined]


def test_the_map_colours_borrowers_by_exposure_and_lists_those_it_cannot_draw() -> None:
    borrowers = pd.DataFrame(
        {"exposure_usd_m": [120.0, 30.5, 7.25, 2.0], "rating": ["high", "low", "moderate",
                                                                "not assessed"]},
        index=pd.Index(["KEN", "UVK", "TON", "(regional)"], name="iso3"))
    m = exposure_map(borrowers)
    background, exposure = m.figure.data
    assert exposure.featureidkey == "properties.iso3"
    assert list(exposure.locations) == ["KEN", "XKX"]
    assert list(exposure.z) == [120.0, 30.5]
    assert [list(c) for c in exposure.customdata] == [["Kenya", "high"], ["Kosovo", "low"]]
    assert "exposure US$ %{z:,.1f} m" in exposure.hovertemplate
    assert {f["properties"]["iso3"] for f in exposure.geojson["features"]} == {"KEN", "XKX"}
    assert len(background.locations) == 174 and background.hoverinfo == "skip"
    assert list(m.not_drawn.index) == ["TON", "(regional)"]
    assert list(m.not_drawn["country"]) == ["Tonga", "regional or unknown (no country)"]
    assert list(m.not_drawn["exposure_usd_m"]) == [7.25, 2.0]
    assert str(MAP_CONFIG["topojsonURL"]).startswith("data:application/json,")
