"""One questionnaire screen at a time, with no state kept on the server.

Everything typed so far travels with the form: the answers of the other
screens as hidden inputs, plus the version shown (`_v`), the idempotency key
(`_k`) and the screen number (`_step`). Nothing is stored before the final
submission, and a phone that lost its session cookie loses nothing.

The request handling is in `flow.py`; the templates are `public/step.html`
and one macro per question type in `public/_question.html`.
"""

import re
import secrets
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from flask import render_template

from ..db import get_db
from ..geo import commune
from . import answers as rules
from . import model
from .communes import NOT_SAID, find_commune, label

# Fields a question may own: its value, "Autre" text, commune search query and
# the query whose results are on screen.
SUFFIXES = ("", ".autre", ".q", ".q0")
IDEMPOTENCY_KEY_RE = re.compile(r"[A-Za-z0-9_-]{16,64}")
COMMUNE_CHOICES = 8
# Help texts the form already says by itself (issue 8, A5: printed twice).
SAID_BY_THE_FORM = {
    "multiple": "Vous pouvez cocher plusieurs réponses.",
    "commune": "Tapez le nom de la commune ou son code postal.",
}


def new_key() -> str:
    return secrets.token_urlsafe(16)


def valid_key(key: str | None) -> TypeGuard[str]:
    return bool(key and IDEMPOTENCY_KEY_RE.fullmatch(key))


def commune_exists(code: str) -> bool:
    return commune(get_db(), code) is not None


def answer_fields(questions: list[dict], form: Any) -> dict[str, list[str]]:
    """The posted fields that belong to questions (name -> list of values)."""
    names = {q["key"] + s for q in questions for s in SUFFIXES}
    return {n: form.getlist(n) for n in form if n in names}


def first_value(values: list[str] | None) -> str:
    return values[0] if values else ""


@dataclass
class Walk:
    """Where a resident is in a questionnaire, given what they answered."""

    questions: list[dict]
    fields: dict[str, list[str]]
    # INSEE codes of the diagnostic's communes: offered first (issue 8, A2).
    territory: AbstractSet[str] = field(default_factory=set)
    # Every question on one screen (paper entry), whatever the answers.
    whole_form: bool = False
    answers: dict[str, Any] = field(init=False)
    errors: dict[str, str] = field(init=False)
    steps: list[list[dict]] = field(init=False)

    def __post_init__(self) -> None:
        self.parse()

    def parse(self) -> None:
        """(Re)read the answers from `fields`, e.g. after a commune was found."""
        form = {k: v[0] if len(v) == 1 else v for k, v in self.fields.items()}
        self.answers, self.errors = rules.parse_answers(
            self.questions, form, commune_exists
        )
        visible = {
            q["key"] for q in rules.visible_questions(self.questions, self.answers)
        }
        self.steps = (
            [list(self.questions)]
            if self.whole_form
            else [
                [q for q in step if q["key"] in visible]
                for step in rules.group_steps(self.questions)
            ]
        )

    def shown(self, index: int) -> list[dict]:
        return self.steps[index] if 0 <= index < len(self.steps) else []

    def first(self) -> int | None:
        return self.after(-1)

    def after(self, index: int) -> int | None:
        return next(
            (i for i in range(index + 1, len(self.steps)) if self.steps[i]), None
        )

    def before(self, index: int) -> int | None:
        return next((i for i in range(index - 1, -1, -1) if self.steps[i]), None)

    def step_of(self, key: str) -> int:
        return next(
            i for i, step in enumerate(self.steps) if key in {q["key"] for q in step}
        )

    def progress(self, index: int) -> tuple[int, int]:
        """("Étape n sur m"): m never grows while answering (issue 8, A3).

        n counts the screens shown so far; m adds every later screen that
        some answer could still show, so an answer can only make it smaller.
        """
        filled = [i for i, step in enumerate(self.steps) if step]
        number = len([i for i in filled if i < index]) + 1
        if self.whole_form:
            return number, len(filled)
        every = rules.group_steps(self.questions)
        settled = {q["key"] for step in every[:index] for q in step}
        later = [
            i
            for i in range(index + 1, len(every))
            if self.steps[i]
            or any(
                (q.get("show_if") or {}).get("question") not in settled
                for q in every[i]
            )
        ]
        return number, number + len(later)


