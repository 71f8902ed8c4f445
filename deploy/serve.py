"""Serve the app from several Streamlit replicas behind nginx, with sticky sessions.

    python deploy/serve.py --replicas 2 --port 8080

starts the replicas on the loopback ports after `--port` (8081, 8082, ...), renders
deploy/nginx.conf for them and runs Debian's nginx in front on `--port`, until Ctrl+C. See the
README, "Hosting a whole school", for when to use it and how many students a replica holds.
"""

from __future__ import annotations

import argparse
import getpass
import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "deploy" / "nginx.conf"
# The frontend files Streamlit serves under /static/, found without importing Streamlit.
STREAMLIT_STATIC = Path(importlib.util.find_spec("streamlit").origin).parent / "static" / "static"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def replica_command(port: int) -> list[str]:
    """One replica: the app exactly as `streamlit run app.py` serves it, on a loopback port."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "app.py"),
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--server.fileWatcherType",  # a served app's source does not change under it
        "none",
        "--browser.gatherUsageStats",
        "false",
    ]


def render_config(listen: int, replica_ports: list[int], run_dir: Path) -> str:
    servers = "\n".join(f"        server 127.0.0.1:{port};" for port in replica_ports)
    return (
        TEMPLATE.read_text()
        .replace("@RUN_DIR@", str(run_dir))
        .replace("@STATIC_DIR@", str(STREAMLIT_STATIC))
        .replace("@USER_LINE@", f"user {getpass.getuser()};" if os.geteuid() == 0 else "")
        .replace("@UPSTREAM_SERVERS@", servers)
        .replace("@LISTEN@", f"127.0.0.1:{listen}")
    )


def wait_healthy(url: str, processes: list[subprocess.Popen], timeout: float = 120.0) -> None:
    """Poll `url` until it answers "ok"; fail early when one of `processes` has exited."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for proc in processes:
            if proc.poll() is not None:
                raise RuntimeError(f"{proc.args[0]} exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.read().decode().strip() == "ok":
                    return
        except OSError:
            time.sleep(0.2)  # a server that is still starting: nothing to await but its answer
    raise TimeoutError(f"{url} did not answer ok within {timeout} s")


@contextmanager
def process(
    command: list[str], log: Path, env: Mapping[str, str] | None = None
) -> Iterator[subprocess.Popen]:
    """Run `command` from the repository root, its output into `log`, with `env` added to this
    environment; stop it (terminate, then kill) when the block ends."""
    with log.open("w") as out:
        proc = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def serve(replicas: int, port: int, log_dir: Path | None = None) -> Iterator[str]:
    """Start `replicas` Streamlit servers and nginx in front of them; yield nginx's URL."""
    if replicas < 1:
        raise ValueError("replicas must be at least 1")
    with ExitStack() as stack:
        run_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="playground-nginx-")))
        run_dir.chmod(0o755)  # nginx's workers drop root and must reach their temp folders
        logs = log_dir or run_dir
        logs.mkdir(parents=True, exist_ok=True)
        ports = [port + 1 + i for i in range(replicas)]
        procs = [
            stack.enter_context(process(replica_command(p), logs / f"replica-{p}.log"))
            for p in ports
        ]
        for p in ports:
            wait_healthy(f"http://127.0.0.1:{p}/_stcore/health", procs)
        config = run_dir / "nginx.conf"
        config.write_text(render_config(port, ports, run_dir))
        nginx = [NGINX, "-p", str(run_dir), "-c", str(config)]
        subprocess.run([*nginx, "-t", "-q"], check=True)
        procs.append(stack.enter_context(process(nginx, logs / "nginx.log")))
        url = f"http://127.0.0.1:{port}"
        wait_healthy(f"{url}/_stcore/health", procs)
        yield url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args()
    with serve(args.replicas, args.port) as url:
        print(f"serving {args.replicas} replicas at {url} (Ctrl+C stops)", flush=True)
        signal.sigwait({signal.SIGINT, signal.SIGTERM})


if __name__ == "__main__":
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    main()
