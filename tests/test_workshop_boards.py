"""Activity templates, phases (forward, back, jump), timer, settings."""

from datetime import UTC, datetime

import pytest
from helpers.workshops import make_workshop, participant

from facilitation import boards, cards, votes, workshops
from facilitation.errors import WorkshopError
from facilitation.events import events_after


def test_templates_give_their_columns(db, diagnostic):
    workshop = make_workshop(
        db,
        diagnostic,
        ("empathy", {"target": "seniors isolés en zone rurale"}),
        ("vision", {"base_year": 2025}),
        ("brainstorm", {"categories": ["Lieux", "Outils", "Lieux"]}),
    )
    empathy, vision, brainstorm = (
        boards.get_activity(db, a) for a in workshop["activities"]
    )
    assert [c["label"] for c in empathy["columns"]] == [
        "Qui ?", "Dit", "Pense", "Fait", "Ressent", "Peines", "Gains",
    ]  # fmt: skip
    assert empathy["config"]["target"] == "seniors isolés en zone rurale"
    assert empathy["phase"] == "write" and empathy["config"]["private"] is True
    # 2 horizons × 4 themes, labelled with the year they aim at.
    assert len(vision["columns"]) == 8
    assert vision["columns"][0] == {
        "key": "5:acces",
        "label": "Accès en 2030",
        "horizon": 5,
        "theme": "acces",
    }
    assert vision["columns"][-1]["label"] == "Partenariats en 2035"
    assert vision["title"] == "Vision 2030 / 2035"
    # Duplicate names get distinct keys; brainstorming is public by default.
    assert [c["key"] for c in brainstorm["columns"]] == ["lieux", "outils", "lieux-2"]
    assert brainstorm["config"]["private"] is False
    assert workshop["current_activity_id"] == empathy["id"]
    assert len(workshop["code"]) == 6


def test_vision_with_own_themes_and_dots_on_a_source(db, diagnostic):
    workshop = make_workshop(
        db, diagnostic, ("vision", {"themes": ["Mobilité"], "horizons": [10]})
    )
    source = workshop["activities"][0]
    assert boards.get_activity(db, source)["columns"][0]["key"] == "10:mobilite"
    dots = boards.create_activity(
        db, workshop["id"], "dots", config={"source_activity_id": source, "budget": 3}
    )
    activity = boards.get_activity(db, dots)
    assert activity["phases"] == ["vote", "results"] and activity["phase"] == "vote"
    assert activity["vote_activity_id"] == source
    assert activity["config"]["budget"] == 3


@pytest.mark.parametrize(
    ("kind", "config", "message"),
    [
        ("nope", {}, "Choisissez un modèle"),
        ("dots", {}, "Choisissez l'activité dont on vote"),
        ("dots", {"source_activity_id": 999}, "Choisissez une activité de cet"),
        ("brainstorm", {"categories": []}, "Indiquez de 1 à 12 catégories"),
        ("brainstorm", {"categories": [" "]}, "1 à 60 caractères"),
        ("vision", {"horizons": [5, 50]}, "1 à 4 horizons"),
        ("empathy", {"budget": 0}, "entre 1 et 20"),
        ("empathy", {"budget": "beaucoup"}, "entre 1 et 20"),
        ("empathy", {"target": "x" * 201}, "trop long"),
    ],
)
def test_bad_configurations_are_refused_in_french(
    db, diagnostic, kind, config, message
):
    workshop = make_workshop(db, diagnostic)
    with pytest.raises(WorkshopError, match=message):
        boards.create_activity(db, workshop["id"], kind, config=config)
    assert boards.list_activities(db, workshop["id"]) == []


def test_a_dot_vote_cannot_use_another_workshops_activity(db, diagnostic):
    first = make_workshop(db, diagnostic, ("brainstorm", None))
    second = make_workshop(db, diagnostic)
    with pytest.raises(WorkshopError):
        boards.create_activity(
            db,
            second["id"],
            "dots",
            config={"source_activity_id": first["activities"][0]},
        )


