"""Reading a portrait CSV: pure pandas functions, no Flask, no database.

The conseiller's path is: `read_table` (any INSEE-style CSV: `;` or `,` or
tab separators, decimal commas, UTF-8 or Latin-1, with or without BOM) →
`guess_mapping` proposes which column is what, the conseiller corrects it →
`check_import` returns the rows to store and every problem, line by line, in
French. Nothing is stored while a single error remains (see portrait.py).

Two shapes of file, told apart by the mapping:
- one line per commune, one column per indicator (e.g. `CODGEO;P21_POP65P`);
- population by sex and age, one line per commune × sex × age, like the
  census table POP1B (`CODGEO;LIBGEO;SEXE;AGED100;NB`).
"""

import csv
import io
import re
from dataclasses import dataclass, field

import pandas as pd

from survey_app.text import fold

from .indicators import INDICATORS

COMMUNE, SEX, AGE, COUNT = "commune", "sexe", "age", "effectif"
POPULATION_ROLES = (SEX, AGE, COUNT)
ROLES = {
    "": "Ne pas importer",
    COMMUNE: "Code commune (Insee)",
    SEX: "Sexe (population par âge)",
    AGE: "Âge ou tranche d'âge (population par âge)",
    COUNT: "Effectif (population par âge)",
    **{key: indicator.label for key, indicator in INDICATORS.items()},
}
OPEN_AGE = 200  # age_high of "100 ans ou plus", "75+"
MAX_ERRORS = 50
# Column names seen in INSEE, IFN and ARCEP files, folded (see guess_mapping).
KNOWN_COLUMNS = {
    "codgeo": COMMUNE, "code commune": COMMUNE, "code insee": COMMUNE,
    "com": COMMUNE, "code iris": "", "insee com": COMMUNE,
    "sexe": SEX, "aged100": AGE, "age": AGE, "nb": COUNT, "effectif": COUNT,
    "tx pauvrete": "taux_pauvrete", "tp6021": "taux_pauvrete",
    "taux de pauvrete": "taux_pauvrete", "tx menseul": "menages_1_personne",
    "tx 65etplus": "part_65_plus", "tx demandeurs emploi": "taux_chomage",
    "score global": "ifn_score", "score": "ifn_score",
    "acces aux interfaces numeriques": "ifn_acces_interfaces",
    "acces a l information": "ifn_acces_information",
    "competences administatives": "ifn_competences_administratives",
    "competences administratives": "ifn_competences_administratives",
    "competences numeriques scolaires": "ifn_competences_numeriques",
    "couverture hd thd": "couverture_thd", "couverture mobile": "couverture_4g",
}  # fmt: skip


class ImportProblem(ValueError):
    """The file cannot be read at all (message in French)."""


@dataclass
class CheckedImport:
    figures: pd.DataFrame  # commune_code, indicator, value
    population: pd.DataFrame  # commune_code, sex, age_low, age_high, count
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, text)
    skipped: int = 0  # lines of communes outside the territory

    @property
    def ok(self) -> bool:
        return not self.errors and bool(len(self.figures) or len(self.population))


def read_table(data: bytes) -> pd.DataFrame:
    """Every cell as text, column names as written. :raise ImportProblem:."""
    text = _decode(data)
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) < 2:
        raise ImportProblem("Le fichier est vide ou n'a qu'une ligne de titres.")
    separator = max([";", ",", "\t"], key=lines[0].count)
    rows = list(csv.reader(io.StringIO(text), delimiter=separator))
    header = [h.strip() for h in rows[0]]
    if len(header) < 2:
        raise ImportProblem(
            "Une seule colonne trouvée : les colonnes doivent être séparées par "
            "des points-virgules (;), des virgules ou des tabulations."
        )
    if len(set(header)) != len(header):
        raise ImportProblem(
            "Deux colonnes portent le même nom dans la ligne de titres."
        )
    body = [
        (r + [""] * len(header))[: len(header)]
        for r in rows[1:]
        if any(c.strip() for c in r)
    ]
    frame = pd.DataFrame(body, columns=header, dtype="string")
    frame.index = range(2, len(frame) + 2)  # file line numbers
    return frame


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    text = data.decode("cp1252", errors="replace")  # Latin-1 as Excel writes it
    if "\ufffd" in text:
        raise ImportProblem("Ce fichier n'est pas un fichier CSV lisible.")
    return text


