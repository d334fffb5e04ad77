"""Load generator: many simulated users on one Streamlit server, speaking Streamlit's websocket protocol (no browsers).

Each simulated session does what a browser tab does: it GETs the page (a proxy sets its stickiness cookie there),
opens ``/_stcore/stream``, asks for a run of the page with the URL's query (``BackMsg.rerun_script``), then loops:
move the page's control to another value on its grid (a slider on most pages, the prediction's x1 number input on
IoU, a toggle on Simulation: ``Target.slider``; the widget id comes from the ``ForwardMsg`` deltas; the URL's query
follows the control as a bound widget's does; a control drawn inside a fragment asks for a run of that fragment, as
a browser does: the delta's ``fragment_id``), wait until the rerun has finished (``script_finished``), think 2-3 s.
It keeps the hashes of the cacheable messages it got and sends them back, as the browser's message cache does, so
the bytes counted are the bytes a browser receives. A closed connection, a refused one or a rerun that takes longer
than the session's patience is an error; the session then opens a new one (a browser reloading), until the end of
the run: a dead server costs errors, never a hang.

Each point starts its own server on a free loopback port (``streamlit run``; the bare baseline page is
``bench/baseline_app.py``: one slider and a 2,000-point Plotly line) and stops it. Server CPU and memory come from
/proc of the server process.

    python -m bench.loadgen                                   # regression, iou, classification + baseline at 1, 10, 30
    python -m bench.loadgen --targets regression --sessions 5 --duration 20
    python -m bench.loadgen --targets all --sessions 1 --duration 20     # every page (PAGES) and the baseline
    python -m bench.loadgen --replicas 1,2 --targets regression --sessions 30   # through haproxy (bench/cluster.py)

Writes ``bench/results/loadgen.json`` and ``bench/results/loadgen.md`` and prints the table.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import platform
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect
from websockets.exceptions import WebSocketException

from bench._live import BARE_STREAMLIT, ROOT, free_port, streamlit_command


def run_async(coro):
    """``asyncio.run(coro)`` in a thread of its own, so it also works where this thread already runs an event loop
    (Playwright's sync API keeps one running in the test process once a browser test has started)."""
    result: dict = {}

    def target() -> None:
        try:
            result["value"] = asyncio.run(coro)
        except BaseException as err:  # re-raised in the caller's thread
            result["error"] = err

    worker = threading.Thread(target=target, name="loadgen-asyncio")
    worker.start()
    worker.join()
    if "error" in result:
        raise result["error"]
    return result.get("value")


RESULTS = ROOT / "bench" / "results"
FINISHED_EARLY = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_EARLY_FOR_RERUN")
COMPILE_ERROR = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_WITH_COMPILE_ERROR")
CLOCK_TICK = os.sysconf("SC_CLK_TCK")
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")
MAX_SESSIONS = 200  # bounded: a typo must not open thousands of sockets
MAX_DURATION = 900.0


@dataclass(frozen=True)
class Target:
    """What a session loads: a script, the page's url path, the URL query and the URL key of the control it moves
    (a slider, a bounded number input or a toggle; empty: the page's first slider, else its first number input)."""

    name: str
    script: Path
    path: str
    query: str
    slider: str
    flags: tuple[str, ...] = ()  # extra ``streamlit run`` options for this target's server


TARGETS = {
    # bare Streamlit: the runner's defaults, not this repository's config.toml (which turns the per-rerun gc off)
    "baseline": Target("baseline", ROOT / "bench" / "baseline_app.py", "", "", "b_freq", BARE_STREAMLIT),
    # the same bare page on lossviz's server config: what is left of a rerun once the per-rerun gc is off
    "baseline_config": Target("baseline_config", ROOT / "bench" / "baseline_app.py", "", "", "b_freq"),
    "regression": Target("regression", ROOT / "app.py", "regression", "", "reg_alpha"),
    "iou": Target("iou", ROOT / "app.py", "iou", "", ""),  # no slider by default: a box coordinate moves
    "classification": Target("classification", ROOT / "app.py", "classification", "", "cls_gamma"),
    "boxsize": Target("boxsize", ROOT / "app.py", "boxsize", "", "bs_px"),
    "libra": Target("libra", ROOT / "app.py", "libra", "", "lib_crowd"),
    # the log-scale toggle of the curves view: the reduced run (the default, cached for every session) is redrawn,
    # no run is started (a student moving "points" or "seed" would start a new one)
    "simulation": Target("simulation", ROOT / "app.py", "simulation", "", "sim_log"),
    # the synthetic sample of the first visit; the number of buckets: COCOeval runs again per bucketing
    "sensitivity": Target("sensitivity", ROOT / "app.py", "sensitivity", "", "sens_buckets"),
}
PAGES = [n for n in TARGETS if not n.startswith("baseline")]


# --------------------------------------------------------------------------------------------------- the server


class Server:
    """``streamlit run SCRIPT`` on a free loopback port: its URL, and its CPU time and RSS from /proc."""

    def __init__(self, script: Path = ROOT / "app.py", port: int | None = None, flags: tuple[str, ...] = ()) -> None:
        self.script = Path(script)
        self.flags = tuple(flags)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 90) -> Server:
        cmd = streamlit_command(self.script, self.port, self.flags)
        env = dict(os.environ, PYTHONUNBUFFERED="1", PYTHONPATH=str(ROOT))
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while not healthy(self.url):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                out = self.proc.stdout.read().decode(errors="replace")[-2000:]
                raise RuntimeError(f"streamlit did not start on {self.url}: {out}")
            time.sleep(0.3)
        threading.Thread(target=self.proc.stdout.read, daemon=True).start()  # drain: a full pipe would block it
        return self

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def cpu_seconds(self) -> float:
        """User + system CPU time of the server process so far."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICK

    def rss_bytes(self) -> int:
        return int(Path(f"/proc/{self.pid}/statm").read_text().split()[1]) * PAGE_BYTES

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        if self.alive():
            self.proc.kill()
            self.proc.wait(10)

    def pause(self) -> None:
        os.kill(self.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.kill(self.pid, signal.SIGCONT)

    def stop(self) -> None:
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGCONT)  # a paused server cannot act on SIGTERM
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    def __enter__(self) -> Server:
        return self.start() if self.proc is None else self

    def __exit__(self, *exc) -> None:
        self.stop()


def healthy(url: str, timeout: float = 1.0) -> bool:
    try:
        with urllib.request.urlopen(url + "/_stcore/health", timeout=timeout) as r:
            return r.status == 200
    except OSError:
        return False


# --------------------------------------------------------------------------------------------------- one session


@dataclass
class SliderInfo:
    id: str
    key: str
    lo: float
    hi: float
    step: float
    value: float
    kind: str = "slider"  # or "number_input" (moved the same way, sent as a double_value), or "toggle" (flipped)
    fragment: str = ""  # the fragment the control was drawn in: moving it reruns that fragment, as in a browser


class SessionError(Exception):
    """A session could not go on: ``kind`` is the error's column in the report."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind


