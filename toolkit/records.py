"""Typed results of toolkit entry points: frozen dataclasses whose field names are the keys their
JSON uses, so callers read ``result.energy`` and reports are written from ``result.to_dict()``.

>>> from dataclasses import dataclass
>>> @dataclass(frozen=True)
... class Fit(Record):
...     energy: float
...     note: str | None = optional()
>>> Fit(1.5).to_dict(), Fit(1.5, "ok").to_dict()
({'energy': 1.5}, {'energy': 1.5, 'note': 'ok'})
>>> Fit.from_dict({"energy": 2.0}).energy
2.0
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Self

_OPTIONAL = "omit_when_none"


def optional() -> Any:
    """A field that defaults to None and is left out of :meth:`Record.to_dict` while None."""
    return field(default=None, metadata={_OPTIONAL: True})


@dataclass(frozen=True)
class Record:
    """Base of the typed results: ``to_dict()`` in field order (shallow), ``from_dict`` back."""

    def to_dict(self) -> dict[str, Any]:
        """The fields as a dict in declaration order; optional fields that are None are left out."""
        return {f.name: getattr(self, f.name) for f in fields(self)
                if not (f.metadata.get(_OPTIONAL) and getattr(self, f.name) is None)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """The record of a dict with exactly its field names (unknown keys are an error)."""
        return cls(**data)
