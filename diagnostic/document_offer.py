"""Steps 4 and 5 of the diagnostic document: offer, needs against offer,
inspirations (issue 10 §3, issue 11 §1–3).

Everything comes from the offer package's plain-data functions; the figures
of the needs table are the ones the offer page shows (hidden cells included).
"""

import pandas as pd

from analysis.document_model import Bullets, Figure, Heading, Paragraph, Table
from offer.actors import ACTOR_KINDS, load_actors, load_inspirations
from offer.needs import TERRITORY
from offer.offer_data import needs_for_diagnostic
from offer.opening_hours import describe_hours
from offer.places import load_places
from offer.schematic import needs_svg

RESOURCE_KINDS = {
    "human": "humaine",
    "material": "matérielle",
    "financial": "financière",
}
HIDDEN = "masqué (moins de 5 personnes)"
MAX_ROWS = 20


def share_text(row) -> str:
    """The share as the offer page writes it: percent and its margin."""
    if row["hidden"] or pd.isna(row["share"]):
        return HIDDEN
    return f"{row['share']:.0f} % ({row['low']:.0f} à {row['high']:.0f} %)"


def nearest_text(row) -> str:
    nearest = row["nearest"]
    if nearest is None or pd.isna(nearest):
        return "aucun"
    return f"{nearest} ({row['distance_km']:.0f} km)".replace(".", ",")


def main_uncovered(result: dict, top: int = MAX_ROWS) -> pd.DataFrame:
    """The uncovered rows with the most people first (hidden cells last):
    a need of many communes would fill pages, the application has them all."""
    rows = result["uncovered"]
    order = rows.assign(_t=rows["commune"] != TERRITORY).sort_values(
        ["_t", "count"], ascending=[True, False], na_position="last", kind="stable"
    )
    return order.drop(columns="_t").head(top)


def uncovered_lines(result: dict) -> list[str]:
    """Main uncovered needs, for the key findings."""
    rows = main_uncovered(result, 3)
    return [
        f"{r['label']} — {r['commune']} : {share_text(r)}" for _, r in rows.iterrows()
    ]


def offer_blocks(db, diagnostic_id: int, result: dict | None = None) -> list:
    blocks: list = []
    actors = load_actors(db, diagnostic_id)
    blocks.append(Heading(2, "Les acteurs et leurs ressources"))
    if actors:
        kinds = sorted({a["kind"] for a in actors})
        for kind in kinds:
            blocks.append(Heading(3, ACTOR_KINDS.get(kind, kind)))
            blocks.append(
                Bullets(
                    [
                        f"{a['name']}" + (f" — {a['role']}" if a["role"] else "")
                        for a in actors
                        if a["kind"] == kind
                    ]
                )
            )
        rows = [
            [a["name"], RESOURCE_KINDS.get(r["kind"], r["kind"]), r["description"],
             r["quantity"] or "—"]
            for a in actors for r in a["resources"]
        ]  # fmt: skip
        if rows:
            blocks.append(
                Table(
                    "Ressources des acteurs",
                    "Saisies par le conseiller (étape 4).",
                    ["Acteur", "Ressource", "Description", "Quantité"],
                    rows,
                )
            )
    else:
        blocks.append(Paragraph("À compléter : aucun acteur saisi."))
    blocks.append(Heading(2, "Les lieux d'aide numérique"))
    places = load_places(db, diagnostic_id)
    if places:
        blocks.append(
            Table(
                "Lieux d'aide numérique du territoire",
                "Schéma national des lieux de médiation numérique, importé ou saisi.",
                ["Lieu", "Commune", "Services", "Horaires", "Frais"],
                [
                    [p.get("nom", ""), p.get("commune", ""),
                     str(p.get("services") or "—").replace("|", ", "),
                     describe_hours(p.get("horaires")) or "non publiés",
                     str(p.get("frais_a_charge") or "—").replace("|", ", ")]
                    for p in places
                ],
            )
        )  # fmt: skip
    else:
        blocks.append(Paragraph("À compléter : aucun lieu d'aide numérique saisi."))
    blocks += needs_blocks(result or needs_for_diagnostic(db, diagnostic_id))
    return blocks


def needs_blocks(result: dict) -> list:
    blocks: list = [Heading(2, "Besoins non couverts")]
    rows = main_uncovered(result)
    if not len(result["table"]):
        return blocks + [
            Paragraph("À compléter : aucune réponse sur les besoins d'aide.")
        ]
    if len(rows):
        blocks.append(
            Table(
                "Besoins exprimés sans lieu d'aide assez proche",
                str(rows["basis"].iloc[0]),
                ["Besoin", "Commune", "Part des répondants (marge)",
                 "Lieu le plus proche"],
                [[r["label"], r["commune"], share_text(r), nearest_text(r)]
                 for _, r in rows.iterrows()],
                notes=["Moins de 5 personnes : la part est masquée.",
                       f"{len(result['uncovered'])} lignes en tout ; les "
                       f"{len(rows)} qui concernent le plus de personnes sont "
                       "ici, toutes sont sur la page « Besoins et offre »."],
            )
        )  # fmt: skip
    else:
        blocks.append(Paragraph("Chaque besoin exprimé a un lieu d'aide proche."))
    if len(result["centres"]):
        blocks.append(
            Figure(
                needs_svg(result["table"], result["centres"],
                          "Besoins exprimés et lieux d'aide, par commune"),
                "Schéma par commune des besoins exprimés et des lieux d'aide ; "
                "les mêmes chiffres sont dans le tableau des besoins non couverts.",
            )
        )  # fmt: skip
    return blocks


def inspiration_blocks(db, diagnostic_id: int) -> list:
    items = load_inspirations(db, diagnostic_id)
    if not items:
        return [Paragraph("À compléter : aucune initiative repérée ailleurs.")]
    blocks: list = []
    for item in items:
        blocks.append(Heading(2, item["title"]))
        for label, key in (
            ("Territoire", "territory"),
            ("Source", "link"),
            ("Ce qu'on en retient", "borrow"),
            ("Points de vigilance", "vigilance"),
        ):
            if item.get(key):
                blocks.append(Paragraph(f"{label} : {item[key]}"))
        if item["tags"]:
            blocks.append(Paragraph("Mots-clés : " + ", ".join(item["tags"]), "note"))
    return blocks  # fmt: skip
