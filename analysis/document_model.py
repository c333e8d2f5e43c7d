"""A neutral document: a list of blocks every writer (ODT, DOCX) lays out.

Blocks hold plain text only, never markup: user text is written by the
libraries as text, so nothing anyone typed can become a style, a field or a
link. Figures carry an SVG (drawn by analysis/charts.py, wordclouds.py or
diagnostic/pyramid.py) that `figure_png` rasterises for the formats that
need a bitmap.
"""

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

import cairosvg


@dataclass
class Heading:
    level: int  # 1 = chapter (a step of the guide), 2, 3
    text: str


@dataclass
class Paragraph:
    text: str
    style: str = ""  # "" | "lead" (larger) | "note" (small, grey) | "quote"


@dataclass
class Bullets:
    items: list[str]


@dataclass
class Table:
    caption: str
    basis: str  # who was asked and how figures are computed
    header: list[str]
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)
    # What the table shows, for the test that compares it to the analysis
    # modules: e.g. ("summary", survey_id, question key).
    source: tuple = ()


@dataclass
class Figure:
    svg: str
    alt: str
    width_cm: float = 16.0


@dataclass
class PageBreak:
    pass


@dataclass
class TableOfContents:
    title: str = "Sommaire"


Block = Heading | Paragraph | Bullets | Table | Figure | PageBreak | TableOfContents


@dataclass
class Document:
    title: str
    subtitle: str
    blocks: list[Block] = field(default_factory=list)

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)

    def headings(self) -> list[Heading]:
        return [b for b in self.blocks if isinstance(b, Heading)]


def sources_as_notes(table: Table, column: str = "Source") -> Table:
    """The table with its source column as short references, "(1)", and
    each distinct source written once under the table: the same long source
    on every line made a portrait of 17 lines three pages long."""
    if column not in table.header:
        return table
    index = table.header.index(column)
    numbers: dict[str, int] = {}
    rows = []
    for row in table.rows:
        text = row[index] if index < len(row) else ""
        if text:
            numbers.setdefault(text, len(numbers) + 1)
            text = f"({numbers[text]})"
        rows.append([*row[:index], text, *row[index + 1 :]])
    notes = [f"({n}) {text}" for text, n in numbers.items()]
    return replace(table, rows=rows, notes=[*table.notes, *notes])


def column_widths(block: Table, total_cm: float) -> list[float]:
    """Widths (cm) in proportion to what each column holds: its longest word
    (which cannot wrap) or its average text, whichever is larger, within
    bounds. A figure column stays narrow, a label or verdict column gets the
    room: even columns made long tables wrap every label on four lines."""
    count = max(len(block.header), 1)
    needs = []
    for i in range(count):
        texts = [row[i] for row in block.rows if i < len(row)]
        words = [len(w) for t in [*texts, block.header[i]] for w in t.split()]
        average = sum(map(len, texts)) / len(texts) if texts else 0
        needs.append(min(max(max(words, default=4), average, 4), 45))
    widths = [total_cm * n / sum(needs) for n in needs]
    return [round(w, 1) for w in widths]


def rasterise(svgs: list[str]) -> dict[str, bytes]:
    """{svg: png} for every distinct SVG. Sequential on purpose: a process
    pool must spawn (the server's threads may hold locks a fork would copy)
    and re-imports the caller's main module, which cost more than it saved."""
    return {svg: figure_png(svg) for svg in dict.fromkeys(svgs)}


@lru_cache(maxsize=256)
def figure_png(svg: str, width_px: int = 800) -> bytes:
    """The SVG as PNG (about 185 dpi at the charts' 11 cm)."""
    return cairosvg.svg2png(bytestring=svg.encode("utf-8"), output_width=width_px)


def svg_size(svg: str) -> tuple[float, float]:
    """Width and height of our SVGs (their viewBox, else width/height)."""
    box = re.search(r'viewBox="([-\d. ]+)"', svg)
    if box:
        values = [float(v) for v in box.group(1).split()]
        if len(values) == 4 and values[2] > 0 and values[3] > 0:
            return values[2], values[3]
    width = re.search(r'width="([\d.]+)', svg)
    height = re.search(r'height="([\d.]+)', svg)
    if width and height:
        return float(width.group(1)), float(height.group(1))
    return 4.0, 3.0
