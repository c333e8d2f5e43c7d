"""Word clouds of open answers and workshop notes, always with their table.

A cloud is a picture: it is never shown alone but next to the table of the
most frequent terms and a few verbatim quotes (see `summarise_texts`).

Counting rules, chosen for short French answers:
- words are compared without case or accents, and a plural is grouped with
  its singular when both occur ("démarches" counts with "démarche", shown
  in the singular); the form shown is the one people wrote most, with its
  accents, in lower case unless it is an acronym ("CAF");
- a term's count is the number of texts that use it, so one person who
  repeats a word (or pastes 10,000 characters) cannot fill the cloud;
- French stop words (analysis/data/stopwords_fr.txt), numbers and emoji
  are left out;
- hyphenated words stay whole ("petits-enfants") and the field's
  multi-word expressions (analysis/data/expressions_fr.txt: "France
  Services", "carte vitale"...) count as one term.
"""

import functools
import logging
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pandas as pd

from survey_app.text import fold

from .charts import safe_ident

log = logging.getLogger(__name__)

DATA_DIR = os.path.join(os.path.dirname(__file__), "data")
# Debian's fonts-dejavu-core (installed by CI): full accented Latin coverage.
DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
SVG_FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
# Dark inks only: every word keeps a contrast above 7:1 on white.
INKS = ("#000091", "#1b1b1b", "#3a3a6e")
# Letters, joined by hyphens ("petits-enfants", "rendez-vous"): apostrophes,
# other dashes, digits and emoji split or drop words.
WORD_RE = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
# Beyond this, a text is cut: counts per text do not need more words.
MAX_CHARS = 20_000


# Words repeat a lot across answers: fold each distinct one once.
fold_word = functools.lru_cache(maxsize=200_000)(fold)
# Quotes are looked for in the first answers only (enough to find some).
QUOTE_SEARCH = 5_000


@functools.cache
def stopwords() -> frozenset[str]:
    """The French stop words, folded (no accents, lower case)."""
    with open(os.path.join(DATA_DIR, "stopwords_fr.txt"), encoding="utf-8") as f:
        words = (line.strip() for line in f)
        return frozenset(fold(w) for w in words if w and not w.startswith("#"))


@functools.cache
def expressions() -> dict[tuple[str, ...], str]:
    """Multi-word expressions of the field: folded words → form shown."""
    path = os.path.join(DATA_DIR, "expressions_fr.txt")
    with open(path, encoding="utf-8") as f:
        lines = [line.strip() for line in f]
    return {
        tuple(fold(w) for w in WORD_RE.findall(line)): line
        for line in lines
        if line and not line.startswith("#")
    }


def _terms(text: str) -> list[tuple[str, str]]:
    """(folded key, form written) of each word or expression of `text`.

    Expressions ("France Services", "carte vitale") are matched on words
    before stop words are dropped, the longest one at each word.
    """
    known = expressions()
    longest = max((len(k) for k in known), default=1)
    words = WORD_RE.findall(text)
    keys = [fold_word(w) for w in words]
    terms, i = [], 0
    while i < len(words):
        for size in range(min(longest, len(words) - i), 1, -1):
            candidate = tuple(keys[i : i + size])
            if candidate in known:
                terms.append((" ".join(candidate), known[candidate]))
                i += size
                break
        else:
            terms.append((keys[i], words[i]))
            i += 1
    return terms


@functools.cache
def font_path() -> str | None:
    """DejaVu Sans, or the font bundled with `wordcloud` if it is missing.

    The fallback (Droid Sans Mono) shows accents but looks poorer, so the
    missing package is reported once in the log.
    """
    if os.path.exists(DEJAVU):
        return DEJAVU
    import wordcloud

    fallback = getattr(wordcloud.wordcloud, "FONT_PATH", None)
    log.warning(
        "Police %s absente (paquet Debian fonts-dejavu-core) : "
        "les nuages de mots utilisent %s.",
        DEJAVU,
        fallback,
    )
    if fallback and os.path.exists(fallback):
        return fallback
    return None


def _clean(texts: Iterable[str | None]) -> list[str]:
    """Non-empty texts, stripped and cut to MAX_CHARS."""
    cleaned = []
    for value in texts:
        if value is None or (isinstance(value, float) and value != value):
            continue  # None or NaN from a frame column
        value = str(value).strip()
        if value:
            cleaned.append(value[:MAX_CHARS])
    return cleaned


