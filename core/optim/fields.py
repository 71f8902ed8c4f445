"""Hyper-parameters as settings: their session keys (also their URL parameter names) and URL
fields, with the registry's ranges."""

from __future__ import annotations

from core.optim.optimizers import OptimizerSpec
from core.settings.linkstate import Field


def hyper_key(optimizer_id: str, name: str) -> str:
    """Session key of one hyper-parameter widget."""
    return f"hp_{optimizer_id}_{name}"


def hyper_fields(spec: OptimizerSpec) -> list[Field]:
    """The URL fields of `spec`'s hyper-parameter widgets, with the registry's ranges."""
    return [Field(hyper_key(spec.id, p.name), p.kind, p.low, p.high, p.choices) for p in spec.hyper]
