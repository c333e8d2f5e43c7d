"""A survey's responses as pandas frames: the entry point of every analysis.

    from analysis.frames import load_survey, answers_table
    frames = load_survey(db, survey_id)      # SurveyFrames
    frames.wide                              # one row per response
    frames.codebook                          # one row per (question, choice)
    frames.label("EQ_MOBILE", "smartphone")  # "Oui, un smartphone"
    answers_table(frames)                    # labelled, ready to export

`wide` (index `response_id`, in submission order):
- meta columns: `submitted_at` (datetime64, local time of TIMEZONE, naive so
  that spreadsheets accept it), `day` (datetime64 at midnight, same zone),
  `point_id` (Int64, NA for responses without a collection point), `point`
  (its name), `point_kind` (code of model.POINT_KINDS), `mode` (code of
  model.MODES), `version` (the version number answered), `weight` (1.0;
  replace it with weighting.rake(...) to re-weight);
- one column per question key (keys are upper case, meta names lower case):
  the choice code for single (category) and scale (ordered category), a float
  for number, the INSEE code for commune (category), the text for short/long
  text (object); NA when the question was not answered or hidden;
- multiple choice: one nullable boolean column per choice, `KEY:code`, True
  if chosen, False if the question was answered without it, NA if the
  question was not answered (so "no answer" stays distinguishable);
- `KEY.autre`: the text written in "Autre, précisez" (object, NA if none).

`questions` (one row per key, index `key`, questionnaire order): merged over
all versions (latest wording, type, theme, help, bank_id; `other` if any
version offered "Autre"; `versions`: version numbers that asked it;
`columns`: its columns in `wide`). `codebook`: key, type, theme, text, code,
label, bank_id, order, choice_order; a row per choice over ALL versions (a
code keeps the label it was answered under), per commune code answered, and
one row with code NA for number and text questions.

Loading 100,000 responses × 30 questions takes well under 1.5 s once the
answer cache (answer_cache.py) is warm; the first load after a large import
parses everything (several seconds) and fills the cache.
"""

import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
import sqlite_utils

from survey_app.dates import PARIS
from survey_app.surveys.contract import CHOICE_TYPES, MODES, POINT_KINDS

from . import answer_cache
from .codebook import (
    codebook_frame,
    commune_names,
    merge_questions,
    questions_frame,
)

TIMEZONE = PARIS.key  # "Europe/Paris"
META_COLUMNS = [
    "submitted_at",
    "day",
    "point_id",
    "point",
    "point_kind",
    "mode",
    "version",
    "weight",
]
NO_ANSWER = "Sans réponse"


@dataclass
class SurveyFrames:
    """Everything the analysis functions need about one survey."""

    survey: dict[str, Any]
    wide: pd.DataFrame
    questions: pd.DataFrame
    codebook: pd.DataFrame
    _labels: dict[tuple[str, str], str] = field(default_factory=dict, repr=False)

    def label(self, key: str, code: Any) -> str:
        """The label of a choice (or commune name); the code itself if unknown."""
        if code is None or (not isinstance(code, str) and pd.isna(code)):
            return NO_ANSWER
        return self._labels.get((key, str(code)), str(code))

    def question(self, key: str) -> dict[str, Any]:
        """The merged question (raises KeyError for an unknown key)."""
        return {"key": key, **self.questions.loc[key].to_dict()}

    def keys(self, *types: str) -> list[str]:
        """Question keys in questionnaire order, optionally of some types."""
        q = self.questions
        return list(q.index if not types else q.index[q["type"].isin(types)])

    def codes(self, key: str) -> list[str]:
        """Choice codes of a question in display order (all versions)."""
        return list(self._codes_by_key.get(key, ()))

    @cached_property
    def _codes_by_key(self) -> dict[str, list[str]]:
        by_key: dict[str, list[str]] = {}
        for key, code in zip(self.codebook["key"], self.codebook["code"], strict=True):
            if isinstance(code, str):
                by_key.setdefault(key, []).append(code)
        return by_key

    def answered(self, key: str) -> pd.Series:
        """Boolean Series: did each response answer this question?"""
        columns = self.questions.at[key, "columns"]
        if not columns:
            return pd.Series(False, index=self.wide.index)
        return self.wide[columns[0]].notna()

    def choice_columns(self, key: str) -> list[str]:
        """The `KEY:code` columns of a multiple-choice question."""
        return [c for c in self.questions.at[key, "columns"] if ":" in c]

    @cached_property
    def long(self) -> pd.DataFrame:
        """One row per answer: response_id, key, code (choices), value (others)."""
        return _long(self)


