"""Run a real torch.optim optimizer on a 2-D objective and record every iterate.

The loop is the one students write: `zero_grad(); f(p).sum().backward(); step()`. Nothing is added
to the algorithm unless asked for (gradient noise, box projection, a learning-rate schedule), so
the recorded iterates are bitwise those of a bare loop with the same hyper-parameters and dtype.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from itertools import repeat
from types import MappingProxyType
from typing import Any, Literal, NamedTuple

import numpy as np
import pandas as pd
import torch

from core.optim.optimizers import OPTIMIZERS, OptimizerSpec
from core.optim.schedules import Schedule
from core.problems.objectives import OBJECTIVES, Box, Objective
from core.runs.eval_points import evaluation_frame, evaluation_point
from core.runs.random_draws import OwnDraws
from core.text.refusal import Refusal, listed, shown

MAX_STEPS = 5_000
# Stop.what of a run whose update failed inside the optimizer's line search (see closure_step).
LINE_SEARCH = "line_search"
RECORD_CHUNK = 256  # single runs turn recorded floats into Steps this many at a time
FRAME_COLUMNS = ("optimizer", "t", "x", "y", "loss", "grad_x", "grad_y", "grad_norm", "lr")


class Step(NamedTuple):
    """One iterate x_t with f(x_t) and the gradient the optimizer saw there (immutable; a named
    tuple because a run makes thousands, and a tuple is built several times faster).

    Single runs hold `point` `[2]`, `loss` and `grad_norm` as floats; batched runs hold `[B, 2]`
    and `[B]` arrays. `lr` is the learning rate of the update that leaves x_t. `state` is the
    optimizer state after that update (momentum_buffer, exp_avg, exp_avg_sq, ...), empty for the
    last iterate, from which no update is made. Arrays are read-only copies.
    """

    t: int
    point: np.ndarray
    loss: float | np.ndarray
    grad: np.ndarray
    grad_norm: float | np.ndarray
    lr: float
    state: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Stop:
    """Why a run ended. `step` is the first iterate that was not recorded (or `steps` + 1).

    For a divergence, `what` ("loss" or "gradient") became the non-finite `value`.
    """

    reason: Literal["completed", "diverged", "escaped", "budget"]
    step: int
    what: str = ""
    value: float | None = None

    @property
    def detail(self) -> str:
        if self.reason == "diverged" and self.what == LINE_SEARCH:
            return f"its line search met a loss of {self.value} and cannot go on"
        if self.reason == "diverged":
            return f"{self.what} became {self.value}"
        if self.reason == "escaped":
            return "the point is far outside the plot box"
        if self.reason == "budget":
            return f"its evaluations of f used up the request's work budget ({self.value:,.0f})"
        return ""

    def message(self, name: str) -> str:
        """A sentence for the user, e.g. 'Adam diverged at step 37: loss became inf'."""
        if self.reason == "diverged":
            return f"{name} diverged at step {self.step}: {self.detail}"
        if self.reason == "escaped":
            return f"{name} left the plotted region at step {self.step}: {self.detail}"
        if self.reason == "budget":
            return f"{name} stopped at step {self.step}: {self.detail}"
        return f"{name} completed {self.step - 1} steps"


def resolve_objective(objective: str | Objective) -> Objective:
    """Look up an objective id, or pass an Objective through."""
    return _resolve(objective, Objective, OBJECTIVES, "err_unknown_function")


def resolve_optimizer(optimizer: str | OptimizerSpec) -> OptimizerSpec:
    """Look up an optimizer id, or pass an OptimizerSpec through."""
    return _resolve(optimizer, OptimizerSpec, OPTIMIZERS, "err_unknown_optimizer")


def _resolve(value: Any, record: type, registry: Mapping[str, Any], unknown: str) -> Any:
    if isinstance(value, record):
        return value
    try:
        return registry[value]
    except (KeyError, TypeError):  # TypeError: an unhashable value
        raise Refusal(unknown, value=shown(value)) from None


def check_step_count(steps: object) -> int:
    """`steps`, or Refusal unless it is a whole number from 0 (the start alone) to MAX_STEPS."""
    if not (isinstance(steps, int) and 0 <= steps <= MAX_STEPS):
        raise Refusal("err_steps", max=f"{MAX_STEPS:,}", value=shown(steps))
    return steps


def available_devices() -> list[str]:
    """Devices this machine can run on, CPU first."""
    devices = ["cpu"]
    if torch.cuda.is_available():
        devices.append("cuda")
    if torch.backends.mps.is_available():
        devices.append("mps")
    return devices


def region(box: Box) -> tuple[tuple[float, float], tuple[float, float]]:
    """The generous region a run may roam before it counts as escaped: the box, widened by its
    own span on every side."""
    (x0, x1), (y0, y1) = box
    w, h = x1 - x0, y1 - y0
    return (x0 - w, x1 + w), (y0 - h, y1 + h)


def in_play(
    points: torch.Tensor, loss: torch.Tensor, grad: torch.Tensor, region_box: Box
) -> torch.Tensor:
    """The stop rule, one bool per row of a batch: the row's loss and gradient are finite and its
    point lies in `region_box` (see `region`). A run stops at its first iterate out of play; the
    single run, the race and the batched views all apply this rule (a single run reads the same
    five numbers as Python floats, which is several times cheaper for one row)."""
    (rx0, rx1), (ry0, ry1) = region_box
    finite = torch.isfinite(loss) & torch.isfinite(grad).all(-1)
    inside = (points[:, 0] >= rx0) & (points[:, 0] <= rx1)
    return finite & inside & (points[:, 1] >= ry0) & (points[:, 1] <= ry1)


def _snapshot(state: Mapping[str, Any]) -> Mapping[str, Any]:
    """Read-only numpy/float copy of one parameter's optimizer state (lists are skipped)."""
    out: dict[str, Any] = {}
    for key, value in state.items():
        if isinstance(value, torch.Tensor):
            array = value.detach().cpu().numpy().copy()
            array.flags.writeable = False
            out[key] = array.item() if array.ndim == 0 else array
        elif isinstance(value, (int, float)):
            out[key] = value
    return MappingProxyType(out)


