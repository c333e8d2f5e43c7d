"""Schema of accounts, diagnostics, territories and resident surveys.

Each migration is named, transactional and applied once (sqlite-utils
records it); add a new function rather than editing an applied one.
Tables are written in SQL so that ON DELETE CASCADE is explicit: deleting a
diagnostic removes everything that belongs to it.
"""

from sqlite_utils import Database, Migrations

migrations = Migrations("survey_app")


@migrations()
def m001_accounts(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            email TEXT NOT NULL UNIQUE COLLATE NOCASE,
            name TEXT NOT NULL DEFAULT '',
            password_hash TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        -- Failed sign-ins per e-mail address, for throttling (no IP stored).
        CREATE TABLE login_failures (
            id INTEGER PRIMARY KEY,
            email TEXT NOT NULL COLLATE NOCASE,
            at TEXT NOT NULL
        );
        CREATE INDEX login_failures_email ON login_failures(email, at);
        """
    )


@migrations()
def m002_territory(db: Database) -> None:
    db.executescript(
        """
        -- Official administrative divisions (Etalab, decoupage-administratif).
        CREATE TABLE communes (
            code TEXT PRIMARY KEY,          -- code INSEE (COG)
            name TEXT NOT NULL,
            search_name TEXT NOT NULL,      -- lower case, no accents or dashes
            departement TEXT,
            region TEXT,
            population INTEGER,
            postcodes TEXT NOT NULL DEFAULT '',  -- space-separated
            epci_code TEXT
        );
        CREATE INDEX communes_search ON communes(search_name);
        CREATE TABLE commune_postcodes (
            postcode TEXT NOT NULL,
            commune_code TEXT NOT NULL REFERENCES communes(code),
            PRIMARY KEY (postcode, commune_code)
        );
        CREATE TABLE epcis (
            code TEXT PRIMARY KEY,          -- SIREN
            name TEXT NOT NULL,
            search_name TEXT NOT NULL,
            kind TEXT,                      -- CC, CA, CU, METRO
            population INTEGER
        );
        CREATE TABLE geo_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        """
    )


@migrations()
def m003_diagnostics(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE diagnostics (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            structure TEXT NOT NULL DEFAULT '',     -- who runs it (controller)
            contact_email TEXT NOT NULL DEFAULT '',
            starts_on TEXT,
            ends_on TEXT,
            retention_months INTEGER NOT NULL DEFAULT 24,
            created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE diagnostic_members (
            diagnostic_id INTEGER NOT NULL
                REFERENCES diagnostics(id) ON DELETE CASCADE,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            role TEXT NOT NULL DEFAULT 'member',    -- owner | member
            PRIMARY KEY (diagnostic_id, user_id)
        );
        CREATE TABLE diagnostic_communes (
            diagnostic_id INTEGER NOT NULL
                REFERENCES diagnostics(id) ON DELETE CASCADE,
            commune_code TEXT NOT NULL REFERENCES communes(code),
            PRIMARY KEY (diagnostic_id, commune_code)
        );
        """
    )


