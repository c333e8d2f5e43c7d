"""What the results page shows, as display-ready blocks (see also sections.py).

The statistics come from the core modules (summaries, crosstabs, national);
this module only formats them in French, draws their charts and picks what
may be shown (cross-tab cells under 5 people hidden, `crosstabs.display`).
"""

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from markupsafe import Markup

from survey_app.surveys.contract import CHOICE_TYPES, THEMES

from .charts import (
    Bar,
    Group,
    bar_chart,
    fr_number,
    fr_pct,
    paired_chart,
    stacked_chart,
)
from .crosstabs import MARKER, MASKED, crosstab, suppress_summary
from .frames import NO_ANSWER, SurveyFrames
from .groups import GROUPINGS, GroupingError, group_series
from .summaries import Summary, summarise
from .wordclouds import TextSummary, summarise_texts


@dataclass
class Row:
    label: str
    n: str
    pct: str
    ci: str
    weighted: str = ""
    no_answer: bool = False  # "Sans réponse" / "Non concerné": not a share


@dataclass
class Table:
    caption: str
    columns: list[str]
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)
    text_columns: set[int] = field(default_factory=set)  # left-aligned, not figures


@dataclass
class Block:
    """One question on the results page."""

    key: str
    ident: str
    text: str
    kind: str  # choices | number | text
    answered: int
    theme_label: str = ""
    theme_changed: bool = False
    multiple: bool = False
    weighted: bool = False
    warning: str | None = None
    rows: list[Row] = field(default_factory=list)
    svg: Markup | None = None
    stats: list[tuple[str, str]] = field(default_factory=list)
    texts: TextSummary | None = None


@dataclass
class Section:
    """Cross-tab, priority publics or national comparison: chart + table."""

    message: str = ""
    svg: Markup | None = None
    table: Table | None = None


def pct_text(value: Any) -> str:
    return "—" if value is None or pd.isna(value) else fr_pct(float(value))


def ci_text(low: Any, high: Any) -> str:
    if pd.isna(low) or pd.isna(high):
        return "—"
    return f"{fr_number(float(low))} – {fr_number(float(high))}\u00a0%"


def _number(value: Any, digits: int = 1) -> str:
    return "—" if value is None or pd.isna(value) else fr_number(float(value), digits)


def _choices_block(block: Block, summary: Summary) -> None:
    # The page is shown to others: the same small-cell rule as the exports'
    # Synthèse (answers under 5 people and their complements hidden).
    masked = suppress_summary(summary)
    answers = ~summary.table["no_answer"].astype(bool)
    table = summary.table[answers]
    if summary.type == "commune":
        table = table[table["count"] > 0].head(15)
    block.rows = [_row(masked.loc[i]) for i in table.index]
    # Who was not counted: skipped, or never asked (show-if), apart.
    block.rows += [
        _row(masked.loc[i], no_answer=True)
        for i in summary.table.index[~answers]
        if summary.table.at[i, "count"] or summary.table.at[i, "label"] == NO_ANSWER
    ]
    table = masked.loc[table.index]
    prefix = "w_" if summary.weighted else ""
    bars = [
        Bar(
            r["label"],
            _shown(r[f"{prefix}percent"]),
            _shown(r[f"{prefix}ci_low"]),
            _shown(r[f"{prefix}ci_high"]),
            # A weighted % beside a raw count mixes two bases: no count then.
            "" if summary.weighted else _count_text(r["count"]),
        )
        for _, r in table.iterrows()
    ]
    kind = "redressés " if summary.weighted else ""
    block.svg = Markup(
        bar_chart(
            bars,
            title=summary.text,
            desc=f"Pourcentages {kind}sur {summary.n} réponses"
            + (
                f" (effectif efficace {fr_number(summary.n_effective, 0)}). "
                if summary.weighted and summary.n_effective
                else ". "
            )
            + " ; ".join(f"{b.label} : {pct_text(b.value)}" for b in bars),
            ident=f"graph-{block.ident}",
        )
    )


def _shown(value: Any) -> float | None:
    """A figure, or None where the small-cell rule hides it."""
    return None if isinstance(value, str) else value


def _count_text(value: Any) -> str:
    return value if isinstance(value, str) else str(int(value))


