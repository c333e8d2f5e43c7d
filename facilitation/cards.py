"""Cards: checked text, who may see them, and posting/editing by participants.

A card's text is stored exactly as typed (minus control characters) and
escaped wherever it is shown or exported. Who sees a card is decided here
once (`participant_audience`), both for the state snapshot and for the live
events, so the two can never disagree.
"""

from typing import Any

import sqlite_utils

from survey_app.db import now, write_transaction
from survey_app.group_commit import grouped_write
from survey_app.safeguards import ratelimit
from survey_app.safeguards.ratelimit import Limit
from survey_app.storage import inserted_id
from survey_app.text import clean_typed_text

from .boards import cards_private, get_activity, participant_block
from .errors import WorkshopError
from .events import Viewer, append_event
from .workshops import get_workshop

HARD_LIMIT = 5000  # refused before anything else, whatever the setting
FACILITATOR_NAME = "Animation"


def clean_text(text: Any, max_length: int) -> str:
    """The text of a card, trimmed, without control characters.

    :raise WorkshopError: empty, or longer than `max_length` characters.
    """
    if not isinstance(text, str):
        raise WorkshopError("Écrivez quelque chose sur la carte avant de l'envoyer.")
    text = clean_typed_text(text, multiline=True)
    if not text:
        raise WorkshopError("Écrivez quelque chose sur la carte avant de l'envoyer.")
    if len(text) > min(max_length, HARD_LIMIT):
        raise WorkshopError(
            f"Votre carte compte {len(text)} caractères : {max_length} au maximum. "
            "Raccourcissez-la ou coupez-la en deux cartes."
        )
    return text


CARD_SQL = """SELECT c.*, p.display_name, p.proxy
              FROM workshop_cards c
              LEFT JOIN workshop_participants p ON p.id = c.participant_id"""


