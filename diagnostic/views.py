"""Pages of the guided path: steps 0–8, framing (step 1), interviews and
field observations (step 3). Every view checks membership on the server."""

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from analysis.wordclouds import word_frequencies, wordcloud_svg
from survey_app.access import login_required, member_diagnostic
from survey_app.db import get_db, now, write_transaction

from . import interviews as iv
from .steps import MARKS, STEPS, diagnostic_steps

bp = Blueprint(
    "guided", __name__, url_prefix="/diagnostics/<int:diagnostic_id>",
    template_folder="templates",
)  # fmt: skip
MAX_TEXT = 20_000


class CsrfForm(FlaskForm):
    """No fields: CSRF protection for forms read from request.form."""


def checked(diagnostic_id: int) -> dict:
    """The diagnostic if the user is a member and the CSRF token is right.
    :raise 403: not a member. :raise 400: bad CSRF token."""
    diagnostic = member_diagnostic(diagnostic_id)
    if not CsrfForm().validate_on_submit():
        abort(400)
    return diagnostic


def text(name: str, limit: int = MAX_TEXT) -> str:
    return (request.form.get(name) or "").replace("\r\n", "\n").strip()[:limit]


def iso_date(name: str) -> str | None:
    try:
        return date.fromisoformat(request.form.get(name, "")).isoformat()
    except ValueError:
        return None


@bp.get("/etapes")
@login_required
def steps(diagnostic_id: int):
    """The diagnostic along the guide's steps. :raise 403: not a member."""
    diagnostic = member_diagnostic(diagnostic_id)
    db = get_db()
    return render_template(
        "diagnostic/steps.html",
        diagnostic=diagnostic,
        steps=diagnostic_steps(db, diagnostic_id),
        framing=iv.load_framing(db, diagnostic_id),
        framing_fields=iv.FRAMING_FIELDS,
        marks=MARKS,
        form=CsrfForm(),
    )


@bp.post("/etapes/<int:number>")
@login_required
def mark_step(diagnostic_id: int, number: int):
    """Mark a step done / not applicable, and keep its notes."""
    checked(diagnostic_id)
    if number not in {s.number for s in STEPS}:
        abort(404)
    mark = request.form.get("mark", "")
    if mark not in MARKS:
        flash("Choix d'état inconnu : rien n'a été changé.", "error")
        return redirect(url_for("guided.steps", diagnostic_id=diagnostic_id))
    db = get_db()
    with write_transaction(db):
        db.execute(
            "INSERT OR REPLACE INTO diagnostic_steps (diagnostic_id, step, mark, "
            "notes, updated_at) VALUES (?, ?, ?, ?, ?)",
            [diagnostic_id, number, mark, text("notes"), now()],
        )
    flash(f"Étape {number} enregistrée.", "success")
    return redirect(
        url_for("guided.steps", diagnostic_id=diagnostic_id) + f"#etape-{number}"
    )


@bp.post("/cadrage")
@login_required
def framing(diagnostic_id: int):
    """Step 1's own fields."""
    checked(diagnostic_id)
    iv.save_framing(get_db(), diagnostic_id, {k: text(k) for k in iv.FRAMING_FIELDS})
    flash("Cadrage enregistré.", "success")
    return redirect(url_for("guided.steps", diagnostic_id=diagnostic_id) + "#etape-1")


@bp.get("/entretiens")
@login_required
def interviews(diagnostic_id: int):
    diagnostic = member_diagnostic(diagnostic_id)
    db = get_db()
    texts = iv.step_texts(db, diagnostic_id)
    return render_template(
        "diagnostic/interviews.html",
        cloud=wordcloud_svg(
            texts, title="Mots des entretiens et observations", ident="nuage-entretiens"
        )
        if texts
        else None,
        words=word_frequencies(texts, top=15),
        diagnostic=diagnostic,
        guide=iv.load_guide(db, diagnostic_id),
        interviews=iv.load_interviews(db, diagnostic_id),
        observations=iv.load_observations(db, diagnostic_id),
        themes=iv.INTERVIEW_THEMES,
        form=CsrfForm(),
        values={},
        errors=[],
    )


