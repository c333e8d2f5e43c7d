"""Dot voting: a budget of dots per participant, never exceeded.

A vote happens in an activity (a `dots` activity, or a card activity in its
own vote phase) on the cards of its source activity. The check and the write
run in one `write_transaction` (BEGIN IMMEDIATE): two phones voting at the
same instant are serialised, so the budget holds (tests/test_workshop_votes.py
proves it with threads). Totals stay hidden until the results phase.
"""

from typing import Any

import sqlite_utils

from survey_app.db import now, write_transaction
from survey_app.group_commit import grouped_write

from .boards import get_activity, participant_block, results_visible
from .cards import load_card, visible_to
from .errors import WorkshopError
from .events import Viewer, append_event
from .workshops import get_workshop


def _int(value: Any, what: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise WorkshopError(f"{what} doit être un nombre entier.") from None


def roots(db: sqlite_utils.Database, source_activity_id: int) -> dict[int, int]:
    """card id -> the card it was (transitively) merged into, or itself."""
    parent = {
        row["id"]: row["merged_into"]
        for row in db.execute(
            "SELECT id, merged_into FROM workshop_cards WHERE activity_id = ?",
            [source_activity_id],
        )
    }

    def root(card_id: int) -> int:
        seen = set()
        while parent.get(card_id) and card_id not in seen:
            seen.add(card_id)
            card_id = parent[card_id]
        return card_id

    return {card_id: root(card_id) for card_id in parent}


def totals(db: sqlite_utils.Database, activity_id: int) -> dict[int, int]:
    """Dots per card of a vote; dots on merged cards count for their target."""
    activity = get_activity(db, activity_id)
    mapping = roots(db, activity["vote_activity_id"])
    result: dict[int, int] = {}
    for row in db.execute(
        "SELECT card_id, sum(count) AS total FROM workshop_votes "
        "WHERE activity_id = ? GROUP BY card_id",
        [activity_id],
    ):
        card = mapping.get(row["card_id"], row["card_id"])
        result[card] = result.get(card, 0) + row["total"]
    return result


def my_votes(
    db: sqlite_utils.Database, activity_id: int, participant_id: int
) -> dict[int, int]:
    rows = db.execute(
        "SELECT card_id, count FROM workshop_votes WHERE activity_id = ? "
        "AND participant_id = ?",
        [activity_id, participant_id],
    )
    return {row["card_id"]: row["count"] for row in rows}


@grouped_write
def set_vote(
    db: sqlite_utils.Database,
    activity_id: int,
    participant: dict[str, Any],
    card_id: Any,
    count: Any = None,
    delta: Any = None,
    by_staff: bool = False,
) -> dict[str, Any]:
    """Put `count` dots (absolute, safe to retry) or `delta` more/fewer dots
    of this participant on a card; return `{activity_id, card_id, count,
    used, budget}`.

    `by_staff`: the facilitator votes for a participant without a phone
    (lock and timer do not stop them; the phase and budget still apply).

    :raise WorkshopError: 403 not the vote phase, locked, budget exceeded,
        several dots on one card when not allowed; 404 unknown card;
        400 bad number.
    """
    card_id = _int(card_id, "La carte")
    with write_transaction(db):
        activity = get_activity(db, activity_id)
        workshop = may_act_now(db, activity, participant, by_staff, "Le vote")
        card = _votable_card(db, activity, card_id, participant, by_staff)
        mine = my_votes(db, activity_id, participant["id"])
        old = mine.get(card["id"], 0)
        new = _int(count, "Le nombre de gommettes") if count is not None else None
        if new is None:
            new = old + _int(delta if delta is not None else 1, "Le changement")
        budget = activity["config"]["budget"]
        new = max(new, 0)
        if new > 1 and not activity["config"]["multiple_dots"]:
            raise WorkshopError("Une seule gommette par carte dans ce vote.", 403)
        used = sum(mine.values()) - old + new
        if used > budget:
            raise WorkshopError(
                f"Vous avez déjà posé toutes vos gommettes ({budget}). "
                "Retirez-en une pour voter ailleurs.",
                403,
            )
        if new == 0:
            db.execute(
                "DELETE FROM workshop_votes WHERE activity_id = ? AND card_id = ? "
                "AND participant_id = ?",
                [activity_id, card_id, participant["id"]],
            )
        else:
            db.execute(
                "INSERT INTO workshop_votes (activity_id, card_id, participant_id, "
                "count, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT "
                "(activity_id, participant_id, card_id) DO UPDATE SET "
                "count = excluded.count, updated_at = excluded.updated_at",
                [activity_id, card_id, participant["id"], new, now()],
            )
        result = {
            "activity_id": activity_id,
            "card_id": card_id,
            "count": new,
            "used": used,
            "budget": budget,
        }
        if new != old:
            _announce(db, workshop["id"], activity, participant["id"], result)
        return result


def may_act_now(
    db: sqlite_utils.Database,
    activity: dict[str, Any],
    participant: dict[str, Any],
    by_staff: bool,
    what: str,
) -> dict[str, Any]:
    """The activity's workshop, if this participant may vote (or place) now.

    :raise WorkshopError: 404 participant of another workshop; 403 not the
        vote phase ("`what` n'est pas ouvert."), workshop closed or locked.
    """
    workshop = get_workshop(db, activity["workshop_id"])
    if participant.get("workshop_id", workshop["id"]) != workshop["id"]:
        raise WorkshopError("Ce participant n'est pas dans cet atelier.", 404)
    reason = None if by_staff else participant_block(workshop, activity)
    if reason is None and activity["phase"] != "vote":
        reason = f"{what} n'est pas ouvert."
    if reason:
        raise WorkshopError(reason, 403)
    return workshop


def _votable_card(db, activity, card_id: int, participant, by_staff: bool):
    try:
        card = load_card(db, card_id)
    except WorkshopError:
        card = None
    # A participant votes only for cards they can see (same rule as the
    # snapshot: a source still in its private write phase shows only theirs).
    source = get_activity(db, activity["vote_activity_id"])
    viewer = Viewer(participant_id=participant["id"], table_id=participant["table_id"])
    if (
        card is None
        or card["activity_id"] != activity["vote_activity_id"]
        or card["status"] != "visible"
        or (not by_staff and not visible_to(card, source, viewer))
    ):
        raise WorkshopError("Cette carte n'existe pas ou a été retirée.", 404)
    if card["merged_into"]:
        raise WorkshopError(
            "Cette carte a été regroupée avec une autre : votez pour celle-ci.", 409
        )
    return card


def _announce(db, workshop_id: int, activity, participant_id: int, result) -> None:
    append_event(db, workshop_id, "vote.mine", result, f"p:{participant_id}")
    total = totals(db, activity["id"]).get(result["card_id"], 0)
    payload = {"activity_id": activity["id"], "card_id": result["card_id"]}
    payload["total"] = total
    audience = "all" if results_visible(activity) else "staff"
    append_event(db, workshop_id, "vote.total", payload, audience)