class Session:
    """One simulated browser tab on ``base_url``: load ``target``'s page, then move its slider."""

    def __init__(self, base_url: str, target: Target, patience: float, rng: random.Random) -> None:
        self.base = base_url.rstrip("/")
        self.target = target
        self.patience = patience
        self.rng = rng
        self.query = dict(urllib.parse.parse_qsl(target.query))
        self.page_hash = ""
        self.sliders: dict[str, SliderInfo] = {}
        self.numbers: dict[str, SliderInfo] = {}  # bounded number inputs: moved when a page shows no slider
        self.toggles: dict[str, SliderInfo] = {}  # st.toggle / st.checkbox: moved only when the target names one
        self.widgets: dict[str, list[float]] = {}
        self.cache: set[str] = set()
        # hashes of every element message received (a small figure is sent whole, never through the message cache)
        self.elements: set[int] = set()
        self.bytes = 0  # since the last collection
        self.received = 0  # all along
        self.exceptions: list[str] = []
        self.finishes = 0
        self.last_finish: int | None = None
        self.cookie = ""  # the proxy's stickiness cookie, when there is one
        self.closed = False
        self.moved = ""
        self._finished = asyncio.Event()
        self._ws = None
        self._reader: asyncio.Task | None = None

    @property
    def page_url(self) -> str:
        q = urllib.parse.urlencode(self.query)
        return f"{self.base}/{self.target.path}" + (f"?{q}" if q else "")

    def _get_page(self) -> str:
        """GET the page as a browser does first; return the cookies it sets (a sticky proxy's among them)."""
        with urllib.request.urlopen(self.page_url, timeout=self.patience) as r:
            r.read()
            return "; ".join(c.split(";", 1)[0] for c in r.headers.get_all("Set-Cookie") or [])

    async def open(self) -> float:
        """Load the page: GET, websocket, first run with the URL's query. Returns the seconds it took."""
        t0 = time.perf_counter()
        try:
            self.cookie = await asyncio.wait_for(asyncio.to_thread(self._get_page), self.patience)
            headers = {"Cookie": self.cookie} if self.cookie else {}
            ws_url = "ws" + self.base[4:] + "/_stcore/stream"
            self._ws = await asyncio.wait_for(
                connect(
                    ws_url,
                    subprotocols=["streamlit"],
                    additional_headers=headers,
                    origin=self.base,
                    max_size=None,
                    ping_interval=None,
                    compression=None,
                ),
                self.patience,
            )
        except TimeoutError:
            raise SessionError("timeout", "page load") from None
        except (OSError, WebSocketException) as e:
            raise SessionError("connect", repr(e)) from None
        self._reader = asyncio.create_task(self._read())
        await self._run(initial=True)
        return time.perf_counter() - t0

    async def _read(self) -> None:
        try:
            async for data in self._ws:
                self.bytes += len(data)
                self.received += len(data)
                msg = ForwardMsg()
                msg.ParseFromString(data)
                if msg.metadata.cacheable and msg.hash:
                    self.cache.add(msg.hash)
                kind = msg.WhichOneof("type")
                if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                    self.elements.add(hash(msg.delta.new_element.SerializeToString(deterministic=True)))
                    self._element(msg.delta.new_element, msg.delta.fragment_id)
                elif kind == "navigation":
                    self.page_hash = msg.navigation.page_script_hash
                elif kind == "new_session" and msg.new_session.page_script_hash:
                    self.page_hash = msg.new_session.page_script_hash
                elif kind == "page_not_found":
                    self.exceptions.append(f"page not found: {self.target.path}")
                elif kind == "script_finished" and msg.script_finished != FINISHED_EARLY:
                    if msg.script_finished == COMPILE_ERROR:
                        self.exceptions.append("compile error")
                    self.finishes += 1
                    self.last_finish = msg.script_finished  # a page's run or a fragment's (FINISHED_FRAGMENT_RUN_...)
                    self._finished.set()
        except (OSError, WebSocketException):
            pass
        finally:
            self.closed = True
            self._finished.set()

    def _element(self, el, fragment: str = "") -> None:
        kind = el.WhichOneof("type")
        if kind == "exception":
            self.exceptions.append(f"{el.exception.type}: {el.exception.message}"[:300])
        elif kind == "slider":
            s = el.slider
            # the value the server set (set_value), else ours, else the URL's / the default (as a browser keeps it)
            values = list(s.value) if s.set_value else self.widgets.get(s.id) or list(s.value) or list(s.default)
            info = SliderInfo(s.id, s.query_param_key, s.min, s.max, s.step or 1.0, float(values[0]), fragment=fragment)
            self.sliders[s.id] = info
        elif kind == "number_input" and el.number_input.has_min and el.number_input.has_max:
            n = el.number_input
            mine = self.numbers.get(n.id)
            value = n.value if n.set_value or mine is None else mine.value
            if not (n.set_value or mine) and n.HasField("default"):
                value = n.default
            step = n.step or 1.0
            info = SliderInfo(n.id, n.query_param_key, n.min, n.max, step, float(value), "number_input", fragment)
            self.numbers[n.id] = info
        elif kind == "checkbox":
            c = el.checkbox
            mine = self.toggles.get(c.id)
            value = c.value if c.set_value or mine is None else bool(mine.value)
            if not (c.set_value or mine):
                value = c.default
            self.toggles[c.id] = SliderInfo(c.id, c.query_param_key, 0.0, 1.0, 1.0, float(value), "toggle", fragment)

    def slider(self) -> SliderInfo | None:
        """The target's slider (by its URL key), else the page's first slider."""
        key = self.target.slider
        for s in self.sliders.values():
            if key and (s.key == key or s.id.endswith(f"-{key}")):
                return s
        for s in [*self.numbers.values(), *self.toggles.values()]:
            if key and (s.key == key or s.id.endswith(f"-{key}")):
                return s
        return next(iter(self.sliders.values()), None) or next(iter(self.numbers.values()), None)

    async def _run(self, initial: bool = False, fragment: str = "") -> None:
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = urllib.parse.urlencode(self.query)
        cs.page_script_hash = self.page_hash
        cs.fragment_id = fragment  # a control inside a fragment reruns that fragment only (the browser's rule)
        if initial:
            cs.page_name = self.target.path
        for wid, value in self.widgets.items():
            w = cs.widget_states.widgets.add()
            w.id = wid
            if wid in self.numbers:
                w.double_value = value[0]
            elif wid in self.toggles:
                w.bool_value = bool(value[0])
            else:
                w.double_array_value.data.extend(value)
        cs.cached_message_hashes.extend(sorted(self.cache))
        cs.context_info.timezone = "UTC"
        cs.context_info.locale = "en-US"
        cs.context_info.url = self.page_url
        before = self.finishes
        self._finished.clear()
        try:
            await self._ws.send(msg.SerializeToString())
            deadline = time.monotonic() + self.patience
            while self.finishes == before and not self.closed:
                await asyncio.wait_for(self._finished.wait(), max(0.0, deadline - time.monotonic()))
                self._finished.clear()
        except TimeoutError:
            raise SessionError("timeout", f"no script_finished within {self.patience:g} s") from None
        except (OSError, WebSocketException) as e:
            raise SessionError("disconnect", repr(e)) from None
        if self.finishes == before:
            raise SessionError("disconnect", "connection closed during a run")

    async def move_slider(self) -> tuple[float, int]:
        """Move the slider to another value on its grid; wait for the rerun. Returns the seconds and bytes it took."""
        s = self.slider()
        if s is None:
            raise SessionError("no_slider", self.target.name)
        n = max(1, round((s.hi - s.lo) / s.step))
        current = round((s.value - s.lo) / s.step)
        k = self.rng.choice([i for i in range(n + 1) if i != current])
        value = round(s.lo + k * s.step, 10)
        s.value = value
        self.widgets[s.id] = [value]
        if s.key:
            self.query[s.key] = ("true" if value else "false") if s.kind == "toggle" else f"{value:g}"
        self.moved = s.key or s.id
        t0, b0 = time.perf_counter(), self.received
        await self._run(fragment=s.fragment)
        return time.perf_counter() - t0, self.received - b0

    async def close(self) -> None:
        if self._ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._ws.close(), 2)
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(BaseException):
                await self._reader


