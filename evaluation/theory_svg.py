"""The theory of change drawn as SVG: a pure function, no Flask.

One column per level (resources → impact), one box per element with its
whole text wrapped (nothing cut: the drawing says what the table says),
arrows for the links, and the assumptions in a band below, each centred on
the gap between the two levels it sits between. Presentation attributes
only (the Content-Security-Policy forbids inline styles). Every user text is
escaped; characters XML cannot hold were removed when stored.

The default width suits A4 landscape (about 9 pt text once printed); the
document, in portrait, asks for a narrower drawing so the text stays large.
"""

import textwrap
from html import escape
from typing import Any

from .theory import CONTROL, LEVELS, assumption_label

COLOURS = ["#1f4e79", "#6a3d9a", "#1b6e3a", "#8a4b08", "#a3122a"]
FONT = 13
LINE = 16
SMALL = 11
PAD = 8
MARGIN = 12
GAP = 44
HEADER = 34
SPACING = 12


def _wrap(text: str, width_px: float, size: int) -> list[str]:
    chars = max(int(width_px / (size * 0.6)), 8)
    return textwrap.wrap(CONTROL.sub(" ", text), chars, break_on_hyphens=False) or [""]


def _box_lines(element: dict[str, Any], inner: float) -> list[tuple[str, int, str]]:
    """(text, font size, class) lines of an element's box."""
    out = [(line, FONT, "toc-text") for line in _wrap(element["text"], inner, FONT)]
    if element.get("fiche_number"):
        out.append((f"Fiche {element['fiche_number']}", SMALL, "toc-fiche"))
    if element.get("indicator"):
        text = f"Indicateur : {element['indicator']}"
        out += [(line, SMALL, "toc-indicator") for line in _wrap(text, inner, SMALL)]
    return out


def _box(
    element: dict[str, Any], x: float, y: float, w: float, colour: str, dashed: bool
) -> tuple[str, float]:
    """The box's SVG and its height."""
    lines = _box_lines(element, w - 2 * PAD)
    height = 2 * PAD + sum(LINE if size == FONT else SMALL + 4 for _, size, _ in lines)
    dash = ' stroke-dasharray="6 4"' if dashed else ""
    parts = [
        f'<g class="toc-{element["kind"]}" data-id="{element["id"]}">',
        f'<rect x="{x:.0f}" y="{y:.0f}" width="{w:.0f}" height="{height:.0f}" rx="6" '
        f'fill="#ffffff" stroke="{colour}" stroke-width="2"{dash}/>',
    ]
    line_y = y + PAD
    for text, size, cls in lines:
        line_y += LINE if size == FONT else SMALL + 4
        style = ' font-style="italic"' if dashed or cls != "toc-text" else ""
        fill = "#222222" if cls == "toc-text" else "#444444"
        parts.append(
            f'<text class="{cls}" x="{x + PAD:.0f}" y="{line_y - 4:.0f}" '
            f'font-size="{size}" fill="{fill}"{style}>{escape(text)}</text>'
        )
    parts.append("</g>")
    return "".join(parts), height


class _Layout:
    def __init__(self, width: int) -> None:
        self.width = width
        self.column = (width - 2 * MARGIN - (len(LEVELS) - 1) * GAP) / len(LEVELS)

    def left(self, level: int) -> float:
        return MARGIN + level * (self.column + GAP)


def _columns(theory: dict[str, Any], lay: _Layout) -> tuple[list[str], dict, float]:
    """The elements' boxes, their anchors {id: (left x, middle y)}, the bottom."""
    boxes: list[str] = []
    anchors: dict[int, tuple[float, float]] = {}
    bottom: float = MARGIN + HEADER
    for level, elements in enumerate(theory["levels"]):
        y: float = MARGIN + HEADER + SPACING
        for element in elements:
            x = lay.left(level)
            svg, height = _box(element, x, y, lay.column, COLOURS[level], False)
            boxes.append(svg)
            anchors[element["id"]] = (x, y + height / 2)
            y += height + SPACING
        bottom = max(bottom, y)
    return boxes, anchors, bottom


def _links(
    theory: dict[str, Any], lay: _Layout, anchors: dict, ident: str
) -> list[str]:
    links = []
    bend = GAP / 2 + 10
    for element in (e for level in theory["levels"] for e in level):
        x1, y1 = anchors[element["id"]]
        x1 += lay.column
        for target in element["targets"]:
            if target not in anchors:
                continue
            x2, y2 = anchors[target]
            links.append(
                f'<path class="toc-link" data-from="{element["id"]}" '
                f'data-to="{target}" d="M{x1:.0f},{y1:.0f} C{x1 + bend:.0f},'
                f'{y1:.0f} {x2 - bend:.0f},{y2:.0f} {x2 - 2:.0f},{y2:.0f}" '
                'fill="none" stroke="#555555" stroke-width="1.5" '
                f'marker-end="url(#{ident}-fleche)"/>'
            )
    return links


