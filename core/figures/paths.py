"""Thin a recorded path for animation: which steps get a frame, which vertices each frame draws."""

from __future__ import annotations

import numpy as np


def frame_steps(last_step: int, max_frames: int) -> list[int]:
    """At most `max_frames` steps from 0 to `last_step`, evenly spread, both ends included."""
    if last_step <= 0:
        return [0]
    return sorted({round(s) for s in np.linspace(0, last_step, min(max_frames, last_step + 1))})


def simplify(xs: np.ndarray, ys: np.ndarray, span: tuple[float, float], cap: int) -> np.ndarray:
    """Indices of at most `cap` vertices that keep the path's visible shape.

    Ramer-Douglas-Peucker in box-relative coordinates: a vertex is kept when dropping it would move
    the line by more than a tolerance, which doubles until at most `cap` vertices remain. The first
    and last vertices are always kept. Non-finite points are never in a recorded path.
    """
    n = len(xs)
    if n <= 2:
        return np.arange(n)
    points = np.stack([np.asarray(xs) / span[0], np.asarray(ys) / span[1]], axis=-1)
    tolerance = 1e-3
    while True:
        keep = _rdp(points, tolerance)
        if keep.size <= cap:
            return keep
        tolerance *= 2


def _rdp(points: np.ndarray, tolerance: float) -> np.ndarray:
    keep = np.zeros(len(points), dtype=bool)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:  # iterative: a 5,000-step path would exceed the recursion limit
        first, last = stack.pop()
        if last - first < 2:
            continue
        a, b = points[first], points[last]
        inner = points[first + 1 : last]
        chord = b - a
        length = np.hypot(*chord)
        if length == 0:
            dist = np.hypot(*(inner - a).T)
        else:
            dist = (
                np.abs(chord[0] * (inner[:, 1] - a[1]) - chord[1] * (inner[:, 0] - a[0])) / length
            )
        worst = int(np.argmax(dist))
        if dist[worst] > tolerance:
            middle = first + 1 + worst
            keep[middle] = True
            stack += [(first, middle), (middle, last)]
    return np.flatnonzero(keep)


def prefix(keep: np.ndarray, t: np.ndarray, step: int) -> np.ndarray:
    """Row indices of the path drawn at animation step `step`: the kept vertices up to that step,
    then the exact iterate at `step` (or the last iterate, once the run has ended)."""
    current = min(step, len(t) - 1)
    rows = keep[keep < current]
    return np.append(rows, current)


def spread(values: np.ndarray, gap: float, low: float, high: float) -> np.ndarray:
    """Positions as close to `values` as possible, at least `gap` apart and inside [low, high]
    where there is room: labels beside a panel that never print over each other.

    Values are in axis units (log10 of the value on a log axis). Order is kept: a label never
    jumps over its neighbour. NaN values stay NaN.
    """
    values = np.asarray(values, dtype=np.float64)
    out = np.full(values.shape, np.nan)
    known = np.flatnonzero(np.isfinite(values))
    if known.size == 0:
        return out
    order = known[np.argsort(values[known], kind="stable")]
    positions = np.clip(values[order], low, high)
    for i in range(1, len(positions)):  # push each label up, clear of the one below
        positions[i] = max(positions[i], positions[i - 1] + gap)
    if positions[-1] > high:  # then down from the top, clear of the one above
        positions[-1] = high
        for i in range(len(positions) - 2, -1, -1):
            positions[i] = min(positions[i], positions[i + 1] - gap)
    out[order] = positions
    return out
