"""Tables of the offer: actors, their resources, places, needs map, inspirations.

Everything hangs under a diagnostic with ON DELETE CASCADE. A place keeps its
row of the national schema as JSON (field → text, lists joined with "|") so
that a new schema version adds fields without a migration; `code_insee` is a
column because the needs-against-offer view groups by it.
"""

from sqlite_utils import Database, Migrations

migrations = Migrations("offer")


@migrations()
def m001_offer(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE offer_actors (
            id INTEGER PRIMARY KEY,
            diagnostic_id INTEGER NOT NULL
                REFERENCES diagnostics(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            kind TEXT NOT NULL,                 -- offer.actors.ACTOR_KINDS
            role TEXT NOT NULL DEFAULT '',
            contact TEXT NOT NULL DEFAULT '',   -- the structure's address or a role
            created_at TEXT NOT NULL
        );
        CREATE INDEX offer_actors_diagnostic ON offer_actors(diagnostic_id);

        CREATE TABLE offer_resources (
            id INTEGER PRIMARY KEY,
            actor_id INTEGER NOT NULL REFERENCES offer_actors(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,                 -- human | material | financial
            description TEXT NOT NULL,
            quantity TEXT NOT NULL DEFAULT '',  -- "2 personnes, 10 h/semaine"
            created_at TEXT NOT NULL
        );
        CREATE INDEX offer_resources_actor ON offer_resources(actor_id);

        CREATE TABLE offer_places (
            diagnostic_id INTEGER NOT NULL
                REFERENCES diagnostics(id) ON DELETE CASCADE,
            place_id TEXT NOT NULL,             -- the schema's `id`
            code_insee TEXT NOT NULL,
            data TEXT NOT NULL,                 -- JSON row of the national schema
            updated_at TEXT NOT NULL,
            PRIMARY KEY (diagnostic_id, place_id)
        );

        CREATE TABLE offer_need_services (
            diagnostic_id INTEGER NOT NULL
                REFERENCES diagnostics(id) ON DELETE CASCADE,
            need TEXT NOT NULL,                 -- "BE_SUJETS:sante"
            services TEXT NOT NULL,             -- JSON list of schema services
            PRIMARY KEY (diagnostic_id, need)
        );

        CREATE TABLE offer_inspirations (
            id INTEGER PRIMARY KEY,
            diagnostic_id INTEGER NOT NULL
                REFERENCES diagnostics(id) ON DELETE CASCADE,
            title TEXT NOT NULL,
            territory TEXT NOT NULL DEFAULT '',
            link TEXT NOT NULL DEFAULT '',      -- URL or a source in words
            borrow TEXT NOT NULL DEFAULT '',
            vigilance TEXT NOT NULL DEFAULT '',
            contact_role TEXT NOT NULL DEFAULT '',
            tags TEXT NOT NULL DEFAULT '',      -- comma-separated, e.g. chantier names
            created_at TEXT NOT NULL
        );
        CREATE INDEX offer_inspirations_diagnostic
            ON offer_inspirations(diagnostic_id);
        """
    )
