"""The theory of change (annex 3, issue 12 §2): pages, authorisation, bad
input, pre-filling from the fiches action, the SVG against its table,
escaping, the document and the steps page."""

import io
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

from docx import Document as read_docx
from helpers.evaluation import make_indicator
from helpers.theory import element, make_fiche
from helpers.web import csrf_from, post_form
from helpers.workshops import other_conseiller
from odf.opendocument import load as load_odf
from odf.teletype import extractText
from odf.text import P

from analysis.document_docx import write_docx
from analysis.document_model import Figure, Table
from analysis.document_odt import write_odt
from diagnostic.document import Selection, build_document
from evaluation.theory import add_link, load_theory, theory_rows
from evaluation.theory_prefill import prefill_from_fiches
from evaluation.theory_svg import theory_svg

SVG = "{http://www.w3.org/2000/svg}"
NASTY = '<script>alert("x")</script> & Cie « ok »'


def page(diagnostic: int, path: str = "") -> str:
    return f"/diagnostics/{diagnostic}/evaluation/theorie-du-changement{path}"


def rows_of(db, kind: str = "element") -> list[tuple]:
    return [
        tuple(r)
        for r in db.execute(
            "SELECT level, text, fiche_id FROM evaluation_toc_elements "
            "WHERE kind = ? ORDER BY level, position",
            [kind],
        )
    ]


def links_of(db) -> set[tuple[str, str]]:
    return {
        tuple(r)
        for r in db.execute(
            "SELECT a.text, b.text FROM evaluation_toc_links l "
            "JOIN evaluation_toc_elements a ON a.id = l.from_id "
            "JOIN evaluation_toc_elements b ON b.id = l.to_id"
        )
    }


def snapshot(db) -> tuple:
    return (
        db.execute("SELECT * FROM evaluation_toc_elements ORDER BY id").fetchall(),
        sorted(links_of(db)),
    )


def add(client, diagnostic, **data):
    return post_form(client, page(diagnostic, "/elements"), data, page(diagnostic))


def test_create_edit_move_delete_through_the_pages(logged_in, diagnostic, db):
    first = {"kind": "element", "level": "1", "text": "Permanences", "key": "k1"}
    assert add(logged_in, diagnostic, **first).status_code == 302
    assert add(logged_in, diagnostic, **first).status_code == 302  # double tap
    add(logged_in, diagnostic, kind="element", level="1", text="Ateliers", key="k2")
    add(logged_in, diagnostic, kind="element", level="0", text="Conseillère", key="k3")
    add(logged_in, diagnostic, kind="assumption", level="1", text="On ose venir",
        key="k4")  # fmt: skip
    assert rows_of(db) == [
        (0, "Conseillère", None), (1, "Permanences", None), (1, "Ateliers", None),
    ]  # fmt: skip
    assert rows_of(db, "assumption") == [(1, "On ose venir", None)]
    ids = dict(db.execute("SELECT text, id FROM evaluation_toc_elements").fetchall())
    # Edit: text and links (comes from nothing, leads to both activities).
    edit = page(diagnostic, f"/elements/{ids['Conseillère']}")
    response = post_form(logged_in, edit, {
        "text": "Une conseillère", "level": "0",
        "targets": [ids["Permanences"], ids["Ateliers"]],
    })  # fmt: skip
    assert response.status_code == 302
    assert links_of(db) == {("Une conseillère", "Permanences"),
                            ("Une conseillère", "Ateliers")}  # fmt: skip
    # Move 'Ateliers' up past 'Permanences'; a second tap moves nothing more.
    move = page(diagnostic, f"/elements/{ids['Ateliers']}/deplacer")
    data = {"voisin": ids["Permanences"], "sens": "monter"}
    post_form(logged_in, move, data, page(diagnostic))
    post_form(logged_in, move, data, page(diagnostic))
    assert [r[1] for r in rows_of(db)][1:] == ["Ateliers", "Permanences"]
    html = logged_in.get(page(diagnostic)).get_data(as_text=True)
    assert html.index(">Ateliers<") < html.index(">Permanences<")
    # Delete: the element and its links go.
    delete = page(diagnostic, f"/elements/{ids['Ateliers']}/supprimer")
    assert post_form(logged_in, delete, {}, page(diagnostic)).status_code == 302
    assert links_of(db) == {("Une conseillère", "Permanences")}
    assert post_form(logged_in, delete, {}, page(diagnostic)).status_code == 404


