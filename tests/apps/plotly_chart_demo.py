"""Demo app for the plotly_chart tests only: a slider shifts the curve, a select box picks the trace type.
Both are bound to the URL (``?demo_kind=heatmap&demo_shift=1.5``).

Run: ``streamlit run tests/apps/plotly_chart_demo.py`` from the repository root.
"""

import sys
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import streamlit as st

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from lossviz.components.plotly_chart import plotly_chart, prepare  # noqa: E402
from lossviz.figures import style  # noqa: E402

shift = st.slider("shift", min_value=0.0, max_value=5.0, value=0.0, step=0.5, key="demo_shift", bind="query-params")
kind = st.selectbox("trace", ["scatter", "heatmap", "contour", "bar", "typed"], key="demo_kind", bind="query-params")

x = np.linspace(-5.0, 5.0, 201)
if kind == "typed":  # a dict figure as the pages send it: shared template, float32-exact grid, computed float64 values
    grid = np.linspace(-3.0, 3.0, 25)
    typed = {"data": [{"type": "scatter", "x": grid, "y": np.log1p(np.abs(grid)) + shift / 7, "name": "log1p",
                       "hovertemplate": "d = %{x:.6g}<br>%{y:.6g}<extra></extra>"}],
             "layout": {"title": {"text": f"typed, shift = {shift:g}"}, "template": style.template()}}  # fmt: skip
    plotly_chart(prepare(typed), key="demo_chart", height=400, uirevision=kind)
    st.caption(f"shift = {shift:g}")
    st.stop()
if kind == "scatter":
    fig = go.Figure(go.Scatter(x=x, y=np.sin(x + shift), mode="lines", name="sin(x + shift)"))
elif kind == "bar":
    fig = go.Figure(go.Bar(x=np.arange(10), y=(np.arange(10) + shift) % 7))
else:
    grid = np.linspace(-2.0, 2.0, 41)
    z = np.exp(-((grid[None, :] - shift / 5) ** 2 + grid[:, None] ** 2))
    trace = go.Heatmap if kind == "heatmap" else go.Contour
    fig = go.Figure(trace(x=grid, y=grid, z=z))
fig.update_layout(title=f"{kind}, shift = {shift:g}", margin={"t": 40, "b": 30, "l": 40, "r": 10})

plotly_chart(fig, key="demo_chart", height=400, uirevision=kind)
st.caption(f"shift = {shift:g}")
