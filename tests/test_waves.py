"""Survey waves end to end (issue 12 §3–4): relaunch, weighted comparison
from real answers, the purge keeping aggregates, the six-month push."""

import math
from datetime import UTC, datetime

import pytest
from helpers.waves import two_waves

from analysis.waves import HIDDEN, compare_waves
from evaluation.waves import compare, kept_figures, live_figures, share_for
from survey_app.safeguards.maintenance import daily_purge
from survey_app.safeguards.personal_data import processing_record, purge_expired
from survey_app.surveys.model import current_version
from survey_app.surveys.waves import next_measure, relaunch, remind_remeasures

Z = 1.959963984540054


@pytest.fixture
def waves(app, db, diagnostic):
    return two_waves(db, diagnostic)


def survey(db, survey_id):
    row = db.execute("SELECT * FROM surveys WHERE id = ?", [survey_id]).fetchone()
    return dict(row)


def test_relaunch_keeps_versions_points_and_codes_and_is_idempotent(db, waves):
    first, second = survey(db, waves["first"]), survey(db, waves["second"])
    assert second["previous_survey_id"] == first["id"]
    assert second["wave_number"] == 2 and second["status"] == "open"
    assert (
        current_version(db, second["id"])["questions"]
        == current_version(db, first["id"])["questions"]
    )
    # The printed QR code now belongs to the open wave; the closed wave's
    # point took a fresh code; its answers stay where they were.
    points = db.execute(
        "SELECT survey_id, code, name FROM collection_points ORDER BY id"
    ).fetchall()
    assert [(p["survey_id"], p["name"]) for p in points] == [
        (first["id"], "Marché du samedi"),
        (second["id"], "Marché du samedi"),
    ]
    assert points[1]["code"] == waves["code"] != points[0]["code"]
    assert (
        db.execute(
            "SELECT count(*) FROM responses WHERE survey_id = ?", [first["id"]]
        ).fetchone()[0]
        == 50
    )
    # Again: the same wave, nothing new.
    assert relaunch(db, first["id"]) == (second["id"], False)
    assert db.execute("SELECT count(*) FROM surveys").fetchone()[0] == 2


def test_relaunch_with_new_codes(db, diagnostic, waves):
    db.execute("UPDATE surveys SET status = 'closed' WHERE id = ?", [waves["second"]])
    db.conn.commit()
    third, created = relaunch(db, waves["second"], keep_codes=False)
    assert created and survey(db, third)["wave_number"] == 3
    codes = db.execute(
        "SELECT survey_id, code FROM collection_points ORDER BY id"
    ).fetchall()
    assert codes[1]["code"] == waves["code"]  # wave 2 keeps what it had
    assert codes[2]["code"] != waves["code"]


def test_weighted_aggregates_from_real_answers_by_hand(db, waves):
    before = live_figures(db, survey(db, waves["first"]))
    assert before.weighted and before.responses == 50
    table = before.table.set_index(["question_key", "choice_code"])
    aucun = table.loc[("EQ_MOBILE", "aucun")]
    # Men 30/50 → weight 0.5/0.6, women 20/50 → 0.5/0.4 (mean weight 1).
    w_men, w_women = 0.5 / 0.6, 0.5 / 0.4
    assert aucun["count"] == 30 and aucun["base"] == 50
    assert aucun["w_share"] == pytest.approx((15 * w_men + 15 * w_women) / 50)
    assert aucun["w_share"] == pytest.approx(0.625)
    # Kish: (Σw)² / Σw² = 50² / (30 w_men² + 20 w_women²) = 48.
    assert aucun["n_eff"] == pytest.approx(48.0)
    # 3 people said "non" to EQ_BOX: hidden, and "oui" too (50 − 3).
    assert table.loc[("EQ_BOX", "non")]["hidden"]
    assert math.isnan(table.loc[("EQ_BOX", "non")]["count"])
    assert table.loc[("EQ_BOX", "oui")]["hidden"]


