"""Tune the default learning rate of every pytorch-optimizer optimizer on the built-in functions,
and write the result as the registry's data (core/optim/zoo_rates.toml).

    python bench/tune_zoo_rates.py [--check]

The playground's default rate follows the function (OptimizerSpec.defaults_for: the function's
rate for its lr family, times a factor). For each optimizer this script races every factor of
FACTORS from each built-in function's own start for the Playground's default 300 steps, and keeps
the factor whose runs get furthest towards the minima, among those that finish the default scene
(Rosenbrock) without diverging or escaping: a default that fails there is a defect. Progress on a
function is the share of the start's gap to f_min that the last iterate closed (0 for a run that
stopped early). Optimizers whose rate does not follow the function (lr family none: the
parameter-free ones) scale the package's own default instead.

Each candidate is a single run, not a param group of one sweep: Prodigy and D-Adaptation estimate
one step size from every group together, so a group's run is not the run its rate makes alone.

It prints a table (optimizer, factor, functions finished, mean progress) and writes the file;
`--check` only compares the file with what it would write (exit status 1 if they differ).
"""

from __future__ import annotations

import sys
import warnings
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.optim.optimizers import OPTIMIZERS, OptimizerSpec
from core.optim.zoo import RATES_FILE, zoo_records
from core.playground.settings import DEFAULTS
from core.problems.objectives import OBJECTIVES
from core.runs.engine import run

FACTORS = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
STEPS = int(DEFAULTS["steps"])
SCENE = str(DEFAULTS["fn"])
PACKAGE_RATES = {record.id: record.lr for record in zoo_records()}


@dataclass(frozen=True)
class Score:
    factor: float
    finished: int
    progress: float
    scene_finished: bool


def _progress(objective, frame) -> float:
    start, end = float(frame["loss"].iloc[0]), float(frame["loss"].iloc[-1])
    if objective.f_min is None or start <= objective.f_min:
        return 0.0
    return max(0.0, min(1.0, (start - end) / (start - objective.f_min)))


def _score(optimizer_id: str, factor: float) -> Score:
    spec = OPTIMIZERS[optimizer_id]
    finished, progress, scene = 0, 0.0, False
    for objective_id, objective in OBJECTIVES.items():
        hyper = _candidate(spec, factor).defaults_for(objective)
        lr = spec.param("lr")
        if not lr.low <= hyper["lr"] <= lr.high:  # off the control's range: not a default
            return Score(factor, 0, 0.0, False)
        result = run(objective, optimizer_id, objective.start, STEPS, **hyper)
        if result.stop.reason == "completed":
            finished += 1
            progress += _progress(objective, result.frame)
            scene = scene or objective_id == SCENE
    return Score(factor, finished, progress / len(OBJECTIVES), scene)


def _candidate(spec: OptimizerSpec, factor: float) -> OptimizerSpec:
    """`spec` with `factor` in place of its tuned one: on the family rate, or on the package's
    own rate where the rate follows no function (as core.optim.optimizers applies it)."""
    if spec.lr_family:
        return replace(spec, lr_factor=factor)
    rate = float(f"{PACKAGE_RATES[spec.id] * factor:.6g}")
    return replace(spec, hyper=(replace(spec.param("lr"), default=rate),))


def _tune(optimizer_id: str) -> tuple[str, Score]:
    warnings.filterwarnings("ignore")  # the package warns about options a 2-D point ignores
    torch.set_num_threads(1)
    scores = [_score(optimizer_id, factor) for factor in FACTORS]
    usable = [s for s in scores if s.scene_finished] or scores
    return optimizer_id, max(usable, key=lambda s: (s.scene_finished, s.progress, s.finished))


def rates_file(best: dict[str, Score]) -> str:
    lines = [
        "# Written by bench/tune_zoo_rates.py (do not edit by hand): each pytorch-optimizer",
        "# optimizer's factor on its family's learning rate (core/optim/zoo.py reads it).",
        f"# Tuned over {len(FACTORS)} factors, {STEPS} steps from each built-in function's start.",
        "[lr_factor]",
    ]
    lines += [f"{oid} = {score.factor!r}" for oid, score in sorted(best.items())]
    return "\n".join(lines) + "\n"


def main() -> int:
    ids = [oid for oid, spec in OPTIMIZERS.items() if not spec.from_torch]
    with ProcessPoolExecutor(max_workers=2) as pool:
        best = dict(pool.map(_tune, ids))
    print(f"{'optimizer':<20} {'factor':>7} {'finished':>9} {'progress':>9}  default scene")
    for oid in ids:
        s = best[oid]
        print(
            f"{oid:<20} {s.factor:>7g} {s.finished:>5}/{len(OBJECTIVES):<3} {s.progress:>9.3f}"
            f"  {'finished' if s.scene_finished else 'FAILED'}"
        )
    content = rates_file(best)
    if "--check" in sys.argv:
        same = RATES_FILE.exists() and RATES_FILE.read_text(encoding="utf-8") == content
        print("zoo_rates.toml is", "up to date" if same else "out of date")
        return 0 if same else 1
    RATES_FILE.write_text(content, encoding="utf-8")
    print(f"wrote {RATES_FILE.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
