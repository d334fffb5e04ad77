"""The load generator (bench/loadgen.py) end to end on the bare baseline page: reruns counted, errors counted."""

from __future__ import annotations

import asyncio
import random
import time

import pytest

from bench.loadgen import TARGETS, Server, Session, drive, run_async, summarise

BASELINE = TARGETS["baseline"]


@pytest.fixture
def baseline_server():
    with Server(BASELINE.script) as server:
        yield server


def test_loadgen_sessions_move_the_slider_and_count_reruns(baseline_server):
    cpu0 = baseline_server.cpu_seconds()
    tally = run_async(drive(baseline_server.url, BASELINE, 2, 5.0, think=(0.3, 0.5), patience=20))
    row = summarise(tally, 2, 5.0, baseline_server.cpu_seconds() - cpu0, 0)
    assert row["errors"] == 0, tally.exceptions
    assert row["loads"] == 2
    assert row["done"] >= 4  # 2 sessions x at least 2 reruns each
    assert row["moved"] == ["b_freq"]  # the slider found by its URL key in the deltas
    assert row["bytes_per_rerun"] > 20_000  # a 2,000-point line came back each time
    assert 0 < row["p50_s"] <= row["p95_s"] < 20
    assert row["cpu_ms_per_rerun"] > 0


def test_loadgen_rerun_uses_the_new_slider_value(baseline_server):
    """The server ran with the value sent: each new frequency is a new figure (a new cacheable message hash)."""

    async def go():
        sess = Session(baseline_server.url, BASELINE, 20, random.Random(1))
        await sess.open()
        figures = set(sess.cache)
        for _ in range(2):
            await sess.move_slider()
            assert sess.cache - figures, "the rerun sent no new figure: the slider value was not applied"
            figures = set(sess.cache)
        assert sess.query["b_freq"] == f"{sess.slider().value:g}"  # the URL follows the bound slider
        assert not sess.exceptions
        await sess.close()

    run_async(go())


def test_loadgen_counts_errors_when_the_server_dies(baseline_server):
    """A server killed mid-run: every session counts its errors and keeps retrying until the end, no hang."""
    killed_at = []

    async def kill_later(_tally):
        await asyncio.sleep(2.5)
        baseline_server.kill()
        killed_at.append(time.monotonic())

    t0 = time.monotonic()
    tally = run_async(drive(baseline_server.url, BASELINE, 2, 7.0, think=(0.3, 0.5), patience=3, during=kill_later))
    assert time.monotonic() - t0 < 7.0 + 3 + 5  # bounded by the duration and the patience
    assert tally.latencies, "no rerun finished before the kill"
    assert all(t <= killed_at[0] for t in tally.done_at)
    assert tally.errors["disconnect"] >= 2  # both sessions lost their connection
    assert tally.errors["connect"] >= 2  # and their reconnections were refused
    assert tally.errors["exception"] == 0


def test_loadgen_sessions_recover_from_a_paused_server(baseline_server):
    """SIGSTOP longer than the sessions' patience, then SIGCONT: timeouts are counted, then reruns go on."""
    resumed_at = []

    async def pause(_tally):
        await asyncio.sleep(2.0)
        baseline_server.pause()
        await asyncio.sleep(4.0)  # patience is 2 s
        baseline_server.resume()
        resumed_at.append(time.monotonic())

    tally = run_async(drive(baseline_server.url, BASELINE, 2, 11.0, think=(0.3, 0.5), patience=2, during=pause))
    assert tally.errors["timeout"] >= 2, dict(tally.errors)
    assert tally.errors["exception"] == 0, tally.exceptions
    after = [t for t in tally.done_at if t > resumed_at[0]]
    assert len(after) >= 2, "no session came back after the server resumed"
