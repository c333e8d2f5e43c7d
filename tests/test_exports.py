"""Exports read back with pandas, openpyxl and odfpy; LibreOffice opens them.

Checks values, accents and emoji, neutralised formulas in every format,
the five workbook sheets, small cells hidden in cross-tabs, and the CLI.
"""

import io
import json
import os
import shutil
import subprocess

import numpy as np
import openpyxl
import pandas as pd
import pytest
from helpers.results_survey import make_results_survey
from odf.opendocument import load as load_ods
from odf.table import Table, TableCell, TableRow
from odf.teletype import extractText
from odf.text import P

from analysis.cells import cell_value, neutralise
from analysis.exports import export, write_csv, write_ods, write_xlsx
from analysis.frames import load_survey
from survey_app.db import connect

SHEETS = [
    "Réponses",
    "Lisez-moi",
    "Synthèse",
    "Tableaux croisés",
    "Comparaison nationale",
    "Dictionnaire des codes",
]


@pytest.fixture
def frames(app, diagnostic):
    survey_id = make_results_survey(app.config["DATABASE"], diagnostic)
    db = connect(app.config["DATABASE"])
    yield load_survey(db, survey_id)
    db.close()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+33 6 12", "'+33 6 12"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("   =HYPERLINK()", "'   =HYPERLINK()"),
        ("＝1+1", "'＝1+1"),
        ("Réponse = oui", "Réponse = oui"),
        ("a-b", "a-b"),
    ],
)
def test_neutralise(text, expected):
    assert neutralise(text) == expected


def test_cell_value_types():
    assert cell_value(float("nan")) is None
    assert cell_value(pd.NA) is None
    assert cell_value("") is None
    assert cell_value(True) == "Oui"
    assert cell_value(["=a", "b"]) == "'=a ; b"
    assert cell_value("x\x00y\x1f") == "xy"
    assert cell_value("é" * 40_000).endswith("…")
    assert cell_value(-3) == -3  # numbers stay numbers


def test_csv_french_excel_variant(frames):
    buffer = io.BytesIO()
    write_csv(frames, buffer)
    data = buffer.getvalue()
    assert data.startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(io.BytesIO(data), sep=";", decimal=",", encoding="utf-8-sig")
    assert len(table) == 40
    assert table["Lieu"].iloc[1] == "Marché <du> jeudi"
    assert table["PR_MENAGE"].iloc[1] == 2
    assert set(table["EQ_MOBILE"]) == {
        "Un smartphone",
        "Un téléphone simple",
        "Aucun des deux",
    }
    texts = table["COMMENTAIRE"].dropna().tolist()
    assert '\'=HYPERLINK("http://evil.example","clic")' in texts
    assert "'  @SUM(A1:A2)" in texts
    assert any("😀" in t for t in texts)
    assert table["Date"].iloc[0] == "01/03/2026 11:00"  # Paris time, French order
    assert all(
        v.startswith("'=") for v in table["BE_SUJETS (autre, précisez)"].dropna()
    )


def test_csv_comma_variant(frames):
    buffer = io.BytesIO()
    export(frames, "csv-comma", buffer)
    data = buffer.getvalue()
    assert not data.startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(io.BytesIO(data))
    assert table["Date"].iloc[0] == "2026-03-01 11:00:00"
    assert "Réponse" in table.columns


def test_xlsx_sheets_values_and_formulas(frames, tmp_path):
    path = tmp_path / "export.xlsx"
    write_xlsx(frames, str(path))
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == SHEETS
    answers = book["Réponses"]
    rows = list(answers.iter_rows(values_only=True))
    header = rows[0]
    assert header[:3] == ("Réponse", "Date", "Lieu")
    assert len(rows) == 41
    column = header.index("COMMENTAIRE")
    texts = [r[column] for r in rows[1:] if r[column]]
    assert '\'=HYPERLINK("http://evil.example","clic")' in texts
    assert any("😀" in t for t in texts)
    # No cell anywhere is a formula.
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)
    assert rows[1][1].year == 2026  # a real date
    assert isinstance(rows[1][header.index("PR_MENAGE")], int | float)
    codebook = list(book["Dictionnaire des codes"].iter_rows(values_only=True))
    assert ("EQ_MOBILE", "Utilisez-vous un smartphone ?") == codebook[1][:2]
    summary = pd.read_excel(path, sheet_name="Synthèse")
    row = summary[
        (summary["Question"] == "EQ_MOBILE") & (summary["Code"] == "smartphone")
    ]
    assert row["Personnes"].iloc[0] == 20 and row["Part (%)"].iloc[0] == 50.0
    readme = " ".join(pd.read_excel(path, sheet_name="Lisez-moi")["Lisez-moi"])
    assert "« masqué »" in readme and "« < 5 »" in readme
    # Issue 8 B3: one basis per table, named (cross-tabs raw, as on the page).
    assert "Tableaux croisés : effectifs et parts bruts (non redressés)" in readme


