"""The demo diagnostic's guided path (issue 10 §4): framing, portrait,
two interviews, field observations and step notes.

The portrait figures are made up (the official files are not shipped with
the application) but shaped like the real ones: their source says so and
links to where a conseiller downloads the real figures.
"""

import random
from datetime import date, timedelta

import pandas as pd
import sqlite_utils

from evaluation.demo import add_demo_indicators
from survey_app.db import write_transaction

from . import interviews as iv
from .demo_offer_plan import fill_offer_and_plan
from .demo_theory import fill_theory
from .demo_waves import add_first_wave
from .demo_workshop import add_demo_workshop
from .indicators import INDICATORS
from .portrait import add_reference, store_import
from .portrait_import import OPEN_AGE, CheckedImport

# Share of the population per 5-year band, from 0-4 to 95+: an ageing rural
# mountain territory (more people aged 55-74 than 20-34).
AGE_PROFILE = [4.3, 5.2, 6.0, 5.1, 2.9, 3.6, 4.6, 5.4, 6.0, 6.5, 7.1, 7.6, 8.0,
               8.1, 7.4, 5.4, 3.5, 2.1, 0.9, 0.3]  # fmt: skip
DIPLOMA_SHARES = {"diplome_aucun_cep": 0.21, "diplome_brevet_cap_bep": 0.31,
                  "diplome_bac": 0.17, "diplome_bac_2": 0.13,
                  "diplome_bac_3_plus": 0.18}  # fmt: skip
DEMO_NOTE = "Démonstration : chiffres fictifs"
POP1B_PAGE = "https://www.insee.fr/fr/statistiques/8202264?sommaire=8202287"
IFN_PAGE = "https://www.fragilite-numerique.fr"

FRAMING = {
    "definition": "Pour la communauté de communes, l'inclusion numérique, c'est "
    "permettre à chaque habitant d'accéder à ses droits, de rester en lien avec "
    "ses proches et de faire ses démarches, seul ou accompagné, sans avoir à "
    "descendre à Grenoble.",
    "stakes": "Des hameaux éloignés et une population qui vieillit ; la fermeture "
    "de guichets (CAF, CPAM) reportée sur France Services à Mens ; une fibre qui "
    "arrive commune par commune.",
    "expectations": "Les élus attendent une photographie partagée des besoins avant "
    "le vote du budget, et des propositions chiffrées pour l'itinérance.",
    "orientations": "- Aller vers les personnes âgées isolées\n"
    "- Mieux orienter entre mairies, France Services et associations\n"
    "- S'appuyer sur les médiathèques du réseau",
}
INTERVIEWS = [
    {
        "days": 3,
        "structure": "CCAS de Mens",
        "role": "Directrice",
        "key_points": "Environ un tiers des personnes reçues viennent pour une "
        "démarche en ligne : retraite, CAF, carte grise. Les agents font souvent "
        "**à la place** des personnes faute de temps. Les plus de 75 ans vivant "
        "seuls dans les hameaux ne viennent pas : il faudrait aller chez eux.",
        "quotes": "On fait la démarche à leur place, et la fois suivante ils "
        "reviennent pour la même chose.\nLes gens ont honte de dire qu'ils ne "
        "savent pas.",
        "themes": ["publics", "demarches", "partenariats"],
    },
    {
        "days": 8,
        "structure": "Association Familles rurales du Trièves",
        "role": "Animatrice, ateliers seniors",
        "key_points": "Les ateliers tablette du jeudi sont complets ; la demande porte "
        "sur la messagerie, les photos des petits-enfants et la sécurité. Plusieurs "
        "participants ont un smartphone reçu en cadeau mais pas de forfait adapté. "
        "Le transport reste le premier frein pour venir aux ateliers.",
        "quotes": "Ils ont le matériel, ce qui leur manque c'est quelqu'un de patient.",
        "themes": ["competences", "equipement", "offre", "ressources"],
    },
]
OBSERVATIONS = [
    (2, "Marché de Mens", "Beaucoup de questions sur les arnaques par SMS. Deux "
     "personnes nous ont montré un courrier de l'ANTS qu'elles ne comprenaient pas."),
    (9, "France Services de Mens (mardi matin)", "File d'attente de cinq personnes "
     "à l'ouverture ; la borne en libre accès reste inutilisée, personne n'ose s'en "
     "servir seul."),
    (12, "Sortie de l'école de Clelles", "Les parents sont à l'aise avec le "
     "téléphone mais plusieurs n'ont pas d'ordinateur ni d'imprimante pour les "
     "dossiers de bourse."),
]  # fmt: skip
STEP_NOTES = {
    0: ("done", "Commande du bureau communautaire du 12 septembre. Équipe : la "
        "conseillère numérique, l'animatrice France Services et la chargée de "
        "mission action sociale."),
    2: ("", "Demander à la CAF les chiffres d'allocataires par commune."),
    3: ("", "Prévoir un entretien avec la MSA et avec le bailleur social."),
}  # fmt: skip


