"""Judge finished runs against the objective's known minima."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from core.problems.objectives import Objective
from core.runs.engine import Run, Stop
from core.text.i18n import text

# How the Summary shows a value that does not exist (no known minimum, never near one), in every
# language: a dash, where a table would otherwise print "None".
MISSING = "—"

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


def arrival_radius(objective: Objective, fraction: float = ARRIVAL_FRACTION) -> float:
    """The distance that counts as having reached a minimum: `fraction` of the box diagonal."""
    (x0, x1), (y0, y1) = objective.box
    return fraction * math.hypot(x1 - x0, y1 - y0)


def short_stop(stop: Stop, lang: str = "en") -> str:
    """Why a run ended, in a few words for the summary's narrow column (the optimizer's name is
    in its own column; the full message, with the value that broke the run, is the page's
    warning)."""
    if stop.reason == "completed":
        return text("stop_short_completed", lang, steps=stop.step - 1)
    return text(f"stop_short_{stop.reason}", lang, step=stop.step)


def _row(objective: Objective, run: Run, label: str, radius: float, lang: str) -> dict:
    frame = run.frame
    distance = distance_to_minima(objective, frame["x"].to_numpy(), frame["y"].to_numpy())
    arrived = np.flatnonzero(distance <= radius)
    last = frame.iloc[-1] if len(frame) else pd.Series(np.nan, index=frame.columns)
    return {
        "optimizer": label,
        "final_x": last["x"],
        "final_y": last["y"],
        "final_loss": last["loss"],
        "gap": last["loss"] - objective.f_min if objective.f_min is not None else np.nan,
        "distance": distance[-1] if len(frame) else np.nan,  # NaN too when no minimum is known
        "first_near": int(frame["t"].iloc[arrived[0]]) if arrived.size else pd.NA,
        "stop": short_stop(run.stop, lang),
        "time": round(run.seconds * 1000, 1),
    }


def summary_table(
    objective: Objective, runs: Sequence[Run], labels: Sequence[str], lang: str = "en"
) -> pd.DataFrame:
    """One row per run: where it ended, how good that is, when it arrived, why it stopped.

    Columns (ids; core.text.i18n has their titles as col_<id>): optimizer, final_x, final_y,
    final_loss, gap (to f_min), distance (to the nearest minimum), first_near (first step within
    the arrival radius), stop (`short_stop`, in `lang`), time (compute time, ms). A value that
    does not exist is missing (NaN, <NA>), never None: no f_min or minimum known, or a run that
    never came near a minimum, or one with no iterate at all (f not finite at the start).
    """
    radius = arrival_radius(objective)
    rows = [
        _row(objective, run, label, radius, lang) for run, label in zip(runs, labels, strict=True)
    ]
    table = pd.DataFrame(rows)
    return table.astype({"gap": "float64", "distance": "float64", "first_near": "Int64"})


def iterates_csv(runs: Sequence[Run], labels: Sequence[str]) -> str:
    """All iterates of all runs as one CSV table (optimizer label in the first column)."""
    frames = [run.frame.assign(optimizer=label) for run, label in zip(runs, labels, strict=True)]
    return pd.concat(frames, ignore_index=True).to_csv(index=False)