def test_xlsx_crosstab_sheet_hides_small_cells(app, diagnostic, tmp_path):
    survey_id = make_results_survey(
        app.config["DATABASE"], diagnostic, n=42, code="pti234"
    )
    db = connect(app.config["DATABASE"])
    frames = load_survey(db, survey_id)
    db.close()
    path = tmp_path / "petit.xlsx"
    write_xlsx(frames, str(path))
    cross = pd.read_excel(path, sheet_name="Tableaux croisés")
    assert len(cross)
    people = cross["Personnes"].tolist()
    assert "masqué" in people
    numbers = [float(p) for p in people if not isinstance(p, str)]
    assert numbers and not [p for p in numbers if 0 < p < 5]
    hidden = cross[cross["Personnes"].isin(["< 5", "masqué"])]
    assert hidden["Part du groupe (%)"].isin(["< 5", "masqué"]).all()
    assert_workbook_is_audited(frames, path)


def test_workbook_with_small_cells_is_audited_with_the_synthese(
    app, diagnostic, tmp_path
):
    """Issue 8 B1: with real "< 5" cells in both the Synthèse (3 people
    want help with photos) and the cross-tabs, the cross-tabs are protected
    knowing what the Synthèse prints (same people in their "Ensemble")."""
    from survey_app.surveys.model import store_response

    survey_id = make_results_survey(
        app.config["DATABASE"], diagnostic, n=42, code="syn234"
    )
    db = connect(app.config["DATABASE"])
    version = db.execute(
        "SELECT id FROM survey_versions WHERE survey_id = ?", [survey_id]
    ).fetchone()[0]
    ages = ["25_39", "75_plus", "25_39"]
    for i in range(3):
        store_response(
            db,
            survey_id=survey_id,
            version_id=version,
            point_id=None,
            idempotency_key=f"photos-{i}",
            answers={"EQ_MOBILE": "aucun", "BE_SUJETS": ["photos"], "PR_AGE": ages[i]},
            submitted_at="2026-03-21T10:00:00Z",
        )
    frames = load_survey(db, survey_id)
    db.close()
    path = tmp_path / "synthese.xlsx"
    write_xlsx(frames, str(path))
    summary = pd.read_excel(path, sheet_name="Synthèse")
    wishes = summary[summary["Question"] == "BE_SUJETS"].set_index("Code")
    assert wishes.at["photos", "Personnes"] == "< 5"
    cross = pd.read_excel(path, sheet_name="Tableaux croisés")
    people = cross["Personnes"].tolist()
    assert "< 5" in people and any(not isinstance(p, str) for p in people)
    photos = cross[cross["Réponse"] == "Photos"]
    assert "< 5" in photos["Personnes"].tolist()
    assert_workbook_is_audited(frames, path)


def assert_workbook_is_audited(frames, path):
    """Read back from the file: no cell of 5 or more says "< 5", Synthèse
    shows no small count, and every question's cross-tabs, audited together
    with the Synthèse figures (same people in their "Ensemble" rows), leave
    every hidden cell a feasible range wide enough (disclosure.audit)."""
    from analysis.crosstabs import crosstab
    from analysis.disclosure import audit, linked_layout, linked_masks

    cross = pd.read_excel(path, sheet_name="Tableaux croisés")
    summary = pd.read_excel(path, sheet_name="Synthèse")
    # Answers only: a question's non-response is responses − "Répondants",
    # both printed for every question (not an answer to protect).
    answers = summary[summary["Code"].notna()]
    small = [v for v in answers["Personnes"] if not isinstance(v, str) and 0 < v < 5]
    assert not small, answers[answers["Personnes"].isin(small)]
    checked = 0
    for key in cross["Question"].unique():
        tables, masks = [], []
        for by in ("age", "genre", "situation", "diplome", "lieu"):
            try:
                ct = crosstab(frames, key, by)
            except Exception:
                continue
            part = cross[(cross["Question"] == key) & (cross["Selon"] == ct.title)]
            if part.empty or ct.without_group:
                continue
            tables.append(ct)
            masks.append(read_masks(ct, part))
        if not tables:
            continue
        layout, rows = linked_layout(
            [ct.counts for ct in tables], additive_rows=not tables[0].multiple
        )
        hidden, primary = linked_masks(layout, rows, masks)
        overall = summary[summary["Question"] == key]
        labels = {ct.labels[c]: j for j, c in enumerate(tables[0].counts.columns[:-1])}
        layout.known = np.zeros(hidden.shape, dtype=bool)
        layout.known[-1, -1] = True  # Répondants
        for label, value in zip(overall["Réponse"], overall["Personnes"], strict=True):
            if label in labels and not isinstance(value, str):
                layout.known[-1, labels[label]] = True
            elif label in labels and value == "< 5":  # the reader knows 1 to 4
                primary[-1, labels[label]] = hidden[-1, labels[label]]
        result = audit(layout, hidden, primary=primary)
        assert result["safe"].all(), (key, result)
        checked += 1
    assert checked


