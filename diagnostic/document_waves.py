"""Step 8 of the diagnostic document: how the survey waves compare (issue 12
§3). One table per pair of waves, on the same basis as the "Vagues" page
(re-weighted when both waves are, raw otherwise), small cells hidden,
changed questions flagged rather than compared.
"""

from analysis.document_model import Heading, Paragraph, Table
from analysis.waves import comparison_rows
from evaluation.waves import Comparison, diagnostic_comparisons
from survey_app.surveys.waves import next_measure

from .display import french_date

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
    before, after = comparison.before.survey, comparison.after.survey
    rows = comparison_rows(comparison.table, comparison.weighted)
    header = list(HEADER)
    header[2] = f"Vague {before['wave_number']}"
    header[3] = f"Vague {after['wave_number']}"
    table_rows = []
    flagged = set()
    for row in rows:
        if row["status"] == "changed":
            if row["key"] not in flagged:
                flagged.add(row["key"])
                table_rows.append([row["question"], "—", "", "", "", "",
                                   row["verdict"]])  # fmt: skip
            continue
        table_rows.append([row["question"], row["answer"], row["p1"], row["p2"],
                           row["diff"], row["interval"], row["verdict"]])  # fmt: skip
    return [
        Heading(
            3,
            f"« {after['title']} » : vague {after['wave_number']} comparée "
            f"à la vague {before['wave_number']}",
        ),  # fmt: skip
        Table(
            caption=f"Évolution entre les vagues {before['wave_number']} et "
            f"{after['wave_number']}",
            basis=basis(comparison),
            header=header,
            rows=table_rows,
            notes=comparison.notes,
            source=("waves", before["id"], after["id"]),
        ),
    ]
