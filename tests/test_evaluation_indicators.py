"""Indicators of the fiches action (issue 12 §1), through the pages: create,
edit, measure, delete; who may; bad input; values computed from a survey;
the document's evaluation part; the fiches' old free-text indicators."""

import io
import re

import pytest
from helpers.analysis_surveys import make_survey
from helpers.evaluation import make_fiche, make_indicator
from helpers.web import csrf_from, post_form
from helpers.workshops import other_conseiller

from evaluation.measures import survey_share

N = "\u202f"


def ev(diagnostic: int, path: str = "") -> str:
    return f"/diagnostics/{diagnostic}/evaluation/indicateurs{path}"


FORM = {
    "name": "Personnes accompagnées",
    "unit": "personnes",
    "baseline_value": "20",
    "baseline_on": "2026-01-01",
    "target_value": "1 200,5",
    "target_on": "31/12/2027",
    "frequency": "mensuelle",
    "source_kind": "manual",
    "source_note": "Registre des permanences",
}


def count(db, table: str) -> int:
    return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def new_indicator(client, diagnostic, data, fiche_id):
    page = ev(diagnostic, f"/nouveau?fiche={fiche_id}")
    html = client.get(page).get_data(as_text=True)
    key = re.search(r'name="key" value="(\w+)"', html).group(1)
    form = {"csrf_token": csrf_from(html), "key": key, "fiche_id": fiche_id, **data}
    return client.post(ev(diagnostic), data=form), form


def test_create_twice_stores_once_and_edit(logged_in, diagnostic, db):
    fiche = make_fiche(db, diagnostic)
    response, form = new_indicator(logged_in, diagnostic, FORM, fiche)
    assert response.status_code == 302
    assert logged_in.post(ev(diagnostic), data=form).status_code == 302  # double tap
    rows = db.execute("SELECT * FROM evaluation_indicators").fetchall()
    assert len(rows) == 1
    row = rows[0]
    assert (row["fiche_id"], row["baseline_value"], row["target_value"]) == (
        fiche, 20, 1200.5,
    )  # fmt: skip
    assert (row["baseline_on"], row["target_on"]) == ("2026-01-01", "2027-12-31")
    page = logged_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "Personnes accompagnées" in page and f"1{N}200,5" in page
    assert "31 décembre 2027" in page and "pas de donnée" in page
    edit = ev(diagnostic, f"/{row['id']}/modifier")
    form_html = logged_in.get(edit).get_data(as_text=True)
    assert 'value="1200,5"' in form_html  # shown again as typed, French
    changed = {**FORM, "fiche_id": fiche, "name": "Personnes reçues"}
    assert post_form(logged_in, edit, changed).status_code == 302
    assert db.execute("SELECT name FROM evaluation_indicators").fetchone()[0] == (
        "Personnes reçues"
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Donnez un nom à l'indicateur."),
        ({"target_value": "douze"}, "Cible : « douze » n'est pas un nombre"),
        ({"baseline_value": "1e400"}, "n'est pas un nombre utilisable"),
        ({"target_on": "bientôt"}, "Cible : date illisible"),
        ({"target_on": ""}, "Cible : indiquez la valeur et sa date, ou aucune."),
        ({"target_on": "2025-01-01"}, "La date de la cible doit venir après"),
        ({"frequency": "hebdo"}, "Fréquence de mesure inconnue."),
        ({"source_kind": "survey"}, "Source enquête : cochez une ou plusieurs"),
        ({"source_kind": "portrait"}, "Source portrait : choisissez un chiffre"),
        ({"source_kind": "astrologie"}, "Source de l'indicateur inconnue."),
        ({"fiche_id": "999"}, "Choisissez la fiche action que l'indicateur mesure."),
    ],
)
def test_bad_input_stores_nothing(logged_in, diagnostic, db, changes, message):
    fiche = make_fiche(db, diagnostic)
    response, _ = new_indicator(logged_in, diagnostic, {**FORM, **changes}, fiche)
    if "fiche_id" in changes:  # posted again with the foreign fiche
        html = logged_in.get(ev(diagnostic, "/nouveau")).get_data(as_text=True)
        response = logged_in.post(
            ev(diagnostic),
            data={**FORM, **changes, "csrf_token": csrf_from(html), "key": "k1"},
        )
    assert response.status_code == 422
    html = response.get_data(as_text=True).replace("&#39;", "'").replace("&#34;", '"')
    assert message in html
    assert "Rien n'a été enregistré" in html
    assert count(db, "evaluation_indicators") == 0


