"""Hyper-parameters as settings: their session keys (also their URL parameter names) and URL
fields, with the registry's ranges."""

from __future__ import annotations

from core.optim.optimizers import HyperParam, OptimizerSpec
from core.settings.linkstate import Field


def hyper_key(optimizer_id: str, name: str) -> str:
    """Session key of one hyper-parameter widget."""
    return f"hp_{optimizer_id}_{name}"


def hyper_field(spec: OptimizerSpec, param: HyperParam) -> Field:
    """The URL field of one hyper-parameter widget, with the registry's range."""
    return Field(hyper_key(spec.id, param.name), param.kind, param.low, param.high, param.choices)


def hyper_fields(spec: OptimizerSpec) -> list[Field]:
    """The URL fields of `spec`'s hyper-parameter widgets."""
    return [hyper_field(spec, param) for param in spec.hyper]