def card_dict(row: Any, show_names: bool = True) -> dict[str, Any]:
    """What any client may receive about a card (no participant id)."""
    author: str | None
    if row["participant_id"] is None:
        author = FACILITATOR_NAME
    else:
        author = (row["display_name"] or None) if show_names else None
    return {
        "id": row["id"],
        "activity_id": row["activity_id"],
        "table_id": row["table_id"],
        "column": row["column_key"],
        "text": row["text"],
        "author_name": author,
        "by_facilitator": row["author_user_id"] is not None,
        "status": row["status"],
        "merged_into": row["merged_into"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


def staff_card(row: Any) -> dict[str, Any]:
    """The facilitator's view: also who wrote it (names always shown)."""
    return {**card_dict(row), "participant_id": row["participant_id"]}


def participant_audience(card: Any, activity: dict[str, Any]) -> str | None:
    """Which participants see this card: public, t:<table>, p:<author> or None."""
    author = card["participant_id"]
    if card["status"] == "pending":
        return f"p:{author}" if author else None
    if card["status"] != "visible":
        return None
    if cards_private(activity) and author:
        return f"p:{author}"
    config = activity["config"]
    if config.get("by_table") and not config.get("tables_merged") and card["table_id"]:
        return f"t:{card['table_id']}"
    return "public"


def visible_to(card: Any, activity: dict[str, Any], viewer: Viewer) -> bool:
    if viewer.staff:
        return True
    audience = participant_audience(card, activity)
    return audience is not None and viewer.sees(audience)


def load_card(db: sqlite_utils.Database, card_id: int) -> Any:
    """:raise WorkshopError 404: no such card."""
    row = db.execute(CARD_SQL + " WHERE c.id = ?", [card_id]).fetchone()
    if row is None:
        raise WorkshopError("Cette carte n'existe pas.", 404)
    return row


def card_in_workshop(db: sqlite_utils.Database, card_id: int, workshop_id: int):
    """The card row if it belongs to this workshop.

    :raise WorkshopError 404: no such card in this workshop.
    """
    row = load_card(db, card_id)
    activity = get_activity(db, row["activity_id"])
    if activity["workshop_id"] != workshop_id:
        raise WorkshopError("Cette carte n'existe pas.", 404)
    return row


def publish_card(db: sqlite_utils.Database, card_id: int) -> None:
    """Log the card's new state for staff, and for the participants who see it.

    Participants who can no longer see it (hidden, deleted) get a
    `card.removed` with its id only.
    """
    row = load_card(db, card_id)
    activity = get_activity(db, row["activity_id"])
    workshop = get_workshop(db, activity["workshop_id"])
    wid = workshop["id"]
    append_event(db, wid, "card.upsert", {"card": staff_card(row)}, "staff")
    audience = participant_audience(row, activity)
    if audience is None:
        payload = {"id": card_id, "activity_id": activity["id"]}
        append_event(db, wid, "card.removed", payload, "public")
    else:
        card = card_dict(row, workshop["settings"]["show_names"])
        if audience.startswith("p:"):
            card["mine"] = True
        append_event(db, wid, "card.upsert", {"card": card}, audience)


def _check_column(activity: dict[str, Any], column: Any) -> str:
    if activity["kind"] == "dots":
        raise WorkshopError("On ne pose pas de carte dans un vote : votez !", 403)
    if activity["kind"] == "matrix":
        raise WorkshopError("On ne pose pas de carte sur la matrice.", 403)
    keys = [c["key"] for c in activity["columns"]]
    if column is None and len(keys) == 1:
        return keys[0]
    if column not in keys:
        raise WorkshopError("Choisissez une colonne pour votre carte.")
    return column


def _check_rate(db, participant_id: int, limit: int) -> None:
    """At most `limit` cards per participant and minute (the shared limiter).

    Counted inside post_card's transaction: a card refused later is not
    counted. No secret: a participant's row id says nothing about anyone.
    """
    if ratelimit.hit(db, "", "cards", str(participant_id), [Limit(limit, 60)]):
        raise WorkshopError(
            "Vous avez envoyé beaucoup de cartes en une minute. "
            "Attendez un instant puis réessayez.",
            429,
        )


@grouped_write
def post_card(
    db: sqlite_utils.Database,
    activity_id: int,
    column: Any,
    text: Any,
    participant: dict[str, Any] | None = None,
    user_id: int | None = None,
    table_id: int | None = None,
    client_key: str | None = None,
) -> dict[str, Any]:
    """Add a card; return it (staff view). Posting twice with the same
    `client_key` returns the first card (double tap, retry after a drop).

    Participants (`user_id` None) may post only during the write phase of an
    unlocked activity, within the rate limit; with the approval queue on,
    their cards wait as `pending`. A facilitator (`user_id`) may add a card
    at any phase, for a proxy participant or for nobody, at any table.

    :raise WorkshopError: bad text or column; 403 wrong phase, locked,
        time up; 429 too many cards in a minute; 404 unknown activity.
    """
    if client_key is not None:
        client_key = str(client_key)[:64]
    with write_transaction(db):
        activity = get_activity(db, activity_id)
        workshop = get_workshop(db, activity["workshop_id"])
        settings = workshop["settings"]
        text = clean_text(text, settings["max_card_length"])
        column = _check_column(activity, column)
        existing, client_key = _same_key(db, activity_id, client_key, participant)
        if existing is not None:
            return staff_card(load_card(db, existing))
        status = "visible"
        if user_id is None:
            table_id, status = _participant_may_post(
                db, workshop, activity, participant
            )
        elif participant is not None and table_id is None:
            table_id = participant["table_id"]
        stamp = now()
        card_id = inserted_id(
            db.execute(
                "INSERT INTO workshop_cards (activity_id, table_id, column_key, text, "
                "participant_id, author_user_id, status, client_key, created_at, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    activity_id,
                    table_id if activity["config"].get("by_table") else None,
                    column,
                    text,
                    participant and participant["id"],
                    user_id,
                    status,
                    client_key,
                    stamp,
                    stamp,
                ],
            )
        )
        publish_card(db, card_id)
        if status == "pending":
            _tell_facilitators(db, workshop, activity_id)
        return staff_card(load_card(db, card_id))


def _same_key(
    db: sqlite_utils.Database,
    activity_id: int,
    client_key: str | None,
    participant: dict[str, Any] | None,
) -> tuple[int | None, str | None]:
    """(id of the card this poster already sent with `client_key`, or None;
    the key to store: None when someone else's card holds it)."""
    if not client_key:
        return None, client_key
    existing = db.execute(
        "SELECT id, participant_id FROM workshop_cards "
        "WHERE activity_id = ? AND client_key = ?",
        [activity_id, client_key],
    ).fetchone()
    if existing is None:
        return None, client_key
    if existing["participant_id"] == (participant and participant["id"]):
        return existing["id"], client_key
    return None, None  # someone else's key: do not collide


def _participant_may_post(
    db: sqlite_utils.Database,
    workshop: dict[str, Any],
    activity: dict[str, Any],
    participant: dict[str, Any] | None,
) -> tuple[int | None, str]:
    """(table, status) of a participant's new card.

    :raise WorkshopError: 403 not joined, wrong phase, locked, time up;
        429 too many cards in a minute.
    """
    if participant is None:
        raise WorkshopError("Rejoignez l'atelier pour écrire.", 403)
    reason = participant_block(workshop, activity)
    if reason is None and activity["phase"] != "write":
        reason = "Ce n'est plus le moment d'écrire des cartes."
    if reason:
        raise WorkshopError(reason, 403)
    settings = workshop["settings"]
    _check_rate(db, participant["id"], settings["rate_limit_per_minute"])
    return participant["table_id"], "pending" if settings["approval"] else "visible"


def _tell_facilitators(
    db: sqlite_utils.Database, workshop: dict[str, Any], activity_id: int
) -> None:
    """Push a notification when the approval queue goes from empty to one card.

    Only the first waiting card: a room of 40 must not send 40 notifications.
    """
    waiting = db.execute(
        "SELECT count(*) FROM workshop_cards WHERE activity_id = ? "
        "AND status = 'pending'",
        [activity_id],
    ).fetchone()[0]
    if waiting == 1:
        from survey_app.safeguards.push import notify_diagnostic

        notify_diagnostic(
            workshop["diagnostic_id"],
            "Carte à valider",
            f"Atelier « {workshop['title']} » : une carte attend votre validation.",
            f"/ateliers/{workshop['id']}",
            db=db,
        )


def edit_own_card(
    db: sqlite_utils.Database,
    card_id: int,
    participant: dict[str, Any],
    text: Any,
    column: Any = None,
) -> dict[str, Any]:
    """A participant rewrites (or moves) their own card during the write phase.

    :raise WorkshopError: 404 not their card (or not in their workshop),
        403 phase over / locked / card hidden, 400 bad text or column.
    """
    if text is None:
        clean_text(text, 0)  # a participant always sends the text
    with write_transaction(db):
        row = load_card(db, card_id)
        activity = get_activity(db, row["activity_id"])
        workshop = get_workshop(db, activity["workshop_id"])
        if row["participant_id"] != participant["id"] or row["author_user_id"]:
            raise WorkshopError("Cette carte n'est pas la vôtre.", 404)
        reason = participant_block(workshop, activity)
        if reason is None and activity["phase"] != "write":
            reason = "Les cartes ne se modifient plus à cette étape."
        if reason is None and row["status"] not in ("visible", "pending"):
            reason = "Cette carte a été retirée par l'animateur."
        if reason:
            raise WorkshopError(reason, 403)
        limit = workshop["settings"]["max_card_length"]
        return rewrite_card(db, row, activity, text, column, limit)


def rewrite_card(
    db: sqlite_utils.Database,
    row: Any,
    activity: dict[str, Any],
    text: Any,
    column: Any,
    limit: int,
) -> dict[str, Any]:
    """Check and store a card's new text and/or column (None keeps it), log it.

    :raise WorkshopError: bad text or column.
    """
    text = row["text"] if text is None else clean_text(text, limit)
    column = _check_column(activity, row["column_key"] if column is None else column)
    db.execute(
        "UPDATE workshop_cards SET text = ?, column_key = ?, updated_at = ? "
        "WHERE id = ?",
        [text, column, now(), row["id"]],
    )
    publish_card(db, row["id"])
    return staff_card(load_card(db, row["id"]))


def activity_cards(
    db: sqlite_utils.Database, activity: dict[str, Any], viewer: Viewer,
    show_names: bool = True,
) -> list[dict[str, Any]]:  # fmt: skip
    """The cards of an activity this viewer may see (staff: every status)."""
    rows = db.execute(
        CARD_SQL + " WHERE c.activity_id = ? ORDER BY c.id", [activity["id"]]
    )
    if viewer.staff:
        return [staff_card(row) for row in rows]
    cards = []
    for row in rows:
        if visible_to(row, activity, viewer):
            card = card_dict(row, show_names)
            card["mine"] = row["participant_id"] == viewer.participant_id
            cards.append(card)
    return cards