def _state_values(state: Mapping[str, Any]) -> dict[str, Any]:
    """Plain-Python copy of one parameter's optimizer state: cheap to take every step
    (`tolist` gives a float for a 0-d tensor, a list for a vector)."""
    return {
        # A 1 x 2 state (of an optimizer that holds the point's row) as the point's vector.
        key: (value.view(-1) if value.ndim > 1 else value).tolist()
        if isinstance(value, torch.Tensor)
        else value
        for key, value in state.items()
        if isinstance(value, (torch.Tensor, int, float))
    }


_NO_STATE: Mapping[str, Any] = MappingProxyType({})


def _state_table(states: list[dict[str, Any]], dtype: np.dtype) -> list[Mapping[str, Any]]:
    """Read-only per-step state mappings; each vector key becomes one array for the chunk (its
    rows are the steps' views), which costs far less than an array per step."""
    if not states:
        return []
    keys = list(states[0])
    if not keys:  # a stateless optimizer (plain SGD): one shared empty mapping
        return [_NO_STATE] * len(states)
    if any(list(state) != keys for state in states):  # keys changed within the chunk
        return [_state_table([state], dtype)[0] for state in states]
    columns = []
    for key in keys:
        column = [state[key] for state in states]
        if isinstance(column[0], list):
            array = np.array(column, dtype=dtype)
            array.flags.writeable = False
            column = list(array)  # the rows, as views
        columns.append(column)
    rows = zip(*columns, strict=True)  # every column has one entry per step
    return [MappingProxyType(dict(zip(keys, row, strict=True))) for row in rows]


def _readonly(tensor: torch.Tensor) -> np.ndarray:
    array = tensor.detach().cpu().numpy().copy()
    array.flags.writeable = False
    return array


def _first_nonfinite(loss: torch.Tensor, grad: torch.Tensor) -> tuple[str, float] | None:
    """Which quantity went non-finite first (loss before gradient), and its value."""
    for what, value in (("loss", loss.detach()), ("gradient", grad)):
        bad = value[~torch.isfinite(value)]
        if bad.numel():
            return what, float(bad.flatten()[0])
    return None


