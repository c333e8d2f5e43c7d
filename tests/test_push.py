"""Web push for real: pywebpush → a local push service → decrypted payload."""

import json
import os
import socket
import stat
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import pytest
import urllib3
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from helpers.bulk_responses import add_responses, open_survey
from helpers.web import csrf_from

from survey_app.db import write_transaction
from survey_app.safeguards import push


class PushService:
    """A push service on 127.0.0.1 that records every message it receives."""

    def __init__(self):
        self.received: list[tuple[str, dict, bytes]] = []
        self.status = 201
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                headers = {k.lower(): v for k, v in self.headers.items()}
                service.received.append((self.path, headers, body))
                self.send_response(service.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


class Browser:
    """The keys a browser creates when it subscribes (RFC 8291)."""

    def __init__(self, endpoint: str):
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        public = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962,
            serialization.PublicFormat.UncompressedPoint,
        )
        self.subscription = {
            "endpoint": endpoint,
            "keys": {"p256dh": push.b64url(public), "auth": push.b64url(self.auth)},
        }

    def decrypt(self, body: bytes) -> dict:
        plain = http_ece.decrypt(
            body,
            private_key=self.private_key,
            auth_secret=self.auth,
            version="aes128gcm",
        )
        return json.loads(plain)


@pytest.fixture
def service(app, monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    push.ensure_vapid_keys(app.instance_path)
    service = PushService()
    app.config.update(PUSH_TEST_SERVICE=service.url)  # honoured in tests only
    yield service
    service.close()


def subscribe(client, diagnostic, subscription):
    page = client.get(f"/diagnostics/{diagnostic}").get_data(as_text=True)
    return client.post(
        "/notifications/abonnement",
        json=subscription,
        headers={"X-CSRFToken": csrf_from(page)},
    )


def dispatch(app, db):
    return push.dispatch_pending(db, push.settings(app))


def test_init_creates_private_vapid_keys_once(app, runner):
    result = runner.invoke(args=["init"])
    assert result.exit_code == 0, result.output
    assert "VAPID" in result.output
    path = push.key_path(app.instance_path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    key = push.public_key(app.instance_path)
    assert len(push.b64url_decode(key)) == 65
    result = runner.invoke(args=["init"])
    assert "VAPID" not in result.output
    assert push.public_key(app.instance_path) == key


def test_every_n_answers_and_target_reach_the_browser(
    app, logged_in, diagnostic, db, service
):
    survey_id, point_id = open_survey(app, diagnostic, target=5)
    with write_transaction(db):
        db.execute(
            "INSERT INTO survey_field_settings (survey_id, notify_every) VALUES (?, 3)",
            [survey_id],
        )
    browser = Browser(service.url + "/abonnement/1")
    response = subscribe(logged_in, diagnostic, browser.subscription)
    assert response.status_code == 200 and response.json == {"ok": True}
    page = logged_in.get(f"/diagnostics/{diagnostic}").get_data(as_text=True)
    assert push.public_key(app.instance_path) in page and "push.js" in page

    add_responses(db, survey_id, point_id, 2)
    assert dispatch(app, db) == 0 and service.received == []
    add_responses(db, survey_id, point_id, 3, tag="b")  # 3rd and 5th (target)
    assert dispatch(app, db) == 2
    assert dispatch(app, db) == 0  # each queued message is sent once
    path, headers, body = service.received[0]
    assert path == "/abonnement/1"
    assert headers["content-encoding"] == "aes128gcm"
    assert headers["authorization"].startswith("vapid t=")
    assert f"k={push.public_key(app.instance_path)}" in headers["authorization"]
    assert browser.decrypt(body) == {
        "title": "3 réponses : « Marché du jeudi »",
        "body": "L'enquête « Enquête test » avance.",
        "url": f"/enquetes/{survey_id}",
    }
    target = browser.decrypt(service.received[1][2])
    assert target["title"] == "Objectif atteint : « Marché du jeudi »"
    assert db.execute("SELECT count(*) FROM push_outbox").fetchone()[0] == 0


def test_notify_diagnostic_and_gone_subscription_removed(
    app, logged_in, diagnostic, db, service
):
    browser = Browser(service.url + "/abonnement/2")
    assert subscribe(logged_in, diagnostic, browser.subscription).status_code == 200
    push.notify_diagnostic(
        diagnostic, "Carte à valider", "Atelier « Vision » : 1 carte", "/a", db=db
    )
    assert dispatch(app, db) == 1
    assert browser.decrypt(service.received[0][2])["title"] == "Carte à valider"
    service.status = 410  # the browser unsubscribed on its side
    push.notify_user(1, "Export prêt", "Votre export est prêt.", "/", db=db)
    assert dispatch(app, db) == 0
    assert db.execute("SELECT count(*) FROM push_subscriptions").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM push_outbox").fetchone()[0] == 0


def test_failed_send_keeps_subscription(app, logged_in, diagnostic, db, service):
    browser = Browser(service.url + "/abonnement/3")
    subscribe(logged_in, diagnostic, browser.subscription)
    service.status = 500
    push.notify_user(1, "Essai", "Essai", "/", db=db)
    assert dispatch(app, db) == 0
    assert db.execute("SELECT count(*) FROM push_subscriptions").fetchone()[0] == 1


def test_no_queue_without_subscribers(app, diagnostic, db):
    survey_id, point_id = open_survey(app, diagnostic)
    add_responses(db, survey_id, point_id, 100)
    push.notify_diagnostic(diagnostic, "Carte à valider", "…", "/", db=db)
    push.notify_user(1, "Export prêt", "…", "/", db=db)
    assert db.execute("SELECT count(*) FROM push_outbox").fetchone()[0] == 0


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://169.254.169.254/latest/meta-data",  # not a push service
        "http://fcm.googleapis.com/fcm/send/abc",  # not HTTPS
        "https://fcm.googleapis.com.evil.example/x",
        # urlsplit sees fcm.googleapis.com, urllib3 connects to localhost:
        "https://localhost\\@fcm.googleapis.com/fcm/send/x",
        "https://localhost%5C@fcm.googleapis.com/fcm/send/x",
        "https://user:pass@fcm.googleapis.com/fcm/send/x",
        "https://fcm.googleapis.com@127.0.0.1/fcm/send/x",
        "https://fcm.googleapis.com:8443/fcm/send/x",
        "https://fcm.googleapis.com:443@localhost/x",
        "https://fcm.googleapis.com\t/fcm/send/x",
        "https://fcm.googleapis.com /x",
        "https://127.0.0.1/fcm/send/x",
        "https://[::1]/fcm/send/x",
        "https://2130706433/x",
        "https://fcm.googleapis.com./x",
        "https://fcm.googleapis.com:0/x",
        "https://fcm.googleapis.com:99999/x",
        "//fcm.googleapis.com/x",
        "ftp://fcm.googleapis.com/x",
        "https://fcm.googleapis.com\u200b/x",
    ],
)
def test_unknown_push_services_refused(app, logged_in, diagnostic, endpoint):
    browser = Browser(endpoint)
    response = subscribe(logged_in, diagnostic, browser.subscription)
    assert response.status_code == 400
    assert response.json["error"] == "Ce service de notifications n'est pas reconnu."


