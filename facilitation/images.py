"""Pictures of a workshop: an SVG/PNG image of each board, the word cloud.

The SVG is written as text with every user text XML-escaped; the PNG is the
same layout drawn with Pillow; the word cloud comes from
`analysis/wordclouds.py` (visible cards only).
"""

import io
import textwrap
from typing import Any
from xml.sax.saxutils import escape

import sqlite_utils

from .errors import WorkshopError
from .exports import board_data
from .matrix_svg import matrix_svg

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
    if activity.get("matrix") is not None:
        return matrix_svg(activity["matrix"], activity["title"])
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
    """The same board drawn with Pillow (a matrix: its SVG rasterised)."""
    from PIL import Image, ImageDraw, ImageFont

    activity = _activity_board(db, workshop_id, activity_id)
    if activity.get("matrix") is not None:
        from analysis.document_model import figure_png

        return figure_png(matrix_svg(activity["matrix"], activity["title"]))
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
