"""Figures built once and shared, read-only, by every session of the server.

Forty students opening one lesson link should cost the server one race chart, not forty. Two
things stand in the way, and this module removes both:

- `st.cache_data` pickles what it returns and unpickles it on every hit, which for a Plotly
  figure means validating it again (0.5 s for a race chart). `st.cache_resource` hands out the
  object itself, so a built figure is cached there.
- `st.plotly_chart` asks the figure for its plain dict on every call, and plotly.py builds that
  dict anew each time, turning every array into base64 (most of a cached visit's cost). A frozen
  figure builds it once.

Nothing may change a shared figure after it is frozen: st.plotly_chart only reads it.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

FIGURE_CACHE_ENTRIES = 16  # per cached function; a race chart holds a few MB in memory


class FrozenFigure(go.Figure):
    """A figure whose plain dict is built on first use and then handed out as it is."""

    _plain: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        if self._plain is None:
            self._plain = super().to_dict()
        return self._plain


def freeze(figure: go.Figure) -> FrozenFigure:
    """`figure` itself, frozen (no copy: a copy would validate the whole figure again), with its
    plain dict built now, inside the cached function, rather than by the first reader."""
    plain = figure.to_dict()  # its own class's dict (core.plain_frames adds unvalidated frames)
    figure.__class__ = FrozenFigure
    figure._plain = plain
    return figure  # type: ignore[return-value]
