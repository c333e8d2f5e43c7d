"""From a top-voted workshop card to a chantier, a fiche action and its
exports (issue 11 §4–5), through the pages, with bad input and double taps."""

import io
import re

import pytest
from docx import Document
from helpers.web import csrf_from, post_form
from helpers.workshops import make_workshop, other_conseiller, participant
from odf.opendocument import load as load_odf
from odf.teletype import extractText
from odf.text import P

from facilitation import boards, cards, moderation, votes

N = "\u202f"


def plan(diagnostic: int, path: str = "") -> str:
    return f"/diagnostics/{diagnostic}/plan{path}"


@pytest.fixture
def voted(db, diagnostic):
    """A brainstorm whose cards got dots: 'Ateliers au CCAS' 5 (2 + a merged
    duplicate's 3), 'Bus numérique' 4, 'Flyers' 1."""
    workshop = make_workshop(db, diagnostic, ("brainstorm", None))
    wid, source = workshop["id"], workshop["activities"][0]
    author = participant(db, wid)
    texts = ["Ateliers au CCAS", "Bus numérique", "Flyers", "Ateliers CCAS (bis)"]
    ids = [cards.post_card(db, source, "idees", t, author)["id"] for t in texts]
    vote = boards.create_activity(
        db, wid, "dots", config={"source_activity_id": source}
    )
    alice, bob = participant(db, wid), participant(db, wid)
    votes.set_vote(db, vote, alice, ids[0], count=2)
    votes.set_vote(db, vote, alice, ids[2], count=1)
    votes.set_vote(db, vote, bob, ids[1], count=4)
    carol = participant(db, wid)
    votes.set_vote(db, vote, carol, ids[3], count=3)
    moderation.merge(db, wid, ids[3], ids[0])  # a group: dots add up
    return {"vote": vote, "cards": ids}


def make_chantiers(client, diagnostic, voted, chosen):
    page = plan(diagnostic, f"/depuis-atelier/{voted['vote']}")
    html = client.get(page).get_data(as_text=True)
    key = re.search(r'name="key" value="(\w+)"', html).group(1)
    data = {"csrf_token": csrf_from(html), "key": key, "cards": chosen}
    return client.post(page, data=data), data, page


def test_top_voted_cards_become_chantiers_once(logged_in, diagnostic, voted, db):
    page = plan(diagnostic, f"/depuis-atelier/{voted['vote']}")
    html = logged_in.get(page).get_data(as_text=True)
    # Ranked by dots, the group first with its merged card's dots.
    assert html.index("Ateliers au CCAS") < html.index("Bus numérique")
    assert "Ateliers au CCAS — 5 gommette(s), groupe de 2 cartes" in html
    first, second = voted["cards"][0], voted["cards"][1]
    response, data, _ = make_chantiers(logged_in, diagnostic, voted, [second, first])
    assert response.status_code == 302
    again = logged_in.post(page, data=data)  # double tap: same key
    assert again.status_code == 302
    rows = db.execute(
        "SELECT p.title, c.card_id, c.votes_at_creation FROM plan_chantiers p "
        "JOIN plan_chantier_cards c ON c.chantier_id = p.id ORDER BY p.position"
    ).fetchall()
    assert [tuple(r) for r in rows] == [
        ("Ateliers au CCAS", first, 5), ("Bus numérique", second, 4),
    ]  # fmt: skip
    # A new form for a card already turned into a chantier makes nothing.
    make_chantiers(logged_in, diagnostic, voted, [first])
    assert db.execute("SELECT count(*) FROM plan_chantiers").fetchone()[0] == 2
    # Votes are read live: a new dot shows on the plan.
    index = logged_in.get(plan(diagnostic)).get_data(as_text=True)
    assert "issu de l'atelier : 5 gommette(s)" in index


def test_foreign_card_or_activity_is_refused(logged_in, diagnostic, voted, db):
    response, _, _ = make_chantiers(logged_in, diagnostic, voted, [999999])
    assert response.status_code == 404
    assert logged_in.get(plan(diagnostic, "/depuis-atelier/999999")).status_code == 404
    assert db.execute("SELECT count(*) FROM plan_chantiers").fetchone()[0] == 0


