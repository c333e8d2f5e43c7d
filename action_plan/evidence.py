"""Figures of the diagnostic that justify an action ("éléments de diagnostic").

A fiche stores references, never copies: `survey:<survey>:<question>:<code>`,
`national:<survey>:<figure>`, `indicator:<code>`, `card:<card id>`. They are
resolved each time the fiche is shown or exported, so the figure follows new
answers or a corrected portrait, and always says its source and basis. A
share resting on fewer than `MIN_COUNT` people is not shown (small cells
stay hidden everywhere).

The survey figures and the portrait's are cached (`evidence_cache.py`):
the fiche form opens without recomputing them.
"""

from typing import Any

import pandas as pd
import sqlite_utils

from analysis.frames import load_survey
from analysis.national import compare_national
from analysis.priority import priority_publics
from analysis.stats import MIN_COUNT
from analysis.summaries import summarise
from diagnostic.display import format_figure
from diagnostic.portrait import load_portrait
from facilitation.votes import totals

from .evidence_cache import cached, portrait_fingerprint, survey_fingerprint


def _percent(value: float) -> str:
    return f"{value:.1f}".replace(".", ",") + "\u00a0%"


def _survey_items(db, diagnostic_id: int, only: set[int] | None = None) -> list:
    items = []
    for survey in db.execute(
        "SELECT id, diagnostic_id, title, updated_at FROM surveys "
        "WHERE diagnostic_id = ? ORDER BY id",
        [diagnostic_id],
    ).fetchall():
        if only is not None and survey["id"] not in only:
            continue
        items.extend(_cached_survey(db, survey)["evidence"])
    return items


def survey_publics(db: sqlite_utils.Database, diagnostic_id: int) -> list[dict]:
    """The priority publics by age and gender of every survey (cached with
    the figures): [{"grouping": "age" | "genre", "group", "text"}]."""
    publics = []
    for survey in db.execute(
        "SELECT id, diagnostic_id, title, updated_at FROM surveys "
        "WHERE diagnostic_id = ? ORDER BY id",
        [diagnostic_id],
    ).fetchall():
        publics.extend(_cached_survey(db, survey)["publics"])
    return publics


def _cached_survey(db, survey: Any) -> dict[str, list[dict[str, Any]]]:
    return cached(
        db,
        f"survey:{survey['id']}",
        (survey["diagnostic_id"], survey["id"]),
        survey_fingerprint(db, survey),
        lambda: _compute_survey(db, survey),
    )


def _compute_survey(db, survey: Any) -> dict[str, list[dict[str, Any]]]:
    """{"evidence": figures a fiche may cite, "publics": priority publics}."""
    try:
        frames = load_survey(db, survey["id"])
    except KeyError:
        return {"evidence": [], "publics": []}
    if frames.wide.empty:
        return {"evidence": [], "publics": []}
    items = _national_items(survey, frames)
    for key in frames.keys("single", "multiple", "scale"):
        summary = summarise(frames, key)
        for row in summary.table.itertuples():
            if getattr(row, "no_answer", False):
                continue
            items.append(_survey_item(survey, summary, row))
    return {"evidence": items, "publics": _priority_publics(survey, frames)}


def _priority_publics(survey, frames) -> list[dict[str, Any]]:
    """For each indicator, the age band and the gender most affected, when
    clearly more affected than everyone (the group's whole 95 % interval is
    above the overall share) and never resting on fewer than 5 people;
    largest gaps first."""
    table = priority_publics(frames, groups=("age", "genre"))
    if table.empty:
        return []
    weighted = bool(table["weighted"].any())
    share, low = ("w_percent", "w_ci_low") if weighted else ("percent", "ci_low")
    table = table[
        ~table["suppressed"].astype(bool) & (table[low] > table["overall_percent"])
    ]
    publics = []
    for (_, grouping), rows in table.groupby(["indicator", "grouping"], sort=False):
        top = rows.sort_values([share, "n"], ascending=False).iloc[0]
        publics.append(
            {
                "grouping": grouping,
                "group": str(top["group"]),
                "gap": float(top["difference"]),
                "text": (
                    f"{top['group_label']} : {_percent(top[share])} "
                    f"« {top['indicator_label']} » contre "
                    f"{_percent(top['overall_percent'])} pour l'ensemble "
                    f"({int(top['n'])} personnes, questionnaire "
                    f"« {survey['title']} »" + (", pondéré)" if weighted else ")")
                ),
            }
        )
    return sorted(publics, key=lambda p: -p["gap"])


def _survey_item(survey, summary, row) -> dict[str, Any]:
    ref = f"survey:{survey['id']}:{summary.key}:{row.code}"
    base = (
        f"« {row.label} » à la question « {summary.text} » "
        f"(questionnaire « {survey['title']} »)"
    )
    if row.count < MIN_COUNT:
        text = (
            f"{base} : moins de {MIN_COUNT} personnes, effectif trop faible "
            "pour être publié."
        )
    else:
        weighted = summary.weighted and hasattr(row, "w_percent")
        pct, low, high = (
            (row.w_percent, row.w_ci_low, row.w_ci_high)
            if weighted
            else (row.percent, row.ci_low, row.ci_high)
        )
        basis = "pondéré" if weighted else "brut"
        text = (
            f"{_percent(pct)} (intervalle de confiance à 95 % : "
            f"{_percent(low)} – {_percent(high)}) des {summary.n} personnes "
            f"ayant répondu : {base} ; résultat {basis}."
        )
        if summary.warning:
            text += f" {summary.warning}"
    return {"ref": ref, "group": "Questionnaires", "text": text}


