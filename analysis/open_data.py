"""A survey's answers and figures as open data tables (issue 12 §6).

    place = Place(source="cd07", enquete="3f9a…", departement_of={...})
    answers, columns = answers_table(frames, place)       # one row per person
    figures, columns = aggregates_table(frames, place)    # question × choice
    book, columns = questions_table(frames, place)        # the dictionary

Pure pandas (no Flask): the command `export-open-data` (open_data_cli.py)
loads the frames, re-weighted like the results page, and writes these
tables with open_data_schema.write_package. A region reads many instances'
files together with rollup.py.

What is left out or coarsened in `answers_table`, because it could point
at somebody (README, "Au-delà d'un serveur"):
- free text (text questions and "Autre, précisez"), unless asked for:
  people write names, addresses, illnesses;
- dates: no submission date or time, only the survey's first and last
  months (a time of day and a place tell who was at the market at 10:05);
- collection points: no name, code or id, only their kind (marché,
  médiathèque…) and the entry mode; no kiosk, device, IP address or
  response id (rows are shuffled and numbered 1…n, so their order says
  nothing about when people answered);
- communes answered by fewer than `min_count` people of the survey: the
  INSEE code is blanked (the département is kept);
- numbers (household size…): values held by fewer than `min_count` people
  at either end are pulled in to the nearest value that `min_count` people
  reach (top- and bottom-coding: a household of 11 becomes one of 6).
What stays identifying in combination (age band × sex × situation × small
commune) is why the answers file goes to the body that aggregates, under
an agreement, while the aggregates table is the one to publish: its small
cells are hidden (crosstabs.suppress_summary, audited by disclosure.py).
"""

import zlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from survey_app.surveys.contract import MODES, POINT_KINDS, QUESTION_TYPES, THEMES

from .crosstabs import MARKER, MASKED
from .frames import SurveyFrames
from .open_data_schema import Column
from .sheets import protected_summaries
from .stats import MIN_COUNT
from .summaries import NOT_ASKED

COMMUNE = r"^[0-9][0-9AB][0-9]{3}$"
DEPARTEMENT = r"^([0-9]{2}|2A|2B|97[1-8])$"
MONTH = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
FLAG = "__"  # KEY__code: a ticked choice of a multiple-choice question
OTHER_TEXT = "__texte_autre"  # KEY__texte_autre: "Autre, précisez" (free text)
TEXT_TYPES = ("short_text", "long_text")
HIDDEN = {MARKER: "moins_de_5", MASKED: "secret_secondaire"}


@dataclass
class Place:
    """Where a survey comes from, as the open data says it."""

    source: str  # the instance that exported it (chosen by its host)
    enquete: str  # opaque survey id, stable across exports
    departement_of: dict[str, str] = field(default_factory=dict)  # INSEE → dép.
    territory_departements: list[str] = field(default_factory=list)
    free_text: bool = False
    min_count: int = MIN_COUNT


def _key_columns() -> list[Column]:
    return [
        Column(
            "source",
            "string",
            "Source",
            "Nom de l'instance (serveur) qui a produit le fichier, choisi par "
            "son hébergeur.",
            required=True,
        ),
        Column(
            "enquete",
            "string",
            "Enquête",
            "Identifiant opaque de l'enquête, stable d'un export à l'autre ; "
            "avec « source », il distingue les enquêtes de toutes les instances.",
            required=True,
        ),
    ]


def answers_table(
    frames: SurveyFrames, place: Place
) -> tuple[pd.DataFrame, list[Column]]:
    """One row per response, anonymised as the module docstring says."""
    wide = frames.wide
    data: dict[str, object] = {"source": place.source, "enquete": place.enquete}
    columns = _key_columns()
    first, last = _months(wide["submitted_at"])
    data["mois_debut"], data["mois_fin"] = first, last
    data["mode"] = wide["mode"].astype("object")
    data["type_lieu"] = wide["point_kind"].astype("object")
    data["version"] = wide["version"]
    data["poids"] = wide["weight"].to_numpy(dtype=float)
    columns += _meta_columns()
    commune = _commune(frames)
    data["departement"], data["commune"] = _geography(commune, place)
    columns += _geography_columns()
    for key in frames.keys():
        for name, values, column in _question_columns(frames, key, place):
            data[name] = values
            columns.append(column)
    table = pd.DataFrame(data, index=wide.index)
    # Shuffled, then numbered: the order of the rows says nothing.
    seed = zlib.crc32(f"{place.source}/{place.enquete}".encode())
    table = table.iloc[np.random.default_rng(seed).permutation(len(table))]
    table.insert(2, "reponse", np.arange(1, len(table) + 1))
    columns.insert(
        2,
        Column(
            "reponse",
            "integer",
            "Réponse",
            "Numéro de la réponse dans l'enquête, de 1 à n, dans un ordre tiré "
            "au hasard (il ne dit pas quand la personne a répondu).",
            required=True,
        ),
    )
    return table.reset_index(drop=True), columns


