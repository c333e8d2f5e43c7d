"""OpenDocument spreadsheets (.ods) for LibreOffice users, written as a stream.

odfpy builds every cell as a DOM node: 10,000 responses × 30 questions took
25 s of CPU here, so 100,000 would take minutes. Like xlsx.py, this module
writes the parts of the zip directly (the format is plain XML); odfpy reads
the result back in the tests and LibreOffice converts it.

Same sheets and cell rules as the XLSX export (`cells.cell_value`):
formulas neutralised, dates typed as dates, missing values left empty.
"""

import datetime as dt
import re
import zipfile
from collections.abc import Sequence
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

import pandas as pd

from .cells import cell_value, column_fragments, write_rows
from .xlsx import sheet_name

MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'office:version="1.3"'
)
MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:'
    'manifest:1.0" manifest:version="1.3">'
    f'<manifest:file-entry manifest:full-path="/" manifest:version="1.3" '
    f'manifest:media-type="{MIMETYPE}"/>'
    '<manifest:file-entry manifest:full-path="content.xml" '
    'manifest:media-type="text/xml"/>'
    '<manifest:file-entry manifest:full-path="styles.xml" '
    'manifest:media-type="text/xml"/></manifest:manifest>'
)
STYLES = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    f"<office:document-styles {NAMESPACES}><office:styles/>"
    "</office:document-styles>"
)
AUTOMATIC_STYLES = (
    "<office:automatic-styles>"
    '<style:style style:name="colonne" style:family="table-column">'
    '<style:table-column-properties style:column-width="4cm"/></style:style>'
    '<style:style style:name="entete" style:family="table-cell">'
    '<style:text-properties fo:font-weight="bold"/></style:style>'
    '<number:date-style style:name="date-heure">'
    '<number:day number:style="long"/><number:text>/</number:text>'
    '<number:month number:style="long"/><number:text>/</number:text>'
    '<number:year number:style="long"/><number:text> </number:text>'
    '<number:hours number:style="long"/><number:text>:</number:text>'
    '<number:minutes number:style="long"/></number:date-style>'
    '<style:style style:name="date" style:family="table-cell" '
    'style:data-style-name="date-heure"/>'
    "</office:automatic-styles>"
)
SPACES_RE = re.compile(r"  +|^ |\t")


def _paragraphs(text: str) -> str:
    """Text as <text:p> lines, keeping repeated spaces and tabs (ODF collapses)."""

    def keep(match: re.Match[str]) -> str:
        run = match.group(0)
        if run == "\t":
            return "<text:tab/>"
        if match.start() == 0 and run == " ":
            return "<text:s/>"
        return f' <text:s text:c="{len(run) - 1}"/>'

    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "".join(
        f"<text:p>{SPACES_RE.sub(keep, escape(line))}</text:p>" for line in lines
    )


def _cell(value: Any, style: str = "") -> str:
    value = cell_value(value)
    if value is None:
        return "<table:table-cell/>"
    styled = f' table:style-name="{style}"' if style else ""
    if isinstance(value, str):
        return (
            f'<table:table-cell office:value-type="string"{styled}>'
            f"{_paragraphs(value)}</table:table-cell>"
        )
    if isinstance(value, dt.datetime):
        return (
            '<table:table-cell office:value-type="date" table:style-name="date" '
            f'office:date-value="{value.isoformat(timespec="seconds")}"/>'
        )
    return f'<table:table-cell office:value-type="float" office:value="{value!r}"/>'


def write_sheets_ods(
    sheets: Sequence[tuple[str, pd.DataFrame]], target: str | IO[bytes]
) -> None:
    """Write (name, frame) sheets as an .ods document to a path or binary file."""
    taken: set[str] = set()
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        # The mimetype must come first and uncompressed (ODF packaging rule).
        archive.writestr(
            zipfile.ZipInfo("mimetype"), MIMETYPE, compress_type=zipfile.ZIP_STORED
        )
        archive.writestr("META-INF/manifest.xml", MANIFEST)
        archive.writestr("styles.xml", STYLES)
        with archive.open("content.xml", "w") as handle:
            handle.write(
                (
                    '<?xml version="1.0" encoding="UTF-8"?>\n'
                    f"<office:document-content {NAMESPACES}>{AUTOMATIC_STYLES}"
                    "<office:body><office:spreadsheet>"
                ).encode()
            )
            for name, frame in sheets:
                _write_table(handle, sheet_name(name, taken), frame)
            handle.write(
                b"</office:spreadsheet></office:body></office:document-content>"
            )


def _write_table(handle: IO[bytes], name: str, frame: pd.DataFrame) -> None:
    ncols = max(len(frame.columns), 1)
    header = "".join(_cell(str(title), "entete") for title in frame.columns)
    handle.write(
        (
            f"<table:table table:name={quoteattr(name)}>"
            f'<table:table-column table:style-name="colonne" '
            f'table:number-columns-repeated="{ncols}"/>'
            f"<table:table-row>{header}</table:table-row>"
        ).encode()
    )
    columns = [
        column_fragments(frame.iloc[:, i], _cell) for i in range(len(frame.columns))
    ]
    write_rows(handle, columns, "<table:table-row>", "</table:table-row>")
    handle.write(b"</table:table>")
