"""Plain-Python core of the Optimizer Playground: no Streamlit in here.

Its sub-packages are layers, listed in LAYERS from the bottom up: a module imports only from its
own package and the packages listed before it (tests/test_architecture.py checks it). The layers
and the data flow between them are described in docs/architecture.md.

Importing any core module pins torch to one intra-op thread: the app serves many sessions from one
process, and for 2-D problems one thread is ~8x faster per step than the default pool.
"""

import torch

LAYERS = (
    "text",  # every string shown, in English and Chinese
    "settings",  # URL fields: plain, validated values
    "problems",  # the 2-D test functions and their grids
    "optim",  # the torch.optim registry, schedules, row-wise update rules
    "runs",  # recorded loops, races, the work budget, summaries
    "formulas",  # typed formulas (their minimum is estimated by a run)
    "batched",  # basins, sweeps, momentum maps: many runs in one tensor; the fair race's tuning
    "playground",  # the Playground's settings: defaults, URL fields, a race's typed records
    "figures",  # Plotly figures from recorded runs
    "analysis",  # curvature along a path, the optimizer-state inspector
    "tutorials",  # the Autograd Lab and the lessons
    "export",  # the script that reproduces a race
)

torch.set_num_threads(1)
