"""Abuse protection: per-address limits across processes, honeypot, alerts."""

import os
import subprocess
import sys
import textwrap

import pytest
from helpers.bulk_responses import add_responses, open_survey
from helpers.web import login, post_form

from survey_app.db import connect
from survey_app.safeguards import ratelimit
from survey_app.safeguards.honeypot import FIELD, is_spam
from survey_app.safeguards.ratelimit import counter_key, hit, parse_limits

NOW = 1_800_000_020.0


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    """Mid-window (hh:mm:20), so that no window ends during a test."""
    monkeypatch.setattr(ratelimit, "clock", lambda: NOW)


RESIDENT = {"REMOTE_ADDR": "203.0.113.5"}
NEIGHBOUR = {"REMOTE_ADDR": "203.0.113.6"}


def post_answer(client, environ):
    return client.post("/s/marche/questions", data={"AGE": "40"}, environ_base=environ)


def test_public_submissions_limited_per_address(app, client, diagnostic, db):
    open_survey(app, diagnostic)
    assert app.config["RATELIMIT_PUBLIC"] == "300/minute;3000/hour"
    for _ in range(300):
        assert post_answer(client, RESIDENT).status_code != 429
    response = post_answer(client, RESIDENT)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "40"
    page = response.get_data(as_text=True)
    assert "Trop de demandes" in page and 'lang="fr"' in page
    assert response.headers["Content-Security-Policy"]
    # Another address is not affected; reading pages is never limited.
    assert post_answer(client, NEIGHBOUR).status_code != 429
    assert client.get("/s/marche", environ_base=RESIDENT).status_code == 200


def test_no_address_is_stored(app, client, diagnostic, db):
    open_survey(app, diagnostic)
    for _ in range(3):
        post_answer(client, RESIDENT)
    keys = [r["key"] for r in db.execute("SELECT key FROM rate_limits")]
    assert len(keys) == 2  # one per window (minute, hour)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    with open(app.config["DATABASE"], "rb") as f:
        content = f.read()
    assert b"203.0.113.5" not in content


def test_ipv6_counted_per_64_network(app, client):
    app.config["RATELIMIT_WORKSHOP"] = "2/minute"
    codes = [
        client.post(
            "/a/ABCDEF/votes", json={}, environ_base={"REMOTE_ADDR": f"2001:db8::{i}"}
        ).status_code
        for i in range(1, 4)
    ]
    assert codes[-1] == 429  # three addresses of one phone's network
    other = client.post(
        "/a/ABCDEF/votes", json={}, environ_base={"REMOTE_ADDR": "2001:db8:0:1::1"}
    )
    assert other.status_code != 429
    assert ratelimit.client_of("::ffff:192.0.2.1") == "192.0.2.1"


def test_keys_rotate_daily_and_rows_expire(db):
    one = counter_key("s", "public", 60, "203.0.113.5", day="2026-01-01")
    two = counter_key("s", "public", 60, "203.0.113.5", day="2026-01-02")
    assert one != two and len(one) == 32
    limits = parse_limits("2/minute")
    assert hit(db, "s", "public", "a", limits, at=1000) == 0
    assert hit(db, "s", "public", "a", limits, at=1001) == 0
    assert hit(db, "s", "public", "a", limits, at=1002) == 960 + 60 - 1002
    assert db.execute("SELECT count(*) FROM rate_limits").fetchone()[0] == 1
    # Counters skip the disk flush; answers written next must not.
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    # The next window starts afresh and the expired row is deleted.
    assert hit(db, "s", "public", "a", limits, at=1020) == 0
    assert db.execute("SELECT window_start FROM rate_limits").fetchall()[0][0] == 1020


def test_limit_is_shared_by_worker_processes(app, diagnostic):
    """Two other processes count in the same table as this one."""
    code = textwrap.dedent(
        f"""
        from survey_app.db import connect
        from survey_app.safeguards.ratelimit import hit, parse_limits
        db = connect({app.config["DATABASE"]!r})
        for _ in range(30):
            assert hit(db, "k", "public", "203.0.113.9",
                       parse_limits("60/minute"), at={NOW}) == 0
        """
    )
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    workers = [
        subprocess.Popen([sys.executable, "-c", code], cwd=root) for _ in range(2)
    ]
    assert [w.wait(timeout=60) for w in workers] == [0, 0]
    db = connect(app.config["DATABASE"])
    try:
        limits = parse_limits("60/minute")
        assert hit(db, "k", "public", "203.0.113.9", limits, at=NOW) == 40
    finally:
        db.close()


