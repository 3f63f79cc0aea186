"""The warehouse's Arrow schemas, derived from the contract's dataclasses (revint/record.py): a field added to
the record reaches the load without being written out again here.

A review is one row of `reviews` (its scalar fields, keyed by `review_id`, plus the tagger version), one row
per entry of each of its mappings in a child table (the field's metadata names it), and one row of `mentions`
per `Mention`. A company profile (revint/companies.py) is one row of `company_profiles`.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date, datetime
from typing import Any, Final

import pyarrow as pa

from revint.companies import CompanyProfile
from revint.record import Mention, ReviewRecord

_ARROW_TYPES: Final[dict[Any, pa.DataType]] = {
    str: pa.string(),
    float: pa.float64(),
    int: pa.int32(),
    bool: pa.bool_(),
    date: pa.date32(),
    datetime: pa.timestamp("us", tz="UTC"),
}
_KEY: Final = pa.field("review_id", pa.string())


def _bare(annotation: Any) -> Any:
    """`X | None` → X; other annotations as they are."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        (inner,) = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return inner
    return annotation


def _arrow_type(annotation: Any) -> pa.DataType:
    bare = _bare(annotation)
    if typing.get_origin(bare) is typing.Literal:
        return pa.string()
    return _ARROW_TYPES[bare]


def _scalar_fields(cls: type) -> list[tuple[str, Any]]:
    hints = typing.get_type_hints(cls)
    return [(f.name, hints[f.name]) for f in dataclasses.fields(cls) if typing.get_origin(hints[f.name]) is not dict]


def _fields(cls: type) -> list[pa.Field]:
    return [pa.field(name, _arrow_type(hint)) for name, hint in _scalar_fields(cls)]


REVIEW_COLUMNS: Final = tuple(name for name, _ in _scalar_fields(ReviewRecord))
REVIEW_SCHEMA: Final = pa.schema(
    [_KEY, *_fields(ReviewRecord), pa.field("tagged_with", pa.string()), pa.field("content_hash", pa.string())]
)
MENTION_COLUMNS: Final = tuple(name for name, _ in _scalar_fields(Mention))
MENTION_SCHEMA: Final = pa.schema([_KEY, *_fields(Mention)])
PROFILE_COLUMNS: Final = tuple(name for name, _ in _scalar_fields(CompanyProfile))
PROFILE_SCHEMA: Final = pa.schema(_fields(CompanyProfile))


@dataclasses.dataclass(frozen=True)
class ChildTable:
    """A mapping field of the record stored as (review_id, key, value) rows."""

    name: str  # the warehouse table
    field: str  # the record's mapping field
    schema: pa.Schema


def _child_tables() -> tuple[ChildTable, ...]:
    hints = typing.get_type_hints(ReviewRecord)
    tables = []
    for f in dataclasses.fields(ReviewRecord):
        if "child_table" in f.metadata:
            key_type, value_type = typing.get_args(hints[f.name])
            schema = pa.schema(
                [_KEY, (f.metadata["key"], _arrow_type(key_type)), (f.metadata["value"], _arrow_type(value_type))]
            )
            tables.append(ChildTable(f.metadata["child_table"], f.name, schema))
    return tuple(tables)


CHILD_TABLES: Final = _child_tables()
