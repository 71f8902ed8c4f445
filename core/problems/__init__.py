"""The problems students descend: the registry of 2-D test functions with their true minima,
their values on a grid, and the Autograd Lab's parabola.

See docs/architecture.md for the layers.
"""
