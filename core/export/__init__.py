"""What leaves the app: the PyTorch script that reproduces a race.

See docs/architecture.md for the layers.
"""