def chantier_with_resources(client, diagnostic, voted, db) -> int:
    make_chantiers(client, diagnostic, voted, [voted["cards"][0]])
    cid = db.execute("SELECT id FROM plan_chantiers").fetchone()[0]
    url = plan(diagnostic, f"/chantiers/{cid}")
    post_form(
        client,
        url + "/leviers",
        {"obstacle": "Peur de l'erreur", "lever": "Binômes"},
        page=url,
    )
    for kind, name, link in [
        ("partenaire", "CCAS", "operating"),
        ("financement", "CAF <b>appel</b>", "identified"),
        ("materiel", "Tablettes", "missing"),
    ]:
        post_form(
            client,
            url + "/ressources",
            {"kind": kind, "name": name, "link": link, "note": "accueil"},
            page=url,
        )
    return cid


def test_resource_map_draws_links_by_state(logged_in, diagnostic, voted, db):
    chantier_with_resources(logged_in, diagnostic, voted, db)
    html = logged_in.get(plan(diagnostic, "/ressources")).get_data(as_text=True)
    svg = html[html.index("<svg") : html.index("</svg>")]
    lines = re.findall(r"<line [^>]*>", svg)
    assert len(lines) == 2  # operating and identified; missing has no line
    assert sum("stroke-dasharray" in line for line in lines) == 1
    assert "CAF &lt;b&gt;appel&lt;/b&gt;" in svg and "<b>appel" not in html
    assert "Pas de lien (aucun trait)" in html  # the table says it too


def test_bad_resource_changes_nothing(logged_in, diagnostic, voted, db):
    cid = chantier_with_resources(logged_in, diagnostic, voted, db)
    url = plan(diagnostic, f"/chantiers/{cid}")
    post_form(
        logged_in,
        url + "/ressources",
        {"kind": "fusée", "name": "X", "link": "operating"},
        page=url,
    )
    assert db.execute("SELECT count(*) FROM plan_resources").fetchone()[0] == 3


FICHE = {
    "title": "Ateliers numériques au CCAS",
    "objective": "Rendre autonomes les allocataires",
    "lead": "CCAS",
    "partner-0-name": "Médiathèque", "partner-0-nature": "prête la salle",
    "ages": ["60-74 ans", "75 ans et plus"], "genders": ["Tous publics"],
    "human_count": "2",
    "starts_on": "2026-01-05", "ends_on": "2027-06-30",
    "ms-0-on": "15/03/2026", "ms-0-label": "Premier atelier",
    "indicator-0-name": "Personnes accompagnées", "indicator-0-unit": "personnes",
    "gov-0-body": "Comité de pilotage", "gov-0-members": "Élue, CCAS",
    "calendar-2026": "Lancement", "calendar-2027": "Bilan",
    "cost-0-kind": "fonctionnement", "cost-0-label": "Salaire",
    "cost-0-2026": "20 000", "cost-0-2027": "21 000,50",
    "cost-1-kind": "investissement", "cost-1-label": "Tablettes",
    "cost-1-2026": "8999,50",
    "fin-collectivite-2026": "28999,5", "fin-europe-detail": "FEDER",
    "fin-europe-2027": "21 000,50",
}  # fmt: skip


def new_fiche(client, diagnostic, data, query=""):
    page = plan(diagnostic, "/fiches/nouvelle" + query)
    html = client.get(page).get_data(as_text=True)
    key = re.search(r'name="key" value="(\w+)"', html).group(1)
    years = re.search(r'name="years" value="([\d,]+)"', html).group(1)
    action = re.search(r'<form method="post" action="([^"]*/fiches[^"]*)"', html).group(
        1
    )
    form = {"csrf_token": csrf_from(html), "key": key, "years": years, **data}
    return client.post(action.replace("&amp;", "&"), data=form), form, action, html


