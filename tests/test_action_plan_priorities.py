"""Chantiers on a workshop's impact × feasibility matrix, and back."""

import pytest
from helpers.workshops import csrf_token, make_workshop, other_conseiller, participant

from action_plan import chantiers as ch
from action_plan import priorities
from facilitation import boards, matrix


def _plan(db, diagnostic):
    ids = [
        ch.create_chantier(db, diagnostic, t, "") for t in ("Lent", "Rapide", "Vide")
    ]
    workshop = make_workshop(db, diagnostic, ("brainstorm", None))
    return ids, workshop


def test_matrix_result_orders_the_chantiers(db, diagnostic):
    ids, workshop = _plan(db, diagnostic)
    chantiers = ch.load_chantiers(db, diagnostic)
    activity = priorities.send_to_workshop(
        db, diagnostic, workshop["id"], chantiers, "k1"
    )
    # The same form sent twice adds one matrix.
    assert (
        priorities.send_to_workshop(db, diagnostic, workshop["id"], chantiers, "k1")
        == activity
    )
    items = boards.get_activity(db, activity)["config"]["items"]
    assert [i["key"] for i in items] == [f"chantier:{i}" for i in ids]
    boards.set_phase(db, activity, "vote")
    alice, bob = participant(db, workshop["id"]), participant(db, workshop["id"])
    matrix.place(db, activity, alice, f"chantier:{ids[0]}", 1, 2)
    matrix.place(db, activity, alice, f"chantier:{ids[1]}", 4, 4)
    matrix.place(db, activity, bob, f"chantier:{ids[1]}", 3, 4)
    assert priorities.apply_matrix(db, diagnostic, activity) == 2
    after = ch.load_chantiers(db, diagnostic)
    assert [c["title"] for c in after] == ["Rapide", "Lent", "Vide"]
    assert (after[0]["impact"], after[0]["feasibility"]) == (3.5, 4.0)
    assert "2 participants" in after[0]["priority_source"]
    assert after[2]["impact"] is None
    # Again: same result, nothing doubled.
    assert priorities.apply_matrix(db, diagnostic, activity) == 2
    assert [c["title"] for c in ch.load_chantiers(db, diagnostic)] == [
        "Rapide",
        "Lent",
        "Vide",
    ]


def test_chantier_made_from_a_card_gets_the_card_placement(db, diagnostic):
    workshop = make_workshop(db, diagnostic, ("brainstorm", None))
    source = workshop["activities"][0]
    from facilitation import cards

    author = participant(db, workshop["id"])
    card = cards.post_card(db, source, "idees", "Covoiturage", author)
    chantier = ch.create_chantier(
        db, diagnostic, "Covoiturage", "", cards=[{**card, "votes": 2}]
    )
    activity = boards.create_activity(
        db, workshop["id"], "matrix", config={"source_activity_id": source}
    )
    boards.set_phase(db, activity, "vote")
    matrix.place(db, activity, author, f"card:{card['id']}", 4, 1)
    assert priorities.apply_matrix(db, diagnostic, activity) == 1
    assert ch.get_chantier(db, diagnostic, chantier)["impact"] == 4.0


def test_other_diagnostics_cannot_use_or_read(db, diagnostic):
    ids, workshop = _plan(db, diagnostic)
    with pytest.raises(KeyError):
        priorities.send_to_workshop(db, diagnostic + 1, workshop["id"], [], "k")
    with pytest.raises(KeyError):
        priorities.apply_matrix(db, diagnostic + 1, 1)


def test_pages(app, db, diagnostic, logged_in):
    ids, workshop = _plan(db, diagnostic)
    token = csrf_token(logged_in)
    url = f"/diagnostics/{diagnostic}/plan/matrice"
    page = logged_in.post(
        url, data={"csrf_token": token, "key": "abc", "workshop": workshop["id"]}
    )
    assert page.status_code == 302 and f"/ateliers/{workshop['id']}" in page.location
    logged_in.post(
        url, data={"csrf_token": token, "key": "abc", "workshop": workshop["id"]}
    )
    made = [
        a for a in boards.list_activities(db, workshop["id"]) if a["kind"] == "matrix"
    ]
    assert len(made) == 1
    activity = made[0]["id"]
    bad = logged_in.post(url, data={"csrf_token": token, "key": "abd", "workshop": "x"})
    assert bad.status_code == 302
    assert (
        len(
            [
                a
                for a in boards.list_activities(db, workshop["id"])
                if a["kind"] == "matrix"
            ]
        )
        == 1
    )
    boards.set_phase(db, activity, "vote")
    matrix.place(
        db, activity, participant(db, workshop["id"]), f"chantier:{ids[2]}", 4, 4
    )
    html = logged_in.get(f"/diagnostics/{diagnostic}/plan").get_data(as_text=True)
    assert "Reprendre le résultat" in html
    apply = f"/diagnostics/{diagnostic}/plan/matrice/{activity}/reprendre"
    assert logged_in.post(apply, data={}).status_code == 400  # no CSRF token
    assert logged_in.post(apply, data={"csrf_token": token}).status_code == 302
    html = logged_in.get(f"/diagnostics/{diagnostic}/plan").get_data(as_text=True)
    assert "<svg" in html and "À lancer en priorité" in html
    assert html.index("Vide</a>") < html.index("Lent</a>")
    assert (
        logged_in.post(
            f"/diagnostics/{diagnostic}/plan/matrice/999/reprendre",
            data={"csrf_token": token},
        ).status_code
        == 404
    )


def test_another_conseiller_is_refused(app, db, diagnostic, client):
    ids, workshop = _plan(db, diagnostic)
    other_conseiller(app, client)
    token = csrf_token(client)
    answer = client.post(
        f"/diagnostics/{diagnostic}/plan/matrice",
        data={"csrf_token": token, "key": "abc", "workshop": workshop["id"]},
    )
    assert answer.status_code in (403, 404)
    assert not [
        a for a in boards.list_activities(db, workshop["id"]) if a["kind"] == "matrix"
    ]
