"""Where the race figure puts its panels, legend, colour bar and player, for two screen shapes.

WIDE fits a 1280 x 720 projector beside the sidebar: the map on the left, its colour bar right
of it, loss and gradient norm stacked on the right, and one row under everything with the
buttons left of the slider. STACKED is for a phone (about 360 px of chart width): the map on
top, the two step panels under it, the buttons on their own row above a full-width slider.

Positions in pixels below a panel are paddings (Plotly's `pad`), not paper fractions, so the
player keeps clear of the axis titles whatever the figure's height.
"""

from __future__ import annotations

from dataclasses import dataclass

Domain = tuple[float, float]


@dataclass(frozen=True, slots=True)
class RaceLayout:
    """Panel domains (paper fractions) and pixel sizes of one variant of the race figure.

    Attributes:
        name: "wide" or "stacked".
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

    def loss_pixels(self, legend_rows: int) -> float:
        """About how tall the loss panel is on screen, at most: each legend row past the first
        takes ~30 px off the top (Plotly widens the top margin for it)."""
        span = self.loss_y[1] - self.loss_y[0]
        return max(40.0, (self.plot_height - 30 * max(legend_rows - 1, 0)) * span)


WIDE = RaceLayout(
    name="wide",
    height=450,
    margin_left=56,
    margin_top=30,
    margin_bottom=88,
    map_x=(0.0, 0.49),
    map_y=(0.0, 1.0),
    loss_x=(0.7, 1.0),
    loss_y=(0.55, 1.0),
    grad_x=(0.7, 1.0),
    grad_y=(0.0, 0.43),
    colourbar={"x": 0.5, "xanchor": "left", "y": 0.5, "len": 1.0, "thickness": 10},
    colourbar_in_margin=False,
    player_gap=46,
    slider_beside=True,
    slider_gap=40,
    nominal_width=820,
    min_width=600,
)

STACKED = RaceLayout(
    name="stacked",
    height=800,
    margin_left=50,
    margin_top=30,
    margin_bottom=150,
    map_x=(0.0, 1.0),
    map_y=(0.5, 1.0),
    loss_x=(0.0, 1.0),
    loss_y=(0.235, 0.41),
    grad_x=(0.0, 1.0),
    grad_y=(0.0, 0.185),
    # In the right margin, which the end-of-run labels of the panels below need anyway.
    colourbar={"x": 1.0, "xanchor": "left", "xpad": 6, "y": 0.75, "len": 0.5, "thickness": 10},
    colourbar_in_margin=True,
    player_gap=46,
    slider_beside=False,
    slider_gap=84,
    nominal_width=358,
    min_width=300,
)

LAYOUTS = {layout.name: layout for layout in (WIDE, STACKED)}
