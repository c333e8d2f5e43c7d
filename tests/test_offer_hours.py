"""OpenStreetMap opening hours of places read as plain French."""

import pytest

from offer.opening_hours import describe_hours


@pytest.mark.parametrize(
    ("raw", "french"),
    [
        ("Mo-Fr 09:00-12:00", "du lundi au vendredi, 9 h – 12 h"),
        (
            "Mo-Fr 09:00-12:00,14:00-17:30; Sa 09:00-12:00; PH off",
            "du lundi au vendredi, 9 h – 12 h et 14 h – 17 h 30 ; "
            "le samedi, 9 h – 12 h ; fermé les jours fériés",
        ),
        ("mo,we 9:00 - 12:00", "lundi et mercredi, 9 h – 12 h"),
        ("Mo-We,Fr 14:00-18:00", "du lundi au mercredi et vendredi, 14 h – 18 h"),
        ("Mo-Su 08:00-20:00", "tous les jours, 8 h – 20 h"),
        ("24/7", "tous les jours, 24 h sur 24"),
        ("10:00-16:00", "tous les jours, 10 h – 16 h"),
        ("Tu 14:00-17:00; Su off", "le mardi, 14 h – 17 h ; fermé le dimanche"),
        ("PH 10:00-12:00", "les jours fériés, 10 h – 12 h"),
        ("Th 20:00-24:00", "le jeudi, 20 h – 24 h"),
        ("", ""),
        (None, ""),
    ],
)
def test_common_subset_in_plain_french(raw, french):
    assert describe_hours(raw) == french


@pytest.mark.parametrize(
    "raw",
    [
        "Jan-Jun Mo-Fr 09:00-12:00",  # months: not read
        "Mo[1] 10:00-12:00",
        'Mo-Fr 09:00-12:00 "sur rendez-vous"',
        "Mo-Fr sunrise-sunset",
        "Mo-Fr",
        "Xx 09:00-12:00",
        "Mo 25:00-26:00",
        "Le lundi matin <b>9h</b>",
    ],
)
def test_anything_else_is_kept_as_typed(raw):
    assert describe_hours(raw) == raw


def test_places_show_their_hours_in_french(logged_in, db, diagnostic):
    from helpers.offer import place_row

    from diagnostic.document_offer import offer_blocks
    from offer.places import save_places

    save_places(db, diagnostic, [
        place_row(1, "69123", "Lyon", "69001", horaires="Mo-Fr 09:00-12:00; PH off"),
        place_row(2, "69123", "Lyon", "69001", horaires="Jan-Jun <b>Mo</b>"),
    ])  # fmt: skip
    html = logged_in.get(f"/diagnostics/{diagnostic}/offre").get_data(as_text=True)
    assert "du lundi au vendredi, 9 h – 12 h ; fermé les jours fériés" in html
    assert "Jan-Jun &lt;b&gt;Mo&lt;/b&gt;" in html  # unread: as typed, escaped
    table = next(b for b in offer_blocks(db, diagnostic)
                 if getattr(b, "caption", "").startswith("Lieux"))  # fmt: skip
    hours = [row[3] for row in table.rows]
    assert hours == [
        "du lundi au vendredi, 9 h – 12 h ; fermé les jours fériés",
        "Jan-Jun <b>Mo</b>",
    ]
