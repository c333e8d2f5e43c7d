"""Public questionnaire at /s/<code> (to be written: issue 2)."""

from flask import Blueprint

bp = Blueprint("public", __name__, url_prefix="/s")
