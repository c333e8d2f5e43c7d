"""Checks on a survey's question list, in the format of model.py.

Pure functions, no Flask: the builder, the bank loader and the tests all
call them. Errors are French sentences a conseiller can act on.
"""

import re
from typing import Any

from ..text import fold, random_code
from .model import CHOICE_TYPES, QUESTION_TYPES, THEMES

QUESTION_FIELDS = {
    "key",
    "type",
    "theme",
    "text",
    "help",
    "required",
    "choices",
    "other",
    "exclusive",
    "show_if",
    "min",
    "max",
    "max_length",
    "bank_id",
}
TEXT_TYPES = {"short_text", "long_text"}
DEFAULT_MAX_LENGTH = {"short_text": 200, "long_text": 2000}
OTHER_CODE = "autre"  # code of "Autre, précisez" (model.py)
OTHER_LABELS = {"autre", "autres", "autre precisez", "autre, precisez"}

MAX_QUESTIONS = 150
MAX_CHOICES = 40
MAX_TEXT = 400  # wording of a question
MAX_HELP = 600
MAX_LABEL = 150
MAX_ANSWER_LENGTH = 5000  # the largest max_length a conseiller may set
NUMBER_LIMIT = 1_000_000_000

QUESTION_KEY_RE = re.compile(r"^[A-Z][A-Z0-9_]{0,39}$")
CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_]{0,39}$")
# A tag opening or closing: "<b", "</", "<!--". "moins de 3 < 5" stays allowed.
TAG_RE = re.compile(r"<\s*[/!?a-zA-Z]")
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

Question = dict[str, Any]


def new_question_key(taken: set[str]) -> str:
    """A key for a conseiller's own question, e.g. "Q_K7M2XP", not in `taken`."""
    while True:
        key = "Q_" + random_code(6).upper()
        if key not in taken:
            return key


def normalise_question(question: Question) -> Question:
    """Fill the defaults of the question format and drop fields of other types.

    Only the fields the type uses are kept, so that a question that changed
    type carries no stale choices or bounds.
    """
    kind = question.get("type")
    out: Question = {
        "key": question.get("key"),
        "type": kind,
        "theme": question.get("theme") or "autre",
        "text": question.get("text", ""),
        "help": question.get("help") or "",
        "required": bool(question.get("required", False)),
    }
    if kind in CHOICE_TYPES:
        out["choices"] = [dict(c) for c in question.get("choices") or []]
    if kind in {"single", "multiple"}:
        out["other"] = bool(question.get("other", False))
    if kind == "multiple":
        out["exclusive"] = list(question.get("exclusive") or [])
    if kind == "number":
        for bound in ("min", "max"):
            if question.get(bound) is not None:
                out[bound] = question[bound]
    if kind in TEXT_TYPES:
        out["max_length"] = question.get("max_length") or DEFAULT_MAX_LENGTH[kind]
    if question.get("show_if"):
        out["show_if"] = {
            "question": question["show_if"].get("question"),
            "values": list(question["show_if"].get("values") or []),
        }
    if question.get("bank_id"):
        out["bank_id"] = question["bank_id"]
    return out


def text_errors(value: Any, what: str, limit: int, required: bool) -> list[str]:
    if not isinstance(value, str):
        return [f"{what} doit être un texte."]
    if required and not value.strip():
        return [f"{what} est obligatoire."]
    errors = []
    if len(value) > limit:
        errors.append(
            f"{what} est trop long ({len(value)} caractères, {limit} au plus)."
        )
    if TAG_RE.search(value):
        errors.append(f"{what} ne peut pas contenir de balises HTML (< >).")
    if CONTROL_RE.search(value):
        errors.append(f"{what} contient des caractères invisibles non autorisés.")
    return errors


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def choice_codes(question: Question) -> set[str]:
    """Every code an answer to `question` may hold, "autre" included."""
    codes = {c.get("code") for c in question.get("choices") or []}
    if question.get("other"):
        codes.add(OTHER_CODE)
    return codes


def _choices_errors(question: Question) -> list[str]:
    choices = question.get("choices")
    if not isinstance(choices, list) or len(choices) < 2:
        return ["Donnez au moins deux choix de réponse."]
    if len(choices) > MAX_CHOICES:
        return [f"Pas plus de {MAX_CHOICES} choix de réponse."]
    errors: list[str] = []
    labels: set[str] = set()
    codes: set[Any] = set()  # as typed: not yet checked to be strings
    for n, choice in enumerate(choices, 1):
        if not isinstance(choice, dict):
            errors.append(f"Le choix {n} est mal formé.")
            continue
        label, code = choice.get("label"), choice.get("code")
        errors += text_errors(label, f"Le choix {n}", MAX_LABEL, required=True)
        if isinstance(label, str) and "\n" in label:
            errors.append(f"Le choix {n} doit tenir sur une ligne.")
        if isinstance(label, str) and label.strip().casefold() in labels:
            errors.append(f"Le choix « {label.strip()} » est en double.")
        if isinstance(label, str):
            labels.add(label.strip().casefold())
            if question.get("other") and fold(label) in OTHER_LABELS:
                errors.append(
                    f"Le choix « {label.strip()} » fait double emploi avec "
                    "« Autre, précisez » : gardez l'un ou l'autre."
                )
        if not isinstance(code, str) or not CODE_RE.match(code):
            errors.append(f"Le code du choix {n} est invalide.")
        elif code in codes:
            errors.append(f"Le code « {code} » est utilisé deux fois.")
        elif code == OTHER_CODE and question.get("other"):
            errors.append(
                "Le code « autre » est réservé à « Autre, précisez » : "
                "retirez le choix « Autre » de la liste."
            )
        codes.add(code)
    return errors


