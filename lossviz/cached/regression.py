"""The Regression page's caches, defined once per process and shared by every session.

``st.cache_data`` written inside the page script cost ~3 ms per decorator per rerun (Streamlit hashes the function's
source with ``inspect.getsource`` each time it is applied). Here each is applied once, at import.

The charts are cached serialised (``plotly_chart.prepare``): a cache hit is one string, not a figure dict to copy
and serialise again. Figures carry translated text, so their caches take the language as an argument.
"""

from __future__ import annotations

import streamlit as st

from lossviz.analysis import regression as A
from lossviz.cached.heap import freeze_imports
from lossviz.components.plotly_chart import PreparedFigure, prepare
from lossviz.figures import regression as F


# Parameters hash as the tuples of their numbers: Streamlit's generic hashing of a dataclass costs ~0.3 ms more a
# lookup, and a slider step makes several lookups.
def _numbers(obj: A.Params | A.Mixture) -> tuple:
    """A frozen dataclass of numbers as the tuple of its fields (``dataclasses.astuple`` deep-copies each one)."""
    return tuple(vars(obj).values())


_cache = st.cache_data(max_entries=256, show_spinner=False, hash_funcs={A.Params: _numbers, A.Mixture: _numbers})

curves = _cache(A.curves)
family = _cache(A.family)
gradient_balance = _cache(A.gradient_balance)
probe = _cache(A.probe)
notices = _cache(A.notices)


@_cache
def curves_chart(params: A.Params, max_abs: float, names: tuple[str, ...], closed: bool, lang: str) -> PreparedFigure:
    """The loss/gradient chart, serialised (``lang``: its texts' language, part of the key)."""
    return prepare(F.curves_figure(curves(params, max_abs, names=names), show_closed_form=closed, as_dict=True))


@_cache
def family_chart(param: str, values: tuple[float, ...], params: A.Params, lang: str) -> PreparedFigure:
    """The Balanced L1 family chart for ``param`` swept over ``values``, serialised."""
    return prepare(F.family_figure(family(param, values, params, max_abs=3.0), as_dict=True))


@_cache
def balance_chart(mixture: A.Mixture, params: A.Params, split: float, lang: str) -> PreparedFigure:
    """The gradient-balance chart, serialised."""
    return prepare(F.balance_figure(gradient_balance(mixture, params, split), as_dict=True))


freeze_imports()  # after the imports above: reruns then collect only what they made (lossviz.cached.heap)