def _national_items(survey, frames) -> list[dict[str, Any]]:
    """Local shares set against France's (analysis.national), whole sample."""
    items = []
    for row in compare_national(frames).itertuples():
        if row.grouping is not None and row.grouping == row.grouping:
            continue  # by age band etc.: the whole sample is enough here
        ref = f"national:{survey['id']}:{row.id}"
        base = f"{row.label} (questionnaire « {survey['title']} », {row.basis})"
        if row.suppressed:
            text = f"{base} : effectif trop faible pour être publié."
        else:
            weighted = row.w_percent == row.w_percent
            pct, low, high = (
                (row.w_percent, row.w_ci_low, row.w_ci_high)
                if weighted
                else (row.percent, row.ci_low, row.ci_high)
            )
            text = (
                f"{base} : {_percent(pct)} (intervalle de confiance à 95 % : "
                f"{_percent(low)} – {_percent(high)}, {row.n} personnes, "
                f"{'pondéré' if weighted else 'brut'}) ; France : "
                f"{_percent(row.national)} ({row.source}, {row.year}) — "
                f"{row.verdict}."
            )
        items.append({"ref": ref, "group": "Comparaison nationale", "text": text})
    return items


def _indicator_items(db, diagnostic_id: int) -> list[dict[str, Any]]:
    return cached(
        db,
        f"portrait:{diagnostic_id}",
        (diagnostic_id, None),
        portrait_fingerprint(db, diagnostic_id),
        lambda: _compute_indicator_items(db, diagnostic_id),
    )


def _compute_indicator_items(db, diagnostic_id: int) -> list[dict[str, Any]]:
    territory = load_portrait(db, diagnostic_id)["territory"]
    items = []
    for row in territory.itertuples():
        national = ""
        if row.national is not None and not pd.isna(row.national):
            national = f" ; France : {format_figure(row.national, row.unit)}"
        items.append(
            {
                "ref": f"indicator:{row.indicator}",
                "group": "Portrait du territoire",
                "text": (
                    f"{row.label} : {format_figure(row.value, row.unit)} "
                    f"({row.basis}, {row.communes} commune(s) sur {row.of}{national})"
                    f" — source : {', '.join(row.sources)}."
                ),
            }
        )
    return items


def _card_items(db, diagnostic_id: int) -> list[dict[str, Any]]:
    items = []
    activities = db.execute(
        """SELECT a.id, a.title, w.title AS workshop FROM workshop_activities a
           JOIN workshops w ON w.id = a.workshop_id WHERE w.diagnostic_id = ?
           AND EXISTS (SELECT 1 FROM workshop_votes v WHERE v.activity_id = a.id)""",
        [diagnostic_id],
    ).fetchall()
    for activity in activities:
        dots = totals(db, activity["id"])
        for card_id, count in sorted(dots.items(), key=lambda kv: -kv[1]):
            card = db.execute(
                "SELECT text FROM workshop_cards WHERE id = ? AND status = 'visible'",
                [card_id],
            ).fetchone()
            if card:
                items.append(
                    {
                        "ref": f"card:{card_id}",
                        "group": "Ateliers",
                        "text": (
                            f"« {card['text']} » : {count} gommette(s) à l'atelier "
                            f"« {activity['workshop']} » ({activity['title']})."
                        ),
                    }
                )
    return items


def evidence_options(db: sqlite_utils.Database, diagnostic_id: int) -> list[dict]:
    """Every figure the conseiller may pick: ref, group, text (with source)."""
    return [
        *_indicator_items(db, diagnostic_id),
        *_survey_items(db, diagnostic_id),
        *_card_items(db, diagnostic_id),
    ]


def resolve(db: sqlite_utils.Database, diagnostic_id: int, refs: list[str]) -> list:
    """The chosen references as {ref, group, text}, in the order chosen; a
    reference whose figure no longer exists says so instead of vanishing."""
    if not refs:
        return []
    # Only what the refs need: summarising every survey took seconds.
    kinds = {ref.split(":", 1)[0] for ref in refs}
    surveys = {int(ref.split(":")[1]) for ref in refs
               if ref.split(":")[0] in ("survey", "national")
               and ref.split(":")[1].isdigit()}  # fmt: skip
    items = []
    if "indicator" in kinds:
        items += _indicator_items(db, diagnostic_id)
    if surveys:
        items += _survey_items(db, diagnostic_id, surveys)
    if "card" in kinds:
        items += _card_items(db, diagnostic_id)
    known = {item["ref"]: item for item in items}
    gone = "Élément retiré du diagnostic (questionnaire, indicateur ou carte supprimé)."
    return [known.get(ref, {"ref": ref, "group": "", "text": gone}) for ref in refs]
