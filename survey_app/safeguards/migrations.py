"""Tables of the safeguards: rate limits, alerts, push, maintenance.

Applied right after `survey_app.migrations` (see storage.MIGRATION_MODULES).
Add a new function rather than editing an applied one. Everything that
belongs to a diagnostic, survey, point or user cascades from it.
"""

from sqlite_utils import Database, Migrations

migrations = Migrations("survey_app_field")

# The minute window counted by the burst trigger, as a stored timestamp.
_MINUTE_AGO = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-60 seconds')"
_TEN_MINUTES_AGO = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-600 seconds')"
_NOW = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
# Answers given at this point in the last minute (paper forms typed in by the
# conseiller do not count: typing a pile of them quickly is not abuse).
_RECENT = f"""(SELECT count(*) FROM responses
     WHERE point_id = NEW.point_id AND submitted_at >= {_MINUTE_AGO}
       AND mode != 'paper')"""
_THRESHOLD = """COALESCE((SELECT alert_per_minute FROM survey_field_settings
     WHERE survey_id = NEW.survey_id), 30)"""
_EVERY = """COALESCE((SELECT notify_every FROM survey_field_settings
     WHERE survey_id = NEW.survey_id), 50)"""


@migrations()
def m001_field(db: Database) -> None:
    db.executescript(
        f"""
        -- Fixed-window counters. `key` is an HMAC of (day, scope, address)
        -- with the secret key: no address is ever stored.
        CREATE TABLE rate_limits (
            key TEXT NOT NULL,
            window_start INTEGER NOT NULL,   -- unix seconds
            expires_at INTEGER NOT NULL,
            hits INTEGER NOT NULL,
            PRIMARY KEY (key, window_start)
        ) WITHOUT ROWID;
        CREATE INDEX rate_limits_expiry ON rate_limits(expires_at);

        -- Jobs that must run once a day whatever the number of workers.
        CREATE TABLE maintenance (
            name TEXT PRIMARY KEY,
            last_run TEXT NOT NULL DEFAULT '',
            summary TEXT NOT NULL DEFAULT ''
        );
        INSERT INTO maintenance (name) VALUES ('purge');

        CREATE TABLE survey_field_settings (
            survey_id INTEGER PRIMARY KEY
                REFERENCES surveys(id) ON DELETE CASCADE,
            notify_every INTEGER NOT NULL DEFAULT 50,     -- 0: never
            alert_per_minute INTEGER NOT NULL DEFAULT 30
        );

        -- A point receiving answers faster than a person can answer: the
        -- answers are kept, the conseiller is warned.
        CREATE TABLE point_alerts (
            id INTEGER PRIMARY KEY,
            survey_id INTEGER NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
            point_id INTEGER NOT NULL
                REFERENCES collection_points(id) ON DELETE CASCADE,
            started_at TEXT NOT NULL,
            last_at TEXT NOT NULL,
            peak INTEGER NOT NULL,           -- most answers in one minute
            dismissed INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX point_alerts_point ON point_alerts(point_id, last_at);
        CREATE INDEX point_alerts_survey ON point_alerts(survey_id);
        CREATE INDEX responses_point_time ON responses(point_id, submitted_at);

        CREATE TRIGGER responses_point_burst AFTER INSERT ON responses
        WHEN NEW.point_id IS NOT NULL AND NEW.mode != 'paper'
        BEGIN
            UPDATE point_alerts
               SET last_at = {_NOW}, peak = max(peak, {_RECENT})
             WHERE point_id = NEW.point_id AND last_at >= {_TEN_MINUTES_AGO}
               AND {_RECENT} > {_THRESHOLD};
            INSERT INTO point_alerts (survey_id, point_id, started_at, last_at, peak)
            SELECT NEW.survey_id, NEW.point_id, {_NOW}, {_NOW}, {_RECENT}
             WHERE {_RECENT} > {_THRESHOLD}
               AND NOT EXISTS (SELECT 1 FROM point_alerts
                    WHERE point_id = NEW.point_id
                      AND last_at >= {_TEN_MINUTES_AGO});
        END;

        CREATE TABLE push_subscriptions (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            endpoint TEXT NOT NULL UNIQUE,
            p256dh TEXT NOT NULL,
            auth TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX push_subscriptions_user ON push_subscriptions(user_id);

        -- Notifications waiting to be sent by a worker's dispatcher thread.
        -- kind: answers | target (written by the trigger below) | message.
        CREATE TABLE push_outbox (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
            diagnostic_id INTEGER REFERENCES diagnostics(id) ON DELETE CASCADE,
            survey_id INTEGER REFERENCES surveys(id) ON DELETE CASCADE,
            point_id INTEGER REFERENCES collection_points(id) ON DELETE CASCADE,
            count INTEGER,
            title TEXT NOT NULL DEFAULT '',
            body TEXT NOT NULL DEFAULT '',
            url TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            claimed_at TEXT
        );
        CREATE INDEX push_outbox_claimed ON push_outbox(claimed_at);

        -- Every N answers at a point (or without a point), and when a point
        -- reaches its target; only if a member of the diagnostic subscribed.
        CREATE TRIGGER responses_milestone AFTER INSERT ON responses
        BEGIN
            INSERT INTO push_outbox
                (kind, diagnostic_id, survey_id, point_id, count, created_at)
            SELECT CASE WHEN n.c = p.target THEN 'target' ELSE 'answers' END,
                   s.diagnostic_id, s.id, NEW.point_id, n.c, {_NOW}
              FROM surveys s
              JOIN (SELECT count(*) AS c FROM responses
                     WHERE survey_id = NEW.survey_id
                       AND point_id IS NEW.point_id) n
              LEFT JOIN collection_points p ON p.id = NEW.point_id
             WHERE s.id = NEW.survey_id
               AND (n.c = p.target OR ({_EVERY} > 0 AND n.c % {_EVERY} = 0))
               AND EXISTS (SELECT 1 FROM push_subscriptions ps
                    JOIN diagnostic_members m ON m.user_id = ps.user_id
                   WHERE m.diagnostic_id = s.diagnostic_id);
        END;
        """
    )


