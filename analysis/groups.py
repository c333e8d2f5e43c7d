"""Profile groups to break results down by: age band, gender, commune, place...

`group_series(frames, by)` returns the group of each response for:
- an alias of GROUPINGS ("age" = the bank's age bands merged into the five
  bands INSEE publishes illectronisme for, "age_detail", "genre", "commune",
  "situation", "diplome", "lieu", "type_lieu", "mode", "menage");
- any single-choice, scale or commune question key;
- a meta column of `wide` ("point", "point_kind", "mode", "version").
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from survey_app.surveys.contract import MODES, POINT_KINDS

from .frames import SurveyFrames

# Bank PR_AGE codes and the ages they cover (inclusive).
AGE_BANDS = {
    "moins_15": (0, 14),
    "15_17": (15, 17),
    "18_24": (18, 24),
    "25_39": (25, 39),
    "40_44": (40, 44),
    "45_59": (45, 59),
    "60_69": (60, 69),
    "70_74": (70, 74),
    "75_plus": (75, 200),
}
# INSEE 2021 illectronisme bands (domain.md §2), built from the bank bands.
AGE_GROUPS = {
    "15_24": ("15 à 24 ans", ["15_17", "18_24"]),
    "25_39": ("25 à 39 ans", ["25_39"]),
    "40_59": ("40 à 59 ans", ["40_44", "45_59"]),
    "60_74": ("60 à 74 ans", ["60_69", "70_74"]),
    "75_plus": ("75 ans ou plus", ["75_plus"]),
}
HOUSEHOLD_GROUPS = {
    "seul": "Vit seul",
    "deux": "2 personnes",
    "trois_plus": "3 ou plus",
}
GROUPINGS = {
    "age": ("Âge", "PR_AGE"),
    "age_detail": ("Âge (détail)", "PR_AGE"),
    "genre": ("Genre", "PR_GENRE"),
    "commune": ("Commune", "PR_COMMUNE"),
    "situation": ("Situation", "PR_SITUATION"),
    "diplome": ("Diplôme", "PR_DIPLOME"),
    "menage": ("Taille du foyer", "PR_MENAGE"),
    "lieu": ("Lieu de collecte", "point"),
    "type_lieu": ("Type de lieu", "point_kind"),
    "mode": ("Mode de collecte", "mode"),
}
META_GROUPS = {"point": "Lieu de collecte", "point_kind": "Type de lieu"}
META_GROUPS |= {"mode": "Mode de collecte", "version": "Version"}
# Answers that are not a group ("Je préfère ne pas répondre").
NOT_A_GROUP = {"nr"}


@dataclass
class Groups:
    """The group of each response (categorical of codes, NA = no group)."""

    by: str
    title: str
    codes: pd.Series
    labels: dict[str, str]


class GroupingError(ValueError):
    """`by` is not something responses can be grouped by."""


def group_series(frames: SurveyFrames, by: str) -> Groups:
    """Group each response by `by` (see the module docstring).

    Raises GroupingError (French message) for an unknown or unsuitable `by`.
    """
    wide = frames.wide
    if by.startswith(AGE_BANDING):
        if "PR_AGE" not in wide.columns:
            raise GroupingError("Cette enquête ne pose pas la question « Âge ».")
        return _merged(frames, by, "Âge", "PR_AGE", banding_groups(by))
    if by in GROUPINGS:
        title, source = GROUPINGS[by]
        if source not in wide.columns:
            raise GroupingError(f"Cette enquête ne pose pas la question « {title} ».")
        if by == "age":
            return _merged(frames, by, title, source, AGE_GROUPS)
        if by == "menage":
            return _household(wide[source], title)
        by_key = source
    else:
        by_key, title = by, META_GROUPS.get(by, by)
    if by_key in META_GROUPS:
        return _meta_groups(wide[by_key], by, by_key, title)
    return _question_groups(frames, by, by_key, title)


def _meta_groups(column: pd.Series, by: str, by_key: str, title: str) -> Groups:
    """Groups by how the answer was collected (point, kind of point, mode)."""
    values = column.astype("object").where(column.notna(), None)
    values = values.map(lambda v: v if v is None else str(v))
    labels = {c: c for c in values.dropna().unique()}
    if by_key == "point_kind":
        labels = {c: POINT_KINDS.get(c, c) for c in labels}
    if by_key == "mode":
        labels = {c: MODES.get(c, c) for c in labels}
    return Groups(by, title, values.astype("category"), labels)


def _question_groups(frames: SurveyFrames, by: str, by_key: str, title: str) -> Groups:
    """Groups by the answer to a single-choice, scale or commune question."""
    wide = frames.wide
    if by_key not in frames.questions.index:
        raise GroupingError(f"« {by} » n'est pas une question de cette enquête.")
    kind = frames.questions.at[by_key, "type"]
    if kind not in ("single", "scale", "commune"):
        raise GroupingError(
            "On ne peut répartir les réponses que selon une question à choix "
            "unique, une échelle ou la commune."
        )
    codes = wide[by_key].cat.remove_categories(
        [c for c in NOT_A_GROUP if c in wide[by_key].cat.categories]
    )
    codes = codes.cat.remove_unused_categories() if kind == "commune" else codes
    labels = {c: frames.label(by_key, c) for c in codes.cat.categories}
    text = frames.questions.at[by_key, "text"] if by == by_key else title
    return Groups(by, text, codes, labels)


# A banding of a margins file: "age:15_39|40_59|60_plus" (bank bands merged).
AGE_BANDING = "age:"


def band_label(code: str) -> str:
    """ "15_39" → "15 à 39 ans", "60_plus" → "60 ans ou plus"."""
    low, high = code.split("_")
    return f"{low} ans ou plus" if high == "plus" else f"{low} à {high} ans"


def band_range(code: str) -> tuple[int, int]:
    low, high = code.split("_")
    return int(low), 200 if high == "plus" else int(high)


def banding_groups(by: str) -> dict[str, tuple[str, list[str]]]:
    """The groups of an "age:..." banding: label and bank bands of each.

    Raises GroupingError when a band does not start and end with bank bands.
    """
    groups = {}
    for code in by.removeprefix(AGE_BANDING).split("|"):
        try:
            low, high = band_range(code)
        except ValueError:
            raise GroupingError(f"Tranche d'âge « {code} » illisible.") from None
        inside = [b for b, (lo, hi) in AGE_BANDS.items() if low <= lo and hi <= high]
        if (
            not inside
            or AGE_BANDS[inside[0]][0] != low
            or (AGE_BANDS[inside[-1]][1] != high)
        ):
            raise GroupingError(f"Tranche d'âge « {code} » illisible.")
        groups[code] = (band_label(code), inside)
    return groups


def _merged(frames, by, title, source, groups) -> Groups:
    detail = frames.wide[source].astype("object")
    mapping = {code: group for group, (_, codes) in groups.items() for code in codes}
    values = detail.map(mapping)
    dtype = pd.CategoricalDtype(list(groups))
    labels = {group: label for group, (label, _) in groups.items()}
    return Groups(by, title, values.astype(dtype), labels)


def _household(values: pd.Series, title: str) -> Groups:
    n = values.to_numpy(dtype=float)
    codes = np.select([n == 1, n == 2, n >= 3], list(HOUSEHOLD_GROUPS), default="")
    series = pd.Series(codes, index=values.index).replace("", None)
    dtype = pd.CategoricalDtype(list(HOUSEHOLD_GROUPS))
    return Groups("menage", title, series.astype(dtype), dict(HOUSEHOLD_GROUPS))
