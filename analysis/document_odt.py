"""The document model as OpenDocument text (.odt), with odfpy.

Headings use the named styles "Heading 1…3" with their outline level, so
LibreOffice's navigator and the table of contents find them. The table of
contents (a real text:table-of-content, which Outils › Mettre à jour
rebuilds) is pre-filled with one line per heading ending with a page
reference to a bookmark on that heading: references are fields, which
LibreOffice computes whenever it lays the document out, so the PDF
conversion prints the right page numbers without updating the index. The
footer carries the page number. Every text goes through
`teletype.addTextToElement`: user text is text, never markup.
"""

from collections.abc import Iterator
from typing import IO, Any

from odf import draw, svg, teletype
from odf.opendocument import OpenDocumentText
from odf.style import (
    Footer,
    GraphicProperties,
    MasterPage,
    PageLayout,
    PageLayoutProperties,
    ParagraphProperties,
    Style,
    TableCellProperties,
    TableColumnProperties,
    TableProperties,
    TabStop,
    TabStops,
    TextProperties,
)
from odf.table import Table, TableCell, TableColumn, TableHeaderRows, TableRow
from odf.text import (
    Bookmark,
    BookmarkRef,
    H,
    IndexBody,
    IndexEntryLinkEnd,
    IndexEntryLinkStart,
    IndexEntryPageNumber,
    IndexEntryTabStop,
    IndexEntryText,
    IndexTitle,
    IndexTitleTemplate,
    List,
    ListItem,
    P,
    PageNumber,
    Tab,
    TableOfContent,
    TableOfContentEntryTemplate,
    TableOfContentSource,
)

from . import document_model as m

FONT = "DejaVu Sans"
PAGE_WIDTH_CM = 17.0  # A4 minus 2 cm margins
TOC_LEVELS = 2