def _row(r: pd.Series, no_answer: bool = False) -> Row:
    """One line of a question's table, hidden figures as "< 5" / "masqué"."""
    if no_answer:  # not a share of the people who answered: count only
        return Row(r["label"], _count_text(r["count"]), "—", "—", "—", True)
    return Row(
        r["label"],
        _count_text(r["count"]),
        _masked_text(r["percent"], pct_text),
        _masked_text(r["ci_low"], lambda v: ci_text(v, r["ci_high"])),
        _masked_text(r.get("w_percent"), pct_text),
    )


def _masked_text(value: object, text) -> str:
    return value if isinstance(value, str) else text(value)


def _number_block(block: Block, summary: Summary) -> None:
    s = summary.stats
    block.stats = [
        ("Réponses", str(s.get("n", 0))),
        ("Moyenne", _number(s.get("mean"))),
        ("Médiane", _number(s.get("median"))),
        ("Minimum", _number(s.get("min"))),
        ("Maximum", _number(s.get("max"))),
    ]
    if "w_mean" in s:
        block.stats.append(("Moyenne redressée", _number(s["w_mean"])))


def _text_block(block: Block, frames: SurveyFrames, column: str) -> None:
    """Word cloud, terms and quotes of a text column (answers or "Autre")."""
    texts = frames.wide[column].dropna().astype(str).tolist()
    if not texts:
        return
    summary = summarise_texts(
        texts, ident=f"nuage-{block.ident}", title=f"Mots employés : {block.text}"
    )
    svg = Markup(summary.svg) if summary.svg else None
    block.texts = TextSummary(summary.answered, summary.terms, svg, summary.quotes)


def question_blocks(frames: SurveyFrames) -> list[Block]:
    """One block per question, in questionnaire order, themes marked."""
    blocks = []
    theme = None
    for position, key in enumerate(frames.keys()):
        summary = summarise(frames, key)
        kind = summary.type
        block = Block(
            key=key,
            ident=f"{position}-{key}".lower(),
            text=summary.text,
            kind="choices"
            if kind in CHOICE_TYPES or kind == "commune"
            else ("number" if kind == "number" else "text"),
            answered=summary.n,
            theme_label=THEMES.get(summary.theme, summary.theme),
            multiple=kind == "multiple",
            weighted=summary.weighted,
            warning=summary.warning,
        )
        block.theme_changed = block.theme_label != theme
        theme = block.theme_label
        if summary.n:
            if block.kind == "choices":
                _choices_block(block, summary)
                if f"{key}.autre" in frames.wide.columns:  # "Autre, précisez"
                    _text_block(block, frames, f"{key}.autre")
            elif block.kind == "number":
                _number_block(block, summary)
            else:
                _text_block(block, frames, key)
        blocks.append(block)
    return blocks


def groupings(frames: SurveyFrames) -> list[tuple[str, str]]:
    """(by, title) of every profile grouping this survey allows."""
    found = []
    sources = set()
    for by, (title, source) in GROUPINGS.items():
        try:
            group_series(frames, by)
        except GroupingError:
            continue
        found.append((by, title))
        sources.add(source)
    for key in frames.keys("single", "scale"):
        if frames.questions.at[key, "theme"] == "profil" and key not in sources:
            found.append((key, frames.questions.at[key, "text"]))
    return found


def crosstab_options(frames: SurveyFrames) -> dict[str, list[tuple[str, str]]]:
    """Questions that can be crossed, and the groupings to cross them by."""
    return {
        "questions": [
            (k, frames.questions.at[k, "text"])
            for k in frames.keys(*CHOICE_TYPES, "commune")
        ],
        "profiles": groupings(frames),
    }


