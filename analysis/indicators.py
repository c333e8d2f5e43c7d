"""Indicators of digital exclusion, defined from the bank's questions and codes.

Every rule lives in INDICATORS (one data structure; codes from
survey_app/surveys/bank.yaml). An indicator gives each response True (in the
situation), False (not in it) or NA (cannot tell: not asked, not answered,
or an answer that says nothing, such as "Je ne sais pas"). Percentages are
then over the responses that are not NA.

Rules are nested tuples:
- ("in", KEY, codes, excluded): single/scale question KEY answered with one
  of `codes` → True; another code → False; an `excluded` code or no answer
  → NA. On a multiple-choice question: True if any of `codes` is ticked.
- ("any", [rules]): True if any sub-rule is True, False if none is True and
  at least one is False (people who answered some of the questions count).
- ("or", [rules]): strict (Kleene) or: True if any is True, False only if
  all are False, NA otherwise.
- ("all", [rules]): True if every sub-rule present in the survey is True,
  False if any is False, NA otherwise.
Sub-rules on questions absent from the survey are dropped; an indicator
whose every question is absent is skipped (`available_indicators`).

`illectronisme_proxy` follows domain.md §1.7: it is a PROXY built from
self-reported answers, not INSEE's measure of illectronisme (which tests
skills in 5 domains on a random sample): no use of the Internet in the last
3 months, or "no" to all the basic skills items the survey asks.
"""

from typing import Any

import numpy as np
import pandas as pd

from .frames import SurveyFrames

NO_SKILL = ["non", "jamais_essaye", "pas_email"]
Rule = tuple[Any, ...]

INDICATORS: list[dict[str, Any]] = [
    {
        "id": "sans_smartphone",
        "label": "N'utilise pas de smartphone",
        "rule": ("in", "EQ_MOBILE", ["mobile_simple", "aucun"], ["nr"]),
    },
    {
        "id": "sans_ordinateur_tablette",
        "label": "N'a ni ordinateur ni tablette à la maison",
        "rule": ("in", "EQ_ORDI_TABLETTE", ["aucun"], []),
    },
    {
        "id": "sans_internet_domicile",
        "label": "N'a pas Internet à la maison",
        "rule": ("in", "CO_INTERNET_DOMICILE", ["non"], ["nsp"]),
    },
    {
        "id": "internet_mobile_seul",
        "label": "A Internet à la maison seulement par le forfait du téléphone",
        "rule": ("in", "CO_INTERNET_DOMICILE", ["mobile_seul"], ["nsp"]),
    },
    {
        "id": "pas_internet_3_mois",
        "label": "N'a pas utilisé Internet depuis 3 mois ou plus",
        "rule": (
            "in",
            "US_DERNIERE_UTILISATION",
            ["3_mois_1_an", "plus_1_an", "jamais"],
            [],
        ),
    },
    {
        "id": "competence_manquante",
        "label": "Ne sait pas faire seul au moins une chose de base",
        "rule": (
            "any",
            [
                ("in", "CP_INFORMATION", ["avec_aide", *NO_SKILL], []),
                ("in", "CP_COMMUNICATION", ["avec_aide", *NO_SKILL], []),
                ("in", "CP_CONTENUS", ["avec_aide", *NO_SKILL], []),
                ("in", "CP_SECURITE", ["plutot_non", "non"], []),
                ("in", "CP_PROBLEMES", ["avec_aide", *NO_SKILL], []),
                ("in", "CP_IDENTITE", ["avec_aide", *NO_SKILL], []),
            ],
        ),
    },
    {
        "id": "peu_a_l_aise",
        "label": "Peu ou pas du tout à l'aise avec le numérique",
        "rule": ("in", "CP_AISANCE", ["peu", "pas_du_tout"], []),
    },
    {
        "id": "illectronisme_proxy",
        "label": "Illectronisme (approximation)",
        "rule": (
            "or",
            [
                (
                    "in",
                    "US_DERNIERE_UTILISATION",
                    ["3_mois_1_an", "plus_1_an", "jamais"],
                    [],
                ),
                (
                    "all",
                    [
                        ("in", "CP_INFORMATION", NO_SKILL, []),
                        ("in", "CP_COMMUNICATION", NO_SKILL, []),
                        ("in", "CP_CONTENUS", NO_SKILL, []),
                        ("in", "CP_SECURITE", ["non"], []),
                        ("in", "CP_PROBLEMES", NO_SKILL, []),
                    ],
                ),
            ],
        ),
    },
    {
        "id": "pas_de_demarche_seul",
        "label": "N'a pas fait seul de démarche en ligne dans l'année",
        "rule": (
            "in",
            "DA_EN_LIGNE",
            ["avec_aide", "fait_par_autre", "autrement"],
            ["aucune"],
        ),
    },
    {
        "id": "renoncement",
        "label": "A renoncé à une démarche en ligne dans l'année",
        "rule": ("in", "DA_RENONCEMENT", ["oui_autrement", "oui_abandon"], []),
    },
    {
        "id": "abandon_definitif",
        "label": "A abandonné une démarche pour de bon",
        "rule": ("in", "DA_RENONCEMENT", ["oui_abandon"], []),
    },
    {
        "id": "souhaite_aide",
        "label": "Aimerait être accompagné (oui ou peut-être)",
        "rule": ("in", "BE_SOUHAIT", ["oui", "peut_etre"], []),
    },
    {
        "id": "ne_connait_pas_lieu",
        "label": "Ne connaît pas de lieu d'aide au numérique",
        "rule": ("in", "BE_CONNAIT_LIEU", ["non"], []),
    },
    {
        "id": "personne_pour_aider",
        "label": "N'a personne pour l'aider avec le numérique",
        "rule": ("in", "BE_AIDE_ACTUELLE", ["personne"], []),
    },
]