def closure_step(
    optimizer: torch.optim.Optimizer, closure: Callable[[], torch.Tensor]
) -> float | None:
    """`optimizer.step(closure)` for an optimizer that re-evaluates f (L-BFGS); None when the
    step was made, else the non-finite loss on which its line search failed.

    torch's strong-Wolfe line search cannot handle a NaN it meets (on log(x) left of 0, or a
    parabola that opens downward): it fails with an IndexError at `bracket[low_pos]` in
    torch/optim/lbfgs.py, having restored the parameters to x_t. A run ends there, diverged;
    an IndexError without a non-finite loss is a real bug and propagates.
    """
    met: list[float] = []

    def watched() -> torch.Tensor:
        loss = closure()
        value = float(loss.detach())
        if not (met or math.isfinite(value)):
            met.append(value)
        return loss

    try:
        optimizer.step(watched)
    except IndexError:
        if not met:
            raise
        return met[0]
    return None


def _start_points(start: Any, dtype: torch.dtype, device: str) -> torch.Tensor:
    """The start as a `[2]` or `[B, 2]` tensor, or Refusal unless every coordinate is a finite
    number in `dtype` (1e39 is not one in float32)."""
    try:
        points = torch.as_tensor(np.asarray(start, dtype=np.float64), dtype=dtype, device=device)
    except (TypeError, ValueError):  # not numbers, or ragged
        points = None
    if (
        points is None
        or points.shape[-1:] != (2,)
        or points.ndim not in (1, 2)
        or not torch.isfinite(points).all()
    ):
        raise Refusal("err_start", value=shown(start))
    return points


