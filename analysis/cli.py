"""`flask --app survey_app export CODE --format xlsx --output FILE`.

CODE is a survey's code or the code of one of its collection points (the
one printed on the poster): either way the whole survey is exported.
"""

import sys

import click
from flask import Flask
from flask.cli import with_appcontext

from diagnostic.margins import reweighted
from survey_app.db import get_db
from survey_app.surveys.model import point_by_code

from .exports import FORMATS, export
from .frames import load_survey


def survey_id_for_code(code: str) -> int | None:
    """The survey with this code, or owning the collection point with it."""
    code = code.strip().lower()
    row = get_db().execute("SELECT id FROM surveys WHERE code = ?", [code]).fetchone()
    if row is not None:
        return row[0]
    point = point_by_code(get_db(), code)
    return point["survey_id"] if point else None


@click.command("export")
@click.argument("code")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(FORMATS)),
    default="csv",
    show_default=True,
    help="csv (Excel français), csv-comma, xlsx, ods ou json.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True),
    help="Fichier à écrire (par défaut : la sortie standard).",
)
@with_appcontext
def export_command(code: str, fmt: str, output: str | None) -> None:
    """Exporte toutes les réponses d'une enquête (code d'enquête ou de lieu)."""
    survey_id = survey_id_for_code(code)
    if survey_id is None:
        raise click.ClickException(f"Aucune enquête ni lieu avec le code « {code} ».")
    frames, weighting = reweighted(get_db(), load_survey(get_db(), survey_id))
    if weighting.error:
        click.echo(f"Résultats non redressés : {weighting.error}", err=True)
    if output:
        export(frames, fmt, output)
        click.echo(
            f"{len(frames.wide)} réponse(s) exportée(s) dans {output}.", err=True
        )
        return
    sys.stdout.flush()
    stream = sys.stdout.buffer
    if fmt in {"xlsx", "ods"} and sys.stdout.isatty():
        raise click.ClickException(
            "Ce format est binaire : indiquez --output FICHIER ou redirigez la sortie."
        )
    export(frames, fmt, stream)
    stream.flush()


def init_app(app: Flask) -> None:
    app.cli.add_command(export_command)
