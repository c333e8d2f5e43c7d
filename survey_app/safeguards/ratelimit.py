"""The one rate limiter: fixed-window counters in SQLite, shared by workers.

Three things are throttled with it, each a *scope* counting a *subject*:
requests per address (`check_rate_limit`, before every POST under /s/, /a/
and /connexion), failed sign-ins per account (`survey_app.auth`) and cards
per workshop participant (`facilitation.cards`). One table (`rate_limits`),
one clock (`clock`, from `survey_app.dates`, for the window and for the day
in the key), one purge (`purge`, run on each hit and by the daily
maintenance).

Why not Flask-Limiter: its memory storage lives in one process, so with
gunicorn's 2 workers each address gets twice the limit and a restart forgets
everything; its shared storages need Redis, Memcached or MongoDB, which we do
not run; and its keys contain the raw IP address. Plugging a SQLite storage
into `limits` would be more code than this module. Here a fixed-window
counter is one UPSERT in the SQLite database every worker already shares.

Privacy: the counter key is an HMAC of (day, scope, window, subject) with the
secret key. No address or e-mail is stored, keys cannot be reversed without
the secret, and they change every day so two days cannot be linked. Rows are
deleted as soon as their window is over.

Configuration, generous because one address is often many people (a shared
kiosk tablet, a mairie's wifi, a mobile carrier's NAT):
`RATELIMIT_PUBLIC = "300/minute;3000/hour"` (POST under /s/: each screen of a
questionnaire is one POST, about 8 to 15 per questionnaire, and a class of 30
parents on the school's wifi answers at once),
`RATELIMIT_WORKSHOP = "3000/minute;30000/hour"` (POST under /a/: a room of
300 behind one venue wifi casts 5 dots each within a minute; cards also have
a per-participant limit and dots a per-participant budget),
`RATELIMIT_SIGNIN = "10/minute"` (POST /connexion), `RATELIMIT_ENABLED`.
Loopback addresses are not limited (`RATELIMIT_EXEMPT_LOOPBACK`): behind a
reverse proxy without `TRUST_PROXY` every resident would share the proxy's
address and be blocked together; local benches post from there too.
"""

import hashlib
import hmac
import ipaddress
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlite_utils
from flask import Flask, current_app, jsonify, make_response, request

from ..dates import unix_seconds
from ..db import get_db, write_transaction
from ..errors import MESSAGES, render_error
from ..settings import setting

SCOPES = ("public", "workshop", "signin")  # settings RATELIMIT_<SCOPE>
clock = unix_seconds  # replaced in tests, so that no window ends mid-test
UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int


def parse_limits(text: str) -> list[Limit]:
    """Parse "60/minute;600/hour" into limits.

    :raise ValueError: a part is not "<number>/<second|minute|hour|day>".
    """
    limits = []
    for part in text.split(";"):
        if not part.strip():
            continue
        count, _, unit = part.strip().partition("/")
        seconds = UNITS.get(unit.strip().rstrip("s"))
        if not count.strip().isdigit() or seconds is None:
            raise ValueError(f"Limite illisible : {part!r}")
        limits.append(Limit(int(count), seconds))
    return limits


def counter_key(
    secret: str, scope: str, seconds: int, subject: str, day: str | None = None
) -> str:
    """The stored key of one counter; `day` (UTC) defaults to today's."""
    day = day or day_of(clock())
    message = f"{day}|{scope}|{seconds}|{subject}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:32]