def test_two_waves_compared_raw_and_weighted_by_hand(db, waves):
    comparison = compare(db, waves["second"])
    assert comparison.weighted
    rows = comparison.table.set_index(["question_key", "choice_code"])
    aucun = rows.loc[("EQ_MOBILE", "aucun")]
    # Raw: 30/50 → 15/50.
    pooled = 45 / 100
    z = -0.30 / math.sqrt(pooled * (1 - pooled) * (2 / 50))
    assert aucun["diff"] == pytest.approx(-30.0)
    assert aucun["z"] == pytest.approx(z)
    assert aucun["verdict"] == "baisse significative"
    # Weighted: 62.5 % of 48 effective → 30 % of 50 (wave 2 is 25/25: its
    # weights are all 1 and its effective size is its base).
    k1, k2 = 0.625 * 48, 0.30 * 50
    pooled = (k1 + k2) / 98
    z = (0.30 - 0.625) / math.sqrt(pooled * (1 - pooled) * (1 / 48 + 1 / 50))
    assert aucun["neff1"] == pytest.approx(48) and aucun["neff2"] == 50
    assert aucun["w_diff"] == pytest.approx(-32.5)
    assert aucun["w_z"] == pytest.approx(z)
    assert aucun["w_p_value"] == pytest.approx(math.erfc(abs(z) / math.sqrt(2)))
    # Small cells of wave 1 are not compared.
    box = rows.loc[("EQ_BOX", "non")]
    assert box["status"] == "hidden" and box["verdict"] == HIDDEN
    assert math.isnan(box["p1"]) and math.isnan(box["w_p1"])


def test_a_question_edited_in_the_new_wave_is_flagged(db, waves):
    from survey_app.surveys.model import save_questions

    questions = current_version(db, waves["second"])["questions"]
    questions[0] = {**questions[0], "text": "Avez-vous un smartphone ?"}
    save_questions(db, waves["second"], questions)
    table = compare(db, waves["second"]).table
    mobile = table[table["question_key"] == "EQ_MOBILE"]
    assert set(mobile["status"]) == {"changed"}
    assert mobile["diff"].isna().all() and mobile["w_diff"].isna().all()
    genre = table[table["question_key"] == "PR_GENRE"]
    assert set(genre["status"]) == {"compared"}


NOW = datetime(2027, 4, 15, tzinfo=UTC)  # wave 1 (March 2025) is 24 months old


def test_purge_keeps_aggregates_and_the_comparison_still_works(db, diagnostic, waves):
    before = compare(db, waves["second"]).table
    share = share_for(db, waves["first"], "EQ_MOBILE", ["aucun"])
    assert share["source"] == "réponses" and share["value"] == pytest.approx(60)
    counts = purge_expired(db, NOW)
    assert counts["réponses"] == 50  # wave 1 gone, wave 2 kept (18 months)
    assert not db.execute(
        "SELECT count(*) FROM responses WHERE survey_id = ?", [waves["first"]]
    ).fetchone()[0]
    kept = kept_figures(db, survey(db, waves["first"]))
    assert kept is not None and kept.responses == 50 and kept.kept_at
    assert kept.weighting  # the margins it was re-weighted to
    # Small cells were not kept.
    hidden = db.execute(
        "SELECT count(*) FROM survey_wave_aggregates WHERE count IS NOT NULL "
        "AND hidden = 1"
    ).fetchone()[0]
    assert hidden == 0
    after = compare(db, waves["second"]).table
    assert after["status"].tolist() == before["status"].tolist()
    for column in ("diff", "ci_low", "ci_high", "p_value", "w_diff", "w_ci_high"):
        assert after[column].tolist() == pytest.approx(
            before[column].tolist(), nan_ok=True
        )
    # Indicators read the kept figures too, with their date.
    share = share_for(db, waves["first"], "EQ_MOBILE", ["aucun"])
    assert share["source"] == "agrégats conservés" and share["kept_at"]
    assert share["value"] == pytest.approx(60) and share["w_value"] == pytest.approx(
        62.5
    )
    assert share_for(db, waves["first"], "EQ_BOX", ["non"])["value"] is None
    # A second purge keeps the first snapshot.
    purge_expired(db, NOW)
    assert kept_figures(db, survey(db, waves["first"])).kept_at == kept.kept_at