def test_phases_forward_back_and_jump_lose_nothing(db, diagnostic):
    workshop = make_workshop(db, diagnostic, ("empathy", None))
    activity_id = workshop["activities"][0]
    person = participant(db, workshop["id"])
    card = cards.post_card(db, activity_id, "dit", "Je ne sais pas où aller", person)
    assert boards.step_phase(db, activity_id, 1)["phase"] == "reveal"
    assert boards.step_phase(db, activity_id, 1)["phase"] == "group"
    assert boards.step_phase(db, activity_id, 1)["phase"] == "vote"
    votes.set_vote(db, activity_id, person, card["id"], count=2)
    assert boards.step_phase(db, activity_id, 1)["phase"] == "results"
    with pytest.raises(WorkshopError) as refused:
        boards.step_phase(db, activity_id, 1)
    assert refused.value.status == 409
    # Back to writing, then straight to the results: card and dots remain.
    assert boards.set_phase(db, activity_id, "write")["phase"] == "write"
    with pytest.raises(WorkshopError):
        boards.step_phase(db, activity_id, -1)
    assert boards.set_phase(db, activity_id, "results")["phase"] == "results"
    assert votes.totals(db, activity_id) == {card["id"]: 2}
    with pytest.raises(WorkshopError, match="étape"):
        boards.set_phase(db, activity_id, "danse")
    phases = [
        (e["data"]["previous"], e["data"]["activity"]["phase"])
        for e in events_after(db, workshop["id"], 0)
        if e["type"] == "activity.phase"
    ]
    assert phases[-2:] == [("results", "write"), ("write", "results")]


def test_timer_start_add_stop(db, diagnostic):
    workshop = make_workshop(db, diagnostic, ("brainstorm", None))
    activity_id = workshop["activities"][0]
    activity = boards.set_timer(db, activity_id, seconds=300)
    ends = datetime.strptime(activity["timer_ends_at"], "%Y-%m-%dT%H:%M:%SZ")
    left = ends.replace(tzinfo=UTC) - datetime.now(UTC)
    assert 295 <= left.total_seconds() <= 300
    activity = boards.set_timer(db, activity_id, add=60)
    later = datetime.strptime(activity["timer_ends_at"], "%Y-%m-%dT%H:%M:%SZ")
    assert (later - ends).total_seconds() == 60
    assert boards.set_timer(db, activity_id)["timer_ends_at"] is None
    for bad in (0, -5, "bientôt", 4 * 3600):
        with pytest.raises(WorkshopError):
            boards.set_timer(db, activity_id, seconds=bad)
    timer_events = [
        e for e in events_after(db, workshop["id"], 0) if e["type"] == "activity.timer"
    ]
    assert [e["data"]["timer_ends_at"] is None for e in timer_events] == [
        False, False, True,
    ]  # fmt: skip


def test_time_up_locks_only_when_asked(db, diagnostic):
    workshop = make_workshop(db, diagnostic, ("brainstorm", {"lock_at_time_up": True}))
    activity_id = workshop["activities"][0]
    person = participant(db, workshop["id"])
    db.execute("UPDATE workshop_activities SET timer_ends_at = '2020-01-01T00:00:00Z'")
    db.conn.commit()
    with pytest.raises(WorkshopError, match="temps est écoulé"):
        cards.post_card(db, activity_id, "idees", "Trop tard ?", person)
    boards.update_activity(db, activity_id, config={"lock_at_time_up": False})
    assert cards.post_card(db, activity_id, "idees", "Pas trop tard", person)


def test_removing_a_column_that_holds_cards_is_refused(db, diagnostic):
    workshop = make_workshop(db, diagnostic, ("brainstorm", {"categories": ["A", "B"]}))
    activity_id = workshop["activities"][0]
    cards.post_card(db, activity_id, "b", "Une idée", participant(db, workshop["id"]))
    with pytest.raises(WorkshopError, match="contient des cartes"):
        boards.update_activity(db, activity_id, config={"categories": ["A"]})
    renamed = boards.update_activity(
        db,
        activity_id,
        title="Nos idées",
        config={
            "categories": [{"key": "a", "label": "A"}, {"key": "b", "label": "Bé"}]
        },
    )
    assert renamed["title"] == "Nos idées"
    assert renamed["columns"][1] == {"key": "b", "label": "Bé"}