def guess_mapping(columns: list[str]) -> dict[str, str]:
    """A first proposal: known INSEE/IFN names, else 'do not import'."""
    mapping = {}
    for column in columns:
        name = fold(column).strip()
        role = KNOWN_COLUMNS.get(name, "")
        if not role and name in INDICATORS:
            role = name
        mapping[column] = role
    return mapping


def check_mapping(mapping: dict[str, str]) -> list[str]:
    """French problems with the conseiller's choice of columns."""
    problems = []
    roles = [r for r in mapping.values() if r]
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        problems.append("Un choix de colonne n'est pas reconnu.")
    if roles.count(COMMUNE) != 1:
        problems.append("Choisissez exactement une colonne « Code commune ».")
    for role in set(roles):
        if role != COMMUNE and roles.count(role) > 1:
            problems.append(
                f"« {ROLES.get(role, role)} » est choisi pour deux colonnes."
            )
    population = [r for r in POPULATION_ROLES if r in roles]
    if population and len(population) != len(POPULATION_ROLES):
        problems.append(
            "Pour la population par âge, choisissez les trois colonnes : sexe, "
            "âge et effectif."
        )
    indicators = [r for r in roles if r in INDICATORS]
    if population and indicators:
        problems.append(
            "Importez la population par âge et les autres indicateurs dans deux "
            "fichiers séparés."
        )
    if not population and not indicators:
        problems.append("Choisissez au moins une colonne à importer.")
    return problems


def check_import(
    table: pd.DataFrame,
    mapping: dict[str, str],
    known: set[str],
    territory: set[str],
) -> CheckedImport:
    """Rows to store and per-line errors. `known`: every commune code of
    France; lines of known communes outside `territory` are skipped."""
    empty = CheckedImport(_figures([]), _population([]))
    problems = check_mapping(mapping)
    if problems:
        empty.errors = [(1, p) for p in problems]
        return empty
    by_role = {role: column for column, role in mapping.items() if role}
    population = SEX in by_role
    errors: list[tuple[int, str]] = []
    rows: list[tuple] = []
    seen: dict[tuple, int] = {}
    skipped = 0
    for line, record in table.iterrows():
        code = commune_code(record[by_role[COMMUNE]])
        if code not in known:
            errors.append(
                (line, f"code commune « {record[by_role[COMMUNE]]} » inconnu.")
            )
            continue
        if code not in territory:
            skipped += 1
            continue
        read = _population_line if population else _figures_line
        rows += read(code, record, by_role, line, seen, errors)
    result = CheckedImport(
        _figures([] if population else rows),
        _population(rows if population else []),
        skipped=skipped,
    )
    result.errors = errors[:MAX_ERRORS]
    if not errors and not rows:
        result.errors = [(1, "Aucune ligne ne concerne les communes du diagnostic.")]
    return result


def _population_line(
    code: str,
    record: pd.Series,
    by_role: dict[str, str],
    line: int,
    seen: dict[tuple, int],
    errors: list[tuple[int, str]],
) -> list[tuple]:
    """One line of a population file (commune, sex, age band, count)."""
    found = _population_row(record, by_role, line, errors)
    if found is None:
        return []
    sex, low, high, count = found
    key = (code, sex, low)
    if key in seen:
        errors.append((line, f"commune {code}, même sexe et même âge que "
                             f"la ligne {seen[key]}."))  # fmt: skip
        return []
    seen[key] = line
    return [(code, sex, low, high, count)]


