"""French dates in Paris time for people, ISO 8601 UTC for machines (issue 8, D6)."""

from datetime import UTC, date, datetime

import pytest

from survey_app import timefmt


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (date(2026, 11, 25), "25 novembre 2026"),
        ("2026-11-25", "25 novembre 2026"),
        (date(2026, 8, 1), "1er août 2026"),
        # 23:30 UTC on 31 December is already New Year's Day in Paris.
        ("2026-12-31T23:30:00Z", "1er janvier 2027"),
        (None, ""),
        ("", ""),
    ],
)
def test_french_date(value, shown):
    assert timefmt.french_date(value) == shown


def test_french_datetime_is_paris_time_winter_and_summer():
    assert timefmt.french_datetime("2026-11-25T08:05:00Z") == (
        "25 novembre 2026 à 9 h 05"
    )
    assert timefmt.french_datetime("2026-07-14T20:00:00Z") == (
        "14 juillet 2026 à 22 h 00"
    )
    aware = datetime(2026, 2, 3, 12, 0, tzinfo=UTC)
    assert timefmt.french_datetime(aware) == "3 février 2026 à 13 h 00"


def test_stamp_round_trip():
    moment = datetime(2026, 11, 25, 8, 5, 7, tzinfo=UTC)
    assert timefmt.stamp(moment) == "2026-11-25T08:05:07Z"
    assert timefmt.parse_stamp("2026-11-25T08:05:07Z") == moment
    assert timefmt.parse_stamp("2026-11-25T09:05:07+01:00") == moment
    assert timefmt.parse_stamp("2026-11-25T08:05:07") == moment
    assert timefmt.now().tzinfo is not None


def test_filters_are_registered(app):
    render = app.jinja_env.from_string("{{ d|date_fr }} / {{ t|datetime_fr }}")
    shown = render.render(d="2026-11-25", t="2026-11-25T08:00:00Z")
    assert shown == "25 novembre 2026 / 25 novembre 2026 à 9 h 00"


def test_short_french_date_for_chart_axes():
    assert timefmt.short_french_date(date(2026, 11, 10)) == "10 nov."
    assert timefmt.short_french_date("2026-07-01") == "1er juil."