def population_rows(communes: list[tuple[str, int]], rng: random.Random) -> list:
    total = sum(AGE_PROFILE)
    rows = []
    for code, population in communes:
        for band, share in enumerate(AGE_PROFILE):
            low = band * 5
            high = OPEN_AGE if band == len(AGE_PROFILE) - 1 else low + 4
            people = population * share / total * rng.uniform(0.85, 1.15)
            women = 0.5 + max(0, low - 60) / 100  # women live longer
            rows.append((code, "femme", low, high, round(people * women)))
            rows.append((code, "homme", low, high, round(people * (1 - women))))
    return rows


def figure_rows(communes: list[tuple[str, int]], rng: random.Random) -> list:
    rows = []
    for code, population in communes:
        adults = population * 0.8
        for key, share in DIPLOMA_SHARES.items():
            rows.append((code, key, round(adults * share * rng.uniform(0.85, 1.15))))
        if population >= 1000:  # below, Filosofi hides the poverty rate
            rows.append((code, "taux_pauvrete", round(rng.uniform(11, 17), 1)))
        rows.append((code, "menages_1_personne", round(rng.uniform(29, 39), 1)))
        rows.append((code, "taux_chomage", round(rng.uniform(7, 12), 1)))
        rows.append((code, "couverture_thd", round(rng.uniform(30, 95), 1)))
        rows.append((code, "couverture_4g", round(rng.uniform(75, 99), 1)))
    return rows


def ifn_rows(communes: list[tuple[str, int]], rng: random.Random) -> list:
    keys = [k for k in INDICATORS if k.startswith("ifn_") and k != "ifn_score"]
    rows = []
    for code, _ in communes:
        parts = [round(rng.uniform(4, 8.5), 1) for _ in keys]
        rows += list(zip([code] * 4, keys, parts, strict=True))
        rows.append((code, "ifn_score", round(sum(parts) / 4, 1)))
    return rows


def _checked(figures=(), population=()) -> CheckedImport:
    return CheckedImport(
        pd.DataFrame(list(figures), columns=["commune_code", "indicator", "value"]),
        pd.DataFrame(
            list(population),
            columns=["commune_code", "sex", "age_low", "age_high", "count"],
        ),
    )


def _store_figures(db, diagnostic_id: int, communes, rng) -> None:
    imports = [
        (_checked(population=population_rows(communes, rng)),
         "au format de la table POP1B de l'Insee (recensement 2021)", 2021,
         POP1B_PAGE),
        (_checked(figure_rows(communes, rng)),
         "au format des bases communales de l'Insee et de l'Arcep", 2021,
         "https://www.insee.fr"),
        (_checked(ifn_rows(communes, rng)),
         "au format de l'Indice de fragilité numérique", 2023, IFN_PAGE),
    ]  # fmt: skip
    for checked, title, year, url in imports:
        store_import(db, diagnostic_id, checked, f"{DEMO_NOTE}, {title}", year, url)


def fill_demo(
    db: sqlite_utils.Database,
    diagnostic_id: int,
    first: date,
    communes: list[tuple[str, int]],
) -> None:
    """Fill the demo diagnostic's steps (inside the caller's transaction)."""
    rng = random.Random(2027)
    with write_transaction(db):
        if communes:  # none when the Etalab commune data is not installed
            _store_figures(db, diagnostic_id, communes, rng)
        add_reference(db, diagnostic_id, kind="sdaasp",
                      title="Schéma départemental d'amélioration de l'accessibilité "
                      "des services au public de l'Isère",
                      summary="(Démonstration) Le schéma fait des France Services "
                      "le point d'appui des démarches en ligne en zone de "
                      "montagne.")  # fmt: skip
        add_reference(db, diagnostic_id, kind="local",
                      title="Analyse des besoins sociaux du CCAS de Mens",
                      summary="(Démonstration) Un habitant sur trois de plus de 75 "
                      "ans vit seul ; les demandes d'aide pour les démarches en "
                      "ligne ont doublé en deux ans.")  # fmt: skip
        iv.save_framing(db, diagnostic_id, FRAMING)
        for interview in INTERVIEWS:
            held_on = (first + timedelta(days=interview["days"])).isoformat()
            iv.save_interview(db, diagnostic_id, {**interview, "held_on": held_on})
        for days, place, notes in OBSERVATIONS:
            iv.add_observation(
                db, diagnostic_id, (first + timedelta(days=days)).isoformat(),
                place, notes,
            )  # fmt: skip
        for step, (mark, notes) in STEP_NOTES.items():
            db.execute(
                "INSERT INTO diagnostic_steps (diagnostic_id, step, mark, notes, "
                "updated_at) VALUES (?, ?, ?, ?, ?)",
                [diagnostic_id, step, mark, notes, first.isoformat()],
            )
        creator = db.execute(
            "SELECT created_by FROM diagnostics WHERE id = ?", [diagnostic_id]
        ).fetchone()[0]
        add_demo_workshop(db, diagnostic_id, creator)  # document: voted priorities
        fill_offer_and_plan(db, diagnostic_id, first)  # after the workshop's votes
        fill_theory(db, diagnostic_id)  # annex 3, from the fiche action
        add_first_wave(db, diagnostic_id, first, communes)  # survey waves (issue 12)
        add_demo_indicators(db, diagnostic_id, first)  # step 8, on the fiche
