"""Population margins of a territory: read from a CSV file, stored per diagnostic.

Two layouts are accepted (`read_margins_csv`):
- INSEE census table POP1B in long format, `CODGEO;LIBGEO;SEXE;AGED100;NB`
  (`;` separator, NB with decimals; SEXE 1 = hommes, 2 = femmes; AGED100 =
  age in years, 100 = 100 or more): single ages are summed into the bank's
  age bands (PR_AGE codes, groups.AGE_BANDS), people under 15 are left out
  (the margins describe the 15 and over), and both sexes give the PR_GENRE
  margin of the same population. Rows of every commune in the file are
  added up, or only those of `communes` when given;
- a simple table a conseiller can type, `variable;modalite;effectif`, e.g.
  `PR_AGE;18_24;1200`, `sexe;Femmes;5400`, `diplome;Baccalauréat;800`
  (question keys or the words age/sexe/genre/diplome; bank codes or labels;
  for age, also the five INSEE bands "15-24" ... "75+" of groups.AGE_GROUPS,
  stored under the variable "age"; `,` or tab separators, spaces in numbers
  and decimal commas are accepted).

Everything returns a DataFrame (variable, category, target) in the layout of
the `analysis_margins` table: variable = a question key (PR_AGE, PR_GENRE,
PR_DIPLOME) or the alias "age", category = its choice code. weighting.rake
takes it as it is.
"""

import csv
import io
from pathlib import Path
from typing import IO

import pandas as pd
import sqlite_utils

from survey_app.dates import now
from survey_app.storage import write_transaction
from survey_app.text import fold

from .groups import (
    AGE_BANDING,
    AGE_BANDS,
    AGE_GROUPS,
    GroupingError,
    band_range,
    banding_groups,
)

GENDERS = {"femme": "Femmes", "homme": "Hommes"}
DIPLOMAS = {
    "aucun_cep": "Aucun diplôme ou certificat d'études",
    "brevet_cap_bep": "Brevet, CAP ou BEP",
    "bac": "Baccalauréat",
    "bac_2": "Bac + 2",
    "bac_3_plus": "Bac + 3 ou plus",
}
AGE_LABELS = {
    "15_17": "15 à 17 ans",
    "18_24": "18 à 24 ans",
    "25_39": "25 à 39 ans",
    "40_44": "40 à 44 ans",
    "45_59": "45 à 59 ans",
    "60_69": "60 à 69 ans",
    "70_74": "70 à 74 ans",
    "75_plus": "75 ans ou plus",
}
# Variables a margins file may give, with their categories (bank codes).
CATEGORIES = {
    "PR_AGE": AGE_LABELS,
    "age": {code: label for code, (label, _) in AGE_GROUPS.items()},
    "PR_GENRE": GENDERS,
    "PR_DIPLOME": DIPLOMAS,
}
VARIABLE_NAMES = {
    "age": "PR_AGE",
    "pr age": "PR_AGE",
    "sexe": "PR_GENRE",
    "genre": "PR_GENRE",
    "pr genre": "PR_GENRE",
    "diplome": "PR_DIPLOME",
    "pr diplome": "PR_DIPLOME",
}
EXTRA_SPELLINGS = {
    "PR_GENRE": {"f": "femme", "h": "homme", "2": "femme", "1": "homme",
                 "femmes": "femme", "hommes": "homme", "une femme": "femme",
                 "un homme": "homme"},
    "PR_AGE": {"75 ans et plus": "75_plus", "75+": "75_plus", "75": "75_plus"},
}  # fmt: skip
POP1B_COLUMNS = {"codgeo", "sexe", "aged100", "nb"}
SIMPLE_COLUMNS = {"variable", "modalite", "effectif"}
COLUMN_SYNONYMS = {"categorie": "modalite", "valeur": "effectif"}
COLUMNS = ["variable", "category", "target"]


class MarginsError(ValueError):
    """The margins file or table cannot be used (message in French)."""


def read_margins_csv(
    file: str | Path | bytes | IO, communes: set[str] | None = None
) -> pd.DataFrame:
    """Margins (variable, category, target) from a CSV file (see module doc).

    Raises MarginsError with a French message for an unreadable file, an
    unknown layout, a bad number, an unknown variable or category, a
    duplicate line, or no line left for the given communes.
    """
    text = _text(file)
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise MarginsError("Le fichier est vide.")
    separator = max([";", ",", "\t"], key=lines[0].count)
    rows = list(csv.reader(io.StringIO(text), delimiter=separator))
    header = [COLUMN_SYNONYMS.get(fold(h).strip(), fold(h).strip()) for h in rows[0]]
    body = [r for r in rows[1:] if any(cell.strip() for cell in r)]
    if POP1B_COLUMNS <= set(header):
        return _pop1b(header, body, communes)
    if SIMPLE_COLUMNS <= set(header):
        return _simple(header, body)
    raise MarginsError(
        "Format non reconnu. La première ligne doit être "
        "« CODGEO;LIBGEO;SEXE;AGED100;NB » (table POP1B de l'Insee) ou "
        "« variable;modalite;effectif »."
    )


