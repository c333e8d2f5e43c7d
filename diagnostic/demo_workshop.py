"""The demo's restitution workshop: a brainstorm of actions and a dot vote,
so that the demo document shows voted priorities (issue 10 §4)."""

import sqlite_utils

from facilitation.boards import create_activity, set_phase
from facilitation.cards import post_card
from facilitation.participants import join
from facilitation.votes import set_vote
from facilitation.workshops import create_workshop

IDEAS = {
    "acces": [
        "Un point d'accès libre avec un ordinateur dans chaque mairie",
        "Prêter des tablettes reconditionnées aux personnes qui n'en ont pas",
        "Faire connaître les offres sociales d'abonnement Internet",
    ],
    "accompagnement": [
        "Des permanences du conseiller numérique au marché de Mens",
        "Un accompagnement à domicile pour les personnes âgées isolées",
        "Des ateliers courts sur les démarches CAF et impôts",
        "Former les secrétaires de mairie à orienter vers l'aide existante",
    ],
    "partenariats": [
        "Une fiche d'orientation commune CCAS, France Services et médiathèque",
        "Un covoiturage solidaire vers les permanences",
        "Associer les écoles pour toucher les parents",
    ],
}
# Dots per idea (in the order above), spread over the participants' budgets.
DOTS = [3, 2, 4, 9, 8, 6, 7, 5, 1, 2]
PARTICIPANTS = 12


def add_demo_workshop(db: sqlite_utils.Database, diagnostic_id: int, user_id: int):
    """A held workshop: 12 participants, 10 ideas, 47 dots."""
    workshop_id = create_workshop(
        db,
        diagnostic_id,
        "Atelier de restitution aux élus et partenaires",
        user_id,
        activities=[
            {
                "kind": "brainstorm",
                "title": "Idées d'actions",
                "config": {"categories": ["Accès", "Accompagnement", "Partenariats"]},
            }
        ],
    )
    ideas_id = db.execute(
        "SELECT id FROM workshop_activities WHERE workshop_id = ?", [workshop_id]
    ).fetchone()[0]
    columns = [c["key"] for c in _columns(db, ideas_id)]
    people = [join(db, workshop_id)[0] for _ in range(PARTICIPANTS)]
    cards = []
    for column, texts in zip(columns, IDEAS.values(), strict=True):
        for text in texts:
            cards.append(post_card(db, ideas_id, column, text, user_id=user_id)["id"])
    vote_id = create_activity(
        db,
        workshop_id,
        "dots",
        "Nos priorités",
        {"source_activity_id": ideas_id, "budget": 4},
    )
    set_phase(db, vote_id, "vote")
    voter = iter(p for p in people for _ in range(4))
    for card_id, dots in zip(cards, DOTS, strict=True):
        for _ in range(dots):
            set_vote(db, vote_id, next(voter), card_id, delta=1)
    set_phase(db, vote_id, "results")
    return workshop_id


def _columns(db, activity_id: int) -> list[dict]:
    from facilitation.boards import get_activity

    return get_activity(db, activity_id)["columns"]
