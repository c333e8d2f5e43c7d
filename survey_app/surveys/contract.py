"""The survey contract every part shares: question types, themes, modes, points.

This module imports nothing, so that the analysis core (pure pandas) can
read it without loading Flask or the database writer.

A survey's questions are a JSON list frozen in `survey_versions`. A question:

    {
      "key": "EQ_MOBILE",        # stable across versions; analysis joins on it
      "type": "single",          # see QUESTION_TYPES
      "theme": "equipement",     # see THEMES
      "text": "Pour votre usage personnel, utilisez-vous ... ?",
      "help": "",                # optional hint shown under the question
      "required": true,
      "choices": [{"code": "smartphone", "label": "Un smartphone"}, ...],
      "other": false,            # adds "Autre, précisez" (code "autre")
      "exclusive": ["aucun"],    # multiple: codes that cannot be combined
      "show_if": {"question": "CO_INTERNET_DOMICILE", "values": ["non"]},
      "min": 0, "max": 120,      # number
      "max_length": 2000,        # texts
      "bank_id": "EQ_MOBILE"     # the bank question it comes from, if any
    }

A response's `answers` is a JSON object keyed by question key: a choice code
for single/scale, a list of codes for multiple, a number, a string, or an
INSEE code for commune; the text of "Autre, précisez" is stored under
"<key>.autre". Unanswered and hidden questions are absent.
"""

QUESTION_TYPES = {
    "single": "Choix unique",
    "multiple": "Choix multiples",
    "scale": "Échelle",
    "number": "Nombre",
    "short_text": "Texte court",
    "long_text": "Texte long",
    "commune": "Commune",
}
CHOICE_TYPES = {"single", "multiple", "scale"}
THEMES = {
    "equipement": "Équipement",
    "connexion": "Connexion",
    "usages": "Usages",
    "competences": "Compétences",
    "demarches": "Démarches en ligne",
    "besoins": "Besoins d'accompagnement",
    "freins": "Freins",
    "profil": "Profil",
    "autre": "Autres questions",
}
POINT_KINDS = {
    "marche": "Marché",
    "ecole": "École",
    "mairie": "Mairie",
    "mediatheque": "Médiathèque",
    "france_services": "France Services",
    "porte_a_porte": "Porte-à-porte",
    "evenement": "Événement",
    "en_ligne": "En ligne",
    "autre": "Autre lieu",
}
MODES = {
    "self": "Sur son téléphone",
    "kiosk": "Tablette en libre-service",
    "interview": "Entretien",
    "paper": "Saisie d'un questionnaire papier",
}
SURVEY_STATUSES = {"draft": "Brouillon", "open": "Ouverte", "closed": "Close"}
