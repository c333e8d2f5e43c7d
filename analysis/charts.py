"""Charts as plain SVG text: light, crisp when printed, no plotting library.

Every chart is an `<svg role="img">` labelled by its own `<title>` and
`<desc>`, readable in black and white (values are written next to each bar
and series differ by hatching, not only by colour) and safe to inline in a
page: all text is escaped and only presentation attributes are used (no
`style` attribute or `<style>` element, which the Content-Security-Policy
would block). Ids are prefixed by `ident` so several charts can share a page.

Inputs are plain values (labels and percentages 0-100), so the charts do
not depend on how the statistics were computed; the page always shows the
same figures in an accessible table next to the chart.
"""

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

WIDTH = 640
INK = "#1b1b1b"
MUTED = "#555555"
ACCENT = "#000091"
FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
LINE_HEIGHT = 18
LABEL_CHARS = 78  # characters per label line at 14 px across 640 px
SIDE_LABEL_WIDTH = 250  # a label beside its bar: 2 lines of 30 characters
SIDE_LABEL_CHARS = 30
NBSP = "\u00a0"

# Fills for series and segments: a grey level plus a hatching, so that each
# one stays distinct when printed in black and white.
FILLS = (
    ("#000091", None),
    ("#ffffff", "diag"),
    ("#8c8c8c", None),
    ("#ffffff", "dots"),
    ("#d0d0d0", "cross"),
    ("#ffffff", "horiz"),
    ("#4a4a4a", None),
    ("#ffffff", "vert"),
)


@dataclass(frozen=True)
class Bar:
    """One horizontal bar: a percentage with an optional confidence interval."""

    label: str
    value: float | None  # percentage 0-100; None = not shown (too few people)
    low: float | None = None
    high: float | None = None
    note: str = ""  # e.g. "n = 42", written after the value


@dataclass(frozen=True)
class Group:
    """A row of a stacked or paired chart: one value per series (None = hidden)."""

    label: str
    values: Sequence[float | None]
    note: str = ""


@dataclass
class _Svg:
    ident: str
    title: str
    desc: str
    height: int = 0
    defs: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)

    def render(self) -> str:
        t_id, d_id = f"{self.ident}-titre", f"{self.ident}-desc"
        head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
            f'viewBox="0 0 {WIDTH} {self.height}" width="100%" '
            f'preserveAspectRatio="xMinYMin meet" '
            f'aria-labelledby="{t_id} {d_id}" font-family={quoteattr(FONT)} '
            f'font-size="14" fill="{INK}">'
            f"<title id={quoteattr(t_id)}>{escape(self.title)}</title>"
            f"<desc id={quoteattr(d_id)}>{escape(self.desc)}</desc>"
        )
        defs = f"<defs>{''.join(self.defs)}</defs>" if self.defs else ""
        return head + defs + "".join(self.body) + "</svg>"


def fr_number(value: float, digits: int = 0) -> str:
    """12.5 -> "12,5" (French decimal comma)."""
    return f"{value:.{digits}f}".replace(".", ",")


def fr_pct(value: float | None, digits: int = 0) -> str:
    """Percentage as written in French: "42 %" (non-breaking space)."""
    if value is None:
        return "—"
    return f"{fr_number(value, digits)}{NBSP}%"


def safe_ident(ident: str) -> str:
    """Keep ids to letters, digits and dashes (they are used in url(#...))."""
    cleaned = "".join(c if c.isascii() and c.isalnum() else "-" for c in ident)
    return cleaned.strip("-") or "graphique"


def text(x: float, y: float, content: str, **attrs: str | float) -> str:
    """An escaped `<text>` element; attribute names use _ for -."""
    extra = "".join(
        f" {k.replace('_', '-')}={quoteattr(str(v))}" for k, v in attrs.items()
    )
    return f'<text x="{x:.1f}" y="{y:.1f}"{extra}>{escape(content)}</text>'


