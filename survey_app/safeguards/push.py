"""Web push notifications to conseillers (pywebpush, VAPID, RFC 8291).

Nothing is sent while a request waits: notifications go into the
`push_outbox` table (by `notify_user` / `notify_diagnostic`, or by the
`responses_*_milestone` triggers every N answers and when a point reaches its
target, see migrations.py) and each worker's background thread
(maintenance.py) claims and sends them within seconds. A resident's
submission is never slowed down by a push service, nor fails because of
one. Subscriptions a push service says are gone (404/410) are deleted.

Subscriptions come from the browser, so their endpoint is a URL our server
will POST to: it must be HTTPS on a known push service (`PUSH_ALLOWED_HOSTS`),
never an address inside the network (no server-side request forgery, see
push_guard.py: checked when subscribing and again when sending).
"""

import base64
import binascii
import json
import logging
import os
import sqlite3
import threading
from typing import Any
from urllib.parse import urlsplit

import sqlite_utils
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import Flask

from .. import push_guard
from ..dates import STAMP_FORMAT
from ..db import get_db, now, write_transaction
from ..settings import setting

log = logging.getLogger(__name__)

KEY_FILE = "vapid_private.pem"
# Chrome (FCM), Firefox (Mozilla autopush), Edge (WNS), Safari (Apple).
DEFAULT_ALLOWED_HOSTS = (
    "fcm.googleapis.com",
    "push.services.mozilla.com",
    "notify.windows.com",
    "push.apple.com",
)
# Claimed rows older than this were lost by a crashed worker: drop them.
STALE_CLAIM = "-1 hour"
wake_up = threading.Event()


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# --- VAPID keys -------------------------------------------------------------


def key_path(instance_path: str) -> str:
    return os.path.join(instance_path, KEY_FILE)


def ensure_vapid_keys(instance_path: str) -> bool:
    """Create instance/vapid_private.pem (mode 600) unless it exists."""
    path = key_path(instance_path)
    if os.path.exists(path):
        return False
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
    return True


def public_key(instance_path: str) -> str | None:
    """The applicationServerKey browsers subscribe with (None before init)."""
    try:
        with open(key_path(instance_path), "rb") as f:
            key = serialization.load_pem_private_key(f.read(), password=None)
    except FileNotFoundError:
        return None
    point = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url(point)


# --- Subscriptions ----------------------------------------------------------


def endpoint_allowed(endpoint: str, config: dict[str, Any]) -> bool:
    hosts = tuple(setting(config, "PUSH_ALLOWED_HOSTS") or DEFAULT_ALLOWED_HOSTS)
    return push_guard.endpoint_allowed(endpoint, config, hosts)


def save_subscription(
    db: sqlite_utils.Database,
    user_id: int,
    data: Any,
    config: dict[str, Any],
) -> None:
    """Store a browser's PushSubscription (its JSON) for this user.

    :raise ValueError: (French message) malformed or not a known push service.
    """
    try:
        endpoint = str(data["endpoint"])
        p256dh, auth = str(data["keys"]["p256dh"]), str(data["keys"]["auth"])
        key_ok = len(b64url_decode(p256dh)) == 65 and len(b64url_decode(auth)) == 16
    except (KeyError, TypeError, ValueError, binascii.Error):
        key_ok = False
    if not key_ok or len(endpoint) > 1000:
        raise ValueError("Abonnement illisible : réessayez depuis le navigateur.")
    if not endpoint_allowed(endpoint, config):
        raise ValueError("Ce service de notifications n'est pas reconnu.")
    with write_transaction(db):
        # One endpoint = one browser: it now belongs to whoever signed in there.
        db.execute(
            "INSERT INTO push_subscriptions (user_id, endpoint, p256dh, auth, "
            "created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (endpoint) DO UPDATE "
            "SET user_id = excluded.user_id, p256dh = excluded.p256dh, "
            "auth = excluded.auth",
            [user_id, endpoint, p256dh, auth, now()],
        )


def delete_subscription(db: sqlite_utils.Database, user_id: int, endpoint: str) -> int:
    with write_transaction(db):
        return db.execute(
            "DELETE FROM push_subscriptions WHERE user_id = ? AND endpoint = ?",
            [user_id, endpoint],
        ).rowcount


# --- Queueing ---------------------------------------------------------------


def _queue(db: sqlite_utils.Database, **row: Any) -> None:
    """Add a message to the outbox, unless nobody it is for has subscribed."""
    with write_transaction(db):
        queued = db.execute(
            "INSERT INTO push_outbox (kind, user_id, diagnostic_id, title, body, "
            "url, created_at) SELECT 'message', :user, :diagnostic, :title, :body, "
            ":url, :now WHERE EXISTS (SELECT 1 FROM push_subscriptions WHERE "
            "user_id = :user OR user_id IN (SELECT user_id FROM "
            "diagnostic_members WHERE diagnostic_id = :diagnostic))",
            {
                "user": row.get("user_id"),
                "diagnostic": row.get("diagnostic_id"),
                "title": row["title"][:200],
                "body": row["body"][:500],
                "url": row["url"],
                "now": now(),
            },
        ).rowcount
    if queued:
        wake_up.set()


def notify_user(
    user_id: int,
    title: str,
    body: str,
    url: str,
    db: sqlite_utils.Database | None = None,
) -> None:
    """Queue a notification to every browser this conseiller subscribed.

    `url` is a local path ("/enquetes/3") opened when the notification is
    tapped. Returns at once (sending happens in the background) and never
    raises because of a push service. `db` defaults to the request's.
    """
    _queue(db or get_db(), user_id=user_id, title=title, body=body, url=url)


