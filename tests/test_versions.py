"""A code once given to a label is never given to another one."""

from survey_app.surveys.model import freeze_choice_codes


def question(*labels_and_codes):
    return {
        "key": "FREQ",
        "type": "single",
        "choices": [{"code": c, "label": lab} for lab, c in labels_and_codes],
    }


def test_code_of_an_older_version_is_not_reused_for_another_label():
    v1 = [question(("Souvent", "souvent"), ("Jamais", "jamais"))]
    v2 = [question(("Souvent !", "souvent_2"), ("Jamais", "jamais"))]
    # v3 writes "Souvent ?" whose natural code "souvent" belonged to v1.
    v3 = freeze_choice_codes(
        v2, [question(("Souvent ?", "x"), ("Jamais", "x2"))], history=[v1]
    )
    codes = {c["label"]: c["code"] for c in v3[0]["choices"]}
    assert codes["Jamais"] == "jamais"
    assert codes["Souvent ?"] not in {"souvent", "souvent_2", "jamais"}


def test_label_seen_in_an_older_version_gets_its_code_back():
    v1 = [question(("Souvent", "souvent"))]
    v2 = [question(("Parfois", "parfois"))]
    v3 = freeze_choice_codes(v2, [question(("Souvent", "new"))], history=[v1])
    assert v3[0]["choices"][0]["code"] == "souvent"
