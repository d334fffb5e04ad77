"""N lossviz replicas behind Debian's haproxy on loopback, with the config rendered from deploy/haproxy.cfg.in.

Used by tests/test_deploy.py (a replica killed mid-run) and by ``python -m bench.loadgen --replicas 1,2`` (the
throughput of 1 and 2 replicas).
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench._live import ROOT, free_port
from bench.loadgen import Server, Target, drive, healthy, run_async, summarise

HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"
COOKIE = "LOSSVIZ_REPLICA"


def render_haproxy(bind: str, servers: list[str]) -> str:
    """deploy/render_haproxy.py's render(): the shipped template with these servers."""
    spec = importlib.util.spec_from_file_location("render_haproxy", ROOT / "deploy" / "render_haproxy.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.render(bind, servers)


class Cluster:
    """``replicas`` app servers and haproxy in front of them; ``url`` is the proxy's."""

    def __init__(self, replicas: int, script: Path = ROOT / "app.py", flags: tuple[str, ...] = ()) -> None:
        if not Path(HAPROXY).exists():
            raise FileNotFoundError(f"haproxy not found ({HAPROXY}): `make test` installs Debian's haproxy package")
        self.servers = [Server(script, flags=flags) for _ in range(replicas)]
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proxy: subprocess.Popen | None = None
        self._dir = tempfile.TemporaryDirectory(prefix="lossviz-haproxy-")
        self.config = Path(self._dir.name) / "haproxy.cfg"

    def replica(self, cookie: str) -> Server:
        """The server a ``LOSSVIZ_REPLICA=appN`` cookie names."""
        value = dict(c.strip().split("=", 1) for c in cookie.split(";") if "=" in c)[COOKIE]
        return self.servers[int(value.removeprefix("app")) - 1]

    def start(self, timeout: float = 120) -> Cluster:
        with ThreadPoolExecutor(len(self.servers)) as pool:  # replicas start side by side
            list(pool.map(lambda s: s.start(timeout), self.servers))
        self.config.write_text(render_haproxy(f"127.0.0.1:{self.port}", [s.url[7:] for s in self.servers]))
        cmd = [HAPROXY, "-db", "-f", str(self.config)]
        self.proxy = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while not healthy(self.url):
            if self.proxy.poll() is not None or time.monotonic() > deadline:
                err = self.proxy.stderr.read().decode(errors="replace")[-2000:] if self.proxy.poll() is not None else ""
                self.stop()
                raise RuntimeError(f"haproxy did not serve {self.url}: {err}")
            time.sleep(0.2)
        return self

    def stop(self) -> None:
        if self.proxy is not None and self.proxy.poll() is None:
            self.proxy.terminate()
            try:
                self.proxy.wait(10)
            except subprocess.TimeoutExpired:
                self.proxy.kill()
        for s in self.servers:
            s.stop()
        with contextlib.suppress(OSError):
            self._dir.cleanup()

    def __enter__(self) -> Cluster:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def page_cookie(url: str) -> str:
    """GET ``url`` and return the replica cookie the proxy sets."""
    with urllib.request.urlopen(url, timeout=30) as r:
        r.read()
        return "; ".join(c.split(";", 1)[0] for c in r.headers.get_all("Set-Cookie") or [])


def measure_cluster(
    target: Target, replicas: int, sessions: int, duration: float, think=(2.0, 3.0), patience=30.0, burst=False
):
    """One point through haproxy: every replica warmed up directly, then ``sessions`` sessions through the proxy
    (``burst``: all their page loads at once)."""
    with Cluster(replicas, target.script, target.flags) as cluster:
        for s in cluster.servers:
            run_async(drive(s.url, target, 1, 6.0, think=(0.5, 0.5), patience=patience, seed=99))
        cpu0 = sum(s.cpu_seconds() for s in cluster.servers)
        rss0 = sum(s.rss_bytes() for s in cluster.servers)
        load0 = os.getloadavg()[0]
        tally = run_async(drive(cluster.url, target, sessions, duration, think, patience, burst=burst))
        cpu = sum(s.cpu_seconds() for s in cluster.servers) - cpu0
        row = summarise(tally, sessions, duration, cpu, sum(s.rss_bytes() for s in cluster.servers) - rss0)
        per_replica = {c: tally.cookies.count(c) for c in sorted(set(tally.cookies))}
        row.update(target=target.name, replicas=replicas, label=f"{target.name}, {replicas} replica(s)", burst=burst)
        row.update(load_before=load0, load_after=os.getloadavg()[0])
        row["sessions_per_replica"] = per_replica
        return row