def test_settings_lock_close_and_codes(db, diagnostic):
    workshop = make_workshop(db, diagnostic, ("brainstorm", None))
    wid = workshop["id"]
    updated = workshops.update_workshop(
        db, wid, settings={"approval": 1, "max_card_length": 100, "bogus": 3}
    )
    assert updated["settings"]["approval"] is True
    assert updated["settings"]["max_card_length"] == 100
    assert "bogus" not in updated["settings"]
    for bad in ({"max_card_length": 5}, {"rate_limit_per_minute": 0}):
        with pytest.raises(WorkshopError):
            workshops.update_workshop(db, wid, settings=bad)
    with pytest.raises(WorkshopError, match="titre"):
        workshops.create_workshop(db, diagnostic, "   ")
    # Codes are forgiving about case and spaces, strict about the rest.
    code = workshop["code"]
    spaced = f" {code[:3].upper()} {code[3:]} "
    assert workshops.workshop_by_code(db, spaced)["id"] == wid
    for bad in ("", "zzzzzz", "abc", "<scri>"):
        with pytest.raises(WorkshopError) as unknown:
            workshops.workshop_by_code(db, bad)
        assert unknown.value.status == 404
    workshops.set_status(db, wid, "closed")
    with pytest.raises(WorkshopError) as closed:
        workshops.workshop_by_code(db, code)
    assert closed.value.status == 410 and "terminé" in closed.value.message
    assert workshops.workshop_by_code(db, code, open_only=False)["id"] == wid


def test_deleting_the_diagnostic_removes_everything(db, diagnostic):
    workshop = make_workshop(db, diagnostic, ("empathy", None))
    person = participant(db, workshop["id"])
    cards.post_card(db, workshop["activities"][0], "dit", "Bonjour", person)
    db.execute("DELETE FROM diagnostics WHERE id = ?", [diagnostic])
    db.conn.commit()
    for table in (
        "workshops",
        "workshop_activities",
        "workshop_participants",
        "workshop_cards",
        "workshop_events",
    ):
        assert db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0


def test_vision_title_follows_its_years_unless_renamed(db, diagnostic):
    """C3: changing the years renames a default title, never a chosen one."""
    workshop = make_workshop(db, diagnostic, ("vision", {"base_year": 2025}))
    vision = workshop["activities"][0]
    changed = boards.update_activity(db, vision, config={"years": [2030, 2040]})
    assert changed["title"] == changed["template_label"] == "Vision 2030 / 2040"
    assert changed["config"]["horizons"] == [5, 15]
    boards.update_activity(db, vision, title="Notre territoire demain")
    kept = boards.update_activity(db, vision, config={"horizons": [10]})
    assert kept["title"] == "Notre territoire demain"
    assert kept["template_label"] == "Vision 2035"


def test_one_way_to_vote_on_a_set_of_cards(db, diagnostic):
    """C6: once a dot vote uses a board's cards, the vote happens there; the
    board stops at "Regroupement" and says where the vote is."""
    workshop = make_workshop(db, diagnostic, ("empathy", None), ("brainstorm", None))
    empathy, brainstorm = workshop["activities"]
    boards.set_phase(db, brainstorm, "vote")
    vote = boards.create_activity(
        db, workshop["id"], "dots", "Vote final", {"source_activity_id": brainstorm}
    )
    voted = boards.get_activity(db, brainstorm)
    assert voted["phase"] == "group"  # moved back: no second vote open
    assert voted["phases"] == ["write", "reveal", "group"]
    assert voted["voted_in"] == [{"id": vote, "title": "Vote final"}]
    with pytest.raises(WorkshopError, match="« Vote final » : affichez-la"):
        boards.set_phase(db, brainstorm, "vote")
    with pytest.raises(WorkshopError, match="pas d'étape"):
        boards.step_phase(db, brainstorm, 1)
    listed = {a["id"]: a for a in boards.list_activities(db, workshop["id"])}
    assert listed[brainstorm]["phases"] == ["write", "reveal", "group"]
    # A board without its own dot vote keeps its quick vote.
    assert listed[empathy]["phases"] == list(boards.CARD_PHASES)
    assert listed[empathy]["voted_in"] == []
    boards.set_phase(db, empathy, "vote")
