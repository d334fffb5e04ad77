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

from lossviz.figures import style


def template() -> dict:
    """The shared template (``style.template()``: plotly_white, our colourway and font) as ``go.Figure`` inlines it."""
    return style.template()


def figure_builder(build: Callable[..., dict]) -> Callable[..., Any]:
    """Wrap a dict-building figure function: ``f(...)`` gives a ``go.Figure``, ``f(..., as_dict=True)`` the dict."""

    @functools.wraps(build)
    def figure(*args: Any, as_dict: bool = False, **kwargs: Any) -> go.Figure | dict:
        fig = build(*args, **kwargs)
        fig["layout"]["template"] = template()
        return fig if as_dict else go.Figure(fig)

    return figure


def wrap_title(title: str, width: int = 44) -> str:
    """Break a long chart title into lines of at most ``width`` characters (plotly never wraps, and phones are
    narrow): at spaces, or anywhere in text without spaces (Chinese)."""
    if " " not in title:
        width //= 2  # CJK characters are about twice as wide as Latin ones
    lines, line = [], ""
    for word in title.split(" ") if " " in title else list(title):
        sep = " " if line and " " in title else ""
        if line and len(line) + len(sep) + len(word) > width:
            lines.append(line)
            line = word
        else:
            line += sep + word
    lines.append(line)
    return "<br>".join(lines)
