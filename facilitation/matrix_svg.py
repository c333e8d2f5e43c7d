"""The impact × feasibility matrix as an SVG drawing (exports, action plan).

Each placed item is a numbered dot at the room's means: feasibility across
(easy on the right), impact up. The numbers refer to the table printed
with the drawing, which is the accessible version: the drawing carries
only numbers and our own labels, so no user text needs escaping inside it
beyond the title.
"""

from typing import Any
from xml.sax.saxutils import escape

from .matrix import HIGH, QUADRANTS, SCALE

SIZE = 420
MARGIN = 56
INNER = SIZE - 2 * MARGIN


def _x(feasibility: float) -> float:
    return MARGIN + (feasibility - SCALE[0]) / (SCALE[-1] - SCALE[0]) * INNER


def _y(impact: float) -> float:
    return MARGIN + (SCALE[-1] - impact) / (SCALE[-1] - SCALE[0]) * INNER


def matrix_svg(rows: list[dict[str, Any]], title: str) -> str:
    """`rows` as from `matrix.results` (placed ones get numbers 1, 2… in
    that order); `title` names the drawing for screen readers."""
    mid_x, mid_y = _x(HIGH), _y(HIGH)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE}" '
        f'width="{SIZE}" height="{SIZE}" role="img" class="matrix-svg">',
        f"<title>{escape(title)}</title>",
        "<desc>Chaque numéro renvoie à la ligne du tableau qui suit.</desc>",
        f'<rect x="{MARGIN}" y="{MARGIN}" width="{INNER}" height="{INNER}" '
        'fill="#f6f6fb" stroke="#3a3a3a"/>',
        f'<rect x="{mid_x}" y="{MARGIN}" width="{MARGIN + INNER - mid_x}" '
        f'height="{mid_y - MARGIN}" fill="#e3f5e8"/>',
        f'<line x1="{mid_x}" y1="{MARGIN}" x2="{mid_x}" y2="{MARGIN + INNER}" '
        'stroke="#3a3a3a" stroke-dasharray="4 4"/>',
        f'<line x1="{MARGIN}" y1="{mid_y}" x2="{MARGIN + INNER}" y2="{mid_y}" '
        'stroke="#3a3a3a" stroke-dasharray="4 4"/>',
    ]
    corners = {
        (True, True): (MARGIN + INNER - 4, MARGIN + 14, "end"),
        (True, False): (MARGIN + 4, MARGIN + 14, "start"),
        (False, True): (MARGIN + INNER - 4, MARGIN + INNER - 6, "end"),
        (False, False): (MARGIN + 4, MARGIN + INNER - 6, "start"),
    }
    for where, (x, y, anchor) in corners.items():
        parts.append(
            f'<text x="{x}" y="{y}" text-anchor="{anchor}" font-size="11" '
            f'fill="#3a3a3a">{escape(QUADRANTS[where])}</text>'
        )
    parts += [
        f'<text x="{SIZE / 2}" y="{SIZE - 14}" text-anchor="middle" font-size="13">'
        "Faisabilité : difficile → facile</text>",
        f'<text x="18" y="{SIZE / 2}" text-anchor="middle" font-size="13" '
        f'transform="rotate(-90 18 {SIZE / 2})">Impact : faible → fort</text>',
    ]
    placed = [r for r in rows if r.get("count")]
    for number, row in enumerate(placed, 1):
        cx, cy = _x(row["feasibility"]), _y(row["impact"])
        parts.append(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="11" fill="#000091"/>'
            f'<text x="{cx:.1f}" y="{cy + 4:.1f}" text-anchor="middle" '
            f'font-size="11" font-weight="700" fill="#fff">{number}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
