"""Replayable draws for optimizers that take random numbers from torch's global generator.

AdaHessian and SophiaH estimate the Hessian's diagonal with Hutchinson's probes: each step draws
random vectors with `torch.randint_like` / `torch.randn_like`, from the device's default
generator, which every thread of the server shares. A run is replayable only if its draws are
its own: each run keeps its own generator state (seeded as `torch.manual_seed(seed)` seeds a
script's), hands it to the default generator for its step under one process-wide lock, and
takes it back after, restoring what was there. A student's loop that calls
`torch.manual_seed(seed)` once and then steps draws exactly the same numbers.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import torch

_GLOBAL_GENERATOR = threading.Lock()  # held while a run's state is in a default generator


def _default_state(
    device: str,
) -> tuple[Callable[[], torch.Tensor], Callable[[torch.Tensor], None]]:
    """How to read and write the state of `device`'s default generator."""
    kind = torch.device(device)
    if kind.type == "cuda":
        index = kind.index or 0
        return (
            lambda: torch.cuda.get_rng_state(index),
            lambda state: torch.cuda.set_rng_state(state, index),
        )
    if kind.type == "mps":
        return torch.mps.get_rng_state, torch.mps.set_rng_state
    return torch.get_rng_state, torch.set_rng_state


class OwnDraws:
    """One run's stream of the default generator of `device`, seeded with `seed`."""

    def __init__(self, device: str, seed: int) -> None:
        self.read, self.write = _default_state(device)
        self.state = torch.Generator(device).manual_seed(seed).get_state()

    @contextmanager
    def drawing(self) -> Iterator[None]:
        """While inside, the default generator draws this run's numbers. Every run that draws
        from it goes through this lock, so no two runs' draws mix; what was in the generator
        before is put back after."""
        with _GLOBAL_GENERATOR:
            kept = self.read()
            self.write(self.state)
            try:
                yield
            finally:
                self.state = self.read()
                self.write(kept)