def test_measures_by_hand_then_status_and_chart(logged_in, diagnostic, db):
    fiche = make_fiche(db, diagnostic)
    indicator = make_indicator(db, diagnostic, fiche, name="<b>Bourgs</b> & co")
    page = ev(diagnostic, f"/{indicator}")
    html = logged_in.get(page).get_data(as_text=True)
    key = re.search(r'name="key" value="(\w+)"', html).group(1)
    data = {"csrf_token": csrf_from(html), "key": key, "measured_on": "2026-07-02",
            "value": "35", "source": "Registre"}  # fmt: skip
    url = page + "/mesures"
    assert logged_in.post(url, data=data).status_code == 302
    assert logged_in.post(url, data=data).status_code == 302  # double tap
    assert count(db, "evaluation_measures") == 1
    html = logged_in.get(page).get_data(as_text=True)
    assert "en retard" in html  # 37.5 % of the change for 49.9 % of the time
    assert "<b>Bourgs</b>" not in html and "&lt;b&gt;Bourgs&lt;/b&gt; &amp; co" in html
    assert "2 juillet 2026" in html
    assert "prochaine mesure : 2 août 2026" in html  # monthly
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    assert "<b>" not in svg and "35" in svg
    # Bad measures: French message, nothing stored, what was typed kept.
    for bad, message in (
        ({"value": "beaucoup"}, "n'est pas un nombre"),
        ({"measured_on": "hier"}, "Date de la mesure illisible"),
        ({"source": ""}, "Indiquez la source de la mesure"),
        ({"value": ""}, "Indiquez la valeur mesurée."),
    ):
        response = logged_in.post(url, data={**data, "key": "autre", **bad})
        assert response.status_code == 422
        text = response.get_data(as_text=True).replace("&#39;", "'")
        assert message in text
    assert count(db, "evaluation_measures") == 1
    measure = db.execute("SELECT id FROM evaluation_measures").fetchone()[0]
    delete = f"{page}/mesures/{measure}/supprimer"
    assert post_form(logged_in, delete, {}, page=page).status_code == 302
    assert count(db, "evaluation_measures") == 0
    assert post_form(logged_in, delete, {}, page=page).status_code == 404
    remove = f"{page}/supprimer"
    assert post_form(logged_in, remove, {}, page=page).status_code == 302
    assert count(db, "evaluation_indicators") == 0


