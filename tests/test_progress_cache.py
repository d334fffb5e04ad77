"""``cached_with_progress``: computes once per key across reruns, shows no bar afterwards, never caches a failure."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _script():
    import streamlit as st

    from lossviz.components.progress_cache import cached_with_progress

    calls = st.session_state.setdefault("calls", [])

    def compute(progress):
        calls.append(st.session_state.get("key", 1))
        progress(0.5)
        if st.session_state.get("fail"):
            raise ValueError("bad input")
        return 10 * st.session_state.get("key", 1)

    try:
        st.write(f"value {cached_with_progress(('test_pc', st.session_state.get('key', 1)), compute, 'busy')}")
    except ValueError as err:
        st.error(str(err))


def test_computes_once_per_key_and_does_not_cache_a_failure():
    at = AppTest.from_function(_script, default_timeout=60)
    at.session_state["key"] = 101
    at.run()
    assert at.markdown[0].value == "value 1010"
    at.run()
    assert at.session_state["calls"] == [101]  # the rerun read the cache
    assert not at.get("progress")  # the bar is gone once done
    at.session_state["key"] = 102
    at.session_state["fail"] = True
    at.run()
    assert at.error[0].value == "bad input"
    at.session_state["fail"] = False
    at.run()
    assert at.markdown[0].value == "value 1020"
    assert at.session_state["calls"] == [101, 102, 102]  # the failure was recomputed, not cached


def test_sessions_asking_for_a_key_being_computed_wait_for_it_instead_of_computing_it_again():
    """Issue 15 (Libra's tail at 30 sessions): a class moving one slider to a new value asks for that value's study
    from many sessions at once; one computes it, the others wait and take its result."""
    import threading
    import time
    import uuid

    from lossviz.components.progress_cache import cached_with_progress

    key = ("test_pc_flight", uuid.uuid4().hex)
    calls, results = [], []
    started = threading.Event()

    def compute(progress):
        calls.append(1)
        started.set()
        time.sleep(0.3)
        return "study"

    def session():
        results.append(cached_with_progress(key, compute, "busy"))

    first = threading.Thread(target=session)
    first.start()
    started.wait(5)
    others = [threading.Thread(target=session) for _ in range(5)]
    for th in others:
        th.start()
    for th in [first, *others]:
        th.join(10)
    assert results == ["study"] * 6
    assert len(calls) == 1


def test_a_failed_computation_leaves_the_key_free_for_the_next_session():
    from lossviz.components.progress_cache import _locks, cached_with_progress

    def fail(progress):
        raise ValueError("bad")

    key = ("test_pc_fail", 1)
    for _ in range(2):
        try:
            cached_with_progress(key, fail, "busy")
        except ValueError:
            pass
    assert key not in _locks()[1]
    assert cached_with_progress(key, lambda progress: 7, "busy") == 7
