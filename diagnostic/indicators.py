"""What the territory portrait can hold: indicators, their units and France's.

`kind` says how the territory's figure is made from the communes':
"count" figures are added up, "rate" figures (percentages, scores) are
averaged weighted by each commune's population (said on the page).
National figures are given only where a published figure with the same
definition exists; elsewhere `national` is None and nothing is compared.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    unit: str  # "%", "habitants", "score /10"
    kind: str  # count | rate
    group: str
    national: float | None = None
    national_source: str = ""


GROUPS = {
    "age": "Âge",
    "diplome": "Diplômes (personnes de 15 ans ou plus sorties de l'école)",
    "social": "Situation sociale",
    "ifn": "Indice de fragilité numérique (IFN)",
    "reseaux": "Couverture des réseaux",
}

INDICATORS = {
    i.key: i
    for i in [
        Indicator(
            "part_65_plus", "Part des 65 ans ou plus", "%", "rate", "age", 21.5,
            "Insee, bilan démographique, France au 1er janvier 2024",
        ),
        Indicator(
            "part_75_plus", "Part des 75 ans ou plus", "%", "rate", "age", 10.4,
            "Insee, bilan démographique, France au 1er janvier 2024",
        ),
        Indicator("diplome_aucun_cep", "Sans diplôme ou certificat d'études",
                  "personnes", "count", "diplome"),
        Indicator("diplome_brevet_cap_bep", "Brevet, CAP ou BEP", "personnes",
                  "count", "diplome"),
        Indicator("diplome_bac", "Baccalauréat", "personnes", "count", "diplome"),
        Indicator("diplome_bac_2", "Bac + 2", "personnes", "count", "diplome"),
        Indicator("diplome_bac_3_plus", "Bac + 3 ou plus", "personnes", "count",
                  "diplome"),
        Indicator("menages_1_personne", "Ménages d'une seule personne", "%",
                  "rate", "social"),
        Indicator(
            "taux_pauvrete", "Taux de pauvreté (seuil à 60 %)", "%", "rate",
            "social", 14.5, "Insee, Filosofi et ERFS, France métropolitaine, 2021",
        ),
        Indicator("taux_chomage", "Taux de chômage (recensement, 15-64 ans)", "%",
                  "rate", "social"),
        Indicator("ifn_score", "IFN : score global", "score /10", "rate", "ifn"),
        Indicator("ifn_acces_interfaces", "IFN : accès aux interfaces numériques",
                  "score /10", "rate", "ifn"),
        Indicator("ifn_acces_information", "IFN : accès à l'information",
                  "score /10", "rate", "ifn"),
        Indicator("ifn_competences_administratives",
                  "IFN : compétences administratives", "score /10", "rate", "ifn"),
        Indicator("ifn_competences_numeriques", "IFN : compétences numériques",
                  "score /10", "rate", "ifn"),
        Indicator("couverture_thd", "Locaux couverts en très haut débit", "%",
                  "rate", "reseaux"),
        Indicator("couverture_4g", "Couverture 4G", "%", "rate", "reseaux"),
    ]
}  # fmt: skip

# Diploma counts are the PR_DIPLOME margins (bank codes after "diplome_").
DIPLOMA_KEYS = [k for k in INDICATORS if k.startswith("diplome_")]

REFERENCE_KINDS = {
    "sdaasp": "SDAASP (accessibilité des services au public)",
    "sdin": "SDIN (schéma départemental d'inclusion numérique)",
    "sdan": "SDAN (aménagement numérique)",
    "local": "Source locale (CAF, ABS du CCAS, France Travail...)",
}