def rect(x: float, y: float, w: float, h: float, fill: str, **attrs: str) -> str:
    extra = "".join(
        f" {k.replace('_', '-')}={quoteattr(str(v))}" for k, v in attrs.items()
    )
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" '
        f'height="{h:.1f}" fill={quoteattr(fill)}{extra}/>'
    )


def line(
    x1: float, y1: float, x2: float, y2: float, width: float = 1.5, colour: str = INK
) -> str:
    return (
        f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
        f'stroke="{colour}" stroke-width="{width}"/>'
    )


def whisker(low: float, high: float, mid: float) -> str:
    """A confidence interval: black on a white halo, visible over a dark bar."""
    parts = []
    for colour, width in (("#ffffff", 4.5), (INK, 1.5)):
        parts.append(
            line(low, mid, high, mid, width, colour)
            + line(low, mid - 6, low, mid + 6, width, colour)
            + line(high, mid - 6, high, mid + 6, width, colour)
        )
    return "".join(parts)


def wrap(label: str, chars: int = LABEL_CHARS, lines: int = 2) -> list[str]:
    """Wrap a label on at most `lines` lines, ending with … when cut."""
    wrapped = textwrap.wrap(" ".join(label.split()), chars) or [""]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][: chars - 1].rstrip() + "…"
    return wrapped


def _clamp(value: float) -> float:
    return max(0.0, min(100.0, value))


def _pattern_defs(svg: _Svg, count: int) -> list[str]:
    """Declare the hatchings used by `count` series; return each fill."""
    fills = []
    for i in range(count):
        base, hatch = FILLS[i % len(FILLS)]
        if hatch is None:
            fills.append(base)
            continue
        pid = f"{svg.ident}-motif-{i}"
        marks = {
            "diag": f'<path d="M0 8 L8 0" stroke="{INK}" stroke-width="1.5"/>',
            "dots": f'<circle cx="4" cy="4" r="1.6" fill="{INK}"/>',
            "cross": (
                f'<path d="M0 0 L8 8 M8 0 L0 8" stroke="{INK}" stroke-width="1"/>'
            ),
            "horiz": f'<path d="M0 4 L8 4" stroke="{INK}" stroke-width="1.5"/>',
            "vert": f'<path d="M4 0 L4 8" stroke="{INK}" stroke-width="1.5"/>',
        }[hatch]
        svg.defs.append(
            f'<pattern id="{pid}" width="8" height="8" '
            f'patternUnits="userSpaceOnUse">{rect(0, 0, 8, 8, base)}{marks}</pattern>'
        )
        fills.append(f"url(#{pid})")
    return fills


def _label_lines(svg: _Svg, y: float, label: str) -> float:
    """Write a wrapped label from `y`; return the y below it."""
    for part in wrap(label):
        y += LINE_HEIGHT
        svg.body.append(text(0, y - 4, part))
    return y


def bar_chart(
    bars: Sequence[Bar], *, title: str, desc: str, ident: str, side_labels: bool = False
) -> str:
    """Horizontal bars (0-100 %) with confidence whiskers and direct labels.

    Each label sits above its bar so long French answers stay readable on a
    narrow screen; the value is written at the end of the bar. With
    `side_labels` (the printed document, a full page wide) the label sits on
    the bar's left instead: half the height, two charts a page.
    """
    svg = _Svg(safe_ident(ident), title, desc)
    left = SIDE_LABEL_WIDTH if side_labels else 0
    scale = (WIDTH - left - 170) / 100  # room on the right for "100 % (n = 1 234)"
    y = 4.0
    for bar in bars:
        if side_labels:
            lines = wrap(bar.label, SIDE_LABEL_CHARS)
            for i, part in enumerate(lines):
                svg.body.append(text(0, y + 15 + i * LINE_HEIGHT, part))
            step = max(26.0, LINE_HEIGHT * len(lines) + 8)
        else:
            y = _label_lines(svg, y, bar.label) + 2
            step = 32.0
        if bar.value is None:
            svg.body.append(text(left, y + 14, "Non affiché : trop peu de réponses"))
        else:
            width = _clamp(bar.value) * scale
            svg.body.append(rect(left, y, width, 20, ACCENT, stroke=INK))
            end = width
            if bar.low is not None and bar.high is not None:
                lo, hi = _clamp(bar.low) * scale, _clamp(bar.high) * scale
                svg.body.append(whisker(left + lo, left + hi, y + 10))
                end = max(end, hi)
            value = fr_pct(bar.value) + (f" ({bar.note})" if bar.note else "")
            svg.body.append(text(left + end + 6, y + 15, value, font_weight="bold"))
        y += step
    svg.height = int(y) + 4
    return svg.render()


