"""Small text helpers shared by search, codes and exports."""

import secrets
import unicodedata

# No 0/O, 1/I/L: codes are read aloud and typed from posters.
CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def fold(text: str) -> str:
    """Lower case, accents removed, dashes and apostrophes as spaces.

    "Saint-Étienne" and "saint etienne" fold to the same string.
    """
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    for sep in "-'’_":
        text = text.replace(sep, " ")
    return " ".join(text.split())


def random_code(length: int = 6) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))
