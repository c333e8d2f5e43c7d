"""The statistics sheets of the workbook exports, with French column titles.

Synthèse: every question's summary (summaries.summaries_table), small
and complementary counts hidden (crosstabs.suppress_summary), multiple
choice questions marked.
Tableaux croisés: every choice question by every profile grouping, with
small and complementary cells shown as "< 5" (crosstabs.display): a
workbook travels, so the same protection as on screen applies.
Comparaison nationale: compare_national, suppressed rows left out.
"""

import pandas as pd

from .crosstabs import CrossTab, crosstab, protect_linked, suppress_summary
from .frames import SurveyFrames
from .groups import GROUPINGS, GroupingError
from .national import compare_national
from .summaries import Summary, summaries_table, summarise_all

SHEET_GROUPINGS = ("age", "genre", "situation", "diplome", "lieu")
SUMMARY_COLUMNS = {
    "key": "Question",
    "question": "Intitulé",
    "multiple": "Type de question",
    "code": "Code",
    "label": "Réponse",
    "count": "Personnes",
    "percent": "Part (%)",
    "ci_low": "IC 95 % bas",
    "ci_high": "IC 95 % haut",
    "share_of_total": "Part de toutes les réponses (%)",
    "w_percent": "Part redressée (%)",
    "w_ci_low": "IC 95 % bas (redressé)",
    "w_ci_high": "IC 95 % haut (redressé)",
    "n": "Répondants",
    "warning": "Attention",
}
NATIONAL_COLUMNS = {
    "label": "Indicateur",
    "group_label": "Groupe",
    "n": "Personnes",
    "percent": "Territoire (%)",
    "ci_low": "IC 95 % bas",
    "ci_high": "IC 95 % haut",
    "w_percent": "Territoire redressé (%)",
    "national": "France (%)",
    "difference": "Écart (points)",
    "verdict": "Verdict",
    "basis": "Base de comparaison",
    "year": "Année",
    "population": "Population de référence",
    "source": "Source",
    "url": "Lien",
}


CHOICE_TYPES = ("single", "scale", "multiple", "commune")


def protected_summaries(frames: SurveyFrames) -> dict[str, Summary]:
    """Every question's summary with small and complementary counts hidden."""
    summaries = summarise_all(frames)
    for summary in summaries.values():
        if summary.type in CHOICE_TYPES:
            summary.table = suppress_summary(summary)
    return summaries


def overall_shown(summaries: dict[str, Summary]) -> dict[str, tuple[set, bool]]:
    """Per question: codes whose overall count is printed, and whether n is."""
    shown = {}
    for key, s in summaries.items():
        rows = s.table[~s.table["no_answer"].astype(bool)]
        codes = {c for c, n in zip(rows["code"], rows["count"], strict=True)
                 if not isinstance(n, str)}  # fmt: skip
        shown[key] = (codes, True)
    return shown


def summary_sheet(
    frames: SurveyFrames, summaries: dict[str, Summary] | None = None
) -> pd.DataFrame:
    """Synthèse: counts under 5 and their complements hidden (suppress_summary)."""
    summaries = protected_summaries(frames) if summaries is None else summaries
    table = summaries_table(summaries)
    table = table[[c for c in SUMMARY_COLUMNS if c in table.columns]]
    for name in table.columns:
        if name in ("key", "question", "code", "label", "warning"):
            continue
        table[name] = [round(v, 1) if isinstance(v, float) else v for v in table[name]]
    table.insert(
        2,
        "multiple",
        table["key"].map(
            lambda k: (
                "Plusieurs réponses possibles (total > 100 %)"
                if summaries[k].type == "multiple"
                else ""
            )
        ),
    )
    return table.rename(columns=SUMMARY_COLUMNS)


def _protected_displays(
    tables: list[CrossTab], overall: dict[str, tuple[set, bool]] | None
) -> list[dict[str, pd.DataFrame]]:
    """Displays of one question's cross-tabs, audited together.

    Tables where everyone has a group share their "Total" row with each
    other and with the Synthèse sheet: protected as one (protect_linked).
    A table leaving people out has a total row of its own.
    """
    linked = [ct for ct in tables if not ct.without_group]
    masks = {}
    if linked:
        known = None
        if overall is not None and linked[0].key in overall:
            codes, n_shown = overall[linked[0].key]
            known = set(codes) | ({"Total"} if n_shown else set())
        for ct, pair in zip(
            linked, protect_linked(linked, known_total=known), strict=True
        ):
            masks[id(ct)] = pair
    return [ct.display(masks=masks.get(id(ct))) for ct in tables]


