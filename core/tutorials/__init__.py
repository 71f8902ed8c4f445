"""Teaching content that computes: the Autograd Lab (the source tutorial, live) and the lessons'
presets and checks.

See docs/architecture.md for the layers.
"""
