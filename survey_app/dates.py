"""Dates and times: ISO 8601 UTC for machines, Paris time in French for people.

The database stores every moment as a UTC stamp "2026-11-25T14:30:00Z"
(`STAMP_FORMAT`, which sorts as text and SQLite's strftime writes too);
people read "25 novembre 2026" or "25 novembre 2026 à 9 h 05", in Paris
time. Every page or export a person reads goes through `french_date` or
`french_datetime` (also the Jinja filters `date_fr` and `datetime_fr`,
registered by `create_app`), so a date is never shown as 2026-11-25 or in UTC
(issue 8, D6). Imports nothing of the app.
"""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

STAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
PARIS = ZoneInfo("Europe/Paris")
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


def utcnow() -> datetime:
    """The current moment, aware, in UTC."""
    return datetime.now(UTC)


def unix_seconds() -> float:
    """The current moment as seconds since 1970 UTC: the clock of counters
    whose windows are whole minutes or hours (the rate limiter)."""
    return utcnow().timestamp()


def stamp(moment: datetime | None = None) -> str:
    """`moment` (default: now) as stored in the database; a naive moment is UTC."""
    if moment is None:
        moment = utcnow()
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime(STAMP_FORMAT)


def now() -> str:
    """UTC timestamp as stored in the database (ISO 8601, seconds)."""
    return stamp(utcnow())


def parse(text: str) -> datetime:
    """A stored stamp (or any ISO 8601 moment, "Z" or offset) as an aware datetime.

    :raise ValueError: not an ISO 8601 moment. A moment without offset is UTC.
    """
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def paris(moment: datetime | str) -> datetime:
    """A moment (or a stored stamp) in Paris time."""
    if isinstance(moment, str):
        moment = parse(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(PARIS)


def today_in_paris() -> date:
    """Today's date in France (a UTC date changes at 1 or 2 a.m. there)."""
    return utcnow().astimezone(PARIS).date()


def _as_day(value: date | datetime | str) -> date:
    if isinstance(value, str):
        # A bare day ("2026-11-25") is a calendar day, not a moment.
        return date.fromisoformat(value) if len(value) == 10 else paris(value).date()
    if isinstance(value, datetime):
        return paris(value).date()
    return value


def french_date(value: date | datetime | str | None) -> str:
    """ "25 novembre 2026"; "1er" for the first day, as French writes it.

    A datetime or a stored stamp is first put in Paris time; '' for nothing.
    """
    if value is None or value == "":
        return ""
    day = _as_day(value)
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first} {MONTHS[day.month - 1]} {day.year}"


def short_french_date(value: date | datetime | str) -> str:
    """'10 nov.': a chart axis, where the year is said elsewhere."""
    day = _as_day(value)
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first} {SHORT_MONTHS[day.month - 1]}"


def french_time(value: datetime | str) -> str:
    """'9 h 05', Paris time."""
    moment = paris(value)
    return f"{moment.hour} h {moment.minute:02d}"


def french_datetime(value: datetime | str | None) -> str:
    """'25 novembre 2026 à 9 h 05', Paris time; '' for nothing."""
    if value is None or value == "":
        return ""
    return f"{french_date(paris(value))} à {french_time(value)}"
