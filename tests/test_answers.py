"""The answer rules every entry path shares (pure functions, no Flask)."""

import pytest

from survey_app.surveys.answers import (
    clean_text,
    group_steps,
    parse_answers,
    parse_number,
    visible_questions,
)

CHOICES = [
    {"code": "oui", "label": "Oui"},
    {"code": "non", "label": "Non"},
    {"code": "aucun", "label": "Aucun"},
]


def q(type_, key="Q", required=True, **extra):
    question = {"key": key, "type": type_, "text": "Question ?", "required": required}
    if type_ in ("single", "multiple", "scale"):
        question["choices"] = CHOICES
    return {**question, **extra}


def known_commune(code: str) -> bool:
    return code in {"69123", "2A004"}


ERRORS = [
    (q("single"), {}, "Choisissez une réponse."),
    (q("single"), {"Q": "  "}, "Choisissez une réponse."),
    (q("single"), {"Q": "peut-etre"}, "ne fait pas partie de la liste"),
    (q("single"), {"Q": ["oui", "non"]}, "Choisissez une seule réponse."),
    (q("single"), {"Q": "autre"}, "ne fait pas partie de la liste"),
    (q("scale"), {"Q": "autre"}, "ne fait pas partie de la liste"),
    (q("scale", other=True), {"Q": "autre"}, "ne fait pas partie de la liste"),
    (q("multiple"), {}, "Choisissez au moins une réponse."),
    (q("multiple"), {"Q": ["oui", "zut"]}, "ne fait pas partie de la liste"),
    (
        q("multiple", exclusive=["aucun"]),
        {"Q": ["oui", "aucun"]},
        "« Aucun » ne peut pas être coché avec une autre réponse.",
    ),
    (
        q("single", other=True),
        {"Q": "oui", "Q.autre": "texte"},
        "Vous avez écrit une précision : choisissez aussi « Autre »",
    ),
    (
        q("multiple", other=True),
        {"Q": "autre", "Q.autre": "x" * 301},
        "Votre précision est trop longue : 301 caractères, 300 au maximum.",
    ),
    (q("number"), {}, "Indiquez un nombre."),
    (
        q("number"),
        {"Q": "douze"},
        "Écrivez seulement un nombre, par exemple 12 ou 3,5.",
    ),
    (q("number"), {"Q": "12 ans"}, "Écrivez seulement un nombre"),
    (q("number"), {"Q": "1e9"}, "Écrivez seulement un nombre"),
    (q("number"), {"Q": "nan"}, "Écrivez seulement un nombre"),
    (q("number"), {"Q": "9" * 40}, "Écrivez seulement un nombre"),
    (q("number", min=0, max=120), {"Q": "121"}, "Indiquez un nombre entre 0 et 120."),
    (q("number", min=0, max=120), {"Q": "-1"}, "Indiquez un nombre entre 0 et 120."),
    (q("number", min=1.5), {"Q": "1"}, "égal ou supérieur à 1,5."),
    (q("number", max=10), {"Q": "10,5"}, "égal ou inférieur à 10."),
    (q("short_text"), {}, "Écrivez une réponse."),
    (q("short_text"), {"Q": " \t\x00 "}, "Écrivez une réponse."),
    (q("short_text"), {"Q": "a" * 301}, "trop longue : 301 caractères, 300 au maximum"),
    (q("long_text"), {"Q": "a" * 2001}, "2001 caractères, 2000 au maximum"),
    (q("long_text", max_length=10), {"Q": "a" * 11}, "11 caractères, 10 au maximum"),
    (q("commune"), {}, "Indiquez votre commune."),
    (q("commune"), {"Q": "99999"}, "Choisissez votre commune dans la liste proposée."),
    (q("commune"), {"Q": "Lyon"}, "Choisissez votre commune dans la liste proposée."),
]


@pytest.mark.parametrize(("question", "form", "message"), ERRORS)
def test_bad_input_gives_a_french_message(question, form, message):
    answers, errors = parse_answers([question], form, known_commune)
    assert message in errors["Q"]
    assert answers == {}


