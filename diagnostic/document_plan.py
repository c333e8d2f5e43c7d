"""Step 7 of the diagnostic document: chantiers, annex 1 maps, fiches action
(annex 2) with their budgets, roadmap (issue 10 §3, issue 11 §4–5).

Assembled from the action_plan package: budgets by budget.compute_budget,
the fiche's layout by exports.fiche_blocks, nothing recomputed here.
"""

from datetime import date

from action_plan.budget import Budget, compute_budget
from action_plan.chantiers import load_chantiers
from action_plan.diagrams import resource_map_svg, roadmap_svg
from action_plan.evidence import resolve
from action_plan.exports import fiche_blocks
from action_plan.fiches import load_fiches
from action_plan.money import format_euros
from action_plan.priorities import priority_rows
from analysis.document_model import Bullets, Figure, Heading, Paragraph, Table
from evaluation.indicators import fiche_indicator_names
from facilitation.exports import decimal
from facilitation.matrix_svg import matrix_svg
from survey_app.dates import french_date

FIELD_HEADER = ["Rubrique", "Contenu"]
LINKS = {
    "operating": "fonctionne",
    "identified": "identifié",
    "missing": "manquant",
}


def plan_blocks(db, diagnostic_id: int) -> list:
    chantiers = load_chantiers(db, diagnostic_id)
    fiches = load_fiches(db, diagnostic_id)
    if not chantiers and not fiches:
        return [Paragraph("À compléter : les chantiers prioritaires et leurs fiches "
                          "action — étape 7 du guide.", "lead")]  # fmt: skip
    blocks: list = [Heading(2, "Les chantiers prioritaires")]
    if not chantiers:
        blocks.append(Paragraph("À compléter : aucun chantier saisi."))
    blocks += priority_blocks(chantiers)
    for chantier in chantiers:
        blocks += chantier_blocks(chantier)
    blocks.append(Heading(2, "Les fiches action"))
    if not fiches:
        blocks.append(Paragraph("À compléter : aucune fiche action saisie."))
    budgets = [compute_budget(f["years"], f["costs"], f["financing"]) for f in fiches]
    for fiche, budget in zip(fiches, budgets, strict=True):
        evidence = resolve(db, diagnostic_id, fiche["evidence"])
        fiche["indicators"] = fiche_indicator_names(db, diagnostic_id, fiche["id"])
        blocks += fiche_as_blocks(fiche_blocks(fiche, budget, evidence))
    if fiches:
        blocks += roadmap_blocks(fiches) + budget_summary(fiches, budgets)
    return blocks


def priority_blocks(chantiers: list[dict]) -> list:
    """The impact × feasibility matrix of the chantiers (workshop result),
    drawn and as a table, in the plan's order."""
    placed = [r for r in priority_rows(chantiers) if r["count"]]
    if not placed:
        return []
    sources = {f"chantier:{c['id']}": c["priority_source"] for c in chantiers}
    title = "Les chantiers selon leur impact et leur faisabilité"
    return [
        Figure(matrix_svg(placed, title),
               f"{title} ; les numéros renvoient au tableau qui suit.", 12.0),
        Table(
            title,
            "Moyenne des positions données en atelier, de 1 (faible, "
            "difficile) à 4 (très fort, facile).",
            ["N°", "Chantier", "Impact", "Faisabilité", "Position", "Source"],
            [[str(n), r["label"], decimal(r["impact"]), decimal(r["feasibility"]),
              r["quadrant"], sources[r["key"]]]
             for n, r in enumerate(placed, 1)],
        ),
    ]  # fmt: skip


def chantier_blocks(chantier: dict) -> list:
    blocks: list = [Heading(3, chantier["title"])]
    if chantier.get("description"):
        blocks.append(Paragraph(chantier["description"]))
    if chantier["cards"]:
        blocks.append(Paragraph("Issu de l'atelier (cartes votées) :", "note"))
        blocks.append(
            Bullets([f"{c['card_text']} ({c['votes']} gommettes)"
                     for c in chantier["cards"]])
        )  # fmt: skip
    if chantier["levers"]:
        blocks.append(
            Table(
                f"Freins et leviers — {chantier['title']}",
                "Saisis par le conseiller à partir des ateliers.",
                ["Frein", "Levier"],
                [[lv["obstacle"], lv["lever"] or "—"] for lv in chantier["levers"]],
            )
        )
    if chantier["resources"]:
        blocks.append(
            Figure(
                resource_map_svg(chantier),
                f"Carte des ressources du chantier « {chantier['title']} » "
                "(annexe 1) ; le détail est dans le tableau qui suit.",
            )
        )
        blocks.append(
            Table(
                f"Annexe 1 — ressources du chantier « {chantier['title']} »",
                "Trait plein : lien qui fonctionne ; pointillé : identifié ; "
                "sans trait : manquant.",
                ["Ressource", "Type", "Lien", "Remarque"],
                [[r["name"], r["kind"], LINKS.get(r["link"], r["link"]), r["note"]]
                 for r in chantier["resources"]],
            )
        )  # fmt: skip
    return blocks


def fiche_as_blocks(raw: list[tuple]) -> list:
    """exports.fiche_blocks' ('h'|'p'|'table', content) as document blocks;
    consecutive label/value boxes share one table, as on annex 2's page."""
    blocks: list = []
    for kind, content in raw:
        if kind == "h" and content.startswith("Fiche action"):
            blocks.append(Heading(3, content))
        elif kind == "h":  # the document has three heading levels
            blocks.append(Paragraph(content, "lead"))
        elif kind == "p":
            style = "lead" if content.startswith("Attention") else ""
            blocks.append(Paragraph(content, style))
        elif len(content) == 1 and len(content[0]) == 2:
            last = blocks[-1] if blocks else None
            if isinstance(last, Table) and last.header == FIELD_HEADER:
                last.rows.append(list(content[0]))
            else:
                blocks.append(Table("", "", FIELD_HEADER, [list(content[0])]))
        else:
            header, *rows = (list(r) for r in content)
            blocks.append(Table("", "", header, rows))
    return blocks


def roadmap_blocks(fiches: list[dict]) -> list:
    starts = [f["starts_on"][:10] for f in fiches if f.get("starts_on")]
    first = date.fromisoformat(min(starts)) if starts else date.today()
    return [
        Heading(2, "Feuille de route"),
        Figure(roadmap_svg(fiches, first.replace(day=1), 6),
               "Feuille de route des fiches action sur six mois ; les dates "
               "sont dans le tableau qui suit."),
        Table("Calendrier des fiches action", "Dates saisies dans les fiches.",
              ["Fiche action", "Début", "Fin"],
              [[f["title"], french_date(f.get("starts_on")) or "—",
                french_date(f.get("ends_on")) or "—"] for f in fiches]),
    ]  # fmt: skip


def budget_summary(fiches: list[dict], budgets: list[Budget]) -> list:
    rows = [
        [f["title"], format_euros(b.cost_total.total),
         format_euros(b.funding_total.total), "oui" if b.balanced else "non"]
        for f, b in zip(fiches, budgets, strict=True)
    ]  # fmt: skip
    return [
        Heading(2, "Budget des fiches action"),
        Table("Coûts et financements par fiche (TTC)",
              "Totaux calculés par fiche, toutes années confondues.",
              ["Fiche action", "Coût total", "Financements", "Équilibré"], rows),
    ]  # fmt: skip
