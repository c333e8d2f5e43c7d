"""The diagnostic document (issue 10 §3), assembled along the guide's steps.

    selection = Selection.everything(db, diagnostic_id)   # or chosen parts
    document = build_document(db, diagnostic_id, selection)
    write_odt(document, "diagnostic.odt")                  # analysis/document_*.py

Plain data in, a neutral `analysis.document_model.Document` out: no Flask,
no format. Figures come from the analysis modules (see document_surveys.py)
and the workshops' exports (facilitation/exports.board_data).
"""

from dataclasses import dataclass, field

from analysis.document_model import (
    Bullets,
    Document,
    Figure,
    Heading,
    PageBreak,
    Paragraph,
    Table,
    TableOfContents,
    sources_as_notes,
)
from facilitation.exports import board_data
from offer.offer_data import needs_for_diagnostic

from . import document_offer as doff
from . import document_plan as dplan
from . import document_surveys as ds
from . import interviews as iv
from .display import format_figure, french_date
from .document_indicators import indicator_blocks
from .document_theory import theory_blocks
from .document_waves import wave_blocks
from .portrait import load_portrait
from .pyramid import pyramid_svg
from .steps import diagnostic_steps

# Sections the conseiller may leave out, in the document's order.
SECTIONS = {
    "synthese": "Synthèse des principaux constats",
    "methode": "Méthode",
    "portrait": "Portrait du territoire",
    "besoins": "Les besoins des habitants",
    "entretiens": "Entretiens et observations de terrain",
    "ateliers": "Ateliers de co-construction",
    "offre": "Offre et ressources existantes",
    "inspirations": "Inspirations",
    "plan": "Plan d'action et fiches action",
    "evaluation": "Plan d'évaluation",
    "annexes": "Annexes",
}


@dataclass
class Selection:
    surveys: list[int] = field(default_factory=list)
    workshops: list[int] = field(default_factory=list)
    sections: list[str] = field(default_factory=lambda: list(SECTIONS))

    @classmethod
    def everything(cls, db, diagnostic_id: int) -> "Selection":
        # An earlier wave of a relaunched survey is read in step 8's
        # comparison, not as a chapter of its own (issue 12 §3).
        relaunched = {r[0] for r in db.execute(
            "SELECT previous_survey_id FROM surveys WHERE diagnostic_id = ?",
            [diagnostic_id])}  # fmt: skip
        return cls(
            surveys=[
                s["id"]
                for s in diagnostic_surveys(db, diagnostic_id)
                if s["id"] not in relaunched
            ],  # fmt: skip
            workshops=[w["id"] for w in diagnostic_workshops(db, diagnostic_id)],
        )


def diagnostic_surveys(db, diagnostic_id: int) -> list[dict]:
    return [
        dict(r)
        for r in db.execute(
            """SELECT s.id, s.title, (SELECT count(*) FROM responses r
                  WHERE r.survey_id = s.id) AS answers
               FROM surveys s WHERE s.diagnostic_id = ? ORDER BY s.id""",
            [diagnostic_id],
        )
    ]


def diagnostic_workshops(db, diagnostic_id: int) -> list[dict]:
    return [
        dict(r)
        for r in db.execute(
            """SELECT w.id, w.title, w.created_at, (SELECT count(*) FROM
                  workshop_participants p WHERE p.workshop_id = w.id) AS participants
               FROM workshops w WHERE w.diagnostic_id = ? ORDER BY w.id""",
            [diagnostic_id],
        )
    ]


