"""A live ``streamlit run`` on a free loopback port, and Debian's Chromium: shared by browser tests and benchmarks."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("LOSSVIZ_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


#: Streamlit's own default for what the repository's ``.streamlit/config.toml`` changes on the app's server
#: (``runner.postScriptGC``, off there): the bare baseline page runs as a bare ``streamlit run`` would.
BARE_STREAMLIT = ("--runner.postScriptGC", "true")


def streamlit_command(script: Path, port: int, flags: tuple[str, ...] = ()) -> list[str]:
    """``streamlit run script`` on loopback ``port``, headless, no usage statistics, then ``flags``."""
    server = ["--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true"]
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        *server,
        "--browser.gatherUsageStats",
        "false",
        *flags,
    ]


@contextlib.contextmanager
def streamlit_server(script: Path = ROOT / "app.py", timeout: float = 60, flags: tuple[str, ...] = ()) -> Iterator[str]:
    """Run ``streamlit run script [flags]`` until its health check answers; yield the base URL; stop it on exit."""
    port = free_port()
    cmd = streamlit_command(script, port, flags)
    env = dict(os.environ, PYTHONUNBUFFERED="1", PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    proc.kill()
                    out = proc.stdout.read().decode(errors="replace")[-2000:]
                    raise RuntimeError(f"streamlit did not start: {out}") from None
                time.sleep(0.3)
        # Nobody reads the log from here on: drain it so a chatty server never blocks on a full pipe.
        threading.Thread(target=proc.stdout.read, daemon=True).start()
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"


def wait_idle(page, timeout: float = 30_000, settle_ms: int = 200) -> None:
    """Wait until Streamlit has finished the current script run (twice, ``settle_ms`` apart: a rerun may follow)."""
    page.wait_for_selector(IDLE, timeout=timeout)
    page.wait_for_timeout(settle_ms)
    page.wait_for_selector(IDLE, timeout=timeout)


def launch_chromium(playwright, extra_args: list[str] | None = None):
    """Debian's Chromium, headless, through Playwright (never a downloaded browser); ``extra_args`` are added."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS + (extra_args or []))
