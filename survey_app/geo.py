"""French communes and intercommunalities (EPCI), from Etalab's official data.

The npm package `@etalab/decoupage-administratif` is installed by the setup
(`make run` / `make test`); `load_geo()` copies it into SQLite with the
package version, since communes merge every year.
"""

import json
import os
from typing import Any

import sqlite_utils

from .db import write_transaction
from .text import fold


def package_version(data_dir: str) -> str | None:
    try:
        with open(os.path.join(data_dir, "package.json"), encoding="utf-8") as f:
            return json.load(f)["version"]
    except (OSError, ValueError, KeyError):
        return None


def loaded_version(db: sqlite_utils.Database) -> str | None:
    row = db.execute("SELECT value FROM geo_meta WHERE key = 'version'").fetchone()
    return row[0] if row else None


def load_geo(db: sqlite_utils.Database, data_dir: str) -> str | None:
    """Load communes and EPCI if the package version changed; return the version.

    Returns None (and changes nothing) when the package is not installed.
    """
    version = package_version(data_dir)
    if version is None or version == loaded_version(db):
        return version if version else None
    with open(os.path.join(data_dir, "data", "communes.json"), encoding="utf-8") as f:
        communes = [c for c in json.load(f) if c.get("type") == "commune-actuelle"]
    with open(os.path.join(data_dir, "data", "epci.json"), encoding="utf-8") as f:
        epcis = json.load(f)
    epci_of = {m["code"]: e["code"] for e in epcis for m in e["membres"]}
    commune_rows = [
        {
            "code": c["code"],
            "name": c["nom"],
            "search_name": fold(c["nom"]),
            "departement": c.get("departement"),
            "region": c.get("region"),
            "population": c.get("population"),
            "postcodes": " ".join(c.get("codesPostaux", [])),
            "epci_code": epci_of.get(c["code"]),
        }
        for c in communes
    ]
    postcode_rows = [
        {"postcode": p, "commune_code": c["code"]}
        for c in communes
        for p in set(c.get("codesPostaux", []))
    ]
    epci_rows = [
        {
            "code": e["code"],
            "name": e["nom"],
            "search_name": fold(e["nom"]),
            "kind": e.get("type"),
            "population": e.get("populationMunicipale"),
        }
        for e in epcis
    ]
    with write_transaction(db):
        # Upsert rather than delete: diagnostics keep pointing at their communes.
        db.table("communes").upsert_all(commune_rows, pk="code")
        db.execute("DELETE FROM commune_postcodes")
        db.table("commune_postcodes").insert_all(postcode_rows)
        db.table("epcis").upsert_all(epci_rows, pk="code")
        db.table("geo_meta").upsert({"key": "version", "value": version}, pk="key")
    return version


def commune(db: sqlite_utils.Database, code: str) -> dict[str, Any] | None:
    row = db.execute("SELECT * FROM communes WHERE code = ?", [code]).fetchone()
    return dict(row) if row else None


def search_communes(
    db: sqlite_utils.Database, query: str, limit: int = 10
) -> list[dict[str, Any]]:
    """Communes matching a name or a postcode, most populated first.

    "lyon", "Saint-Etienne", "69003" and "st etienne" all find something.
    """
    query = query.strip()
    if not query:
        return []
    if query.isdigit():
        rows = db.execute(
            """SELECT c.* FROM commune_postcodes p
               JOIN communes c ON c.code = p.commune_code
               WHERE p.postcode LIKE ? || '%'
               GROUP BY c.code ORDER BY c.population DESC LIMIT ?""",
            [query[:5], limit],
        )
        return [dict(r) for r in rows]
    folded = fold(query)
    if folded.startswith("st "):
        folded = "saint " + folded[3:]
    elif folded.startswith("ste "):
        folded = "sainte " + folded[4:]
    rows = db.execute(
        """SELECT * FROM communes
           WHERE search_name LIKE ? || '%' OR search_name LIKE '% ' || ? || '%'
           ORDER BY (search_name = ?) DESC, (search_name LIKE ? || '%') DESC,
                    population DESC
           LIMIT ?""",
        [folded, folded, folded, folded, limit],
    )
    return [dict(r) for r in rows]
