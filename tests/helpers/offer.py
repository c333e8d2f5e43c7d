"""Files in the national schema of places, for tests and bench/offer.py."""

import csv
import io
import random

from offer.schema import load_schema

LYON = [("69123", "Lyon", "69001"), ("69266", "Villeurbanne", "69100"),
        ("69259", "Vénissieux", "69200")]  # fmt: skip


def place_row(i: int, code: str, commune: str, postcode: str, **changes) -> dict:
    schema = load_schema()
    row = dict.fromkeys(schema.fields, "")
    row |= {
        "id": f"lieu-{i}",
        "nom": f"Espace numérique {i}",
        "pivot": f"{21690000000000 + i:014d}",
        "commune": commune,
        "code_postal": postcode,
        "code_insee": code,
        "adresse": f"{i % 90 + 1} rue de la République",
        "latitude": f"{45.70 + (i % 50) / 1000:.5f}",
        "longitude": f"{4.80 + (i % 70) / 1000:.5f}",
        "services": "Aide aux démarches administratives|"
        "Maîtrise des outils numériques du quotidien",
        "frais_a_charge": "Gratuit",
        "modalites_accompagnement": "Accompagnement individuel",
        "horaires": "Mo-Fr 09:00-12:00",
        "presentation_detail": "Accueil, ateliers, aide\n(sur rendez-vous, ou pas)",
        "date_maj": "2026-10-01",
        "source": "Test",
    }
    return row | changes


def to_csv(rows: list[dict], encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(load_schema().fields),
                            lineterminator="\r\n")  # fmt: skip
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def national_file(rows: int, communes: list[tuple[str, str, str]], share: float,
                  seed: int = 1) -> bytes:  # fmt: skip
    """`rows` places, `share` of them in `communes`, the rest elsewhere."""
    rng = random.Random(seed)
    elsewhere = [("13055", "Marseille", "13001"), ("31555", "Toulouse", "31000"),
                 ("44109", "Nantes", "44000")]  # fmt: skip
    services = load_schema().enums["services"]
    out = []
    for i in range(rows):
        pool = communes if rng.random() < share else elsewhere
        code, name, postcode = rng.choice(pool)
        out.append(place_row(i, code, name, postcode,
                             services="|".join(rng.sample(services, 2))))  # fmt: skip
    return to_csv(out)