def _show_if_errors(question: Question, earlier: dict[Any, Question]) -> list[str]:
    show_if = question["show_if"]
    if not isinstance(show_if, dict):
        return ["La condition d'affichage est mal formée."]
    target = earlier.get(str(show_if.get("question")))
    if target is None:
        return [
            "La condition d'affichage doit porter sur une question placée avant "
            "celle-ci."
        ]
    if target.get("type") not in CHOICE_TYPES:
        return ["La condition d'affichage doit porter sur une question à choix."]
    values = show_if.get("values")
    if not isinstance(values, list) or not values:
        return ["Choisissez au moins une réponse pour la condition d'affichage."]
    unknown = [v for v in values if v not in choice_codes(target)]
    if unknown:
        return [
            "La condition d'affichage cite une réponse qui n'existe pas : "
            + ", ".join(str(v) for v in unknown)
            + "."
        ]
    return []


def _bounds_errors(question: Question) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    low, high = question.get("min"), question.get("max")
    for field, value in (("min", low), ("max", high)):
        if value is None:
            continue
        if not _is_number(value):
            errors[field] = ["Indiquez un nombre."]
        elif abs(value) > NUMBER_LIMIT:
            errors[field] = ["Ce nombre est trop grand."]
    if not errors and _is_number(low) and _is_number(high) and low > high:  # type: ignore[operator]
        errors["max"] = ["Le maximum doit être supérieur ou égal au minimum."]
    return errors


def question_errors(
    question: Question, earlier: list[Question]
) -> dict[str, list[str]]:
    """Errors of one question, by field; `earlier` = the questions before it.

    An empty dict means the question is valid.
    """
    if not isinstance(question, dict):
        return {"question": ["La question est mal formée."]}
    errors: dict[str, list[str]] = {}

    def add(field: str, messages: list[str]) -> None:
        if messages:
            errors.setdefault(field, []).extend(messages)

    unknown = sorted(set(question) - QUESTION_FIELDS)
    if unknown:
        add("question", [f"Champ inconnu : {', '.join(unknown)}."])
    key = question.get("key")
    if not isinstance(key, str) or not QUESTION_KEY_RE.match(key):
        add("key", ["Identifiant de question invalide (majuscules, chiffres, _)."])
    kind = question.get("type")
    if kind not in QUESTION_TYPES:
        add("type", ["Choisissez un type de question de la liste."])
    if question.get("theme", "autre") not in THEMES:
        add("theme", ["Choisissez un thème de la liste."])
    add("text", text_errors(question.get("text"), "Le texte", MAX_TEXT, True))
    add("help", text_errors(question.get("help", ""), "L'aide", MAX_HELP, False))
    if not isinstance(question.get("required", False), bool):
        add("required", ["« Obligatoire » doit valoir oui ou non."])
    if kind in CHOICE_TYPES:
        add("choices", _choices_errors(question))
    elif question.get("choices"):
        add("choices", ["Ce type de question n'a pas de choix de réponse."])
    if question.get("other") and kind not in {"single", "multiple"}:
        add("other", ["« Autre, précisez » n'existe que pour les questions à choix."])
    exclusive = question.get("exclusive") or []
    if exclusive:
        if kind != "multiple":
            add("exclusive", ["Seules les questions à choix multiples en ont."])
        elif not isinstance(exclusive, list) or not set(exclusive) <= choice_codes(
            question
        ):
            add("exclusive", ["Un choix exclusif ne fait pas partie des choix."])
    if kind == "number":
        for field, messages in _bounds_errors(question).items():
            add(field, messages)
    elif "min" in question or "max" in question:
        add("min", ["Seules les questions « Nombre » ont un minimum et un maximum."])
    if kind in TEXT_TYPES and "max_length" in question:
        limit = question["max_length"]
        if not isinstance(limit, int) or isinstance(limit, bool):
            add("max_length", ["Indiquez un nombre entier de caractères."])
        elif not 1 <= limit <= MAX_ANSWER_LENGTH:
            add("max_length", [f"Entre 1 et {MAX_ANSWER_LENGTH} caractères."])
    if question.get("show_if"):
        by_key = {q.get("key"): q for q in earlier if isinstance(q, dict)}
        add("show_if", _show_if_errors(question, by_key))
    return errors


def validate_questions(questions: list[Question]) -> list[str]:
    """All the errors of a question list, as French sentences ([] = valid).

    Checks: unique keys, known types and themes, at least two labelled
    choices for choice questions, show_if on an EARLIER question and on codes
    it has, min <= max, bounded text lengths, no HTML.
    """
    if not isinstance(questions, list):
        return ["La liste des questions est mal formée."]
    if len(questions) > MAX_QUESTIONS:
        return [f"Pas plus de {MAX_QUESTIONS} questions par enquête."]
    messages: list[str] = []
    seen: set[Any] = set()
    for n, question in enumerate(questions, 1):
        errors = question_errors(question, questions[: n - 1])
        key = question.get("key") if isinstance(question, dict) else None
        if isinstance(key, str) and key in seen:
            errors.setdefault("key", []).append(f"L'identifiant {key} est en double.")
        seen.add(key)
        text = question.get("text") if isinstance(question, dict) else None
        name = key
        if isinstance(text, str) and text.strip():
            name = f"« {text[:60]}{'…' if len(text) > 60 else ''} »"
        for field_messages in errors.values():
            messages += [f"Question {n} {name} : {m}" for m in field_messages]
    return messages
