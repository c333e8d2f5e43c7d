"""Small instances (one app, one database each) exported as open data.

Each instance is a real app over a copy of the template database: a user,
a diagnostic with a territory, surveys answered through store_response,
then the real `export-open-data` command.
"""

import os
import shutil
from typing import Any

import pandas as pd

from analysis.margins import save_margins
from survey_app import create_app
from survey_app.db import connect
from survey_app.surveys.model import create_point, create_survey, store_response

FREE_TEXT = "Jean Dupont, 12 rue des Lilas, diabétique"
OTHER_TEXT = "Mon voisin Marcel"
POINT_NAME = "Marché <du> jeudi"

EQ_MOBILE = {
    "key": "EQ_MOBILE", "type": "single", "theme": "equipement",
    "text": "Utilisez-vous un téléphone portable ?",
    "choices": [{"code": "smartphone", "label": "Oui, un smartphone"},
                {"code": "mobile_simple", "label": "Oui, un téléphone simple"},
                {"code": "aucun", "label": "Non, aucun"},
                {"code": "nr", "label": "Je préfère ne pas répondre"}],
}  # fmt: skip
EQUIPMENT = {
    "key": "EQ_ORDI_TABLETTE", "type": "multiple", "theme": "equipement",
    "text": "Avez-vous chez vous… ?", "other": True,
    "choices": [{"code": "ordi_perso", "label": "Un ordinateur"},
                {"code": "tablette", "label": "Une tablette"},
                {"code": "aucun", "label": "Aucun des deux"}],
}  # fmt: skip
INTERNET = {
    "key": "CO_INTERNET_DOMICILE", "type": "single", "theme": "connexion",
    "text": "Avez-vous Internet chez vous ?",
    "choices": [{"code": "box", "label": "Oui, une box"},
                {"code": "mobile_seul", "label": "Seulement le téléphone"},
                {"code": "non", "label": "Non"},
                {"code": "nsp", "label": "Je ne sais pas"}],
}  # fmt: skip
LAST_USE = {
    "key": "US_DERNIERE_UTILISATION", "type": "single", "theme": "usages",
    "text": "Dernière utilisation d'Internet ?",
    "choices": [{"code": "moins_3_mois", "label": "Moins de 3 mois"},
                {"code": "3_mois_1_an", "label": "3 mois à 1 an"},
                {"code": "jamais", "label": "Jamais"}],
}  # fmt: skip
SKILLS = [
    {"key": key, "type": "scale", "theme": "competences", "text": f"{key} ?",
     "choices": [{"code": "seul", "label": "Seul"},
                 {"code": "avec_aide", "label": "Avec de l'aide"},
                 {"code": "non", "label": "Non"}]}
    for key in ("CP_INFORMATION", "CP_COMMUNICATION")
]  # fmt: skip
GIVE_UP = {
    "key": "DA_RENONCEMENT", "type": "single", "theme": "demarches",
    "text": "Avez-vous renoncé à une démarche ?",
    "choices": [{"code": "non", "label": "Non"},
                {"code": "oui_autrement", "label": "Oui, faite autrement"},
                {"code": "oui_abandon", "label": "Oui, abandonnée"}],
    "show_if": {"question": "CO_INTERNET_DOMICILE", "values": ["box", "mobile_seul"]},
}  # fmt: skip
GENDER = {
    "key": "PR_GENRE", "type": "single", "theme": "profil", "text": "Vous êtes ?",
    "choices": [{"code": "femme", "label": "Une femme"},
                {"code": "homme", "label": "Un homme"}],
}  # fmt: skip
HOUSEHOLD = {"key": "PR_MENAGE", "type": "number", "theme": "profil",
             "text": "Combien de personnes dans le foyer ?"}  # fmt: skip
COMMUNE = {"key": "PR_COMMUNE", "type": "commune", "theme": "profil",
           "text": "Dans quelle commune habitez-vous ?"}  # fmt: skip
REMARK = {"key": "REMARQUE", "type": "long_text", "theme": "autre",
          "text": "Une remarque ?"}  # fmt: skip
ALL_QUESTIONS = [EQ_MOBILE, EQUIPMENT, INTERNET, LAST_USE, *SKILLS, GIVE_UP,
                 GENDER, HOUSEHOLD, COMMUNE, REMARK]  # fmt: skip