# --------------------------------------------------------------------------------------------------- many sessions


@dataclass
class Tally:
    """What all sessions of one point did."""

    latencies: list[float] = field(default_factory=list)
    loads: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    offered: float = 0.0
    bytes: int = 0
    rerun_bytes: int = 0
    done_at: list[float] = field(default_factory=list)  # time.monotonic() of each finished rerun
    moved: set = field(default_factory=set)  # the URL keys (or ids) of the sliders moved
    exceptions: list[str] = field(default_factory=list)
    cookies: list[str] = field(default_factory=list)  # each (re)connection's stickiness cookie, in order
    started: float = 0.0  # time.monotonic() when the sessions began
    loaded_at: list[float] = field(default_factory=list)  # time.monotonic() of each finished page load


async def _session_loop(base, target, tally, start, end, think, patience, seed) -> None:
    rng = random.Random(seed)
    await asyncio.sleep(max(0.0, start - time.monotonic()))
    tally.offered += 1 + max(0.0, end - time.monotonic()) / (sum(think) / 2)  # every rerun instant: load, move, think
    sess: Session | None = None
    try:
        while time.monotonic() < end:
            try:
                if sess is None:
                    sess = Session(base, target, patience, rng)
                    tally.loads.append(await sess.open())
                    tally.loaded_at.append(time.monotonic())
                    tally.cookies.append(sess.cookie)
                latency, received = await sess.move_slider()
                tally.moved.add(sess.moved)
                if time.monotonic() <= end:
                    tally.latencies.append(latency)
                    tally.rerun_bytes += received
                    tally.done_at.append(time.monotonic())
                await asyncio.sleep(min(rng.uniform(*think), max(0.0, end - time.monotonic())))
            except SessionError as e:
                if time.monotonic() > end and e.kind == "timeout":
                    break  # cut off by the end of the run, not an error
                tally.errors[e.kind] += 1
                if sess is not None:
                    _collect(tally, sess)
                    await sess.close()
                    sess = None
                await asyncio.sleep(min(1.0, max(0.0, end - time.monotonic())))  # a browser retries after a pause
            if sess is not None and sess.exceptions:
                _collect(tally, sess)
    finally:
        if sess is not None:
            _collect(tally, sess)
            await sess.close()


