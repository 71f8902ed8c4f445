"""Page settings <-> URL query parameters, with every incoming value validated.

A shared link must reproduce a run exactly, and a link is also hostile input: each parameter is
parsed by its Field (kind, range, allowed choices, length), and anything that does not parse is
dropped with a notice that says why, so the page falls back to its default for that setting.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlencode

Raw = str | Sequence[str]
MAX_RAW_LENGTH = 400  # longer than any valid value (formulas are capped at 300 characters)


@dataclass(frozen=True, slots=True)
class Field:
    """One setting as it appears in the URL.

    `kind`: "float", "int", "pair" (two floats, "low,high"), "bool", "choice" (one of
    `choices`), "choices" (a list of them) or "text" (at most `max_length` characters). Numbers
    must lie in [low, high] and, where `allowed` is given (the stops of a slider), be one of them.
    """

    key: str
    kind: Literal["float", "int", "pair", "bool", "choice", "choices", "text"]
    low: float = -math.inf
    high: float = math.inf
    choices: tuple[str, ...] = ()
    max_length: int = 300
    allowed: tuple[float, ...] = ()

    def parse(self, raw: Raw) -> Any:
        """The value `raw` stands for, or ValueError with the reason."""
        if self.kind == "choices":
            items = [raw] if isinstance(raw, str) else list(raw)
            items = [item for part in items for item in part.split(",") if item]
            unknown = [item for item in items if item not in self.choices]
            if unknown or len(items) != len(set(items)):
                raise ValueError("unknown or repeated entries")
            return items
        text = raw if isinstance(raw, str) else (raw[-1] if raw else "")
        if len(text) > MAX_RAW_LENGTH:
            raise ValueError("too long")
        if self.kind == "text":
            if len(text) > self.max_length:
                raise ValueError(f"longer than {self.max_length} characters")
            return text
        if self.kind == "choice":
            if text not in self.choices:
                raise ValueError("not one of the choices")
            return text
        if self.kind == "bool":
            if text not in ("true", "false"):
                raise ValueError("not true or false")
            return text == "true"
        if self.kind == "pair":
            parts = text.split(",")
            if len(parts) != 2:
                raise ValueError("not two numbers separated by a comma")
            return tuple(self._number(part) for part in parts)
        number = self._number(text)
        if self.kind == "int":
            if not number.is_integer():
                raise ValueError("not a whole number")
            return int(number)
        return number

    def _number(self, text: str) -> float:
        try:
            number = float(text)
        except ValueError:
            raise ValueError("not a number") from None
        if not (self.low <= number <= self.high):  # rejects NaN and infinities too
            raise ValueError(f"not a number from {self.low:g} to {self.high:g}")
        if self.allowed and number not in self.allowed:
            raise ValueError("not one of the slider's values")
        return number

    def format(self, value: Any) -> Raw:
        """The URL text for `value`."""
        if self.kind == "choices":
            return ",".join(value)
        if self.kind == "bool":
            return "true" if value else "false"
        if self.kind == "float":
            return repr(float(value))  # shortest text that parses back to the same float
        if self.kind == "pair":
            return ",".join(repr(float(v)) for v in value)
        return str(value)


def tidy_coordinate(value: float, span: float) -> float:
    """`value` rounded to a thousandth of `span` or finer (about four significant digits of the
    box it lies in): what a click on a map or a chosen start should put in a link, not the
    float32 noise of a grid point (1.600000023841858 becomes 1.6)."""
    if not (math.isfinite(value) and math.isfinite(span) and span > 0):
        return value
    return round(value, 3 - math.floor(math.log10(span)))


def full_link(page_url: str | None, page_path: str, params: Mapping[str, str]) -> str:
    """The full address of the app's default page with `params`, made from the address of the
    page the reader is on (which ends in `page_path`, e.g. ".../lessons"): a link that works
    when pasted into a chat or a slide. Without that address (no browser), a relative link."""
    base = (page_url or "").split("?")[0].rstrip("/")
    if page_path and base.endswith("/" + page_path):
        base = base[: -len(page_path) - 1]
    return f"{base}/?{urlencode(params)}"


def decode(
    fields: Iterable[Field], params: Mapping[str, Raw]
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Values for the fields present in `params`, and (key, reason) for each refused value.

    Parameters that no field names are ignored silently (other pages' and Streamlit's own).
    """
    values: dict[str, Any] = {}
    refused: list[tuple[str, str]] = []
    for field in fields:
        if field.key not in params:
            continue
        try:
            values[field.key] = field.parse(params[field.key])
        except ValueError as why:
            refused.append((field.key, str(why)))
    return values, refused


def encode(
    fields: Iterable[Field], values: Mapping[str, Any], defaults: Mapping[str, Any]
) -> dict[str, Raw]:
    """URL parameters for the values that differ from their defaults."""
    return {
        field.key: field.format(values[field.key])
        for field in fields
        if field.key in values and values[field.key] != defaults.get(field.key, _MISSING)
    }


_MISSING = object()
