"""Plain-Python core of the Optimizer Playground: no Streamlit in here.

Importing any core module pins torch to one intra-op thread: the app serves many sessions from one
process, and for 2-D problems one thread is ~8x faster per step than the default pool.
"""

import torch

torch.set_num_threads(1)