def crosstab_block(frames: SurveyFrames, key: str, by: str) -> Section:
    """The chosen cross-tab as a chart and a table, small cells hidden."""
    options = crosstab_options(frames)
    if key not in dict(options["questions"]) or by not in dict(options["profiles"]):
        return Section(message="Choisissez une question et un profil dans les listes.")
    try:
        ct = crosstab(frames, key, by)
    except (GroupingError, ValueError) as error:
        return Section(message=str(error))
    # The page prints every overall count of the question above: the
    # cross-tab's "Ensemble" row is known to the reader (same people when
    # everyone has a group), and the audit takes it as such.
    shown = ct.display(known=total_row_known(ct))
    counts, percent = shown["counts"], shown["percent"]
    codes = [c for c in ct.percent.columns]
    groups_ = [g for g in counts.index if g != "Total"]
    if not groups_ or float(ct.counts.loc["Total", "Total"]) == 0:
        return Section(message="Personne n'a répondu aux deux questions.")
    labels = [ct.labels[c] for c in codes]
    multiple = frames.questions.at[key, "type"] == "multiple"
    q_text = frames.questions.at[key, "text"]
    title = f"{q_text} — selon : {ct.title}"
    rows, chart_groups = [], []
    for g in [*groups_, "Total"]:
        if g != "Total" and float(ct.counts.at[g, "Total"]) == 0:
            continue  # nobody in this group: nothing to show
        name = "Ensemble" if g == "Total" else ct.group_labels.get(g, g)
        values = [percent.at[g, c] for c in codes]
        cells = [name, str(counts.at[g, "Total"]).removesuffix(".0")]
        cells += [
            shown_pct_text(v, counts.at[g, c])
            for v, c in zip(values, codes, strict=True)
        ]
        rows.append(cells)
        if g != "Total":
            numeric = [
                None if isinstance(v, str) or pd.isna(v) else float(v) for v in values
            ]
            chart_groups.append(Group(name, numeric, f"{cells[1]} pers."))
    desc = (
        "Part de chaque réponse dans chaque groupe ; les effectifs de moins de "
        "5 personnes sont masqués."
    )
    if multiple:  # shares add up to more than 100: one bar per answer and group
        svg = paired_chart(
            [
                Group(label, [g.values[i] for g in chart_groups])
                for i, label in enumerate(labels)
            ],
            [g.label for g in chart_groups],
            title=title,
            desc=desc,
            ident="croisement",
        )
    else:
        svg = stacked_chart(
            chart_groups, labels, title=title, desc=desc, ident="croisement"
        )
    notes = [
        "« < 5 » : moins de 5 personnes, masqué pour que personne ne puisse "
        "être reconnu. « masqué » : chiffre caché parce qu'il permettrait, "
        "avec les totaux, de retrouver un chiffre « < 5 »."
    ]
    if ct.without_group:
        notes.append(
            f"{ct.without_group} personne(s) sans réponse à « {ct.title} » "
            "ne sont pas comptées."
        )
    return Section(
        svg=Markup(svg),
        table=Table(
            caption=f"{title} (en % du groupe, "
            + ("parts brutes, non redressées)" if ct.weighted else "parts brutes)"),
            columns=["Groupe", "Personnes", *labels],
            rows=rows,
            notes=notes,
        ),
    )


def total_row_known(ct) -> "np.ndarray | None":
    """The cross-tab's "Total" row as printed elsewhere on the page."""
    if ct.without_group:
        return None
    known = np.zeros(ct.counts.shape, dtype=bool)
    known[ct.counts.index.get_loc("Total")] = True
    return known


def shown_pct_text(value: Any, count: Any) -> str:
    if MARKER in (value, count):
        return MARKER
    if isinstance(value, str) or isinstance(count, str):
        return MASKED
    if pd.isna(value):
        return "—"
    return f"{fr_pct(float(value))} ({int(float(count))})"


def summary_table(blocks: list[Block], top: int = 3) -> Table:
    """One line per question: the summary view, a few pages when printed.

    Choice questions give their `top` most chosen answers with their
    share (the basis of the page: weighted when weighted), number
    questions their key figures, open questions their number of answers.
    """
    rows = []
    for block in blocks:
        if not block.answered:
            main = "Aucune réponse"
        elif block.kind == "choices":
            answers = [r for r in block.rows if not r.no_answer]
            ranked = sorted(answers, key=lambda r: -_as_int(r.n))[:top]
            main = " · ".join(
                f"{r.label} : {r.weighted if block.weighted else r.pct}" for r in ranked
            )
            if block.multiple:
                main += " (plusieurs réponses possibles)"
        elif block.kind == "number":
            main = " · ".join(f"{name} : {value}" for name, value in block.stats)
        else:
            main = "Réponses libres (voir la vue détaillée)"
        rows.append([block.text, str(block.answered), main])
    return Table(
        caption="Synthèse : les réponses les plus fréquentes de chaque question",
        columns=["Question", "Réponses", "Réponses les plus fréquentes (part)"],
        rows=rows,
        text_columns={2},
    )


def _as_int(text: str) -> int:
    return int(text) if text.isdigit() else 0
