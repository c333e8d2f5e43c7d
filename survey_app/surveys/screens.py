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
from dataclasses import dataclass, field
from typing import Any

from flask import render_template

from ..db import get_db
from ..geo import commune, search_communes
from . import answers as rules
from . import model

# Fields a question may own: its value, "Autre" text, commune search query and
# the query whose results are on screen.
SUFFIXES = ("", ".autre", ".q", ".q0")
IDEMPOTENCY_KEY_RE = re.compile(r"[A-Za-z0-9_-]{16,64}")
COMMUNE_CHOICES = 8


def new_key() -> str:
    return secrets.token_urlsafe(16)


def valid_key(key: str | None) -> bool:
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
    answers: dict[str, Any] = field(init=False)
    errors: dict[str, str] = field(init=False)
    steps: list[list[dict]] = field(init=False)

    def __post_init__(self) -> None:
        form = {k: v[0] if len(v) == 1 else v for k, v in self.fields.items()}
        self.answers, self.errors = rules.parse_answers(
            self.questions, form, commune_exists
        )
        visible = {
            q["key"] for q in rules.visible_questions(self.questions, self.answers)
        }
        self.steps = [
            [q for q in step if q["key"] in visible]
            for step in rules.group_steps(self.questions)
        ]

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
        """("Étape n sur m") counting only the screens with something to show."""
        filled = [i for i, step in enumerate(self.steps) if step]
        return (filled.index(index) + 1 if index in filled else 1), len(filled)


def search_step_communes(walk: Walk, index: int) -> dict[str, str]:
    """Run the commune searches typed on this screen.

    A new query (different from the one whose results are on screen) is
    searched so the screen can be shown again with the matches to pick from.
    Returns {question key: message}: "" after a search that found communes,
    a French error otherwise; empty when the screen can move on.
    """
    messages: dict[str, str] = {}
    for question in walk.shown(index):
        key = question["key"]
        if question["type"] != "commune":
            continue
        query = rules.clean_text(first_value(walk.fields.get(f"{key}.q")))[:100]
        if query and query != first_value(walk.fields.get(f"{key}.q0")):
            found = search_communes(get_db(), query, COMMUNE_CHOICES)
            walk.fields[f"{key}.q0"] = [query]
            walk.fields[key] = [found[0]["code"]] if len(found) == 1 else []
            messages[key] = (
                ""
                if found
                else f"Aucune commune trouvée pour « {query} ». Vérifiez "
                "l'orthographe ou tapez le code postal."
            )
        elif query and not first_value(walk.fields.get(key)):
            messages[key] = "Choisissez votre commune dans la liste."
    return messages


def _commune_matches(key: str, fields: dict[str, list[str]]) -> list[dict]:
    db = get_db()
    query = first_value(fields.get(f"{key}.q0"))
    found = search_communes(db, query, COMMUNE_CHOICES) if query else []
    chosen = first_value(fields.get(key)).upper()
    if chosen and chosen not in {c["code"] for c in found}:
        known = commune(db, chosen)
        found = ([known] if known else []) + found
    return [{"code": c["code"], "label": _commune_label(c)} for c in found]


def _commune_label(row: dict) -> str:
    """ "Lyon (69001)": the postcode tells apart communes with the same name."""
    where = (row["postcodes"] or row["departement"] or "").split()
    return f"{row['name']} ({where[0]})" if where else row["name"]


def _item(question: dict, fields: dict[str, list[str]], error: str | None) -> dict:
    key = question["key"]
    item = {
        "q": question,
        "id": "q-" + re.sub(r"[^A-Za-z0-9_-]", "_", key),
        "chosen": fields.get(key, []),
        "current": first_value(fields.get(key)),
        "other": first_value(fields.get(f"{key}.autre")),
        "error": error,
    }
    item["anchor"] = item["id"] + ("-1" if question.get("choices") else "")
    if question["type"] == "commune":
        item["query"] = first_value(fields.get(f"{key}.q"))
        item["query_shown"] = first_value(fields.get(f"{key}.q0"))
        item["matches"] = _commune_matches(key, fields)
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
    items = [_item(q, walk.fields, (errors or {}).get(q["key"])) for q in shown]
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
        heading=model.THEMES.get(theme, "Questions"),
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
