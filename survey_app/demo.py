"""Demo data: a diagnostic, a survey, collection points and realistic answers.

`flask --app survey_app demo` (and `make run` on first start) loads a demo
conseiller account, a diagnostic of a real intercommunality (the Trièves,
27 rural mountain communes in Isère), the full bank questionnaire, five
collection points (one at `/s/demo`) and about 400 made-up answers spread
over the last three weeks. Everything is written in one transaction.
"""

import json
import random
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlite_utils
from werkzeug.security import generate_password_hash

from diagnostic.demo import fill_demo

from .dates import PARIS, stamp, today_in_paris
from .db import now, write_transaction
from .demo_answers import respondent_form
from .storage import inserted_id
from .surveys import model
from .surveys.answers import parse_answers
from .surveys.bank import preset
from .surveys.questions import normalise_question

DEMO_EMAIL = "demo@exemple.fr"
DEMO_PASSWORD = "demo-diagnostic"
DEMO_CODE = "demo"
EPCI_SEARCH = "cc du trieves"
# Used when the commune table is empty (the Etalab data is not installed):
# the five largest communes of the Trièves, real INSEE codes and populations.
FALLBACK_COMMUNES = [
    ("38242", 1478),
    ("38226", 1415),
    ("38115", 754),
    ("38492", 724),
    ("38113", 596),
]
SEED = 2026
DAYS = 21
# name, kind, code, target, number of answers
POINTS = [
    ("Marché de Mens (samedi matin)", "marche", None, 150, 128),
    ("École primaire de Clelles", "ecole", None, 100, 84),
    ("Médiathèque de Monestier-de-Clermont", "mediatheque", None, 80, 66),
    ("Porte-à-porte dans les hameaux", "porte_a_porte", None, 60, 47),
    ("Site internet et lettre d'information", "en_ligne", DEMO_CODE, None, 63),
]
WITHOUT_POINT = 12  # answers through the survey's general link
REMARKS_QUESTION = {
    "key": "REMARQUES",
    "type": "long_text",
    "theme": "autre",
    "text": "Voulez-vous ajouter quelque chose ?",
    "help": "Facultatif. N'écrivez ni votre nom ni votre adresse.",
    "required": False,
}
# When each kind of place is visited: weekdays (0 = Monday) and local hours.
OPENING: dict[str, tuple[set[int], list[tuple[float, float]]]] = {
    "marche": ({5}, [(8.5, 12.5)]),
    "ecole": ({0, 1, 3, 4}, [(8.2, 8.8), (16.3, 17), (19.5, 22)]),
    "mediatheque": ({2, 4, 5}, [(10, 12.5), (14, 18)]),
    "porte_a_porte": ({1, 3}, [(14, 17)]),
    "en_ligne": (set(range(7)), [(7, 9), (12, 14), (18, 23)]),
}


def moment(rng: random.Random, kind: str, first: date) -> datetime:
    """A plausible local time for an answer given at a place of `kind`."""
    weekdays, hours = OPENING.get(kind, OPENING["en_ligne"])
    # The online link was sent with the town's newsletter after a few days.
    start = 4 if kind == "en_ligne" else 0
    days = [
        first + timedelta(days=n)
        for n in range(start, DAYS)
        if (first + timedelta(days=n)).weekday() in weekdays
    ]
    low, high = rng.choice(hours)
    hour = rng.uniform(low, high)
    clock = time(int(hour), int(hour % 1 * 60), rng.randrange(60))
    return datetime.combine(rng.choice(days), clock, PARIS)


def mode_for(rng: random.Random, kind: str | None, form: dict, ease: float) -> str:
    """How the answer was entered: own phone, library tablet, paper, interview."""
    own_phone = form.get("EQ_MOBILE") == "smartphone" and ease > 0.2
    if kind in ("en_ligne", None):
        return "self"
    if kind == "porte_a_porte":
        return "paper" if rng.random() < 0.6 else "interview"
    if kind == "mediatheque":
        return "self" if own_phone and rng.random() < 0.45 else "kiosk"
    if own_phone and rng.random() < 0.92:
        return "self"
    # Met at a stall or a school gate without a phone of their own.
    return "paper" if rng.random() < 0.55 else "interview"


def territory(db: sqlite_utils.Database) -> tuple[list[tuple[str, int]], str]:
    """(communes with populations, name) of the demo EPCI, or a fallback."""
    epci = db.execute(
        "SELECT code, name FROM epcis WHERE search_name = ?", [EPCI_SEARCH]
    ).fetchone()
    if epci:
        rows = db.execute(
            "SELECT code, coalesce(population, 100) FROM communes "
            "WHERE epci_code = ? ORDER BY code",
            [epci["code"]],
        ).fetchall()
        if rows:
            return [(r[0], r[1]) for r in rows], epci["name"]
    return [], "Trièves"


