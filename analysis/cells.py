"""Cell values made safe for spreadsheets (CSV, XLSX, ODS).

Whatever a resident typed ends up in a conseiller's spreadsheet, so text
that a spreadsheet would run as a formula (`=HYPERLINK(...)`, `+1`, `@SUM`,
a leading tab...) gets an apostrophe in front, in every format: the text
stays readable and never executes ("CSV injection", OWASP).
"""

import datetime as dt
import math
import re
from collections.abc import Callable
from typing import IO, Any

import numpy as np
import pandas as pd

from survey_app.dates import PARIS

# Excel and LibreOffice also read full-width signs as formula starts.
FORMULA_RE = re.compile(r"^[\t\r\n]|^\s*[=+\-@＝＋－＠]")
# Characters XML 1.0 cannot hold (and lone surrogates): dropped.
ILLEGAL_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# Excel refuses longer cells; LibreOffice keeps them but it helps no one.
MAX_CELL = 32_767


def neutralise(text: str) -> str:
    """Prefix an apostrophe to text a spreadsheet would run as a formula."""
    return "'" + text if FORMULA_RE.match(text) else text


def clean_text(text: str) -> str:
    """Neutralised, XML-safe text no longer than a spreadsheet cell allows."""
    text = neutralise(ILLEGAL_XML_RE.sub("", text))
    if len(text) > MAX_CELL:
        text = text[: MAX_CELL - 1] + "…"
    return text


def cell_value(value: Any) -> str | float | int | dt.datetime | None:
    """A Python value for one cell: None, number, datetime or safe text.

    Booleans become "Oui"/"Non", lists are joined with " ; ", missing values
    (None, NaN, NA, NaT) and empty text become None.
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, bool | np.bool_):
        return "Oui" if value else "Non"
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return None if not math.isfinite(value) else float(value)
    if isinstance(value, pd.Timestamp | dt.datetime):
        stamp = pd.Timestamp(value)
        if stamp.tzinfo is not None:
            stamp = stamp.tz_convert(PARIS.key).tz_localize(None)
        return stamp.to_pydatetime()
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, list | tuple | set):
        value = " ; ".join(str(v) for v in value)
    return clean_text(str(value)) or None


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with text cells neutralised (for CSV, where pandas writes).

    Numbers and dates keep their type so the CSV writer can format them.
    """
    safe = frame.copy()
    safe.columns = [clean_text(str(c)) for c in frame.columns]
    for name in safe.columns:
        column = safe[name]
        if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(
            column
        ):
            continue
        if pd.api.types.is_datetime64_any_dtype(column):
            continue
        safe[name] = pd.Series(
            column_fragments(column, cell_value), index=column.index, dtype="object"
        )
    return safe


def column_fragments(column: pd.Series, render: Callable[[Any], Any]) -> list[Any]:
    """`render(value)` for every cell, computed once per distinct text.

    Answers repeat a lot (a few labels per question), which makes large
    exports fast. Only str values are cached: 1, 1.0 and True are equal keys.
    """
    cache: dict[str, Any] = {}
    fragments = []
    for value in column.astype("object").tolist():
        if type(value) is str:
            fragment = cache.get(value)
            if fragment is None:
                fragment = cache[value] = render(value)
        else:
            fragment = render(value)
        fragments.append(fragment)
    return fragments


def write_rows(
    handle: IO[bytes], columns: list[list[str]], start: str, end: str
) -> None:
    """Write rows of cell fragments as UTF-8, `start` + cells + `end` each."""
    batch: list[str] = []
    for cells in zip(*columns, strict=True):
        batch.append(start + "".join(cells) + end)
        if len(batch) >= 2000:
            handle.write("".join(batch).encode())
            batch = []
    handle.write("".join(batch).encode())
