"""The conseiller's survey builder: its blueprint and how it plugs in.

survey_views.py: create a survey, its questions page, title, status;
question_views.py: add, edit, move, remove one question; forms.py: the
forms; helpers.py: what the views share (load, save, count answers).
"""

from flask import Blueprint, Flask

bp = Blueprint("builder", __name__)


def register(app: Flask) -> None:
    """Attach the views to the blueprint, register it, add its tab and section."""
    # Imported here, not at the top: the view modules take `bp` from this one.
    from . import question_views, survey_views  # noqa: F401

    app.register_blueprint(bp)
    survey_views.register(app)