def test_other_conseillers_and_forged_requests_change_nothing(
    app, client, logged_in, diagnostic, db
):
    fiche = make_fiche(db, diagnostic)
    indicator = make_indicator(db, diagnostic, fiche)
    page = ev(diagnostic, f"/{indicator}")
    no_token = {**FORM, "fiche_id": fiche, "key": "x1"}
    assert logged_in.post(ev(diagnostic), data=no_token).status_code == 400
    measure = {"measured_on": "2026-07-02", "value": "1", "source": "s"}
    assert logged_in.post(page + "/mesures", data=measure).status_code == 400
    assert logged_in.post(page + "/supprimer").status_code == 400
    post_form(logged_in, "/deconnexion", {}, page=ev(diagnostic))
    anonymous = client.get(ev(diagnostic))
    assert anonymous.status_code == 302
    assert "/connexion" in anonymous.headers["Location"]
    other = other_conseiller(app, client)
    token = csrf_from(other.get("/diagnostics/nouveau").get_data(as_text=True))
    for url in (ev(diagnostic), page, ev(diagnostic, "/nouveau"), page + "/modifier"):
        assert other.get(url).status_code == 403, url
    forged = {"csrf_token": token, **FORM, "fiche_id": fiche, "key": "x2"}
    assert other.post(ev(diagnostic), data=forged).status_code == 403
    assert other.post(page + "/modifier", data=forged).status_code == 403
    with_token = {**measure, "csrf_token": token}
    assert other.post(page + "/mesures", data=with_token).status_code == 403
    assert other.post(page + "/supprimer", data=with_token).status_code == 403
    # Their own diagnostic cannot reach ours by id either.
    theirs = db.execute(
        "SELECT id FROM diagnostics WHERE title = 'Autre diagnostic'"
    ).fetchone()[0]
    assert other.get(ev(theirs, f"/{indicator}")).status_code == 404
    assert (
        other.post(
            ev(theirs, f"/{indicator}/supprimer"), data={"csrf_token": token}
        ).status_code
        == 404
    )
    assert count(db, "evaluation_indicators") == 1
    assert count(db, "evaluation_measures") == 0


# 15 people: 6 smartphone, 2 simple phone, 5 none, 2 who skipped the question;
# activities: email alone 4, purchases alone 2, both 1, nothing 3.
ANSWERS = (
    [{"EQ_MOBILE": "smartphone"}] * 6
    + [{"EQ_MOBILE": "mobile_simple"}] * 2
    + [{"EQ_MOBILE": "aucun"}] * 5
    + [{"US_ACTIVITES": ["email"]}] * 4
    + [{"US_ACTIVITES": ["achats"]}] * 2
    + [{"US_ACTIVITES": ["email", "achats"]}]
    + [{"US_ACTIVITES": ["aucune"]}] * 3
)


def test_survey_share_is_the_hand_count(db, diagnostic):
    from datetime import date

    survey = make_survey(db, diagnostic, ANSWERS)
    phone = survey_share(db, survey, "EQ_MOBILE", ["smartphone", "mobile_simple"])
    # 8 of the 13 who answered; 5 did not choose them (not a small cell).
    assert phone.respondents == 13
    assert phone.percent == pytest.approx(100 * 8 / 13)
    # Answers are dated 1–9 March by the helper (n % 9): the collection period.
    assert (phone.first_day, phone.last_day) == (date(2026, 3, 1), date(2026, 3, 9))
    email = survey_share(db, survey, "US_ACTIVITES", ["email"])
    assert (email.respondents, email.percent) == (10, 50.0)  # 5 of 10
    # Email or purchases: 7 of 10, so 3 did neither: a small cell, hidden.
    both = survey_share(db, survey, "US_ACTIVITES", ["email", "achats"])
    assert both.respondents == 10 and both.percent is None
    # 2 of 13 chose "mobile_simple": hidden too.
    assert survey_share(db, survey, "EQ_MOBILE", ["mobile_simple"]).percent is None
    assert survey_share(db, survey, "PAS_POSEE", ["x"]) is None
    few = make_survey(db, diagnostic, [{"EQ_MOBILE": "smartphone"}] * 4)
    assert survey_share(db, few, "EQ_MOBILE", ["smartphone"]).percent is None


