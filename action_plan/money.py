"""Euros as the conseiller types and reads them, kept exact with Decimal.

Input accepts French habits: "1 234,50", "1234.5", "1 234 €", "12 000";
output is "1 234,50 €" (narrow no-break spaces, as French typography wants).
Amounts are stored as text ("1234.50") so that no float ever rounds a cent.
"""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("1000000000")  # a milliard: beyond it, surely a typo
NARROW = "\u202f"
SPACES_RE = re.compile(r"[\s\u00a0\u202f']")
AMOUNT_RE = re.compile(r"^-?\d+(?:[.,]\d{1,2})?$")


class AmountError(ValueError):
    """A French message saying why an amount was refused."""


def parse_amount(text: str | None) -> Decimal | None:
    """'1 234,50 €' → Decimal('1234.50'); '' → None.

    :raise AmountError: not a number, negative, more than two decimals or
        absurdly large (the message is French and names the value).
    """
    raw = (text or "").strip()
    if not raw:
        return None
    cleaned = SPACES_RE.sub("", raw.removesuffix("€").removesuffix("EUR"))
    if not AMOUNT_RE.match(cleaned):
        raise AmountError(
            f"« {raw} » n'est pas un montant en euros (exemple : 1 234,50)."
        )
    try:
        value = Decimal(cleaned.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern already refuses
        raise AmountError(f"« {raw} » n'est pas un montant en euros.") from None
    if value < 0:
        raise AmountError(f"« {raw} » : un montant ne peut pas être négatif.")
    if value >= MAX_AMOUNT:
        raise AmountError(f"« {raw} » : montant trop élevé (au-delà d'un milliard).")
    return value.quantize(CENT)


def group_thousands(digits: str) -> str:
    parts = []
    while len(digits) > 3:
        digits, tail = digits[:-3], digits[-3:]
        parts.insert(0, tail)
    return NARROW.join([digits, *parts])


def format_euros(value: Decimal | str | None) -> str:
    """Decimal('1234.5') → '1 234,50 €' (narrow no-break spaces); None → '—'."""
    if value is None or value == "":
        return "—"
    amount = Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    units, cents = f"{abs(amount):.2f}".split(".")
    return f"{sign}{group_thousands(units)},{cents}{NARROW}€"


def format_amount_input(value: Decimal | str | None) -> str:
    """What an input shows back: '1234,50' (no spaces, easy to edit); text
    that is not a number (a refused entry shown again) is returned as typed."""
    if value is None or value == "":
        return ""
    try:
        return f"{Decimal(value):.2f}".replace(".", ",")
    except InvalidOperation:
        return str(value)


def format_percent(value: Decimal | None) -> str:
    """Decimal('33.333') → '33,3 %'; None (no total) → '—'."""
    if value is None:
        return "—"
    return (
        f"{value.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}".replace(".", ",")
        + f"{NARROW}%"
    )
