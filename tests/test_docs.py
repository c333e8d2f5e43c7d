"""The README stays true: every command and setting it should name, it names.

(The habit comes from datasette's test_docs.py.)
"""

import pathlib
import re

import pytest

from survey_app.settings import SETTINGS

ROOT = pathlib.Path(__file__).parent.parent
README = (ROOT / "README.md").read_text("utf-8")
OWN_COMMANDS = {
    "init",
    "create-user",
    "demo",
    "export",
    "purge",
    "backup",
    "restore",
    "reset-password",
}


def test_every_command_of_ours_is_registered_and_documented(app):
    registered = set(app.cli.list_commands(None))
    assert OWN_COMMANDS <= registered
    for name in registered - {"routes", "run", "shell"}:
        if name != "init":  # `make run` runs init for the conseiller
            assert f"survey_app {name}" in README, f"README: flask {name}"


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_every_setting_is_documented_with_its_description(setting):
    assert f"`{setting.name}`" in README, f"README: réglage {setting.name}"
    assert setting.description in README, f"README: description de {setting.name}"


def test_every_setting_the_code_reads_is_registered(app):
    # A default written at the reading site (`config.get("X", 10)`) would
    # escape the registry, the README and this test.
    sources = [
        path
        for package in ("survey_app", "facilitation", "analysis")
        for path in (ROOT / package).rglob("*.py")
        if path.name != "settings.py"  # the registry, whose docstring shows how
    ]
    registered = {s.name for s in SETTINGS}
    for path in sources:
        text = path.read_text("utf-8")
        assert not re.search(r"config\.get\(\s*\"[A-Z]", text), path
        for name in re.findall(r"setting\(\s*[\w.]+,\s*\"([A-Z_]+)\"\s*\)", text):
            assert name in registered, (path, name)
    assert registered <= set(app.config)


def test_both_commands_and_demo_account_are_documented():
    assert "make run" in README and "make test" in README
    assert "demo@exemple.fr" in README and "/s/demo" in README


def test_survey_tabs_and_pages_a_conseiller_needs_are_documented(app):
    """Every tab of a survey page, and the pages issue 8 added (D1, D2, A1)."""
    flat = " ".join(README.split())
    for tab in app.extensions["survey_tabs"]:
        assert f"**{tab.label}**" in flat, tab.label
    for words in ("Supprimer une réponse", "reset-password", "Portrait du territoire"):
        assert words in README, words


def test_readme_says_hosting_must_be_set_to_open_a_survey():
    flat = " ".join(README.split())
    assert (
        "Tant que ce réglage obligatoire (`HOSTING`) est vide, "
        "une enquête ne peut pas être ouverte" in flat
    )
    assert 'HOSTING = "' in README  # how to set it