class _Styles:
    """The named and automatic styles of one document."""

    def __init__(self, doc: OpenDocumentText) -> None:
        self.doc = doc
        s = doc.styles
        base = Style(name="Standard", family="paragraph")
        base.addElement(
            TextProperties(fontname=FONT, fontfamily=FONT, fontsize="10.5pt")
        )
        base.addElement(ParagraphProperties(margintop="0cm", marginbottom="0.2cm"))
        s.addElement(base)
        self.paragraph = self._named("Text_20_body", "Text body", "Standard")
        self.heading: dict[int, Style] = {}
        sizes = {0: "24pt", 1: "18pt", 2: "14pt", 3: "12pt"}
        for level, size in sizes.items():
            name, display = (
                ("Title", "Title")
                if level == 0
                else (f"Heading_20_{level}", f"Heading {level}")
            )
            outline = {"defaultoutlinelevel": str(level)} if level else {}
            style = Style(
                name=name,
                displayname=display,
                family="paragraph",
                parentstylename="Standard",
                nextstylename="Text_20_body",
                **outline,
            )
            style.addElement(
                TextProperties(fontsize=size, fontweight="bold", color="#1f3b63")
            )
            style.addElement(
                ParagraphProperties(
                    margintop="0.5cm", marginbottom="0.25cm", keepwithnext="always"
                )
            )
            s.addElement(style)
            self.heading[level] = style
        self.lead = self._named("Lead", "Lead", "Standard", fontweight="bold")
        self.note = self._named(
            "Note", "Note", "Standard", fontsize="9pt", color="#555555"
        )
        self.quote = self._named(
            "Quotations", "Quotations", "Standard", fontstyle="italic", marginleft="1cm"
        )
        # A table's caption and basis stay with the table, a chart with what
        # follows it (its table, in the needs chapter): no orphan chart.
        self.caption = self._named(
            "Caption",
            "Caption",
            "Standard",
            fontweight="bold",
            fontsize="10pt",
            keepwithnext="always",
        )
        self.basis = self._named(
            "Table_20_Basis",
            "Table Basis",
            "Note",
            keepwithnext="always",
        )
        self.figure = self._named(
            "Graphique", "Graphique", "Standard", keepwithnext="always"
        )
        # Cells without the body text's space below: rows one line high.
        self.cell = self._named(
            "Table_20_Contents",
            "Table Contents",
            "Standard",
            fontsize="9pt",
            marginbottom="0cm",
        )
        self.cell_head = self._named(
            "Table_20_Heading",
            "Table Heading",
            "Standard",
            fontsize="9pt",
            fontweight="bold",
            marginbottom="0cm",
        )
        self.contents = {
            level: self._named(
                f"Contents_20_{level}",
                f"Contents {level}",
                "Standard",
                marginleft=f"{(level - 1) * 0.6}cm",
                right_tab_cm=f"{PAGE_WIDTH_CM - (level - 1) * 0.6:.1f}",
                **({"fontweight": "bold", "margintop": "0.2cm"} if level == 1 else {}),
            )
            for level in range(1, TOC_LEVELS + 1)
        }
        a = doc.automaticstyles
        self.page_break = Style(
            name="SautDePage", family="paragraph", parentstylename="Standard"
        )
        self.page_break.addElement(ParagraphProperties(breakbefore="page"))
        a.addElement(self.page_break)
        self.table = Style(name="Tableau", family="table")
        self.table.addElement(TableProperties(width=f"{PAGE_WIDTH_CM}cm", align="left"))
        a.addElement(self.table)
        self.table_cell = Style(name="Case", family="table-cell")
        self.table_cell.addElement(
            TableCellProperties(
                border="0.5pt solid #999999", padding="0.04cm", paddingleft="0.1cm"
            )
        )
        a.addElement(self.table_cell)
        self.frame = Style(name="Cadre", family="graphic")
        self.frame.addElement(
            GraphicProperties(anchortype="as-char", verticalpos="top")
        )
        a.addElement(self.frame)
        self._columns: dict[int, Style] = {}
        layout = PageLayout(name="A4")
        layout.addElement(
            PageLayoutProperties(
                pagewidth="21cm",
                pageheight="29.7cm",
                margintop="1.8cm",
                marginbottom="1.5cm",
                marginleft="2cm",
                marginright="2cm",
            )
        )
        a.addElement(layout)
        master = MasterPage(name="Standard", pagelayoutname=layout)
        footer = Footer()
        page = P(stylename=self.note)
        page.addText("Page ")
        page.addElement(PageNumber(selectpage="current"))
        footer.addElement(page)
        master.addElement(footer)
        doc.masterstyles.addElement(master)

    def _named(self, name: str, display: str, parent: str, **props) -> Style:
        style = Style(
            name=name, displayname=display, family="paragraph", parentstylename=parent
        )
        para = {
            k: props.pop(k)
            for k in ("marginleft", "margintop", "marginbottom", "keepwithnext")
            if k in props
        }
        tab_at = props.pop("right_tab_cm", None)
        if props:
            style.addElement(TextProperties(**props))
        if para or tab_at:
            properties = ParagraphProperties(**para)
            if tab_at:
                # The page number of a contents line, after a dotted leader.
                stops = TabStops()
                stops.addElement(
                    TabStop(
                        position=f"{tab_at}cm",
                        type="right",
                        leaderstyle="dotted",
                        leadertext=".",
                    )
                )
                properties.addElement(stops)
            style.addElement(properties)
        self.doc.styles.addElement(style)
        return style

    def column(self, width_cm: float) -> Style:
        key = round(width_cm * 10)
        if key not in self._columns:
            style = Style(name=f"Col{key}", family="table-column")
            style.addElement(TableColumnProperties(columnwidth=f"{key / 10}cm"))
            self.doc.automaticstyles.addElement(style)
            self._columns[key] = style
        return self._columns[key]


def _para(style: Style, text: str) -> P:
    p = P(stylename=style)
    teletype.addTextToElement(p, text)
    return p


def _toc(styles: _Styles, document: m.Document, title: str) -> TableOfContent:
    toc = TableOfContent(name="Sommaire", protected="true")
    source = TableOfContentSource(outlinelevel=str(TOC_LEVELS))
    title_template = IndexTitleTemplate(stylename=styles.heading[1])
    teletype.addTextToElement(title_template, title)
    source.addElement(title_template)
    for level in range(1, TOC_LEVELS + 1):
        entry = TableOfContentEntryTemplate(
            outlinelevel=str(level), stylename=styles.contents[level]
        )
        entry.addElement(IndexEntryLinkStart())
        entry.addElement(IndexEntryText())
        entry.addElement(IndexEntryTabStop(type="right", leaderchar="."))
        entry.addElement(IndexEntryPageNumber())
        entry.addElement(IndexEntryLinkEnd())
        source.addElement(entry)
    toc.addElement(source)
    body = IndexBody()
    heading = IndexTitle(name="Sommaire_Titre")
    heading.addElement(_para(styles.heading[1], title))
    body.addElement(heading)
    for number, h in enumerate(document.headings()):
        if 1 <= h.level <= TOC_LEVELS:
            entry = _para(styles.contents[h.level], h.text)
            entry.addElement(Tab())
            ref = BookmarkRef(refname=f"titre-{number}", referenceformat="page")
            ref.addText("?")
            entry.addElement(ref)
            body.addElement(entry)
    toc.addElement(body)
    return toc


