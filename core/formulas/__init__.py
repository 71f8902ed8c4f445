"""Typed formulas: the safe formula compiler and objectives made from a formula and a box (with
their minimum estimated by a run).

See docs/architecture.md for the layers.
"""
