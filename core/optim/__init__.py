"""What moves the point: the torch.optim registry with hyper-parameter ranges, learning-rate
schedules, and the row-wise update rules that batch many settings into one tensor.

See docs/architecture.md for the layers.
"""