SCRIPT = "<script>alert(1)</script>"
ACCEPTED = [
    (q("single"), {"Q": " oui "}, {"Q": "oui"}),
    (q("scale"), {"Q": "non"}, {"Q": "non"}),
    (q("multiple"), {"Q": ["non", "oui", "non"]}, {"Q": ["oui", "non"]}),
    (q("multiple", exclusive=["aucun"]), {"Q": "aucun"}, {"Q": ["aucun"]}),
    (
        q("single", other=True),
        {"Q": "autre", "Q.autre": " Une tablette 📱 "},
        {"Q": "autre", "Q.autre": "Une tablette 📱"},
    ),
    # A precision typed with nothing ticked means "Autre".
    (q("single", other=True), {"Q.autre": "x"}, {"Q": "autre", "Q.autre": "x"}),
    (
        q("multiple", other=True),
        {"Q": "oui", "Q.autre": "x"},
        {"Q": ["oui", "autre"], "Q.autre": "x"},
    ),
    (q("single", other=True), {"Q": "autre"}, {"Q": "autre"}),
    (q("number"), {"Q": "12"}, {"Q": 12}),
    (q("number"), {"Q": "3,5"}, {"Q": 3.5}),
    (q("number"), {"Q": "3.0"}, {"Q": 3}),
    (q("number"), {"Q": "1 200"}, {"Q": 1200}),
    (q("number"), {"Q": "1\u202f200,25"}, {"Q": 1200.25}),
    (q("number", min=0, max=120), {"Q": "120"}, {"Q": 120}),
    (q("number"), {"Q": "-4"}, {"Q": -4}),
    (q("short_text"), {"Q": SCRIPT}, {"Q": SCRIPT}),
    (q("short_text"), {"Q": "👩🏽‍💻 ok"}, {"Q": "👩🏽‍💻 ok"}),
    (q("short_text"), {"Q": "a\x00b\x07c\u202ed\nligne"}, {"Q": "abcd ligne"}),
    (q("long_text"), {"Q": "un\r\ndeux\u2028trois\x1b"}, {"Q": "un\ndeux\ntrois"}),
    (q("short_text"), {"Q": "é" * 300}, {"Q": "é" * 300}),
    (q("commune"), {"Q": "69123"}, {"Q": "69123"}),
    (q("commune"), {"Q": "2a004"}, {"Q": "2A004"}),
]  # fmt: skip


@pytest.mark.parametrize(("question", "form", "expected"), ACCEPTED)
def test_good_input_is_stored_cleaned(question, form, expected):
    assert parse_answers([question], form, known_commune) == (expected, {})


@pytest.mark.parametrize(
    "type_", ["single", "multiple", "scale", "number", "short_text", "commune"]
)
def test_optional_questions_may_stay_empty(type_):
    assert parse_answers([q(type_, required=False)], {"Q": ""}) == ({}, {})


def test_optional_question_still_rejects_wrong_values():
    _, errors = parse_answers([q("number", required=False)], {"Q": "beaucoup"})
    assert "nombre" in errors["Q"]


def test_commune_without_lookup_checks_the_format_only():
    assert parse_answers([q("commune")], {"Q": "01001"}) == ({"Q": "01001"}, {})
    assert "Q" in parse_answers([q("commune")], {"Q": "1001"})[1]


SURVEY = [
    q("single", "NET"),
    q("multiple", "WHY", required=True, show_if={"question": "NET", "values": ["non"]}),
    q("short_text", "MORE", show_if={"question": "WHY", "values": ["aucun"]}),
    q("short_text", "END", required=False),
]


def test_hidden_questions_are_dropped_and_not_required():
    form = {"NET": "oui", "WHY": "aucun", "MORE": "x", "END": "fin"}
    assert parse_answers(SURVEY, form) == ({"NET": "oui", "END": "fin"}, {})
    keys = [x["key"] for x in visible_questions(SURVEY, {"NET": "oui"})]
    assert keys == ["NET", "END"]


def test_show_if_follows_chains_and_multiple_answers():
    keys = [x["key"] for x in visible_questions(SURVEY, {"NET": "non"})]
    assert keys == ["NET", "WHY", "END"]
    answers = {"NET": "non", "WHY": ["oui", "aucun"]}
    assert len(visible_questions(SURVEY, answers)) == 4
    # MORE depends on WHY, hidden because NET is "oui": hidden too.
    answers = {"NET": "oui", "WHY": ["aucun"]}
    assert "MORE" not in [x["key"] for x in visible_questions(SURVEY, answers)]
    _, errors = parse_answers(SURVEY, {"NET": "non"})
    assert errors == {"WHY": "Choisissez au moins une réponse."}


def test_unknown_fields_are_ignored():
    assert parse_answers([q("single")], {"Q": "oui", "admin": "1"}) == (
        {"Q": "oui"},
        {},
    )


def test_steps_split_by_theme_size_and_dependency():
    questions = [q("single", f"A{i}", theme="usages") for i in range(5)] + [
        q("single", "B", theme="freins"),
        q("single", "C", theme="freins", show_if={"question": "B", "values": ["x"]}),
    ]
    steps = [[x["key"] for x in step] for step in group_steps(questions)]
    assert steps == [["A0", "A1", "A2", "A3"], ["A4"], ["B"], ["C"]]


@pytest.mark.parametrize(
    ("text", "number"),
    [("0", 0), ("+7", 7), ("7,25", 7.25), ("1 000", 1000), ("", None), (",5", None)],
)
def test_parse_number(text, number):
    assert parse_number(text) == number


def test_clean_text_keeps_html_and_emoji_as_text():
    assert clean_text("<b>👍🏾</b>\u2066x\u2069") == "<b>👍🏾</b>x"
    assert clean_text("a\nb", multiline=True) == "a\nb"
