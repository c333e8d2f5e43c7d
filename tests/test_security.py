"""Security headers on every kind of response, cookies, proxy, templates."""

import pathlib
import re

import pytest
from helpers.bulk_responses import open_survey
from helpers.web import login

from survey_app import create_app
from survey_app.safeguards.headers import CONTENT_SECURITY_POLICY

ROOT = pathlib.Path(__file__).parent.parent


def assert_secure(response):
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert csp == CONTENT_SECURITY_POLICY
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "form-action 'self'",
        "base-uri 'self'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers  # plain HTTP in tests


def test_headers_on_every_kind_of_page(app, logged_in, diagnostic):
    client = logged_in
    survey_id, _ = open_survey(app, diagnostic)
    pages = {
        "/": 200,
        f"/diagnostics/{diagnostic}": 200,
        f"/diagnostics/{diagnostic}/registre": 200,
        "/static/admin.css": 200,
        "/static/push-sw.js": 200,
        "/nulle-part": 404,
    }
    for url, status in pages.items():
        response = client.get(url)
        assert response.status_code == status, url
        assert_secure(response)
        response.close()
    # JSON (a refused subscription) and a binary download.
    response = client.post(
        "/notifications/abonnement",
        json={"endpoint": "x"},
        headers={"X-CSRFToken": _token(client, diagnostic)},
    )
    assert response.status_code == 400 and response.is_json
    assert_secure(response)
    response = client.get(f"/diagnostics/{diagnostic}/registre.odt")
    assert response.status_code == 200
    assert_secure(response)
    response = client.get(f"/enquetes/{survey_id}/export.csv")  # a CSV export
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert_secure(response)


def _token(client, diagnostic):
    html = client.get(f"/diagnostics/{diagnostic}").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_headers_on_public_pages(app, client, diagnostic):
    open_survey(app, diagnostic)
    for url, status in [
        ("/s/marche", 200),
        ("/s/marche/confidentialite", 200),
        ("/s/inconnu", 404),
    ]:
        response = client.get(url)
        assert response.status_code == status, url
        assert_secure(response)


def test_headers_on_server_error_page(app):
    config = {"SECRET_KEY": "x", "DATABASE": app.config["DATABASE"]}
    app = create_app({**config, "BACKGROUND_JOBS": False})

    @app.get("/s/boom/plante")
    def boom():
        raise RuntimeError("boom")

    response = app.test_client().get("/s/boom/plante")
    assert response.status_code == 500
    assert "Erreur du serveur" in response.get_data(as_text=True)
    assert_secure(response)


def test_request_too_large_gets_french_413(app, client, diagnostic):
    open_survey(app, diagnostic)
    big = {"AIDE": "a" * (600 * 1024)}
    for url in ("/connexion", "/s/marche/questions"):
        response = client.post(url, data=big)
        assert response.status_code == 413, url
        assert "Envoi trop volumineux" in response.get_data(as_text=True)
        assert_secure(response)
    assert app.config["MAX_CONTENT_LENGTH"] == 512 * 1024


def test_session_cookie_secure_only_when_https(tmp_path, template_db, user, app):
    response = login(app.test_client())
    assert "Secure" not in response.headers["Set-Cookie"]
    https = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "DATABASE": app.config["DATABASE"],
            "FORCE_HTTPS": True,
        }
    )
    assert https.config["SESSION_COOKIE_SECURE"] is True
    client = https.test_client()
    # Over HTTPS Flask-WTF wants a same-origin Referer, as browsers send it.
    client.environ_base["HTTP_REFERER"] = "https://localhost/connexion"
    response = login(client)
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.parametrize("trust", [False, True])
def test_forwarded_proto_only_with_trust_proxy(app, trust):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "DATABASE": app.config["DATABASE"],
            "TRUST_PROXY": trust,
        }
    )
    response = app.test_client().get(
        "/connexion",
        headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.7"},
    )
    assert ("Strict-Transport-Security" in response.headers) is trust


INLINE = [
    # JSON data blocks (type="application/json") are never executed: allowed.
    (
        re.compile(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>", re.I),
        "inline <script>",
    ),
    (re.compile(r"\son[a-z]+\s*=", re.I), "on*= attribute"),
    (re.compile(r"\sstyle\s*=", re.I), "style= attribute"),
    (re.compile(r"<style", re.I), "<style> element"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def csp_offenders() -> list[str]:
    found = []
    for path in sorted(ROOT.glob("*/templates/**/*.html")):
        text = path.read_text(encoding="utf-8")
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    return found


def test_no_template_has_what_the_csp_blocks():
    """Inline code would be silently refused by browsers: find it here first."""
    assert len(list(ROOT.glob("*/templates/**/*.html"))) > 20
    assert csp_offenders() == []