def day_of(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%d")


def hit(
    db: sqlite_utils.Database,
    secret: str,
    scope: str,
    subject: str,
    limits: list[Limit],
    at: float | None = None,
) -> int:
    """Count one event; return 0 if allowed, else seconds until it is again.

    Inside a caller's transaction the count is part of it: a write that is
    refused and rolled back is not counted.
    """
    at = clock() if at is None else at
    if db.conn.in_transaction:  # SQLite refuses to change `synchronous` here
        return _count(db, secret, scope, subject, limits, int(at))
    # A counter lost in a power cut does not matter: skip the disk flush that
    # every answer pays for (the next FULL commit flushes these pages too).
    db.execute("PRAGMA synchronous = NORMAL")
    try:
        return _count(db, secret, scope, subject, limits, int(at))
    finally:
        db.execute("PRAGMA synchronous = FULL")


def _windows(
    secret: str, scope: str, subject: str, limits: list[Limit], at: int
) -> list[tuple[Limit, str, int]]:
    """(limit, key, window start) of the windows `at` falls in."""
    day = day_of(at)
    return [
        (
            limit,
            counter_key(secret, scope, limit.seconds, subject, day),
            at // limit.seconds * limit.seconds,
        )
        for limit in limits
    ]


def _count(
    db: sqlite_utils.Database,
    secret: str,
    scope: str,
    subject: str,
    limits: list[Limit],
    at: int,
) -> int:
    retry_after = 0
    with write_transaction(db):
        purge(db, at)
        for limit, key, start in _windows(secret, scope, subject, limits, at):
            hits = db.execute(
                "INSERT INTO rate_limits (key, window_start, expires_at, hits) "
                "VALUES (?, ?, ?, 1) ON CONFLICT (key, window_start) "
                "DO UPDATE SET hits = hits + 1 RETURNING hits",
                [key, start, start + limit.seconds],
            ).fetchone()[0]
            if hits > limit.count:
                retry_after = max(retry_after, start + limit.seconds - at)
    return retry_after


def exhausted(
    db: sqlite_utils.Database,
    secret: str,
    scope: str,
    subject: str,
    limits: list[Limit],
    at: float | None = None,
) -> int:
    """Without counting: 0 if one more event is allowed, else seconds to wait."""
    now = int(clock() if at is None else at)
    retry_after = 0
    for limit, key, start in _windows(secret, scope, subject, limits, now):
        row = db.execute(
            "SELECT hits FROM rate_limits WHERE key = ? AND window_start = ?",
            [key, start],
        ).fetchone()
        if row and row[0] >= limit.count:
            retry_after = max(retry_after, start + limit.seconds - now)
    return retry_after


def forget(
    db: sqlite_utils.Database,
    secret: str,
    scope: str,
    subject: str,
    limits: list[Limit],
) -> None:
    """Reset a subject's current counters (a successful sign-in)."""
    with write_transaction(db):
        for _, key, start in _windows(secret, scope, subject, limits, int(clock())):
            db.execute(
                "DELETE FROM rate_limits WHERE key = ? AND window_start = ?",
                [key, start],
            )


def purge(db: sqlite_utils.Database, at: float | None = None) -> int:
    """Delete the counters whose window is over; return how many."""
    at = clock() if at is None else at
    with write_transaction(db):
        return db.execute(
            "DELETE FROM rate_limits WHERE expires_at <= ?", [int(at)]
        ).rowcount


def scope_of_request() -> str | None:
    """Which limits apply to the current request, if any."""
    if request.method != "POST":
        return None
    if request.endpoint == "auth.login":
        return "signin"
    if request.path.startswith("/s/"):
        return "public"
    if request.path.startswith("/a/") or request.path == "/a":
        return "workshop"
    return None


def client_of(address: str) -> str:
    """The unit counted: an IPv4 address, or an IPv6 /64 (one subscriber's
    network: a phone may change the rest of its address at will)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/64", strict=False))


def exempt(address: str) -> bool:
    if not setting(current_app.config, "RATELIMIT_EXEMPT_LOOPBACK"):
        return False
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def check_rate_limit():
    """before_request: a French 429 page with Retry-After when over a limit."""
    config = current_app.config
    scope = scope_of_request()
    address = request.remote_addr or ""
    if scope is None or not setting(config, "RATELIMIT_ENABLED") or exempt(address):
        return None
    limits = parse_limits(setting(config, "RATELIMIT_" + scope.upper()))
    retry_after = hit(get_db(), config["SECRET_KEY"], scope, client_of(address), limits)
    if not retry_after:
        return None
    if request.is_json:  # the workshop JSON API's error format
        message = MESSAGES[429][1]
        response = make_response(jsonify(error=message, status=429), 429)
    else:
        response = make_response(render_error(429))
    response.headers["Retry-After"] = str(retry_after)
    return response


def init_app(app: Flask) -> None:
    for scope in SCOPES:
        # Fail at start-up, not on a request.
        parse_limits(setting(app.config, "RATELIMIT_" + scope.upper()))
    # First of all hooks: even a request that fails its CSRF check counts.
    app.before_request_funcs.setdefault(None, []).insert(0, check_rate_limit)