def build_document(db, diagnostic_id: int, selection: Selection) -> Document:
    """The whole document for the chosen surveys, workshops and sections."""
    diagnostic = dict(
        db.execute("SELECT * FROM diagnostics WHERE id = ?", [diagnostic_id]).fetchone()
    )
    own_surveys = {s["id"] for s in diagnostic_surveys(db, diagnostic_id)}
    own_workshops = {w["id"]: w for w in diagnostic_workshops(db, diagnostic_id)}
    surveys = [ds.load(db, i) for i in selection.surveys if i in own_surveys]
    workshops = [own_workshops[i] for i in selection.workshops if i in own_workshops]
    boards = {w["id"]: board_data(db, w["id"]) for w in workshops}
    offer = needs_for_diagnostic(
        db, diagnostic_id, {s.id: s.frames.wide for s in surveys}
    )
    wanted = [s for s in SECTIONS if s in selection.sections]
    doc = Document(diagnostic["title"], "Diagnostic territorial d'inclusion numérique")
    doc.add(*cover(db, diagnostic))
    counter = [0]  # figures numbered across the needs' themes
    parts = {
        "synthese": lambda: key_findings(surveys, workshops, boards, offer),
        "methode": lambda: method(db, diagnostic_id, surveys, workshops),
        "portrait": lambda: portrait(db, diagnostic_id),
        "besoins": lambda: needs(surveys, counter),
        "entretiens": lambda: interviews(db, diagnostic_id),
        "ateliers": lambda: workshop_blocks(workshops, boards),
        "offre": lambda: doff.offer_blocks(db, diagnostic_id, offer),
        "inspirations": lambda: doff.inspiration_blocks(db, diagnostic_id),
        "plan": lambda: dplan.plan_blocks(db, diagnostic_id),
        "evaluation": lambda: [
            *indicator_blocks(db, diagnostic_id),  # step 8, issue 12 §1
            *wave_blocks(db, diagnostic_id),  # survey waves, §3
            *theory_blocks(db, diagnostic_id),  # annex 3, §2
        ],
        "annexes": lambda: annexes(surveys),
    }
    for section in wanted:
        doc.add(Heading(1, SECTIONS[section]))
        doc.add(*parts[section]())
        if section not in ("inspirations", "evaluation"):  # short parts share pages
            doc.add(PageBreak())
    return doc


def cover(db, diagnostic: dict) -> list:
    communes = db.execute(
        """SELECT c.name FROM diagnostic_communes dc JOIN communes c
           ON c.code = dc.commune_code WHERE dc.diagnostic_id = ?
           ORDER BY c.population DESC""",
        [diagnostic["id"]],
    ).fetchall()
    team = db.execute(
        """SELECT u.name FROM diagnostic_members m JOIN users u ON u.id = m.user_id
           WHERE m.diagnostic_id = ? ORDER BY m.role DESC, u.name""",
        [diagnostic["id"]],
    ).fetchall()
    names = [r[0] for r in communes]
    territory = ", ".join(names[:12]) + (
        f" et {len(names) - 12} autres communes" if len(names) > 12 else ""
    )
    period = " – ".join(
        french_date(d) for d in (diagnostic["starts_on"], diagnostic["ends_on"]) if d
    )
    lines = [
        ("Territoire", territory or "à préciser"),
        ("Structure", diagnostic["structure"] or "à préciser"),
        ("Période", period or "à préciser"),
        ("Équipe", ", ".join(r[0] for r in team) or "à préciser"),
    ]
    return [
        Paragraph("Diagnostic territorial d'inclusion numérique", "lead"),
        Heading(0, diagnostic["title"]),
        *(Paragraph(f"{label} : {value}") for label, value in lines),
        PageBreak(),
        TableOfContents(),
        PageBreak(),
    ]


def key_findings(surveys, workshops, boards, offer: dict | None = None) -> list:
    blocks: list = []
    uncovered = doff.uncovered_lines(offer) if offer else []
    gaps = [line for s in surveys for line in ds.largest_gaps(s)]
    publics = [line for s in surveys for line in ds.priority_lines(s)]
    needs = [line for s in surveys for line in ds.uncovered_needs(s)]
    priorities = [
        f"{title} : {text} ({votes} gommettes)"
        for title, text, votes in voted_priorities(workshops, boards)[:3]
    ]
    for title, lines, empty in (
        (
            "Les plus grands écarts avec la France",
            gaps,
            "Aucun écart significatif avec les chiffres nationaux (ou pas encore "
            "assez de réponses).",
        ),
        (
            "Les publics prioritaires",
            publics,
            "Aucun groupe ne se distingue encore (il faut au moins 5 personnes "
            "concernées par groupe).",
        ),
        (
            "Les priorités votées en atelier",
            priorities,
            "Aucun vote en atelier pour l'instant.",
        ),
        (
            "Les principaux besoins d'accompagnement",
            needs,
            "Aucune question sur les besoins d'accompagnement dans les enquêtes "
            "retenues.",
        ),
    ):
        blocks.append(Heading(2, title))
        blocks.append(Bullets(lines) if lines else Paragraph(empty))
    if uncovered:
        blocks.append(Heading(2, "Les principaux besoins non couverts"))
        blocks.append(Bullets(uncovered))
    return blocks