def load_survey(
    db: sqlite_utils.Database, survey_id: int, *, cache: bool = True
) -> SurveyFrames:
    """Load a survey's responses and questions. Raises KeyError if no survey."""
    survey = db.execute("SELECT * FROM surveys WHERE id = ?", [survey_id]).fetchone()
    if survey is None:
        raise KeyError(f"enquête {survey_id} introuvable")
    versions = [
        (row[0], row[1], _json(row[2]))
        for row in db.execute(
            "SELECT id, number, questions FROM survey_versions "
            "WHERE survey_id = ? ORDER BY number",
            [survey_id],
        )
    ]
    merged = merge_questions([(number, qs) for _, number, qs in versions])
    parsed = answer_cache.parsed_answers(db, survey_id, cache=cache)
    points = pd.DataFrame(
        db.execute(
            "SELECT id, name, kind FROM collection_points WHERE survey_id = ?",
            [survey_id],
        ).fetchall(),
        columns=["id", "name", "kind"],
    ).set_index("id")
    numbers = {vid: number for vid, number, _ in versions}
    wide = _meta(parsed, points, numbers)
    labels: dict[tuple[str, str], str] = {}
    communes = commune_names(db, parsed, merged)
    for key, q in merged.items():
        for code, label in q["choices"].items():
            labels[(key, code)] = label
        if q["type"] == "commune":
            for code, name in communes.items():
                labels[(key, code)] = name
    columns, by_key = _answer_columns(parsed, merged)
    wide = pd.concat([wide, pd.DataFrame(columns, index=parsed.index)], axis=1)
    questions = questions_frame(merged, by_key)
    codebook = codebook_frame(merged, questions, parsed, labels)
    return SurveyFrames(dict(survey), wide, questions, codebook, labels)


def _json(text: str) -> list[dict[str, Any]]:
    value = json.loads(text)
    return value if isinstance(value, list) else []


def _meta(
    parsed: pd.DataFrame, points: pd.DataFrame, numbers: dict[int, int]
) -> pd.DataFrame:
    local = parsed["_submitted_at"].dt.tz_convert(TIMEZONE).dt.tz_localize(None)
    point_id = parsed["_point_id"]
    # Index lookups rather than Series.map: map on nullable ints is slow.
    position = points.index.get_indexer(point_id.to_numpy(dtype=float, na_value=-1))
    version_ids = pd.Index(list(numbers))
    version_position = version_ids.get_indexer(
        parsed["_version_id"].to_numpy(dtype=float, na_value=-1)
    )
    version_numbers = np.array(list(numbers.values()) + [0], dtype="int64")
    meta = pd.DataFrame(
        {
            "submitted_at": local,
            "day": local.dt.normalize(),
            "point_id": point_id,
            "point": _lookup(points["name"], position),
            "point_kind": _lookup(points["kind"], position),
            "mode": parsed["_mode"].astype("category"),
            "version": pd.arrays.IntegerArray(
                version_numbers[version_position], version_position < 0
            ),
            "weight": np.ones(len(parsed)),
        },
        index=parsed.index,
    )
    return meta[META_COLUMNS]


def _lookup(values: pd.Series, position: np.ndarray) -> pd.Categorical:
    """values[position] as a categorical, NA where position is -1."""
    names = pd.Index(values.astype(str)).unique()
    codes = names.get_indexer(values.astype(str))
    return pd.Categorical.from_codes(
        np.where(position >= 0, codes[position] if len(codes) else -1, -1),
        categories=names,
    )


def _answer_columns(
    parsed: pd.DataFrame, merged: dict[str, dict[str, Any]]
) -> tuple[dict[str, pd.Series], dict[str, list[str]]]:
    columns: dict[str, pd.Series] = {}
    by_key: dict[str, list[str]] = {}
    empty = pd.Series(pd.NA, index=parsed.index, dtype="object")
    for key, q in merged.items():
        raw = parsed[key] if key in parsed.columns else empty
        kind = q["type"]
        if kind == "multiple":
            new = _multiple_columns(key, q, parsed, raw)
        elif kind in CHOICE_TYPES or kind == "commune":
            new = {key: _categorical(raw, list(q["choices"]), kind == "scale")}
        elif kind == "number":
            new = {key: pd.to_numeric(raw.astype("object"), errors="coerce")}
            new[key] = new[key].astype("float64")
        else:
            new = {key: raw.astype("object")}
        other = f"{key}.autre"
        if other in parsed.columns:
            new[other] = parsed[other].astype("object")
        columns.update(new)
        by_key[key] = list(new)
    return columns, by_key


def _categorical(raw: pd.Series, codes: list[str], ordered: bool) -> pd.Series:
    if isinstance(raw.dtype, pd.CategoricalDtype):
        as_text = [str(c) for c in raw.cat.categories]
        values = (
            raw.cat.rename_categories(as_text)
            if len(set(as_text)) == len(as_text)
            else raw.astype(str).where(raw.notna())
        )
    else:
        values = raw.astype("object")
        present = values.notna()
        values[present] = values[present].astype(str)
    seen = pd.unique(values.dropna())
    categories = codes + sorted(set(seen) - set(codes))
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.set_categories(categories, ordered=ordered)
    dtype = pd.CategoricalDtype(categories, ordered=ordered)
    return values.astype(dtype)


