"""analysis.frames: responses as frames, labels over versions, the cache."""

import pandas as pd
import pytest
from helpers.analysis_surveys import QUESTIONS, add_answers, make_survey

from analysis import answer_cache
from analysis.frames import answers_table, load_survey
from survey_app.surveys.model import save_questions

ANSWERS = [
    {
        "EQ_MOBILE": "smartphone",
        "US_ACTIVITES": ["email", "autre"],
        "US_ACTIVITES.autre": "Jeux <b>vidéo</b> 🎮",
        "CP_AISANCE": "plutot",
        "PR_MENAGE": 3,
        "PR_COMMUNE": "44109",
        "REMARQUE": "=1+1",
    },
    {"EQ_MOBILE": "aucun", "US_ACTIVITES": ["aucune"], "PR_MENAGE": 1},
    {},
]


@pytest.fixture
def frames(db, diagnostic):
    survey_id = make_survey(db, diagnostic, ANSWERS)
    return load_survey(db, survey_id)


def test_wide_has_one_row_per_response_and_typed_columns(frames):
    wide = frames.wide
    assert len(wide) == 3
    assert wide.index.name == "response_id"
    first, second, third = wide.index
    assert list(wide["EQ_MOBILE"].astype(object).fillna("-")) == [
        "smartphone",
        "aucun",
        "-",
    ]
    assert list(wide["EQ_MOBILE"].cat.categories) == [
        "smartphone",
        "mobile_simple",
        "aucun",
    ]
    assert wide["CP_AISANCE"].cat.ordered
    assert wide.at[first, "PR_MENAGE"] == 3.0 and wide["PR_MENAGE"].dtype == "float64"
    assert wide.at[first, "PR_COMMUNE"] == "44109"
    # Multiple choice: True/False when answered, NA when not.
    assert wide.at[first, "US_ACTIVITES:email"]
    assert wide.at[second, "US_ACTIVITES:email"] == False  # noqa: E712
    assert wide.at[second, "US_ACTIVITES:aucune"] == True  # noqa: E712
    assert pd.isna(wide.at[third, "US_ACTIVITES:email"])
    assert wide.at[first, "US_ACTIVITES:autre"] == True  # noqa: E712
    assert wide.at[first, "US_ACTIVITES.autre"] == "Jeux <b>vidéo</b> 🎮"
    assert list(frames.answered("US_ACTIVITES")) == [True, True, False]
    assert wide["weight"].tolist() == [1.0, 1.0, 1.0]
    assert wide["point"].tolist() == ["Marché"] * 3
    assert wide["mode"].tolist() == ["self"] * 3
    assert wide["version"].tolist() == [1, 1, 1]
    # 10:00 UTC in March is 11:00 in Paris.
    assert wide.at[first, "submitted_at"] == pd.Timestamp("2026-03-01 11:00")
    assert wide.at[first, "day"] == pd.Timestamp("2026-03-01")


def test_codebook_and_labels(frames):
    assert frames.label("EQ_MOBILE", "aucun") == "Non, aucun"
    assert frames.label("US_ACTIVITES", "autre") == "Autre"
    assert frames.label("PR_COMMUNE", "44109") == "Nantes"
    assert frames.label("EQ_MOBILE", None) == "Sans réponse"
    assert frames.label("EQ_MOBILE", "inconnu") == "inconnu"
    book = frames.codebook
    mobile = book[book["key"] == "EQ_MOBILE"]
    assert mobile["code"].tolist() == ["smartphone", "mobile_simple", "aucun"]
    assert set(mobile["bank_id"]) == {"EQ_MOBILE"}
    assert frames.codes("US_ACTIVITES") == ["email", "achats", "aucune", "autre"]
    assert book[book["key"] == "PR_MENAGE"]["code"].isna().all()
    assert frames.keys("multiple") == ["US_ACTIVITES"]
    assert frames.question("CP_AISANCE")["type"] == "scale"


def test_long_frame(frames):
    long = frames.long
    first = frames.wide.index[0]
    chosen = long[(long["response_id"] == first) & (long["key"] == "US_ACTIVITES")]
    assert sorted(chosen["code"]) == ["autre", "email"]
    menage = long[long["key"] == "PR_MENAGE"]
    assert sorted(menage["value"]) == [1, 3]


def test_answers_table_labels_everything(frames):
    table = answers_table(frames)
    assert len(table) == 3
    row = table.iloc[0]
    assert row["EQ_MOBILE"] == "Oui, un smartphone"
    assert row["US_ACTIVITES"] == "E-mails ; Autre"
    assert row["US_ACTIVITES (autre, précisez)"] == "Jeux <b>vidéo</b> 🎮"
    assert row["PR_COMMUNE"] == "Nantes (44109)"
    assert row["REMARQUE"] == "=1+1"  # as typed: the writer neutralises it
    assert row["Lieu"] == "Marché" and row["Type de lieu"] == "Marché"
    assert row["Mode"] == "Sur son téléphone"
    assert table.iloc[1]["US_ACTIVITES"] == "Rien de tout cela"
    assert pd.isna(table.iloc[2]["US_ACTIVITES"])
    by_text = answers_table(frames, header="text")
    assert "Utilisez-vous un téléphone portable ?" in by_text.columns


def test_survey_without_answers(db, diagnostic):
    frames = load_survey(db, make_survey(db, diagnostic, []))
    assert frames.wide.empty
    assert "EQ_MOBILE" in frames.wide.columns
    assert "US_ACTIVITES:email" in frames.wide.columns
    assert answers_table(frames).empty
    assert frames.long.empty


