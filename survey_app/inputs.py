"""What every route accepts from a URL, a query string or a JSON body.

SQLite stores integers on 64 bits and raises OverflowError beyond; Python's
json module reads `Infinity`, `NaN` and `1e400` (a float infinity) without a
word; a JSON field may hold a list where a text is expected. Each of these
reached a route and gave a 500 (issue 8, E3). Here, once for every route:

- `<int:…>` in a URL only matches integers SQLite can store (else 404);
- JSON bodies refuse non-finite numbers and integers SQLite cannot store;
- `query_int` and the `json_*` functions read one value of the expected
  type or stop the request with a 400 and a French message.
"""

import json
import math
from typing import Any, overload

from flask import Flask, Response, abort, jsonify, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

SQLITE_MAX = 2**63 - 1
UNREADABLE = "Données illisibles : un nombre est trop grand ou n'en est pas un."


class SQLiteIntConverter(IntegerConverter):
    """`<int:…>` limited to what SQLite stores: a larger number is a 404."""

    def __init__(self, map, fixed_digits=0, min=None, max=SQLITE_MAX, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits, min, max, signed)


def _refuse_constant(name: str) -> None:
    abort(400, UNREADABLE)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e400
        abort(400, UNREADABLE)
    return value


def _storable_int(text: str) -> int:
    value = int(text)
    if not -SQLITE_MAX - 1 <= value <= SQLITE_MAX:
        abort(400, UNREADABLE)
    return value


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's JSON, reading only numbers the application can store."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        kwargs.setdefault("parse_constant", _refuse_constant)
        kwargs.setdefault("parse_float", _finite_float)
        kwargs.setdefault("parse_int", _storable_int)
        return json.loads(s, **kwargs)


def storable_int(value: Any) -> int | None:
    """`value` as an integer SQLite can store, or None (bools are not numbers)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        if len(value.strip()) > 20:
            return None
        value = int(value)
    if isinstance(value, int) and -SQLITE_MAX - 1 <= value <= SQLITE_MAX:
        return value
    return None


def query_int(args: Any, name: str, default: int | None = None) -> int | None:
    """The integer `?name=` of a query string, `default` when absent or empty.

    :raise 400: the value is not an integer SQLite can store.
    """
    text = args.get(name, "")
    if text == "":
        return default
    value = storable_int(text)
    if value is None:
        abort(400, f"Le paramètre « {name} » doit être un nombre entier.")
    return value


def json_int(data: dict, name: str, default: int | None = None) -> int | None:
    """The integer field `name`, `default` when absent, null or empty.

    :raise 400: present but not an integer SQLite can store.
    """
    value = data.get(name)
    if value is None or value == "":
        return default
    number = storable_int(value)  # "3" from a <select> is fine
    if number is None:
        abort(400, f"Le champ « {name} » doit être un nombre entier.")
    return number


@overload
def json_text(data: dict, name: str) -> str: ...
@overload
def json_text(data: dict, name: str, default: str) -> str: ...
@overload
def json_text(data: dict, name: str, default: None) -> str | None: ...
def json_text(data: dict, name: str, default: str | None = "") -> str | None:
    """The text field `name`, `default` when absent or null.

    :raise 400: present but not a text (a list, a number, an object).
    """
    value = data.get(name)
    if value is None:
        return default
    if not isinstance(value, str):
        abort(400, f"Le champ « {name} » doit être un texte.")
    return value


def json_object(data: dict, name: str) -> dict | None:
    """The object field `name` ({…}), None when absent or null.

    :raise 400: present but not an object.
    """
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, dict):
        abort(400, f"Le champ « {name} » doit être un objet.")
    return value


def json_list(data: dict, name: str) -> list | None:
    """The list field `name` ([…]), None when absent or null.

    :raise 400: present but not a list.
    """
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, list):
        abort(400, f"Le champ « {name} » doit être une liste.")
    return value


NOT_AN_OBJECT = "Données illisibles : envoyez un objet JSON."


def json_bodies_are_objects() -> Response | None:
    """Every route reads a JSON body as an object (flask-wtf too: a form
    posted as JSON `12` or `[…]` made it fail). Answered in JSON: whoever
    sends JSON reads JSON.
    """
    if not (request.is_json and request.content_length):
        return None
    try:
        data, message = request.get_json(silent=True), NOT_AN_OBJECT
    except BadRequest as error:  # a number refused by StrictJSONProvider
        data, message = None, error.description
    if isinstance(data, dict):
        return None
    response = jsonify(error=message, status=400)
    response.status_code = 400
    return response


def init_app(app: Flask) -> None:
    """Before any blueprint: rules compile their converters when added."""
    app.url_map.converters["int"] = SQLiteIntConverter
    app.json = StrictJSONProvider(app)
    app.before_request(json_bodies_are_objects)
