"""The evaluation blueprint; its routes live in `indicator_views` (step 8)
and `theory_views` (annex 3)."""

from flask import Blueprint

bp = Blueprint(
    "evaluation",
    __name__,
    template_folder="templates",
    url_prefix="/diagnostics/<int:diagnostic_id>/evaluation",
)
