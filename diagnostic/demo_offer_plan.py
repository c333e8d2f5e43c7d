"""The demo's offer (step 4–5) and action plan (step 7), so that the demo
document shows every part of the guide (issue 10 §3, issue 11)."""

from datetime import date
from decimal import Decimal

import sqlite_utils

from action_plan import chantiers as ch
from action_plan.fiches import create_fiche, fiche_from_chantier, fiche_years
from action_plan.priorities import apply_matrix, send_to_workshop
from offer.actors import add_actor, add_inspiration, add_resource
from offer.places import save_places
from offer.schema import load_schema

ACTORS = [
    ("CCAS de Mens", "ccas", "Accueil social, aide aux démarches",
     [("human", "Une agente d'accueil formée aux démarches en ligne",
       "2 demi-journées par semaine")]),
    ("France Services du Trièves", "france_services",
     "Accompagnement aux démarches administratives",
     [("human", "Deux agents France Services", "35 h par semaine"),
      ("material", "Trois postes informatiques en libre accès", "3 postes")]),
    ("Médiathèque intercommunale", "mediatheque",
     "Ateliers numériques pour débutants",
     [("material", "Tablettes de prêt pour les ateliers", "8 tablettes")]),
]  # fmt: skip
PLACES = [  # (name, services, hours, fees)
    ("France Services du Trièves", "Aide aux démarches administratives|"
     "Accès internet et matériel informatique", "Mo-Fr 09:00-12:00,14:00-17:00",
     "Gratuit"),
    ("Médiathèque intercommunale", "Maîtrise des outils numériques du quotidien|"
     "Utilisation sécurisée du numérique", "Tu,Sa 10:00-12:00", "Gratuit"),
    ("CCAS de Mens", "Aide aux démarches administratives", "", "Gratuit"),
]  # fmt: skip


def fill_offer_and_plan(
    db: sqlite_utils.Database, diagnostic_id: int, first: date
) -> None:
    for name, kind, role, resources in ACTORS:
        actor = add_actor(db, diagnostic_id, {"name": name, "kind": kind,
                                              "role": role, "contact": ""})  # fmt: skip
        for res_kind, description, quantity in resources:
            add_resource(db, actor, {"kind": res_kind, "description": description,
                                     "quantity": quantity})  # fmt: skip
    communes = db.execute(
        "SELECT c.code, c.name FROM diagnostic_communes dc JOIN communes c "
        "ON c.code = dc.commune_code WHERE dc.diagnostic_id = ? ORDER BY c.name",
        [diagnostic_id],
    ).fetchall()
    if communes:
        blank = dict.fromkeys(load_schema().fields, "")  # as an import gives
        save_places(db, diagnostic_id, [
            {**blank, "id": f"demo-{i}", "nom": name,
             "commune": communes[i % len(communes)][1],
             "code_insee": communes[i % len(communes)][0], "services": services,
             "horaires": hours, "frais_a_charge": fees}
            for i, (name, services, hours, fees) in enumerate(PLACES)
        ])  # fmt: skip
    add_inspiration(db, diagnostic_id, {
        "title": "Le bus numérique itinérant du Diois",
        "territory": "Communauté de communes du Diois (Drôme)",
        "link": "Rencontre régionale des conseillers numériques, 2025",
        "borrow": "Un minibus équipé passe chaque mois dans les villages sans "
        "lieu d'aide, le jour du marché.",
        "vigilance": "Le coût du véhicule et de son entretien ; un planning "
        "stable pour que les habitants s'en souviennent.",
        "contact_role": "Conseillère numérique de la communauté de communes",
        "tags": "itinérance, villages",
    })  # fmt: skip
    add_plan(db, diagnostic_id, first)


def add_plan(db: sqlite_utils.Database, diagnostic_id: int, first: date) -> None:
    """Two chantiers from the demo workshop's top cards, one fiche action."""
    activities = ch.vote_activities(db, diagnostic_id)
    if not activities:
        return
    activity = activities[0]["id"]
    cards = [c["id"] for c in ch.ranked_cards(db, diagnostic_id, activity)[:2]]
    made = ch.chantiers_from_workshop(db, diagnostic_id, activity, cards, "demo")
    if not made:
        return
    ch.add_lever(
        db,
        made[0],
        "Les plus âgés n'osent pas pousser la porte",
        "Des permanences au CCAS et à la mairie, sans rendez-vous",
    )
    for kind, name, link, note in (
        ("intervenant", "Conseillère numérique", "operating", "2 jours par semaine"),
        ("partenaire", "CCAS de Mens", "operating", "Oriente les personnes"),
        ("financement", "Département de l'Isère", "identified", "Appel à projets"),
        ("materiel", "Tablettes de prêt", "missing", ""),
    ):
        ch.add_resource(db, made[0], {"kind": kind, "name": name, "link": link,
                                      "note": note})  # fmt: skip
    _prioritise(db, diagnostic_id, activities[0]["workshop_id"])
    chantier = ch.get_chantier(db, diagnostic_id, made[0])
    fiche = fiche_from_chantier(db, diagnostic_id, chantier)
    year = first.year + 1
    fiche.update(
        filled_by="Conseillère numérique de la communauté de communes",
        contacts="Conseillère numérique, mairie de Mens",
        lead="Communauté de communes du Trièves",
        description="Des permanences d'aide au numérique sans rendez-vous, "
        "une fois par semaine dans chaque bourg.",
        starts_on=f"{year}-01-05", ends_on=f"{year}-12-18",
        costs=[{"kind": "fonctionnement", "label": "Temps de conseillère numérique",
                "amounts": {year: Decimal("9000")}},
               {"kind": "investissement", "label": "Tablettes de prêt",
                "amounts": {year: Decimal("3000")}}],
        financing={"etat": {"detail": "", "amounts": {year: Decimal("6000")}},
                   "departement": {"detail": "", "amounts": {year: Decimal("4000")}},
                   "autofinancement": {"detail": "",
                                       "amounts": {year: Decimal("2000")}}},
    )  # fmt: skip
    fiche["years"] = fiche_years(fiche)
    create_fiche(db, diagnostic_id, fiche, "demo-fiche", made[0])


# (impact, feasibility) given by the 12 participants to each chantier.
PLACEMENTS = [[(4, 3), (3, 3), (4, 4), (3, 2)] * 3, [(3, 2), (2, 2), (4, 1)] * 4]


def _prioritise(db: sqlite_utils.Database, diagnostic_id: int, workshop_id: int):
    """The chantiers placed on the workshop's impact × feasibility matrix."""
    from facilitation.boards import set_phase
    from facilitation.matrix import place

    chantiers = ch.load_chantiers(db, diagnostic_id)
    activity = send_to_workshop(db, diagnostic_id, workshop_id, chantiers, "demo")
    set_phase(db, activity, "vote")
    people = [dict(r) for r in db.execute(
        "SELECT * FROM workshop_participants WHERE workshop_id = ? ORDER BY id",
        [workshop_id])]  # fmt: skip
    for chantier, levels in zip(chantiers, PLACEMENTS, strict=False):
        for person, (impact, feasibility) in zip(people, levels, strict=False):
            place(db, activity, person, f"chantier:{chantier['id']}", impact,
                  feasibility)  # fmt: skip
    set_phase(db, activity, "results")
    apply_matrix(db, diagnostic_id, activity)
