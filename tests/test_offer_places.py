"""Places in the national schema: loader, CSV import and export (issue 11 §1)."""

import csv
import io
import re
import sqlite3

import pytest
from helpers.offer import LYON, national_file, place_row, to_csv
from helpers.web import csrf_from

from offer import schema as schema_module
from offer.places import export_csv, load_places, parse_places, save_places
from offer.schema import load_schema, parse_enum, parse_fields

CODES = {c for c, _, _ in LYON}


def test_schema_comes_from_the_npm_package():
    schema = load_schema()
    assert schema.fields[:3] == ("id", "nom", "services")
    assert {"id", "nom", "pivot", "commune", "code_postal", "adresse", "date_maj"} == (
        schema.required
    )
    assert "Aide aux démarches administratives" in schema.enums["services"]
    assert schema.enums["frais_a_charge"] == ("Gratuit", "Gratuit sous condition",
                                             "Payant")  # fmt: skip
    assert "Aidants Connect" in schema.enums["dispositif_programmes_nationaux"]
    assert schema.patterns["code_postal"].match("69001")


def test_loader_parses_compiled_enums_and_optional_fields():
    js = 'export var X;\n(function (X) {\n    X["A"] = "Itin\\u00E9rant";\n' \
         '    X["B"] = "Fixe";\n})(X || (X = {}));'  # fmt: skip
    assert parse_enum(js) == ("Itinérant", "Fixe")
    ts = "export type AFields = {\n    id: string;\n    latitude?: number;\n};"
    assert parse_fields(ts) == [("id", True), ("latitude", False)]


def test_pipes_quotes_commas_and_newlines():
    row = place_row(1, "69123", "Lyon", "69001",
                    nom='Maison "Pour tous", Croix-Rousse',
                    services="Aide aux démarches administratives | "
                    "Compréhension du monde numérique")  # fmt: skip
    parsed = parse_places(to_csv([row]), CODES)
    assert parsed.errors == []
    place = parsed.places[0]
    assert place["nom"] == 'Maison "Pour tous", Croix-Rousse'
    detail = "Accueil, ateliers, aide\n(sur rendez-vous, ou pas)"
    assert place["presentation_detail"] == detail
    assert place["services"] == (
        "Aide aux démarches administratives|Compréhension du monde numérique"
    )


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "latin-1"])
def test_encodings(encoding):
    row = place_row(1, "69259", "Vénissieux", "69200", nom="Médiathèque Léo Ferré")
    parsed = parse_places(to_csv([row], encoding), CODES)
    assert parsed.errors == [] and parsed.missing_columns == []
    assert parsed.places[0]["nom"] == "Médiathèque Léo Ferré"
    assert parsed.places[0]["commune"] == "Vénissieux"


def test_empty_optional_fields_are_fine():
    schema = load_schema()
    row = {k: "" for k in schema.fields}
    row |= place_row(1, "69123", "Lyon", "69001")
    for name in set(schema.fields) - schema.required - {"code_insee"}:
        row[name] = ""
    parsed = parse_places(to_csv([row]), CODES)
    assert parsed.errors == [] and len(parsed.places) == 1


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        ({"services": "Aide aux démarches|Cuisine"}, "services", "liste nationale"),
        ({"frais_a_charge": "Parfois"}, "frais_a_charge", "liste nationale"),
        ({"latitude": "145.2"}, "latitude", "hors des bornes"),
        ({"longitude": "4,85"}, "longitude", "nombre attendu"),
        ({"code_postal": "6900"}, "code_postal", "mal formée"),
        ({"pivot": "123"}, "pivot", "SIRET"),
        ({"nom": ""}, "nom", "obligatoire"),
        ({"date_maj": "01/10/2026"}, "date_maj", "AAAA-MM-JJ"),
    ],
)
def test_bad_rows_are_listed_with_line_field_and_reason(change, field, reason):
    rows = [place_row(1, "69123", "Lyon", "69001"),
            place_row(2, "69123", "Lyon", "69001", **change),
            place_row(3, "69123", "Lyon", "69001")]  # fmt: skip
    parsed = parse_places(to_csv(rows), CODES)
    assert [p["id"] for p in parsed.places] == ["lieu-1", "lieu-3"]
    assert parsed.error_count == 1
    (line, got_field, got_reason), *_ = parsed.errors
    # Header on line 1; each row spans 2 physical lines (newline in a field).
    assert line == 5 and got_field == field and reason in got_reason


def test_missing_required_columns_import_nothing():
    parsed = parse_places(b"id;nom;commune\n1;A;Lyon\n", CODES)
    assert parsed.places == [] and "pivot" in parsed.missing_columns


def test_20000_rows_filtered_to_the_communes():
    data = national_file(20_000, LYON, share=0.1)
    parsed = parse_places(data, CODES)
    assert parsed.errors == []
    assert len(parsed.places) + parsed.other_communes == 20_000
    assert 1_700 < len(parsed.places) < 2_300
    assert {p["code_insee"] for p in parsed.places} == CODES


