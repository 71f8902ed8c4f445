"""Widgets shared by the pages: hyper-parameter controls built from the optimizer registry.

Widgets are keyed and seeded through st.session_state (never through `value=`), so a value set
by a callback, a reset or a link wins over the widget default without Streamlit warnings.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import streamlit as st

from core.optimizers import HyperParam, HyperValue, OptimizerSpec


def seed(key: str, value: Any) -> None:
    """Give widget `key` a starting value unless it already has one."""
    if key not in st.session_state:
        st.session_state[key] = value


def log_options(low: float, high: float, *extra: float) -> list[float]:
    """A 1-2-5 ladder from `low` to `high`, plus `extra` values, sorted and unique."""
    ladder = [
        m * 10.0**e
        for e in range(int(np.floor(np.log10(low))), int(np.ceil(np.log10(high))) + 1)
        for m in (1, 2, 5)
    ]
    values = {float(f"{v:.6g}") for v in ladder if low <= v <= high}
    values |= {float(v) for v in extra if isinstance(v, (int, float)) and low <= v <= high}
    return sorted(values)


def hyper_key(optimizer_id: str, name: str) -> str:
    """Session key of one hyper-parameter widget."""
    return f"hp_{optimizer_id}_{name}"


def hyper_widget(spec: OptimizerSpec, param: HyperParam, default: HyperValue) -> HyperValue:
    """Draw the control for one hyper-parameter of `spec` and return its value."""
    key = hyper_key(spec.id, param.name)
    seed(key, default)
    label = f"{param.label}"
    if param.kind == "bool":
        return st.checkbox(label, key=key, help=param.help or None)
    if param.kind == "choice":
        return st.selectbox(label, param.choices, key=key)
    if param.kind == "int":
        return st.number_input(label, int(param.low), int(param.high), step=1, key=key)
    if param.scale == "log":
        options = log_options(param.low, param.high, default, st.session_state[key])
        return st.select_slider(label, options, key=key, format_func=lambda v: f"{v:g}")
    step = 0.001 if param.high <= 1 else 0.01
    return st.slider(label, float(param.low), float(param.high), step=step, key=key, format="%.3f")
