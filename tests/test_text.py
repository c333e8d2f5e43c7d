import pytest

from survey_app.text import clean_typed_text, fold


@pytest.mark.parametrize(
    ("typed", "multiline", "kept"),
    [
        ("  famille 👨‍👩‍👧 ", False, "famille 👨‍👩‍👧"),  # joiners kept
        ("a\u200bb\u202ec\ufeffd\x00", False, "abcd"),  # invisible ones go
        ("un\r\ndeux\tTrois", True, "un\ndeux Trois"),
        ("un\ndeux", False, "un deux"),
        ("<b>gras</b>", False, "<b>gras</b>"),  # escaped when shown
    ],
)
def test_clean_typed_text(typed, multiline, kept):
    assert clean_typed_text(typed, multiline) == kept


def test_fold():
    assert fold("Saint-Étienne") == fold("saint etienne") == "saint etienne"
