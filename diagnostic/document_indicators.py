"""Step 8 of the diagnostic document: the indicators' dashboard, then each
indicator's progress chart and its values (issue 12 §1).

Assembled from the evaluation package (measures, status, chart), nothing
recomputed here; the same rule as the dashboard page is printed.
"""

from analysis.document_model import Figure, Heading, Paragraph, Table
from evaluation.charts import format_number
from evaluation.dashboard import IndicatorView, indicator_views, summary_line
from evaluation.progress import TOLERANCE

from .display import french_date
from .steps import STEPS, load_marks

ORIGINS = {"manual": "saisie", "survey": "calculée (enquête)", "portrait": "portrait"}


def _dated(value: float | None, unit: str, on) -> str:
    if value is None:
        return "—"
    return f"{format_number(value, unit)} ({french_date(on.isoformat())})"


def rule_text() -> str:
    points = round(TOLERANCE * 100)
    return (
        "État : le chemin prévu va en ligne droite de la valeur de départ à la "
        "cible, à leurs dates ; la dernière mesure est « en bonne voie » si la "
        f"part du changement prévu déjà obtenue n'a pas plus de {points} points "
        "de retard sur la part du temps écoulé, « en retard » au-delà, « pas de "
        "donnée » sans cible datée, sans départ ou sans mesure depuis le départ. "
        "Sans valeur de départ saisie, la première mesure sert de départ."
    )


def indicator_blocks(db, diagnostic_id: int) -> list:
    """The evaluation section: dashboard table, then one chart and one table
    of values per indicator; "À compléter" when there is no indicator."""
    views = indicator_views(db, diagnostic_id)
    notes = load_marks(db, diagnostic_id).get(8, {}).get("notes", "")
    noted: list = []
    if notes.strip():
        noted.append(Paragraph("Notes de l'étape :", "note"))
        noted += [Paragraph(p) for p in notes.split("\n") if p.strip()]
    if not views:
        return [
            Paragraph(
                "À compléter : les indicateurs de suivi des fiches action, leur "
                "valeur de départ, leur cible et qui les renseigne — étape 8 du "
                "guide.",
                "lead",
            ),
            Paragraph(STEPS[8].advice, "note"),
            *noted,
        ]
    blocks: list = [
        Heading(2, "Tableau de bord des indicateurs"),
        Paragraph(summary_line(views) + "."),
        Paragraph(rule_text(), "note"),
        Paragraph(
            "Les mesures sont saisies par l'équipe, calculées sur chaque enquête "
            "du diagnostic (part brute des répondants à la question, masquée "
            "quand moins de 5 personnes sont dans l'un des groupes) ou reprises "
            "du portrait du territoire.",
            "note",
        ),
    ]
    fiches = list(dict.fromkeys(v.indicator["fiche_title"] for v in views))
    for title in fiches:  # one short table per fiche action
        blocks.append(
            Table(
                f"Indicateurs de la fiche action « {title} »",
                "Valeurs (date) ; l'état suit la règle ci-dessus.",
                ["Indicateur", "Départ", "Dernière mesure", "Cible", "État"],
                [dashboard_row(v) for v in views
                 if v.indicator["fiche_title"] == title],
            )
        )  # fmt: skip
    for view in views:
        blocks += indicator_detail(view)
    return blocks + noted


def dashboard_row(view: IndicatorView) -> list[str]:
    item, status, target = view.indicator, view.status, view.target
    unit = item["unit"]
    name = f"{item['name']} ({unit})" if unit else item["name"]
    return [
        name,
        _dated(status.start.value, unit, status.start.on) if status.start else "—",
        _dated(status.latest.value, unit, status.latest.on) if status.latest else "—",
        _dated(target.value, unit, target.on) if target else "à fixer",
        status.label,
    ]


def indicator_detail(view: IndicatorView) -> list:
    item = view.indicator
    unit = item["unit"]
    rows = []
    if item["baseline_value"] is not None:
        rows.append([french_date(item["baseline_on"]),
                     format_number(item["baseline_value"], unit),
                     "valeur de départ", item["source_note"] or "—"])  # fmt: skip
    for m in view.measures:
        value = "masqué" if m.value is None else format_number(m.value, unit)
        source = f"{m.source} {m.note}".strip()
        rows.append([french_date(m.on.isoformat()), value, ORIGINS[m.kind], source])
    if view.target:
        rows.append([french_date(item["target_on"]), format_number(view.target.value,
                     unit), "cible", "—"])  # fmt: skip
    return [
        Heading(3, f"{item['name']} : {view.status.label}"),
        Figure(
            view.svg(),
            f"Évolution de l'indicateur « {item['name']} » : départ, mesures, "
            "chemin prévu et cible ; les valeurs sont dans le tableau qui suit.",
            width_cm=8.0,
        ),
        Table(
            f"Valeurs de l'indicateur « {item['name']} »",
            f"Fiche action « {item['fiche_title']} ». {view.status.reason}",
            ["Date", "Valeur", "Origine", "Source"],
            rows,
        ),
    ]
