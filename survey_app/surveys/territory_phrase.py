"""How a diagnostic's territory is named to residents ("le numérique à ...")."""

import sqlite_utils

# Etalab abbreviates the kind of intercommunality; residents read it in full.
EPCI_PREFIXES = {
    "CC ": "Communauté de communes ",
    "CA ": "Communauté d'agglomération ",
    "CU ": "Communauté urbaine ",
}


def epci_full_name(name: str) -> str:
    for short, full in EPCI_PREFIXES.items():
        if name.startswith(short):
            return full + name[len(short) :]
    return name


def territory_phrase(db: sqlite_utils.Database, diagnostic_id: int) -> str:
    """Where the diagnostic takes place, ready to follow "le numérique".

    "à Mens", "à Mens et Clelles", "dans la Communauté de communes du
    Trièves" when the communes are exactly one EPCI, "sur notre territoire"
    when no commune was chosen (or the commune table is empty).
    """
    rows = db.execute(
        """SELECT c.name, c.epci_code FROM diagnostic_communes dc
           JOIN communes c ON c.code = dc.commune_code
           WHERE dc.diagnostic_id = ?
           ORDER BY c.population DESC, c.name""",
        [diagnostic_id],
    ).fetchall()
    if not rows:
        return "sur notre territoire"
    names = [r["name"] for r in rows]
    epci_codes = {r["epci_code"] for r in rows}
    if len(rows) > 1 and len(epci_codes) == 1 and None not in epci_codes:
        (epci_code,) = epci_codes
        epci = db.execute(
            "SELECT e.name, e.kind, (SELECT count(*) FROM communes "
            "WHERE epci_code = e.code) AS members FROM epcis e WHERE e.code = ?",
            [epci_code],
        ).fetchone()
        if epci and epci["members"] == len(rows):
            if epci["kind"] in ("CC", "CA", "CU"):
                return "dans la " + epci_full_name(epci["name"])
            return "à " + epci["name"]
    if len(names) == 1:
        return "à " + names[0]
    if len(names) <= 3:
        return "à " + ", ".join(names[:-1]) + " et " + names[-1]
    return f"à {names[0]}, {names[1]} et alentours"


# Kinds of structures and their article, for a sentence that starts with the
# structure's name ("La Communauté de communes du Diois rassemble…", issue 8).
ARTICLES = {
    "la ": ("communauté", "commune", "mairie", "ville", "métropole", "maison",
            "médiathèque", "association", "préfecture", "région", "mission"),
    "le ": ("centre", "conseil", "département", "ccas", "cias", "syndicat",
            "pôle", "point", "service", "tiers-lieu", "pays"),
    "l'": ("espace", "agglomération", "équipe", "union", "office"),
}  # fmt: skip
ARTICLE_STARTS = ("le ", "la ", "les ", "l'", "l’")


def structure_subject(name: str | None) -> str:
    """The structure as the subject of a sentence, with its article, capitalised.

    "Communauté de communes du Diois" -> "La Communauté de communes du
    Diois"; a name without a known kind ("Emmaüs Connect") stays as it is.
    """
    name = epci_full_name((name or "").strip())
    if not name:
        return "L'équipe du diagnostic"
    first = name.split()[0].lower()
    if name.lower().startswith(ARTICLE_STARTS):
        return name[0].upper() + name[1:]
    for article, kinds in ARTICLES.items():
        if first in kinds:
            return article.capitalize() + name
    return name