def _band(theory: dict[str, Any], lay: _Layout, top: float) -> tuple[list[str], float]:
    """The assumptions below the columns, and the new bottom."""
    band = [
        f'<text x="{MARGIN}" y="{top + 16:.0f}" font-size="15" font-weight="bold" '
        'fill="#222222">Hypothèses : ce qui doit être vrai pour passer d\'un '
        "niveau au suivant</text>"
    ]
    lowest = top + 24
    for level, elements in enumerate(theory["assumptions"]):
        if not elements:
            continue
        centre = lay.left(level) + lay.column + GAP / 2
        y = top + 26
        band.append(
            f'<text x="{centre:.0f}" y="{y + 12:.0f}" font-size="{SMALL}" '
            f'text-anchor="middle" fill="#444444">'
            f"{escape(assumption_label(level))}</text>"
            f'<line x1="{centre:.0f}" y1="{MARGIN + HEADER:.0f}" x2="{centre:.0f}" '
            f'y2="{top - 2:.0f}" stroke="#999999" stroke-dasharray="2 4"/>'
        )
        y += 18
        for element in elements:
            x = centre - lay.column / 2
            svg, height = _box(element, x, y, lay.column, "#555555", True)
            band.append(svg)
            y += height + SPACING
        lowest = max(lowest, y)
    return band, lowest


def _heads(theory: dict[str, Any], lay: _Layout) -> list[str]:
    heads = []
    for level, label in enumerate(LEVELS):
        middle = lay.left(level) + lay.column / 2
        heads.append(
            f'<rect x="{lay.left(level):.0f}" y="{MARGIN}" width="{lay.column:.0f}" '
            f'height="{HEADER - 6}" rx="4" fill="{COLOURS[level]}"/>'
            f'<text x="{middle:.0f}" y="{MARGIN + 19}" text-anchor="middle" '
            f'font-size="15" font-weight="bold" fill="#ffffff">{label}</text>'
        )
        if not theory["levels"][level]:
            heads.append(
                f'<text x="{middle:.0f}" y="{MARGIN + HEADER + 28}" '
                f'text-anchor="middle" font-size="{SMALL}" fill="#555555" '
                'font-style="italic">(aucun élément)</text>'
            )
    return heads


def _description(theory: dict[str, Any]) -> str:
    counts = ", ".join(
        f"{len(elements)} {label.lower()}"
        for label, elements in zip(LEVELS, theory["levels"], strict=True)
    )
    n_links = sum(len(e["targets"]) for level in theory["levels"] for e in level)
    n_assumptions = sum(len(a) for a in theory["assumptions"])
    return (
        f"Schéma en colonnes, des ressources à l'impact : {counts} ; "
        f"{n_links} lien(s) et {n_assumptions} hypothèse(s). Le même contenu "
        "est dans le tableau qui suit le schéma."
    )


def theory_svg(
    theory: dict[str, Any],
    title: str,
    width: int = 1120,
    ident: str = "theorie",
    table_id: str = "",
) -> str:
    """The diagram of `evaluation.theory.load_theory`'s theory. `table_id`:
    the id of the table holding the same content (aria-details)."""
    lay = _Layout(width)
    boxes, anchors, bottom = _columns(theory, lay)
    band: list[str] = []
    if any(theory["assumptions"]):
        band, bottom = _band(theory, lay, bottom + 10)
    height = bottom + MARGIN
    details = f' aria-details="{escape(table_id)}"' if table_id else ""
    return "".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} '
            f'{height:.0f}" width="{width}" height="{height:.0f}" role="img" '
            f'aria-labelledby="{ident}-titre" aria-describedby="{ident}-desc"'
            f'{details} class="theorie-du-changement" '
            'font-family="DejaVu Sans, Arial, sans-serif">',
            f'<title id="{ident}-titre">{escape(CONTROL.sub(" ", title))}</title>',
            f'<desc id="{ident}-desc">{escape(_description(theory))}</desc>',
            f'<defs><marker id="{ident}-fleche" viewBox="0 0 10 10" refX="9" '
            'refY="5" markerWidth="7" markerHeight="7" orient="auto">'
            '<path d="M0,0 L10,5 L0,10 z" fill="#555555"/></marker></defs>',
            f'<rect x="0" y="0" width="{width}" height="{height:.0f}" fill="#ffffff"/>',
            *_heads(theory, lay),
            *_links(theory, lay, anchors, ident),
            *boxes,
            *band,
            "</svg>",
        ]
    )
