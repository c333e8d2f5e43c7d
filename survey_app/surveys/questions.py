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
        errors += _label_errors(question, n, label, labels)
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


def _label_errors(
    question: Question, n: int, label: Any, labels: set[str]
) -> list[str]:
    """Errors of choice `n`'s label; `labels`: the labels before it (folded)."""
    errors = text_errors(label, f"Le choix {n}", MAX_LABEL, required=True)
    if not isinstance(label, str):
        return errors
    if "\n" in label:
        errors.append(f"Le choix {n} doit tenir sur une ligne.")
    if label.strip().casefold() in labels:
        errors.append(f"Le choix « {label.strip()} » est en double.")
    labels.add(label.strip().casefold())
    if question.get("other") and fold(label) in OTHER_LABELS:
        errors.append(
            f"Le choix « {label.strip()} » fait double emploi avec "
            "« Autre, précisez » : gardez l'un ou l'autre."
        )
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


def _general_errors(question: Question) -> dict[str, list[str]]:
    """Errors of the fields every question has: key, type, theme, texts."""
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(question) - QUESTION_FIELDS)
    if unknown:
        errors["question"] = [f"Champ inconnu : {', '.join(unknown)}."]
    key = question.get("key")
    if not isinstance(key, str) or not QUESTION_KEY_RE.match(key):
        errors["key"] = ["Identifiant de question invalide (majuscules, chiffres, _)."]
    if question.get("type") not in QUESTION_TYPES:
        errors["type"] = ["Choisissez un type de question de la liste."]
    if question.get("theme", "autre") not in THEMES:
        errors["theme"] = ["Choisissez un thème de la liste."]
    errors["text"] = text_errors(question.get("text"), "Le texte", MAX_TEXT, True)
    errors["help"] = text_errors(question.get("help", ""), "L'aide", MAX_HELP, False)
    if not isinstance(question.get("required", False), bool):
        errors["required"] = ["« Obligatoire » doit valoir oui ou non."]
    return {field: messages for field, messages in errors.items() if messages}


def _exclusive_errors(question: Question) -> list[str]:
    """The "exclusive" choices (e.g. "Aucun") of a multiple-choice question."""
    exclusive = question.get("exclusive") or []
    if not exclusive:
        return []
    if question.get("type") != "multiple":
        return ["Seules les questions à choix multiples en ont."]
    if not isinstance(exclusive, list) or not set(exclusive) <= choice_codes(question):
        return ["Un choix exclusif ne fait pas partie des choix."]
    return []


def _length_errors(limit: Any) -> list[str]:
    if not isinstance(limit, int) or isinstance(limit, bool):
        return ["Indiquez un nombre entier de caractères."]
    if not 1 <= limit <= MAX_ANSWER_LENGTH:
        return [f"Entre 1 et {MAX_ANSWER_LENGTH} caractères."]
    return []


def _type_errors(question: Question) -> dict[str, list[str]]:
    """Errors of the fields that depend on the question's type."""
    errors: dict[str, list[str]] = {}
    kind = question.get("type")
    if kind in CHOICE_TYPES:
        errors["choices"] = _choices_errors(question)
    elif question.get("choices"):
        errors["choices"] = ["Ce type de question n'a pas de choix de réponse."]
    if question.get("other") and kind not in {"single", "multiple"}:
        errors["other"] = [
            "« Autre, précisez » n'existe que pour les questions à choix."
        ]
    errors["exclusive"] = _exclusive_errors(question)
    if kind == "number":
        errors.update(_bounds_errors(question))
    elif "min" in question or "max" in question:
        errors["min"] = [
            "Seules les questions « Nombre » ont un minimum et un maximum."
        ]
    if kind in TEXT_TYPES and "max_length" in question:
        errors["max_length"] = _length_errors(question["max_length"])
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

    for field, messages in _general_errors(question).items():
        add(field, messages)
    for field, messages in _type_errors(question).items():
        add(field, messages)
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
