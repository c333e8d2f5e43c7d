"""Collection points: the places where a survey is run, each with a QR code.

Every point has its own short code, so `/s/<code>` tells which market,
school or town hall an answer came from. A conseiller lists, adds, renames
and deletes points, and prints one A4 poster per point.
"""

from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    g,
    redirect,
    render_template,
    url_for,
)
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.meta import DefaultMeta
from wtforms.validators import AnyOf, DataRequired, Length, NumberRange, Optional

from ..access import login_required, member_survey
from ..db import get_db, write_transaction
from ..page_slots import add_survey_tab
from ..public_urls import external_url
from ..qr import qr_png, qr_svg
from ..text import fold
from . import duration, model
from .territory_phrase import territory_phrase

bp = Blueprint("points", __name__, url_prefix="/enquetes/<int:survey_id>")

# Rough reading-and-tapping time per question on a phone, for the poster.


class PointForm(FlaskForm):
    class Meta:
        # WTForms' own messages ("Not a valid integer value.") in French.
        locales = ("fr_FR", "fr")

        def get_translations(self, form):
            return DefaultMeta.get_translations(self, form)

    name = StringField(
        "Nom du lieu",
        validators=[
            DataRequired("Donnez un nom au lieu."),
            Length(max=120, message="120 caractères au plus."),
        ],
        description="Par exemple : Marché du samedi, École Jules-Ferry.",
    )
    kind = SelectField(
        "Type de lieu",
        choices=[SelectChoice(k, v) for k, v in model.POINT_KINDS.items()],
        validate_choice=False,
        validators=[AnyOf(list(model.POINT_KINDS), message="Choisissez un type.")],
    )
    target = IntegerField(
        "Objectif de réponses (facultatif)",
        validators=[
            Optional(),
            NumberRange(1, 100_000, "Indiquez un nombre entre 1 et 100 000."),
        ],
        description="Combien de réponses espérez-vous recueillir dans ce lieu ?",
    )


def name_is_free(form: PointForm, survey_id: int, point_id: int = 0) -> bool:
    """False (with a French error on the form) if another point has this name.

    Two points with one name could not be told apart on the dashboard, and
    a double tap on "Ajouter" would otherwise create the same place twice.
    """
    rows = get_db().execute(
        "SELECT name FROM collection_points WHERE survey_id = ? AND id != ?",
        [survey_id, point_id],
    )
    # Folded: "Marché", " marche " and "MARCHÉ" are the same place.
    taken = fold(form.name.data) in {fold(r[0]) for r in rows}
    if taken:
        form.name.errors = [
            *form.name.errors,
            "Un lieu de cette enquête porte déjà ce nom.",
        ]
    return not taken


def public_url(code: str) -> str:
    """Absolute URL of the questionnaire `/s/<code>` (see public_urls)."""
    return external_url("public.start", code=code)


def only_reachable_here(url: str) -> bool:
    """True for localhost URLs: residents' phones cannot open them."""
    return urlsplit(url).hostname in ("localhost", "127.0.0.1", "::1")


def display_url(url: str) -> str:
    """The URL as people type it: no scheme, no trailing slash."""
    return url.split("://", 1)[-1].rstrip("/")


def answers_per_point(survey_id: int) -> dict[int | None, int]:
    rows = get_db().execute(
        "SELECT point_id, count(*) FROM responses WHERE survey_id = ? "
        "GROUP BY point_id",
        [survey_id],
    )
    return {r[0]: r[1] for r in rows}


def survey_points(
    survey_id: int, counts: dict[int | None, int] | None = None
) -> list[dict[str, Any]]:
    """The survey's points, oldest first, with their answer count and URL.

    `counts` (answers per point id) is computed here unless given.
    """
    if counts is None:
        counts = answers_per_point(survey_id)
    rows = get_db().execute(
        "SELECT * FROM collection_points WHERE survey_id = ? ORDER BY id",
        [survey_id],
    )
    points = []
    for row in rows:
        point = dict(row)
        point["answers"] = counts.get(point["id"], 0)
        point["url"] = public_url(point["code"])
        point["kind_label"] = model.POINT_KINDS.get(point["kind"], point["kind"])
        points.append(point)
    return points


def survey_point(survey_id: int, point_id: int) -> tuple[dict, dict]:
    """Return (survey, point) if the user may see the survey.

    :raise 403: not a member of the survey's diagnostic.
    :raise 404: no such survey, or the point belongs to another survey.
    """
    survey = member_survey(survey_id)
    row = get_db().execute(
        "SELECT * FROM collection_points WHERE id = ? AND survey_id = ?",
        [point_id, survey_id],
    )
    point = row.fetchone()
    if point is None:
        abort(404)
    return survey, dict(point)


