"""The guide's steps 0–8: what each asks, and its state derived from data.

`collect_facts` reads counts from the database; `derive_steps` is pure: from
those facts and the conseiller's marks it says, for each step, what is
there, what to do next and whether it is done. A state never blocks
anything: conseillers work in their own order.
"""

from dataclasses import dataclass
from typing import Any

import sqlite_utils

from evaluation.progress import NO_DATA, STATUS_LABELS
from evaluation.theory import count_elements
from survey_app.dates import french_date
from survey_app.surveys.waves import next_measure

MARKS = {"": "En cours", "done": "Terminée", "not_applicable": "Sans objet"}


@dataclass(frozen=True)
class Step:
    number: int
    slug: str
    title: str
    advice: str  # the guide, in our words


STEPS = [
    Step(0, "preparer", "Préparer la démarche",
         "Un diagnostic croise des chiffres, des entretiens avec les acteurs et des "
         "observations de terrain. Fixez dès le départ qui le commande, qui le porte "
         "avec vous et pour quand : il servira à décider et à prioriser."),
    Step(1, "cadrer", "Cadrer : une définition commune",
         "Avant de recueillir quoi que ce soit, mettez-vous d'accord avec votre "
         "structure sur ce que recouvre l'inclusion numérique. Notez ses attentes et "
         "les premières orientations : le diagnostic y répondra."),
    Step(2, "portrait", "Portrait du territoire",
         "Les « données froides » (âge, diplômes, revenus, ménages) situent le "
         "territoire par rapport à la France. Complétez-les avec l'Indice de fragilité "
         "numérique, la couverture fibre et 4G et les schémas locaux."),
    Step(3, "besoins", "Recueillir les besoins",
         "Allez là où sont les habitants : marché, sortie d'école, médiathèque. "
         "Croisez questionnaires, entretiens avec les acteurs qui les accompagnent "
         "et observations de terrain."),
    Step(4, "offre", "Cartographier l'offre et les ressources",
         "Recensez les ressources matérielles, humaines et financières déjà là, et "
         "rencontrez les acteurs : votre plan d'action viendra compléter l'existant, "
         "pas le doubler."),
    Step(5, "inspirations", "S'inspirer d'autres initiatives",
         "D'autres conseillers ont déjà mené ce travail : votre hub territorial et les "
         "réseaux de conseillers aident à repérer ce qui a marché et les points de "
         "vigilance."),
    Step(6, "partager", "Partager et co-construire",
         "Réunissez élus, techniciens, opérateurs de services publics et associations "
         "pour confronter les données à ce qu'ils vivent. Des ateliers en petits "
         "groupes et une vision à 5 ou 10 ans font émerger des priorités partagées."),
    Step(7, "plan", "Plan d'action",
         "Transformez les priorités en chantiers : qui fait quoi, où, dans quel ordre, "
         "sur 3 à 6 mois, en s'articulant avec les acteurs déjà présents."),
    Step(8, "evaluer", "Évaluer",
         "Choisissez dès maintenant quelques indicateurs simples (personnes "
         "accompagnées, partenariats noués) et un rendez-vous tous les six mois pour "
         "ajuster le plan."),
]  # fmt: skip


