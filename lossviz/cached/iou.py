"""The IoU page's caches: defined once per process, shared by every session (the view's inputs determine them).

Each function is a thin cache over ``lossviz.analysis.iou`` and ``lossviz.figures.iou``: ``st.cache_data`` keyed by
its arguments' exact text (``lossviz.cached.keyed``: a lookup hashes one short string). A figure is cached serialised
(``plotly_chart.prepare``: a hit copies one string, not a dict of arrays that the chart would serialise again on every
rerun) and comes back the same for the same inputs, so the chart component's data is byte-identical and the
browser's message cache skips re-sending it. The language is an argument wherever the result holds translated text.

Sizes: a class moving one coordinate over its 0.5 grid visits 201 pairs, each with two landscape figures (the centre
plane's at the box's size, the size plane's at its centre). The caches hold that working set, so the class's sessions
share it instead of recomputing: a miss costs ~10 ms of torch alone and, under load, waits for the GIL at every torch
call. With 30 sessions moving a coordinate (``python -m bench.loadgen --targets iou``) the server's CPU per rerun went
from 83 to 63-69 ms and the p95 from 1.84 to 1.26-1.35 s, against the caches a quarter of this size. Bounded:
at most ~1.4 MB of pairs, ~3 MB of details, ~16 MB of landscape figures (~30 kB each, serialised) and ~6 MB of
landscapes (float32 in the cache).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lossviz.analysis import iou as A
from lossviz.cached import keyed
from lossviz.cached.heap import freeze_imports
from lossviz.components.plotly_chart import PreparedFigure, prepare
from lossviz.figures import iou as F

Box = tuple[float, float, float, float]


@keyed.cache_data(max_entries=1024, show_spinner=False)
def pair(pred: Box, target: Box, options: A.Options) -> tuple[list[A.LossRow], A.Geometry]:
    """Every loss on the pair with its edge gradient (the metrics, the canvas's arrows) and the pair's geometry (the
    canvas's overlay), in one entry: one key to hash per drag step, not one per result."""
    return A.all_losses(pred, target, options), A.geometry(pred, target)


@keyed.cache_data(max_entries=128, show_spinner=False)
def _landscape(code: str, target: Box, plane: str, fixed: tuple[float, float], n: int, options: A.Options):
    """The landscape with its values as float32 (what the figure draws and the CSV holds): half the cache's memory.
    Looked up when its figure is not cached; it hits when only the marked box moved (a translation, centre plane)."""
    land = A.landscape(code, target, plane, fixed, n=n, options=options)
    f32 = {k: getattr(land, k).astype(np.float32) for k in ("loss", "grad_x", "grad_y")}
    return dataclasses.replace(land, **f32)


@keyed.cache_data(max_entries=512, show_spinner=False)
def landscape_figure(code, target, plane, fixed, n, options, current, arrows, lang) -> PreparedFigure:
    """The landscape's figure (float32 arrays), serialised for the chart; ``lang``: the titles' language."""
    land = _landscape(code, target, plane, fixed, n, options)
    return prepare(F.slim(F.landscape_figure(land, A.loss_name(code), current, arrows=arrows, as_dict=True)))


def landscape_columns(code, target, plane, fixed, n, options) -> dict:
    """The plotted landscape as long columns for its CSV (called only when the download button is clicked)."""
    return _landscape(code, target, plane, fixed, n, options).columns()


@dataclass(frozen=True)
class Details:
    """What the pair's details section shows, for one pair, options, selected loss and language."""

    table: pd.DataFrame  # full precision: the CSV
    shown: pd.DataFrame  # as shown: the value and the four derivatives as text with 6 decimals
    bar: PreparedFigure  # every loss's value, the selected one marked
    formulas: tuple[str, ...]  # the selected loss as LaTeX (the core's terms and values; SIoU's Δ and Ω spelled out)
    eps_share: float  # the share of eps in the loss's denominators: shown when it is not negligible


@keyed.cache_data(max_entries=512, show_spinner=False)
def details(pred: Box, target: Box, options: A.Options, code: str, lang: str) -> Details:
    """The details section in one cache entry: one key to hash and one value to copy per rerun, where a table, its
    text, the bar chart and the formulas each cached apart cost four keys and three more lookups of the pair's losses
    (~10 ms of server CPU for every box a class moves). ``lang``: the headers' and titles' language."""
    losses, _ = pair(pred, target, options)
    value = next(r.value for r in losses if r.code == code)
    formulas = [F.formula_latex(A.formula_terms(code, pred, target, options), value)]
    formulas += F.siou_latex(A.siou_parts(pred, target)) if code == "siou" else []
    return Details(
        table=F.loss_table(losses),
        shown=F.loss_table(losses, decimals=6),
        bar=prepare(F.slim(F.losses_bar_figure(losses, code, as_dict=True))),
        formulas=tuple(formulas),
        eps_share=A.eps_share(pred, target),
    )


freeze_imports()  # after the imports above: reruns then collect only what they made (lossviz.cached.heap)
