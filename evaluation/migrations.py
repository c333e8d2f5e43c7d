"""Schema of the evaluation (issue 12 §1–2): indicators and their measures,
the theory of change. Everything hangs under a diagnostic with ON DELETE
CASCADE."""

import json

from sqlite_utils import Database, Migrations

migrations = Migrations("evaluation")


@migrations()
def m001_evaluation_ready(db: Database) -> None:
    # A first, empty step, so that the module is applied (and recorded) from
    # the start; the tables come in the migrations below.
    pass


@migrations()
def m002_indicators(db: Database) -> None:
    db.executescript(
        """
        -- Indicators of a fiche action (guide step 8). Source: 'manual' (a
        -- count the team keeps), 'survey' (share of respondents choosing
        -- `choices` of question `question_key`, computed from each survey of
        -- the diagnostic) or 'portrait' (a figure of diagnostic/portrait.py).
        CREATE TABLE evaluation_indicators (
            id INTEGER PRIMARY KEY,
            diagnostic_id INTEGER NOT NULL
                REFERENCES diagnostics(id) ON DELETE CASCADE,
            fiche_id INTEGER NOT NULL REFERENCES plan_fiches(id) ON DELETE CASCADE,
            client_key TEXT UNIQUE,
            name TEXT NOT NULL,
            unit TEXT NOT NULL DEFAULT '',
            baseline_value REAL,
            baseline_on TEXT,
            target_value REAL,
            target_on TEXT,
            frequency TEXT NOT NULL DEFAULT '',
            source_kind TEXT NOT NULL DEFAULT 'manual',
            question_key TEXT NOT NULL DEFAULT '',
            choices TEXT NOT NULL DEFAULT '[]',
            portrait_indicator TEXT NOT NULL DEFAULT '',
            source_note TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX evaluation_indicators_fiche
            ON evaluation_indicators(diagnostic_id, fiche_id);

        -- Values entered by hand (survey and portrait values are computed
        -- when shown, from the answers and figures of the day).
        CREATE TABLE evaluation_measures (
            id INTEGER PRIMARY KEY,
            indicator_id INTEGER NOT NULL
                REFERENCES evaluation_indicators(id) ON DELETE CASCADE,
            client_key TEXT UNIQUE,
            measured_on TEXT NOT NULL,
            value REAL NOT NULL,
            source TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        );
        CREATE INDEX evaluation_measures_indicator
            ON evaluation_measures(indicator_id, measured_on);
        """
    )
    # The fiches' free-text indicators (name, unit) become real indicators,
    # counted by hand until the conseiller says otherwise; the JSON list is
    # emptied so that nothing is kept twice.
    rows = db.execute(
        "SELECT id, diagnostic_id, indicators, updated_at FROM plan_fiches"
    ).fetchall()
    for fiche_id, diagnostic_id, raw, stamp in rows:
        try:
            listed = json.loads(raw or "[]")
        except ValueError:
            listed = []
        for item in listed if isinstance(listed, list) else []:
            name = str((item or {}).get("name") or "").strip()[:200]
            unit = str((item or {}).get("unit") or "").strip()[:60]
            if not name and not unit:
                continue
            db.execute(
                "INSERT INTO evaluation_indicators (diagnostic_id, fiche_id, name, "
                "unit, source_kind, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, 'manual', ?, ?)",
                [diagnostic_id, fiche_id, name or unit, unit, stamp, stamp],
            )
        db.execute("UPDATE plan_fiches SET indicators = '[]' WHERE id = ?", [fiche_id])


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
