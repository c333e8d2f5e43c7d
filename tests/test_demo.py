"""The demo data: loads fast, once, on a real territory, with valid answers."""

import json
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from helpers.web import post_form

from survey_app.db import connect
from survey_app.demo import DEMO_EMAIL, DEMO_PASSWORD, load_demo
from survey_app.surveys import model
from survey_app.surveys.answers import parse_answers


@pytest.fixture
def demo(request, demo_template):
    """What `flask demo` printed; the test's database holds a copy of what it
    loaded (the demo runs once per session, see conftest.py)."""
    assert request.node.get_closest_marker("demo"), "mark the test: demo"
    return demo_template["output"]


def open_survey(db) -> int:
    """The demo's open survey (its wave 2: wave 1 is closed, issue 12 §3)."""
    return model.point_by_code(db, "demo")["survey_id"]


def responses(db) -> list[dict]:
    rows = db.execute(
        "SELECT * FROM responses WHERE survey_id = ? ORDER BY id", [open_survey(db)]
    )
    return [{**dict(r), "answers": json.loads(r["answers"])} for r in rows]


def as_form(answers: dict) -> dict:
    return {k: v if isinstance(v, list) else str(v) for k, v in answers.items()}


@pytest.mark.demo
def test_summary_gives_the_sign_in(demo):
    assert DEMO_EMAIL in demo and DEMO_PASSWORD in demo and "/s/demo" in demo


