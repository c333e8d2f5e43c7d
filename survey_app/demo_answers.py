"""Realistic made-up residents for the demo survey (seeded, so always the same).

Each respondent gets an age band from the place they were met (a market
draws older people than a school gate), a diploma, then a hidden "ease with
digital" drawn from both. Every answer follows from that ease with some
noise: older people have fewer smartphones, less Internet at home, more need
of help and give up online procedures more often. The result is a form as a
resident would send it; `parse_answers` then applies the real rules
(show_if, exclusive codes), so the demo can only hold valid answers.
"""

import random
from collections.abc import Mapping
from typing import Any

Form = dict[str, str | list[str]]

AGE_MIX = {
    "marche": {"18_24": 3, "25_39": 12, "40_44": 7, "45_59": 20, "60_69": 22,
               "70_74": 15, "75_plus": 19, "nr": 2},
    "ecole": {"18_24": 4, "25_39": 46, "40_44": 25, "45_59": 15, "60_69": 6,
              "70_74": 2, "75_plus": 1, "nr": 1},
    "mediatheque": {"15_17": 6, "18_24": 8, "25_39": 16, "40_44": 10, "45_59": 16,
                    "60_69": 18, "70_74": 12, "75_plus": 12, "nr": 2},
    "porte_a_porte": {"25_39": 5, "40_44": 4, "45_59": 12, "60_69": 20,
                      "70_74": 20, "75_plus": 37, "nr": 2},
    "en_ligne": {"15_17": 3, "18_24": 12, "25_39": 30, "40_44": 15, "45_59": 22,
                 "60_69": 12, "70_74": 4, "75_plus": 1, "nr": 1},
}  # fmt: skip
AGE_EASE = {"15_17": .85, "18_24": .85, "25_39": .8, "40_44": .74, "45_59": .64,
            "60_69": .5, "70_74": .4, "75_plus": .26, "nr": .55}  # fmt: skip
OLDER = {"60_69", "70_74", "75_plus"}
DIPLOMA_SHIFT = {"aucun_cep": -.15, "brevet_cap_bep": -.05, "bac": 0, "bac_2": .05,
                 "bac_3_plus": .1, "nr": 0}  # fmt: skip

REMARKS = [
    "Il faudrait des ateliers le samedi matin, je travaille en semaine.",
    "Ma mère a 84 ans et ne peut plus rien faire sans moi depuis que tout "
    "est sur Internet.",
    "Le réseau ne passe pas dans notre hameau, même la 4G.",
    "Merci pour cette enquête, c'est bien de s'occuper de ça.",
    "J'ai perdu mes identifiants des impôts et je n'arrive pas à les retrouver.",
    "Je voudrais apprendre à faire des visios avec mes petits-enfants.",
    "Pour la CAF il faut tout scanner, je n'ai pas d'imprimante.",
    "Les horaires de la France Services ne sont pas pratiques.",
    "Je me suis fait arnaquer par un faux SMS de livraison l'an dernier.",
    "Un bus pour aller à Monestier, ce serait déjà bien.",
    "Mon fils m'a acheté une tablette mais je ne sais pas m'en servir.",
    "Tout va bien pour moi, mais mes voisins âgés ont besoin d'aide.",
]
OTHER_TEXTS = {
    "CO_RAISONS_SANS_INTERNET": "Mon fils vient avec son téléphone quand il faut.",
    "DA_DIFFICULTES": "On m'a demandé un code reçu par SMS, je n'ai pas de portable.",
    "BE_AIDE_ACTUELLE": "La secrétaire de mairie, quand elle a le temps.",
    "FR_ACCES_LIEU": "Je n'ai pas de voiture et le car passe deux fois par jour.",
}