def _multiple_columns(
    key: str, q: dict[str, Any], parsed: pd.DataFrame, raw: pd.Series
) -> dict[str, pd.Series]:
    prefix = f"{key}:"
    seen = [c[len(prefix) :] for c in parsed.columns if c.startswith(prefix)]
    if pd.api.types.is_integer_dtype(raw.dtype) or raw.isna().all():
        answered = raw.notna()
        flags = {code: parsed[prefix + code] for code in seen}
    else:  # answered as a single code (older version): one-code lists
        answered = raw.notna()
        text = raw.astype("object").astype(str)
        seen = sorted(set(pd.unique(text[answered])))
        flags = {code: text == code for code in seen}
    columns = {}
    answered_array = answered.to_numpy(dtype=bool)
    nobody = np.zeros(len(raw), dtype=bool)
    for code in list(q["choices"]) + sorted(set(seen) - set(q["choices"])):
        chosen = nobody
        if code in flags:
            chosen = flags[code].to_numpy(dtype=bool, na_value=False)
        data = pd.arrays.BooleanArray(chosen & answered_array, ~answered_array)
        columns[prefix + code] = pd.Series(data, index=raw.index)
    return columns


def _long(frames: SurveyFrames) -> pd.DataFrame:
    parts = []
    wide = frames.wide
    for key in frames.keys():
        kind = frames.questions.at[key, "type"]
        if kind == "multiple":
            for column in frames.choice_columns(key):
                chosen = wide.index[wide[column].fillna(False).to_numpy(bool)]
                code = column.split(":", 1)[1]
                parts.append(
                    pd.DataFrame({"response_id": chosen, "key": key, "code": code})
                )
            continue
        values = wide[key].dropna()
        part = pd.DataFrame({"response_id": values.index, "key": key})
        if kind in CHOICE_TYPES or kind == "commune":
            part["code"] = values.astype(str).to_numpy()
        else:
            part["value"] = values.to_numpy(dtype=object)
        parts.append(part)
    columns = ["response_id", "key", "code", "value"]
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True).reindex(columns=columns)


def answers_table(frames: SurveyFrames, *, header: str = "key") -> pd.DataFrame:
    """The raw answers with labels: one row per response, ready to export.

    Columns: Réponse (id), Date, Lieu, Type de lieu, Mode, Version, then one
    column per question (choice labels; multiple choices joined with " ; "
    in choice order; commune as "Nom (code INSEE)"), followed by a column of
    the "Autre, précisez" text where the question offers it. Column titles
    are question keys (`header="key"`) or question wordings
    (`header="text"`). Values are plain text as typed: the writer must
    neutralise spreadsheet formulas and escape HTML.
    """
    wide = frames.wide
    table = pd.DataFrame(index=wide.index)
    table["Réponse"] = wide.index
    table["Date"] = wide["submitted_at"]
    table["Lieu"] = wide["point"].astype("object")
    table["Type de lieu"] = wide["point_kind"].map(POINT_KINDS).astype("object")
    table["Mode"] = wide["mode"].map(MODES).astype("object")
    table["Version"] = wide["version"]
    for key in frames.keys():
        title = key if header == "key" else frames.questions.at[key, "text"]
        kind = frames.questions.at[key, "type"]
        if kind == "multiple":
            table[title] = _joined_labels(frames, key)
        elif kind in CHOICE_TYPES:
            mapping = {c: frames.label(key, c) for c in wide[key].cat.categories}
            table[title] = wide[key].map(mapping).astype("object")
        elif kind == "commune":
            mapping = {
                c: f"{frames.label(key, c)} ({c})" if frames.label(key, c) != c else c
                for c in wide[key].cat.categories
            }
            table[title] = wide[key].map(mapping).astype("object")
        else:
            table[title] = wide[key]
        if f"{key}.autre" in wide.columns:
            table[f"{title} (autre, précisez)"] = wide[f"{key}.autre"]
    return table.reset_index(drop=True)


def _joined_labels(frames: SurveyFrames, key: str) -> pd.Series:
    """Chosen labels joined with " ; ", computed once per distinct combination."""
    wide = frames.wide
    columns = frames.choice_columns(key)
    labels = [frames.label(key, c.split(":", 1)[1]) for c in columns]
    chosen = np.column_stack(
        [wide[c].to_numpy(dtype=bool, na_value=False) for c in columns]
        or [np.zeros(len(wide), dtype=bool)]
    )
    if chosen.shape[1] <= 63:  # one integer per row: unique() is then fast
        bits = chosen.astype(np.int64) @ (np.int64(1) << np.arange(chosen.shape[1]))
        _, first, inverse = np.unique(bits, return_index=True, return_inverse=True)
        combinations = chosen[first]
    else:
        combinations, inverse = np.unique(chosen, axis=0, return_inverse=True)
    texts = np.array(
        [
            " ; ".join(lbl for lbl, on in zip(labels, row, strict=False) if on)
            for row in combinations
        ],
        dtype=object,
    )
    joined = pd.Series(texts[inverse.reshape(-1)], index=wide.index, dtype="object")
    return joined.where(frames.answered(key), None)