class Trajectory(Iterator[Step]):
    """Iterator over the Steps of one run; `stop` tells why it ended once it is exhausted.

    For a batched run (start `[B, 2]`), rows that diverge or escape are left to run on (they cannot
    be frozen under adaptive optimizers) and `row_last[i]` is the last valid iterate of row i; the
    run ends when every row has stopped or the steps are done.
    """

    def __init__(
        self,
        objective: str | Objective,
        optimizer: str | OptimizerSpec,
        start: Any,
        steps: int,
        *,
        device: str = "cpu",
        dtype: torch.dtype = torch.float32,
        noise: float = 0.0,
        seed: int = 0,
        project: bool = False,
        schedule: Schedule | None = None,
        record_chunk: int = RECORD_CHUNK,
        max_evaluations: int | None = None,
        **hyper: Any,
    ) -> None:
        self.objective = resolve_objective(objective)
        self.spec = resolve_optimizer(optimizer)
        check_step_count(steps)
        if device not in available_devices():
            devices = listed(available_devices())
            raise Refusal("err_device", device=shown(device), devices=devices)
        if not (math.isfinite(noise) and noise >= 0):
            raise Refusal("err_noise", value=shown(noise))
        points = _start_points(start, dtype, device)
        self.batched = points.ndim == 2
        if self.batched and not self.spec.elementwise:
            raise Refusal("err_batch_coupled", name=self.spec.name)
        self.steps = steps
        # A single run hands its Steps over this many at a time; who needs only the first few
        # (the inspector) asks for small chunks, so that no step past them is computed.
        self.record_chunk = max(1, record_chunk)
        # An optimizer that re-evaluates f through a closure (L-BFGS) is charged each evaluation
        # against the request's work budget (core.runs.budget); past it, the run stops before its
        # next step. Counted as it goes: the line search's evaluations per step vary from 1 to
        # max_eval.
        self.max_evaluations = max_evaluations
        self.evaluations = 0
        self.params = points.clone().requires_grad_(True)
        self.optimizer = self.spec.make([self.params], **hyper)
        # What the optimizer holds and keys its state by: the point, or its 1 x 2 row (Muon).
        self.held = self.optimizer.param_groups[0]["params"][0]
        self.scheduler = schedule.make(self.optimizer, steps) if schedule else None
        self.noise = noise
        self.generator = torch.Generator(device).manual_seed(seed) if noise else None
        # Hutchinson's probes (AdaHessian, SophiaH) come from the default generator: this
        # run's own stream of it, seeded as torch.manual_seed(seed) seeds a script's.
        self.draws = OwnDraws(device, seed) if self.spec.second_order else None
        self.project = project
        rows = points.shape[0] if self.batched else 1
        self.row_last = np.full(rows, steps, dtype=np.int64)
        # Schedule-Free's evaluation point after each update (x_0 is the start), for one start.
        self.eval_trail = [points.tolist()] if self.spec.eval_point and not self.batched else None
        self.stop: Stop | None = None
        self._steps = self._run()

    def __next__(self) -> Step:
        return next(self._steps)

    def __iter__(self) -> Iterator[Step]:
        return self._steps  # a for loop resumes the generator itself, one call less per step

    def zero_grad(self) -> None:
        """What `optimizer.zero_grad()` does, on the point itself: an optimizer that holds the
        point's row (Muon) would clear only the row's gradient, and the point's would add up."""
        self.params.grad = None

    def _evaluate(self) -> torch.Tensor:
        self.zero_grad()
        loss = self.objective.fn(self.params)
        # A second-order step differentiates the gradient again: keep its graph (zero_grad's
        # fresh gradient next step lets the old graph go).
        loss.sum().backward(create_graph=self.spec.second_order)
        if self.noise:
            self._add_noise()
        return loss

    def _add_noise(self) -> None:
        """Add this step's seeded gradient noise, if the run has any (after backward)."""
        if self.noise:
            grad = self.params.grad
            grad.add_(
                torch.randn(
                    grad.shape, generator=self.generator, dtype=grad.dtype, device=grad.device
                ),
                alpha=self.noise,
            )

    def _closure(self) -> torch.Tensor:
        self.evaluations += 1
        return self._evaluate().sum()

    def _clamp_box(self) -> None:
        (x0, x1), (y0, y1) = self.objective.box
        with torch.no_grad():
            self.params[..., 0].clamp_(x0, x1)
            self.params[..., 1].clamp_(y0, y1)

    def iterates(self) -> Iterator[int]:
        """The bare loop. Yields t once x_t is evaluated: `params`, `params.grad` and `loss` hold
        x_t, the gradient the optimizer will use and f(x_t) (for a single run, `values` holds
        them as floats: x, y, grad_x, grad_y, loss); the update from x_t (and for t > 0, every
        earlier one) is made when the consumer asks for the next t. Rows that turned non-finite
        or left the region are recorded in `row_last`; the loop stops once all have.
        """
        try:
            yield from self._iterates()
        finally:
            if self.spec.second_order:
                # The gradient's graph (create_graph) refers back to the point: a cycle through
                # torch's C++ that Python's collector cannot free. Dropping the gradient frees it.
                self.params.grad = None

    def _iterates(self) -> Iterator[int]:
        region_box = region(self.objective.box)
        alive = np.ones(self.row_last.shape[0], dtype=bool)
        evaluate, check, update = self._evaluate, self._check_rows, self.update  # hot loop
        for t in range(self.steps + 1):
            self.loss = evaluate()
            if not check(region_box, alive, t):
                self.stop = self._early_stop(t)
                return
            yield t
            if t == self.steps or not update(t):
                break
        if self.stop is None:
            self.complete()

    def observe(self, loss: torch.Tensor, region_box: Box, t: int) -> bool:
        """Take f(x_t) from a loop that evaluated it, and backpropagated its gradient into
        `params.grad`, itself (the race evaluates every optimizer's point in one pass): add this
        step's noise and apply the stop rule. False, with `stop` set, when the run ends at t."""
        self.loss = loss
        self._add_noise()
        if self._check_rows(region_box, None, t):
            return True
        self.stop = self._early_stop(t)
        return False

    def complete(self) -> None:
        """Mark the run as having made every step it was asked for."""
        self.stop = Stop("completed", self.steps + 1)

    def update(self, t: int) -> bool:
        """The optimizer's step from x_t, then the projection and the schedule, if any.

        False, with `stop` set, when the step could not be made: x_t is then the last iterate.
        """
        if self.spec.needs_closure:
            if self.max_evaluations is not None and self.evaluations >= self.max_evaluations:
                self.row_last[:] = t
                self.stop = Stop("budget", t + 1, value=float(self.max_evaluations))
                return False
            failed_on = closure_step(self.optimizer, self._closure)
            if failed_on is not None:
                self.row_last[:] = t
                self.stop = Stop("diverged", t + 1, LINE_SEARCH, failed_on)
                return False
        elif self.draws is not None:
            with self.draws.drawing():
                self.optimizer.step()
        else:
            self.optimizer.step()
        if self.project:
            self._clamp_box()
        if self.scheduler is not None:
            self.scheduler.step()
        if self.eval_trail is not None:
            self.eval_trail.append(evaluation_point(self.optimizer, self.params))
        return True

    def eval_frame(self, frame: pd.DataFrame) -> pd.DataFrame | None:
        """The run's evaluation points as a frame like `frame` (core.runs.eval_points); None
        for an optimizer evaluated where it steps."""
        if self.eval_trail is None:
            return None
        return evaluation_frame(self.objective, self.eval_trail, frame, self.params.dtype)

    def _check_rows(self, region_box: Box, alive: np.ndarray | None, t: int) -> bool:
        """The stop rule (`in_play`) at iterate t, whose loss and gradient are evaluated: mark
        the rows out of play as ended at t - 1; False once no row is left (then `_early_stop`
        says why). `alive` is the batch's mask of rows still in play (None for a single run)."""
        if not self.batched:
            # Five numbers: Python floats are far cheaper than torch ops, and the recorder
            # reuses them. (tolist and item read the values without touching autograd.)
            params = self.params
            self.values = x, y, gx, gy, f = (
                *params.tolist(),
                *params.grad.tolist(),
                self.loss.item(),
            )
            (rx0, rx1), (ry0, ry1) = region_box
            if math.isfinite(f + gx + gy) and rx0 <= x <= rx1 and ry0 <= y <= ry1:
                return True
            self.row_last[0] = t - 1
            return False
        ok = in_play(self.params.detach(), self.loss, self.params.grad, region_box).cpu().numpy()
        if not ok.all():
            self.row_last[alive & ~ok] = t - 1
            alive &= ok
        return bool(alive.any())

    def _early_stop(self, t: int) -> Stop:
        """Why the run stopped at iterate t: a non-finite value (which) or an escape."""
        found = _first_nonfinite(self.loss, self.params.grad)
        if found:
            return Stop("diverged", t, *found)
        return Stop("escaped", t)

    def state(self) -> Mapping[str, Any]:
        """The optimizer's state of the point, each tensor in the point's own shape."""
        state = self.optimizer.state[self.held]
        if self.held is self.params:
            return state
        shape = self.params.shape
        return {k: v.view(shape) if torch.is_tensor(v) and v.ndim else v for k, v in state.items()}

    def _last_state(self) -> Mapping[str, Any]:
        """State for the final Step: after its update if one was made (a run that stopped
        early), else empty (the last iterate of a completed run is not updated)."""
        if self.stop is not None and self.stop.reason != "completed":
            return _snapshot(self.state())
        return _NO_STATE

    def _run(self) -> Iterator[Step]:
        # Step t carries the state *after* the update from x_t, known only once the loop resumes:
        # each Step is completed one iterate later.
        if not self.batched:
            yield from self._run_single()
            return
        pending: dict[str, Any] | None = None
        for t in self.iterates():
            if pending is not None:
                yield Step(**pending, state=_snapshot(self.state()))
            pending = self._capture(t)
        if pending is not None:
            yield Step(**pending, state=self._last_state())

    def _run_single(self) -> Iterator[Step]:
        recorder = Recorder(self)
        observe, full = recorder.observe, recorder.full  # looked up once, called every step
        for _ in self.iterates():
            observe()
            if full():
                yield from recorder.flush()
        yield from recorder.flush(final=True)

    def _capture(self, t: int) -> dict[str, Any]:
        point, loss, grad = (
            _readonly(self.params),
            _readonly(self.loss),
            _readonly(self.params.grad),
        )
        grad_norm = np.linalg.norm(grad, axis=-1)
        lr = float(self.optimizer.param_groups[0]["lr"])
        return {
            "t": t,
            "point": point,
            "loss": loss,
            "grad": grad,
            "grad_norm": grad_norm,
            "lr": lr,
        }


