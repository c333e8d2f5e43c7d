"""Participants' JSON endpoints (/a/<code>/…) and what both APIs share.

Participants have no account and no session: they are recognised by the
secret token given at join, sent back as an HttpOnly cookie scoped to
/a/<code> (SameSite=Lax) or in the `X-Participant-Token` header.

CSRF: these endpoints are exempt from flask-wtf's session token ON PURPOSE,
because a participant has no session worth protecting and a phone left on
the page for an hour must keep working. They are protected instead by:
the token itself (a forged request from another site has no header, and its
cookie is not sent on a cross-site POST thanks to SameSite=Lax), every POST
must be `application/json` (an HTML form on another site cannot send that
without a CORS preflight, which we never answer), and a cross-site `Origin`
or `Sec-Fetch-Site` is refused outright. tests/test_workshop_api.py checks
each of these. Facilitator endpoints keep flask-wtf's CSRF (see staff_api).
"""

from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    jsonify,
    make_response,
    request,
)
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from survey_app.db import get_db, now
from survey_app.extensions import csrf
from survey_app.inputs import SQLITE_MAX, json_text
from survey_app.settings import setting

from .cards import edit_own_card, post_card
from .errors import WorkshopError
from .events import (
    Viewer,
    events_after,
    hub_for,
    latest_event_id,
    poke,
    sse_stream,
)
from .live import handoff
from .matrix import place
from .participants import join, left, participant_by_token, rename, seen
from .state import snapshot
from .votes import set_vote
from .workshops import workshop_by_code

bp = Blueprint("workshop_api", __name__, url_prefix="/a/<code>")
csrf.exempt(bp)

TOKEN_HEADER = "X-Participant-Token"
COOKIE_DAYS = 2


# --- shared by both APIs -------------------------------------------------


def json_error(message: str, status: int) -> Response:
    response = jsonify({"error": message, "status": status})
    response.status_code = status
    return response


def http_error(error: HTTPException) -> Response:
    from survey_app.errors import MESSAGES

    if isinstance(error, CSRFError):
        return json_error(
            "La page a expiré : rechargez-la puis recommencez.", error.code or 400
        )
    title, default = MESSAGES.get(error.code or 500, MESSAGES[500])
    described = error.description != type(error).description
    message = error.description if described and error.description else default
    return json_error(message, error.code or 500)


def body() -> dict[str, Any]:
    """The JSON object sent; {} when absent (GET)."""
    data = request.get_json(silent=True)
    if request.method == "POST" and not isinstance(data, dict):
        raise WorkshopError("Données illisibles : envoyez un objet JSON.", 400)
    return data or {}


def int_arg(value: Any, default: int = 0) -> int:
    """A non-negative id or count; `default` when it is not a number.

    :raise 400: a number SQLite cannot store (issue 8, E3).
    """
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return default
    if number > SQLITE_MAX:
        abort(400, "Ce nombre est trop grand.")
    return max(number, 0)


