"""The document model as Word (.docx), with python-docx.

Headings use Word's built-in "Heading 1…3" styles (so the navigation pane
and the table of contents find them). python-docx has no API for fields:
the footer's page number is the standard PAGE field (`w:fldSimple`), and the
table of contents a TOC field whose result is pre-filled, through
python-docx's own oxml helpers, with one line per heading ending with a
PAGEREF field to a bookmark on that heading: LibreOffice computes those page
numbers when it opens or converts the file, and Word (asked to refresh
fields on opening) rebuilds the whole table. Charts are PNG (Word's SVG
support needs a PNG fallback anyway).
"""

from io import BytesIO
from typing import IO

from docx import Document as new_docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.shape import CT_Inline
from docx.shared import Cm, Pt, RGBColor

from . import document_model as m

PAGE_WIDTH_CM = 17.0
FIRST_SHAPE_ID = 1000  # above the template's own drawing ids
TOC_LEVELS = 2


def _field(paragraph, instruction: str, placeholder: str) -> None:
    """A simple field (TOC, PAGE) whose result Word or LibreOffice computes."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = placeholder
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _run(paragraph, **children: str):
    """A run holding one w:fldChar (type) or w:instrText / w:t (text)."""
    run = OxmlElement("w:r")
    for tag, value in children.items():
        if tag == "fldChar":
            child = OxmlElement("w:fldChar")
            child.set(qn("w:fldCharType"), value)
        else:
            child = OxmlElement(f"w:{tag}")
            child.set(qn("xml:space"), "preserve")
            child.text = value
        run.append(child)
    paragraph._p.append(run)


def _complex_field(paragraph, instruction: str, result: str) -> None:
    """begin · instruction · separate · cached result · end, in one paragraph."""
    _run(paragraph, fldChar="begin")
    _run(paragraph, instrText=f" {instruction} ")
    _run(paragraph, fldChar="separate")
    _run(paragraph, t=result)
    _run(paragraph, fldChar="end")


def _bookmark(paragraph, number: int) -> None:
    """Bookmark `_Toc<number>` around the heading (what PAGEREF points at)."""
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(number))
    start.set(qn("w:name"), f"_Toc{number:06d}")
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(number))
    paragraph._p.insert(1 if paragraph._p.pPr is not None else 0, start)
    paragraph._p.append(end)


def _toc(doc, document: m.Document, title: str) -> None:
    """The TOC field, its result pre-filled: "Heading ……… PAGEREF"."""
    doc.add_paragraph(title, style="TOC Heading")
    opening = doc.add_paragraph()
    _run(opening, fldChar="begin")
    _run(opening, instrText=f' TOC \\o "1-{TOC_LEVELS}" \\h \\z \\u ')
    _run(opening, fldChar="separate")
    for number, heading in enumerate(document.headings()):
        if not 1 <= heading.level <= TOC_LEVELS:
            continue
        entry = _styled(doc, "", f"TOC{heading.level}")
        tabs = entry.paragraph_format.tab_stops
        tabs.add_tab_stop(
            Cm(PAGE_WIDTH_CM - 0.6 * (heading.level - 1)),
            WD_TAB_ALIGNMENT.RIGHT,
            WD_TAB_LEADER.DOTS,
        )
        entry.add_run(heading.text)
        entry.add_run("\t")
        _complex_field(entry, f"PAGEREF _Toc{number:06d} \\h", "")
    _run(doc.add_paragraph(), fldChar="end")


def _update_fields_on_open(doc) -> None:
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    doc.settings.element.append(update)


def _setup(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2))
    section.top_margin, section.bottom_margin = Cm(1.8), Cm(1.5)
    normal = doc.styles["Normal"]
    normal.font.name = "DejaVu Sans"
    normal.font.size = Pt(10.5)
    doc.styles["Caption"].paragraph_format.keep_with_next = True
    note = doc.styles.add_style("Note", WD_STYLE_TYPE.PARAGRAPH)
    note.base_style = normal
    note.font.size = Pt(9)
    note.font.color.rgb = RGBColor(0x55, 0x55, 0x55)
    cells = doc.styles.add_style("Table Contents", WD_STYLE_TYPE.PARAGRAPH)
    cells.style_id = "TableContents"
    cells.base_style = normal
    cells.font.size = Pt(9)
    cells.paragraph_format.space_after = Pt(0)
    for level in range(1, TOC_LEVELS + 1):
        # Word's built-in "toc N" styles (python-docx's template lacks them).
        style = doc.styles.add_style(f"toc {level}", WD_STYLE_TYPE.PARAGRAPH)
        style.style_id = f"TOC{level}"
        style.base_style = normal
        style.paragraph_format.left_indent = Cm(0.6 * (level - 1))
        style.paragraph_format.space_after = Pt(2)
        style.font.bold = level == 1
    footer = section.footer.paragraphs[0]
    footer.add_run("Page ")
    _field(footer, "PAGE", "1")


def _table(doc, block: m.Table) -> None:
    _styled(doc, block.caption, "Caption")
    if block.basis:
        _note(doc, block.basis).paragraph_format.keep_with_next = True
    widths = [Cm(w) for w in m.column_widths(block, PAGE_WIDTH_CM)]
    # All rows at once: python-docx's add_row copies the grid row by row.
    table = doc.add_table(rows=1 + len(block.rows), cols=len(widths))
    table._tbl.tblPr.style = "TableGrid"
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # the grid (LibreOffice reads it)
    rows = table._tbl.tr_lst
    _cells(rows[0], block.header, widths, bold=True)
    # The header row repeats on every page of a long table.
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    rows[0].get_or_add_trPr().append(repeat)
    for tr, values in zip(rows[1:], block.rows, strict=True):
        _cells(tr, values, widths)
    for note in block.notes:
        _note(doc, note)


def _cells(tr, texts: list[str], widths: list, bold: bool = False) -> None:
    for tc, text, width in zip(tr.tc_lst, texts, widths, strict=False):
        tc.tcPr.tcW.w = width  # Word reads each cell's width, LibreOffice the grid
        p = tc.p_lst[0]
        _style_element(p, "TableContents")
        _text_run(p, text, bold)


def _style_element(p, style_id: str) -> None:
    """Give a new, empty w:p its style. python-docx's setters walk the
    schema's list of successors for each element they add (0.7 ms a
    paragraph, most of a long document's time); a new paragraph has none."""
    properties = OxmlElement("w:pPr")
    style = OxmlElement("w:pStyle")
    style.set(qn("w:val"), style_id)
    properties.append(style)
    p.insert(0, properties)