def _singular(key: str, keys: set[str]) -> str:
    """The singular of a folded word if that singular also occurs."""
    if len(key) > 3 and key.endswith("aux") and key[:-3] + "al" in keys:
        return key[:-3] + "al"
    if len(key) > 2 and key[-1] in "sx" and key[:-1] in keys:
        return key[:-1]
    return key


def _display(forms: Counter[str]) -> str:
    """The most written form, lower case unless people wrote an acronym."""
    lowered: Counter[str] = Counter()
    upper: Counter[str] = Counter()
    for form, n in forms.items():
        lowered[form.lower()] += n
        if form.isupper() and len(form) > 1:
            upper[form.lower()] += n
    if len(forms) == 1 and " " in next(iter(forms)):
        return next(iter(forms))  # an expression, as the list writes it
    best = min(lowered, key=lambda f: (-lowered[f], len(f), f))
    return best.upper() if upper[best] * 2 > lowered[best] else best


def word_frequencies(texts: Iterable[str | None], top: int = 30) -> pd.DataFrame:
    """The `top` most used terms: columns term, count, occurrences.

    `count` is the number of texts using the term, `occurrences` the number
    of times it was written. Empty input gives an empty frame with these
    columns. Ties are ordered alphabetically so the result is stable.
    """
    stop = stopwords()
    per_text: list[set[str]] = []
    occurrences: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    for value in _clean(texts):
        seen = set()
        for key, word in _terms(value):
            if len(key) < 2 or key in stop:
                continue
            occurrences[key] += 1
            forms[key][word] += 1
            seen.add(key)
        per_text.append(seen)

    keys = set(occurrences)
    merged_texts: Counter[str] = Counter()
    merged_occ: Counter[str] = Counter()
    for key in keys:
        merged_occ[_singular(key, keys)] += occurrences[key]
    # A text using both "démarche" and "démarches" counts once for the term.
    for seen in per_text:
        merged_texts.update({_singular(k, keys) for k in seen})
    rows = [
        {"term": _display(forms[k]), "count": n, "occurrences": merged_occ[k]}
        for k, n in merged_texts.items()
    ]
    frame = pd.DataFrame(rows, columns=["term", "count", "occurrences"])
    if frame.empty:
        return frame.astype({"count": "int64", "occurrences": "int64"})
    frame["_key"] = frame["term"].map(fold)
    frame = frame.sort_values(
        ["count", "occurrences", "_key"], ascending=[False, False, True]
    )
    return frame.drop(columns="_key").head(top).reset_index(drop=True)


def _layout(
    texts: Iterable[str | None],
    width: int,
    height: int,
    top: int,
    freqs: pd.DataFrame | None = None,
) -> tuple[Any, str] | None:
    """Lay the words out with `wordcloud`; None when there is nothing to draw.

    `freqs` (from word_frequencies) saves counting the texts again.
    """
    freqs = word_frequencies(texts, top=top) if freqs is None else freqs.head(top)
    font = font_path()
    if freqs.empty or font is None:
        return None
    from wordcloud import WordCloud

    def ink(word: str, font_size: int, *args: object, **kwargs: object) -> str:
        return INKS[sum(map(ord, word)) % len(INKS)]

    cloud = WordCloud(
        font_path=font,
        width=width,
        height=height,
        background_color="white",
        color_func=ink,
        prefer_horizontal=1.0,  # horizontal words are easier to read
        random_state=7,  # same answers, same picture
        max_words=top,
        min_font_size=12,
        max_font_size=height // 3,  # one lone word must not fill the picture
        margin=6,
        relative_scaling=0.5,
        collocations=False,
        normalize_plurals=False,
    )
    cloud.generate_from_frequencies(
        dict(zip(freqs["term"], freqs["count"], strict=True))
    )
    return cloud, font