def voted_priorities(workshops, boards) -> list[tuple[str, str, int]]:
    """(workshop, card, dots) of every dot vote, most voted first."""
    found = []
    for w in workshops:
        for activity in boards[w["id"]]["activities"]:
            if activity["kind"] != "dots":
                continue
            for card in activity["columns"][0]["cards"]:
                if card["votes"]:
                    found.append((w["title"], card["text"], card["votes"]))
    return sorted(found, key=lambda f: -f[2])


def method(db, diagnostic_id: int, surveys, workshops) -> list:
    blocks: list = [Heading(2, "Les questionnaires aux habitants")]
    if not surveys:
        blocks.append(Paragraph("Aucune enquête retenue pour ce document."))
    for survey in surveys:
        blocks.append(Bullets(ds.method_facts(db, survey)))
    blocks += [
        Heading(3, "Lire une marge d'erreur"),
        Paragraph(
            "Chaque part est donnée avec sa marge (intervalle de confiance à "
            "95 %) : « 42 %, marge 35 – 49 % » veut dire que, si l'on interrogeait "
            "d'autres personnes de la même façon, la part se situerait 95 fois sur "
            "100 dans cette fourchette. Plus il y a de réponses, plus la marge est "
            "étroite. Deux chiffres dont les marges se chevauchent largement ne "
            "sont pas vraiment différents. La marge ne couvre que le hasard de "
            "l'échantillon : des personnes rencontrées au marché ou à l'école ne "
            "sont pas tirées au sort, d'où le redressement sur la population."
        ),
        Paragraph(
            "Les effectifs de 1 à 4 personnes sont remplacés par « < 5 », et "
            "d'autres chiffres par « masqué » quand ils permettraient de les "
            "recalculer : personne ne peut être reconnu."
        ),
        Heading(2, "Les entretiens avec les acteurs"),
    ]
    held = iv.load_interviews(db, diagnostic_id)
    observed = iv.load_observations(db, diagnostic_id)
    blocks.append(
        Paragraph(
            f"{len(held)} entretien(s) avec des acteurs du territoire et "
            f"{len(observed)} observation(s) de terrain."
            + (
                f" Guide d'entretien de {len(iv.load_guide(db, diagnostic_id))} "
                "questions (en annexe)."
                if held
                else ""
            )
        )
    )
    blocks.append(Heading(2, "Les ateliers"))
    if workshops:
        blocks.append(
            Bullets(
                [
                    f"{w['title']} — {french_date(w['created_at'][:10])}, "
                    f"{w['participants']} participant(s)"
                    for w in workshops
                ]
            )
        )
    else:
        blocks.append(Paragraph("Aucun atelier retenu pour ce document."))
    return blocks


def portrait(db, diagnostic_id: int) -> list:
    data = load_portrait(db, diagnostic_id)
    steps = {s["number"]: s for s in diagnostic_steps(db, diagnostic_id)}
    blocks: list = [Paragraph(steps[2]["advice"], "note")]
    territory = data["territory"]
    if not territory.empty:
        blocks.append(
            Table(
                caption="Chiffres clés du territoire et de la France",
                basis="Territoire : "
                + "; ".join(sorted(set(territory["basis"])))
                + ".",
                header=["Indicateur", "Territoire", "France", "Communes", "Source"],
                rows=[
                    [
                        r.label,
                        format_figure(r.value, r.unit),
                        format_figure(r.national, r.unit)
                        if r.national is not None and r.national == r.national
                        else "—",
                        f"{r.communes} / {r.of}",
                        "; ".join(r.sources),
                    ]
                    for r in territory.itertuples()
                ],
                source=("portrait",),
            )
        )
        blocks[-1] = sources_as_notes(blocks[-1])  # each long source once
    if not data["population"].empty:
        svg = pyramid_svg(data["population"])
        blocks.append(
            Figure(svg, "Pyramide des âges du territoire, par sexe et tranche d'âge.")
        )
    if data["references"]:
        blocks.append(Heading(2, "Schémas et sources locales"))
        blocks.append(
            Bullets(
                [
                    f"{r['kind_label']} — {r['title']}"
                    + (f" ({r['year']})" if r["year"] else "")
                    + (f" : {r['summary']}" if r["summary"] else "")
                    + (f" <{r['url']}>" if r["url"] else "")
                    for r in data["references"]
                ]
            )
        )
    if data["missing"]:
        blocks.append(Heading(2, "Ce qui manque au portrait"))
        blocks.append(Bullets(list(data["missing"])))
    return blocks


