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

from core.text.refusal import Refusal

Raw = str | Sequence[str]
MAX_RAW_LENGTH = 400  # longer than any valid value (formulas are capped at 300 characters)


class FieldError(Refusal):
    """Why a link's value was refused: a reason (the key `link_why_<reason>` of core.text) and
    the values it names, so that the page says it in its own language."""

    def __init__(self, reason: str, **values: object) -> None:
        self.reason = reason
        super().__init__(f"link_why_{reason}", **values)


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
        """The value `raw` stands for, or FieldError with the reason."""
        if self.kind == "choices":
            items = [raw] if isinstance(raw, str) else list(raw)
            items = [item for part in items for item in part.split(",") if item]
            unknown = [item for item in items if item not in self.choices]
            if unknown or len(items) != len(set(items)):
                raise FieldError("unknown_or_repeated")
            return items
        text = raw if isinstance(raw, str) else (raw[-1] if raw else "")
        if len(text) > MAX_RAW_LENGTH:
            raise FieldError("too_long")
        if self.kind == "text":
            if len(text) > self.max_length:
                raise FieldError("longer_than", limit=f"{self.max_length:,}")
            return text
        if self.kind == "choice":
            if text not in self.choices:
                raise FieldError("not_a_choice")
            return text
        if self.kind == "bool":
            if text not in ("true", "false"):
                raise FieldError("not_a_bool")
            return text == "true"
        if self.kind == "pair":
            parts = text.split(",")
            if len(parts) != 2:
                raise FieldError("not_a_pair")
            return tuple(self._number(part) for part in parts)
        number = self._number(text)
        if self.kind == "int":
            if not number.is_integer():
                raise FieldError("not_whole")
            return int(number)
        return number

    def _number(self, text: str) -> float:
        try:
            number = float(text)
        except ValueError:
            raise FieldError("not_a_number") from None
        if not (self.low <= number <= self.high):  # rejects NaN and infinities too
            raise FieldError("out_of_range", low=f"{self.low:g}", high=f"{self.high:g}")
        if self.allowed and number not in self.allowed:
            raise FieldError("not_a_stop")
        return number

    def refusal(self, value: Any) -> FieldError | None:
        """Why a value already in the session (a widget's, or one a link put there) is not one
        this field would take from a link, or None when it is: the same rule for both, by a
        round trip through the URL text."""
        try:
            parsed = self.parse(self.format(value))
        except FieldError as why:
            return why
        except (TypeError, ValueError):  # not a value of this kind at all
            return FieldError("not_a_number" if self.kind in ("int", "float") else "not_a_choice")
        return None if _same(parsed, value) else FieldError("not_a_choice")

    def accepts(self, value: Any) -> bool:
        return self.refusal(value) is None

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


def _same(parsed: Any, value: Any) -> bool:
    """A value parsed back from its URL text is the session's value."""
    if isinstance(parsed, tuple):  # a pair: a range slider hands back a list
        return isinstance(value, (list, tuple)) and tuple(value) == parsed
    if isinstance(value, bool) != isinstance(parsed, bool):  # True is not the number 1
        return False
    return parsed == value


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
) -> tuple[dict[str, Any], list[tuple[str, FieldError]]]:
    """Values for the fields present in `params`, and (key, why) for each refused value.

    Parameters that no field names are ignored silently (other pages' and Streamlit's own).
    """
    values: dict[str, Any] = {}
    refused: list[tuple[str, str]] = []
    for field in fields:
        if field.key not in params:
            continue
        try:
            values[field.key] = field.parse(params[field.key])
        except FieldError as why:
            refused.append((field.key, why))
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
