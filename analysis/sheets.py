"""The statistics sheets of the workbook exports, with French column titles.

Synthèse: every question's summary (summaries.summaries_table).
Tableaux croisés: every choice question by every profile grouping, with
small and complementary cells shown as "< 5" (crosstabs.display): a
workbook travels, so the same protection as on screen applies.
Comparaison nationale: compare_national, suppressed rows left out.
"""

import pandas as pd

from .crosstabs import crosstab
from .frames import SurveyFrames
from .groups import GROUPINGS, GroupingError
from .national import compare_national
from .summaries import summaries_table, summarise_all

SHEET_GROUPINGS = ("age", "genre", "situation", "diplome", "lieu")
SUMMARY_COLUMNS = {
    "key": "Question",
    "question": "Intitulé",
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
    "year": "Année",
    "population": "Population de référence",
    "source": "Source",
    "url": "Lien",
}


def summary_sheet(frames: SurveyFrames) -> pd.DataFrame:
    table = summaries_table(summarise_all(frames))
    table = table[[c for c in SUMMARY_COLUMNS if c in table.columns]]
    numeric = table.select_dtypes("number").columns
    table[numeric] = table[numeric].round(1)
    return table.rename(columns=SUMMARY_COLUMNS)


def crosstab_sheet(
    frames: SurveyFrames, groupings: tuple[str, ...] = SHEET_GROUPINGS
) -> pd.DataFrame:
    """Long table: grouping, group, question, answer, people, share (%).

    Every choice question by each of `groupings` the survey allows (the
    profile variables of the priority publics plus the collection point:
    the detailed ones stay on the results page, where they are computed on
    demand, so that a 100,000-response export stays fast).
    """
    rows = []
    for by in groupings:
        for key in frames.keys("single", "scale", "multiple"):
            if GROUPINGS.get(by, ("", by))[1] == key:
                continue  # a question crossed by itself
            try:
                ct = crosstab(frames, key, by)
            except (GroupingError, ValueError):
                break  # the survey does not allow this grouping at all
            shown = ct.display()
            counts, percent = shown["counts"], shown["percent"]
            count_values = counts.to_numpy(dtype=object)
            percent_values = percent.to_numpy(dtype=object)
            total = list(counts.columns).index("Total")
            positions = [list(counts.columns).index(c) for c in percent.columns]
            labels = [ct.labels[c] for c in percent.columns]
            for i, group in enumerate(counts.index):
                name = (
                    "Ensemble"
                    if group == "Total"
                    else ct.group_labels.get(group, group)
                )
                for j, label in enumerate(labels):
                    rows.append(
                        (
                            ct.title,
                            name,
                            key,
                            label,
                            count_values[i, total],
                            count_values[i, positions[j]],
                            percent_values[i, j],
                        )
                    )
    columns = ["Selon", "Groupe", "Question", "Réponse", "Personnes du groupe"]
    return pd.DataFrame(rows, columns=[*columns, "Personnes", "Part du groupe (%)"])


def national_sheet(frames: SurveyFrames) -> pd.DataFrame:
    table = compare_national(frames)
    table = table[~table["suppressed"].astype(bool)]
    table = table[list(NATIONAL_COLUMNS)]
    numeric = table.select_dtypes("number").columns
    table[numeric] = table[numeric].round(1)
    return table.rename(columns=NATIONAL_COLUMNS)
