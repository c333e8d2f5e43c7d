"""Security headers on every response, secure cookies behind HTTPS.

The Content-Security-Policy forbids inline scripts, inline styles, plugins and
framing: templates put JS and CSS in static files (see the brief). Service
workers and the web app manifest come from this origin only.

Configuration:
- `FORCE_HTTPS` (or `PREFERRED_URL_SCHEME = "https"`): session cookie sent over
  HTTPS only, and Strict-Transport-Security on secure requests.
- `TRUST_PROXY`: the app runs behind a reverse proxy (nginx, Caddy) that sets
  X-Forwarded-For/-Proto/-Host; werkzeug's ProxyFix then gives Flask the
  client's address and scheme. Never set it without such a proxy: anyone could
  forge those headers (and escape the per-address rate limits).
"""

from flask import Flask, Response, request
from werkzeug.middleware.proxy_fix import ProxyFix

from ..settings import setting

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "object-src 'none'",
    ]
)
# Nothing here needs a camera, a microphone, the position or a payment.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def security_headers(response: Response) -> Response:
    """Add the headers; a view may have set its own stricter values first."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    # Never to another site. Not "no-referrer" even on public pages: over
    # HTTPS, Flask-WTF refuses a POST whose Referer is missing.
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def init_app(app: Flask) -> None:
    config = app.config
    if setting(config, "FORCE_HTTPS") or config["PREFERRED_URL_SCHEME"] == "https":
        config["SESSION_COOKIE_SECURE"] = True
        config["PREFERRED_URL_SCHEME"] = "https"
    if setting(config, "TRUST_PROXY"):
        # One proxy in front: trust exactly one hop of each header.
        # Flask's documented way of wrapping its WSGI app (mypy: a method).
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=1, x_proto=1, x_host=1
        )
    app.after_request(security_headers)