def _collect(tally: Tally, sess: Session) -> None:
    tally.bytes += sess.bytes
    sess.bytes = 0
    tally.errors["exception"] += len(sess.exceptions)
    tally.exceptions.extend(sess.exceptions)
    sess.exceptions.clear()


async def drive(
    base: str,
    target: Target,
    sessions: int,
    duration: float,
    think: tuple[float, float] = (2.0, 3.0),
    patience: float = 30.0,
    seed: int = 0,
    burst: bool = False,
    during=None,
) -> Tally:
    """Run ``sessions`` simulated sessions on ``base`` for ``duration`` seconds; start times spread over one think
    time (``burst``: all at once). ``during(tally)`` (an async callable) runs beside them, e.g. to kill a server."""
    if not 1 <= sessions <= MAX_SESSIONS:
        raise ValueError(f"sessions must be in [1, {MAX_SESSIONS}], got {sessions}")
    if not 0 < duration <= MAX_DURATION:
        raise ValueError(f"duration must be in (0, {MAX_DURATION:g}] s, got {duration}")
    tally = Tally()
    now = time.monotonic()
    tally.started = now
    end = now + duration
    spread = 0.0 if burst else think[1]
    tasks = [
        _session_loop(base, target, tally, now + spread * i / sessions, end, think, patience, seed * 1000 + i)
        for i in range(sessions)
    ]
    if during is not None:
        tasks.append(during(tally))
    # every session stops at `end`; a run in flight gets its patience, and then some, to finish
    await asyncio.wait_for(asyncio.gather(*tasks), duration + 2 * patience + 30)
    return tally


