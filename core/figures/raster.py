"""Render a landscape to a small banded PNG (a filled-contour look) for an animated figure's
background: Plotly drops contour traces from frames animated without redraw (plotly.js #1221),
but a layout image survives them."""

from __future__ import annotations

import base64
import struct
import zlib

import numpy as np

# Viridis anchors (matplotlib), colour-blind safe and readable on a projector.
VIRIDIS = (
    (0.0, (68, 1, 84)),
    (0.25, (59, 82, 139)),
    (0.5, (33, 145, 140)),
    (0.75, (94, 201, 98)),
    (1.0, (253, 231, 37)),
)
# Blend toward white so that saturated path colours stand out on the landscape.
WASH = 0.45


def _washed(rgb: tuple[int, int, int]) -> tuple[int, int, int]:
    r, g, b = (round(c + (255 - c) * WASH) for c in rgb)
    return r, g, b


WASHED_VIRIDIS = tuple((stop, _washed(rgb)) for stop, rgb in VIRIDIS)
PLOTLY_COLORSCALE = [[stop, f"rgb{rgb}"] for stop, rgb in WASHED_VIRIDIS]


def colour_limits(values: np.ndarray) -> tuple[float, float]:
    """Finite minimum and maximum of `values` (0, 1 when there are none)."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return 0.0, 1.0
    low, high = float(finite.min()), float(finite.max())
    return (low, high) if high > low else (low, low + 1.0)


def banded_rgba(values: np.ndarray, bands: int = 24) -> np.ndarray:
    """Map values to `[H, W, 4]` uint8 washed Viridis colours in `bands` flat bands; NaN is
    transparent."""
    low, high = colour_limits(values)
    level = np.clip((np.nan_to_num(values, nan=low) - low) / (high - low), 0.0, 1.0)
    level = (np.minimum(np.floor(level * bands), bands - 1) + 0.5) / bands
    stops = [stop for stop, _ in WASHED_VIRIDIS]
    rgba = np.empty((*values.shape, 4), dtype=np.uint8)
    for channel in range(3):
        anchors = [rgb[channel] for _, rgb in WASHED_VIRIDIS]
        rgba[..., channel] = np.interp(level, stops, anchors).round()
    rgba[..., 3] = np.where(np.isfinite(values), 255, 0)
    return rgba


def png_bytes(rgba: np.ndarray) -> bytes:
    """Encode `[H, W, 4]` uint8 pixels (first row on top) as a PNG file."""
    height, width, _ = rgba.shape
    raw = b"".join(b"\x00" + rgba[row].tobytes() for row in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def png_data_uri(values: np.ndarray, bands: int = 24) -> str:
    """A `data:image/png;base64,...` URI of `values` (rows bottom-up, as on a y axis)."""
    pixels = banded_rgba(values[::-1], bands)
    return "data:image/png;base64," + base64.b64encode(png_bytes(pixels)).decode("ascii")
