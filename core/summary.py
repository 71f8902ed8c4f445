"""Judge finished runs against the objective's known minima."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from core.engine import Run
from core.objectives import Objective

# A run has "arrived" once it is within this fraction of the box diagonal of a global minimum.
ARRIVAL_FRACTION = 0.01


def distance_to_minima(objective: Objective, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Distance from each point to the nearest known global minimum (NaN when none is known)."""
    if not objective.minima:
        return np.full(np.shape(xs), np.nan)
    minima = np.asarray(objective.minima)
    dx = np.asarray(xs)[..., None] - minima[:, 0]
    dy = np.asarray(ys)[..., None] - minima[:, 1]
    return np.hypot(dx, dy).min(axis=-1)


def arrival_radius(objective: Objective) -> float:
    """The distance that counts as having reached a minimum."""
    (x0, x1), (y0, y1) = objective.box
    return ARRIVAL_FRACTION * math.hypot(x1 - x0, y1 - y0)


def summary_table(objective: Objective, runs: Sequence[Run], labels: Sequence[str]) -> pd.DataFrame:
    """One row per run: where it ended, how good that is, when it arrived, why it stopped.

    Columns (ids; core.i18n has their titles as col_<id>): optimizer, final_x, final_y,
    final_loss, gap (to f_min), distance (to the nearest minimum), first_near (first step within
    the arrival radius), stop (message), time (compute time, ms).
    """
    rows = []
    radius = arrival_radius(objective)
    for run, label in zip(runs, labels, strict=True):
        frame = run.frame
        last = frame.iloc[-1]
        distance = distance_to_minima(objective, frame["x"].to_numpy(), frame["y"].to_numpy())
        arrived = np.flatnonzero(distance <= radius)
        rows.append(
            {
                "optimizer": label,
                "final_x": last["x"],
                "final_y": last["y"],
                "final_loss": last["loss"],
                "gap": last["loss"] - objective.f_min if objective.f_min is not None else None,
                "distance": distance[-1] if objective.minima else None,
                "first_near": int(frame["t"].iloc[arrived[0]]) if arrived.size else None,
                "stop": run.stop.message(label),
                "time": round(run.seconds * 1000, 1),
            }
        )
    return pd.DataFrame(rows)


def iterates_csv(runs: Sequence[Run], labels: Sequence[str]) -> str:
    """All iterates of all runs as one CSV table (optimizer label in the first column)."""
    frames = [run.frame.assign(optimizer=label) for run, label in zip(runs, labels, strict=True)]
    return pd.concat(frames, ignore_index=True).to_csv(index=False)
