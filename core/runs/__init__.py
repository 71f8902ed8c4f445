"""Runs: real torch.optim loops recorded step by step (the engine), races sharing one
forward/backward pass, the work budget every request is checked against, and summaries.

See docs/architecture.md for the layers and the exactness rule.
"""
