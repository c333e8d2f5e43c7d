"""Schema of the evaluation (issue 12 §1–2): indicators and their measures,
the theory of change. Everything hangs under a diagnostic with ON DELETE
CASCADE."""

from sqlite_utils import Database, Migrations

migrations = Migrations("evaluation")


@migrations()
def m001_evaluation_ready(db: Database) -> None:
    # A first, empty step, so that the module is applied (and recorded) from
    # the start; the tables come in the migrations below.
    pass


@migrations()
def m010_theory_of_change(db: Database) -> None:
    # Annex 3. One theory per diagnostic: its elements sit on five levels
    # (0 resources, 1 activities, 2 outputs, 3 outcomes, 4 impact); an
    # assumption (kind 'assumption') sits between `level` and `level + 1`.
    # `indicator_id` names a row of evaluation_indicators (step 8) without a
    # foreign key: that table is another migration's, and a theory must not
    # depend on its existing. Links go from a level to a later one.
    db.executescript(
        """
        CREATE TABLE evaluation_toc_elements (
            id INTEGER PRIMARY KEY,
            diagnostic_id INTEGER NOT NULL
                REFERENCES diagnostics(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('element', 'assumption')),
            level INTEGER NOT NULL CHECK (level BETWEEN 0 AND 4),
            text TEXT NOT NULL,
            position INTEGER NOT NULL,
            fiche_id INTEGER REFERENCES plan_fiches(id) ON DELETE SET NULL,
            indicator_id INTEGER,
            client_key TEXT UNIQUE,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX evaluation_toc_elements_diagnostic
            ON evaluation_toc_elements(diagnostic_id, kind, level, position);
        CREATE TABLE evaluation_toc_links (
            from_id INTEGER NOT NULL
                REFERENCES evaluation_toc_elements(id) ON DELETE CASCADE,
            to_id INTEGER NOT NULL
                REFERENCES evaluation_toc_elements(id) ON DELETE CASCADE,
            PRIMARY KEY (from_id, to_id)
        );
        CREATE INDEX evaluation_toc_links_to ON evaluation_toc_links(to_id);
        """
    )
