"""Read population margins typed or uploaded by a conseiller (CSV).

The layout is the one INSEE tables are easily cut to, one line per
category, with a header line:

    variable;modalite;effectif
    PR_AGE;Moins de 60 ans;1 840
    PR_AGE;60 ans ou plus;1 160
    PR_GENRE;Une femme;1 560,5

`variable` is a question key or its wording, `modalite` a choice code or its
label (accents and case ignored), `effectif` a population count (spaces as
thousands separators and decimal commas accepted, as INSEE publishes them).
Separators `;`, `,` or tab are detected. Every problem is reported in French
with its line number, and nothing is kept unless the whole file is valid.
"""

import csv
import io
from dataclasses import dataclass

import sqlite_utils

from survey_app.db import now, write_transaction
from survey_app.text import fold

from .frames import SurveyFrames

HEADERS = {
    "variable": {"variable", "question", "variable de redressement"},
    "category": {"modalite", "categorie", "code", "reponse", "libelle"},
    "target": {"effectif", "population", "valeur", "nombre", "part", "pourcentage"},
}
MAX_LINES = 500


class _Semicolon(csv.excel):
    delimiter = ";"


@dataclass(frozen=True)
class Margin:
    variable: str  # question key
    category: str  # choice code
    target: float


def _number(text: str) -> float | None:
    cleaned = text.replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    cleaned = cleaned.removesuffix("%").replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if value >= 0 and value == value and value != float("inf") else None


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def parse_margins(
    data: bytes | str, frames: SurveyFrames, variables: list[str]
) -> tuple[list[Margin], list[str]]:
    """Margins for the `variables` (question keys) read from CSV text.

    Returns (margins, errors); when errors is not empty, margins is empty.
    """
    text = _decode(data) if isinstance(data, bytes) else data
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return [], ["Le fichier est vide."]
    if len(lines) > MAX_LINES + 1:
        return [], [f"Le fichier a trop de lignes (plus de {MAX_LINES})."]
    try:
        dialect = csv.Sniffer().sniff(lines[0], delimiters=";,\t")
    except csv.Error:
        dialect = _Semicolon
    rows = list(csv.reader(io.StringIO("\n".join(lines)), dialect))
    header = [fold(h) for h in rows[0]]
    positions = {}
    for name, accepted in HEADERS.items():
        found = [i for i, h in enumerate(header) if h in accepted]
        if not found:
            return [], [
                "La première ligne doit nommer les colonnes : "
                "variable ; modalite ; effectif."
            ]
        positions[name] = found[0]

    by_name = {}
    for key in variables:
        by_name[fold(key)] = key
        by_name[fold(str(frames.questions.at[key, "text"]))] = key
    margins: list[Margin] = []
    errors: list[str] = []
    seen: set[tuple[str, str]] = set()
    for number, row in enumerate(rows[1:], start=2):
        cells = [c.strip() for c in row]
        if len(cells) <= max(positions.values()):
            errors.append(f"Ligne {number} : il manque une colonne.")
            continue
        variable = by_name.get(fold(cells[positions["variable"]]))
        if variable is None:
            errors.append(
                f"Ligne {number} : « {cells[positions['variable']]} » n'est pas une "
                "question de profil de cette enquête."
            )
            continue
        choices = {}
        for code in frames.codes(variable):
            choices[fold(code)] = code
            choices[fold(frames.label(variable, code))] = code
        category = choices.get(fold(cells[positions["category"]]))
        if category is None:
            errors.append(
                f"Ligne {number} : « {cells[positions['category']]} » n'est pas une "
                "réponse possible à cette question."
            )
            continue
        target = _number(cells[positions["target"]])
        if target is None:
            errors.append(
                f"Ligne {number} : « {cells[positions['target']]} » n'est pas un "
                "nombre positif."
            )
            continue
        if (variable, category) in seen:
            errors.append(f"Ligne {number} : cette modalité apparaît deux fois.")
            continue
        seen.add((variable, category))
        margins.append(Margin(variable, category, target))
    if not margins and not errors:
        errors.append("Le fichier ne contient aucune ligne de données.")
    return ([] if errors else margins), errors


def store_margins(
    db: sqlite_utils.Database, diagnostic_id: int, margins: list[Margin], source: str
) -> None:
    """Replace the diagnostic's margins for the variables given, in one go."""
    with write_transaction(db):
        for variable in {m.variable for m in margins}:
            db.execute(
                "DELETE FROM analysis_margins WHERE diagnostic_id = ? AND variable = ?",
                [diagnostic_id, variable],
            )
        stamp = now()
        for m in margins:
            db.execute(
                "INSERT INTO analysis_margins (diagnostic_id, variable, category, "
                "target, source, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                [diagnostic_id, m.variable, m.category, m.target, source, stamp],
            )


def stored_margins(db: sqlite_utils.Database, diagnostic_id: int) -> list[dict]:
    rows = db.execute(
        "SELECT variable, category, target, source, updated_at FROM analysis_margins "
        "WHERE diagnostic_id = ? ORDER BY variable, id",
        [diagnostic_id],
    )
    return [dict(r) for r in rows]


def clear_margins(db: sqlite_utils.Database, diagnostic_id: int) -> None:
    with write_transaction(db):
        db.execute(
            "DELETE FROM analysis_margins WHERE diagnostic_id = ?", [diagnostic_id]
        )
