"""Exports at any time: CSV/XLSX of cards and votes, board data for printing,
a Markdown/HTML summary (board images and word cloud: `images.py`).

Exports show what the board shows: hidden and deleted cards are left out of
the board, the images and the summary (Decidim #4248: exports must not
publish moderated content); the CSV/XLSX keep hidden cards with their
status for the facilitator's own records, never deleted ones.
User text is escaped in every format: XML escaping in SVG and HTML,
backslash escaping in Markdown, formula neutralising in CSV/XLSX.
"""

import csv
import io
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import sqlite_utils
from markupsafe import escape as html_escape

from analysis.cells import clean_text as clean_cell
from analysis.xlsx import write_sheets_xlsx
from survey_app.dates import MONTHS, PARIS, paris

from .boards import PHASE_LABELS, list_activities
from .cards import CARD_SQL, card_dict
from .matrix import results as matrix_results
from .matrix_svg import matrix_svg
from .small_groups import list_tables
from .votes import roots, totals
from .workshops import get_workshop

STATUS_LABELS = {
    "pending": "en attente",
    "visible": "visible",
    "hidden": "masquée",
    "deleted": "supprimée",
}


def neutralise(value: Any) -> Any:
    """A cell a spreadsheet will not run as a formula, XML-safe, not too long
    (the analysis exports' rule, `analysis.cells.clean_text`)."""
    return clean_cell(value) if isinstance(value, str) else value


def paris_time(stamp: str) -> datetime:
    """A stored UTC stamp ("2026-11-26T08:00:00Z") as a naive Paris time,
    which is what a spreadsheet shows and a person reads."""
    return paris(stamp).replace(tzinfo=None)


def french_date(moment: datetime, with_time: bool = False) -> str:
    """ "1er décembre 2026", or "25 novembre 2026 à 9 h 05"."""
    day = "1er" if moment.day == 1 else str(moment.day)
    text = f"{day} {MONTHS[moment.month - 1]} {moment.year}"
    return f"{text} à {moment.hour} h {moment.minute:02d}" if with_time else text


def dots_label(count: int) -> str:
    """ "1 gommette", "3 gommettes" (French: 0 and 1 are singular)."""
    return f"{count} gommette" + ("s" if count > 1 else "")


def _author(card: dict[str, Any]) -> str:
    return card["author_name"] or "Anonyme"


def _board_cards(db, activity: dict[str, Any], names: bool) -> list[dict[str, Any]]:
    rows = db.execute(
        CARD_SQL + " WHERE c.activity_id = ? ORDER BY c.id", [activity["id"]]
    )
    return [card_dict(row, names) for row in rows]


def board_data(db: sqlite_utils.Database, workshop_id: int) -> dict[str, Any]:
    """Everything to print or draw the boards, one entry per activity.

    `activities[i]["columns"]` = [{key, label, cards}] with only visible,
    top-level cards, each with `votes` (dots, merged cards included) and
    `merged` (the cards grouped under it). Dot-vote activities list the
    source's cards ranked by votes in a single column.

    :raise WorkshopError 404: unknown workshop.
    """
    workshop = get_workshop(db, workshop_id)
    names = workshop["settings"]["show_names"]
    table_names = {t["id"]: t["name"] for t in list_tables(db, workshop_id)}
    activities = []
    by_id = {a["id"]: a for a in list_activities(db, workshop_id)}
    for activity in by_id.values():
        source = by_id.get(activity["vote_activity_id"], activity)
        dots = totals(db, activity["id"])
        cards = [c for c in _board_cards(db, source, names) if c["status"] == "visible"]
        top = [c for c in cards if not c["merged_into"]]
        mapping = roots(db, source["id"])
        for card in cards:
            card["table_name"] = table_names.get(card["table_id"], "")
            card["votes"] = dots.get(card["id"], 0)
            card["merged"] = [
                c for c in cards if c["merged_into"] and mapping[c["id"]] == card["id"]
            ]
        if activity["kind"] == "matrix":
            columns = []  # its items and means: `matrix` below
        elif activity["kind"] == "dots":
            ranked = sorted(top, key=lambda c: (-c["votes"], c["id"]))
            columns = [
                {"key": "vote", "label": "Cartes par gommettes", "cards": ranked}
            ]
        else:
            columns = [
                {**column, "cards": [c for c in top if c["column"] == column["key"]]}
                for column in activity["columns"]
            ]
        activities.append(
            {
                **activity,
                "phase_label": PHASE_LABELS[activity["phase"]],
                "columns": columns,
                "has_votes": bool(dots),
                "matrix": matrix_results(db, activity)
                if activity["kind"] == "matrix"
                else None,
            }
        )
    return {"workshop": workshop, "activities": activities}


# --- spreadsheets ----------------------------------------------------------

CARD_HEADERS = [
    "Activité",
    "Modèle",
    "Colonne",
    "Table",
    "Texte",
    "Auteur",
    "État",
    "Regroupée avec la carte",
    "Gommettes",
    "Carte n°",
    "Écrite le",
]
VOTE_HEADERS = ["Vote", "Carte n°", "Texte de la carte", "Participant", "Gommettes"]