def _text_run(p, text: str, bold: bool = False) -> None:
    """Append a run of plain text to the w:p (python-docx's own setter when
    the text holds tabs or line breaks, which it turns into w:tab / w:br)."""
    run = OxmlElement("w:r")
    if bold:
        properties = OxmlElement("w:rPr")
        properties.append(OxmlElement("w:b"))
        run.append(properties)
    p.append(run)
    if any(c in text for c in "\t\n\r"):
        run.text = text
        return
    element = OxmlElement("w:t")
    element.set(qn("xml:space"), "preserve")
    element.text = text
    run.append(element)


def _styled(doc, text: str, style_id: str, bold: bool = False):
    """A paragraph in a style, by its id: python-docx's lookup by name scans
    every style (12 ms a paragraph, minutes for a big document)."""
    paragraph = doc.add_paragraph()
    if style_id:
        _style_element(paragraph._p, style_id)
    if text:
        _text_run(paragraph._p, text, bold)
    return paragraph


def _note(doc, text: str):
    return _styled(doc, text, "Note")


def _figure(doc, block: m.Figure, number: int, png: bytes) -> None:
    width = Cm(min(block.width_cm, PAGE_WIDTH_CM))
    paragraph = doc.add_paragraph()
    # A chart stays with what follows it (its table), as the caption does.
    paragraph.paragraph_format.keep_with_next = True
    # python-docx's add_picture numbers the drawing by scanning every id of
    # the document (quadratic: 3 s for 120 charts); figures number their own.
    r_id, image = doc.part.get_or_add_image(BytesIO(png))
    cx, cy = image.scaled_dimensions(width, None)
    inline = CT_Inline.new_pic_inline(
        FIRST_SHAPE_ID + number, r_id, image.filename, cx, cy
    )
    # Alternative text: the drawing's description (what screen readers say).
    inline.docPr.set("descr", block.alt)
    inline.docPr.set("name", f"Figure {number}")
    paragraph.add_run()._r.add_drawing(inline)


def _heading(doc, block: m.Heading, number: int) -> None:
    """The title (level 0) or a heading, bookmarked for the contents' pages."""
    style = f"Heading{block.level}" if block.level else "Title"
    heading = _styled(doc, block.text, style)
    if 1 <= block.level <= TOC_LEVELS:
        _bookmark(heading, number)


def _paragraph(doc, block: m.Paragraph) -> None:
    if block.style == "quote":
        _styled(doc, block.text, "Quote")
    elif block.style == "note":
        _note(doc, block.text)
    else:
        _styled(doc, block.text, "", bold=block.style == "lead")


def write_docx(document: m.Document, target: str | IO[bytes]) -> None:
    """Write the document as .docx to a path or a binary file object."""
    doc = new_docx()
    _setup(doc)
    _update_fields_on_open(doc)
    doc.core_properties.title = document.title
    doc.core_properties.subject = document.subtitle
    figures = 0
    headings = -1
    pngs = m.rasterise([b.svg for b in document.blocks if isinstance(b, m.Figure)])
    for block in document.blocks:
        if isinstance(block, m.Heading):
            headings += 1
            _heading(doc, block, headings)
        elif isinstance(block, m.Paragraph):
            _paragraph(doc, block)
        elif isinstance(block, m.Bullets):
            for text in block.items:
                _styled(doc, text, "ListBullet")
        elif isinstance(block, m.Table):
            _table(doc, block)
        elif isinstance(block, m.Figure):
            figures += 1
            _figure(doc, block, figures, pngs[block.svg])
        elif isinstance(block, m.PageBreak):
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif isinstance(block, m.TableOfContents):
            _toc(doc, document, block.title)
    doc.save(target)