def pick(rng: random.Random, weights: Mapping[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def some(
    rng: random.Random, probs: dict[str, float], none: str | None = None, most=3
) -> list[str]:
    """Each code with its own probability (at most `most`); `none` if empty."""
    chosen = [code for code, p in probs.items() if rng.random() < p]
    rng.shuffle(chosen)
    chosen = chosen[:most]
    if not chosen:
        return [none] if none else [max(probs, key=lambda code: probs[code])]
    return chosen


def ladder(value: float, steps: list[tuple[float, str]], last: str) -> str:
    """The first code whose threshold `value` exceeds, else `last`."""
    for threshold, code in steps:
        if value > threshold:
            return code
    return last


def profile(rng: random.Random, kind: str) -> dict[str, Any]:
    age = pick(rng, AGE_MIX.get(kind, AGE_MIX["en_ligne"]))
    if age in OLDER:
        diplomas = {"aucun_cep": 35, "brevet_cap_bep": 33, "bac": 14, "bac_2": 8,
                    "bac_3_plus": 7, "nr": 3}  # fmt: skip
    else:
        diplomas = {"aucun_cep": 6, "brevet_cap_bep": 27, "bac": 27, "bac_2": 18,
                    "bac_3_plus": 20, "nr": 2}  # fmt: skip
    diploma = pick(rng, diplomas)
    ease = AGE_EASE[age] + DIPLOMA_SHIFT[diploma] + rng.gauss(0, 0.14)
    if age in ("15_17", "18_24"):
        situation = "etudiant" if rng.random() < 0.7 else "emploi"
    elif age in OLDER:
        situation = "retraite" if rng.random() < 0.85 else "emploi"
    else:
        situation = pick(
            rng, {"emploi": 66, "sans_emploi": 12, "au_foyer": 10, "nr": 3}
        )
    return {
        "age": age,
        "diploma": diploma,
        "situation": situation,
        "ease": min(1.0, max(0.0, ease)),
    }


def equipment(rng: random.Random, p: dict[str, Any], form: Form) -> None:
    ease = p["ease"]
    if rng.random() < 0.015:
        mobile = "nr"
    elif rng.random() < 0.3 + 0.68 * ease:
        mobile = "smartphone"
    else:
        mobile = "mobile_simple" if rng.random() < 0.8 else "aucun"
    form["EQ_MOBILE"] = mobile
    form["EQ_ORDI_TABLETTE"] = some(
        rng,
        {"ordi_perso": 0.15 + 0.6 * ease, "ordi_partage": 0.12,
         "tablette": 0.15 + 0.3 * ease},
        none="aucun",
    )  # fmt: skip
    r = rng.random()
    if r < 0.02:
        home = "nsp"
    elif r < 0.4 + 0.55 * ease:
        home = "box"
    elif r < 0.52 + 0.55 * ease and mobile == "smartphone":
        home = "mobile_seul"
    else:
        home = "non"
    form["CO_INTERNET_DOMICILE"] = home
    if home == "non":
        reasons = some(
            rng,
            {"pas_besoin": 0.3, "competences": 0.2 + 0.4 * (1 - ease),
             "cout_abonnement": 0.3, "cout_materiel": 0.2, "pas_de_reseau": 0.15,
             "acces_ailleurs": 0.1, "vie_privee": 0.1, "pas_de_compte": 0.03},
        )  # fmt: skip
        _other(rng, form, "CO_RAISONS_SANS_INTERNET", reasons, 0.06)
        form["CO_QUALITE"] = "non_concerne"
    else:
        # A rural, mountain territory: the network is often not good enough.
        form["CO_QUALITE"] = pick(
            rng, {"toujours": 30, "souvent": 42, "rarement": 21, "jamais": 5}
        )
    p["online"] = mobile == "smartphone" or home in ("box", "mobile_seul")


# "Nobody", "nothing": these cannot be ticked with "Autre" (exclusive codes).
NOBODY = {"personne", "rien", "aucun", "aucune"}


def _other(rng, form: Form, key: str, codes: list[str], chance: float) -> None:
    if rng.random() < chance and not NOBODY & set(codes):
        codes = [*codes, "autre"]
        form[key + ".autre"] = OTHER_TEXTS[key]
    form[key] = codes


def uses(rng: random.Random, p: dict[str, Any], form: Form) -> None:
    ease, online = p["ease"], p["online"]
    if online:
        recent = rng.random() < 0.6 + 0.4 * ease
        last = (
            "moins_3_mois" if recent else pick(rng, {"3_mois_1_an": 2, "plus_1_an": 1})
        )
    else:
        last = pick(
            rng, {"moins_3_mois": 15, "3_mois_1_an": 10, "plus_1_an": 25, "jamais": 50}
        )
    form["US_DERNIERE_UTILISATION"] = last
    if last == "3_mois_1_an":
        form["US_FREQUENCE"] = "moins_souvent"
    elif last == "moins_3_mois":
        form["US_FREQUENCE"] = ladder(
            ease + rng.gauss(0, 0.15), [(0.5, "quotidien"), (0.3, "hebdo")],
            "moins_souvent",
        )  # fmt: skip
        parent = p["age"] in ("25_39", "40_44")
        young = p["age"] in ("15_17", "18_24", "25_39")
        form["US_ACTIVITES"] = some(
            rng,
            {"messagerie": 0.85, "email": 0.4 + 0.4 * ease, "information": 0.7,
             "appel_video": 0.5, "achats": 0.15 + 0.55 * ease,
             "banque": 0.2 + 0.5 * ease, "reseaux_sociaux": 0.7 if young else 0.3,
             "demarche": 0.2 + 0.5 * ease, "rdv_medical": 0.35,
             "scolarite": 0.6 if parent else 0.02,
             "emploi": 0.5 if p["situation"] == "sans_emploi" else 0.05},
            none="aucune",
            most=6,
        )  # fmt: skip


def skills(rng: random.Random, p: dict[str, Any], form: Form) -> None:
    def level(shift: float = 0) -> float:
        return p["ease"] + shift + rng.gauss(0, 0.15)

    can = [(0.55, "seul"), (0.35, "avec_aide"), (0.2, "non")]
    form["CP_INFORMATION"] = ladder(level(0.05), can, "jamais_essaye")
    form["CP_COMMUNICATION"] = ladder(level(), can, "pas_email")
    form["CP_CONTENUS"] = ladder(level(-0.05), can, "jamais_essaye")
    form["CP_PROBLEMES"] = ladder(level(-0.05), can, "jamais_essaye")
    form["CP_IDENTITE"] = ladder(level(-0.1), can, "jamais_essaye")
    form["CP_SECURITE"] = ladder(
        level(-0.1), [(0.7, "oui"), (0.5, "plutot_oui"), (0.3, "plutot_non")], "non"
    )
    form["CP_AISANCE"] = ladder(
        level(), [(0.78, "tres"), (0.52, "plutot"), (0.3, "peu")], "pas_du_tout"
    )


def procedures(rng: random.Random, p: dict[str, Any], form: Form) -> None:
    ease = p["ease"]
    if p["age"] == "15_17" or rng.random() < 0.07:
        online = "aucune"
    else:
        online = ladder(
            ease + rng.gauss(0, 0.15),
            [(0.6, "seul"), (0.45, "avec_aide"), (0.3, "fait_par_autre")],
            "autrement",
        )
    form["DA_EN_LIGNE"] = online
    if online == "aucune":
        form["DA_RENONCEMENT"] = "non_concerne"
        return
    gave_up = rng.random() < 0.12 + 0.45 * (1 - ease)
    if not gave_up:
        form["DA_RENONCEMENT"] = "non"
    else:
        abandon = rng.random() < 0.2 + 0.25 * (1 - ease)
        form["DA_RENONCEMENT"] = "oui_abandon" if abandon else "oui_autrement"
    if not gave_up and rng.random() < 0.55:
        form["DA_DIFFICULTES"] = ["aucune"]
    else:
        hard = some(
            rng,
            {"connexion": 0.3, "complexite": 0.35, "incapacite": 0.1 + 0.3 * (1 - ease),
             "peur_erreur": 0.25, "site_mal_concu": 0.15, "vocabulaire": 0.2,
             "identifiants": 0.3, "document": 0.2, "langue": 0.03},
            most=3 if gave_up else 1,
        )  # fmt: skip
        _other(rng, form, "DA_DIFFICULTES", hard, 0.03)
    parent = p["age"] in ("25_39", "40_44")
    working = p["situation"] in ("emploi", "sans_emploi")
    form["DA_DOMAINES"] = some(
        rng,
        {"social_sante": 0.3, "argent_impots": 0.3, "papiers": 0.25,
         "famille_scolarite": 0.3 if parent else 0.02,
         "travail": 0.25 if working else 0.02, "logement": 0.08,
         "transports": 0.1, "etrangers": 0.02, "justice": 0.01},
        none="aucun",
        most=2,
    )  # fmt: skip


def needs(rng: random.Random, p: dict[str, Any], form: Form) -> None:
    ease, age = p["ease"], p["age"]
    wish = pick(
        rng,
        {"oui": 0.1 + 0.6 * (1 - ease), "peut_etre": 0.22,
         "non_seul": 0.1 + 0.6 * ease,
         "non_interet": 0.2 if age == "75_plus" else 0.06},
    )  # fmt: skip
    form["BE_SOUHAIT"] = wish
    if wish in ("oui", "peut_etre"):
        form["BE_SUJETS"] = some(
            rng,
            {"demarches": 0.4, "securite": 0.3, "materiel": 0.1 + 0.35 * (1 - ease),
             "navigation": 0.2, "email": 0.2, "sante": 0.25, "banque_achats": 0.12,
             "communication": 0.25 if age in OLDER else 0.08,
             "emploi": 0.5 if p["situation"] == "sans_emploi" else 0.02,
             "parentalite": 0.3 if age in ("25_39", "40_44") else 0.01,
             "culture_numerique": 0.08, "bureautique": 0.08, "maintenance": 0.08},
        )  # fmt: skip
        form["BE_FORMAT"] = some(
            rng,
            {"individuel": 0.55, "atelier_collectif": 0.35, "autonomie": 0.1 * ease,
             "a_distance": 0.08, "domicile": 0.3 if age == "75_plus" else 0.05,
             "aidant_habilite": 0.12 * (1 - ease)},
            most=2,
        )  # fmt: skip
    helpers = some(
        rng,
        {"famille": 0.15 + 0.6 * (1 - ease), "amis_voisins": 0.15,
         "travailleur_social": 0.04, "mairie_france_services": 0.1,
         "conseiller_numerique": 0.07, "association": 0.03,
         "professionnel_payant": 0.03},
        none="personne",
        most=2,
    )  # fmt: skip
    if rng.random() < 0.45 * ease:
        helpers = ["personne"]
    _other(rng, form, "BE_AIDE_ACTUELLE", helpers, 0.02)
    form["BE_CONNAIT_LIEU"] = pick(
        rng, {"oui_deja_alle": 15, "oui_jamais_alle": 30, "non": 55}
    )


def barriers(rng: random.Random, p: dict[str, Any], form: Form) -> None:
    ease, age = p["ease"], p["age"]
    working = p["situation"] == "emploi"
    if ease > 0.75 and rng.random() < 0.6:
        form["FR_FREINS"] = ["aucun"]
    else:
        form["FR_FREINS"] = some(
            rng,
            {"cout_materiel": 0.18, "cout_abonnement": 0.18,
             "ne_sait_pas": 0.05 + 0.4 * (1 - ease), "confiance": 0.25,
             "arnaques_donnees": 0.35,
             "sante_handicap": 0.2 if age == "75_plus" else 0.04,
             "francais": 0.03, "pas_interet": 0.1, "temps": 0.25 if working else 0.03},
            none="aucun",
            most=2,
        )  # fmt: skip
    if rng.random() < 0.35:
        form["FR_ACCES_LIEU"] = ["rien"]
    else:
        obstacles = some(
            rng,
            {"horaires": 0.35 if working else 0.08, "distance": 0.3,
             "ne_connait_pas": 0.3, "cout": 0.08, "gene": 0.12,
             "sante_handicap": 0.15 if age in OLDER else 0.02, "langue": 0.02},
            none="rien",
            most=2,
        )  # fmt: skip
        _other(rng, form, "FR_ACCES_LIEU", obstacles, 0.04)


def about(
    rng: random.Random, p: dict[str, Any], form: Form, communes: list[tuple[str, int]]
) -> None:
    form["PR_AGE"] = p["age"]
    form["PR_GENRE"] = pick(rng, {"femme": 55, "homme": 42, "nr": 3})
    if communes:
        codes, populations = zip(*communes, strict=True)
        form["PR_COMMUNE"] = rng.choices(codes, weights=populations)[0]
    form["PR_SITUATION"] = p["situation"]
    form["PR_DIPLOME"] = p["diploma"]
    if p["age"] in OLDER:
        size = pick(rng, {"1": 45, "2": 45, "3": 7, "4": 3})
    elif p["age"] in ("25_39", "40_44"):
        size = pick(rng, {"1": 10, "2": 18, "3": 27, "4": 30, "5": 12, "6": 3})
    else:
        size = pick(rng, {"1": 22, "2": 30, "3": 22, "4": 18, "5": 8})
    form["PR_MENAGE"] = size


# Questions people leave blank more often than the others.
SKIPPED = {"PR_DIPLOME": 0.09, "PR_MENAGE": 0.1, "PR_COMMUNE": 0.07, "PR_GENRE": 0.04}


def respondent_form(
    rng: random.Random,
    kind: str,
    communes: list[tuple[str, int]],
    ease_shift: float = 0.0,
) -> tuple[Form, dict[str, Any]]:
    """One made-up resident met at a point of `kind`: (form, profile).

    `ease_shift` moves their ease with digital tools (the demo's first
    survey wave, before the actions, is a little less at ease).
    """
    p = profile(rng, kind)
    p["ease"] = min(1.0, max(0.0, p["ease"] + ease_shift))
    form: Form = {}
    for part in (equipment, uses, skills, procedures, needs, barriers):
        part(rng, p, form)
    about(rng, p, form, communes)
    if rng.random() < 0.09:
        form["REMARQUES"] = rng.choice(REMARKS)
    for key in list(form):
        if not key.endswith(".autre") and rng.random() < SKIPPED.get(key, 0.03):
            del form[key]
            form.pop(key + ".autre", None)
    return form, p
