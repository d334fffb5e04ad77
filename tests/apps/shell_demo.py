"""Demo app for the shell's shared helpers only: the explanation expander and the download row."""

import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from lossviz.components import downloads, shell  # noqa: E402

shell._start_visit(st.session_state.get("demo_page", "a"))  # what the shell's navigation does for the page shown
with shell.explanation("demo"):
    st.markdown("what this shows")
st.slider("s", 0, 10, 5, key="demo_slider")
downloads.buttons("demo_data", csv={"a": [1, 2]}, json=lambda: {"a": [1, 2]}, key="demo_dl")
