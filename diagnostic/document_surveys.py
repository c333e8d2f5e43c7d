"""The residents' needs chapters of the diagnostic document, per survey.

Every figure comes from the same functions as the workbook exports:
`sheets.protected_summaries` (small and complementary counts hidden, as in
the Synthèse sheet), `sections.national_block` and `sections.priority_block`
(rows already suppressed as on the results page). Charts are drawn from
what the table prints: a hidden count has no bar either.
"""

from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from analysis.charts import Bar, bar_chart
from analysis.crosstabs import MARKER, MASKED, suppress
from analysis.document_model import (
    Bullets,
    Figure,
    Heading,
    Paragraph,
    Table,
    sources_as_notes,
)
from analysis.frames import SurveyFrames, load_survey
from analysis.national import compare_national
from analysis.population_weights import Weighting
from analysis.result_blocks import ci_text, pct_text
from analysis.sections import national_block, priority_block
from analysis.sheets import CHOICE_TYPES, protected_summaries
from analysis.summaries import Summary
from analysis.wordclouds import summarise_texts
from survey_app.dates import french_date
from survey_app.surveys.model import MODES, THEMES

from .margins import reweighted

HIDDEN = (MARKER, MASKED)
CHART_CM = 13.0  # bars with their labels beside them (charts.bar_chart)
CLOUD_CM = 9.0
CLOUD_MIN_ANSWERS = 20  # fewer free answers: quoted, without a word cloud


@dataclass
class LoadedSurvey:
    id: int
    title: str
    frames: SurveyFrames
    weighting: Weighting
    summaries: dict[str, Summary]

    @cached_property
    def comparison(self) -> pd.DataFrame:
        """compare_national, once: the largest gaps and the chapter's table."""
        return compare_national(self.frames)

    @cached_property
    def national(self):
        """The results page's national section (summary and chapter share it)."""
        return national_block(self.frames, comparison=self.comparison)

    @cached_property
    def priority(self):
        return priority_block(self.frames)


def load(db, survey_id: int) -> LoadedSurvey:
    """The survey re-weighted as on its results page, summaries protected."""
    frames, weighting = reweighted(db, load_survey(db, survey_id))
    return LoadedSurvey(
        survey_id,
        frames.survey["title"],
        frames,
        weighting,
        protected_summaries(frames),
    )


def figure_text(value: object) -> str:
    """ "< 5" and "masqué" as printed; numbers as French percentages."""
    if isinstance(value, str):
        return value
    return pct_text(value)


def count_text(value: object) -> str:
    if isinstance(value, str):
        return value
    return "—" if pd.isna(value) else str(int(value))


def summary_table(summary: Summary, number: str) -> Table:
    """One question's protected summary as a table (the Synthèse rows)."""
    weighted = summary.weighted
    header = ["Réponse", "Personnes", "Part", "Marge (IC 95 %)"]
    if weighted:
        header.append("Part redressée")
    rows = []
    for r in summary.table.to_dict("records"):
        if r["no_answer"]:
            continue
        if summary.type == "commune" and not isinstance(r["count"], str):
            if r["count"] == 0:
                continue
        hidden = isinstance(r["ci_low"], str)
        row = [
            str(r["label"]),
            count_text(r["count"]),
            figure_text(r["percent"]),
            r["ci_low"] if hidden else ci_text(r["ci_low"], r["ci_high"]),
        ]
        if weighted:
            row.append(figure_text(r.get("w_percent")))
        rows.append(row)
    basis = f"{summary.n} personnes ont répondu à cette question"
    basis += (
        " ; parts redressées sur la population du territoire."
        if weighted
        else " ; parts brutes (non redressées)."
    )
    notes = []
    if summary.type == "multiple":
        notes.append("Plusieurs réponses possibles : le total dépasse 100 %.")
    if any(c in HIDDEN for row in rows for c in row):
        notes.append(
            "« < 5 » : entre 1 et 4 personnes ; « masqué » : caché pour que le "
            "chiffre « < 5 » ne puisse pas être recalculé."
        )
    if summary.warning:
        notes.append(summary.warning)
    return Table(
        caption=f"Tableau {number} — {summary.text}",
        basis=basis,
        header=header,
        rows=rows,
        notes=notes,
        source=("summary", summary.key),
    )


