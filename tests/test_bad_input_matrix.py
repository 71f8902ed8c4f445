"""Every objective x every optimizer x extreme learning rates x {1 step, the cap}: a clear stop
or a clear refusal, never an exception from inside torch."""

import math

import pytest

from core.engine import MAX_STEPS, run
from core.objectives import OBJECTIVES
from core.optimizers import OPTIMIZERS
from core.race import run_race

RATES = (1e-6, 1e-2, 1.0, 10.0, 1e3)


@pytest.mark.parametrize("steps", [1, MAX_STEPS])
@pytest.mark.parametrize("objective_id", list(OBJECTIVES))
def test_extreme_settings_end_in_a_reported_stop(objective_id, steps):
    objective = OBJECTIVES[objective_id]
    for lr in RATES:
        allowed = [
            i
            for i, spec in OPTIMIZERS.items()
            if spec.param("lr").low <= lr <= spec.param("lr").high
        ]
        refused = set(OPTIMIZERS) - set(allowed)
        for optimizer_id in refused:  # out of the registry's range: refused before torch runs
            with pytest.raises(ValueError, match="Invalid learning rate"):
                run(objective, optimizer_id, objective.start, steps, lr=lr)
        runs = run_race(objective, [(i, {"lr": lr}, None) for i in allowed], objective.start, steps)
        for optimizer_id, result in zip(allowed, runs, strict=True):
            stop = result.stop
            assert stop.reason in {"completed", "diverged", "escaped"}
            if stop.reason == "completed":
                assert stop.step == steps + 1 and len(result.frame) == steps + 1
            else:
                assert stop.step == len(result.frame) <= steps + 1
                assert stop.message(optimizer_id).startswith(optimizer_id)
            assert result.frame[["x", "y", "loss"]].map(math.isfinite).all().all()
