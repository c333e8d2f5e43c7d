"""The document model as Word (.docx), with python-docx.

Headings use Word's built-in "Heading 1…3" styles (so the navigation pane
and the table of contents find them). python-docx has no API for fields:
the table of contents and the footer's page number are the two standard
field codes (TOC, PAGE), added as a `w:fldSimple` element through
python-docx's own oxml helpers; Word is asked to refresh fields on opening.
Charts are PNG (Word's SVG support needs a PNG fallback anyway).
"""

from io import BytesIO
from typing import IO

from docx import Document as new_docx
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from . import document_model as m

PAGE_WIDTH_CM = 17.0


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
    footer = section.footer.paragraphs[0]
    footer.add_run("Page ")
    _field(footer, "PAGE", "1")


def _table(doc, block: m.Table) -> None:
    _styled(doc, block.caption, "Caption")
    if block.basis:
        _note(doc, block.basis)
    columns = max(len(block.header), 1)
    table = doc.add_table(rows=1, cols=columns)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, block.header, strict=False):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    # The header row repeats on every page of a long table.
    header = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header.append(repeat)
    for values in block.rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=False):
            cell.text = text
    for row in table.rows:
        for cell in row.cells:
            for p in cell.paragraphs:
                for run in p.runs:
                    run.font.size = Pt(9)
    for note in block.notes:
        _note(doc, note)


def _styled(doc, text: str, style_id: str):
    """A paragraph in a built-in style, by its id: python-docx's lookup by
    name scans every style (12 ms a paragraph, minutes for a big document)."""
    paragraph = doc.add_paragraph(text)
    paragraph._p.get_or_add_pPr().style = style_id
    return paragraph


def _note(doc, text: str) -> None:
    run = doc.add_paragraph().add_run(text)
    run.font.size = Pt(9)
    run.font.color.rgb = RGBColor(0x55, 0x55, 0x55)


def _figure(doc, block: m.Figure, number: int, png: bytes) -> None:
    width = Cm(min(block.width_cm, PAGE_WIDTH_CM))
    shape = doc.add_paragraph().add_run().add_picture(BytesIO(png), width=width)
    # Alternative text: the drawing's description (what screen readers say).
    shape._inline.docPr.set("descr", block.alt)
    shape._inline.docPr.set("name", f"Figure {number}")


def write_docx(document: m.Document, target: str | IO[bytes]) -> None:
    """Write the document as .docx to a path or a binary file object."""
    doc = new_docx()
    _setup(doc)
    _update_fields_on_open(doc)
    doc.core_properties.title = document.title
    doc.core_properties.subject = document.subtitle
    figures = 0
    pngs = m.rasterise([b.svg for b in document.blocks if isinstance(b, m.Figure)])
    for block in document.blocks:
        if isinstance(block, m.Heading):
            _styled(
                doc, block.text, f"Heading{block.level}" if block.level else "Title"
            )
        elif isinstance(block, m.Paragraph):
            if block.style == "quote":
                _styled(doc, block.text, "Quote")
            elif block.style == "note":
                _note(doc, block.text)
            else:
                run = doc.add_paragraph().add_run(block.text)
                run.bold = block.style == "lead"
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
            doc.add_paragraph(block.title, style="TOC Heading")
            _field(
                doc.add_paragraph(),
                'TOC \\o "1-3" \\h \\z \\u',
                "Sommaire : clic droit › Mettre à jour les champs.",
            )
    doc.save(target)