def summary_chart(summary: Summary) -> Figure | None:
    """Bars of the shares the table prints (hidden rows have none)."""
    prefix = "w_" if summary.weighted else ""
    bars = []
    for r in summary.table.to_dict("records"):
        value = r[f"{prefix}percent"]
        if r["no_answer"] or isinstance(value, str) or pd.isna(value):
            continue
        if summary.type == "commune" and r["count"] == 0:
            continue
        bars.append(
            Bar(str(r["label"]), value, r[f"{prefix}ci_low"], r[f"{prefix}ci_high"])
        )
    if not bars:
        return None
    bars = bars[:15]
    kind = "redressées" if summary.weighted else "brutes"
    alt = f"{summary.text} — parts {kind} sur {summary.n} réponses : " + " ; ".join(
        f"{b.label} {pct_text(b.value)}" for b in bars
    )
    svg = bar_chart(
        bars,
        title=summary.text,
        desc=alt,
        ident=f"doc-{summary.key}",
        side_labels=True,
    )
    return Figure(svg, alt, CHART_CM)


def method_facts(db, survey: LoadedSurvey) -> list[str]:
    """Places, dates, modes, n and weighting of one survey, in sentences."""
    wide = survey.frames.wide
    facts = [f"{survey.title} : {len(wide)} réponses."]
    if len(wide):
        first = pd.to_datetime(wide["submitted_at"]).min()
        last = pd.to_datetime(wide["submitted_at"]).max()
        # submitted_at is already Paris time (frames.py): its calendar day.
        facts.append(
            f"Réponses reçues du {french_date(first.date())} "
            f"au {french_date(last.date())}."
        )
    points = db.execute(
        """SELECT p.name, count(r.id) FROM collection_points p
           LEFT JOIN responses r ON r.point_id = p.id
           WHERE p.survey_id = ? GROUP BY p.id ORDER BY count(r.id) DESC""",
        [survey.id],
    ).fetchall()
    modes = db.execute(
        "SELECT mode, count(*) FROM responses WHERE survey_id = ? GROUP BY mode "
        "ORDER BY count(*) DESC",
        [survey.id],
    ).fetchall()
    for label, pairs in (
        ("Lieux de collecte", [(name, n) for name, n in points]),
        ("Modes de passation", [(MODES.get(m, m), n) for m, n in modes]),
    ):
        if pairs:
            facts.append(f"{label} : {counts_line(pairs, len(wide))}.")
    w = survey.weighting
    if w.applied:
        facts.append(
            f"Redressement sur {', '.join(w.variables)} (calage sur les marges du "
            f"portrait) ; taille d'échantillon effective {w.n_effective:.0f}."
        )
    elif w.error:
        facts.append(f"Résultats non redressés : {w.error}")
    else:
        facts.append("Résultats non redressés (aucune marge de population saisie).")
    return facts


def counts_line(pairs: list[tuple[str, int]], total: int) -> str:
    """ "Place (120), other place (< 5)…": counts under 5 and the counts that
    would give them back from the total hidden, as in every table
    (crosstabs.suppress)."""
    counts = pd.DataFrame(
        [[n for _, n in pairs] + [total]],
        columns=[*range(len(pairs)), "Total"],
    )
    shown = suppress(counts).iloc[0].tolist()
    return ", ".join(
        f"{name} ({count_text(value)})"
        for (name, _), value in zip(pairs, shown, strict=False)
    )


def survey_chapter(survey: LoadedSurvey, counter: list[int]) -> list:
    """Needs by theme: chart, table, word cloud and quotes per question."""
    blocks: list = [Heading(2, survey.title)]
    frames = survey.frames
    if not len(frames.wide):
        return blocks + [Paragraph("Aucune réponse pour l'instant.")]
    theme = None
    for key, summary in survey.summaries.items():
        if summary.theme == "profil":
            continue
        if summary.theme != theme:
            theme = summary.theme
            blocks.append(Heading(3, THEMES.get(theme, theme)))
        if not summary.n:
            continue
        if summary.type in CHOICE_TYPES:
            counter[0] += 1
            chart = summary_chart(summary)
            if chart:
                blocks.append(chart)
            blocks.append(summary_table(summary, str(counter[0])))
            other = f"{key}.autre"
            if other in frames.wide.columns:
                blocks += text_blocks(frames.wide[other], f"« Autre » : {summary.text}")
        elif summary.type == "number":
            s = summary.stats
            blocks.append(
                Paragraph(
                    f"{summary.text} — {summary.n} réponses ; médiane "
                    f"{s.get('median', '—')}, moyenne {s.get('mean', 0):.1f}."
                )
            )
        else:
            blocks += text_blocks(frames.wide[key], summary.text)
    return blocks