def search_step_communes(walk: Walk, index: int) -> dict[str, str]:
    """Run the commune searches typed on this screen (issue 8, A2).

    A new query (different from the one whose results are on screen) that
    points to one commune (name, postcode or start of a name; accents and
    case ignored; the territory first) is accepted on the same tap. When
    several match, the screen is shown again with them to pick from.
    Returns {question key: French message} for the questions that keep the
    resident on this screen; empty when the screen can move on.
    """
    messages: dict[str, str] = {}
    found_one = False
    for question in walk.shown(index):
        key = question["key"]
        if question["type"] != "commune":
            continue
        query = rules.clean_text(first_value(walk.fields.get(f"{key}.q")))[:100]
        chosen = first_value(walk.fields.get(key))
        if query and query != first_value(walk.fields.get(f"{key}.q0")):
            match = find_commune(get_db(), query, walk.territory)
            walk.fields[f"{key}.q0"] = [query]
            walk.fields[key] = [match.code] if match.code else []
            found_one = found_one or bool(match.code)
            if match.code:
                continue
            messages[key] = (
                f"Plusieurs communes correspondent à « {query} » : choisissez la "
                "vôtre dans la liste."
                if match.candidates
                else f"Aucune commune trouvée pour « {query} ». Vérifiez "
                "l'orthographe, tapez le code postal, ou laissez vide."
            )
        elif query and not chosen:
            messages[key] = "Choisissez votre commune dans la liste."
    if found_one:
        walk.parse()
    return messages


def _commune_matches(
    key: str, fields: dict[str, list[str]], territory: AbstractSet[str]
) -> list[dict]:
    db = get_db()
    query = first_value(fields.get(f"{key}.q0"))
    found = find_commune(db, query, territory).candidates if query else []
    chosen = first_value(fields.get(key)).upper()
    if chosen and chosen != NOT_SAID and chosen not in {c["code"] for c in found}:
        known = commune(db, chosen)
        found = ([known] if known else []) + found
    return [{"code": c["code"], "label": label(c)} for c in found]


def _item(
    question: dict,
    fields: dict[str, list[str]],
    error: str | None,
    territory: AbstractSet[str] = frozenset(),
) -> dict:
    key = question["key"]
    item: dict[str, Any] = {
        "q": question,
        "id": "q-" + re.sub(r"[^A-Za-z0-9_-]", "_", key),
        "chosen": fields.get(key, []),
        "current": first_value(fields.get(key)),
        "other": first_value(fields.get(f"{key}.autre")),
        "error": error,
        "help": None
        if question.get("help") == SAID_BY_THE_FORM.get(question["type"])
        else question.get("help"),
    }
    item["anchor"] = item["id"] + ("-1" if question.get("choices") else "")
    if question["type"] == "commune":
        item["query"] = first_value(fields.get(f"{key}.q"))
        item["query_shown"] = first_value(fields.get(f"{key}.q0"))
        item["matches"] = _commune_matches(key, fields, territory)
        item["not_said"] = NOT_SAID
        item["anchor"] = item["id"] + ("-1" if item["matches"] else "-q")
    return item


def render_step(
    walk: Walk,
    index: int,
    *,
    survey: dict,
    version_id: int,
    key: str,
    action: str,
    errors: dict[str, str] | None = None,
    notice: str = "",
    template: str = "public/step.html",
    **context: Any,
) -> str:
    """The HTML of screen `index`, with the other screens' answers hidden."""
    shown = walk.shown(index)
    items = [
        _item(q, walk.fields, (errors or {}).get(q["key"]), walk.territory)
        for q in shown
    ]
    on_screen = {q["key"] + s for q in shown for s in SUFFIXES}
    hidden = [
        (name, value)
        for name, values in walk.fields.items()
        if name not in on_screen
        for value in values
    ]
    number, total = walk.progress(index)
    theme = shown[0].get("theme") if shown else None
    return render_template(
        template,
        survey=survey,
        items=items,
        heading=model.THEMES.get(theme or "", "Questions"),
        hidden=hidden,
        step=index,
        number=number,
        total=total,
        last=walk.after(index) is None,
        version_id=version_id,
        key=key,
        action=action,
        notice=notice,
        **context,
    )
