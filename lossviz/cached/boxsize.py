"""The Box-size page's caches: results and figure dicts that the controls determine, shared by every session.

Defined once per process (a ``st.cache_data`` decorator run inside a page script costs a source hash on every
rerun). Figures depend on the language (their titles and axis names), so each figure wrapper takes ``lang``.
"""

from __future__ import annotations

import dataclasses

import streamlit as st

from lossviz.analysis import boxsize as A
from lossviz.cached.heap import freeze_imports
from lossviz.figures import boxsize as F
from lossviz.figures import regression as FR

_cache = st.cache_data(max_entries=128, show_spinner=False)


# The size sweep's settings cross the cache boundary as a plain tuple: Streamlit hashes a dataclass field by field
# through its generic reducer, several times slower than a tuple of numbers and strings.
def sweep(settings: A.SizeSettings, names: tuple[str, ...]) -> A.SizeSweep:
    """Every loss in ``names`` against object size (``A.size_sweep``)."""
    return _sweep(dataclasses.astuple(settings), names)


def size_figure(settings: A.SizeSettings, names: tuple[str, ...], lang: str) -> dict:
    """The size sweep's figure dict (``lang``: part of the key; the figure's texts are in it)."""
    return _size_figure(dataclasses.astuple(settings), names, lang)


def ratio_table(settings: A.SizeSettings, names: tuple[str, ...], lang: str):
    """The small/large table of the size sweep."""
    return _ratio_table(dataclasses.astuple(settings), names, lang)


@_cache
def _sweep(fields: tuple, names: tuple[str, ...]) -> A.SizeSweep:
    return A.size_sweep(A.SizeSettings(*fields), names)


@_cache
def _size_figure(fields: tuple, names: tuple[str, ...], lang: str) -> dict:
    return F.size_figure(_sweep(fields, names), names, as_dict=True)


@_cache
def _ratio_table(fields: tuple, names: tuple[str, ...], lang: str):
    return F.ratio_table(_sweep(fields, names), names, A.SMALL, A.LARGE)


@_cache
def nwd_curves(small: float, large: float, max_offset: float, constant: float) -> A.NwdCurves:
    """IoU and NWD against the offset for a tiny and a large square (``A.nwd_vs_offset``)."""
    return A.nwd_vs_offset((small, large), max_offset, constant)


@_cache
def nwd_figure(small: float, large: float, max_offset: float, constant: float, lang: str) -> dict:
    return F.nwd_figure(nwd_curves(small, large, max_offset, constant), as_dict=True)


@_cache
def cbbl(n: int, a: float, kind: str, beta: float, target: float, mu: float, sigma: float):
    """C-BBL's view on its grid (``A.cbbl_view``)."""
    return A.cbbl_view(n, a, kind, beta, target, mu, sigma)


@_cache
def dfl(y: float, mu: float, sigma: float):
    """DFL's view on GFL's grid 0…16 (``A.dfl_view``)."""
    return A.dfl_view(16, y, mu, sigma)


@_cache
def distribution_figures(kind: str, args: tuple, mu: float, lang: str) -> tuple[dict, dict]:
    """The two figure dicts of a distribution view: ``kind`` "cbbl" (``args`` of ``cbbl``) or "dfl" (of ``dfl``)."""
    view = cbbl(*args) if kind == "cbbl" else dfl(*args)
    return FR.cbbl_figure(view, as_dict=True), FR.cbbl_sweep_figure(view, mu, as_dict=True)


freeze_imports()  # after the imports above: reruns then collect only what they made (lossviz.cached.heap)
