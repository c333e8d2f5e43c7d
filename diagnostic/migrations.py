"""Schema of the guided path and the territory portrait (issue 10).

Everything hangs under a diagnostic with ON DELETE CASCADE. Every portrait
figure points to the source it came from (title, year, link), so that the
page and the document can always say where a number comes from.
"""

from sqlite_utils import Database, Migrations

migrations = Migrations("diagnostic")


@migrations()
def m001_steps_and_portrait(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE diagnostic_steps (
            diagnostic_id INTEGER NOT NULL
                REFERENCES diagnostics(id) ON DELETE CASCADE,
            step INTEGER NOT NULL,              -- 0..8, the guide's steps
            mark TEXT NOT NULL DEFAULT '',      -- '' | done | not_applicable
            notes TEXT NOT NULL DEFAULT '',     -- Markdown, rendered safely
            updated_at TEXT NOT NULL,
            PRIMARY KEY (diagnostic_id, step)
        );

        CREATE TABLE diagnostic_framing (
            diagnostic_id INTEGER PRIMARY KEY
                REFERENCES diagnostics(id) ON DELETE CASCADE,
            definition TEXT NOT NULL DEFAULT '',
            stakes TEXT NOT NULL DEFAULT '',
            expectations TEXT NOT NULL DEFAULT '',
            orientations TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL
        );

        CREATE TABLE diagnostic_interview_guides (
            diagnostic_id INTEGER PRIMARY KEY
                REFERENCES diagnostics(id) ON DELETE CASCADE,
            questions TEXT NOT NULL,            -- one question per line
            updated_at TEXT NOT NULL
        );

        -- Interviews with actors: no person's name by default, a role only.
        CREATE TABLE diagnostic_interviews (
            id INTEGER PRIMARY KEY,
            diagnostic_id INTEGER NOT NULL
                REFERENCES diagnostics(id) ON DELETE CASCADE,
            held_on TEXT NOT NULL,              -- ISO date
            structure TEXT NOT NULL,
            role TEXT NOT NULL DEFAULT '',
            key_points TEXT NOT NULL DEFAULT '',
            quotes TEXT NOT NULL DEFAULT '',    -- one quote per line
            themes TEXT NOT NULL DEFAULT '[]',  -- JSON list of theme codes
            created_at TEXT NOT NULL
        );
        CREATE INDEX diagnostic_interviews_diagnostic
            ON diagnostic_interviews(diagnostic_id, held_on);

        CREATE TABLE diagnostic_observations (
            id INTEGER PRIMARY KEY,
            diagnostic_id INTEGER NOT NULL
                REFERENCES diagnostics(id) ON DELETE CASCADE,
            observed_on TEXT NOT NULL,
            place TEXT NOT NULL,
            notes TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX diagnostic_observations_diagnostic
            ON diagnostic_observations(diagnostic_id, observed_on);

        CREATE TABLE portrait_sources (
            id INTEGER PRIMARY KEY,
            diagnostic_id INTEGER NOT NULL
                REFERENCES diagnostics(id) ON DELETE CASCADE,
            title TEXT NOT NULL,
            year INTEGER,
            url TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        );

        -- One number per commune and indicator (diagnostic.indicators).
        CREATE TABLE portrait_figures (
            diagnostic_id INTEGER NOT NULL
                REFERENCES diagnostics(id) ON DELETE CASCADE,
            commune_code TEXT NOT NULL,
            indicator TEXT NOT NULL,
            value REAL NOT NULL,
            source_id INTEGER NOT NULL
                REFERENCES portrait_sources(id) ON DELETE CASCADE,
            PRIMARY KEY (diagnostic_id, commune_code, indicator)
        );

        -- Population by sex and age band [age_low, age_high] per commune:
        -- the pyramid, and the weighting margins of every survey.
        CREATE TABLE portrait_population (
            diagnostic_id INTEGER NOT NULL
                REFERENCES diagnostics(id) ON DELETE CASCADE,
            commune_code TEXT NOT NULL,
            sex TEXT NOT NULL,                  -- femme | homme
            age_low INTEGER NOT NULL,
            age_high INTEGER NOT NULL,          -- 200 = "or more"
            count REAL NOT NULL,
            source_id INTEGER NOT NULL
                REFERENCES portrait_sources(id) ON DELETE CASCADE,
            PRIMARY KEY (diagnostic_id, commune_code, sex, age_low)
        );

        -- Local plans (SDAASP, SDIN, SDAN) and local sources (CAF, ABS...).
        CREATE TABLE portrait_references (
            id INTEGER PRIMARY KEY,
            diagnostic_id INTEGER NOT NULL
                REFERENCES diagnostics(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,                 -- sdaasp | sdin | sdan | local
            title TEXT NOT NULL,
            year INTEGER,
            url TEXT NOT NULL DEFAULT '',
            summary TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        );

        -- A CSV waiting for its column mapping (kept between the upload and
        -- the confirmation, deleted once stored; nothing personal inside).
        CREATE TABLE portrait_uploads (
            id INTEGER PRIMARY KEY,
            diagnostic_id INTEGER NOT NULL
                REFERENCES diagnostics(id) ON DELETE CASCADE,
            filename TEXT NOT NULL,
            content BLOB NOT NULL,
            title TEXT NOT NULL,
            year INTEGER,
            url TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        );
        """
    )
