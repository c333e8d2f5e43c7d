"""The shipped deploy/Caddyfile in front of the production server, over HTTPS.

gunicorn starts as `make serve` starts it (gunicorn.conf.py, on a free port)
and Caddy (Debian's package) runs deploy/Caddyfile itself, with only the
domain and the ports replaced, and a certificate of its own internal
authority (`local_certs`: no root, no ACME, no network). The client trusts
that authority's root from Caddy's data folder, so TLS is really verified.

Checked through the proxy: a questionnaire answered with the no-JS form
(CSRF, Referer checked over HTTPS), a workshop event delivered on an open
stream within a second, rate limits keyed on the address Caddy gives
(X-Forwarded-For, TRUST_PROXY), and the security headers.
"""

import http.client
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
import requests
from helpers.bulk_responses import QUESTIONS
from helpers.sockets import free_port, read_until
from helpers.web import make_user
from helpers.workshops import make_workshop
from requests.adapters import HTTPAdapter

from facilitation.participants import join
from survey_app import create_app
from survey_app.db import connect, write_transaction
from survey_app.surveys import model

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CADDYFILE = os.path.join(ROOT, "deploy", "Caddyfile")
DOMAIN = "enquete.example.fr"
UPSTREAM = "127.0.0.1:8000"
# Public POSTs allowed per address and day: enough for the questionnaire
# (one POST per screen), few enough to reach quickly.
PUBLIC_LIMIT = 4


def wait_until(check, process: subprocess.Popen, what: str, seconds: float = 20):
    deadline = time.monotonic() + seconds
    while True:
        try:
            check()
            return
        except (OSError, ssl.SSLError):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"{what} did not start")
            time.sleep(0.05)


def caddy_config(https_port: int, http_port: int, app_port: int) -> str:
    """deploy/Caddyfile for this machine: test ports, the internal authority."""
    with open(CADDYFILE, encoding="utf-8") as f:
        shipped = f.read()
    # The placeholders an IT person replaces must stay where the README says.
    assert shipped.count(f"{DOMAIN} {{") == 1
    assert shipped.count(UPSTREAM) >= 1
    site = shipped.replace(f"{DOMAIN} {{", f"https://127.0.0.1:{https_port} {{")
    site = site.replace(UPSTREAM, f"127.0.0.1:{app_port}")
    return (
        "{\n"
        "\tadmin off\n"
        "\tlocal_certs\n"
        "\tskip_install_trust\n"
        # Python sends no SNI to an IP address.
        "\tdefault_sni 127.0.0.1\n"
        f"\thttp_port {http_port}\n"
        f"\thttps_port {https_port}\n"
        "}\n\n" + site
    )


@pytest.fixture(scope="module")
def caddy_binary() -> str:
    path = shutil.which("caddy")
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("caddy is missing: .ci/run installs Debian's caddy")
        pytest.skip("caddy absent (apt-get install caddy) : test de déploiement sauté")
    return path


@dataclass(frozen=True)
class Site:
    base: str  # https://127.0.0.1:<port>, Caddy
    root_ca: str  # Caddy's internal authority, trusted by the clients
    database: str
    survey_code: str
    workshop_code: str
    token: str  # a workshop participant's
    http_port: int  # Caddy's plain http, which only redirects


def seed(template_db: str, database: str) -> tuple[str, str, str]:
    """An open survey and a workshop; (survey code, workshop code, token)."""
    shutil.copy(template_db, database)
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "s", "DATABASE": database, "HOSTING": "x"}
    )
    user_id = make_user(app)
    with app.app_context():
        from survey_app.diagnostics import create_diagnostic

        diagnostic = create_diagnostic(user_id, title="Diag", structure="Mairie")
    db = connect(database)
    try:
        survey_id = model.create_survey(db, diagnostic, "Enquête", QUESTIONS)
        with write_transaction(db):
            db.execute("UPDATE surveys SET status = 'open' WHERE id = ?", [survey_id])
        code = db.execute("SELECT code FROM surveys WHERE id = ?", [survey_id])
        workshop = make_workshop(db, diagnostic, ("brainstorm", {"private": False}))
        _, token = join(db, workshop["id"], "Moi")
        return code.fetchone()[0], workshop["code"], token
    finally:
        db.close()