def needs(surveys, counter: list[int]) -> list:
    blocks: list = []
    if not surveys:
        return [Paragraph("Aucune enquête retenue pour ce document.")]
    for survey in surveys:
        blocks += ds.survey_chapter(survey, counter)
        national = ds.national_table(survey)
        priority = ds.priority_table(survey)
        if national or priority:
            blocks.append(Heading(3, "Comparaison nationale et publics prioritaires"))
        if national:
            blocks.append(national)
        if priority:
            blocks.append(priority)
    return blocks


def interviews(db, diagnostic_id: int) -> list:
    held = iv.load_interviews(db, diagnostic_id)
    observed = iv.load_observations(db, diagnostic_id)
    blocks: list = []
    if not held and not observed:
        return [Paragraph("À compléter : aucun entretien ni observation saisi.")]
    texts = iv.step_texts(db, diagnostic_id)
    if texts:
        # The step's cloud however few the notes (issue 10 §1); the quotes
        # follow, interview by interview.
        blocks += ds.text_blocks(
            texts,
            "Mots des entretiens et observations",
            unit="notes",
            min_cloud=1,
            quotes=0,
        )
    for number, item in enumerate(held, 1):
        themes = ", ".join(iv.INTERVIEW_THEMES.get(t, t) for t in item["themes"])
        blocks.append(
            Heading(2, f"Entretien {number} — {item['structure'] or 'acteur'}")
        )
        blocks.append(
            Paragraph(
                f"{french_date(item['held_on'])} · {item['role'] or 'rôle non précisé'}"
                + (f" · thèmes : {themes}" if themes else ""),
                "note",
            )
        )
        if item["key_points"]:
            blocks += [Paragraph(p) for p in item["key_points"].split("\n") if p]
        blocks += [Paragraph(f"« {q} »", "quote") for q in item["quotes"]]
    if observed:
        blocks.append(Heading(2, "Observations de terrain"))
        for o in observed:
            blocks.append(
                Paragraph(f"{french_date(o['observed_on'])} — {o['place']}", "lead")
            )
            blocks += [Paragraph(p) for p in o["notes"].split("\n") if p]
    return blocks


def workshop_blocks(workshops, boards) -> list:
    if not workshops:
        return [Paragraph("Aucun atelier retenu pour ce document.")]
    blocks: list = []
    for w in workshops:
        blocks.append(Heading(2, w["title"]))
        blocks.append(
            Paragraph(
                f"{french_date(w['created_at'][:10])} · "
                f"{w['participants']} participant(s)",
                "note",
            )
        )
        for activity in boards[w["id"]]["activities"]:
            cards = [c for col in activity["columns"] for c in col["cards"]]
            if not cards:
                continue
            blocks.append(
                Heading(3, f"{activity['title']} ({activity['phase_label']})")
            )
            if activity["kind"] == "dots":
                blocks.append(
                    Table(
                        caption=f"Priorités votées — {activity['title']}",
                        basis="Gommettes posées par les participants.",
                        header=["Rang", "Proposition", "Gommettes"],
                        rows=[
                            [str(i), c["text"], str(c["votes"])]
                            for i, c in enumerate(cards, 1)
                        ],
                        source=("votes", w["id"], activity["id"]),
                    )
                )
                continue
            for column in activity["columns"]:
                if column["cards"]:
                    blocks.append(Paragraph(column["label"], "lead"))
                    blocks.append(Bullets([c["text"] for c in column["cards"]]))
    return blocks


def annexes(surveys) -> list:
    blocks: list = []
    for survey in surveys:
        blocks.append(Heading(2, f"Questionnaire — {survey.title}"))
        blocks.append(ds.questionnaire(survey))
    blocks.append(Heading(2, "Tableaux de données"))
    blocks.append(
        Paragraph(
            "Toutes les réponses et les tableaux croisés sont dans le classeur de "
            "chaque enquête (XLSX ou ODS, bouton « Exporter » de la page des "
            "résultats), joint à ce document. Les mêmes règles de protection des "
            "petits effectifs s'y appliquent."
        )
    )
    return blocks
