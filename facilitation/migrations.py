"""Schema of live workshops.

Everything hangs under a workshop, which hangs under a diagnostic, with
ON DELETE CASCADE all the way down. Nothing a participant wrote is ever
deleted by moderation: a "deleted" card only changes status, so that the
facilitator can step back.
"""

from sqlite_utils import Database, Migrations

migrations = Migrations("facilitation")


@migrations()
def m001_workshops(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE workshops (
            id INTEGER PRIMARY KEY,
            diagnostic_id INTEGER NOT NULL
                REFERENCES diagnostics(id) ON DELETE CASCADE,
            code TEXT NOT NULL UNIQUE,          -- /a/<code>, 6 characters
            title TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'open',    -- open | closed
            locked INTEGER NOT NULL DEFAULT 0,      -- whole board read-only
            -- JSON: approval, max_card_length, rate_limit_per_minute,
            -- show_names (see facilitation/workshops.py DEFAULT_SETTINGS)
            settings TEXT NOT NULL DEFAULT '{}',
            current_activity_id INTEGER,    -- what phones and projector show
            created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX workshops_diagnostic ON workshops(diagnostic_id);

        CREATE TABLE workshop_activities (
            id INTEGER PRIMARY KEY,
            workshop_id INTEGER NOT NULL
                REFERENCES workshops(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            kind TEXT NOT NULL,         -- empathy | vision | brainstorm | dots
            title TEXT NOT NULL,
            -- JSON: columns, horizons, themes, categories, budget,
            -- multiple_dots, source_activity_id, private, by_table, ...
            config TEXT NOT NULL DEFAULT '{}',
            phase TEXT NOT NULL,        -- write | reveal | group | vote | results
            timer_ends_at TEXT,         -- UTC ISO; NULL = no countdown
            locked INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX workshop_activities_workshop
            ON workshop_activities(workshop_id, position);

        CREATE TABLE workshop_tables (
            id INTEGER PRIMARY KEY,
            workshop_id INTEGER NOT NULL
                REFERENCES workshops(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            position INTEGER NOT NULL
        );
        CREATE INDEX workshop_tables_workshop ON workshop_tables(workshop_id);

        -- No account: a participant is a random secret held by the phone
        -- (only its SHA-256 is stored). "proxy" participants are people
        -- without a phone, for whom the facilitator writes and votes.
        CREATE TABLE workshop_participants (
            id INTEGER PRIMARY KEY,
            workshop_id INTEGER NOT NULL
                REFERENCES workshops(id) ON DELETE CASCADE,
            token_hash TEXT UNIQUE,     -- NULL for proxy participants
            display_name TEXT NOT NULL DEFAULT '',
            proxy INTEGER NOT NULL DEFAULT 0,
            table_id INTEGER REFERENCES workshop_tables(id) ON DELETE SET NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX workshop_participants_workshop
            ON workshop_participants(workshop_id);

        CREATE TABLE workshop_cards (
            id INTEGER PRIMARY KEY,
            activity_id INTEGER NOT NULL
                REFERENCES workshop_activities(id) ON DELETE CASCADE,
            table_id INTEGER REFERENCES workshop_tables(id) ON DELETE SET NULL,
            column_key TEXT NOT NULL,   -- a column, horizon|theme or category
            text TEXT NOT NULL,         -- stored as typed; escaped when shown
            participant_id INTEGER
                REFERENCES workshop_participants(id) ON DELETE SET NULL,
            author_user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
            status TEXT NOT NULL DEFAULT 'visible',
                -- pending | visible | hidden | deleted
            merged_into INTEGER REFERENCES workshop_cards(id) ON DELETE SET NULL,
            client_key TEXT,            -- idempotency key sent by the phone
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX workshop_cards_activity ON workshop_cards(activity_id, id);
        CREATE INDEX workshop_cards_participant
            ON workshop_cards(participant_id, created_at);
        -- A retried post (double tap, dropped connection) finds its card.
        CREATE UNIQUE INDEX workshop_cards_client_key
            ON workshop_cards(activity_id, client_key)
            WHERE client_key IS NOT NULL;

        CREATE TABLE workshop_votes (
            activity_id INTEGER NOT NULL
                REFERENCES workshop_activities(id) ON DELETE CASCADE,
            card_id INTEGER NOT NULL
                REFERENCES workshop_cards(id) ON DELETE CASCADE,
            participant_id INTEGER NOT NULL
                REFERENCES workshop_participants(id) ON DELETE CASCADE,
            count INTEGER NOT NULL CHECK (count > 0),
            updated_at TEXT NOT NULL,
            PRIMARY KEY (activity_id, participant_id, card_id)
        );
        CREATE INDEX workshop_votes_card ON workshop_votes(activity_id, card_id);

        -- The ordered log every live client reads: id is the global order
        -- (AUTOINCREMENT never reuses an id), written in the same transaction
        -- as the change it describes. audience: all | staff | p:<participant>
        -- | t:<table>.
        CREATE TABLE workshop_events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            workshop_id INTEGER NOT NULL
                REFERENCES workshops(id) ON DELETE CASCADE,
            type TEXT NOT NULL,
            audience TEXT NOT NULL DEFAULT 'all',
            payload TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL
        );
        CREATE INDEX workshop_events_order ON workshop_events(workshop_id, id);
        """
    )


@migrations()
def m002_participant_presence(db: Database) -> None:
    # "N participants connectés" counts phones seen lately, not everyone who
    # ever joined (issue 8 C5). NULL: left (closed the page) or never seen.
    db.execute("ALTER TABLE workshop_participants ADD COLUMN last_seen_at TEXT")


@migrations()
def m003_matrix_placements(db: Database) -> None:
    # Impact × feasibility matrix (issue 11 §4): where each participant put
    # each item, on two scales of 1 to 4. item_key: chantier:<id>,
    # card:<id> or item:<n> (facilitation/matrix.py).
    db.executescript(
        """
        CREATE TABLE workshop_placements (
            activity_id INTEGER NOT NULL
                REFERENCES workshop_activities(id) ON DELETE CASCADE,
            participant_id INTEGER NOT NULL
                REFERENCES workshop_participants(id) ON DELETE CASCADE,
            item_key TEXT NOT NULL,
            impact INTEGER NOT NULL CHECK (impact BETWEEN 1 AND 4),
            feasibility INTEGER NOT NULL CHECK (feasibility BETWEEN 1 AND 4),
            updated_at TEXT NOT NULL,
            PRIMARY KEY (activity_id, participant_id, item_key)
        );
        CREATE INDEX workshop_placements_item
            ON workshop_placements(activity_id, item_key);
        """
    )
