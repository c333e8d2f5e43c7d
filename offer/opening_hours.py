"""OpenStreetMap opening hours (`horaires` of the national schema of places)
in plain French: "Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off"
becomes "du lundi au vendredi, 9 h – 12 h et 14 h – 17 h ; le samedi,
9 h – 12 h ; fermé les jours fériés".

Only the common subset is read: rules separated by `;`, days and day ranges
(`Mo-Fr`, `Mo,We`), public holidays (`PH`), time ranges, `off` / `closed`,
`24/7`. Anything else (months, weeks, "[1]", comments, sunrise…) is kept as
typed: a wrong reading would be worse than the raw text.
"""

import re

DAYS = {
    "mo": "lundi",
    "tu": "mardi",
    "we": "mercredi",
    "th": "jeudi",
    "fr": "vendredi",
    "sa": "samedi",
    "su": "dimanche",
}
ORDER = list(DAYS)
TIME = r"(\d{1,2}):(\d{2})"
TIME_RANGE = re.compile(rf"^{TIME}\s*-\s*{TIME}$")
DAY_ITEM = re.compile(r"^([a-z]{2})(?:\s*-\s*([a-z]{2}))?$")


class Unreadable(ValueError):
    """Outside the subset we read: show the raw text."""


def _clock(hours: str, minutes: str) -> str:
    h, m = int(hours), int(minutes)
    if h > 24 or m > 59 or (h == 24 and m):
        raise Unreadable(f"{hours}:{minutes}")
    return f"{h} h" + (f" {m:02d}" if m else "")


def _times(text: str) -> str:
    ranges = []
    for part in text.split(","):
        found = TIME_RANGE.match(part.strip())
        if not found:
            raise Unreadable(part)
        start, end = _clock(*found.group(1, 2)), _clock(*found.group(3, 4))
        ranges.append(f"{start} – {end}")
    return _join(ranges)


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " et " + words[-1]


def _days(text: str) -> tuple[str, bool]:
    """("du lundi au vendredi", plural?) from "Mo-Fr", "Mo,We", "PH"…"""
    parts, many = [], False
    for item in text.split(","):
        item = item.strip()
        if item == "ph":
            parts.append("les jours fériés")
            many = True
            continue
        found = DAY_ITEM.match(item)
        if not found or found.group(1) not in DAYS:
            raise Unreadable(item)
        first, last = found.group(1), found.group(2)
        if last is None:
            parts.append(DAYS[first])
            continue
        if last not in DAYS:
            raise Unreadable(item)
        if (first, last) == ("mo", "su"):
            parts.append("tous les jours")
        else:
            parts.append(f"du {DAYS[first]} au {DAYS[last]}")
        many = True
    if len(parts) > 1:
        many = True
    return _join(parts), many


def _rule(rule: str) -> str:
    if rule == "24/7":
        return "tous les jours, 24 h sur 24"
    days, _, rest = rule.partition(" ") if rule[:1].isalpha() else ("", "", rule)
    rest = rest.strip()
    if not days:
        return f"tous les jours, {_times(rest)}"
    said, many = _days(days)
    if rest in ("off", "closed"):
        if said == "les jours fériés":
            return "fermé les jours fériés"
        return f"fermé {'' if many else 'le '}{said}"
    if not rest:
        raise Unreadable(rule)  # "Mo-Fr" alone: open when? Keep the text.
    if not many:
        said = f"le {said}"
    return f"{said}, {_times(rest)}"


def describe_hours(raw: str | None) -> str:
    """Plain French for the common subset, else the text as typed ("" when
    empty)."""
    text = " ".join((raw or "").split())
    if not text:
        return ""
    # "Mo - Fr 9:00 - 12:00, 14:00-17:00": no spaces around "-" and ",".
    compact = re.sub(r"\s*([,-])\s*", r"\1", text.lower())
    try:
        rules = [r.strip() for r in compact.split(";") if r.strip()]
        return " ; ".join(_rule(rule) for rule in rules)
    except Unreadable:
        return text