def generate(
    rng: random.Random, first: date, communes: list[tuple[str, int]]
) -> list[dict[str, Any]]:
    """Every demo respondent, oldest first: point index, time, mode, form."""
    people: list[dict[str, Any]] = []
    plan: list[tuple[int | None, str | None, int]]
    plan = [(i, kind, n) for i, (_, kind, _, _, n) in enumerate(POINTS)]
    plan.append((None, None, WITHOUT_POINT))
    answer_communes = communes or FALLBACK_COMMUNES
    for index, kind, count in plan:
        for _ in range(count):
            form, profile = respondent_form(rng, kind or "en_ligne", answer_communes)
            if kind in ("en_ligne", None):
                # Someone who answers online has used the Internet lately.
                while form.get("US_DERNIERE_UTILISATION") != "moins_3_mois":
                    form, profile = respondent_form(rng, "en_ligne", answer_communes)
            people.append(
                {
                    "point": index,
                    "at": moment(rng, kind or "en_ligne", first),
                    "mode": mode_for(rng, kind, form, profile["ease"]),
                    "form": form,
                }
            )
    people.sort(key=lambda person: person["at"])  # datetimes
    return people


def _user(db: sqlite_utils.Database) -> int:
    row = db.execute("SELECT id FROM users WHERE email = ?", [DEMO_EMAIL]).fetchone()
    if row:
        return row[0]
    return inserted_id(
        db.execute(
            "INSERT INTO users (email, name, password_hash, created_at) "
            "VALUES (?, ?, ?, ?)",
            [
                DEMO_EMAIL,
                "Camille (démo)",
                generate_password_hash(DEMO_PASSWORD),
                now(),
            ],
        )
    )


def load_demo(db: sqlite_utils.Database) -> str:
    """Load the demo (once: nothing happens if `/s/demo` already exists).

    Returns a French summary with the demo account's sign-in.

    :raise RuntimeError: the generator made an answer the questionnaire
        rules refuse (a bug: the bank's codes changed).
    """
    login = f"Compte : {DEMO_EMAIL} · mot de passe : {DEMO_PASSWORD}"
    if model.point_by_code(db, DEMO_CODE):
        return f"Les données de démonstration sont déjà chargées.\n{login}"
    rng = random.Random(SEED)
    today = today_in_paris()
    first = today - timedelta(days=DAYS)
    created = stamp(datetime.combine(first - timedelta(days=3), time(9), PARIS))
    communes, place = territory(db)
    questions = [*preset("complet"), normalise_question(REMARKS_QUESTION)]
    people = generate(rng, first, communes)
    with write_transaction(db):
        user_id = _user(db)
        diagnostic_id = inserted_id(
            db.execute(
                "INSERT INTO diagnostics (title, structure, contact_email, starts_on, "
                "ends_on, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    f"Inclusion numérique dans le {place.removeprefix('CC du ')} "
                    f"(démonstration)",
                    "Communauté de communes du Trièves · France Services de Mens",
                    "numerique@exemple.fr",
                    first.isoformat(),
                    (first + timedelta(days=42)).isoformat(),
                    user_id,
                    created,
                ],
            )
        )
        db.execute(
            "INSERT INTO diagnostic_members (diagnostic_id, user_id, role) "
            "VALUES (?, ?, 'owner')",
            [diagnostic_id, user_id],
        )
        db.table("diagnostic_communes").insert_all(
            {"diagnostic_id": diagnostic_id, "commune_code": code}
            for code, _ in communes
        )
        survey_id = model.create_survey(
            db,
            diagnostic_id,
            "Le numérique et vous",
            questions,
            intro="Internet, téléphone, démarches en ligne : dites-nous ce qui "
            "est facile ou difficile pour vous. C'est anonyme et cela prend "
            "une dizaine de minutes.",
        )
        db.execute("UPDATE surveys SET status = 'open' WHERE id = ?", [survey_id])
        point_ids = [
            model.create_point(db, survey_id, name, kind, code=code, target=target)
            for name, kind, code, target, _ in POINTS
        ]
        for table, column in (
            ("surveys", "id"),
            ("survey_versions", "survey_id"),
            ("collection_points", "survey_id"),
        ):
            db.execute(
                f"UPDATE {table} SET created_at = ? WHERE {column} = ?",
                [created, survey_id],
            )
        version_id = model.current_version(db, survey_id)["id"]
        rows = []
        for n, person in enumerate(people):
            answers, errors = parse_answers(questions, person["form"])
            if errors:
                raise RuntimeError(f"Réponse de démonstration invalide : {errors}")
            point = person["point"]
            rows.append(
                (
                    survey_id,
                    version_id,
                    None if point is None else point_ids[point],
                    f"demo-{survey_id}-{n}",
                    person["mode"],
                    stamp(person["at"]),
                    json.dumps(answers, ensure_ascii=False),
                )
            )
        db.conn.executemany(
            "INSERT INTO responses (survey_id, version_id, point_id, "
            "idempotency_key, mode, submitted_at, answers) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        fill_demo(db, diagnostic_id, first, communes)  # steps, portrait (issue 10)
    return (
        "Données de démonstration chargées.\n"
        f"{login}\n"
        f"Territoire : {place} ({len(communes)} communes) · enquête ouverte, "
        f"{len(POINTS)} lieux de collecte, {len(rows)} réponses sur "
        f"{DAYS} jours.\n"
        f"Questionnaire de démonstration : /s/{DEMO_CODE}"
    )