def poll_response(workshop_id: int, viewer: Viewer) -> Response:
    """{"events": [...], "last_id": N, "more": bool, "server_time": "..."}."""
    db = get_db()
    after = int_arg(request.args.get("after"))
    limit = min(int_arg(request.args.get("limit"), 500) or 500, 500)
    newest = latest_event_id(db, workshop_id)  # read first: the query covers it
    events = events_after(db, workshop_id, after, limit, viewer)
    more = len(events) == limit
    last_id = events[-1]["id"] if events else after
    if not more:
        last_id = max(last_id, newest)
    response = jsonify(
        {"events": events, "last_id": last_id, "more": more, "server_time": now()}
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def stream_response(workshop_id: int, viewer: Viewer) -> Response:
    """SSE from Last-Event-ID (reconnect) or ?after=N (first connection).

    Under the production server the stream is handed to the event loop
    (facilitation/live.py) and this thread is free at once; elsewhere
    (development server, tests) this thread streams it.
    """
    after = int_arg(request.headers.get("Last-Event-ID") or request.args.get("after"))
    config = current_app.config
    keepalive = setting(config, "WORKSHOP_KEEPALIVE_SECONDS")
    lifetime = setting(config, "WORKSHOP_STREAM_SECONDS")
    scope = request.environ.get("asgi.scope")
    handed = handoff(scope, workshop_id, viewer, after, keepalive, lifetime)
    if handed is False:
        response = json_error(
            "Trop de connexions en direct sur ce serveur : la page se met "
            "à jour toutes les quelques secondes.",
            503,
        )
        response.headers["Retry-After"] = "30"
        return response
    if handed:
        return Response(status=200)  # never sent: the event loop answers
    # No stream_with_context: the generator needs neither `g` nor the
    # request's database connection, which is closed as soon as we return.
    stream = sse_stream(
        hub_for(config["DATABASE"]),
        workshop_id,
        viewer,
        after,
        keepalive=keepalive,
        lifetime=lifetime,
    )
    response = Response(stream, mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-store, no-transform"
    response.headers["X-Accel-Buffering"] = "no"  # nginx: do not buffer
    return response


def poke_hub(response: Response) -> Response:
    """After a write, wake this process's event readers at once."""
    if request.method == "POST" and response.status_code < 400:
        poke(current_app.config["DATABASE"])
    return response


# --- participants ----------------------------------------------------------


def cookie_name(workshop: dict[str, Any]) -> str:
    return f"atelier_{workshop['code']}"


def participant_from_request(
    db: Any, workshop: dict[str, Any]
) -> dict[str, Any] | None:
    """The participant whose token the request carries (header or cookie)."""
    token = request.headers.get(TOKEN_HEADER) or request.cookies.get(
        cookie_name(workshop)
    )
    return participant_by_token(db, workshop["id"], token)


def set_participant_cookie(
    response: Response, workshop: dict[str, Any], token: str
) -> None:
    """Give the phone its secret (also used by the HTML join page)."""
    response.set_cookie(
        cookie_name(workshop),
        token,
        max_age=COOKIE_DAYS * 86400,
        path=f"/a/{workshop['code']}",
        httponly=True,
        samesite="Lax",
        secure=request.is_secure,
    )


def refuse_cross_site() -> None:
    """:raise WorkshopError 403: a POST that may come from another site."""
    if request.method != "POST":
        return
    if not request.is_json:
        raise WorkshopError("Requête refusée : envoyez des données JSON.", 403)
    site = request.headers.get("Sec-Fetch-Site")
    if site and site not in ("same-origin", "none"):
        raise WorkshopError("Requête refusée : elle vient d'un autre site.", 403)
    origin = request.headers.get("Origin")
    if origin and urlsplit(origin).netloc != request.host:
        raise WorkshopError("Requête refusée : elle vient d'un autre site.", 403)


@bp.url_value_preprocessor
def load_workshop(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    g.workshop_code = (values or {}).pop("code", "")


@bp.before_request
def check_request() -> None:
    refuse_cross_site()
    g.workshop = workshop_by_code(get_db(), g.workshop_code)
    g.participant = participant_from_request(get_db(), g.workshop)
    if g.participant is None and request.endpoint != "workshop_api.join_workshop":
        raise WorkshopError(
            "Vous n'avez pas encore rejoint cet atelier : ouvrez à nouveau "
            "son adresse.",
            401,
        )
    if g.participant is not None and request.endpoint != "workshop_api.leave":
        seen(get_db(), g.workshop["id"], g.participant["id"])


bp.after_request(poke_hub)
bp.register_error_handler(
    WorkshopError, lambda e: json_error(e.message, e.status)
)  # fmt: skip
bp.register_error_handler(HTTPException, http_error)
for _status in (400, 403, 404, 405, 410, 413, 429):
    # The app's French HTML pages are registered by status code, which
    # Flask looks up before any handler by class: override them here.
    bp.register_error_handler(_status, http_error)


def viewer() -> Viewer:
    return Viewer(
        participant_id=g.participant["id"], table_id=g.participant["table_id"]
    )


@bp.post("/rejoindre")
def join_workshop():
    """Join (or rejoin: a phone that already has its token keeps it)."""
    data = body()
    if g.participant is not None:
        participant = g.participant
        if "display_name" in data:
            participant = rename(
                get_db(),
                g.workshop["id"],
                participant["id"],
                json_text(data, "display_name"),
            )
        return jsonify({"participant": participant, "token": None})
    participant, token = join(
        get_db(), g.workshop["id"], json_text(data, "display_name")
    )
    response = make_response(jsonify({"participant": participant, "token": token}))
    response.status_code = 201
    set_participant_cookie(response, g.workshop, token)
    return response


@bp.post("/quitter")
def leave():
    """The phone closes the page: it no longer counts as connected."""
    left(get_db(), g.workshop["id"], g.participant["id"])
    return jsonify({"ok": True})


@bp.post("/nom")
def change_name():
    name = json_text(body(), "display_name")
    participant = rename(get_db(), g.workshop["id"], g.participant["id"], name)
    return jsonify({"participant": participant})


@bp.get("/etat")
def state():
    response = jsonify(snapshot(get_db(), g.workshop["id"], viewer()))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/evenements")
def poll():
    return poll_response(g.workshop["id"], viewer())


@bp.get("/flux")
def stream():
    return stream_response(g.workshop["id"], viewer())


def _activity_id(data: dict[str, Any]) -> int:
    """:raise WorkshopError 404: not an activity of this workshop."""
    from .boards import get_activity

    activity_id = int_arg(data.get("activity_id"))
    return get_activity(get_db(), activity_id, g.workshop["id"])["id"]


def _mine(card: dict[str, Any]) -> dict[str, Any]:
    """The author's view of their own card (as in `card.upsert` for p:)."""
    card.pop("participant_id", None)
    return {**card, "mine": True}


@bp.post("/cartes")
def add_card():
    data = body()
    card = post_card(
        get_db(),
        _activity_id(data),
        json_text(data, "column", None),
        json_text(data, "text", None),
        participant=g.participant,
        client_key=json_text(data, "client_key", None),
    )
    return jsonify({"card": _mine(card)}), 201


@bp.post("/cartes/<int:card_id>")
def edit_card(card_id: int):
    data = body()
    card = edit_own_card(
        get_db(),
        card_id,
        g.participant,
        json_text(data, "text", None),
        json_text(data, "column", None),
    )
    return jsonify({"card": _mine(card)})


@bp.post("/votes")
def vote():
    data = body()
    result = set_vote(
        get_db(),
        _activity_id(data),
        g.participant,
        data.get("card_id"),
        count=data.get("count"),
        delta=data.get("delta"),
    )
    return jsonify(result)


@bp.post("/placements")
def place_item():
    """{"activity_id", "item", "impact": 1-4, "feasibility": 1-4} (both null:
    take the item off the matrix)."""
    data = body()
    result = place(
        get_db(),
        _activity_id(data),
        g.participant,
        json_text(data, "item", None),
        data.get("impact"),
        data.get("feasibility"),
    )
    return jsonify(result)