class Recorder:
    """Records a single run with as little per-step work as possible: the five floats the stop
    check already read, the learning rate, and the state as lists. Numpy arrays and Steps are
    made a chunk at a time.

    Step t carries the state *after* the update from x_t, known only at the next observation,
    so each Step is completed one iterate later; the last one gets `_last_state()`.
    """

    def __init__(self, traj: Trajectory) -> None:
        self.traj = traj
        self.dtype = torch.empty(0, dtype=traj.params.dtype).numpy().dtype
        self.first = 0
        self.rows: list[tuple[float, ...]] = []
        self.lrs: list[float] = []
        self.states: list[dict[str, Any]] = []
        # The dicts torch updates in place: the parameter's state and the group's settings
        # (a scheduler writes group["lr"]).
        self.param_state = traj.optimizer.state[traj.held]
        self.group = traj.optimizer.param_groups[0]
        self.scheduled = traj.scheduler is not None  # else the rate never changes

    def observe(self) -> None:
        """Called at each iterate, after the stop check."""
        if self.rows:
            self.states.append(_state_values(self.param_state))
        self.rows.append(self.traj.values)
        if self.scheduled:
            self.lrs.append(self.group["lr"])

    def full(self) -> bool:
        return len(self.states) >= self.traj.record_chunk

    def flush(self, final: bool = False) -> Iterator[Step]:
        """Steps for the iterates whose state is known (all of them when `final`)."""
        count = len(self.rows) if final else len(self.states)
        if count == 0:
            return
        table = np.array(self.rows[:count], dtype=self.dtype).reshape(-1, 5)
        table.flags.writeable = False
        states = _state_table(self.states[:count], self.dtype)
        if len(states) < count:  # the final iterate
            states.append(self.traj._last_state())
        steps = map(
            Step,
            range(self.first, self.first + count),
            table[:, 0:2],  # rows, as read-only views
            table[:, 4].tolist(),
            table[:, 2:4],
            np.linalg.norm(table[:, 2:4], axis=-1).tolist(),
            map(float, self.lrs[:count]) if self.scheduled else repeat(float(self.group["lr"])),
            states,
        )
        self.first += count
        self.rows, self.lrs, self.states = self.rows[count:], self.lrs[count:], self.states[count:]
        yield from steps