BAD_NEW = [  # (form, French message): one page load each, no new fixture
    ({"kind": "element", "level": "1", "text": "  "}, "Écrivez le texte"),
    ({"kind": "element", "level": "5", "text": "x"}, "Niveau inconnu"),
    ({"kind": "assumption", "level": "4", "text": "x"}, "Niveau inconnu"),
    ({"kind": "element", "level": "abc", "text": "x"}, "Niveau inconnu"),
    ({"kind": "autre", "level": "1", "text": "x"}, "Type d&#39;élément inconnu"),
    ({"kind": "element", "level": "1", "text": "x", "fiche": "999"},
     "Cette fiche action n&#39;existe pas"),
    ({"kind": "element", "level": "1", "text": "x", "fiche": "1e400"},
     "Cette fiche action n&#39;existe pas"),
    ({"kind": "element", "level": "1", "text": "x", "indicator": "3"},
     "Cet indicateur n&#39;existe pas"),
]  # fmt: skip


def test_bad_new_elements_store_nothing(logged_in, diagnostic, db):
    before = snapshot(db)
    for data, message in BAD_NEW:
        response = add(logged_in, diagnostic, **data, key="kbad")
        assert response.status_code == 302
        html = logged_in.get(response.headers["Location"]).get_data(as_text=True)
        assert message in html and "Rien n&#39;a été ajouté" in html, data
    assert snapshot(db) == before


def test_bad_edits_and_forged_links_change_nothing(logged_in, diagnostic, db, app):
    resource = element(db, diagnostic, 0, "Conseillère")
    activity = element(db, diagnostic, 1, "Permanences")
    other = element(db, diagnostic, 1, "Ateliers")
    assert add_link(db, diagnostic, resource, activity)
    assert not add_link(db, diagnostic, activity, resource)  # backwards
    with app.app_context():
        from survey_app.diagnostics import create_diagnostic

        foreign_diag = create_diagnostic(1, title="Autre")
    foreign = element(db, foreign_diag, 2, "Ailleurs")
    before = snapshot(db)
    edit = page(diagnostic, f"/elements/{activity}")
    for data in (
        {"text": "", "level": "1"},
        {"text": "x", "level": "1", "targets": [other]},  # same level
        {"text": "x", "level": "1", "sources": [activity]},  # itself
        {"text": "x", "level": "1", "targets": [foreign]},  # other diagnostic
        {"text": "x", "level": "1", "targets": ["abc"]},
        {"text": "x", "level": "9"},
    ):
        response = post_form(logged_in, edit, data)
        assert response.status_code == 422, data
        assert "Rien n'a été enregistré" in response.get_data(as_text=True)
    assert snapshot(db) == before
    # Without the token: refused, nothing changed.
    assert logged_in.post(edit, data={"text": "x", "level": "1"}).status_code == 400
    assert logged_in.post(page(diagnostic, "/preremplir")).status_code == 400
    # Another diagnostic's element is not found through this one.
    assert logged_in.get(page(diagnostic, f"/elements/{foreign}")).status_code == 404
    assert snapshot(db) == before


def test_changing_level_drops_links_that_no_longer_go_forward(
    logged_in, diagnostic, db
):
    resource = element(db, diagnostic, 0, "Conseillère")
    activity = element(db, diagnostic, 1, "Permanences")
    outcome = element(db, diagnostic, 3, "Autonomie")
    add_link(db, diagnostic, resource, activity)
    add_link(db, diagnostic, activity, outcome)
    edit = page(diagnostic, f"/elements/{activity}")
    response = post_form(logged_in, edit, {"text": "Permanences", "level": "4",
                                           "sources": [resource, outcome]})  # fmt: skip
    assert response.status_code == 302
    assert links_of(db) == {("Conseillère", "Permanences"),
                            ("Autonomie", "Permanences")}  # fmt: skip


def test_another_conseiller_is_refused(app, client, diagnostic, db):
    target = element(db, diagnostic, 1, "Permanences")
    other_conseiller(app, client)
    before = snapshot(db)
    assert client.get(page(diagnostic)).status_code == 403
    assert client.get(page(diagnostic, "/imprimer")).status_code == 403
    assert client.get(page(diagnostic, f"/elements/{target}")).status_code == 403
    own = client.get("/").get_data(as_text=True)  # a page with a token of theirs
    token = csrf_from(own) if "csrf_token" in own else ""
    for path, data in (
        ("/elements", {"kind": "element", "level": "1", "text": "Intrus"}),
        (f"/elements/{target}", {"text": "Intrus", "level": "1"}),
        (f"/elements/{target}/supprimer", {}),
        (f"/elements/{target}/deplacer", {"voisin": target, "sens": "monter"}),
        ("/preremplir", {}),
    ):
        response = client.post(page(diagnostic, path),
                               data={"csrf_token": token, **data})  # fmt: skip
        assert response.status_code == 403, path
    assert snapshot(db) == before


