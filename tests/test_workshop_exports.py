"""Workshop exports as people read them (issue 8 §C): French plurals,
Paris time and French dates, a summary page that opens to be printed."""

import csv
import io
from datetime import UTC, datetime

import pytest
from helpers.workshops import make_workshop, participant
from openpyxl import load_workbook

from facilitation import boards, cards, exports, votes


@pytest.fixture
def voted(db, diagnostic):
    """A brainstorm with three cards holding 3, 1 and 0 dots, in results."""
    workshop = make_workshop(db, diagnostic, ("brainstorm", None))
    source = workshop["activities"][0]
    vote_id = boards.create_activity(
        db, workshop["id"], "dots", "Vote", {"source_activity_id": source}
    )
    person = participant(db, workshop["id"], "Alice")
    texts = ("Trois gommettes", "Une gommette", "Aucune gommette")
    made = [cards.post_card(db, source, "idees", t, person) for t in texts]
    db.execute(
        "UPDATE workshop_cards SET created_at = '2026-07-14T10:30:00Z' WHERE id = ?",
        [made[0]["id"]],
    )
    db.conn.commit()
    boards.set_phase(db, vote_id, "vote")
    votes.set_vote(db, vote_id, person, made[0]["id"], count=3)
    votes.set_vote(db, vote_id, person, made[1]["id"], count=1)
    boards.set_phase(db, vote_id, "results")
    return {"id": workshop["id"], "cards": made}


def test_summaries_write_french_plurals(db, voted):
    for text in (
        exports.summary_markdown(db, voted["id"]),
        exports.summary_html(db, voted["id"]),
    ):
        assert "gommette(s)" not in text
        assert "Trois gommettes (3 gommettes)" in text
        assert "Une gommette (1 gommette)" in text
        assert "Aucune gommette (0 gommette)" in text


def test_summaries_say_when_in_paris_time_with_a_french_date(db, voted):
    winter = datetime(2026, 12, 1, 2, 5, tzinfo=UTC)  # 3 h 05 in Paris
    summer = datetime(2026, 7, 14, 10, 30, tzinfo=UTC)  # 12 h 30 in Paris
    markdown = exports.summary_markdown(db, voted["id"], at=winter)
    assert "Synthèse du 1er décembre 2026 à 3 h 05 (heure de Paris)." in markdown
    html = exports.summary_html(db, voted["id"], at=summer)
    assert "Synthèse du 14 juillet 2026 à 12 h 30 (heure de Paris)." in html


def test_spreadsheets_give_paris_times_not_utc(app, logged_in, db, voted):
    base = f"/ateliers/{voted['id']}"
    text = logged_in.get(f"{base}/export.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    written = rows[0].index("Écrite le")
    first = next(r for r in rows if r[4] == "Trois gommettes")
    assert first[written] == "14/07/2026 12:30"
    assert "2026-07-14T10:30:00Z" not in text
    book = load_workbook(io.BytesIO(logged_in.get(f"{base}/export.xlsx").data))
    sheet = book["Cartes"]
    row = next(
        r for r in sheet.iter_rows(values_only=True) if r[4] == "Trois gommettes"
    )
    assert row[10] == datetime(2026, 7, 14, 12, 30)


def test_printable_summary_opens_as_a_page(app, logged_in, voted):
    response = logged_in.get(f"/ateliers/{voted['id']}/synthese.html")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "attachment" not in response.headers.get("Content-Disposition", "")
    html = response.get_data(as_text=True)
    assert html.startswith("<!doctype html>") and '<html lang="fr">' in html
    assert "Ctrl</kbd> + <kbd>P" in html and "Retour à l'atelier" in html
    assert "<h1>Atelier : Atelier de test</h1>" in html
    markdown = logged_in.get(f"/ateliers/{voted['id']}/synthese.md")
    assert "attachment" in markdown.headers["Content-Disposition"]
