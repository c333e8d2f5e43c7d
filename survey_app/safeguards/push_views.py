"""Endpoints the conseiller's browser calls to (un)subscribe to notifications.

JSON in, JSON out, CSRF token in the X-CSRFToken header (static/push.js).
"""

from flask import Blueprint, current_app, g, jsonify, request

from ..access import login_required
from ..db import get_db
from . import push

bp = Blueprint("push", __name__, url_prefix="/notifications")


@bp.post("/abonnement")
@login_required
def subscribe():
    """Store this browser's subscription; 400 with a French message if refused."""
    try:
        push.save_subscription(
            get_db(),
            g.user["id"],
            request.get_json(silent=True),
            push.settings(current_app),
        )
    except ValueError as error:
        return jsonify(error=str(error)), 400
    return jsonify(ok=True)


@bp.post("/desabonnement")
@login_required
def unsubscribe():
    data = request.get_json(silent=True) or {}
    endpoint = str(data.get("endpoint", "")) if isinstance(data, dict) else ""
    push.delete_subscription(get_db(), g.user["id"], endpoint)
    return jsonify(ok=True)


@bp.post("/essai")
@login_required
def test():
    """Send a test notification to the signed-in conseiller's browsers."""
    push.notify_user(
        g.user["id"],
        "Notifications activées",
        "Vous serez prévenu·e ici de l'avancée de vos enquêtes.",
        "/",
    )
    return jsonify(ok=True)
