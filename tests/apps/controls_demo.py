"""Demo app for the controls tests only: one of each URL-bound wrapper, its value echoed as ``key=value``."""

import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from lossviz.components import controls  # noqa: E402

values = {
    "n": controls.slider("n", "n", 1, 30, 10, 1),
    "x": controls.slider("x", "x", 0.0, 2.0, 1.0, 0.1),
    "k": controls.number_input("k", "k", 1, 100, 5, 1),
    "m": controls.multiselect("m", "m", ["a", "b", "c"], ["a"]),
    "s": controls.selectbox("s", "s", ["one", "two"]),
    "c": controls.checkbox("c", "c", False),
    "w": controls.text_input("w", "w", "hi"),
}
for key, value in values.items():
    st.text(f"{key}={value!r}")