@migrations()
def m004_surveys(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE surveys (
            id INTEGER PRIMARY KEY,
            diagnostic_id INTEGER NOT NULL
                REFERENCES diagnostics(id) ON DELETE CASCADE,
            code TEXT NOT NULL UNIQUE,      -- used in URLs and the CLI
            title TEXT NOT NULL,
            intro TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'draft',   -- draft | open | closed
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        -- A frozen list of questions (JSON). Answers point to the version they
        -- were given under, so editing a survey never re-labels them.
        CREATE TABLE survey_versions (
            id INTEGER PRIMARY KEY,
            survey_id INTEGER NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
            number INTEGER NOT NULL,
            questions TEXT NOT NULL,
            created_at TEXT NOT NULL,
            UNIQUE (survey_id, number)
        );
        CREATE TABLE collection_points (
            id INTEGER PRIMARY KEY,
            survey_id INTEGER NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
            code TEXT NOT NULL UNIQUE,      -- /s/<code>
            name TEXT NOT NULL,
            kind TEXT NOT NULL,             -- marche, ecole, mairie, ...
            target INTEGER,
            created_at TEXT NOT NULL
        );
        -- One row per submitted questionnaire. Answers are a JSON object
        -- {question key: value}; no IP address or user agent, ever.
        CREATE TABLE responses (
            id INTEGER PRIMARY KEY,
            survey_id INTEGER NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
            version_id INTEGER NOT NULL REFERENCES survey_versions(id),
            point_id INTEGER REFERENCES collection_points(id) ON DELETE CASCADE,
            idempotency_key TEXT NOT NULL UNIQUE,
            mode TEXT NOT NULL DEFAULT 'self',  -- self | kiosk | interview | paper
            submitted_at TEXT NOT NULL,
            answers TEXT NOT NULL
        );
        CREATE INDEX responses_survey ON responses(survey_id, id);
        CREATE INDEX responses_point ON responses(point_id);
        """
    )


@migrations()
def m005_responses_tally_index(db: Database) -> None:
    # Covers the survey dashboard's counts (per point, mode, version and day):
    # one index scan instead of reading 100,000 answers' JSON.
    db.execute(
        "CREATE INDEX responses_tally ON responses"
        "(survey_id, point_id, mode, version_id, submitted_at)"
    )


@migrations()
def m006_password_change_asked(db: Database) -> None:
    # A temporary password (given by a teammate or `reset-password`) must be
    # replaced at first sign-in (issue 8, D5).
    db.execute(
        "ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0"
    )


@migrations()
def m007_response_deletions(db: Database) -> None:
    # The trace of a response erased on request (issue 8, D2): who, when,
    # which response, never its content.
    db.executescript(
        """
        CREATE TABLE response_deletions (
            id INTEGER PRIMARY KEY,
            survey_id INTEGER NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
            response_id INTEGER NOT NULL,
            deleted_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
            deleted_at TEXT NOT NULL
        );
        CREATE INDEX response_deletions_survey ON response_deletions(survey_id);
        """
    )


@migrations()
def m008_survey_creation_key(db: Database) -> None:
    # The idempotency key of the form that created the survey: a re-posted
    # form finds its survey instead of making a second one.
    db.execute("ALTER TABLE surveys ADD COLUMN creation_key TEXT")
    db.execute(
        "CREATE UNIQUE INDEX surveys_creation_key ON surveys(diagnostic_id, "
        "creation_key) WHERE creation_key IS NOT NULL"
    )


@migrations()
def m009_no_login_failures(db: Database) -> None:
    # Failed sign-ins are counted by the one rate limiter (safeguards/
    # ratelimit.py, keyed counters): the table kept the e-mail typed.
    db.execute("DROP TABLE IF EXISTS login_failures")


@migrations()
def m010_survey_waves(db: Database) -> None:
    # Issue 12 §3: a survey re-run later is a new survey, the next "wave" of
    # the one it continues (same questions and collection points), so that
    # results compare wave with wave. `closed_at`: when collection ended
    # (the six-month reminder counts from it); `opens_on`/`closes_on`: the
    # period the conseiller planned; `remeasure_notified_at`: the reminder
    # was queued (sent once).
    columns = {c.name for c in db["surveys"].columns}
    for name, kind in (
        ("previous_survey_id", "INTEGER REFERENCES surveys(id) ON DELETE SET NULL"),
        ("wave_number", "INTEGER NOT NULL DEFAULT 1"),
        ("opens_on", "TEXT"),
        ("closes_on", "TEXT"),
        ("closed_at", "TEXT"),
        ("remeasure_notified_at", "TEXT"),
    ):
        if name not in columns:
            db.execute(f"ALTER TABLE surveys ADD COLUMN {name} {kind}")
    # One next wave per survey: a double tap on "Relancer" finds it.
    db.execute(
        "CREATE UNIQUE INDEX IF NOT EXISTS surveys_next_wave "
        "ON surveys(previous_survey_id) WHERE previous_survey_id IS NOT NULL"
    )
    # Surveys closed before this migration: their last change is their end.
    db.execute(
        "UPDATE surveys SET closed_at = updated_at "
        "WHERE status = 'closed' AND closed_at IS NULL"
    )


@migrations()
def m011_wave_aggregates(db: Database) -> None:
    # Issue 12 §4: before the retention purge deletes a survey's answers,
    # the per-question, per-choice figures a later wave compares with are
    # kept here (analysis/waves.py AGGREGATE_COLUMNS): small cells hidden
    # (count NULL), dated, with the wording and choices so that a changed
    # question is still flagged. No answer of any one person is kept.
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS survey_wave_aggregates (
            id INTEGER PRIMARY KEY,
            survey_id INTEGER NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
            kept_at TEXT NOT NULL,
            responses INTEGER NOT NULL,     -- answers the figures are based on
            weighting TEXT NOT NULL DEFAULT '',  -- margins used, if any
            question_key TEXT NOT NULL,
            question_text TEXT NOT NULL,
            question_type TEXT NOT NULL,
            choices TEXT NOT NULL,          -- JSON [[code, label], ...]
            choice_code TEXT NOT NULL,
            choice_label TEXT NOT NULL,
            count INTEGER,                  -- NULL: small cell, hidden
            base INTEGER NOT NULL,
            w_share REAL,
            n_eff REAL,
            hidden INTEGER NOT NULL DEFAULT 0,
            "primary" INTEGER NOT NULL DEFAULT 0,
            UNIQUE (survey_id, question_key, choice_code)
        );
        """
    )
