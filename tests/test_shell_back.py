"""Back and Forward give a page the URL it had when it was left: every way a page's run can end notes it.

A full run notes the page's URL at its start (a rerun of the same page) and at its end (``shell.run``), or before it
stops early (``controls.stop``); a fragment's run skips the shell and notes it through ``shell.fragment``. (Each
control used to note it as it was built, repeating these notes.)"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from conftest import run_app

from lossviz.analysis import simulation as sim
from lossviz.components import shell

PAGES = sorted((Path(__file__).resolve().parents[1] / "lossviz" / "pages").glob("*.py"))


def _streamlits_own(tree: ast.AST, name: str) -> list[str]:
    """Every use of Streamlit's ``name`` in ``tree`` (``st.<name>``, ``streamlit.<name>``, an import of it)."""
    streamlit_names = {"st", "streamlit"}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            streamlit_names |= {a.asname for a in node.names if a.name == "streamlit" and a.asname}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("streamlit"):
            found += [f"line {node.lineno}: from {node.module} import {a.name}" for a in node.names
                      if a.name in (name, "*")]  # fmt: skip
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == name:
            if isinstance(node.value, ast.Name) and node.value.id in streamlit_names:
                found.append(f"line {node.lineno}: {node.value.id}.{name}")
        elif isinstance(node, ast.Constant) and node.value == name:  # getattr(st, name)
            found.append(f"line {node.lineno}: {name!r}")
    return found


def _uses_of(tree: ast.AST, module: str, name: str) -> int:
    return sum(
        isinstance(n, ast.Attribute) and n.attr == name and isinstance(n.value, ast.Name) and n.value.id == module
        for n in ast.walk(tree)
    )


def test_every_fragment_of_a_page_goes_through_shell_fragment():
    """A fragment's run skips the shell: a page fragment made with ``st.fragment`` itself would never note the page's
    URL, and Back would bring back what the page was before a control or expander in it changed."""
    trees = {path.name: ast.parse(path.read_text(encoding="utf-8")) for path in PAGES}
    bad = {name: found for name, tree in trees.items() if (found := _streamlits_own(tree, "fragment"))}
    assert not bad, f"use @shell.fragment, not Streamlit's own: {bad}"
    through_shell = sum(_uses_of(tree, "shell", "fragment") for tree in trees.values())
    assert through_shell >= 10, through_shell  # the sections of regression, IoU, classification, ... are fragments


def test_every_page_that_ends_early_stops_through_controls_stop():
    """Nothing runs after ``st.stop()``, not the shell's end of the run: a page that stopped with Streamlit's own
    would neither report unknown URL parameters nor note its URL for Back (``controls.stop`` does both first)."""
    trees = {path.name: ast.parse(path.read_text(encoding="utf-8")) for path in PAGES}
    bad = {name: found for name, tree in trees.items() if (found := _streamlits_own(tree, "stop"))}
    assert not bad, f"use controls.stop(), not st.stop(): {bad}"
    assert sum(_uses_of(tree, "controls", "stop") for tree in trees.values()) >= 2  # Simulation's and Sensitivity's


@pytest.mark.parametrize("name", ["fragment", "stop"])
def test_the_static_checks_find_each_way_of_reaching_streamlits_own(name):
    for source in (
        f"import streamlit as st\n@st.{name}\ndef f(): pass",
        f"import streamlit as st\n@st.{name}(run_every=1)\ndef f(): pass",
        f"import streamlit\nf = streamlit.{name}(lambda: None)",
        f"import streamlit as s2\n@s2.{name}\ndef f(): pass",
        f"from streamlit import {name}",
        f"import streamlit as st\nf = getattr(st, '{name}')",
    ):
        assert _streamlits_own(ast.parse(source), name), source
    ours = f"from lossviz.components import shell, controls\n@shell.{name}\ndef f(): controls.{name}()"
    assert not _streamlits_own(ast.parse(ours), name)


def test_a_page_that_stopped_early_is_left_with_its_url_noted_and_back_restores_it(monkeypatch):
    """A shared link to Simulation at the paper's scale waits for its start button (the run stops early, before the
    end of ``shell.run``); the student looks at Home and presses Back, to the bare /simulation entry Streamlit
    pushes on the way out: the link's settings must be what the session remembers of the page, and come back."""
    query = {"sim_points": str(sim.PAPER_POINTS), "sim_iters": "150"}
    at = run_app("simulation", query)
    assert not at.exception
    assert at.button(key="sim_start")  # stopped early, waiting for the user's start
    at.query_params.clear()  # what the frontend sends when it leaves the page
    at.switch_page("lossviz/pages/home.py").run()
    assert at.session_state[shell._QUERIES]["simulation"] == {k: [v] for k, v in query.items()}
    monkeypatch.setattr(shell, "_is_history_navigation", lambda: True)
    at.query_params.clear()
    at.switch_page("lossviz/pages/simulation.py").run()
    assert not at.exception
    assert at.number_input(key="sim_points").value == sim.PAPER_POINTS
    assert at.number_input(key="sim_iters").value == 150
