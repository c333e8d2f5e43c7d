"""The conseiller's preview: try the questionnaire, even a draft, store nothing.

The owner and the team walk through exactly what residents will see (same
screens, same checks, same commune search), with a banner saying it is a
preview; the last screen stores nothing, so no test answer ever reaches the
results. Issue 8, D1.
"""

from flask import Blueprint, g, render_template, url_for

from ..access import login_required, member_survey
from ..extensions import csrf
from ..page_slots import add_survey_tab
from .flow import run_questionnaire

bp = Blueprint("preview", __name__, url_prefix="/enquetes/<int:survey_id>/apercu")


@bp.route("", methods=["GET", "POST"])
@csrf.exempt  # checked by run_questionnaire, as on the public form
@login_required
def questions(survey_id: int):
    """One screen of the questionnaire, as residents see it; nothing stored.

    :raise 403/404: see `member_survey`; 404 if there is no question yet.
    """
    survey = member_survey(survey_id)
    survey = {**g.diagnostic, **survey}  # structure and contact, as in public
    return run_questionnaire(
        survey,
        None,
        mode="self",
        action=url_for(".questions", survey_id=survey_id),
        done=url_for(".done", survey_id=survey_id),
        store=False,
        template="surveys/preview_step.html",
        code=survey["code"],
        preview_of=survey_id,
    )


@bp.get("/fin")
@login_required
def done(survey_id: int):
    survey = member_survey(survey_id)
    return render_template(
        "surveys/preview_done.html", survey=survey, diagnostic=g.diagnostic
    )


def init_app(app) -> None:
    app.register_blueprint(bp)
    add_survey_tab(app, "preview.questions", "Aperçu", 15)