def notify_diagnostic(
    diagnostic_id: int,
    title: str,
    body: str,
    url: str,
    db: sqlite_utils.Database | None = None,
) -> None:
    """Queue a notification to every member of a diagnostic (see notify_user).

    For example, a workshop card waiting for approval or an export ready.
    """
    _queue(db or get_db(), diagnostic_id=diagnostic_id, title=title, body=body, url=url)


# --- Sending ----------------------------------------------------------------


def _message(db: sqlite_utils.Database, row: sqlite3.Row) -> dict[str, str]:
    """Title, body and url of an outbox row (trigger rows are worded here)."""
    if row["kind"] == "message":
        return {"title": row["title"], "body": row["body"], "url": row["url"]}
    names = db.execute(
        "SELECT s.title AS survey, p.name AS point, p.target FROM surveys s "
        "LEFT JOIN collection_points p ON p.id = ? WHERE s.id = ?",
        [row["point_id"], row["survey_id"]],
    ).fetchone()
    place = f"« {names['point']} »" if names["point"] else "en ligne"
    count = row["count"]
    if row["kind"] == "target":
        title = f"Objectif atteint : {place}"
        body = f"{count} réponses, l'objectif de ce lieu est atteint."
    else:
        title = f"{count} réponses : {place}"
        body = f"L'enquête « {names['survey']} » avance."
    return {"title": title, "body": body, "url": f"/enquetes/{row['survey_id']}"}


def _recipients(db: sqlite_utils.Database, row: sqlite3.Row) -> list[sqlite3.Row]:
    if row["user_id"] is not None:
        where, arg = "user_id = ?", row["user_id"]
    else:
        where = "user_id IN (SELECT user_id FROM diagnostic_members WHERE "
        where += "diagnostic_id = ?)"
        arg = row["diagnostic_id"]
    query = f"SELECT * FROM push_subscriptions WHERE {where}"
    return db.execute(query, [arg]).fetchall()


def send(
    subscription: sqlite3.Row, message: dict[str, str], config: dict[str, Any]
) -> str:
    """Send one message to one subscription: "sent", "gone" (404/410), "failed"."""
    # Imported here: pywebpush pulls in aiohttp (0.3 s), which a worker only
    # needs once someone has subscribed.
    from pywebpush import WebPushException, webpush

    endpoint = subscription["endpoint"]
    if not endpoint_allowed(endpoint, config):
        # Stored before the checks of issue 8 (E1) were tightened: forget it.
        log.warning("Abonnement refusé à l'envoi : service non reconnu.")
        return "gone"
    local = push_guard.test_service(config)
    try:
        if local and endpoint.startswith(local + "/"):
            session = None
        else:
            # Refuse early and say why; the session checks again on connect.
            push_guard.public_address(urlsplit(endpoint).hostname, 443)
            session = push_guard.public_session()
        webpush(
            {
                "endpoint": subscription["endpoint"],
                "keys": {
                    "p256dh": subscription["p256dh"],
                    "auth": subscription["auth"],
                },
            },
            data=json.dumps(message, ensure_ascii=False),
            vapid_private_key=setting(config, "PUSH_KEY_PATH"),
            # A fresh dict each time: pywebpush writes "aud" and "exp" into it.
            vapid_claims={"sub": setting(config, "VAPID_SUBJECT")},
            ttl=24 * 3600,
            timeout=setting(config, "PUSH_TIMEOUT"),
            requests_session=session,
        )
    except push_guard.UnsafeAddress as error:
        log.warning("Notification non envoyée : %s", error)
        return "failed"
    except WebPushException as error:
        status = getattr(error.response, "status_code", None)
        if status in (404, 410):
            return "gone"
        log.warning("Notification non envoyée (HTTP %s).", status)
        return "failed"
    except Exception as error:  # network down, DNS: keep the subscription
        log.warning("Notification non envoyée : %s", type(error).__name__)
        return "failed"
    return "sent"


def settings(app: Flask) -> dict[str, Any]:
    """The app's configuration plus where its VAPID key lives."""
    config = dict(app.config)
    # Resolved here, not at start-up: the instance folder may move (tests).
    key = setting(config, "PUSH_KEY_PATH") or key_path(app.instance_path)
    config["PUSH_KEY_PATH"] = key
    return config


def dispatch_pending(db: sqlite_utils.Database, config: dict[str, Any]) -> int:
    """Claim every queued notification, send it, delete it; return how many sent.

    Safe with several workers: a row is claimed by one UPDATE, so only one
    worker sends it.
    """
    if not os.path.exists(setting(config, "PUSH_KEY_PATH")):
        return 0
    with write_transaction(db):
        db.execute(
            "DELETE FROM push_outbox WHERE claimed_at < strftime("
            f"'{STAMP_FORMAT}', 'now', '{STALE_CLAIM}')"
        )
        rows = db.execute(
            "UPDATE push_outbox SET claimed_at = ? WHERE claimed_at IS NULL "
            "RETURNING *",
            [now()],
        ).fetchall()
    sent = 0
    for row in rows:
        message = _message(db, row)
        for subscription in _recipients(db, row):
            outcome = send(subscription, message, config)
            sent += outcome == "sent"
            if outcome == "gone":
                with write_transaction(db):
                    db.execute(
                        "DELETE FROM push_subscriptions WHERE id = ?",
                        [subscription["id"]],
                    )
        with write_transaction(db):
            db.execute("DELETE FROM push_outbox WHERE id = ?", [row["id"]])
    return sent