@bp.post("/entretiens/guide")
@login_required
def save_guide(diagnostic_id: int):
    checked(diagnostic_id)
    iv.save_guide(get_db(), diagnostic_id, text("questions").splitlines())
    flash("Guide d'entretien enregistré.", "success")
    return redirect(url_for("guided.interviews", diagnostic_id=diagnostic_id))


def _interview_values() -> tuple[dict, list[str]]:
    values = {
        "held_on": iso_date("held_on"),
        "structure": text("structure", 200),
        "role": text("role", 200),
        "key_points": text("key_points"),
        "quotes": text("quotes"),
        "themes": request.form.getlist("themes"),
    }
    errors = []
    if not values["held_on"]:
        errors.append("Indiquez la date de l'entretien.")
    if not values["structure"]:
        errors.append("Indiquez la structure rencontrée.")
    return values, errors


@bp.route("/entretiens/nouveau", methods=["POST"])
@bp.route("/entretiens/<int:interview_id>", methods=["GET", "POST"])
@login_required
def interview(diagnostic_id: int, interview_id: int | None = None):
    """Add (POST without id) or edit one interview. :raise 404: not ours."""
    diagnostic = member_diagnostic(diagnostic_id)
    db = get_db()
    existing = None
    if interview_id is not None:
        existing = next(
            (
                i
                for i in iv.load_interviews(db, diagnostic_id)
                if i["id"] == interview_id
            ),
            None,
        )
        if existing is None:
            abort(404)
    values, errors = dict(existing or {}), []
    if existing:
        values["quotes"] = "\n".join(existing["quotes"])
    if request.method == "POST":
        checked(diagnostic_id)
        values, errors = _interview_values()
        if not errors:
            iv.save_interview(db, diagnostic_id, values, interview_id)
            flash("Entretien enregistré.", "success")
            return redirect(
                url_for("guided.interviews", diagnostic_id=diagnostic_id) + "#liste"
            )
    return render_template(
        "diagnostic/interview_form.html",
        diagnostic=diagnostic,
        interview_id=interview_id,
        values=values,
        errors=errors,
        themes=iv.INTERVIEW_THEMES,
        form=CsrfForm(),
    ), (400 if errors else 200)


@bp.post("/entretiens/<int:interview_id>/supprimer")
@login_required
def delete_interview(diagnostic_id: int, interview_id: int):
    checked(diagnostic_id)
    if not iv.delete_row(
        get_db(), "diagnostic_interviews", diagnostic_id, interview_id
    ):
        abort(404)
    flash("Entretien supprimé.", "success")
    return redirect(url_for("guided.interviews", diagnostic_id=diagnostic_id))


@bp.post("/observations")
@login_required
def add_observation(diagnostic_id: int):
    checked(diagnostic_id)
    observed_on, place, notes = (
        iso_date("observed_on"),
        text("place", 200),
        text("notes"),
    )
    if not (observed_on and place and notes):
        flash("Observation non enregistrée : indiquez la date, le lieu et ce que "
              "vous avez observé.", "error")  # fmt: skip
        return redirect(
            url_for("guided.interviews", diagnostic_id=diagnostic_id) + "#observations"
        )
    iv.add_observation(get_db(), diagnostic_id, observed_on, place, notes)
    flash("Observation enregistrée.", "success")
    return redirect(
        url_for("guided.interviews", diagnostic_id=diagnostic_id) + "#observations"
    )


@bp.post("/observations/<int:observation_id>/supprimer")
@login_required
def delete_observation(diagnostic_id: int, observation_id: int):
    checked(diagnostic_id)
    if not iv.delete_row(
        get_db(), "diagnostic_observations", diagnostic_id, observation_id
    ):
        abort(404)
    flash("Observation supprimée.", "success")
    return redirect(
        url_for("guided.interviews", diagnostic_id=diagnostic_id) + "#observations"
    )
