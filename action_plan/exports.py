"""Exports: a fiche as ODT or DOCX laid out like annex 2, the whole plan
with its budget summary as XLSX or ODS (the project's writers).

The fiche is first turned into plain blocks (heading, paragraph, table), then
written by one small writer per format, so both documents say the same thing.
"""

import io
from decimal import Decimal

import pandas as pd

from analysis.ods import write_sheets_ods
from analysis.xlsx import write_sheets_xlsx
from survey_app.dates import french_date

from .budget import Budget
from .chantiers import LINKS, RESOURCE_KINDS
from .fiches import TEXT_FIELDS
from .money import format_euros, format_percent

MIMETYPES = {
    "odt": "application/vnd.oasis.opendocument.text",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def budget_tables(budget: Budget) -> list[tuple[str, list[list[str]]]]:
    """Annex 2's two tables (costs, financing) as rows of French text."""
    years = [str(y) for y in budget.years]
    costs = [["Coûts prévisionnels (TTC)", *years, "Total", "Part (%)"]]
    for line in budget.cost_lines:
        costs.append(
            [
                line.label,
                *[format_euros(line.amounts[y]) for y in budget.years],
                format_euros(line.total),
                format_percent(line.share),
            ]
        )
    for kind in budget.kinds:
        costs.append(
            [
                f"Total {kind.label.lower()}",
                *[format_euros(kind.amounts[y]) for y in budget.years],
                format_euros(kind.total),
                format_percent(kind.share),
            ]
        )
        costs.append(
            [
                f"Part {kind.label.lower()} (%)",
                *[format_percent(kind.year_shares[y]) for y in budget.years],
                format_percent(kind.share),
                "",
            ]
        )
    total = budget.cost_total
    costs.append(
        [
            total.label,
            *[format_euros(total.amounts[y]) for y in budget.years],
            format_euros(total.total),
            "",
        ]
    )
    funding = [["Financements prévisionnels", *years, "Total", "%"]]
    rows = [
        *budget.funders[:6],
        budget.public_total,
        *budget.funders[6:],
        budget.funding_total,
    ]
    for row in rows:
        label = row.label + (f" : {row.detail}" if row.detail else "")
        funding.append(
            [
                label,
                *[format_euros(row.amounts[y]) for y in budget.years],
                format_euros(row.total),
                format_percent(row.share),
            ]
        )
    return [("Coûts", costs), ("Financements", funding)]


def fiche_blocks(fiche: dict, budget: Budget, evidence: list[dict]) -> list[tuple]:
    """The fiche as ('h'|'p'|'table', content) blocks in annex 2's order."""

    def field(name: str) -> tuple:
        return ("table", [[TEXT_FIELDS[name], fiche.get(name) or "—"]])

    publics = fiche["publics"]
    blocks = [
        ("h", f"Fiche action : {fiche['title']}"),
        (
            "table",
            [
                ["Document complété par", fiche["filled_by"] or "—"],
                ["Personne(s) référente(s) et coordonnées", fiche["contacts"] or "—"],
                ["Titre de l'action", fiche["title"]],
                ["Date de création", fiche.get("created_at", "")[:10]],
                ["Date de mise à jour", fiche.get("updated_at", "")[:10]],
            ],
        ),
        field("area"),
        field("objective"),
        (
            "table",
            [["Structure porteuse", "Partenaire(s)", "Nature du partenariat"]]
            + [
                [fiche["lead"] if i == 0 else "", p["name"], p["nature"]]
                for i, p in enumerate(fiche["partners"] or [{"name": "", "nature": ""}])
            ],
        ),
        ("h", "Description du projet"),
        field("description"),
        field("activities"),
        (
            "table",
            [
                ["Publics cibles : âges", ", ".join(publics.get("ages", [])) or "—"],
                ["Genre", ", ".join(publics.get("genders", [])) or "—"],
                ["Précisions", publics.get("details", "") or "—"],
            ],
        ),
        (
            "table",
            [
                ["Moyens humains", fiche["human_means"] or "—"],
                ["Nombre", str(fiche["human_count"] or "—")],
                ["Moyens matériels", fiche["material_means"] or "—"],
            ],
        ),
        field("vigilance"),
        ("h", "Justification du projet"),
        ("p", "Éléments de diagnostic :"),
        *[("p", f"• {item['text']}") for item in evidence],
        ("p", fiche["evidence_notes"]),
        field("results"),
        (
            "table",
            [["Indicateur d'évaluation", "Unité"]]
            + [[i["name"], i["unit"]] for i in fiche["indicators"]],
        ),
        ("h", "Gouvernance du projet"),
        (
            "table",
            [["Instance de pilotage", "Membres"]]
            + [[g["body"], g["members"]] for g in fiche["governance"]],
        ),
        field("other_resources"),
        ("h", "Calendrier de mise en œuvre"),
        (
            "table",
            [
                [str(y) for y in fiche["years"]],
                [fiche["calendar"].get(str(y), "") for y in fiche["years"]],
            ],
        ),
        (
            "table",
            [["Jalon", "Date"]]
            + [[m["label"], french_date(m["on"])] for m in fiche["milestones"]],
        ),
        ("h", "Financement du projet (TTC)"),
    ]
    for _title, rows in budget_tables(budget):
        blocks.append(("table", rows))
    blocks.extend(("p", f"Attention : {w}") for w in budget.warnings)
    return [b for b in blocks if b[1]]


def _docx(blocks: list[tuple]) -> io.BytesIO:
    from docx import Document

    document = Document()
    for kind, content in blocks:
        if kind == "h":
            document.add_heading(content, level=1 if content.startswith("Fiche") else 2)
        elif kind == "p":
            document.add_paragraph(content)
        else:
            table = document.add_table(rows=0, cols=len(content[0]))
            table.style = "Table Grid"
            for row in content:
                cells = table.add_row().cells
                for cell, value in zip(cells, row, strict=False):
                    cell.text = value
            document.add_paragraph("")
    buffer = io.BytesIO()
    document.save(buffer)
    buffer.seek(0)
    return buffer


def _odt(blocks: list[tuple]) -> io.BytesIO:
    from odf.opendocument import OpenDocumentText
    from odf.style import Style, TableCellProperties
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import H, P

    doc = OpenDocumentText()
    bordered = Style(name="Bordure", family="table-cell")
    bordered.addElement(
        TableCellProperties(border="0.5pt solid #000000", padding="0.1cm")
    )
    doc.automaticstyles.addElement(bordered)
    for n, (kind, content) in enumerate(blocks):
        if kind == "h":
            level = 1 if content.startswith("Fiche") else 2
            doc.text.addElement(H(outlinelevel=level, text=content))
        elif kind == "p":
            doc.text.addElement(P(text=content))
        else:
            table = Table(name=f"Tableau{n}")
            table.addElement(TableColumn(numbercolumnsrepeated=len(content[0])))
            for row in content:
                line = TableRow()
                for value in row:
                    cell = TableCell(valuetype="string", stylename=bordered)
                    for part in (value or "").split("\n"):
                        cell.addElement(P(text=part))
                    line.addElement(cell)
                table.addElement(line)
            doc.text.addElement(table)
            doc.text.addElement(P(text=""))
    buffer = io.BytesIO()
    doc.write(buffer)
    buffer.seek(0)
    return buffer


def fiche_document(fiche: dict, budget: Budget, evidence: list, fmt: str) -> io.BytesIO:
    blocks = fiche_blocks(fiche, budget, evidence)
    return _docx(blocks) if fmt == "docx" else _odt(blocks)


def _number(value: Decimal | None) -> float | None:
    # Spreadsheets compute with floats; cents stay exact at these magnitudes.
    return None if value is None else float(value)


def plan_frames(chantiers: list, fiches: list, budgets: list) -> list[tuple]:
    """Sheets: budget summary per fiche and year, chantiers, resources."""
    summary = []
    for fiche, budget in zip(fiches, budgets, strict=True):
        for year in budget.years:
            row = {"Fiche action": fiche["title"], "Année": year}
            for kind in budget.kinds:
                row[f"{kind.label} (€ TTC)"] = _number(kind.amounts[year])
            row["Coût total (€ TTC)"] = _number(budget.cost_total.amounts[year])
            for funder in budget.funders:
                row[f"{funder.label} (€)"] = _number(funder.amounts[year])
            row["Total financements publics (€)"] = _number(
                budget.public_total.amounts[year]
            )
            row["Total financements (€)"] = _number(budget.funding_total.amounts[year])
            row["Écart financements − coûts (€)"] = _number(
                budget.funding_total.amounts[year] - budget.cost_total.amounts[year]
            )
            summary.append(row)
    fiche_rows = [
        {
            "Fiche action": f["title"],
            "Structure porteuse": f["lead"],
            "Début": f["starts_on"] or "",
            "Fin": f["ends_on"] or "",
            "Coût total (€ TTC)": _number(b.cost_total.total),
            "Total financements (€)": _number(b.funding_total.total),
            "Alerte": " ".join(b.warnings),
        }
        for f, b in zip(fiches, budgets, strict=True)
    ]
    chantier_rows = [
        {
            "Chantier": c["title"],
            "Description": c["description"],
            "Cartes d'atelier": " | ".join(k["card_text"] for k in c["cards"]),
            "Gommettes": sum(k["votes"] for k in c["cards"]),
        }
        for c in chantiers
    ]
    resources = [
        {
            "Chantier": c["title"],
            "Type": RESOURCE_KINDS.get(r["kind"], ""),
            "Ressource": r["name"],
            "Lien": LINKS.get(r["link"], ""),
            "Précision": r["note"],
        }
        for c in chantiers
        for r in c["resources"]
    ]
    return [
        ("Budget par année", pd.DataFrame(summary)),
        ("Fiches action", pd.DataFrame(fiche_rows)),
        ("Chantiers", pd.DataFrame(chantier_rows)),
        ("Ressources (annexe 1)", pd.DataFrame(resources)),
    ]


def plan_workbook(chantiers: list, fiches: list, budgets: list, fmt: str) -> io.BytesIO:
    buffer = io.BytesIO()
    writer = write_sheets_xlsx if fmt == "xlsx" else write_sheets_ods
    writer(plan_frames(chantiers, fiches, budgets), buffer)
    buffer.seek(0)
    return buffer
