"""Shared fixtures: a real SQLite file per test, CSRF left on.

The schema and the 35,000 communes are loaded once per session into a
template database, then copied for each test (a file copy is much faster
than re-importing the communes). Tests marked `@pytest.mark.demo` start
from a second template: the same database after `flask demo`, run once per
session (its summary is `demo_template["output"]`).
"""

import os
import shutil
from collections.abc import Iterator

import pytest
from helpers.web import login, make_user
from werkzeug.security import generate_password_hash

from survey_app import create_app
from survey_app.db import connect, migrate
from survey_app.geo import load_geo

GEO_DIR = os.path.join(
    os.path.dirname(os.path.dirname(__file__)),
    "node_modules",
    "@etalab",
    "decoupage-administratif",
)


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("template") / "app.db")
    db = connect(path)
    migrate(db)
    assert load_geo(db, GEO_DIR), "npm install has not fetched the commune data"
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return path


@pytest.fixture(scope="session", autouse=True)
def quick_password_hashes():
    """scrypt at n=1024 instead of werkzeug's 32768 in this process: each
    hash took 0.16 s of CPU, and most tests create a user and sign in (two
    hashes). Same algorithm and code paths; the cost is read back from each
    stored hash, so checking works as in production. The servers the
    browser tests start are separate processes, with the real cost."""
    assert generate_password_hash.__defaults__ == ("scrypt", 16), "werkzeug changed"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(generate_password_hash, "__defaults__", ("scrypt:1024:8:1", 16))
        yield


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "demo: the test's database starts with the demo loaded"
    )


def _make_app(folder, template: str):
    """An app over its own copy of `template` (tests stay isolated)."""
    path = str(folder / "app.db")
    shutil.copy(template, path)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "DATABASE": path,
            "GEO_DATA_DIR": GEO_DIR,
            "HOSTING": "Serveur de la mairie de Test, en France.",
        }
    )
    app.instance_path = str(folder / "instance")
    os.makedirs(app.instance_path, exist_ok=True)
    return app


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory, template_db) -> dict[str, str]:
    """`flask demo` run once over a copy of the template database: its file
    (`path`) and the summary it printed (`output`)."""
    app = _make_app(tmp_path_factory.mktemp("demo-template"), template_db)
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    db = connect(app.config["DATABASE"])
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # all in the file we copy
    db.close()
    return {"path": app.config["DATABASE"], "output": result.output}


@pytest.fixture(scope="session")
def demo_document(tmp_path_factory, demo_template) -> Iterator[dict]:
    """The demo's diagnostic document, built once and written as ODT and DOCX
    in `folder`, for tests that only read it (a test that writes to the
    database is marked `demo` and takes its own `db`)."""
    from analysis.document_docx import write_docx
    from analysis.document_odt import write_odt
    from diagnostic.document import Selection, build_document

    folder = tmp_path_factory.mktemp("document")
    shutil.copy(demo_template["path"], folder / "app.db")
    db = connect(str(folder / "app.db"))
    diagnostic_id = db.execute("SELECT min(id) FROM diagnostics").fetchone()[0]
    document = build_document(
        db, diagnostic_id, Selection.everything(db, diagnostic_id)
    )
    write_odt(document, str(folder / "demo.odt"))
    write_docx(document, str(folder / "demo.docx"))
    yield {"db": db, "id": diagnostic_id, "document": document, "folder": folder}
    db.close()


@pytest.fixture
def app(request, tmp_path, template_db):
    template = template_db
    if request.node.get_closest_marker("demo"):
        template = request.getfixturevalue("demo_template")["path"]
    yield _make_app(tmp_path, template)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db(app):
    database = connect(app.config["DATABASE"])
    yield database
    database.close()


@pytest.fixture
def user(app):
    return make_user(app)


@pytest.fixture
def logged_in(client, user):
    response = login(client)
    assert response.status_code == 302
    return client


@pytest.fixture
def diagnostic(app, user):
    from survey_app.diagnostics import create_diagnostic

    with app.app_context():
        return create_diagnostic(
            user, title="Diagnostic de test", structure="Mairie de Test"
        )
