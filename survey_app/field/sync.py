"""Answers queued on a device while offline, sent in batches, stored once.

POST /s/<code>/envoi with JSON
    {"token": "<device token>", "items": [
        {"key": "...", "version_id": 3, "answers": {...}, "mode": "kiosk",
         "answered_at": "2026-11-28T09:12:00Z"}, ...]}
answers 200 with one result per item, in order:
    {"results": [{"key": "...", "status": "stored" | "duplicate" | "invalid",
                  "message": "...", "errors": {question key: message}}],
     "today": <answers collected today at this point in this mode>}

A device retries a batch until it gets this answer, so every item is
idempotent on its key: the same batch sent twice stores nothing twice. Only
a required question can get an item refused (answered with French reasons;
the device keeps it, flagged, and sends it again later): an optional answer
that cannot be read, or a commune typed offline that does not point to one
commune, is kept aside "à vérifier" with the response (issue 8, A1).
Answers are validated by `answers.parse_answers`, exactly like the forms.

:raise 400: the body is not such a JSON object.
:raise 403: missing, forged, or other survey's device token.
"""

from collections.abc import Set as AbstractSet
from datetime import datetime, time, timedelta
from typing import Any, NoReturn

from flask import Blueprint, abort, jsonify, make_response, request
from werkzeug.exceptions import HTTPException

from ..dates import PARIS, stamp, today_in_paris, utcnow
from ..db import get_db, now
from ..extensions import csrf
from ..surveys import answers as rules
from ..surveys import model
from ..surveys.communes import find_commune, survey_territory
from ..surveys.screens import commune_exists, valid_key
from . import device

bp = Blueprint("field_sync", __name__, url_prefix="/s")

MAX_ITEMS = 100
# An answer dated by the device is believed within these bounds (a tablet's
# clock may be wrong: then the arrival time is used).
OLDEST = timedelta(days=366)
AHEAD = timedelta(minutes=10)
MESSAGES = {
    "key": "Identifiant de réponse illisible : cette réponse ne peut pas être "
    "enregistrée.",
    "version": "Cette réponse vient d'une version du questionnaire inconnue.",
    "mode": "Mode de collecte non autorisé pour cet appareil.",
    "answers": "Les réponses sont illisibles.",
    "invalid": "Réponse refusée : certaines réponses sont à corriger.",
    "forbidden": "Cet appareil n'est pas autorisé à envoyer des réponses à "
    "cette enquête. Rouvrez le mode kiosque depuis votre compte.",
    "body": "Envoi illisible : un objet JSON avec « token » et « items » est attendu.",
    "too_many": f"Trop de réponses dans un seul envoi ({MAX_ITEMS} au plus).",
}


def today_start_utc() -> str:
    """Midnight in France today, as a stored UTC stamp."""
    midnight = datetime.combine(today_in_paris(), time(0), PARIS)
    return stamp(midnight)


def collected_today(survey_id: int, point_id: int | None, mode: str) -> int:
    """Answers stored today (French day) for this survey, point and mode."""
    row = (
        get_db()
        .execute(
            "SELECT count(*) FROM responses WHERE survey_id = ? "
            "AND point_id IS ? AND mode = ? AND submitted_at >= ?",
            [survey_id, point_id, mode, today_start_utc()],
        )
        .fetchone()
    )
    return row[0]


def answered_at(value: Any) -> str:
    """The device's timestamp if it is plausible, else now."""
    arrival = utcnow()
    try:
        given = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return stamp(arrival)
    if given.tzinfo is None or not arrival - OLDEST <= given <= arrival + AHEAD:
        return stamp(arrival)
    return stamp(given)


def as_form(answers: Any) -> dict[str, str | list[str]] | None:
    """A device's answers as the mapping `parse_answers` reads, or None."""
    if not isinstance(answers, dict):
        return None
    form: dict[str, str | list[str]] = {}
    for name, value in answers.items():
        if isinstance(value, list):
            form[str(name)] = [str(v) for v in value if isinstance(v, str | int)]
        elif isinstance(value, str | int | float) and not isinstance(value, bool):
            form[str(name)] = str(value)
        elif value is not None:
            return None
    return form


