"""Survey builder for conseillers (to be written: issue 2)."""

from flask import Blueprint

bp = Blueprint("builder", __name__, url_prefix="/diagnostics/<int:diagnostic_id>")
