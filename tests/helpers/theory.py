"""Fiches action and theory elements for the theory of change tests."""

from decimal import Decimal

from action_plan.fiches import blank_fiche, create_fiche, fiche_years
from evaluation.theory import create_element


def make_fiche(db, diagnostic: int, **fields) -> int:
    fiche = blank_fiche(db, diagnostic)
    fiche.update(
        title="Permanences numériques",
        activities="1 - Permanences sans rendez-vous\n2 - Ateliers tablette",
        results="Les habitants font seuls leurs démarches",
        objective="Personne ne renonce à ses droits",
        vigilance="Les plus âgés n'osent pas venir",
        human_means="Une conseillère numérique",
        human_count=1,
        costs=[{"kind": "fonctionnement", "label": "Temps",
                "amounts": {2027: Decimal("9000")}}],
        financing={"etat": {"detail": "", "amounts": {2027: Decimal("9000")}}},
    )  # fmt: skip
    fiche.update(fields)
    fiche["years"] = fiche_years(fiche)
    return create_fiche(db, diagnostic, fiche, None)


def element(db, diagnostic: int, level: int, text: str, kind="element", **more):
    values = {"kind": kind, "level": level, "text": text, "fiche_id": None,
              "indicator_id": None, **more}  # fmt: skip
    return create_element(db, diagnostic, values)
