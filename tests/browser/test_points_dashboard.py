"""Posters print on one A4 page; points and dashboard pages pass axe-core."""

import re

import pytest

from survey_app.db import connect
from survey_app.surveys import model

from .conftest import axe_violations, log_in, pdf_pages, remove_demo

pytestmark = pytest.mark.browser

QUESTIONS = [
    {
        "key": "EQ_MOBILE",
        "type": "single",
        "theme": "equipement",
        "text": "Utilisez-vous un smartphone ?",
        "required": False,
        "choices": [
            {"code": "smartphone", "label": "Un smartphone"},
            {"code": "aucun", "label": "Aucun"},
        ],
    },
    {
        "key": "REMARQUES",
        "type": "long_text",
        "theme": "autre",
        "text": "Voulez-vous ajouter quelque chose ?",
        "required": False,
    },
]


@pytest.fixture
def conseiller(browser, live_server):
    """A signed-in conseiller; CSP bypassed only so that axe-core can be injected."""
    user = live_server.create_user()
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    page = log_in(context, live_server, user)
    yield context, page, user
    context.close()


@pytest.fixture
def survey(live_server, conseiller):
    """A survey of the signed-in conseiller, with 2 points and a few answers."""
    _context, _page, user = conseiller
    diagnostic = live_server.create_diagnostic(user["id"], "Diagnostic du Trièves")
    db = connect(live_server.database)
    try:
        survey_id = model.create_survey(
            db, diagnostic, "Le numérique et vous", QUESTIONS
        )
        market = model.create_point(
            db,
            survey_id,
            "Marché de la place de l'Église (samedi)",
            "marche",
            target=80,
        )
        model.create_point(db, survey_id, "École", "ecole")
        version = model.current_version(db, survey_id)["id"]
        for n in range(12):
            model.store_response(
                db,
                survey_id=survey_id,
                version_id=version,
                point_id=market if n % 3 else None,
                idempotency_key=f"browser-{survey_id}-{n}",
                answers={"EQ_MOBILE": "aucun", "REMARQUES": "<b>Merci</b> !"},
                submitted_at=f"2026-11-{10 + n % 5:02d}T09:00:00Z",
            )
    finally:
        db.close()
    return survey_id, market


def test_poster_prints_on_one_a4_page(conseiller, survey):
    _context, page, _user = conseiller
    survey_id, point_id = survey
    page.goto(f"/enquetes/{survey_id}/lieux/{point_id}/affiche")
    assert page.locator("h1").inner_text().startswith("Votre avis compte")
    page.emulate_media(media="print")
    assert not page.locator(".print-hint").is_visible()
    qr_box = page.locator(".qr svg").bounding_box()
    assert qr_box["width"] > 250  # about 8 cm at 96 px per inch
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 1
    page.emulate_media(media="screen")
    assert axe_violations(page) == []


@pytest.mark.parametrize("width", [1280, 360])
def test_points_and_dashboard_pass_axe(conseiller, survey, width):
    _context, page, _user = conseiller
    survey_id, point_id = survey
    page.set_viewport_size({"width": width, "height": 800})
    for path in (
        f"/enquetes/{survey_id}",
        f"/enquetes/{survey_id}/lieux",
        f"/enquetes/{survey_id}/lieux/{point_id}/modifier",
        f"/enquetes/{survey_id}/lieux/{point_id}/supprimer",
        f"/enquetes/{survey_id}/lieux/{point_id}/affiche",
    ):
        response = page.goto(path)
        assert response.status == 200, path
        assert axe_violations(page) == [], path
        # Nothing wider than the screen (except tables, which may scroll).
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - window.innerWidth"
        )
        assert overflow <= 1, (path, overflow)


def test_every_demo_poster_prints_on_one_a4_page(browser, live_server):
    # Issue 8, D3: the demo's footer (structure and contact) went to page 2.
    from survey_app.demo import DEMO_EMAIL, DEMO_PASSWORD, load_demo

    db = connect(live_server.database)
    try:
        demo_user = "SELECT 1 FROM users WHERE email = ?"
        if not db.execute(demo_user, [DEMO_EMAIL]).fetchone():
            load_demo(db)
        points = db.execute(
            "SELECT p.survey_id, p.id FROM collection_points p "
            "JOIN surveys s ON s.id = p.survey_id JOIN diagnostic_members m "
            "ON m.diagnostic_id = s.diagnostic_id JOIN users u ON u.id = m.user_id "
            "WHERE u.email = ?",
            [DEMO_EMAIL],
        ).fetchall()
    finally:
        db.close()
    assert len(points) >= 4
    context = browser.new_context(base_url=live_server.url)
    try:
        page = log_in(
            context, live_server, {"email": DEMO_EMAIL, "password": DEMO_PASSWORD}
        )
        for survey_id, point_id in points:
            page.goto(f"/enquetes/{survey_id}/lieux/{point_id}/affiche")
            assert pdf_pages(page) == 1, point_id
            footer = page.locator(".poster-footer").inner_text()
            assert "Enquête menée par" in footer
    finally:
        context.close()
        remove_demo(live_server.database)


def test_poster_with_the_longest_texts_prints_on_one_page(
    conseiller, survey, live_server
):
    """Longest title, structure, contact and place name the forms accept."""
    _context, page, _user = conseiller
    survey_id, point_id = survey
    db = connect(live_server.database)
    try:
        with db.conn:
            db.execute(
                "UPDATE diagnostics SET title = ?, structure = ?, contact_email = ? "
                "WHERE id = (SELECT diagnostic_id FROM surveys WHERE id = ?)",
                [
                    "Diagnostic " + "territorial de l'inclusion numérique " * 5,
                    "Communauté de communes " + "du Pays de la Haute Vallée " * 5,
                    "conseiller.numerique." + "x" * 60 + "@communaute-de-communes.fr",
                    survey_id,
                ],
            )
            db.execute(
                "UPDATE collection_points SET name = ? WHERE id = ?",
                ["Médiathèque intercommunale " + "et espace France Services " * 3,
                 point_id],
            )  # fmt: skip
    finally:
        db.close()
    page.goto(f"/enquetes/{survey_id}/lieux/{point_id}/affiche")
    assert pdf_pages(page) == 1
