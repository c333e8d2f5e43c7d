"""Helpers shared by tests/test_workshop_*.py (live workshops)."""

import re

from facilitation import boards, workshops
from facilitation.participants import join
from helpers.web import login, make_user

TOKEN_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client) -> str:
    """The session's CSRF token, read from a page that holds a form."""
    html = client.get("/connexion").get_data(as_text=True)
    if not TOKEN_RE.search(html):
        html = client.get("/").get_data(as_text=True)
    return TOKEN_RE.search(html).group(1)


class Staff:
    """A signed-in facilitator sending JSON with the X-CSRFToken header."""

    def __init__(self, client, workshop_id: int) -> None:
        self.client = client
        self.wid = workshop_id
        self.token = csrf_token(client)

    def post(self, path: str, json=None, **kwargs):
        return self.client.post(
            f"/ateliers/{self.wid}/api/{path}",
            json=json if json is not None else {},
            headers={"X-CSRFToken": self.token},
            **kwargs,
        )

    def get(self, path: str, **kwargs):
        return self.client.get(f"/ateliers/{self.wid}/api/{path}", **kwargs)

    def state(self) -> dict:
        response = self.get("etat")
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.json


class Phone:
    """A participant's phone: its own cookie jar, JSON requests."""

    def __init__(self, app, code: str, name: str | None = None) -> None:
        self.client = app.test_client()
        self.code = code
        body = {} if name is None else {"display_name": name}
        response = self.client.post(f"/a/{code}/rejoindre", json=body)
        assert response.status_code == 201, response.get_data(as_text=True)
        self.participant = response.json["participant"]
        self.token = response.json["token"]

    def post(self, path: str, json=None, **kwargs):
        return self.client.post(f"/a/{self.code}/{path}", json=json or {}, **kwargs)

    def get(self, path: str, **kwargs):
        return self.client.get(f"/a/{self.code}/{path}", **kwargs)

    def state(self) -> dict:
        response = self.get("etat")
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.json

    def cards(self, activity_id: int) -> list[dict]:
        activity = next(a for a in self.state()["activities"] if a["id"] == activity_id)
        return activity["cards"]

    def card(self, activity_id: int, text: str, column: str = "dit", **extra):
        return self.post(
            "cartes",
            {"activity_id": activity_id, "column": column, "text": text, **extra},
        )


def make_workshop(db, diagnostic_id: int, *activities, settings=None) -> dict:
    """A workshop with activities given as (kind, config) pairs."""
    wid = workshops.create_workshop(
        db,
        diagnostic_id,
        "Atelier de test",
        activities=[{"kind": k, "config": c} for k, c in activities],
        settings=settings,
    )
    workshop = workshops.get_workshop(db, wid)
    workshop["activities"] = [a["id"] for a in boards.list_activities(db, wid)]
    return workshop


def participant(db, workshop_id: int, name: str = "") -> dict:
    return join(db, workshop_id, name)[0]


def other_conseiller(app, client):
    """Sign `client` in as a conseiller of another diagnostic."""
    from survey_app.diagnostics import create_diagnostic

    user_id = make_user(app, "autre@example.fr", "Autre")
    with app.app_context():
        create_diagnostic(user_id, title="Autre diagnostic")
    login(client, "autre@example.fr")
    return client