def resolve_communes(
    questions: list[dict], form: dict, territory: AbstractSet[str]
) -> dict[str, dict[str, str]]:
    """Turn a commune typed offline (name or postcode) into its INSEE code.

    Offline, the device cannot search the 35,000 communes: it keeps what the
    resident typed ("Crest", "26400"). Here what points to one commune (the
    diagnostic's territory first, then the country) is replaced by its code.
    What does not is taken out of `form` and returned, {question key:
    {"question_key", "typed", "reason"}}, to be kept "à vérifier".
    """
    aside = {}
    for question in questions:
        key = question["key"]
        value = form.get(key)
        if question["type"] != "commune" or not isinstance(value, str):
            continue
        typed = rules.clean_text(value)[:100]
        if not typed:
            continue
        # A postcode first ("69003" is typed for Lyon, not the INSEE code
        # of Albigny-sur-Saône), then an INSEE code ("2A004").
        match = find_commune(get_db(), typed, territory)
        if match.code or commune_exists(typed.upper()):
            form[key] = match.code or typed.upper()
            continue
        del form[key]
        several = len(match.candidates) > 1
        why = "plusieurs communes correspondent" if several else "commune introuvable"
        aside[key] = {
            "question_key": key,
            "typed": typed,
            "reason": f"À vérifier : {why}.",
        }
    return aside


def typed_text(form: dict, key: str) -> str:
    """What was sent for a question (and its "Autre" text), as one string."""
    parts = []
    for name in (key, f"{key}.{rules.OTHER}"):
        value = form.get(name)
        parts += value if isinstance(value, list) else [value] if value else []
    return rules.clean_text(" ".join(parts), multiline=True)


def error_list(questions: list[dict], errors: dict[str, str]) -> str:
    texts = {q["key"]: q["text"] for q in questions}
    return " ".join(f"« {texts.get(k, k)} » : {m}" for k, m in errors.items())


def check_item(
    versions: dict[int, list[dict]],
    item: Any,
    modes: set[str],
    territory: AbstractSet[str],
) -> tuple[dict[str, Any], dict | None]:
    """Validate one queued item: (result without status, parsed) or refusal.

    Returns ({"key", "message", "errors"}, None) when the item is refused,
    ({"key"}, {"version_id", "answers", "mode", "submitted_at"}) otherwise.
    """
    item = item if isinstance(item, dict) else {}
    key = item.get("key")
    result: dict[str, Any] = {"key": key if isinstance(key, str) else None}
    if not valid_key(key):
        return {**result, "message": MESSAGES["key"]}, None
    version_id = item.get("version_id")
    if not isinstance(version_id, int) or version_id not in versions:
        return {**result, "message": MESSAGES["version"]}, None
    mode = item.get("mode")
    if not isinstance(mode, str) or mode not in modes:  # a list is unhashable
        return {**result, "message": MESSAGES["mode"]}, None
    form = as_form(item.get("answers"))
    if form is None:
        return {**result, "message": MESSAGES["answers"]}, None
    questions = versions[version_id]
    aside = resolve_communes(questions, form, territory)
    parsed, errors = rules.parse_answers(questions, form, commune_exists)
    shown = {q["key"] for q in rules.visible_questions(questions, parsed)}
    required = {q["key"] for q in questions if q.get("required")}
    aside = {k: v for k, v in aside.items() if k in shown}
    # Issue 8, A1: only a required question can cost the whole answer; an
    # optional one that cannot be read is kept aside with its reason.
    for key, message in errors.items():
        if key not in required and key not in aside:
            aside[key] = {
                "question_key": key,
                "typed": typed_text(form, key),
                "reason": message,
            }
    errors = {k: m for k, m in errors.items() if k in required and k not in aside}
    if errors:
        message = MESSAGES["invalid"] + " " + error_list(questions, errors)
        return {**result, "message": message, "errors": errors}, None
    return result, {
        "version_id": version_id,
        "answers": parsed,
        "mode": mode,
        "submitted_at": answered_at(item.get("answered_at")),
        "aside": list(aside.values()),
    }


