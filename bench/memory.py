"""Server memory over 200 distinct runs: the caches fill, then RSS stays flat.

    python bench/memory.py [runs]

One protocol client opens the default Playground, then changes Steps to a new value `runs`
times: each change is a race the server has not seen and a race chart it has not built, so every
cache (runs, shared figures) fills up and then evicts. The server's resident memory (VmRSS from
/proc) is read every 20 runs. It is run twice, one server after the other: as configured (no
forced collection after each script run, see .streamlit/config.toml) and with Streamlit's default
forced `gc.collect(2)`, so the table shows what turning it off costs in memory and saves in CPU.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.browser.harness import cpu_seconds, peak_rss_mb, streamlit_server
from tests.protocol_client import StreamlitClient, widget_value

EVERY = 20
SETTINGS = {"as configured": "false", "forced gc.collect(2)": "true"}


def rss_mb(pid: int) -> float:
    """The process's resident memory now (VmRSS), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def curve(url: str, pid: int, runs: int) -> tuple[list[float], float, list[str]]:
    """RSS after 0, 20, 40, ... distinct runs; CPU-s per run; any errors the pages showed."""
    rss, errors = [], []
    async with StreamlitClient(url) as client:
        opened = await client.open("", "")
        errors += opened.errors
        shown = int(widget_value(client.widgets["steps"][0]))
        rss.append(rss_mb(pid))
        began = cpu_seconds(pid)
        for i in range(1, runs + 1):
            changed = await client.change("steps", shown + i)
            errors += changed.errors + ([] if changed.chart is not None else ["no chart"])
            if i % EVERY == 0:
                rss.append(rss_mb(pid))
        return rss, (cpu_seconds(pid) - began) / runs, errors


def main(runs: int = 200) -> None:
    results = {}
    for name, post_script_gc in SETTINGS.items():
        env = {"STREAMLIT_RUNNER_POST_SCRIPT_GC": post_script_gc}
        with streamlit_server("memory.log", env=env) as (url, proc):
            rss, cpu, errors = asyncio.run(curve(url, proc.pid, runs))
            results[name] = (rss, cpu, peak_rss_mb(proc.pid), errors)
    names = list(results)
    print(f"{'distinct runs':>13} " + " ".join(f"{'RSS MB, ' + n:>28}" for n in names))
    for row in range(len(results[names[0]][0])):
        cells = " ".join(f"{results[n][0][row]:>28.0f}" for n in names)
        print(f"{row * EVERY:>13} {cells}")
    print(f"{'peak RSS MB':>13} " + " ".join(f"{results[n][2]:>28.0f}" for n in names))
    print(f"{'CPU-s per run':>13} " + " ".join(f"{results[n][1]:>28.3f}" for n in names))
    print(f"{'errors':>13} " + " ".join(f"{len(results[n][3]):>28}" for n in names))
    print(
        "\nEach run: Steps changed to a value not seen before (a new race and a new race chart); "
        "VmRSS read every 20 runs."
    )


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:2]))
