"""Dates and times: ISO 8601 UTC for machines, Paris time in French for people.

The database stores every moment as a UTC stamp "2026-11-25T14:30:00Z"
(`STAMP_FORMAT`, which sorts as text and SQLite's strftime writes too);
people read "25 novembre 2026", in Paris time. Imports nothing of the app.
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


def utcnow() -> datetime:
    """The current moment, aware, in UTC."""
    return datetime.now(UTC)


def stamp(moment: datetime) -> str:
    """`moment` as stored in the database; a naive moment is taken as UTC."""
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
    return moment.astimezone(PARIS)


def today_in_paris() -> date:
    """Today's date in France (a UTC date changes at 1 or 2 a.m. there)."""
    return utcnow().astimezone(PARIS).date()


def french_date(day: date | datetime | str) -> str:
    """ "25 novembre 2026"; "1er" for the first day, as French writes it.

    A datetime or a stored stamp is first put in Paris time.
    """
    if isinstance(day, str | datetime):
        day = paris(day).date()
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first} {MONTHS[day.month - 1]} {day.year}"
