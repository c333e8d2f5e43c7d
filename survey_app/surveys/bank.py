"""The project's built-in French question bank (bank.yaml) and its presets.

Each bank entry is a question in the format of model.py plus three bank-only
fields: `indicator` (the national figure it compares with), `source` and
`short` (part of the "version courte"). Presets hand out questions
ready for `model.create_survey`, without the bank-only fields but with
`bank_id`, so analysis can find the national figure of a survey question.
"""

import copy
import functools
from pathlib import Path
from typing import Any

import yaml

from .questions import normalise_question, validate_questions

BANK_PATH = Path(__file__).with_name("bank.yaml")
BANK_ONLY_FIELDS = ("indicator", "source", "short")
PRESETS = {
    "court": "Version courte",
    "complet": "Version complète",
}


class BankError(ValueError):
    """bank.yaml is malformed (raised at load, so a bad edit fails loudly)."""


def survey_question(entry: dict[str, Any]) -> dict[str, Any]:
    """A bank entry as a survey question: bank-only fields dropped, bank_id kept."""
    question = {k: v for k, v in entry.items() if k not in BANK_ONLY_FIELDS}
    return normalise_question({**question, "bank_id": entry["key"]})


def check_bank(entries: list[dict[str, Any]]) -> list[str]:
    """French errors in a list of bank entries ([] = valid).

    Beyond the survey checks (unique keys and codes, show_if on an earlier
    question and existing codes), every entry needs an indicator and a
    source, and each preset must stand on its own (no show_if pointing at a
    question the preset leaves out).
    """
    if not isinstance(entries, list) or not entries:
        return ["La banque doit être une liste de questions."]
    errors: list[str] = []
    for n, entry in enumerate(entries, 1):
        if not isinstance(entry, dict):
            return [f"Entrée {n} : ce n'est pas une question."]
        for field in ("indicator", "source"):
            if not isinstance(entry.get(field), str) or not entry[field].strip():
                errors.append(f"{entry.get('key')} : champ « {field} » manquant.")
        if not isinstance(entry.get("short", False), bool):
            errors.append(f"{entry.get('key')} : « short » doit valoir true ou false.")
        if "bank_id" in entry:
            errors.append(f"{entry.get('key')} : bank_id est ajouté au chargement.")
    if errors:
        return errors
    for name in PRESETS:
        chosen = [survey_question(e) for e in entries if _in_preset(e, name)]
        errors += [f"Préréglage « {name} » : {m}" for m in validate_questions(chosen)]
    return errors


def _in_preset(entry: dict[str, Any], name: str) -> bool:
    return name == "complet" or bool(entry.get("short"))


@functools.cache
def _load(path: Path = BANK_PATH) -> tuple[dict[str, Any], ...]:
    with open(path, encoding="utf-8") as f:
        entries = yaml.safe_load(f)
    errors = check_bank(entries)
    if errors:
        raise BankError(f"{path.name} invalide :\n" + "\n".join(errors))
    return tuple(entries)


def load_bank() -> list[dict[str, Any]]:
    """Every bank entry, in order (a fresh copy: callers may modify it).

    :raise BankError: bank.yaml is invalid.
    """
    return [
        {**survey_question(e), **{f: e.get(f, False) for f in BANK_ONLY_FIELDS}}
        for e in copy.deepcopy(_load())
    ]


def bank_question(bank_id: str) -> dict[str, Any] | None:
    """The bank entry `bank_id` (with indicator, source, short), or None."""
    return next((e for e in load_bank() if e["key"] == bank_id), None)


def preset(name: str) -> list[dict[str, Any]]:
    """Questions of preset "court" or "complet", ready for model.create_survey.

    :raise KeyError: unknown preset name.
    """
    if name not in PRESETS:
        raise KeyError(name)
    return [survey_question(e) for e in copy.deepcopy(_load()) if _in_preset(e, name)]
