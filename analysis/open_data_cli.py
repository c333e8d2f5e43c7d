"""`flask --app survey_app export-open-data ID -o DIR [--free-text]`.

Writes a diagnostic's answers (anonymised), figures (small cells hidden)
and questions as Parquet, with datapackage.json describing every column:
the files a region or a national body collects from many instances and
reads together with analysis/rollup.py (README, "Au-delà d'un serveur").
"""

import hashlib
import hmac
from urllib.parse import urlparse

import click
import pandas as pd
from flask import Flask, current_app
from flask.cli import with_appcontext

from diagnostic.margins import reweighted
from survey_app.dates import now
from survey_app.db import get_db
from survey_app.settings import setting

from .frames import load_survey
from .open_data import Place, aggregates_table, answers_table, questions_table
from .open_data_schema import Resource, merge_columns, write_package

LOCAL_SOURCE = "instance-locale"


def survey_token(secret: str, survey: dict) -> str:
    """An opaque survey id: the same at every export, meaningless outside.

    Keyed with the instance's secret so that it cannot be traced back to
    the survey's public code (printed on posters) or its row number.
    """
    message = f"open-data/{survey['id']}/{survey['code']}/{survey['created_at']}"
    digest = hmac.new(secret.encode(), message.encode(), hashlib.sha256)
    return digest.hexdigest()[:16]


def default_source() -> str:
    base = setting(current_app.config, "PUBLIC_BASE_URL")
    return (urlparse(base).hostname if base else None) or LOCAL_SOURCE


def _territory(db, diagnostic_id: int) -> list[str]:
    rows = db.execute(
        """SELECT DISTINCT c.departement FROM diagnostic_communes dc
           JOIN communes c ON c.code = dc.commune_code
           WHERE dc.diagnostic_id = ? AND c.departement IS NOT NULL
           ORDER BY 1""",
        [diagnostic_id],
    )
    return [r[0] for r in rows]


def _departements(db) -> dict[str, str]:
    rows = db.execute("SELECT code, departement FROM communes")
    return {code: dep for code, dep in rows if dep}


@click.command("export-open-data")
@click.argument("diagnostic_id", type=int)
@click.option(
    "--output",
    "-o",
    required=True,
    type=click.Path(file_okay=False, writable=True),
    help="Dossier où écrire les fichiers Parquet et datapackage.json.",
)
@click.option(
    "--free-text",
    is_flag=True,
    help="Inclure les textes libres (à relire avant toute diffusion).",
)
@click.option(
    "--source",
    help="Nom de cette instance dans les fichiers (par défaut : le nom de "
    "domaine de PUBLIC_BASE_URL).",
)
@with_appcontext
def export_open_data_command(
    diagnostic_id: int, output: str, free_text: bool, source: str | None
) -> None:
    """Exporte les réponses anonymisées et les chiffres d'un diagnostic (Parquet)."""
    db = get_db()
    diagnostic = db.execute(
        "SELECT id, title FROM diagnostics WHERE id = ?", [diagnostic_id]
    ).fetchone()
    if diagnostic is None:
        raise click.ClickException(f"Aucun diagnostic n°{diagnostic_id}.")
    surveys = [
        dict(r)
        for r in db.execute(
            "SELECT id, code, title, created_at FROM surveys "
            "WHERE diagnostic_id = ? AND EXISTS "
            "(SELECT 1 FROM responses r WHERE r.survey_id = surveys.id) ORDER BY id",
            [diagnostic_id],
        )
    ]
    if not surveys:
        raise click.ClickException("Ce diagnostic n'a encore aucune réponse.")
    source = (source or default_source()).strip()
    secret = setting(current_app.config, "SECRET_KEY")
    if not secret:
        raise click.ClickException(
            "Clé secrète absente : lancez d'abord `flask --app survey_app init`."
        )
    territory, departement_of = _territory(db, diagnostic_id), _departements(db)
    parts: dict[str, list] = {"reponses": [], "agregats": [], "questions": []}
    for survey in surveys:
        frames, weighting = reweighted(db, load_survey(db, survey["id"]))
        if weighting.error:
            click.echo(f"{survey['title']} : non redressée.", err=True)
        place = Place(
            source, survey_token(secret, survey), departement_of, territory, free_text
        )
        answers = answers_table(frames, place)
        parts["reponses"].append(answers)
        parts["agregats"].append(aggregates_table(frames, place))
        parts["questions"].append(
            questions_table(frames, place, {c.name for c in answers[1]})
        )
    resources = [
        _resource(name, parts[name], *about) for name, about in RESOURCES.items()
    ]
    write_package(
        output,
        resources,
        title=f"Inclusion numérique, diagnostic territorial : {diagnostic['title']}",
        description=DESCRIPTION + (FREE_TEXT_WARNING if free_text else ""),
        created=now(),
        extra={"sources": [{"title": source}], "free_text": free_text},
    )
    click.echo(
        f"{sum(len(a[0]) for a in parts['reponses'])} réponse(s) de "
        f"{len(surveys)} enquête(s) écrites dans {output}.",
        err=True,
    )


DESCRIPTION = (
    "Réponses anonymisées (une ligne par personne : ni texte libre, ni date, ni "
    "lieu nommé ; communes rares et nombres extrêmes regroupés) et chiffres par "
    "question et par choix (moins de 5 personnes : caché). Les réponses "
    "individuelles se transmettent à l'organisme qui agrège ; les agrégats se "
    "publient."
)
FREE_TEXT_WARNING = (
    " Ce jeu contient les textes libres tels que saisis : relisez-les avant "
    "toute diffusion (noms, adresses, santé)."
)
RESOURCES = {
    "reponses": (
        "Réponses anonymisées",
        "Une ligne par personne ayant répondu, dans un ordre tiré au hasard.",
        ["source", "enquete", "reponse"],
    ),
    "agregats": (
        "Résultats par question et par choix",
        "Effectifs, parts et intervalles de confiance à 95 % ; petits effectifs "
        "cachés.",
        [],
    ),
    "questions": (
        "Dictionnaire des questions",
        "Chaque question et chaque choix, avec la colonne qui le porte.",
        [],
    ),
}


def _resource(name: str, parts: list, title: str, description: str, key: list):
    frames = [frame for frame, _ in parts]
    return Resource(
        name,
        title,
        description,
        pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(),
        merge_columns([columns for _, columns in parts]),
        key,
    )


def init_app(app: Flask) -> None:
    app.cli.add_command(export_open_data_command)
