"""Browser fixtures: the production server (gunicorn) and Debian's Chromium.

`live_server` starts `gunicorn -c gunicorn.conf.py` exactly as `make serve`
does (several worker processes, so a live update must cross processes as in
production) over a copy of the session's template database (schema + the
communes). `browser` launches Debian's Chromium through Playwright; nothing is
ever downloaded. In CI (`CI=true`) a missing browser or server is a failure,
never a skip.
"""

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = os.path.join(ROOT, "node_modules", "axe-core", "axe.min.js")
PASSWORD = "mot-de-passe-solide"
IN_CI = os.environ.get("CI", "").lower() == "true"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 120) -> None:
    """Poll `url` until the server answers; fail early if it died.

    Up to two minutes: on a busy 2-core machine, four workers each importing
    the whole app took more than 30 s to answer (returns as soon as it does)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"le serveur s'est arrêté (code {process.returncode})")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError as error:
            if error.code < 500:
                return  # it is serving (a 4xx is an answer)
            time.sleep(0.1)
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"le serveur ne répond pas sur {url}")


@dataclass
class LiveServer:
    url: str
    database: str
    secret_key: str
    process: subprocess.Popen
    log_path: str
    _app: object = field(default=None, repr=False)

    def app(self):
        """A Flask app over the same database, to prepare data in-process."""
        if self._app is None:
            from survey_app import create_app

            self._app = create_app(
                {
                    "TESTING": True,
                    "SECRET_KEY": self.secret_key,
                    "HOSTING": "Serveur de la mairie de Test, en France.",
                    "DATABASE": self.database,
                }
            )
        return self._app

    def create_user(self, email: str | None = None, name: str = "Camille") -> dict:
        """Create a conseiller; return {"id", "email", "password"}."""
        from survey_app.auth import create_user

        email = email or f"conseil-{secrets.token_hex(4)}@example.fr"
        with self.app().app_context():
            user_id = create_user(email, PASSWORD, name)
        return {"id": user_id, "email": email, "password": PASSWORD}

    def create_diagnostic(self, user_id: int, title: str = "Diagnostic") -> int:
        from survey_app.diagnostics import create_diagnostic

        with self.app().app_context():
            return create_diagnostic(user_id, title=title, structure="Mairie")

    def log(self) -> str:
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()


@pytest.fixture(scope="session")
def live_server(template_db, tmp_path_factory):
    """gunicorn with gunicorn.conf.py on a free port over a temp database."""
    folder = tmp_path_factory.mktemp("live")
    database = str(folder / "app.db")
    shutil.copy(template_db, database)
    secret_key = secrets.token_hex(16)
    server = LiveServer("", database, secret_key, None, str(folder / "server.log"))
    # What `flask init` does after migrate + communes: the packages' hooks.
    with server.app().app_context():
        for hook in server.app().extensions.get("init_hooks", []):
            hook()
    port = free_port()
    env = {
        **os.environ,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "FLASK_DATABASE": database,
        "FLASK_SECRET_KEY": secret_key,
        "FLASK_HOSTING": "Serveur de la mairie de Test, en France.",
    }
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    with open(server.log_path, "wb") as log:
        process = subprocess.Popen(
            [gunicorn, "-c", "gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, see teardown
        )
    server.process = process
    server.url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(server.url + "/connexion", process)
    except RuntimeError as error:
        process.kill()
        pytest.fail(f"{error}\n{server.log()}")
    yield server
    # SIGINT = gunicorn's quick shutdown; workers still holding open event
    # streams would wait for graceful_timeout, so the group is killed after 3 s.
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=3)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(process.pid, signal.SIGKILL)  # the master and any worker left
    except ProcessLookupError:
        pass
    process.wait()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless. Skips outside CI if it is not installed."""
    if not os.path.exists(CHROMIUM):
        if IN_CI:
            pytest.fail(f"{CHROMIUM} est absent : installez le paquet chromium")
        pytest.skip(f"{CHROMIUM} absent")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield instance
        instance.close()


def log_in(context, live_server: LiveServer, user: dict):
    """Sign `user` in within `context` through the real form; return the page."""
    page = context.new_page()
    page.goto(live_server.url + "/connexion")
    page.fill("input[name=email]", user["email"])
    page.fill("input[name=password]", user["password"])
    with page.expect_navigation():
        page.click("form button[type=submit], form input[type=submit]")
    assert "/connexion" not in page.url, "la connexion a échoué"
    return page


@contextmanager
def signed_in_context(browser, live_server: LiveServer):
    """A new conseiller signed in a new browser context: (context, page, user);
    the context is closed on the way out."""
    user = live_server.create_user()
    context = browser.new_context(base_url=live_server.url)
    try:
        yield context, log_in(context, live_server, user), user
    finally:
        context.close()


@pytest.fixture
def conseiller(browser, live_server):
    """A fresh conseiller signed in a new browser context.

    Yields (context, page, user); the context is closed afterwards.
    """
    with signed_in_context(browser, live_server) as signed_in:
        yield signed_in


@pytest.fixture(scope="module")
def reading_conseiller(browser, live_server):
    """One conseiller for a module's tests that only read pages (axe at
    several widths): one sign-in instead of one per parametrised case."""
    with signed_in_context(browser, live_server) as signed_in:
        yield signed_in


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page; return its violations (empty when clean).

    axe is evaluated rather than added as a <script> tag: the page's strict
    Content-Security-Policy (rightly) refuses inline scripts.
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        with open(AXE, encoding="utf-8") as f:
            page.evaluate(f.read())
    result = page.evaluate("async () => (await axe.run(document)).violations")
    return [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]]} for v in result]


def pdf_pages(page) -> int:
    """Pages of the PDF Chromium prints from `page` (A4 from the page's CSS)."""
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def remove_demo(database: str) -> None:
    """The live server is shared by the session: leave no demo behind."""
    from survey_app.db import connect
    from survey_app.safeguards.personal_data import delete_diagnostic

    db = connect(database)
    try:
        for (diagnostic_id,) in db.execute(
            "SELECT s.diagnostic_id FROM surveys s JOIN collection_points p "
            "ON p.survey_id = s.id WHERE p.code = 'demo'"
        ).fetchall():
            delete_diagnostic(db, diagnostic_id)
    finally:
        db.close()
