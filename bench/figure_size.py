"""Bytes of the Playground's race figure JSON, as sent to the browser.

    python bench/figure_size.py

Targets (issue 3): at most 1 MB for 4 optimizers x 1,000 steps, at most 3 MB at the step cap.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import plotly.io as pio

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.figures.path_view import PALETTE, PathView
from core.figures.race import race_figure
from core.optim.optimizers import OPTIMIZERS
from core.problems.landscape import evaluate
from core.problems.objectives import OBJECTIVES
from core.runs.engine import MAX_STEPS, run

DEFAULT = ("sgd", "momentum", "adam", "rmsprop")
SCENES = [
    ("rosenbrock", DEFAULT, 300, "default scene"),
    ("rosenbrock", DEFAULT, 1_000, "target <= 1 MB"),
    ("rosenbrock", DEFAULT, MAX_STEPS, "target <= 3 MB"),
    ("quadratic", DEFAULT, 1_000, "zig-zag paths"),
    ("himmelblau", tuple(i for i in OPTIMIZERS if i != "lbfgs"), 1_000, "13 optimizers"),
]


def main() -> None:
    print(
        f"{'function':<12} {'optimizers':>10} {'steps':>6} {'frames':>6} {'bytes':>11} "
        f"{'build s':>8}  note"
    )
    for objective_id, optimizer_ids, steps, note in SCENES:
        objective = OBJECTIVES[objective_id]
        landscape = evaluate(objective)
        views = []
        for i, oid in enumerate(optimizer_ids):
            r = run(
                objective_id, oid, objective.start, steps, **OPTIMIZERS[oid].defaults_for(objective)
            )
            views.append(PathView(OPTIMIZERS[oid].name, PALETTE[i % len(PALETTE)], r.frame))
        began = time.perf_counter()
        fig = race_figure(objective, landscape, views, objective.start)
        seconds = time.perf_counter() - began
        size = len(pio.to_json(fig, validate=False).encode())
        print(
            f"{objective_id:<12} {len(views):>10} {steps:>6} {len(fig.frames):>6} "
            f"{size:>11,} {seconds:>8.2f}  {note}"
        )


if __name__ == "__main__":
    main()
