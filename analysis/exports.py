"""A survey's data as files: CSV (French Excel or plain), XLSX, ODS, JSON.

    frames = load_survey(db, survey_id)
    write_xlsx(frames, "enquete.xlsx")          # or a binary file object
    export(frames, "csv", buffer)               # any of FORMATS

Workbooks hold five sheets: Réponses (one row per response, labels),
Synthèse, Tableaux croisés (cells under 5 people hidden), Comparaison
nationale and Dictionnaire des codes. CSV files hold the Réponses sheet.
Every text a spreadsheet could run as a formula is neutralised (cells.py);
accents and emoji are kept (UTF-8 everywhere).
"""

import json
from collections.abc import Callable
from typing import IO, Any

import pandas as pd

from survey_app.dates import now
from survey_app.surveys.contract import QUESTION_TYPES, THEMES

from . import sheets
from .cells import safe_frame
from .frames import SurveyFrames, answers_table
from .ods import write_sheets_ods
from .xlsx import write_sheets_xlsx

Target = str | IO[bytes]
FORMATS: dict[str, tuple[str, str]] = {
    # format: (content type, file extension)
    "csv": ("text/csv; charset=utf-8", "csv"),
    "csv-comma": ("text/csv; charset=utf-8", "csv"),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    ),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", "ods"),
    "json": ("application/json", "json"),
}
FORMAT_LABELS = {
    "csv": "CSV pour Excel (point-virgule)",
    "csv-comma": "CSV standard (virgule)",
    "xlsx": "Classeur Excel (.xlsx)",
    "ods": "Classeur LibreOffice (.ods)",
    "json": "JSON (pour les développeurs)",
}


def codebook_sheet(frames: SurveyFrames) -> pd.DataFrame:
    """The codebook with French column titles and readable types/themes."""
    book = frames.codebook
    return pd.DataFrame(
        {
            "Question": book["key"],
            "Intitulé": book["text"],
            "Type": book["type"].map(QUESTION_TYPES).fillna(book["type"]),
            "Thème": book["theme"].map(THEMES).fillna(book["theme"]),
            "Code": book["code"],
            "Libellé": book["label"],
            "Question de la banque": book["bank_id"],
        }
    )


def workbook_sheets(frames: SurveyFrames) -> list[tuple[str, pd.DataFrame]]:
    """The sheets of a workbook export, in order.

    The cross-tabs are protected knowing what the Synthèse sheet prints.
    """
    summaries = sheets.protected_summaries(frames)
    overall = sheets.overall_shown(summaries)
    return [
        ("Réponses", answers_table(frames)),
        ("Lisez-moi", sheets.readme_sheet()),
        ("Synthèse", sheets.summary_sheet(frames, summaries)),
        ("Tableaux croisés", sheets.crosstab_sheet(frames, overall=overall)),
        ("Comparaison nationale", sheets.national_sheet(frames)),
        ("Dictionnaire des codes", codebook_sheet(frames)),
    ]


def write_xlsx(frames: SurveyFrames, target: Target) -> None:
    """The workbook as .xlsx (path or binary file). Stable API: bench uses it."""
    write_sheets_xlsx(workbook_sheets(frames), target)


def write_ods(frames: SurveyFrames, target: Target) -> None:
    """The workbook as .ods (path or binary file)."""
    write_sheets_ods(workbook_sheets(frames), target)


def write_csv(frames: SurveyFrames, target: Target, *, french: bool = True) -> None:
    """The Réponses sheet as CSV.

    `french=True`: UTF-8 with BOM, `;` separator, decimal comma and
    dd/mm/yyyy dates, which French Excel opens correctly by double-click.
    `french=False`: plain UTF-8, `,` separator, decimal point, ISO dates.
    """
    table = safe_frame(answers_table(frames))
    options: dict[str, Any] = (
        {
            "sep": ";",
            "decimal": ",",
            "encoding": "utf-8-sig",
            "date_format": "%d/%m/%Y %H:%M",
        }
        if french
        else {"sep": ",", "encoding": "utf-8", "date_format": "%Y-%m-%d %H:%M:%S"}
    )
    if isinstance(target, str):
        table.to_csv(target, index=False, lineterminator="\r\n", **options)
        return
    text = table.to_csv(
        index=False,
        lineterminator="\r\n",
        **{k: v for k, v in options.items() if k != "encoding"},
    )
    target.write(text.encode(options["encoding"]))


def write_json(frames: SurveyFrames, target: Target) -> None:
    """Survey, questions (with choices) and labelled responses as one JSON object."""
    questions = []
    for key in frames.keys():
        q = frames.question(key)
        questions.append(
            {
                "cle": key,
                "type": q["type"],
                "theme": q["theme"],
                "intitule": q["text"],
                "choix": [
                    {"code": code, "libelle": frames.label(key, code)}
                    for code in frames.codes(key)
                ]
                if q["type"] != "commune"
                else [],
            }
        )
    head = {
        "enquete": {"code": frames.survey["code"], "titre": frames.survey["title"]},
        "exporte_le": now(),
        "questions": questions,
    }
    responses = answers_table(frames).to_json(
        orient="records", force_ascii=False, date_format="iso"
    )
    text = json.dumps(head, ensure_ascii=False)[:-1] + f', "reponses": {responses}}}'
    _write_text(target, text)


def _write_text(target: Target, text: str) -> None:
    if isinstance(target, str):
        with open(target, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        target.write(text.encode("utf-8"))


WRITERS: dict[str, Callable[[SurveyFrames, Target], None]] = {
    "csv": write_csv,
    "csv-comma": lambda frames, target: write_csv(frames, target, french=False),
    "xlsx": write_xlsx,
    "ods": write_ods,
    "json": write_json,
}


def export(frames: SurveyFrames, fmt: str, target: Target) -> None:
    """Write the survey in `fmt` (a key of FORMATS). Raises KeyError otherwise."""
    WRITERS[fmt](frames, target)


def export_filename(survey: dict[str, Any], fmt: str) -> str:
    """e.g. "enquete-k7m2p9-2026-11-26.xlsx" (ASCII, safe in any header)."""
    code = "".join(c for c in str(survey["code"]) if c.isascii() and c.isalnum())
    suffix = "-virgule" if fmt == "csv-comma" else ""
    return f"enquete-{code}{suffix}-{now()[:10]}.{FORMATS[fmt][1]}"
