"""Figures built as plain dicts: plotly's validation of a ``go.Figure`` costs ~20 ms per figure on every rerun.

A builder returns ``{"data": [...], "layout": {...}}``; ``@figure_builder`` adds the template and returns a
validated ``go.Figure`` by default, or the dict itself with ``as_dict=True`` (what the pages pass to
``plotly_chart``). Tests validate every dict a page sends, so a misspelt property cannot slip through.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio


@functools.cache
def template() -> dict:
    """``plotly_white`` as the dict that ``go.Figure`` would inline (plotly.js knows no template names)."""
    return pio.templates["plotly_white"].to_plotly_json()


def figure_builder(build: Callable[..., dict]) -> Callable[..., Any]:
    """Wrap a dict-building figure function: ``f(...)`` gives a ``go.Figure``, ``f(..., as_dict=True)`` the dict."""

    @functools.wraps(build)
    def figure(*args: Any, as_dict: bool = False, **kwargs: Any) -> go.Figure | dict:
        fig = build(*args, **kwargs)
        fig["layout"]["template"] = template()
        return fig if as_dict else go.Figure(fig)

    return figure
