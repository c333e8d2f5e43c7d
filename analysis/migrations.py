"""Tables of the analysis package.

- `analysis_cache`: the parsed answers of a survey, so that loading 100,000
  responses does not parse 100,000 JSON objects each time (see frames.py).
  Derived data only: deleting it loses nothing, it is rebuilt on next load.
- `analysis_margins`: the population margins a diagnostic's answers are
  re-weighted to (see weighting.py).

Both cascade from their owner, so deleting a survey or a diagnostic removes
them too (the cache holds answers: it must not outlive them).
"""

from sqlite_utils import Database, Migrations

migrations = Migrations("analysis")


@migrations()
def m001_cache_and_margins(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE analysis_cache (
            survey_id INTEGER PRIMARY KEY
                REFERENCES surveys(id) ON DELETE CASCADE,
            format INTEGER NOT NULL,          -- bumped when the layout changes
            max_response_id INTEGER NOT NULL, -- last response included
            response_count INTEGER NOT NULL,  -- responses with id <= max
            last_key TEXT NOT NULL,           -- idempotency key of that one
            built_at TEXT NOT NULL,
            data BLOB NOT NULL                -- pickled pandas DataFrame
        );
        CREATE TABLE analysis_margins (
            id INTEGER PRIMARY KEY,
            diagnostic_id INTEGER NOT NULL
                REFERENCES diagnostics(id) ON DELETE CASCADE,
            variable TEXT NOT NULL,     -- a question key: PR_AGE, PR_GENRE...
            category TEXT NOT NULL,     -- a choice code of that question
            target REAL NOT NULL,       -- population count (or share)
            source TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL,
            UNIQUE (diagnostic_id, variable, category)
        );
        """
    )


@migrations()
def m002_cache_forgets_deleted_answers(db: Database) -> None:
    # A deleted or edited response must not survive in the cache (right to
    # erasure): drop the survey's cache at once, it is rebuilt on next load.
    db.executescript(
        """
        CREATE TRIGGER analysis_cache_response_deleted
        AFTER DELETE ON responses
        BEGIN
            DELETE FROM analysis_cache WHERE survey_id = OLD.survey_id;
        END;
        CREATE TRIGGER analysis_cache_response_updated
        AFTER UPDATE OF answers, survey_id ON responses
        BEGIN
            DELETE FROM analysis_cache WHERE survey_id = OLD.survey_id;
        END;
        """
    )
