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
from collections.abc import Iterator
from contextlib import contextmanager

import torch

_GLOBAL_GENERATOR = threading.Lock()  # held while a run's state is in a default generator


def _default_generator(device: str) -> torch.Generator:
    if torch.device(device).type == "cpu":
        return torch.default_generator
    return torch.cuda.default_generators[torch.device(device).index or 0]


class OwnDraws:
    """One run's stream of the default generator of `device`, seeded with `seed`."""

    def __init__(self, device: str, seed: int) -> None:
        self.generator = _default_generator(device)
        self.state = torch.Generator(device).manual_seed(seed).get_state()

    @contextmanager
    def drawing(self) -> Iterator[None]:
        """While inside, the default generator draws this run's numbers and nobody else's."""
        with _GLOBAL_GENERATOR:
            kept = self.generator.get_state()
            self.generator.set_state(self.state)
            try:
                yield
            finally:
                self.state = self.generator.get_state()
                self.generator.set_state(kept)