def text_blocks(
    column: pd.Series | list[str],
    title: str,
    *,
    speakers: str = "habitants",
    unit: str = "réponses libres",
    min_cloud: int = CLOUD_MIN_ANSWERS,
    quotes: int = 4,
) -> list:
    """Word cloud (with its words as alt text) and a few quotes. Below
    `min_cloud` answers the cloud is left out: three words as large as the
    page tell an élu less than the answers themselves, quoted."""
    texts = pd.Series(column).dropna().astype(str).tolist()
    if not texts:
        return []
    found = summarise_texts(texts, title=f"Mots employés : {title}")
    blocks: list = [Paragraph(f"{title} ({found.answered} {unit})", "lead")]
    if found.svg and len(found.terms) and found.answered >= min_cloud:
        words = ", ".join(
            f"{t} ({n})"
            for t, n in zip(found.terms["term"], found.terms["count"], strict=True)
        )
        blocks.append(Figure(found.svg, f"Nuage de mots : {words}", CLOUD_CM))
    if found.quotes and quotes:
        blocks.append(Paragraph(f"Paroles d'{speakers} :", "note"))
        blocks += [Paragraph(f"« {q} »", "quote") for q in found.quotes[:quotes]]
    return blocks


def _section_table(section, survey: LoadedSurvey, basis: str, kind: str):
    """A results-page section's table (rows already suppressed) as a Table."""
    if section.table is None:
        return None
    t = section.table
    return sources_as_notes(
        Table(
            caption=f"{t.caption} — {survey.title}",
            basis=basis,
            header=list(t.columns),
            rows=[[str(c) for c in row] for row in t.rows],
            notes=list(t.notes),
            source=(kind,),
        )
    )


def national_table(survey: LoadedSurvey) -> Table | None:
    """The results page's national comparison (suppressed rows left out)."""
    return _section_table(
        survey.national,
        survey,
        "Part des personnes ayant répondu ; verdict au regard de la marge.",
        "national",
    )


def priority_table(survey: LoadedSurvey) -> Table | None:
    """The results page's priority publics (groups under 5 left out)."""
    return _section_table(
        survey.priority,
        survey,
        "Groupes d'au moins 5 personnes concernées et 5 non concernées.",
        "priority",
    )


def largest_gaps(survey: LoadedSurvey, top: int = 3) -> list[str]:
    """Significant gaps with France, largest first, with their margins."""
    table = survey.comparison
    if table.empty:
        return []
    table = table[~table["suppressed"].astype(bool)]
    table = table[table["verdict"].str.startswith(("nettement", "un peu"))]
    table = table.reindex(table["difference"].abs().sort_values(ascending=False).index)
    lines = []
    for r in table.head(top).itertuples():
        weighted = not pd.isna(r.w_percent)
        local = r.w_percent if weighted else r.percent
        low, high = (r.w_ci_low, r.w_ci_high) if weighted else (r.ci_low, r.ci_high)
        group = f" ({r.group_label})" if isinstance(r.group_label, str) else ""
        lines.append(
            f"{r.label}{group} : {pct_text(local)} sur le territoire "
            f"(marge {ci_text(low, high)}, {r.n} personnes"
            + (", redressé" if weighted else "")
            + f") contre "
            f"{pct_text(r.national)} en France — {r.verdict}."
        )
    return lines


def priority_lines(survey: LoadedSurvey, top: int = 3) -> list[str]:
    table = priority_table(survey)
    if table is None:
        return []
    return [
        f"{row[0]} : {row[2]} (ensemble {row[4]}, {row[5]})" for row in table.rows[:top]
    ]


def uncovered_needs(survey: LoadedSurvey, top: int = 2) -> list[str]:
    """The most frequent answers to the questions on support needs."""
    lines = []
    for summary in survey.summaries.values():
        if summary.theme != "besoins" or summary.type not in CHOICE_TYPES:
            continue
        rows = [
            r
            for r in summary.table.to_dict("records")
            if not r["no_answer"]
            and not isinstance(r["percent"], str)
            and not pd.isna(r["percent"])
            # "Non, je me débrouille" is an answer, not a need.
            and not str(r["label"]).casefold().startswith("non")
        ]
        rows.sort(key=lambda r: -r["percent"])
        for r in rows[:top]:
            lines.append(f"{summary.text} — {r['label']} : {pct_text(r['percent'])}")
    return lines[: top * 2]


def questionnaire(survey: LoadedSurvey) -> Bullets:
    """The questions as asked, with their choices."""
    items = []
    for key in survey.frames.keys():
        q = survey.frames.question(key)
        choices = (
            [survey.frames.label(key, c) for c in survey.frames.codes(key)]
            if q["type"] in ("single", "scale", "multiple")
            else []
        )
        items.append(f"{q['text']}" + (f" ({' / '.join(choices)})" if choices else ""))
    return Bullets(items)
