"""Turn what a resident sent into answers, the same way everywhere.

Pure functions (no Flask, no database): the public questionnaire, the kiosk,
the paper entry and the offline sync all call `parse_answers`, so a response
is validated by one set of rules whatever the way it came in. The question
and answer formats are described in `model.py`.

`form` is a mapping of field name to a string or a list of strings (call
`form_dict(request.form)` for a Flask request). Field names: the question key,
`<key>.autre` for the text of "Autre, précisez".
"""

import math
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ..text import clean_typed_text

Question = dict[str, Any]
Form = Mapping[str, str | list[str]]

OTHER = "autre"
# "Autre commune / je préfère ne pas dire" (issue 8, A2): an answer, stored
# as no commune, that lets people from elsewhere go on.
NOT_SAID = "AUCUNE"
DEFAULT_MAX_LENGTH = {"short_text": 300, "long_text": 2000}
OTHER_MAX_LENGTH = 300
QUESTIONS_PER_STEP = 4
# INSEE codes: five digits, or 2A/2B + three digits for Corsica.
INSEE_RE = re.compile(r"(?:\d{5}|2[AB]\d{3})")
NUMBER_RE = re.compile(r"[+-]?\d{1,15}(?:[.,]\d{1,6})?")
# Spaces people type inside numbers: "1 200", "1 200" (no-break, narrow).
NUMBER_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009")
# Bidirectional overrides can make a stored answer display as something else
# in the dashboard or an export; they are never needed in a French answer.

MESSAGES = {
    "required_choice": "Choisissez une réponse.",
    "required_multiple": "Choisissez au moins une réponse.",
    "required_number": "Indiquez un nombre.",
    "required_text": "Écrivez une réponse.",
    "required_commune": "Indiquez votre commune.",
    "one_choice": "Choisissez une seule réponse.",
    "unknown_choice": "Cette réponse ne fait pas partie de la liste. "
    "Choisissez une des réponses proposées.",
    "exclusive": "« {label} » ne peut pas être coché avec une autre réponse.",
    "other_not_chosen": "Vous avez écrit une précision : choisissez aussi "
    "« Autre », ou effacez ce texte.",
    "not_a_number": "Écrivez seulement un nombre, par exemple 12 ou 3,5.",
    "between": "Indiquez un nombre entre {min} et {max}.",
    "at_least": "Indiquez un nombre égal ou supérieur à {min}.",
    "at_most": "Indiquez un nombre égal ou inférieur à {max}.",
    "too_long": "Votre réponse est trop longue : {length} caractères, "
    "{max} au maximum.",
    "other_too_long": "Votre précision est trop longue : {length} caractères, "
    "{max} au maximum.",
    "unknown_commune": "Choisissez votre commune dans la liste proposée.",
}


def form_dict(multidict: Any) -> dict[str, str | list[str]]:
    """A Werkzeug MultiDict as the plain mapping `parse_answers` takes."""
    return {k: v[0] if len(v) == 1 else v for k, v in multidict.lists()}


def _values(form: Form, name: str) -> list[str]:
    value = form.get(name)
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def clean_text(text: str, multiline: bool = False) -> str:
    """Control and invisible characters removed (see text.clean_typed_text)."""
    return clean_typed_text(text, multiline)


def french_number(value: float) -> str:
    """12.5 -> "12,5", 3.0 -> "3" (for messages)."""
    if float(value).is_integer():
        return str(int(value))
    return str(value).replace(".", ",")


def parse_number(text: str) -> int | float | None:
    """Read "12", "3,5", "1 200", "-2.5"; None when it is not a plain number."""
    text = text.translate(NUMBER_SPACES)
    if not NUMBER_RE.fullmatch(text):
        return None
    text = text.replace(",", ".")
    value = float(text)
    if not math.isfinite(value):
        return None
    return int(value) if value.is_integer() else value


def _shown(question: Question, answers: Mapping[str, Any], hidden: set[str]) -> bool:
    condition = question.get("show_if")
    if not condition:
        return True
    source = condition.get("question")
    if source in hidden:
        return False
    given = answers.get(source)
    given = given if isinstance(given, list) else [given]
    return any(str(v) in {str(w) for w in condition.get("values", [])} for v in given)


def visible_questions(
    questions: Iterable[Question], answers: Mapping[str, Any]
) -> list[Question]:
    """The questions a resident sees given their answers (applies `show_if`).

    A question whose condition depends on a hidden question is hidden too.
    """
    visible: list[dict] = []
    hidden: set[str] = set()
    for question in questions:
        if _shown(question, answers, hidden):
            visible.append(question)
        else:
            hidden.add(question["key"])
    return visible


def group_steps(questions: list[Question]) -> list[list[Question]]:
    """Split a questionnaire into short screens, by theme, a few at a time.

    A question shown only after another one's answer always starts a later
    screen than that question: without JavaScript, the page cannot reveal it
    before the answer is sent.
    """
    steps: list[list[Question]] = []
    for question in questions:
        current = steps[-1] if steps else None
        depends_here = current is not None and (
            (question.get("show_if") or {}).get("question")
            in {q["key"] for q in current}
        )
        if (
            current is None
            or len(current) >= QUESTIONS_PER_STEP
            or current[-1].get("theme") != question.get("theme")
            or depends_here
        ):
            steps.append([question])
        else:
            current.append(question)
    return steps


