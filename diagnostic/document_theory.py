"""Annex 3 in the diagnostic document: the theory of change (issue 12 §2).

The diagram is evaluation.theory_svg's, drawn narrower than on screen so that
its text stays readable on a portrait page (the PNG for DOCX comes from the
charts' SVG → PNG path, analysis.document_model.figure_png); the table that
follows is evaluation.theory.theory_rows, the page's own.
"""

from analysis.document_model import Figure, Heading, Paragraph, Table
from evaluation.theory import TABLE_HEADER, load_theory, theory_rows
from evaluation.theory_svg import theory_svg

DOCUMENT_WIDTH = 960  # SVG units for 17 cm: about 6.5 pt text, 17 letters a line


def theory_blocks(db, diagnostic_id: int) -> list:
    theory = load_theory(db, diagnostic_id)
    blocks: list = [Heading(2, "Théorie du changement")]
    rows = theory_rows(theory)
    if not rows:
        return blocks + [
            Paragraph(
                "À compléter : la théorie du changement (annexe 3 du guide), "
                "des ressources à l'impact, avec ses hypothèses."
            )
        ]
    title = db.execute(
        "SELECT title FROM diagnostics WHERE id = ?", [diagnostic_id]
    ).fetchone()[0]
    blocks += [
        Paragraph(
            "Ce que le plan d'action mobilise (ressources), ce qu'il fait "
            "(activités), ce que cela produit (réalisations), les changements "
            "attendus pour les habitants (résultats) et le changement durable "
            "visé (impact). Les hypothèses disent ce qui doit être vrai pour "
            "passer d'un niveau au suivant ; l'évaluation les vérifiera."
        ),
        Figure(
            theory_svg(
                theory,
                f"Théorie du changement — {title}",
                width=DOCUMENT_WIDTH,
                ident="doc-theorie",
            ),
            "Théorie du changement en colonnes, des ressources à l'impact, avec "
            "des flèches d'un élément vers ceux auquel il mène et les hypothèses "
            "en dessous ; le même contenu est dans le tableau qui suit.",
            width_cm=17.0,
        ),  # fmt: skip
        Table(
            "Théorie du changement, niveau par niveau",
            "Saisie par l'équipe du diagnostic, en partie à partir des fiches action.",
            list(TABLE_HEADER),
            rows,
            source=("theory", diagnostic_id),
        ),
    ]
    return blocks
