"""The devices a test compares with the CPU: the accelerators torch sees here.

Without one, such a test is skipped, visibly, instead of comparing the CPU with itself.
"""

from __future__ import annotations

import pytest

from core.runs.engine import available_devices

ACCELERATORS = tuple(device for device in available_devices() if device != "cpu")
NONE_HERE = "no accelerator here: nothing to compare the CPU with"

each_accelerator = pytest.mark.parametrize(
    "device",
    ACCELERATORS or [pytest.param(None, marks=pytest.mark.skip(reason=NONE_HERE))],
)
