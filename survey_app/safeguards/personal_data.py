"""Care of personal data: retention, purge, deletion, record of processing.

Pure data functions (no Flask request): the views are in privacy_views.py.

Retention is counted from the day an answer was given (`submitted_at`) and,
for a workshop, from its last change (`updated_at`): the whole workshop
(activities, cards, votes, participants) is removed by its own cascade. The
results cache of a survey that lost answers (analysis_cache, which holds a
copy of them) is dropped too.
"""

import io
import json
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any

import sqlite_utils

from .. import dates
from ..db import write_transaction
from ..surveys.contract import THEMES

FREE_TEXT_TYPES = {"short_text", "long_text"}
# Counted once per diagnostic: SQLite's date arithmetic keeps it one query.
_CUTOFF = (
    f"strftime('{dates.STAMP_FORMAT}', :now, '-' || d.retention_months || ' months')"
)


def purge_expired(
    db: sqlite_utils.Database, at: datetime | None = None
) -> dict[str, int]:
    """Delete answers and workshops older than their diagnostic's retention.

    Returns how many of each were deleted (French labels, for the CLI).
    """
    stamp = dates.stamp(at or dates.utcnow())
    counts = {}
    expired = f"""SELECT r.id, r.survey_id FROM responses r
              JOIN surveys s ON s.id = r.survey_id
              JOIN diagnostics d ON d.id = s.diagnostic_id
              WHERE r.submitted_at < {_CUTOFF}"""
    keep_wave_aggregates(db, expired, stamp)
    with write_transaction(db):
        # The results cache holds copies of the answers: rebuilt next time.
        db.execute(
            "DELETE FROM analysis_cache WHERE survey_id IN "
            f"(SELECT survey_id FROM ({expired}))",
            {"now": stamp},
        )
        counts["réponses"] = db.execute(
            f"DELETE FROM responses WHERE id IN (SELECT id FROM ({expired}))",
            {"now": stamp},
        ).rowcount
        counts["alertes"] = db.execute(
            f"""DELETE FROM point_alerts WHERE id IN (
                  SELECT a.id FROM point_alerts a
                  JOIN surveys s ON s.id = a.survey_id
                  JOIN diagnostics d ON d.id = s.diagnostic_id
                  WHERE a.last_at < {_CUTOFF})""",
            {"now": stamp},
        ).rowcount
        counts["ateliers"] = db.execute(
            f"""DELETE FROM workshops WHERE id IN (
                  SELECT w.id FROM workshops w
                  JOIN diagnostics d ON d.id = w.diagnostic_id
                  WHERE w.updated_at < {_CUTOFF})""",
            {"now": stamp},
        ).rowcount
    return counts


# Called with (db, survey id) for every survey about to lose answers, before
# they are deleted: the evaluation package registers the keeping of each
# wave's aggregates (issue 12 §4) here, as it sits above this module.
BEFORE_PURGE: dict[str, Callable[[sqlite_utils.Database, int], Any]] = {}


def keep_wave_aggregates(db: sqlite_utils.Database, expired: str, stamp: str) -> None:
    """Run the BEFORE_PURGE hooks on every survey about to lose answers.

    Committed before the answers are deleted: if a hook fails, the purge
    fails too and is tried again the next day, nothing lost.
    """
    surveys = db.execute(
        f"SELECT DISTINCT survey_id FROM ({expired})", {"now": stamp}
    ).fetchall()
    for (survey_id,) in surveys:
        for hook in BEFORE_PURGE.values():
            hook(db, survey_id)


def delete_diagnostic(db: sqlite_utils.Database, diagnostic_id: int) -> bool:
    """Delete a diagnostic and, by cascade, everything that belongs to it."""
    with write_transaction(db):
        return (
            db.execute("DELETE FROM diagnostics WHERE id = ?", [diagnostic_id]).rowcount
            == 1
        )


def set_retention(db: sqlite_utils.Database, diagnostic_id: int, months: int) -> None:
    """:raise ValueError: outside 1–120 months (French message)."""
    if not 1 <= months <= 120:
        raise ValueError("La durée doit être comprise entre 1 et 120 mois.")
    with write_transaction(db):
        db.execute(
            "UPDATE diagnostics SET retention_months = ? WHERE id = ?",
            [months, diagnostic_id],
        )


def collected_data(db: sqlite_utils.Database, survey_ids: list[int]) -> dict[str, Any]:
    """What the surveys' current versions ask: themes and whether free text."""
    themes: Counter[str] = Counter()
    free_text = False
    for survey_id in survey_ids:
        row = db.execute(
            "SELECT questions FROM survey_versions WHERE survey_id = ? "
            "ORDER BY number DESC LIMIT 1",
            [survey_id],
        ).fetchone()
        for question in json.loads(row[0]) if row else []:
            themes[THEMES.get(question.get("theme"), THEMES["autre"])] += 1
            free_text = free_text or question.get("type") in FREE_TEXT_TYPES
            free_text = free_text or bool(question.get("other"))
    return {"themes": sorted(themes), "free_text": free_text}


