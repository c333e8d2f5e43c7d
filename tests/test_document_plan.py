"""Steps 4, 5 and 7 of the diagnostic document (issue 10 §3, issue 11):
offer, uncovered needs, inspirations, chantiers, fiches action, roadmap."""

import pytest
from docx import Document as read_docx

from action_plan.budget import compute_budget
from action_plan.fiches import load_fiches
from action_plan.money import format_euros
from analysis.document_docx import write_docx
from analysis.document_model import Heading, Table
from diagnostic.document import Selection, build_document
from offer.actors import add_inspiration
from offer.offer_data import needs_for_diagnostic


def _docx_rows(path) -> list[list[str]]:
    return [
        [c.text for c in row.cells] for t in read_docx(path).tables for row in t.rows
    ]


def test_new_parts_come_in_the_guide_order_with_no_placeholder(demo_document):
    headings = [
        b.text for b in demo_document["document"].blocks if isinstance(b, Heading)
    ]
    expected = [
        "Offre et ressources existantes",
        "Les acteurs et leurs ressources",
        "Les lieux d'aide numérique",
        "Besoins non couverts",
        "Inspirations",
        "Plan d'action et fiches action",
        "Les chantiers prioritaires",
        "Les fiches action",
        "Feuille de route",
        "Budget des fiches action",
        "Plan d'évaluation",
    ]
    positions = [headings.index(h) for h in expected]
    assert positions == sorted(positions)
    start, end = positions[0], positions[-1]
    texts = [
        getattr(b, "text", "")
        for b in demo_document["document"].blocks
        if isinstance(b, Heading) or hasattr(b, "style")
    ]
    between = " ".join(texts[start:end])
    assert "À compléter" not in between


def test_fiche_cost_total_in_docx_is_the_budget_module_s(demo_document):
    rows = _docx_rows(demo_document["folder"] / "demo.docx")  # of its "document"
    fiches = load_fiches(demo_document["db"], demo_document["id"])
    assert fiches
    for fiche in fiches:
        budget = compute_budget(fiche["years"], fiche["costs"], fiche["financing"])
        summary = [r for r in rows if r[0] == fiche["title"] and len(r) == 4]
        assert summary[0][1] == format_euros(budget.cost_total.total)
        assert summary[0][2] == format_euros(budget.funding_total.total)
        totals = [r for r in rows if r[0] == budget.cost_total.label]
        assert format_euros(budget.cost_total.total) in totals[0]


def test_uncovered_share_is_the_offer_page_s_and_small_cells_hidden(demo_document):
    uncovered = needs_for_diagnostic(demo_document["db"], demo_document["id"])[
        "uncovered"
    ]
    table = next(
        b
        for b in demo_document["document"].blocks
        if isinstance(b, Table) and b.caption.startswith("Besoins exprimés sans")
    )
    assert table.rows
    for label, commune, share, _nearest in table.rows:
        row = uncovered[
            (uncovered["label"] == label) & (uncovered["commune"] == commune)
        ]
        assert len(row) == 1
        row = row.iloc[0]
        if row["hidden"]:
            assert share.startswith("masqué")
        else:
            assert share.startswith(f"{row['share']:.0f} % ({row['low']:.0f} à ")


@pytest.mark.demo  # writes: its own copy of the demo database (conftest.py)
def test_user_text_with_markup_comes_back_as_text(db, tmp_path):
    title = "<b>Bus</b> & <script>alert(1)</script> « itinérant »"
    diagnostic = db.execute("SELECT min(id) FROM diagnostics").fetchone()[0]
    add_inspiration(db, diagnostic, {
        "title": title, "territory": "", "link": "", "borrow": "<i>x</i>",
        "vigilance": "", "contact_role": "", "tags": "",
    })  # fmt: skip
    selection = Selection.everything(db, diagnostic)
    selection.sections = ["inspirations"]
    write_docx(build_document(db, diagnostic, selection), str(tmp_path / "i.docx"))
    paragraphs = [p.text for p in read_docx(str(tmp_path / "i.docx")).paragraphs]
    assert title in paragraphs
    assert "Ce qu'on en retient : <i>x</i>" in paragraphs


def test_summary_lists_uncovered_needs_and_empty_parts_say_to_complete(demo_document):
    from diagnostic.document_offer import inspiration_blocks, offer_blocks
    from diagnostic.document_plan import plan_blocks

    headings = [
        b.text for b in demo_document["document"].blocks if isinstance(b, Heading)
    ]
    assert "Les principaux besoins non couverts" in headings
    nobody = demo_document["id"] + 1000  # a diagnostic with nothing entered
    for blocks in (
        offer_blocks(demo_document["db"], nobody),
        inspiration_blocks(demo_document["db"], nobody),
        plan_blocks(demo_document["db"], nobody),
    ):
        texts = [getattr(b, "text", "") for b in blocks]
        assert any(t.startswith("À compléter") for t in texts)
        assert not any(isinstance(b, Table) for b in blocks)


def test_chantiers_matrix_from_the_workshop_is_in_the_document(demo_document):
    """The demo's chantiers were placed on the workshop's matrix: the
    document draws it and gives its table, in the plan's order."""
    blocks = demo_document["document"].blocks
    table = next(
        b for b in blocks
        if isinstance(b, Table) and b.caption.startswith("Les chantiers selon")
    )  # fmt: skip
    figure = blocks[blocks.index(table) - 1]
    assert "<svg" in figure.svg and figure.svg.count("<circle") == len(table.rows)
    assert [row[0] for row in table.rows] == ["1", "2"]
    assert table.rows[0][2] == "3,5" and "12 participants" in table.rows[0][5]