def _table(styles: _Styles, block: m.Table, number: int) -> list:
    out = [_para(styles.caption, block.caption)]
    if block.basis:
        out.append(_para(styles.basis, block.basis))
    table = Table(name=f"Tableau{number}", stylename=styles.table)
    for width in m.column_widths(block, PAGE_WIDTH_CM):
        table.addElement(TableColumn(stylename=styles.column(width)))
    head = TableHeaderRows()
    row = TableRow()
    for text in block.header:
        cell = TableCell(stylename=styles.table_cell, valuetype="string")
        cell.addElement(_para(styles.cell_head, text))
        row.addElement(cell)
    head.addElement(row)
    table.addElement(head)
    for values in block.rows:
        row = TableRow()
        for text in values:
            cell = TableCell(stylename=styles.table_cell, valuetype="string")
            cell.addElement(_para(styles.cell, text))
            row.addElement(cell)
        table.addElement(row)
    out.append(table)
    out += [_para(styles.note, note) for note in block.notes]
    return out


def _figure(doc: OpenDocumentText, styles: _Styles, block: m.Figure, n: int) -> P:
    """The chart as SVG: LibreOffice draws it as vectors (sharp in the PDF),
    and nothing has to be rasterised (150 charts take a minute in PNG)."""
    width, height = m.svg_size(block.svg)
    width_cm = min(block.width_cm, PAGE_WIDTH_CM)
    href = doc.addPicture(
        f"Pictures/figure{n}.svg", "image/svg+xml", block.svg.encode("utf-8")
    )
    frame = draw.Frame(
        stylename=styles.frame,
        anchortype="as-char",
        width=f"{width_cm}cm",
        height=f"{width_cm * height / width:.2f}cm",
        name=f"Figure {n}",
    )
    frame.addElement(draw.Image(href=href))
    title = svg.Title()
    teletype.addTextToElement(title, block.alt[:200])
    frame.addElement(title)
    desc = svg.Desc()
    teletype.addTextToElement(desc, block.alt)
    frame.addElement(desc)
    p = P(stylename=styles.figure)
    p.addElement(frame)
    return p


def _heading(styles: "_Styles", block: m.Heading, number: int):
    """The title (level 0) or a numbered heading with its bookmark, which the
    table of contents points at for its page number."""
    if block.level == 0:
        return _para(styles.heading[0], block.text)
    h = H(outlinelevel=max(block.level, 1), stylename=styles.heading[block.level])
    h.addElement(Bookmark(name=f"titre-{number}"))
    teletype.addTextToElement(h, block.text)
    return h


def _bullets(styles: "_Styles", block: m.Bullets):
    items = List()
    for text in block.items:
        item = ListItem()
        item.addElement(_para(styles.paragraph, f"• {text}"))
        items.addElement(item)
    return items


def _with_breaks(blocks: list) -> Iterator[tuple[Any, bool]]:
    """(block, whether a page break comes just before it): ODT breaks pages
    with a paragraph style on the next block, not with a block of its own."""
    pending = False
    for block in blocks:
        if isinstance(block, m.PageBreak):
            pending = True
            continue
        yield block, pending
        pending = False


def write_odt(document: m.Document, target: str | IO[bytes]) -> None:
    """Write the document as .odt to a path or a binary file object."""
    doc = OpenDocumentText()
    styles = _Styles(doc)
    body = doc.text
    tables = figures = 0
    headings = -1
    for block, break_before in _with_breaks(document.blocks):
        if break_before:
            body.addElement(P(stylename=styles.page_break))
        if isinstance(block, m.Heading):
            headings += 1
            body.addElement(_heading(styles, block, headings))
        elif isinstance(block, m.Paragraph):
            style = {
                "lead": styles.lead,
                "note": styles.note,
                "quote": styles.quote,
            }.get(block.style, styles.paragraph)
            body.addElement(_para(style, block.text))
        elif isinstance(block, m.Bullets):
            body.addElement(_bullets(styles, block))
        elif isinstance(block, m.Table):
            tables += 1
            for element in _table(styles, block, tables):
                body.addElement(element)
        elif isinstance(block, m.Figure):
            figures += 1
            body.addElement(_figure(doc, styles, block, figures))
        elif isinstance(block, m.TableOfContents):
            body.addElement(_toc(styles, document, block.title))
    doc.save(target) if isinstance(target, str) else doc.write(target)
