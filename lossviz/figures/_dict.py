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


def _width(text: str) -> int:
    """Display width in Latin characters: a CJK character counts two."""
    return sum(2 if ord(c) >= 0x2E80 else 1 for c in text)


def wrap_title(title: str, width: int = 44) -> str:
    """Break a long chart title into lines of at most ``width`` Latin characters wide (plotly never wraps, and phones
    are narrow): at spaces, and between any two CJK characters (which count two)."""
    tokens: list[tuple[str, str]] = []  # (text, separator before it)
    for n, word in enumerate(title.split(" ")):
        sep = " " if n else ""
        run = ""
        for c in word:
            if ord(c) >= 0x2E80:
                if run:
                    tokens.append((run, sep))
                    sep, run = "", ""
                tokens.append((c, sep))
                sep = ""
            else:
                run += c
        if run or not word:
            tokens.append((run, sep))
    lines, line = [], ""
    for text, sep in tokens:
        if line and _width(line + sep + text) > width:
            lines.append(line)
            line = text
        else:
            line += sep + text
    lines.append(line)
    return "<br>".join(lines)
