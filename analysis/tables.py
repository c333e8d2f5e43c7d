"""What the results page shows, as display-ready blocks.

The statistics come from the core modules (summaries, crosstabs, national);
this module only formats them in French, draws their charts and picks what
may be shown (cross-tab cells under 5 people hidden, `crosstabs.display`).
"""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from markupsafe import Markup

from survey_app.surveys.model import CHOICE_TYPES, THEMES

from .charts import (
    Bar,
    Group,
    bar_chart,
    fr_number,
    fr_pct,
    paired_chart,
    stacked_chart,
)
from .crosstabs import MARKER, crosstab, priority_publics
from .frames import SurveyFrames
from .groups import GROUPINGS, GroupingError, group_series
from .national import compare_national
from .summaries import Summary, summarise
from .wordclouds import TextSummary, summarise_texts


@dataclass
class Row:
    label: str
    n: str
    pct: str
    ci: str
    weighted: str = ""


@dataclass
class Table:
    caption: str
    columns: list[str]
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)


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


def _pct(value: object) -> str:
    return "—" if value is None or pd.isna(value) else fr_pct(float(value))


def _ci(low: object, high: object) -> str:
    if pd.isna(low) or pd.isna(high):
        return "—"
    return f"{fr_number(float(low))} – {fr_number(float(high))}\u00a0%"


def _number(value: object, digits: int = 1) -> str:
    return "—" if value is None or pd.isna(value) else fr_number(float(value), digits)


def _choices_block(block: Block, summary: Summary) -> None:
    table = summary.table[~summary.table["no_answer"].astype(bool)]
    if summary.type == "commune":
        table = table[table["count"] > 0].head(15)
    block.rows = [
        Row(
            r.label,
            str(int(r.count)),
            _pct(r.percent),
            _ci(r.ci_low, r.ci_high),
            _pct(getattr(r, "w_percent", None)),
        )
        for r in table.itertuples()
    ]
    prefix = "w_" if summary.weighted else ""
    bars = [
        Bar(
            r["label"],
            r[f"{prefix}percent"],
            r[f"{prefix}ci_low"],
            r[f"{prefix}ci_high"],
            str(int(r["count"])),
        )
        for _, r in table.iterrows()
    ]
    kind = "redressés " if summary.weighted else ""
    block.svg = Markup(
        bar_chart(
            bars,
            title=summary.text,
            desc=f"Pourcentages {kind}sur {summary.n} réponses. "
            + " ; ".join(f"{b.label} : {_pct(b.value)}" for b in bars),
            ident=f"graph-{block.ident}",
        )
    )


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


def _text_block(block: Block, frames: SurveyFrames) -> None:
    texts = frames.wide[block.key].dropna().astype(str).tolist()
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
            elif block.kind == "number":
                _number_block(block, summary)
            else:
                _text_block(block, frames)
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
    shown = ct.display()
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
        name = "Ensemble" if g == "Total" else ct.group_labels.get(g, g)
        values = [percent.at[g, c] for c in codes]
        cells = [name, str(counts.at[g, "Total"]).removesuffix(".0")]
        cells += [
            _shown_pct(v, counts.at[g, c]) for v, c in zip(values, codes, strict=True)
        ]
        rows.append(cells)
        if g != "Total":
            numeric = [None if v == MARKER or pd.isna(v) else float(v) for v in values]
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
        "« < 5 » : moins de 5 personnes (ou chiffre qui permettrait de le "
        "retrouver), masqué pour que personne ne puisse être reconnu."
    ]
    if ct.without_group:
        notes.append(
            f"{ct.without_group} personne(s) sans réponse à « {ct.title} » "
            "ne sont pas comptées."
        )
    return Section(
        svg=Markup(svg),
        table=Table(
            caption=f"{title} (en % du groupe)",
            columns=["Groupe", "Personnes", *labels],
            rows=rows,
            notes=notes,
        ),
    )


def _shown_pct(value: object, count: object) -> str:
    if value == MARKER or count == MARKER:
        return MARKER
    if pd.isna(value):
        return "—"
    return f"{fr_pct(float(value))} ({int(float(count))})"


