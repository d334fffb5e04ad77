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
