"""Learning-rate schedules from torch.optim.lr_scheduler, as plain hashable settings."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import torch
from torch.optim import lr_scheduler

from core.problems.registry import registry
from core.text.refusal import Refusal, shown

SchedulerFactory = Callable[[torch.optim.Optimizer, int, float, int], lr_scheduler.LRScheduler]


@dataclass(frozen=True, slots=True)
class ScheduleKind:
    """One scheduler: how to build it from (optimizer, total steps, gamma, step size)."""

    id: str
    name: str
    build: SchedulerFactory
    uses_gamma: bool
    uses_step_size: bool


SCHEDULE_KINDS: Mapping[str, ScheduleKind] = registry(
    (
        ScheduleKind(
            "step",
            "Step decay (StepLR)",
            lambda opt, steps, gamma, size: lr_scheduler.StepLR(opt, step_size=size, gamma=gamma),
            uses_gamma=True,
            uses_step_size=True,
        ),
        ScheduleKind(
            "exponential",
            "Exponential (ExponentialLR)",
            lambda opt, steps, gamma, size: lr_scheduler.ExponentialLR(opt, gamma=gamma),
            uses_gamma=True,
            uses_step_size=False,
        ),
        ScheduleKind(
            "cosine",
            "Cosine annealing (CosineAnnealingLR)",
            lambda opt, steps, gamma, size: lr_scheduler.CosineAnnealingLR(
                opt, T_max=max(steps, 1)
            ),
            uses_gamma=False,
            uses_step_size=False,
        ),
    )
)


@dataclass(frozen=True, slots=True)
class Schedule:
    """A learning-rate schedule: `kind` is an id of SCHEDULE_KINDS.

    `gamma` is the decay factor (per `step_size` steps for "step", per step for "exponential");
    "cosine" anneals to zero over the whole run.
    """

    kind: str
    gamma: float = 0.5
    step_size: int = 100

    def __post_init__(self) -> None:
        if self.kind not in SCHEDULE_KINDS:
            raise Refusal("err_schedule_kind", value=shown(self.kind))
        if not (math.isfinite(self.gamma) and 0.0 < self.gamma <= 1.0):
            raise Refusal("err_schedule_gamma", value=shown(self.gamma))
        if not (isinstance(self.step_size, int) and self.step_size >= 1):
            raise Refusal("err_schedule_step_size", value=shown(self.step_size))

    def make(self, optimizer: torch.optim.Optimizer, steps: int) -> lr_scheduler.LRScheduler:
        """Build the torch scheduler for a run of `steps` updates."""
        return SCHEDULE_KINDS[self.kind].build(optimizer, steps, self.gamma, self.step_size)
