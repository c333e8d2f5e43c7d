"""Residents' needs against the places that exist (issue 11 §2). Pure pandas.

    answers = answer_flags(frames.wide)          # commune + one column per need
    table = needs_offer(answers, places, centres, mapping, labels)
    uncovered(table)                             # the rows for the document

A need is a survey choice such as `BE_SUJETS:sante` ("La santé"). The mapping
says which places answer it: criteria `field=value` on the national schema
(`services=Aide aux démarches administratives`), `horaires=*` (the field is
filled in) or `*` (any place). The conseiller adjusts it; DEFAULT_MAPPING is
where it starts. A need of a commune is covered when a matching place is in
the commune or within `radius_km` of the commune's centre.

Shares are of the people asked the question (raw answers, not weighted),
with a Wilson 95 % interval. A cell where fewer than 5 people chose the need
or fewer than 5 did not is hidden, and, so that it cannot be recomputed from
the territory's figure, a second cell of the same need is hidden with it.
"""

import numpy as np
import pandas as pd

from analysis.stats import MIN_COUNT, wilson

TERRITORY = "Territoire"
BASIS = "Réponses brutes (non pondérées) des personnes à qui la question a été posée"
DEFAULT_RADIUS_KM = 10.0
BLOCK_COLUMNS = [
    "need",
    "commune_code",
    "commune",
    "asked",
    "count",
    "places",
    "nearest",
    "distance_km",
    "covered",
]
EARTH_KM = 6371.0088

_S = "services="
_M = "modalites_accompagnement="
_P = "prise_en_charge_specifique="
DEFAULT_MAPPING: dict[str, list[str]] = {
    "BE_SUJETS:materiel": [_S + "Maîtrise des outils numériques du quotidien"],
    "BE_SUJETS:navigation": [_S + "Maîtrise des outils numériques du quotidien"],
    "BE_SUJETS:email": [_S + "Maîtrise des outils numériques du quotidien"],
    "BE_SUJETS:bureautique": [_S + "Maîtrise des outils numériques du quotidien"],
    "BE_SUJETS:communication": [_S + "Maîtrise des outils numériques du quotidien"],
    "BE_SUJETS:sante": [_S + "Aide aux démarches administratives"],
    "BE_SUJETS:banque_achats": [_S + "Utilisation sécurisée du numérique"],
    "BE_SUJETS:emploi": [_S + "Insertion professionnelle via le numérique"],
    "BE_SUJETS:securite": [_S + "Utilisation sécurisée du numérique"],
    "BE_SUJETS:parentalite": [_S + "Parentalité et éducation avec le numérique"],
    "BE_SUJETS:culture_numerique": [_S + "Compréhension du monde numérique"],
    "BE_SUJETS:demarches": [_S + "Aide aux démarches administratives"],
    "BE_SUJETS:maintenance": [
        _S + "Acquisition de matériel informatique à prix solidaire",
        _S + "Accès internet et matériel informatique",
    ],
    "BE_FORMAT:individuel": [_M + "Accompagnement individuel"],
    "BE_FORMAT:atelier_collectif": [_M + "Dans un atelier collectif"],
    "BE_FORMAT:autonomie": [_M + "En autonomie"],
    "BE_FORMAT:a_distance": [_M + "À distance"],
    "BE_FORMAT:domicile": ["itinerance=Itinérant"],
    "BE_FORMAT:aidant_habilite": ["dispositif_programmes_nationaux=Aidants Connect"],
    "FR_ACCES_LIEU:horaires": ["horaires=*"],
    "FR_ACCES_LIEU:distance": ["itinerance=Itinérant"],
    "FR_ACCES_LIEU:ne_connait_pas": ["*"],
    "FR_ACCES_LIEU:cout": ["frais_a_charge=Gratuit"],
    "FR_ACCES_LIEU:gene": [_M + "Accompagnement individuel"],
    "FR_ACCES_LIEU:sante_handicap": [
        _P + "Surdité",
        _P + "Handicaps moteurs",
        _P + "Handicaps mentaux",
        _P + "Déficience visuelle",
    ],
    "FR_ACCES_LIEU:langue": [
        _P + "Langues étrangères (anglais)",
        _P + "Langues étrangères (autres)",
        _P + "Illettrisme",
    ],
    "BE_CONNAIT_LIEU:non": ["*"],
}
NEED_QUESTIONS = ("BE_SUJETS", "BE_FORMAT", "FR_ACCES_LIEU", "BE_CONNAIT_LIEU")


