"""The customer schema: column names, types and row constraints, from code or a YAML file."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fanzha.segments.errors import SchemaError

TYPES = ("string", "integer", "number", "boolean", "date", "datetime")
FORMATS = ("timezone",)  # string formats checked on load: "timezone" = an IANA zone name
_KEYS = ("type", "required", "unique", "nullable", "min", "max", "values", "format")


@dataclass(frozen=True)
class ColumnSpec:
    """One declared column: its type and the constraints a usable row must meet."""

    name: str
    type: str
    required: bool = False
    unique: bool = False
    nullable: bool = True
    min: float | None = None
    max: float | None = None
    values: tuple[str | int, ...] | None = None  # the allowed values, when declared
    format: str | None = None  # one of FORMATS

    @property
    def numeric(self) -> bool:
        """True for integer and number columns."""
        return self.type in ("integer", "number")


@dataclass(frozen=True)
class CustomerSchema:
    """Declared customer columns; ``id_column`` is the unique customer key."""

    columns: tuple[ColumnSpec, ...]
    id_column: str = "customer_id"
    _by_name: dict[str, ColumnSpec] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {c.name: c for c in self.columns})
        if self.id_column not in self._by_name:
            raise SchemaError(f'the schema has no "{self.id_column}" column')

    @property
    def names(self) -> tuple[str, ...]:
        """Column names in declared order."""
        return tuple(c.name for c in self.columns)

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def __getitem__(self, name: str) -> ColumnSpec:
        return self._by_name[name]

    def type_of(self, name: str) -> str:
        """The declared type of a column."""
        return self._by_name[name].type

    def closest(self, name: str) -> str | None:
        """The known column whose name is closest to ``name`` (for "did you mean")."""
        found = difflib.get_close_matches(name, self.names, n=1, cutoff=0.5)
        return found[0] if found else None

    def subset(self, names: Any) -> CustomerSchema:
        """The declared columns among ``names`` (the id column is always kept)."""
        keep = set(names) | {self.id_column}
        return CustomerSchema(tuple(c for c in self.columns if c.name in keep), self.id_column)

    def types(self) -> dict[str, str]:
        """Mapping of column name to type."""
        return {c.name: c.type for c in self.columns}


def _col(name: str, type_: str, **kw: Any) -> ColumnSpec:
    return ColumnSpec(name=name, type=type_, **kw)


def closest(word: str, options: Any) -> str | None:
    """The option most like ``word``, if one is close enough to suggest ("did you mean")."""
    found = difflib.get_close_matches(word, sorted(options), n=1, cutoff=0.6)
    return found[0] if found else None


def default_schema() -> CustomerSchema:
    """The schema of ``fanzha customers generate`` (docs/CONTRACTS.md, "Customer schema")."""
    from fanzha.segments.vocabulary import LOCALES, OCCUPATIONS

    return CustomerSchema(
        (
            _col("customer_id", "string", required=True, unique=True, nullable=False),
            _col("age", "integer", required=True, nullable=False, min=16, max=120),
            _col("months_in_city", "integer", required=True, nullable=False, min=0, max=1200),
            _col("hukou_local", "boolean", nullable=False),
            _col("occupation", "string", nullable=False, values=tuple(OCCUPATIONS)),
            _col("has_business_license", "boolean", nullable=False),
            _col("months_employed", "integer", min=0, max=1200),
            _col("app_user", "boolean", nullable=False),
            _col("consent_education", "boolean", required=True, nullable=False),
            _col("locale", "string", nullable=False, values=LOCALES),
            _col("timezone", "string", nullable=False, format="timezone"),
            _col("community", "string"),
            _col("large_text", "boolean", nullable=False),
            _col("first_loan_at", "datetime"),
        )
    )


def _column_from_mapping(name: str, spec: Any, where: str) -> ColumnSpec:
    """Build one ColumnSpec from its YAML mapping, with errors that name the column."""
    if isinstance(spec, str):
        spec = {"type": spec}
    if not isinstance(spec, Mapping):
        raise SchemaError(f"{where}: column {name!r} must be a mapping like {{type: integer}}")
    for key in spec:
        if key not in _KEYS:
            near = difflib.get_close_matches(str(key), _KEYS, n=1)
            hint = f' — did you mean "{near[0]}"?' if near else ""
            raise SchemaError(f"{where}: column {name!r}: unknown key {key!r}{hint}")
    type_ = spec.get("type")
    if type_ not in TYPES:
        raise SchemaError(
            f"{where}: column {name!r}: type must be one of {', '.join(TYPES)}, not {type_!r}"
        )
    for key in ("required", "unique", "nullable"):
        if key in spec and not isinstance(spec[key], bool):
            raise SchemaError(f"{where}: column {name!r}: {key} must be true or false")
    for key in ("min", "max"):
        value = spec.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise SchemaError(f"{where}: column {name!r}: {key} must be a number")
        if value is not None and type_ not in ("integer", "number"):
            raise SchemaError(f"{where}: column {name!r}: {key} applies only to numbers")
    values = _values(name, spec.get("values"), type_, where)
    format_ = spec.get("format")
    if format_ is not None and (format_ not in FORMATS or type_ != "string"):
        raise SchemaError(
            f"{where}: column {name!r}: format applies to strings and must be one of "
            f"{', '.join(FORMATS)}, not {format_!r}"
        )
    nullable = spec.get("nullable", not spec.get("required", False))
    return ColumnSpec(
        name=name,
        type=type_,
        required=bool(spec.get("required", False)),
        unique=bool(spec.get("unique", False)),
        nullable=bool(nullable),
        min=spec.get("min"),
        max=spec.get("max"),
        values=values,
        format=format_,
    )


def _values(name: str, values: Any, type_: str, where: str) -> tuple[str | int, ...] | None:
    """The declared ``values:`` list: strings for a string column, whole numbers for integers."""
    if values is None:
        return None
    kind = {"string": str, "integer": int}.get(type_)
    if kind is None:
        raise SchemaError(f"{where}: column {name!r}: values applies to strings and integers")
    if (
        not isinstance(values, list)
        or not values
        or any(isinstance(v, bool) or not isinstance(v, kind) for v in values)
    ):
        word = "strings" if kind is str else "whole numbers"
        raise SchemaError(f"{where}: column {name!r}: values must be a list of {word}")
    if len(set(values)) != len(values):
        raise SchemaError(f"{where}: column {name!r}: values lists a value twice")
    return tuple(values)


def schema_from_mapping(data: Any, where: str = "schema") -> CustomerSchema:
    """Build a CustomerSchema from the parsed YAML document (``columns:`` mapping)."""
    if not isinstance(data, Mapping) or set(data) != {"columns"}:
        raise SchemaError(f"{where}: a schema file has exactly one top-level key, 'columns'")
    columns = data["columns"]
    if not isinstance(columns, Mapping) or not columns:
        raise SchemaError(f"{where}: 'columns' must map column names to their specs")
    specs = []
    for name, spec in columns.items():
        if not isinstance(name, str) or not name.isidentifier() or name != name.lower():
            raise SchemaError(f"{where}: column name {name!r} must match [a-z_][a-z0-9_]*")
        specs.append(_column_from_mapping(name, spec, where))
    ids = [s.name for s in specs if s.unique]
    id_column = "customer_id" if "customer_id" in columns else (ids[0] if ids else "")
    if not id_column:
        raise SchemaError(f"{where}: declare customer_id (or a unique column) as the key")
    return CustomerSchema(tuple(specs), id_column=id_column)


def load_schema(path: str | Path) -> CustomerSchema:
    """Load a YAML schema file (format in docs/CONTRACTS.md); SchemaError when unusable."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SchemaError(f"{path}: cannot read schema file ({exc.strerror})") from exc
    try:
        data = YAML(typ="safe").load(text)
    except YAMLError as exc:
        raise SchemaError(f"{path}: not valid YAML: {exc}") from exc
    return schema_from_mapping(data, where=str(path))


def infer_schema(frame: Any, id_column: str = "customer_id") -> CustomerSchema:
    """A schema read off a DataFrame's dtypes (used when no schema is declared)."""
    import pandas as pd

    specs = []
    for name in frame.columns:
        dtype = frame[name].dtype
        if pd.api.types.is_bool_dtype(dtype):
            type_ = "boolean"
        elif pd.api.types.is_integer_dtype(dtype):
            type_ = "integer"
        elif pd.api.types.is_numeric_dtype(dtype):
            type_ = "number"
        elif pd.api.types.is_datetime64_any_dtype(dtype):
            type_ = "datetime"
        else:
            type_ = "string"
        specs.append(ColumnSpec(name=str(name), type=type_, unique=name == id_column))
    if id_column not in frame.columns:
        raise SchemaError(f'the customer data has no "{id_column}" column')
    return CustomerSchema(tuple(specs), id_column=id_column)
