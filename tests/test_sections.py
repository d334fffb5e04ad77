"""``lossviz.components.sections``: the rerun of a page's drawn sections from a control's callback."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _page(draw_b: bool, keys: tuple[str, ...]) -> None:
    import streamlit as st

    from lossviz.components import sections

    state = st.session_state
    state.setdefault("runs", [])

    @st.fragment(key="a")
    def a() -> None:
        state.runs.append("a")
        st.write(f"a sees {state.get('x', 0)}")

    @st.fragment(key="b")
    def b() -> None:
        state.runs.append("b")

    state.runs.append("page")
    st.slider("x", 0, 10, 0, key="x", on_change=sections.rerun_drawn(*keys))
    a()
    if draw_b:  # a closed section: its fragment is never drawn
        b()


def _app(draw_b: bool, keys: tuple[str, ...]) -> AppTest:
    at = AppTest.from_function(_page, kwargs={"draw_b": draw_b, "keys": keys}, default_timeout=30)
    return at.run()


def test_a_control_reruns_the_drawn_sections_it_names_and_skips_one_not_drawn():
    """Streamlit refuses a keyed rerun of a fragment it has not drawn ("No fragment found"): a closed section."""
    at = _app(False, ("a", "b"))
    assert at.session_state.runs == ["page", "a"]
    at.slider(key="x").set_value(3).run()
    assert not at.exception, at.exception
    assert at.session_state.runs == ["page", "a", "a"]  # the section reran, reading the new value; not the page
    assert "a sees 3" in [m.value for m in at.markdown]


def test_with_none_of_its_sections_drawn_a_control_reruns_the_page():
    at = _app(False, ("b",))
    at.slider(key="x").set_value(3).run()
    assert not at.exception, at.exception
    assert at.session_state.runs == ["page", "a", "page", "a"]


def test_outside_a_script_run_nothing_is_drawn():
    from lossviz.components import sections

    assert sections.drawn(["a"]) == []
    sections.rerun_drawn("a")()  # a no-op, not an error