def wordcloud_png(
    texts: Iterable[str | None], width: int = 800, height: int = 400, top: int = 60
) -> bytes | None:
    """The cloud as a PNG image, or None when no word is left to show."""
    laid = _layout(texts, width, height, top)
    if laid is None:
        return None
    cloud, font = laid
    from PIL import Image, ImageDraw, ImageFont

    # Drawn here with the anchor the layout was computed with ("lt": top of
    # the letters); WordCloud.to_image draws from the ascender line, which
    # pushes words near the bottom edge out of the picture.
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    for (word, _count), size, (y, x), _orientation, colour in cloud.layout_:
        face = ImageFont.truetype(font, size)
        draw.text((x, y), word, fill=colour, font=face, anchor="lt")
    buffer = BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def wordcloud_svg(
    texts: Iterable[str | None],
    width: int = 800,
    height: int = 400,
    top: int = 60,
    title: str = "Nuage des mots les plus employés",
    ident: str = "nuage",
    freqs: pd.DataFrame | None = None,
) -> str | None:
    """The cloud as inline-safe SVG text, or None when no word is left.

    Written here rather than with `WordCloud.to_svg`, whose `style`
    attributes a strict Content-Security-Policy would block. `textLength`
    keeps each word in the box computed with DejaVu even if the browser
    draws it with another font.
    """
    laid = _layout(texts, width, height, top, freqs)
    if laid is None:
        return None
    cloud, font = laid
    from PIL import ImageFont

    ident = safe_ident(ident)
    words = [item[0][0] for item in cloud.layout_]
    desc = "Mots par ordre de fréquence : " + ", ".join(words) + "."
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart wordcloud" '
        f'role="img" viewBox="0 0 {width} {height}" width="100%" '
        f'aria-labelledby="{ident}-titre {ident}-desc" '
        f"font-family={quoteattr(SVG_FONT)}>"
        f'<title id="{ident}-titre">{escape(title)}</title>'
        f'<desc id="{ident}-desc">{escape(desc)}</desc>'
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>'
    ]
    for (word, _count), size, (y, x), _orientation, colour in cloud.layout_:
        face = ImageFont.truetype(font, size)
        # The layout's box starts at the top of the letters: put the
        # baseline that far below it.
        top = int(face.getbbox(word, anchor="ls")[1])
        parts.append(
            f'<text x="{x}" y="{y - top}" font-size="{size}" '
            f'fill={quoteattr(colour)} textLength="{face.getlength(word):.1f}" '
            f'lengthAdjust="spacingAndGlyphs">{escape(word)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def verbatims(
    texts: Iterable[str | None],
    terms: Iterable[str] = (),
    n: int = 5,
    max_chars: int = 280,
) -> list[str]:
    """A few quotes, each using one of the frequent `terms` when possible.

    Quotes are distinct and cut at `max_chars` (ending with …); they are
    plain strings: templates escape them like any user text.
    """
    cleaned = _clean(texts)
    chosen: list[str] = []
    folded = [(t, f" {fold(t[:2000])} ") for t in cleaned[:QUOTE_SEARCH]]
    for term in terms:
        needle = f" {fold(term)}"
        for original, haystack in folded:
            if needle in haystack and original not in chosen:
                chosen.append(original)
                break
        if len(chosen) >= n:
            break
    for original in cleaned:
        if len(chosen) >= n:
            break
        if original not in chosen:
            chosen.append(original)
    return [_cut(" ".join(q.split()), max_chars) for q in chosen[:n]]


def _cut(quote: str, max_chars: int) -> str:
    if len(quote) <= max_chars:
        return quote
    return quote[: max_chars - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


@dataclass(frozen=True)
class TextSummary:
    """What a page shows for open answers: cloud, table and quotes."""

    answered: int
    terms: pd.DataFrame  # term, count, occurrences
    svg: str | None
    quotes: list[str]


def summarise_texts(
    texts: Iterable[str | None],
    top: int = 20,
    ident: str = "nuage",
    title: str = "Nuage des mots les plus employés",
) -> TextSummary:
    """Everything to show for a set of open answers (empty input is fine)."""
    cleaned = _clean(texts)
    cloud_words = max(top, 40)
    freqs = word_frequencies(cleaned, top=cloud_words)
    terms = freqs.head(top)
    return TextSummary(
        answered=len(cleaned),
        terms=terms,
        svg=wordcloud_svg(
            cleaned, top=cloud_words, ident=ident, title=title, freqs=freqs
        ),
        quotes=verbatims(cleaned, terms["term"].tolist()),
    )
