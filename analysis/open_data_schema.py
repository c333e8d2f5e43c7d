"""Open data files: Parquet tables and the Table Schema that describes them.

    columns = [Column("enquete", "string", "Enquête", "Identifiant…"), ...]
    resource = Resource("reponses", "Réponses", "…", frame, columns)
    write_package(directory, [resource, ...], title="…", description="…")

Every Parquet column is described once, as a `Column`; the same object
gives its Arrow type (the file) and its Table Schema field (datapackage.json,
https://specs.frictionlessdata.io/table-schema/), so the two cannot drift
apart. Choices are `enum` constraints, with their French labels as
`categories` (Table Schema v2). Missing values are Parquet nulls, written
"" when the table is turned into CSV (`missingValues`).
"""

import json
import os
import tempfile
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

ARROW_TYPES = {
    "string": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
}
MISSING_VALUES = [""]
PARQUET_MEDIATYPE = "application/vnd.apache.parquet"
LICENSE = {
    "name": "etalab-2.0",
    "title": "Licence Ouverte / Open Licence version 2.0",
    "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}


@dataclass
class Column:
    """One column: its Table Schema type, French title and description."""

    name: str
    type: str  # a key of ARROW_TYPES
    title: str
    description: str
    enum: list[str] | None = None
    labels: dict[str, str] = field(default_factory=dict)
    ordered: bool = False
    pattern: str | None = None
    required: bool = False

    def merged(self, other: "Column") -> "Column":
        """The same column seen in another survey: choices of both."""
        if self.enum is None or other.enum is None:
            return self
        enum = self.enum + [c for c in other.enum if c not in self.enum]
        return Column(
            self.name,
            self.type,
            self.title,
            self.description,
            enum,
            {**other.labels, **self.labels},
            self.ordered,
            self.pattern,
            self.required,
        )

    def descriptor(self) -> dict[str, Any]:
        """The Table Schema field."""
        out: dict[str, Any] = {
            "name": self.name,
            "type": self.type,
            "title": self.title,
            "description": self.description,
        }
        constraints: dict[str, Any] = {}
        if self.required:
            constraints["required"] = True
        if self.enum is not None:
            constraints["enum"] = list(self.enum)
            out["categories"] = [
                {"value": code, "label": self.labels.get(code, code)}
                for code in self.enum
            ]
            if self.ordered:
                out["categoriesOrdered"] = True
        if self.pattern:
            constraints["pattern"] = self.pattern
        if constraints:
            out["constraints"] = constraints
        return out


@dataclass
class Resource:
    name: str
    title: str
    description: str
    frame: pd.DataFrame
    columns: list[Column]
    primary_key: list[str] = field(default_factory=list)

    @property
    def path(self) -> str:
        return f"{self.name}.parquet"

    def arrow_schema(self) -> pa.Schema:
        return arrow_schema(self.columns)

    def descriptor(self) -> dict[str, Any]:
        schema: dict[str, Any] = {
            "fields": [c.descriptor() for c in self.columns],
            "missingValues": MISSING_VALUES,
        }
        if self.primary_key:
            schema["primaryKey"] = self.primary_key
        return {
            "name": self.name,
            "path": self.path,
            "title": self.title,
            "description": self.description,
            "profile": "tabular-data-resource",
            "format": "parquet",
            "mediatype": PARQUET_MEDIATYPE,
            "schema": schema,
        }


def arrow_schema(columns: list[Column]) -> pa.Schema:
    return pa.schema(
        [
            pa.field(c.name, ARROW_TYPES[c.type], nullable=not c.required)
            for c in columns
        ]
    )


def merge_columns(groups: list[list[Column]]) -> list[Column]:
    """Columns of several surveys' tables, in first-seen order, choices merged."""
    merged: dict[str, Column] = {}
    for columns in groups:
        for column in columns:
            before = merged.get(column.name)
            merged[column.name] = column if before is None else before.merged(column)
    return list(merged.values())


def to_arrow(frame: pd.DataFrame, columns: list[Column]) -> pa.Table:
    """The frame as an Arrow table of exactly the columns' types and order."""
    arrays = []
    for column in columns:
        values = frame[column.name] if column.name in frame else None
        arrow_type = ARROW_TYPES[column.type]
        if values is None:
            arrays.append(pa.nulls(len(frame), arrow_type))
            continue
        if column.type == "string":
            values = values.astype("object").where(values.notna(), None)
        arrays.append(pa.array(values, type=arrow_type, from_pandas=True))
    return pa.Table.from_arrays(arrays, schema=arrow_schema(columns))


def write_package(
    directory: str,
    resources: list[Resource],
    *,
    title: str,
    description: str,
    created: str,
    extra: dict[str, Any] | None = None,
) -> str:
    """Write each resource as Parquet and datapackage.json; return its path.

    Each file is written beside its final name, then renamed: a region
    collecting the directory never reads half a file.
    """
    os.makedirs(directory, exist_ok=True)
    for resource in resources:
        table = to_arrow(resource.frame, resource.columns)
        _replace(directory, resource.path, lambda p, t=table: pq.write_table(t, p))
    package = {
        "profile": "tabular-data-package",
        "name": "diagnostic-inclusion-numerique",
        "title": title,
        "description": description,
        "created": created,
        "licenses": [LICENSE],
        **(extra or {}),
        "resources": [r.descriptor() for r in resources],
    }
    text = json.dumps(package, ensure_ascii=False, indent=2)
    return _replace(directory, "datapackage.json", lambda p: _write_text(p, text))


def _write_text(path: str, text: str) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def _replace(directory: str, name: str, write) -> str:
    fd, temporary = tempfile.mkstemp(dir=directory, prefix=f".{name}.")
    os.close(fd)
    try:
        write(temporary)
        final = os.path.join(directory, name)
        os.replace(temporary, final)
    except BaseException:
        os.unlink(temporary)
        raise
    return final