def prune_rule(rule: Rule, keys: set[str]) -> Rule | None:
    """The rule without parts on absent questions; None if nothing is left."""
    if rule[0] == "in":
        return rule if rule[1] in keys else None
    parts = [p for p in (prune_rule(r, keys) for r in rule[1]) if p is not None]
    return (rule[0], parts) if parts else None


def available_indicators(frames: SurveyFrames) -> list[dict[str, Any]]:
    """The indicators this survey can compute (rules pruned to its questions)."""
    keys = set(frames.keys())
    found = []
    for indicator in INDICATORS:
        rule = prune_rule(indicator["rule"], keys)
        if rule is not None:
            found.append({**indicator, "rule": rule})
    return found


def evaluate(frames: SurveyFrames, rule: Rule) -> pd.Series:
    """True/False/NA per response (nullable boolean Series)."""
    values, known = _evaluate(frames, rule)
    data = pd.arrays.BooleanArray(values & known, ~known)
    return pd.Series(data, index=frames.wide.index)


def indicator_series(frames: SurveyFrames, indicator_id: str) -> pd.Series | None:
    """One indicator's values, or None if the survey cannot compute it."""
    for indicator in available_indicators(frames):
        if indicator["id"] == indicator_id:
            return evaluate(frames, indicator["rule"])
    return None


def _evaluate(frames: SurveyFrames, rule: Rule) -> tuple[Any, Any]:
    """(value, known) boolean arrays."""
    kind = rule[0]
    if kind == "in":
        return _in(frames, *rule[1:])
    parts = [_evaluate(frames, r) for r in rule[1]]
    true = np.column_stack([v & k for v, k in parts])
    false = np.column_stack([~v & k for v, k in parts])
    if kind == "any":
        value = true.any(axis=1)
        return value, value | false.any(axis=1)
    if kind == "or":
        value = true.any(axis=1)
        return value, value | false.all(axis=1)
    if kind == "all":
        value = true.all(axis=1)
        return value, value | false.any(axis=1)
    raise ValueError(f"règle d'indicateur inconnue : {kind}")


def _in(frames: SurveyFrames, key: str, codes: list[str], excluded: list[str]):
    wide = frames.wide
    if frames.questions.at[key, "type"] == "multiple":
        answered = frames.answered(key).to_numpy()
        value = np.zeros(len(wide), dtype=bool)
        for code in codes:
            if f"{key}:{code}" in wide.columns:
                value |= wide[f"{key}:{code}"].to_numpy(dtype=bool, na_value=False)
        return value, answered
    column = wide[key]
    known = (column.notna() & ~column.isin(excluded)).to_numpy()
    return column.isin(codes).to_numpy() & known, known