# Only when someone in the diagnostic subscribed: otherwise no count at all.
_SUBSCRIBED = """EXISTS (SELECT 1 FROM push_subscriptions ps
       JOIN diagnostic_members m ON m.user_id = ps.user_id
       JOIN surveys s ON s.diagnostic_id = m.diagnostic_id
      WHERE s.id = NEW.survey_id)"""


def _milestone_trigger(name: str, when: str, answers: str) -> str:
    return f"""
        CREATE TRIGGER {name} AFTER INSERT ON responses
        WHEN {when} AND {_SUBSCRIBED}
        BEGIN
            INSERT INTO push_outbox
                (kind, diagnostic_id, survey_id, point_id, count, created_at)
            SELECT CASE WHEN n.c = p.target THEN 'target' ELSE 'answers' END,
                   s.diagnostic_id, s.id, NEW.point_id, n.c, {_NOW}
              FROM surveys s
              JOIN (SELECT count(*) AS c FROM responses WHERE {answers}) n
              LEFT JOIN collection_points p ON p.id = NEW.point_id
             WHERE s.id = NEW.survey_id
               AND (n.c = p.target OR ({_EVERY} > 0 AND n.c % {_EVERY} = 0));
        END;
    """


# Answers at this point in the last minute, counted on the (point_id,
# submitted_at) index alone and never beyond 1,000 (a flood stays cheap).
_RECENT_CAPPED = f"""(SELECT count(*) FROM (SELECT 1 FROM responses
     WHERE point_id = NEW.point_id AND submitted_at >= {_MINUTE_AGO}
     LIMIT 1000))"""


@migrations()
def m002_cheaper_triggers(db: Database) -> None:
    """Same behaviour as m001's triggers, at a fraction of the cost.

    m001 counted milestones with `point_id IS NEW.point_id`, which no index
    answers, and the burst trigger counted the last minute up to four times,
    reading each row for its mode: about 4 ms per answer at 5,000 answers a
    point. Now: one capped count on the index, milestones only when someone
    subscribed.
    """
    burst = f"""
        CREATE TRIGGER responses_point_burst AFTER INSERT ON responses
        WHEN NEW.point_id IS NOT NULL AND NEW.mode != 'paper'
        BEGIN
            INSERT INTO point_alerts (survey_id, point_id, started_at, last_at, peak)
            SELECT NEW.survey_id, NEW.point_id, {_NOW}, {_NOW}, r.c
              FROM (SELECT {_RECENT_CAPPED} AS c) r
             WHERE r.c > {_THRESHOLD}
               AND NOT EXISTS (SELECT 1 FROM point_alerts
                    WHERE point_id = NEW.point_id
                      AND last_at >= {_TEN_MINUTES_AGO});
            UPDATE point_alerts SET last_at = {_NOW}, peak = max(peak, r.c)
              FROM (SELECT {_RECENT_CAPPED} AS c) r
             WHERE point_alerts.point_id = NEW.point_id
               AND point_alerts.last_at >= {_TEN_MINUTES_AGO}
               AND r.c > {_THRESHOLD};
        END;
    """
    db.executescript(
        "DROP TRIGGER IF EXISTS responses_milestone;"
        "DROP TRIGGER IF EXISTS responses_point_milestone;"
        "DROP TRIGGER IF EXISTS responses_survey_milestone;"
        "DROP TRIGGER IF EXISTS responses_point_burst;"
        + burst
        + _milestone_trigger(
            "responses_point_milestone",
            "NEW.point_id IS NOT NULL",
            "point_id = NEW.point_id",
        )
        + _milestone_trigger(
            "responses_survey_milestone",
            "NEW.point_id IS NULL",
            "survey_id = NEW.survey_id AND point_id IS NULL",
        )
    )


@migrations()
def m003_answers_to_check(db: Database) -> None:
    # Issue 8, A1: an optional answer that cannot be read (a commune typed
    # offline that matches several communes, a number out of range) is kept
    # aside with its reason; the rest of the response is stored as usual.
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS answers_to_check (
            id INTEGER PRIMARY KEY,
            response_id INTEGER NOT NULL
                REFERENCES responses(id) ON DELETE CASCADE,
            question_key TEXT NOT NULL,
            typed TEXT NOT NULL,
            reason TEXT NOT NULL,
            UNIQUE (response_id, question_key)
        );
        """
    )
