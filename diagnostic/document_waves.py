"""Step 8 of the diagnostic document: how the survey waves compare (issue 12
§3). One table per pair of waves, on the same basis as the "Vagues" page
(re-weighted when both waves are, raw otherwise), small cells hidden,
changed questions flagged rather than compared.
"""

from analysis.document_model import Heading, Paragraph, Table
from analysis.waves import FALL, RISE, comparison_rows
from evaluation.waves import Comparison, diagnostic_comparisons
from survey_app.surveys.waves import next_measure

from .display import french_date

MAX_ROWS = 8
COLUMNS = ["question", "answer", "p1", "p2", "diff", "interval", "verdict"]
HEADER = ["Question", "Réponse", "Vague A", "Vague B", "Écart", "Intervalle à 95 %",
          "Verdict"]  # fmt: skip


def wave_blocks(db, diagnostic_id: int) -> list:
    """Blocks for the "evaluation" section: next measure, then comparisons."""
    blocks: list = [Heading(2, "Mesurer à nouveau : les vagues d'enquête")]
    due = next_measure(db, diagnostic_id)
    comparisons = diagnostic_comparisons(db, diagnostic_id)
    if due:
        blocks.append(Paragraph(f"Prochaine mesure : {french_date(due.isoformat())}."))
    if not comparisons:
        blocks.append(
            Paragraph(
                "Aucune enquête n'a encore été relancée : une deuxième vague, six "
                "mois après la première, dira si les actions changent la situation."
            )
        )
    for comparison in comparisons:
        blocks += comparison_blocks(comparison)
    return blocks


def basis(comparison: Comparison) -> str:
    before, after = comparison.before, comparison.after
    parts = []
    for wave in (before, after):
        text = f"vague {wave.survey['wave_number']} : {wave.responses} réponses"
        if comparison.weighted and wave.n_effective:
            text += f" (taille effective {wave.n_effective:.0f})"
        if wave.kept_at:
            text += (
                ", réponses individuelles supprimées (durée de conservation) : "
                f"résultats agrégés conservés le {french_date(wave.kept_at)}"
            )
        parts.append(text)
    how = (
        f"résultats redressés sur les mêmes marges ({after.weighting}), "
        "intervalles et tests sur la taille d'échantillon effective (Kish)"
        if comparison.weighted
        else "résultats bruts, sans redressement"
    )
    return (
        f"Personnes ayant répondu à chaque question ; {how} ; "
        + " ; ".join(parts)
        + ". Écart en points (intervalle de confiance à 95 %), test de deux "
        "proportions au seuil de 5 %. Effectifs de moins de 5 masqués."
    )


def comparison_blocks(comparison: Comparison) -> list:
    """The significant changes and the questions not compared; the other
    rows are counted in a note (the "Vagues" page lists every one)."""
    before, after = comparison.before.survey, comparison.after.survey
    rows = comparison_rows(comparison.table, comparison.weighted)
    header = list(HEADER)
    header[2] = f"Vague {before['wave_number']}"
    header[3] = f"Vague {after['wave_number']}"
    table_rows, flagged = [], []
    same = hidden = 0
    for row in rows:
        if row["status"] == "changed":
            if row["question"] not in flagged:
                flagged.append(row["question"])
        elif row["verdict"] in (RISE, FALL):
            table_rows.append(row)
        elif row["status"] == "compared":
            same += 1
        else:
            hidden += 1
    # The largest changes, in questionnaire order: a report stays short.
    largest = sorted(table_rows, key=lambda r: -abs(r["points"]))[:MAX_ROWS]
    more = len(table_rows) - len(largest)
    table_rows = [[r[k] for k in COLUMNS] for r in table_rows if r in largest]
    notes = list(comparison.notes)
    if more:
        notes.append(f"{more} autres évolutions significatives, plus petites.")
    notes.append(
        f"Autres réponses comparées : {same}, sans différence mesurable ; "
        f"{hidden} non comparées (petits effectifs masqués ou question posée "
        "dans une seule vague). Le détail est sur la page « Vagues » de "
        "l'enquête."
    )
    blocks: list = [
        Heading(
            3,
            f"« {after['title']} » : vague {after['wave_number']} comparée "
            f"à la vague {before['wave_number']}",
        ),  # fmt: skip
    ]
    if table_rows:
        blocks.append(
            Table(
                caption=f"Évolutions significatives entre les vagues "
                f"{before['wave_number']} et {after['wave_number']}",
                basis=basis(comparison),
                header=header,
                rows=table_rows,
                notes=notes,
                source=("waves", before["id"], after["id"]),
            )
        )
    else:
        blocks.append(Paragraph("Aucune différence mesurable entre les deux vagues. "
                                + basis(comparison)))  # fmt: skip
        blocks += [Paragraph(n, "note") for n in notes]
    if flagged:
        blocks.append(
            Paragraph(
                "Questions modifiées entre les vagues (formulation ou choix de "
                "réponse), donc non comparées : " + " ; ".join(flagged) + ".",
                "note",
            )
        )
    return blocks
