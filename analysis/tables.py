"""What the results page and the workbooks show, as display-ready blocks.

This module turns the statistics (summaries, cross-tabs, national
comparison) into rows of formatted French figures, SVG charts and export
sheets, so that the page and the files always show the same numbers.
"""

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from markupsafe import Markup

from survey_app.surveys.model import CHOICE_TYPES, THEMES

from .charts import Bar, Group, bar_chart, fr_number, fr_pct, stacked_chart
from .filters import profile_keys
from .frames import SurveyFrames
from .wordclouds import TextSummary, summarise_texts

SMALL_CELL = 5  # fewer people than this: the figure is not shown


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
    weighting: str = ""


def wilson(k: float, n: float, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval of k successes out of n, in percent."""
    if n <= 0:
        return (math.nan, math.nan)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (100 * max(0.0, centre - half), 100 * min(1.0, centre + half))


def is_weighted(frames: SurveyFrames) -> bool:
    weights = frames.wide["weight"]
    return bool(len(weights)) and not (weights == 1.0).all()


def choice_stats(frames: SurveyFrames, key: str) -> pd.DataFrame:
    """Per choice: code, label, n, pct, low, high, weighted_pct (percent)."""
    wide = frames.wide
    answered = frames.answered(key)
    n = int(answered.sum())
    weights = wide["weight"]
    total_weight = float(weights[answered].sum())
    rows = []
    for code in frames.codes(key):
        if frames.questions.at[key, "type"] == "multiple":
            column = f"{key}:{code}"
            chosen = (
                wide[column].fillna(False).to_numpy(bool) if column in wide else None
            )
        else:
            chosen = (wide[key].astype("object") == code).fillna(False).to_numpy(bool)
        if chosen is None:
            continue
        k = int(chosen.sum())
        low, high = wilson(k, n)
        rows.append(
            {
                "code": code,
                "label": frames.label(key, code),
                "n": k,
                "pct": 100 * k / n if n else math.nan,
                "low": low,
                "high": high,
                "weighted_pct": 100 * float(weights[chosen].sum()) / total_weight
                if total_weight
                else math.nan,
            }
        )
    columns = ["code", "label", "n", "pct", "low", "high", "weighted_pct"]
    return pd.DataFrame(rows, columns=columns)


def _pct(value: float) -> str:
    return "—" if value is None or pd.isna(value) else fr_pct(value)


def _block(frames: SurveyFrames, key: str, position: int) -> Block:
    q = frames.question(key)
    answered = int(frames.answered(key).sum())
    kind = q["type"]
    block = Block(
        key=key,
        ident=f"{position}-{key}".lower(),
        text=q["text"],
        kind="choices"
        if kind in CHOICE_TYPES or kind == "commune"
        else ("number" if kind == "number" else "text"),
        answered=answered,
        theme_label=THEMES.get(q["theme"], q["theme"]),
        multiple=kind == "multiple",
        weighted=is_weighted(frames),
    )
    if not answered:
        return block
    if block.kind == "choices":
        stats = choice_stats(frames, key)
        if kind == "commune":
            stats = stats[stats["n"] > 0].sort_values("n", ascending=False).head(15)
        block.rows = [
            Row(
                r.label,
                str(r.n),
                _pct(r.pct),
                f"{fr_number(r.low)} – {fr_number(r.high)}{chr(160)}%",
                _pct(r.weighted_pct),
            )
            for r in stats.itertuples()
        ]
        block.svg = Markup(
            bar_chart(
                [
                    Bar(r.label, r.pct, r.low, r.high, f"{r.n}")
                    for r in stats.itertuples()
                ],
                title=q["text"],
                desc=f"{answered} réponses. "
                + " ; ".join(f"{r.label} : {_pct(r.pct)}" for r in stats.itertuples()),
                ident=f"graph-{block.ident}",
            )
        )
    elif block.kind == "number":
        values = frames.wide[key].dropna()
        block.stats = [
            ("Réponses", str(len(values))),
            ("Moyenne", fr_number(values.mean(), 1)),
            ("Médiane", fr_number(values.median(), 1)),
            ("Minimum", fr_number(values.min(), 1)),
            ("Maximum", fr_number(values.max(), 1)),
        ]
    else:
        texts = frames.wide[key].dropna().astype(str).tolist()
        block.texts = summarise_texts(
            texts, ident=f"nuage-{block.ident}", title=f"Mots employés : {q['text']}"
        )
        if block.texts.svg:
            block.texts = TextSummary(
                block.texts.answered,
                block.texts.terms,
                Markup(block.texts.svg),
                block.texts.quotes,
            )
    return block


def question_blocks(frames: SurveyFrames) -> list[Block]:
    """One block per question, in questionnaire order, themes marked."""
    blocks = []
    theme = None
    for position, key in enumerate(frames.keys()):
        block = _block(frames, key, position)
        block.theme_changed = block.theme_label != theme
        theme = block.theme_label
        blocks.append(block)
    return blocks


def crosstab_options(frames: SurveyFrames) -> dict[str, list[tuple[str, str]]]:
    """Questions that can be crossed, and the profile questions to cross by."""
    return {
        "questions": [
            (k, frames.questions.at[k, "text"]) for k in frames.keys(*CHOICE_TYPES)
        ],
        "profiles": [(k, frames.questions.at[k, "text"]) for k in profile_keys(frames)],
    }


def crosstab_table(frames: SurveyFrames, key: str, by: str) -> pd.DataFrame:
    """Rows = groups of `by`, columns = answers of `key`: counts and percents.

    Columns: group, n (group size), then per answer code `n:code` and
    `pct:code`; groups under SMALL_CELL people and cells under SMALL_CELL
    are set to NA so no one can be singled out.
    """
    rows = []
    group_codes = frames.codes(by)
    for group in group_codes:
        in_group = (
            (frames.wide[by].astype("object") == group).fillna(False).to_numpy(bool)
        )
        sub = frames.wide[in_group]
        import dataclasses

        part = choice_stats(dataclasses.replace(frames, wide=sub), key)
        n = int(frames.answered(key)[in_group].sum())
        row: dict[str, Any] = {"group": frames.label(by, group), "n": n}
        for r in part.itertuples():
            hide = n < SMALL_CELL or r.n < SMALL_CELL
            row[f"n:{r.code}"] = pd.NA if hide else r.n
            row[f"pct:{r.code}"] = pd.NA if hide else r.pct
        if n < SMALL_CELL:
            row["n"] = pd.NA
        rows.append(row)
    return pd.DataFrame(rows)


def crosstab_block(frames: SurveyFrames, key: str, by: str) -> Section:
    """The chosen cross-tab as a stacked chart and a table (small cells hidden)."""
    options = crosstab_options(frames)
    if key not in dict(options["questions"]) or by not in dict(options["profiles"]):
        return Section(message="Choisissez une question et un profil dans les listes.")
    if key == by:
        return Section(message="Choisissez deux questions différentes.")
    table = crosstab_table(frames, key, by)
    codes = frames.codes(key)
    labels = [frames.label(key, c) for c in codes]
    if table.empty or table["n"].isna().all():
        return Section(
            message="Pas assez de réponses pour ce croisement "
            "(moins de 5 personnes par groupe)."
        )
    groups = [
        Group(
            row["group"],
            [None if pd.isna(row.get(f"pct:{c}")) else row[f"pct:{c}"] for c in codes],
            "" if pd.isna(row["n"]) else f"{row['n']} pers.",
        )
        for _, row in table.iterrows()
    ]
    q_text = frames.questions.at[key, "text"]
    by_text = frames.questions.at[by, "text"]
    svg = Markup(
        stacked_chart(
            groups,
            labels,
            title=f"{q_text} — selon : {by_text}",
            desc="Répartition des réponses par groupe ; les groupes de moins de "
            "5 personnes ne sont pas affichés.",
            ident="croisement",
        )
    )
    rows = []
    for _, row in table.iterrows():
        cells = [row["group"], "moins de 5" if pd.isna(row["n"]) else str(row["n"])]
        for c in codes:
            value = row.get(f"pct:{c}")
            cells.append("masqué" if pd.isna(value) else fr_pct(value))
        rows.append(cells)
    return Section(
        svg=svg,
        table=Table(
            caption=f"{q_text} — selon : {by_text} (en % du groupe)",
            columns=["Groupe", "Personnes", *labels],
            rows=rows,
            notes=[
                "« masqué » : moins de 5 personnes, pour que personne ne puisse "
                "être reconnu."
            ],
        ),
    )


def priority_block(frames: SurveyFrames) -> Section:
    return Section(message="Le calcul des publics prioritaires arrive bientôt.")


def national_block(frames: SurveyFrames) -> Section:
    return Section(message="La comparaison nationale arrive bientôt.")


def summary_sheet(frames: SurveyFrames) -> pd.DataFrame:
    """Synthèse sheet: one row per (question, answer) with n, % and CI."""
    parts = []
    for key in frames.keys(*CHOICE_TYPES):
        stats = choice_stats(frames, key)
        stats.insert(0, "Question", key)
        stats.insert(1, "Intitulé", frames.questions.at[key, "text"])
        stats.insert(2, "Répondants", int(frames.answered(key).sum()))
        parts.append(stats)
    columns = {
        "code": "Code",
        "label": "Réponse",
        "n": "Personnes",
        "pct": "Part (%)",
        "low": "IC 95 % bas",
        "high": "IC 95 % haut",
        "weighted_pct": "Part redressée (%)",
    }
    if not parts:
        return pd.DataFrame(
            columns=["Question", "Intitulé", "Répondants", *columns.values()]
        )
    return pd.concat(parts, ignore_index=True).rename(columns=columns).round(1)


def crosstab_sheet(frames: SurveyFrames) -> pd.DataFrame:
    """Every choice question by every profile question, small cells hidden."""
    parts = []
    profiles = profile_keys(frames)
    for by in profiles:
        for key in frames.keys(*CHOICE_TYPES):
            if key == by:
                continue
            table = crosstab_table(frames, key, by)
            for _, row in table.iterrows():
                for code in frames.codes(key):
                    parts.append(
                        {
                            "Selon": by,
                            "Groupe": row["group"],
                            "Question": key,
                            "Réponse": frames.label(key, code),
                            "Personnes du groupe": row["n"],
                            "Personnes": row.get(f"n:{code}", pd.NA),
                            "Part (%)": row.get(f"pct:{code}", pd.NA),
                        }
                    )
    columns = ["Selon", "Groupe", "Question", "Réponse", "Personnes du groupe"]
    frame = pd.DataFrame(parts, columns=[*columns, "Personnes", "Part (%)"])
    frame["Part (%)"] = pd.to_numeric(frame["Part (%)"]).round(1)
    return frame


def national_sheet(frames: SurveyFrames) -> pd.DataFrame:
    return pd.DataFrame(
        columns=["Indicateur", "Territoire (%)", "France (%)", "Source"]
    )
