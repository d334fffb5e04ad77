"""Back and Forward give a page the URL it had when it was left: every way a page's run can end notes it.

A full run notes the page's URL at its start (a rerun of the same page) and however it ends (``shell.run``); a
fragment's run skips the shell and notes it through ``shell.fragment``. (Controls used to note it as each was built,
which repeated these notes on every control.)"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import run_app

from lossviz.analysis import simulation as sim
from lossviz.components import shell

PAGES = sorted((Path(__file__).resolve().parents[1] / "lossviz" / "pages").glob("*.py"))


def _fragments_not_through_the_shell(tree: ast.AST) -> list[str]:
    """Every use of Streamlit's ``fragment`` in ``tree`` (``st.fragment``, ``streamlit.fragment``, an import of it)."""
    streamlit_names = {"st", "streamlit"}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            streamlit_names |= {a.asname for a in node.names if a.name == "streamlit" and a.asname}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("streamlit"):
            found += [f"line {node.lineno}: from {node.module} import {a.name}" for a in node.names
                      if a.name in ("fragment", "*")]  # fmt: skip
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "fragment":
            if isinstance(node.value, ast.Name) and node.value.id in streamlit_names:
                found.append(f"line {node.lineno}: {node.value.id}.fragment")
        elif isinstance(node, ast.Constant) and node.value == "fragment":  # getattr(st, "fragment")
            found.append(f"line {node.lineno}: 'fragment'")
    return found


def test_every_fragment_of_a_page_goes_through_shell_fragment():
    """A fragment's run skips the shell: a page fragment made with ``st.fragment`` itself would never note the page's
    URL, and Back would bring back what the page was before a control or expander in it changed."""
    bad, through_shell = {}, 0
    for path in PAGES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if found := _fragments_not_through_the_shell(tree):
            bad[path.name] = found
        through_shell += sum(
            isinstance(n, ast.Attribute) and n.attr == "fragment" and isinstance(n.value, ast.Name)
            and n.value.id == "shell" for n in ast.walk(tree)
        )  # fmt: skip
    assert not bad, f"use @shell.fragment, not Streamlit's own: {bad}"
    assert through_shell >= 10, through_shell  # the sections of regression, IoU, classification, ... are fragments


def test_the_static_check_finds_each_way_of_reaching_streamlits_fragment():
    for source in (
        "import streamlit as st\n@st.fragment\ndef f(): pass",
        "import streamlit as st\n@st.fragment(run_every=1)\ndef f(): pass",
        "import streamlit\nf = streamlit.fragment(lambda: None)",
        "import streamlit as s2\n@s2.fragment\ndef f(): pass",
        "from streamlit import fragment",
        "import streamlit as st\nf = getattr(st, 'fragment')",
    ):
        assert _fragments_not_through_the_shell(ast.parse(source)), source
    assert not _fragments_not_through_the_shell(ast.parse("from lossviz.components import shell\n@shell.fragment\n"
                                                          "def f(): pass"))  # fmt: skip


def test_back_to_a_page_that_stopped_early_restores_the_url_it_was_left_with(monkeypatch):
    """A shared link to Simulation at the paper's scale waits for its start button (the run stops early, before the
    end of ``shell.run``); the student looks at Home and presses Back, to the bare /simulation entry Streamlit
    pushes on the way out: the link's settings come back, not the reduced default."""
    points = str(sim.PAPER_POINTS)
    at = run_app("simulation", {"sim_points": points, "sim_iters": "150"})
    assert not at.exception
    assert at.button(key="sim_start")  # stopped early, waiting for the user's start
    assert at.number_input(key="sim_points").value == sim.PAPER_POINTS
    at.query_params.clear()  # what the frontend sends when it leaves the page
    at.switch_page("lossviz/pages/home.py").run()
    monkeypatch.setattr(shell, "_is_history_navigation", lambda: True)
    at.query_params.clear()
    at.switch_page("lossviz/pages/simulation.py").run()
    assert not at.exception
    assert at.number_input(key="sim_points").value == sim.PAPER_POINTS
    assert at.number_input(key="sim_iters").value == 150
    assert at.query_params.get("sim_points") == [points] or at.query_params.get("sim_points") == points