def answer_flags(wide: pd.DataFrame, commune: str = "PR_COMMUNE") -> pd.DataFrame:
    """From `SurveyFrames.wide`: `commune` plus a nullable boolean per need
    (NA: question not asked or not answered). BE_CONNAIT_LIEU is single-choice:
    "non" becomes the need `BE_CONNAIT_LIEU:non`."""
    out = pd.DataFrame(index=wide.index)
    out["commune"] = (
        wide[commune].astype("object")
        if commune in wide
        else pd.Series(pd.NA, index=wide.index, dtype="object")
    )
    for column in wide.columns:
        if column.split(":")[0] in NEED_QUESTIONS and ":" in column:
            out[column] = wide[column]
    if "BE_CONNAIT_LIEU" in wide:
        raw = wide["BE_CONNAIT_LIEU"].astype("object")
        out["BE_CONNAIT_LIEU:non"] = pd.array(
            np.where(raw.isna(), None, raw == "non"), dtype="boolean"
        )
    return out


def matching_places(
    places: pd.DataFrame, criteria: list[str], cache: dict | None = None
) -> np.ndarray:
    """Boolean per place: does it meet any of the criteria?

    Each field is split once into its distinct value sets (thousands of places
    share a few dozen combinations), so a criterion is a look-up, not a regex
    over every place; `cache` keeps that work from one need to the next.
    """
    cache = {} if cache is None else cache
    hit = np.zeros(len(places), dtype=bool)
    for criterion in criteria:
        if criterion == "*":
            return np.ones(len(places), dtype=bool)
        name, _, value = criterion.partition("=")
        if name not in places:
            continue
        if name not in cache:
            # Missing values as "" whatever the column's dtype (fillna("")
            # refuses a categorical column and would upcast a float one).
            column = places[name].astype(object)
            codes, uniques = pd.factorize(column.where(column.notna(), "").astype(str))
            sets = [{v.strip() for v in u.split("|") if v.strip()} for u in uniques]
            cache[name] = (codes, sets)
        codes, sets = cache[name]
        if value == "*":
            found = np.array([bool(s) for s in sets], dtype=bool)
        else:
            found = np.array([value in s for s in sets], dtype=bool)
        if len(found):
            hit |= found[codes]
    return hit