def test_prefill_takes_each_fiche_s_parts_and_adds_only_what_is_missing(
    logged_in, diagnostic, db
):
    fiche = make_fiche(db, diagnostic)
    response = post_form(logged_in, page(diagnostic, "/preremplir"), {},
                         page(diagnostic))  # fmt: skip
    assert response.status_code == 302
    budget = "Budget : 9\u202f000,00\u202f€ (État)"
    assert rows_of(db) == [
        (0, "Moyens humains : Une conseillère numérique (1 personne)", fiche),
        (0, budget, fiche),
        (1, "Permanences sans rendez-vous", fiche),
        (1, "Ateliers tablette", fiche),
        (3, "Les habitants font seuls leurs démarches", fiche),
        (4, "Personne ne renonce à ses droits", fiche),
    ]
    assert rows_of(db, "assumption") == [
        (1, "Point de vigilance : Les plus âgés n'osent pas venir", fiche)
    ]
    # Each level leads to the next one holding elements (no outputs here).
    outcome = "Les habitants font seuls leurs démarches"
    assert ("Ateliers tablette", outcome) in links_of(db)
    assert (budget, "Permanences sans rendez-vous") in links_of(db)
    assert len(links_of(db)) == 2 * 2 + 2 * 1 + 1
    before = snapshot(db)
    again = post_form(logged_in, page(diagnostic, "/preremplir"), {}, page(diagnostic))
    html = logged_in.get(again.headers["Location"]).get_data(as_text=True)
    assert "Rien à ajouter" in html
    assert snapshot(db) == before
    # A fiche completed later: only the new parts come in.
    db.execute("UPDATE plan_fiches SET results = results || '\nLes aidants orientent'")
    assert prefill_from_fiches(db, diagnostic)["elements"] == 1


def test_prefill_without_fiches_says_so(logged_in, diagnostic, db):
    response = post_form(logged_in, page(diagnostic, "/preremplir"), {},
                         page(diagnostic))  # fmt: skip
    html = logged_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "Aucune fiche action" in html
    assert rows_of(db) == []