def card_rows(db: sqlite_utils.Database, workshop_id: int) -> list[list[Any]]:
    workshop = get_workshop(db, workshop_id)
    names = workshop["settings"]["show_names"]
    table_names = {t["id"]: t["name"] for t in list_tables(db, workshop_id)}
    rows = []
    activities = list_activities(db, workshop_id)
    votes: dict[int, int] = {}
    for activity in activities:
        for card_id, n in totals(db, activity["id"]).items():
            votes[card_id] = votes.get(card_id, 0) + n
    for activity in activities:
        labels = {c["key"]: c["label"] for c in activity["columns"]}
        for card in _board_cards(db, activity, names):
            if card["status"] == "deleted":
                continue
            rows.append(
                [
                    activity["title"],
                    activity["template_label"],
                    labels.get(card["column"], card["column"]),
                    table_names.get(card["table_id"], ""),
                    card["text"],
                    _author(card),
                    STATUS_LABELS[card["status"]],
                    card["merged_into"] or "",
                    votes.get(card["id"], 0),
                    card["id"],
                    paris_time(card["created_at"]),
                ]
            )
    return rows


def vote_rows(db: sqlite_utils.Database, workshop_id: int) -> list[list[Any]]:
    """One row per participant and card; participants are numbered, and
    named only if they chose a name and names are shown."""
    show = get_workshop(db, workshop_id)["settings"]["show_names"]
    result = db.execute(
        """SELECT a.title, v.card_id, c.text, p.id AS pid, p.display_name, v.count
           FROM workshop_votes v
           JOIN workshop_activities a ON a.id = v.activity_id
           JOIN workshop_cards c ON c.id = v.card_id
           JOIN workshop_participants p ON p.id = v.participant_id
           WHERE a.workshop_id = ? ORDER BY a.position, v.card_id, p.id""",
        [workshop_id],
    )
    return [
        [
            row["title"],
            row["card_id"],
            row["text"],
            (show and row["display_name"]) or f"Participant n°{row['pid']}",
            row["count"],
        ]
        for row in result
    ]


def _csv_cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")  # as the survey CSV
    return neutralise(value)


def _csv(headers: list[str], rows: list[list[Any]]) -> str:
    """`;`-separated, UTF-8 with BOM, dd/mm/yyyy Paris times: what French
    Excel opens right."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";")
    writer.writerow(headers)
    writer.writerows([_csv_cell(v) for v in row] for row in rows)
    return out.getvalue()


PLACEMENT_HEADERS = ["Matrice", "Élément", "Participant", "Impact", "Faisabilité"]


def placement_rows(db: sqlite_utils.Database, workshop_id: int) -> list[list[Any]]:
    """One row per participant and item placed on a matrix (levels 1–4)."""
    show = get_workshop(db, workshop_id)["settings"]["show_names"]
    rows = []
    for activity in list_activities(db, workshop_id):
        if activity["kind"] != "matrix":
            continue
        labels = {i["key"]: i["label"] for i in matrix_results(db, activity)}
        for row in db.execute(
            """SELECT l.item_key, l.impact, l.feasibility, p.id AS pid,
                      p.display_name FROM workshop_placements l
               JOIN workshop_participants p ON p.id = l.participant_id
               WHERE l.activity_id = ? ORDER BY l.item_key, p.id""",
            [activity["id"]],
        ):
            rows.append(
                [
                    activity["title"],
                    labels.get(row["item_key"], row["item_key"]),
                    (show and row["display_name"]) or f"Participant n°{row['pid']}",
                    row["impact"],
                    row["feasibility"],
                ]
            )
    return rows


def placements_csv(db: sqlite_utils.Database, workshop_id: int) -> str:
    return _csv(PLACEMENT_HEADERS, placement_rows(db, workshop_id))


def cards_csv(db: sqlite_utils.Database, workshop_id: int) -> str:
    return _csv(CARD_HEADERS, card_rows(db, workshop_id))


def votes_csv(db: sqlite_utils.Database, workshop_id: int) -> str:
    return _csv(VOTE_HEADERS, vote_rows(db, workshop_id))


def workbook_xlsx(db: sqlite_utils.Database, workshop_id: int) -> bytes:
    """Sheets Cartes, Gommettes (and Matrices if any), written like the survey exports
    (`analysis.xlsx`: formulas neutralised, header row frozen)."""
    sheets = [
        ("Cartes", pd.DataFrame(card_rows(db, workshop_id), columns=CARD_HEADERS)),
        (
            "Gommettes",
            pd.DataFrame(vote_rows(db, workshop_id), columns=VOTE_HEADERS),
        ),
    ]
    placed = placement_rows(db, workshop_id)
    if placed:
        sheets.append(("Matrices", pd.DataFrame(placed, columns=PLACEMENT_HEADERS)))
    buffer = io.BytesIO()
    write_sheets_xlsx(sheets, buffer)
    return buffer.getvalue()


# --- summary for the diagnostic report -----------------------------------


def _md(text: Any) -> str:
    """Markdown-safe: no HTML tags, no emphasis, links or tables from users."""
    text = " ".join(str(text).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for char in "\\`*_[]|~":
        text = text.replace(char, "\\" + char)
    return text


def _dots(activity: dict[str, Any], card: dict[str, Any]) -> str:
    return f" ({dots_label(card['votes'])})" if activity["has_votes"] else ""


def _as_of(at: datetime | None) -> str:
    """When the summary was made, in Paris time, for its reader."""
    moment = (at or datetime.now(UTC)).astimezone(PARIS)
    return f"Synthèse du {french_date(moment, with_time=True)} (heure de Paris)."


def decimal(value: float | None) -> str:
    """ "3,5" (French decimal comma), "–" when nobody placed the item."""
    return "–" if value is None else f"{value:.1f}".replace(".", ",")


MATRIX_HEADERS = ("N°", "Élément", "Participants", "Impact (1 à 4)",
                  "Faisabilité (1 à 4)", "Position")  # fmt: skip


def _matrix_lines(rows: list[dict[str, Any]]) -> list[list[str]]:
    """Table rows: numbered like the drawing's dots (placed items only)."""
    table, number = [], 0
    for row in rows:
        number += 1 if row["count"] else 0
        table.append(
            [
                str(number) if row["count"] else "",
                row["label"],
                str(row["count"]),
                decimal(row["impact"]),
                decimal(row["feasibility"]),
                row.get("quadrant", "Pas encore placé"),
            ]
        )
    return table


