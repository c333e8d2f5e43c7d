"""Word clouds: French counting rules, safe SVG, empty input, font fallback."""

import xml.etree.ElementTree as ET

import pytest

from analysis import wordclouds
from analysis.wordclouds import (
    summarise_texts,
    verbatims,
    word_frequencies,
    wordcloud_png,
    wordcloud_svg,
)

SVG = "{http://www.w3.org/2000/svg}"
ANSWERS = [
    "J'ai du mal avec les démarches en ligne",
    "Les DÉMARCHES de la CAF sont compliquées 😀",
    "Une démarche pour les impôts",
    "La CAF, encore la CAF, toujours la CAF",
    "Internet est trop cher",
    None,
    "   ",
]


def test_plural_and_accents_are_grouped_and_shown_with_accents():
    terms = word_frequencies(ANSWERS)
    row = terms[terms["term"] == "démarche"]
    assert len(row) == 1, terms
    assert int(row["count"].iloc[0]) == 3
    assert "démarches" not in set(terms["term"])


def test_count_is_per_text_so_repetition_does_not_dominate():
    terms = word_frequencies(ANSWERS).set_index("term")
    assert terms.loc["CAF", "count"] == 2
    assert terms.loc["CAF", "occurrences"] == 4
    assert terms.index[0] == "démarche"  # used by more texts than CAF


def test_stop_words_numbers_and_emoji_are_left_out():
    terms = set(word_frequencies(["Le 12 et la 😀 du de pour l'accès"])["term"])
    assert terms == {"accès"}


def test_top_limits_and_order_is_stable():
    texts = ["pomme poire", "poire banane", "cerise"]
    terms = word_frequencies(texts, top=2)
    assert list(terms["term"]) == ["poire", "banane"]


@pytest.mark.parametrize("texts", [[], [None, "", "  "], ["le la les de"], ["😀 123"]])
def test_empty_input_never_crashes(texts):
    terms = word_frequencies(texts)
    assert terms.empty and list(terms.columns) == ["term", "count", "occurrences"]
    assert wordcloud_png(texts) is None
    assert wordcloud_svg(texts) is None
    summary = summarise_texts(texts)
    assert summary.svg is None and summary.terms.empty


def test_generator_input_is_read_once():
    terms = word_frequencies(t for t in ["aide", "aide mairie"])
    assert dict(zip(terms["term"], terms["count"], strict=True)) == {
        "aide": 2,
        "mairie": 1,
    }


def test_png_is_an_image():
    png = wordcloud_png(ANSWERS)
    assert png.startswith(b"\x89PNG")


def test_svg_is_accessible_escaped_and_has_no_style_attributes():
    texts = ["<script>alert('x')</script> & démarche", "démarche"]
    svg = wordcloud_svg(texts, ident="q-1")
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "q-1-titre q-1-desc"
    assert root.find(f"{SVG}title").get("id") == "q-1-titre"
    words = {t.text for t in root.iter(f"{SVG}text")}
    assert {"démarche", "script", "alert"} <= words
    assert "<script>" not in svg
    assert "style" not in svg  # a strict CSP would block it


def test_very_long_text_is_handled():
    long_text = ("accompagnement numérique " * 1000)[:10_000]
    summary = summarise_texts([long_text, "accompagnement"])
    assert summary.answered == 2
    assert summary.terms.iloc[0]["term"] == "accompagnement"
    assert all(len(q) <= 280 for q in summary.quotes)


def test_verbatims_prefer_frequent_terms_and_are_distinct():
    texts = ["rien à signaler", "la mairie aide", "la mairie aide", "wifi lent"]
    quotes = verbatims(texts, ["wifi", "mairie"], n=3)
    assert quotes[:2] == ["wifi lent", "la mairie aide"]
    assert len(quotes) == len(set(quotes)) == 3


def test_missing_dejavu_falls_back_to_bundled_font(monkeypatch, caplog):
    monkeypatch.setattr(wordclouds, "DEJAVU", "/nonexistent/DejaVuSans.ttf")
    wordclouds.font_path.cache_clear()
    try:
        path = wordclouds.font_path()
        assert path and path.endswith(".ttf") and "nonexistent" not in path
        assert "fonts-dejavu-core" in caplog.text
        assert wordcloud_png(["démarche caf"]).startswith(b"\x89PNG")
    finally:
        wordclouds.font_path.cache_clear()


def test_hyphens_expressions_and_conditionals():
    texts = [
        "Mes petits-enfants m'aident, je voudrais aller à France Services",
        "Il faudrait une aide pour la carte Vitale depuis un an",
        "france services est loin",
    ]
    terms = word_frequencies(texts).set_index("term")
    assert terms.loc["France Services", "count"] == 2
    assert "petits-enfants" in terms.index and "enfants" not in terms.index
    assert "carte vitale" in terms.index and "carte" not in terms.index
    assert not {"voudrais", "faudrait", "an", "france", "services"} & set(terms.index)
