"""The diagnostic-level results page (issue 10 §3): the diagnostic's surveys
side by side, small cells hidden as in the exports, members only."""

import pytest
from helpers.analysis_surveys import make_survey
from helpers.web import login, make_user

from analysis.crosstabs import MARKER
from diagnostic import document_surveys as ds
from diagnostic.results import diagnostic_results, share_cell


@pytest.fixture
def two_surveys(db, diagnostic):
    """Residents (30: 24 smartphones, 3 simple, 3 none) and partners (12:
    all smartphones); only the residents answered the comfort question."""
    residents = (
        [{"EQ_MOBILE": "smartphone", "CP_AISANCE": "peu"}] * 24
        + [{"EQ_MOBILE": "mobile_simple"}] * 3
        + [{"EQ_MOBILE": "aucun"}] * 3
    )
    first = make_survey(db, diagnostic, residents)
    second = make_survey(db, diagnostic, [{"EQ_MOBILE": "smartphone"}] * 12)
    return first, second


def test_shared_questions_side_by_side_with_the_documents_figures(
    db, diagnostic, two_surveys
):
    data = diagnostic_results(db, diagnostic)
    assert [f.answers for f in data["findings"]] == [30, 12]
    (mobile,) = [q for q in data["shared"] if q.key == "EQ_MOBILE"]
    assert mobile.counts == ["30", "12"]
    assert "CP_AISANCE" not in {q.key for q in data["shared"]}  # one survey only
    rows = {row[0]: row[1:] for row in mobile.rows}
    # The same protected summaries as the document's tables.
    for column, survey_id in enumerate(two_surveys):
        summary = ds.load(db, survey_id).summaries["EQ_MOBILE"]
        for r in summary.table.to_dict("records"):
            if not r["no_answer"]:
                assert rows[r["label"]][column] == share_cell(r, summary.weighted)
    assert rows["Oui, un smartphone"][0].startswith("80\u00a0% (")
    # 3 people: hidden, and so is what would give them back.
    assert rows["Oui, un téléphone simple"][0] == MARKER
    assert rows["Non, aucun"][0] == MARKER
    assert rows["Oui, un smartphone"][1].startswith("100\u00a0%")


def test_page_shows_both_surveys_to_members_only(
    app, client, logged_in, diagnostic, two_surveys
):
    url = f"/diagnostics/{diagnostic}/resultats"
    html = logged_in.get(url).get_data(as_text=True)
    assert "Les questions communes à plusieurs enquêtes" in html
    assert "Utilisez-vous un téléphone portable ?" in html
    assert "&lt; 5" in html and "30 pers." in html and "12 pers." in html
    step_page = logged_in.get(f"/diagnostics/{diagnostic}").get_data(as_text=True)
    assert url in step_page
    logged_in.get("/deconnexion")
    make_user(app, "autre@example.fr", "Autre")
    other = app.test_client()
    login(other, "autre@example.fr")
    assert other.get(url).status_code in (403, 404)


def test_page_without_surveys_says_so(logged_in, diagnostic):
    html = logged_in.get(f"/diagnostics/{diagnostic}/resultats").get_data(as_text=True)
    assert "Aucune enquête dans ce diagnostic" in html
