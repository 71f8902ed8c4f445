"""An animated Plotly figure whose frames stay plain dicts.

plotly.py validates every trace of every frame when frames are assigned: for a race chart of
120 frames that is about 2,000 trace objects, half the time it takes to build the chart, spent
on data the figure's own code made from a few fixed shapes (typed float32 arrays, text). The
frames here skip that and are handed to the JSON as they are; tests/test_plain_frames.py proves
they serialise exactly as plotly.py's validated frames do. The traces and the layout are still
validated as usual.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go


class PlainFramesFigure(go.Figure):
    """A go.Figure whose `frames` are frame dicts ({"data", "traces", "name"}), kept and sent as
    they are; `fig.frames` and `fig["frames"]` read them back."""

    _plain_frames: tuple[dict[str, Any], ...] = ()

    @property
    def frames(self) -> tuple[dict[str, Any], ...]:  # type: ignore[override]
        return self._plain_frames

    @frames.setter
    def frames(self, frames: Sequence[dict[str, Any]]) -> None:
        self._plain_frames = tuple(frames)

    def __getitem__(self, prop: Any) -> Any:
        return self._plain_frames if prop == "frames" else super().__getitem__(prop)

    def to_dict(self) -> dict[str, Any]:
        plain = super().to_dict()
        if self._plain_frames:
            plain["frames"] = list(self._plain_frames)
        return plain