def _choice(question: Question, values: list[str]) -> tuple[Any, str | None]:
    codes = {c["code"] for c in question.get("choices", [])}
    if question.get("other") and question["type"] != "scale":
        codes.add(OTHER)
    values = [v.strip() for v in values if v.strip()]
    if question["type"] == "multiple":
        chosen = list(dict.fromkeys(values))
        if not chosen:
            return None, "required_multiple"
    else:
        if len(set(values)) > 1:
            return None, "one_choice"
        if not values:
            return None, "required_choice"
        chosen = values[:1]
    if any(code not in codes for code in chosen):
        return None, "unknown_choice"
    if question["type"] == "multiple":
        return [c for c in _ordered_codes(question) if c in chosen], None
    return chosen[0], None


def _ordered_codes(question: Question) -> list[str]:
    return [c["code"] for c in question.get("choices", [])] + [OTHER]


def _exclusive_error(question: Question, chosen: list[str]) -> str | None:
    for code in question.get("exclusive") or []:
        if code in chosen and len(chosen) > 1:
            labels = {c["code"]: c["label"] for c in question.get("choices", [])}
            return MESSAGES["exclusive"].format(label=labels.get(code, code))
    return None


def _parse_one(
    question: Question,
    form: Form,
    commune_exists: Callable[[str], bool] | None,
) -> tuple[dict[str, Any], str | None]:
    """Parse one visible question: ({stored key: value}, error or None)."""
    key, kind = question["key"], question["type"]
    raw = _values(form, key)
    if kind in ("single", "multiple", "scale"):
        return _parse_choice(question, form, raw)
    text = clean_text(" ".join(raw), multiline=kind == "long_text")
    if not text:
        return {}, {
            "number": "required_number",
            "commune": "required_commune",
        }.get(kind, "required_text")
    if kind == "number":
        return _parse_number(question, text)
    if kind == "commune":
        code = text.upper()
        if code == NOT_SAID:
            return {}, None
        known = commune_exists(code) if commune_exists else True
        if not INSEE_RE.fullmatch(code) or not known:
            return {}, "unknown_commune"
        return {key: code}, None
    limit = question.get("max_length") or DEFAULT_MAX_LENGTH.get(kind, 300)
    if len(text) > limit:
        return {}, MESSAGES["too_long"].format(length=len(text), max=limit)
    return {key: text}, None


def _parse_choice(
    question: Question, form: Form, raw: list[str]
) -> tuple[dict[str, Any], str | None]:
    """A single, multiple or scale question, with its "Autre, précisez"."""
    key, kind = question["key"], question["type"]
    other_text = ""
    if question.get("other") and kind != "scale":
        other_text = clean_text(" ".join(_values(form, f"{key}.{OTHER}")))
        # Typing a precision with nothing ticked means "Autre".
        if other_text and not any(v.strip() for v in raw):
            raw = [OTHER]
        elif other_text and kind == "multiple" and OTHER not in raw:
            raw = [*raw, OTHER]
    value, error = _choice(question, raw)
    if error:
        return {}, error
    chosen = value if isinstance(value, list) else [value]
    if kind == "multiple" and (message := _exclusive_error(question, chosen)):
        return {}, message
    if other_text and OTHER not in chosen:
        return {}, "other_not_chosen"
    if len(other_text) > OTHER_MAX_LENGTH:
        return {}, MESSAGES["other_too_long"].format(
            length=len(other_text), max=OTHER_MAX_LENGTH
        )
    parsed = {key: value}
    if other_text:
        parsed[f"{key}.{OTHER}"] = other_text
    return parsed, None


def _parse_number(question: Question, text: str) -> tuple[dict[str, Any], str | None]:
    """A number within the question's bounds, if it has any."""
    number = parse_number(text)
    if number is None:
        return {}, "not_a_number"
    low, high = question.get("min"), question.get("max")
    if (low is not None and number < low) or (high is not None and number > high):
        if low is not None and high is not None:
            message, bounds = "between", {"min": low, "max": high}
        elif low is not None:
            message, bounds = "at_least", {"min": low}
        else:
            message, bounds = "at_most", {"max": high}
        return {}, MESSAGES[message].format(
            **{k: french_number(v) for k, v in bounds.items()}
        )
    return {question["key"]: number}, None


def parse_answers(
    questions: list[Question],
    form: Form,
    commune_exists: Callable[[str], bool] | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Validate a whole questionnaire: (answers, {question key: French message}).

    Hidden questions (`show_if` not met) are dropped, unanswered optional
    ones are absent, and a required question left empty is an error.
    `commune_exists(insee_code)` says whether a commune exists; without it
    only the code's format is checked.
    """
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    hidden: set[str] = set()
    for question in questions:
        if not _shown(question, answers, hidden):
            hidden.add(question["key"])
            continue
        parsed, error = _parse_one(question, form, commune_exists)
        empty = error in (
            "required_choice",
            "required_multiple",
            "required_number",
            "required_text",
            "required_commune",
        )
        if error and not (empty and not question.get("required")):
            errors[question["key"]] = MESSAGES.get(error, error)
        answers.update(parsed)
    return answers, errors
