"""survey_app.dates: stored stamps in UTC, French dates in Paris time."""

from datetime import UTC, date, datetime

import pytest

from survey_app import dates


def test_stamp_and_parse_round_trip_in_utc():
    moment = datetime(2026, 11, 25, 14, 30, 5, tzinfo=UTC)
    assert dates.stamp(moment) == "2026-11-25T14:30:05Z"
    assert dates.parse("2026-11-25T14:30:05Z") == moment
    assert dates.parse(dates.now()).tzinfo is not None


def test_stamp_converts_other_zones_to_utc():
    moment = datetime(2026, 7, 1, 2, 0, tzinfo=dates.PARIS)  # UTC+2 in summer
    assert dates.stamp(moment) == "2026-07-01T00:00:00Z"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2026, 11, 25), "25 novembre 2026"),
        (date(2026, 3, 1), "1er mars 2026"),
        # 23:30 UTC on 31 December is already New Year's Day in Paris.
        ("2026-12-31T23:30:00Z", "1er janvier 2027"),
        (datetime(2026, 8, 15, 12, tzinfo=UTC), "15 août 2026"),
    ],
)
def test_french_date_in_paris_time(value, expected):
    assert dates.french_date(value) == expected


def test_paris_of_a_stamp():
    assert dates.paris("2026-11-25T23:30:00Z").date() == date(2026, 11, 26)


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
def test_french_date_of_days_and_nothing(value, shown):
    assert dates.french_date(value) == shown


def test_french_datetime_is_paris_time_winter_and_summer():
    assert dates.french_datetime("2026-11-25T08:05:00Z") == (
        "25 novembre 2026 à 9 h 05"
    )
    assert dates.french_datetime("2026-07-14T20:00:00Z") == (
        "14 juillet 2026 à 22 h 00"
    )
    aware = datetime(2026, 2, 3, 12, 0, tzinfo=UTC)
    assert dates.french_datetime(aware) == "3 février 2026 à 13 h 00"


def test_stamp_round_trip_with_offsets():
    moment = datetime(2026, 11, 25, 8, 5, 7, tzinfo=UTC)
    assert dates.stamp(moment) == "2026-11-25T08:05:07Z"
    assert dates.parse("2026-11-25T08:05:07Z") == moment
    assert dates.parse("2026-11-25T09:05:07+01:00") == moment
    assert dates.parse("2026-11-25T08:05:07") == moment
    assert dates.utcnow().tzinfo is not None


def test_filters_are_registered(app):
    render = app.jinja_env.from_string("{{ d|date_fr }} / {{ t|datetime_fr }}")
    shown = render.render(d="2026-11-25", t="2026-11-25T08:00:00Z")
    assert shown == "25 novembre 2026 / 25 novembre 2026 à 9 h 00"


def test_short_french_date_for_chart_axes():
    assert dates.short_french_date(date(2026, 11, 10)) == "10 nov."
    assert dates.short_french_date("2026-07-01") == "1er juil."
