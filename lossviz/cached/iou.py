"""The IoU page's caches: defined once per process, shared by every session (the view's inputs determine them).

Each function is a thin ``st.cache_data`` wrapper over ``lossviz.analysis.iou`` and ``lossviz.figures.iou``. A figure
is cached serialised (``plotly_chart.prepare``: a hit copies one string, not a dict of arrays that the chart would
serialise again on every rerun) and comes back the same for the same inputs, so the chart component's data is
byte-identical and the browser's message cache skips re-sending it. The language is an argument wherever the result
holds translated text.
"""

from __future__ import annotations

import streamlit as st

from lossviz.analysis import iou as A
from lossviz.cached.heap import freeze_imports
from lossviz.components.plotly_chart import PreparedFigure, prepare
from lossviz.figures import iou as F

Box = tuple[float, float, float, float]


@st.cache_data(max_entries=256, show_spinner=False)
def rows(pred: Box, target: Box, options: A.Options) -> list[A.LossRow]:
    """Every loss on the pair with its edge gradient (the table, the bar chart, the metrics)."""
    return A.all_losses(pred, target, options)


@st.cache_data(max_entries=256, show_spinner=False)
def geometry(pred: Box, target: Box) -> A.Geometry:
    return A.geometry(pred, target)


@st.cache_data(max_entries=64, show_spinner=False)
def _landscape(code: str, target: Box, plane: str, fixed: tuple[float, float], n: int, options: A.Options):
    return A.landscape(code, target, plane, fixed, n=n, options=options)


@st.cache_data(max_entries=48, show_spinner=False)
def landscape_figure(code, target, plane, fixed, n, options, current, arrows, lang) -> PreparedFigure:
    """The landscape's figure (float32 arrays), serialised for the chart; ``lang``: the titles' language."""
    land = _landscape(code, target, plane, fixed, n, options)
    return prepare(F.slim(F.landscape_figure(land, A.loss_name(code), current, arrows=arrows, as_dict=True)))


def landscape_columns(code, target, plane, fixed, n, options) -> dict:
    """The plotted landscape as long columns for its CSV (called only when the download button is clicked)."""
    return _landscape(code, target, plane, fixed, n, options).columns()


@st.cache_data(max_entries=128, show_spinner=False)
def bar_figure(pred: Box, target: Box, options: A.Options, code: str, lang: str) -> PreparedFigure:
    return prepare(F.slim(F.losses_bar_figure(rows(pred, target, options), code, as_dict=True)))


@st.cache_data(max_entries=128, show_spinner=False)
def table(pred: Box, target: Box, options: A.Options, lang: str):
    """The loss table (translated headers in ``lang``)."""
    return F.loss_table(rows(pred, target, options))


@st.cache_data(max_entries=128, show_spinner=False)
def shown_table(pred: Box, target: Box, options: A.Options, lang: str):
    """The loss table as shown: the value and the four derivatives as text with 6 decimals. A plain frame of text
    costs ``st.table`` ~1 ms; the same table through a pandas ``Styler`` (``.format``) cost ~30 ms on every rerun."""
    shown = table(pred, target, options, lang).copy()
    for col in shown.columns[1:6]:
        shown[col] = [f"{v:.6f}" for v in shown[col]]
    return shown


@st.cache_data(max_entries=256, show_spinner=False)
def formulas(code: str, pred: Box, target: Box, options: A.Options) -> tuple[list[str], float]:
    """The selected loss as LaTeX (the core's terms and their values; SIoU's Δ and Ω spelled out) and eps's share."""
    value = next(r.value for r in rows(pred, target, options) if r.code == code)
    lines = [F.formula_latex(A.formula_terms(code, pred, target, options), value)]
    lines += F.siou_latex(A.siou_parts(pred, target)) if code == "siou" else []
    return lines, A.eps_share(pred, target)


freeze_imports()  # after the imports above: reruns then collect only what they made (lossviz.cached.heap)