def trajectory(
    objective: str | Objective, optimizer: str | OptimizerSpec, start: Any, steps: int, **options
) -> Trajectory:
    """Run `optimizer` on `objective` from `start` for `steps` updates; iterate to get the Steps.

    Args:
        objective: an id of OBJECTIVES or an Objective.
        optimizer: an id of OPTIMIZERS or an OptimizerSpec.
        start: one point (x, y), or an array `[B, 2]` of starts run as one batched tensor.
        steps: number of updates (0 to MAX_STEPS); `steps + 1` iterates are yielded at most.
        **options: device (one of `available_devices()`, "cpu" by default), dtype
            (torch.float32, torch's default, or torch.float64), noise (gradient noise std), seed,
            project (clamp into the box), schedule (a Schedule), and the optimizer's
            hyper-parameters.

    Returns:
        A Trajectory: iterate it for Steps; afterwards `.stop` says why it ended.
    """
    return Trajectory(objective, optimizer, start, steps, **options)


@dataclass(frozen=True, slots=True)
class Run:
    """A finished single-start run as a tidy table, with why it stopped and what it cost."""

    optimizer: str
    frame: pd.DataFrame
    stop: Stop
    seconds: float
    # Where a Schedule-Free run is evaluated (its average x_t), step by step; else None.
    eval_frame: pd.DataFrame | None = None


def to_frame(steps: list[Step], optimizer: str) -> pd.DataFrame:
    """Tidy table of single-start Steps: one row per iterate, columns FRAME_COLUMNS."""
    points = np.array([s.point for s in steps], dtype=np.float64).reshape(-1, 2)
    grads = np.array([s.grad for s in steps], dtype=np.float64).reshape(-1, 2)
    return pd.DataFrame(
        {
            "optimizer": pd.Series([optimizer] * len(steps), dtype="string"),
            "t": np.array([s.t for s in steps], dtype=np.int64),
            "x": points[:, 0],
            "y": points[:, 1],
            "loss": np.array([s.loss for s in steps], dtype=np.float64),
            "grad_x": grads[:, 0],
            "grad_y": grads[:, 1],
            "grad_norm": np.array([s.grad_norm for s in steps], dtype=np.float64),
            "lr": np.array([s.lr for s in steps], dtype=np.float64),
        },
        columns=list(FRAME_COLUMNS),
    )


def run(
    objective: str | Objective,
    optimizer: str | OptimizerSpec,
    start: Any,
    steps: int,
    *,
    on_step: Callable[[int], None] | None = None,
    **options: Any,
) -> Run:
    """Run one start to the end and return its iterates as a DataFrame (see `trajectory`).

    `on_step(t)` is called as the steps are recorded (a chunk at a time), e.g. for a progress bar.
    """
    began = time.perf_counter()
    traj = trajectory(objective, optimizer, start, steps, **options)
    recorded = []
    for step in traj:
        recorded.append(step)
        if on_step is not None:
            on_step(step.t)
    assert traj.stop is not None
    frame = to_frame(recorded, traj.spec.id)
    seconds = time.perf_counter() - began
    return Run(traj.spec.id, frame, traj.stop, seconds, traj.eval_frame(frame))
