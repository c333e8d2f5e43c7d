"""The document in a format: one place for the web page, the CLI and bench."""

from typing import IO

from analysis.document_docx import write_docx
from analysis.document_odt import write_odt
from analysis.document_pdf import write_pdf

from .document import Selection, build_document

FORMATS = {
    # format: (content type, label)
    "odt": ("application/vnd.oasis.opendocument.text", "ODT (LibreOffice, modifiable)"),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "DOCX (Word, modifiable)",
    ),
    "pdf": ("application/pdf", "PDF (à imprimer ou envoyer)"),
}
WRITERS = {"odt": write_odt, "docx": write_docx, "pdf": write_pdf}


def write_document(
    db, diagnostic_id: int, selection: Selection, fmt: str, target: str | IO[bytes]
) -> None:
    """Build the document and write it in `fmt` (a key of FORMATS)."""
    WRITERS[fmt](build_document(db, diagnostic_id, selection), target)