def test_chantier_becomes_a_prefilled_fiche(logged_in, diagnostic, voted, db):
    cid = chantier_with_resources(logged_in, diagnostic, voted, db)
    _, _, _, html = new_fiche(logged_in, diagnostic, {}, f"?chantier={cid}")
    assert 'value="Ateliers au CCAS"' in html
    assert "Peur de l&#39;erreur → Binômes" in html
    assert 'value="CCAS"' in html  # the partner resource
    # The chantier's card is ticked as evidence, with its live dots.
    assert re.search(r'value="card:\d+" checked', html)
    data = {**FICHE, "years": "2026,2027", "evidence": f"card:{voted['cards'][0]}"}
    response, form, action, _ = new_fiche(
        logged_in, diagnostic, data, f"?chantier={cid}"
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert logged_in.post(action.replace("&amp;", "&"), data=form).status_code == 302
    rows = db.execute("SELECT id, chantier_id, costs FROM plan_fiches").fetchall()
    assert len(rows) == 1 and rows[0]["chantier_id"] == cid
    assert '"2027": "21000.50"' in rows[0]["costs"]
    page = logged_in.get(response.headers["Location"]).get_data(as_text=True)
    assert f"50{N}000,00{N}€" in page  # total cost
    assert "ne couvrent pas" not in page  # balanced, year by year
    assert "Ateliers au CCAS » : 5 gommette(s)" in page
    assert "15 mars 2026" in page


def test_mismatch_is_shown_and_bad_numbers_store_nothing(logged_in, diagnostic, db):
    data = {**FICHE, "fin-collectivite-2026": "1000"}
    response, _, _, _ = new_fiche(logged_in, diagnostic, data)
    page = logged_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "Les financements ne correspondent pas aux coûts." in page
    assert f"écart de 27{N}999,50{N}€" in page
    before = db.execute("SELECT count(*) FROM plan_fiches").fetchone()[0]
    bad = {**FICHE, "cost-0-2026": "vingt mille", "ms-0-on": "bientôt", "title": ""}
    response, _, _, _ = new_fiche(logged_in, diagnostic, bad)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Rien n'a été enregistré" in html
    assert "« vingt mille » n&#39;est pas un montant en euros" in html
    assert "Donnez un titre à l&#39;action." in html
    assert "Jalon « Premier atelier » : date manquante" in html
    assert 'value="vingt mille"' in html  # what was typed is shown again
    assert db.execute("SELECT count(*) FROM plan_fiches").fetchone()[0] == before


def test_area_prefilled_with_the_communes(logged_in, diagnostic, db):
    db.execute("INSERT INTO diagnostic_communes VALUES (?, ?)", [diagnostic, "33063"])
    db.conn.commit()
    _, _, _, html = new_fiche(logged_in, diagnostic, {})
    assert ">Bordeaux</textarea>" in html


def test_duplicate_edit_and_exports(logged_in, diagnostic, db):
    response, _, _, _ = new_fiche(
        logged_in, diagnostic, {**FICHE, "lead": "CCAS <script>"}
    )
    url = response.headers["Location"]
    fid = int(url.rsplit("/", 1)[1])
    copy = post_form(logged_in, url + "/copie", {"key": "copie1"}, page=url)
    assert copy.status_code == 302
    post_form(logged_in, url + "/copie", {"key": "copie1"}, page=url)
    titles = [r[0] for r in db.execute("SELECT title FROM plan_fiches ORDER BY id")]
    assert titles == [FICHE["title"], "Copie de " + FICHE["title"]]
    docx = logged_in.get(plan(diagnostic, f"/fiches/{fid}.docx"))
    document = Document(io.BytesIO(docx.data))
    texts = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert "CCAS <script>" in texts
    assert f"50{N}000,00{N}€" in texts and "Europe (fonds) : FEDER" in texts
    odt = load_odf(
        io.BytesIO(logged_in.get(plan(diagnostic, f"/fiches/{fid}.odt")).data)
    )
    paragraphs = [extractText(p) for p in odt.getElementsByType(P)]
    assert "Total financements publics" in paragraphs
    assert f"50{N}000,00{N}€" in paragraphs
    for fmt in ("xlsx", "ods"):
        response = logged_in.get(plan(diagnostic, f"/plan-d-action.{fmt}"))
        assert response.status_code == 200 and len(response.data) > 500
    # Editing keeps the amounts and updates the date.
    edit = plan(diagnostic, f"/fiches/{fid}/modifier")
    html = logged_in.get(edit).get_data(as_text=True)
    assert 'value="21000,50"' in html


def test_plan_xlsx_budget_summary(logged_in, diagnostic, db):
    import pandas as pd

    new_fiche(logged_in, diagnostic, FICHE)
    data = logged_in.get(plan(diagnostic, "/plan-d-action.xlsx")).data
    summary = pd.read_excel(io.BytesIO(data), sheet_name=None)
    budget = summary["Budget par année"]
    assert list(budget["Année"]) == [2026, 2027]
    assert list(budget["Coût total (€ TTC)"]) == [28999.5, 21000.5]
    assert list(budget["Écart financements − coûts (€)"]) == [0, 0]


def test_plan_ods_reads_back_and_formulas_are_neutralised(logged_in, diagnostic):
    import pandas as pd

    new_fiche(logged_in, diagnostic, {**FICHE, "title": "=HYPERLINK(1)"})
    for fmt, engine in (("ods", "odf"), ("xlsx", None)):
        data = logged_in.get(plan(diagnostic, f"/plan-d-action.{fmt}")).data
        sheets = pd.read_excel(io.BytesIO(data), sheet_name=None, engine=engine)
        fiches = sheets["Fiches action"]
        assert list(fiches["Fiche action"]) == ["'=HYPERLINK(1)"]
        assert list(fiches["Coût total (€ TTC)"]) == [50000.0]


def test_other_conseiller_and_missing_csrf_are_refused(app, client, diagnostic, db):
    other_conseiller(app, client)
    assert client.get(plan(diagnostic)).status_code == 403
    assert client.get(plan(diagnostic, "/ressources")).status_code == 403
    assert client.post(
        plan(diagnostic, "/chantiers"), data={"title": "x"}
    ).status_code in (400, 403)
    assert db.execute("SELECT count(*) FROM plan_chantiers").fetchone()[0] == 0


def test_post_without_csrf_is_refused(logged_in, diagnostic, db):
    response = logged_in.post(plan(diagnostic, "/chantiers"), data={"title": "x"})
    assert response.status_code == 400
    assert db.execute("SELECT count(*) FROM plan_chantiers").fetchone()[0] == 0


def test_roadmap_draws_bars_and_milestones(logged_in, diagnostic, db):
    new_fiche(logged_in, diagnostic, FICHE)
    html = logged_in.get(plan(diagnostic, "/feuille-de-route?debut=2026-01"))
    html = html.get_data(as_text=True)
    assert html.count("<svg") == 2
    assert "Feuille de route sur 3 mois" in html and "sur 6 mois" in html
    assert html.count("<polygon") == 2  # the milestone on both timelines
    assert "15 mars 2026 : Premier atelier" in html
    assert "Lancement" in html and "Bilan" in html  # multi-year calendar


def test_step_7_counts_chantiers_and_links_the_plan(logged_in, diagnostic):
    post_form(logged_in, plan(diagnostic, "/chantiers"), {"title": "Itinérance"},
              page=plan(diagnostic))  # fmt: skip
    html = logged_in.get(f"/diagnostics/{diagnostic}/etapes").get_data(as_text=True)
    assert "1 chantier" in html and "0 fiche action" in html
    assert "Rédigez une fiche action par chantier." in html
    assert plan(diagnostic, "/ressources") in html


def test_edit_and_delete_chantier_keeps_its_fiches(logged_in, diagnostic, voted, db):
    cid = chantier_with_resources(logged_in, diagnostic, voted, db)
    new_fiche(logged_in, diagnostic, FICHE, f"?chantier={cid}")
    url = plan(diagnostic, f"/chantiers/{cid}")
    post_form(logged_in, url + "/modifier", {"title": ""}, page=url)
    assert db.execute("SELECT title FROM plan_chantiers").fetchone()[0] != ""
    post_form(logged_in, url + "/modifier", {"title": "Itinérance"}, page=url)
    assert db.execute("SELECT title FROM plan_chantiers").fetchone()[0] == "Itinérance"
    post_form(logged_in, url + "/supprimer", {}, page=url)
    assert db.execute("SELECT count(*) FROM plan_resources").fetchone()[0] == 0
    assert db.execute("SELECT chantier_id FROM plan_fiches").fetchone()[0] is None
    fiche_url = plan(diagnostic, "/fiches/1")
    post_form(logged_in, fiche_url + "/supprimer", {}, page=fiche_url)
    assert db.execute("SELECT count(*) FROM plan_fiches").fetchone()[0] == 0


def test_hand_chantier_double_tap_and_other_diagnostic_ids(app, logged_in, user, db):
    from survey_app.diagnostics import create_diagnostic

    with app.app_context():
        first = create_diagnostic(user, title="A", structure="Mairie")
        second = create_diagnostic(user, title="B", structure="Mairie")
    html = logged_in.get(plan(first)).get_data(as_text=True)
    key = re.search(r'name="key" value="(\w+)"', html).group(1)
    data = {"csrf_token": csrf_from(html), "key": key, "title": "Itinérance"}
    for _ in range(2):
        assert logged_in.post(plan(first, "/chantiers"), data=data).status_code == 302
    assert db.execute("SELECT count(*) FROM plan_chantiers").fetchone()[0] == 1
    cid = db.execute("SELECT id FROM plan_chantiers").fetchone()[0]
    # A chantier of diagnostic A cannot be reached through diagnostic B.
    assert logged_in.get(plan(second, f"/chantiers/{cid}")).status_code == 404
    response = new_fiche(logged_in, first, FICHE)[0]
    fid = int(response.headers["Location"].rsplit("/", 1)[1])
    for path in (f"/fiches/{fid}", f"/fiches/{fid}.docx", f"/fiches/{fid}/modifier"):
        assert logged_in.get(plan(second, path)).status_code == 404
