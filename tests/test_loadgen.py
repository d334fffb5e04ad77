"""The load generator (bench/loadgen.py) end to end on the bare baseline page: reruns counted, errors counted."""

from __future__ import annotations

import asyncio
import random
import time

import pytest

from bench.loadgen import PAGES, TARGETS, Server, Session, Tally, drive, main, run_async, summarise, table
from lossviz.components import shell

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


def test_loadgen_has_a_target_for_every_page_and_all_selects_them(monkeypatch):
    """``--targets all`` measures every page of the app's navigation, each beside the bare baseline and the bare page on
    lossviz's config."""
    assert sorted(PAGES) == sorted(p.url_path for p in shell.PAGES)
    assert all(TARGETS[n].path == n for n in PAGES)
    measured = []
    monkeypatch.setattr("bench.loadgen.measure", lambda target, n, *a: measured.append(target.name) or _row(target))
    monkeypatch.setattr("bench.loadgen.write", lambda rows, name="": table(rows))
    assert main(["--targets", "all", "--sessions", "1", "--duration", "1"]) == 0
    # bare Streamlit (its default per-rerun gc), then the same bare page on lossviz's config, then every page
    assert measured == ["baseline", "baseline_config", *PAGES]
    assert TARGETS["baseline"].flags == ("--runner.postScriptGC", "true") and TARGETS["baseline_config"].flags == ()


def _row(target) -> dict:
    tally = Tally(latencies=[0.1], done_at=[1.0], loads=[0.2], loaded_at=[0.5])
    return {**summarise(tally, 1, 1.0, 0.1, 0), "target": target.name}


@pytest.fixture(scope="module")
def app_server():
    with Server() as server:
        yield server


def test_loadgen_simulation_target_flips_the_log_toggle_on_the_cached_run(app_server):
    """The Simulation page has no slider: its session flips the curves' log-scale toggle (a bool widget state),
    the URL follows it, the figure changes, and nothing raises."""

    async def go():
        sess = Session(app_server.url, TARGETS["simulation"], 120, random.Random(2))
        await sess.open()
        seen = set(sess.elements)
        await sess.move_slider()
        assert sess.moved == "sim_log" and sess.slider().kind == "toggle"
        assert sess.query["sim_log"] == "true" and sess.slider().value == 1.0
        assert sess.elements - seen, "nothing new: the toggle's state was not applied"
        await sess.move_slider()
        assert sess.query["sim_log"] == "false"
        assert not sess.exceptions, sess.exceptions
        await sess.close()

    run_async(go())


def test_loadgen_sensitivity_target_moves_the_bucket_count(app_server):
    """The Sensitivity page on its first visit (the synthetic sample): the number of buckets moves, and each new
    bucketing sends a new table and figures."""

    async def go():
        sess = Session(app_server.url, TARGETS["sensitivity"], 120, random.Random(3))
        await sess.open()
        for _ in range(2):
            seen = set(sess.elements)  # figures this small are sent whole, not through the message cache
            await sess.move_slider()
            assert sess.moved == "sens_buckets"
            assert sess.query["sens_buckets"] == f"{sess.slider().value:g}"
            assert sess.elements - seen, "the rerun sent nothing new: the bucket count was not applied"
        assert not sess.exceptions, sess.exceptions
        await sess.close()

    run_async(go())


def test_loadgen_moves_a_control_drawn_in_a_fragment_with_a_run_of_that_fragment(app_server):
    """A browser asks for a run of the fragment a moved control was drawn in, not of the page; the load generator
    did not (it asked for the page every time, the shell and every section included). It now sends the fragment id
    the control's delta carried, so a page's fragments cost here what they cost a browser; a control outside any
    fragment still reruns the page, unless its callback reruns the sections that read it (Regression's α).
    Simulation's log scale is drawn in a fragment with its chart, and reruns only those."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    async def go():
        sess = Session(app_server.url, TARGETS["libra"], 120, random.Random(4))
        await sess.open()
        assert sess.last_finish == ForwardMsg.FINISHED_SUCCESSFULLY  # the page's first run
        control = sess.slider()
        assert control.key == "lib_crowd" and control.fragment  # drawn inside the sampling panel's fragment
        await sess.move_slider()
        assert sess.last_finish == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
        assert not sess.exceptions, sess.exceptions
        await sess.close()
        page = Session(app_server.url, TARGETS["sensitivity"], 120, random.Random(5))
        await page.open()
        assert page.slider().key == "sens_buckets" and not page.slider().fragment  # above the report: the page
        await page.move_slider()
        assert page.last_finish == ForwardMsg.FINISHED_SUCCESSFULLY
        await page.close()
        for target, key in (("simulation", "sim_log"), ("regression", "reg_alpha")):
            sess = Session(app_server.url, TARGETS[target], 120, random.Random(6))
            await sess.open()
            assert sess.slider().key == key
            assert bool(sess.slider().fragment) == (target == "simulation")  # α is drawn above the sections
            await sess.move_slider()  # and reruns them from its callback (keyed), not the page
            assert sess.last_finish == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY, target
            assert not sess.exceptions, sess.exceptions
            await sess.close()

    run_async(go())


def test_summary_reports_a_bursts_page_loads_and_the_reruns_after_them():
    """A burst's recovery: the time until the last first page load finished, and only the reruns started after it."""
    t0 = 100.0
    tally = Tally(
        started=t0,
        loads=[1.0, 4.0],
        loaded_at=[t0 + 1.0, t0 + 4.0],
        latencies=[2.5, 0.2, 0.3],
        done_at=[t0 + 5.0, t0 + 6.0, t0 + 8.0],  # the first started at t0 + 2.5, before the last load finished
    )
    row = summarise(tally, 2, 10.0, 1.0, 0)
    assert row["load_max_s"] == 4.0 and row["all_loaded_s"] == 4.0
    assert row["settled_reruns"] == 2 and row["settled_p95_s"] == 0.3
    row.update(target="baseline", burst=True)
    assert "| baseline | 1 | 2 | 2 | 0 | 2.5 s / 4.0 s / 4.0 s | 4.0 s | 2, 0.30 s |" in table([row])


@pytest.mark.parametrize("name", [n for n in PAGES if n != "iou"])
def test_paint_bench_and_loadgen_move_a_control_each_page_shows(name):
    """bench/bench_paint.py and the load generator press a control that the page really shows on a first visit
    (found by its widget key: Streamlit puts ``st-key-<key>`` on a keyed widget's container). The IoU page's control
    is its canvas (``tests/test_browser_iou.py``)."""
    import re

    from bench import bench_paint
    from tests.conftest import run_app

    assert sorted(bench_paint.PAGES) == sorted(p.url_path for p in shell.PAGES)
    control = bench_paint.CONTROLS[name]
    key = re.match(r"\.st-key-(\w+) ", control.selector).group(1)
    assert TARGETS[name].slider == key  # the same control under load and for one user
    at = run_app(name, timeout=300)  # Simulation computes its reduced run on a first visit
    widgets = at.toggle if control.kind == "toggle" else at.slider
    assert any(w.key == key for w in widgets), (name, key, [w.key for w in widgets])