def summarise(tally: Tally, sessions: int, duration: float, cpu_s: float, rss_growth: int) -> dict:
    lat = sorted(tally.latencies)
    done = len(lat)

    loads = sorted(tally.loads)
    # a burst's recovery: when the last of the first page loads finished, and the reruns that started after it
    first_loads = sorted(tally.loaded_at)[:sessions]
    settled_at = first_loads[-1] if len(first_loads) == sessions else None
    pairs = zip(tally.latencies, tally.done_at, strict=True)
    after = sorted(lat for lat, t in pairs if settled_at and t - lat >= settled_at)

    def pct_of(values: list[float], q: float) -> float | None:
        return values[min(len(values) - 1, math.ceil(q * len(values)) - 1)] if values else None

    return {
        "sessions": sessions,
        "duration_s": duration,
        "done": done,
        "offered": round(tally.offered),
        "p50_s": pct_of(lat, 0.50),
        "p95_s": pct_of(lat, 0.95),
        "load_p50_s": statistics.median(tally.loads) if tally.loads else None,
        "load_p95_s": pct_of(loads, 0.95),
        "load_max_s": loads[-1] if loads else None,
        "all_loaded_s": settled_at - tally.started if settled_at else None,
        "settled_reruns": len(after),
        "settled_p95_s": pct_of(after, 0.95),
        "errors": sum(tally.errors.values()),
        "error_kinds": dict(tally.errors),
        "exceptions": tally.exceptions[:5],
        "cpu_pct": 100.0 * cpu_s / duration,
        "cpu_ms_per_rerun": 1000.0 * cpu_s / done if done else None,
        "bytes_per_rerun": tally.rerun_bytes / done if done else None,
        "bytes_total": tally.bytes,
        "loads": len(tally.loads),
        "moved": sorted(tally.moved),
        "rss_mb_per_session": rss_growth / sessions / 2**20,
        "throughput_per_s": done / duration,
    }