class TableReader(HTMLParser):
    """The rows of the table with id `theorie-tableau`, as texts."""

    def __init__(self):
        super().__init__()
        self.inside = self.cell = False
        self.rows: list[list[str]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "table" and ("id", "theorie-tableau") in attrs:
            self.inside = True
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in ("td", "th"):
            self.cell = True
            self.rows[-1].append("")

    def handle_endtag(self, tag):
        if tag == "table":
            self.inside = False
        elif tag in ("td", "th"):
            self.cell = False

    def handle_data(self, data):
        if self.inside and self.cell:
            self.rows[-1][-1] += data


def svg_content(svg: str) -> tuple[dict[str, str], set[tuple[str, str]]]:
    """{element id: its text} and {(from text, to text)} read from the SVG."""
    root = ET.fromstring(svg)  # well-formed: user text was escaped
    texts = {}
    for group in root.iter(f"{SVG}g"):
        lines = [t.text or "" for t in group if t.get("class") == "toc-text"]
        texts[group.get("data-id")] = " ".join(lines)
    links = {
        (texts[p.get("data-from")], texts[p.get("data-to")])
        for p in root.iter(f"{SVG}path")
        if p.get("class") == "toc-link"
    }
    return texts, links


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_svg_shows_what_the_table_says_and_escapes_user_text(logged_in, diagnostic, db):
    fiche = make_fiche(db, diagnostic, title=NASTY)
    prefill_from_fiches(db, diagnostic)
    odd = element(db, diagnostic, 2, NASTY + " un mot-très-long-sans-espace" * 3)
    add_link(db, diagnostic, odd, element(db, diagnostic, 3, "Résultat\x01 net"))
    element(db, diagnostic, 3, NASTY, kind="assumption", fiche_id=fiche)
    html = logged_in.get(page(diagnostic)).get_data(as_text=True)
    assert "<script>" not in html
    reader = TableReader()
    reader.feed(html)
    header, *rows = reader.rows
    theory = load_theory(db, diagnostic)
    assert rows == [[c or "—" for c in r] for r in theory_rows(theory)]
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    texts, links = svg_content(svg)
    # Every element and assumption of the table is drawn, with its whole text.
    assert sorted(squeeze(t) for t in texts.values()) == sorted(
        squeeze(r[1]) for r in rows
    )
    # Every arrow is a "Mène à" of the table, and every "Mène à" an arrow.
    table_links = {
        (squeeze(r[1]), squeeze(target))
        for r in rows
        if r[2] != "—"
        for target in r[2].split(" ; ")
    }
    assert {(squeeze(a), squeeze(b)) for a, b in links} == table_links
    assert len(links) == sum(len(e["targets"]) for e in theory["elements"].values())
    assert "Résultat net" in texts.values()  # the control character is gone
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and root.get("aria-details") == "theorie-tableau"
    assert root.find(f"{SVG}title").get("id") == root.get("aria-labelledby")
    assert "tableau qui suit" in root.find(f"{SVG}desc").text
    printable = logged_in.get(page(diagnostic, "/imprimer")).get_data(as_text=True)
    assert svg in printable and 'id="theorie-tableau"' in printable


def test_indicator_link_shows_once_the_diagnostic_has_indicators(
    logged_in, diagnostic, db
):
    target = element(db, diagnostic, 2, "Permanences tenues")
    edit = page(diagnostic, f"/elements/{target}")
    assert 'name="indicator"' not in logged_in.get(edit).get_data(as_text=True)
    fiche = make_fiche(db, diagnostic)
    indicator = make_indicator(db, diagnostic, fiche, name="Nombre de permanences")
    assert 'name="indicator"' in logged_in.get(edit).get_data(as_text=True)
    post_form(logged_in, edit, {"text": "Permanences tenues", "level": "2",
                                "indicator": str(indicator)})  # fmt: skip
    row = theory_rows(load_theory(db, diagnostic))[0]
    assert row[4] == "Nombre de permanences"
    svg = theory_svg(load_theory(db, diagnostic), "t")
    drawn = [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")
             if t.get("class") == "toc-indicator"]  # fmt: skip
    assert " ".join(drawn) == "Indicateur : Nombre de permanences"


def test_document_holds_the_diagram_and_table_as_text(diagnostic, db, tmp_path):
    make_fiche(db, diagnostic, title="Fiche " + NASTY, results=NASTY)
    prefill_from_fiches(db, diagnostic)
    selection = Selection(sections=["evaluation"])
    document = build_document(db, diagnostic, selection)
    tables = [b for b in document.blocks if isinstance(b, Table)]
    table = next(b for b in tables if b.source == ("theory", diagnostic))
    assert table.rows == theory_rows(load_theory(db, diagnostic))
    figure = next(b for b in document.blocks if isinstance(b, Figure))
    ET.fromstring(figure.svg)
    odt = io.BytesIO()
    write_odt(document, odt)
    odt.seek(0)
    paragraphs = [extractText(p) for p in load_odf(odt).getElementsByType(P)]
    assert NASTY in paragraphs
    write_docx(document, str(tmp_path / "d.docx"))  # the SVG → PNG path
    cells = [c.text for t in read_docx(str(tmp_path / "d.docx")).tables
             for r in t.rows for c in r.cells]  # fmt: skip
    assert NASTY in cells


def test_empty_theory_says_to_complete(diagnostic, db):
    from diagnostic.document_theory import theory_blocks

    blocks = theory_blocks(db, diagnostic)
    assert blocks[-1].text.startswith("À compléter : la théorie du changement")
    assert not any(isinstance(b, (Table, Figure)) for b in blocks)


def test_steps_page_counts_the_elements_and_links_to_the_theory(
    logged_in, diagnostic, db
):
    element(db, diagnostic, 0, "Conseillère")
    element(db, diagnostic, 1, "Permanences")
    element(db, diagnostic, 1, "On ose venir", kind="assumption")
    html = logged_in.get(f"/diagnostics/{diagnostic}/etapes").get_data(as_text=True)
    step = html[html.index('id="etape-8"') :]
    assert "2 éléments et 1 hypothèse dans la théorie du changement" in step
    assert page(diagnostic) in step


def test_demo_has_a_theory_built_from_its_fiche(runner, db):
    assert runner.invoke(args=["demo", "--if-empty"]).exit_code == 0
    diagnostic = db.execute("SELECT min(id) FROM diagnostics").fetchone()[0]
    theory = load_theory(db, diagnostic)
    assert all(theory["levels"]), "every level has elements"
    assert any(theory["assumptions"])
    fiche = db.execute("SELECT id FROM plan_fiches").fetchone()[0]
    assert {e["fiche_id"] for e in theory["elements"].values()} == {fiche}
    assert all(e["targets"] for level in theory["levels"][:-1] for e in level)


def test_a_key_used_by_another_diagnostic_stores_a_new_element(app, diagnostic, db):
    from evaluation.theory import create_element
    from survey_app.diagnostics import create_diagnostic

    with app.app_context():
        other = create_diagnostic(1, title="Autre")
    values = {"kind": "element", "level": 1, "text": "Permanences",
              "fiche_id": None, "indicator_id": None}  # fmt: skip
    first = create_element(db, diagnostic, values, "cle")
    assert create_element(db, diagnostic, values, "cle") == first
    second = create_element(db, other, values, "cle")
    assert second != first
    assert load_theory(db, other)["elements"][second]["text"] == "Permanences"
