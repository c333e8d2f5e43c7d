"""Changes a conseiller makes to a question list: pure functions, no Flask.

Each returns a NEW list; the builder validates it with
`questions.validate_questions` before saving it through `model.save_questions`.
"""

from typing import Any

from .model import choice_code, freeze_choice_codes
from .questions import OTHER_CODE, choice_codes

Question = dict[str, Any]


def find(questions: list[Question], key: str) -> int | None:
    return next((i for i, q in enumerate(questions) if q["key"] == key), None)


def move(questions: list[Question], key: str, step: int) -> list[Question]:
    """Move question `key` one place up (step=-1) or down (step=1)."""
    index = find(questions, key)
    target = None if index is None else index + step
    if index is None or target is None or not 0 <= target < len(questions):
        return list(questions)
    moved = list(questions)
    moved[index], moved[target] = moved[target], moved[index]
    return moved


def move_to(questions: list[Question], key: str, position: int) -> list[Question]:
    """Move question `key` to `position` (1 = first; clamped to the list)."""
    index = find(questions, key)
    if index is None:
        return list(questions)
    moved = [q for q in questions if q["key"] != key]
    target = min(max(position, 1), len(questions)) - 1
    return [*moved[:target], questions[index], *moved[target:]]


def dependents(questions: list[Question], key: str) -> list[Question]:
    """The questions shown only depending on the answer to `key`."""
    return [q for q in questions if (q.get("show_if") or {}).get("question") == key]


def remove(questions: list[Question], key: str) -> list[Question]:
    """Drop question `key`; questions that depended on it become always shown."""
    kept = []
    for question in questions:
        if question["key"] == key:
            continue
        if (question.get("show_if") or {}).get("question") == key:
            question = {k: v for k, v in question.items() if k != "show_if"}
        kept.append(question)
    return kept


def replace(questions: list[Question], key: str, new: Question) -> list[Question]:
    """Put `new` in the place of question `key` (its key may differ)."""
    return [new if q["key"] == key else q for q in questions]


def with_choice_codes(question: Question, old: Question | None) -> Question:
    """Give codes to a question's choices (the builder only knows labels).

    Labels already used by `old` keep their code; new or re-labelled choices
    get a new code (model.freeze_choice_codes), so that no stored answer is
    ever given another meaning. "autre" stays reserved for "Autre, précisez".
    """
    if "choices" not in question:
        return question
    taken = {OTHER_CODE}
    choices = []
    for choice in question["choices"]:
        code = choice_code(choice["label"], taken)
        taken.add(code)
        choices.append({"code": code, "label": choice["label"]})
    question = {**question, "choices": choices}
    if old and old.get("choices"):
        question = freeze_choice_codes([old], [question])[0]
    return question


def fit_show_if(question: Question, questions: list[Question]) -> tuple[Question, bool]:
    """Keep a bank question's condition only if it still makes sense here.

    Returns (question, whether the condition was dropped): dropped when the
    question it depends on is absent or no longer has any of the codes.
    """
    show_if = question.get("show_if")
    if not show_if:
        return question, False
    index = find(questions, show_if["question"])
    if index is not None:
        codes = choice_codes(questions[index])
        values = [v for v in show_if["values"] if v in codes]
        if values:
            return {**question, "show_if": {**show_if, "values": values}}, False
    return {k: v for k, v in question.items() if k != "show_if"}, True


def insert_by_bank_order(
    questions: list[Question], new: Question, order: dict[str, int]
) -> list[Question]:
    """Insert bank question `new` after the bank questions that come before it.

    So an added follow-up lands after the question it depends on, and the
    survey keeps the bank's logical order; otherwise it goes at the end.
    """
    rank = order[new["bank_id"]]
    before = [
        i
        for i, q in enumerate(questions)
        if q.get("bank_id") in order and order[q["bank_id"]] < rank
    ]
    after = [
        i
        for i, q in enumerate(questions)
        if q.get("bank_id") in order and order[q["bank_id"]] > rank
    ]
    if before:
        position = max(before) + 1
    elif after:
        position = min(after)
    else:
        position = len(questions)
    return [*questions[:position], new, *questions[position:]]
