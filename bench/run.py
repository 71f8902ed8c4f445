"""Every benchmark, one after another, each printing its table: the README's Performance section.

    python bench/run.py

Run by hand, on an otherwise idle machine, and paste the output into the README with the date
and the machine. The test suite never asserts timings.
"""

from __future__ import annotations

import platform
import sys
from datetime import date
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import batched, budget, engine, figure_size, hosting, latency, load, memory


def main() -> None:
    print(
        f"{date.today()}, {platform.processor() or platform.machine()}, "
        f"{torch.get_num_threads()} torch thread(s), torch {torch.__version__}\n"
    )
    for name, module in (
        ("Engine", engine),
        ("Batched views", batched),
        ("Work budget", budget),
        ("Figure payload", figure_size),
        ("Server in Chromium", latency),
        ("Server under a class", load),
        ("Server memory", memory),
        ("Hosting a whole school", hosting),
    ):
        print(f"## {name}")
        module.main()
        print()


if __name__ == "__main__":
    main()
