"""The problems students descend: the registry of 2-D test functions with their true minima,
and their values on a grid.

See docs/architecture.md for the layers.
"""