def start_gunicorn(database: str, port: int) -> subprocess.Popen:
    """The production server as `make serve` starts it, behind the proxy."""
    env = {
        **os.environ,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "4",
        "FLASK_DATABASE": database,
        "FLASK_SECRET_KEY": "test-secret",
        "FLASK_HOSTING": "Serveur de test",
        "FLASK_TRUST_PROXY": "true",
        "FLASK_FORCE_HTTPS": "true",
        # Every test client is on this machine: count loopback addresses too.
        "FLASK_RATELIMIT_EXEMPT_LOOPBACK": "false",
        "FLASK_RATELIMIT_PUBLIC": f"{PUBLIC_LIMIT}/day",
    }
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    return subprocess.Popen(
        [gunicorn, "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def start_caddy(binary: str, folder, config: str, log) -> subprocess.Popen:
    """Caddy with its certificates, config and home in `folder` (no root)."""
    (folder / "Caddyfile").write_text(config)
    return subprocess.Popen(
        [
            binary,
            "run",
            "--config",
            str(folder / "Caddyfile"),
            "--adapter",
            "caddyfile",
        ],
        cwd=str(folder),
        env={
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(folder),
            "XDG_DATA_HOME": str(folder / "data"),
            "XDG_CONFIG_HOME": str(folder / "config"),
        },
        stdout=log,
        stderr=subprocess.STDOUT,
    )


@pytest.fixture(scope="module")
def site(caddy_binary, template_db, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("caddy")
    database = str(tmp / "app.db")
    survey_code, workshop_code, token = seed(template_db, database)
    app_port, https_port, http_port = free_port(), free_port(), free_port()
    server = start_gunicorn(database, app_port)
    caddy_log = open(tmp / "caddy.log", "wb")  # noqa: SIM115 - read on failure
    config = caddy_config(https_port, http_port, app_port)
    caddy = start_caddy(caddy_binary, tmp, config, caddy_log)
    root_ca = tmp / "data" / "caddy" / "pki" / "authorities" / "local" / "root.crt"

    def answered() -> None:
        """Caddy has its certificate and gunicorn's worker has booted."""
        context = ssl.create_default_context(cafile=str(root_ca))
        https = http.client.HTTPSConnection(
            "127.0.0.1", https_port, timeout=60, context=context
        )
        try:
            https.request("GET", "/connexion")
            if https.getresponse().status != 200:
                raise OSError("not ready")
        finally:
            https.close()

    try:
        wait_until(
            lambda: socket.create_connection(("127.0.0.1", app_port), 1).close(),
            server,
            "gunicorn",
        )
        wait_until(answered, caddy, "caddy", seconds=60)
        base = f"https://127.0.0.1:{https_port}"
        yield Site(
            base, str(root_ca), database, survey_code, workshop_code, token, http_port
        )
    except BaseException:
        print((tmp / "caddy.log").read_text(errors="replace")[-3000:])
        raise
    finally:
        # SIGQUIT: both stop at once, without waiting for idle keep-alive
        # connections (the graceful SIGTERM is test_live_server.py's).
        caddy.send_signal(signal.SIGQUIT)
        server.send_signal(signal.SIGQUIT)
        for process in (caddy, server):
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        caddy_log.close()


class FromAddress(HTTPAdapter):
    """Requests leaving from a given local address (127.0.0.2, 127.0.0.3…):
    for Caddy, so many different residents."""

    def __init__(self, address: str, root_ca: str) -> None:
        self.address = address
        self.context = ssl.create_default_context(cafile=root_ca)
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        kwargs["ssl_context"] = self.context
        super().init_poolmanager(*args, **kwargs)


def resident(site: Site, address: str) -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # straight to Caddy, whatever HTTPS_PROXY says
    session.mount("https://", FromAddress(address, site.root_ca))
    return session


class HiddenFields(HTMLParser):
    """The hidden fields of a page's form (CSRF token, screen, version…)."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.fields: dict[str, str] = {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") == "hidden" and attrs.get("name"):
            self.fields[attrs["name"]] = attrs.get("value") or ""


def test_questionnaire_answered_over_https_with_its_security_headers(site):
    base, code = site.base, site.survey_code
    browser = resident(site, "127.0.0.4")
    url = f"{base}/s/{code}/questions"
    page = browser.get(url)
    assert page.status_code == 200
    headers = page.headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    # HSTS is sent on secure requests only: the app saw Caddy's https.
    assert headers["Strict-Transport-Security"].startswith("max-age=")
    # The session cookie travels over HTTPS only.
    assert "secure" in headers["Set-Cookie"].lower()
    # Pages are compressed on the way (the stream below is not).
    assert headers.get("Content-Encoding") in ("gzip", "zstd")
    # Plain http only sends to https.
    plain = browser.get(
        f"http://127.0.0.1:{site.http_port}/s/{code}", allow_redirects=False
    )
    assert plain.status_code in (301, 308)
    assert plain.headers["Location"].startswith("https://")

    answers = {"AGE": "67", "AIDE": "Envoyer des photos à mes petits-enfants"}
    for _ in range(4):
        form = {**HiddenFields(page.text).fields, "_nav": "next"}
        form.update({k: v for k, v in answers.items() if f'name="{k}"' in page.text})
        # A browser sends the Referer: Flask-WTF requires it over HTTPS and
        # compares it with the host Caddy passed on.
        page = browser.post(
            url, data=form, headers={"Referer": page.url}, allow_redirects=False
        )
        if page.status_code == 303:
            break
        assert page.status_code == 200, page.text[:2000]
    assert page.status_code == 303, page.text[:2000]
    assert page.headers["Location"].startswith(f"/s/{code}/merci")
    thanks = browser.get(base + page.headers["Location"])
    assert "Merci" in thanks.text

    conn = connect(site.database)
    try:
        stored = conn.execute("SELECT answers FROM responses").fetchall()
    finally:
        conn.close()
    assert len(stored) == 1 and "petits-enfants" in stored[0][0]


def test_workshop_event_reaches_an_open_stream_within_a_second(site):
    base, workshop_code, token = site.base, site.workshop_code, site.token
    port = int(base.rsplit(":", 1)[1])
    context = ssl.create_default_context(cafile=site.root_ca)
    raw = socket.create_connection(("127.0.0.1", port), timeout=5)
    with context.wrap_socket(raw, server_hostname="127.0.0.1") as stream:
        stream.sendall(
            f"GET /a/{workshop_code}/flux HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"X-Participant-Token: {token}\r\nAccept-Encoding: gzip, zstd\r\n"
            "Accept: text/event-stream\r\n\r\n".encode()
        )
        received = read_until(stream, b": flux ouvert", 5)
        head = received.split(b"\r\n\r\n")[0].lower()
        assert head.startswith(b"http/1.1 200")
        assert b"text/event-stream" in head and b"content-encoding" not in head

        phone = resident(site, "127.0.0.5")
        state = phone.get(
            f"{base}/a/{workshop_code}/etat", headers={"X-Participant-Token": token}
        ).json()
        activity = state["activities"][0]["id"]
        posted = time.monotonic()
        response = phone.post(
            f"{base}/a/{workshop_code}/cartes",
            json={"activity_id": activity, "column": "idees", "text": "Par Caddy"},
            headers={"X-Participant-Token": token},
        )
        assert response.status_code == 201, response.text
        assert b'"text":"Par Caddy"' in read_until(stream, b'"text":"Par Caddy"', 1)
        assert time.monotonic() - posted < 1


def test_rate_limits_count_each_resident_behind_the_proxy(site):
    base, code = site.base, site.survey_code
    url = f"{base}/s/{code}/questions"

    def post(session: requests.Session, **headers) -> int:
        return session.post(url, data={"_nav": "next"}, headers=headers).status_code

    first, second = resident(site, "127.0.0.2"), resident(site, "127.0.0.3")
    # Refused for their missing CSRF token, but counted all the same.
    assert [post(first) for _ in range(PUBLIC_LIMIT)] == [400] * PUBLIC_LIMIT
    refused = first.post(url)
    assert refused.status_code == 429 and "Trop de demandes" in refused.text
    assert int(refused.headers["Retry-After"]) > 0
    # Another resident is not blocked by the first one...
    assert post(second) == 400
    # ...nor can make Caddy believe they are someone else: a forged
    # X-Forwarded-For is replaced by the real address.
    assert post(second, **{"X-Forwarded-For": "127.0.0.9"}) == 400
    assert post(resident(site, "127.0.0.9")) == 400