def test_each_survey_is_a_measure_of_a_survey_indicator(logged_in, diagnostic, db):
    make_survey(db, diagnostic, ANSWERS)
    fiche = make_fiche(db, diagnostic)
    data = {**FORM, "unit": "", "source_kind": "survey",
            "answers": ["EQ_MOBILE:smartphone", "EQ_MOBILE:mobile_simple"],
            "baseline_value": "", "baseline_on": ""}  # fmt: skip
    response, _ = new_indicator(logged_in, diagnostic, data, fiche)
    assert response.status_code == 302, response.get_data(as_text=True)
    row = db.execute("SELECT * FROM evaluation_indicators").fetchone()
    assert (row["question_key"], row["unit"]) == ("EQ_MOBILE", "% des répondants")
    html = logged_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "61,5\u00a0%" in html  # 8 / 13
    assert "du 1er mars 2026 au 9 mars 2026 : 13 répondant(s)" in html
    # A second survey (a later wave): a second measure, so a status.
    later = [{"EQ_MOBILE": "smartphone"}] * 10 + [{"EQ_MOBILE": "aucun"}] * 5
    make_survey(db, diagnostic, later, submitted_at="2026-09-01T10:00:00Z")
    html = logged_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "66,7\u00a0%" in html and "1er septembre 2026" in html
    # From 61.5 % to 1 200.5 by the end of 2027: far behind the path.
    assert "en retard" in html
    dashboard = logged_in.get(ev(diagnostic)).get_data(as_text=True)
    assert "en retard" in dashboard and "Personnes accompagnées" in dashboard


def test_document_and_steps_show_the_dashboard(logged_in, diagnostic, db, tmp_path):
    from docx import Document as read_docx

    from analysis.document_docx import write_docx
    from analysis.document_model import Figure, Heading, Paragraph, Table
    from diagnostic.document import Selection, build_document

    empty = build_document(db, diagnostic, Selection(sections=["evaluation"]))
    assert any(
        isinstance(b, Paragraph) and b.text.startswith("À compléter")
        for b in empty.blocks
    )
    fiche = make_fiche(db, diagnostic, "Ateliers <i>au</i> CCAS")
    late = make_indicator(db, diagnostic, fiche)
    db.execute(
        "INSERT INTO evaluation_measures (indicator_id, measured_on, value, source, "
        "created_at) VALUES (?, '2026-07-02', 35, 'Registre', '2026-07-02')",
        [late],
    )
    make_indicator(db, diagnostic, fiche, name="Partenariats", target_on=None,
                   target_value=None)  # fmt: skip
    doc = build_document(db, diagnostic, Selection(sections=["evaluation", "plan"]))
    headings = [b.text for b in doc.blocks if isinstance(b, Heading)]
    assert "Tableau de bord des indicateurs" in headings
    caption = "Indicateurs de la fiche action « Ateliers <i>au</i> CCAS »"
    board = next(b for b in doc.blocks
                 if isinstance(b, Table) and b.caption == caption)  # fmt: skip
    assert board.rows == [
        ["Personnes accompagnées (personnes)", "20 (1er janvier 2026)",
         "35 (2 juillet 2026)", "60 (1er janvier 2027)", "en retard"],
        ["Partenariats (personnes)", "20 (1er janvier 2026)", "—", "à fixer",
         "pas de donnée"],
    ]  # fmt: skip
    assert sum(isinstance(b, Figure) for b in doc.blocks) >= 2
    # The fiche (annex 2) in the plan part lists the indicators too.
    annex = [b for b in doc.blocks if isinstance(b, Table)
             and ["Personnes accompagnées", "personnes"] in b.rows]  # fmt: skip
    assert annex
    write_docx(doc, str(tmp_path / "d.docx"))
    cells = {c.text for t in read_docx(tmp_path / "d.docx").tables
             for row in t.rows for c in row.cells}  # fmt: skip
    assert "35 (2 juillet 2026)" in cells
    steps = logged_in.get(f"/diagnostics/{diagnostic}/etapes").get_data(as_text=True)
    step8 = steps[steps.index('id="etape-8"') :]
    assert "2 indicateurs de suivi" in step8 and "1 en retard" in step8
    assert "1 pas de donnée" in step8 and ev(diagnostic) in step8
    fiche_page = logged_in.get(f"/diagnostics/{diagnostic}/plan/fiches/{fiche}")
    assert "Partenariats" in fiche_page.get_data(as_text=True)
    export = logged_in.get(f"/diagnostics/{diagnostic}/plan/fiches/{fiche}.docx")
    fiche_docx = read_docx(io.BytesIO(export.data))
    assert "Partenariats" in {c.text for t in fiche_docx.tables
                              for row in t.rows for c in row.cells}  # fmt: skip