class Connections:
    """Every connection urllib3 opens (all refused); push.example resolves to
    the address given."""

    def __init__(self, monkeypatch, answers):
        self.opened: list[tuple] = []
        self.answers = answers
        real_getaddrinfo = socket.getaddrinfo

        def getaddrinfo(host, port, *args, **kwargs):
            if host != "push.example":
                return real_getaddrinfo(host, port, *args, **kwargs)
            address = self.answers[0]
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

        def create_connection(address, *args, **kwargs):
            self.opened.append(address)
            raise ConnectionRefusedError("refused in the test")

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
        monkeypatch.setattr(
            urllib3.util.connection, "create_connection", create_connection
        )


def stored_subscription(db, endpoint: str) -> None:
    browser = Browser(endpoint)
    keys = browser.subscription["keys"]
    with write_transaction(db):
        db.execute(
            "INSERT INTO push_subscriptions (user_id, endpoint, p256dh, auth, "
            "created_at) VALUES (1, ?, ?, ?, '2026-01-01T00:00:00Z')",
            [endpoint, keys["p256dh"], keys["auth"]],
        )


@pytest.mark.parametrize("inside", ["127.0.0.1", "10.1.2.3", "169.254.169.254"])
def test_a_push_service_name_leading_inside_gets_no_connection(
    app, user, db, monkeypatch, inside
):
    push.ensure_vapid_keys(app.instance_path)
    app.config.update(PUSH_ALLOWED_HOSTS=["push.example"])
    connections = Connections(monkeypatch, [inside])
    stored_subscription(db, "https://push.example/abonnement/1")
    push.notify_user(1, "Essai", "Essai", "/", db=db)
    assert dispatch(app, db) == 0
    assert connections.opened == []