def store_batch(survey: dict, point_id: int | None, items: list, modes: set[str]):
    """Validate and store each item on its own; one result per item."""
    db = get_db()
    versions = {v["id"]: v["questions"] for v in model.all_versions(db, survey["id"])}
    territory = survey_territory(db, survey["id"])
    results: list[dict[str, Any]] = []
    for item in items:
        result, parsed = check_item(versions, item, modes, territory)
        if parsed is None:
            key = result["key"]
            # Already stored (an earlier send whose answer was lost): a
            # duplicate, even if the questionnaire changed since.
            if valid_key(key) and _stored(key):
                results.append({"key": key, "status": "duplicate", "message": ""})
            else:
                results.append({"status": "invalid", "errors": {}, **result})
            continue
        _id, created = model.store_response(
            db,
            survey_id=survey["id"],
            point_id=point_id,
            idempotency_key=result["key"],
            **parsed,
        )
        status = "stored" if created else "duplicate"
        message = "Réponse enregistrée." if created else "Réponse déjà enregistrée."
        results.append({**result, "status": status, "message": message})
    return results


def _stored(key: str) -> bool:
    row = (
        get_db()
        .execute("SELECT 1 FROM responses WHERE idempotency_key = ?", [key])
        .fetchone()
    )
    return row is not None


def _point_still_there(survey_id: int, point_id: Any) -> int | None:
    """The token's point, or None if it was deleted since (answers are kept)."""
    if not isinstance(point_id, int):
        return None
    row = (
        get_db()
        .execute(
            "SELECT 1 FROM collection_points WHERE id = ? AND survey_id = ?",
            [point_id, survey_id],
        )
        .fetchone()
    )
    return point_id if row else None


def _refuse(status: int, message: str) -> NoReturn:
    abort(make_response(jsonify(error=message, status=status), status))


def _survey_for(code: str, survey_id: int) -> dict:
    """The token's survey, unless `code` belongs to another survey.

    A code that no longer exists (its point was deleted since the tablet
    queued the answers) still lets the queue in: the token says which survey.

    :raise 403: the code is another survey's, or the survey was deleted.
    """
    db = get_db()
    code = code.strip().lower()
    owner = db.execute(
        "SELECT id FROM surveys WHERE lower(code) = ? UNION ALL "
        "SELECT survey_id FROM collection_points WHERE code = ?",
        [code, code],
    ).fetchone()
    row = db.execute("SELECT * FROM surveys WHERE id = ?", [survey_id]).fetchone()
    if row is None or (owner is not None and owner[0] != survey_id):
        _refuse(403, MESSAGES["forbidden"])
    return dict(row)


@bp.post("/<code>/envoi")
@csrf.exempt  # authorised by the device token in the body, see device.py
def receive(code: str):
    """Store a batch of queued answers; see the module docstring."""
    try:
        body = request.get_json(force=True, silent=True)
    except HTTPException:
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("items"), list):
        _refuse(400, MESSAGES["body"])
    token = device.read(body.get("token"))
    if token is None:
        _refuse(403, MESSAGES["forbidden"])
    survey = _survey_for(code, token["s"])
    if len(body["items"]) > MAX_ITEMS:
        _refuse(413, MESSAGES["too_many"])
    point_id = _point_still_there(survey["id"], token.get("p"))
    results = store_batch(survey, point_id, body["items"], {token["m"]})
    response = jsonify(
        results=results,
        today=collected_today(survey["id"], point_id, token["m"]),
        at=now(),
    )
    response.headers["Cache-Control"] = "no-store"
    return response