def measure(
    target: Target, sessions: int, duration: float, think=(2.0, 3.0), patience: float = 30.0, burst: bool = False
) -> dict:
    """One point: a fresh server for ``target``, one warm-up session, then ``sessions`` sessions for ``duration``."""
    with Server(target.script, flags=target.flags) as server:
        run_async(drive(server.url, target, 1, 6.0, think=(0.5, 0.5), patience=patience, seed=99))
        time.sleep(0.5)
        cpu0, rss0, load0 = server.cpu_seconds(), server.rss_bytes(), os.getloadavg()[0]
        rss_peak = [rss0]

        async def sample(_tally):  # RSS while the sessions are connected (their state is what a class costs)
            t_end = time.monotonic() + duration
            while time.monotonic() < t_end:
                await asyncio.sleep(1.0)
                rss_peak.append(server.rss_bytes())

        tally = run_async(drive(server.url, target, sessions, duration, think, patience, burst=burst, during=sample))
        cpu = server.cpu_seconds() - cpu0
        row = summarise(tally, sessions, duration, cpu, max(rss_peak) - rss0)
        time.sleep(3.0)  # the sessions have closed their sockets: what the server still holds for them
        row.update(target=target.name, load_before=load0, load_after=os.getloadavg()[0], burst=burst)
        row["rss_mb_after_per_session"] = (server.rss_bytes() - rss0) / sessions / 2**20
        row["rss_mb_peak"] = max(rss_peak) / 2**20
        return row


# --------------------------------------------------------------------------------------------------- reports


def _fmt(v, spec: str, unit: str = "") -> str:
    return "—" if v is None else f"{v:{spec}}{unit}"