def collect_facts(db: sqlite_utils.Database, diagnostic_id: int) -> dict[str, Any]:
    """Counts the steps are derived from (plain data)."""

    def one(sql: str) -> int:
        return db.execute(sql, [diagnostic_id]).fetchone()[0]

    diagnostic = dict(
        db.execute("SELECT * FROM diagnostics WHERE id = ?", [diagnostic_id]).fetchone()
    )
    surveys = [
        dict(r)
        for r in db.execute(
            """SELECT s.id, s.title, (SELECT count(*) FROM responses r
                                      WHERE r.survey_id = s.id) AS answers
               FROM surveys s WHERE s.diagnostic_id = ? ORDER BY s.id""",
            [diagnostic_id],
        )
    ]
    framing = db.execute(
        "SELECT * FROM diagnostic_framing WHERE diagnostic_id = ?", [diagnostic_id]
    ).fetchone()
    # Step 8 (evaluation package, issue 12 §1); imported here: evaluation
    # reads the portrait of this package.
    from evaluation.dashboard import indicator_views, status_counts

    indicators = status_counts(indicator_views(db, diagnostic_id))
    return {
        "indicators": indicators,
        "has_period": bool(diagnostic.get("starts_on") or diagnostic.get("ends_on")),
        "has_structure": bool(diagnostic.get("structure")),
        "members": one(
            "SELECT count(*) FROM diagnostic_members WHERE diagnostic_id = ?"
        ),
        "communes": one(
            "SELECT count(*) FROM diagnostic_communes WHERE diagnostic_id = ?"
        ),
        "framing_fields": sum(
            bool((framing or {}) and framing[k])
            for k in ("definition", "stakes", "expectations", "orientations")
        ),
        "figures_communes": one(
            "SELECT count(DISTINCT commune_code) FROM portrait_figures "
            "WHERE diagnostic_id = ?"
        ),
        "population_communes": one(
            "SELECT count(DISTINCT commune_code) FROM portrait_population "
            "WHERE diagnostic_id = ?"
        ),
        "references": one(
            "SELECT count(*) FROM portrait_references WHERE diagnostic_id = ?"
        ),
        "surveys": surveys,
        "interviews": one(
            "SELECT count(*) FROM diagnostic_interviews WHERE diagnostic_id = ?"
        ),
        "observations": one(
            "SELECT count(*) FROM diagnostic_observations WHERE diagnostic_id = ?"
        ),
        "workshops": one("SELECT count(*) FROM workshops WHERE diagnostic_id = ?"),
        # Step 4 and 5 (issue 11, offer/ package).
        "actors": one("SELECT count(*) FROM offer_actors WHERE diagnostic_id = ?"),
        "resources": one(
            "SELECT count(*) FROM offer_resources r JOIN offer_actors a "
            "ON a.id = r.actor_id WHERE a.diagnostic_id = ?"
        ),
        "places": one("SELECT count(*) FROM offer_places WHERE diagnostic_id = ?"),
        "inspirations": one(
            "SELECT count(*) FROM offer_inspirations WHERE diagnostic_id = ?"
        ),
        # Step 7 (action_plan package, issue 11).
        "chantiers": one("SELECT count(*) FROM plan_chantiers WHERE diagnostic_id = ?"),
        "fiches": one("SELECT count(*) FROM plan_fiches WHERE diagnostic_id = ?"),
        # Step 8 (evaluation package, issue 12 §2): annex 3.
        "theory": count_elements(db, diagnostic_id),
        # Step 8: survey waves (issue 12 §3).
        "next_measure": next_measure(db, diagnostic_id),
        "waves_compared": one(
            "SELECT count(*) FROM surveys WHERE diagnostic_id = ? "
            "AND previous_survey_id IS NOT NULL"
        ),
        "workshops_held": one(
            """SELECT count(*) FROM workshops w WHERE w.diagnostic_id = ? AND
               EXISTS (SELECT 1 FROM workshop_participants p
                       WHERE p.workshop_id = w.id)"""
        ),
    }


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n > 1 else ''}"


def _status(number: int, f: dict[str, Any]) -> tuple[list[str], str, bool]:
    """(what is there, what to do next, whether the data alone covers it)."""
    status = STATUSES.get(number)
    if status is None:
        return [], "Notez ici votre travail sur cette étape.", False
    return status(f)