def _legend(svg: _Svg, y: float, series: Sequence[str], fills: list[str]) -> float:
    x = 0.0
    for name, fill in zip(series, fills, strict=False):
        label = wrap(name, 30, 1)[0]
        room = 26 + 8.2 * len(label) + 18
        if x and x + room > WIDTH:
            x, y = 0.0, y + 24
        svg.body.append(rect(x, y, 18, 18, fill, stroke=INK))
        svg.body.append(text(x + 24, y + 14, label))
        x += room
    return y + 30


def stacked_chart(
    groups: Sequence[Group],
    series: Sequence[str],
    *,
    title: str,
    desc: str,
    ident: str,
) -> str:
    """One 100 % bar per group, split by answer; a legend names each hatching.

    Segments wide enough carry their percentage; a group whose values are all
    None (suppressed because too few people) says so instead of drawing.
    """
    svg = _Svg(safe_ident(ident), title, desc)
    fills = _pattern_defs(svg, len(series))
    y = _legend(svg, 4.0, series, fills)
    scale = (WIDTH - 2) / 100
    for group in groups:
        y = _label_lines(
            svg, y, group.label + (f" ({group.note})" if group.note else "")
        )
        y += 2
        if all(v is None for v in group.values):
            svg.body.append(text(0, y + 16, "Non affiché : moins de 5 personnes"))
        else:
            x = 0.0
            for i, value in enumerate(group.values):
                if not value:
                    continue
                width = _clamp(value) * scale
                svg.body.append(rect(x, y, width, 24, fills[i], stroke=INK))
                if width >= 44:
                    svg.body.append(_segment_label(x + width / 2, y + 17, value, i))
                x += width
        y += 36
    svg.height = int(y) + 4
    return svg.render()


def _segment_label(x: float, y: float, value: float, series_index: int) -> str:
    """A percentage inside a segment, on a white plate so it reads over hatching."""
    dark = FILLS[series_index % len(FILLS)][0] in {"#000091", "#4a4a4a"}
    label = fr_pct(value)
    plate = rect(x - 20, y - 13, 40, 17, "#ffffff") if not dark else ""
    colour = "#ffffff" if dark else INK
    return plate + text(x, y, label, text_anchor="middle", fill=colour)


def paired_chart(
    groups: Sequence[Group],
    series: Sequence[str],
    *,
    title: str,
    desc: str,
    ident: str,
) -> str:
    """Side-by-side bars per indicator, e.g. territory (raw, weighted) vs France.

    Each bar is named by its series at the left end and carries its value, so
    neither the legend nor the colours are needed to read it.
    """
    svg = _Svg(safe_ident(ident), title, desc)
    fills = _pattern_defs(svg, len(series))
    name_width = 150
    scale = (WIDTH - name_width - 70) / 100
    y = 4.0
    for group in groups:
        y = _label_lines(svg, y, group.label) + 2
        for i, (name, value) in enumerate(zip(series, group.values, strict=False)):
            svg.body.append(text(0, y + 14, wrap(name, 20, 1)[0], fill=MUTED))
            if value is None:
                svg.body.append(text(name_width, y + 14, "non disponible"))
            else:
                width = _clamp(value) * scale
                svg.body.append(rect(name_width, y, width, 18, fills[i], stroke=INK))
                svg.body.append(
                    text(
                        name_width + width + 6,
                        y + 14,
                        fr_pct(value),
                        font_weight="bold",
                    )
                )
            y += 24
        y += 10
    svg.height = int(y) + 4
    return svg.render()
