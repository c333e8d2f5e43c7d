"""Shared fixtures: a real SQLite file per test, CSRF left on.

The schema and the 35,000 communes are loaded once per session into a
template database, then copied for each test (a file copy is much faster
than re-importing the communes).
"""

import os
import shutil

import pytest
from helpers.web import login, make_user

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


@pytest.fixture
def app(tmp_path, template_db):
    path = str(tmp_path / "app.db")
    shutil.copy(template_db, path)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "DATABASE": path,
            "GEO_DATA_DIR": GEO_DIR,
            "HOSTING": "Serveur de la mairie de Test, en France.",
        }
    )
    app.instance_path = str(tmp_path / "instance")
    os.makedirs(app.instance_path, exist_ok=True)
    yield app


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