@bp.route("/lieux", methods=["GET", "POST"])
@login_required
def index(survey_id: int):
    """List the points and add one."""
    survey = member_survey(survey_id)
    form = PointForm()
    if form.validate_on_submit() and name_is_free(form, survey_id):
        model.create_point(
            get_db(),
            survey_id,
            form.name.data.strip(),
            form.kind.data,
            target=form.target.data,
        )
        flash(f"Lieu « {form.name.data.strip()} » ajouté.", "success")
        return redirect(url_for("points.index", survey_id=survey_id))
    status = 400 if form.errors else 200
    return render_template(
        "points/index.html",
        survey=survey,
        diagnostic=g.diagnostic,
        points=survey_points(survey_id),
        survey_url=public_url(survey["code"]),
        local_only=only_reachable_here(public_url(survey["code"])),
        form=form,
    ), status


@bp.route("/lieux/<int:point_id>/modifier", methods=["GET", "POST"])
@login_required
def edit(survey_id: int, point_id: int):
    """Rename a point, change its kind or target (its code never changes)."""
    survey, point = survey_point(survey_id, point_id)
    form = PointForm(data=point)
    if form.validate_on_submit() and name_is_free(form, survey_id, point_id):
        with write_transaction(get_db()) as db:
            db.execute(
                "UPDATE collection_points SET name = ?, kind = ?, target = ? "
                "WHERE id = ?",
                [form.name.data.strip(), form.kind.data, form.target.data, point_id],
            )
        flash("Lieu enregistré.", "success")
        return redirect(url_for("points.index", survey_id=survey_id))
    return render_template("points/edit.html", survey=survey, point=point, form=form), (
        400 if form.errors else 200
    )


class ConfirmForm(FlaskForm):
    """No field: CSRF protection for the delete button."""


@bp.route("/lieux/<int:point_id>/supprimer", methods=["GET", "POST"])
@login_required
def delete(survey_id: int, point_id: int):
    """Delete a point that has no answer; refuse (nothing changed) otherwise."""
    survey, point = survey_point(survey_id, point_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        with write_transaction(get_db()) as db:
            # Counted inside the write lock: an answer arriving now cannot
            # slip in between the check and the delete (it would cascade).
            answers = db.execute(
                "SELECT count(*) FROM responses WHERE point_id = ?", [point_id]
            ).fetchone()[0]
            if not answers:
                db.execute("DELETE FROM collection_points WHERE id = ?", [point_id])
        if answers:
            flash(refusal(point["name"], answers), "error")
        else:
            flash(f"Lieu « {point['name']} » supprimé.", "success")
        return redirect(url_for("points.index", survey_id=survey_id))
    answers = answers_per_point(survey_id).get(point_id, 0)
    return render_template(
        "points/delete.html",
        survey=survey,
        point=point,
        form=form,
        refusal=refusal(point["name"], answers) if answers else None,
    )


def refusal(name: str, answers: int) -> str:
    plural = "réponses" if answers > 1 else "réponse"
    return (
        f"Le lieu « {name} » ne peut pas être supprimé : il a reçu {answers} "
        f"{plural}, qui seraient perdues. Vous pouvez le renommer (par exemple "
        f"« {name} (terminé) ») ou fermer l'enquête."
    )


@bp.route("/lieux/<int:point_id>/qr.<any(svg, png):fmt>")
@login_required
def qr_code(survey_id: int, point_id: int, fmt: str):
    """The point's QR code as SVG (to print) or PNG (to paste in a document)."""
    _survey, point = survey_point(survey_id, point_id)
    url = public_url(point["code"])
    if fmt == "svg":
        response = Response(qr_svg(url), mimetype="image/svg+xml")
    else:
        response = Response(qr_png(url), mimetype="image/png")
    filename = f"qr-{point['code']}.{fmt}"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@bp.route("/lieux/<int:point_id>/affiche")
@login_required
def poster(survey_id: int, point_id: int):
    """A printable A4 poster: title, QR code, typed short URL, who and why."""
    survey, point = survey_point(survey_id, point_id)
    db = get_db()
    url = public_url(point["code"])
    questions = model.current_version(db, survey_id)["questions"]
    return render_template(
        "points/poster.html",
        survey=survey,
        point=point,
        diagnostic=g.diagnostic,
        territory=territory_phrase(db, g.diagnostic["id"]),
        url=url,
        short_url=display_url(url),
        local_only=only_reachable_here(url),
        # Our own SVG (a path and a rect, no user text): safe to inline.
        qr=qr_svg(url),
        duration=duration.label(questions),
    )


def init_app(app) -> None:
    add_survey_tab(app, "points.index", "Lieux de collecte et QR codes", 30)