def crosstab_sheet(
    frames: SurveyFrames,
    groupings: tuple[str, ...] = SHEET_GROUPINGS,
    overall: dict[str, tuple[set, bool]] | None = None,
) -> pd.DataFrame:
    """Long table: grouping, group, question, answer, people, share (%).

    Every choice question by each of `groupings` the survey allows (the
    profile variables of the priority publics plus the collection point:
    the detailed ones stay on the results page, where they are computed on
    demand, so that a 100,000-response export stays fast).
    `overall` (overall_shown): the Synthèse figures of the same workbook;
    a question's tables are protected together and knowing them.
    """
    by_key: dict[str, list[CrossTab]] = {}
    for by in groupings:
        for key in frames.keys("single", "scale", "multiple"):
            if GROUPINGS.get(by, ("", by))[1] == key:
                continue  # a question crossed by itself
            try:
                by_key.setdefault(key, []).append(crosstab(frames, key, by))
            except (GroupingError, ValueError):
                break  # the survey does not allow this grouping at all
    shown = {}
    for tables in by_key.values():
        for ct, display in zip(
            tables, _protected_displays(tables, overall), strict=True
        ):
            shown[ct.by, ct.key] = (ct, display)
    rows = []
    for by in groupings:
        for key in frames.keys("single", "scale", "multiple"):
            if (by, key) not in shown:
                continue
            ct, display = shown[by, key]
            rows += _sheet_rows(ct, display)
    columns = ["Selon", "Groupe", "Question", "Réponse", "Personnes du groupe"]
    return pd.DataFrame(rows, columns=[*columns, "Personnes", "Part du groupe (%)"])


def _sheet_rows(ct: CrossTab, shown: dict[str, pd.DataFrame]) -> list[tuple]:
    counts, percent = shown["counts"], shown["percent"]
    count_values = counts.to_numpy(dtype=object)
    percent_values = percent.to_numpy(dtype=object)
    total = list(counts.columns).index("Total")
    positions = [list(counts.columns).index(c) for c in percent.columns]
    labels = [ct.labels[c] for c in percent.columns]
    rows = []
    for i, group in enumerate(counts.index):
        name = "Ensemble" if group == "Total" else ct.group_labels.get(group, group)
        for j, label in enumerate(labels):
            rows.append(
                (
                    ct.title,
                    name,
                    ct.key,
                    label,
                    count_values[i, total],
                    count_values[i, positions[j]],
                    percent_values[i, j],
                )
            )
    return rows


def national_sheet(frames: SurveyFrames) -> pd.DataFrame:
    table = compare_national(frames)
    table = table[~table["suppressed"].astype(bool)]
    table = table[list(NATIONAL_COLUMNS)]
    numeric = table.select_dtypes("number").columns
    table[numeric] = table[numeric].round(1)
    return table.rename(columns=NATIONAL_COLUMNS)


README_LINES = (
    "Comment lire ce classeur",
    "Réponses : une ligne par réponse, telle que saisie. Ce feuillet permet de "
    "reconnaître des personnes : ne le diffusez pas.",
    "Synthèse et Tableaux croisés : chiffres à partager. Les pourcentages sont "
    "calculés sur les personnes qui ont répondu à la question.",
    "Tableaux croisés : effectifs et parts bruts (non redressés), comme sur la "
    "page de résultats, même quand l'enquête est redressée ; les parts "
    "redressées de l'ensemble sont dans la Synthèse (colonne « Part redressée »).",
    "« < 5 » : entre 1 et 4 personnes. Le chiffre est caché pour que personne "
    "ne puisse être reconnu, avec tout ce qui en est calculé (pourcentage, "
    "intervalle).",
    "« masqué » : chiffre caché alors qu'il n'est pas petit, parce qu'avec les "
    "totaux et les autres chiffres du classeur il permettrait de retrouver un "
    "chiffre « < 5 ». Chaque chiffre caché a été vérifié : les chiffres "
    "affichés ne permettent pas de le retrouver à moins de 5 personnes près.",
    "Un pourcentage est caché quand le total de sa ligne l'est (sinon "
    "pourcentage et effectif redonneraient le total).",
    "Questions à plusieurs réponses possibles : marquées dans la Synthèse ; "
    "leurs pourcentages additionnés dépassent 100 %.",
)


def readme_sheet() -> pd.DataFrame:
    """The "Lisez-moi" sheet: how the figures are hidden and why."""
    return pd.DataFrame({"Lisez-moi": list(README_LINES)})