def answers_for(i: int, communes: list[str]) -> dict[str, Any]:
    """Response i, varied but reproducible; every 17th skips the phone."""
    internet = ["box", "box", "mobile_seul", "non", "nsp"][i % 5]
    answers: dict[str, Any] = {
        "EQ_MOBILE": ["smartphone", "smartphone", "mobile_simple", "aucun", "nr"][
            i % 5
        ],
        "EQ_ORDI_TABLETTE": [
            ["ordi_perso"],
            ["tablette", "ordi_perso"],
            ["aucun"],
            ["autre"],
        ][i % 4],  # fmt: skip
        "CO_INTERNET_DOMICILE": internet,
        "US_DERNIERE_UTILISATION": [
            "moins_3_mois",
            "moins_3_mois",
            "3_mois_1_an",
            "jamais",
        ][i % 4],  # fmt: skip
        "CP_INFORMATION": ["seul", "avec_aide", "non"][i % 3],
        "CP_COMMUNICATION": ["non", "seul", "avec_aide", "non", "seul"][i % 5],
        "PR_GENRE": "femme" if i % 3 else "homme",
        "PR_MENAGE": 11 if i == 0 else 1 + i % 4,
        "PR_COMMUNE": communes[0] if i else communes[1],  # one person: rare
    }
    if internet in ("box", "mobile_seul"):
        answers["DA_RENONCEMENT"] = ["non", "oui_autrement", "oui_abandon"][i % 3]
    if i % 17 == 5:
        del answers["EQ_MOBILE"]
    if i % 4 == 3:
        answers["EQ_ORDI_TABLETTE.autre"] = OTHER_TEXT
    if i % 6 == 0:
        answers["REMARQUE"] = FREE_TEXT
    return answers


def make_instance(
    folder: str,
    template_db: str,
    geo_dir: str,
    communes: list[str],
    surveys: list[tuple[list[dict], int]],
    margins: dict[str, float] | None = None,
) -> tuple[Any, int, list[int]]:
    """An app with one diagnostic over `communes` and the given surveys
    (questions, number of responses); returns (app, diagnostic, surveys)."""
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "app.db")
    shutil.copy(template_db, path)
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "test-secret", "DATABASE": path,
         "GEO_DATA_DIR": geo_dir, "HOSTING": "Serveur de test, en France."}
    )  # fmt: skip
    app.instance_path = folder
    db = connect(path)
    try:
        db.execute("INSERT INTO users (email, password_hash, created_at) "
                   "VALUES ('a@example.fr', 'x', '2026-01-01T00:00:00Z')")  # fmt: skip
        diagnostic = db.execute(
            "INSERT INTO diagnostics (title, created_by, created_at) "
            "VALUES ('Diagnostic', 1, '2026-01-01T00:00:00Z')"
        ).lastrowid
        for code in communes:
            db.execute("INSERT INTO diagnostic_communes VALUES (?, ?)",
                       [diagnostic, code])  # fmt: skip
        survey_ids = []
        for n, (questions, count) in enumerate(surveys):
            survey = create_survey(db, diagnostic, f"Enquête {n}", questions)
            version = db.execute(
                "SELECT id FROM survey_versions WHERE survey_id = ?", [survey]
            ).fetchone()[0]
            point = create_point(db, survey, POINT_NAME, "marche")
            keys = {q["key"] for q in questions}
            for i in range(count):
                day = f"2026-0{3 + i % 2}-{1 + i % 27:02d}"
                answers = {
                    k: v
                    for k, v in answers_for(i, communes).items()
                    if k.split(".")[0] in keys
                }
                store_response(
                    db, survey_id=survey, version_id=version, point_id=point,
                    idempotency_key=f"{folder}-{survey}-{i}", answers=answers,
                    submitted_at=f"{day}T09:{i % 60:02d}:00Z",
                )  # fmt: skip
            survey_ids.append(survey)
        if margins:
            save_margins(
                db,
                diagnostic,
                pd.DataFrame(
                    [("PR_GENRE", k, v) for k, v in margins.items()],
                    columns=["variable", "category", "target"],
                ),
            )
    finally:
        db.close()
    return app, diagnostic, survey_ids