def test_a_name_that_changes_address_after_the_check_is_not_followed(
    app, user, db, monkeypatch
):
    push.ensure_vapid_keys(app.instance_path)
    app.config.update(PUSH_ALLOWED_HOSTS=["push.example"])
    # The connection goes to the address that was checked, not to the name
    # again: a name may answer 127.0.0.1 just after the check (DNS rebinding).
    connections = Connections(monkeypatch, ["93.184.216.34"])
    stored_subscription(db, "https://push.example/abonnement/1")
    push.notify_user(1, "Essai", "Essai", "/", db=db)
    dispatch(app, db)
    assert connections.opened, "nothing was sent at all"
    assert {address[0] for address in connections.opened} == {"93.184.216.34"}


def test_a_subscription_stored_before_the_checks_is_dropped_unsent(
    app, user, db, monkeypatch
):
    push.ensure_vapid_keys(app.instance_path)
    connections = Connections(monkeypatch, ["127.0.0.1"])
    stored_subscription(db, "https://localhost\\@fcm.googleapis.com/fcm/send/x")
    push.notify_user(1, "Essai", "Essai", "/", db=db)
    assert dispatch(app, db) == 0
    assert connections.opened == []
    assert db.execute("SELECT count(*) FROM push_subscriptions").fetchone()[0] == 0


def test_the_test_service_setting_is_ignored_outside_tests(app):
    config = {"PUSH_TEST_SERVICE": "http://127.0.0.1:9", "TESTING": False}
    assert not push.endpoint_allowed("http://127.0.0.1:9/x", config)


def test_subscription_validation_and_unsubscribe(app, logged_in, diagnostic, db):
    bad = {"endpoint": "https://fcm.googleapis.com/fcm/send/x", "keys": {}}
    response = subscribe(logged_in, diagnostic, bad)
    assert response.status_code == 400 and "illisible" in response.json["error"]
    good = Browser("https://fcm.googleapis.com/fcm/send/x").subscription
    assert subscribe(logged_in, diagnostic, good).status_code == 200
    page = logged_in.get(f"/diagnostics/{diagnostic}").get_data(as_text=True)
    response = logged_in.post(
        "/notifications/desabonnement",
        json={"endpoint": good["endpoint"]},
        headers={"X-CSRFToken": csrf_from(page)},
    )
    assert response.status_code == 200
    assert db.execute("SELECT count(*) FROM push_subscriptions").fetchone()[0] == 0


def test_subscribing_needs_sign_in_and_csrf(client, logged_in, diagnostic):
    good = Browser("https://fcm.googleapis.com/fcm/send/y").subscription
    assert logged_in.post("/notifications/abonnement", json=good).status_code == 400
    logged_in.post("/deconnexion")  # refused without token: still signed in
    anonymous = client.application.test_client()
    response = anonymous.post("/notifications/abonnement", json=good)
    assert response.status_code in (302, 400)


def test_first_card_waiting_for_approval_reaches_the_facilitator(
    app, logged_in, diagnostic, db, service
):
    from helpers.workshops import make_workshop, participant

    from facilitation import cards

    browser = Browser(service.url + "/abonnement/9")
    subscribe(logged_in, diagnostic, browser.subscription)
    workshop = make_workshop(
        db, diagnostic, ("empathy", None), settings={"approval": True}
    )
    alice = participant(db, workshop["id"])
    activity = workshop["activities"][0]
    cards.post_card(db, activity, "dit", "Première carte", alice)
    cards.post_card(db, activity, "dit", "Deuxième carte", alice)
    assert dispatch(app, db) == 1  # one notification, not one per card
    payload = browser.decrypt(service.received[0][2])
    assert payload["title"] == "Carte à valider"
    assert payload["url"] == f"/ateliers/{workshop['id']}"


def test_slow_export_announces_itself(
    app, logged_in, diagnostic, db, service, monkeypatch
):
    from analysis import views as results_views

    browser = Browser(service.url + "/abonnement/10")
    subscribe(logged_in, diagnostic, browser.subscription)
    survey_id, point_id = open_survey(app, diagnostic)
    add_responses(db, survey_id, point_id, 3)
    monkeypatch.setattr(results_views, "SLOW_EXPORT_SECONDS", -1)  # all are slow
    assert logged_in.get(f"/enquetes/{survey_id}/export.csv").status_code == 200
    assert dispatch(app, db) == 1
    assert browser.decrypt(service.received[0][2])["title"] == "Export prêt"