def test_bad_values_in_every_field_never_fail(logged_in, diagnostic, db):
    fiche = make_fiche(db, diagnostic)
    indicator = make_indicator(db, diagnostic, fiche)
    page = ev(diagnostic, f"/{indicator}")
    token = csrf_from(logged_in.get(page).get_data(as_text=True))
    fields = ["fiche_id", "name", "unit", "baseline_value", "baseline_on",
              "target_value", "target_on", "frequency", "source_kind", "answers",
              "portrait_indicator", "source_note", "measured_on", "value", "source",
              "key"]  # fmt: skip
    urls = [ev(diagnostic), page + "/modifier", page + "/mesures"]
    for bad in ["99999999999999999999999", "1e400", "NaN", "-1", "", "a:b", "0/0/0"]:
        for url in urls:
            response = logged_in.post(
                url, data={"csrf_token": token, **dict.fromkeys(fields, bad)}
            )
            assert response.status_code in (302, 422), (url, bad)
    assert count(db, "evaluation_indicators") == 1
    assert count(db, "evaluation_measures") == 0


def test_free_text_indicators_of_fiches_become_indicators(tmp_path):
    from importlib import import_module

    from survey_app.db import connect
    from survey_app.storage import MIGRATION_MODULES

    db = connect(str(tmp_path / "old.db"))
    for name in MIGRATION_MODULES[:-1]:
        import_module(name).migrations.apply(db)
    db.execute("INSERT INTO users (email, name, password_hash, created_at) "
               "VALUES ('a@b.fr', 'A', 'x', '2026-01-01')")  # fmt: skip
    db.execute("INSERT INTO diagnostics (title, created_by, created_at) "
               "VALUES ('D', 1, '2026-01-01')")  # fmt: skip
    db.execute(
        "INSERT INTO plan_fiches (diagnostic_id, title, indicators, created_at, "
        "updated_at) VALUES (1, 'F', ?, '2026-01-01', '2026-02-01')",
        ['[{"name": "Personnes formées", "unit": "personnes"}, '
         '{"name": "", "unit": ""}]'],
    )  # fmt: skip
    db.conn.commit()
    import_module("evaluation.migrations").migrations.apply(db)
    rows = db.execute(
        "SELECT fiche_id, name, unit, source_kind FROM evaluation_indicators"
    ).fetchall()
    assert [tuple(r) for r in rows] == [(1, "Personnes formées", "personnes", "manual")]
    assert db.execute("SELECT indicators FROM plan_fiches").fetchone()[0] == "[]"
    import_module("evaluation.migrations").migrations.apply(db)  # again: no-op
    assert count(db, "evaluation_indicators") == 1


def test_portrait_figure_is_a_measure_dated_by_its_source(db, diagnostic):
    from datetime import date

    from diagnostic.portrait import set_figure
    from evaluation.dashboard import indicator_views

    db.execute(
        "INSERT INTO diagnostic_communes (diagnostic_id, commune_code) "
        "VALUES (?, '38242')",
        [diagnostic],
    )
    set_figure(db, diagnostic, "38242", "couverture_thd", 61.5, "Arcep", 2024)
    fiche = make_fiche(db, diagnostic)
    make_indicator(
        db, diagnostic, fiche, source_kind="portrait", unit="%",
        portrait_indicator="couverture_thd", baseline_value=None, baseline_on=None,
        target_value=95, target_on="2027-12-31",
    )  # fmt: skip
    (view,) = indicator_views(db, diagnostic)
    (measure,) = view.measures
    assert (measure.on, measure.value, measure.kind) == (
        date(2024, 1, 1), 61.5, "portrait",
    )  # fmt: skip
    assert "Arcep, 2024" in measure.source
    assert (view.status.start.on, view.status.code) == (date(2024, 1, 1), "no_data")