def matrix_markdown(rows: list[dict[str, Any]]) -> list[str]:
    lines = ["| " + " | ".join(MATRIX_HEADERS) + " |",
             "|" + "---|" * len(MATRIX_HEADERS)]  # fmt: skip
    for cells in _matrix_lines(rows):
        lines.append("| " + " | ".join(_md(c) if c else c for c in cells) + " |")
    return [*lines, ""]


def matrix_html(rows: list[dict[str, Any]], title: str) -> str:
    """The drawing and its table (the accessible version), escaped."""
    e = html_escape
    head = "".join(f'<th scope="col">{e(h)}</th>' for h in MATRIX_HEADERS)
    body = "".join(
        "<tr>" + "".join(f"<td>{e(c)}</td>" for c in cells) + "</tr>"
        for cells in _matrix_lines(rows)
    )
    return (
        f'<figure class="matrix">{matrix_svg(rows, title)}</figure>'
        f"<table><caption>{e(title)} : moyenne des positions données par les "
        f"participants</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def summary_markdown(
    db: sqlite_utils.Database, workshop_id: int, at: datetime | None = None
) -> str:
    """The workshop in Markdown, ready to paste into the diagnostic report."""
    data = board_data(db, workshop_id)
    lines = [f"# Atelier : {_md(data['workshop']['title'])}", "", _as_of(at), ""]
    for activity in data["activities"]:
        lines += [f"## {_md(activity['title'])} ({activity['template_label']})", ""]
        if activity["config"].get("target"):
            lines += [f"Public : {_md(activity['config']['target'])}", ""]
        if activity["matrix"] is not None:
            lines += matrix_markdown(activity["matrix"])
        for column in activity["columns"]:
            lines += [f"### {_md(column['label'])}", ""]
            if not column["cards"]:
                lines += ["_Aucune carte._", ""]
                continue
            for card in column["cards"]:
                dots = _dots(activity, card)
                lines.append(f"- {_md(card['text'])}{dots}")
                lines += [f"  - {_md(c['text'])}" for c in card["merged"]]
            lines.append("")
    return "\n".join(lines)


def summary_html(
    db: sqlite_utils.Database, workshop_id: int, at: datetime | None = None
) -> str:
    """The same summary as an HTML fragment (every user text escaped)."""
    data = board_data(db, workshop_id)
    e = html_escape
    parts = [
        f"<h1>Atelier : {e(data['workshop']['title'])}</h1>",
        f"<p>{e(_as_of(at))}</p>",
    ]
    for activity in data["activities"]:
        parts.append(
            f"<h2>{e(activity['title'])} ({e(activity['template_label'])})</h2>"
        )
        if activity["config"].get("target"):
            parts.append(f"<p>Public : {e(activity['config']['target'])}</p>")
        if activity["matrix"] is not None:
            parts.append(matrix_html(activity["matrix"], activity["title"]))
        for column in activity["columns"]:
            parts.append(f"<h3>{e(column['label'])}</h3>")
            if not column["cards"]:
                parts.append("<p>Aucune carte.</p>")
                continue
            parts.append("<ul>")
            for card in column["cards"]:
                dots = _dots(activity, card)
                merged = "".join(f"<li>{e(c['text'])}</li>" for c in card["merged"])
                merged = f"<ul>{merged}</ul>" if merged else ""
                parts.append(f"<li>{e(card['text'])}{dots}{merged}</li>")
            parts.append("</ul>")
    return "\n".join(parts)
