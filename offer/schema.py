"""The national schema of lieux de médiation numérique, read from its npm package.

`@gouvfr-anct/lieux-de-mediation-numerique` (ANCT) publishes the field names
(TypeScript type `SchemaLieuMediationNumerique`, optional fields marked `?`)
and the enumerations (`models/<name>/<name>.js`, compiled TypeScript enums).
We parse those published files rather than copying lists by hand, so that a
new version of the package brings its new services or labels with it.
"""

import json
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE_DIR = os.path.join(
    ROOT, "node_modules", "@gouvfr-anct", "lieux-de-mediation-numerique"
)
SCHEMA_TS = "transfer/schema-lieux-de-mediation-numerique/schema-lieux-de-mediation-numerique.d.ts"  # noqa: E501

# Field of the CSV → the model file holding its enumeration.
ENUM_FILES = {
    "services": "service/service.js",
    "frais_a_charge": "frais-a-charge/frais-a-charge.js",
    "itinerance": "itinerance/itinerances.js",
    "modalites_acces": "modalite-acces/modalite-acces.js",
    "modalites_accompagnement": "modalite-accompagnement/modalite-accompagnement.js",
    "publics_specifiquement_adresses": (
        "publics-specifiquement-adresses/publics-specifiquement-adresses.js"
    ),
    "prise_en_charge_specifique": (
        "prise-en-charge-specifique/prise-en-charge-specifique.js"
    ),
    "dispositif_programmes_nationaux": (
        "dispositif-programme-national/dispositif-programme-national.js"
    ),
    "formations_labels": "formation-label/formation-label.js",
    "typologie": "typologie/typologie.js",
}
# Fields holding several values separated by "|" (schema v1.0.1).
MULTI_VALUED = frozenset(ENUM_FILES) | {"courriels", "site_web"}
NUMBER_FIELDS = ("latitude", "longitude")

_FIELD = re.compile(r"^\s+(\w+)(\??):\s*(string|number);", re.MULTILINE)
_TYPE_BLOCK = re.compile(r"export type (\w+) = \{(.*?)\};", re.DOTALL)
_ENUM_VALUE = re.compile(r'\w+\["\w+"\] = "((?:[^"\\]|\\.)*)";')
_REGEXP = re.compile(r"const (\w+)_REG_EXP = /(.*)/u;")


@dataclass(frozen=True)
class Schema:
    version: str
    fields: tuple[str, ...]  # in the package's order
    required: frozenset[str]
    enums: dict[str, tuple[str, ...]] = field(hash=False)
    patterns: dict[str, re.Pattern] = field(hash=False)


def _read(path: str) -> str:
    with open(os.path.join(PACKAGE_DIR, "lib", "esm", path), encoding="utf-8") as f:
        return f.read()


def parse_fields(ts: str) -> list[tuple[str, bool]]:
    """(name, required) of every field of the `…Fields` types, in order."""
    fields = []
    for name, body in _TYPE_BLOCK.findall(ts):
        if name.endswith("Fields"):
            fields += [(f, not opt) for f, opt, _ in _FIELD.findall(body)]
    return fields


def parse_enum(js: str) -> tuple[str, ...]:
    """The string values of a compiled TypeScript enum (\\uXXXX decoded)."""
    return tuple(json.loads(f'"{v}"') for v in _ENUM_VALUE.findall(js))


def parse_patterns(js: str) -> dict[str, re.Pattern]:
    """`CODE_POSTAL_REG_EXP = /…/u` → {"code_postal": compiled}."""
    return {n.lower(): re.compile(p) for n, p in _REGEXP.findall(js)}


@lru_cache(maxsize=1)
def load_schema() -> Schema:
    """The schema of the installed package. :raise FileNotFoundError: not installed."""
    with open(os.path.join(PACKAGE_DIR, "package.json"), encoding="utf-8") as f:
        version = json.load(f)["version"]
    fields = parse_fields(_read(SCHEMA_TS))
    patterns = parse_patterns(_read("models/adresse/adresse.js"))
    patterns |= parse_patterns(_read("models/rna/rna.js"))
    return Schema(
        version=version,
        fields=tuple(name for name, _ in fields),
        required=frozenset(name for name, req in fields if req),
        enums={k: parse_enum(_read("models/" + p)) for k, p in ENUM_FILES.items()},
        patterns=patterns,
    )
