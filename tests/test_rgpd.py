"""Care of personal data: purge, privacy page, record, deletion, scheduler."""

import io
import threading
import zipfile
from datetime import UTC, datetime, timedelta

from helpers.bulk_responses import add_responses, open_survey, table_counts
from helpers.web import login, make_user, post_form

from survey_app.dates import french_date
from survey_app.db import write_transaction
from survey_app.safeguards import maintenance, push, ratelimit
from survey_app.safeguards.personal_data import purge_expired, set_retention

NOW = datetime(2026, 6, 15, 12, tzinfo=UTC)


def stamp(days_ago: int) -> str:
    return (NOW - timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")


def add_workshop(db, diagnostic_id: int, user_id: int, updated_at: str) -> int:
    """A workshop with an activity, a table, a participant, a card and a vote."""
    from facilitation.boards import get_activity
    from facilitation.cards import post_card
    from facilitation.participants import join
    from facilitation.small_groups import create_table
    from facilitation.workshops import create_workshop

    workshop_id = create_workshop(
        db, diagnostic_id, "Atelier", user_id, activities=[{"kind": "brainstorm"}]
    )
    activity_id = db.execute(
        "SELECT id FROM workshop_activities WHERE workshop_id = ?", [workshop_id]
    ).fetchone()[0]
    create_table(db, workshop_id, "Table 1")
    participant, _token = join(db, workshop_id, "Dominique")
    column = get_activity(db, activity_id)["columns"][0]["key"]
    card = post_card(db, activity_id, column, "Une idée", user_id=user_id)
    with write_transaction(db):
        db.execute(
            "INSERT INTO workshop_votes (activity_id, card_id, participant_id, "
            "count, updated_at) VALUES (?, ?, ?, 1, ?)",
            [activity_id, card["id"], participant["id"], updated_at],
        )
        db.execute(
            "UPDATE workshops SET updated_at = ? WHERE id = ?",
            [updated_at, workshop_id],
        )
    return workshop_id


def test_purge_respects_each_diagnostics_retention(app, user, diagnostic, db):
    from survey_app.diagnostics import create_diagnostic

    with app.app_context():
        other = create_diagnostic(user, title="Autre")
    set_retention(db, diagnostic, 12)  # other keeps the default, 24 months
    survey_id, point_id = open_survey(app, diagnostic)
    other_survey = open_survey_with_code(app, other)
    add_responses(db, survey_id, point_id, 3, submitted_at=stamp(400), tag="old")
    add_responses(db, survey_id, point_id, 2, submitted_at=stamp(30), tag="new")
    add_responses(db, other_survey, None, 4, submitted_at=stamp(400), tag="o")
    old_workshop = add_workshop(db, diagnostic, user, stamp(400))
    add_workshop(db, diagnostic, user, stamp(30))
    with write_transaction(db):
        db.execute(
            "INSERT INTO point_alerts (survey_id, point_id, started_at, last_at, "
            "peak) VALUES (?, ?, ?, ?, 40)",
            [survey_id, point_id, stamp(400), stamp(400)],
        )
    counts = purge_expired(db, NOW)
    assert counts == {"réponses": 3, "alertes": 1, "ateliers": 1}
    remaining = db.execute(
        "SELECT survey_id, count(*) FROM responses GROUP BY survey_id"
    ).fetchall()
    assert {r[0]: r[1] for r in remaining} == {survey_id: 2, other_survey: 4}
    old_cards = db.execute(
        "SELECT count(*) FROM workshop_cards WHERE activity_id IN (SELECT id FROM "
        "workshop_activities WHERE workshop_id = ?)",
        [old_workshop],
    ).fetchone()[0]
    assert old_cards == 0
    assert db.execute("SELECT count(*) FROM workshop_cards").fetchone()[0] == 1
    assert purge_expired(db, NOW) == {"réponses": 0, "alertes": 0, "ateliers": 0}


def open_survey_with_code(app, diagnostic_id: int) -> int:
    from survey_app.db import connect
    from survey_app.surveys import model

    db = connect(app.config["DATABASE"])
    try:
        return model.create_survey(db, diagnostic_id, "Autre enquête", [])
    finally:
        db.close()


def test_purge_command_prints_counts(app, runner, diagnostic, db):
    survey_id, point_id = open_survey(app, diagnostic)
    add_responses(db, survey_id, point_id, 2, submitted_at="2000-01-01T00:00:00Z")
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0
    assert "2 réponses supprimé(e)s" in result.output
    assert db.execute("SELECT count(*) FROM responses").fetchone()[0] == 0


def test_daily_purge_runs_once_a_day_whatever_the_workers(app, diagnostic, db):
    survey_id, point_id = open_survey(app, diagnostic)
    add_responses(db, survey_id, point_id, 2, submitted_at="2000-01-01T00:00:00Z")
    assert maintenance.daily_purge(db, NOW) == {
        "réponses": 2,
        "alertes": 0,
        "ateliers": 0,
    }
    assert maintenance.daily_purge(db, NOW) is None  # another worker, same day
    assert maintenance.daily_purge(db, NOW + timedelta(days=1)) is not None


def test_first_request_starts_the_background_purge(app, client, diagnostic, db):
    """The thread a worker starts on its first request runs the purge."""
    survey_id, point_id = open_survey(app, diagnostic)
    add_responses(db, survey_id, point_id, 2, submitted_at="2000-01-01T00:00:00Z")
    app.config.update(BACKGROUND_JOBS=True, PUSH_POLL_SECONDS=0.05)
    push.ensure_vapid_keys(app.instance_path)
    maintenance.stop.clear()
    before = set(threading.enumerate())
    assert client.get("/connexion").status_code == 200  # starts it
    (thread,) = [t for t in threading.enumerate() if t not in before]
    try:
        assert client.get("/connexion").status_code == 200
        assert maintenance.start_background(app) is None  # once per process
        for _ in range(200):
            row = db.execute("SELECT * FROM maintenance").fetchone()
            if row["summary"]:
                break
            thread.join(0.05)
        assert row["last_run"] == datetime.now(UTC).strftime("%Y-%m-%d")
        assert "2 réponses" in row["summary"]
    finally:
        maintenance.stop.set()
        push.wake_up.set()
        thread.join(5)
    assert not thread.is_alive()
    assert db.execute("SELECT count(*) FROM responses").fetchone()[0] == 0
    login(client)
    page = client.get(f"/diagnostics/{diagnostic}").get_data(as_text=True)
    assert f"Dernière vérification : le {french_date(row['last_run'])}" in page


def test_public_privacy_page(app, client, diagnostic, db):
    with write_transaction(db):
        db.execute(
            "UPDATE diagnostics SET structure = ?, contact_email = ?, "
            "retention_months = 18 WHERE id = ?",
            ["Mairie <b>de Test</b>", "dpo@mairie.example", diagnostic],
        )
    open_survey(app, diagnostic)
    page = client.get("/s/marche/confidentialite").get_data(as_text=True)
    for expected in (
        "Mairie &lt;b&gt;de Test&lt;/b&gt;",
        "dpo@mairie.example",
        "18 mois",
        "ni votre\n  adresse IP",
        "Vos droits",
        "CNIL",
        "Où sont-elles gardées",
        "besoins d&#39;accompagnement, profil",
        "réponses libres",
        "Marché du jeudi",
    ):
        assert expected in page, expected


def test_record_of_processing(app, logged_in, db, user):
    from survey_app.diagnostics import create_diagnostic

    with app.app_context():
        diagnostic = create_diagnostic(
            user, title="<script>x</script>", structure="=HYPERLINK(1)"
        )
    open_survey(app, diagnostic)
    app.config["HOSTING"] = "Serveur de la communauté de communes, à Lyon."
    page = logged_in.get(f"/diagnostics/{diagnostic}/registre")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "&lt;script&gt;x&lt;/script&gt;" in html and "<script>x" not in html
    for label in ("Finalités", "Base légale", "Catégories de données"):
        assert label in html
    assert "Destinataires" in html and "Durée de conservation" in html
    assert "Mesures de sécurité" in html and "communauté de communes" in html
    response = logged_in.get(f"/diagnostics/{diagnostic}/registre.odt")
    assert response.mimetype == "application/vnd.oasis.opendocument.text"
    with zipfile.ZipFile(io.BytesIO(response.data)) as odt:
        assert odt.read("mimetype") == b"application/vnd.oasis.opendocument.text"
        content = odt.read("content.xml").decode()
    assert "&lt;script&gt;x&lt;/script&gt;" in content
    assert "24 mois après chaque réponse" in content


def test_pages_are_for_members_only(app, client, diagnostic):
    make_user(app, "autre@example.fr")
    login(client, "autre@example.fr")
    for url in ("registre", "registre.odt", "donnees", "supprimer"):
        assert client.get(f"/diagnostics/{diagnostic}/{url}").status_code == 403


def test_only_the_owner_deletes(app, client, diagnostic, db):
    member = make_user(app, "membre@example.fr")
    with write_transaction(db):
        db.execute(
            "INSERT INTO diagnostic_members (diagnostic_id, user_id) VALUES (?, ?)",
            [diagnostic, member],
        )
    login(client, "membre@example.fr")
    assert client.get(f"/diagnostics/{diagnostic}/supprimer").status_code == 403
    page = client.get(f"/diagnostics/{diagnostic}").get_data(as_text=True)
    assert "/supprimer" not in page


def test_deleting_a_diagnostic_removes_everything_it_owns(
    app, logged_in, user, diagnostic, db
):
    """Row counts of EVERY table are back to what they were before it existed."""
    from survey_app.diagnostics import create_diagnostic

    keep_survey, keep_point = open_survey(app, diagnostic)
    add_responses(db, keep_survey, keep_point, 3)
    add_workshop(db, diagnostic, user, stamp(1))
    colleague = make_user(app, "collegue@example.fr")
    push_row = ["https://fcm.googleapis.com/x", "k", "a", "2026-01-01T00:00:00Z"]
    with write_transaction(db):
        db.execute(
            "INSERT INTO push_subscriptions (user_id, endpoint, p256dh, auth, "
            "created_at) VALUES (?, ?, ?, ?, ?)",
            [user, *push_row],
        )
    before = table_counts(db)

    with app.app_context():
        doomed = create_diagnostic(user, title="Diagnostic à supprimer")
    from survey_app.surveys import model

    survey_id = model.create_survey(db, doomed, "Enquête", [])
    point_id = model.create_point(db, survey_id, "Mairie", "mairie")
    with write_transaction(db):
        db.execute("UPDATE surveys SET status = 'open' WHERE id = ?", [survey_id])
        db.execute(
            "INSERT INTO diagnostic_members (diagnostic_id, user_id) VALUES (?, ?)",
            [doomed, colleague],
        )
        db.execute(
            "INSERT INTO diagnostic_communes (diagnostic_id, commune_code) "
            "SELECT ?, code FROM communes LIMIT 3",
            [doomed],
        )
        db.execute(
            "INSERT INTO survey_field_settings (survey_id, alert_per_minute) "
            "VALUES (?, 2)",
            [survey_id],
        )
    model.save_questions(
        db,
        survey_id,
        [{"key": "A", "type": "short_text", "theme": "autre", "text": "?"}],
    )
    add_responses(db, survey_id, point_id, 60)  # milestone + burst alert
    model.save_questions(
        db,
        survey_id,
        [{"key": "B", "type": "short_text", "theme": "autre", "text": "?"}],
    )
    add_workshop(db, doomed, user, stamp(1))
    push.notify_diagnostic(doomed, "t", "b", "/", db=db)
    if db["analysis_margins"].exists():
        with write_transaction(db):
            db.execute(
                "INSERT INTO analysis_margins (diagnostic_id, variable, category, "
                "target, updated_at) VALUES (?, 'PR_AGE', 'a', 1, 'x')",
                [doomed],
            )
    during = table_counts(db)
    grown = {t for t in during if during[t] > before[t]}
    assert {"responses", "workshop_cards", "point_alerts", "push_outbox"} <= grown

    url = f"/diagnostics/{doomed}/supprimer"
    response = post_form(logged_in, url, {"confirm": "Diagnostic"})
    assert response.status_code == 400
    assert "rien n&#39;a été supprimé" in response.get_data(as_text=True)
    assert table_counts(db) == during

    response = post_form(logged_in, url, {"confirm": " Diagnostic à supprimer "})
    assert response.status_code == 302
    assert table_counts(db) == before
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert logged_in.get(f"/diagnostics/{doomed}").status_code == 404


def test_failed_sign_ins_keep_no_email_and_are_purged(client, user, db, monkeypatch):
    wrong = {"email": "conseillere@example.fr", "password": "x"}
    post_form(client, "/connexion", wrong)
    rows = [dict(r) for r in db.execute("SELECT * FROM rate_limits")]
    assert rows and not any("conseillere" in str(row) for row in rows)
    assert not db["login_failures"].exists()
    # The daily purge drops counters whose window is over.
    later = ratelimit.clock() + 3600
    monkeypatch.setattr(ratelimit, "clock", lambda: later)
    maintenance.run_purge(db)
    assert db.execute("SELECT count(*) FROM rate_limits").fetchone()[0] == 0


def test_public_privacy_page_never_shows_the_admin_placeholder(
    app, client, db, diagnostic
):
    """Issue 8, A5: "(à préciser par l'administrateur : réglage HOSTING)"."""
    from survey_app.surveys import model

    app.config["HOSTING"] = ""
    survey_id = model.create_survey(db, diagnostic, "Enquête", [])
    code = db.execute("SELECT code FROM surveys WHERE id = ?", [survey_id]).fetchone()[
        0
    ]
    db.execute("UPDATE surveys SET status = 'open' WHERE id = ?", [survey_id])
    db.conn.commit()
    html = client.get(f"/s/{code}/confidentialite").get_data(as_text=True)
    assert "Vos données et vos droits" in html
    assert "administrateur" not in html and "HOSTING" not in html


def test_privacy_page_says_how_to_erase_a_tablet_or_paper_answer(
    app, client, diagnostic
):
    """Kiosk and paper answers give no receipt: the resident still has a way."""
    open_survey(app, diagnostic)
    page = " ".join(
        client.get("/s/marche/confidentialite").get_data(as_text=True).split()
    )
    assert "sur une tablette ou sur papier" in page
    assert "le jour, le lieu" in page
    assert "nous la retrouverons et nous l&#39;effacerons" in page or (
        "nous la retrouverons et nous l'effacerons" in page
    )
