"""Small output helpers that keep a page to "widgets in, figures out": a row of charts, a row of metrics, a table,
the formulas. Nothing here creates a widget or computes a number; the figures layer builds what is shown.

    from lossviz.components import sections

    sections.charts((fig_a, "cls_a", 420), (fig_b, "cls_b", 420))  # side by side; stacked on a phone
    sections.metrics(F.focal_metrics(alpha, gamma))                  # keyword dicts for st.metric
    sections.table(df, numbers_from=2)                               # columns 2.. shown with 4 decimals
    sections.formulas(F.FORMULAS["focal"])                           # one st.latex per short line
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st

from lossviz.components.plotly_chart import plotly_chart


def charts(*items: tuple[Any, str, int]) -> None:
    """Figures ``(figure or dict, key, height)`` side by side on a wide screen, one under the other on a phone."""
    for col, (fig, key, height) in zip(st.columns(len(items)), items, strict=True):
        with col:
            plotly_chart(fig, key=key, height=height)


def metrics(items: Sequence[dict]) -> None:
    """``st.metric(**item)`` for each item, side by side."""
    for col, item in zip(st.columns(len(items)) if items else [], items, strict=True):
        col.metric(**item)


def table(frame: Any, numbers_from: int | None = None, decimals: int = 4) -> None:
    """A read-only table without its index; columns from ``numbers_from`` on shown with ``decimals`` decimals."""
    fmt = None
    if numbers_from is not None:
        fmt = {c: st.column_config.NumberColumn(format=f"%.{decimals}f") for c in frame.columns[numbers_from:]}
    st.dataframe(frame, hide_index=True, column_config=fmt)


def formulas(lines: Sequence[str]) -> None:
    """Each LaTeX line on its own (short lines wrap nowhere and fit a 390 px phone)."""
    for tex in lines:
        st.latex(tex)