def _team_status(f: dict[str, Any]) -> tuple[list[str], str, bool]:
    """Step 0: the team and the period."""
    facts = [_plural(f["members"], "membre") + " dans l'équipe"]
    facts.append("période fixée" if f["has_period"] else "période non fixée")
    if not f["has_period"]:
        return facts, "Indiquez la période du diagnostic.", False
    if not f["has_structure"]:
        return facts, "Indiquez la structure qui porte le diagnostic.", False
    return facts, "Invitez les collègues qui travaillent avec vous.", True


def _framing_status(f: dict[str, Any]) -> tuple[list[str], str, bool]:
    """Step 1: the framing."""
    facts = [f"{f['framing_fields']} champ(s) sur 4 du cadrage remplis"]
    if f["framing_fields"] < 4:
        return facts, "Complétez le cadrage avec votre structure.", False
    return facts, "Relisez le cadrage avec votre direction.", True


def _portrait_status(f: dict[str, Any]) -> tuple[list[str], str, bool]:
    """Step 2: the territory's portrait."""
    n = f["communes"]
    facts = [
        _plural(n, "commune") + " dans le territoire",
        f"chiffres pour {f['figures_communes']} commune(s)",
        f"âges et sexes pour {f['population_communes']} commune(s)",
        _plural(f["references"], "schéma ou source locale"),
    ]
    if not n:
        return facts, "Choisissez les communes du territoire.", False
    if f["population_communes"] < n:
        return facts, "Importez la population par âge et sexe (Insee).", False
    if f["figures_communes"] < n:
        return facts, "Importez les indicateurs (IFN, pauvreté...).", False
    return facts, "Ajoutez les schémas locaux et les sources locales.", True


def _listening_status(f: dict[str, Any]) -> tuple[list[str], str, bool]:
    """Step 3: questionnaires, interviews, observations."""
    facts = [f"« {s['title']} » : {_plural(s['answers'], 'réponse')}"
             for s in f["surveys"]] or ["aucun questionnaire"]  # fmt: skip
    facts.append(_plural(f["interviews"], "entretien") + " avec des acteurs")
    facts.append(_plural(f["observations"], "observation") + " de terrain")
    answers = sum(s["answers"] for s in f["surveys"])
    if not f["surveys"]:
        return facts, "Créez un questionnaire pour les habitants.", False
    if not answers:
        return facts, "Diffusez le questionnaire sur vos lieux de collecte.", False
    if not f["interviews"]:
        return facts, "Menez des entretiens avec les acteurs locaux.", False
    return facts, "Ajoutez vos observations de terrain.", bool(f["observations"])


def _offer_status(f: dict[str, Any]) -> tuple[list[str], str, bool]:
    """Step 4: the offer of help."""
    facts = [_plural(f.get("actors", 0), "acteur"),
             _plural(f.get("resources", 0), "ressource"),
             f"{f.get('places', 0)} lieu(x) de médiation numérique"]  # fmt: skip
    if not f.get("places"):
        return facts, "Importez les lieux de la cartographie nationale.", False
    if not f.get("actors"):
        return facts, "Ajoutez les acteurs et leurs ressources.", False
    return facts, "Confrontez les besoins des habitants à l'offre.", True


def _inspiration_status(f: dict[str, Any]) -> tuple[list[str], str, bool]:
    """Step 5: inspirations."""
    facts = [_plural(f.get("inspirations", 0), "initiative") + " notée(s)"]
    if not f.get("inspirations"):
        return facts, "Notez des initiatives d'autres territoires.", False
    return facts, "Reliez les inspirations à vos chantiers.", True


def _workshop_status(f: dict[str, Any]) -> tuple[list[str], str, bool]:
    """Step 6: workshops."""
    facts = [_plural(f["workshops"], "atelier") + " créé(s)",
             f"{f['workshops_held']} tenu(s) avec des participants"]  # fmt: skip
    if not f["workshops_held"]:
        return facts, "Préparez un atelier avec les acteurs du territoire.", False
    return facts, "Reportez les priorités votées dans le plan d'action.", True


