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


def temporary_password() -> str:
    """'k7pm-2xqa-h3tr': read aloud or copied by hand without a doubt.

    No l/I/1 or 0/O (issue 8, D5); 12 characters from 31 give about 59 bits,
    plenty for a password that must be changed at first sign-in.
    """
    return "-".join(random_code(4) for _ in range(3))


# Format characters kept: the zero-width joiners build emoji (👨‍👩‍👧) and
# words in some scripts. Other invisible ones (bidi overrides, zero-width
# spaces, BOM) are how text hides from a reader, so they go.
KEPT_FORMAT_CHARACTERS = {"\u200c", "\u200d"}


def clean_typed_text(text: str, multiline: bool = False) -> str:
    """What someone typed, without control or invisible characters, trimmed.

    Line breaks become "\\n" (kept only when `multiline`, else a space); tabs
    become spaces. Emoji, accents and HTML are kept as text: HTML is escaped
    wherever it is shown.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n").replace("\t", " ")
    kept = []
    for char in text:
        if char == "\n":
            kept.append("\n" if multiline else " ")
            continue
        category = unicodedata.category(char)
        if category in ("Cc", "Cs"):
            continue
        if category == "Cf" and char not in KEPT_FORMAT_CHARACTERS:
            continue
        kept.append(char)
    return "".join(kept).strip()
