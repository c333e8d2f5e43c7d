"""The built-in question bank: content, presets and load-time validation."""

import pytest
import yaml

from survey_app.surveys import bank, model
from survey_app.surveys.questions import CODE_RE, validate_questions

# domain.md §1.7: the 20 questions of the 3-minute street interview.
SHORT = [
    "EQ_MOBILE",
    "EQ_ORDI_TABLETTE",
    "CO_INTERNET_DOMICILE",
    "CO_RAISONS_SANS_INTERNET",
    "US_DERNIERE_UTILISATION",
    "US_FREQUENCE",
    "CP_INFORMATION",
    "CP_COMMUNICATION",
    "CP_SECURITE",
    "CP_AISANCE",
    "DA_EN_LIGNE",
    "DA_RENONCEMENT",
    "DA_DIFFICULTES",
    "BE_SOUHAIT",
    "BE_SUJETS",
    "BE_CONNAIT_LIEU",
    "FR_FREINS",
    "PR_AGE",
    "PR_GENRE",
    "PR_COMMUNE",
]


def by_key() -> dict:
    return {q["key"]: q for q in bank.load_bank()}


def test_bank_covers_every_theme_with_about_thirty_questions():
    entries = bank.load_bank()
    assert 28 <= len(entries) <= 36
    themes = {q["theme"] for q in entries}
    assert themes == set(model.THEMES) - {"autre"}


def test_every_entry_has_an_indicator_a_source_and_readable_wording():
    for q in bank.load_bank():
        assert q["indicator"].strip() and q["source"].strip(), q["key"]
        assert len(q["text"]) <= 90, q["key"]  # short sentences for residents
        for choice in q.get("choices", []):
            assert len(choice["label"]) <= 60, (q["key"], choice["label"])
            # YAML would read 15_17 as the integer 1517 if left unquoted.
            assert isinstance(choice["code"], str) and CODE_RE.match(choice["code"])


def test_short_preset_is_the_street_interview_list_in_bank_order():
    assert [q["key"] for q in bank.preset("court")] == SHORT
    complete = [q["key"] for q in bank.preset("complet")]
    assert complete == [q["key"] for q in bank.load_bank()]
    assert [k for k in complete if k in SHORT] == SHORT


@pytest.mark.parametrize("name", ["court", "complet"])
def test_presets_are_valid_survey_questions_with_bank_id(name):
    questions = bank.preset(name)
    assert validate_questions(questions) == []
    for q in questions:
        assert q["bank_id"] == q["key"]
        assert not {"indicator", "source", "short"} & set(q)


def test_unknown_preset_is_refused():
    with pytest.raises(KeyError):
        bank.preset("moyen")


def test_presets_create_a_survey(app, db, diagnostic):
    survey_id = model.create_survey(db, diagnostic, "Marché", bank.preset("court"))
    stored = model.current_version(db, survey_id)["questions"]
    assert stored == bank.preset("court")


def test_callers_cannot_corrupt_the_cached_bank():
    bank.load_bank()[0]["text"] = "modifié"
    bank.preset("court")[0]["choices"].clear()
    assert bank.load_bank()[0]["text"] != "modifié"
    assert len(bank.preset("court")[0]["choices"]) >= 2


def test_bank_question_returns_the_entry_or_none():
    entry = bank.bank_question("PR_COMMUNE")
    assert entry["type"] == "commune" and entry["indicator"]
    assert bank.bank_question("NOPE") is None