def priority_block(frames: SurveyFrames, top: int = 3) -> Section:
    """For each exclusion indicator, the most affected groups (never < 5)."""
    table = priority_publics(frames)
    if table.empty:
        return Section(
            message="Ajoutez au questionnaire des questions de profil (âge, genre…) "
            "et d'équipement ou de compétences pour repérer les publics prioritaires."
        )
    shown = table[~table["suppressed"].astype(bool)]
    shown = shown[shown["rank"] <= top]
    if shown.empty:
        return Section(
            message="Pas encore assez de réponses par groupe (5 au minimum)."
        )
    weighted = "w_percent" in shown.columns and shown["w_percent"].notna().any()
    prefix = "w_" if weighted else ""
    rows, bars = [], []
    for r in shown.itertuples():
        percent = getattr(r, f"{prefix}percent")
        rows.append(
            [
                f"{r.indicator_label} — {r.grouping_label} : {r.group_label}",
                str(int(r.n)),
                _pct(percent),
                _ci(getattr(r, f"{prefix}ci_low"), getattr(r, f"{prefix}ci_high")),
                _pct(r.overall_percent),
                f"{'+' if r.difference >= 0 else ''}{fr_number(r.difference)} pts",
            ]
        )
        if r.rank == 1:
            bars.append(
                Bar(
                    f"{r.indicator_label} — {r.group_label}",
                    percent,
                    getattr(r, f"{prefix}ci_low"),
                    getattr(r, f"{prefix}ci_high"),
                    f"{int(r.n)} pers.",
                )
            )
    svg = bar_chart(
        bars,
        title="Groupe le plus concerné, pour chaque indicateur",
        desc=" ; ".join(f"{b.label} : {_pct(b.value)}" for b in bars),
        ident="publics",
    )
    return Section(
        svg=Markup(svg),
        table=Table(
            caption=f"Les {top} groupes les plus concernés par indicateur",
            columns=["Indicateur et groupe", "Personnes", "Part", "Marge",
                     "Ensemble", "Écart"],
            rows=rows,
            notes=["Les groupes de moins de 5 personnes concernées (ou non "
                   "concernées) ne sont pas affichés."],
        ),
    )  # fmt: skip


def national_block(frames: SurveyFrames) -> Section:
    """Local figures (raw and re-weighted) next to the national ones."""
    table = compare_national(frames)
    if table.empty:
        return Section(
            message="Aucune question de ce questionnaire n'a d'équivalent national "
            "(questions de la banque : équipement, usages, démarches…)."
        )
    table = table[~table["suppressed"].astype(bool)]
    if table.empty:
        return Section(
            message="Pas encore assez de réponses pour comparer (5 au minimum)."
        )
    weighted = table["w_percent"].notna().any()
    series = ["Territoire (brut)"] + (["Territoire (redressé)"] if weighted else [])
    series.append("France")
    groups_, rows = [], []
    for r in table.itertuples():
        label = r.label + (
            f" — {r.group_label}" if isinstance(r.group_label, str) else ""
        )
        values = [r.percent] + ([r.w_percent] if weighted else []) + [r.national]
        groups_.append(Group(label, [None if pd.isna(v) else v for v in values]))
        source = f"{r.source} ({r.year})"
        rows.append(
            [label, str(int(r.n))] + [_pct(v) for v in values] + [r.verdict, source]
        )
    svg = paired_chart(
        groups_,
        series,
        title="Votre territoire et la France",
        desc=" ; ".join(
            f"{g.label} : "
            + ", ".join(f"{s} {_pct(v)}" for s, v in zip(series, g.values, strict=True))
            for g in groups_
        ),
        ident="national",
    )
    notes = [
        "Le verdict tient compte de la marge d'incertitude"
        + (" du chiffre redressé." if weighted else ".")
    ]
    if table["proxy"].any():
        notes.append(
            "« Illectronisme » est ici estimé à partir des réponses déclarées "
            "(indicateur approché), pas avec la méthode de l'INSEE."
        )
    return Section(
        svg=Markup(svg),
        table=Table(
            caption="Comparaison avec les chiffres nationaux",
            columns=["Indicateur", "Personnes", *series, "Verdict", "Source"],
            rows=rows,
            notes=notes,
        ),
    )


def effective_size_text(n: int, n_effective: float | None) -> str:
    if n_effective is None or np.isnan(n_effective):
        return ""
    return (
        "Taille d'échantillon effective après redressement : "
        f"{fr_number(n_effective)} (sur {n} réponses). Plus elle est faible, "
        "plus les marges d'erreur s'élargissent."
    )
