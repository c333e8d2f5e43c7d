"""Exports at any time: CSV/XLSX of cards and votes, board data for printing,
an SVG/PNG image of each board, a Markdown/HTML summary, a word cloud.

Exports show what the board shows: hidden and deleted cards are left out of
the board, the images and the summary (Decidim #4248: exports must not
publish moderated content); the CSV/XLSX keep hidden cards with their
status for the facilitator's own records, never deleted ones.
User text is escaped in every format: XML escaping in SVG and HTML,
backslash escaping in Markdown, formula neutralising in CSV/XLSX.
"""

import csv
import io
import textwrap
from typing import Any
from xml.sax.saxutils import escape

import sqlite_utils
from markupsafe import escape as html_escape

from analysis.cells import clean_text as clean_cell

from .boards import PHASE_LABELS, list_activities
from .cards import CARD_SQL, card_dict
from .errors import WorkshopError
from .tables import list_tables
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
        if activity["kind"] == "dots":
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
                    card["created_at"],
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


def _csv(headers: list[str], rows: list[list[Any]]) -> str:
    """`;`-separated, UTF-8 with BOM: what French Excel opens right."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";")
    writer.writerow(headers)
    writer.writerows([neutralise(v) for v in row] for row in rows)
    return out.getvalue()


def cards_csv(db: sqlite_utils.Database, workshop_id: int) -> str:
    return _csv(CARD_HEADERS, card_rows(db, workshop_id))


def votes_csv(db: sqlite_utils.Database, workshop_id: int) -> str:
    return _csv(VOTE_HEADERS, vote_rows(db, workshop_id))


def workbook_xlsx(db: sqlite_utils.Database, workshop_id: int) -> bytes:
    """Two sheets, Cartes and Gommettes."""
    from openpyxl import Workbook

    book = Workbook()
    sheets = (
        ("Cartes", CARD_HEADERS, card_rows(db, workshop_id)),
        ("Gommettes", VOTE_HEADERS, vote_rows(db, workshop_id)),
    )
    for index, (title, headers, rows) in enumerate(sheets):
        sheet = book.active if index == 0 else book.create_sheet()
        sheet.title = title
        sheet.append(headers)
        for row in rows:
            sheet.append([neutralise(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
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
    return f" ({card['votes']} gommette(s))" if activity["has_votes"] else ""


def summary_markdown(db: sqlite_utils.Database, workshop_id: int) -> str:
    """The workshop in Markdown, ready to paste into the diagnostic report."""
    data = board_data(db, workshop_id)
    lines = [f"# Atelier : {_md(data['workshop']['title'])}", ""]
    for activity in data["activities"]:
        lines += [f"## {_md(activity['title'])} ({activity['template_label']})", ""]
        if activity["config"].get("target"):
            lines += [f"Public : {_md(activity['config']['target'])}", ""]
        for column in activity["columns"]:
            lines += [f"### {_md(column['label'])}", ""]
            if not column["cards"]:
                lines += ["_Aucune carte._", ""]
                continue
            for card in column["cards"]:
                dots = (
                    f" ({card['votes']} gommette(s))" if activity["has_votes"] else ""
                )
                lines.append(f"- {_md(card['text'])}{dots}")
                lines += [f"  - {_md(c['text'])}" for c in card["merged"]]
            lines.append("")
    return "\n".join(lines)


def summary_html(db: sqlite_utils.Database, workshop_id: int) -> str:
    """The same summary as an HTML fragment (every user text escaped)."""
    data = board_data(db, workshop_id)
    e = html_escape
    parts = [f"<h1>Atelier : {e(data['workshop']['title'])}</h1>"]
    for activity in data["activities"]:
        parts.append(
            f"<h2>{e(activity['title'])} ({e(activity['template_label'])})</h2>"
        )
        if activity["config"].get("target"):
            parts.append(f"<p>Public : {e(activity['config']['target'])}</p>")
        for column in activity["columns"]:
            parts.append(f"<h3>{e(column['label'])}</h3>")
            if not column["cards"]:
                parts.append("<p>Aucune carte.</p>")
                continue
            parts.append("<ul>")
            for card in column["cards"]:
                dots = (
                    f" ({card['votes']} gommette(s))" if activity["has_votes"] else ""
                )
                merged = "".join(f"<li>{e(c['text'])}</li>" for c in card["merged"])
                merged = f"<ul>{merged}</ul>" if merged else ""
                parts.append(f"<li>{e(card['text'])}{dots}{merged}</li>")
            parts.append("</ul>")
    return "\n".join(parts)


# --- board images ------------------------------------------------------------

COLUMN_WIDTH = 260
GAP = 16
LINE = 18
CHARS_PER_LINE = 30
MAX_LINES = 6


def _activity_board(db, workshop_id: int, activity_id: int) -> dict[str, Any]:
    for activity in board_data(db, workshop_id)["activities"]:
        if activity["id"] == activity_id:
            return activity
    raise WorkshopError("Cette activité n'existe pas.", 404)


def _wrap(text: str) -> list[str]:
    lines = textwrap.wrap(" ".join(text.split()), CHARS_PER_LINE) or [""]
    if len(lines) > MAX_LINES:
        lines = lines[:MAX_LINES]
        lines[-1] = lines[-1][: CHARS_PER_LINE - 1] + "…"
    return lines


def board_layout(activity: dict[str, Any]) -> dict[str, Any]:
    """Boxes and text lines with coordinates, shared by the SVG and PNG.

    Items: ("rect", x, y, width, height, fill) and ("text", x, y, text, bold).
    """
    columns = activity["columns"]
    per_row = len(activity["config"].get("themes", [])) or min(4, len(columns)) or 1
    backgrounds: list[tuple] = []
    items: list[tuple] = [("text", GAP, 32, activity["title"], True)]
    y_row = 50
    for start in range(0, len(columns), per_row):
        row_bottom = y_row
        xs = []
        for index, column in enumerate(columns[start : start + per_row]):
            x = GAP + index * (COLUMN_WIDTH + GAP)
            xs.append(x)
            items.append(("text", x + 8, y_row + 20, column["label"], True))
            y = y_row + 32
            for card in column["cards"]:
                lines = _wrap(card["text"])
                if activity["has_votes"]:
                    lines.append(f"● {card['votes']}")
                height = len(lines) * LINE + 12
                items.append(("rect", x + 6, y, COLUMN_WIDTH - 12, height, "#fff7c2"))
                for n, line in enumerate(lines):
                    items.append(("text", x + 14, y + 20 + n * LINE, line, False))
                y += height + 8
            row_bottom = max(row_bottom, y + 8)
        # The columns of a row take the height of the tallest one.
        for x in xs:
            backgrounds.append(
                ("rect", x, y_row, COLUMN_WIDTH, row_bottom - y_row, "#f2f2f7")
            )
        y_row = row_bottom + GAP
    width = GAP + min(per_row, max(len(columns), 1)) * (COLUMN_WIDTH + GAP)
    return {"width": width, "height": y_row, "items": backgrounds + items}


def board_svg(db: sqlite_utils.Database, workshop_id: int, activity_id: int) -> str:
    """The board as SVG text; every user text is XML-escaped."""
    activity = _activity_board(db, workshop_id, activity_id)
    layout = board_layout(activity)
    w, h = layout["width"], layout["height"]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{w}" '
        f'height="{h}" viewBox="0 0 {w} {h}" font-family="DejaVu Sans, Arial, '
        f'sans-serif" font-size="14"><title>{escape(activity["title"])}</title>'
        f'<rect width="{w}" height="{h}" fill="#ffffff"/>'
    ]
    for item in layout["items"]:
        if item[0] == "rect":
            _, x, y, iw, ih, fill = item
            parts.append(
                f'<rect x="{x}" y="{y}" width="{iw}" height="{ih}" rx="4" '
                f'fill="{fill}" stroke="#888888"/>'
            )
        else:
            _, x, y, text, bold = item
            weight = ' font-weight="bold"' if bold else ""
            parts.append(
                f'<text x="{x}" y="{y}" fill="#1b1b1b"{weight}>{escape(text)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def board_png(db: sqlite_utils.Database, workshop_id: int, activity_id: int) -> bytes:
    """The same board drawn with Pillow."""
    from PIL import Image, ImageDraw, ImageFont

    activity = _activity_board(db, workshop_id, activity_id)
    layout = board_layout(activity)
    image = Image.new("RGB", (layout["width"], layout["height"]), "#ffffff")
    draw = ImageDraw.Draw(image)
    font = bold = ImageFont.load_default(size=14)
    try:
        from analysis.wordclouds import font_path

        path = font_path()
        if path:
            font = ImageFont.truetype(path, 14)
            bold_path = path.replace("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
            try:
                bold = ImageFont.truetype(bold_path, 14)
            except OSError:
                bold = font
    except ImportError:
        pass
    for item in layout["items"]:
        if item[0] == "rect":
            _, x, y, iw, ih, fill = item
            draw.rounded_rectangle(
                (x, y, x + iw, y + ih), radius=4, fill=fill, outline="#888888"
            )
        else:
            _, x, y, text, is_bold = item
            draw.text((x, y - 14), text, fill="#1b1b1b", font=bold if is_bold else font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


# --- word cloud ----------------------------------------------------------------


def card_texts(
    db: sqlite_utils.Database, workshop_id: int, activity_id: int | None = None
) -> list[str]:
    """The visible cards' texts (the whole workshop, or one activity)."""
    sql = (
        "SELECT c.text FROM workshop_cards c JOIN workshop_activities a "
        "ON a.id = c.activity_id WHERE a.workshop_id = ? AND c.status = 'visible'"
    )
    params: list[Any] = [workshop_id]
    if activity_id is not None:
        sql += " AND a.id = ?"
        params.append(activity_id)
    return [row[0] for row in db.execute(sql, params)]


def wordcloud(
    db: sqlite_utils.Database,
    workshop_id: int,
    fmt: str,
    activity_id: int | None = None,
) -> bytes | str | None:
    """PNG bytes or SVG text of the cards' word cloud (analysis/wordclouds.py).

    None when there are no words yet or the analysis module is absent.
    """
    try:
        from analysis import wordclouds
    except ImportError:
        return None
    texts = card_texts(db, workshop_id, activity_id)
    if fmt == "svg":
        return wordclouds.wordcloud_svg(texts, title="Nuage des mots des cartes")
    return wordclouds.wordcloud_png(texts)


def word_table(
    db: sqlite_utils.Database, workshop_id: int, activity_id: int | None = None
) -> list[dict[str, Any]]:
    """The most used words of the cards: [{term, count, occurrences}]."""
    try:
        from analysis.wordclouds import word_frequencies
    except ImportError:
        return []
    frame = word_frequencies(card_texts(db, workshop_id, activity_id))
    return frame.to_dict("records")
