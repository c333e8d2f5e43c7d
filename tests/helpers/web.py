"""Users, sign-in and forms posted with their CSRF token (CSRF stays on)."""

import re

PASSWORD = "mot-de-passe-solide"
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def post_form(client, url: str, data: dict, page: str | None = None, **kwargs):
    """GET the page holding the form (url by default), then POST with its token."""
    html = client.get(page or url).get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf_from(html), **data}, **kwargs)


def make_user(app, email: str = "conseillere@example.fr", name: str = "Camille"):
    from survey_app.auth import create_user

    with app.app_context():
        return create_user(email, PASSWORD, name)


def login(client, email: str = "conseillere@example.fr"):
    return post_form(client, "/connexion", {"email": email, "password": PASSWORD})
