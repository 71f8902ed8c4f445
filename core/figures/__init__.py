"""Plotly figures built from recorded runs: the Playground's race chart, 3-D surface, start map
and learning-rate chart, the batched views' charts, the Autograd Lab's charts, and the raster and
path thinning they use.

See docs/architecture.md for the layers.
"""