def replica_table(rows: list[dict]) -> str:
    """Markdown for runs through haproxy: throughput per replica count, and its ratio to one replica."""
    one = {(r["target"], r["sessions"]): r for r in rows if r["replicas"] == 1}
    base = {(r["replicas"], r["sessions"]): r for r in rows if r["target"] == "baseline"}
    lines = [
        "| page | replicas | sessions | reruns done / offered | reruns / s | ÷ 1 replica | p50 | p95 | errors "
        "| server CPU (all replicas) | CPU ms / rerun | kB / rerun | p95, CPU, bytes ÷ baseline (same replicas) "
        "| sessions per replica |",
        "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in rows:
        b = one.get((r["target"], r["sessions"]))
        ratio = f"{r['throughput_per_s'] / b['throughput_per_s']:.2f}×" if b and b["throughput_per_s"] else "—"
        spread = ", ".join(str(n) for n in r["sessions_per_replica"].values())
        kb = None if r["bytes_per_rerun"] is None else r["bytes_per_rerun"] / 1000
        lines.append(
            f"| {r['target']} | {r['replicas']} | {r['sessions']} | {r['done']} / {r['offered']} "
            f"| {r['throughput_per_s']:.2f} | {ratio} | {_fmt(r['p50_s'], '.2f', ' s')} "
            f"| {_fmt(r['p95_s'], '.2f', ' s')} "
            f"| {r['errors']} | {r['cpu_pct']:.0f} % | {_fmt(r['cpu_ms_per_rerun'], '.0f')} | {_fmt(kb, '.0f')} "
            f"| {_ratios(r, base.get((r['replicas'], r['sessions'])))} | {spread} |"
        )
    return "\n".join(lines)


def _ratios(r: dict, b: dict | None) -> str:
    """p95, CPU and bytes per rerun of ``r`` over the baseline's ``b`` ("—" for the baseline itself or a gap)."""
    keys = ("p95_s", "cpu_ms_per_rerun", "bytes_per_rerun")
    if b is None or r is b or not all(r[k] and b[k] for k in keys):
        return "—"
    return ", ".join(f"{r[k] / b[k]:.1f}×" for k in keys)


def burst_table(rows: list[dict]) -> str:
    """Markdown for ``--burst``: every session's page load at once, then the usual slider moves."""
    lines = [
        "| page | replicas | page loads at once | loads done in the run | errors | first full page p50 / p95 / max "
        "| all loaded after "
        "| reruns after that: n, p95 | server CPU | peak RSS growth MB / session | after they left |",
        "|---|---:|---:|---:|---:|---|---:|---|---:|---:|---:|",
    ]
    for r in rows:
        loads = " / ".join(_fmt(r[k], ".1f", " s") for k in ("load_p50_s", "load_p95_s", "load_max_s"))
        lines.append(
            f"| {r['target']} | {r.get('replicas', 1)} | {r['sessions']} | {r['loads']} | {r['errors']} | {loads} "
            f"| {_fmt(r['all_loaded_s'], '.1f', ' s')} "
            f"| {r['settled_reruns']}, {_fmt(r['settled_p95_s'], '.2f', ' s')} | {r['cpu_pct']:.0f} % "
            f"| {r['rss_mb_per_session']:.1f} | {_fmt(r.get('rss_mb_after_per_session'), '.1f')} |"
        )
    return "\n".join(lines)


def table(rows: list[dict]) -> str:
    """Markdown: one line per point; pages get their ratios to the baseline at the same session count."""
    if rows and rows[0].get("burst"):
        return burst_table(rows)
    if rows and "replicas" in rows[0]:
        return replica_table(rows)
    base = {r["sessions"]: r for r in rows if r["target"] == "baseline"}
    head = (
        "| page | sessions | reruns done / offered | p50 | p95 | errors | server CPU | CPU ms / rerun | kB / rerun "
        "| retained MB / session (after they left) | p95, CPU, bytes ÷ baseline |\n"
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|"
    )
    lines = [head]
    for r in rows:
        ratio = _ratios(r, base.get(r["sessions"]))
        left = r.get("rss_mb_after_per_session")
        after = "" if left is None else f" ({left:.1f})"
        kb = None if r["bytes_per_rerun"] is None else r["bytes_per_rerun"] / 1000
        lines.append(
            f"| {r.get('label', r['target'])} | {r['sessions']} | {r['done']} / {r['offered']} "
            f"| {_fmt(r['p50_s'], '.2f', ' s')} | {_fmt(r['p95_s'], '.2f', ' s')} | {r['errors']} "
            f"| {r['cpu_pct']:.0f} % | "
            f"{_fmt(r['cpu_ms_per_rerun'], '.0f')} | {_fmt(kb, '.0f')} | {r['rss_mb_per_session']:.1f}{after} "
            f"| {ratio} |"
        )
    return "\n".join(lines)


def write(rows: list[dict], name: str = "loadgen") -> str:
    RESULTS.mkdir(parents=True, exist_ok=True)
    meta = {
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "cpus": os.cpu_count(),
        "machine": platform.processor() or platform.machine(),
        "python": platform.python_version(),
    }
    (RESULTS / f"{name}.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=2))
    md = f"Measured {meta['when']}, {meta['cpus']} CPUs, Python {meta['python']}.\n\n" + table(rows)
    (RESULTS / f"{name}.md").write_text(md + "\n")
    return md


def _ints(s: str) -> list[int]:
    return [int(x) for x in s.split(",") if x]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.loadgen", description=__doc__.split("\n\n")[0])
    p.add_argument("--targets", default="regression,iou,classification", help=f"'all' or some of {', '.join(PAGES)}")
    p.add_argument("--sessions", default="1,10,30", help="session counts, comma-separated")
    p.add_argument("--duration", type=float, default=45.0, help="seconds per point")
    p.add_argument("--think", default="2,3", help="think time range in seconds")
    p.add_argument("--patience", type=float, default=30.0, help="seconds a session waits for a rerun")
    p.add_argument("--no-baseline", action="store_true", help="skip the bare baseline page")
    p.add_argument("--burst", action="store_true", help="all sessions load the page at once (default: spread)")
    p.add_argument("--replicas", default="", help="e.g. 1,2: app replicas behind haproxy instead of one server")
    p.add_argument("--name", default="", help="results file name (default loadgen or loadgen-replicas)")
    a = p.parse_args(argv)
    think = tuple(float(x) for x in a.think.split(","))
    names = (
        ["baseline_config", *PAGES]
        if a.targets == "all"
        else [n for n in a.targets.split(",") if n and n != "baseline"]
    )
    unknown = [n for n in names if n not in TARGETS]
    if unknown:
        p.error(f"unknown target {unknown}; known: {', '.join(TARGETS)}")
    rows = []
    order = names if a.no_baseline else ["baseline", *names]
    if a.replicas:
        from bench.cluster import measure_cluster

        for n in _ints(a.sessions):
            for replicas in _ints(a.replicas):
                for name in order:
                    print(f"# {name} × {n} sessions, {replicas} replicas ...", file=sys.stderr, flush=True)
                    rows.append(measure_cluster(TARGETS[name], replicas, n, a.duration, think, a.patience, a.burst))
        md = write(rows, a.name or "loadgen-replicas")
    else:
        for n in _ints(a.sessions):
            for name in order:
                print(f"# {name} × {n} sessions ...", file=sys.stderr, flush=True)
                rows.append(measure(TARGETS[name], n, a.duration, think, a.patience, a.burst))
        md = write(rows, a.name or "loadgen")
    print(md)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
