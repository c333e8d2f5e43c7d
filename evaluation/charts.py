"""The progress chart of an indicator (SVG): starting value, measures, the
planned path to the target, the target's level and date.

A plain string, every user text escaped. It carries a <title> and a <desc>
with the same values as the table printed after it on the page and in the
document (the accessible and printable version).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

from survey_app.dates import SHORT_MONTHS, french_date

from .progress import Point

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 70, 30, 24, 56
INK, PLAN, MEASURE, TARGET = "#222", "#666", "#1f4e79", "#1b6e3a"


def format_number(value: float | None, unit: str = "") -> str:
    """French number: '1 234', '12,5'; with '%' when the unit starts with it."""
    if value is None:
        return "—"
    rounded = round(value, 1)
    if rounded == int(rounded):
        text = f"{int(rounded):,}".replace(",", "\u202f")
    else:
        text = f"{rounded:,.1f}".replace(",", "\u202f").replace(".", ",")
    text = text.replace("-", "−")
    return text + ("\u00a0%" if unit.startswith("%") else "")


def short_date(day: date) -> str:
    return f"{SHORT_MONTHS[day.month - 1]} {day.year}"


def _describe(unit: str, start, target, measures) -> str:
    parts = []
    if start is not None:
        parts.append(
            f"départ : {format_number(start.value, unit)} le {french_date(start.on)}"
        )
    if target is not None:
        parts.append(
            f"cible : {format_number(target.value, unit)} le {french_date(target.on)}"
        )
    if measures:
        listed = ", ".join(
            f"{format_number(p.value, unit)} le {french_date(p.on)}" for p in measures
        )
        parts.append(f"mesures : {listed}")
    else:
        parts.append("aucune mesure")
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + ". Le détail est dans le tableau qui suit."


@dataclass(frozen=True)
class Scale:
    """Dates to x and values to y, in the plot area."""

    first: date
    last: date
    low: float
    high: float

    @classmethod
    def around(cls, known: list[Point]) -> "Scale":
        first = min(p.on for p in known)
        last = max(p.on for p in known)
        if last == first:
            first, last = first - timedelta(days=30), last + timedelta(days=30)
        low = min(0.0, *(p.value for p in known))
        high = max(p.value for p in known)
        if high == low:
            high = low + 1
        return cls(first, last, low, high + (high - low) * 0.1)

    def x(self, day: date) -> float:
        width = WIDTH - LEFT - RIGHT
        return LEFT + width * (day - self.first).days / (self.last - self.first).days

    def y(self, value: float) -> float:
        height = HEIGHT - TOP - BOTTOM
        return TOP + height * (1 - (value - self.low) / (self.high - self.low))


BOTTOM_Y = HEIGHT - BOTTOM


def _axes(s: Scale, unit: str, target: Point | None) -> list[str]:
    parts = []
    for k in range(5):  # horizontal grid and the value axis
        value = s.low + (s.high - s.low) * k / 4
        parts.append(
            f'<line x1="{LEFT}" y1="{s.y(value):.1f}" x2="{WIDTH - RIGHT}" '
            f'y2="{s.y(value):.1f}" stroke="#ddd"/>'
            f'<text x="{LEFT - 6}" y="{s.y(value) + 4:.1f}" text-anchor="end" '
            f'font-size="13" fill="{INK}">{escape(format_number(value, unit))}</text>'
        )
    parts.append(
        f'<line x1="{LEFT}" y1="{BOTTOM_Y}" x2="{WIDTH - RIGHT}" y2="{BOTTOM_Y}" '
        f'stroke="{INK}"/>'
    )
    ticks = {s.first, s.last} | ({target.on} if target else set())
    for day in sorted(ticks):
        anchor = {s.first: "start", s.last: "end"}.get(day, "middle")
        parts.append(
            f'<text x="{s.x(day):.1f}" y="{BOTTOM_Y + 18}" text-anchor="{anchor}" '
            f'font-size="13" fill="{INK}">{escape(short_date(day))}</text>'
        )
    return parts


def _target(s: Scale, unit: str, start: Point | None, target: Point) -> list[str]:
    parts = [
        f'<line x1="{LEFT}" y1="{s.y(target.value):.1f}" x2="{WIDTH - RIGHT}" '
        f'y2="{s.y(target.value):.1f}" stroke="{TARGET}" stroke-width="2" '
        'stroke-dasharray="2 4"/>'
        f'<line x1="{s.x(target.on):.1f}" y1="{TOP}" x2="{s.x(target.on):.1f}" '
        f'y2="{BOTTOM_Y}" stroke="{TARGET}" stroke-dasharray="2 4"/>'
        f'<text x="{WIDTH - RIGHT}" y="{s.y(target.value) - 6:.1f}" '
        f'text-anchor="end" font-size="13" fill="{TARGET}">Cible : '
        f"{escape(format_number(target.value, unit))} "
        f"({escape(short_date(target.on))})</text>"
    ]
    if start is not None:  # the planned path
        parts.append(
            f'<line x1="{s.x(start.on):.1f}" y1="{s.y(start.value):.1f}" '
            f'x2="{s.x(target.on):.1f}" y2="{s.y(target.value):.1f}" '
            f'stroke="{PLAN}" stroke-width="2" stroke-dasharray="8 6"/>'
        )
    return parts


def _measures(s: Scale, start: Point | None, measures: list[Point]) -> list[str]:
    parts = []
    if start is not None:
        parts.append(
            f'<rect x="{s.x(start.on) - 6:.1f}" y="{s.y(start.value) - 6:.1f}" '
            f'width="12" height="12" fill="{PLAN}"/>'
            f'<text x="{s.x(start.on) + 4:.1f}" y="{s.y(start.value) - 10:.1f}" '
            f'font-size="13" fill="{INK}">Départ</text>'
        )
    if measures:
        # The path actually followed: from the start through each measure.
        line = ([start] if start is not None else []) + measures
        path = " ".join(f"{s.x(p.on):.1f},{s.y(p.value):.1f}" for p in line)
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{MEASURE}" '
            'stroke-width="3"/>'
        )
        parts += [
            f'<circle cx="{s.x(p.on):.1f}" cy="{s.y(p.value):.1f}" r="5" '
            f'fill="{MEASURE}"/>'
            for p in measures
        ]
    return parts


LEGEND = (
    f'<g font-size="13" fill="{INK}" transform="translate({LEFT},{HEIGHT - 14})">'
    f'<rect x="0" y="-9" width="10" height="10" fill="{PLAN}"/>'
    '<text x="14" y="0">Départ</text>'
    f'<line x1="70" y1="-4" x2="100" y2="-4" stroke="{PLAN}" stroke-width="2" '
    'stroke-dasharray="8 6"/><text x="106" y="0">Chemin prévu</text>'
    f'<circle cx="215" cy="-4" r="5" fill="{MEASURE}"/>'
    '<text x="225" y="0">Mesures</text>'
    f'<line x1="295" y1="-4" x2="325" y2="-4" stroke="{TARGET}" '
    'stroke-width="2" stroke-dasharray="2 4"/><text x="331" y="0">Cible</text>'
    "</g>"
)


def progress_svg(
    ident: str,
    name: str,
    unit: str,
    start: Point | None,
    target: Point | None,
    measures: list[Point],
) -> str:
    """The chart; `ident` makes the ids of title and desc unique on a page."""
    known = [p for p in (start, target, *measures) if p is not None]
    safe_id = "".join(ch for ch in ident if ch.isalnum() or ch == "-")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="{safe_id}-titre {safe_id}-desc" '
        'class="indicateur-graphique" font-family="sans-serif">',
        f'<title id="{safe_id}-titre">Évolution de l\'indicateur « {escape(name)} »'
        "</title>",
        f'<desc id="{safe_id}-desc">'
        f"{escape(_describe(unit, start, target, measures))}</desc>",
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#fff"/>',
    ]
    if not known:
        parts.append(
            f'<text x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle" '
            f'font-size="15" fill="{INK}">Aucune valeur pour l\'instant</text></svg>'
        )
        return "".join(parts)
    scale = Scale.around(known)
    parts += _axes(scale, unit, target)
    if target is not None:
        parts += _target(scale, unit, start, target)
    parts += _measures(scale, start, measures)
    parts += [LEGEND, "</svg>"]
    return "".join(parts)