def _months(submitted: pd.Series) -> tuple[str | None, str | None]:
    if submitted.dropna().empty:
        return None, None
    return (
        submitted.min().strftime("%Y-%m"),
        submitted.max().strftime("%Y-%m"),
    )


def _meta_columns() -> list[Column]:
    return [
        Column("mois_debut", "string", "Début de la collecte",
               "Mois de la première réponse de l'enquête (AAAA-MM). Aucune date "
               "de réponse individuelle n'est exportée.", pattern=MONTH),
        Column("mois_fin", "string", "Fin de la collecte",
               "Mois de la dernière réponse de l'enquête (AAAA-MM).",
               pattern=MONTH),
        Column("mode", "string", "Mode de réponse",
               "Comment la réponse a été saisie.", list(MODES), dict(MODES)),
        Column("type_lieu", "string", "Type de lieu de collecte",
               "Type du lieu où la personne a répondu (jamais son nom) ; vide "
               "si la réponse n'est rattachée à aucun lieu.",
               list(POINT_KINDS), dict(POINT_KINDS)),
        Column("version", "integer", "Version du questionnaire",
               "Numéro de la version du questionnaire à laquelle la personne a "
               "répondu (« questions » donne l'intitulé de la dernière)."),
        Column("poids", "number", "Poids de redressement",
               "Poids de la réponse (moyenne 1 dans chaque enquête) : redressement "
               "sur l'âge et le sexe de la population du territoire quand le "
               "diagnostic en a les marges, sinon 1. Les pourcentages redressés "
               "sont des moyennes pondérées par ce poids.", required=True),
    ]  # fmt: skip


def _commune(frames: SurveyFrames) -> pd.Series | None:
    keys = frames.keys("commune")
    return frames.wide[keys[0]].astype("object") if keys else None


def _geography(commune: pd.Series | None, place: Place) -> tuple[object, object]:
    """(département, commune) per response; rare communes blanked."""
    fallback = (
        place.territory_departements[0]
        if len(place.territory_departements) == 1
        else None
    )
    if commune is None:
        return fallback, None
    departement = commune.map(place.departement_of).astype("object")
    departement = departement.where(departement.notna(), fallback)
    counts = commune.value_counts()
    rare = set(counts.index[counts < place.min_count])
    kept = commune.where(~commune.isin(rare) & commune.notna(), None)
    return departement, kept


def _geography_columns() -> list[Column]:
    return [
        Column("departement", "string", "Département",
               "Code du département (INSEE) de la commune de la personne, ou du "
               "territoire du diagnostic s'il tient dans un seul département ; "
               "vide sinon. Sert à agréger par département ou région.",
               pattern=DEPARTEMENT),
        Column("commune", "string", "Commune (code INSEE)",
               "Code INSEE de la commune où la personne habite, vide si elle ne "
               "l'a pas dite ou si moins de 5 personnes de l'enquête l'ont "
               "donnée (trop peu pour ne reconnaître personne).",
               pattern=COMMUNE),
    ]  # fmt: skip


