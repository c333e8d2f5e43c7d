"""A signed token that lets one kiosk device send answers to one survey.

Why a token of our own rather than the CSRF token: an offline queue outlives
the session. The tablet may go back online days later, after the conseiller
left kiosk mode (which clears the session cookie) or after the browser
dropped the cookie; the CSRF token would then be refused and the answers
stuck. The token is minted when a signed-in member opens kiosk mode, stored
with every queued answer on the device, and sent in the JSON body (never in
a cookie, so another site cannot make a browser send it: no CSRF).

It has no expiry on purpose (Formbricks drops unsynced answers after 24 h; we
never do), and only allows what anyone can already do at `/s/<code>`: add
answers to this survey. It is bound to the survey and point, so it cannot be
replayed against another survey. Changing the app's SECRET_KEY revokes every
token at once.
"""

import secrets
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

SALT = "field-device-v1"
DEVICE_MODES = ("kiosk",)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def mint(survey_id: int, point_id: int | None, mode: str = "kiosk") -> str:
    """A token for a new device session on this survey (and point)."""
    payload = {"s": survey_id, "p": point_id, "m": mode, "d": secrets.token_hex(8)}
    return _serializer().dumps(payload)


def read(token: Any) -> dict[str, Any] | None:
    """The token's payload, or None if it is missing, forged or malformed."""
    if not isinstance(token, str) or len(token) > 500:
        return None
    try:
        payload = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("m") not in DEVICE_MODES:
        return None
    if not isinstance(payload.get("s"), int):
        return None
    return payload