def test_unknown_survey(db):
    with pytest.raises(KeyError):
        load_survey(db, 999)


def test_old_codes_keep_their_old_label_after_a_new_version(db, diagnostic):
    survey_id = make_survey(db, diagnostic, [{"EQ_MOBILE": "mobile_simple"}])
    edited = [dict(q) for q in QUESTIONS]
    edited[0] = {
        **edited[0],
        "text": "Avez-vous un portable ?",
        "choices": [
            {"code": "smartphone", "label": "Oui, un smartphone"},
            {"code": "x", "label": "Un téléphone à clapet"},
            {"code": "aucun", "label": "Non, aucun"},
        ],
    }
    save_questions(db, survey_id, edited)
    add_answers(db, survey_id, [{"EQ_MOBILE": "smartphone"}], point=None)
    frames = load_survey(db, survey_id)
    assert frames.wide["version"].tolist() == [1, 2]
    assert frames.question("EQ_MOBILE")["text"] == "Avez-vous un portable ?"
    assert frames.label("EQ_MOBILE", "mobile_simple") == "Oui, un téléphone simple"
    codes = frames.codes("EQ_MOBILE")
    assert "mobile_simple" in codes and len(codes) == 4
    assert pd.isna(frames.wide["point"].iloc[1])


def test_cache_stays_correct_as_answers_arrive_and_leave(db, diagnostic, monkeypatch):
    monkeypatch.setattr(answer_cache, "CACHE_MIN_RESPONSES", 2)
    monkeypatch.setattr(answer_cache, "CACHE_MIN_NEW", 1)
    survey_id = make_survey(db, diagnostic, ANSWERS)
    assert len(load_survey(db, survey_id).wide) == 3
    cached = db.execute("SELECT response_count FROM analysis_cache").fetchone()
    assert cached[0] == 3
    # A new answer, with a multiple-choice code never seen before.
    add_answers(db, survey_id, [{"US_ACTIVITES": ["achats"], "EQ_MOBILE": "aucun"}])
    frames = load_survey(db, survey_id)
    assert len(frames.wide) == 4
    assert frames.wide["US_ACTIVITES:achats"].tolist() == [False, False, pd.NA, True]
    assert frames.wide["EQ_MOBILE"].value_counts()["aucun"] == 2
    # Deleting a response (not the last one) is noticed: full rebuild.
    first = int(frames.wide.index[0])
    db.execute("DELETE FROM responses WHERE id = ?", [first])
    db.conn.commit()
    again = load_survey(db, survey_id)
    assert first not in again.wide.index and len(again.wide) == 3
    uncached = load_survey(db, survey_id, cache=False)
    pd.testing.assert_frame_equal(again.wide, uncached.wide)


def test_cache_rebuilt_when_last_response_id_is_reused(db, diagnostic, monkeypatch):
    monkeypatch.setattr(answer_cache, "CACHE_MIN_RESPONSES", 1)
    survey_id = make_survey(db, diagnostic, [{"EQ_MOBILE": "aucun"}] * 2)
    last = int(load_survey(db, survey_id).wide.index[-1])
    db.execute("DELETE FROM responses WHERE id = ?", [last])
    db.conn.commit()
    (new,) = add_answers(db, survey_id, [{"EQ_MOBILE": "smartphone"}])
    assert new == last  # SQLite re-used the rowid
    assert load_survey(db, survey_id).wide.at[new, "EQ_MOBILE"] == "smartphone"


def test_cache_forgets_a_deleted_or_edited_response_at_once(
    db, diagnostic, monkeypatch
):
    monkeypatch.setattr(answer_cache, "CACHE_MIN_RESPONSES", 1)
    survey_id = make_survey(db, diagnostic, ANSWERS)
    load_survey(db, survey_id)
    count = "SELECT count(*) FROM analysis_cache"
    assert db.execute(count).fetchone()[0] == 1
    db.execute("DELETE FROM responses WHERE answers LIKE '%Jeux%'")
    db.conn.commit()
    assert db.execute(count).fetchone()[0] == 0  # the text is gone everywhere
    load_survey(db, survey_id)
    db.execute("UPDATE responses SET answers = '{}'")
    db.conn.commit()
    assert db.execute(count).fetchone()[0] == 0


def test_cache_is_deleted_with_the_survey(db, diagnostic, monkeypatch):
    monkeypatch.setattr(answer_cache, "CACHE_MIN_RESPONSES", 1)
    survey_id = make_survey(db, diagnostic, ANSWERS)
    load_survey(db, survey_id)
    db.execute("DELETE FROM diagnostics WHERE id = ?", [diagnostic])
    db.conn.commit()
    assert db.execute("SELECT count(*) FROM analysis_cache").fetchone()[0] == 0


def test_long_text_and_corrupt_json(db, diagnostic):
    text = "é" * 9990 + "🙂" * 10
    survey_id = make_survey(db, diagnostic, [{"REMARQUE": text}])
    db.execute(
        "UPDATE responses SET answers = 'pas du json' WHERE survey_id = ?", [survey_id]
    )
    add_answers(db, survey_id, [{"REMARQUE": text}])
    db.conn.commit()
    frames = load_survey(db, survey_id, cache=False)
    assert frames.wide["REMARQUE"].tolist()[1] == text
    assert pd.isna(frames.wide["REMARQUE"].tolist()[0])
