"""Where the race figure puts its panels, legend, colour bar and player, for two screen shapes.

WIDE fits a 1280 x 720 projector beside the sidebar: the map on the left, its colour bar right
of it, loss and gradient norm stacked on the right, and one row under everything with the
buttons left of the slider. STACKED is for a phone (about 360 px of chart width): the map on
top, the two step panels under it, the buttons on their own row above a full-width slider.

Positions in pixels below a panel are paddings (Plotly's `pad`), not paper fractions, so the
player keeps clear of the axis titles whatever the figure's height.

The layouts are data: one table each in race_layouts.toml, whose comments say why the numbers
are what they are; this module reads them (once) into frozen RaceLayouts and checks them.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, fields, replace
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

Domain = tuple[float, float]
LAYOUTS_FILE = Path(__file__).with_name("race_layouts.toml")
# The step panels' y tick labels ("10⁻¹²" at 12 px) and rotated title, left of their plot area.
STEP_AXIS_PX = 64
LAYOUT_NAMES = ("wide", "stacked")  # the names pages and links choose a layout by


@dataclass(frozen=True, slots=True)
class RaceLayout:
    """Panel domains (paper fractions) and pixel sizes of one variant of the race figure.

    Attributes:
        name: "wide" or "stacked" (its table in race_layouts.toml).
        height: figure height in pixels.
        margin_left, margin_top, margin_bottom: pixels around the plot area (the right margin
            follows the longest end-of-run label).
        map_x, map_y, loss_x, loss_y, grad_x, grad_y: domains of the three panels.
        colourbar: Plotly colour bar placement for the landscape.
        colourbar_in_margin: the colour bar sits in the right margin (which must then hold it).
        player_gap: pixels between the bottom panel and the buttons (clears the axis title).
        slider_beside: the slider on the buttons' row, starting right of them; else on a row of
            its own under them.
        slider_gap: pixels between the bottom panel and the slider.
        nominal_width: the chart's usual width in pixels (to lay out the legend's columns).
        min_width: the narrowest chart this layout is meant for (the player must fit in it).
        label_px: vertical pixels that one end-of-run label needs.
    """

    name: str
    height: int
    margin_left: int
    margin_top: int
    margin_bottom: int
    map_x: Domain
    map_y: Domain
    loss_x: Domain
    loss_y: Domain
    grad_x: Domain
    grad_y: Domain
    colourbar: dict
    colourbar_in_margin: bool
    player_gap: int
    slider_beside: bool
    slider_gap: int
    nominal_width: int
    min_width: int
    label_px: int = 14

    @property
    def plot_height(self) -> int:
        """Pixels between the top and bottom margins (before the legend's own rows)."""
        return self.height - self.margin_top - self.margin_bottom

    def clear_of_colour_bar(self, bar_px: float, margin_right: int) -> RaceLayout:
        """This layout with the step panels moved right, if need be, so that the map's colour bar
        (`bar_px` wide with its labels) and the step panels' own axis labels fit between them.

        The gap is a paper fraction, and long end-of-run labels widen the right margin, which
        narrows the paper: on a crowded race the colour bar's labels met the loss axis's title.
        """
        if self.colourbar_in_margin:
            return self
        paper_px = self.nominal_width - self.margin_left - margin_right
        start = self.colourbar["x"] + (bar_px + STEP_AXIS_PX) / paper_px
        if start <= self.loss_x[0]:
            return self
        return replace(self, loss_x=(start, self.loss_x[1]), grad_x=(start, self.grad_x[1]))

    def loss_pixels(self, legend_rows: int) -> float:
        """About how tall the loss panel is on screen, at most: each legend row past the first
        takes ~30 px off the top (Plotly widens the top margin for it)."""
        span = self.loss_y[1] - self.loss_y[0]
        return max(40.0, (self.plot_height - 30 * max(legend_rows - 1, 0)) * span)


class LayoutError(Exception):
    """race_layouts.toml broken by an edit: a programming mistake, caught by every test run."""


@cache
def read_layouts(path: Path = LAYOUTS_FILE) -> Mapping[str, RaceLayout]:
    """The layouts of `path`, by name, each table read into a RaceLayout (domains as tuples).

    Raises:
        LayoutError: the file is not TOML, does not hold exactly the tables LAYOUT_NAMES, or a
            table lacks a field without a default, has one RaceLayout does not, or a value of
            the wrong kind; the message names the file, the table and the field.
    """
    try:
        tables = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise LayoutError(f"{path.name}: not TOML: {error}") from error
    if sorted(tables) != sorted(LAYOUT_NAMES):
        raise LayoutError(f"{path.name}: needs exactly the tables {list(LAYOUT_NAMES)}")
    return MappingProxyType(
        {name: _layout(f"{path.name}: [{name}]", name, tables[name]) for name in LAYOUT_NAMES}
    )


def _layout(where: str, name: str, table: Any) -> RaceLayout:
    """One table read into a RaceLayout named `name`, every value checked against its field."""
    if not isinstance(table, dict):
        raise LayoutError(f"{where} is not a table")
    known = {f.name: f for f in fields(RaceLayout) if f.name != "name"}
    needed = {key for key, f in known.items() if f.default is MISSING}
    if missing := sorted(needed - set(table)):
        raise LayoutError(f"{where} lacks {', '.join(missing)}")
    if unknown := sorted(set(table) - set(known)):
        raise LayoutError(f"{where} has fields RaceLayout does not: {', '.join(unknown)}")
    values = {key: _value(f"{where} {key}", known[key].type, value) for key, value in table.items()}
    return RaceLayout(name=name, **values)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _value(where: str, kind: str, value: Any) -> Any:
    """`value` as the field of annotation `kind` ("int", "bool", "dict", "Domain") holds it."""
    if kind == "Domain":
        if not (isinstance(value, list) and len(value) == 2 and all(map(_number, value))):
            raise LayoutError(f"{where} is not a [from, to] pair of numbers")
        low, high = (float(v) for v in value)
        if not 0 <= low < high <= 1:
            raise LayoutError(f"{where} is not a domain: 0 <= from < to <= 1")
        return (low, high)
    expected = {"int": int, "bool": bool, "dict": dict}[kind]
    if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
        raise LayoutError(f"{where} is not of type {kind}")
    return value


LAYOUTS = read_layouts()
WIDE = LAYOUTS["wide"]
STACKED = LAYOUTS["stacked"]