def _text(file) -> str:
    if isinstance(file, str | Path):
        with open(file, "rb") as f:
            data = f.read()
    elif isinstance(file, bytes):
        data = file
    else:
        data = file.read()
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise MarginsError("Le fichier n'est pas un fichier texte (CSV) lisible.")


def _number(value: str, line: int) -> float:
    cleaned = value.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        number = float(cleaned)
    except ValueError:
        raise MarginsError(f"Ligne {line} : « {value} » n'est pas un nombre.") from None
    if not number >= 0:  # also refuses NaN
        raise MarginsError(f"Ligne {line} : l'effectif doit être positif.")
    return number


def _age_band(age: int) -> str | None:
    """The bank's PR_AGE code of an age; None under 15 (not in the population)."""
    for band, (low, high) in AGE_BANDS.items():
        if low <= age <= high:
            return band if band in AGE_LABELS else None
    return None


def _pop1b(header: list[str], body: list[list[str]], communes) -> pd.DataFrame:
    col = {name: header.index(name) for name in POP1B_COLUMNS}
    totals: dict[tuple[str, str], float] = {}
    used = 0
    for line, row in enumerate(body, start=2):
        if len(row) < len(header):
            raise MarginsError(f"Ligne {line} : il manque des colonnes.")
        if communes is not None and row[col["codgeo"]].strip() not in communes:
            continue
        used += 1
        sex = row[col["sexe"]].strip()
        if sex not in ("1", "2"):
            raise MarginsError(
                f"Ligne {line} : SEXE doit valoir 1 ou 2, pas « {sex} »."
            )
        try:
            age = int(float(row[col["aged100"]].strip()))
        except ValueError:
            raise MarginsError(
                f"Ligne {line} : AGED100 doit être un âge, pas "
                f"« {row[col['aged100']]} »."
            ) from None
        count = _number(row[col["nb"]], line)
        band = _age_band(age)
        if band is None:
            continue
        gender = "homme" if sex == "1" else "femme"
        totals[("PR_AGE", band)] = totals.get(("PR_AGE", band), 0) + count
        totals[("PR_GENRE", gender)] = totals.get(("PR_GENRE", gender), 0) + count
    if not used:
        raise MarginsError(
            "Aucune ligne de ce fichier ne concerne les communes du diagnostic."
            if communes is not None
            else "Le fichier ne contient aucune ligne de données."
        )
    rows = [(v, c, t) for (v, c), t in totals.items()]
    return _ordered(pd.DataFrame(rows, columns=COLUMNS))


def _simple(header: list[str], body: list[list[str]]) -> pd.DataFrame:
    col = {name: header.index(name) for name in SIMPLE_COLUMNS}
    seen: dict[tuple[str, str], int] = {}
    rows, ages = [], []
    for line, row in enumerate(body, start=2):
        if len(row) <= max(col.values()):
            raise MarginsError(f"Ligne {line} : il manque des colonnes.")
        variable = VARIABLE_NAMES.get(fold(row[col["variable"]]).strip())
        if variable is None:
            raise MarginsError(
                f"Ligne {line} : variable « {row[col['variable']]} » inconnue "
                "(attendu : age, sexe ou diplome)."
            )
        if variable == "PR_AGE":
            ages.append((line, row[col["modalite"]], row[col["effectif"]]))
            continue
        category = category_code(variable, row[col["modalite"]])
        if category is None:
            accepted = ", ".join(CATEGORIES[variable])
            raise MarginsError(
                f"Ligne {line} : modalité « {row[col['modalite']]} » inconnue pour "
                f"{variable} (attendu : {accepted})."
            )
        if (variable, category) in seen:
            raise MarginsError(
                f"Ligne {line} : « {variable} = {category} » figure déjà ligne "
                f"{seen[(variable, category)]}."
            )
        seen[(variable, category)] = line
        rows.append((variable, category, _number(row[col["effectif"]], line)))
    rows += _age_rows(ages)
    if not rows:
        raise MarginsError("Le fichier ne contient aucune ligne de données.")
    return _ordered(pd.DataFrame(rows, columns=COLUMNS))


def _typed_band(value: str) -> tuple[int, int] | None:
    """ "15-24", "15 à 24 ans", "75+", "75 ans et plus", "75_plus" → ages."""
    folded = fold(value).strip()
    numbers = [
        int(n) for n in "".join(c if c.isdigit() else " " for c in folded).split()
    ]
    open_ended = "+" in value or "plus" in folded
    if len(numbers) == 2 and not open_ended and numbers[0] <= numbers[1]:
        return numbers[0], numbers[1]
    if len(numbers) == 1 and (open_ended or numbers[0] == 75):
        return numbers[0], 200
    return None


