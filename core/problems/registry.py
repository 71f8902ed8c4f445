"""Read-only registries built from tuples of records."""

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Protocol, TypeVar


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


R = TypeVar("R", bound=_HasId)


def registry(records: Iterable[R]) -> Mapping[str, R]:
    """Return a read-only id -> record mapping, keeping order; duplicate ids are rejected."""
    table: dict[str, R] = {}
    for record in records:
        if record.id in table:  # registries are data in our code: a programming mistake
            raise ValueError(f"duplicate registry id: {record.id!r}")
        table[record.id] = record
    return MappingProxyType(table)