def _figures_line(
    code: str,
    record: pd.Series,
    by_role: dict[str, str],
    line: int,
    seen: dict[tuple, int],
    errors: list[tuple[int, str]],
) -> list[tuple]:
    """One line of a figures file: the commune's value for each indicator."""
    if (code,) in seen:
        errors.append((line, f"la commune {code} figure déjà ligne {seen[(code,)]}."))
        return []
    seen[(code,)] = line
    rows = []
    for role, column in by_role.items():
        if role not in INDICATORS:
            continue
        value = _number(record[column], column, line, errors)
        if value is not None and _in_range(role, value, column, line, errors):
            rows.append((code, role, value))
    return rows


def commune_code(value) -> str:
    """'1004' (a spreadsheet dropped the zero) → '01004'; '2A004' kept."""
    code = str(value or "").strip().upper()
    return code.zfill(5) if code.isdigit() and len(code) == 4 else code


def parse_number(value) -> float | None:
    """'1 234,5' → 1234.5; '' → None. :raise ValueError: not a number."""
    text = str(value if value is not None and not pd.isna(value) else "")
    text = text.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    text = text.replace("%", "").replace(",", ".")
    if not text:
        return None
    number = float(text)
    if number != number:  # NaN
        raise ValueError(value)
    return number


def _number(value, column: str, line: int, errors: list) -> float | None:
    try:
        return parse_number(value)
    except ValueError:
        errors.append((line, f"« {value} » n'est pas un nombre (colonne {column})."))
        return None


def _in_range(key: str, value: float, column: str, line: int, errors) -> bool:
    unit = INDICATORS[key].unit
    high = 100 if unit == "%" else 10 if unit.startswith("score") else None
    if value < 0 or (high is not None and value > high):
        limit = f"entre 0 et {high}" if high is not None else "positif"
        errors.append((line, f"{value:g} doit être {limit} (colonne {column})."))
        return False
    return True


SEXES = {
    "1": "homme", "2": "femme", "h": "homme", "f": "femme", "m": "homme",
    "homme": "homme", "hommes": "homme", "femme": "femme", "femmes": "femme",
}  # fmt: skip


def parse_age(value) -> tuple[int, int] | None:
    """'37' → (37, 37); '100' → (100, 200); '15-19', '15 à 19 ans' → (15, 19);
    '75+', '75 ans ou plus' → (75, 200); anything else → None."""
    text = fold(str(value or "")).strip()
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    if len(numbers) == 1 and re.fullmatch(r"\d+", text):
        return (100, OPEN_AGE) if numbers[0] >= 100 else (numbers[0], numbers[0])
    if len(numbers) == 1 and ("+" in str(value) or "plus" in text):
        return numbers[0], OPEN_AGE
    if len(numbers) == 2 and numbers[0] <= numbers[1]:
        return numbers[0], numbers[1]
    return None


def _population_row(record, by_role, line, errors):
    sex = SEXES.get(fold(str(record[by_role[SEX]] or "")).strip())
    if sex is None:
        errors.append((line, f"sexe « {record[by_role[SEX]]} » non reconnu "
                             "(attendu : 1 ou 2, H ou F)."))  # fmt: skip
        return None
    ages = parse_age(record[by_role[AGE]])
    if ages is None:
        errors.append((line, f"âge « {record[by_role[AGE]]} » non reconnu "
                             "(attendu : 37, 15-19 ou 75+)."))  # fmt: skip
        return None
    count = _number(record[by_role[COUNT]], by_role[COUNT], line, errors)
    if count is None:
        return None
    if count < 0:
        errors.append((line, "un effectif ne peut pas être négatif."))
        return None
    return sex, ages[0], ages[1], count


def _figures(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["commune_code", "indicator", "value"])


def _population(rows) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["commune_code", "sex", "age_low", "age_high", "count"]
    )
