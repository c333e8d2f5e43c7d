"""SVG drawings of the plan: annex 1's resource map and the roadmap.

Plain strings, every user text escaped; each drawing has a <title> and is
followed on the page by a table with the same content (the accessible and
printable version), so the SVG itself is marked as an image.
"""

import math
from datetime import date
from html import escape

from survey_app.dates import MONTHS, SHORT_MONTHS

from .chantiers import RESOURCE_KINDS

KIND_COLOURS = {
    "intervenant": "#1f4e79",
    "partenaire": "#6a3d9a",
    "financement": "#1b6e3a",
    "materiel": "#8a4b08",
}
DASH = {"operating": "", "identified": ' stroke-dasharray="6 5"'}


def _short(text: str, limit: int = 28) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def resource_map_svg(chantier: dict) -> str:
    """One chantier in the middle, its resources around it; the line says the
    state of the link (solid: operating, dotted: identified, none: missing)."""
    resources = chantier["resources"]
    width, height, cx, cy = 760, 460, 380, 230
    ident = f"carte-{chantier['id']}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="{ident}-titre" class="carte-ressources">',
        f'<title id="{ident}-titre">Cartographie des ressources du chantier '
        f"« {escape(chantier['title'])} » ({len(resources)} ressource(s), "
        "détail dans le tableau qui suit)</title>",
    ]
    nodes = []
    for i, resource in enumerate(resources):
        angle = 2 * math.pi * i / max(len(resources), 1) - math.pi / 2
        x, y = cx + 290 * math.cos(angle), cy + 175 * math.sin(angle)
        if resource["link"] in DASH:
            parts.append(
                f'<line x1="{cx}" y1="{cy}" x2="{x:.0f}" y2="{y:.0f}" '
                f'stroke="#333" stroke-width="2"{DASH[resource["link"]]}/>'
            )
        nodes.append((x, y, resource))
    parts.append(
        f'<rect x="{cx - 120}" y="{cy - 32}" width="240" height="64" '
        'rx="10" fill="#fff4d6" stroke="#7a5a00" stroke-width="2"/>'
    )
    parts.append(
        f'<text x="{cx}" y="{cy + 5}" text-anchor="middle" '
        f'font-size="15" font-weight="bold" fill="#222">'
        f"{escape(_short(chantier['title'], 30))}</text>"
    )
    for x, y, resource in nodes:
        colour = KIND_COLOURS.get(resource["kind"], "#333")
        parts.append(
            f'<rect x="{x - 95:.0f}" y="{y - 22:.0f}" width="190" height="44" rx="6" '
            f'fill="#fff" stroke="{colour}" stroke-width="2"/>'
            f'<text x="{x:.0f}" y="{y - 4:.0f}" text-anchor="middle" font-size="12" '
            f'fill="{colour}">{escape(RESOURCE_KINDS.get(resource["kind"], ""))}</text>'
            f'<text x="{x:.0f}" y="{y + 13:.0f}" text-anchor="middle" font-size="13" '
            f'fill="#222">{escape(_short(resource["name"]))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, 1)


def roadmap_svg(fiches: list[dict], start: date, months: int) -> str:
    """Bars from each action's start to its end over `months` months from
    `start` (first of a month), milestones as diamonds, today as a red line."""
    end = add_months(start, months)
    days = (end - start).days
    label_w, width, row_h, top = 230, 900, 34, 40
    plot = width - label_w - 10
    dated = [f for f in fiches if f.get("starts_on")]
    height = top + row_h * max(len(dated), 1) + 10

    def x(day: date) -> float:
        clamped = min(max(day, start), end)
        return label_w + plot * (clamped - start).days / days

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="feuille-{months}-titre" '
        'class="feuille-de-route">',
        f'<title id="feuille-{months}-titre">Feuille de route sur {months} mois à '
        f"partir de {MONTHS[start.month - 1]} {start.year} ({len(dated)} action(s) "
        "datée(s), détail dans le tableau qui suit)</title>",
    ]
    for m in range(months):
        first = add_months(start, m)
        parts.append(
            f'<line x1="{x(first):.0f}" y1="{top - 18}" x2="{x(first):.0f}" '
            f'y2="{height}" stroke="#bbb"/><text x="{x(first) + 4:.0f}" '
            f'y="{top - 22}" font-size="12" fill="#222">'
            f"{SHORT_MONTHS[first.month - 1]} {first.year}</text>"
        )
    for i, fiche in enumerate(dated):
        y = top + i * row_h
        first = date.fromisoformat(fiche["starts_on"])
        last = date.fromisoformat(fiche["ends_on"]) if fiche.get("ends_on") else end
        parts.append(
            f'<text x="4" y="{y + 20}" font-size="13" fill="#222">'
            f"{escape(_short(fiche['title'], 30))}</text>"
        )
        if last >= start and first <= end:
            parts.append(
                f'<rect x="{x(first):.0f}" y="{y + 6}" '
                f'width="{max(x(last) - x(first), 3):.0f}" height="20" rx="4" '
                'fill="#1f4e79"/>'
            )
        for milestone in fiche.get("milestones", []):
            day = date.fromisoformat(milestone["on"])
            if start <= day <= end:
                mx, my = x(day), y + 16
                parts.append(
                    f'<polygon points="{mx:.0f},{my - 11} {mx + 9:.0f},{my} '
                    f'{mx:.0f},{my + 11} {mx - 9:.0f},{my}" fill="#f0b400" '
                    'stroke="#222"/>'
                )
    today = date.today()
    if start <= today <= end:
        parts.append(
            f'<line x1="{x(today):.0f}" y1="{top - 6}" x2="{x(today):.0f}" '
            f'y2="{height}" stroke="#c00" stroke-width="2"/>'
        )
    parts.append("</svg>")
    return "".join(parts)