def _question_columns(frames: SurveyFrames, key: str, place: Place):
    q = frames.question(key)
    kind, wide = q["type"], frames.wide
    about = f"{QUESTION_TYPES.get(kind, kind)}, thème « {THEMES.get(q['theme'], '')} »"
    if kind == "multiple":
        for name in frames.choice_columns(key):
            code = name.split(":", 1)[1]
            label = frames.label(key, code)
            yield (
                f"{key}{FLAG}{code}",
                wide[name],
                Column(
                    f"{key}{FLAG}{code}",
                    "boolean",
                    f"{q['text']} — {label}",
                    f"{about}. Vrai si la personne a coché « {label} », faux si "
                    "elle a répondu sans la cocher, vide si elle n'a pas répondu "
                    "à la question (ou ne l'a pas vue).",
                ),
            )
    elif kind in ("single", "scale"):
        codes = frames.codes(key)
        codes += [c for c in wide[key].cat.categories if c not in codes]
        yield (
            key,
            wide[key].astype("object"),
            Column(
                key,
                "string",
                q["text"],
                f"{about}. Code de la réponse choisie (libellés dans "
                "« categories ») ; vide si pas de réponse ou question non posée.",
                codes,
                {c: frames.label(key, c) for c in codes},
                ordered=kind == "scale",
            ),
        )
    elif kind == "number":
        yield (
            key,
            coarsened(wide[key], place.min_count),
            Column(
                key,
                "number",
                q["text"],
                f"{about}. Les valeurs extrêmes données par moins de "
                f"{place.min_count} personnes sont ramenées à la plus proche "
                "valeur partagée par au moins autant de personnes.",
            ),
        )
    elif kind in TEXT_TYPES and place.free_text:
        yield (
            key,
            wide[key].astype("object"),
            Column(key, "string", q["text"], f"{about}. Texte libre, tel que saisi."),
        )
    if place.free_text and f"{key}.autre" in wide.columns:
        yield (
            f"{key}{OTHER_TEXT}",
            wide[f"{key}.autre"].astype("object"),
            Column(
                f"{key}{OTHER_TEXT}",
                "string",
                f"{q['text']} — Autre, précisez",
                "Texte libre écrit dans « Autre, précisez », tel que saisi.",
            ),
        )


def coarsened(values: pd.Series, min_count: int = MIN_COUNT) -> pd.Series:
    """Top- and bottom-coded: no value held by fewer than min_count people
    at either end (they take the nearest value min_count people reach)."""
    v = values.to_numpy(dtype=float)
    present = np.sort(v[~np.isnan(v)])
    if len(present) < min_count:
        return pd.Series(np.nan, index=values.index)
    low, high = present[min_count - 1], present[-min_count]
    return pd.Series(np.clip(v, low, high), index=values.index)


AGGREGATE_COLUMNS = [
    ("question", "string", "Question", "Clé de la question (voir « questions »)."),
    ("type_question", "string", "Type de question",
     "single : choix unique ; multiple : plusieurs réponses possibles (les parts "
     "additionnées dépassent 100 %) ; scale : échelle ; commune."),
    ("code", "string", "Code de la réponse",
     "Code du choix (code INSEE pour une commune) ; vide sur les lignes « Sans "
     "réponse » et « Non concerné »."),
    ("libelle", "string", "Réponse", "Libellé du choix, tel que montré aux habitants."),
    ("ligne", "string", "Nature de la ligne",
     "reponse : un choix ; sans_reponse : personnes qui n'ont pas répondu ; "
     "non_concerne : personnes à qui la question n'a pas été posée."),
    ("effectif", "integer", "Personnes",
     "Nombre de personnes ; vide quand il est caché (voir « masque »)."),
    ("part", "number", "Part (%)",
     "Pourcentage des personnes qui ont répondu à la question (0 à 100)."),
    ("ic_bas", "number", "IC 95 % bas",
     "Borne basse de l'intervalle de confiance à 95 % (Wilson) de la part."),
    ("ic_haut", "number", "IC 95 % haut",
     "Borne haute de l'intervalle de confiance à 95 % (Wilson) de la part."),
    ("part_ensemble", "number", "Part de toutes les réponses (%)",
     "Pourcentage de toutes les réponses à l'enquête (lignes « Sans réponse » "
     "comprises)."),
    ("part_redressee", "number", "Part redressée (%)",
     "Part pondérée par les poids de redressement ; vide si l'enquête n'est "
     "pas redressée."),
    ("ic_bas_redresse", "number", "IC 95 % bas (redressé)",
     "Intervalle de Wilson sur la taille d'échantillon effective (Kish)."),
    ("ic_haut_redresse", "number", "IC 95 % haut (redressé)",
     "Intervalle de Wilson sur la taille d'échantillon effective (Kish)."),
    ("repondants", "integer", "Répondants",
     "Personnes qui ont répondu à la question : la base des parts."),
    ("reponses", "integer", "Réponses à l'enquête",
     "Nombre de réponses à l'enquête."),
]  # fmt: skip
FIGURES = {
    "count": "effectif",
    "percent": "part",
    "ci_low": "ic_bas",
    "ci_high": "ic_haut",
    "share_of_total": "part_ensemble",
    "w_percent": "part_redressee",
    "w_ci_low": "ic_bas_redresse",
    "w_ci_high": "ic_haut_redresse",
}


