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