def test_reimport_updates_by_id(db, diagnostic):
    first = [place_row(i, "69123", "Lyon", "69001") for i in range(3)]
    assert save_places(db, diagnostic, first) == (3, 0)
    again = [place_row(0, "69123", "Lyon", "69001", nom="Nouveau nom"),
             place_row(9, "69123", "Lyon", "69001")]  # fmt: skip
    assert save_places(db, diagnostic, again) == (1, 1)
    places = {p["id"]: p["nom"] for p in load_places(db, diagnostic)}
    assert len(places) == 4 and places["lieu-0"] == "Nouveau nom"


def test_export_round_trips_in_the_schema(db, diagnostic):
    rows = [place_row(i, "69266", "Villeurbanne", "69100") for i in range(2)]
    save_places(db, diagnostic, rows)
    text = export_csv(load_places(db, diagnostic))
    reader = csv.DictReader(io.StringIO(text))
    assert tuple(reader.fieldnames) == load_schema().fields
    assert parse_places(text.encode(), CODES).places == rows


def add_lyon(db, diagnostic):
    db["diagnostic_communes"].insert_all(
        [{"diagnostic_id": diagnostic, "commune_code": c} for c in CODES]
    )


def upload(client, diagnostic, data: bytes, name: str = "lieux.csv"):
    page = client.get(f"/diagnostics/{diagnostic}/offre").get_data(as_text=True)
    # Encoded by hand: Werkzeug's test client spools a body over 500 KB to a
    # temporary file that it never closes (a ResourceWarning, not ours).
    boundary = "----frontiere-de-test"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
            f"{csrf_from(page)}\r\n--{boundary}\r\nContent-Disposition: form-data; "
            f'name="fichier"; filename="{name}"\r\nContent-Type: text/csv\r\n\r\n'
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return client.post(
        f"/diagnostics/{diagnostic}/offre/lieux/import",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def test_import_page_reports_and_reimport_does_not_duplicate(logged_in, db, diagnostic):
    add_lyon(db, diagnostic)
    rows = [place_row(i, "69123", "Lyon", "69001") for i in range(3)]
    rows.append(place_row(7, "69123", "Lyon", "69001", itinerance="<b>Mobile</b>"))
    data = to_csv(rows) + b""
    html = upload(logged_in, diagnostic, data).get_data(as_text=True)
    assert "3 lieu(x) ajouté(s), 0 mis à jour" in html
    assert "itinerance" in html and "&lt;b&gt;Mobile&lt;/b&gt;" in html
    html = upload(logged_in, diagnostic, data).get_data(as_text=True)
    assert "0 lieu(x) ajouté(s), 3 mis à jour" in html
    assert db.execute("SELECT count(*) FROM offer_places").fetchone()[0] == 3
    export = logged_in.get(f"/diagnostics/{diagnostic}/offre/lieux.csv")
    assert export.data.decode().count("lieu-") == 3


def test_large_file_accepted_then_refused_beyond_the_limit(logged_in, db, diagnostic,
                                                          monkeypatch):  # fmt: skip
    add_lyon(db, diagnostic)
    data = national_file(2_000, LYON, share=0.5)
    assert len(data) > 512 * 1024  # over the app-wide limit
    html = upload(logged_in, diagnostic, data).get_data(as_text=True)
    assert re.search(r"\d+ lieu\(x\) ajouté\(s\)", html)
    from offer import views

    monkeypatch.setattr(views, "IMPORT_LIMIT", 300 * 1024)
    before = db.execute("SELECT count(*) FROM offer_places").fetchone()[0]
    response = upload(logged_in, diagnostic, national_file(2_000, LYON, 0.5, seed=2))
    assert response.status_code == 302
    html = logged_in.get(response.location).get_data(as_text=True)
    assert "Fichier trop volumineux" in html
    assert db.execute("SELECT count(*) FROM offer_places").fetchone()[0] == before


def test_other_conseiller_cannot_import_or_export(app, client, db, diagnostic):
    from helpers.web import login, make_user

    make_user(app, "autre@example.fr", "Autre")
    login(client, "autre@example.fr")
    assert client.get(f"/diagnostics/{diagnostic}/offre").status_code == 403
    assert client.get(f"/diagnostics/{diagnostic}/offre/lieux.csv").status_code == 403
    assert client.get(f"/diagnostics/{diagnostic}/offre/besoins").status_code == 403


assert schema_module.PACKAGE_DIR.endswith("lieux-de-mediation-numerique")


def test_a_failing_import_writes_nothing(db, diagnostic):
    rows = [place_row(1, "69123", "Lyon", "69001"), place_row(2, None, "Lyon", "69001")]
    with pytest.raises(sqlite3.IntegrityError):
        save_places(db, diagnostic, rows)  # code_insee NOT NULL on the 2nd row
    assert db.execute("SELECT count(*) FROM offer_places").fetchone()[0] == 0