def _plan_status(f: dict[str, Any]) -> tuple[list[str], str, bool]:
    """Step 7: chantiers and fiches action."""
    facts = [_plural(f.get("chantiers", 0), "chantier"),
             _plural(f.get("fiches", 0), "fiche") + " action"]  # fmt: skip
    if not f.get("chantiers", 0):
        return facts, "Transformez les priorités votées en chantiers.", False
    if not f.get("fiches", 0):
        return facts, "Rédigez une fiche action par chantier.", False
    return facts, "Datez les actions et complétez leur budget.", True


def _evaluation_status(f: dict[str, Any]) -> tuple[list[str], str, bool]:
    """Step 8: indicators (§1), theory of change (annex 3), survey waves."""
    counts = f.get("indicators") or {}
    total = sum(counts.values())
    facts = [_plural(total, "indicateur") + " de suivi"]
    facts += [f"{n} {STATUS_LABELS[code]}" for code, n in counts.items() if n]
    theory = f.get("theory") or {"elements": 0, "assumptions": 0}
    facts.append(_plural(theory["elements"], "élément")
                 + " et " + _plural(theory["assumptions"], "hypothèse")
                 + " dans la théorie du changement")  # fmt: skip
    facts.append(_plural(f.get("waves_compared", 0), "nouvelle vague") + " d'enquête")
    due = f.get("next_measure")
    if due:
        facts.append(f"prochaine mesure : {french_date(due)}")
    if not f.get("fiches", 0):
        return facts, "Rédigez d'abord une fiche action (étape 7).", False
    if not total:
        return facts, "Choisissez un ou deux indicateurs par fiche action.", False
    if counts.get(NO_DATA):
        return facts, "Fixez les cibles et saisissez les mesures manquantes.", False
    if not theory["elements"]:
        return facts, "Bâtissez la théorie du changement (annexe 3).", False
    if not f.get("waves_compared"):
        if due:
            return facts, "Relancez l'enquête à la date de la prochaine mesure.", False
        return facts, "Clôturez l'enquête, puis relancez-la dans six mois.", False
    return facts, "Comparez les vagues et ajustez le plan d'action.", True


STATUSES = {
    0: _team_status,
    1: _framing_status,
    2: _portrait_status,
    3: _listening_status,
    4: _offer_status,
    5: _inspiration_status,
    6: _workshop_status,
    7: _plan_status,
    8: _evaluation_status,
}


def derive_steps(
    facts: dict[str, Any], marks: dict[int, dict[str, str]]
) -> list[dict[str, Any]]:
    """Each step as plain data: number, slug, title, advice, facts, next,
    mark ('', done, not_applicable), mark_label, notes, state, state_label."""
    steps = []
    for step in STEPS:
        found, next_action, covered = _status(step.number, facts)
        mark = marks.get(step.number, {})
        state = mark.get("mark") or ("ready" if covered else "todo")
        steps.append(
            {
                "number": step.number,
                "slug": step.slug,
                "title": step.title,
                "advice": step.advice,
                "facts": found,
                "next": next_action,
                "mark": mark.get("mark", ""),
                "notes": mark.get("notes", ""),
                "state": state,
                "state_label": {
                    "done": "Terminée",
                    "not_applicable": "Sans objet",
                    "ready": "Données en place",
                    "todo": "À faire",
                }[state],
            }
        )
    return steps


def load_marks(db: sqlite_utils.Database, diagnostic_id: int) -> dict[int, dict]:
    rows = db.execute(
        "SELECT step, mark, notes FROM diagnostic_steps WHERE diagnostic_id = ?",
        [diagnostic_id],
    )
    return {r["step"]: {"mark": r["mark"], "notes": r["notes"]} for r in rows}


def diagnostic_steps(db: sqlite_utils.Database, diagnostic_id: int) -> list[dict]:
    """The nine steps of a diagnostic with their derived state."""
    return derive_steps(collect_facts(db, diagnostic_id), load_marks(db, diagnostic_id))