def read_masks(ct, part):
    """(hidden, primary) of one cross-tab as the sheet prints it."""
    counts = ct.counts
    hidden = np.zeros(counts.shape, dtype=bool)
    primary = np.zeros(counts.shape, dtype=bool)
    names = {
        ("Ensemble" if g == "Total" else ct.group_labels.get(g, g)): i
        for i, g in enumerate(counts.index)
    }
    columns = {ct.labels[c]: j for j, c in enumerate(counts.columns[:-1])}
    last = len(counts.columns) - 1
    for _, row in part.iterrows():
        i, j = names[row["Groupe"]], columns[row["Réponse"]]
        for jj, shown in ((j, row["Personnes"]), (last, row["Personnes du groupe"])):
            truth = counts.iat[i, jj]
            if isinstance(shown, str):
                hidden[i, jj] = True
                primary[i, jj] = shown == "< 5"
                assert shown == "masqué" or 0 < truth < 5, (ct.key, truth)
            else:
                assert shown == truth
    return hidden, primary


def ods_rows(path, sheet):
    doc = load_ods(str(path))
    for table in doc.spreadsheet.getElementsByType(Table):
        if table.getAttribute("name") != sheet:
            continue
        rows = []
        for tr in table.getElementsByType(TableRow):
            cells = []
            for cell in tr.getElementsByType(TableCell):
                kind = cell.getAttribute("valuetype")
                if kind == "float":
                    cells.append(float(cell.getAttribute("value")))
                elif kind == "date":
                    cells.append(cell.getAttribute("datevalue"))
                else:
                    lines = [extractText(p) for p in cell.getElementsByType(P)]
                    cells.append("\n".join(lines) if lines else None)
            rows.append(cells)
        return rows
    raise AssertionError(f"no sheet {sheet}")


def test_ods_sheets_values_and_formulas(frames, tmp_path):
    path = tmp_path / "export.ods"
    write_ods(frames, str(path))
    doc = load_ods(str(path))
    names = [t.getAttribute("name") for t in doc.spreadsheet.getElementsByType(Table)]
    assert names == SHEETS
    rows = ods_rows(path, "Réponses")
    header = rows[0]
    assert len(rows) == 41
    column = header.index("COMMENTAIRE")
    texts = [r[column] for r in rows[1:] if r[column]]
    assert '\'=HYPERLINK("http://evil.example","clic")' in texts
    assert "'  @SUM(A1:A2)" in texts  # leading spaces kept
    assert any("😀" in t for t in texts)
    assert rows[1][1] == "2026-03-01T11:00:00"
    assert "table:formula" not in open_content(path)


def open_content(path) -> str:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        assert archive.namelist()[0] == "mimetype"
        return archive.read("content.xml").decode()


def test_json_export(frames):
    buffer = io.BytesIO()
    export(frames, "json", buffer)
    data = json.loads(buffer.getvalue().decode())
    assert data["enquete"]["titre"] == "Enquête « test » & co"
    assert len(data["reponses"]) == 40
    mobile = next(q for q in data["questions"] if q["cle"] == "EQ_MOBILE")
    assert {"code": "smartphone", "libelle": "Un smartphone"} in mobile["choix"]
    assert any("😀" in (r["COMMENTAIRE"] or "") for r in data["reponses"])


def test_cli_export_by_point_code_and_survey_code(app, runner, diagnostic, tmp_path):
    make_results_survey(app.config["DATABASE"], diagnostic, code="cli234")
    result = runner.invoke(args=["export", "mcli234"])
    assert result.exit_code == 0, result.output
    assert "Réponse;Date;Lieu" in result.stdout
    out = tmp_path / "e.xlsx"
    result = runner.invoke(
        args=["export", "CLI234", "--format", "xlsx", "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(out).sheetnames == SHEETS
    result = runner.invoke(args=["export", "inconnu"])
    assert result.exit_code != 0 and "Aucune enquête" in result.output


def libreoffice() -> str | None:
    path = shutil.which("libreoffice") or shutil.which("soffice")
    if path is None and os.environ.get("CI"):
        pytest.fail("LibreOffice doit être installé en CI (paquet libreoffice-calc)")
    return path


def test_libreoffice_opens_xlsx_and_ods(frames, tmp_path):
    office = libreoffice()
    if office is None:
        pytest.skip("LibreOffice absent de ce poste")
    write_xlsx(frames, str(tmp_path / "excel.xlsx"))
    write_ods(frames, str(tmp_path / "calc.ods"))
    result = subprocess.run(
        [
            office,
            f"-env:UserInstallation=file://{tmp_path}/profil",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):59,34,76,1",
            "--outdir",
            str(tmp_path / "out"),
            str(tmp_path / "excel.xlsx"),
            str(tmp_path / "calc.ods"),
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr
    assert "Error" not in result.stderr, result.stderr
    converted = [
        (tmp_path / "out" / f"{name}.csv").read_text(encoding="utf-8")
        for name in ("excel", "calc")
    ]
    # Both open to the same first sheet, read back intact.
    assert converted[0] == converted[1]
    assert converted[0].count("\n") >= 41
    assert "Marché <du> jeudi" in converted[0] and "😀" in converted[0]
    assert "'=HYPERLINK" in converted[0]