def test_processing_record_says_what_is_kept(db, diagnostic):
    row = db.execute("SELECT * FROM diagnostics WHERE id = ?", [diagnostic]).fetchone()
    record = dict(processing_record(db, dict(row), "Serveur"))
    assert "agrégés" in record["Durée de conservation"]
    assert "moins de 5" in record["Durée de conservation"]


def test_share_for_raw_answers(db, waves):
    share = share_for(db, waves["second"], "EQ_MOBILE", ["aucun", "smartphone"])
    assert share["value"] == pytest.approx(100) or share["value"] is None
    share = share_for(db, waves["second"], "EQ_MOBILE", ["aucun"])
    assert (share["count"], share["base"]) == (15, 50)
    assert share["ci_low"] < 30 < share["ci_high"]
    assert share["n_eff"] == pytest.approx(50)
    assert share_for(db, waves["first"], "EQ_BOX", ["non"])["value"] is None


def subscribe(db, user):
    db.execute(
        "INSERT INTO push_subscriptions (user_id, endpoint, p256dh, auth, "
        "created_at) VALUES (?, 'https://fcm.googleapis.com/x', 'k', 'a', 'now')",
        [user],
    )
    db.conn.commit()


def outbox(db):
    return db.execute(
        "SELECT title, url FROM push_outbox WHERE kind = 'message'"
    ).fetchall()


def test_six_month_push_is_sent_once(db, user, diagnostic, waves):
    subscribe(db, user)
    # Wave 2 closes on 2026-01-10: the next measure is due on 2026-07-10.
    db.execute(
        "UPDATE surveys SET status = 'closed', closed_at = '2026-01-10T09:00:00Z' "
        "WHERE id = ?",
        [waves["second"]],
    )
    db.conn.commit()
    assert next_measure(db, diagnostic).isoformat() == "2026-07-10"
    assert remind_remeasures(db, datetime(2026, 7, 9, 12, tzinfo=UTC)) == 0
    assert not outbox(db)
    assert remind_remeasures(db, datetime(2026, 7, 10, 12, tzinfo=UTC)) == 1
    assert remind_remeasures(db, datetime(2026, 7, 11, 12, tzinfo=UTC)) == 0
    sent = outbox(db)
    assert len(sent) == 1 and sent[0]["url"] == f"/enquetes/{waves['second']}/vagues"
    # Wave 1 was relaunched: it gets no reminder, even long after.
    assert "Six mois" in sent[0]["title"]
    # The daily job sends it too (and only once).
    db.execute("UPDATE surveys SET remeasure_notified_at = NULL")
    db.execute("UPDATE maintenance SET last_run = '2000-01-01'")
    db.conn.commit()
    daily_purge(db, datetime(2026, 7, 12, 3, tzinfo=UTC))
    daily_purge(db, datetime(2026, 7, 12, 4, tzinfo=UTC))
    assert len(outbox(db)) == 2


def test_comparison_is_the_same_from_aggregates_read_back(db, waves):
    # compare_waves needs nothing but aggregates: the kept ones give the
    # same table as the live ones (types survive the database).
    from evaluation.waves import keep_aggregates

    live = live_figures(db, survey(db, waves["first"])).table
    assert keep_aggregates(db, waves["first"])
    kept = kept_figures(db, survey(db, waves["first"])).table
    other = live_figures(db, survey(db, waves["second"])).table
    a, b = compare_waves(live, other), compare_waves(kept, other)
    assert a["w_diff"].tolist() == pytest.approx(b["w_diff"].tolist(), nan_ok=True)


def test_an_indicator_measured_on_a_purged_wave_keeps_its_value(db, diagnostic, waves):
    """Step 8 indicators read a wave's share from the kept aggregates once the
    retention purge has deleted its answers: the baseline stays on the chart."""
    from evaluation.measures import survey_share

    before = survey_share(db, waves["first"], "EQ_MOBILE", ["aucun"])
    assert before.kept_at is None and before.percent == pytest.approx(60)
    purge_expired(db, NOW)
    after = survey_share(db, waves["first"], "EQ_MOBILE", ["aucun"])
    assert after is not None and after.kept_at
    assert (after.respondents, after.percent) == (before.respondents, before.percent)
