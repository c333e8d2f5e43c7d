"""Where an indicator stands, and its chart (issue 12 §1): pure functions,
checked against figures computed by hand."""

import xml.etree.ElementTree as ET
from datetime import date

import pytest

from evaluation.charts import format_number, progress_svg
from evaluation.progress import (
    LATE,
    NO_DATA,
    ON_TRACK,
    Point,
    indicator_status,
    next_measure,
    planned_value,
)

START = Point(date(2026, 1, 1), 20)
TARGET = Point(date(2027, 1, 1), 60)  # 365 days later: +40
MID = date(2026, 7, 2)  # 182 days: 182/365 = 49.86 % of the time


def test_planned_value_is_the_straight_line():
    # 20 + 40 × 182 / 365 = 39.945…
    assert planned_value(START, TARGET, MID) == pytest.approx(39.94520548)
    assert planned_value(START, TARGET, date(2025, 6, 1)) == 20
    assert planned_value(START, TARGET, date(2027, 6, 1)) == 60


@pytest.mark.parametrize(
    ("value", "on", "expected"),
    [
        # (38 − 20) / 40 = 45 % of the change vs 49.86 % of the time: 4.9 pts.
        (38, MID, ON_TRACK),
        # 35: 37.5 % vs 49.86 %: 12.4 points behind.
        (35, MID, LATE),
        # The edge: 49.86 − 10 = 39.86 % of 40 = 15.945 → 35.945 is the limit.
        (36, MID, ON_TRACK),  # 40 %
        (35.9, MID, LATE),  # 39.75 %
        # After the target date the whole change is expected: 95 % ≥ 90 %.
        (58, date(2027, 3, 1), ON_TRACK),
        (50, date(2027, 3, 1), LATE),  # 75 %
        # Reached early.
        (60, date(2026, 3, 1), ON_TRACK),
    ],
)
def test_rising_indicator(value, on, expected):
    status = indicator_status(START, TARGET, [Point(on, value)])
    assert status.code == expected
    assert status.latest == Point(on, value)


def test_status_figures_and_reasons():
    late = indicator_status(START, TARGET, [Point(MID, 35)])
    assert late.progress == pytest.approx(0.375)
    assert late.expected == pytest.approx(39.94520548)
    assert late.reason == "La dernière mesure est en dessous du chemin prévu."
    assert late.label == "en retard"
    reached = indicator_status(START, TARGET, [Point(MID, 61)])
    assert reached.reason == "Cible atteinte."


def test_falling_indicator():
    start, target = Point(date(2026, 1, 1), 30), Point(date(2027, 1, 1), 10)
    # (25 − 30) / (10 − 30) = 25 % vs 49.86 %: late; 21 → 45 %: on track.
    late = indicator_status(start, target, [Point(MID, 25)])
    assert late.code == LATE
    assert late.reason == "La dernière mesure est au-dessus du chemin prévu."
    assert indicator_status(start, target, [Point(MID, 21)]).code == ON_TRACK


def test_keeping_a_level():
    start, target = Point(date(2026, 1, 1), 50), Point(date(2027, 1, 1), 50)
    # |46 − 50| / 50 = 8 % ≤ 10 %; |44 − 50| / 50 = 12 %.
    assert indicator_status(start, target, [Point(MID, 46)]).code == ON_TRACK
    assert indicator_status(start, target, [Point(MID, 44)]).code == LATE


def test_only_the_latest_measure_after_the_start_counts():
    measures = [
        Point(date(2025, 12, 1), 99),  # before the start: ignored
        Point(MID, 35),
        Point(date(2026, 3, 1), 59),  # older than the latest
    ]
    status = indicator_status(START, TARGET, measures)
    assert status.latest == Point(MID, 35) and status.code == LATE


def test_no_data_cases():
    one = [Point(MID, 35)]
    assert indicator_status(START, None, one).code == NO_DATA
    assert indicator_status(None, TARGET, []).code == NO_DATA
    assert indicator_status(START, TARGET, []).code == NO_DATA
    assert indicator_status(START, TARGET, [Point(START.on, 25)]).code == NO_DATA
    # Without a baseline the first measure is the start: one measure is not
    # enough, two are (35 → 45 by 1 Jan 2027? only 10 of 25 points: late).
    alone = indicator_status(None, TARGET, one)
    assert alone.code == NO_DATA and alone.start == one[0]
    two = indicator_status(None, TARGET, [*one, Point(date(2026, 10, 1), 45)])
    # start 35 on 2 July, target 60 on 1 Jan: 91 of 183 days = 49.7 % of the
    # time; (45 − 35) / 25 = 40 %: 9.7 points behind, within the tolerance.
    assert two.code == ON_TRACK and two.progress == pytest.approx(0.4)
    before = indicator_status(Point(date(2027, 2, 1), 1), TARGET, one)
    assert before.code == NO_DATA


def test_numbers_read_in_french():
    assert format_number(1234.0) == "1\u202f234"
    assert format_number(12.46, "% des répondants") == "12,5\u00a0%"
    assert format_number(-3) == "−3"
    assert format_number(None) == "—"


def test_chart_escapes_user_text_and_says_its_values():
    name = '<script>alert("x")</script> & « co »'
    svg = progress_svg('id"><b', name, "%", START, TARGET, [Point(MID, 35)])
    root = ET.fromstring(svg)  # well-formed: nothing typed broke the markup
    ns = "{http://www.w3.org/2000/svg}"
    assert root.find(f"{ns}title").text == f"Évolution de l'indicateur « {name} »"
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert root.get("aria-labelledby") == "idb-titre idb-desc"
    desc = root.find(f"{ns}desc").text
    assert "départ : 20\u00a0% le 1er janvier 2026" in desc.lower()
    assert "cible : 60\u00a0% le 1er janvier 2027" in desc
    assert "mesures : 35\u00a0% le 2 juillet 2026" in desc
    assert len(list(root.iter(f"{ns}circle"))) == 2  # one measure + the legend's


def test_chart_without_values():
    svg = progress_svg("v", "Rien", "", None, None, [])
    assert "Aucune valeur pour l'instant" in svg
    ET.fromstring(svg)


def test_next_measure_follows_the_frequency():
    assert next_measure(date(2026, 1, 31), "mensuelle") == date(2026, 2, 28)
    assert next_measure(date(2027, 11, 30), "trimestrielle") == date(2028, 2, 29)
    assert next_measure(date(2026, 8, 15), "semestrielle") == date(2027, 2, 15)
    assert next_measure(date(2026, 8, 15), "annuelle") == date(2027, 8, 15)
    assert next_measure(date(2026, 8, 15), "") is None
    assert next_measure(None, "annuelle") is None
