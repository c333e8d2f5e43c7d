"""`flask --app survey_app diagnostics` and `flask --app survey_app document`."""

import click
from flask import Flask
from flask.cli import with_appcontext

from analysis.document_pdf import ConversionError
from survey_app.db import get_db

from .document import Selection, diagnostic_surveys, diagnostic_workshops
from .document_files import FORMATS, write_document


@click.command("diagnostics")
@with_appcontext
def diagnostics_command() -> None:
    """Liste les diagnostics : id, titre, enquêtes, réponses, ateliers."""
    db = get_db()
    rows = db.execute("SELECT id, title FROM diagnostics ORDER BY id").fetchall()
    if not rows:
        click.echo("Aucun diagnostic.")
    for diagnostic_id, title in rows:
        surveys = diagnostic_surveys(db, diagnostic_id)
        workshops = diagnostic_workshops(db, diagnostic_id)
        click.echo(
            f"{diagnostic_id}\t{title}\t{len(surveys)} enquête(s)\t"
            f"{sum(s['answers'] for s in surveys)} réponse(s)\t"
            f"{len(workshops)} atelier(s)"
        )


@click.command("document")
@click.argument("diagnostic_id", type=int)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(FORMATS)),
    default="odt",
    show_default=True,
    help="odt, docx ou pdf.",
)
@click.option(
    "--output",
    "-o",
    required=True,
    type=click.Path(dir_okay=False, writable=True),
    help="Fichier à écrire.",
)
@with_appcontext
def document_command(diagnostic_id: int, fmt: str, output: str) -> None:
    """Écrit le document du diagnostic (toutes ses enquêtes et ateliers)."""
    db = get_db()
    if (
        db.execute("SELECT 1 FROM diagnostics WHERE id = ?", [diagnostic_id]).fetchone()
        is None
    ):
        raise click.ClickException(f"Aucun diagnostic n°{diagnostic_id}.")
    try:
        write_document(
            db, diagnostic_id, Selection.everything(db, diagnostic_id), fmt, output
        )
    except ConversionError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Document écrit dans {output}.", err=True)


def init_app(app: Flask) -> None:
    app.cli.add_command(diagnostics_command)
    app.cli.add_command(document_command)