def aggregates_table(
    frames: SurveyFrames, place: Place
) -> tuple[pd.DataFrame, list[Column]]:
    """Every choice question's counts and shares, small cells hidden.

    The Synthèse sheet's figures (sheets.protected_summaries): a count of
    1 to 4 and the complementary counts that would give it back are blank,
    with everything computed from them; `masque` says why.
    """
    rows = []
    for key, summary in protected_summaries(frames).items():
        if summary.type not in ("single", "scale", "multiple", "commune"):
            continue
        for record in summary.table.to_dict("records"):
            marks = [v for v in record.values() if isinstance(v, str)]
            hidden = next((HIDDEN[v] for v in marks if v in HIDDEN), None)
            row = {
                "question": key,
                "type_question": summary.type,
                "code": record["code"],
                "libelle": record["label"],
                "ligne": _line(record),
                "repondants": summary.n,
                "reponses": summary.total,
                "masque": hidden,
            }
            for name, out in FIGURES.items():
                value = record.get(name)
                row[out] = None if hidden or isinstance(value, str) else value
            rows.append(row)
    table = pd.DataFrame(rows).reindex(
        columns=[c[0] for c in AGGREGATE_COLUMNS] + ["masque"]
    )
    table.insert(0, "source", place.source)
    table.insert(1, "enquete", place.enquete)
    columns = _key_columns() + [Column(*c) for c in AGGREGATE_COLUMNS]
    columns.append(
        Column(
            "masque",
            "string",
            "Chiffre caché",
            "Vide : chiffres affichés. moins_de_5 : 1 à 4 personnes, caché pour "
            "que personne ne soit reconnu. secret_secondaire : caché parce "
            "qu'avec les autres chiffres il redonnerait un chiffre « moins de "
            "5 » (vérifié par programmation linéaire).",
            list(HIDDEN.values()),
        )
    )
    return table, columns


def _line(record: dict) -> str:
    if not record.get("no_answer"):
        return "reponse"
    if record["label"] == NOT_ASKED:
        return "non_concerne"
    return "sans_reponse"


QUESTION_COLUMNS = [
    ("question", "string", "Question", "Clé de la question."),
    ("type_question", "string", "Type de question", "Type de la question."),
    ("theme", "string", "Thème", "Thème de la question."),
    ("intitule", "string", "Intitulé", "Texte de la question (dernière version)."),
    ("code", "string", "Code", "Code d'un choix ; vide pour une question sans choix."),
    ("libelle", "string", "Libellé", "Libellé du choix."),
    ("colonne", "string", "Colonne des réponses",
     "Colonne de « reponses » qui porte cette question ou ce choix ; vide si "
     "elle n'est pas exportée (texte libre)."),
    ("banque", "string", "Question de la banque",
     "Identifiant de la question de la banque nationale dont elle vient."),
]  # fmt: skip


def questions_table(
    frames: SurveyFrames, place: Place, exported: set[str]
) -> tuple[pd.DataFrame, list[Column]]:
    """The dictionary: one row per question and choice (communes excepted)."""
    rows = []
    for key in frames.keys():
        q = frames.question(key)
        has_choices = q["type"] in ("single", "scale", "multiple")
        codes: list[str | None] = [*frames.codes(key)] if has_choices else []
        for code in codes or [None]:
            name = key if q["type"] != "multiple" else f"{key}{FLAG}{code}"
            if q["type"] == "commune":
                name = "commune"
            rows.append({
                "question": key, "type_question": q["type"], "theme": q["theme"],
                "intitule": q["text"], "code": code,
                "libelle": frames.label(key, code) if code else None,
                "colonne": name if name in exported else None,
                "banque": bank if isinstance(bank := q.get("bank_id"), str) else None,
            })  # fmt: skip
    table = pd.DataFrame(rows).reindex(columns=[c[0] for c in QUESTION_COLUMNS])
    table.insert(0, "source", place.source)
    table.insert(1, "enquete", place.enquete)
    return table, _key_columns() + [Column(*c) for c in QUESTION_COLUMNS]
