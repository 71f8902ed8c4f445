"""Run script files as `python script.py` would, many of them in one fresh interpreter.

Each script is run as __main__ with its own globals (runpy), one after another, so torch is
imported once (about 2 s here) instead of once per script.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

SCRIPT_TIMEOUT = 120  # seconds, for all the scripts of one call together
SEPARATOR = "=" * 20
RUNNER = """
import runpy, sys
for path in sys.argv[1:]:
    print(SEPARATOR, flush=True)
    runpy.run_path(path, run_name="__main__")
""".replace("SEPARATOR", repr(SEPARATOR))


def start(paths: Sequence[Path | str], *options: str) -> subprocess.Popen:
    """A fresh interpreter running `paths` in order (`options` go to python: `-W ignore`)."""
    command = [sys.executable, *options, "-c", RUNNER, *map(str, paths)]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def start_alone(path: Path | str) -> subprocess.Popen:
    """`python path`, exactly: the check that running a script through `start` changes nothing."""
    command = [sys.executable, str(path)]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def output(process: subprocess.Popen) -> str:
    stdout, stderr = process.communicate(timeout=SCRIPT_TIMEOUT)
    assert process.returncode == 0, stderr
    return stdout


def outputs(process: subprocess.Popen, count: int) -> list[str]:
    """What each of the `count` scripts that `process` ran printed, in order."""
    printed = output(process).split(SEPARATOR + "\n")[1:]
    assert len(printed) == count, printed
    return printed