@pytest.mark.demo
def test_demo_account_signs_in_and_sees_the_dashboard(demo, client, db):
    response = post_form(
        client, "/connexion", {"email": DEMO_EMAIL, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    survey_id = open_survey(db)
    html = client.get(f"/enquetes/{survey_id}").get_data(as_text=True)
    assert "Enquête <strong>ouverte</strong>" in html
    assert "Dernières réponses" in html


@pytest.mark.demo
def test_demo_holds_no_test_payloads(demo, db):
    # The demo is shown to conseillers and elected officials (issue 8, D7):
    # escaping is proven by the tests, not by markup in a resident's remark.
    for row in db.execute("SELECT answers FROM responses"):
        text = row[0].lower()
        assert "<" not in text and "alert(" not in text and "je teste" not in text


@pytest.mark.demo
def test_territory_is_a_real_epci(demo, db):
    communes = {
        r[0]
        for r in db.execute(
            "SELECT c.epci_code FROM diagnostic_communes dc "
            "JOIN communes c ON c.code = dc.commune_code"
        )
    }
    assert len(communes) == 1
    count = db.execute("SELECT count(*) FROM diagnostic_communes").fetchone()[0]
    members = db.execute(
        "SELECT count(*) FROM communes WHERE epci_code = ?", [communes.pop()]
    ).fetchone()[0]
    assert count == members > 10


@pytest.mark.demo
def test_demo_point_opens_the_questionnaire(demo, client, db):
    point = model.point_by_code(db, "demo")
    survey = db.execute("SELECT * FROM surveys WHERE status = 'open'").fetchone()
    assert point["survey_id"] == survey["id"] and survey["status"] == "open"
    assert (
        db.execute(
            "SELECT count(*) FROM collection_points WHERE survey_id = ?", [survey["id"]]
        ).fetchone()[0]
        == 5
    )
    response = client.get("/s/demo")
    assert response.status_code == 200
    assert survey["title"] in response.get_data(as_text=True)


@pytest.mark.demo
def test_every_answer_passes_the_questionnaire_rules(demo, db):
    survey_id = open_survey(db)
    questions = model.current_version(db, survey_id)["questions"]
    territory = {
        r[0] for r in db.execute("SELECT commune_code FROM diagnostic_communes")
    }
    rows = responses(db)
    for row in rows:
        answers = row["answers"]
        parsed, errors = parse_answers(
            questions, as_form(answers), commune_exists=territory.__contains__
        )
        assert errors == {} and parsed == answers, row["id"]
    keys = Counter(k for row in rows for k in row["answers"])
    # Optional questions are sometimes left blank; hidden ones only sometimes shown.
    assert 0.85 * len(rows) < keys["PR_AGE"] < len(rows)
    assert 0 < keys["CO_RAISONS_SANS_INTERNET"] < 0.3 * len(rows)
    texts = [r["answers"]["REMARQUES"] for r in rows if "REMARQUES" in r["answers"]]
    assert 10 < len(texts) < 80
    assert any(k.endswith(".autre") for k in keys)


@pytest.mark.demo
def test_counts_times_and_modes_are_plausible(demo, db):
    rows = responses(db)
    assert 350 <= len(rows) <= 450
    stamps = [datetime.fromisoformat(r["submitted_at"]) for r in rows]
    now = datetime.now(UTC)
    assert now - timedelta(days=23) < min(stamps) and max(stamps) < now
    assert len({s.date() for s in stamps}) >= 12
    modes = Counter(r["mode"] for r in rows)
    assert set(modes) <= set(model.MODES)
    assert modes["self"] > len(rows) / 2 and modes["kiosk"] and modes["paper"]
    per_point = Counter(r["point_id"] for r in rows)
    assert per_point[None] > 0 and len(per_point) == 6


def share(rows, condition) -> float:
    return sum(1 for r in rows if condition(r["answers"])) / len(rows)


@pytest.mark.demo
def test_answers_depend_on_age_and_place(demo, db):
    rows = responses(db)
    young = [r for r in rows if r["answers"].get("PR_AGE") in ("25_39", "40_44")]
    old = [r for r in rows if r["answers"].get("PR_AGE") in ("70_74", "75_plus")]
    assert len(young) > 50 and len(old) > 50

    def smartphone(a):
        return a.get("EQ_MOBILE") == "smartphone"

    def gave_up(a):
        return a.get("DA_RENONCEMENT") in ("oui_abandon", "oui_autrement")

    def wants_help(a):
        return a.get("BE_SOUHAIT") == "oui"

    assert share(old, smartphone) + 0.15 < share(young, smartphone)
    assert share(old, gave_up) > share(young, gave_up) + 0.1
    assert share(old, wants_help) > share(young, wants_help) + 0.1
    points = {
        r["kind"]: r["id"]
        for r in db.execute(
            "SELECT * FROM collection_points WHERE survey_id = ?", [open_survey(db)]
        )
    }

    def older(a):
        return a.get("PR_AGE") in ("60_69", "70_74", "75_plus")

    market = [r for r in rows if r["point_id"] == points["marche"]]
    school = [r for r in rows if r["point_id"] == points["ecole"]]
    assert share(market, older) > share(school, older) + 0.3


@pytest.mark.demo
def test_demo_is_loaded_once(runner, demo, db):
    before = db.execute("SELECT count(*) FROM responses").fetchone()[0]
    assert runner.invoke(args=["demo", "--if-empty"]).output == ""
    # Without the flag, the demo sees its own /s/demo and adds nothing either.
    output = runner.invoke(args=["demo"]).output
    assert "déjà chargées" in output
    assert db.execute("SELECT count(*) FROM responses").fetchone()[0] == before
    assert db.execute("SELECT count(*) FROM diagnostics").fetchone()[0] == 1


def test_demo_works_without_commune_data(app):
    # Its speed is measured by bench/demo.py, not asserted here (issue 8, F4).
    db = connect(app.config["DATABASE"])
    try:
        db.execute("DELETE FROM commune_postcodes")
        db.execute("DELETE FROM communes")
        db.execute("DELETE FROM epcis")
        db.conn.commit()
        summary = load_demo(db)
        assert "0 communes" in summary
        assert db.execute("SELECT count(*) FROM diagnostic_communes").fetchone()[0] == 0
        communes = {
            r[0]
            for r in db.execute(
                "SELECT DISTINCT json_extract(answers, '$.PR_COMMUNE') FROM responses"
            )
        }
        assert None in communes and len(communes - {None}) >= 3
    finally:
        db.close()


@pytest.mark.demo
def test_demo_has_a_closed_first_wave_to_compare_with(demo, db):
    """Issue 12 §3: the open survey is wave 2 of a closed wave 1, run at the
    same places seven months before, so the "Vagues" page shows something."""
    wave_2 = dict(
        db.execute("SELECT * FROM surveys WHERE id = ?", [open_survey(db)]).fetchone()
    )
    wave_1 = dict(
        db.execute(
            "SELECT * FROM surveys WHERE id = ?", [wave_2["previous_survey_id"]]
        ).fetchone()
    )
    assert (wave_1["status"], wave_1["wave_number"], wave_2["wave_number"]) == (
        "closed", 1, 2,
    )  # fmt: skip
    assert (
        model.current_version(db, wave_1["id"])["questions"]
        == (model.current_version(db, wave_2["id"])["questions"])
    )
    first = db.execute(
        "SELECT count(*), max(submitted_at) FROM responses WHERE survey_id = ?",
        [wave_1["id"]],
    ).fetchone()
    assert 150 < first[0] < 300 and first[1] < wave_2["opens_on"]