def _age_rows(ages: list[tuple[int, str, str]]) -> list[tuple[str, str, float]]:
    """Age margins under the variable that fits their bands.

    The questionnaire's own bands → PR_AGE; the five INSEE bands → "age";
    any other bands that start and end where questionnaire bands do →
    an "age:..." banding (groups.banding_groups), the questionnaire's
    bands combined into them. A band that cuts a questionnaire band, or
    two that overlap, is refused with the bands named.
    """
    if not ages:
        return []
    bank = {b: r for b, r in AGE_BANDS.items() if b in AGE_LABELS}
    lows = {lo: b for b, (lo, _) in bank.items()}
    highs = {hi: b for b, (_, hi) in bank.items()}
    bands: list = []
    seen: dict[str, tuple] = {}
    for line, text, count in ages:
        limits = _typed_band(text)
        if limits is None:
            raise MarginsError(
                f"Ligne {line} : tranche d'âge « {text} » illisible (attendu par "
                "exemple 15-24, 25-39 ou 75+)."
            )
        low, high = limits
        for age, edges in ((low, lows), (high, highs)):
            if age not in edges:
                cut = next((b for b, (lo, hi) in bank.items() if lo <= age <= hi), None)
                named = f"la tranche « {AGE_LABELS[cut]} »" if cut else "les âges"
                raise MarginsError(
                    f"Ligne {line} : la tranche « {text} » coupe {named} du "
                    "questionnaire. Les tranches doivent commencer et finir comme "
                    "celles du questionnaire (15, 18, 25, 40, 45, 60, 70 et 75 ans)."
                )
        code = f"{low}_plus" if high == 200 else f"{low}_{high}"
        for o_low, o_high, o_line in seen.values():
            if low <= o_high and o_low <= high:
                raise MarginsError(
                    f"Ligne {line} : la tranche « {text} » chevauche la tranche "
                    f"ligne {o_line}."
                )
        seen[code] = (low, high, line)
        bands.append((code, _number(count, line)))
    codes = [c for c, _ in bands]
    if all(c in AGE_LABELS for c in codes):
        return [("PR_AGE", c, n) for c, n in bands]
    if all(c in CATEGORIES["age"] for c in codes):
        return [("age", c, n) for c, n in bands]
    ordered = sorted(bands, key=lambda b: seen[b[0]][0])
    variable = AGE_BANDING + "|".join(c for c, _ in ordered)
    return [(variable, c, n) for c, n in ordered]


def categories(variable: str) -> dict[str, str]:
    """Codes and labels of a margins variable (also "age:..." bandings)."""
    if variable.startswith(AGE_BANDING):
        return {c: label for c, (label, _) in banding_groups(variable).items()}
    return CATEGORIES.get(variable, {})


def category_code(variable: str, value: str) -> str | None:
    """The category code of a typed value (code, label or usual spelling)."""
    folded = fold(value).strip()  # fold() also turns "_" and "-" into spaces
    for code, label in CATEGORIES[variable].items():
        if folded in (fold(code), fold(label)):
            return code
    return EXTRA_SPELLINGS.get(variable, {}).get(folded) or _age_range(variable, folded)


def _age_range(variable: str, folded: str) -> str | None:
    """ "15-24", "15 a 24 ans" → "15_24"."""
    if variable != "age":
        return None
    digits = "_".join("".join(c if c.isdigit() else " " for c in folded).split())
    return digits if digits in CATEGORIES["age"] else None


def _ordered(frame: pd.DataFrame) -> pd.DataFrame:
    order = {(v, c): i for i, (v, c) in enumerate(
        (v, c) for v, cats in CATEGORIES.items() for c in cats
    )}  # fmt: skip
    # An "age:..." banding comes first, its bands from the youngest.
    frame["_order"] = [
        -1000 + band_range(c)[0] if v.startswith(AGE_BANDING) else order[(v, c)]
        for v, c in zip(frame["variable"], frame["category"], strict=True)
    ]
    return frame.sort_values("_order").drop(columns="_order").reset_index(drop=True)


def save_margins(
    db: sqlite_utils.Database,
    diagnostic_id: int,
    margins: pd.DataFrame,
    source: str = "",
) -> None:
    """Replace a diagnostic's margins (all or nothing). Raises MarginsError."""
    for row in margins.itertuples(index=False):
        try:
            known = categories(row.variable)
        except GroupingError:
            known = {}
        if row.category not in known:
            raise MarginsError(f"Marge inconnue : {row.variable} = {row.category}.")
        if not float(row.target) >= 0:
            raise MarginsError("Les effectifs doivent être des nombres positifs.")
    stamp = now()
    with write_transaction(db):
        db.execute(
            "DELETE FROM analysis_margins WHERE diagnostic_id = ?", [diagnostic_id]
        )
        db.conn.executemany(
            "INSERT INTO analysis_margins (diagnostic_id, variable, category, target, "
            "source, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            [
                (diagnostic_id, r.variable, r.category, float(r.target), source, stamp)
                for r in margins.itertuples(index=False)
            ],
        )


def load_margins(db: sqlite_utils.Database, diagnostic_id: int) -> pd.DataFrame:
    """A diagnostic's margins: variable, category, target, source, updated_at."""
    rows = db.execute(
        "SELECT variable, category, target, source, updated_at FROM analysis_margins "
        "WHERE diagnostic_id = ?",
        [diagnostic_id],
    ).fetchall()
    frame = pd.DataFrame(
        [tuple(r) for r in rows], columns=[*COLUMNS, "source", "updated_at"]
    )
    return _ordered(frame) if len(frame) else frame
