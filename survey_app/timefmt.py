"""Time for machines and for people, in one place.

Machines get ISO 8601 in UTC ("2026-11-25T08:00:00Z", the stored form);
people read French dates in Paris time ("25 novembre 2026 à 9 h 00").
Every page or export a person reads goes through `french_date` or
`french_datetime` (also the Jinja filters `date_fr` and `datetime_fr`), so a
date is never shown as 2026-11-25 or in UTC (issue 8, D6).
"""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import Flask

PARIS = ZoneInfo("Europe/Paris")
STAMP = "%Y-%m-%dT%H:%M:%SZ"
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)

# Abbreviations of the Imprimerie nationale, for chart axes ("10 nov.").
SHORT_MONTHS = (
    "janv.", "févr.", "mars", "avr.", "mai", "juin",
    "juil.", "août", "sept.", "oct.", "nov.", "déc.",
)  # fmt: skip


def now() -> datetime:
    """The current moment, timezone-aware (UTC)."""
    return datetime.now(UTC)


def stamp(moment: datetime | None = None) -> str:
    """A moment as stored in the database: UTC ISO 8601 to the second."""
    return (moment or now()).astimezone(UTC).strftime(STAMP)


def parse_stamp(value: str) -> datetime:
    """A stored stamp ("…Z" or with an offset) as an aware datetime.

    A stamp without an offset is taken as UTC, the way the database stores it.
    :raise ValueError: the text is not an ISO 8601 date-time.
    """
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def paris(value: datetime | str) -> datetime:
    """A stamp or an aware datetime, in Paris time."""
    moment = parse_stamp(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(PARIS)


def _as_day(value: date | datetime | str) -> date:
    if isinstance(value, str):
        # A bare day ("2026-11-25") is a calendar day, not a moment.
        return date.fromisoformat(value) if len(value) == 10 else paris(value).date()
    if isinstance(value, datetime):
        return paris(value).date()
    return value


def french_date(value: date | datetime | str | None) -> str:
    """'25 novembre 2026' (1er for the first of the month); '' for nothing."""
    if value is None or value == "":
        return ""
    day = _as_day(value)
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {MONTHS[day.month - 1]} {day.year}"


def short_french_date(value: date | datetime | str) -> str:
    """'10 nov.': a chart axis, where the year is said elsewhere."""
    day = _as_day(value)
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {SHORT_MONTHS[day.month - 1]}"


def french_time(value: datetime | str) -> str:
    """'9 h 05', Paris time."""
    moment = paris(value)
    return f"{moment.hour} h {moment.minute:02d}"


def french_datetime(value: datetime | str | None) -> str:
    """'25 novembre 2026 à 9 h 05', Paris time; '' for nothing."""
    if value is None or value == "":
        return ""
    return f"{french_date(paris(value))} à {french_time(value)}"


def init_app(app: Flask) -> None:
    app.add_template_filter(french_date, "date_fr")
    app.add_template_filter(french_datetime, "datetime_fr")