def haversine_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distances (broadcasting), in kilometres."""
    lat1, lon1, lat2, lon2 = map(np.radians, (lat1, lon1, lat2, lon2))
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_KM * np.arcsin(np.sqrt(a))


def commune_centres(communes: pd.DataFrame, places: pd.DataFrame) -> pd.DataFrame:
    """`communes` (code, name[, latitude, longitude]) indexed by code, with a
    centre for each and its number of `places`.

    Etalab's decoupage-administratif has no coordinates (checked on 1
    December 2026: neither 6.0.0, the latest, nor 2.0.0 has a `centre`), and
    no npm package of a public body ships commune centres (@ban-team/
    shared-data holds regional languages only; @gouvfr-anct/
    cartographie-nationale fetches its data at run time). So where none is
    given, the mean position of the commune's places stands in for its
    centre (NaN for a commune without a located place: distances then
    unknown).
    """
    out = communes.set_index("code")[["name"]].copy()
    for axis in ("latitude", "longitude"):
        given = communes.set_index("code")[axis] if axis in communes else None
        located = pd.to_numeric(places[axis], errors="coerce") if len(places) else None
        mean = (
            located.groupby(places["code_insee"]).mean()
            if located is not None
            else pd.Series(dtype=float)
        )
        out[axis] = given.astype(float) if given is not None else np.nan
        out[axis] = out[axis].fillna(mean.reindex(out.index))
    counts = places["code_insee"].value_counts() if len(places) else pd.Series()
    out["places"] = counts.reindex(out.index, fill_value=0).astype(int)
    return out


def _protect(table: pd.DataFrame) -> pd.Series:
    """Primary small-cell rule, then a second cell per need if only one hides."""
    count, asked = table["count"], table["asked"]
    hidden = ((count > 0) & (count < MIN_COUNT)) | (
        (asked - count > 0) & (asked - count < MIN_COUNT)
    )
    communes = table["commune_code"] != TERRITORY
    for _, rows in table[communes].groupby("need", sort=False):
        if hidden[rows.index].sum() == 1:
            others = rows[~hidden[rows.index] & (rows["count"] > 0)]
            if len(others):
                hidden[others["count"].idxmin()] = True
            else:
                territory = table.index[
                    (table["need"] == rows["need"].iloc[0]) & ~communes
                ]
                hidden[territory] = True
    return hidden


def needs_offer(
    answers: pd.DataFrame,
    places: pd.DataFrame,
    communes: pd.DataFrame,
    mapping: dict[str, list[str]],
    labels: dict[str, str] | None = None,
    radius_km: float = DEFAULT_RADIUS_KM,
) -> pd.DataFrame:
    """One row per need × (commune, then the territory) where it was asked.

    Columns: need, label, commune_code, commune, asked, count, share, low, high
    (percent; NaN where hidden), hidden, places (matching places in the
    commune), nearest (name of the nearest matching place or None),
    distance_km, covered, basis.
    """
    labels = labels or {}
    needs = [n for n in mapping if n in answers]
    centres = commune_centres(communes, places)
    codes = list(centres.index)
    position = pd.Index(codes).get_indexer(answers["commune"].astype("object"))
    known = position >= 0
    names = places["nom"].to_numpy() if "nom" in places else np.array([], object)
    place_commune = places.get("code_insee", pd.Series(dtype=str)).to_numpy()
    plat = pd.to_numeric(places.get("latitude"), errors="coerce").to_numpy(float)
    plon = pd.to_numeric(places.get("longitude"), errors="coerce").to_numpy(float)
    distances = haversine_km(
        centres["latitude"].to_numpy()[:, None],
        centres["longitude"].to_numpy()[:, None],
        plat[None, :],
        plon[None, :],
    )
    same = place_commune[None, :] == np.asarray(codes, dtype=object)[:, None]
    # A place of the commune is at distance 0 even without coordinates.
    distances = np.where(same, 0.0, np.nan_to_num(distances, nan=np.inf))
    blocks: dict[str, list[np.ndarray]] = {}
    cache: dict = {}
    for need in needs:
        values = answers[need].astype("boolean")
        asked_mask = values.notna().to_numpy()
        chosen_mask = values.fillna(False).to_numpy(dtype=bool)
        asked = np.bincount(position[known & asked_mask], minlength=len(codes))
        chosen = np.bincount(position[known & chosen_mask], minlength=len(codes))
        match = matching_places(places, mapping[need], cache)
        d = np.where(match[None, :], distances, np.inf)
        d = np.concatenate([d, np.full((len(codes), 1), np.inf)], axis=1)
        best = d.argmin(axis=1)
        best_d = d[np.arange(len(codes)), best]
        found = np.isfinite(best_d)
        nearest = np.append(names, None)[best]
        in_commune = (same & match[None, :]).sum(axis=1)
        # One block per need: its communes, then the territory as a whole.
        n = len(codes) + 1
        parts = {
            "need": np.full(n, need, dtype=object),
            "commune_code": np.append(np.asarray(codes, dtype=object), TERRITORY),
            "commune": np.append(centres["name"].to_numpy(dtype=object), TERRITORY),
            "asked": np.append(asked, asked_mask.sum()),
            "count": np.append(chosen, chosen_mask.sum()),
            "places": np.append(in_commune, match.sum()),
            "nearest": np.append(np.where(found, nearest, None), None),
            "distance_km": np.append(np.where(found, best_d, np.nan), np.nan),
            "covered": np.append((in_commune > 0) | (best_d <= radius_km), match.any()),
        }
        for column, values in parts.items():
            blocks.setdefault(column, []).append(values)
    table = pd.DataFrame(
        {c: np.concatenate(v) for c, v in blocks.items()}, columns=BLOCK_COLUMNS
    )
    table.insert(1, "label", table["need"].map(lambda n: labels.get(n, n)))
    table = table[table["asked"] > 0].reset_index(drop=True)
    low, high = wilson(table["count"], table["asked"])
    table["share"] = 100 * table["count"] / table["asked"].where(table["asked"] > 0)
    table["low"], table["high"] = low, high
    table["hidden"] = _protect(table)
    for column in ("count", "share", "low", "high"):
        table[column] = table[column].astype(float).mask(table["hidden"])
    table["basis"] = BASIS
    return table


def uncovered(table: pd.DataFrame) -> pd.DataFrame:
    """Needs that someone expressed where no matching place is near enough.

    A hidden cell stays listed (the need exists) without its figures.
    """
    expressed = table["hidden"] | (table["count"] > 0)
    return table[expressed & ~table["covered"]].reset_index(drop=True)