def test_profile_questions_allow_comparison_and_reweighting():
    questions = by_key()
    assert [c["code"] for c in questions["PR_GENRE"]["choices"]] == [
        "femme",
        "homme",
        "autre",
        "nr",
    ]
    assert questions["PR_COMMUNE"]["type"] == "commune"
    age_codes = [c["code"] for c in questions["PR_AGE"]["choices"]]
    # Every INSEE band (TIC 2021 and census) is a union of whole answer bands.
    insee_bands = {
        "15-24": ["15_17", "18_24"],
        "25-39": ["25_39"],
        "40-59": ["40_44", "45_59"],
        "60-74": ["60_69", "70_74"],
        "75+": ["75_plus"],
    }
    for codes in insee_bands.values():
        assert set(codes) <= set(age_codes)
    used = [c for codes in insee_bands.values() for c in codes]
    assert len(used) == len(set(used))
    assert set(age_codes) - set(used) == {"moins_15", "nr"}


def test_follow_up_questions_are_shown_only_when_relevant():
    questions = by_key()
    assert questions["CO_RAISONS_SANS_INTERNET"]["show_if"] == {
        "question": "CO_INTERNET_DOMICILE",
        "values": ["non"],
    }
    shown = questions["DA_DIFFICULTES"]["show_if"]
    assert shown["question"] == "DA_RENONCEMENT"
    assert "non_concerne" not in shown["values"]
    assert questions["BE_SUJETS"]["show_if"]["question"] == "BE_SOUHAIT"


def test_none_choices_are_exclusive_and_other_is_never_a_plain_choice():
    exclusive = {q["key"] for q in bank.load_bank() if q.get("exclusive")}
    assert {"EQ_ORDI_TABLETTE", "DA_DIFFICULTES", "FR_FREINS"} <= exclusive
    for q in bank.load_bank():
        labels = {c["code"]: c["label"] for c in q.get("choices", [])}
        if q["type"] == "multiple":
            nothing = {
                code
                for code, label in labels.items()
                if label.split()[0].rstrip(",")
                in {"Aucun", "Aucune", "Rien", "Personne"}
            }
            assert set(q["exclusive"]) == nothing, q["key"]
        if q.get("other"):
            assert "Autre" not in labels.values(), q["key"]


def write_bank(tmp_path, entries) -> str:
    path = tmp_path / "bank.yaml"
    path.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
    return path


def entry(key, **extra):
    base = {
        "key": key,
        "type": "single",
        "theme": "usages",
        "text": f"Question {key} ?",
        "choices": [{"code": "oui", "label": "Oui"}, {"code": "non", "label": "Non"}],
        "indicator": "Pas de chiffre national.",
        "source": "Test.",
        "short": True,
    }
    return {**base, **extra}


@pytest.mark.parametrize(
    "entries, message",
    [
        ([entry("A_1"), entry("A_1")], "en double"),
        (
            [
                entry(
                    "A_1",
                    choices=[{"code": "x", "label": "X"}, {"code": "x", "label": "Y"}],
                )
            ],
            "deux fois",
        ),
        (
            [
                entry("A_1", show_if={"question": "A_2", "values": ["oui"]}),
                entry("A_2"),
            ],
            "placée avant",
        ),
        (
            [
                entry("A_1"),
                entry("A_2", show_if={"question": "A_1", "values": ["peut"]}),
            ],
            "n'existe pas",
        ),
        ([entry("A_1", indicator="")], "indicator"),
        (
            [
                entry("A_1", short=False),
                entry("A_2", show_if={"question": "A_1", "values": ["oui"]}),
            ],
            "court",
        ),
        ([entry("A_1", type="slider")], "type"),
        (
            [
                entry(
                    "A_1",
                    choices=[
                        {"code": 1517, "label": "15 à 17 ans"},
                        {"code": "b", "label": "B"},
                    ],
                )
            ],
            "code",
        ),
    ],
)
def test_invalid_bank_files_fail_at_load(tmp_path, entries, message):
    with pytest.raises(bank.BankError, match=message):
        bank._load(write_bank(tmp_path, entries))


def test_a_valid_custom_bank_file_loads(tmp_path):
    entries = [
        entry("A_1"),
        entry("A_2", show_if={"question": "A_1", "values": ["oui"]}),
    ]
    assert len(bank._load(write_bank(tmp_path, entries))) == 2
