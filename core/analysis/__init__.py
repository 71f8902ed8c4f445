"""Looking inside a run: the Hessian along a path (curvature) and the optimizer-state inspector.

See docs/architecture.md for the layers.
"""
