"""The bare Streamlit baseline for the load generator: one URL-bound slider and one 2,000-point Plotly line.

``streamlit run bench/baseline_app.py``: what a minimal interactive page costs the same server under the same load,
so that lossviz's pages are measured as ratios against it (issue 15).
"""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

freq = st.slider("frequency", min_value=0.5, max_value=10.0, value=1.0, step=0.1, key="b_freq", bind="query-params")
x = np.linspace(0.0, 10.0, 2000)
fig = go.Figure(go.Scatter(x=x, y=np.sin(freq * x), mode="lines"))
st.plotly_chart(fig)