def processing_record(
    db: sqlite_utils.Database, diagnostic: dict[str, Any], hosting: str
) -> list[tuple[str, str]]:
    """The "registre des traitements" sheet of a diagnostic, row by row."""
    surveys = db.execute(
        "SELECT id, title FROM surveys WHERE diagnostic_id = ? ORDER BY id",
        [diagnostic["id"]],
    ).fetchall()
    data = collected_data(db, [s["id"] for s in surveys])
    answers = db.execute(
        "SELECT count(*) FROM responses WHERE survey_id IN "
        "(SELECT id FROM surveys WHERE diagnostic_id = ?)",
        [diagnostic["id"]],
    ).fetchone()[0]
    members = db.execute(
        "SELECT u.name, u.email FROM users u JOIN diagnostic_members m "
        "ON m.user_id = u.id WHERE m.diagnostic_id = ? ORDER BY u.email",
        [diagnostic["id"]],
    ).fetchall()
    team = ", ".join(m["name"] or m["email"] for m in members)
    structure = diagnostic["structure"] or "(structure à préciser)"
    contact = diagnostic["contact_email"] or "(e-mail de contact à préciser)"
    themes = ", ".join(data["themes"]) or "aucune question pour l'instant"
    free = (
        " Des questions à réponse libre existent : une personne peut y écrire "
        "une donnée personnelle ; ces textes sont à relire avant publication."
        if data["free_text"]
        else ""
    )
    return [
        (
            "Traitement",
            f"Diagnostic territorial de l'inclusion numérique « "
            f"{diagnostic['title']} »",
        ),
        ("Responsable du traitement", f"{structure} – contact : {contact}"),
        (
            "Finalités",
            "Connaître les difficultés et les besoins des habitants face au "
            "numérique, les aides existantes, et décider des actions "
            "d'accompagnement. Résultats publiés sous forme de statistiques.",
        ),
        (
            "Base légale",
            "Mission d'intérêt public (article 6-1-e du RGPD) pour une "
            "collectivité ou un organisme public ; intérêt légitime (article "
            "6-1-f) pour une association. À confirmer avec votre DPO.",
        ),
        (
            "Personnes concernées",
            "Habitants qui répondent volontairement au questionnaire ; "
            "participants aux ateliers ; conseillers qui utilisent l'outil.",
        ),
        (
            "Catégories de données",
            f"Réponses anonymes au questionnaire (thèmes : {themes}), date, lieu "
            "et mode de recueil. Ni nom, ni adresse, ni adresse IP, ni appareil."
            f"{free} Ateliers : textes des cartes et votes, prénom facultatif. "
            "Conseillers : nom, e-mail, mot de passe haché.",
        ),
        ("Données sensibles", "Aucune n'est demandée."),
        (
            "Destinataires",
            f"L'équipe du diagnostic ({team or 'aucun membre'}). Les partenaires "
            "ne reçoivent que des résultats agrégés.",
        ),
        (
            "Transferts hors de l'Union européenne",
            "Aucune réponse. Les notifications des conseillers (nombre de "
            "réponses, sans contenu) passent par le service de notifications "
            "de leur navigateur (Google, Mozilla, Apple, Microsoft) s'ils les "
            "activent.",
        ),
        (
            "Durée de conservation",
            f"{diagnostic['retention_months']} mois après chaque réponse ou "
            "atelier, puis suppression automatique (chaque jour). Avant de "
            "supprimer les réponses d'une enquête, l'outil conserve ses "
            "résultats agrégés (pour chaque question : nombre de réponses par "
            "choix, pourcentages redressés, date de conservation), sans aucune "
            "réponse individuelle et sans aucun effectif de moins de 5 "
            "personnes, pour comparer avec une vague suivante de l'enquête "
            "(étape 8 du guide). Ils sont supprimés avec le diagnostic.",
        ),
        (
            "Mesures de sécurité",
            "Accès réservé aux membres du diagnostic (vérifié à chaque page), "
            "mots de passe hachés, connexion chiffrée (HTTPS), aucune adresse IP "
            "enregistrée (limites anti-abus par empreinte HMAC renouvelée chaque "
            "jour), politique de sécurité du contenu stricte, sauvegardes, "
            "suppression complète du diagnostic par son responsable.",
        ),
        ("Hébergement", hosting),
        ("Réponses conservées à ce jour", str(answers)),
        ("Enquêtes", ", ".join(s["title"] for s in surveys) or "aucune"),
    ]


def record_odt(title: str, rows: list[tuple[str, str]]) -> bytes:
    """The record sheet as an OpenDocument text (LibreOffice, Word)."""
    from odf.opendocument import OpenDocumentText
    from odf.style import Style, TableColumnProperties, TextProperties
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import H, P, Span

    doc = OpenDocumentText()
    bold = Style(name="Gras", family="text")
    bold.addElement(TextProperties(fontweight="bold"))
    narrow = Style(name="Etroite", family="table-column")
    narrow.addElement(TableColumnProperties(columnwidth="5cm"))
    wide = Style(name="Large", family="table-column")
    wide.addElement(TableColumnProperties(columnwidth="12cm"))
    for style in (bold, narrow, wide):
        doc.automaticstyles.addElement(style)
    doc.text.addElement(H(outlinelevel=1, text=title))
    table = Table(name="Registre")
    table.addElement(TableColumn(stylename=narrow))
    table.addElement(TableColumn(stylename=wide))
    for label, value in rows:
        row = TableRow()
        for text, style in ((label, bold), (value, None)):
            cell = TableCell(valuetype="string")
            paragraph = P()
            if style is not None:
                paragraph.addElement(Span(stylename=style, text=text))
            else:
                paragraph.addText(text)
            cell.addElement(paragraph)
            row.addElement(cell)
        table.addElement(row)
    doc.text.addElement(table)
    buffer = io.BytesIO()
    doc.write(buffer)
    return buffer.getvalue()
