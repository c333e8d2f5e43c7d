"""Schema of the action plan (issue 11 §4–5): chantiers, their levers and
resources (annex 1), fiches action (annex 2).

Everything hangs under a diagnostic with ON DELETE CASCADE. A chantier made
from a workshop keeps the link to its cards (and through them to the votes,
read live); the card's text and dots at creation are kept too, so that the
chantier still says where it came from if the workshop is deleted. Creations
carry the form's idempotency key: a double tap stores one chantier.
"""

from sqlite_utils import Database, Migrations

migrations = Migrations("action_plan")


@migrations()
def m001_chantiers_and_fiches(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE plan_chantiers (
            id INTEGER PRIMARY KEY,
            diagnostic_id INTEGER NOT NULL
                REFERENCES diagnostics(id) ON DELETE CASCADE,
            title TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            position INTEGER NOT NULL,
            client_key TEXT UNIQUE,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX plan_chantiers_diagnostic
            ON plan_chantiers(diagnostic_id, position);

        -- The workshop cards (or groups: the card others were merged into)
        -- a chantier comes from; votes are read live from workshop_votes.
        CREATE TABLE plan_chantier_cards (
            chantier_id INTEGER NOT NULL
                REFERENCES plan_chantiers(id) ON DELETE CASCADE,
            card_id INTEGER REFERENCES workshop_cards(id) ON DELETE SET NULL,
            vote_activity_id INTEGER
                REFERENCES workshop_activities(id) ON DELETE SET NULL,
            card_text TEXT NOT NULL,
            votes_at_creation INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX plan_chantier_cards_chantier
            ON plan_chantier_cards(chantier_id);
        CREATE INDEX plan_chantier_cards_card ON plan_chantier_cards(card_id);

        -- Obstacles turned into levers.
        CREATE TABLE plan_levers (
            id INTEGER PRIMARY KEY,
            chantier_id INTEGER NOT NULL
                REFERENCES plan_chantiers(id) ON DELETE CASCADE,
            obstacle TEXT NOT NULL,
            lever TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        );
        CREATE INDEX plan_levers_chantier ON plan_levers(chantier_id);

        -- Annex 1: kind intervenant | partenaire | financement | materiel;
        -- link operating (solid line) | identified (dotted) | missing (none).
        CREATE TABLE plan_resources (
            id INTEGER PRIMARY KEY,
            chantier_id INTEGER NOT NULL
                REFERENCES plan_chantiers(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            name TEXT NOT NULL,
            link TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        );
        CREATE INDEX plan_resources_chantier ON plan_resources(chantier_id);

        -- Annex 2. Lists (partners, publics, evidence, indicators, governance,
        -- calendar, milestones, costs, financing) are JSON written and read
        -- only by action_plan.fiches; amounts inside are Decimal strings.
        CREATE TABLE plan_fiches (
            id INTEGER PRIMARY KEY,
            diagnostic_id INTEGER NOT NULL
                REFERENCES diagnostics(id) ON DELETE CASCADE,
            chantier_id INTEGER REFERENCES plan_chantiers(id) ON DELETE SET NULL,
            client_key TEXT UNIQUE,
            title TEXT NOT NULL,
            filled_by TEXT NOT NULL DEFAULT '',
            contacts TEXT NOT NULL DEFAULT '',
            area TEXT NOT NULL DEFAULT '',
            objective TEXT NOT NULL DEFAULT '',
            lead TEXT NOT NULL DEFAULT '',
            partners TEXT NOT NULL DEFAULT '[]',
            description TEXT NOT NULL DEFAULT '',
            activities TEXT NOT NULL DEFAULT '',
            publics TEXT NOT NULL DEFAULT '{}',
            human_means TEXT NOT NULL DEFAULT '',
            human_count INTEGER,
            material_means TEXT NOT NULL DEFAULT '',
            vigilance TEXT NOT NULL DEFAULT '',
            evidence TEXT NOT NULL DEFAULT '[]',
            evidence_notes TEXT NOT NULL DEFAULT '',
            results TEXT NOT NULL DEFAULT '',
            indicators TEXT NOT NULL DEFAULT '[]',
            governance TEXT NOT NULL DEFAULT '[]',
            other_resources TEXT NOT NULL DEFAULT '',
            calendar TEXT NOT NULL DEFAULT '{}',
            starts_on TEXT,
            ends_on TEXT,
            milestones TEXT NOT NULL DEFAULT '[]',
            costs TEXT NOT NULL DEFAULT '[]',
            financing TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX plan_fiches_diagnostic ON plan_fiches(diagnostic_id);
        """
    )


@migrations()
def m002_chantier_priorities(db: Database) -> None:
    # Impact and feasibility (means of 1 to 4) taken from a workshop's
    # impact × feasibility matrix (issue 11 §4), and where they come from.
    db.executescript(
        """
        ALTER TABLE plan_chantiers ADD COLUMN impact REAL;
        ALTER TABLE plan_chantiers ADD COLUMN feasibility REAL;
        ALTER TABLE plan_chantiers ADD COLUMN priority_source TEXT
            NOT NULL DEFAULT '';
        """
    )


@migrations()
def m003_evidence_cache(db: Database) -> None:
    # The figures a fiche may cite, per survey and for the portrait, with
    # the fingerprint of what they were computed from
    # (action_plan/evidence_cache.py): the fiche form opens without
    # summarising every question again. scope: survey:<id> | portrait:<id>.
    db.executescript(
        """
        CREATE TABLE plan_evidence_cache (
            scope TEXT PRIMARY KEY,
            diagnostic_id INTEGER NOT NULL
                REFERENCES diagnostics(id) ON DELETE CASCADE,
            survey_id INTEGER REFERENCES surveys(id) ON DELETE CASCADE,
            fingerprint TEXT NOT NULL,
            items TEXT NOT NULL,
            built_at TEXT NOT NULL
        );
        -- An erased or corrected answer drops its survey's figures at once
        -- (new answers change the fingerprint: count and last id).
        CREATE TRIGGER plan_evidence_cache_response_deleted
        AFTER DELETE ON responses
        BEGIN
            DELETE FROM plan_evidence_cache WHERE survey_id = OLD.survey_id;
        END;
        CREATE TRIGGER plan_evidence_cache_response_updated
        AFTER UPDATE OF answers, survey_id, version_id ON responses
        BEGIN
            DELETE FROM plan_evidence_cache WHERE survey_id = OLD.survey_id;
        END;
        """
    )