def test_workshop_posts_have_their_own_generous_limit(app, client):
    app.config["RATELIMIT_WORKSHOP"] = "3/minute"
    codes = [
        client.post("/a/ABCDEF/votes", json={}, environ_base=RESIDENT).status_code
        for _ in range(4)
    ]
    assert 429 not in codes[:3] and codes[3] == 429
    response = client.post("/a/ABCDEF/votes", json={}, environ_base=RESIDENT)
    assert response.json["status"] == 429 and "Attendez" in response.json["error"]
    assert post_answer(client, RESIDENT).status_code != 429  # another scope


def test_sign_in_limited_per_address(client, user):
    for i in range(10):
        response = client.post(
            "/connexion",
            data={"email": f"x{i}@example.fr", "password": "faux"},
            environ_base=RESIDENT,
        )
        assert response.status_code != 429
    response = client.post(
        "/connexion", data={"email": "y@example.fr"}, environ_base=RESIDENT
    )
    assert response.status_code == 429 and "Retry-After" in response.headers
    assert login(client).status_code == 302  # from another address


def test_loopback_is_not_limited(app, client, diagnostic):
    open_survey(app, diagnostic)
    app.config["RATELIMIT_PUBLIC"] = "2/minute"
    for _ in range(5):
        assert post_answer(client, {}).status_code != 429
    app.config["RATELIMIT_EXEMPT_LOOPBACK"] = False
    codes = [post_answer(client, {}).status_code for _ in range(3)]
    assert codes[-1] == 429


def test_honeypot(app):
    assert not is_spam({})
    assert not is_spam({FIELD: "  "})
    assert is_spam({FIELD: "http://spam.example"})
    with app.test_request_context():
        html = app.jinja_env.get_template("_honeypot.html").render()
    assert f'name="{FIELD}"' in html
    assert 'aria-hidden="true"' in html and 'tabindex="-1"' in html
    assert 'autocomplete="off"' in html and "style=" not in html
    assert 'class="visually-hidden"' in html


def test_burst_at_a_point_warns_but_keeps_answers(app, logged_in, diagnostic, db):
    survey_id, point_id = open_survey(app, diagnostic)
    add_responses(db, survey_id, point_id, 30)
    assert db.execute("SELECT count(*) FROM point_alerts").fetchone()[0] == 0
    add_responses(db, survey_id, point_id, 35, tag="b")
    alerts = db.execute("SELECT * FROM point_alerts").fetchall()
    assert len(alerts) == 1  # one alert per burst, kept up to date
    assert alerts[0]["point_id"] == point_id and alerts[0]["peak"] == 65
    assert db.execute("SELECT count(*) FROM responses").fetchone()[0] == 65
    page = logged_in.get(f"/diagnostics/{diagnostic}").get_data(as_text=True)
    assert "Attention" in page and "65 réponses en une" in page
    # Paper questionnaires typed in by the conseiller never raise an alert.
    db.execute("DELETE FROM point_alerts")
    add_responses(db, survey_id, point_id, 40, mode="paper", tag="c")
    assert db.execute("SELECT count(*) FROM point_alerts").fetchone()[0] == 0


def test_alert_threshold_is_set_per_survey(app, logged_in, diagnostic, db):
    survey_id, point_id = open_survey(app, diagnostic)
    url = f"/diagnostics/{diagnostic}/donnees"

    def save(alert: str):
        fields = {"notify_every": "10", "alert_per_minute": alert}
        data = {f"s{survey_id}-{name}": value for name, value in fields.items()}
        return post_form(logged_in, f"{url}/{survey_id}", data, page=url)

    response = save("0")
    assert response.status_code == 400
    assert "entre 1 et 999" in response.get_data(as_text=True)
    assert save("5").status_code == 302
    add_responses(db, survey_id, point_id, 6)
    assert db.execute("SELECT peak FROM point_alerts").fetchone()[0] == 6


def test_peeking_counts_nothing_and_a_success_resets(db):
    """What sign-in uses: look before the password check, reset after it."""
    limits = parse_limits("2/minute")
    assert ratelimit.exhausted(db, "s", "signin-failures", "a@b.fr", limits) == 0
    for _ in range(2):
        assert hit(db, "s", "signin-failures", "a@b.fr", limits) == 0
    assert ratelimit.exhausted(db, "s", "signin-failures", "a@b.fr", limits) == 40
    assert ratelimit.exhausted(db, "s", "signin-failures", "c@d.fr", limits) == 0
    ratelimit.forget(db, "s", "signin-failures", "a@b.fr", limits)
    assert ratelimit.exhausted(db, "s", "signin-failures", "a@b.fr", limits) == 0
