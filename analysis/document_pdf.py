"""The document as PDF: the ODT converted by LibreOffice headless.

Chosen over WeasyPrint (see README, "Le document du diagnostic"): the PDF
is then the very document the conseiller can edit, with the same styles,
and LibreOffice is already installed for the export checks. Each
conversion uses its own throw-away LibreOffice profile, so two conversions
at once (two conseillers, a test and the server) never share a lock.
"""

import os
import re
import shutil
import subprocess
import tempfile
from typing import IO

from . import document_model as m
from .document_odt import write_odt

SOFFICE = os.environ.get("SOFFICE", "soffice")
TIMEOUT_S = 180


class ConversionError(RuntimeError):
    """LibreOffice is missing or failed: the message is French, for the user."""


def convert_to_pdf(source: str, folder: str) -> str:
    """Convert an ODT or DOCX file to PDF in `folder`; return the PDF's path."""
    if shutil.which(SOFFICE) is None:
        raise ConversionError(
            "LibreOffice n'est pas installé sur le serveur : le PDF ne peut pas "
            "être produit. Téléchargez le document en ODT ou DOCX."
        )
    profile = tempfile.mkdtemp(prefix="lo-profile-")
    try:
        done = subprocess.run(
            [
                SOFFICE,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                folder,
                source,
            ],
            capture_output=True,
            timeout=TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise ConversionError("La conversion en PDF a pris trop de temps.") from error
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    pdf = os.path.join(folder, os.path.splitext(os.path.basename(source))[0] + ".pdf")
    if done.returncode != 0 or not os.path.exists(pdf):
        raise ConversionError(
            "La conversion en PDF a échoué : "
            + done.stderr.decode("utf-8", "replace")[-300:]
        )
    return pdf


def write_pdf(document: m.Document, target: str | IO[bytes]) -> None:
    """Write the document as PDF (via its ODT) to a path or binary file."""
    with tempfile.TemporaryDirectory(prefix="document-") as folder:
        source = os.path.join(folder, "diagnostic.odt")
        write_odt(document, source)
        pdf = convert_to_pdf(source, folder)
        if isinstance(target, str):
            shutil.copyfile(pdf, target)
        else:
            with open(pdf, "rb") as f:
                shutil.copyfileobj(f, target)


def pdf_pages(data: bytes) -> int:
    """Number of pages of a PDF LibreOffice wrote (its page objects)."""
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", data))
