"""Batched views: many starts, rates or (rate, momentum) pairs run as one tensor: basins,
learning-rate sweeps, the momentum map, and how each row's run ended.

See docs/architecture.md for the batching rules.
"""
